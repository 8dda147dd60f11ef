/* Numbered schema migrations: files NNN_name.sql in a folder, applied in
 * order, each in its own transaction, recorded in schema_migrations. */
#ifndef OVI_MIGRATE_H
#define OVI_MIGRATE_H
#include "store/db.h"

/* Apply every migration newer than the database. Returns how many were
 * applied, or -1 (the failing migration is rolled back). */
int migrate_apply(struct db *db, const char *dir);

/* The highest applied migration number (0 for a new database). */
int migrate_version(struct db *db);

#endif

/* For unit tests that need a database: a fresh SQLite file in a new
 * temporary folder, with the project's migrations applied (tests run from
 * the repository root, so "migrations" is found), and its removal. */
#ifndef OVI_TESTDB_H
#define OVI_TESTDB_H
#include <stdio.h>
#include <stdlib.h>

#include "store/db.h"
#include "store/migrate.h"

/* dir: a writable "/tmp/NAME-XXXXXX" template, filled in. NULL on failure. */
static inline struct db *testdb_open(char *dir)
{
	if (!mkdtemp(dir))
		return NULL;
	char p[512];
	snprintf(p, sizeof(p), "%s/t.db", dir);
	struct db *db = db_open(p);
	if (db && migrate_apply(db, "migrations") <= 0) {
		db_close(db);
		return NULL;
	}
	return db;
}

/* Close the database and remove the folder; 0 or -1. */
static inline int testdb_close(struct db *db, const char *dir)
{
	db_close(db);
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

#endif

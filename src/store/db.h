/* The narrow database interface every caller uses.
 *
 * SQL is written once, portable between SQLite and PostgreSQL: `?`
 * placeholders (a PostgreSQL driver rewrites them to $1, $2, ...), integer
 * Unix times instead of date types, no SQLite- or PostgreSQL-only functions,
 * and `INSERT ... RETURNING id` for new keys. A connection belongs to one
 * thread. Statements are prepared, bound, stepped and finalized. */
#ifndef OVI_DB_H
#define OVI_DB_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;
struct db_stmt;

enum db_step { DB_ROW = 1, DB_DONE = 0, DB_ERR = -1 };

/* Open by URL: "sqlite:PATH" or a plain path (SQLite). NULL on failure. */
struct db *db_open(const char *url);
void db_close(struct db *db);

/* Prepare one statement; NULL on error (logged without the bound values). */
struct db_stmt *db_prepare(struct db *db, const char *sql);
/* Parameters are numbered from 1. Text is copied. */
int db_bind_text(struct db_stmt *st, int i, const char *s);
int db_bind_int(struct db_stmt *st, int i, int64_t v);
int db_bind_null(struct db_stmt *st, int i);
enum db_step db_step(struct db_stmt *st);
/* Columns are numbered from 0. Text is valid until the next step or finalize;
 * NULL for SQL NULL. */
const char *db_col_text(struct db_stmt *st, int i);
int64_t db_col_int(struct db_stmt *st, int i);
bool db_col_null(struct db_stmt *st, int i);
void db_finalize(struct db_stmt *st);

/* Run SQL that returns no rows (may hold several statements; no parameters). */
int db_exec(struct db *db, const char *sql);
int db_begin(struct db *db);
int db_commit(struct db *db);
int db_rollback(struct db *db);

/* Helpers for the common one-row cases: prepare + bind (fmt: 's' text,
 * 'i' int64, 'n' null, one letter per argument) + step + finalize.
 * db_run: statement without result; returns 0 or -1.
 * db_int: first column of the first row, or `def` if no row. */
int db_run(struct db *db, const char *sql, const char *fmt, ...);
int64_t db_int(struct db *db, int64_t def, const char *sql, const char *fmt, ...);
/* Number of rows the last INSERT/UPDATE/DELETE changed. */
int db_changes(struct db *db);

#endif

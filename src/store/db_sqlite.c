/* The SQLite driver of db.h: WAL, foreign keys, a busy timeout. */
#include "store/db.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"

struct db {
	sqlite3 *h;
};

struct db_stmt {
	struct db *db;
	sqlite3_stmt *s;
};

struct db *db_open(const char *url)
{
	const char *path = url;
	if (strncmp(url, "sqlite:", 7) == 0)
		path = url + 7;
	else if (strstr(url, "://"))
		return error("db: only SQLite is built in (url scheme not supported)"), NULL;
	struct db *db = calloc(1, sizeof(*db));
	if (!db)
		return NULL;
	int rc = sqlite3_open_v2(path, &db->h,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		error("db: cannot open the database: %s", sqlite3_errstr(rc));
		sqlite3_close(db->h);
		free(db);
		return NULL;
	}
	sqlite3_busy_timeout(db->h, 5000);
	if (db_exec(db, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;")) {
		db_close(db);
		return NULL;
	}
	return db;
}

void db_close(struct db *db)
{
	if (!db)
		return;
	sqlite3_close(db->h);
	free(db);
}

struct db_stmt *db_prepare(struct db *db, const char *sql)
{
	struct db_stmt *st = calloc(1, sizeof(*st));
	if (!st)
		return NULL;
	st->db = db;
	if (sqlite3_prepare_v2(db->h, sql, -1, &st->s, NULL) != SQLITE_OK) {
		error("db: prepare failed: %s", sqlite3_errmsg(db->h));
		free(st);
		return NULL;
	}
	return st;
}

static int ok(struct db_stmt *st, int rc)
{
	if (rc == SQLITE_OK)
		return 0;
	return error("db: bind failed: %s", sqlite3_errmsg(st->db->h));
}

int db_bind_text(struct db_stmt *st, int i, const char *s)
{
	if (!s)
		return db_bind_null(st, i);
	return ok(st, sqlite3_bind_text(st->s, i, s, -1, SQLITE_TRANSIENT));
}

int db_bind_int(struct db_stmt *st, int i, int64_t v)
{
	return ok(st, sqlite3_bind_int64(st->s, i, v));
}

int db_bind_null(struct db_stmt *st, int i)
{
	return ok(st, sqlite3_bind_null(st->s, i));
}

enum db_step db_step(struct db_stmt *st)
{
	int rc = sqlite3_step(st->s);
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE)
		return DB_DONE;
	error("db: step failed: %s", sqlite3_errmsg(st->db->h));
	return DB_ERR;
}

const char *db_col_text(struct db_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st->s, i);
}

int64_t db_col_int(struct db_stmt *st, int i)
{
	return sqlite3_column_int64(st->s, i);
}

bool db_col_null(struct db_stmt *st, int i)
{
	return sqlite3_column_type(st->s, i) == SQLITE_NULL;
}

void db_finalize(struct db_stmt *st)
{
	if (!st)
		return;
	sqlite3_finalize(st->s);
	free(st);
}

int db_exec(struct db *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
		error("db: %s", msg ? msg : "exec failed");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int db_begin(struct db *db)
{
	/* IMMEDIATE takes the write lock now, so two writers never deadlock
	 * on a lock upgrade later in the transaction. */
	return db_exec(db, "BEGIN IMMEDIATE");
}

int db_commit(struct db *db)
{
	return db_exec(db, "COMMIT");
}

int db_rollback(struct db *db)
{
	return db_exec(db, "ROLLBACK");
}

int db_changes(struct db *db)
{
	return sqlite3_changes(db->h);
}

/* Shared by the one-shot helpers: prepare and bind from a format. */
static struct db_stmt *prep_bind(struct db *db, const char *sql, const char *fmt, va_list ap)
{
	struct db_stmt *st = db_prepare(db, sql);
	if (!st)
		return NULL;
	for (int i = 0; fmt[i]; i++) {
		int r;
		switch (fmt[i]) {
		case 's':
			r = db_bind_text(st, i + 1, va_arg(ap, const char *));
			break;
		case 'i':
			r = db_bind_int(st, i + 1, va_arg(ap, int64_t));
			break;
		case 'n':
			r = db_bind_null(st, i + 1);
			break;
		default:
			BUG("db: bad bind format '%c'", fmt[i]);
		}
		if (r) {
			db_finalize(st);
			return NULL;
		}
	}
	return st;
}

int db_run(struct db *db, const char *sql, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct db_stmt *st = prep_bind(db, sql, fmt, ap);
	va_end(ap);
	if (!st)
		return -1;
	enum db_step r = db_step(st);
	db_finalize(st);
	return r == DB_ERR ? -1 : 0;
}

int64_t db_int(struct db *db, int64_t def, const char *sql, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct db_stmt *st = prep_bind(db, sql, fmt, ap);
	va_end(ap);
	if (!st)
		return def;
	int64_t v = def;
	if (db_step(st) == DB_ROW && !db_col_null(st, 0))
		v = db_col_int(st, 0);
	db_finalize(st);
	return v;
}

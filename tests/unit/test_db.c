#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"
#include "store/db.h"
#include "store/migrate.h"

static char dir[] = "/tmp/ovi-db-XXXXXX";
static char dbpath[256], migdir[256];

static void write_file(const char *name, const char *text)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", migdir, name);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void statements(void **state)
{
	(void)state;
	struct db *db = db_open(dbpath);
	assert_non_null(db);
	assert_int_equal(db_exec(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT, n INTEGER)"), 0);
	assert_int_equal(db_run(db, "INSERT INTO t (s, n) VALUES (?, ?)", "si", "å'; DROP TABLE t; --", (int64_t)7), 0);
	assert_int_equal(db_run(db, "INSERT INTO t (s, n) VALUES (?, ?)", "ni", (int64_t)8), 0);
	assert_int_equal(db_changes(db), 1);
	assert_int_equal(db_int(db, -1, "SELECT COUNT(*) FROM t", ""), 2);
	assert_int_equal(db_int(db, -1, "SELECT n FROM t WHERE s = ?", "s", "å'; DROP TABLE t; --"), 7);
	assert_int_equal(db_int(db, -5, "SELECT n FROM t WHERE s = ?", "s", "none"), -5);
	struct db_stmt *st = db_prepare(db, "SELECT s, n FROM t ORDER BY id");
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "å'; DROP TABLE t; --");
	assert_int_equal(db_step(st), DB_ROW);
	assert_true(db_col_null(st, 0));
	assert_null(db_col_text(st, 0));
	assert_int_equal(db_step(st), DB_DONE);
	db_finalize(st);
	/* Errors are reported, not fatal. */
	assert_null(db_prepare(db, "SELECT nope FROM nowhere"));
	assert_int_equal(db_run(db, "INSERT INTO t (id) VALUES (1)", ""), -1);
	/* Transactions roll back. */
	assert_int_equal(db_begin(db), 0);
	db_run(db, "DELETE FROM t", "");
	assert_int_equal(db_rollback(db), 0);
	assert_int_equal(db_int(db, -1, "SELECT COUNT(*) FROM t", ""), 2);
	db_close(db);
	assert_null(db_open("postgres://x"));
}

static void migrations(void **state)
{
	(void)state;
	struct db *db = db_open(dbpath);
	write_file("001_a.sql", "CREATE TABLE a (x INTEGER);");
	write_file("002_b.sql", "CREATE TABLE b (y INTEGER); INSERT INTO b VALUES (1);");
	write_file("README", "not a migration");
	assert_int_equal(migrate_apply(db, migdir), 2);
	assert_int_equal(migrate_version(db), 2);
	assert_int_equal(migrate_apply(db, migdir), 0);
	/* A failing migration is rolled back whole and stops the run. */
	write_file("003_bad.sql", "CREATE TABLE c (z INTEGER); INSERT INTO nowhere VALUES (1);");
	write_file("004_later.sql", "CREATE TABLE d (z INTEGER);");
	assert_int_equal(migrate_apply(db, migdir), -1);
	assert_int_equal(migrate_version(db), 2);
	assert_null(db_prepare(db, "SELECT * FROM c"));
	assert_null(db_prepare(db, "SELECT * FROM d"));
	assert_int_equal(migrate_apply(db, "/nonexistent"), -1);
	db_close(db);
}

static void project_migrations_apply(void **state)
{
	(void)state;
	char p[512];
	snprintf(p, sizeof(p), "%s/real.db", dir);
	struct db *db = db_open(p);
	assert_true(migrate_apply(db, "migrations") > 0);
	assert_int_equal(db_int(db, -1, "SELECT COUNT(*) FROM staff", ""), 0);
	db_close(db);
}

static int setup(void **state)
{
	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(dbpath, sizeof(dbpath), "%s/t.db", dir);
	snprintf(migdir, sizeof(migdir), "%s/m", dir);
	mkdir(migdir, 0700);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	log_set_quiet(1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(statements),
		cmocka_unit_test(migrations),
		cmocka_unit_test(project_migrations_apply),
	};
	return cmocka_run_group_tests_name("db", tests, setup, teardown);
}

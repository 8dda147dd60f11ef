#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/log.h"
#include "domain/demo.h"
#include "domain/refdata.h"
#include "testdb.h"

static char dir[] = "/tmp/ovi-demo-XXXXXX";
static struct db *db;

static void populates_once_with_valid_codes(void **state)
{
	(void)state;
	assert_int_equal(demo_populate(db, 1800000000), 32);
	assert_int_equal(demo_populate(db, 1800000000), 0);
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM registrations WHERE status = 'waiting'", ""), 32);
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM people WHERE email NOT LIKE '%@demo.invalid'", ""), 0);
	struct db_stmt *st = db_prepare(db, "SELECT sector, occupation, municipality FROM people");
	while (db_step(st) == DB_ROW) {
		assert_true(refdata_selectable(db, "sector", db_col_text(st, 0)));
		assert_true(refdata_selectable(db, "occupation", db_col_text(st, 1)));
		assert_true(refdata_in_sector(db, db_col_text(st, 0), db_col_text(st, 1)));
		assert_true(refdata_selectable(db, "municipality", db_col_text(st, 2)));
	}
	db_finalize(st);
}

static int setup(void **state)
{
	(void)state;
	db = testdb_open(dir);
	if (!db)
		return -1;
	return refdata_load(db, "data") < 0 ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	return testdb_close(db, dir);
}

int main(void)
{
	log_set_quiet(1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(populates_once_with_valid_codes),
	};
	return cmocka_run_group_tests_name("demo", tests, setup, teardown);
}

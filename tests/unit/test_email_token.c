#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "domain/email_token.h"
#include "testdb.h"

static char dir[] = "/tmp/ovi-etok-XXXXXX";
static struct db *db;
static int64_t person;

static void peek_does_not_use(void **state)
{
	(void)state;
	char tok[TOKEN_LEN + 1];
	int64_t now = 1000, p = 0, r = 0;
	assert_int_equal(email_token_create(db, "login", person, 0, now, 900, tok), 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(email_token_peek(db, "login", tok, now + 10, &p, &r), TOKEN_OK);
		assert_int_equal(p, person);
		assert_int_equal(r, 0);
	}
	/* Another purpose does not accept it. */
	assert_int_equal(email_token_peek(db, "confirm", tok, now + 10, &p, &r), TOKEN_UNKNOWN);
	assert_int_equal(email_token_use(db, "login", tok, now + 10, &p, &r), TOKEN_OK);
	assert_int_equal(email_token_use(db, "login", tok, now + 11, &p, &r), TOKEN_USED);
	assert_int_equal(email_token_peek(db, "login", tok, now + 11, &p, &r), TOKEN_USED);
}

static void expiry_and_garbage(void **state)
{
	(void)state;
	char tok[TOKEN_LEN + 1];
	int64_t p, r;
	assert_int_equal(email_token_create(db, "confirm", person, 0, 1000, 60, tok), 0);
	assert_int_equal(email_token_use(db, "confirm", tok, 1060, &p, &r), TOKEN_EXPIRED);
	assert_int_equal(email_token_use(db, "confirm", "x", 1000, &p, &r), TOKEN_UNKNOWN);
	assert_int_equal(email_token_use(db, "confirm", NULL, 1000, &p, &r), TOKEN_UNKNOWN);
	char other[TOKEN_LEN + 1];
	token_random(other);
	assert_int_equal(email_token_use(db, "confirm", other, 1000, &p, &r), TOKEN_UNKNOWN);
	/* Only the hash is stored. */
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM email_tokens WHERE token_hash = ?", "s", tok), 0);
}

static int setup(void **state)
{
	(void)state;
	token_init();
	db = testdb_open(dir);
	if (!db)
		return -1;
	db_run(db, "INSERT INTO people (email, created_at, updated_at) VALUES ('p@example.org', 1, 1)", "");
	person = db_int(db, -1, "SELECT id FROM people WHERE email = 'p@example.org'", "");
	return person > 0 ? 0 : -1;
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
		cmocka_unit_test(peek_does_not_use),
		cmocka_unit_test(expiry_and_garbage),
	};
	return cmocka_run_group_tests_name("email_token", tests, setup, teardown);
}

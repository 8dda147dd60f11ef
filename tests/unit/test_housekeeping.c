#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/log.h"
#include "domain/email_token.h"
#include "domain/housekeeping.h"
#include "domain/session.h"
#include "testdb.h"

static char dir[] = "/tmp/ovi-hk-XXXXXX";
static struct db *db;

static int64_t add_person(const char *email)
{
	db_run(db, "INSERT INTO people (email, created_at, updated_at) VALUES (?, 1, 1)", "s", email);
	return db_int(db, -1, "SELECT id FROM people WHERE email = ?", "s", email);
}

static int64_t add_registration(int64_t person, const char *status, int64_t at)
{
	db_run(db, "INSERT INTO registrations (person_id, role, status, created_at, status_at) VALUES (?, 'participant', ?, ?, ?)",
	       "isii", person, status, at, at);
	return db_int(db, -1, "SELECT MAX(id) FROM registrations", "");
}

static void removes_only_what_expired(void **state)
{
	(void)state;
	struct config cfg;
	config_load(&cfg, NULL);
	int64_t now = 10000000, hours = cfg.unconfirmed_expiry_hours;
	int64_t old = add_person("old@example.org"), fresh = add_person("fresh@example.org"),
		both = add_person("both@example.org");
	add_registration(old, "unconfirmed", now - hours * 3600 - 1);
	add_registration(fresh, "unconfirmed", now - 60);
	add_registration(both, "unconfirmed", now - hours * 3600 - 1);
	add_registration(both, "waiting", now - hours * 3600 - 1);

	char tok[TOKEN_LEN + 1];
	email_token_create(db, "login", fresh, 0, now - 3 * 86400, 900, tok);
	email_token_create(db, "login", fresh, 0, now - 60, 900, tok);
	session_create(db, SESSION_MEMBER, fresh, now - cfg.session_max_s - 1, tok);
	session_create(db, SESSION_MEMBER, fresh, now - 10, tok);

	assert_true(housekeeping_run(db, &cfg, now) >= 4);
	/* The person whose only registration expired is gone with their data. */
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM people WHERE id = ?", "i", old), 0);
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM registrations WHERE person_id = ?", "i", fresh), 1);
	/* A person with a confirmed registration stays; only the stale one goes. */
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM registrations WHERE person_id = ?", "i", both), 1);
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM email_tokens", ""), 1);
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM member_sessions", ""), 1);
	/* A second pass finds nothing more. */
	assert_int_equal(housekeeping_run(db, &cfg, now), 0);
}

static int setup(void **state)
{
	(void)state;
	token_init();
	db = testdb_open(dir);
	return db ? 0 : -1;
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
		cmocka_unit_test(removes_only_what_expired),
	};
	return cmocka_run_group_tests_name("housekeeping", tests, setup, teardown);
}

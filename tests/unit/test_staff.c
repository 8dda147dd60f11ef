#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/token.h"
#include "domain/password.h"
#include "domain/session.h"
#include "domain/staff.h"
#include "testdb.h"

static char dir[] = "/tmp/ovi-staff-XXXXXX";
static struct db *db;

static void passwords(void **state)
{
	(void)state;
	char h[PASSWORD_HASH_MAX];
	assert_int_equal(password_hash("correct horse battery", h), 0);
	assert_non_null(strstr(h, "$argon2id$"));
	assert_non_null(strstr(h, "m=19456,t=2"));
	assert_int_equal(password_verify(h, "correct horse battery"), 1);
	assert_int_equal(password_verify(h, "correct horse batterz"), 0);
	assert_int_equal(password_verify(NULL, "anything"), 0);
}

static void login_and_lockout(void **state)
{
	(void)state;
	int64_t id = staff_upsert(db, "a@example.org", "a long password");
	assert_true(id > 0);
	int64_t got = -1, now = 1000000;
	assert_int_equal(staff_login(db, "a@example.org", "a long password", now, &got), LOGIN_OK);
	assert_int_equal(got, id);
	assert_int_equal(staff_login(db, "a@example.org", "wrong", now, &got), LOGIN_BAD);
	assert_int_equal(staff_login(db, "nobody@example.org", "wrong", now, &got), LOGIN_BAD);
	/* Fill the hour's failures directly: hashing 100 times is slow. */
	for (int i = 0; i < STAFF_FAILS_PER_HOUR; i++)
		db_run(db, "INSERT INTO login_failures (staff_id, at) VALUES (?, ?)", "ii", id, now - 10);
	assert_int_equal(staff_login(db, "a@example.org", "a long password", now, &got), LOGIN_LOCKED);
	/* An hour later the failures have aged out. */
	assert_int_equal(staff_login(db, "a@example.org", "a long password", now + 3600, &got), LOGIN_OK);
	/* Re-adding resets the password. */
	assert_int_equal(staff_upsert(db, "a@example.org", "another password"), id);
	assert_int_equal(staff_login(db, "a@example.org", "a long password", now + 7200, &got), LOGIN_BAD);
	char email[64];
	assert_int_equal(staff_email(db, id, email, sizeof(email)), 0);
	assert_string_equal(email, "a@example.org");
	assert_true(db_int(db, 0, "SELECT COUNT(*) FROM audit_log WHERE action = 'login_failed'", "") >= 2);
}

static void sessions(void **state)
{
	(void)state;
	int64_t id = staff_upsert(db, "s@example.org", "session password");
	char tok[TOKEN_LEN + 1];
	int64_t t0 = 5000000;
	assert_int_equal(session_create(db, SESSION_STAFF, id, t0, tok), 0);
	/* Only the hash is stored. */
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM sessions WHERE token_hash = ?", "s", tok), 0);
	assert_int_equal(session_lookup(db, SESSION_STAFF, tok, t0 + 10, 3600, 43200), id);
	assert_int_equal(session_lookup(db, SESSION_STAFF, "not-a-token", t0, 3600, 43200), -1);
	/* Idle timeout. */
	assert_int_equal(session_lookup(db, SESSION_STAFF, tok, t0 + 10 + 3601, 3600, 43200), -1);
	/* ...and the expired session is gone for good. */
	assert_int_equal(session_lookup(db, SESSION_STAFF, tok, t0 + 20, 3600, 43200), -1);
	/* Absolute timeout, even when active. */
	assert_int_equal(session_create(db, SESSION_STAFF, id, t0, tok), 0);
	for (int64_t t = t0; t < t0 + 43200; t += 3000)
		assert_int_equal(session_lookup(db, SESSION_STAFF, tok, t, 3600, 43200), id);
	assert_int_equal(session_lookup(db, SESSION_STAFF, tok, t0 + 43201, 3600, 43200), -1);
	assert_int_equal(session_create(db, SESSION_STAFF, id, t0, tok), 0);
	assert_int_equal(session_delete(db, SESSION_STAFF, tok), 0);
	assert_int_equal(session_lookup(db, SESSION_STAFF, tok, t0 + 1, 3600, 43200), -1);
}

static int setup(void **state)
{
	(void)state;
	token_init();
	password_init(2);
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
		cmocka_unit_test(passwords),
		cmocka_unit_test(login_and_lockout),
		cmocka_unit_test(sessions),
	};
	return cmocka_run_group_tests_name("staff", tests, setup, teardown);
}

/* Registration rules against a real SQLite database with the project's
 * migrations: the eligibility statement list, a new registration and what
 * it stores, double submits, confirmation, reactivation with a pending
 * profile, the participant limit, door openers without one, replacing an
 * unconfirmed registration, and the expiry clean-up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/log.h"
#include "core/token.h"
#include "domain/email_token.h"
#include "domain/profile.h"
#include "domain/registration.h"
#include "http/form.h"
#include "store/migrate.h"
#include "testdb.h"

static char dir[] = "/tmp/ovi-registration-XXXXXX";
static struct db *db;
static struct arena *A;

static const int64_t NOW = 1781510400; /* 2026-06-15 */
static const int64_t DAY = 86400;

static void seed_refdata(void)
{
	static const char *const rows[][3] = {
		{ "sector", "ict", "" },       { "occupation", "2512", "" }, { "region", "FI-01", "FI" },
		{ "municipality", "FI-091", "FI-01" }, { "municipality", "FI-049", "FI-01" },
		{ "language", "sv", "" },      { "language", "fi", "" },     { "language", "en", "" },
		{ "language", "ar", "" },      { "country", "SY", "" },      { "education", "master", "" },
		{ "education", "bachelor", "" },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(*rows); i++)
		assert_int_equal(db_run(db, "INSERT INTO ref_entries (kind, code, name_en, parent) VALUES (?, ?, ?, ?)",
					"ssss", rows[i][0], rows[i][1], rows[i][1], rows[i][2]),
				 0);
	assert_int_equal(db_run(db, "INSERT INTO ref_sector_isco (sector, prefix) VALUES ('ict', '25')", ""), 0);
}

/* A validated profile for `email`, with `extra` fields (urlencoded) first. */
static struct profile *profile_for(const char *email, const char *extra, unsigned flags)
{
	const char *body = arena_printf(A,
		"%s&first_name=Sam&last_name=Berg&email=%s&mail_lang=sv&languages=sv&languages=ar&sector=ict"
		"&occupation=2512&job_title=Developer&experience_years=5&education=master&municipality=FI-091"
		"&meeting_mode=either&intro=Hi&birth_country=SY",
		extra ? extra : "", email);
	struct form f;
	assert_int_equal(form_parse(A, body, strlen(body), NULL, &f), FORM_OK);
	struct profile *p = arena_alloc(A, sizeof(*p));
	assert_int_equal(profile_parse(p, &f, flags, A), 0);
	assert_int_equal(profile_validate(p, db, A, NULL, "FI,SE", NOW), 0);
	return p;
}

static const char *nonce(void)
{
	char t[TOKEN_LEN + 1];
	token_random(t);
	return arena_strdup(A, t);
}

static const char *const P_STATEMENTS[] = { "born_abroad", "upper_secondary" };

static enum reg_outcome submit(enum reg_role role, const struct profile *p, const char *n, int64_t now,
			       struct reg_result *out)
{
	struct reg_request rq = {
		.role = role, .profile = p, .capacity = 3, .nonce = n, .statements = P_STATEMENTS,
		.nstatements = 2, .notice_version = "2026-11-23", .lang = "fi", .max_participant = 2,
		.link_ttl_s = 72 * 3600,
	};
	assert_int_equal(db_begin(db), 0);
	enum reg_outcome r = registration_submit(db, &rq, now, out);
	if (r == REG_CREATED || r == REG_REPEATED)
		assert_int_equal(db_commit(db), 0);
	else
		assert_int_equal(db_rollback(db), 0);
	return r;
}

/* Use the link, then confirm, in one transaction (as the web page does). */
static enum reg_confirm confirm(const char *token, int64_t now, unsigned max)
{
	int64_t person = 0, reg = 0;
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(email_token_use(db, "confirm", token, now, &person, &reg), TOKEN_OK);
	enum reg_confirm r = registration_confirm(db, reg, max, now);
	if (r == CONFIRM_DONE)
		assert_int_equal(db_commit(db), 0);
	else
		assert_int_equal(db_rollback(db), 0);
	return r;
}

static int64_t count(const char *table)
{
	return db_int(db, -1, arena_printf(A, "SELECT COUNT(*) FROM %s", table), "");
}

static void eligibility(void **state)
{
	(void)state;
	const struct eligibility *out[ELIGIBILITY_MAX];
	size_t n = eligibility_list(" established,three_years_work , national_language", out, ELIGIBILITY_MAX);
	assert_int_equal(n, 3);
	assert_string_equal(out[0]->id, "established");
	assert_string_equal(out[2]->id, "national_language");
	n = eligibility_list("born_abroad,nonsense,born_abroad,,residence_permit", out, ELIGIBILITY_MAX);
	assert_int_equal(n, 2);
	assert_string_equal(out[1]->id, "residence_permit");
	assert_int_equal(eligibility_list("", out, ELIGIBILITY_MAX), 0);
	assert_int_equal(eligibility_list(NULL, out, ELIGIBILITY_MAX), 0);
	assert_int_equal(eligibility_list("born_abroad,upper_secondary", out, 1), 1);
	/* Every documented id exists and has a text. */
	const char *ids[] = { "born_abroad", "residence_permit", "upper_secondary", "established",
			      "three_years_work", "national_language" };
	for (size_t i = 0; i < sizeof(ids) / sizeof(*ids); i++) {
		assert_non_null(eligibility_find(ids[i]));
		assert_true(strlen(eligibility_find(ids[i])->text) > 10);
	}
	assert_null(eligibility_find("x"));
}

static void new_registration(void **state)
{
	(void)state;
	struct reg_result r;
	const char *n = nonce();
	struct profile *p = profile_for("new%40example.org", NULL, PROFILE_PARTICIPANT);
	assert_int_equal(submit(ROLE_PARTICIPANT, p, n, NOW, &r), REG_CREATED);
	assert_true(r.person_id > 0 && r.registration_id > 0);
	assert_false(r.pending);
	assert_true(token_valid(r.token));
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM people WHERE email = 'new@example.org'", ""), 1);
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM registrations WHERE id = ? AND status = 'unconfirmed'"
				       " AND role = 'participant' AND confirmed_at IS NULL AND form_nonce = ?",
				"is", r.registration_id, n),
			 1);
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM consents WHERE registration_id = ? AND person_id = ?"
				       " AND notice_version = '2026-11-23' AND lang = 'fi' AND at = ?",
				"iii", r.registration_id, r.person_id, NOW),
			 1);
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM registration_eligibility WHERE registration_id = ?", "i",
				r.registration_id),
			 2);
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM registration_events WHERE registration_id = ?"
				       " AND to_status = 'unconfirmed'", "i", r.registration_id),
			 1);
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM person_languages WHERE person_id = ?", "i", r.person_id), 2);
	assert_int_equal(registration_count(db, "new@example.org", ROLE_PARTICIPANT), 0);
	assert_int_equal(registration_count(db, "nobody@example.org", ROLE_PARTICIPANT), 0);

	/* The same form again: the same registration, nothing new. */
	int64_t regs = count("registrations"), tokens = count("email_tokens"), consents = count("consents");
	struct reg_result again;
	assert_int_equal(submit(ROLE_PARTICIPANT, p, n, NOW + 1, &again), REG_REPEATED);
	assert_int_equal(again.registration_id, r.registration_id);
	assert_int_equal(again.person_id, r.person_id);
	assert_int_equal(again.role, ROLE_PARTICIPANT);
	assert_int_equal(count("registrations"), regs);
	assert_int_equal(count("email_tokens"), tokens);
	assert_int_equal(count("consents"), consents);
	/* ...even when posted to the other role's address. */
	assert_int_equal(submit(ROLE_DOOR_OPENER, p, n, NOW + 2, &again), REG_REPEATED);
	assert_int_equal(again.role, ROLE_PARTICIPANT);
	assert_int_equal(count("registrations"), regs);

	/* A bad nonce is refused. */
	assert_int_equal(submit(ROLE_PARTICIPANT, p, "short", NOW, &again), REG_FAILED);

	/* Confirming: waiting, confirmed_at, an event; the link works once. */
	enum reg_role role;
	char status[24];
	assert_int_equal(registration_info(db, r.registration_id, &role, status, sizeof(status)), 0);
	assert_string_equal(status, "unconfirmed");
	assert_int_equal(confirm(r.token, NOW + 60, 2), CONFIRM_DONE);
	assert_int_equal(registration_info(db, r.registration_id, &role, status, sizeof(status)), 0);
	assert_string_equal(status, "waiting");
	assert_int_equal(role, ROLE_PARTICIPANT);
	assert_int_equal(db_int(db, 0, "SELECT confirmed_at FROM registrations WHERE id = ?", "i", r.registration_id),
			 NOW + 60);
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM registration_events WHERE registration_id = ?"
				       " AND from_status = 'unconfirmed' AND to_status = 'waiting' AND actor = 'person'",
				"i", r.registration_id),
			 1);
	int64_t x, y;
	assert_int_equal(email_token_use(db, "confirm", r.token, NOW + 61, &x, &y), TOKEN_USED);
	/* Confirming again changes nothing. */
	assert_int_equal(registration_confirm(db, r.registration_id, 2, NOW + 70), CONFIRM_DONE);
	assert_int_equal(db_int(db, 0, "SELECT confirmed_at FROM registrations WHERE id = ?", "i", r.registration_id),
			 NOW + 60);
	assert_int_equal(registration_count(db, "new@example.org", ROLE_PARTICIPANT), 1);
	assert_int_equal(registration_info(db, 999999, &role, NULL, 0), -1);
	assert_int_equal(registration_confirm(db, 999999, 2, NOW), CONFIRM_FAILED);
}

static void reactivation_and_limit(void **state)
{
	(void)state;
	struct reg_result r1, r2, r3;
	struct profile *p = profile_for("twice%40example.org", "job_title=First", PROFILE_PARTICIPANT);
	assert_int_equal(submit(ROLE_PARTICIPANT, p, nonce(), NOW, &r1), REG_CREATED);
	assert_int_equal(confirm(r1.token, NOW + 10, 2), CONFIRM_DONE);

	/* Again with the same address: a new registration, but the profile
	 * changes only when the new one is confirmed. */
	struct profile *q = profile_for("TWICE%40example.org", "job_title=Second&arrival_year=2012", PROFILE_PARTICIPANT);
	assert_int_equal(submit(ROLE_PARTICIPANT, q, nonce(), NOW + DAY, &r2), REG_CREATED);
	assert_int_equal(r2.person_id, r1.person_id);
	assert_true(r2.pending);
	assert_int_not_equal(r2.registration_id, r1.registration_id);
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM people WHERE job_title = 'First' AND id = ?", "i",
				r1.person_id),
			 1);
	assert_int_equal(confirm(r2.token, NOW + DAY + 10, 2), CONFIRM_DONE);
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM people WHERE job_title = 'Second' AND arrival_year = 2012"
				       " AND id = ?", "i", r1.person_id),
			 1);
	assert_int_equal(db_int(db, 1, "SELECT COUNT(*) FROM registrations WHERE pending_profile IS NOT NULL"
				       " AND person_id = ?", "i", r1.person_id),
			 0);
	assert_int_equal(registration_count(db, "twice@example.org", ROLE_PARTICIPANT), 2);

	/* The third: refused, and nothing at all is stored. */
	int64_t before[6] = { count("people"), count("registrations"), count("consents"), count("email_tokens"),
			      count("registration_events"), count("registration_eligibility") };
	struct profile *t = profile_for("twice%40example.org", "job_title=Third", PROFILE_PARTICIPANT);
	assert_int_equal(submit(ROLE_PARTICIPANT, t, nonce(), NOW + 2 * DAY, &r3), REG_LIMIT);
	int64_t after[6] = { count("people"), count("registrations"), count("consents"), count("email_tokens"),
			     count("registration_events"), count("registration_eligibility") };
	assert_memory_equal(before, after, sizeof(before));
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM people WHERE job_title = 'Second' AND id = ?", "i",
				r1.person_id),
			 1);

	/* The same person may still be a door opener, any number of times. */
	struct profile *d = profile_for("twice%40example.org", "employer=ACME", PROFILE_DOOR_OPENER);
	for (int i = 0; i < 3; i++) {
		struct reg_result rd;
		assert_int_equal(submit(ROLE_DOOR_OPENER, d, nonce(), NOW + 3 * DAY + i, &rd), REG_CREATED);
		assert_int_equal(confirm(rd.token, NOW + 3 * DAY + i, 2), CONFIRM_DONE);
		assert_int_equal(db_int(db, 0, "SELECT capacity FROM registrations WHERE id = ?", "i", rd.registration_id),
				 3);
	}
	assert_int_equal(registration_count(db, "twice@example.org", ROLE_DOOR_OPENER), 3);
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM people WHERE employer = 'ACME' AND id = ?", "i",
				r1.person_id),
			 1);
}

static void unconfirmed_is_replaced(void **state)
{
	(void)state;
	struct reg_result a, b;
	struct profile *p = profile_for("replace%40example.org", "job_title=One", PROFILE_PARTICIPANT);
	assert_int_equal(submit(ROLE_PARTICIPANT, p, nonce(), NOW, &a), REG_CREATED);
	/* Not confirmed yet: the second form updates the person directly and
	 * replaces the first registration; the first link stops working. */
	struct profile *q = profile_for("replace%40example.org", "job_title=Two", PROFILE_PARTICIPANT);
	assert_int_equal(submit(ROLE_PARTICIPANT, q, nonce(), NOW + 5, &b), REG_CREATED);
	assert_false(b.pending);
	assert_int_equal(b.person_id, a.person_id);
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM registrations WHERE person_id = ?", "i", a.person_id), 1);
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM consents WHERE person_id = ?", "i", a.person_id), 1);
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM people WHERE job_title = 'Two' AND id = ?", "i", a.person_id),
			 1);
	int64_t x, y;
	assert_int_equal(email_token_peek(db, "confirm", a.token, NOW + 6, &x, &y), TOKEN_UNKNOWN);
	assert_int_equal(email_token_peek(db, "confirm", b.token, NOW + 6, &x, &y), TOKEN_OK);
	assert_int_equal(y, b.registration_id);
	/* A door-opener registration is another role: it stays. */
	struct reg_result d;
	struct profile *dp = profile_for("replace%40example.org", NULL, PROFILE_DOOR_OPENER);
	assert_int_equal(submit(ROLE_DOOR_OPENER, dp, nonce(), NOW + 7, &d), REG_CREATED);
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM registrations WHERE person_id = ?", "i", a.person_id), 2);
}

static void limit_at_confirmation(void **state)
{
	(void)state;
	/* Two unconfirmed participant registrations cannot exist at once, but a
	 * lowered setting can make a confirmation exceed the limit. */
	struct reg_result a, b;
	struct profile *p = profile_for("late%40example.org", NULL, PROFILE_PARTICIPANT);
	assert_int_equal(submit(ROLE_PARTICIPANT, p, nonce(), NOW, &a), REG_CREATED);
	assert_int_equal(confirm(a.token, NOW + 1, 2), CONFIRM_DONE);
	assert_int_equal(submit(ROLE_PARTICIPANT, p, nonce(), NOW + 2, &b), REG_CREATED);
	assert_int_equal(confirm(b.token, NOW + 3, 1), CONFIRM_LIMIT);
	enum reg_role role;
	char status[24];
	assert_int_equal(registration_info(db, b.registration_id, &role, status, sizeof(status)), 0);
	assert_string_equal(status, "unconfirmed");
	/* The rollback kept the link usable (for when the setting is raised). */
	int64_t x, y;
	assert_int_equal(email_token_peek(db, "confirm", b.token, NOW + 4, &x, &y), TOKEN_OK);
}

static void expiry(void **state)
{
	(void)state;
	/* Start from a clean slate of registrations. */
	assert_int_equal(db_exec(db, "DELETE FROM people"), 0);
	int64_t max_age = 72 * 3600, t0 = NOW + 100 * DAY;
	struct reg_result old_only, old_confirmed, fresh, mixed_old, mixed_confirmed;
	/* 1: only an old unconfirmed registration: the person goes too. */
	assert_int_equal(submit(ROLE_PARTICIPANT, profile_for("old%40example.org", NULL, PROFILE_PARTICIPANT), nonce(),
				t0 - max_age - 1, &old_only),
			 REG_CREATED);
	/* 2: old but confirmed: stays. */
	assert_int_equal(submit(ROLE_PARTICIPANT, profile_for("conf%40example.org", NULL, PROFILE_PARTICIPANT), nonce(),
				t0 - 10 * DAY, &old_confirmed),
			 REG_CREATED);
	assert_int_equal(confirm(old_confirmed.token, t0 - 10 * DAY + 5, 2), CONFIRM_DONE);
	/* 3: recent unconfirmed: stays. */
	assert_int_equal(submit(ROLE_DOOR_OPENER, profile_for("fresh%40example.org", NULL, PROFILE_DOOR_OPENER), nonce(),
				t0 - max_age + 1, &fresh),
			 REG_CREATED);
	/* 4: a person with a confirmed registration and an old unconfirmed
	 * one: the registration goes, the person stays. */
	assert_int_equal(submit(ROLE_DOOR_OPENER, profile_for("mixed%40example.org", NULL, PROFILE_DOOR_OPENER), nonce(),
				t0 - 20 * DAY, &mixed_confirmed),
			 REG_CREATED);
	assert_int_equal(confirm(mixed_confirmed.token, t0 - 20 * DAY, 2), CONFIRM_DONE);
	assert_int_equal(submit(ROLE_PARTICIPANT, profile_for("mixed%40example.org", "job_title=New", PROFILE_PARTICIPANT),
				nonce(), t0 - max_age, &mixed_old),
			 REG_CREATED);
	assert_true(mixed_old.pending);

	/* The confirmation e-mails in the outbox. */
	const char *mail = "INSERT INTO outbox (person_id, kind, to_email, mail_lang, subject, text_body, message_id,"
			   " status, next_attempt_at, queued_at, created_at) VALUES (?, 'confirm', 'x@example.org', 'sv',"
			   " 's', 't', ?, 'sent', 0, 0, 0)";
	assert_int_equal(db_run(db, mail, "is", old_only.person_id, "<1@t>"), 0);
	assert_int_equal(db_run(db, mail, "is", mixed_old.person_id, "<2@t>"), 0);

	assert_int_equal(registration_expire_unconfirmed(db, t0, max_age), 2);
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM outbox WHERE message_id = '<1@t>'", ""), 0);
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM outbox WHERE message_id = '<2@t>' AND person_id = ?", "i",
				mixed_old.person_id),
			 1);
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM people WHERE id = ?", "i", old_only.person_id), 0);
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM person_languages WHERE person_id = ?", "i", old_only.person_id),
			 0);
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM consents WHERE person_id = ?", "i", old_only.person_id), 0);
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM email_tokens WHERE person_id = ?", "i", old_only.person_id),
			 0);
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM people WHERE id IN (?, ?, ?)", "iii", old_confirmed.person_id,
				fresh.person_id, mixed_confirmed.person_id),
			 3);
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM registrations WHERE id = ?", "i", mixed_old.registration_id),
			 0);
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM consents WHERE registration_id IS NULL", ""), 0);
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM consents WHERE person_id = ?", "i", mixed_confirmed.person_id),
			 1);
	/* The pending profile went with it: the stored one is unchanged. */
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM people WHERE job_title = 'New'", ""), 0);
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM registrations WHERE id = ?", "i", fresh.registration_id), 1);
	/* Nothing left to do; later, the fresh one goes too. */
	assert_int_equal(registration_expire_unconfirmed(db, t0, max_age), 0);
	assert_int_equal(registration_expire_unconfirmed(db, t0 + 2, max_age), 1);
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM people WHERE id = ?", "i", fresh.person_id), 0);
	assert_int_equal(count("people"), 2);
}

static int setup(void **state)
{
	(void)state;
	token_init();
	db = testdb_open(dir);
	if (!db)
		return -1;
	A = arena_new(64 << 20);
	seed_refdata();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	arena_free(A);
	return testdb_close(db, dir);
}

int main(void)
{
	log_set_quiet(1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(eligibility),
		cmocka_unit_test(new_registration),
		cmocka_unit_test(reactivation_and_limit),
		cmocka_unit_test(unconfirmed_is_replaced),
		cmocka_unit_test(limit_at_confirmation),
		cmocka_unit_test(expiry),
	};
	return cmocka_run_group_tests_name("registration", tests, setup, teardown);
}

/* Member self-service (domain/member.c): login links and their hourly
 * limit, withdrawal, the JSON export and, above all, what erasure empties
 * and what it keeps for statistics. A real SQLite database with every
 * migration applied. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "domain/email_token.h"
#include "domain/member.h"
#include "domain/session.h"
#include "testdb.h"

static char dir[] = "/tmp/ovi-member-XXXXXX";
static struct db *db;

/* A person with everything filled in, two registrations (one open, one
 * closed) with events, eligibility and consents, a session, tokens and
 * mail in every outbox state. Returns the person id. */
static int64_t make_person(const char *email, const char *first)
{
	int64_t now = 1700000000;
	assert_int_equal(db_run(db,
				"INSERT INTO people (email, first_name, last_name, phone, mail_lang, sector, occupation,"
				" job_title, experience_years, education, municipality, meeting_mode, intro, link, employer,"
				" gender, birth_year, birth_country, arrival_year, created_at, updated_at) VALUES"
				" (?, ?, 'Virtanen \"Q\"', '+358 40 123 4567', 'fi', 'ict', '2512', 'Backend developer', 7,"
				" 'master', 'FI-091', 'either', ?, 'https://example.org/cv', 'Firma Oy', 'woman', 1985, 'SY',"
				" 2016, ?, ?)",
				"sssii", email, first, "Line one\nline \"two\" \\ \xc3\xa5\xc3\xa4\xc3\xb6 \xe2\x82\xac <b>", now,
				now),
			 0);
	int64_t id = db_int(db, -1, "SELECT id FROM people WHERE email = ?", "s", email);
	assert_true(id > 0);
	db_run(db, "INSERT INTO person_languages (person_id, lang) VALUES (?, 'fi'), (?, 'ar'), (?, 'en')", "iii", id,
	       id, id);
	db_run(db, "INSERT INTO registrations (person_id, role, status, created_at, confirmed_at, status_at) VALUES"
		   " (?, 'participant', 'closed', ?, ?, ?)", "iiii", id, now - 900000, now - 899000, now - 100000);
	db_run(db, "INSERT INTO registrations (person_id, role, status, created_at, confirmed_at, status_at) VALUES"
		   " (?, 'participant', 'waiting', ?, ?, ?)", "iiii", id, now, now + 60, now + 60);
	db_run(db, "UPDATE registrations SET pending_profile = 'first_name=Pending&phone=555' WHERE person_id = ?"
		   " AND status = 'waiting'", "i", id);
	db_run(db, "UPDATE people SET phone_shared = 1 WHERE id = ?", "i", id);
	db_run(db, "INSERT INTO registration_events (registration_id, at, from_status, to_status, actor)"
		   " SELECT id, created_at, '', 'unconfirmed', 'person' FROM registrations WHERE person_id = ?", "i", id);
	db_run(db, "INSERT INTO registration_eligibility (registration_id, statement)"
		   " SELECT id, 'born_abroad' FROM registrations WHERE person_id = ?", "i", id);
	db_run(db, "INSERT INTO consents (person_id, registration_id, notice_version, lang, at)"
		   " SELECT person_id, id, '2026-11-23', 'fi', created_at FROM registrations WHERE person_id = ?", "i", id);
	char tok[TOKEN_LEN + 1];
	assert_int_equal(session_create(db, SESSION_MEMBER, id, now, tok), 0);
	assert_int_equal(email_token_create(db, "confirm", id, 0, now, 3600, tok), 0);
	static int n;
	const char *states[] = { "queued", "sending", "sent", "failed" };
	for (int i = 0; i < 4; i++) {
		char mid[64];
		snprintf(mid, sizeof(mid), "<m%d@test>", n++);
		assert_int_equal(db_run(db,
					"INSERT INTO outbox (person_id, kind, to_email, to_name, mail_lang, subject, text_body,"
					" html_body, message_id, status, next_attempt_at, queued_at, created_at, sent_at)"
					" VALUES (?, 'confirm', ?, ?, 'fi', 'Vahvista', 'secret body', '<p>secret</p>', ?, ?, ?, ?, ?, ?)",
					"issssiiii", id, email, first, mid, states[i], now, now, now + i, now + 10),
				 0);
	}
	return id;
}

static void email_normalise(void **state)
{
	(void)state;
	char out[300];
	assert_true(member_email_normalise("  Anna.V@Example.ORG \n", out, sizeof(out)));
	assert_string_equal(out, "anna.v@example.org");
	assert_false(member_email_normalise("", out, sizeof(out)));
	assert_false(member_email_normalise("   ", out, sizeof(out)));
	assert_false(member_email_normalise("no-at-sign", out, sizeof(out)));
	assert_false(member_email_normalise("two@@example.org", out, sizeof(out)));
	assert_false(member_email_normalise("a@b@c", out, sizeof(out)));
	assert_false(member_email_normalise("@example.org", out, sizeof(out)));
	assert_false(member_email_normalise("anna@", out, sizeof(out)));
	assert_false(member_email_normalise("an na@example.org", out, sizeof(out)));
	assert_false(member_email_normalise("anna@exa\x01mple.org", out, sizeof(out)));
	assert_false(member_email_normalise("anna@\xff.org", out, sizeof(out)));
	assert_false(member_email_normalise(NULL, out, sizeof(out)));
	char longer[300];
	memset(longer, 'a', 260);
	longer[100] = '@';
	longer[260] = '\0';
	assert_false(member_email_normalise(longer, out, sizeof(out)));
	/* Too small an output is a refusal, never an overflow. */
	assert_false(member_email_normalise("anna@example.org", out, 8));
}

static void login_links(void **state)
{
	(void)state;
	int64_t id = make_person("links@example.org", "Links");
	struct member_link l;
	int64_t now = 1800000000;
	assert_int_equal(member_login_link(db, "nobody@example.org", now, 900, &l), 0);
	assert_int_equal(member_login_link(db, "links@example.org", now, 900, &l), 1);
	assert_int_equal(l.person_id, id);
	assert_string_equal(l.email, "links@example.org");
	assert_string_equal(l.name, "Links Virtanen \"Q\"");
	assert_string_equal(l.mail_lang, "fi");
	int64_t p = 0, r = 0;
	assert_int_equal(email_token_peek(db, "login", l.token, now + 899, &p, &r), TOKEN_OK);
	assert_int_equal(p, id);
	assert_int_equal(email_token_peek(db, "login", l.token, now + 900, &p, &r), TOKEN_EXPIRED);
	/* Only the hash is stored. */
	assert_int_equal(db_int(db, 1, "SELECT COUNT(*) FROM email_tokens WHERE token_hash = ?", "s", l.token), 0);
	/* Five per hour, then nothing (the caller answers the same). */
	for (int i = 1; i < MEMBER_LINKS_PER_HOUR; i++)
		assert_int_equal(member_login_link(db, "links@example.org", now + i, 900, &l), 1);
	assert_int_equal(member_login_links_since(db, id, now - 3600), MEMBER_LINKS_PER_HOUR);
	assert_int_equal(member_login_link(db, "links@example.org", now + 100, 900, &l), 0);
	assert_int_equal(member_login_link(db, "links@example.org", now + 3599, 900, &l), 0);
	/* An hour after the first one, one more. */
	assert_int_equal(member_login_link(db, "links@example.org", now + 3601, 900, &l), 1);
	/* The name goes into a header: one line, whatever is stored. */
	db_run(db, "UPDATE people SET last_name = 'Two\nLines\r\x01' WHERE id = ?", "i", id);
	assert_int_equal(member_login_link(db, "links@example.org", now + 3602, 900, &l), 1);
	assert_string_equal(l.name, "Links Two Lines  ");
	/* Confirmation tokens do not count against the limit. */
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM email_tokens WHERE person_id = ? AND purpose = 'confirm'",
				"i", id), 1);
}

static void withdraw(void **state)
{
	(void)state;
	int64_t id = make_person("withdraw@example.org", "W");
	int64_t other = make_person("other-w@example.org", "O");
	int64_t open = db_int(db, -1, "SELECT id FROM registrations WHERE person_id = ? AND status = 'waiting'", "i", id);
	int64_t closed = db_int(db, -1, "SELECT id FROM registrations WHERE person_id = ? AND status = 'closed'", "i", id);
	int64_t theirs = db_int(db, -1, "SELECT id FROM registrations WHERE person_id = ? AND status = 'waiting'", "i",
				other);
	assert_int_equal(member_withdraw(db, id, theirs, 5000, NULL), WITHDRAW_NOT_FOUND);
	assert_int_equal(member_withdraw(db, id, 999999, 5000, NULL), WITHDRAW_NOT_FOUND);
	assert_int_equal(member_withdraw(db, id, closed, 5000, NULL), WITHDRAW_FINAL);
	assert_int_equal(member_withdraw(db, id, open, 5000, NULL), WITHDRAW_OK);
	assert_int_equal(member_withdraw(db, id, open, 5001, NULL), WITHDRAW_FINAL);
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM registrations WHERE id = ? AND status = 'withdrawn'"
				       " AND status_at = 5000", "i", open), 1);
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM registration_events WHERE registration_id = ? AND at = 5000"
				       " AND from_status = 'waiting' AND to_status = 'withdrawn' AND actor = 'person'",
				"i", open), 1);
	/* The other person's registration did not move. */
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM registrations WHERE id = ? AND status = 'waiting'", "i",
				theirs), 1);
	assert_true(member_status_final("withdrawn"));
	assert_true(member_status_final("expired"));
	assert_true(member_status_final("closed"));
	assert_false(member_status_final("waiting"));
	assert_false(member_status_final("unconfirmed"));
}

static void export_json(void **state)
{
	(void)state;
	int64_t id = make_person("export@example.org", "\xc3\x85sa \"the\" <exporter>");
	char *s = member_export_json(db, id, 1800000000);
	assert_non_null(s);
	json_error_t err;
	json_t *doc = json_loads(s, 0, &err);
	assert_non_null(doc);
	free(s);
	assert_string_equal(json_string_value(json_object_get(doc, "exported_at")), "2027-01-15T08:00:00Z");
	json_t *p = json_object_get(doc, "person");
	assert_string_equal(json_string_value(json_object_get(p, "email")), "export@example.org");
	assert_string_equal(json_string_value(json_object_get(p, "first_name")), "\xc3\x85sa \"the\" <exporter>");
	assert_string_equal(json_string_value(json_object_get(p, "intro")),
			    "Line one\nline \"two\" \\ \xc3\xa5\xc3\xa4\xc3\xb6 \xe2\x82\xac <b>");
	assert_string_equal(json_string_value(json_object_get(p, "phone")), "+358 40 123 4567");
	assert_int_equal(json_integer_value(json_object_get(p, "experience_years")), 7);
	assert_int_equal(json_integer_value(json_object_get(p, "birth_year")), 1985);
	assert_string_equal(json_string_value(json_object_get(p, "birth_country")), "SY");
	assert_string_equal(json_string_value(json_object_get(p, "created_at")), "2023-11-14T22:13:20Z");
	json_t *langs = json_object_get(doc, "languages");
	assert_int_equal(json_array_size(langs), 3);
	assert_string_equal(json_string_value(json_array_get(langs, 0)), "ar");
	json_t *regs = json_object_get(doc, "registrations");
	assert_int_equal(json_array_size(regs), 2);
	json_t *r0 = json_array_get(regs, 0);
	assert_string_equal(json_string_value(json_object_get(r0, "status")), "closed");
	assert_string_equal(json_string_value(json_object_get(r0, "role")), "participant");
	assert_true(json_is_null(json_object_get(r0, "pending_profile")));
	assert_string_equal(json_string_value(json_object_get(json_array_get(regs, 1), "pending_profile")),
			    "first_name=Pending&phone=555");
	assert_true(json_is_true(json_object_get(p, "phone_shared")));
	assert_int_equal(json_array_size(json_object_get(r0, "events")), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(r0, "events"), 0), "to_status")),
			    "unconfirmed");
	assert_string_equal(json_string_value(json_array_get(json_object_get(r0, "eligibility"), 0)), "born_abroad");
	json_t *consents = json_object_get(doc, "consents");
	assert_int_equal(json_array_size(consents), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(consents, 0), "notice_version")),
			    "2026-11-23");
	json_t *mails = json_object_get(doc, "emails");
	assert_int_equal(json_array_size(mails), 4);
	json_t *m = json_array_get(mails, 2);
	assert_string_equal(json_string_value(json_object_get(m, "subject")), "Vahvista");
	assert_string_equal(json_string_value(json_object_get(m, "status")), "sent");
	assert_non_null(json_string_value(json_object_get(m, "sent_at")));
	/* Bodies are not exported. */
	assert_null(json_object_get(m, "text_body"));
	json_decref(doc);
	assert_null(member_export_json(db, 999999, 0));
}

static int64_t count(const char *sql, int64_t id)
{
	return db_int(db, -1, sql, "i", id);
}

static void erase(void **state)
{
	(void)state;
	db_run(db, "INSERT INTO ref_entries (kind, code, name_en, parent) VALUES ('municipality', 'FI-091', 'Helsinki',"
		   " 'FI-01'), ('region', 'FI-01', 'Uusimaa', 'FI')", "");
	int64_t id = make_person("erase@example.org", "Erkki");
	int64_t keep = make_person("keep@example.org", "Keep");
	/* Mail queued to the address without a person (e.g. before the row existed). */
	db_run(db, "INSERT INTO outbox (kind, to_email, mail_lang, subject, text_body, message_id, status, next_attempt_at,"
		   " queued_at, created_at) VALUES ('x', 'erase@example.org', 'fi', 's', 'b', '<addr@test>', 'sent', 1, 1, 1)", "");
	char tok[TOKEN_LEN + 1];
	assert_int_equal(session_create(db, SESSION_MEMBER, id, 1900000000, tok), 0);
	assert_true(session_lookup(db, SESSION_MEMBER, tok, 1900000001, 3600, 43200) == id);

	assert_int_equal(member_erase(db, id, 1900000100, NULL), 0);

	/* Personal data: gone. */
	assert_int_equal(count("SELECT COUNT(*) FROM people WHERE id = ? AND email IS NULL AND first_name = ''"
			       " AND last_name = '' AND phone = '' AND job_title = '' AND intro = '' AND link = ''"
			       " AND employer = '' AND municipality = '' AND erased_at = 1900000100", id), 1);
	assert_int_equal(count("SELECT COUNT(*) FROM member_sessions WHERE person_id = ?", id), 0);
	assert_int_equal(count("SELECT COUNT(*) FROM email_tokens WHERE person_id = ?", id), 0);
	assert_true(session_lookup(db, SESSION_MEMBER, tok, 1900000200, 3600, 43200) < 0);
	/* E-mails: unsent ones dropped, the rest without recipient or contents. */
	assert_int_equal(count("SELECT COUNT(*) FROM outbox WHERE person_id = ? AND status IN ('queued', 'failed')", id), 0);
	assert_int_equal(count("SELECT COUNT(*) FROM outbox WHERE person_id = ?", id), 2);
	assert_int_equal(count("SELECT COUNT(*) FROM outbox WHERE (person_id = ? OR message_id = '<addr@test>') AND"
			       " (to_email <> '' OR to_name <> '' OR subject <> '' OR text_body <> '' OR html_body <> '')", id), 0);
	assert_int_equal(count("SELECT COUNT(*) FROM outbox WHERE ? > 0 AND to_email = 'erase@example.org'", id), 0);
	assert_int_equal(count("SELECT COUNT(*) FROM registrations WHERE person_id = ? AND pending_profile IS NOT NULL", id), 0);
	assert_int_equal(count("SELECT COUNT(*) FROM registrations WHERE person_id = ? AND pending_profile IS NOT NULL", keep), 1);
	/* Nothing anywhere still holds the address or the name. */
	assert_int_equal(db_int(db, -1, "SELECT COUNT(*) FROM people WHERE first_name = 'Erkki'", ""), 0);

	/* Statistics: kept. */
	assert_int_equal(count("SELECT COUNT(*) FROM people WHERE id = ? AND sector = 'ict' AND occupation = '2512'"
			       " AND region = 'FI-01' AND experience_years = 7 AND education = 'master'"
			       " AND meeting_mode = 'either' AND mail_lang = 'fi' AND gender = 'woman' AND birth_year = 1985"
			       " AND birth_country = 'SY' AND arrival_year = 2016 AND created_at = 1700000000", id), 1);
	assert_int_equal(count("SELECT COUNT(*) FROM person_languages WHERE person_id = ?", id), 3);
	assert_int_equal(count("SELECT COUNT(*) FROM registrations WHERE person_id = ?", id), 2);
	assert_int_equal(count("SELECT COUNT(*) FROM registration_eligibility e JOIN registrations r ON r.id ="
			       " e.registration_id WHERE r.person_id = ?", id), 2);
	assert_int_equal(count("SELECT COUNT(*) FROM consents WHERE person_id = ?", id), 2);
	/* The open registration was withdrawn, with its reason; the closed one stays closed. */
	assert_int_equal(count("SELECT COUNT(*) FROM registrations WHERE person_id = ? AND status = 'closed'", id), 1);
	assert_int_equal(count("SELECT COUNT(*) FROM registrations WHERE person_id = ? AND status = 'withdrawn'"
			       " AND status_at = 1900000100", id), 1);
	assert_int_equal(count("SELECT COUNT(*) FROM registration_events e JOIN registrations r ON r.id ="
			       " e.registration_id WHERE r.person_id = ? AND e.to_status = 'withdrawn'"
			       " AND e.from_status = 'waiting' AND e.actor = 'person' AND e.reason = 'erased'", id), 1);
	assert_int_equal(count("SELECT COUNT(*) FROM registration_events e JOIN registrations r ON r.id ="
			       " e.registration_id WHERE r.person_id = ?", id), 3);

	/* The other person is untouched. */
	assert_int_equal(count("SELECT COUNT(*) FROM people WHERE id = ? AND email = 'keep@example.org'"
			       " AND first_name = 'Keep' AND municipality = 'FI-091' AND erased_at IS NULL"
			       " AND region = ''", keep), 1);
	assert_int_equal(count("SELECT COUNT(*) FROM outbox WHERE person_id = ? AND text_body = 'secret body'", keep), 4);
	assert_int_equal(count("SELECT COUNT(*) FROM member_sessions WHERE person_id = ?", keep), 1);
	assert_int_equal(count("SELECT COUNT(*) FROM registrations WHERE person_id = ? AND status = 'waiting'", keep), 1);

	/* Once erased: no login link, no export, no second erasure. */
	struct member_link l;
	assert_int_equal(member_login_link(db, "erase@example.org", 1900000300, 900, &l), 0);
	assert_null(member_export_json(db, id, 1900000300));
	assert_int_equal(member_erase(db, id, 1900000400, NULL), -1);
	assert_int_equal(member_erase(db, 999999, 1900000400, NULL), -1);
	assert_int_equal(count("SELECT COUNT(*) FROM people WHERE id = ? AND erased_at = 1900000100", id), 1);
	/* The address can be used for a new registration later. */
	assert_int_equal(db_run(db, "INSERT INTO people (email, created_at, updated_at) VALUES ('erase@example.org', 1, 1)",
				""), 0);
}

static void iso_time(void **state)
{
	(void)state;
	char t[32];
	member_iso_time(0, t);
	assert_string_equal(t, "1970-01-01T00:00:00Z");
	member_iso_time(1795439400, t);
	assert_string_equal(t, "2026-11-23T13:10:00Z");
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
		cmocka_unit_test(email_normalise), cmocka_unit_test(login_links), cmocka_unit_test(withdraw),
		cmocka_unit_test(export_json),	   cmocka_unit_test(erase),	  cmocka_unit_test(iso_time),
	};
	return cmocka_run_group_tests_name("member", tests, setup, teardown);
}

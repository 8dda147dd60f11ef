/* The profile form: tidying, every validation rule, the text form used for
 * pending changes, and storing/loading against a real SQLite database with
 * the project's migrations and a few reference entries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/log.h"
#include "domain/profile.h"
#include "http/form.h"
#include "store/migrate.h"
#include "testdb.h"

static char dir[] = "/tmp/ovi-profile-XXXXXX";
static struct db *db;
static struct arena *A;

/* 2026-06-15 */
static const int64_t NOW = 1781510400;

#define VALID                                                                                               \
	"first_name=Amina&last_name=Hassan&email=Amina.Hassan%40Example.ORG&phone=%2B358+40+123+4567"          \
	"&phone_shared=1&mail_lang=fi&languages=fi&languages=en&other_languages=so&other_languages=ar"         \
	"&sector=ict&occupation=2512&job_title=Software+developer&experience_years=7&education=master"          \
	"&municipality=FI-091&meeting_mode=either&intro=Hello.&link=https%3A%2F%2Fwww.linkedin.com%2Fin%2Fx"    \
	"&gender=woman&birth_year=1988&birth_country=SO&arrival_year=2015"

static void seed_refdata(void)
{
	static const char *const rows[][3] = {
		{ "sector", "ict", "" }, { "sector", "health", "" }, { "occupation", "2512", "" },
		{ "occupation", "2221", "" }, { "occupation", "25", "" }, { "region", "FI-01", "FI" },
		{ "region", "SE-01", "SE" }, { "municipality", "FI-091", "FI-01" },
		{ "municipality", "FI-049", "FI-01" }, { "municipality", "SE-0180", "SE-01" },
		{ "language", "sv", "" }, { "language", "fi", "" }, { "language", "en", "" },
		{ "language", "so", "" }, { "language", "ar", "" }, { "language", "tlh", "" },
		{ "country", "SO", "" }, { "country", "IQ", "" }, { "education", "master", "" },
		{ "education", "bachelor", "" },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(*rows); i++)
		assert_int_equal(db_run(db, "INSERT INTO ref_entries (kind, code, name_en, parent) VALUES (?, ?, ?, ?)",
					"ssss", rows[i][0], rows[i][1], rows[i][1], rows[i][2]),
				 0);
	assert_int_equal(db_run(db, "INSERT INTO ref_sector_isco (sector, prefix) VALUES ('ict', '25')", ""), 0);
	assert_int_equal(db_run(db, "INSERT INTO ref_sector_isco (sector, prefix) VALUES ('health', '22')", ""), 0);
	/* Staff hid Klingon. */
	assert_int_equal(db_run(db, "INSERT INTO ref_overrides (kind, code, hidden) VALUES ('language', 'tlh', 1)", ""),
			 0);
}

/* Parse a urlencoded body into p. */
static void parse(struct profile *p, const char *body, unsigned flags)
{
	struct form f;
	assert_int_equal(form_parse(A, body, strlen(body), NULL, &f), FORM_OK);
	assert_int_equal(profile_parse(p, &f, flags, A), 0);
}

/* VALID with the field `name` replaced by name=value (removed when value
 * is NULL); value is already URL-encoded. */
static const char *with(const char *name, const char *value)
{
	struct buf b = BUF_INIT(1 << 16);
	char *copy = arena_strdup(A, VALID);
	for (char *tok = strtok(copy, "&"); tok; tok = strtok(NULL, "&")) {
		size_t klen = strcspn(tok, "=");
		if (strlen(name) == klen && strncmp(tok, name, klen) == 0)
			continue;
		if (b.len)
			buf_addc(&b, '&');
		buf_adds(&b, tok);
	}
	if (value)
		buf_printf(&b, "&%s=%s", name, value);
	const char *r = arena_strdup(A, buf_str(&b));
	buf_free(&b);
	return r;
}

static int check(struct profile *p, const char *body, unsigned flags)
{
	parse(p, body, flags);
	return profile_validate(p, db, A, NULL, "FI,SE", NOW);
}

/* The error of field f for a body with name=value replaced. */
static const char *err_with(enum profile_field fld, const char *name, const char *value)
{
	struct profile p;
	check(&p, with(name, value), PROFILE_PARTICIPANT | PROFILE_DOOR_OPENER);
	return p.error[fld];
}

static void valid_profile(void **state)
{
	(void)state;
	struct profile p;
	assert_int_equal(check(&p, VALID, PROFILE_PARTICIPANT), 0);
	assert_string_equal(p.email, "amina.hassan@example.org");
	assert_string_equal(p.phone, "+358 40 123 4567");
	assert_true(p.phone_shared);
	assert_int_equal(p.nlangs, 4);
	assert_true(profile_has_lang(&p, "so") && profile_has_lang(&p, "fi") && !profile_has_lang(&p, "sv"));
	assert_int_equal(p.experience_n, 7);
	assert_int_equal(p.birth_year_n, 1988);
	assert_int_equal(p.arrival_year_n, 2015);
	for (int i = 0; i < PF_COUNT; i++)
		assert_null(p.error[i]);
	/* Only the statistics and the optional fields may be left empty. */
	assert_int_equal(check(&p, with("phone", NULL), PROFILE_PARTICIPANT), 0);
	assert_false(p.phone_shared); /* nothing to share */
	const char *body = with("gender", NULL);
	assert_int_equal(check(&p, body, 0), 0);
	assert_int_equal(p.birth_year_n, 1988);
	assert_int_equal(check(&p, "first_name=A&last_name=B&email=a%40b.fi&mail_lang=sv&languages=sv&sector=ict"
				   "&occupation=2512&job_title=x&experience_years=0&education=master"
				   "&municipality=SE-0180&meeting_mode=online&intro=x",
			       0),
			 0);
	assert_int_equal(p.birth_year_n, -1);
	assert_int_equal(p.arrival_year_n, -1);
}

static void tidying(void **state)
{
	(void)state;
	struct profile p;
	parse(&p, "first_name=++Anna%0D%0A++Maria+&last_name=%09Virtanen&intro=%0D%0A+Line+one%0D%0Aline+two%0D%0D+",
	      0);
	assert_string_equal(p.first_name, "Anna Maria");
	assert_string_equal(p.last_name, "Virtanen");
	assert_string_equal(p.intro, "Line one\nline two");
	assert_string_equal(p.email, "");
	assert_int_equal(p.nlangs, 0);
	/* Repeated languages count once; the fixed and the listed ones mix. */
	parse(&p, "languages=sv&languages=sv&other_languages=sv&other_languages=ar&other_languages=", 0);
	assert_int_equal(p.nlangs, 2);
	/* Fields of the other role are not read. */
	parse(&p, "employer=ACME&arrival_year=2001", PROFILE_PARTICIPANT);
	assert_string_equal(p.employer, "");
	assert_string_equal(p.arrival_year, "2001");
	parse(&p, "employer=ACME&arrival_year=2001", PROFILE_DOOR_OPENER);
	assert_string_equal(p.employer, "ACME");
	assert_string_equal(p.arrival_year, "");
	parse(&p, "email=x%40y.fi", PROFILE_EMAIL_FIXED);
	assert_string_equal(p.email, "");
}

static void required_fields(void **state)
{
	(void)state;
	struct profile p;
	assert_true(check(&p, "", PROFILE_PARTICIPANT) >= 12);
	enum profile_field required[] = { PF_FIRST_NAME, PF_LAST_NAME, PF_EMAIL, PF_MAIL_LANG, PF_LANGUAGES,
					  PF_SECTOR, PF_OCCUPATION, PF_JOB_TITLE, PF_EXPERIENCE, PF_EDUCATION,
					  PF_MUNICIPALITY, PF_MEETING_MODE, PF_INTRO };
	for (size_t i = 0; i < sizeof(required) / sizeof(*required); i++)
		assert_non_null(p.error[required[i]]);
	enum profile_field optional[] = { PF_PHONE, PF_EMPLOYER, PF_LINK, PF_GENDER, PF_BIRTH_YEAR,
					  PF_BIRTH_COUNTRY, PF_ARRIVAL_YEAR };
	for (size_t i = 0; i < sizeof(optional) / sizeof(*optional); i++)
		assert_null(p.error[optional[i]]);
	/* Spaces only is empty. */
	assert_non_null(err_with(PF_FIRST_NAME, "first_name", "+++"));
	assert_non_null(err_with(PF_INTRO, "intro", "%0D%0A+%09"));
}

static const char *repeat(const char *unit, int n)
{
	struct buf b = BUF_INIT(1 << 16);
	for (int i = 0; i < n; i++)
		buf_adds(&b, unit);
	const char *r = arena_strdup(A, buf_str(&b));
	buf_free(&b);
	return r;
}

static void lengths_in_characters(void **state)
{
	(void)state;
	/* "ä" is two bytes: 100 of them are 100 characters, fine. */
	assert_null(err_with(PF_FIRST_NAME, "first_name", repeat("%C3%A4", 100)));
	assert_non_null(err_with(PF_FIRST_NAME, "first_name", repeat("%C3%A4", 101)));
	assert_null(err_with(PF_LAST_NAME, "last_name", repeat("x", 100)));
	assert_non_null(err_with(PF_LAST_NAME, "last_name", repeat("x", 101)));
	assert_null(err_with(PF_JOB_TITLE, "job_title", repeat("%E2%82%AC", 120)));
	assert_non_null(err_with(PF_JOB_TITLE, "job_title", repeat("%E2%82%AC", 121)));
	assert_null(err_with(PF_EMPLOYER, "employer", repeat("y", 150)));
	assert_non_null(err_with(PF_EMPLOYER, "employer", repeat("y", 151)));
	assert_null(err_with(PF_INTRO, "intro", repeat("%F0%9F%98%80", 1000)));
	assert_non_null(err_with(PF_INTRO, "intro", repeat("%F0%9F%98%80", 1001)));
	/* Line breaks in the introduction count as one character each. */
	assert_null(err_with(PF_INTRO, "intro", arena_printf(A, "a%s", repeat("%0D%0Ab", 499))));
	assert_non_null(err_with(PF_LINK, "link", arena_printf(A, "https://example.org/%s", repeat("a", 481))));
	assert_null(err_with(PF_LINK, "link", arena_printf(A, "https://example.org/%s", repeat("a", 480))));
	assert_non_null(err_with(PF_PHONE, "phone", repeat("1", 31)));
	assert_non_null(err_with(PF_SECTOR, "sector", repeat("x", 17)));
}

static void emails(void **state)
{
	(void)state;
	const char *good[] = { "a@b.fi", "first.last+tag@sub.example.org", "o'neil@example.com", "x_y-z@a-b.co",
			       "1@2.example", "USER@EXAMPLE.ORG" };
	const char *bad[] = { "", "a", "a@", "@b.fi", "a@b", "a@@b.fi", "a@b@c.fi", ".a@b.fi", "a.@b.fi",
			      "a..b@c.fi", "a b@c.fi", "a@-b.fi", "a@b-.fi", "a@b..fi", "a@b.fi.", "a@.b.fi",
			      "a@b.123", "a@b_c.fi", "\"a\"@b.fi", "a(b)@c.fi", "ä@b.fi", "a@bä.fi", "a@b.fi>",
			      "<a@b.fi>" };
	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++)
		assert_true(profile_email_ok(good[i], strlen(good[i])));
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		if (profile_email_ok(bad[i], strlen(bad[i])))
			fail_msg("accepted %s", bad[i]);
	}
	/* Length limits: 64 for the local part, 254 in all. */
	char local[80], addr[300];
	memset(local, 'a', 65);
	local[65] = '\0';
	snprintf(addr, sizeof(addr), "%s@b.fi", local);
	assert_false(profile_email_ok(addr, strlen(addr)));
	local[64] = '\0';
	snprintf(addr, sizeof(addr), "%s@b.fi", local);
	assert_true(profile_email_ok(addr, strlen(addr)));
	char longdom[300] = "a@";
	while (strlen(longdom) < 253)
		strcat(longdom, "abcdefghi.");
	strcat(longdom, "fi");
	assert_false(profile_email_ok(longdom, strlen(longdom)));
	/* Through the form: an error, and a valid one is lower-cased. */
	assert_non_null(err_with(PF_EMAIL, "email", "a%40b"));
	struct profile p;
	assert_int_equal(check(&p, with("email", "+MiXeD%40Example.FI+"), 0), 0);
	assert_string_equal(p.email, "mixed@example.fi");
}

static void links_and_phones(void **state)
{
	(void)state;
	const char *good[] = { "https://www.linkedin.com/in/amina-hassan-123/", "http://example.org",
			       "HTTPS://Example.org/cv.pdf?x=1#top", "https://example.org:8443/a",
			       "https://fi.linkedin.com/in/j%C3%B6rg", "https://example.org/jörg" };
	const char *bad[] = { "", "linkedin.com/in/x", "javascript:alert(1)", "ftp://example.org/x",
			      "https://", "https:///x", "https://localhost/", "https://exa mple.org",
			      "https://example.org/a b", "https://example.org/\"x", "https://example.org/<x>",
			      "data:text/html,x", "https://.example.org", "mailto:a@b.fi", "//example.org/x" };
	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++)
		if (!profile_link_ok(good[i], strlen(good[i])))
			fail_msg("refused %s", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		if (profile_link_ok(bad[i], strlen(bad[i])))
			fail_msg("accepted %s", bad[i]);
	assert_non_null(err_with(PF_LINK, "link", "javascript%3Aalert(1)"));
	assert_null(err_with(PF_PHONE, "phone", "040-123+45+67"));
	assert_null(err_with(PF_PHONE, "phone", "%2B46+(0)8+123+456"));
	assert_non_null(err_with(PF_PHONE, "phone", "123"));
	assert_non_null(err_with(PF_PHONE, "phone", "call+me"));
	assert_non_null(err_with(PF_PHONE, "phone", "040%2B123456"));
}

static void choices(void **state)
{
	(void)state;
	assert_non_null(err_with(PF_MAIL_LANG, "mail_lang", "de"));
	assert_non_null(err_with(PF_MEETING_MODE, "meeting_mode", "phone"));
	assert_non_null(err_with(PF_SECTOR, "sector", "nope"));
	assert_non_null(err_with(PF_OCCUPATION, "occupation", "9999"));
	/* An occupation of another sector. */
	assert_non_null(err_with(PF_OCCUPATION, "occupation", "2221"));
	assert_null(err_with(PF_OCCUPATION, "occupation", "25"));
	assert_non_null(err_with(PF_EDUCATION, "education", "phd"));
	assert_non_null(err_with(PF_MUNICIPALITY, "municipality", "FI-999"));
	assert_null(err_with(PF_MUNICIPALITY, "municipality", "SE-0180"));
	/* The deployment offers only Finland. */
	struct profile p;
	parse(&p, with("municipality", "SE-0180"), 0);
	assert_int_equal(profile_validate(&p, db, A, NULL, "FI", NOW), 1);
	assert_non_null(p.error[PF_MUNICIPALITY]);
	assert_non_null(err_with(PF_GENDER, "gender", "x"));
	assert_null(err_with(PF_GENDER, "gender", "other"));
	assert_non_null(err_with(PF_BIRTH_COUNTRY, "birth_country", "XX"));
	assert_null(err_with(PF_BIRTH_COUNTRY, "birth_country", "IQ"));
	/* Languages: none, unknown, hidden, too many. */
	assert_null(err_with(PF_LANGUAGES, "languages", NULL)); /* other_languages remain */
	parse(&p, with("other_languages", NULL), 0);
	assert_int_equal(p.nlangs, 2);
	const char *none = "first_name=A&last_name=B&email=a%40b.fi&mail_lang=sv&sector=ict&occupation=2512"
			   "&job_title=x&experience_years=0&education=master&municipality=SE-0180"
			   "&meeting_mode=online&intro=x";
	assert_int_equal(check(&p, none, 0), 1);
	assert_non_null(p.error[PF_LANGUAGES]);
	assert_int_equal(check(&p, arena_printf(A, "%s&other_languages=xx", none), 0), 1);
	assert_int_equal(check(&p, arena_printf(A, "%s&other_languages=tlh", none), 0), 1);
	struct buf b = BUF_INIT(4096);
	buf_adds(&b, none);
	for (int i = 0; i < 21; i++)
		buf_printf(&b, "&other_languages=l%02d", i);
	assert_int_equal(check(&p, buf_str(&b), 0), 1);
	assert_string_equal(p.error[PF_LANGUAGES], "Choose at most 20 languages.");
	buf_free(&b);
}

static void years(void **state)
{
	(void)state;
	assert_non_null(err_with(PF_EXPERIENCE, "experience_years", "-1"));
	assert_non_null(err_with(PF_EXPERIENCE, "experience_years", "61"));
	assert_non_null(err_with(PF_EXPERIENCE, "experience_years", "2.5"));
	assert_non_null(err_with(PF_EXPERIENCE, "experience_years", "five"));
	assert_null(err_with(PF_EXPERIENCE, "experience_years", "60"));
	assert_null(err_with(PF_EXPERIENCE, "experience_years", "0"));
	assert_non_null(err_with(PF_BIRTH_YEAR, "birth_year", "85"));
	assert_non_null(err_with(PF_BIRTH_YEAR, "birth_year", "1899"));
	assert_non_null(err_with(PF_BIRTH_YEAR, "birth_year", "2020")); /* younger than 15 in 2026 */
	assert_null(err_with(PF_BIRTH_YEAR, "birth_year", "2011"));
	assert_non_null(err_with(PF_ARRIVAL_YEAR, "arrival_year", "2027")); /* the future */
	assert_null(err_with(PF_ARRIVAL_YEAR, "arrival_year", "2026"));
	/* Before birth (1988 in VALID). */
	assert_non_null(err_with(PF_ARRIVAL_YEAR, "arrival_year", "1980"));
}

static void encode_round_trip(void **state)
{
	(void)state;
	struct profile p, q;
	parse(&p, with("intro", "R%C3%A4d+1%0D%0A%26+%3D+%25+%2B+%C3%B6"), PROFILE_PARTICIPANT | PROFILE_DOOR_OPENER);
	assert_int_equal(profile_validate(&p, db, A, NULL, "FI,SE", NOW), 0);
	struct buf b = BUF_INIT(1 << 16);
	assert_int_equal(profile_encode(&p, &b), 0);
	struct form f;
	assert_int_equal(form_parse(A, b.data, b.len, NULL, &f), FORM_OK);
	assert_string_equal(form_get(&f, "flags"), "3");
	assert_int_equal(profile_parse(&q, &f, PROFILE_PARTICIPANT | PROFILE_DOOR_OPENER, A), 0);
	assert_int_equal(profile_validate(&q, db, A, NULL, "FI,SE", NOW), 0);
	assert_string_equal(q.intro, "Räd 1\n& = % + ö");
	assert_string_equal(q.email, p.email);
	assert_string_equal(q.link, p.link);
	assert_int_equal(q.nlangs, p.nlangs);
	assert_true(q.phone_shared);
	assert_int_equal(q.arrival_year_n, 2015);
	buf_free(&b);
	/* A full buffer is an error, not a truncation. */
	struct buf small = BUF_INIT(10);
	assert_int_equal(profile_encode(&p, &small), -1);
	buf_free(&small);
}

static void store_and_load(void **state)
{
	(void)state;
	struct profile p, got;
	parse(&p, with("employer", "ACME+Oy"), PROFILE_PARTICIPANT | PROFILE_DOOR_OPENER);
	assert_int_equal(profile_validate(&p, db, A, NULL, "FI,SE", NOW), 0);
	int64_t id = profile_insert(db, &p, NOW);
	assert_true(id > 0);
	/* The address is unique. */
	assert_int_equal(profile_insert(db, &p, NOW), -1);
	assert_int_equal(profile_load(db, A, id, 0, &got), 0);
	assert_string_equal(got.email, "amina.hassan@example.org");
	assert_string_equal(got.first_name, "Amina");
	assert_string_equal(got.employer, "ACME Oy");
	assert_string_equal(got.experience, "7");
	assert_string_equal(got.birth_year, "1988");
	assert_string_equal(got.arrival_year, "2015");
	assert_true(got.phone_shared);
	assert_int_equal(got.nlangs, 4);
	assert_true(profile_has_lang(&got, "ar"));

	/* A member edits as a participant, with the e-mail fixed: the address,
	 * the employer (not on the form) stay; the rest is replaced. */
	struct profile e;
	const char *body = with("languages", "sv");
	body = arena_printf(A, "%s&email=evil%%40example.org&employer=Other", body);
	parse(&e, body, PROFILE_PARTICIPANT | PROFILE_EMAIL_FIXED);
	assert_int_equal(profile_validate(&e, db, A, &got, "FI,SE", NOW), 0);
	assert_int_equal(profile_update(db, id, &e, NOW + 10), 0);
	assert_int_equal(profile_load(db, A, id, 0, &got), 0);
	assert_string_equal(got.email, "amina.hassan@example.org");
	assert_string_equal(got.employer, "ACME Oy");
	assert_true(profile_has_lang(&got, "sv"));
	assert_false(profile_has_lang(&got, "fi"));
	assert_int_equal(db_int(db, 0, "SELECT updated_at FROM people WHERE id = ?", "i", id), NOW + 10);

	/* Empty optional numbers are stored as NULL. */
	parse(&e, with("birth_year", NULL), PROFILE_EMAIL_FIXED);
	assert_int_equal(profile_validate(&e, db, A, &got, "FI,SE", NOW), 0);
	assert_int_equal(profile_update(db, id, &e, NOW + 20), 0);
	assert_int_equal(db_int(db, 0, "SELECT birth_year IS NULL FROM people WHERE id = ?", "i", id), 1);
	assert_int_equal(db_int(db, 0, "SELECT arrival_year FROM people WHERE id = ?", "i", id), 2015);

	/* A value staff have hidden since stays valid when unchanged, but
	 * cannot be newly chosen. */
	assert_int_equal(db_run(db, "INSERT INTO ref_overrides (kind, code, hidden) VALUES ('municipality', 'FI-091', 1)", ""),
			 0);
	assert_int_equal(profile_load(db, A, id, 0, &got), 0);
	parse(&e, VALID, PROFILE_EMAIL_FIXED);
	assert_int_equal(profile_validate(&e, db, A, &got, "FI,SE", NOW), 0);
	parse(&e, VALID, 0);
	assert_int_equal(profile_validate(&e, db, A, NULL, "FI,SE", NOW), 1);
	assert_non_null(e.error[PF_MUNICIPALITY]);
	/* ...and even with the old country no longer offered. */
	parse(&e, VALID, PROFILE_EMAIL_FIXED);
	assert_int_equal(profile_validate(&e, db, A, &got, "SE", NOW), 0);
	assert_int_equal(db_run(db, "DELETE FROM ref_overrides WHERE code = 'FI-091'", ""), 0);

	/* Erased and unknown people cannot be loaded or updated. */
	assert_int_equal(profile_load(db, A, id + 1000, 0, &got), -1);
	assert_int_equal(db_run(db, "UPDATE people SET erased_at = 1, email = NULL WHERE id = ?", "i", id), 0);
	assert_int_equal(profile_load(db, A, id, 0, &got), -1);
	assert_int_equal(profile_update(db, id, &e, NOW), -1);
}

static int setup(void **state)
{
	(void)state;
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
		cmocka_unit_test(valid_profile),   cmocka_unit_test(tidying),
		cmocka_unit_test(required_fields), cmocka_unit_test(lengths_in_characters),
		cmocka_unit_test(emails),          cmocka_unit_test(links_and_phones),
		cmocka_unit_test(choices),         cmocka_unit_test(years),
		cmocka_unit_test(encode_round_trip), cmocka_unit_test(store_and_load),
	};
	return cmocka_run_group_tests_name("profile", tests, setup, teardown);
}

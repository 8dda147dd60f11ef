/* The life of a match (domain/matches.c) on a real SQLite database with
 * every migration, the project's real mail templates and the real
 * scheduler: states, answers, e-mails queued (with their .ics), jobs,
 * registrations following their matches, links, and the priority a
 * returned participant gets in the next matching run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/token.h"
#include "domain/matches.h"
#include "domain/matching.h"
#include "domain/scheduler.h"
#include "testenv.h"
#include "tmpl/tmpl.h"

static char dir[] = "/tmp/ovi-matches-XXXXXX";
static struct db *db;
static struct config cfg;
static struct mail_env env;
static struct testenv te; /* db, env and cfg above are its, for short */

enum { DAY = 24 * 3600 };
static const int64_t T0 = 1795000000; /* a Tuesday in November 2026 */

static int64_t person(const char *email, const char *lang, const char *occupation, const char *mode)
{
	assert_int_equal(db_run(db, "INSERT INTO people (email, first_name, last_name, mail_lang, occupation, municipality,"
				    " meeting_mode, created_at, updated_at) VALUES (?, 'Ada', 'Test', ?, ?, 'FI-091', ?, ?, ?)",
				"ssssii", email, lang, occupation, mode, T0, T0),
			 0);
	int64_t id = db_int(db, -1, "SELECT id FROM people WHERE email = ?", "s", email);
	assert_int_equal(db_run(db, "INSERT INTO person_languages (person_id, lang) VALUES (?, 'fi'), (?, 'en')", "ii",
				id, id),
			 0);
	return id;
}

static int64_t reg(int64_t person_id, const char *role, int capacity, int64_t confirmed_at)
{
	assert_int_equal(db_run(db, "INSERT INTO registrations (person_id, role, status, capacity, created_at, confirmed_at,"
				    " status_at) VALUES (?, ?, 'waiting', ?, ?, ?, ?)",
				"isiiii", person_id, role, (int64_t)capacity, confirmed_at, confirmed_at, confirmed_at),
			 0);
	return db_int(db, -1, "SELECT MAX(id) FROM registrations", "");
}

static const char *status_of(int64_t r)
{
	static char s[32];
	struct db_stmt *st = db_prepare(db, "SELECT status FROM registrations WHERE id = ?");
	s[0] = '\0';
	if (st && db_bind_int(st, 1, r) == 0 && db_step(st) == DB_ROW)
		snprintf(s, sizeof(s), "%s", db_col_text(st, 0));
	db_finalize(st);
	return s;
}

static const char *state_of(int64_t m)
{
	static char s[32];
	struct db_stmt *st = db_prepare(db, "SELECT state FROM matches WHERE id = ?");
	s[0] = '\0';
	if (st && db_bind_int(st, 1, m) == 0 && db_step(st) == DB_ROW)
		snprintf(s, sizeof(s), "%s", db_col_text(st, 0));
	db_finalize(st);
	return s;
}

static int64_t mails(const char *kind)
{
	return db_int(db, -1, "SELECT COUNT(*) FROM outbox WHERE kind = ?", "s", kind);
}

/* The e-mails of one match (the scheduler also works on earlier tests' matches). */
static int64_t mails_of(int64_t match, const char *kind)
{
	return db_int(db, -1, "SELECT COUNT(*) FROM outbox o JOIN match_mails mm ON mm.outbox_id = o.id"
			      " WHERE mm.match_id = ? AND o.kind = ?", "is", match, kind);
}

/* Run f in a transaction and keep what it did only on 0. */
#define TX(call)                                                                                                       \
	({                                                                                                             \
		assert_int_equal(db_begin(db), 0);                                                                     \
		int r_ = (call);                                                                                       \
		if (r_ == 0)                                                                                           \
			assert_int_equal(db_commit(db), 0);                                                            \
		else                                                                                                   \
			db_rollback(db);                                                                               \
		r_;                                                                                                    \
	})

struct pair {
	int64_t p_person, o_person, p_reg, o_reg, match;
};

static struct pair make_match(const char *tag)
{
	struct pair x;
	char a[64], b[64];
	snprintf(a, sizeof(a), "p-%s@example.org", tag);
	snprintf(b, sizeof(b), "o-%s@example.org", tag);
	x.p_person = person(a, "sv", "2512", "either");
	x.o_person = person(b, "fi", "2512", "either");
	x.p_reg = reg(x.p_person, "participant", 1, env.now - 10 * DAY);
	x.o_reg = reg(x.o_person, "door_opener", 1, env.now - 10 * DAY);
	struct match_new n = { .participant_reg = x.p_reg, .opener_reg = x.o_reg, .origin = "manual", .staff_id = 1,
			       .reason = "test" };
	assert_int_equal(TX(matches_create(&env, &n, &x.match)), 0);
	return x;
}

static int setup(void **state)
{
	(void)state;
	assert_int_equal(testenv_open(&te, dir, T0), 0);
	db = te.db;
	env = te.env;
	cfg = te.cfg;
	env.cfg = &cfg;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return testenv_close(&te, dir);
}

static void test_create_introduces_both(void **state)
{
	(void)state;
	int64_t before = mails("match_intro");
	struct pair x = make_match("create");
	assert_string_equal(state_of(x.match), "introduced");
	assert_int_equal(mails("match_intro") - before, 2);
	/* Both carry the invitation, and the links are theirs. */
	assert_int_equal(db_int(db, -1, "SELECT COUNT(*) FROM outbox o JOIN match_mails mm ON mm.outbox_id = o.id"
					" WHERE mm.match_id = ? AND o.attach_name = 'invite.ics'"
					" AND o.attach_data LIKE '%BEGIN:VEVENT%' AND o.attach_data LIKE '%TZID=Europe/Helsinki%'",
				 "i", x.match),
			 2);
	assert_int_equal(db_int(db, -1, "SELECT COUNT(*) FROM email_tokens WHERE match_id = ?", "i", x.match), 2);
	assert_int_equal(db_int(db, -1, "SELECT COUNT(*) FROM jobs WHERE ref_id = ? AND done_at IS NULL", "i", x.match), 2);
	assert_string_equal(status_of(x.p_reg), "matched");
	assert_string_equal(status_of(x.o_reg), "matched"); /* capacity 1, used */
	/* The suggested time: a weekday, in working hours, lead days ahead. */
	int64_t at = db_int(db, -1, "SELECT meeting_at FROM matches WHERE id = ?", "i", x.match);
	time_t t = (time_t)at;
	struct tm tm;
	localtime_r(&t, &tm);
	assert_true(at >= T0 + 4 * DAY);
	assert_true(tm.tm_wday >= 1 && tm.tm_wday <= 5);
	assert_true(tm.tm_hour >= 9 && tm.tm_hour <= 16 && tm.tm_min == 0);
	/* Shared languages are stored; the e-mail shows the other's name. */
	assert_int_equal(db_int(db, -1, "SELECT COUNT(*) FROM matches WHERE id = ? AND languages = 'en,fi'", "i", x.match),
			 1);
	/* The same participant cannot get a second open match. */
	int64_t o2 = reg(person("o2-create@example.org", "en", "2512", "either"), "door_opener", 1, T0);
	struct match_new n = { .participant_reg = x.p_reg, .opener_reg = o2, .origin = "manual", .staff_id = 1,
			       .reason = "again" };
	int64_t id;
	assert_int_equal(TX(matches_create(&env, &n, &id)), MATCHES_UNAVAILABLE);
	n.reason = "";
	assert_int_equal(TX(matches_create(&env, &n, &id)), MATCHES_INVALID);
}

static void test_accept_confirm_meet(void **state)
{
	(void)state;
	struct pair x = make_match("meet");
	assert_int_equal(TX(matches_accept(&env, x.match, SIDE_PARTICIPANT)), 0);
	assert_string_equal(state_of(x.match), "accepted");
	assert_int_equal(TX(matches_accept(&env, x.match, SIDE_PARTICIPANT)), MATCHES_NOT_NOW);
	int64_t conf = mails("match_confirmed");
	assert_int_equal(TX(matches_accept(&env, x.match, SIDE_DOOR_OPENER)), 0);
	assert_string_equal(state_of(x.match), "confirmed");
	assert_int_equal(mails("match_confirmed") - conf, 2);
	/* "Did you meet?" is refused before the meeting. */
	assert_int_equal(TX(matches_met_answer(&env, x.match, SIDE_PARTICIPANT, "met", 0)), MATCHES_NOT_NOW);
	/* The scheduler asks after it. */
	int64_t at = db_int(db, -1, "SELECT meeting_at FROM matches WHERE id = ?", "i", x.match);
	struct mail_env later = env;
	later.now = at + cfg.match_followup_hours * 3600 + 60;
	assert_true(jobs_run_due(&later, 0) >= 1);
	assert_int_equal(mails_of(x.match, "match_followup"), 2);
	/* Reminders and expiry made at the introduction did nothing. */
	assert_string_equal(state_of(x.match), "confirmed");
	int64_t contacts = mails("match_contacts");
	assert_int_equal(TX(matches_met_answer(&later, x.match, SIDE_PARTICIPANT, "maybe", 0)), MATCHES_INVALID);
	assert_int_equal(TX(matches_met_answer(&later, x.match, SIDE_PARTICIPANT, "met", 0)), 0);
	assert_string_equal(state_of(x.match), "met");
	assert_int_equal(mails("match_contacts") - contacts, 1);
	assert_int_equal(TX(matches_met_answer(&later, x.match, SIDE_DOOR_OPENER, "met", 0)), 0);
	assert_int_equal(mails("match_contacts") - contacts, 1); /* asked once */
	assert_string_equal(status_of(x.p_reg), "met");
	assert_string_equal(status_of(x.o_reg), "matched");
	assert_int_equal(TX(matches_decline(&later, x.match, SIDE_DOOR_OPENER, "other", "", true)), MATCHES_NOT_NOW);
}

static void test_decline_returns_other_side(void **state)
{
	(void)state;
	struct pair x = make_match("decline");
	int64_t declined = mails("match_declined");
	assert_int_equal(TX(matches_decline(&env, x.match, SIDE_DOOR_OPENER, "bogus", "", true)), MATCHES_INVALID);
	assert_int_equal(TX(matches_decline(&env, x.match, SIDE_DOOR_OPENER, "no_time", "busy \xff", true)),
			 MATCHES_INVALID);
	assert_int_equal(TX(matches_decline(&env, x.match, SIDE_DOOR_OPENER, "no_time", "Busy until March", false)), 0);
	assert_string_equal(state_of(x.match), "declined");
	assert_int_equal(mails("match_declined") - declined, 1); /* to the participant only */
	assert_string_equal(status_of(x.p_reg), "waiting");
	assert_int_equal(db_int(db, -1, "SELECT returned_at FROM registrations WHERE id = ?", "i", x.p_reg), env.now);
	assert_string_equal(status_of(x.o_reg), "closed");
	/* Never the same two people again; staff can bring the decliner back. */
	struct match_new n = { .participant_reg = x.p_reg, .opener_reg = x.o_reg, .origin = "manual", .staff_id = 1,
			       .reason = "again" };
	int64_t id;
	assert_int_equal(TX(matches_back_to_pool(&env, x.match, 1, "asked by phone")), 0);
	assert_string_equal(status_of(x.o_reg), "waiting");
	assert_int_equal(TX(matches_create(&env, &n, &id)), MATCHES_UNAVAILABLE);
	/* found_job closes the participant's registration even with stay. */
	struct pair y = make_match("found");
	assert_int_equal(TX(matches_decline(&env, y.match, SIDE_PARTICIPANT, "found_job", "", true)), 0);
	assert_string_equal(status_of(y.p_reg), "closed");
	assert_string_equal(status_of(y.o_reg), "waiting");
}

static void test_new_time(void **state)
{
	(void)state;
	struct pair x = make_match("time");
	assert_int_equal(TX(matches_accept(&env, x.match, SIDE_DOOR_OPENER)), 0);
	assert_int_equal(TX(matches_propose_time(&env, x.match, SIDE_PARTICIPANT, 0, "")), MATCHES_INVALID);
	assert_int_equal(TX(matches_propose_time(&env, x.match, SIDE_PARTICIPANT, env.now + 600, "")), MATCHES_INVALID);
	assert_int_equal(TX(matches_propose_time(&env, x.match, SIDE_PARTICIPANT, env.now + 91 * DAY, "")),
			 MATCHES_INVALID);
	int64_t start = env.now + 8 * DAY;
	int64_t nt = mails("match_new_time");
	assert_int_equal(TX(matches_propose_time(&env, x.match, SIDE_PARTICIPANT, start, "Mornings are best")), 0);
	assert_int_equal(mails("match_new_time") - nt, 1);
	assert_int_equal(db_int(db, -1, "SELECT COUNT(*) FROM matches WHERE id = ? AND meeting_at = ? AND meeting_seq = 1"
					" AND participant_answer = 'accepted' AND opener_answer = '' AND state = 'accepted'",
				 "ii", x.match, start),
			 1);
	assert_int_equal(db_int(db, -1, "SELECT COUNT(*) FROM outbox WHERE kind = 'match_new_time' AND person_id = ?"
					" AND attach_data LIKE '%SEQUENCE:1%'", "i", x.o_person),
			 1);
	/* A note alone keeps the time and sends no invitation. */
	assert_int_equal(TX(matches_propose_time(&env, x.match, SIDE_DOOR_OPENER, 0, "Or any Friday")), 0);
	assert_int_equal(db_int(db, -1, "SELECT meeting_at FROM matches WHERE id = ?", "i", x.match), start);
	assert_int_equal(TX(matches_accept(&env, x.match, SIDE_DOOR_OPENER)), 0);
	assert_string_equal(state_of(x.match), "confirmed");
}

static void test_silence_reminds_then_expires(void **state)
{
	(void)state;
	struct pair x = make_match("silence");
	assert_int_equal(TX(matches_accept(&env, x.match, SIDE_PARTICIPANT)), 0);
	struct mail_env later = env;
	later.now = env.now + cfg.match_remind_days * DAY + 60;
	assert_true(jobs_run_due(&later, 0) >= 1);
	assert_int_equal(mails_of(x.match, "match_reminder"), 1); /* the door opener only */
	assert_int_equal(jobs_run_due(&later, 0), 0);             /* once */
	assert_int_equal(mails_of(x.match, "match_reminder"), 1);
	later.now = env.now + cfg.match_expiry_days * DAY + 60;
	assert_true(jobs_run_due(&later, 0) >= 1);
	assert_string_equal(state_of(x.match), "expired");
	assert_int_equal(mails_of(x.match, "match_expired"), 2);
	assert_string_equal(status_of(x.p_reg), "waiting");
	assert_true(db_int(db, 0, "SELECT returned_at FROM registrations WHERE id = ?", "i", x.p_reg) > 0);
	assert_string_equal(status_of(x.o_reg), "closed");
}

static void test_links(void **state)
{
	(void)state;
	struct pair x = make_match("links");
	struct pair y = make_match("links2");
	char tok[TOKEN_LEN + 1];
	assert_int_equal(TX(matches_link_new(&env, x.match, SIDE_DOOR_OPENER, tok)), 0);
	enum match_side side;
	int64_t pid;
	assert_int_equal(matches_link_peek(db, tok, x.match, env.now, &side, &pid), TOKEN_OK);
	assert_int_equal(side, SIDE_DOOR_OPENER);
	assert_int_equal(pid, x.o_person);
	assert_int_equal(matches_link_peek(db, tok, y.match, env.now, &side, &pid), TOKEN_WRONG);
	assert_int_equal(matches_link_peek(db, "nonsense", x.match, env.now, &side, &pid), TOKEN_UNKNOWN);
	assert_int_equal(matches_link_peek(db, tok, x.match, env.now + 31 * DAY, &side, &pid), TOKEN_EXPIRED);
	assert_int_equal(matches_link_use(db, tok, x.match, env.now, &side, &pid), TOKEN_OK);
	assert_int_equal(matches_link_use(db, tok, x.match, env.now, &side, &pid), TOKEN_USED);
	assert_int_equal(matches_side_of(db, x.match, x.p_person, &side), 0);
	assert_int_equal(side, SIDE_PARTICIPANT);
	assert_int_equal(matches_side_of(db, x.match, y.p_person, &side), 1);
}

static void test_staff_and_withdrawal(void **state)
{
	(void)state;
	struct pair x = make_match("cancel");
	int64_t c = mails("match_cancelled");
	assert_int_equal(TX(matches_cancel(&env, x.match, 1, "")), MATCHES_INVALID);
	assert_int_equal(TX(matches_cancel(&env, x.match, 1, "duplicate people")), 0);
	assert_string_equal(state_of(x.match), "cancelled");
	assert_int_equal(mails("match_cancelled") - c, 2);
	assert_string_equal(status_of(x.p_reg), "waiting");
	assert_string_equal(status_of(x.o_reg), "waiting");
	assert_int_equal(TX(matches_resend(&env, x.match, SIDE_PARTICIPANT, 1)), MATCHES_NOT_NOW);
	assert_int_equal(TX(matches_note(db, x.match, 1, "Called both", env.now)), 0);
	assert_int_equal(TX(matches_note(db, x.match, 1, "", env.now)), MATCHES_INVALID);

	struct pair y = make_match("withdraw");
	int64_t intro = mails("match_intro");
	assert_int_equal(TX(matches_resend(&env, y.match, SIDE_DOOR_OPENER, 1)), 0);
	assert_int_equal(mails("match_intro") - intro, 1);
	c = mails("match_cancelled");
	assert_int_equal(db_run(db, "UPDATE registrations SET status = 'withdrawn' WHERE id = ?", "i", y.p_reg), 0);
	assert_int_equal(TX(matches_release_registration(&env, y.p_reg)), 0);
	assert_string_equal(state_of(y.match), "cancelled");
	assert_int_equal(mails("match_cancelled") - c, 1); /* the door opener is told */
	assert_string_equal(status_of(y.o_reg), "waiting");
	assert_string_equal(status_of(y.p_reg), "withdrawn");
}

/* The next run gives a returned participant priority over one who is new
 * with the same profile. */
static void test_returned_priority(void **state)
{
	(void)state;
	/* Only these three are waiting: close everyone else. */
	assert_int_equal(db_run(db, "UPDATE registrations SET status = 'closed' WHERE status IN ('waiting', 'matched')", ""),
			 0);
	int64_t newer = reg(person("new-prio@example.org", "en", "2512", "either"), "participant", 1, env.now);
	int64_t back = reg(person("back-prio@example.org", "en", "2512", "either"), "participant", 1, env.now);
	reg(person("opener-prio@example.org", "en", "2512", "either"), "door_opener", 1, env.now);
	assert_int_equal(db_run(db, "UPDATE registrations SET returned_at = ? WHERE id = ?", "ii", env.now, back), 0);
	struct matching_opts o;
	matching_opts_default(&o);
	int64_t run;
	assert_int_equal(matching_run(db, &o, 1, env.now, &run), 0);
	assert_int_equal(db_int(db, -1, "SELECT participant FROM match_proposals WHERE run_id = ?", "i", run), back);
	(void)newer;
	/* Publishing introduces it and clears the priority. */
	int published, skipped;
	assert_int_equal(TX(matches_publish(&env, run, NULL, 0, 1, &published, &skipped)), 0);
	assert_int_equal(published, 1);
	assert_int_equal(skipped, 0);
	assert_true(db_int(db, 0, "SELECT returned_at IS NULL FROM registrations WHERE id = ?", "i", back));
	assert_true(db_int(db, 0, "SELECT published_at IS NOT NULL FROM match_runs WHERE id = ?", "i", run));
	/* Publishing again finds nothing left. */
	assert_int_equal(TX(matches_publish(&env, run, NULL, 0, 1, &published, &skipped)), 0);
	assert_int_equal(published, 0);
}

/* Publishing a large run within one request's memory: each introduction
 * uses scratch memory of its own (a run of 492 once ran out of 8 MiB). */
static void test_publish_large_run(void **state)
{
	(void)state;
	assert_int_equal(db_run(db, "UPDATE registrations SET status = 'closed' WHERE status IN ('waiting', 'matched')", ""),
			 0);
	enum { N = 250 };
	for (int i = 0; i < N; i++) {
		char a[64], b[64];
		snprintf(a, sizeof(a), "bulk-p%d@example.org", i);
		snprintf(b, sizeof(b), "bulk-o%d@example.org", i);
		reg(person(a, i % 2 ? "fi" : "sv", "2512", "either"), "participant", 1, env.now);
		reg(person(b, "en", "2512", "either"), "door_opener", 1, env.now);
	}
	struct matching_opts o;
	matching_opts_default(&o);
	o.weights.candidates = 0; /* every pair: all N are matched */
	int64_t run;
	assert_int_equal(matching_run(db, &o, 1, env.now, &run), 0);
	struct mail_env small = env;
	small.a = arena_new(8 << 20);
	assert_non_null(small.a);
	int published, skipped;
	assert_int_equal(TX(matches_publish(&small, run, NULL, 0, 1, &published, &skipped)), 0);
	arena_free(small.a);
	assert_int_equal(published, N);
	assert_int_equal(db_int(db, -1, "SELECT COUNT(*) FROM match_proposals WHERE run_id = ? AND match_id IS NULL", "i",
				run),
			 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_introduces_both),
		cmocka_unit_test(test_accept_confirm_meet),
		cmocka_unit_test(test_decline_returns_other_side),
		cmocka_unit_test(test_new_time),
		cmocka_unit_test(test_silence_reminds_then_expires),
		cmocka_unit_test(test_links),
		cmocka_unit_test(test_staff_and_withdrawal),
		cmocka_unit_test(test_returned_priority),
		cmocka_unit_test(test_publish_large_run),
	};
	return cmocka_run_group_tests_name("matches", tests, setup, teardown);
}

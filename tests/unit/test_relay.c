/* The relay (domain/relay.c) on a real SQLite database with every
 * migration, the project's real mail templates, the real matches and the
 * real scheduler: sharing contacts, the invitation and the doors e-mail,
 * the checks, the personal link, the contact registering (confirmed on
 * the spot or later), declining, expiring, the reminder, stopping, the
 * door tree, the figures, and what erasure and the export do with
 * contacts. */
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
#include "domain/member.h"
#include "domain/registration.h"
#include "domain/relay.h"
#include "domain/scheduler.h"
#include "testenv.h"
#include "tmpl/tmpl.h"

static char dir[] = "/tmp/ovi-relay-XXXXXX";
static struct db *db;
static struct config cfg;
static struct mail_env env;
static struct testenv te; /* db, env and cfg above are its, for short */

enum { DAY = 24 * 3600 };
static const int64_t T0 = 1795000000; /* a Tuesday in November 2026 */

static int64_t person(const char *email, const char *lang, const char *occupation)
{
	assert_int_equal(db_run(db, "INSERT INTO people (email, first_name, last_name, mail_lang, occupation, municipality,"
				    " meeting_mode, created_at, updated_at) VALUES (?, 'Ada', 'Test', ?, ?, 'FI-091', 'either', ?, ?)",
				"sssii", email, lang, occupation, T0, T0),
			 0);
	int64_t id = db_int(db, -1, "SELECT id FROM people WHERE email = ?", "s", email);
	assert_int_equal(db_run(db, "INSERT INTO person_languages (person_id, lang) VALUES (?, 'fi'), (?, 'en')", "ii",
				id, id),
			 0);
	return id;
}

static int64_t reg(int64_t person_id, const char *role, const char *status, int64_t at)
{
	assert_int_equal(db_run(db, "INSERT INTO registrations (person_id, role, status, capacity, created_at, confirmed_at,"
				    " status_at) VALUES (?, ?, ?, 1, ?, ?, ?)",
				"issiii", person_id, role, status, at, at, at),
			 0);
	return db_int(db, -1, "SELECT MAX(id) FROM registrations", "");
}

static const char *text_of(const char *sql, int64_t id)
{
	static char s[4][256];
	static int k;
	k = (k + 1) % 4;
	struct db_stmt *st = db_prepare(db, sql);
	s[k][0] = '\0';
	if (st && db_bind_int(st, 1, id) == 0 && db_step(st) == DB_ROW)
		snprintf(s[k], sizeof(s[k]), "%s", db_col_text(st, 0) ? db_col_text(st, 0) : "");
	db_finalize(st);
	return s[k];
}

#define CONTACT(col, id) text_of("SELECT " col " FROM contacts WHERE id = ?", id)

/* The e-mails of one match by kind. */
static int64_t mails_of(int64_t match, const char *kind)
{
	return db_int(db, -1, "SELECT COUNT(*) FROM outbox o JOIN match_mails mm ON mm.outbox_id = o.id"
			      " WHERE mm.match_id = ? AND o.kind = ?", "is", match, kind);
}

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
	struct mail_env e; /* now: after the meeting */
};

/* A participant and a door opener who met: the relay can start. */
static struct pair make_met(const char *tag)
{
	struct pair x;
	char a[64], b[64];
	snprintf(a, sizeof(a), "p-%s@example.org", tag);
	snprintf(b, sizeof(b), "o-%s@example.org", tag);
	x.p_person = person(a, "sv", "2512");
	x.o_person = person(b, "fi", "2512");
	x.p_reg = reg(x.p_person, "participant", "waiting", env.now - 10 * DAY);
	x.o_reg = reg(x.o_person, "door_opener", "waiting", env.now - 10 * DAY);
	struct match_new n = { .participant_reg = x.p_reg, .opener_reg = x.o_reg, .origin = "manual", .staff_id = 1,
			       .reason = "test" };
	assert_int_equal(TX(matches_create(&env, &n, &x.match)), 0);
	assert_int_equal(TX(matches_accept(&env, x.match, SIDE_PARTICIPANT)), 0);
	assert_int_equal(TX(matches_accept(&env, x.match, SIDE_DOOR_OPENER)), 0);
	x.e = env;
	x.e.now = db_int(db, -1, "SELECT meeting_at FROM matches WHERE id = ?", "i", x.match) + 3600;
	assert_int_equal(TX(matches_met_answer(&x.e, x.match, SIDE_PARTICIPANT, "met", 0)), 0);
	return x;
}

static struct relay_contact_in contact(const char *name, const char *email, const char *how)
{
	return (struct relay_contact_in){
		.name = name, .email = email, .phone = "+358 40 123 4567", .field = "Nursing",
		.note = "Knows every hospital in town.", .lang = "en", .how = how,
		.message = strcmp(how, "invite") == 0 ? "Hi! I met someone you should meet.\nBest, Ada" : "",
		.knows = true,
	};
}

/* The token of the latest invitation to `email`, from its text. */
static const char *invite_token(const char *email)
{
	static char tok[TOKEN_LEN + 1];
	struct db_stmt *st = db_prepare(db, "SELECT text_body FROM outbox WHERE kind = 'relay_invite' AND to_email = ?"
					    " ORDER BY id DESC LIMIT 1");
	tok[0] = '\0';
	if (st && db_bind_text(st, 1, email) == 0 && db_step(st) == DB_ROW) {
		const char *p = strstr(db_col_text(st, 0), "door-opener?contact=");
		if (p)
			snprintf(tok, sizeof(tok), "%.*s", TOKEN_LEN, p + strlen("door-opener?contact="));
	}
	db_finalize(st);
	return tok;
}

/* A confirmed door opener registration of a contact. */
static int64_t contact_reg(const char *email, const char *status)
{
	return reg(person(email, "en", "2512"), "door_opener", status, env.now);
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

static void test_share(void **state)
{
	(void)state;
	struct pair x = make_met("share");
	/* A name that needs quoting in Reply-To. */
	assert_int_equal(db_run(db, "UPDATE people SET first_name = 'Åsa \"Ace\"', last_name = 'Öberg' WHERE id = ?", "i",
				x.o_person),
			 0);
	assert_int_equal(relay_room(db, x.match), 2);
	struct relay_contact_in c[2] = { contact("Anna Maria Virtanen", " Anna@Example.COM ", "invite"),
					 contact("Bo Berg", "bo@example.com", "self") };
	int64_t ids[2];
	assert_int_equal(TX(relay_share(&x.e, x.match, c, 2, 0, ids)), 0);
	assert_string_equal(CONTACT("state", ids[0]), "invited");
	assert_string_equal(CONTACT("state", ids[1]), "introduced");
	assert_string_equal(CONTACT("email", ids[0]), "anna@example.com");
	assert_string_equal(CONTACT("name", ids[0]), "Anna Maria Virtanen");
	assert_true(db_int(db, 0, "SELECT link_hash IS NULL FROM contacts WHERE id = ?", "i", ids[1]));
	assert_int_equal(db_int(db, 0, "SELECT expires_at FROM contacts WHERE id = ?", "i", ids[0]),
			 x.e.now + 21 * DAY);
	/* One invitation, Reply-To the door opener, with the links. */
	assert_int_equal(mails_of(x.match, "relay_invite"), 1);
	assert_int_equal(db_int(db, -1, "SELECT COUNT(*) FROM outbox WHERE kind = 'relay_invite'"
					" AND to_email = 'anna@example.com' AND person_id IS NULL", ""),
			 1);
	assert_string_equal(text_of("SELECT reply_to FROM outbox WHERE kind = 'relay_invite' AND id IN"
				    " (SELECT outbox_id FROM match_mails WHERE match_id = ?)", x.match),
			    "\"Åsa \\\"Ace\\\" Öberg\" <o-share@example.org>");
	const char *tok = invite_token("anna@example.com");
	assert_true(token_valid(tok));
	assert_int_equal(db_int(db, -1, "SELECT COUNT(*) FROM outbox WHERE kind = 'relay_invite' AND mail_lang = 'en'"
					" AND text_body LIKE '%https://ovi.example.org/en/register/door-opener?contact=%'"
					" AND text_body LIKE '%https://ovi.example.org/en/contact/%/decline%'"
					" AND text_body LIKE '%I met someone you should meet.%'", ""),
			 1);
	/* One doors e-mail to the participant, naming both. */
	assert_int_equal(mails_of(x.match, "relay_doors"), 1);
	assert_int_equal(db_int(db, -1, "SELECT COUNT(*) FROM outbox WHERE kind = 'relay_doors' AND person_id = ?"
					" AND text_body LIKE '%Anna Maria Virtanen%' AND text_body LIKE '%Bo Berg%'",
				 "i", x.p_person),
			 1);
	assert_int_equal(db_int(db, -1, "SELECT COUNT(*) FROM jobs WHERE kind = 'relay_expire' AND ref_id IN (?, ?)", "ii",
				ids[0], ids[1]),
			 2);
	assert_int_equal(db_int(db, -1, "SELECT COUNT(*) FROM match_events WHERE match_id = ? AND kind = 'contact'", "i",
				x.match),
			 2);
	/* No room left: a third is refused. */
	assert_int_equal(relay_room(db, x.match), 0);
	struct relay_contact_in third = contact("Cid Cat", "cid@example.com", "self");
	assert_int_equal(TX(relay_share(&x.e, x.match, &third, 1, 0, ids)), RELAY_NOT_NOW);

	/* A name that cannot be quoted falls back to the plain address. */
	struct pair y = make_met("share2");
	assert_int_equal(db_run(db, "UPDATE people SET first_name = 'A <b>' WHERE id = ?", "i", y.o_person), 0);
	struct relay_contact_in one = contact("Dee Dot", "dee@example.com", "invite");
	assert_int_equal(TX(relay_share(&y.e, y.match, &one, 1, 1, ids)), 0);
	assert_string_equal(text_of("SELECT reply_to FROM outbox WHERE kind = 'relay_invite' AND id IN"
				    " (SELECT outbox_id FROM match_mails WHERE match_id = ?)", y.match),
			    "o-share2@example.org");
	assert_int_equal(db_int(db, -1, "SELECT staff_id FROM contacts WHERE id = ?", "i", ids[0]), 1);
	assert_int_equal(relay_room(db, y.match), 1);
}

static void test_preview(void **state)
{
	(void)state;
	struct pair x = make_met("preview");
	assert_int_equal(db_run(db, "UPDATE people SET first_name = 'Olli', last_name = 'Opener', job_title = 'Head nurse'"
				    " WHERE id = ?", "i", x.o_person),
			 0);
	struct relay_contact_in c = contact("Wim Wo", "wim@example.com", "invite");
	char *subject, *text, *html;
	assert_int_equal(relay_invite_preview(&x.e, x.match, &c, &subject, &text, &html), 0);
	if (getenv("RELAY_SHOW"))
		fprintf(stderr, "%s\n\n%s\n", subject, text);
	assert_non_null(strstr(subject, "Olli Opener"));
	assert_non_null(strstr(text, "I met someone you should meet."));
	assert_non_null(strstr(text, "Head nurse"));
	assert_non_null(strstr(text, "/en/register/door-opener?contact=xxx"));
	assert_non_null(strstr(html, "Wim"));
	free(subject);
	free(text);
	free(html);
	c.lang = "xx";
	assert_int_equal(relay_invite_preview(&x.e, x.match, &c, &subject, &text, &html), -1);
	/* Nothing was stored or queued. */
	assert_int_equal(db_int(db, -1, "SELECT COUNT(*) FROM contacts WHERE match_id = ?", "i", x.match), 0);
}

static void test_checks(void **state)
{
	(void)state;
	struct pair x = make_met("check");
	int64_t other = person("already@example.org", "en", "2512");
	reg(other, "participant", "waiting", env.now);
	const char *err[RF_COUNT];
	struct relay_contact_in c = contact("Eve Ek", "eve@example.com", "invite");
	assert_int_equal(relay_contact_check(db, x.match, &c, err), 0);
	for (int i = 0; i < RF_COUNT; i++)
		assert_null(err[i]);
	c.email = "P-check@example.org"; /* the participant's own */
	assert_int_equal(relay_contact_check(db, x.match, &c, err), RELAY_INVALID);
	assert_non_null(err[RF_EMAIL]);
	c.email = "o-check@example.org";
	assert_int_equal(relay_contact_check(db, x.match, &c, err), RELAY_INVALID);
	assert_non_null(err[RF_EMAIL]);
	c.email = "already@example.org";
	assert_int_equal(relay_contact_check(db, x.match, &c, err), RELAY_INVALID);
	assert_non_null(err[RF_EMAIL]);
	assert_null(err[RF_NAME]);
	c.email = "not an address";
	assert_int_equal(relay_contact_check(db, x.match, &c, err), RELAY_INVALID);
	assert_non_null(err[RF_EMAIL]);
	c = contact("Eve Ek", "eve@example.com", "invite");
	c.message = "  ";
	c.knows = false;
	c.lang = "de";
	c.how = "maybe";
	c.name = "";
	c.phone = "call me";
	c.field = "";
	assert_int_equal(relay_contact_check(db, x.match, &c, err), RELAY_INVALID);
	assert_non_null(err[RF_KNOWS]);
	assert_non_null(err[RF_LANG]);
	assert_non_null(err[RF_HOW]);
	assert_non_null(err[RF_NAME]);
	assert_non_null(err[RF_PHONE]);
	assert_non_null(err[RF_FIELD]);
	assert_null(err[RF_MESSAGE]); /* how is unknown: the message is not asked for yet */
	assert_null(err[RF_NOTE]);
	c = contact("Eve Ek", "eve@example.com", "invite");
	c.message = "";
	assert_int_equal(relay_contact_check(db, x.match, &c, err), RELAY_INVALID);
	assert_non_null(err[RF_MESSAGE]);
	c.how = "self"; /* no message needed */
	assert_int_equal(relay_contact_check(db, x.match, &c, err), 0);
	c.name = "Eve\nEk";
	assert_int_equal(relay_contact_check(db, x.match, &c, err), RELAY_INVALID);
	assert_non_null(err[RF_NAME]);
	char note[RELAY_NOTE_MAX + 2];
	memset(note, 'n', sizeof(note) - 1);
	note[sizeof(note) - 1] = '\0';
	c = contact("Eve Ek", "eve@example.com", "self");
	c.note = note;
	assert_int_equal(relay_contact_check(db, x.match, &c, err), RELAY_INVALID);
	assert_non_null(err[RF_NOTE]);
	/* Nothing stored when one of two is wrong, or both are the same. */
	struct relay_contact_in two[2] = { contact("Eve Ek", "eve@example.com", "self"),
					   contact("Fay Fo", "p-check@example.org", "self") };
	int64_t ids[2];
	assert_int_equal(TX(relay_share(&x.e, x.match, two, 2, 0, ids)), RELAY_INVALID);
	two[1] = contact("Eve Again", "EVE@example.com", "self");
	assert_int_equal(TX(relay_share(&x.e, x.match, two, 2, 0, ids)), RELAY_INVALID);
	assert_int_equal(db_int(db, -1, "SELECT COUNT(*) FROM contacts WHERE match_id = ?", "i", x.match), 0);
	/* Shared once: not again for this participant. */
	assert_int_equal(TX(relay_share(&x.e, x.match, two, 1, 0, ids)), 0);
	c = contact("Eve Ek", "eve@example.com", "self");
	assert_int_equal(relay_contact_check(db, x.match, &c, err), RELAY_INVALID);
	assert_non_null(err[RF_EMAIL]);
	/* Not before the meeting, nor for an unknown match. */
	int64_t p2 = reg(person("p-check2@example.org", "en", "2512"), "participant", "waiting", env.now);
	int64_t o2 = reg(person("o-check2@example.org", "en", "2512"), "door_opener", "waiting", env.now);
	struct match_new n = { .participant_reg = p2, .opener_reg = o2, .origin = "manual", .staff_id = 1, .reason = "t" };
	int64_t open;
	assert_int_equal(TX(matches_create(&env, &n, &open)), 0);
	assert_int_equal(relay_room(db, open), 0);
	c = contact("Gus Gu", "gus@example.com", "self");
	assert_int_equal(TX(relay_share(&env, open, &c, 1, 0, ids)), RELAY_NOT_NOW);
	assert_int_equal(relay_contact_check(db, 999999, &c, err), RELAY_NOT_NOW);
	assert_int_equal(relay_room(db, 999999), 0);
}

static void test_links(void **state)
{
	(void)state;
	struct pair x = make_met("link");
	struct relay_contact_in c[2] = { contact("Hal Ho", "hal@example.com", "invite"),
					 contact("Ida Il", "ida@example.com", "self") };
	int64_t ids[2];
	assert_int_equal(TX(relay_share(&x.e, x.match, c, 2, 0, ids)), 0);
	const char *tok = invite_token("hal@example.com");
	int64_t id = 0;
	int64_t now = x.e.now;
	assert_int_equal(relay_link_peek(db, tok, now, &id), TOKEN_OK);
	assert_int_equal(id, ids[0]);
	assert_int_equal(relay_link_peek(db, "nonsense", now, &id), TOKEN_UNKNOWN);
	assert_int_equal(relay_link_peek(db, tok, now + 22 * DAY, &id), TOKEN_EXPIRED);
	assert_int_equal(relay_link_use(db, tok, now + 22 * DAY, &id), TOKEN_EXPIRED);
	assert_int_equal(relay_link_use(db, tok, now, &id), TOKEN_OK);
	assert_int_equal(relay_link_use(db, tok, now, &id), TOKEN_USED);
	assert_int_equal(relay_link_peek(db, tok, now, &id), TOKEN_USED);
	/* The details for the registration form. */
	struct relay_contact rc;
	assert_int_equal(relay_contact_get(db, te.arena, ids[0], &rc), 0);
	assert_string_equal(rc.name, "Hal Ho");
	assert_string_equal(rc.email, "hal@example.com");
	assert_string_equal(rc.phone, "+358 40 123 4567");
	assert_string_equal(rc.opener_first_name, "Ada");
	assert_string_equal(rc.participant_first_name, "Ada");
	assert_int_equal(rc.participant_reg, x.p_reg);
	assert_int_equal(rc.match_id, x.match);
	/* "self": a link per call, the older one stops working. */
	char url1[512], url2[512];
	assert_int_equal(TX(relay_self_link(&x.e, ids[1], url1, sizeof(url1))), 0);
	const char *pre = "https://ovi.example.org/en/register/door-opener?contact=";
	assert_memory_equal(url1, pre, strlen(pre));
	assert_int_equal(relay_link_peek(db, url1 + strlen(pre), now, &id), TOKEN_OK);
	assert_int_equal(id, ids[1]);
	assert_int_equal(TX(relay_self_link(&x.e, ids[1], url2, sizeof(url2))), 0);
	assert_int_equal(relay_link_peek(db, url1 + strlen(pre), now, &id), TOKEN_UNKNOWN);
	assert_int_equal(relay_link_peek(db, url2 + strlen(pre), now, &id), TOKEN_OK);
	char tiny[16];
	assert_int_equal(TX(relay_self_link(&x.e, ids[1], tiny, sizeof(tiny))), -1);
	assert_int_equal(TX(relay_self_link(&x.e, ids[0], url1, sizeof(url1))), RELAY_NOT_NOW); /* invited */
}

static void test_registered_confirmed(void **state)
{
	(void)state;
	struct pair x = make_met("reg");
	struct relay_contact_in c = contact("Jon Jo", "jon@example.com", "invite");
	int64_t cid;
	assert_int_equal(TX(relay_share(&x.e, x.match, &c, 1, 0, &cid)), 0);
	const char *tok = invite_token("jon@example.com");
	int64_t r = contact_reg("jon@example.com", "waiting");
	int64_t id = 0, m = -1;
	struct mail_env e = x.e;
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(relay_link_use(db, tok, e.now, &id), TOKEN_OK);
	assert_int_equal(relay_registered(&e, id, r, true, &m), 0);
	assert_int_equal(db_commit(db), 0);
	assert_true(m > 0);
	assert_string_equal(text_of("SELECT origin FROM matches WHERE id = ?", m), "relay");
	assert_string_equal(text_of("SELECT state FROM matches WHERE id = ?", m), "introduced");
	assert_int_equal(db_int(db, -1, "SELECT via_match FROM matches WHERE id = ?", "i", m), x.match);
	assert_int_equal(db_int(db, -1, "SELECT participant FROM matches WHERE id = ?", "i", m), x.p_reg);
	assert_string_equal(CONTACT("state", cid), "registered");
	assert_int_equal(db_int(db, -1, "SELECT new_match FROM contacts WHERE id = ?", "i", cid), m);
	assert_int_equal(db_int(db, -1, "SELECT registration_id FROM contacts WHERE id = ?", "i", cid), r);
	assert_int_equal(mails_of(x.match, "relay_registered"), 1);
	assert_int_equal(mails_of(m, "match_intro"), 2);
	/* The participant's registration stays met: the relay goes on. */
	assert_string_equal(text_of("SELECT status FROM registrations WHERE id = ?", x.p_reg), "met");
	/* Not twice. */
	assert_int_equal(TX(relay_registered(&e, id, r, true, &m)), RELAY_NOT_NOW);
}

static void test_registered_later(void **state)
{
	(void)state;
	struct pair x = make_met("later");
	struct relay_contact_in c = contact("Kim Ko", "kim@example.com", "self");
	int64_t cid;
	assert_int_equal(TX(relay_share(&x.e, x.match, &c, 1, 0, &cid)), 0);
	char link[512];
	assert_int_equal(TX(relay_self_link(&x.e, cid, link, sizeof(link))), 0);
	const char *tok = strchr(link, '=') + 1;
	/* Registered with another address: confirmed by e-mail later. */
	int64_t r = contact_reg("kim.home@example.com", "unconfirmed");
	int64_t id = 0, m = -1;
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(relay_link_use(db, tok, x.e.now, &id), TOKEN_OK);
	assert_int_equal(relay_registered(&x.e, id, r, false, &m), 0);
	assert_int_equal(db_commit(db), 0);
	assert_int_equal(m, 0);
	assert_string_equal(CONTACT("state", cid), "registered");
	assert_int_equal(db_int(db, -1, "SELECT COUNT(*) FROM matches WHERE via_match = ?", "i", x.match), 0);
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(registration_confirm(db, r, 1, x.e.now), CONFIRM_DONE);
	assert_int_equal(relay_on_confirmed(&x.e, r), 0);
	assert_int_equal(db_commit(db), 0);
	m = db_int(db, -1, "SELECT new_match FROM contacts WHERE id = ?", "i", cid);
	assert_true(m > 0);
	assert_int_equal(db_int(db, -1, "SELECT via_match FROM matches WHERE id = ?", "i", m), x.match);
	/* Once only; a registration that is not a contact's: nothing. */
	assert_int_equal(TX(relay_on_confirmed(&x.e, r)), 0);
	assert_int_equal(db_int(db, -1, "SELECT COUNT(*) FROM matches WHERE via_match = ?", "i", x.match), 1);
	assert_int_equal(TX(relay_on_confirmed(&x.e, x.o_reg)), 0);
}

static void test_decline(void **state)
{
	(void)state;
	struct pair x = make_met("decline");
	struct relay_contact_in c = contact("Liv Lo", "liv@example.com", "invite");
	int64_t cid;
	assert_int_equal(TX(relay_share(&x.e, x.match, &c, 1, 0, &cid)), 0);
	const char *tok = invite_token("liv@example.com");
	/* As if it had gone out. */
	assert_int_equal(db_run(db, "UPDATE outbox SET status = 'sent' WHERE kind IN ('relay_invite', 'relay_doors')", ""),
			 0);
	int64_t id = 0;
	assert_int_equal(relay_link_peek(db, tok, x.e.now, &id), TOKEN_OK);
	assert_int_equal(TX(relay_decline(&x.e, id)), 0);
	assert_string_equal(CONTACT("state", cid), "declined");
	assert_string_equal(CONTACT("name || email || phone || note || message", cid), "");
	assert_string_equal(CONTACT("lang || how || field", cid), "eninviteNursing");
	assert_int_equal(db_int(db, -1, "SELECT COUNT(*) FROM outbox WHERE text_body LIKE '%Liv Lo%'"
					" OR to_email = 'liv@example.com'", ""),
			 0);
	assert_int_equal(mails_of(x.match, "relay_invite"), 1); /* the row stays */
	assert_int_equal(relay_link_peek(db, tok, x.e.now, &id), TOKEN_EXPIRED);
	assert_int_equal(TX(relay_decline(&x.e, cid)), RELAY_NOT_NOW);
	/* The door is used: one left. */
	assert_int_equal(relay_room(db, x.match), 1);
}

static void test_expire_job(void **state)
{
	(void)state;
	struct pair x = make_met("expire");
	struct relay_contact_in c = contact("Max Mo", "max@example.com", "invite");
	int64_t cid;
	assert_int_equal(TX(relay_share(&x.e, x.match, &c, 1, 0, &cid)), 0);
	struct mail_env later = x.e;
	later.now = x.e.now + 20 * DAY;
	jobs_run_due(&later, 0);
	assert_string_equal(CONTACT("state", cid), "invited");
	later.now = x.e.now + 21 * DAY + 60;
	assert_true(jobs_run_due(&later, 0) >= 1);
	assert_string_equal(CONTACT("state", cid), "expired");
	assert_string_equal(CONTACT("name || email || phone || note || message", cid), "");
	/* The queued invitation is dropped. */
	assert_int_equal(mails_of(x.match, "relay_invite"), 0);
	assert_int_equal(TX(relay_job_expire(&later, cid, x.e.now + 21 * DAY)), 0); /* nothing more */
}

static void test_remind_job(void **state)
{
	(void)state;
	struct pair x = make_met("remind");
	struct pair y = make_met("remind2");
	struct relay_contact_in c = contact("Ned No", "ned@example.com", "self");
	int64_t cid;
	assert_int_equal(TX(relay_share(&y.e, y.match, &c, 1, 0, &cid)), 0);
	assert_int_equal(db_int(db, -1, "SELECT COUNT(*) FROM jobs WHERE kind = 'relay_remind' AND ref_id = ?", "i",
				x.match),
			 1);
	struct mail_env later = x.e;
	later.now = x.e.now + 7 * DAY + 60;
	assert_true(jobs_run_due(&later, 0) >= 2);
	assert_int_equal(mails_of(x.match, "relay_remind"), 1);
	assert_int_equal(mails_of(y.match, "relay_remind"), 0); /* shared one already */
	assert_int_equal(db_int(db, -1, "SELECT COUNT(*) FROM outbox WHERE kind = 'relay_remind' AND person_id = ?"
					" AND mail_lang = 'fi' AND text_body LIKE ?", "is", x.o_person,
				"%https://ovi.example.org/fi/match/%/contacts/%"),
			 1);
	/* Once. */
	assert_int_equal(TX(relay_job_remind(&later, x.match, later.now)), 0);
	assert_int_equal(mails_of(x.match, "relay_remind"), 1);
}

static void test_stop(void **state)
{
	(void)state;
	struct pair x = make_met("stop");
	struct relay_contact_in c = contact("Ola Oh", "ola@example.com", "invite");
	int64_t cid;
	assert_int_equal(TX(relay_share(&x.e, x.match, &c, 1, 0, &cid)), 0);
	const char *tok = invite_token("ola@example.com");
	assert_int_equal(TX(relay_stop(&x.e, x.o_reg)), RELAY_NOT_NOW); /* a door opener's */
	assert_int_equal(TX(relay_stop(&x.e, x.p_reg)), 0);
	assert_true(db_int(db, 0, "SELECT relay_stopped_at FROM registrations WHERE id = ?", "i", x.p_reg) > 0);
	assert_string_equal(text_of("SELECT status FROM registrations WHERE id = ?", x.p_reg), "closed");
	assert_string_equal(text_of("SELECT reason FROM registration_events WHERE registration_id = ?"
				    " ORDER BY id DESC LIMIT 1", x.p_reg),
			    "found_job");
	assert_string_equal(CONTACT("state", cid), "expired");
	assert_string_equal(CONTACT("email", cid), "");
	int64_t id;
	assert_int_equal(relay_link_peek(db, tok, x.e.now, &id), TOKEN_EXPIRED);
	assert_int_equal(relay_room(db, x.match), 0);
	struct relay_contact_in d = contact("Pia Pe", "pia@example.com", "self");
	assert_int_equal(TX(relay_share(&x.e, x.match, &d, 1, 0, &id)), RELAY_NOT_NOW);
	assert_int_equal(TX(relay_stop(&x.e, x.p_reg)), 0); /* again: nothing new */
}

/* A participant with a first door, two contacts passed on, one of whom
 * registered and met them: three doors, two levels. */
static void test_tree_and_figures(void **state)
{
	(void)state;
	struct relay_figures f0, f1;
	assert_int_equal(relay_figures(db, &f0), 0);
	struct pair x = make_met("tree");
	struct relay_contact_in c[2] = { contact("Rut Ro", "rut@example.com", "invite"),
					 contact("Sam Van Su", "sam@example.com", "self") };
	int64_t ids[2];
	assert_int_equal(TX(relay_share(&x.e, x.match, c, 2, 0, ids)), 0);
	const char *tok = invite_token("rut@example.com");
	int64_t r = contact_reg("rut@example.com", "waiting");
	int64_t id, m;
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(relay_link_use(db, tok, x.e.now, &id), TOKEN_OK);
	assert_int_equal(relay_registered(&x.e, id, r, true, &m), 0);
	assert_int_equal(db_commit(db), 0);
	assert_true(m > 0);
	assert_int_equal(db_run(db, "UPDATE people SET first_name = 'Rut', last_name = 'Ro' WHERE id ="
				    " (SELECT person_id FROM registrations WHERE id = ?)", "i", r),
			 0);
	/* They meet. */
	assert_int_equal(TX(matches_accept(&x.e, m, SIDE_PARTICIPANT)), 0);
	assert_int_equal(TX(matches_accept(&x.e, m, SIDE_DOOR_OPENER)), 0);
	struct mail_env after = x.e;
	after.now = db_int(db, -1, "SELECT meeting_at FROM matches WHERE id = ?", "i", m) + 3600;
	assert_int_equal(TX(matches_met_answer(&after, m, SIDE_DOOR_OPENER, "met", 0)), 0);

	struct relay_tree t;
	assert_int_equal(relay_tree(db, te.arena, x.p_person, "en", &t), 0);
	assert_int_equal(t.n, 3);
	assert_int_equal(t.depth, 2);
	assert_int_equal(t.nodes[0].match_id, x.match);
	assert_int_equal(t.nodes[0].parent, -1);
	assert_int_equal(t.nodes[0].depth, 1);
	assert_string_equal(t.nodes[0].state, "met");
	assert_string_equal(t.nodes[0].first_name, "Ada");
	assert_int_equal(t.nodes[1].match_id, m);
	assert_int_equal(t.nodes[1].parent, 0);
	assert_int_equal(t.nodes[1].depth, 2);
	assert_string_equal(t.nodes[1].first_name, "Rut");
	assert_string_equal(t.nodes[1].last_name, "Ro");
	assert_string_equal(t.nodes[1].state, "met");
	assert_int_equal(t.nodes[2].match_id, 0);
	assert_int_equal(t.nodes[2].contact_id, ids[1]);
	assert_int_equal(t.nodes[2].parent, 0);
	assert_string_equal(t.nodes[2].first_name, "Sam Van");
	assert_string_equal(t.nodes[2].last_name, "Su");
	assert_string_equal(t.nodes[2].field, "Nursing");
	assert_string_equal(t.nodes[2].state, "introduced");
	/* Nobody else's doors. */
	assert_int_equal(relay_tree(db, te.arena, x.o_person, "en", &t), 0);
	assert_int_equal(t.n, 0);
	assert_int_equal(t.depth, 0);

	assert_int_equal(relay_figures(db, &f1), 0);
	assert_int_equal(f1.met - f0.met, 2);
	assert_int_equal(f1.met_shared - f0.met_shared, 1);
	assert_int_equal(f1.contacts - f0.contacts, 2);
	assert_int_equal(f1.contacts_registered - f0.contacts_registered, 1);
	assert_int_equal(f1.relay_matches - f0.relay_matches, 1);
	assert_int_equal(f1.relay_met - f0.relay_met, 1);
	assert_int_equal(f1.participants - f0.participants, 1);
	assert_int_equal(f1.doors - f0.doors, 2);
	assert_true(f1.depth_max >= 2);
	assert_true(f1.contacts_declined >= 1 && f1.contacts_expired >= 2);
}

static void test_erase_and_export(void **state)
{
	(void)state;
	struct pair x = make_met("erase");
	struct relay_contact_in c[2] = { contact("Tor To", "tor@example.com", "invite"),
					 contact("Ulla Ul", "ulla@example.com", "self") };
	int64_t ids[2];
	assert_int_equal(TX(relay_share(&x.e, x.match, c, 2, 0, ids)), 0);
	char *json = member_export_json(db, x.o_person, x.e.now);
	assert_non_null(json);
	assert_non_null(strstr(json, "\"contacts\""));
	assert_non_null(strstr(json, "tor@example.com"));
	assert_non_null(strstr(json, "\"invited\""));
	free(json);
	/* Not in the participant's export: they did not type them. */
	json = member_export_json(db, x.p_person, x.e.now);
	assert_non_null(json);
	assert_null(strstr(json, "tor@example.com"));
	free(json);
	assert_int_equal(member_erase(db, x.o_person, x.e.now, &x.e), 0);
	assert_string_equal(CONTACT("name || email || phone || note || message", ids[0]), "");
	assert_string_equal(CONTACT("name || email || phone || note || message", ids[1]), "");
	assert_string_equal(CONTACT("state", ids[0]), "invited"); /* the row stays */
	assert_int_equal(mails_of(x.match, "relay_invite"), 0);  /* unsent: dropped */

	/* A contact who became a member and is erased. */
	struct pair y = make_met("erase2");
	struct relay_contact_in v = contact("Vera Ve", "vera@example.com", "self");
	int64_t vid;
	assert_int_equal(TX(relay_share(&y.e, y.match, &v, 1, 0, &vid)), 0);
	int64_t vp = person("vera@example.com", "en", "2512");
	assert_int_equal(member_erase(db, vp, y.e.now, &y.e), 0);
	assert_string_equal(CONTACT("name || email", vid), "");
	assert_string_equal(CONTACT("state", vid), "introduced");
	/* The participant erased: their open invitations expire. */
	assert_int_equal(member_erase(db, y.p_person, y.e.now, &y.e), 0);
	assert_string_equal(CONTACT("state", vid), "expired");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_share),
		cmocka_unit_test(test_preview),
		cmocka_unit_test(test_checks),
		cmocka_unit_test(test_links),
		cmocka_unit_test(test_registered_confirmed),
		cmocka_unit_test(test_registered_later),
		cmocka_unit_test(test_decline),
		cmocka_unit_test(test_expire_job),
		cmocka_unit_test(test_remind_job),
		cmocka_unit_test(test_stop),
		cmocka_unit_test(test_tree_and_figures),
		cmocka_unit_test(test_erase_and_export),
	};
	return cmocka_run_group_tests_name("relay", tests, setup, teardown);
}

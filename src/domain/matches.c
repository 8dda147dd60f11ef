#include "domain/matches.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/log.h"
#include "core/utf8.h"
#include "domain/refdata.h"
#include "domain/relay.h"
#include "domain/scheduler.h"
#include "domain/slot.h"
#include "i18n/format.h"
#include "mail/ics.h"
#include "tmpl/tval.h"

#ifndef N_
#define N_(s) s
#endif

enum { DAY_S = 24 * 3600, MAX_OPEN_BUSY = 256, PUBLISH_ARENA = 8 << 20 };

const char *const match_decline_reasons[] = { "no_time", "not_my_field", "found_job", "moved_away", "other", NULL };

bool match_decline_reason_ok(const char *code)
{
	for (size_t i = 0; code && match_decline_reasons[i]; i++)
		if (strcmp(code, match_decline_reasons[i]) == 0)
			return true;
	return false;
}

const char *match_side_key(enum match_side s)
{
	return s == SIDE_PARTICIPANT ? "participant" : "door_opener";
}

static enum match_side other_side(enum match_side s)
{
	return s == SIDE_PARTICIPANT ? SIDE_DOOR_OPENER : SIDE_PARTICIPANT;
}

#define OPEN_STATES "('introduced', 'accepted', 'confirmed')"

static bool state_open(const char *s)
{
	return !strcmp(s, "introduced") || !strcmp(s, "accepted") || !strcmp(s, "confirmed");
}

/* ---- a match as stored -------------------------------------------------- */

struct mrow {
	int64_t id, reg[2], person[2];
	char state[16], origin[16], time_by[16];
	char answer[2][16], met[2][16];
	char languages[256];
	char *time_note; /* arena */
	int64_t meeting_at, seq, via;
};

static void copy(char *dst, size_t n, const char *s)
{
	snprintf(dst, n, "%s", s ? s : "");
}

/* 0 with *m, 1 when there is no such match, -1. */
static int load(const struct mail_env *e, int64_t id, struct mrow *m)
{
	struct db_stmt *st = db_prepare(e->db,
		"SELECT m.id, m.participant, m.door_opener, rp.person_id, ro.person_id, m.state, m.origin, m.time_by,"
		" m.participant_answer, m.opener_answer, m.participant_met, m.opener_met, m.languages, m.time_note,"
		" m.meeting_at, m.meeting_seq, COALESCE(m.via_match, 0)"
		" FROM matches m JOIN registrations rp ON rp.id = m.participant JOIN registrations ro ON ro.id = m.door_opener"
		" WHERE m.id = ?");
	if (!st || db_bind_int(st, 1, id))
		return db_finalize(st), -1;
	enum db_step s = db_step(st);
	if (s == DB_ROW) {
		memset(m, 0, sizeof(*m));
		m->id = db_col_int(st, 0);
		m->reg[0] = db_col_int(st, 1);
		m->reg[1] = db_col_int(st, 2);
		m->person[0] = db_col_int(st, 3);
		m->person[1] = db_col_int(st, 4);
		copy(m->state, sizeof(m->state), db_col_text(st, 5));
		copy(m->origin, sizeof(m->origin), db_col_text(st, 6));
		copy(m->time_by, sizeof(m->time_by), db_col_text(st, 7));
		copy(m->answer[0], sizeof(m->answer[0]), db_col_text(st, 8));
		copy(m->answer[1], sizeof(m->answer[1]), db_col_text(st, 9));
		copy(m->met[0], sizeof(m->met[0]), db_col_text(st, 10));
		copy(m->met[1], sizeof(m->met[1]), db_col_text(st, 11));
		copy(m->languages, sizeof(m->languages), db_col_text(st, 12));
		m->time_note = arena_strdup(e->a, db_col_text(st, 13) ? db_col_text(st, 13) : "");
		m->meeting_at = db_col_int(st, 14);
		m->seq = db_col_int(st, 15);
		m->via = db_col_int(st, 16);
	}
	db_finalize(st);
	if (s == DB_ROW)
		return m->time_note ? 0 : -1;
	return s == DB_DONE ? 1 : -1;
}

static int event(const struct mail_env *e, int64_t match, const char *kind, const char *from, const char *to,
		 const char *actor, const char *reason, const char *note)
{
	return db_run(e->db, "INSERT INTO match_events (match_id, at, kind, from_state, to_state, actor, reason, note)"
		      " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", "iissssss", match, e->now, kind, from ? from : "",
		      to ? to : "", actor, reason ? reason : "", note ? note : "");
}

static int set_state(const struct mail_env *e, struct mrow *m, const char *to, const char *actor, const char *reason,
		     const char *note)
{
	if (db_run(e->db, "UPDATE matches SET state = ?, state_at = ? WHERE id = ?", "sii", to, e->now, m->id) ||
	    event(e, m->id, "state", m->state, to, actor, reason, note))
		return -1;
	copy(m->state, sizeof(m->state), to);
	return 0;
}

/* ---- registrations follow their matches ---------------------------------- */

static int reg_status(struct db *db, int64_t reg, const char *to, int64_t now, const char *actor, const char *reason)
{
	return db_run(db, "INSERT INTO registration_events (registration_id, at, from_status, to_status, actor, reason)"
		      " SELECT id, ?, status, ?, ?, ? FROM registrations WHERE id = ? AND status <> ?", "isssis", now, to,
		      actor, reason ? reason : "", reg, to) ||
	       db_run(db, "UPDATE registrations SET status = ?, status_at = ? WHERE id = ? AND status <> ?", "siis", to,
		      now, reg, to);
}

int matches_sync_registration(struct db *db, int64_t reg, int64_t now, const char *actor)
{
	char role[16] = "", status[16] = "";
	int64_t capacity = 1;
	struct db_stmt *st = db_prepare(db, "SELECT role, status, capacity FROM registrations WHERE id = ?");
	if (!st || db_bind_int(st, 1, reg))
		return db_finalize(st), -1;
	enum db_step s = db_step(st);
	if (s == DB_ROW) {
		copy(role, sizeof(role), db_col_text(st, 0));
		copy(status, sizeof(status), db_col_text(st, 1));
		capacity = db_col_int(st, 2);
	}
	db_finalize(st);
	if (s != DB_ROW)
		return s == DB_DONE ? 0 : -1;
	/* Only the statuses matches move between; the person's or staff's own
	 * (withdrawn, closed, expired, unconfirmed) stay. */
	if (strcmp(status, "waiting") && strcmp(status, "matched") && strcmp(status, "met"))
		return 0;
	const char *to;
	if (strcmp(role, "participant") == 0) {
		int64_t open = db_int(db, -1, "SELECT COUNT(*) FROM matches WHERE participant = ? AND state IN " OPEN_STATES,
				      "i", reg);
		int64_t met = db_int(db, -1, "SELECT COUNT(*) FROM matches WHERE participant = ? AND state = 'met'", "i",
				     reg);
		if (open < 0 || met < 0)
			return -1;
		/* Met stays met: the relay goes on from there, not the pool. */
		to = met > 0 ? "met" : open > 0 ? "matched" : "waiting";
	} else {
		int64_t used = db_int(db, -1, "SELECT COUNT(*) FROM matches WHERE door_opener = ?"
					      " AND state IN ('introduced', 'accepted', 'confirmed', 'met')", "i", reg);
		if (used < 0)
			return -1;
		to = used >= (capacity < 1 ? 1 : capacity) ? "matched" : "waiting";
	}
	if (strcmp(to, status) == 0)
		return 0;
	return reg_status(db, reg, to, now, actor, "match");
}

static int sync_both(const struct mail_env *e, const struct mrow *m, const char *actor)
{
	return matches_sync_registration(e->db, m->reg[0], e->now, actor) ||
	       matches_sync_registration(e->db, m->reg[1], e->now, actor);
}

static int set_returned(const struct mail_env *e, int64_t reg)
{
	return db_run(e->db, "UPDATE registrations SET returned_at = ? WHERE id = ?", "ii", e->now, reg);
}

/* ---- links ---------------------------------------------------------------- */

int matches_link_new(const struct mail_env *e, int64_t match_id, enum match_side side, char out[TOKEN_LEN + 1])
{
	const char *col = side == SIDE_PARTICIPANT ? "participant" : "door_opener";
	char sql[256];
	snprintf(sql, sizeof(sql), "SELECT r.id, r.person_id FROM matches m JOIN registrations r ON r.id = m.%s"
		 " WHERE m.id = ?", col);
	struct db_stmt *st = db_prepare(e->db, sql);
	int64_t reg = 0, person = 0;
	if (st && db_bind_int(st, 1, match_id) == 0 && db_step(st) == DB_ROW) {
		reg = db_col_int(st, 0);
		person = db_col_int(st, 1);
	}
	db_finalize(st);
	if (!reg)
		return -1;
	char hash[TOKEN_HASH_LEN + 1];
	token_random(out);
	token_hash(out, hash);
	return db_run(e->db, "INSERT INTO email_tokens (token_hash, purpose, person_id, registration_id, match_id,"
		      " created_at, expires_at) VALUES (?, 'match', ?, ?, ?, ?, ?)", "siiiii", hash, person, reg, match_id,
		      e->now, e->now + (int64_t)e->cfg->match_link_days * DAY_S);
}

static enum token_state link_check(struct db *db, const char *token, int64_t match_id, int64_t now, bool use,
				   enum match_side *side, int64_t *person_id)
{
	if (!token || !token_valid(token))
		return TOKEN_UNKNOWN;
	char hash[TOKEN_HASH_LEN + 1];
	token_hash(token, hash);
	struct db_stmt *st = db_prepare(db,
		"SELECT t.person_id, t.registration_id, COALESCE(t.match_id, 0), t.expires_at, t.used_at IS NOT NULL,"
		" m.participant, m.door_opener"
		" FROM email_tokens t LEFT JOIN matches m ON m.id = t.match_id"
		" WHERE t.token_hash = ? AND t.purpose = 'match'");
	enum token_state r = TOKEN_UNKNOWN;
	if (st && db_bind_text(st, 1, hash) == 0 && db_step(st) == DB_ROW) {
		int64_t reg = db_col_int(st, 1);
		if (db_col_int(st, 2) != match_id)
			r = TOKEN_WRONG;
		else if (db_col_int(st, 4))
			r = TOKEN_USED;
		else if (db_col_int(st, 3) <= now)
			r = TOKEN_EXPIRED;
		else if (reg == db_col_int(st, 5) || reg == db_col_int(st, 6)) {
			r = TOKEN_OK;
			*side = reg == db_col_int(st, 5) ? SIDE_PARTICIPANT : SIDE_DOOR_OPENER;
			*person_id = db_col_int(st, 0);
		}
	}
	db_finalize(st);
	if (r != TOKEN_OK || !use)
		return r;
	/* Conditional: of two racing requests only one changes the row. */
	if (db_run(db, "UPDATE email_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
		   "isi", now, hash, now) || db_changes(db) != 1)
		return TOKEN_USED;
	return TOKEN_OK;
}

enum token_state matches_link_peek(struct db *db, const char *token, int64_t match_id, int64_t now,
				   enum match_side *side, int64_t *person_id)
{
	return link_check(db, token, match_id, now, false, side, person_id);
}

enum token_state matches_link_use(struct db *db, const char *token, int64_t match_id, int64_t now,
				  enum match_side *side, int64_t *person_id)
{
	return link_check(db, token, match_id, now, true, side, person_id);
}

int matches_side_of(struct db *db, int64_t match_id, int64_t person_id, enum match_side *side)
{
	struct db_stmt *st = db_prepare(db, "SELECT rp.person_id, ro.person_id FROM matches m"
					    " JOIN registrations rp ON rp.id = m.participant"
					    " JOIN registrations ro ON ro.id = m.door_opener WHERE m.id = ?");
	if (!st || db_bind_int(st, 1, match_id))
		return db_finalize(st), -1;
	enum db_step s = db_step(st);
	int r = s == DB_ERR ? -1 : 1;
	if (s == DB_ROW) {
		if (db_col_int(st, 0) == person_id) {
			*side = SIDE_PARTICIPANT;
			r = 0;
		} else if (db_col_int(st, 1) == person_id) {
			*side = SIDE_DOOR_OPENER;
			r = 0;
		}
	}
	db_finalize(st);
	return r;
}

/* ---- e-mail ----------------------------------------------------------------- */

static const char *tr(const struct mail_env *e, enum lang l, const char *msgid)
{
	return e->i18n ? i18n_get(e->i18n, l, msgid) : msgid;
}

static const char *const weekdays[7] = {
	N_("Sunday"), N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"), N_("Saturday"),
};

/* "tisdag 1 december 2026 kl. 10.00": the weekday helps people more than
 * the date alone. */
static const char *when(const struct mail_env *e, enum lang l, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!localtime_r(&tt, &tm))
		return "";
	struct buf b = BUF_INIT(256);
	const char *wd = tr(e, l, weekdays[tm.tm_wday]);
	const char *r = "";
	if (buf_adds(&b, wd) == 0 && buf_addc(&b, ' ') == 0 && fmt_datetime(&b, lang_codes[l], &tm) == 0)
		r = arena_strdup(e->a, buf_str(&b));
	buf_free(&b);
	return r ? r : "";
}

struct person {
	int64_t id;
	const char *email, *first, *last, *phone, *occupation, *job_title, *employer, *municipality, *intro, *link,
		*mode;
	bool phone_shared;
	enum lang lang;
};

static int person_load(const struct mail_env *e, int64_t person_id, struct person *p)
{
	struct db_stmt *st = db_prepare(e->db,
		"SELECT COALESCE(email, ''), first_name, last_name, phone, phone_shared, occupation, job_title, employer,"
		" municipality, intro, link, meeting_mode, mail_lang FROM people WHERE id = ?");
	if (!st || db_bind_int(st, 1, person_id))
		return db_finalize(st), -1;
	enum db_step s = db_step(st);
	if (s == DB_ROW) {
		const char **f[] = { &p->email, &p->first, &p->last, &p->phone, NULL, &p->occupation, &p->job_title,
				     &p->employer, &p->municipality, &p->intro, &p->link, &p->mode };
		for (int i = 0; i < 12; i++)
			if (f[i] && !(*f[i] = arena_strdup(e->a, db_col_text(st, i) ? db_col_text(st, i) : "")))
				s = DB_ERR;
		p->phone_shared = db_col_int(st, 4) != 0;
		p->lang = lang_from_code(db_col_text(st, 12));
		p->id = person_id;
	}
	db_finalize(st);
	return s == DB_ROW ? 0 : -1;
}

static const char *ref(const struct mail_env *e, const char *kind, const char *code, enum lang l)
{
	if (!code || !*code)
		return "";
	const char *n = refdata_name(e->db, e->a, kind, code, lang_codes[l]);
	return n ? n : "";
}

/* The shared meeting languages' names in language l. */
static const char *language_names(const struct mail_env *e, const char *codes, enum lang l)
{
	struct buf b = BUF_INIT(1024);
	const char *p = codes;
	while (*p) {
		const char *c = strchr(p, ',');
		size_t n = c ? (size_t)(c - p) : strlen(p);
		char code[16];
		if (n && n < sizeof(code)) {
			memcpy(code, p, n);
			code[n] = '\0';
			const char *name = ref(e, "language", code, l);
			if (b.len)
				buf_adds(&b, ", ");
			buf_adds(&b, *name ? name : code);
		}
		p += n + (c ? 1 : 0);
	}
	char *r = arena_strdup(e->a, buf_str(&b));
	buf_free(&b);
	return r ? r : "";
}

static const char *meeting_mode(const struct person *a, const struct person *b)
{
	return strcmp(a->mode, "online") && strcmp(b->mode, "online") ? "in_person" : "online";
}

static const char *url(const struct mail_env *e, enum lang l, const char *path)
{
	const char *r = arena_printf(e->a, "%s/%s%s", e->cfg->base_url, lang_codes[l], path);
	return r ? r : "";
}

/* The common data of a match mail to `side` (see the brief in
 * docs/matches.md, "E-mails"). */
static struct tval *mail_data(const struct mail_env *e, const struct mrow *m, enum match_side side,
			      const struct person *me, const struct person *other)
{
	enum lang l = me->lang;
	struct tval *d = tv_map(e->a);
	if (!d)
		return NULL;
	char *full = arena_printf(e->a, "%s %s", other->first, other->last);
	int bad = !full || tv_set_str(d, "first_name", me->first) || tv_set_str(d, "role", match_side_key(side)) ||
		  tv_set_bool(d, "is_participant", side == SIDE_PARTICIPANT) || tv_set_int(d, "match_id", m->id) ||
		  tv_set_str(d, "other_name", full) || tv_set_str(d, "other_first_name", other->first) ||
		  tv_set_str(d, "other_email", other->email) ||
		  tv_set_str(d, "other_phone", other->phone_shared ? other->phone : "") ||
		  tv_set_str(d, "other_occupation", ref(e, "occupation", other->occupation, l)) ||
		  tv_set_str(d, "other_job_title", other->job_title) || tv_set_str(d, "other_employer", other->employer) ||
		  tv_set_str(d, "other_municipality", ref(e, "municipality", other->municipality, l)) ||
		  tv_set_str(d, "other_intro", other->intro) || tv_set_str(d, "other_link", other->link) ||
		  tv_set_str(d, "languages", language_names(e, m->languages, l)) ||
		  tv_set_str(d, "mode", meeting_mode(me, other)) || tv_set_str(d, "meeting_time", when(e, l, m->meeting_at)) ||
		  tv_set_str(d, "time_zone", e->cfg->time_zone) ||
		  tv_set_str(d, "member_url", url(e, l, arena_printf(e->a, "/member/matches/%lld", (long long)m->id))) ||
		  tv_set_str(d, "guide_url", url(e, l, "/guide")) ||
		  tv_set_str(d, "templates_url", url(e, l, "/contact-templates")) ||
		  tv_set_str(d, "contacts_url",
			     url(e, l, arena_printf(e->a, "/member/matches/%lld/contacts", (long long)m->id)));
	/* A relayed match: who passed the door opener's name on. */
	if (!bad && m->via > 0) {
		struct db_stmt *st = db_prepare(e->db, "SELECT p.first_name FROM matches v JOIN registrations r"
						       " ON r.id = v.door_opener JOIN people p ON p.id = r.person_id WHERE v.id = ?");
		if (st && db_bind_int(st, 1, m->via) == 0 && db_step(st) == DB_ROW)
			bad = tv_set_str(d, "via_first_name", arena_strdup(e->a, db_col_text(st, 0) ? db_col_text(st, 0) : ""));
		db_finalize(st);
	}
	return bad ? NULL : d;
}

/* Links of one new token for `actions` ("accept,time,decline" or "met"). */
static int add_links(const struct mail_env *e, const struct mrow *m, enum match_side side, enum lang l,
		     struct tval *d, const char *const *actions)
{
	char tok[TOKEN_LEN + 1];
	if (matches_link_new(e, m->id, side, tok))
		return -1;
	for (; *actions; actions++) {
		const char *path = arena_printf(e->a, "/match/%lld/%s/%s", (long long)m->id, *actions, tok);
		const char *key = arena_printf(e->a, "%s_url", *actions);
		if (!path || !key || tv_set_str(d, key, url(e, l, path)))
			return -1;
	}
	return 0;
}

static const char *const ANSWER_LINKS[] = { "accept", "time", "decline", NULL };
static const char *const CHANGE_LINKS[] = { "time", "decline", NULL };
static const char *const MET_LINKS[] = { "met", NULL };
static const char *const CONTACTS_LINKS[] = { "contacts", NULL };

/* The .ics for one side, in their language. */
static char *ics_for(const struct mail_env *e, const struct mrow *m, const struct person *me,
		     const struct person *other, bool cancelled)
{
	enum lang l = me->lang;
	const char *full = arena_printf(e->a, "%s %s", other->first, other->last);
	/* "Möte: Ada Lovelace (Ovi)": no format string from a catalogue. */
	const char *summary = arena_printf(e->a, "%s: %s (%s)", tr(e, l, N_("Meeting")), full ? full : "",
					   e->cfg->org_name);
	struct buf d = BUF_INIT(8192);
	buf_printf(&d, "%s %s\n", tr(e, l, N_("E-mail:")), other->email);
	if (other->phone_shared && *other->phone)
		buf_printf(&d, "%s %s\n", tr(e, l, N_("Phone:")), other->phone);
	buf_printf(&d, "%s %s\n", tr(e, l, N_("Languages:")), language_names(e, m->languages, l));
	buf_printf(&d, "\n%s\n%s\n", tr(e, l, N_("Answer or propose another time on your page:")),
		   url(e, l, arena_printf(e->a, "/member/matches/%lld", (long long)m->id)));
	buf_printf(&d, "\n%s\n%s\n", tr(e, l, N_("Conversation guide:")), url(e, l, "/guide"));
	/* The UID's host: base_url without scheme, port or path. */
	const char *host = strstr(e->cfg->base_url, "://");
	host = host ? host + 3 : e->cfg->base_url;
	int hl = (int)strcspn(host, ":/");
	const char *uid = arena_printf(e->a, "match-%lld@%.*s", (long long)m->id, hl, host);
	const char *loc = strcmp(meeting_mode(me, other), "in_person") == 0
				  ? tr(e, l, N_("In person or online: agree on the place together"))
				  : tr(e, l, N_("Online: agree on the link together"));
	struct ics_event ev = {
		.uid = uid ? uid : "", .start = m->meeting_at, .duration_s = SLOT_LEN_S, .sequence = (int)m->seq,
		.stamp = e->now, .tzid = e->cfg->time_zone, .summary = summary ? summary : "",
		.description = buf_str(&d), .location = loc,
		.url = url(e, l, arena_printf(e->a, "/member/matches/%lld", (long long)m->id)), .cancelled = cancelled,
	};
	char *r = d.len < 8000 ? ics_build(&ev) : NULL;
	buf_free(&d);
	return r;
}

static const char ICS_TYPE[] = "text/calendar; charset=UTF-8; method=PUBLISH";

enum { WITH_ICS = 1 };

/* Queue the mail `kind` for `side` and remember it on the match. `links`
 * NULL for none; extra(d) may add kind-specific values. */
static int send_mail(const struct mail_env *e, const struct mrow *m, enum match_side side, const char *kind,
		     const char *const *links, unsigned flags, int (*extra)(const struct mail_env *, struct tval *, void *),
		     void *arg)
{
	struct person me, other;
	if (person_load(e, m->person[side], &me) || person_load(e, m->person[other_side(side)], &other))
		return -1;
	if (!*me.email)
		return 0; /* erased: nobody to write to */
	struct tval *d = mail_data(e, m, side, &me, &other);
	if (!d || (links && add_links(e, m, side, me.lang, d, links)) || (extra && extra(e, d, arg)))
		return -1;
	char *ics = NULL;
	struct mail_attachment att = { "invite.ics", ICS_TYPE, NULL };
	if (flags & WITH_ICS) {
		ics = ics_for(e, m, &me, &other, false);
		if (!ics)
			return error("matches: no .ics for match %lld", (long long)m->id);
		att.data = ics;
	}
	const char *name = arena_printf(e->a, "match_%s", kind);
	const char *to_name = arena_printf(e->a, "%s %s", me.first, me.last);
	int64_t id = mail_queue_attach(e, me.lang, name, d, me.email, to_name, me.id, NULL, ics ? &att : NULL);
	free(ics);
	if (id < 0)
		return -1;
	return db_run(e->db, "INSERT INTO match_mails (match_id, outbox_id) VALUES (?, ?)", "ii", m->id, id);
}

/* ---- deadlines ------------------------------------------------------------- */

static int set_answer_deadlines(const struct mail_env *e, const struct mrow *m)
{
	int64_t remind = e->now + (int64_t)e->cfg->match_remind_days * DAY_S;
	int64_t expire = e->now + (int64_t)e->cfg->match_expiry_days * DAY_S;
	return db_run(e->db, "UPDATE matches SET remind_at = ?, expires_at = ?, followup_at = NULL WHERE id = ?", "iii",
		      remind, expire, m->id) ||
	       jobs_add(e->db, "match_remind", m->id, remind, e->now) ||
	       jobs_add(e->db, "match_expire", m->id, expire, e->now);
}

static int set_followup(const struct mail_env *e, const struct mrow *m)
{
	int64_t at = m->meeting_at + (int64_t)e->cfg->match_followup_hours * 3600;
	return db_run(e->db, "UPDATE matches SET remind_at = NULL, expires_at = NULL, followup_at = ? WHERE id = ?", "ii",
		      at, m->id) ||
	       jobs_add(e->db, "match_followup", m->id, at, e->now);
}

static int clear_deadlines(const struct mail_env *e, const struct mrow *m)
{
	return db_run(e->db, "UPDATE matches SET remind_at = NULL, expires_at = NULL, followup_at = NULL WHERE id = ?",
		      "i", m->id);
}

/* ---- creating ------------------------------------------------------------- */

/* The busy meeting times of two people: their open matches. */
static size_t busy_times(const struct mail_env *e, int64_t pa, int64_t pb, int64_t *out, size_t max)
{
	struct db_stmt *st = db_prepare(e->db,
		"SELECT m.meeting_at FROM matches m JOIN registrations rp ON rp.id = m.participant"
		" JOIN registrations ro ON ro.id = m.door_opener WHERE m.state IN " OPEN_STATES
		" AND (rp.person_id IN (?, ?) OR ro.person_id IN (?, ?)) ORDER BY m.meeting_at");
	size_t n = 0;
	if (st && !db_bind_int(st, 1, pa) && !db_bind_int(st, 2, pb) && !db_bind_int(st, 3, pa) &&
	    !db_bind_int(st, 4, pb))
		while (n < max && db_step(st) == DB_ROW)
			out[n++] = db_col_int(st, 0);
	db_finalize(st);
	return n;
}

/* The shared meeting languages, "sv,fi" (codes in order). */
static const char *shared_languages(const struct mail_env *e, int64_t pa, int64_t pb)
{
	struct db_stmt *st = db_prepare(e->db, "SELECT a.lang FROM person_languages a JOIN person_languages b"
					      " ON b.lang = a.lang AND b.person_id = ? WHERE a.person_id = ? ORDER BY a.lang");
	struct buf b = BUF_INIT(255);
	if (st && !db_bind_int(st, 1, pb) && !db_bind_int(st, 2, pa))
		while (db_step(st) == DB_ROW) {
			const char *l = db_col_text(st, 0);
			if (b.len + strlen(l) + 1 >= 255)
				break;
			if (b.len)
				buf_addc(&b, ',');
			buf_adds(&b, l);
		}
	db_finalize(st);
	char *r = arena_strdup(e->a, buf_str(&b));
	buf_free(&b);
	return r ? r : "";
}

/* One side of a new pair: 0 with *person, MATCHES_UNAVAILABLE, -1. */
static int check_reg(const struct mail_env *e, int64_t reg, const char *role, bool relay_participant,
		     int64_t *person)
{
	struct db_stmt *st = db_prepare(e->db,
		"SELECT r.role, r.status, r.person_id, p.erased_at IS NULL FROM registrations r"
		" JOIN people p ON p.id = r.person_id WHERE r.id = ?");
	if (!st || db_bind_int(st, 1, reg))
		return db_finalize(st), -1;
	enum db_step s = db_step(st);
	int rc = s == DB_ERR ? -1 : MATCHES_UNAVAILABLE;
	if (s == DB_ROW && db_col_int(st, 3) && strcmp(db_col_text(st, 0), role) == 0) {
		const char *status = db_col_text(st, 1);
		/* A relayed contact meets a participant who is in the relay already. */
		if (strcmp(status, "waiting") == 0 ||
		    (relay_participant && (strcmp(status, "met") == 0 || strcmp(status, "matched") == 0))) {
			*person = db_col_int(st, 2);
			rc = 0;
		}
	}
	db_finalize(st);
	return rc;
}

/* Is this pair allowed now? 0 yes, MATCHES_UNAVAILABLE, -1. Fills the
 * person ids. */
static int check_pair(const struct mail_env *e, const struct match_new *n, int64_t *pp, int64_t *po)
{
	bool relay = strcmp(n->origin, "relay") == 0;
	int rc = check_reg(e, n->participant_reg, "participant", relay, pp);
	if (rc == 0)
		rc = check_reg(e, n->opener_reg, "door_opener", false, po);
	if (rc)
		return rc;
	if (*pp == *po)
		return MATCHES_UNAVAILABLE;
	/* One open match per participant at a time (relays excepted: each
	 * contact is a door of its own); never the same two people again
	 * after they met or one declined. */
	if (!relay &&
	    db_int(e->db, -1, "SELECT COUNT(*) FROM matches m JOIN registrations r ON r.id = m.participant"
			      " WHERE r.person_id = ? AND m.state IN " OPEN_STATES, "i", *pp) != 0)
		return MATCHES_UNAVAILABLE;
	if (db_int(e->db, -1, "SELECT COUNT(*) FROM matches m JOIN registrations rp ON rp.id = m.participant"
			      " JOIN registrations ro ON ro.id = m.door_opener WHERE rp.person_id = ? AND ro.person_id = ?"
			      " AND m.state IN ('introduced', 'accepted', 'confirmed', 'met', 'declined')", "ii", *pp, *po) != 0)
		return MATCHES_UNAVAILABLE;
	return 0;
}

int matches_create(const struct mail_env *e, const struct match_new *n, int64_t *match_id)
{
	if (!n->origin || (strcmp(n->origin, "run") && strcmp(n->origin, "manual") && strcmp(n->origin, "relay")))
		return MATCHES_INVALID;
	if (strcmp(n->origin, "manual") == 0 && (n->staff_id <= 0 || !n->reason || !*n->reason))
		return MATCHES_INVALID;
	int64_t pp = 0, po = 0;
	int rc = check_pair(e, n, &pp, &po);
	if (rc)
		return rc;
	int64_t busy[MAX_OPEN_BUSY];
	size_t nbusy = busy_times(e, pp, po, busy, MAX_OPEN_BUSY);
	struct slot_rules rules = { e->cfg->meeting_lead_days, e->cfg->meeting_day_start, e->cfg->meeting_day_end };
	int64_t at = slot_suggest(&rules, e->now, busy, nbusy);
	if (at < 0)
		return error("matches: no free meeting time");
	const char *langs = shared_languages(e, pp, po);
	struct db_stmt *st = db_prepare(e->db,
		"INSERT INTO matches (participant, door_opener, origin, proposal_id, via_match, state, score, breakdown,"
		" languages, meeting_at, created_by, created_at, state_at)"
		" VALUES (?, ?, ?, ?, ?, 'introduced', ?, ?, ?, ?, ?, ?, ?) RETURNING id");
	int64_t id = 0;
	if (st && !db_bind_int(st, 1, n->participant_reg) && !db_bind_int(st, 2, n->opener_reg) &&
	    !db_bind_text(st, 3, n->origin) &&
	    !(n->proposal_id > 0 ? db_bind_int(st, 4, n->proposal_id) : db_bind_null(st, 4)) &&
	    !(n->via_match > 0 ? db_bind_int(st, 5, n->via_match) : db_bind_null(st, 5)) &&
	    !db_bind_int(st, 6, n->score) && !db_bind_text(st, 7, n->breakdown ? n->breakdown : "") &&
	    !db_bind_text(st, 8, langs) && !db_bind_int(st, 9, at) &&
	    !(n->staff_id > 0 ? db_bind_int(st, 10, n->staff_id) : db_bind_null(st, 10)) &&
	    !db_bind_int(st, 11, e->now) && !db_bind_int(st, 12, e->now) && db_step(st) == DB_ROW)
		id = db_col_int(st, 0);
	db_finalize(st);
	if (id <= 0)
		return -1;
	const char *actor = n->staff_id > 0 ? arena_printf(e->a, "staff:%lld", (long long)n->staff_id) : "system";
	struct mrow m;
	if (!actor || event(e, id, "state", "", "introduced", actor, n->origin, n->reason) || load(e, id, &m) ||
	    db_run(e->db, "UPDATE registrations SET returned_at = NULL WHERE id IN (?, ?)", "ii", n->participant_reg,
		   n->opener_reg) ||
	    sync_both(e, &m, actor) || set_answer_deadlines(e, &m) ||
	    send_mail(e, &m, SIDE_PARTICIPANT, "intro", ANSWER_LINKS, WITH_ICS, NULL, NULL) ||
	    send_mail(e, &m, SIDE_DOOR_OPENER, "intro", ANSWER_LINKS, WITH_ICS, NULL, NULL))
		return -1;
	if (n->proposal_id > 0 && db_run(e->db, "UPDATE match_proposals SET match_id = ? WHERE id = ?", "ii", id,
					 n->proposal_id))
		return -1;
	*match_id = id;
	return 0;
}

int matches_publish(const struct mail_env *e, int64_t run_id, const int64_t *ids, size_t n, int64_t staff_id,
		    int *published, int *skipped)
{
	*published = *skipped = 0;
	int64_t ok = db_int(e->db, -1, "SELECT COUNT(*) FROM match_runs WHERE id = ? AND status = 'draft'", "i", run_id);
	if (ok < 0)
		return -1;
	if (ok == 0)
		return MATCHES_NOT_NOW;
	/* Collect first: creating matches changes registrations under the query. */
	struct db_stmt *st = db_prepare(e->db, "SELECT id, participant, door_opener, score, breakdown FROM match_proposals"
					    " WHERE run_id = ? AND match_id IS NULL ORDER BY score DESC, id");
	if (!st || db_bind_int(st, 1, run_id))
		return db_finalize(st), -1;
	struct prop { int64_t id, p, d; int score; const char *bd; } *props = NULL;
	size_t np = 0, cap = 0;
	enum db_step s;
	while ((s = db_step(st)) == DB_ROW) {
		int64_t pid = db_col_int(st, 0);
		bool want = n == 0;
		for (size_t i = 0; i < n && !want; i++)
			want = ids[i] == pid;
		if (!want)
			continue;
		if (np == cap) {
			cap = cap ? cap * 2 : 64;
			struct prop *np2 = arena_alloc(e->a, cap * sizeof(*np2));
			if (!np2) {
				s = DB_ERR;
				break;
			}
			if (np)
				memcpy(np2, props, np * sizeof(*np2));
			props = np2;
		}
		props[np++] = (struct prop){ pid, db_col_int(st, 1), db_col_int(st, 2), (int)db_col_int(st, 3),
					     arena_strdup(e->a, db_col_text(st, 4) ? db_col_text(st, 4) : "") };
	}
	db_finalize(st);
	if (s != DB_DONE)
		return -1;
	for (size_t i = 0; i < np; i++) {
		struct match_new mn = {
			.participant_reg = props[i].p, .opener_reg = props[i].d, .origin = "run", .proposal_id = props[i].id,
			.staff_id = staff_id, .score = props[i].score, .breakdown = props[i].bd ? props[i].bd : "",
		};
		int64_t mid;
		/* Each introduction renders four e-mails and two invitations: its
		 * own scratch memory, so a run of any size fits. */
		struct mail_env one = *e;
		one.a = arena_new(PUBLISH_ARENA);
		int r = one.a ? matches_create(&one, &mn, &mid) : -1;
		arena_free(one.a);
		if (r < 0)
			return -1;
		if (r)
			(*skipped)++;
		else
			(*published)++;
	}
	if (*published && db_run(e->db, "UPDATE match_runs SET published_at = COALESCE(published_at, ?) WHERE id = ?",
				 "ii", e->now, run_id))
		return -1;
	return 0;
}

/* ---- answers ------------------------------------------------------------------ */

static const char *side_col(enum match_side s, const char *what)
{
	if (strcmp(what, "answer") == 0)
		return s == SIDE_PARTICIPANT ? "participant_answer" : "opener_answer";
	return s == SIDE_PARTICIPANT ? "participant_met" : "opener_met";
}

static int set_side(const struct mail_env *e, struct mrow *m, enum match_side side, const char *what,
		    const char *value)
{
	char sql[128];
	snprintf(sql, sizeof(sql), "UPDATE matches SET %s = ? WHERE id = ?", side_col(side, what));
	if (db_run(e->db, sql, "si", value, m->id))
		return -1;
	copy(strcmp(what, "answer") == 0 ? m->answer[side] : m->met[side], 16, value);
	return 0;
}

static int confirm(const struct mail_env *e, struct mrow *m, const char *actor)
{
	return set_state(e, m, "confirmed", actor, "", "") || set_followup(e, m) ||
	       send_mail(e, m, SIDE_PARTICIPANT, "confirmed", NULL, WITH_ICS, NULL, NULL) ||
	       send_mail(e, m, SIDE_DOOR_OPENER, "confirmed", NULL, WITH_ICS, NULL, NULL);
}

int matches_accept(const struct mail_env *e, int64_t match_id, enum match_side side)
{
	struct mrow m;
	int r = load(e, match_id, &m);
	if (r)
		return r < 0 ? -1 : MATCHES_NOT_NOW;
	if ((strcmp(m.state, "introduced") && strcmp(m.state, "accepted")) || *m.answer[side])
		return MATCHES_NOT_NOW;
	const char *actor = match_side_key(side);
	if (set_side(e, &m, side, "answer", "accepted") || event(e, m.id, "accept", "", "", actor, "", ""))
		return -1;
	if (*m.answer[other_side(side)])
		return confirm(e, &m, actor);
	return strcmp(m.state, "accepted") ? set_state(e, &m, "accepted", actor, "", "") : 0;
}

/* MATCH_NOTE_MAX characters, as the forms count them. */
static int note_ok(const char *note)
{
	size_t n = note ? strlen(note) : 0;
	return n <= 4 * MATCH_NOTE_MAX &&
	       (!n || (utf8_valid(note, n) && !utf8_has_ctl(note, n) && utf8_chars(note, n) <= MATCH_NOTE_MAX));
}

struct new_time_arg {
	bool changed;
	const char *note;
};

static int new_time_extra(const struct mail_env *e, struct tval *d, void *p)
{
	(void)e;
	const struct new_time_arg *a = p;
	return tv_set_bool(d, "time_changed", a->changed) || tv_set_str(d, "time_note", a->note ? a->note : "");
}

int matches_propose_time(const struct mail_env *e, int64_t match_id, enum match_side side, int64_t start,
			 const char *note)
{
	note = note ? note : "";
	if (!note_ok(note) || (start <= 0 && !*note))
		return MATCHES_INVALID;
	if (start > 0 && (start < e->now + 3600 || start > e->now + (int64_t)MATCH_TIME_AHEAD_DAYS * DAY_S))
		return MATCHES_INVALID;
	struct mrow m;
	int r = load(e, match_id, &m);
	if (r)
		return r < 0 ? -1 : MATCHES_NOT_NOW;
	if (!state_open(m.state))
		return MATCHES_NOT_NOW;
	const char *actor = match_side_key(side);
	enum match_side o = other_side(side);
	bool changed = start > 0 && start != m.meeting_at;
	if (db_run(e->db, "UPDATE matches SET time_by = ?, time_note = ? WHERE id = ?", "ssi", actor, note, m.id))
		return -1;
	if (changed) {
		if (db_run(e->db, "UPDATE matches SET meeting_at = ?, meeting_seq = meeting_seq + 1 WHERE id = ?", "ii",
			   start, m.id))
			return -1;
		m.meeting_at = start;
		m.seq++;
		if (set_side(e, &m, side, "answer", "accepted") || set_side(e, &m, o, "answer", ""))
			return -1;
	}
	/* The new time as a Unix time: pages show it in their language. */
	const char *what = changed ? arena_printf(e->a, "%lld", (long long)start) : "";
	if (!what || event(e, m.id, "time", "", "", actor, what, note))
		return -1;
	if (changed && strcmp(m.state, "accepted") && set_state(e, &m, "accepted", actor, "new_time", ""))
		return -1;
	/* Counted again from now: the other side needs time to answer. */
	if (strcmp(m.state, "confirmed") && set_answer_deadlines(e, &m))
		return -1;
	struct new_time_arg a = { changed, note };
	return send_mail(e, &m, o, "new_time", strcmp(m.state, "confirmed") ? ANSWER_LINKS : CHANGE_LINKS,
			 changed ? WITH_ICS : 0, new_time_extra, &a);
}

int matches_decline(const struct mail_env *e, int64_t match_id, enum match_side side, const char *reason,
		    const char *note, bool stay)
{
	note = note ? note : "";
	if (!match_decline_reason_ok(reason) || !note_ok(note))
		return MATCHES_INVALID;
	struct mrow m;
	int r = load(e, match_id, &m);
	if (r)
		return r < 0 ? -1 : MATCHES_NOT_NOW;
	if (!state_open(m.state))
		return MATCHES_NOT_NOW;
	const char *actor = match_side_key(side);
	enum match_side o = other_side(side);
	if (db_run(e->db, "UPDATE matches SET ended_by = ?, end_reason = ?, end_note = ? WHERE id = ?", "sssi", actor,
		   reason, note, m.id) ||
	    set_state(e, &m, "declined", actor, reason, note) || clear_deadlines(e, &m) || set_returned(e, m.reg[o]))
		return -1;
	bool leaves = !stay || !strcmp(reason, "found_job") || !strcmp(reason, "moved_away");
	if (leaves && reg_status(e->db, m.reg[side], "closed", e->now, actor, reason))
		return -1;
	return sync_both(e, &m, actor) || send_mail(e, &m, o, "declined", NULL, 0, NULL, NULL);
}

static int ask_contacts(const struct mail_env *e, const struct mrow *m)
{
	int64_t asked = db_int(e->db, -1, "SELECT COUNT(*) FROM match_events WHERE match_id = ? AND kind = 'contacts'",
			       "i", m->id);
	if (asked != 0)
		return asked < 0 ? -1 : 0;
	return event(e, m->id, "contacts", "", "", "system", "", "") ||
	       send_mail(e, m, SIDE_DOOR_OPENER, "contacts", CONTACTS_LINKS, 0, NULL, NULL) || relay_on_met(e, m->id);
}

int matches_met_answer(const struct mail_env *e, int64_t match_id, enum match_side side, const char *answer,
		       int64_t new_start)
{
	if (!answer || (strcmp(answer, "met") && strcmp(answer, "not_yet") && strcmp(answer, "wont")))
		return MATCHES_INVALID;
	bool not_yet = strcmp(answer, "not_yet") == 0;
	if (not_yet && (new_start < e->now + 3600 || new_start > e->now + (int64_t)MATCH_TIME_AHEAD_DAYS * DAY_S))
		return MATCHES_INVALID;
	struct mrow m;
	int r = load(e, match_id, &m);
	if (r)
		return r < 0 ? -1 : MATCHES_NOT_NOW;
	bool confirmed_past = strcmp(m.state, "confirmed") == 0 && e->now >= m.meeting_at;
	bool met = strcmp(m.state, "met") == 0;
	if (!confirmed_past && !met)
		return MATCHES_NOT_NOW;
	const char *actor = match_side_key(side);
	if (set_side(e, &m, side, "met", answer) || event(e, m.id, "met_answer", "", "", actor, answer, ""))
		return -1;
	if (met)
		return 0; /* recorded; the match is met already */
	if (strcmp(answer, "met") == 0)
		return set_state(e, &m, "met", actor, "", "") || clear_deadlines(e, &m) || sync_both(e, &m, actor) ||
		       ask_contacts(e, &m);
	if (strcmp(answer, "wont") == 0)
		return set_state(e, &m, "not_met", actor, "wont", "") || clear_deadlines(e, &m) ||
		       set_returned(e, m.reg[other_side(side)]) || sync_both(e, &m, actor);
	/* Not yet: the meeting moves; both are told, and asked again after it. */
	if (db_run(e->db, "UPDATE matches SET meeting_at = ?, meeting_seq = meeting_seq + 1, time_by = ?, time_note = ''"
			  " WHERE id = ?", "isi", new_start, actor, m.id) ||
	    event(e, m.id, "time", "", "", actor, arena_printf(e->a, "%lld", (long long)new_start), ""))
		return -1;
	m.meeting_at = new_start;
	m.seq++;
	struct new_time_arg a = { true, "" };
	return set_followup(e, &m) ||
	       send_mail(e, &m, other_side(side), "new_time", CHANGE_LINKS, WITH_ICS, new_time_extra, &a);
}

/* ---- staff ------------------------------------------------------------------------ */

static int cancelled_extra(const struct mail_env *e, struct tval *d, void *p)
{
	(void)e;
	return tv_set_str(d, "why", p);
}

static int end_open(const struct mail_env *e, struct mrow *m, const char *actor, const char *reason,
		    const char *note, int tell_mask, const char *why)
{
	if (db_run(e->db, "UPDATE matches SET ended_by = ?, end_reason = ?, end_note = ? WHERE id = ?", "sssi", actor,
		   reason, note, m->id) ||
	    set_state(e, m, "cancelled", actor, reason, note) || clear_deadlines(e, m))
		return -1;
	for (int s = 0; s < 2; s++)
		if ((tell_mask & (1 << s)) && set_returned(e, m->reg[s]))
			return -1;
	if (sync_both(e, m, actor))
		return -1;
	for (int s = 0; s < 2; s++)
		if ((tell_mask & (1 << s)) &&
		    send_mail(e, m, (enum match_side)s, "cancelled", NULL, 0, cancelled_extra, (void *)why))
			return -1;
	return 0;
}

static const char *staff_actor(const struct mail_env *e, int64_t staff_id)
{
	return arena_printf(e->a, "staff:%lld", (long long)staff_id);
}

static bool text_ok(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;
	return n > 0 && n <= max && utf8_valid(s, n) && !utf8_has_ctl(s, n);
}

int matches_cancel(const struct mail_env *e, int64_t match_id, int64_t staff_id, const char *reason)
{
	if (!text_ok(reason, 2000))
		return MATCHES_INVALID;
	struct mrow m;
	int r = load(e, match_id, &m);
	if (r)
		return r < 0 ? -1 : MATCHES_NOT_NOW;
	if (!state_open(m.state))
		return MATCHES_NOT_NOW;
	const char *actor = staff_actor(e, staff_id);
	return actor ? end_open(e, &m, actor, "staff", reason, 3, "staff") : -1;
}

int matches_back_to_pool(const struct mail_env *e, int64_t match_id, int64_t staff_id, const char *reason)
{
	if (!text_ok(reason, 2000))
		return MATCHES_INVALID;
	struct mrow m;
	int r = load(e, match_id, &m);
	if (r)
		return r < 0 ? -1 : MATCHES_NOT_NOW;
	if (state_open(m.state) || strcmp(m.state, "met") == 0)
		return MATCHES_NOT_NOW;
	const char *actor = staff_actor(e, staff_id);
	if (!actor || event(e, m.id, "back_to_pool", "", "", actor, "", reason))
		return -1;
	for (int s = 0; s < 2; s++) {
		/* Only what a match closed comes back: not a withdrawal or an erasure. */
		int64_t closed = db_int(e->db, -1, "SELECT COUNT(*) FROM registrations r JOIN people p ON p.id = r.person_id"
						   " WHERE r.id = ? AND r.status = 'closed' AND p.erased_at IS NULL", "i",
					m.reg[s]);
		if (closed < 0)
			return -1;
		if (closed && reg_status(e->db, m.reg[s], "waiting", e->now, actor, "back_to_pool"))
			return -1;
		if (set_returned(e, m.reg[s]) || matches_sync_registration(e->db, m.reg[s], e->now, actor))
			return -1;
	}
	return 0;
}

int matches_resend(const struct mail_env *e, int64_t match_id, enum match_side side, int64_t staff_id)
{
	struct mrow m;
	int r = load(e, match_id, &m);
	if (r)
		return r < 0 ? -1 : MATCHES_NOT_NOW;
	const char *actor = staff_actor(e, staff_id);
	const char *kind;
	int rc;
	if (strcmp(m.state, "confirmed") == 0 && e->now >= m.meeting_at) {
		kind = "followup";
		rc = send_mail(e, &m, side, kind, MET_LINKS, 0, NULL, NULL);
	} else if (strcmp(m.state, "confirmed") == 0) {
		kind = "confirmed";
		rc = send_mail(e, &m, side, kind, NULL, WITH_ICS, NULL, NULL);
	} else if (state_open(m.state)) {
		kind = "intro";
		rc = send_mail(e, &m, side, kind, *m.answer[side] ? CHANGE_LINKS : ANSWER_LINKS, WITH_ICS, NULL, NULL);
	} else if (strcmp(m.state, "met") == 0 && side == SIDE_DOOR_OPENER) {
		kind = "contacts";
		rc = send_mail(e, &m, side, kind, CONTACTS_LINKS, 0, NULL, NULL);
	} else {
		return MATCHES_NOT_NOW;
	}
	return rc || !actor ? -1 : event(e, m.id, "mail", "", "", actor, kind, match_side_key(side));
}

int matches_note(struct db *db, int64_t match_id, int64_t staff_id, const char *text, int64_t now)
{
	if (!text_ok(text, 2000))
		return MATCHES_INVALID;
	if (db_int(db, -1, "SELECT COUNT(*) FROM matches WHERE id = ?", "i", match_id) != 1)
		return MATCHES_NOT_NOW;
	char actor[32];
	snprintf(actor, sizeof(actor), "staff:%lld", (long long)staff_id);
	return db_run(db, "INSERT INTO match_events (match_id, at, kind, actor, note) VALUES (?, ?, 'note', ?, ?)", "iiss",
		      match_id, now, actor, text);
}

int matches_release_registration(const struct mail_env *e, int64_t registration_id)
{
	struct db_stmt *st = db_prepare(e->db, "SELECT id FROM matches WHERE (participant = ? OR door_opener = ?)"
					    " AND state IN " OPEN_STATES " ORDER BY id");
	int64_t ids[64];
	size_t n = 0;
	if (!st || db_bind_int(st, 1, registration_id) || db_bind_int(st, 2, registration_id))
		return db_finalize(st), -1;
	enum db_step s;
	while ((s = db_step(st)) == DB_ROW && n < 64)
		ids[n++] = db_col_int(st, 0);
	db_finalize(st);
	if (s == DB_ERR)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct mrow m;
		if (load(e, ids[i], &m))
			return -1;
		enum match_side leaving = m.reg[0] == registration_id ? SIDE_PARTICIPANT : SIDE_DOOR_OPENER;
		int tell = 1 << other_side(leaving);
		if (end_open(e, &m, match_side_key(leaving), "withdrawn", "", tell, "withdrawn"))
			return -1;
	}
	return 0;
}

/* ---- jobs ------------------------------------------------------------------------------- */

/* A job is current when the deadline it was made for is still the
 * match's: a later change moved or removed it otherwise. */
static int deadline_is(const struct mail_env *e, int64_t id, const char *col, int64_t due_at)
{
	char sql[128];
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM matches WHERE id = ? AND %s = ?", col);
	return (int)db_int(e->db, -1, sql, "ii", id, due_at);
}

int matches_job_remind(const struct mail_env *e, int64_t match_id, int64_t due_at)
{
	int cur = deadline_is(e, match_id, "remind_at", due_at);
	if (cur <= 0)
		return cur;
	struct mrow m;
	if (load(e, match_id, &m))
		return -1;
	if (!state_open(m.state) || strcmp(m.state, "confirmed") == 0)
		return 0;
	if (db_run(e->db, "UPDATE matches SET remind_at = NULL WHERE id = ?", "i", m.id))
		return -1;
	for (int s = 0; s < 2; s++)
		if (!*m.answer[s] && (event(e, m.id, "remind", "", "", "system", match_side_key((enum match_side)s), "") ||
				      send_mail(e, &m, (enum match_side)s, "reminder", ANSWER_LINKS, 0, NULL, NULL)))
			return -1;
	return 0;
}

struct expired_arg {
	bool had_accepted, closed;
};

static int expired_extra(const struct mail_env *e, struct tval *d, void *p)
{
	(void)e;
	const struct expired_arg *a = p;
	return tv_set_bool(d, "had_accepted", a->had_accepted) || tv_set_bool(d, "closed", a->closed);
}

int matches_job_expire(const struct mail_env *e, int64_t match_id, int64_t due_at)
{
	int cur = deadline_is(e, match_id, "expires_at", due_at);
	if (cur <= 0)
		return cur;
	struct mrow m;
	if (load(e, match_id, &m))
		return -1;
	if (strcmp(m.state, "introduced") && strcmp(m.state, "accepted"))
		return 0;
	if (set_state(e, &m, "expired", "system", "no_answer", "") || clear_deadlines(e, &m))
		return -1;
	struct expired_arg a[2];
	for (int s = 0; s < 2; s++) {
		a[s].had_accepted = *m.answer[s] != '\0';
		/* A silent door opener leaves the pool: their silence would cost the
		 * next participant weeks. A silent participant keeps their place
		 * (without priority): the registration is not used up. */
		a[s].closed = !a[s].had_accepted && s == SIDE_DOOR_OPENER;
		if (a[s].had_accepted && set_returned(e, m.reg[s]))
			return -1;
		if (a[s].closed && reg_status(e->db, m.reg[s], "closed", e->now, "system", "no_answer"))
			return -1;
	}
	if (sync_both(e, &m, "system"))
		return -1;
	for (int s = 0; s < 2; s++)
		if (send_mail(e, &m, (enum match_side)s, "expired", NULL, 0, expired_extra, &a[s]))
			return -1;
	return 0;
}

int matches_job_followup(const struct mail_env *e, int64_t match_id, int64_t due_at)
{
	int cur = deadline_is(e, match_id, "followup_at", due_at);
	if (cur <= 0)
		return cur;
	struct mrow m;
	if (load(e, match_id, &m))
		return -1;
	if (strcmp(m.state, "confirmed"))
		return 0;
	if (db_run(e->db, "UPDATE matches SET followup_at = NULL WHERE id = ?", "i", m.id) ||
	    event(e, m.id, "followup", "", "", "system", "", ""))
		return -1;
	for (int s = 0; s < 2; s++)
		if (!*m.met[s] && send_mail(e, &m, (enum match_side)s, "followup", MET_LINKS, 0, NULL, NULL))
			return -1;
	return 0;
}

char *matches_ics(const struct mail_env *e, int64_t match_id, enum match_side side)
{
	struct mrow m;
	struct person me, other;
	if (load(e, match_id, &m) || person_load(e, m.person[side], &me) ||
	    person_load(e, m.person[other_side(side)], &other))
		return NULL;
	bool off = !state_open(m.state) && strcmp(m.state, "met");
	return ics_for(e, &m, &me, &other, off);
}

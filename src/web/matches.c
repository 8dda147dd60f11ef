/* Staff pages of matches (docs/matches.md): the board (counts per state,
 * the matches oldest in their state first, with filters and 50 a page),
 * one match with both sides, its history, e-mails and notes, and the
 * coordinator's actions on it (cancel, send back to the pool, resend the
 * current e-mail, add a note), and a match made by hand. Staff only; every
 * change is a CSRF-checked POST that runs one domain call (domain/matches.h)
 * in a transaction, is written to the audit log by ids only, and answers
 * 303 back to the match with a notice. Codes (states, event kinds, reasons,
 * origins) are shown through the translated tables below. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "domain/matches.h"
#include "domain/matching.h"
#include "domain/relay.h"
#include "domain/refdata.h"
#include "domain/staff.h"
#include "mail/sender.h"
#include "http/path.h"
#include "web/doortree.h"
#include "web/label.h"
#include "web/mail.h"
#include "web/matches.h"
#include "web/member.h"
#include "web/routes.h"

enum {
	PAGE_SIZE = 50,
	PAGE_MAX = 100000,
	PARAMS_MAX = 8,
	QUERY_MAX = 200,       /* a longer search is ignored */
	REASON_MAX = MATCH_NOTE_MAX,
	NOTE_MAX = 2000,       /* matches_note() */
	OPTIONS_MAX = 2000,    /* registrations offered by the form of a match by hand */
	ROWS_MAX = 500,        /* history rows, e-mails, notes on a match page */
};

/* ---- labels --------------------------------------------------------------- */


/* In the order of the board's counts. The same msgids as the member pages. */
static const struct label state_labels[] = {
	{ "introduced", N_("Introduced") },
	{ "accepted", N_("Accepted by one side") },
	{ "confirmed", N_("Confirmed") },
	{ "met", N_("Met") },
	{ "not_met", N_("Did not meet") },
	{ "declined", N_("Declined") },
	{ "expired", N_("Expired") },
	{ "cancelled", N_("Cancelled") },
	{ NULL, NULL },
};

static const struct label origin_labels[] = {
	{ "run", N_("Matching run") },
	{ "manual", N_("Made by hand") },
	{ "relay", N_("Contact passed on") },
	{ NULL, NULL },
};

/* Reasons of state changes and of ended matches: the decline reasons
 * (match_decline_reasons, the same msgids as the member pages) and the
 * domain's own codes. What staff type is in the note, shown as it is. */
static const struct label reason_labels[] = {
	{ "no_time", N_("No time") },
	{ "not_my_field", N_("Not my field") },
	{ "found_job", N_("Already found a job") },
	{ "moved_away", N_("Moved away") },
	{ "other", N_("Other") },
	{ "withdrawn", N_("Withdrew the registration") },
	{ "staff", N_("Cancelled by staff") },
	{ "no_answer", N_("No answer in time") },
	{ "new_time", N_("Another time was proposed") },
	{ "wont", N_("Will not meet") },
	{ "run", N_("Matching run") },
	{ "manual", N_("Made by hand") },
	{ "relay", N_("Contact passed on") },
	{ NULL, NULL },
};

static const struct label side_labels[] = {
	{ "participant", N_("Participant") },
	{ "door_opener", N_("Door opener") },
	{ NULL, NULL },
};

static const struct label kind_labels[] = {
	{ "state", N_("State changed") },
	{ "accept", N_("Accepted the time") },
	{ "time", N_("Proposed another time") },
	{ "remind", N_("Reminder sent") },
	{ "met_answer", N_("Answered whether they met") },
	{ "mail", N_("E-mail sent again") },
	{ "note", N_("Note") },
	{ "back_to_pool", N_("Sent back to the pool") },
	{ "contacts", N_("Asked the door opener for two contacts") },
	{ "followup", N_("Asked whether they met") },
	{ "contact", N_("A contact passed on") },
	{ "relay_remind", N_("Reminded the door opener about contacts") },
	{ NULL, NULL },
};

static const struct label met_labels[] = {
	{ "met", N_("Met") },
	{ "not_yet", N_("Not yet met") },
	{ "wont", N_("Will not meet") },
	{ NULL, NULL },
};

static const struct label mail_labels[] = {
	{ "match_intro", N_("Introduction") },
	{ "match_reminder", N_("Reminder") },
	{ "match_confirmed", N_("Meeting confirmed") },
	{ "match_new_time", N_("New time") },
	{ "match_declined", N_("Declined") },
	{ "match_expired", N_("Expired") },
	{ "match_cancelled", N_("Cancelled") },
	{ "match_followup", N_("Did you meet?") },
	{ "match_contacts", N_("Request for two contacts") },
	{ "relay_invite", N_("Invitation to a contact") },
	{ "relay_doors", N_("Doors opened (to the participant)") },
	{ "relay_remind", N_("Reminder about contacts") },
	{ "relay_registered", N_("A contact registered") },
	{ NULL, NULL },
};

static const struct label mail_status_labels[] = {
	{ "queued", N_("Queued") },
	{ "sending", N_("Sending") },
	{ "sent", N_("Sent") },
	{ "failed", N_("Failed") },
	{ NULL, NULL },
};

#define LABEL(c, t, code) label_text((c), (t), (code))
#define KNOWN(t, code) (label_find((t), (code)) != NULL)

static const struct label *label_find(const struct label *t, const char *code)
{
	for (; code && t->code; t++)
		if (strcmp(t->code, code) == 0)
			return t;
	return NULL;
}

/* The translated label, or the code itself when it is not in the table. */
static bool state_open(const char *s)
{
	return !strcmp(s, "introduced") || !strcmp(s, "accepted") || !strcmp(s, "confirmed");
}

static bool state_ended(const char *s)
{
	return !strcmp(s, "declined") || !strcmp(s, "expired") || !strcmp(s, "not_met") || !strcmp(s, "cancelled");
}

/* ---- helpers -------------------------------------------------------------- */

static const char *base(struct ctx *c)
{
	return arena_printf(c->a, "/%s/admin/matches", lang_codes[c->lang]);
}

static const char *query(const struct ctx *c, const char *name)
{
	const char *v = form_get(&c->req->query, name);
	return v ? v : "";
}

static const char *person_href(struct ctx *c, int64_t person_id)
{
	return arena_printf(c->a, "/%s/admin/people/%lld", lang_codes[c->lang], (long long)person_id);
}

/* first_name, last_name, erased_at at columns first.. */
static const char *person_name(struct ctx *c, struct db_stmt *st, int first)
{
	if (!db_col_null(st, first + 2))
		return ctx_tr(c, "Erased person");
	return arena_printf(c->a, "%s %s", db_col_text(st, first), db_col_text(st, first + 1));
}

/* Only white space counts as empty. */
static bool blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
			return false;
	return true;
}


/* A side's answer: its "did you meet?" answer when it gave one, else
 * whether it accepted the current time. */
static const char *answer_label(struct ctx *c, const char *answer, const char *met)
{
	if (met && *met)
		return LABEL(c, met_labels, met);
	if (answer && !strcmp(answer, "accepted"))
		return ctx_tr(c, "Accepted");
	return ctx_tr(c, "No answer yet");
}

/* An event's reason means something else for each kind of event. */
static const char *event_reason(struct ctx *c, const char *kind, const char *reason)
{
	if (!reason || !*reason)
		return "";
	if (!strcmp(kind, "met_answer"))
		return LABEL(c, met_labels, reason);
	if (!strcmp(kind, "remind"))
		return LABEL(c, side_labels, reason);
	if (!strcmp(kind, "mail")) /* the kind of e-mail, without "match_" */
		return LABEL(c, mail_labels, arena_printf(c->a, "match_%s", reason));
	if (!strcmp(kind, "contact")) /* the contact's new state */
		return ctx_tr(c, doortree_state_msgid(false, reason));
	if (!strcmp(kind, "time")) { /* the new meeting time, a Unix time */
		char *end;
		long long t = strtoll(reason, &end, 10);
		return *end || t <= 0 ? reason : member_datetime(c, t);
	}
	return LABEL(c, reason_labels, reason);
}

const char *matches_state_label(struct ctx *c, const char *state)
{
	return LABEL(c, state_labels, state);
}

struct tval *matches_of_registration(struct ctx *c, int64_t reg)
{
	struct tval *list = tv_list(c->a);
	struct db_stmt *st = db_prepare(c->db,
		"SELECT m.id, m.state, m.meeting_at, p.first_name, p.last_name, p.erased_at IS NOT NULL FROM matches m"
		" JOIN registrations o ON o.id = CASE WHEN m.participant = ? THEN m.door_opener ELSE m.participant END"
		" JOIN people p ON p.id = o.person_id WHERE m.participant = ? OR m.door_opener = ?"
		" ORDER BY m.created_at DESC, m.id DESC");
	if (list && st && !db_bind_int(st, 1, reg) && !db_bind_int(st, 2, reg) && !db_bind_int(st, 3, reg))
		while (db_step(st) == DB_ROW) {
			struct tval *r = tv_map(c->a);
			int64_t id = db_col_int(st, 0);
			tv_set_int(r, "id", id);
			tv_set_str(r, "url", arena_printf(c->a, "/%s/admin/matches/%lld", lang_codes[c->lang], (long long)id));
			tv_set_str(r, "state", LABEL(c, state_labels, db_col_text(st, 1)));
			tv_set_str(r, "meeting", member_datetime(c, db_col_int(st, 2)));
			tv_set_str(r, "other", db_col_int(st, 5) ? ctx_tr(c, "(erased)")
								   : arena_printf(c->a, "%s %s", db_col_text(st, 3),
										  db_col_text(st, 4)));
			tv_push(list, r);
		}
	db_finalize(st);
	return list;
}

static void add_error(struct ctx *c, struct tval *errors, const char *field, const char *msg)
{
	struct tval *e = tv_map(c->a);
	tv_set_str(e, "field", field);
	tv_set_str(e, "message", msg);
	tv_push(errors, e);
}

/* ---- the board ------------------------------------------------------------ */

struct filter {
	const char *state, *origin, *q;
};

/* The board's address with these filters and page. */
static const char *board_href(struct ctx *c, const struct filter *f, long page)
{
	struct buf b = BUF_INIT(4096);
	buf_adds(&b, base(c));
	char sep = '?';
	const char *names[] = { "state", "origin", "q" };
	const char *vals[] = { f->state, f->origin, f->q };
	for (size_t i = 0; i < 3; i++) {
		if (!*vals[i])
			continue;
		buf_addc(&b, sep);
		sep = '&';
		buf_adds(&b, names[i]);
		buf_addc(&b, '=');
		buf_adds(&b, path_query_encode(c->a, vals[i]));
	}
	if (page > 1)
		buf_printf(&b, "%cpage=%ld", sep, page);
	const char *s = arena_strdup(c->a, buf_str(&b));
	buf_free(&b);
	return s ? s : "";
}

/* A WHERE clause and its parameters, built one condition at a time. */
struct where {
	struct buf sql;
	size_t n;
	struct { char type; const char *s; } p[PARAMS_MAX];
};

static void cond(struct where *w, const char *sql)
{
	buf_adds(&w->sql, " AND ");
	buf_adds(&w->sql, sql);
}

static void param_s(struct where *w, const char *s)
{
	assert(w->n < PARAMS_MAX);
	w->p[w->n].type = 's';
	w->p[w->n++].s = s;
}

static int bind_where(struct db_stmt *st, const struct where *w)
{
	for (size_t k = 0; k < w->n; k++)
		if (db_bind_text(st, 1 + (int)k, w->p[k].s))
			return -1;
	return 0;
}

/* '%text%' with LIKE's wild cards escaped (ESCAPE '\'). */
static const char *like_pattern(struct ctx *c, const char *q)
{
	struct buf b = BUF_INIT(1024);
	buf_addc(&b, '%');
	for (const char *s = q; *s; s++) {
		if (*s == '%' || *s == '_' || *s == '\\')
			buf_addc(&b, '\\');
		buf_addc(&b, *s);
	}
	buf_addc(&b, '%');
	const char *like = arena_strdup(c->a, buf_str(&b));
	buf_free(&b);
	return like ? like : "%";
}

static struct tval *option(struct ctx *c, const char *value, const char *label, const char *current)
{
	struct tval *o = tv_map(c->a);
	tv_set_str(o, "value", value);
	tv_set_str(o, "label", label);
	tv_set_bool(o, "selected", current && strcmp(value, current) == 0);
	return o;
}

static const char BOARD_FROM[] =
	" FROM matches m"
	" JOIN registrations rp ON rp.id = m.participant JOIN people pp ON pp.id = rp.person_id"
	" JOIN registrations rd ON rd.id = m.door_opener JOIN people dp ON dp.id = rd.person_id"
	" WHERE 1 = 1";

static void board(struct ctx *c)
{
	if (!ctx_need_staff(c))
		return;
	page_render_prepare(c);
	struct filter f = { query(c, "state"), query(c, "origin"), query(c, "q") };
	if (!KNOWN(state_labels, f.state))
		f.state = "";
	if (!KNOWN(origin_labels, f.origin))
		f.origin = "";
	if (strlen(f.q) > QUERY_MAX)
		f.q = "";
	struct tval *ft = tv_map(c->a);
	tv_set_str(ft, "state", f.state);
	tv_set_str(ft, "origin", f.origin);
	tv_set_str(ft, "q", f.q);
	tv_set(c->data, "filter", ft);

	/* Counts per state, each a link to the board of that state (keeping
	 * the other filters). */
	struct tval *counts = tv_list(c->a);
	struct filter all = f;
	all.state = "";
	struct tval *entry = tv_map(c->a);
	tv_set_str(entry, "label", ctx_tr(c, "All"));
	tv_set_int(entry, "count", (long long)db_int(c->db, 0, "SELECT COUNT(*) FROM matches", ""));
	tv_set_str(entry, "href", board_href(c, &all, 1));
	tv_set_bool(entry, "selected", !*f.state);
	tv_push(counts, entry);
	struct tval *states = tv_list(c->a);
	for (size_t i = 0; state_labels[i].code; i++) {
		struct filter one = f;
		one.state = state_labels[i].code;
		entry = tv_map(c->a);
		tv_set_str(entry, "label", ctx_tr(c, state_labels[i].msgid));
		tv_set_int(entry, "count", (long long)db_int(c->db, 0, "SELECT COUNT(*) FROM matches WHERE state = ?", "s",
							   state_labels[i].code));
		tv_set_str(entry, "href", board_href(c, &one, 1));
		tv_set_bool(entry, "selected", !strcmp(f.state, one.state));
		tv_push(counts, entry);
		tv_push(states, option(c, state_labels[i].code, ctx_tr(c, state_labels[i].msgid), f.state));
	}
	tv_set(c->data, "counts", counts);
	tv_set(c->data, "states", states);
	struct tval *origins = tv_list(c->a);
	for (size_t i = 0; origin_labels[i].code; i++)
		tv_push(origins, option(c, origin_labels[i].code, ctx_tr(c, origin_labels[i].msgid), f.origin));
	tv_set(c->data, "origins", origins);

	struct where w = { .sql = BUF_INIT(4096) };
	if (*f.state) {
		cond(&w, "m.state = ?");
		param_s(&w, f.state);
	}
	if (*f.origin) {
		cond(&w, "m.origin = ?");
		param_s(&w, f.origin);
	}
	if (*f.q) {
		const char *like = like_pattern(c, f.q);
		cond(&w, "(LOWER(pp.first_name || ' ' || pp.last_name) LIKE LOWER(?) ESCAPE '\\'"
			 " OR LOWER(COALESCE(pp.email, '')) LIKE LOWER(?) ESCAPE '\\'"
			 " OR LOWER(dp.first_name || ' ' || dp.last_name) LIKE LOWER(?) ESCAPE '\\'"
			 " OR LOWER(COALESCE(dp.email, '')) LIKE LOWER(?) ESCAPE '\\')");
		for (int k = 0; k < 4; k++)
			param_s(&w, like);
	}

	long page = 1;
	int64_t pv;
	if (member_parse_id(query(c, "page"), &pv) && pv <= PAGE_MAX)
		page = (long)pv;
	int64_t total = -1;
	const char *sql = arena_printf(c->a, "SELECT COUNT(*)%s%s", BOARD_FROM, buf_str(&w.sql));
	struct db_stmt *st = sql ? db_prepare(c->db, sql) : NULL;
	if (st && bind_where(st, &w) == 0 && db_step(st) == DB_ROW)
		total = db_col_int(st, 0);
	db_finalize(st);
	if (total < 0) {
		buf_free(&w.sql);
		page_error(c, 500);
		return;
	}
	long pages = total ? (long)((total + PAGE_SIZE - 1) / PAGE_SIZE) : 1;
	if (page > pages)
		page = pages;

	struct tval *rows = tv_list(c->a);
	sql = arena_printf(c->a,
			   "SELECT m.id, m.state, m.meeting_at, m.state_at, m.participant_answer, m.opener_answer,"
			   " m.participant_met, m.opener_met, m.origin,"
			   " pp.id, pp.first_name, pp.last_name, pp.erased_at, dp.id, dp.first_name, dp.last_name, dp.erased_at"
			   "%s%s ORDER BY m.state_at, m.id LIMIT %d OFFSET %ld",
			   BOARD_FROM, buf_str(&w.sql), PAGE_SIZE, (page - 1) * PAGE_SIZE);
	st = sql ? db_prepare(c->db, sql) : NULL;
	if (st && bind_where(st, &w) == 0) {
		while (db_step(st) == DB_ROW) {
			struct tval *r = tv_map(c->a);
			int64_t id = db_col_int(st, 0);
			tv_set_int(r, "id", (long long)id);
			tv_set_str(r, "href", arena_printf(c->a, "%s/%lld", base(c), (long long)id));
			tv_set_str(r, "state", db_col_text(st, 1));
			tv_set_str(r, "state_label", LABEL(c, state_labels, db_col_text(st, 1)));
			tv_set_str(r, "meeting", member_datetime(c, db_col_int(st, 2)));
			tv_set_str(r, "since", member_datetime(c, db_col_int(st, 3)));
			tv_set_str(r, "participant_answer", answer_label(c, db_col_text(st, 4), db_col_text(st, 6)));
			tv_set_str(r, "opener_answer", answer_label(c, db_col_text(st, 5), db_col_text(st, 7)));
			tv_set_str(r, "origin_label", LABEL(c, origin_labels, db_col_text(st, 8)));
			tv_set_str(r, "participant", person_name(c, st, 10));
			tv_set_str(r, "participant_href", person_href(c, db_col_int(st, 9)));
			tv_set_str(r, "door_opener", person_name(c, st, 14));
			tv_set_str(r, "door_opener_href", person_href(c, db_col_int(st, 13)));
			tv_push(rows, r);
		}
	}
	db_finalize(st);
	buf_free(&w.sql);
	tv_set(c->data, "rows", rows);
	tv_set_int(c->data, "total", (long long)total);
	tv_set_int(c->data, "page", page);
	tv_set_int(c->data, "pages", pages);
	tv_set_int(c->data, "first", total ? (page - 1) * PAGE_SIZE + 1 : 0);
	tv_set_int(c->data, "last", (long long)((page - 1) * PAGE_SIZE + (long)tv_len(rows)));
	if (page > 1)
		tv_set_str(c->data, "prev_href", board_href(c, &f, page - 1));
	if (page < pages)
		tv_set_str(c->data, "next_href", board_href(c, &f, page + 1));
	tv_set_str(c->data, "base", base(c));
	tv_set_str(c->data, "new_href", arena_printf(c->a, "%s/new", base(c)));
	page_render(c, "admin_matches", "admin-matches");
}

/* ---- one match ------------------------------------------------------------ */

/* What a POST that failed validation gives back to the page: the errors
 * and the text typed into each form. */
struct typed {
	struct tval *errors;   /* list of {field, message}, or NULL */
	const char *error;     /* translated: the action could not be done */
	const char *cancel_reason, *back_reason, *note;
};

enum {
	M_STATE, M_ORIGIN, M_PROPOSAL, M_VIA, M_SCORE, M_BREAKDOWN, M_LANGUAGES, M_MEETING_AT, M_TIME_BY,
	M_TIME_NOTE, M_P_ANSWER, M_D_ANSWER, M_P_MET, M_D_MET, M_ENDED_BY, M_END_REASON, M_END_NOTE,
	M_REMIND_AT, M_EXPIRES_AT, M_FOLLOWUP_AT, M_CREATED_BY, M_CREATED_AT, M_STATE_AT, M_P_REG, M_D_REG,
	M_P_PERSON, M_P_FIRST, M_P_LAST, M_P_ERASED, M_P_EMAIL, M_P_STATUS,
	M_D_PERSON, M_D_FIRST, M_D_LAST, M_D_ERASED, M_D_EMAIL, M_D_STATUS,
};

static const char MATCH_SQL[] =
	"SELECT m.state, m.origin, m.proposal_id, m.via_match, m.score, m.breakdown, m.languages, m.meeting_at,"
	" m.time_by, m.time_note, m.participant_answer, m.opener_answer, m.participant_met, m.opener_met,"
	" m.ended_by, m.end_reason, m.end_note, m.remind_at, m.expires_at, m.followup_at, m.created_by,"
	" m.created_at, m.state_at, m.participant, m.door_opener,"
	" rp.person_id, pp.first_name, pp.last_name, pp.erased_at, COALESCE(pp.email, ''), rp.status,"
	" rd.person_id, dp.first_name, dp.last_name, dp.erased_at, COALESCE(dp.email, ''), rd.status"
	" FROM matches m"
	" JOIN registrations rp ON rp.id = m.participant JOIN people pp ON pp.id = rp.person_id"
	" JOIN registrations rd ON rd.id = m.door_opener JOIN people dp ON dp.id = rd.person_id"
	" WHERE m.id = ?";

/* One side of the match; columns from `first` (person, first, last,
 * erased, email, status), the registration id at reg_col. */
static struct tval *side_tv(struct ctx *c, struct db_stmt *st, int first, int reg_col, const char *answer,
			    const char *met)
{
	struct tval *s = tv_map(c->a);
	tv_set_int(s, "person_id", (long long)db_col_int(st, first));
	tv_set_str(s, "href", person_href(c, db_col_int(st, first)));
	tv_set_str(s, "name", person_name(c, st, first + 1));
	tv_set_bool(s, "erased", !db_col_null(st, first + 3));
	tv_set_str(s, "email", db_col_text(st, first + 4));
	tv_set_str(s, "status", member_status_name(c, db_col_text(st, first + 5)));
	tv_set_int(s, "registration", (long long)db_col_int(st, reg_col));
	tv_set_str(s, "answer", answer_label(c, answer, met));
	return s;
}

/* The engine's breakdown keys, as the run page shows them. */
static void breakdown_tv(struct ctx *c, struct tval *r, const char *bd)
{
	static const char *const str_keys[] = { "occ_level", "place_level", "meeting" };
	static const char *const int_keys[] = { "occupation", "place", "mode", "preference", "wait", "wait_days" };
	char v[32];
	bool any = false;
	for (size_t i = 0; i < sizeof(str_keys) / sizeof(*str_keys); i++) {
		bool has = bd && matching_breakdown_get(bd, str_keys[i], v, sizeof(v)) == 0;
		tv_set_str(r, str_keys[i], has ? arena_strdup(c->a, v) : "none");
		any |= has;
	}
	for (size_t i = 0; i < sizeof(int_keys) / sizeof(*int_keys); i++)
		tv_set_int(r, int_keys[i], bd && matching_breakdown_get(bd, int_keys[i], v, sizeof(v)) == 0 ? atoll(v) : 0);
	tv_set_bool(r, "has_breakdown", any);
}

static const char *language_names(struct ctx *c, const char *codes)
{
	struct buf b = BUF_INIT(4096);
	char code[40];
	const char *s = codes;
	while (s && *s) {
		const char *end = strchr(s, ',');
		size_t n = end ? (size_t)(end - s) : strlen(s);
		if (n && n < sizeof(code)) {
			memcpy(code, s, n);
			code[n] = '\0';
			const char *name = refdata_name(c->db, c->a, "language", code, lang_codes[c->lang]);
			if (b.len)
				buf_adds(&b, ", ");
			buf_adds(&b, name ? name : code);
		}
		s = end ? end + 1 : NULL;
	}
	const char *out = arena_strdup(c->a, b.len ? buf_str(&b) : "");
	buf_free(&b);
	return out ? out : "";
}

static struct tval *history_tv(struct ctx *c, int64_t id, bool notes)
{
	struct tval *list = tv_list(c->a);
	struct db_stmt *st = db_prepare(c->db, notes ? "SELECT at, kind, from_state, to_state, actor, reason, note"
						       " FROM match_events WHERE match_id = ? AND kind = 'note'"
						       " ORDER BY at, id"
						     : "SELECT at, kind, from_state, to_state, actor, reason, note"
						       " FROM match_events WHERE match_id = ? AND kind <> 'note'"
						       " ORDER BY at, id");
	if (st && db_bind_int(st, 1, id) == 0)
		while (db_step(st) == DB_ROW && tv_len(list) < ROWS_MAX) {
			struct tval *e = tv_map(c->a);
			tv_set_str(e, "at", member_datetime(c, db_col_int(st, 0)));
			tv_set_str(e, "kind", LABEL(c, kind_labels, db_col_text(st, 1)));
			const char *from = db_col_text(st, 2), *to = db_col_text(st, 3);
			if (from && *from)
				tv_set_str(e, "from", LABEL(c, state_labels, from));
			if (to && *to)
				tv_set_str(e, "to", LABEL(c, state_labels, to));
			const char *kind = db_col_text(st, 1);
			tv_set_str(e, "actor", label_actor(c, db_col_text(st, 4)));
			tv_set_str(e, "reason", event_reason(c, kind ? kind : "", db_col_text(st, 5)));
			/* A resent e-mail's note is the side it went to. */
			const char *note = db_col_text(st, 6);
			tv_set_str(e, "note", kind && !strcmp(kind, "mail") ? LABEL(c, side_labels, note) : note);
			tv_push(list, e);
		}
	db_finalize(st);
	return list;
}

static struct tval *mails_tv(struct ctx *c, int64_t id, int64_t p_person, int64_t d_person)
{
	struct tval *list = tv_list(c->a);
	struct db_stmt *st = db_prepare(c->db, "SELECT o.id, o.kind, o.person_id, o.status, o.created_at, o.sent_at"
					       " FROM match_mails mm JOIN outbox o ON o.id = mm.outbox_id"
					       " WHERE mm.match_id = ? ORDER BY o.created_at, o.id");
	if (st && db_bind_int(st, 1, id) == 0)
		while (db_step(st) == DB_ROW && tv_len(list) < ROWS_MAX) {
			struct tval *m = tv_map(c->a);
			int64_t oid = db_col_int(st, 0);
			tv_set_int(m, "id", (long long)oid);
			tv_set_str(m, "href", arena_printf(c->a, "/%s/admin/outbox/%lld", lang_codes[c->lang], (long long)oid));
			tv_set_str(m, "kind", LABEL(c, mail_labels, db_col_text(st, 1)));
			int64_t pid = db_col_null(st, 2) ? -1 : db_col_int(st, 2);
			tv_set_str(m, "to", pid == p_person ? ctx_tr(c, "Participant")
					    : pid == d_person ? ctx_tr(c, "Door opener") : "");
			tv_set_str(m, "status", LABEL(c, mail_status_labels, db_col_text(st, 3)));
			tv_set_str(m, "created", member_datetime(c, db_col_int(st, 4)));
			if (!db_col_null(st, 5))
				tv_set_str(m, "sent", member_datetime(c, db_col_int(st, 5)));
			tv_push(list, m);
		}
	db_finalize(st);
	return list;
}

/* The contacts passed on after this match (the relay, docs/relay.md):
 * name, e-mail, how, state, the match they led to, whether staff added
 * them. Erased contacts keep their row without the personal data. */
static const struct label how_labels[] = {
	{ "invite", N_("Invitation sent by us") },
	{ "self", N_("Introduced personally") },
	{ NULL, NULL },
};

static struct tval *contacts_tv(struct ctx *c, int64_t id)
{
	struct tval *list = tv_list(c->a);
	struct db_stmt *st = db_prepare(c->db, "SELECT name, email, how, state, new_match, staff_id, created_at"
					       " FROM contacts WHERE match_id = ? ORDER BY created_at, id");
	if (st && db_bind_int(st, 1, id) == 0)
		while (db_step(st) == DB_ROW && tv_len(list) < ROWS_MAX) {
			struct tval *k = tv_map(c->a);
			const char *name = db_col_text(st, 0);
			tv_set_str(k, "name", name && *name ? name : ctx_tr(c, "(erased)"));
			tv_set_str(k, "email", db_col_text(st, 1));
			tv_set_str(k, "how", LABEL(c, how_labels, db_col_text(st, 2)));
			const char *state = db_col_text(st, 3);
			tv_set_str(k, "state", ctx_tr(c, doortree_state_msgid(false, state)));
			if (!db_col_null(st, 4)) {
				int64_t nm = db_col_int(st, 4);
				tv_set_int(k, "new_match", (long long)nm);
				tv_set_str(k, "new_match_href", arena_printf(c->a, "%s/%lld", base(c), (long long)nm));
			}
			tv_set_bool(k, "by_staff", !db_col_null(st, 5));
			tv_set_str(k, "created", member_datetime(c, db_col_int(st, 6)));
			tv_push(list, k);
		}
	db_finalize(st);
	return list;
}

static const char *notice_text(const char *code)
{
	static const struct label notices[] = {
		{ "created", N_("The match is made, and both got an introduction e-mail.") },
		{ "cancelled", N_("The match is cancelled. Both are told by e-mail and are waiting for a new match.") },
		{ "back", N_("Sent back to the pool: they are waiting for a new match again.") },
		{ "resent", N_("The e-mail is queued again, with new links.") },
		{ "noted", N_("The note is saved.") },
		{ "contacts", N_("The contacts are added, and the participant is told about the new doors by e-mail.") },
		{ NULL, NULL },
	};
	const struct label *l = label_find(notices, code);
	return l ? l->msgid : NULL;
}

/* The match page; false (and nothing rendered) when there is no match id. */
static bool render_match(struct ctx *c, int64_t id, const struct typed *t)
{
	struct db_stmt *st = db_prepare(c->db, MATCH_SQL);
	if (!st || db_bind_int(st, 1, id) || db_step(st) != DB_ROW) {
		db_finalize(st);
		return false;
	}
	page_render_prepare(c);
	struct tval *d = c->data;
	struct tval *m = tv_map(c->a);
	const char *state = arena_strdup(c->a, db_col_text(st, M_STATE));
	state = state ? state : "";
	tv_set_int(m, "id", (long long)id);
	tv_set_str(m, "state", state);
	tv_set_str(m, "state_label", LABEL(c, state_labels, state));
	tv_set_str(m, "since", member_datetime(c, db_col_int(st, M_STATE_AT)));
	tv_set_str(m, "created", member_datetime(c, db_col_int(st, M_CREATED_AT)));
	tv_set_str(m, "meeting_at", member_datetime(c, db_col_int(st, M_MEETING_AT)));
	const char *time_by = db_col_text(st, M_TIME_BY);
	tv_set_str(m, "time_by", time_by ? time_by : "");
	tv_set_str(m, "time_note", db_col_text(st, M_TIME_NOTE));
	tv_set_int(m, "score", (long long)db_col_int(st, M_SCORE));
	breakdown_tv(c, m, db_col_text(st, M_BREAKDOWN));
	const char *langs = arena_strdup(c->a, db_col_text(st, M_LANGUAGES));
	const char *origin = arena_strdup(c->a, db_col_text(st, M_ORIGIN));
	tv_set_str(m, "origin", origin);
	tv_set_str(m, "origin_label", LABEL(c, origin_labels, origin));
	int64_t proposal = db_col_null(st, M_PROPOSAL) ? 0 : db_col_int(st, M_PROPOSAL);
	int64_t via = db_col_null(st, M_VIA) ? 0 : db_col_int(st, M_VIA);
	int64_t created_by = db_col_null(st, M_CREATED_BY) ? 0 : db_col_int(st, M_CREATED_BY);
	const char *ended_by = arena_strdup(c->a, db_col_text(st, M_ENDED_BY));
	const char *end_reason = db_col_text(st, M_END_REASON);
	if (end_reason && *end_reason)
		tv_set_str(m, "end_reason", LABEL(c, reason_labels, end_reason));
	tv_set_str(m, "end_note", db_col_text(st, M_END_NOTE));
	bool open = state_open(state);
	if (open && !db_col_null(st, M_REMIND_AT))
		tv_set_str(m, "remind_at", member_datetime(c, db_col_int(st, M_REMIND_AT)));
	if (open && !db_col_null(st, M_EXPIRES_AT))
		tv_set_str(m, "expires_at", member_datetime(c, db_col_int(st, M_EXPIRES_AT)));
	if (!strcmp(state, "confirmed") && !db_col_null(st, M_FOLLOWUP_AT))
		tv_set_str(m, "followup_at", member_datetime(c, db_col_int(st, M_FOLLOWUP_AT)));
	tv_set(m, "participant", side_tv(c, st, M_P_PERSON, M_P_REG, db_col_text(st, M_P_ANSWER), db_col_text(st, M_P_MET)));
	tv_set(m, "door_opener", side_tv(c, st, M_D_PERSON, M_D_REG, db_col_text(st, M_D_ANSWER), db_col_text(st, M_D_MET)));
	int64_t p_person = db_col_int(st, M_P_PERSON), d_person = db_col_int(st, M_D_PERSON);
	db_finalize(st);

	/* Lookups that need statements of their own, after the match's. */
	tv_set_str(m, "languages", language_names(c, langs));
	if (ended_by && *ended_by)
		tv_set_str(m, "ended_by", label_actor(c, ended_by));
	if (proposal > 0) {
		int64_t run = db_int(c->db, 0, "SELECT run_id FROM match_proposals WHERE id = ?", "i", proposal);
		if (run > 0) {
			tv_set_int(m, "run", (long long)run);
			tv_set_str(m, "run_href", arena_printf(c->a, "/%s/admin/matching/runs/%lld#proposal-%lld",
							       lang_codes[c->lang], (long long)run, (long long)proposal));
		}
	}
	if (via > 0) {
		tv_set_int(m, "via", (long long)via);
		tv_set_str(m, "via_href", arena_printf(c->a, "%s/%lld", base(c), (long long)via));
	}
	if (created_by > 0)
		tv_set_str(m, "created_by", label_actor(c, arena_printf(c->a, "staff:%lld", (long long)created_by)));
	tv_set(d, "match", m);
	tv_set(d, "history", history_tv(c, id, false));
	tv_set(d, "notes", history_tv(c, id, true));
	tv_set(d, "mails", mails_tv(c, id, p_person, d_person));
	tv_set(d, "contacts", contacts_tv(c, id));
	if (!strcmp(state, "met") && relay_room(c->db, id) > 0) {
		tv_set_bool(d, "can_add_contacts", true);
		tv_set_str(d, "add_contacts_href", arena_printf(c->a, "%s/%lld/contacts", base(c), (long long)id));
	}

	/* The forms: what the state allows. */
	const char *self = arena_printf(c->a, "%s/%lld", base(c), (long long)id);
	tv_set_str(d, "back", base(c));
	tv_set_bool(d, "can_cancel", open);
	tv_set_bool(d, "can_back", state_ended(state));
	tv_set_bool(d, "can_resend_participant", open);
	tv_set_bool(d, "can_resend_door_opener", open || !strcmp(state, "met"));
	tv_set_str(d, "cancel_action", arena_printf(c->a, "%s/cancel", self));
	tv_set_str(d, "back_action", arena_printf(c->a, "%s/back", self));
	tv_set_str(d, "resend_action", arena_printf(c->a, "%s/resend", self));
	tv_set_str(d, "note_action", arena_printf(c->a, "%s/note", self));

	const char *notice = notice_text(query(c, "notice"));
	if (notice && !t)
		tv_set_str(d, "notice", ctx_tr(c, notice));
	if (t) {
		if (t->errors && tv_len(t->errors)) {
			tv_set(d, "errors", t->errors);
			for (size_t i = 0; i < tv_len(t->errors); i++) {
				const struct tval *e = tv_at(t->errors, i);
				const char *field = tv_as_str(tv_get(e, "field"));
				/* "cancel-reason" -> cancel_reason_error */
				char key[64];
				snprintf(key, sizeof(key), "%s_error", field ? field : "");
				for (char *k = key; *k; k++)
					if (*k == '-')
						*k = '_';
				tv_set_str(d, arena_strdup(c->a, key), tv_as_str(tv_get(e, "message")));
			}
		}
		if (t->error)
			tv_set_str(d, "error", t->error);
		tv_set_str(d, "cancel_reason", t->cancel_reason ? t->cancel_reason : "");
		tv_set_str(d, "back_reason", t->back_reason ? t->back_reason : "");
		tv_set_str(d, "note_text", t->note ? t->note : "");
	}
	page_render(c, "admin_matches_match", "admin-match");
	return true;
}

static bool param_id(struct ctx *c, const char *name, int64_t *id)
{
	return member_parse_id(route_param(&c->m, name), id);
}

static void match_page(struct ctx *c)
{
	if (!ctx_need_staff(c))
		return;
	int64_t id;
	if (!param_id(c, "id", &id) || !render_match(c, id, NULL))
		page_error(c, 404);
}

enum match_action { ACT_CANCEL, ACT_BACK, ACT_RESEND, ACT_NOTE };

static void match_action(struct ctx *c, enum match_action what)
{
	if (!ctx_need_staff(c))
		return;
	int64_t id;
	if (!param_id(c, "id", &id) || db_int(c->db, 0, "SELECT COUNT(*) FROM matches WHERE id = ?", "i", id) != 1) {
		page_error(c, 404);
		return;
	}
	const char *reason = ctx_field(c, "reason"), *note = ctx_field(c, "note"), *side_s = ctx_field(c, "side");
	struct typed t = { .errors = tv_list(c->a) };
	enum match_side side = SIDE_PARTICIPANT;
	switch (what) {
	case ACT_CANCEL:
	case ACT_BACK: {
		const char *field = what == ACT_CANCEL ? "cancel-reason" : "back-reason";
		if (what == ACT_CANCEL)
			t.cancel_reason = reason;
		else
			t.back_reason = reason;
		if (blank(reason))
			add_error(c, t.errors, field, ctx_tr(c, "Write the reason. The people in the match do not see it."));
		else if (strlen(reason) > REASON_MAX)
			add_error(c, t.errors, field, ctx_tr(c, "The reason is too long (at most 500 characters)."));
		break;
	}
	case ACT_NOTE:
		t.note = note;
		if (blank(note))
			add_error(c, t.errors, "note-text", ctx_tr(c, "Write the note."));
		else if (strlen(note) > NOTE_MAX)
			add_error(c, t.errors, "note-text", ctx_tr(c, "The note is too long (at most 2000 characters)."));
		break;
	case ACT_RESEND:
		if (!strcmp(side_s, "participant"))
			side = SIDE_PARTICIPANT;
		else if (!strcmp(side_s, "door_opener"))
			side = SIDE_DOOR_OPENER;
		else
			t.error = ctx_tr(c, "Choose whom to send the e-mail to.");
		break;
	}
	if (tv_len(t.errors) || t.error) {
		c->resp->status = 422;
		render_match(c, id, &t);
		return;
	}

	struct mail_env e;
	ctx_mail_env(c, &e);
	if (db_begin(c->db)) {
		page_error(c, 500);
		return;
	}
	int r;
	const char *action, *notice;
	char detail[96];
	snprintf(detail, sizeof(detail), "match:%lld", (long long)id);
	switch (what) {
	case ACT_CANCEL:
		r = matches_cancel(&e, id, c->staff_id, reason);
		action = "match_cancel", notice = "cancelled";
		break;
	case ACT_BACK:
		r = matches_back_to_pool(&e, id, c->staff_id, reason);
		action = "match_back", notice = "back";
		break;
	case ACT_RESEND:
		r = matches_resend(&e, id, side, c->staff_id);
		action = "match_resend", notice = "resent";
		snprintf(detail, sizeof(detail), "match:%lld side:%s", (long long)id, match_side_key(side));
		break;
	default:
		r = matches_note(c->db, id, c->staff_id, note, c->now);
		action = "match_note", notice = "noted";
		break;
	}
	if (r == 0 && audit(c->db, c->staff_id, action, detail))
		r = -1;
	if (r == 0 && db_commit(c->db))
		r = -1;
	if (r != 0)
		db_rollback(c->db);
	if (r < 0) {
		page_error(c, 500);
		return;
	}
	if (r == MATCHES_NOT_NOW || r == MATCHES_INVALID || r == MATCHES_UNAVAILABLE) {
		if (r == MATCHES_INVALID)
			t.error = ctx_tr(c, "This could not be saved: check what you wrote.");
		else if (what == ACT_CANCEL)
			t.error = ctx_tr(c, "This match is no longer open, so it cannot be cancelled.");
		else if (what == ACT_BACK)
			t.error = ctx_tr(c, "Only a match that has ended can be sent back to the pool.");
		else if (what == ACT_RESEND)
			t.error = ctx_tr(c, "There is no e-mail to send again to this person now.");
		else
			t.error = ctx_tr(c, "This could not be saved: check what you wrote.");
		c->resp->status = 409;
		t.errors = NULL;
		render_match(c, id, &t);
		return;
	}
	if (what != ACT_NOTE)
		mail_sender_wake();
	http_redirect(c->resp, 303, arena_printf(c->a, "%s/%lld?notice=%s", base(c), (long long)id, notice));
}

static void match_cancel(struct ctx *c) { match_action(c, ACT_CANCEL); }
static void match_back(struct ctx *c) { match_action(c, ACT_BACK); }
static void match_resend(struct ctx *c) { match_action(c, ACT_RESEND); }
static void match_note(struct ctx *c) { match_action(c, ACT_NOTE); }

/* ---- a match by hand ------------------------------------------------------ */

/* Waiting registrations of a role, by name: {value, name, occupation,
 * room (door openers), selected}. */
static struct tval *waiting_options(struct ctx *c, const char *role, int64_t current, bool *found)
{
	struct tval *list = tv_list(c->a);
	/* Room: the capacity less the open and met matches (what
	 * matches_sync_registration counts). */
	struct db_stmt *st = db_prepare(c->db,
		"SELECT r.id, p.first_name, p.last_name, p.occupation, p.job_title,"
		" r.capacity - (SELECT COUNT(*) FROM matches m WHERE m.door_opener = r.id"
		"   AND m.state IN ('introduced', 'accepted', 'confirmed', 'met'))"
		" FROM registrations r JOIN people p ON p.id = r.person_id"
		" WHERE r.role = ? AND r.status = 'waiting' AND p.erased_at IS NULL"
		" ORDER BY LOWER(p.first_name), LOWER(p.last_name), r.id");
	struct {
		int64_t id, room;
		const char *name, *occ, *title;
	} *rows = arena_alloc(c->a, OPTIONS_MAX * sizeof(*rows));
	size_t n = 0;
	if (rows && st && db_bind_text(st, 1, role) == 0)
		while (db_step(st) == DB_ROW && n < OPTIONS_MAX) {
			bool opener = !strcmp(role, "door_opener");
			int64_t room = db_col_int(st, 5);
			if (opener && room <= 0)
				continue;
			rows[n].id = db_col_int(st, 0);
			rows[n].room = opener ? room : 0;
			rows[n].name = arena_printf(c->a, "%s %s", db_col_text(st, 1), db_col_text(st, 2));
			rows[n].occ = arena_strdup(c->a, db_col_text(st, 3));
			rows[n].title = arena_strdup(c->a, db_col_text(st, 4));
			n++;
		}
	db_finalize(st);
	/* Occupation names after the list's statement is done; remembered,
	 * since many people share an occupation. */
	struct { const char *code, *name; } seen[64];
	size_t nseen = 0;
	for (size_t i = 0; i < n; i++) {
		struct tval *o = tv_map(c->a);
		tv_set_int(o, "value", (long long)rows[i].id);
		tv_set_str(o, "name", rows[i].name);
		const char *occ = "";
		if (rows[i].occ && *rows[i].occ) {
			for (size_t k = 0; k < nseen && !*occ; k++)
				if (!strcmp(seen[k].code, rows[i].occ))
					occ = seen[k].name;
			if (!*occ) {
				const char *nm = refdata_name(c->db, c->a, "occupation", rows[i].occ, lang_codes[c->lang]);
				occ = nm ? nm : rows[i].occ;
				if (nseen < sizeof(seen) / sizeof(*seen)) {
					seen[nseen].code = rows[i].occ;
					seen[nseen++].name = occ;
				}
			}
		} else if (rows[i].title && *rows[i].title) {
			occ = rows[i].title;
		}
		tv_set_str(o, "occupation", occ);
		tv_set_int(o, "room", (long long)rows[i].room);
		tv_set_bool(o, "selected", rows[i].id == current);
		if (rows[i].id == current && found)
			*found = true;
		tv_push(list, o);
	}
	return list;
}

static void render_new(struct ctx *c, int64_t participant, int64_t opener, const char *reason, struct tval *errors,
		       const char *error)
{
	page_render_prepare(c);
	struct tval *d = c->data;
	bool found = false;
	tv_set(d, "participants", waiting_options(c, "participant", participant, &found));
	if (participant > 0 && !found && !errors && !error)
		tv_set_str(d, "error", ctx_tr(c, "That participant's registration is not waiting for a match, so it "
						 "cannot be matched by hand now."));
	tv_set(d, "door_openers", waiting_options(c, "door_opener", opener, NULL));
	tv_set_str(d, "reason", reason ? reason : "");
	if (errors && tv_len(errors)) {
		tv_set(d, "errors", errors);
		for (size_t i = 0; i < tv_len(errors); i++) {
			const struct tval *e = tv_at(errors, i);
			const char *field = tv_as_str(tv_get(e, "field"));
			tv_set_str(d, arena_printf(c->a, "%s_error", field ? field : ""), tv_as_str(tv_get(e, "message")));
		}
	}
	if (error)
		tv_set_str(d, "error", error);
	tv_set_str(d, "back", base(c));
	tv_set_str(d, "action", arena_printf(c->a, "%s/new", base(c)));
	page_render(c, "admin_matches_new", "admin-match-new");
}

static void new_form(struct ctx *c)
{
	if (!ctx_need_staff(c))
		return;
	int64_t p = 0;
	if (!member_parse_id(query(c, "participant"), &p))
		p = 0;
	render_new(c, p, 0, "", NULL, NULL);
}

static void new_create(struct ctx *c)
{
	if (!ctx_need_staff(c))
		return;
	const char *ps = ctx_field(c, "participant"), *ds = ctx_field(c, "door_opener"), *reason = ctx_field(c, "reason");
	int64_t p = 0, d = 0;
	struct tval *errors = tv_list(c->a);
	if (!member_parse_id(ps, &p) ||
	    db_int(c->db, 0, "SELECT COUNT(*) FROM registrations WHERE id = ? AND role = 'participant'", "i", p) != 1) {
		p = 0;
		add_error(c, errors, "participant", ctx_tr(c, "Choose a participant."));
	}
	if (!member_parse_id(ds, &d) ||
	    db_int(c->db, 0, "SELECT COUNT(*) FROM registrations WHERE id = ? AND role = 'door_opener'", "i", d) != 1) {
		d = 0;
		add_error(c, errors, "door_opener", ctx_tr(c, "Choose a door opener."));
	}
	if (blank(reason))
		add_error(c, errors, "reason", ctx_tr(c, "Write why you make this match by hand."));
	else if (strlen(reason) > REASON_MAX)
		add_error(c, errors, "reason", ctx_tr(c, "The reason is too long (at most 500 characters)."));
	if (tv_len(errors)) {
		c->resp->status = 422;
		render_new(c, p, d, reason, errors, NULL);
		return;
	}
	struct mail_env e;
	ctx_mail_env(c, &e);
	struct match_new n = {
		.participant_reg = p, .opener_reg = d, .origin = "manual", .staff_id = c->staff_id, .reason = reason,
		.breakdown = "",
	};
	int64_t mid = 0;
	if (db_begin(c->db)) {
		page_error(c, 500);
		return;
	}
	int r = matches_create(&e, &n, &mid);
	if (r == 0) {
		char detail[96];
		snprintf(detail, sizeof(detail), "match:%lld pair:%lld-%lld", (long long)mid, (long long)p, (long long)d);
		if (audit(c->db, c->staff_id, "match_create", detail) || db_commit(c->db))
			r = -1;
	}
	if (r != 0)
		db_rollback(c->db);
	if (r < 0) {
		page_error(c, 500);
		return;
	}
	if (r != 0) {
		c->resp->status = 409;
		render_new(c, p, d, reason, NULL,
			   r == MATCHES_UNAVAILABLE
				   ? ctx_tr(c, "These two cannot be matched now. One of the registrations is no longer waiting, "
					       "the door opener has no room left, they are the same person, or the two "
					       "have already met or declined each other.")
				   : ctx_tr(c, "This could not be saved: check what you wrote."));
		return;
	}
	mail_sender_wake();
	http_redirect(c->resp, 303, arena_printf(c->a, "%s/%lld?notice=created", base(c), (long long)mid));
}

const struct route matches_routes[] = {
	{ "GET", "/admin/matches", H(board), "admin-matches" },
	{ "GET", "/admin/matches/new", H(new_form), "admin-match-new" },
	{ "POST", "/admin/matches/new", H(new_create), "admin-match-create" },
	{ "GET", "/admin/matches/:id", H(match_page), "admin-match" },
	{ "POST", "/admin/matches/:id/cancel", H(match_cancel), "admin-match-cancel" },
	{ "POST", "/admin/matches/:id/back", H(match_back), "admin-match-back" },
	{ "POST", "/admin/matches/:id/resend", H(match_resend), "admin-match-resend" },
	{ "POST", "/admin/matches/:id/note", H(match_note), "admin-match-note" },
	{ NULL, NULL, NULL, NULL },
};

/* The pages about a match for the two people in it (docs/matches.md).
 *
 *   /match/:id/:action/:token   the links in match e-mails (action accept,
 *       time, decline, met). GET only shows what pressing the button will
 *       do (mail scanners open links); POST checks the fields first, then
 *       uses the one-time token and acts, in one transaction, so a form
 *       with a mistake never uses the link up.
 *   /member/matches/:id         the logged-in member's match page: the
 *       other person, the time, the answers, the forms that apply now
 *       (POST /member/matches/:id/:action) and the .ics download.
 *   meet_member_matches()       the "Your matches" list of the member home.
 *   The contacts link (/match/:id/contacts/:token) and POST
 *   /member/matches/:id/contacts go to web/relay.c, which also fills the
 *   contacts part of the member's match page (relay_match_data).
 *
 * A refused link (unknown, expired, used, made for another match, or
 * opened while someone else is logged in) gets a page saying which, with
 * the way on: the member area, where the same choices are. The reason of
 * a decline is shown only to the person who declined; its note, never. */
#include "web/meet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "core/utf8.h"
#include "domain/matches.h"
#include "domain/refdata.h"
#include "domain/slot.h"
#include "i18n/format.h"
#include "web/label.h"
#include "web/mail.h"
#include "web/member.h"
#include "web/relay.h"
#include "web/routes.h"

/* ---- labels -------------------------------------------------------------- */

static const struct label state_labels[] = {
	{ "introduced", N_("Introduced – waiting for answers") },
	{ "accepted", N_("Accepted by one of you") },
	{ "confirmed", N_("Confirmed") },
	{ "met", N_("Met") },
	{ "not_met", N_("Did not meet") },
	{ "declined", N_("Declined") },
	{ "expired", N_("Expired – no answer in time") },
	{ "cancelled", N_("Cancelled") },
	{ NULL, NULL },
};

/* In the order of match_decline_reasons. */
static const struct label reason_labels[] = {
	{ "no_time", N_("I do not have time for a meeting now") },
	{ "not_my_field", N_("The field is not close enough to mine") },
	{ "found_job", N_("I have found a job") },
	{ "moved_away", N_("I have moved away") },
	{ "other", N_("Another reason") },
	{ NULL, NULL },
};

static const struct label met_labels[] = {
	{ "met", N_("Yes, we met") },
	{ "not_yet", N_("Not yet – we have agreed on a new time") },
	{ "wont", N_("No, we will not meet") },
	{ NULL, NULL },
};

static bool known(const struct label *t, const char *code)
{
	for (; t->code; t++)
		if (strcmp(t->code, code) == 0)
			return true;
	return false;
}

static const char *const actions[] = { "accept", "time", "decline", "met", NULL };

static bool action_known(const char *a)
{
	for (size_t i = 0; a && actions[i]; i++)
		if (strcmp(actions[i], a) == 0)
			return true;
	return false;
}

/* A translated message with one {placeholder} filled in (messages made in
 * C; templates fill their own). */
static const char *fill(struct ctx *c, const char *msgid, const char *key, const char *value)
{
	const char *s = ctx_tr(c, msgid);
	const char *p = strstr(s, key);
	if (!p)
		return s;
	const char *r = arena_printf(c->a, "%.*s%s%s", (int)(p - s), s, value, p + strlen(key));
	return r ? r : s;
}

static const char *lpath(struct ctx *c, const char *fmt_path, int64_t id)
{
	const char *p = arena_printf(c->a, "/%s%s/%lld", lang_codes[c->lang], fmt_path, (long long)id);
	return p ? p : "/";
}

/* ---- the match ------------------------------------------------------------ */

static const char *const weekdays[7] = {
	N_("Sunday"), N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"), N_("Saturday"),
};

/* "tisdag 1 december 2026 kl. 10.00", as the match e-mails write it. */
static const char *meeting_time(struct ctx *c, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!localtime_r(&tt, &tm))
		return "";
	struct buf b = BUF_INIT(256);
	const char *r = NULL;
	if (buf_adds(&b, ctx_tr(c, weekdays[tm.tm_wday])) == 0 && buf_addc(&b, ' ') == 0 &&
	    fmt_datetime(&b, lang_codes[c->lang], &tm) == 0)
		r = arena_strdup(c->a, buf_str(&b));
	buf_free(&b);
	return r ? r : member_datetime(c, t);
}

static bool is_open(const char *state)
{
	return !strcmp(state, "introduced") || !strcmp(state, "accepted") || !strcmp(state, "confirmed");
}

struct meet {
	int64_t id;
	enum match_side side;         /* the viewer's */
	const char *state;
	int64_t meeting_at;
	const char *time_by, *time_note, *languages, *ended_by, *end_reason;
	const char *answer[2], *met[2]; /* by side */
	int64_t person[2], reg[2];
};

/* 0 with *m filled (strings in the arena), 1 when there is no such match, -1. */
static int load_match(struct ctx *c, int64_t id, enum match_side side, struct meet *m)
{
	struct db_stmt *st = db_prepare(c->db,
		"SELECT m.state, m.meeting_at, m.time_by, m.time_note, m.languages, m.ended_by, m.end_reason,"
		" m.participant_answer, m.opener_answer, m.participant_met, m.opener_met,"
		" rp.person_id, ro.person_id, rp.id, ro.id"
		" FROM matches m JOIN registrations rp ON rp.id = m.participant"
		" JOIN registrations ro ON ro.id = m.door_opener WHERE m.id = ?");
	if (!st || db_bind_int(st, 1, id)) {
		db_finalize(st);
		return -1;
	}
	int r = 1;
	enum db_step s = db_step(st);
	if (s == DB_ROW) {
		*m = (struct meet){ .id = id, .side = side, .meeting_at = db_col_int(st, 1) };
		const char **str[] = { &m->state, NULL, &m->time_by, &m->time_note, &m->languages, &m->ended_by,
				       &m->end_reason, &m->answer[0], &m->answer[1], &m->met[0], &m->met[1] };
		r = 0;
		for (int i = 0; i < 11; i++) {
			if (!str[i])
				continue;
			const char *t = db_col_text(st, i);
			*str[i] = arena_strdup(c->a, t ? t : "");
			if (!*str[i])
				r = -1;
		}
		for (int i = 0; i < 2; i++) {
			m->person[i] = db_col_int(st, 11 + i);
			m->reg[i] = db_col_int(st, 13 + i);
		}
	} else if (s == DB_ERR) {
		r = -1;
	}
	db_finalize(st);
	return r;
}

static enum match_side other_side(enum match_side s)
{
	return s == SIDE_PARTICIPANT ? SIDE_DOOR_OPENER : SIDE_PARTICIPANT;
}

/* May the viewer do `action` now? The domain decides in the end
 * (MATCHES_NOT_NOW); this chooses which forms to show. */
static bool allowed(const struct ctx *c, const struct meet *m, const char *action)
{
	bool open = is_open(m->state);
	bool passed = m->meeting_at <= c->now;
	if (!strcmp(action, "accept"))
		return (!strcmp(m->state, "introduced") || !strcmp(m->state, "accepted")) && !*m->answer[m->side];
	if (!strcmp(action, "time"))
		return open && !(strcmp(m->state, "confirmed") == 0 && passed);
	if (!strcmp(action, "decline"))
		return open;
	if (!strcmp(action, "met"))
		return (!strcmp(m->state, "confirmed") && passed) || (!strcmp(m->state, "met") && !*m->met[m->side]);
	return false;
}

/* An actor of match_events / ended_by as seen by the viewer. */
static const char *who(const struct meet *m, const char *actor)
{
	if (!actor || !*actor)
		return "";
	if (!strcmp(actor, match_side_key(m->side)))
		return "me";
	if (!strcmp(actor, match_side_key(other_side(m->side))))
		return "other";
	if (!strncmp(actor, "staff", 5))
		return "staff";
	return "system";
}

/* The shared meeting languages ("sv,fi") by name. */
static const char *language_names(struct ctx *c, const char *codes)
{
	struct buf b = BUF_INIT(512);
	const char *p = codes;
	while (p && *p) {
		size_t n = strcspn(p, ",");
		char code[16];
		if (n > 0 && n < sizeof(code)) {
			memcpy(code, p, n);
			code[n] = '\0';
			const char *name = refdata_name(c->db, c->a, "language", code, lang_codes[c->lang]);
			if (buf_str(&b)[0])
				buf_adds(&b, ", ");
			buf_adds(&b, name ? name : code);
		}
		p += n;
		if (*p == ',')
			p++;
	}
	const char *s = arena_strdup(c->a, buf_str(&b));
	buf_free(&b);
	return s ? s : "";
}

static const char *ref(struct ctx *c, const char *kind, const char *code)
{
	if (!code || !*code)
		return "";
	const char *name = refdata_name(c->db, c->a, kind, code, lang_codes[c->lang]);
	return name ? name : arena_strdup(c->a, code);
}

/* The other person into data.other. Contact details (e-mail, phone if they
 * share it) only while the match is going on or has been met: a match that
 * ended before a meeting no longer hands them out. false on error. */
static bool other_tv(struct ctx *c, const struct meet *m, bool full)
{
	struct db_stmt *st = db_prepare(c->db,
		"SELECT first_name, last_name, email, phone, phone_shared, occupation, job_title, employer,"
		" municipality, intro, link, erased_at FROM people WHERE id = ?");
	enum match_side os = other_side(m->side);
	bool ok = false;
	if (st && db_bind_int(st, 1, m->person[os]) == 0 && db_step(st) == DB_ROW) {
		struct tval *o = tv_map(c->a);
		ok = o != NULL;
		bool erased = !db_col_null(st, 11);
		tv_set_str(o, "role_name", member_role_name(c, match_side_key(os)));
		if (erased) {
			tv_set_bool(o, "erased", true);
			tv_set_str(o, "first_name", ctx_tr(c, "the other person"));
			tv_set_str(o, "name", ctx_tr(c, "the other person"));
		} else {
			tv_set_str(o, "first_name", db_col_text(st, 0));
			tv_set_str(o, "name", arena_printf(c->a, "%s %s", db_col_text(st, 0), db_col_text(st, 1)));
			tv_set_str(o, "occupation", ref(c, "occupation", db_col_text(st, 5)));
			tv_set_str(o, "job_title", db_col_text(st, 6));
		}
		if (full && !erased) {
			tv_set_str(o, "employer", db_col_text(st, 7));
			tv_set_str(o, "municipality", ref(c, "municipality", db_col_text(st, 8)));
			tv_set_str(o, "intro", db_col_text(st, 9));
			tv_set_str(o, "link", db_col_text(st, 10));
			tv_set_str(o, "languages", language_names(c, m->languages));
			bool contacts = is_open(m->state) || !strcmp(m->state, "met") || !strcmp(m->state, "not_met");
			if (contacts) {
				tv_set_bool(o, "contacts", true);
				tv_set_str(o, "email", db_col_text(st, 2));
				if (db_col_int(st, 4))
					tv_set_str(o, "phone", db_col_text(st, 3));
			}
		}
		tv_set(c->data, "other", o);
	}
	db_finalize(st);
	return ok;
}

/* The match as the templates show it, into data.match and data.can. */
static void match_tv(struct ctx *c, const struct meet *m)
{
	struct tval *t = tv_map(c->a);
	enum match_side me = m->side, os = other_side(m->side);
	tv_set_int(t, "id", (long long)m->id);
	tv_set_str(t, "state", m->state);
	tv_set_str(t, "state_name", label_text(c, state_labels, m->state));
	tv_set_str(t, "time", meeting_time(c, m->meeting_at));
	tv_set_str(t, "time_by", who(m, m->time_by));
	tv_set_str(t, "time_note", m->time_note);
	tv_set_str(t, "role", match_side_key(me));
	tv_set_bool(t, "opener", me == SIDE_DOOR_OPENER);
	tv_set_bool(t, "open", is_open(m->state));
	tv_set_bool(t, "passed", m->meeting_at <= c->now);
	tv_set_str(t, "my_answer", m->answer[me]);
	tv_set_str(t, "other_answer", m->answer[os]);
	tv_set_str(t, "my_met", m->met[me]);
	tv_set_str(t, "other_met", m->met[os]);
	tv_set_str(t, "my_met_name", *m->met[me] ? label_text(c, met_labels, m->met[me]) : "");
	tv_set_str(t, "ended_by", who(m, m->ended_by));
	/* The reason of a decline is for the decliner (and staff) only. */
	if (!strcmp(m->state, "declined") && !strcmp(m->ended_by, match_side_key(me)))
		tv_set_str(t, "my_reason", label_text(c, reason_labels, m->end_reason));
	tv_set_bool(t, "met_opener", !strcmp(m->state, "met") && me == SIDE_DOOR_OPENER);
	tv_set(c->data, "match", t);

	struct tval *can = tv_map(c->a);
	bool any = false;
	for (size_t i = 0; actions[i]; i++) {
		bool a = allowed(c, m, actions[i]);
		tv_set_bool(can, actions[i], a);
		any = any || a;
	}
	tv_set_bool(can, "any", any);
	tv_set(c->data, "can", can);
	tv_set_str(c->data, "tz", c->app->cfg.time_zone);
	tv_set_int(c->data, "note_max", MATCH_NOTE_MAX);
	tv_set_int(c->data, "ahead_days", MATCH_TIME_AHEAD_DAYS);
}

/* ---- the forms ------------------------------------------------------------- */

static struct tval *time_options(struct ctx *c, const char *selected)
{
	struct tval *list = tv_list(c->a);
	for (int min = 7 * 60; min <= 20 * 60; min += 30) {
		char v[16];
		snprintf(v, sizeof(v), "%02d:%02d", min / 60, min % 60);
		struct tval *o = tv_map(c->a);
		tv_set_str(o, "value", v);
		/* 24-hour clock as each language writes it: "9.30" in sv and fi. */
		if (c->lang == LANG_EN)
			tv_set_str(o, "name", v);
		else
			tv_set_str(o, "name", arena_printf(c->a, "%d.%02d", min / 60, min % 60));
		tv_set_bool(o, "selected", selected && !strcmp(selected, v));
		tv_push(list, o);
	}
	return list;
}

static struct tval *choice_options(struct ctx *c, const struct label *t, const char *selected)
{
	struct tval *list = tv_list(c->a);
	for (; t->code; t++) {
		struct tval *o = tv_map(c->a);
		tv_set_str(o, "code", t->code);
		tv_set_str(o, "name", ctx_tr(c, t->msgid));
		tv_set_bool(o, "selected", selected && !strcmp(selected, t->code));
		tv_push(list, o);
	}
	return list;
}

/* What was typed into the form of `action` (the one posted), or what the
 * forms start with. The values are shown again as typed, never changed. */
struct typed {
	const char *date, *time, *note, *reason, *answer;
	bool stay;
};

/* A typed value to show again in its form: as typed, unless it is not
 * even UTF-8 (the request parser refuses that already; belt and braces). */
static const char *shown(const char *s)
{
	return s && utf8_valid(s, strlen(s)) ? s : "";
}

static void forms_data(struct ctx *c, const struct meet *m, const char *posted, const struct typed *ty)
{
	/* Another time: starts from the current one. */
	char d0[11] = "", t0[6] = "";
	slot_format_local(m->meeting_at, d0, t0);
	bool p = posted && !strcmp(posted, "time");
	struct tval *ft = tv_map(c->a);
	tv_set_str(ft, "date", p ? shown(ty->date) : d0);
	tv_set_str(ft, "note", p ? shown(ty->note) : "");
	tv_set(ft, "times", time_options(c, p ? ty->time : t0));
	tv_set(c->data, "ft", ft);

	p = posted && !strcmp(posted, "decline");
	struct tval *fd = tv_map(c->a);
	tv_set_str(fd, "note", p ? shown(ty->note) : "");
	tv_set_bool(fd, "stay", p ? ty->stay : true);
	tv_set(fd, "reasons", choice_options(c, reason_labels, p ? ty->reason : NULL));
	tv_set(c->data, "fd", fd);

	p = posted && !strcmp(posted, "met");
	struct tval *fm = tv_map(c->a);
	tv_set_str(fm, "date", p ? shown(ty->date) : "");
	tv_set(fm, "times", time_options(c, p ? ty->time : NULL));
	tv_set(fm, "answers", choice_options(c, met_labels, p ? ty->answer : NULL));
	tv_set(c->data, "fm", fm);
}

/* Errors of the posted form: data.errors (the summary, each linking to its
 * field's id) and data.<err_key>.<field> (next to the field). */
struct errs {
	struct ctx *c;
	struct tval *list, *by_field;
	const char *prefix; /* ids of this form's fields: "time", "decline", "met" */
};

static void errs_init(struct errs *e, struct ctx *c, const char *prefix)
{
	*e = (struct errs){ .c = c, .list = tv_list(c->a), .by_field = tv_map(c->a), .prefix = prefix };
}

static void err_add(struct errs *e, const char *field, const char *id_suffix, const char *msg)
{
	struct tval *it = tv_map(e->c->a);
	tv_set_str(it, "field", arena_printf(e->c->a, "%s-%s", e->prefix, id_suffix));
	tv_set_str(it, "message", msg);
	tv_push(e->list, it);
	tv_set_str(e->by_field, field, msg);
}

static bool errs_any(const struct errs *e)
{
	return tv_len(e->list) > 0;
}

static void errs_publish(struct errs *e, const char *err_key)
{
	tv_set(e->c->data, "errors", e->list);
	tv_set(e->c->data, err_key, e->by_field);
}

static bool text_ok(const char *s)
{
	size_t n = strlen(s);
	return utf8_valid(s, n) && !utf8_has_ctl(s, n);
}

static void check_note(struct errs *e, const char *note)
{
	if (strlen(note) > 4 * MATCH_NOTE_MAX || utf8_chars(note, strlen(note)) > MATCH_NOTE_MAX) {
		char n[16];
		snprintf(n, sizeof(n), "%d", MATCH_NOTE_MAX);
		err_add(e, "note", "note",
			fill(e->c, N_("Please shorten the note to at most {n} characters."), "{n}", n));
	} else if (!text_ok(note)) {
		err_add(e, "note", "note",
			ctx_tr(e->c, "The note contains characters we cannot save. Please type it again."));
	}
}

/* A date and a time from the form: *t, or errors. Both empty: *t = 0 and
 * no error unless required. */
static void check_when(struct errs *e, const char *date, const char *time, bool required, int64_t *t)
{
	struct ctx *c = e->c;
	*t = 0;
	if (!*date && !*time) {
		if (required)
			err_add(e, "date", "date", ctx_tr(c, "Choose a date and a start time for the meeting."));
		return;
	}
	if (!*date) {
		err_add(e, "date", "date", ctx_tr(c, "Choose a date as well."));
		return;
	}
	if (!*time) {
		err_add(e, "time", "time", ctx_tr(c, "Choose a start time as well."));
		return;
	}
	int64_t v = slot_parse_local(date, strlen(date), time, strlen(time));
	if (v < 0) {
		char d[11], hm[6];
		slot_format_local(c->now + 7 * 86400, d, hm);
		err_add(e, "date", "date",
			fill(c, N_("Check the date: write it as year-month-day, for example {example}."), "{example}",
			     d));
		return;
	}
	if (v < c->now + 3600) {
		err_add(e, "date", "date", ctx_tr(c, "Choose a time at least one hour from now."));
		return;
	}
	if (v > c->now + (int64_t)MATCH_TIME_AHEAD_DAYS * 86400) {
		char n[16];
		snprintf(n, sizeof(n), "%d", MATCH_TIME_AHEAD_DAYS);
		err_add(e, "date", "date", fill(c, N_("Choose a time within {n} days from now."), "{n}", n));
		return;
	}
	*t = v;
}

/* One answer, as posted and checked. */
struct act {
	const char *action;
	int64_t start;
	const char *note, *reason, *answer;
	bool stay;
	const char *done; /* what the done message tells: accept, time, note, decline, met, not_yet, wont */
};

static void read_typed(struct ctx *c, struct typed *ty)
{
	*ty = (struct typed){
		.date = ctx_field(c, "date"), .time = ctx_field(c, "time"), .note = ctx_field(c, "note"),
		.reason = ctx_field(c, "reason"), .answer = ctx_field(c, "answer"),
		.stay = !strcmp(ctx_field(c, "stay"), "1"),
	};
}

/* Check the posted form of `action` into *a; errors into data (false). */
static bool check_form(struct ctx *c, const char *action, const struct typed *ty, struct act *a)
{
	*a = (struct act){ .action = action, .note = ty->note, .reason = ty->reason, .answer = ty->answer,
			   .stay = ty->stay, .done = action };
	struct errs e;
	const char *key = "et";
	if (!strcmp(action, "accept")) {
		return true;
	} else if (!strcmp(action, "time")) {
		errs_init(&e, c, "time");
		bool any = *ty->date || *ty->time;
		if (!any && !*ty->note)
			err_add(&e, "date", "date", ctx_tr(c, "Choose a new date and time, or write a short note."));
		else
			check_when(&e, ty->date, ty->time, false, &a->start);
		check_note(&e, ty->note);
		if (!any)
			a->done = "note";
	} else if (!strcmp(action, "decline")) {
		errs_init(&e, c, "decline");
		key = "ed";
		if (!match_decline_reason_ok(ty->reason))
			err_add(&e, "reason", "reason-no_time", ctx_tr(c, "Choose the reason that fits best."));
		check_note(&e, ty->note);
	} else {
		errs_init(&e, c, "met");
		key = "em";
		if (!known(met_labels, ty->answer))
			err_add(&e, "answer", "answer-met", ctx_tr(c, "Choose an answer."));
		else if (!strcmp(ty->answer, "not_yet"))
			check_when(&e, ty->date, ty->time, true, &a->start);
		a->done = *ty->answer ? ty->answer : "met";
	}
	if (!errs_any(&e))
		return true;
	errs_publish(&e, key);
	return false;
}

/* When the domain refuses the input after all (MATCHES_INVALID). */
static void domain_invalid(struct ctx *c, const char *action)
{
	struct errs e;
	const char *prefix = !strcmp(action, "decline") ? "decline" : !strcmp(action, "met") ? "met" : "time";
	errs_init(&e, c, prefix);
	const char *id = !strcmp(action, "decline") ? "reason-no_time" : !strcmp(action, "met") ? "answer-met" : "date";
	err_add(&e, "form", id, ctx_tr(c, "This answer could not be saved. Check the form and try again."));
	errs_publish(&e, !strcmp(action, "decline") ? "ed" : !strcmp(action, "met") ? "em" : "et");
}

static int run_domain(struct ctx *c, const struct meet *m, const struct act *a)
{
	struct mail_env e;
	ctx_mail_env(c, &e);
	if (!strcmp(a->action, "accept"))
		return matches_accept(&e, m->id, m->side);
	if (!strcmp(a->action, "time"))
		return matches_propose_time(&e, m->id, m->side, a->start, a->note);
	if (!strcmp(a->action, "decline"))
		return matches_decline(&e, m->id, m->side, a->reason, a->note, a->stay);
	return matches_met_answer(&e, m->id, m->side, a->answer, !strcmp(a->answer, "not_yet") ? a->start : 0);
}

/* After an answer: whether the viewer is still in the queue (their
 * registration waiting or matched elsewhere), for the "what next" text. */
static void after_data(struct ctx *c, const struct meet *m, const char *done)
{
	tv_set_str(c->data, "done", done);
	struct db_stmt *st = db_prepare(c->db, "SELECT status FROM registrations WHERE id = ?");
	if (st && db_bind_int(st, 1, m->reg[m->side]) == 0 && db_step(st) == DB_ROW) {
		const char *s = db_col_text(st, 0);
		tv_set_bool(c->data, "stayed", s && (!strcmp(s, "waiting") || !strcmp(s, "matched")));
	}
	db_finalize(st);
}

/* ---- the e-mail links -------------------------------------------------------- */

struct link {
	int64_t id;
	const char *action, *token;
	struct meet m;
};

void meet_link_refused(struct ctx *c, const char *problem, bool sharing)
{
	c->resp->status = !strcmp(problem, "expired") || !strcmp(problem, "used")  ? 410
			  : !strcmp(problem, "person") || !strcmp(problem, "side") ? 403
										   : 404;
	page_render_prepare(c);
	tv_set_str(c->data, "problem", problem);
	tv_set_bool(c->data, "sharing", sharing);
	tv_set_int(c->data, "link_days", (long long)c->app->cfg.match_link_days);
	page_render(c, "meet_link_bad", "meet-link-bad");
}

static void link_refused(struct ctx *c, const char *problem)
{
	meet_link_refused(c, problem, false);
}

const char *meet_token_problem(enum token_state st)
{
	switch (st) {
	case TOKEN_OK:
		return NULL;
	case TOKEN_EXPIRED:
		return "expired";
	case TOKEN_USED:
		return "used";
	case TOKEN_WRONG:
		return "wrong";
	case TOKEN_UNKNOWN:
		break;
	}
	return "unknown";
}

/* The link in the path, peeked (nothing changes): true with *l when it may
 * be used; else the refusal page was sent. */
static bool link_open(struct ctx *c, struct link *l)
{
	l->action = route_param(&c->m, "action");
	l->token = route_param(&c->m, "token");
	if (!action_known(l->action)) {
		page_error(c, 404);
		return false;
	}
	if (!member_parse_id(route_param(&c->m, "id"), &l->id) || !token_valid(l->token)) {
		link_refused(c, "unknown");
		return false;
	}
	enum match_side side;
	int64_t person = 0;
	enum token_state st = matches_link_peek(c->db, l->token, l->id, c->now, &side, &person);
	if (st != TOKEN_OK) {
		link_refused(c, meet_token_problem(st));
		return false;
	}
	if (c->person_id > 0 && c->person_id != person) {
		link_refused(c, "person");
		return false;
	}
	int r = load_match(c, l->id, side, &l->m);
	if (r) {
		if (r > 0)
			link_refused(c, "unknown");
		else
			page_error(c, 500);
		return false;
	}
	return true;
}

static void link_page(struct ctx *c, struct link *l, int status, const char *posted, const struct typed *ty)
{
	c->resp->status = status;
	page_render_prepare(c);
	if (!other_tv(c, &l->m, false)) {
		page_error(c, 500);
		return;
	}
	match_tv(c, &l->m);
	forms_data(c, &l->m, posted, ty);
	tv_set_str(c->data, "action", l->action);
	tv_set_bool(c->data, "allowed", allowed(c, &l->m, l->action));
	const char *url = arena_printf(c->a, "/%s/match/%lld/%s/%s", lang_codes[c->lang], (long long)l->id, l->action,
				       l->token);
	tv_set_str(c->data, arena_printf(c->a, "%s_url", l->action), url);
	page_render(c, "meet_action", "meet-action");
}

/* The "contacts" link (share contacts after the meeting) has pages of its
 * own: web/relay.c. */
static bool relay_action(const struct ctx *c)
{
	const char *a = route_param(&c->m, "action");
	return a && !strcmp(a, "contacts");
}

static void link_get(struct ctx *c)
{
	struct link l;
	if (relay_action(c)) {
		relay_link_get(c);
		return;
	}
	if (link_open(c, &l))
		link_page(c, &l, 200, NULL, NULL);
}

static void link_post(struct ctx *c)
{
	struct link l;
	if (relay_action(c)) {
		relay_link_post(c);
		return;
	}
	if (!link_open(c, &l))
		return;
	page_render_prepare(c);
	if (!allowed(c, &l.m, l.action)) {
		link_page(c, &l, 409, NULL, NULL);
		return;
	}
	struct typed ty;
	struct act a;
	read_typed(c, &ty);
	if (!check_form(c, l.action, &ty, &a)) {
		link_page(c, &l, 422, l.action, &ty);
		return;
	}
	if (db_begin(c->db)) {
		page_error(c, 503);
		return;
	}
	enum match_side side;
	int64_t person = 0;
	enum token_state st = matches_link_use(c->db, l.token, l.id, c->now, &side, &person);
	if (st != TOKEN_OK || side != l.m.side) {
		db_rollback(c->db);
		link_refused(c, st == TOKEN_OK ? "wrong" : meet_token_problem(st));
		return;
	}
	int r = run_domain(c, &l.m, &a);
	if (r == 0 && db_commit(c->db) == 0) {
		log_info("meet: match %lld answered by link (%s)", (long long)l.id, l.action);
		if (load_match(c, l.id, l.m.side, &l.m) || !other_tv(c, &l.m, false)) {
			page_error(c, 500);
			return;
		}
		match_tv(c, &l.m);
		after_data(c, &l.m, a.done);
		tv_set_bool(c->data, "logged_in", c->person_id > 0);
		page_render(c, "meet_done", "meet-done");
		return;
	}
	db_rollback(c->db);
	if (r == MATCHES_INVALID) {
		domain_invalid(c, l.action);
		link_page(c, &l, 422, l.action, &ty);
	} else if (r == MATCHES_NOT_NOW) {
		if (load_match(c, l.id, l.m.side, &l.m)) {
			page_error(c, 500);
			return;
		}
		link_page(c, &l, 409, NULL, NULL);
	} else {
		error("meet: an answer to match %lld failed (%s)", (long long)l.id, l.action);
		page_error(c, 500);
	}
}

/* ---- the member area ------------------------------------------------------------ */

static bool need_member(struct ctx *c)
{
	if (c->person_id > 0)
		return true;
	http_redirect(c->resp, 303, arena_printf(c->a, "/%s/login", lang_codes[c->lang]));
	return false;
}

/* The member's match named in the path: true with *m; else a 404 (not
 * theirs, or no such match) or 500 was sent. */
static bool member_match(struct ctx *c, struct meet *m)
{
	int64_t id;
	enum match_side side;
	if (!member_parse_id(route_param(&c->m, "id"), &id)) {
		page_error(c, 404);
		return false;
	}
	int r = matches_side_of(c->db, id, c->person_id, &side);
	if (r == 0)
		r = load_match(c, id, side, m);
	if (r)
		page_error(c, r > 0 ? 404 : 500);
	return r == 0;
}

/* The history in plain words: changes of state, answers, new times and
 * notes about the time. Reminders, e-mails, staff notes and the reasons
 * of a decline are left out. */
static struct tval *history_tv(struct ctx *c, const struct meet *m)
{
	struct tval *list = tv_list(c->a);
	struct db_stmt *st = db_prepare(c->db,
		"SELECT at, kind, to_state, actor, reason FROM match_events"
		" WHERE match_id = ? AND kind IN ('state', 'accept', 'time', 'met_answer') ORDER BY at, id");
	if (st && db_bind_int(st, 1, m->id) == 0)
		while (db_step(st) == DB_ROW) {
			const char *kind = db_col_text(st, 1), *to = db_col_text(st, 2), *reason = db_col_text(st, 4);
			const char *by = who(m, db_col_text(st, 3));
			bool state = kind && !strcmp(kind, "state");
			/* A state the page can name; an answer by one of the two. */
			if (state ? !to || !known(state_labels, to) : strcmp(by, "me") && strcmp(by, "other"))
				continue;
			struct tval *e = tv_map(c->a);
			tv_set_str(e, "at", member_datetime(c, db_col_int(st, 0)));
			tv_set_str(e, "kind", kind);
			tv_set_str(e, "who", by);
			if (state)
				tv_set_str(e, "state_name", label_text(c, state_labels, to));
			if (!strcmp(kind, "time")) {
				/* The reason is the new start time; none for a note only. */
				char *end;
				long long t = reason && *reason ? strtoll(reason, &end, 10) : 0;
				if (t > 0 && !*end)
					tv_set_str(e, "time", meeting_time(c, (int64_t)t));
				else
					tv_set_str(e, "kind", "note");
			}
			if (!strcmp(kind, "met_answer") && reason && known(met_labels, reason))
				tv_set_str(e, "answer", label_text(c, met_labels, reason));
			tv_push(list, e);
		}
	db_finalize(st);
	return list;
}

static void member_page(struct ctx *c, const struct meet *m, int status, const char *posted, const struct typed *ty)
{
	c->resp->status = status;
	page_render_prepare(c);
	if (!other_tv(c, m, true)) {
		page_error(c, 500);
		return;
	}
	match_tv(c, m);
	forms_data(c, m, posted, ty);
	const char *base = lpath(c, "/member/matches", m->id);
	for (size_t i = 0; actions[i]; i++)
		tv_set_str(c->data, arena_printf(c->a, "%s_url", actions[i]),
			   arena_printf(c->a, "%s/%s", base, actions[i]));
	tv_set_str(c->data, "ics_url", arena_printf(c->a, "%s/invite.ics", base));
	tv_set(c->data, "history", history_tv(c, m));
	relay_match_data(c, m->id, m->side == SIDE_DOOR_OPENER);
	page_render(c, "meet_match", "meet-match");
}

static void member_get(struct ctx *c)
{
	struct meet m;
	if (!need_member(c) || !member_match(c, &m))
		return;
	page_render_prepare(c);
	static const char *const dones[] = { "accept", "time", "note", "decline", "met", "not_yet", "wont", NULL };
	const char *done = form_get(&c->req->query, "done");
	for (size_t i = 0; done && dones[i]; i++)
		if (!strcmp(done, dones[i]))
			after_data(c, &m, dones[i]);
	member_page(c, &m, 200, NULL, NULL);
}

static void member_post(struct ctx *c)
{
	struct meet m;
	if (relay_action(c)) {
		relay_member_post(c);
		return;
	}
	if (!need_member(c) || !member_match(c, &m))
		return;
	const char *action = route_param(&c->m, "action");
	if (!action_known(action)) {
		page_error(c, 404);
		return;
	}
	page_render_prepare(c);
	if (!allowed(c, &m, action)) {
		tv_set_bool(c->data, "not_now", true);
		member_page(c, &m, 409, NULL, NULL);
		return;
	}
	struct typed ty;
	struct act a;
	read_typed(c, &ty);
	if (!check_form(c, action, &ty, &a)) {
		member_page(c, &m, 422, action, &ty);
		return;
	}
	if (db_begin(c->db)) {
		page_error(c, 503);
		return;
	}
	int r = run_domain(c, &m, &a);
	if (r == 0 && db_commit(c->db) == 0) {
		log_info("meet: match %lld answered in the member area (%s)", (long long)m.id, action);
		const char *base = lpath(c, "/member/matches", m.id);
		http_redirect(c->resp, 303, arena_printf(c->a, "%s?done=%s", base, a.done));
		return;
	}
	db_rollback(c->db);
	if (r == MATCHES_INVALID) {
		domain_invalid(c, action);
		member_page(c, &m, 422, action, &ty);
	} else if (r == MATCHES_NOT_NOW) {
		if (load_match(c, m.id, m.side, &m)) {
			page_error(c, 500);
			return;
		}
		tv_set_bool(c->data, "not_now", true);
		member_page(c, &m, 409, NULL, NULL);
	} else {
		error("meet: an answer to match %lld failed (%s)", (long long)m.id, action);
		page_error(c, 500);
	}
}

static void member_ics(struct ctx *c)
{
	struct meet m;
	if (!need_member(c) || !member_match(c, &m))
		return;
	struct mail_env e;
	ctx_mail_env(c, &e);
	char *ics = matches_ics(&e, m.id, m.side);
	if (!ics) {
		page_error(c, 500);
		return;
	}
	buf_reset(&c->resp->body);
	int r = buf_adds(&c->resp->body, ics);
	free(ics);
	if (r) {
		page_error(c, 500);
		return;
	}
	c->resp->content_type = "text/calendar; charset=utf-8";
	http_resp_header(c->resp, "Content-Disposition", "attachment; filename=\"invite.ics\"");
}

/* ---- the member home's list (web/meet.h) ------------------------------------------ */

struct tval *meet_member_matches(struct ctx *c)
{
	struct tval *list = tv_list(c->a);
	struct db_stmt *st = db_prepare(c->db,
		"SELECT m.id, m.state, m.meeting_at, rp.person_id, o.first_name, o.erased_at,"
		" m.participant_answer, m.opener_answer, m.participant_met, m.opener_met"
		" FROM matches m JOIN registrations rp ON rp.id = m.participant"
		" JOIN registrations ro ON ro.id = m.door_opener"
		" JOIN people o ON o.id = CASE WHEN rp.person_id = ? THEN ro.person_id ELSE rp.person_id END"
		" WHERE rp.person_id = ? OR ro.person_id = ?"
		" ORDER BY CASE WHEN m.state IN ('introduced', 'accepted', 'confirmed') THEN 0 ELSE 1 END,"
		" m.meeting_at DESC, m.id DESC");
	for (int i = 1; st && i <= 3; i++)
		if (db_bind_int(st, i, c->person_id))
			break;
	while (st && db_step(st) == DB_ROW) {
		struct meet m = {
			.id = db_col_int(st, 0),
			.meeting_at = db_col_int(st, 2),
			.side = db_col_int(st, 3) == c->person_id ? SIDE_PARTICIPANT : SIDE_DOOR_OPENER,
		};
		const char *state = arena_strdup(c->a, db_col_text(st, 1));
		for (int i = 0; i < 2; i++) {
			const char *ans = db_col_text(st, 6 + i), *met = db_col_text(st, 8 + i);
			m.answer[i] = ans ? arena_strdup(c->a, ans) : "";
			m.met[i] = met ? arena_strdup(c->a, met) : "";
		}
		if (!state || !m.answer[0] || !m.answer[1] || !m.met[0] || !m.met[1])
			break;
		m.state = state;
		struct tval *it = tv_map(c->a);
		tv_set_int(it, "id", (long long)m.id);
		tv_set_str(it, "first_name", db_col_null(st, 5) ? db_col_text(st, 4) : ctx_tr(c, "the other person"));
		tv_set_str(it, "role_name", member_role_name(c, match_side_key(other_side(m.side))));
		tv_set_str(it, "time", meeting_time(c, m.meeting_at));
		tv_set_str(it, "state", state);
		tv_set_str(it, "state_name", label_text(c, state_labels, state));
		tv_set_bool(it, "action", allowed(c, &m, "accept") || allowed(c, &m, "met"));
		tv_push(list, it);
	}
	db_finalize(st);
	return list;
}

const struct route meet_routes[] = {
	{ "GET", "/match/:id/:action/:token", H(link_get), "match-link" },
	{ "POST", "/match/:id/:action/:token", H(link_post), "match-link-post" },
	{ "GET", "/member/matches/:id", H(member_get), "member-match" },
	{ "GET", "/member/matches/:id/invite.ics", H(member_ics), "member-match-ics" },
	{ "POST", "/member/matches/:id/:action", H(member_post), "member-match-post" },
	{ NULL, NULL, NULL, NULL },
};

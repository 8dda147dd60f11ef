/* The relay pages (docs/relay.md; the rules are in domain/relay.c).
 *
 *   /match/:id/contacts/:token     the door opener shares contacts from
 *   /member/matches/:id/contacts   the e-mail link or from the member area:
 *       the form (contact 1, contact 2 optional), step=preview shows each
 *       invitation as it will be sent with every value in hidden fields,
 *       step=edit goes back to the form, step=send shares. Only the send
 *       uses the e-mail link (matches_link_use), in the transaction that
 *       shares, so a form with a mistake or a preview never uses it up.
 *       The page after sending lists what happened and, for contacts the
 *       door opener writes to themselves, a ready text in the contact's
 *       language with their personal link.
 *   /contact/:token/decline        "no thanks" from an invited contact.
 *   /member/relay/stop/:reg        a participant who found work stops.
 *   relay_match_data()             the contacts on the member's match page.
 *
 * The contact's registration through their personal link is in
 * web/register.c (?contact=TOKEN). */
#include "web/relay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/log.h"
#include "core/utf8.h"
#include "domain/matches.h"
#include "domain/refdata.h"
#include "domain/relay.h"
#include "web/label.h"
#include "web/mail.h"
#include "web/meet.h"
#include "web/member.h"
#include "web/routes.h"

/* ---- labels and small things ----------------------------------------------- */

static const struct label state_labels[] = {
	{ "invited", N_("Invitation sent") },
	{ "introduced", N_("Introduced personally") },
	{ "registered", N_("Registered as a door opener") },
	{ "declined", N_("Said no thanks") },
	{ "expired", N_("Did not register in time") },
	{ NULL, NULL },
};

static const struct label how_labels[] = {
	{ "invite", N_("We e-mailed an invitation") },
	{ "self", N_("Introduced by you") },
	{ NULL, NULL },
};

static const char *str(struct ctx *c, const char *s)
{
	const char *r = arena_strdup(c->a, s ? s : "");
	return r ? r : "";
}

/* "/sv" + the rest. */
static const char *lpath(struct ctx *c, const char *rest)
{
	const char *p = arena_printf(c->a, "/%s%s", lang_codes[c->lang], rest);
	return p ? p : "/";
}

/* A translated message with {placeholders} filled in (messages made in C;
 * templates fill their own). keys and values: n of each. */
static const char *fill(struct ctx *c, const char *msgid, size_t n, const char *const *keys,
			const char *const *values)
{
	const char *s = ctx_tr(c, msgid);
	for (size_t i = 0; i < n; i++) {
		const char *p = strstr(s, keys[i]);
		if (!p)
			continue;
		const char *r = arena_printf(c->a, "%.*s%s%s", (int)(p - s), s, values[i], p + strlen(keys[i]));
		if (r)
			s = r;
	}
	return s;
}

static bool need_member(struct ctx *c)
{
	if (c->person_id > 0)
		return true;
	http_redirect(c->resp, 303, lpath(c, "/login"));
	return false;
}

/* Single-line fields lose the spaces around them (pasted addresses). */
static const char *trimmed(struct ctx *c, const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	const char *r = arena_strndup(c->a, s, n);
	return r ? r : "";
}

/* ---- the contacts shared so far ----------------------------------------------- */

/* The contacts of a match, oldest first. For the participant, the match
 * each registered contact now has with them (their own match page). */
static struct tval *contacts_tv(struct ctx *c, int64_t match_id, bool participant, int *count)
{
	struct tval *list = tv_list(c->a);
	*count = 0;
	struct db_stmt *st = db_prepare(c->db, "SELECT name, field, note, how, state, new_match, email FROM contacts"
					       " WHERE match_id = ? ORDER BY id");
	if (st && db_bind_int(st, 1, match_id) == 0)
		while (db_step(st) == DB_ROW) {
			struct tval *it = tv_map(c->a);
			const char *name = db_col_text(st, 0);
			(*count)++;
			tv_set_str(it, "name", name && *name ? str(c, name) : ctx_tr(c, "A contact (details removed)"));
			tv_set_str(it, "field", str(c, db_col_text(st, 1)));
			tv_set_str(it, "note", str(c, db_col_text(st, 2)));
			tv_set_str(it, "how", str(c, db_col_text(st, 3)));
			tv_set_str(it, "how_name", label_text(c, how_labels, db_col_text(st, 3)));
			tv_set_str(it, "state", str(c, db_col_text(st, 4)));
			tv_set_str(it, "state_name", label_text(c, state_labels, db_col_text(st, 4)));
			if (!participant)
				tv_set_str(it, "email", str(c, db_col_text(st, 6)));
			if (participant && !db_col_null(st, 5))
				tv_set_int(it, "match_id", (long long)db_col_int(st, 5));
			tv_push(list, it);
		}
	db_finalize(st);
	return list;
}

void relay_match_data(struct ctx *c, int64_t match_id, bool opener)
{
	page_render_prepare(c);
	struct tval *r = tv_map(c->a);
	int n = 0;
	tv_set(r, "contacts", contacts_tv(c, match_id, !opener, &n));
	if (opener) {
		int room = relay_room(c->db, match_id);
		tv_set_int(r, "room", room > 0 ? room : 0);
		tv_set_int(r, "shared", n);
		tv_set_str(r, "contacts_url", arena_printf(c->a, "/%s/member/matches/%lld/contacts",
							   lang_codes[c->lang], (long long)match_id));
	}
	tv_set(c->data, "relay", r);
}

/* ---- sharing: the match and the door opener ---------------------------------------- */

struct share {
	int64_t id;               /* the match */
	const char *token;        /* the e-mail link's token; NULL in the member area */
	const char *action;       /* where the form posts */
	int room;                 /* relay_room */
	const char *state;        /* the match's */
	bool stopped;             /* the participant stopped the relay */
	const char *p_first, *p_occupation; /* the participant */
	const char *o_name;       /* the door opener, in full */
	struct tval *shared;      /* contacts so far */
	int nshared;
};

/* 0 with *s filled, 1 when the match does not exist, -1. */
static int load_share(struct ctx *c, struct share *s)
{
	struct db_stmt *st = db_prepare(c->db,
		"SELECT m.state, rp.relay_stopped_at, pp.first_name, pp.occupation, pp.erased_at,"
		" po.first_name, po.last_name FROM matches m"
		" JOIN registrations rp ON rp.id = m.participant JOIN people pp ON pp.id = rp.person_id"
		" JOIN registrations ro ON ro.id = m.door_opener JOIN people po ON po.id = ro.person_id"
		" WHERE m.id = ?");
	int r = -1;
	if (st && db_bind_int(st, 1, s->id) == 0) {
		enum db_step step = db_step(st);
		if (step == DB_ROW) {
			s->state = str(c, db_col_text(st, 0));
			s->stopped = !db_col_null(st, 1);
			s->p_first = db_col_null(st, 4) ? str(c, db_col_text(st, 2)) : ctx_tr(c, "the participant");
			s->p_occupation = str(c, db_col_text(st, 3));
			s->o_name = arena_printf(c->a, "%s %s", db_col_text(st, 5), db_col_text(st, 6));
			r = s->o_name ? 0 : -1;
		} else if (step == DB_DONE) {
			r = 1;
		}
	}
	db_finalize(st);
	if (r)
		return r;
	s->room = relay_room(c->db, s->id);
	if (s->room < 0)
		return -1;
	s->shared = contacts_tv(c, s->id, false, &s->nshared);
	return 0;
}

/* Why a door opener's e-mail link to share contacts cannot be used: the
 * match links' page, in its sharing wording. */
static void share_refused(struct ctx *c, const char *problem)
{
	meet_link_refused(c, problem, true);
}

/* The e-mail link in the path, peeked: true with *s; else a page was sent. */
static bool link_open(struct ctx *c, struct share *s)
{
	*s = (struct share){ .token = route_param(&c->m, "token") };
	if (!member_parse_id(route_param(&c->m, "id"), &s->id) || !token_valid(s->token)) {
		share_refused(c, "unknown");
		return false;
	}
	enum match_side side;
	int64_t person = 0;
	enum token_state st = matches_link_peek(c->db, s->token, s->id, c->now, &side, &person);
	if (st != TOKEN_OK) {
		share_refused(c, meet_token_problem(st));
		return false;
	}
	if (side != SIDE_DOOR_OPENER) {
		share_refused(c, "side");
		return false;
	}
	if (c->person_id > 0 && c->person_id != person) {
		share_refused(c, "person");
		return false;
	}
	s->action = arena_printf(c->a, "/%s/match/%lld/contacts/%s", lang_codes[c->lang], (long long)s->id, s->token);
	int r = load_share(c, s);
	if (r > 0)
		share_refused(c, "unknown");
	else if (r < 0)
		page_error(c, 500);
	return r == 0;
}

/* The member's own match, as its door opener: true with *s; else a page
 * was sent (a 404 for a match that is not theirs or where they are the
 * participant). */
static bool member_open(struct ctx *c, struct share *s)
{
	*s = (struct share){ 0 };
	if (!need_member(c))
		return false;
	enum match_side side;
	int r = member_parse_id(route_param(&c->m, "id"), &s->id) ? matches_side_of(c->db, s->id, c->person_id, &side)
								   : 1;
	if (r == 0 && side != SIDE_DOOR_OPENER)
		r = 1;
	if (r == 0) {
		s->action = arena_printf(c->a, "/%s/member/matches/%lld/contacts", lang_codes[c->lang], (long long)s->id);
		r = load_share(c, s);
	}
	if (r)
		page_error(c, r > 0 ? 404 : 500);
	return r == 0;
}

/* ---- the form ---------------------------------------------------------------------- */

enum { SLOTS = RELAY_MAX_CONTACTS };

/* One contact as typed (i = 1, 2), with its problems (translated). */
struct cform {
	int i;
	struct relay_contact_in in;
	bool given;
	const char *err[RF_COUNT];
};

static const char *const rf_keys[RF_COUNT] = {
	[RF_NAME] = "name", [RF_EMAIL] = "email", [RF_PHONE] = "phone", [RF_FIELD] = "field", [RF_NOTE] = "note",
	[RF_LANG] = "lang", [RF_HOW] = "how", [RF_MESSAGE] = "message", [RF_KNOWS] = "knows",
};

/* The id of the control the error summary links to. */
static const char *anchor(struct ctx *c, int i, enum relay_field f)
{
	const char *r = f == RF_HOW ? arena_printf(c->a, "c%d-how-invite", i) : arena_printf(c->a, "c%d-%s", i, rf_keys[f]);
	return r ? r : "";
}

static const char *field_of(struct ctx *c, const char *key, int i)
{
	return ctx_field(c, arena_printf(c->a, "%s_%d", key, i));
}

/* The form as posted; a fresh form (nothing posted) starts with the
 * page's language and an invitation. */
static void read_form(struct ctx *c, struct cform *cf, bool posted)
{
	for (int k = 0; k < SLOTS; k++) {
		struct cform *f = &cf[k];
		*f = (struct cform){ .i = k + 1 };
		struct relay_contact_in *in = &f->in;
		if (!posted) {
			in->name = in->email = in->phone = in->field = in->note = in->message = "";
			in->lang = lang_codes[c->lang];
			in->how = "invite";
			continue;
		}
		in->name = trimmed(c, field_of(c, "name", f->i));
		in->email = trimmed(c, field_of(c, "email", f->i));
		in->phone = trimmed(c, field_of(c, "phone", f->i));
		in->field = trimmed(c, field_of(c, "field", f->i));
		in->note = field_of(c, "note", f->i);
		in->lang = field_of(c, "lang", f->i);
		in->how = field_of(c, "how", f->i);
		in->message = field_of(c, "message", f->i);
		in->knows = !strcmp(field_of(c, "knows", f->i), "1");
		/* A contact is given when anything of theirs was typed; the
		 * language and the way have defaults and do not count. */
		f->given = *in->name || *in->email || *in->phone || *in->field || *in->note || *in->message || in->knows;
	}
}

/* Check the given contacts (the first one when none is): 0 when all is
 * well, 1 when something is wrong (f->err), -1. */
static int check_form(struct ctx *c, const struct share *s, struct cform *cf, int slots)
{
	bool any = false;
	for (int k = 0; k < slots; k++)
		any |= cf[k].given;
	if (!any)
		cf[0].given = true;
	int bad = 0;
	for (int k = 0; k < slots; k++) {
		struct cform *f = &cf[k];
		if (!f->given)
			continue;
		const char *err[RF_COUNT] = { 0 };
		int r = relay_contact_check(c->db, s->id, &f->in, err);
		if (r < 0)
			return -1;
		for (int i = 0; i < RF_COUNT; i++)
			if (err[i]) {
				f->err[i] = ctx_tr(c, err[i]);
				bad = 1;
			}
	}
	/* The same person twice in one go: the domain checks against what is
	 * stored, not within the form. */
	if (slots > 1 && cf[0].given && cf[1].given && *cf[0].in.email && !cf[1].err[RF_EMAIL] &&
	    strcasecmp(cf[0].in.email, cf[1].in.email) == 0) {
		cf[1].err[RF_EMAIL] = ctx_tr(c, "You have given this address for the first contact already.");
		bad = 1;
	}
	return bad;
}

static struct tval *lang_options(struct ctx *c, const char *selected)
{
	struct tval *list = tv_list(c->a);
	for (int l = 0; l < LANG_COUNT; l++) {
		struct tval *o = tv_map(c->a);
		tv_set_str(o, "code", lang_codes[l]);
		tv_set_str(o, "name", lang_names[l]);
		tv_set_bool(o, "selected", selected && !strcmp(selected, lang_codes[l]));
		tv_push(list, o);
	}
	return list;
}

/* The contacts of the form into data.form (a list, one map per slot) and
 * the problems into data.errors (the summary at the top). */
static void form_data(struct ctx *c, const struct cform *cf, int slots)
{
	struct tval *list = tv_list(c->a), *errors = tv_list(c->a);
	for (int k = 0; k < slots; k++) {
		const struct cform *f = &cf[k];
		const struct relay_contact_in *in = &f->in;
		struct tval *m = tv_map(c->a), *err = tv_map(c->a);
		tv_set_int(m, "i", f->i);
		tv_set_bool(m, "optional", f->i > 1);
		tv_set_bool(m, "given", f->given);
		tv_set_str(m, "name", in->name);
		tv_set_str(m, "email", in->email);
		tv_set_str(m, "phone", in->phone);
		tv_set_str(m, "field", in->field);
		tv_set_str(m, "note", in->note);
		tv_set_str(m, "message", in->message);
		tv_set_str(m, "lang", in->lang);
		tv_set_str(m, "how", in->how);
		tv_set_bool(m, "invite", !strcmp(in->how, "invite"));
		tv_set_bool(m, "self", !strcmp(in->how, "self"));
		tv_set_bool(m, "knows", in->knows);
		tv_set(m, "langs", lang_options(c, in->lang));
		enum lang l = lang_from_code(in->lang);
		tv_set_str(m, "lang_name", l < LANG_COUNT ? lang_names[l] : "");
		char n[8];
		snprintf(n, sizeof(n), "%d", f->i);
		for (int i = 0; i < RF_COUNT; i++) {
			if (!f->err[i])
				continue;
			tv_set_str(err, rf_keys[i], f->err[i]);
			struct tval *e = tv_map(c->a);
			tv_set_str(e, "field", anchor(c, f->i, (enum relay_field)i));
			const char *keys[] = { "{n}", "{problem}" }, *vals[] = { n, f->err[i] };
			tv_set_str(e, "message", fill(c, N_("Contact {n}: {problem}"), 2, keys, vals));
			tv_push(errors, e);
		}
		tv_set(m, "err", err);
		tv_push(list, m);
	}
	tv_set(c->data, "form", list);
	if (tv_len(errors))
		tv_set(c->data, "errors", errors);
}

/* What every sharing page shows: the participant, the contacts so far, the
 * limits. */
static void share_data(struct ctx *c, const struct share *s)
{
	struct tval *d = tv_map(c->a);
	tv_set_int(d, "id", (long long)s->id);
	tv_set_str(d, "participant", s->p_first);
	tv_set_str(d, "action", s->action);
	tv_set_bool(d, "by_link", s->token != NULL);
	tv_set_int(d, "room", s->room > 0 ? s->room : 0);
	tv_set_bool(d, "two", s->room >= 2);
	tv_set(d, "shared", s->shared);
	/* Why nothing can be shared now. */
	const char *why = s->room > 0                         ? ""
			  : s->stopped                        ? "stopped"
			  : strcmp(s->state, "met")           ? "not_met"
			  : s->nshared >= RELAY_MAX_CONTACTS ? "full"
							      : "not_now";
	tv_set_str(d, "why", why);
	tv_set(c->data, "share", d);
	tv_set_int(c->data, "name_max", RELAY_NAME_MAX);
	tv_set_int(c->data, "field_max", RELAY_FIELD_MAX);
	tv_set_int(c->data, "note_max", RELAY_NOTE_MAX);
	tv_set_int(c->data, "message_max", RELAY_MESSAGE_MAX);
	tv_set_int(c->data, "phone_max", RELAY_PHONE_MAX);
	tv_set_int(c->data, "link_days", (long long)c->app->cfg.relay_link_days);
}

static int slots_of(const struct share *s)
{
	return s->room < 1 ? 1 : s->room > SLOTS ? SLOTS : s->room;
}

/* The form page; cf NULL for a fresh form. */
static void share_page(struct ctx *c, const struct share *s, int status, const struct cform *cf)
{
	c->resp->status = status;
	page_render_prepare(c);
	share_data(c, s);
	struct cform fresh[SLOTS];
	if (!cf) {
		read_form(c, fresh, false);
		cf = fresh;
	}
	form_data(c, cf, slots_of(s));
	page_render(c, "relay_share", "relay-share");
}

/* The preview: each invitation as it will be sent, shown as text (never
 * the mail's HTML in the page), and every value in hidden fields. */
static void preview_page(struct ctx *c, const struct share *s, const struct cform *cf, int slots)
{
	page_render_prepare(c);
	share_data(c, s);
	form_data(c, cf, slots);
	struct mail_env e;
	ctx_mail_env(c, &e);
	struct tval *form = (struct tval *)tv_get(c->data, "form");
	for (int k = 0; k < slots; k++) {
		if (!cf[k].given || strcmp(cf[k].in.how, "invite"))
			continue;
		char *subject = NULL, *text = NULL, *html = NULL;
		if (relay_invite_preview(&e, s->id, &cf[k].in, &subject, &text, &html)) {
			free(subject);
			free(text);
			free(html);
			page_error(c, 500);
			return;
		}
		struct tval *m = (struct tval *)tv_at(form, (size_t)k);
		tv_set_str(m, "subject", str(c, subject));
		tv_set_str(m, "text", str(c, text));
		free(subject);
		free(text);
		free(html);
	}
	c->resp->status = 200;
	page_render(c, "relay_preview", "relay-preview");
}

/* ---- after sending ---------------------------------------------------------------------- */

struct self_tr {
	const struct i18n *i18n;
	enum lang lang;
};

static const char *self_gettext(const void *p, const char *msgid)
{
	const struct self_tr *t = p;
	return i18n_get(t->i18n, t->lang, msgid);
}

/* The ready e-mail for a contact the door opener writes to themselves, in
 * the contact's language (templates/_relay_self_text.html, plain text). */
static const char *self_text(struct ctx *c, const struct share *s, const char *name, const char *lang,
			     const char *link)
{
	enum lang l = lang_from_code(lang);
	if (l == LANG_COUNT)
		l = c->lang;
	/* "Hi Anna Maria": the name without its last word, as the
	 * registration form splits it. */
	const char *sp = strrchr(name, ' ');
	const char *first = sp && sp != name ? arena_strndup(c->a, name, (size_t)(sp - name)) : name;
	struct tval *d = tv_map(c->a);
	tv_set_str(d, "contact_first_name", first ? first : name);
	tv_set_str(d, "participant_first_name", s->p_first);
	const char *field = *s->p_occupation ? refdata_name(c->db, c->a, "occupation", s->p_occupation, lang_codes[l])
					     : NULL;
	tv_set_str(d, "participant_field", field ? field : "");
	tv_set_str(d, "opener_name", s->o_name);
	tv_set_str(d, "org_name", c->app->cfg.org_name);
	tv_set_str(d, "link", link);
	tv_set_int(d, "days", (long long)c->app->cfg.relay_link_days);
	struct self_tr t = { c->app->i18n, l };
	struct tmpl_tr tr = { self_gettext, &t };
	struct buf b = BUF_INIT(16384);
	const char *r = NULL;
	if (tmpl_render_block(c->app->tmpl, "_relay_self_text", NULL, d, &tr, TMPL_TEXT, c->a, &b) == 0)
		r = arena_strdup(c->a, buf_str(&b));
	buf_free(&b);
	return r;
}

static void sent_page(struct ctx *c, struct share *s, const struct cform *cf, int slots, const int64_t *ids,
		      char (*links)[1024])
{
	page_render_prepare(c);
	/* Read again: the room and the list have changed. */
	if (load_share(c, s)) {
		page_error(c, 500);
		return;
	}
	share_data(c, s);
	struct tval *done = tv_list(c->a);
	for (int k = 0, n = 0; k < slots; k++) {
		if (!cf[k].given)
			continue;
		const struct relay_contact_in *in = &cf[k].in;
		struct tval *m = tv_map(c->a);
		tv_set_int(m, "id", (long long)ids[n]);
		tv_set_str(m, "name", in->name);
		tv_set_str(m, "email", in->email);
		tv_set_str(m, "lang", in->lang);
		tv_set_bool(m, "invite", !strcmp(in->how, "invite"));
		if (strcmp(in->how, "invite") && links[n][0]) {
			const char *text = self_text(c, s, in->name, in->lang, links[n]);
			if (!text) {
				page_error(c, 500);
				return;
			}
			tv_set_str(m, "link", links[n]);
			tv_set_str(m, "text", text);
		}
		tv_push(done, m);
		n++;
	}
	tv_set(c->data, "done", done);
	tv_set_bool(c->data, "by_link", s->token != NULL);
	c->resp->status = 200;
	page_render(c, "relay_shared", "relay-shared");
}

/* step=send: check again, then (the link, the contacts, the self links) in
 * one transaction. */
static void send_contacts(struct ctx *c, struct share *s, struct cform *cf, int slots)
{
	struct relay_contact_in in[SLOTS];
	int64_t ids[SLOTS] = { 0 };
	char links[SLOTS][1024];
	size_t n = 0;
	for (int k = 0; k < slots; k++)
		if (cf[k].given)
			in[n++] = cf[k].in;
	if (db_begin(c->db)) {
		page_error(c, 503);
		return;
	}
	if (s->token) {
		enum match_side side;
		int64_t person = 0;
		enum token_state st = matches_link_use(c->db, s->token, s->id, c->now, &side, &person);
		if (st != TOKEN_OK || side != SIDE_DOOR_OPENER) {
			db_rollback(c->db);
			share_refused(c, st != TOKEN_OK ? meet_token_problem(st) : "side");
			return;
		}
	}
	struct mail_env e;
	ctx_mail_env(c, &e);
	int r = relay_share(&e, s->id, in, n, 0, ids);
	for (size_t k = 0; r == 0 && k < n; k++) {
		links[k][0] = '\0';
		if (strcmp(in[k].how, "self"))
			continue;
		int lr = relay_self_link(&e, ids[k], links[k], sizeof(links[k]));
		if (lr == RELAY_NOT_NOW)
			links[k][0] = '\0';
		else if (lr)
			r = -1;
	}
	if (r == 0 && db_commit(c->db) == 0) {
		log_info("relay: match %lld: %zu contact(s) shared%s", (long long)s->id, n, s->token ? " by link" : "");
		sent_page(c, s, cf, slots, ids, links);
		return;
	}
	db_rollback(c->db);
	if (r == RELAY_INVALID) {
		/* Something changed since the check (another tab shared the
		 * same person): show what is wrong now. */
		if (load_share(c, s) || check_form(c, s, cf, slots_of(s)) < 0) {
			page_error(c, 500);
			return;
		}
		share_page(c, s, 422, cf);
	} else if (r == RELAY_NOT_NOW) {
		if (load_share(c, s)) {
			page_error(c, 500);
			return;
		}
		share_page(c, s, 409, NULL);
	} else {
		error("relay: sharing contacts for match %lld failed", (long long)s->id);
		page_error(c, 500);
	}
}

static void share_post(struct ctx *c, struct share *s)
{
	const char *step = ctx_field(c, "step");
	int slots = slots_of(s);
	struct cform cf[SLOTS];
	read_form(c, cf, true);
	if (s->room <= 0) {
		share_page(c, s, 409, NULL);
		return;
	}
	if (!strcmp(step, "edit")) {
		share_page(c, s, 200, cf);
		return;
	}
	int bad = check_form(c, s, cf, slots);
	if (bad < 0) {
		page_error(c, 500);
		return;
	}
	if (bad) {
		share_page(c, s, 422, cf);
		return;
	}
	if (!strcmp(step, "send"))
		send_contacts(c, s, cf, slots);
	else
		preview_page(c, s, cf, slots);
}

void relay_link_get(struct ctx *c)
{
	struct share s;
	if (link_open(c, &s))
		share_page(c, &s, 200, NULL);
}

void relay_link_post(struct ctx *c)
{
	struct share s;
	if (link_open(c, &s))
		share_post(c, &s);
}

static void member_get(struct ctx *c)
{
	struct share s;
	if (member_open(c, &s))
		share_page(c, &s, 200, NULL);
}

void relay_member_post(struct ctx *c)
{
	struct share s;
	if (member_open(c, &s))
		share_post(c, &s);
}

/* ---- a contact's personal link ------------------------------------------------------- */

void relay_contact_refused(struct ctx *c, enum token_state st)
{
	c->resp->status = st == TOKEN_EXPIRED || st == TOKEN_USED ? 410 : 404;
	page_render_prepare(c);
	tv_set_str(c->data, "problem", st == TOKEN_USED ? "used" : st == TOKEN_EXPIRED ? "expired" : "unknown");
	tv_set_int(c->data, "link_days", (long long)c->app->cfg.relay_link_days);
	page_render(c, "relay_link_bad", "relay-link-bad");
}

/* The contact behind the link in the path: true with *rc; else a page was
 * sent. */
static bool contact_open(struct ctx *c, const char **token, struct relay_contact *rc)
{
	*token = route_param(&c->m, "token");
	int64_t id = 0;
	enum token_state st = token_valid(*token) ? relay_link_peek(c->db, *token, c->now, &id) : TOKEN_UNKNOWN;
	if (st != TOKEN_OK) {
		relay_contact_refused(c, st);
		return false;
	}
	if (relay_contact_get(c->db, c->a, id, rc)) {
		page_error(c, 500);
		return false;
	}
	return true;
}

static void decline_page(struct ctx *c, const char *token, const struct relay_contact *rc, int status)
{
	c->resp->status = status;
	page_render_prepare(c);
	tv_set_str(c->data, "token", token);
	tv_set_str(c->data, "opener", rc->opener_first_name);
	tv_set_str(c->data, "participant", rc->participant_first_name);
	page_render(c, "relay_decline", "relay-decline");
}

static void decline_get(struct ctx *c)
{
	const char *token;
	struct relay_contact rc;
	if (contact_open(c, &token, &rc))
		decline_page(c, token, &rc, 200);
}

static void decline_post(struct ctx *c)
{
	const char *token;
	struct relay_contact rc;
	if (!contact_open(c, &token, &rc))
		return;
	if (db_begin(c->db)) {
		page_error(c, 503);
		return;
	}
	struct mail_env e;
	ctx_mail_env(c, &e);
	int r = relay_decline(&e, rc.id);
	if (r == 0 && db_commit(c->db) == 0) {
		log_info("relay: contact %lld declined", (long long)rc.id);
		page_render_prepare(c);
		tv_set_bool(c->data, "done", true);
		tv_set_str(c->data, "participant", rc.participant_first_name);
		page_render(c, "relay_decline", "relay-declined");
		return;
	}
	db_rollback(c->db);
	if (r == RELAY_NOT_NOW) {
		/* Registered or declined in the meantime. */
		relay_contact_refused(c, TOKEN_USED);
		return;
	}
	error("relay: declining contact %lld failed", (long long)rc.id);
	page_error(c, 500);
}

/* ---- a participant stops the relay -------------------------------------------------- */

void relay_member_home(struct ctx *c)
{
	page_render_prepare(c);
	struct tval *list = tv_list(c->a);
	struct db_stmt *st = db_prepare(c->db, "SELECT id, created_at FROM registrations WHERE person_id = ?"
					       " AND role = 'participant' AND status IN ('met', 'matched')"
					       " AND relay_stopped_at IS NULL ORDER BY created_at DESC, id DESC");
	if (st && db_bind_int(st, 1, c->person_id) == 0)
		while (db_step(st) == DB_ROW) {
			struct tval *it = tv_map(c->a);
			tv_set_int(it, "id", (long long)db_col_int(st, 0));
			tv_set_str(it, "created", member_date(c, db_col_int(st, 1)));
			tv_push(list, it);
		}
	db_finalize(st);
	tv_set(c->data, "relay_stop", list);
}

struct stop {
	int64_t reg;
	const char *status;
	bool stopped, can;
	int64_t created, stopped_at;
	int open_contacts; /* invited or introduced: their links stop working */
};

/* The member's participant registration in the path: true with *s; else
 * a 404 or 500 was sent. */
static bool stop_open(struct ctx *c, struct stop *s)
{
	*s = (struct stop){ 0 };
	if (!need_member(c))
		return false;
	if (!member_parse_id(route_param(&c->m, "reg"), &s->reg)) {
		page_error(c, 404);
		return false;
	}
	struct db_stmt *st = db_prepare(c->db, "SELECT status, relay_stopped_at, created_at FROM registrations"
					       " WHERE id = ? AND person_id = ? AND role = 'participant'");
	int r = -1;
	if (st && db_bind_int(st, 1, s->reg) == 0 && db_bind_int(st, 2, c->person_id) == 0) {
		enum db_step step = db_step(st);
		if (step == DB_ROW) {
			s->status = str(c, db_col_text(st, 0));
			s->stopped = !db_col_null(st, 1);
			s->stopped_at = db_col_int(st, 1);
			s->created = db_col_int(st, 2);
			r = 0;
		} else if (step == DB_DONE) {
			r = 1;
		}
	}
	db_finalize(st);
	if (r == 0) {
		s->can = !s->stopped && (!strcmp(s->status, "met") || !strcmp(s->status, "matched"));
		s->open_contacts = (int)db_int(c->db, 0, "SELECT COUNT(*) FROM contacts WHERE participant = ?"
							 " AND state IN ('invited', 'introduced')", "i", s->reg);
	}
	if (r)
		page_error(c, r > 0 ? 404 : 500);
	return r == 0;
}

static void stop_page(struct ctx *c, const struct stop *s, int status)
{
	c->resp->status = status;
	page_render_prepare(c);
	struct tval *d = tv_map(c->a);
	tv_set_int(d, "id", (long long)s->reg);
	tv_set_str(d, "created", member_date(c, s->created));
	tv_set_str(d, "status_name", member_status_name(c, s->status));
	tv_set_bool(d, "stopped", s->stopped);
	tv_set_bool(d, "can", s->can);
	tv_set_int(d, "open_contacts", s->open_contacts);
	if (s->stopped)
		tv_set_str(d, "stopped_at", member_date(c, s->stopped_at));
	tv_set(c->data, "stop", d);
	const char *done = form_get(&c->req->query, "done");
	tv_set_bool(c->data, "done", done && !strcmp(done, "1") && s->stopped);
	page_render(c, "relay_stop", "relay-stop");
}

static void stop_get(struct ctx *c)
{
	struct stop s;
	if (stop_open(c, &s))
		stop_page(c, &s, 200);
}

static void stop_post(struct ctx *c)
{
	struct stop s;
	if (!stop_open(c, &s))
		return;
	if (!s.can) {
		stop_page(c, &s, s.stopped ? 200 : 409);
		return;
	}
	if (db_begin(c->db)) {
		page_error(c, 503);
		return;
	}
	struct mail_env e;
	ctx_mail_env(c, &e);
	int r = relay_stop(&e, s.reg);
	if (r || db_commit(c->db)) {
		db_rollback(c->db);
		if (r == RELAY_NOT_NOW) {
			stop_page(c, &s, 409);
			return;
		}
		error("relay: stopping the relay of registration %lld failed", (long long)s.reg);
		page_error(c, 500);
		return;
	}
	log_info("relay: registration %lld stopped the relay", (long long)s.reg);
	http_redirect(c->resp, 303, arena_printf(c->a, "/%s/member/relay/stop/%lld?done=1", lang_codes[c->lang],
						 (long long)s.reg));
}

/* POST /member/matches/:id/contacts is routed by meet.c (relay_member_post). */
const struct route relay_routes[] = {
	{ "GET", "/member/matches/:id/contacts", H(member_get), "relay-share" },
	{ "GET", "/contact/:token/decline", H(decline_get), "relay-decline" },
	{ "POST", "/contact/:token/decline", H(decline_post), "relay-decline-post" },
	{ "GET", "/member/relay/stop/:reg", H(stop_get), "relay-stop" },
	{ "POST", "/member/relay/stop/:reg", H(stop_post), "relay-stop-post" },
	{ NULL, NULL, NULL, NULL },
};

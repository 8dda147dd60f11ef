/* Staff pages of the relay (docs/relay.md): the programme's figures, the
 * "needs help" list of door openers who have passed on no contact long
 * after their meeting, and the form where staff add contacts on a door
 * opener's behalf. Staff only. The form is a CSRF-checked POST (app.c)
 * that runs relay_share() in one transaction with its audit entry (ids
 * only); values stay in the form when something is wrong. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "domain/relay.h"
#include "domain/staff.h"
#include "i18n/format.h"
#include "mail/sender.h"
#include "web/doortree.h"
#include "web/mail.h"
#include "web/member.h"
#include "web/routes.h"

enum {
	HELP_ROWS_MAX = 500,   /* rows of the "needs help" list */
	LINK_MAX = 1024,       /* a contact's personal link */
};

static const char *person_href(struct ctx *c, int64_t person_id)
{
	return arena_printf(c->a, "/%s/admin/people/%lld", lang_codes[c->lang], (long long)person_id);
}

static const char *match_href(struct ctx *c, int64_t match_id)
{
	return arena_printf(c->a, "/%s/admin/matches/%lld", lang_codes[c->lang], (long long)match_id);
}

/* first_name, last_name, erased (0/1) at columns first.. */
static const char *person_name(struct ctx *c, struct db_stmt *st, int first)
{
	if (db_col_int(st, first + 2))
		return ctx_tr(c, "Erased person");
	return arena_printf(c->a, "%s %s", db_col_text(st, first), db_col_text(st, first + 1));
}

/* ---- numbers in the page's language ------------------------------------------- */

static const char *fmt_done(struct ctx *c, struct buf *b, int r)
{
	const char *s = r == 0 ? arena_strdup(c->a, buf_str(b)) : NULL;
	buf_free(b);
	return s ? s : "";
}

static const char *num(struct ctx *c, long long v)
{
	struct buf b = BUF_INIT(64);
	return fmt_done(c, &b, fmt_int(&b, lang_codes[c->lang], v));
}

/* A share as a percent; "–" when there is nothing to share yet. */
static const char *pct(struct ctx *c, long long part, long long whole)
{
	if (whole <= 0)
		return "–";
	struct buf b = BUF_INIT(64);
	return fmt_done(c, &b, fmt_percent(&b, lang_codes[c->lang], part, whole));
}

/* part / whole with one decimal; "–" when whole is 0. */
static const char *ratio(struct ctx *c, long long part, long long whole)
{
	if (whole <= 0)
		return "–";
	long long hundredths = (part * 100 * 2 + whole) / (2 * whole); /* rounded half up */
	struct buf b = BUF_INIT(64);
	return fmt_done(c, &b, fmt_decimal(&b, lang_codes[c->lang], hundredths, 1));
}

/* ---- GET /admin/relay ------------------------------------------------------------ */

/* Met matches at least relay_help_days old with no contact shared, whose
 * participant has not stopped the relay; oldest first. relay_room() has
 * the last word (a closed registration, say), asked after the list's
 * statement is done. */
static struct tval *needs_help_tv(struct ctx *c)
{
	struct tval *list = tv_list(c->a);
	int64_t before = c->now - (int64_t)c->app->cfg.relay_help_days * 86400;
	struct db_stmt *st = db_prepare(c->db,
		"SELECT m.id, m.state_at, pp.id, pp.first_name, pp.last_name, pp.erased_at IS NOT NULL,"
		" dp.id, dp.first_name, dp.last_name, dp.erased_at IS NOT NULL"
		" FROM matches m"
		" JOIN registrations rp ON rp.id = m.participant JOIN people pp ON pp.id = rp.person_id"
		" JOIN registrations rd ON rd.id = m.door_opener JOIN people dp ON dp.id = rd.person_id"
		" WHERE m.state = 'met' AND m.state_at <= ? AND rp.relay_stopped_at IS NULL"
		" AND NOT EXISTS (SELECT 1 FROM contacts k WHERE k.match_id = m.id)"
		" ORDER BY m.state_at, m.id");
	if (!list || !st || db_bind_int(st, 1, before)) {
		db_finalize(st);
		return NULL;
	}
	enum db_step s;
	while ((s = db_step(st)) == DB_ROW && tv_len(list) < HELP_ROWS_MAX) {
		struct tval *r = tv_map(c->a);
		int64_t id = db_col_int(st, 0), met = db_col_int(st, 1);
		tv_set_int(r, "id", (long long)id);
		tv_set_str(r, "href", match_href(c, id));
		tv_set_str(r, "add_href", arena_printf(c->a, "%s/contacts", match_href(c, id)));
		tv_set_str(r, "met", member_date(c, met));
		tv_set_int(r, "days", (long long)((c->now - met) / 86400));
		tv_set_str(r, "participant", person_name(c, st, 3));
		tv_set_str(r, "participant_href", person_href(c, db_col_int(st, 2)));
		tv_set_str(r, "door_opener", person_name(c, st, 7));
		tv_set_str(r, "door_opener_href", person_href(c, db_col_int(st, 6)));
		tv_push(list, r);
	}
	db_finalize(st);
	if (s == DB_ERR)
		return NULL;
	struct tval *out = tv_list(c->a);
	for (size_t i = 0; i < tv_len(list); i++) {
		const struct tval *r = tv_at(list, i);
		int room = relay_room(c->db, tv_as_int(tv_get(r, "id")));
		if (room < 0)
			return NULL;
		if (room > 0)
			tv_push(out, (struct tval *)r);
	}
	return out;
}

static void relay_page(struct ctx *c)
{
	if (!ctx_need_staff(c))
		return;
	struct relay_figures f;
	memset(&f, 0, sizeof(f));
	if (relay_figures(c->db, &f)) {
		page_error(c, 500);
		return;
	}
	page_render_prepare(c);
	struct tval *d = c->data, *fg = tv_map(c->a);
	tv_set_str(fg, "met", num(c, f.met));
	tv_set_str(fg, "met_shared", num(c, f.met_shared));
	tv_set_str(fg, "met_shared_pct", pct(c, f.met_shared, f.met));
	tv_set_str(fg, "contacts", num(c, f.contacts));
	tv_set_str(fg, "registered", num(c, f.contacts_registered));
	tv_set_str(fg, "registered_pct", pct(c, f.contacts_registered, f.contacts));
	tv_set_str(fg, "declined", num(c, f.contacts_declined));
	tv_set_str(fg, "expired", num(c, f.contacts_expired));
	tv_set_str(fg, "relay_matches", num(c, f.relay_matches));
	tv_set_str(fg, "relay_met", num(c, f.relay_met));
	tv_set_str(fg, "relay_met_pct", pct(c, f.relay_met, f.relay_matches));
	tv_set_str(fg, "participants", num(c, f.participants));
	tv_set_str(fg, "doors", num(c, f.doors));
	tv_set_str(fg, "doors_avg", ratio(c, f.doors, f.participants));
	tv_set_str(fg, "depth", num(c, f.depth_max));
	tv_set(d, "figures", fg);
	struct tval *help = needs_help_tv(c);
	if (!help) {
		page_error(c, 500);
		return;
	}
	tv_set(d, "help", help);
	tv_set_int(d, "help_days", (long long)c->app->cfg.relay_help_days);
	page_render(c, "admin_relay", "admin-relay");
}

/* ---- GET|POST /admin/matches/:id/contacts ------------------------------------------- */

/* Form field names (name_1, ...) and element ids (name-1, ...) by field. */
static const char *const field_names[RF_COUNT] = {
	[RF_NAME] = "name", [RF_EMAIL] = "email", [RF_PHONE] = "phone", [RF_FIELD] = "field", [RF_NOTE] = "note",
	[RF_LANG] = "lang", [RF_HOW] = "how", [RF_MESSAGE] = "message", [RF_KNOWS] = "knows",
};

struct contact_form {
	struct relay_contact_in in;
	bool given;                 /* any text field filled in */
	const char *err[RF_COUNT];  /* translated messages, NULL when fine */
};

static const char *field(struct ctx *c, const char *name, int i)
{
	char key[32];
	snprintf(key, sizeof(key), "%s_%d", name, i);
	return ctx_field(c, key);
}

static bool blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
			return false;
	return true;
}

static void read_contact(struct ctx *c, int i, struct contact_form *f)
{
	memset(f, 0, sizeof(*f));
	f->in.name = field(c, "name", i);
	f->in.email = field(c, "email", i);
	f->in.phone = field(c, "phone", i);
	f->in.field = field(c, "field", i);
	f->in.note = field(c, "note", i);
	f->in.lang = field(c, "lang", i);
	f->in.how = field(c, "how", i);
	f->in.message = field(c, "message", i);
	f->in.knows = strcmp(field(c, "knows", i), "1") == 0;
	/* lang, how and knows have defaults in the form, so only the typed
	 * fields tell whether a contact was given. */
	f->given = !blank(f->in.name) || !blank(f->in.email) || !blank(f->in.phone) || !blank(f->in.field) ||
		   !blank(f->in.note) || !blank(f->in.message);
}

/* The match as the form's heading shows it; false when there is none. */
static bool load_match(struct ctx *c, int64_t id, struct tval *d)
{
	struct db_stmt *st = db_prepare(c->db,
		"SELECT m.state, m.state_at, pp.id, pp.first_name, pp.last_name, pp.erased_at IS NOT NULL,"
		" dp.id, dp.first_name, dp.last_name, dp.erased_at IS NOT NULL, COALESCE(dp.email, ''), dp.mail_lang"
		" FROM matches m"
		" JOIN registrations rp ON rp.id = m.participant JOIN people pp ON pp.id = rp.person_id"
		" JOIN registrations rd ON rd.id = m.door_opener JOIN people dp ON dp.id = rd.person_id"
		" WHERE m.id = ?");
	bool ok = false;
	if (st && db_bind_int(st, 1, id) == 0 && db_step(st) == DB_ROW) {
		struct tval *m = tv_map(c->a);
		tv_set_int(m, "id", (long long)id);
		tv_set_str(m, "href", match_href(c, id));
		tv_set_bool(m, "met", !strcmp(db_col_text(st, 0), "met"));
		tv_set_str(m, "met_at", member_date(c, db_col_int(st, 1)));
		tv_set_str(m, "participant", person_name(c, st, 3));
		tv_set_str(m, "participant_href", person_href(c, db_col_int(st, 2)));
		tv_set_str(m, "door_opener", person_name(c, st, 7));
		tv_set_str(m, "door_opener_href", person_href(c, db_col_int(st, 6)));
		tv_set_str(m, "door_opener_email", db_col_int(st, 9) ? "" : db_col_text(st, 10));
		const char *ml = db_col_text(st, 11);
		tv_set_str(m, "door_opener_lang", ml && lang_from_code(ml) != LANG_COUNT ? ml : lang_codes[c->lang]);
		tv_set(d, "match", m);
		ok = true;
	}
	db_finalize(st);
	return ok;
}

static struct tval *option(struct ctx *c, const char *value, const char *label, const char *current)
{
	struct tval *o = tv_map(c->a);
	tv_set_str(o, "code", value);
	tv_set_str(o, "name", label);
	tv_set_bool(o, "selected", current && !strcmp(value, current));
	return o;
}

/* One contact's values and errors for the form: i, fields, *_error,
 * langs (options), how_invite / how_self. */
static struct tval *contact_tv(struct ctx *c, int i, const struct contact_form *f, const char *default_lang)
{
	struct tval *k = tv_map(c->a);
	tv_set_int(k, "i", i);
	tv_set_str(k, "name", f->in.name ? f->in.name : "");
	tv_set_str(k, "email", f->in.email ? f->in.email : "");
	tv_set_str(k, "phone", f->in.phone ? f->in.phone : "");
	tv_set_str(k, "field", f->in.field ? f->in.field : "");
	tv_set_str(k, "note", f->in.note ? f->in.note : "");
	tv_set_str(k, "message", f->in.message ? f->in.message : "");
	tv_set_bool(k, "knows", f->in.knows);
	const char *lang = f->in.lang && lang_from_code(f->in.lang) != LANG_COUNT ? f->in.lang : default_lang;
	struct tval *langs = tv_list(c->a);
	for (int l = 0; l < LANG_COUNT; l++)
		tv_push(langs, option(c, lang_codes[l], lang_names[l], lang));
	tv_set(k, "langs", langs);
	bool self = f->in.how && !strcmp(f->in.how, "self");
	tv_set_bool(k, "how_invite", !self);
	tv_set_bool(k, "how_self", self);
	for (int e = 0; e < RF_COUNT; e++)
		if (f->err[e])
			tv_set_str(k, arena_printf(c->a, "%s_error", field_names[e]), f->err[e]);
	tv_set_bool(k, "second", i == 2);
	return k;
}

/* The form page. forms: what was typed (NULL: empty); errors: the error
 * summary list (NULL: none); error: one message above the form. */
static void render_form(struct ctx *c, int64_t id, int room, const struct contact_form *forms,
			struct tval *errors, const char *error)
{
	struct tval *d = c->data;
	const char *default_lang = tv_as_str(tv_get(tv_get(d, "match"), "door_opener_lang"));
	struct tval *list = tv_list(c->a);
	for (int i = 1; i <= room && i <= RELAY_MAX_CONTACTS; i++) {
		struct contact_form empty;
		memset(&empty, 0, sizeof(empty));
		tv_push(list, contact_tv(c, i, forms ? &forms[i - 1] : &empty, default_lang ? default_lang : "sv"));
	}
	tv_set(d, "contacts", list);
	tv_set_int(d, "room", room);
	tv_set_bool(d, "two", room >= 2);
	tv_set_int(d, "link_days", (long long)c->app->cfg.relay_link_days);
	tv_set_str(d, "action", arena_printf(c->a, "%s/contacts", match_href(c, id)));
	tv_set_int(d, "name_max", RELAY_NAME_MAX);
	tv_set_int(d, "field_max", RELAY_FIELD_MAX);
	tv_set_int(d, "note_max", RELAY_NOTE_MAX);
	tv_set_int(d, "message_max", RELAY_MESSAGE_MAX);
	tv_set_int(d, "phone_max", RELAY_PHONE_MAX);
	if (errors && tv_len(errors))
		tv_set(d, "errors", errors);
	if (error)
		tv_set_str(d, "error", error);
	page_render(c, "admin_relay_contacts", "admin-relay-contacts");
}

/* The match id of the path and the page's common data; false when a
 * response was sent (404, 500). *room is relay_room(). */
static bool form_start(struct ctx *c, int64_t *id, int *room)
{
	if (!member_parse_id(route_param(&c->m, "id"), id)) {
		page_error(c, 404);
		return false;
	}
	page_render_prepare(c);
	if (!load_match(c, *id, c->data)) {
		page_error(c, 404);
		return false;
	}
	*room = relay_room(c->db, *id);
	if (*room < 0) {
		page_error(c, 500);
		return false;
	}
	return true;
}

static void contacts_form(struct ctx *c)
{
	if (!ctx_need_staff(c))
		return;
	int64_t id;
	int room;
	if (!form_start(c, &id, &room))
		return;
	render_form(c, id, room, NULL, NULL, NULL);
}

static void add_error(struct ctx *c, struct tval *errors, int i, enum relay_field f, const char *msg)
{
	struct tval *e = tv_map(c->a);
	tv_set_str(e, "field", arena_printf(c->a, "%s-%d", field_names[f], i));
	tv_set_str(e, "message", msg);
	tv_push(errors, e);
}

static void contacts_post(struct ctx *c)
{
	if (!ctx_need_staff(c))
		return;
	int64_t id;
	int room;
	if (!form_start(c, &id, &room))
		return;
	if (room == 0) {
		c->resp->status = 409;
		render_form(c, id, room, NULL, NULL, NULL);
		return;
	}
	struct contact_form forms[RELAY_MAX_CONTACTS];
	struct relay_contact_in in[RELAY_MAX_CONTACTS];
	int64_t ids[RELAY_MAX_CONTACTS] = { 0 };
	int slot[RELAY_MAX_CONTACTS]; /* the form number (1, 2) of in[k] */
	size_t n = 0;
	struct tval *errors = tv_list(c->a);
	for (int i = 1; i <= RELAY_MAX_CONTACTS; i++)
		read_contact(c, i, &forms[i - 1]);
	for (int i = 1; i <= RELAY_MAX_CONTACTS; i++) {
		struct contact_form *f = &forms[i - 1];
		if (!f->given)
			continue;
		if (i > room) {
			add_error(c, errors, i, RF_NAME,
				  ctx_tr(c, "Only one more contact can be added to this match."));
			continue;
		}
		const char *err[RF_COUNT] = { 0 };
		int r = relay_contact_check(c->db, id, &f->in, err);
		if (r < 0) {
			page_error(c, 500);
			return;
		}
		for (int e = 0; e < RF_COUNT; e++)
			if (err[e]) {
				f->err[e] = ctx_tr(c, err[e]);
				add_error(c, errors, i, (enum relay_field)e, f->err[e]);
			}
		in[n] = f->in;
		slot[n++] = i;
	}
	if (n == 0 && !tv_len(errors)) {
		forms[0].err[RF_NAME] = ctx_tr(c, "Fill in at least one contact.");
		add_error(c, errors, 1, RF_NAME, forms[0].err[RF_NAME]);
	}
	/* The domain checks each contact against those stored; two in one
	 * go must differ from each other too. */
	if (n == 2 && !forms[0].err[RF_EMAIL] && !forms[1].err[RF_EMAIL] && !strcasecmp(in[0].email, in[1].email)) {
		forms[1].err[RF_EMAIL] = ctx_tr(c, "The two contacts have the same e-mail address.");
		add_error(c, errors, 2, RF_EMAIL, forms[1].err[RF_EMAIL]);
	}
	if (tv_len(errors)) {
		c->resp->status = 422;
		render_form(c, id, room, forms, errors, NULL);
		return;
	}

	struct mail_env e;
	ctx_mail_env(c, &e);
	if (db_begin(c->db)) {
		page_error(c, 500);
		return;
	}
	int r = relay_share(&e, id, in, n, c->staff_id, ids);
	char detail[96];
	snprintf(detail, sizeof(detail), "match:%lld contacts:%zu", (long long)id, n);
	if (r == 0 && audit(c->db, c->staff_id, "relay_add", detail))
		r = -1;
	/* The personal links of contacts the door opener (or staff) will
	 * write to themselves, made in the same transaction. */
	struct tval *links = tv_list(c->a);
	for (size_t k = 0; r == 0 && k < n; k++) {
		if (strcmp(in[k].how, "self") != 0)
			continue;
		char url[LINK_MAX];
		int lr = relay_self_link(&e, ids[k], url, sizeof(url));
		if (lr != 0) {
			r = lr < 0 ? -1 : RELAY_NOT_NOW;
			break;
		}
		struct tval *l = tv_map(c->a);
		tv_set_str(l, "name", in[k].name);
		tv_set_str(l, "email", in[k].email);
		tv_set_str(l, "url", url);
		tv_set_int(l, "i", slot[k]);
		tv_push(links, l);
	}
	if (r == 0 && db_commit(c->db))
		r = -1;
	if (r != 0)
		db_rollback(c->db);
	if (r < 0) {
		page_error(c, 500);
		return;
	}
	if (r != 0) {
		/* Between the checks and the transaction something changed: the
		 * relay stopped, another contact came, an address was taken. */
		c->resp->status = 409;
		int now_room = relay_room(c->db, id);
		render_form(c, id, now_room > 0 ? now_room : 0, forms, NULL,
			    r == RELAY_INVALID ? ctx_tr(c, "A contact could not be added: check the details and try again.")
					       : ctx_tr(c, "No more contacts can be added to this match now."));
		return;
	}
	mail_sender_wake();
	if (!tv_len(links)) {
		http_redirect(c->resp, 303, arena_printf(c->a, "%s?notice=contacts", match_href(c, id)));
		return;
	}
	/* The links exist only now (a new one would cancel them), so this
	 * page is the answer to the POST itself. */
	tv_set(c->data, "links", links);
	tv_set_int(c->data, "added", (long long)n);
	tv_set_int(c->data, "link_days", (long long)c->app->cfg.relay_link_days);
	page_render(c, "admin_relay_added", "admin-relay-added");
}

const struct route relay_admin_routes[] = {
	{ "GET", "/admin/relay", H(relay_page), "admin-relay" },
	{ "GET", "/admin/matches/:id/contacts", H(contacts_form), "admin-relay-contacts" },
	{ "POST", "/admin/matches/:id/contacts", H(contacts_post), "admin-relay-contacts-post" },
	{ NULL, NULL, NULL, NULL },
};

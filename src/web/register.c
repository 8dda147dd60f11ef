/* Registration pages: the forms for participants and door openers, "check
 * your e-mail", the e-mailed confirmation link (GET shows a button, POST
 * confirms), the thank-you pages, and the member's "edit profile" page,
 * which shares the profile fields (templates/_profile_fields.html).
 *
 * The rules live in domain/profile.c and domain/registration.c; see
 * docs/registration.md.
 *
 * A contact passed on by a door opener (docs/relay.md) comes to the door
 * opener form with ?contact=TOKEN, their personal link: the form is
 * prefilled and carries the token in a hidden field. Sending it uses the
 * link (once) and tells the relay (relay_registered); with the address
 * the invitation went to, the link proves the address, so the
 * registration is confirmed at once and the match with the participant
 * made. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/log.h"
#include "domain/email_token.h"
#include "domain/profile.h"
#include "domain/refdata.h"
#include "domain/registration.h"
#include "domain/relay.h"
#include "web/app.h"
#include "web/mail.h"
#include "web/relay.h"
#include "web/routes.h"

/* The role as it appears in addresses: /sv/register/door-opener */
static const char *const role_slugs[ROLE_COUNT] = { "participant", "door-opener" };

/* Languages without a two-letter ISO 639-1 code that the form still offers:
 * the sign languages and minority languages of Finland and Sweden, and
 * languages many newcomers speak that ISO 639-1 has no code for. (The full
 * ISO 639-3 list has about 7000 living languages: too many for a select.) */
static const char *const extra_languages[] = {
	"fse", "fss", "swl",                      /* Finnish, Finland-Swedish, Swedish sign languages */
	"smn", "sms", "sma", "smj", "fit", "krl", /* Inari, Skolt, Southern, Lule Sami; Meänkieli; Karelian */
	"rom",                                    /* Romani */
	"prs", "ckb", "kmr", "yue", "aii",        /* Dari, Sorani, Kurmanji, Cantonese, Assyrian Neo-Aramaic */
};

static void redirect(struct ctx *c, const char *path)
{
	const char *loc = arena_printf(c->a, "/%s%s", lang_codes[c->lang], path);
	http_redirect(c->resp, 303, loc ? loc : "/");
}

static bool same(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* ---- option lists ---------------------------------------------------------- */

static struct tval *option(struct ctx *c, const char *code, const char *name, bool selected)
{
	struct tval *o = tv_map(c->a);
	tv_set_str(o, "code", code);
	tv_set_str(o, "name", name);
	tv_set_bool(o, "selected", selected);
	return o;
}

/* A value stored earlier that the lists no longer offer (staff hid it) is
 * still shown, selected, so that saving the form keeps it. */
static void keep_current(struct ctx *c, struct tval *list, const char *kind, const char *code, bool found)
{
	if (found || !code || !*code)
		return;
	const char *name = refdata_name(c->db, c->a, kind, code, lang_codes[c->lang]);
	if (name)
		tv_push(list, option(c, code, name, true));
}

static struct tval *ref_options(struct ctx *c, const char *kind, const char *current)
{
	struct tval *list = tv_list(c->a);
	struct ref_item *items = NULL;
	size_t n = 0;
	bool found = false;
	if (refdata_list(c->db, c->a, kind, lang_codes[c->lang], NULL, &items, &n))
		n = 0;
	for (size_t i = 0; i < n; i++) {
		bool sel = same(items[i].code, current);
		found |= sel;
		tv_push(list, option(c, items[i].code, items[i].name, sel));
	}
	keep_current(c, list, kind, current, found);
	return list;
}

static struct tval *group(struct ctx *c, const char *name, struct tval *items)
{
	struct tval *g = tv_map(c->a);
	tv_set_str(g, "name", name);
	tv_set(g, "items", items);
	return g;
}

/* Municipalities of the deployment's countries, grouped by region. */
static struct tval *municipality_groups(struct ctx *c, const char *current)
{
	struct tval *groups = tv_list(c->a);
	struct ref_item *items = NULL;
	size_t n = 0;
	if (refdata_list(c->db, c->a, "municipality", lang_codes[c->lang], c->app->cfg.countries, &items, &n))
		n = 0;
	/* The regions, by country (in the order of the setting) and then by
	 * name. A municipality code begins with its country: "FI-091". */
	const char **names = arena_alloc(c->a, (n ? n : 1) * sizeof(*names));
	int *country = arena_alloc(c->a, (n ? n : 1) * sizeof(*country));
	size_t ng = 0;
	for (size_t i = 0; names && country && i < n; i++) {
		bool seen = false;
		for (size_t k = 0; k < ng && !seen; k++)
			seen = same(names[k], items[i].group);
		if (seen)
			continue;
		const char *at = strstr(c->app->cfg.countries, arena_strndup(c->a, items[i].code, 2));
		country[ng] = at ? (int)(at - c->app->cfg.countries) : 99;
		names[ng++] = items[i].group;
	}
	for (size_t i = 1; i < ng; i++)
		for (size_t k = i; k > 0; k--) {
			int d = country[k - 1] - country[k];
			if (d < 0 || (d == 0 && refdata_collate(lang_codes[c->lang], names[k - 1], names[k]) <= 0))
				break;
			const char *t = names[k];
			names[k] = names[k - 1];
			names[k - 1] = t;
			int ct = country[k];
			country[k] = country[k - 1];
			country[k - 1] = ct;
		}
	bool found = false;
	for (size_t g = 0; g < ng; g++) {
		struct tval *list = tv_list(c->a);
		for (size_t i = 0; i < n; i++)
			if (same(items[i].group, names[g])) {
				bool sel = same(items[i].code, current);
				found |= sel;
				tv_push(list, option(c, items[i].code, items[i].name, sel));
			}
		tv_push(groups, group(c, names[g], list));
	}
	if (!found && current && *current) {
		struct tval *list = tv_list(c->a);
		keep_current(c, list, "municipality", current, false);
		if (tv_len(list))
			tv_push(groups, group(c, ctx_tr(c, "Your earlier choice"), list));
	}
	return groups;
}

/* Occupations (ISCO-08 unit groups) grouped by sector, in the order of the
 * sector list. An occupation may be in several sectors; only the copy under
 * the chosen sector (or the first) is marked selected. */
static struct tval *occupation_groups(struct ctx *c, struct tval *sectors, const char *sector, const char *current)
{
	struct tval *groups = tv_list(c->a);
	bool found = false;
	bool in_chosen = current && *current && refdata_in_sector(c->db, sector, current);
	for (size_t s = 0; s < tv_len(sectors); s++) {
		const struct tval *sec = tv_at(sectors, s);
		const char *code = tv_as_str(tv_get(sec, "code"));
		struct ref_item *items = NULL;
		size_t n = 0;
		if (refdata_list(c->db, c->a, "occupation", lang_codes[c->lang], code, &items, &n) || n == 0)
			continue;
		struct tval *list = tv_list(c->a);
		for (size_t i = 0; i < n; i++) {
			bool sel = !found && same(items[i].code, current) && (!in_chosen || same(code, sector));
			found |= sel;
			tv_push(list, option(c, items[i].code, items[i].name, sel));
		}
		tv_push(groups, group(c, tv_as_str(tv_get(sec, "name")), list));
	}
	if (!found && current && *current) {
		struct tval *list = tv_list(c->a);
		keep_current(c, list, "occupation", current, false);
		if (tv_len(list))
			tv_push(groups, group(c, ctx_tr(c, "Your earlier choice"), list));
	}
	return groups;
}

static bool extra_language(const char *code)
{
	for (size_t i = 0; i < sizeof(extra_languages) / sizeof(*extra_languages); i++)
		if (strcmp(extra_languages[i], code) == 0)
			return true;
	return false;
}

/* The three programme languages as checkboxes, every other one in a
 * multiple select. */
static void language_options(struct ctx *c, const struct profile *p)
{
	struct tval *fixed = tv_list(c->a), *other = tv_list(c->a);
	for (int l = 0; l < LANG_COUNT; l++) {
		const char *name = refdata_name(c->db, c->a, "language", lang_codes[l], lang_codes[c->lang]);
		tv_push(fixed, option(c, lang_codes[l], name ? name : lang_codes[l], profile_has_lang(p, lang_codes[l])));
	}
	struct ref_item *items = NULL;
	size_t n = 0;
	if (refdata_list(c->db, c->a, "language", lang_codes[c->lang], NULL, &items, &n))
		n = 0;
	for (size_t i = 0; i < n; i++) {
		const char *code = items[i].code;
		bool sel = profile_has_lang(p, code);
		if (lang_from_code(code) != LANG_COUNT || (strlen(code) != 2 && !extra_language(code) && !sel))
			continue;
		tv_push(other, option(c, code, items[i].name, sel));
	}
	/* Chosen languages the list does not offer (hidden since). */
	for (size_t i = 0; i < p->nlangs && i < PROFILE_MAX_LANGS; i++) {
		const char *code = p->langs[i];
		bool listed = lang_from_code(code) != LANG_COUNT;
		for (size_t k = 0; k < n && !listed; k++)
			listed = same(items[k].code, code);
		if (!listed)
			keep_current(c, other, "language", code, false);
	}
	tv_set(c->data, "fixed_languages", fixed);
	tv_set(c->data, "other_languages", other);
}

static struct tval *choice_list(struct ctx *c, const char *const (*choices)[2], size_t n, const char *current)
{
	struct tval *list = tv_list(c->a);
	for (size_t i = 0; i < n; i++)
		tv_push(list, option(c, choices[i][0], ctx_tr(c, choices[i][1]), same(choices[i][0], current)));
	return list;
}

/* ---- the profile fields ------------------------------------------------------ */

/* Where the error summary links to: the first control of the field. */
static const char *anchor(enum profile_field f)
{
	switch (f) {
	case PF_MAIL_LANG:
		return "mail_lang-sv";
	case PF_LANGUAGES:
		return "lang-sv";
	case PF_MEETING_MODE:
		return "meeting_mode-in_person";
	case PF_GENDER:
		return "gender-woman";
	default:
		return profile_field_names[f];
	}
}

static void add_error(struct ctx *c, const char *field, const char *key, const char *msgid)
{
	struct tval *errors = (struct tval *)tv_get(c->data, "errors");
	if (!errors) {
		errors = tv_list(c->a);
		tv_set(c->data, "errors", errors);
	}
	struct tval *err = (struct tval *)tv_get(c->data, "err");
	if (!err) {
		err = tv_map(c->a);
		tv_set(c->data, "err", err);
	}
	const char *msg = ctx_tr(c, msgid);
	struct tval *e = tv_map(c->a);
	tv_set_str(e, "field", field);
	tv_set_str(e, "message", msg);
	tv_push(errors, e);
	tv_set_str(err, key, msg);
}

/* Everything _profile_fields.html needs, from p (typed or stored). */
static void profile_data(struct ctx *c, const struct profile *p)
{
	struct tval *f = tv_map(c->a);
	tv_set_str(f, "first_name", p->first_name);
	tv_set_str(f, "last_name", p->last_name);
	tv_set_str(f, "email", p->email);
	tv_set_str(f, "phone", p->phone);
	tv_set_bool(f, "phone_shared", p->phone_shared);
	tv_set_str(f, "job_title", p->job_title);
	tv_set_str(f, "experience_years", p->experience);
	tv_set_str(f, "employer", p->employer);
	tv_set_str(f, "intro", p->intro);
	tv_set_str(f, "link", p->link);
	tv_set_str(f, "birth_year", p->birth_year);
	tv_set_str(f, "arrival_year", p->arrival_year);
	tv_set(c->data, "f", f);
	tv_set_bool(c->data, "show_employer", p->flags & PROFILE_DOOR_OPENER);
	tv_set_bool(c->data, "show_arrival", p->flags & PROFILE_PARTICIPANT);
	tv_set_bool(c->data, "email_fixed", p->flags & PROFILE_EMAIL_FIXED);

	struct tval *ml = tv_list(c->a);
	for (int l = 0; l < LANG_COUNT; l++)
		tv_push(ml, option(c, lang_codes[l], lang_names[l], same(p->mail_lang, lang_codes[l])));
	tv_set(c->data, "mail_langs", ml);
	language_options(c, p);
	struct tval *sectors = ref_options(c, "sector", p->sector);
	tv_set(c->data, "sectors", sectors);
	tv_set(c->data, "occupation_groups", occupation_groups(c, sectors, p->sector, p->occupation));
	tv_set(c->data, "educations", ref_options(c, "education", p->education));
	tv_set(c->data, "municipality_groups", municipality_groups(c, p->municipality));
	tv_set(c->data, "countries", ref_options(c, "country", p->birth_country));
	static const char *const modes[][2] = {
		{ "in_person", N_("In person") },
		{ "online", N_("Online") },
		{ "either", N_("Either: in person or online") },
	};
	tv_set(c->data, "meeting_modes", choice_list(c, modes, 3, p->meeting_mode));
	static const char *const genders[][2] = {
		{ "woman", N_("Woman") },
		{ "man", N_("Man") },
		{ "other", N_("Another gender") },
		{ "", N_("I prefer not to say") },
	};
	tv_set(c->data, "genders", choice_list(c, genders, 4, p->gender));

	for (int i = 0; i < PF_COUNT; i++)
		if (p->error[i])
			add_error(c, anchor((enum profile_field)i), profile_field_names[i], p->error[i]);
}

/* ---- registration ----------------------------------------------------------- */

enum { CAPACITY_MAX = 5 };

struct reg_form {
	enum reg_role role;
	struct profile p;
	const char *nonce;
	const char *contact;           /* a contact's personal link (door openers), or NULL */
	struct relay_contact rc;       /* ... and what we know of them */
	const char *capacity;          /* as typed */
	bool checked[ELIGIBILITY_MAX]; /* the statements ticked */
	bool privacy;
	const char *capacity_error, *eligibility_error, *privacy_error;
};

static size_t statements_of(const struct ctx *c, enum reg_role role, const struct eligibility **out)
{
	const struct config *cfg = &c->app->cfg;
	return eligibility_list(role == ROLE_PARTICIPANT ? cfg->eligibility_participant : cfg->eligibility_door_opener,
				out, ELIGIBILITY_MAX);
}

static void render_form(struct ctx *c, int status, struct reg_form *rf)
{
	c->resp->status = status;
	page_render_prepare(c);
	const char *slug = role_slugs[rf->role];
	tv_set_str(c->data, "role", slug);
	tv_set_str(c->data, "nonce", rf->nonce);
	if (rf->contact) {
		struct tval *ct = tv_map(c->a);
		tv_set_str(ct, "token", rf->contact);
		tv_set_str(ct, "opener", rf->rc.opener_first_name);
		tv_set_str(ct, "participant", rf->rc.participant_first_name);
		tv_set(c->data, "contact", ct);
	}
	profile_data(c, &rf->p);
	if (rf->role == ROLE_DOOR_OPENER) {
		struct tval *caps = tv_list(c->a);
		for (int i = 1; i <= CAPACITY_MAX; i++) {
			char v[12];
			snprintf(v, sizeof(v), "%d", i);
			tv_push(caps, option(c, arena_strdup(c->a, v), arena_strdup(c->a, v), same(v, rf->capacity)));
		}
		tv_set(c->data, "capacities", caps);
		if (rf->capacity_error)
			add_error(c, "capacity", "capacity", rf->capacity_error);
	}
	const struct eligibility *st[ELIGIBILITY_MAX];
	size_t n = statements_of(c, rf->role, st);
	struct tval *list = tv_list(c->a);
	for (size_t i = 0; i < n; i++)
		tv_push(list, option(c, st[i]->id, ctx_tr(c, st[i]->text), rf->checked[i]));
	tv_set(c->data, "statements", list);
	if (rf->eligibility_error) {
		const char *first = "eligibility";
		for (size_t i = 0; i < n; i++)
			if (!rf->checked[i]) {
				first = arena_printf(c->a, "eligibility-%s", st[i]->id);
				break;
			}
		add_error(c, first, "eligibility", rf->eligibility_error);
	}
	tv_set_bool(c->data, "privacy_checked", rf->privacy);
	if (rf->privacy_error)
		add_error(c, "privacy", "privacy", rf->privacy_error);
	page_render(c, "register", rf->role == ROLE_PARTICIPANT ? "register-participant" : "register-door-opener");
}

/* The contact behind a personal link (door opener form, ?contact= or the
 * hidden field): true with rf->contact and rf->rc; false when there is no
 * link; else (*refused) the page saying why was sent. */
static bool contact_of(struct ctx *c, const char *token, struct reg_form *rf, bool *refused)
{
	*refused = false;
	if (!token || !*token)
		return false;
	int64_t id = 0;
	enum token_state st = relay_link_peek(c->db, token, c->now, &id);
	if (st == TOKEN_OK && relay_contact_get(c->db, c->a, id, &rf->rc))
		st = TOKEN_UNKNOWN;
	if (st != TOKEN_OK) {
		relay_contact_refused(c, st);
		*refused = true;
		return false;
	}
	rf->contact = arena_strdup(c->a, token);
	return rf->contact != NULL;
}

static void register_form(struct ctx *c, enum reg_role role)
{
	struct reg_form rf = { .role = role, .capacity = "1" };
	memset(&rf.p, 0, sizeof(rf.p));
	struct profile *p = &rf.p;
	p->flags = role == ROLE_PARTICIPANT ? PROFILE_PARTICIPANT : PROFILE_DOOR_OPENER;
	p->first_name = p->last_name = p->email = p->phone = p->sector = p->occupation = p->job_title =
		p->experience = p->education = p->employer = p->municipality = p->intro = p->link = p->gender =
			p->birth_year = p->birth_country = p->arrival_year = "";
	p->mail_lang = lang_codes[c->lang];
	p->meeting_mode = "";
	bool refused = false;
	if (role == ROLE_DOOR_OPENER && contact_of(c, form_get(&c->req->query, "contact"), &rf, &refused)) {
		/* What the door opener typed: the name split at its last space. */
		const char *name = rf.rc.name, *sp = strrchr(name, ' ');
		if (sp && sp != name) {
			p->first_name = arena_strndup(c->a, name, (size_t)(sp - name));
			p->last_name = sp + 1;
		} else {
			p->first_name = name;
		}
		if (!p->first_name)
			p->first_name = "";
		p->email = rf.rc.email;
		p->phone = rf.rc.phone;
		if (lang_from_code(rf.rc.lang) != LANG_COUNT)
			p->mail_lang = rf.rc.lang;
	}
	if (refused)
		return;
	char nonce[TOKEN_LEN + 1];
	token_random(nonce);
	rf.nonce = nonce;
	render_form(c, 200, &rf);
}

static void register_participant_form(struct ctx *c)
{
	register_form(c, ROLE_PARTICIPANT);
}

static void register_door_opener_form(struct ctx *c)
{
	register_form(c, ROLE_DOOR_OPENER);
}

/* The kind "you have used your registrations" page. Nothing was stored. */
static void limit_page(struct ctx *c)
{
	c->resp->status = 200;
	page_render_prepare(c);
	tv_set_int(c->data, "max", c->app->cfg.participant_max_registrations);
	page_render(c, "register_limit", "register-limit");
}

static int queue_confirmation(struct ctx *c, const struct profile *p, const struct reg_result *r)
{
	enum lang ml = lang_from_code(p->mail_lang);
	if (ml == LANG_COUNT)
		ml = c->lang;
	struct tval *d = tv_map(c->a);
	tv_set_str(d, "token", r->token);
	tv_set_str(d, "role", role_slugs[r->role]);
	tv_set_bool(d, "participant", r->role == ROLE_PARTICIPANT);
	tv_set_bool(d, "pending", r->pending);
	tv_set_int(d, "hours", c->app->cfg.unconfirmed_expiry_hours);
	/* No name in the greeting or the header: anybody can type any address
	 * into the form, and the mail must not carry their words to it. */
	return ctx_queue_mail(c, ml, "confirm", d, p->email, "", r->person_id, NULL);
}

/* A contact's registration was created (in the open transaction): use
 * their link, then either confirm at once (the address is the one the
 * invitation went to) and let the relay make the match, or send the usual
 * confirmation e-mail. Commits or rolls back, and answers. */
static void contact_submit(struct ctx *c, struct reg_form *rf, struct reg_result *r)
{
	int64_t id = 0;
	enum token_state st = relay_link_use(c->db, rf->contact, c->now, &id);
	if (st != TOKEN_OK || id != rf->rc.id) {
		db_rollback(c->db);
		relay_contact_refused(c, st == TOKEN_OK ? TOKEN_USED : st);
		return;
	}
	struct mail_env e;
	ctx_mail_env(c, &e);
	int64_t match = 0, person = 0, reg = 0;
	/* Only an invitation Ovi e-mailed proves the address: a "self" link
	 * passed through the door opener's hands. */
	bool same = strcmp(rf->rc.how, "invite") == 0 && strcasecmp(rf->p.email, rf->rc.email) == 0;
	int rr;
	if (same) {
		/* The confirmation link is not needed: use it up, unsent. */
		if (email_token_use(c->db, "confirm", r->token, c->now, &person, &reg) != TOKEN_OK ||
		    reg != r->registration_id ||
		    registration_confirm(c->db, reg, c->app->cfg.participant_max_registrations, c->now) != CONFIRM_DONE) {
			db_rollback(c->db);
			error("register: a contact's registration could not be confirmed");
			page_error(c, 500);
			return;
		}
		rr = relay_registered(&e, id, r->registration_id, true, &match);
	} else {
		rr = queue_confirmation(c, &rf->p, r);
		if (rr == 0)
			rr = relay_registered(&e, id, r->registration_id, false, NULL);
	}
	if (rr == RELAY_NOT_NOW) {
		/* Declined or ended between the check and now. */
		db_rollback(c->db);
		relay_contact_refused(c, TOKEN_EXPIRED);
		return;
	}
	if (rr || db_commit(c->db)) {
		db_rollback(c->db);
		error("register: a contact's registration failed");
		page_error(c, 500);
		return;
	}
	log_info("register: new door opener registration %lld through a contact link%s", (long long)r->registration_id,
		 same ? " (confirmed)" : "");
	redirect(c, !same ? "/register/door-opener/sent" : match ? "/register/door-opener/introduced"
								   : "/register/door-opener/confirmed");
}

static void register_submit(struct ctx *c, enum reg_role role)
{
	const struct config *cfg = &c->app->cfg;
	struct reg_form rf = { .role = role };
	unsigned flags = role == ROLE_PARTICIPANT ? PROFILE_PARTICIPANT : PROFILE_DOOR_OPENER;
	/* A personal link that no longer works stores nothing, whatever the
	 * form says. */
	bool refused = false;
	if (role == ROLE_DOOR_OPENER)
		contact_of(c, ctx_field(c, "contact"), &rf, &refused);
	if (refused)
		return;
	if (profile_parse(&rf.p, &c->req->body_form, flags, c->a)) {
		page_error(c, 500);
		return;
	}
	int problems = profile_validate(&rf.p, c->db, c->a, NULL, cfg->countries, c->now);

	/* A form without a proper nonce (typed by hand) gets a fresh one. */
	rf.nonce = ctx_field(c, "nonce");
	if (!token_valid(rf.nonce)) {
		char fresh[TOKEN_LEN + 1];
		token_random(fresh);
		rf.nonce = arena_strdup(c->a, fresh);
	}
	int capacity = 1;
	rf.capacity = ctx_field(c, "capacity");
	if (role == ROLE_DOOR_OPENER) {
		const char *s = rf.capacity;
		if (strlen(s) == 1 && s[0] >= '1' && s[0] <= '0' + CAPACITY_MAX) {
			capacity = s[0] - '0';
		} else {
			rf.capacity_error = N_("Choose how many meetings you can take, from 1 to 5.");
			problems++;
		}
	}
	const struct eligibility *st[ELIGIBILITY_MAX];
	size_t n = statements_of(c, role, st);
	const char *ticked[200];
	size_t nt = form_get_all(&c->req->body_form, "eligibility", ticked, 200);
	const char *ids[ELIGIBILITY_MAX];
	bool all = true;
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < nt && !rf.checked[i]; k++)
			rf.checked[i] = same(ticked[k], st[i]->id);
		ids[i] = st[i]->id;
		all &= rf.checked[i];
	}
	if (!all) {
		rf.eligibility_error = N_("Tick every statement. All of them must be true for you to take part.");
		problems++;
	}
	rf.privacy = *ctx_field(c, "privacy") != '\0';
	if (!rf.privacy) {
		rf.privacy_error = N_("Confirm that you have read the privacy notice and agree to it.");
		problems++;
	}
	if (problems) {
		render_form(c, 422, &rf);
		return;
	}

	struct reg_request rq = {
		.role = role, .profile = &rf.p, .capacity = capacity, .nonce = rf.nonce, .statements = ids,
		.nstatements = n, .notice_version = cfg->privacy_version, .lang = lang_codes[c->lang],
		.max_participant = cfg->participant_max_registrations,
		.link_ttl_s = (int64_t)cfg->unconfirmed_expiry_hours * 3600,
	};
	struct reg_result r;
	if (db_begin(c->db)) {
		page_error(c, 503);
		return;
	}
	enum reg_outcome out = registration_submit(c->db, &rq, c->now, &r);
	if (rf.contact && out == REG_CREATED) {
		contact_submit(c, &rf, &r);
		return;
	}
	if (rf.contact && out == REG_REPEATED) {
		/* A second press of the button: the first one did the work. */
		char status[24] = "";
		enum reg_role was;
		if (registration_info(c->db, r.registration_id, &was, status, sizeof(status)) || db_commit(c->db)) {
			db_rollback(c->db);
			page_error(c, 500);
			return;
		}
		redirect(c, strcmp(status, "unconfirmed") ? "/register/door-opener/introduced" : "/register/door-opener/sent");
		return;
	}
	switch (out) {
	case REG_CREATED:
		if (queue_confirmation(c, &rf.p, &r) || db_commit(c->db))
			break;
		log_info("register: new %s registration %lld", reg_role_codes[r.role], (long long)r.registration_id);
		redirect(c, arena_printf(c->a, "/register/%s/sent", role_slugs[r.role]));
		return;
	case REG_REPEATED:
		if (db_commit(c->db))
			break;
		redirect(c, arena_printf(c->a, "/register/%s/sent", role_slugs[r.role]));
		return;
	case REG_LIMIT:
		db_rollback(c->db);
		limit_page(c);
		return;
	case REG_FAILED:
		break;
	}
	db_rollback(c->db);
	page_error(c, 500);
}

static void register_participant_submit(struct ctx *c)
{
	register_submit(c, ROLE_PARTICIPANT);
}

static void register_door_opener_submit(struct ctx *c)
{
	register_submit(c, ROLE_DOOR_OPENER);
}

static void role_page(struct ctx *c, enum reg_role role, const char *tmpl, const char *id)
{
	page_render_prepare(c);
	tv_set_str(c->data, "role", role_slugs[role]);
	tv_set_int(c->data, "hours", c->app->cfg.unconfirmed_expiry_hours);
	page_render(c, tmpl, id);
}

static void sent_participant(struct ctx *c)
{
	role_page(c, ROLE_PARTICIPANT, "register_sent", "register-sent");
}

static void sent_door_opener(struct ctx *c)
{
	role_page(c, ROLE_DOOR_OPENER, "register_sent", "register-sent");
}

static void confirmed_participant(struct ctx *c)
{
	role_page(c, ROLE_PARTICIPANT, "confirm_done", "confirm-done");
}

static void confirmed_door_opener(struct ctx *c)
{
	role_page(c, ROLE_DOOR_OPENER, "confirm_done", "confirm-done");
}

/* A contact's registration is confirmed and matched with the participant. */
static void introduced_door_opener(struct ctx *c)
{
	role_page(c, ROLE_DOOR_OPENER, "relay_registered", "relay-registered");
}

/* ---- the confirmation link ------------------------------------------------ */

static void link_problem(struct ctx *c, enum token_state s)
{
	c->resp->status = s == TOKEN_UNKNOWN ? 404 : 410;
	page_render_prepare(c);
	tv_set_str(c->data, "problem", s == TOKEN_USED ? "used" : s == TOKEN_EXPIRED ? "expired" : "unknown");
	page_render(c, "confirm_invalid", "confirm-invalid");
}

static void confirm_page(struct ctx *c)
{
	const char *token = route_param(&c->m, "token");
	int64_t person = 0, reg = 0;
	enum token_state s = email_token_peek(c->db, "confirm", token, c->now, &person, &reg);
	enum reg_role role;
	if (s == TOKEN_OK && registration_info(c->db, reg, &role, NULL, 0))
		s = TOKEN_UNKNOWN;
	if (s != TOKEN_OK) {
		link_problem(c, s);
		return;
	}
	page_render_prepare(c);
	tv_set_str(c->data, "token", token);
	tv_set_str(c->data, "role", role_slugs[role]);
	page_render(c, "confirm", "confirm");
}

static void confirm_submit(struct ctx *c)
{
	const char *token = route_param(&c->m, "token");
	int64_t person = 0, reg = 0;
	if (db_begin(c->db)) {
		page_error(c, 503);
		return;
	}
	enum token_state s = email_token_use(c->db, "confirm", token, c->now, &person, &reg);
	enum reg_role role = ROLE_PARTICIPANT;
	if (s == TOKEN_OK && registration_info(c->db, reg, &role, NULL, 0))
		s = TOKEN_UNKNOWN;
	if (s != TOKEN_OK) {
		db_rollback(c->db);
		link_problem(c, s);
		return;
	}
	struct mail_env e;
	ctx_mail_env(c, &e);
	switch (registration_confirm(c->db, reg, c->app->cfg.participant_max_registrations, c->now)) {
	case CONFIRM_DONE: {
		/* A contact passed on by a door opener: the match is made now. */
		if (relay_on_confirmed(&e, reg))
			break;
		int64_t relayed = db_int(c->db, -1, "SELECT COUNT(*) FROM contacts WHERE registration_id = ?"
						    " AND new_match IS NOT NULL", "i", reg);
		if (relayed < 0 || db_commit(c->db))
			break;
		log_info("register: confirmed registration %lld", (long long)reg);
		redirect(c, relayed > 0 ? "/register/door-opener/introduced"
					: arena_printf(c->a, "/register/%s/confirmed", role_slugs[role]));
		return;
	}
	case CONFIRM_LIMIT:
		db_rollback(c->db);
		limit_page(c);
		return;
	case CONFIRM_FAILED:
		break;
	}
	db_rollback(c->db);
	page_error(c, 500);
}

/* ---- the member's profile --------------------------------------------------- */

/* Which role-specific fields the member's form has: those of the roles
 * they have registered in. */
static unsigned member_flags(struct ctx *c)
{
	unsigned f = PROFILE_EMAIL_FIXED;
	if (db_int(c->db, 0, "SELECT COUNT(*) FROM registrations WHERE person_id = ? AND role = 'participant'", "i",
		   c->person_id) > 0)
		f |= PROFILE_PARTICIPANT;
	if (db_int(c->db, 0, "SELECT COUNT(*) FROM registrations WHERE person_id = ? AND role = 'door_opener'", "i",
		   c->person_id) > 0)
		f |= PROFILE_DOOR_OPENER;
	return f;
}

static void render_profile(struct ctx *c, int status, const struct profile *p, const char *email)
{
	c->resp->status = status;
	page_render_prepare(c);
	profile_data(c, p);
	tv_set_str((struct tval *)tv_get(c->data, "f"), "email", email);
	page_render(c, "profile", "member-profile");
}

static void profile_page(struct ctx *c)
{
	if (c->person_id <= 0) {
		redirect(c, "/login");
		return;
	}
	struct profile p;
	if (profile_load(c->db, c->a, c->person_id, member_flags(c), &p)) {
		redirect(c, "/login");
		return;
	}
	render_profile(c, 200, &p, p.email);
}

static void profile_submit(struct ctx *c)
{
	if (c->person_id <= 0) {
		redirect(c, "/login");
		return;
	}
	unsigned flags = member_flags(c);
	struct profile old, p;
	if (profile_load(c->db, c->a, c->person_id, flags, &old)) {
		redirect(c, "/login");
		return;
	}
	if (profile_parse(&p, &c->req->body_form, flags, c->a)) {
		page_error(c, 500);
		return;
	}
	if (profile_validate(&p, c->db, c->a, &old, c->app->cfg.countries, c->now)) {
		render_profile(c, 422, &p, old.email);
		return;
	}
	if (profile_update(c->db, c->person_id, &p, c->now)) {
		page_error(c, 500);
		return;
	}
	log_info("register: profile of person %lld updated", (long long)c->person_id);
	redirect(c, "/member?done=profile");
}

const struct route register_routes[] = {
	{ "GET", "/register/participant", H(register_participant_form), "register-participant" },
	{ "POST", "/register/participant", H(register_participant_submit), "register-participant-post" },
	{ "GET", "/register/door-opener", H(register_door_opener_form), "register-door-opener" },
	{ "POST", "/register/door-opener", H(register_door_opener_submit), "register-door-opener-post" },
	{ "GET", "/register/participant/sent", H(sent_participant), "register-sent" },
	{ "GET", "/register/door-opener/sent", H(sent_door_opener), "register-sent" },
	{ "GET", "/register/participant/confirmed", H(confirmed_participant), "confirm-done" },
	{ "GET", "/register/door-opener/confirmed", H(confirmed_door_opener), "confirm-done" },
	{ "GET", "/register/door-opener/introduced", H(introduced_door_opener), "relay-registered" },
	{ "GET", "/confirm/:token", H(confirm_page), "confirm" },
	{ "POST", "/confirm/:token", H(confirm_submit), "confirm-post" },
	{ "GET", "/member/profile", H(profile_page), "member-profile" },
	{ "POST", "/member/profile", H(profile_submit), "member-profile-post" },
	{ NULL, NULL, NULL, NULL },
};

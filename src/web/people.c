/* Staff pages about people: the list of registrations with filters (a GET
 * form, no JavaScript, 50 per page) and one person's page with their
 * registrations and status history, consents, e-mails and the optional
 * statistics answers (shown to staff only). Every page needs a staff
 * login; viewing a person is written to the audit log (by id only). */
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "domain/member.h"
#include "domain/refdata.h"
#include "domain/registration.h"
#include "domain/staff.h"
#include "http/path.h"
#include "web/doortree.h"
#include "web/label.h"
#include "web/matches.h"
#include "web/member.h"
#include "web/routes.h"

enum { PAGE_SIZE = 50, PAGE_MAX = 100000, PARAMS_MAX = 24 };

static const char *query(const struct ctx *c, const char *name)
{
	const char *v = form_get(&c->req->query, name);
	return v ? v : "";
}

/* Names of reference codes, remembered for the request (a page of 50 rows
 * names the same sectors and places again and again). */
struct names {
	struct ctx *c;
	size_t n;
	struct { const char *kind, *code, *name; } e[128];
};

static const char *ref_name(struct names *nm, const char *kind, const char *code)
{
	if (!code || !*code)
		return "";
	for (size_t i = 0; i < nm->n; i++)
		if (nm->e[i].kind == kind && strcmp(nm->e[i].code, code) == 0)
			return nm->e[i].name;
	const char *name = refdata_name(nm->c->db, nm->c->a, kind, code, lang_codes[nm->c->lang]);
	if (!name)
		name = arena_strdup(nm->c->a, code);
	if (nm->n < sizeof(nm->e) / sizeof(*nm->e) && name) {
		nm->e[nm->n].kind = kind;
		nm->e[nm->n].code = arena_strdup(nm->c->a, code);
		nm->e[nm->n].name = name;
		if (nm->e[nm->n].code)
			nm->n++;
	}
	return name ? name : "";
}

/* ---- the list ------------------------------------------------------------- */

/* A WHERE clause and its parameters, built one condition at a time. */
struct where {
	struct buf sql;
	size_t n;
	struct { char type; const char *s; int64_t i; } p[PARAMS_MAX];
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

static void param_i(struct where *w, int64_t i)
{
	assert(w->n < PARAMS_MAX);
	w->p[w->n].type = 'i';
	w->p[w->n++].i = i;
}

static int bind_where(struct db_stmt *st, const struct where *w, int first)
{
	for (size_t k = 0; k < w->n; k++) {
		int r = w->p[k].type == 's' ? db_bind_text(st, first + (int)k, w->p[k].s)
					    : db_bind_int(st, first + (int)k, w->p[k].i);
		if (r)
			return -1;
	}
	return 0;
}

/* "YYYY-MM-DD" as the local midnight that begins that day (days_after
 * days later); false when it is not a real date. */
static bool parse_day(const char *s, int days_after, int64_t *out)
{
	int y, m, d;
	char tail;
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] || (m == 2 && d == 29 && !leap))
		return false;
	struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d + days_after, .tm_isdst = -1 };
	time_t t = mktime(&tm);
	if (t == (time_t)-1)
		return false;
	*out = (int64_t)t;
	return true;
}

/* The filters of the form, by query-string name. */
static const char *const filter_names[] = { "q", "role", "status", "sector", "region", "municipality",
					    "language", "from", "to" };
enum { NFILTERS = sizeof(filter_names) / sizeof(*filter_names) };

/* The list's address with the current filters and another page number. */
static const char *page_href(struct ctx *c, const char *const *vals, long page)
{
	struct buf b = BUF_INIT(8192);
	buf_printf(&b, "/%s/admin/people?", lang_codes[c->lang]);
	for (size_t i = 0; i < NFILTERS; i++) {
		if (!*vals[i])
			continue;
		buf_adds(&b, filter_names[i]);
		buf_addc(&b, '=');
		buf_adds(&b, path_query_encode(c->a, vals[i]));
		buf_addc(&b, '&');
	}
	buf_printf(&b, "page=%ld", page);
	const char *s = arena_strdup(c->a, buf_str(&b));
	buf_free(&b);
	return s;
}

/* Options of a select: value, label, selected. */
static struct tval *option(struct ctx *c, const char *value, const char *label, const char *current)
{
	struct tval *o = tv_map(c->a);
	tv_set_str(o, "value", value);
	tv_set_str(o, "label", label);
	tv_set_bool(o, "selected", current && strcmp(value, current) == 0);
	return o;
}

static struct tval *ref_options(struct ctx *c, const char *kind, const char *filter, const char *current)
{
	struct tval *list = tv_list(c->a);
	struct ref_item *items = NULL;
	size_t n = 0;
	if (refdata_list(c->db, c->a, kind, lang_codes[c->lang], filter, &items, &n) == 0)
		for (size_t i = 0; i < n; i++) {
			const char *label = items[i].name;
			if (strcmp(kind, "municipality") == 0 && items[i].group && *items[i].group)
				label = arena_printf(c->a, "%s (%s)", items[i].name, items[i].group);
			tv_push(list, option(c, items[i].code, label ? label : items[i].code, current));
		}
	return list;
}

/* Meeting languages that someone actually gave, by name (sv, fi, en first). */
static struct tval *language_options(struct ctx *c, const char *current)
{
	struct lang_opt {
		const char *code, *name;
	} langs[400];
	size_t n = 0;
	struct db_stmt *st = db_prepare(c->db, "SELECT DISTINCT lang FROM person_languages");
	while (st && db_step(st) == DB_ROW && n < sizeof(langs) / sizeof(*langs)) {
		const char *code = arena_strdup(c->a, db_col_text(st, 0));
		if (!code)
			break;
		const char *name = refdata_name(c->db, c->a, "language", code, lang_codes[c->lang]);
		langs[n].code = code;
		langs[n++].name = name ? name : code;
	}
	db_finalize(st);
	/* Insertion sort: a few dozen entries. */
	static const char *const first[] = { "sv", "fi", "en" };
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0; j--) {
			int ra = 3, rb = 3;
			for (int k = 0; k < 3; k++) {
				if (!strcmp(langs[j - 1].code, first[k]))
					ra = k;
				if (!strcmp(langs[j].code, first[k]))
					rb = k;
			}
			if (ra < rb || (ra == rb && refdata_collate(lang_codes[c->lang], langs[j - 1].name, langs[j].name) <= 0))
				break;
			struct lang_opt t = langs[j];
			langs[j] = langs[j - 1];
			langs[j - 1] = t;
		}
	struct tval *list = tv_list(c->a);
	for (size_t i = 0; i < n; i++)
		tv_push(list, option(c, langs[i].code, langs[i].name, current));
	return list;
}

static const char *const known_statuses[] = { "unconfirmed", "waiting", "matched", "met", "withdrawn", "expired",
					      "closed" };

static struct tval *status_options(struct ctx *c, const char *current)
{
	struct tval *list = tv_list(c->a);
	for (size_t i = 0; i < sizeof(known_statuses) / sizeof(*known_statuses); i++)
		tv_push(list, option(c, known_statuses[i], member_status_name(c, known_statuses[i]), current));
	/* Statuses later work adds show up without a change here. */
	struct db_stmt *st = db_prepare(c->db, "SELECT DISTINCT status FROM registrations"
					       " WHERE status NOT IN ('unconfirmed', 'waiting', 'matched', 'met', 'withdrawn', 'expired', 'closed')"
					       " ORDER BY status");
	while (st && db_step(st) == DB_ROW) {
		const char *s = arena_strdup(c->a, db_col_text(st, 0));
		if (s)
			tv_push(list, option(c, s, member_status_name(c, s), current));
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
	tv_set_str(c->data, arena_printf(c->a, "%s_error", field), msg);
}

static void people_list(struct ctx *c)
{
	if (!ctx_need_staff(c))
		return;
	page_render_prepare(c);
	const char *vals[NFILTERS];
	struct tval *filters = tv_map(c->a);
	for (size_t i = 0; i < NFILTERS; i++) {
		vals[i] = query(c, filter_names[i]);
		if (strlen(vals[i]) > 200)
			vals[i] = "";
		tv_set_str(filters, filter_names[i], vals[i]);
	}
	tv_set(c->data, "filter", filters);
	const char *q = vals[0], *role = vals[1], *status = vals[2], *sector = vals[3], *region = vals[4],
		   *muni = vals[5], *language = vals[6], *from = vals[7], *to = vals[8];

	struct tval *roles = tv_list(c->a);
	tv_push(roles, option(c, "participant", member_role_name(c, "participant"), role));
	tv_push(roles, option(c, "door_opener", member_role_name(c, "door_opener"), role));
	tv_set(c->data, "roles", roles);
	tv_set(c->data, "statuses", status_options(c, status));
	tv_set(c->data, "sectors", ref_options(c, "sector", NULL, sector));
	tv_set(c->data, "regions", ref_options(c, "region", c->app->cfg.countries, region));
	tv_set(c->data, "municipalities", ref_options(c, "municipality", c->app->cfg.countries, muni));
	tv_set(c->data, "meeting_languages", language_options(c, language));

	struct where w = { .sql = BUF_INIT(4096) };
	struct tval *errors = tv_list(c->a);
	int64_t t_from = 0, t_to = 0;
	if (*from && !parse_day(from, 0, &t_from))
		add_error(c, errors, "from", ctx_tr(c, "Enter the date as year-month-day, for example 2026-03-31."));
	if (*to && !parse_day(to, 1, &t_to))
		add_error(c, errors, "to", ctx_tr(c, "Enter the date as year-month-day, for example 2026-03-31."));
	if (*from && *to && t_from && t_to && t_to <= t_from)
		add_error(c, errors, "to", ctx_tr(c, "The end date is before the start date."));
	if (tv_len(errors)) {
		tv_set(c->data, "errors", errors);
		c->resp->status = 422;
		page_render(c, "admin_people", "admin-people");
		buf_free(&w.sql);
		return;
	}
	if (*q) {
		const char *like = NULL;
		struct buf b = BUF_INIT(1024);
		buf_addc(&b, '%');
		for (const char *s = q; *s; s++) {
			if (*s == '%' || *s == '_' || *s == '\\')
				buf_addc(&b, '\\');
			buf_addc(&b, *s);
		}
		buf_addc(&b, '%');
		like = arena_strdup(c->a, buf_str(&b));
		buf_free(&b);
		cond(&w, "(LOWER(COALESCE(p.email, '')) LIKE LOWER(?) ESCAPE '\\'"
			 " OR LOWER(p.first_name || ' ' || p.last_name) LIKE LOWER(?) ESCAPE '\\')");
		param_s(&w, like);
		param_s(&w, like);
	}
	if (*role) {
		cond(&w, "r.role = ?");
		param_s(&w, role);
	}
	if (*status) {
		cond(&w, "r.status = ?");
		param_s(&w, status);
	}
	if (*sector) {
		cond(&w, "p.sector = ?");
		param_s(&w, sector);
	}
	if (*region) {
		cond(&w, "(p.region = ? OR p.municipality IN (SELECT code FROM ref_entries"
			 " WHERE kind = 'municipality' AND parent = ?))");
		param_s(&w, region);
		param_s(&w, region);
	}
	if (*muni) {
		cond(&w, "p.municipality = ?");
		param_s(&w, muni);
	}
	if (*language) {
		cond(&w, "EXISTS (SELECT 1 FROM person_languages l WHERE l.person_id = p.id AND l.lang = ?)");
		param_s(&w, language);
	}
	if (*from) {
		cond(&w, "r.created_at >= ?");
		param_i(&w, t_from);
	}
	if (*to) {
		cond(&w, "r.created_at < ?");
		param_i(&w, t_to);
	}
	const char *from_sql = "FROM registrations r JOIN people p ON p.id = r.person_id WHERE 1 = 1";
	long page = 1;
	const char *pg = query(c, "page");
	int64_t pv;
	if (member_parse_id(pg, &pv) && pv <= PAGE_MAX)
		page = (long)pv;

	int64_t total = -1;
	const char *sql = arena_printf(c->a, "SELECT COUNT(*) %s%s", from_sql, buf_str(&w.sql));
	struct db_stmt *st = sql ? db_prepare(c->db, sql) : NULL;
	if (st && bind_where(st, &w, 1) == 0 && db_step(st) == DB_ROW)
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

	struct names nm = { .c = c };
	struct tval *rows = tv_list(c->a);
	sql = arena_printf(c->a, "SELECT r.id, r.person_id, r.role, r.status, r.created_at, p.first_name, p.last_name,"
				 " p.email, p.sector, p.municipality, p.region, p.erased_at %s%s"
				 " ORDER BY r.created_at DESC, r.id DESC LIMIT %d OFFSET %ld",
			   from_sql, buf_str(&w.sql), PAGE_SIZE, (page - 1) * PAGE_SIZE);
	st = sql ? db_prepare(c->db, sql) : NULL;
	if (st && bind_where(st, &w, 1) == 0) {
		while (db_step(st) == DB_ROW) {
			struct tval *r = tv_map(c->a);
			tv_set_int(r, "id", (long long)db_col_int(st, 0));
			tv_set_int(r, "person_id", (long long)db_col_int(st, 1));
			tv_set_str(r, "role_name", member_role_name(c, db_col_text(st, 2)));
			tv_set_str(r, "status_name", member_status_name(c, db_col_text(st, 3)));
			tv_set_str(r, "created", member_date(c, db_col_int(st, 4)));
			tv_set_str(r, "name", arena_printf(c->a, "%s %s", db_col_text(st, 5), db_col_text(st, 6)));
			tv_set_str(r, "email", db_col_text(st, 7));
			tv_set_str(r, "sector", ref_name(&nm, "sector", db_col_text(st, 8)));
			const char *m = db_col_text(st, 9);
			tv_set_str(r, "place", m && *m ? ref_name(&nm, "municipality", m)
						       : ref_name(&nm, "region", db_col_text(st, 10)));
			tv_set_bool(r, "erased", !db_col_null(st, 11));
			tv_push(rows, r);
		}
	}
	db_finalize(st);
	tv_set(c->data, "rows", rows);
	tv_set_int(c->data, "total", (long long)total);
	tv_set_int(c->data, "page", page);
	tv_set_int(c->data, "pages", pages);
	tv_set_int(c->data, "first", total ? (page - 1) * PAGE_SIZE + 1 : 0);
	tv_set_int(c->data, "last", (long long)((page - 1) * PAGE_SIZE + (long)tv_len(rows)));
	if (page > 1)
		tv_set_str(c->data, "prev_href", page_href(c, vals, page - 1));
	if (page < pages)
		tv_set_str(c->data, "next_href", page_href(c, vals, page + 1));
	buf_free(&w.sql);
	page_render(c, "admin_people", "admin-people");
}

/* ---- one person -------------------------------------------------------------- */

static const char *gender_label(const char *g)
{
	if (!strcmp(g, "woman"))
		return N_("Woman");
	if (!strcmp(g, "man"))
		return N_("Man");
	if (!strcmp(g, "other"))
		return N_("Other");
	return g;
}

static const char *mode_label(const char *m)
{
	if (!strcmp(m, "in_person"))
		return N_("In person");
	if (!strcmp(m, "online"))
		return N_("Online");
	if (!strcmp(m, "either"))
		return N_("In person or online");
	return m;
}


static void set_opt_int(struct tval *m, const char *key, struct db_stmt *st, int col)
{
	if (!db_col_null(st, col))
		tv_set_int(m, key, (long long)db_col_int(st, col));
}

/* The person row into data.person; false when there is none. */
static bool person_tv(struct ctx *c, struct names *nm, int64_t id)
{
	struct db_stmt *st = db_prepare(c->db,
		"SELECT email, first_name, last_name, phone, mail_lang, sector, occupation, job_title, experience_years,"
		" education, municipality, meeting_mode, intro, link, employer, gender, birth_year, birth_country,"
		" arrival_year, created_at, updated_at, erased_at, region FROM people WHERE id = ?");
	bool ok = false;
	if (st && db_bind_int(st, 1, id) == 0 && db_step(st) == DB_ROW) {
		ok = true;
		struct tval *p = tv_map(c->a);
		tv_set_int(p, "id", (long long)id);
		tv_set_str(p, "email", db_col_text(st, 0));
		tv_set_str(p, "name", arena_printf(c->a, "%s %s", db_col_text(st, 1), db_col_text(st, 2)));
		tv_set_str(p, "phone", db_col_text(st, 3));
		enum lang ml = lang_from_code(db_col_text(st, 4));
		tv_set_str(p, "mail_lang", ml == LANG_COUNT ? db_col_text(st, 4) : lang_names[ml]);
		tv_set_str(p, "sector", ref_name(nm, "sector", db_col_text(st, 5)));
		const char *occ = db_col_text(st, 6);
		if (occ && *occ)
			tv_set_str(p, "occupation", arena_printf(c->a, "%s (%s)", ref_name(nm, "occupation", occ), occ));
		tv_set_str(p, "job_title", db_col_text(st, 7));
		set_opt_int(p, "experience", st, 8);
		tv_set_str(p, "education", ref_name(nm, "education", db_col_text(st, 9)));
		const char *muni = db_col_text(st, 10);
		const char *region = muni && *muni ? refdata_region(c->db, c->a, muni) : db_col_text(st, 22);
		tv_set_str(p, "municipality", ref_name(nm, "municipality", muni));
		tv_set_str(p, "region", ref_name(nm, "region", region));
		tv_set_str(p, "meeting_mode", ctx_tr(c, mode_label(db_col_text(st, 11))));
		tv_set_str(p, "intro", db_col_text(st, 12));
		tv_set_str(p, "link", db_col_text(st, 13));
		tv_set_str(p, "employer", db_col_text(st, 14));
		const char *g = db_col_text(st, 15);
		if (g && *g)
			tv_set_str(p, "gender", ctx_tr(c, gender_label(g)));
		set_opt_int(p, "birth_year", st, 16);
		const char *bc = db_col_text(st, 17);
		if (bc && *bc)
			tv_set_str(p, "birth_country", ref_name(nm, "country", bc));
		set_opt_int(p, "arrival_year", st, 18);
		tv_set_str(p, "created", member_datetime(c, db_col_int(st, 19)));
		tv_set_str(p, "updated", member_datetime(c, db_col_int(st, 20)));
		if (!db_col_null(st, 21))
			tv_set_str(p, "erased", member_datetime(c, db_col_int(st, 21)));
		tv_set(c->data, "person", p);
	}
	db_finalize(st);
	return ok;
}

static struct tval *languages_tv(struct ctx *c, struct names *nm, int64_t id)
{
	struct tval *list = tv_list(c->a);
	struct db_stmt *st = db_prepare(c->db, "SELECT lang FROM person_languages WHERE person_id = ? ORDER BY"
					       " CASE lang WHEN 'sv' THEN 0 WHEN 'fi' THEN 1 WHEN 'en' THEN 2 ELSE 3 END, lang");
	if (st && db_bind_int(st, 1, id) == 0)
		while (db_step(st) == DB_ROW)
			tv_push(list, tv_strdup(c->a, ref_name(nm, "language", db_col_text(st, 0))));
	db_finalize(st);
	return list;
}

static struct tval *events_tv(struct ctx *c, int64_t reg)
{
	struct tval *list = tv_list(c->a);
	struct db_stmt *st = db_prepare(c->db, "SELECT at, from_status, to_status, actor, reason FROM registration_events"
					       " WHERE registration_id = ? ORDER BY at, id");
	if (st && db_bind_int(st, 1, reg) == 0)
		while (db_step(st) == DB_ROW) {
			struct tval *e = tv_map(c->a);
			tv_set_str(e, "at", member_datetime(c, db_col_int(st, 0)));
			const char *from = db_col_text(st, 1);
			tv_set_str(e, "from", from && *from ? member_status_name(c, from) : "");
			tv_set_str(e, "to", member_status_name(c, db_col_text(st, 2)));
			tv_set_str(e, "actor", label_actor(c, db_col_text(st, 3)));
			tv_set_str(e, "reason", db_col_text(st, 4));
			tv_push(list, e);
		}
	db_finalize(st);
	return list;
}

static struct tval *eligibility_tv(struct ctx *c, int64_t reg)
{
	struct tval *list = tv_list(c->a);
	struct db_stmt *st = db_prepare(c->db, "SELECT statement FROM registration_eligibility WHERE registration_id = ?"
					       " ORDER BY statement");
	if (st && db_bind_int(st, 1, reg) == 0)
		while (db_step(st) == DB_ROW) {
			const char *id = db_col_text(st, 0);
			const struct eligibility *e = eligibility_find(id);
			tv_push(list, tv_strdup(c->a, e ? ctx_tr(c, e->text) : id));
		}
	db_finalize(st);
	return list;
}

static struct tval *registrations_tv(struct ctx *c, int64_t id)
{
	struct tval *list = tv_list(c->a);
	struct db_stmt *st = db_prepare(c->db, "SELECT id, role, status, capacity, created_at, confirmed_at, status_at"
					       " FROM registrations WHERE person_id = ? ORDER BY created_at DESC, id DESC");
	if (st && db_bind_int(st, 1, id) == 0)
		while (db_step(st) == DB_ROW) {
			struct tval *r = tv_map(c->a);
			int64_t rid = db_col_int(st, 0);
			const char *role = db_col_text(st, 1);
			tv_set_int(r, "id", (long long)rid);
			tv_set_str(r, "role_name", member_role_name(c, role));
			tv_set_bool(r, "door_opener", role && !strcmp(role, "door_opener"));
			tv_set_bool(r, "can_match", role && !strcmp(role, "participant") && !strcmp(db_col_text(st, 2), "waiting"));
			tv_set_str(r, "status_name", member_status_name(c, db_col_text(st, 2)));
			tv_set_int(r, "capacity", (long long)db_col_int(st, 3));
			tv_set_str(r, "created", member_datetime(c, db_col_int(st, 4)));
			if (!db_col_null(st, 5))
				tv_set_str(r, "confirmed", member_datetime(c, db_col_int(st, 5)));
			tv_set_str(r, "status_at", member_datetime(c, db_col_int(st, 6)));
			tv_push(list, r);
		}
	db_finalize(st);
	/* Events and statements per registration, after the list's statement
	 * is done (one statement at a time per connection keeps it simple). */
	for (size_t i = 0; i < tv_len(list); i++) {
		struct tval *r = (struct tval *)tv_at(list, i);
		int64_t rid = tv_as_int(tv_get(r, "id"));
		tv_set(r, "events", events_tv(c, rid));
		tv_set(r, "eligibility", eligibility_tv(c, rid));
		tv_set(r, "matches", matches_of_registration(c, rid));
	}
	return list;
}

static struct tval *consents_tv(struct ctx *c, int64_t id)
{
	struct tval *list = tv_list(c->a);
	struct db_stmt *st = db_prepare(c->db, "SELECT notice_version, lang, at, registration_id FROM consents"
					       " WHERE person_id = ? ORDER BY at DESC, id DESC");
	if (st && db_bind_int(st, 1, id) == 0)
		while (db_step(st) == DB_ROW) {
			struct tval *r = tv_map(c->a);
			tv_set_str(r, "version", db_col_text(st, 0));
			enum lang l = lang_from_code(db_col_text(st, 1));
			tv_set_str(r, "lang", l == LANG_COUNT ? db_col_text(st, 1) : lang_names[l]);
			tv_set_str(r, "at", member_datetime(c, db_col_int(st, 2)));
			set_opt_int(r, "registration_id", st, 3);
			tv_push(list, r);
		}
	db_finalize(st);
	return list;
}

static const char *mail_status_label(const char *s)
{
	if (!strcmp(s, "queued"))
		return N_("Waiting to be sent");
	if (!strcmp(s, "sending"))
		return N_("Being sent");
	if (!strcmp(s, "sent"))
		return N_("Sent");
	if (!strcmp(s, "failed"))
		return N_("Failed");
	return s;
}

static struct tval *emails_tv(struct ctx *c, int64_t id)
{
	struct tval *list = tv_list(c->a);
	struct db_stmt *st = db_prepare(c->db, "SELECT id, subject, status, created_at, sent_at, to_email FROM outbox"
					       " WHERE person_id = ? ORDER BY created_at DESC, id DESC LIMIT 200");
	if (st && db_bind_int(st, 1, id) == 0)
		while (db_step(st) == DB_ROW) {
			struct tval *r = tv_map(c->a);
			tv_set_int(r, "id", (long long)db_col_int(st, 0));
			tv_set_str(r, "subject", db_col_text(st, 1));
			tv_set_str(r, "status", ctx_tr(c, mail_status_label(db_col_text(st, 2))));
			tv_set_str(r, "created", member_datetime(c, db_col_int(st, 3)));
			if (!db_col_null(st, 4))
				tv_set_str(r, "sent", member_datetime(c, db_col_int(st, 4)));
			tv_set_str(r, "to", db_col_text(st, 5));
			tv_push(list, r);
		}
	db_finalize(st);
	return list;
}

static void person_page(struct ctx *c)
{
	if (!ctx_need_staff(c))
		return;
	int64_t id;
	if (!member_parse_id(route_param(&c->m, "id"), &id)) {
		page_error(c, 404);
		return;
	}
	page_render_prepare(c);
	struct names nm = { .c = c };
	if (!person_tv(c, &nm, id)) {
		page_error(c, 404);
		return;
	}
	tv_set(c->data, "languages_spoken", languages_tv(c, &nm, id));
	tv_set(c->data, "registrations", registrations_tv(c, id));
	tv_set(c->data, "consents", consents_tv(c, id));
	tv_set(c->data, "emails", emails_tv(c, id));
	/* The door tree of someone who took part as a participant (the
	 * relay, web/doortree.h): full names, links to the matches. */
	if (db_int(c->db, 0, "SELECT COUNT(*) FROM registrations WHERE person_id = ? AND role = 'participant'", "i",
		   id) > 0) {
		const struct tval *p = tv_get(c->data, "person");
		const char *name = tv_get(p, "erased") ? ctx_tr(c, "Participant") : tv_as_str(tv_get(p, "name"));
		struct tval *tree = doortree_for_person(c, id, true, name);
		if (!tree) {
			page_error(c, 500);
			return;
		}
		tv_set(c->data, "tree", tree);
	}
	char detail[48];
	snprintf(detail, sizeof(detail), "person %lld", (long long)id);
	audit(c->db, c->staff_id, "person_view", detail);
	page_render(c, "admin_people_person", "admin-person");
}

const struct route people_routes[] = {
	{ "GET", "/admin/people", H(people_list), "admin-people" },
	{ "GET", "/admin/people/:id", H(person_page), "admin-person" },
	{ NULL, NULL, NULL, NULL },
};

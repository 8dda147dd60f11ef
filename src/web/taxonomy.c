/* Staff pages for the reference data ("taxonomies"): see every kind, search
 * its entries, give an entry a name of its own in any language, hide it from
 * the forms or show it again. Loaded data is never changed here: the edits
 * live apart (domain/refdata.h) and survive `ovi migrate`. Every change is
 * audit-logged as taxonomy_edit with "<kind>:<code>". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "domain/refdata.h"
#include "domain/staff.h"
#include "http/form.h"
#include "http/path.h"
#include "web/app.h"
#include "web/routes.h"

enum { PAGE_SIZE = 100, QUERY_MAX = 100, PAGE_MAX = 1000 };

static const struct { const char *kind, *label, *hint; } kinds[] = {
	{ "sector", N_("Sectors"), N_("The fields of work a person chooses first.") },
	{ "occupation", N_("Occupations (ISCO-08)"), N_("Occupations within the sectors, by their ISCO-08 codes.") },
	{ "region", N_("Regions"), N_("Finland's regions and Sweden's counties.") },
	{ "municipality", N_("Municipalities"), N_("Where people live or work.") },
	{ "country", N_("Countries"), N_("Country of birth, for statistics.") },
	{ "language", N_("Languages"), N_("Languages people can hold a meeting in.") },
	{ "education", N_("Education levels"), N_("The highest education a person has.") },
};

static const char *kind_label(const char *kind)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(*kinds); i++)
		if (strcmp(kinds[i].kind, kind) == 0)
			return kinds[i].label;
	return NULL;
}

/* Staff only: anybody else goes to the staff login. */
static const char *query_arg(const struct ctx *c, const char *name)
{
	const char *v = form_get(&c->req->query, name);
	return v ? v : "";
}

/* The list page's address, keeping its search and page. */
static const char *list_href(struct ctx *c, const char *kind, const char *q, long page)
{
	const char *base = arena_printf(c->a, "/%s/admin/taxonomy/%s", lang_codes[c->lang], kind);
	if (*q && page > 1)
		return arena_printf(c->a, "%s?q=%s&page=%ld", base, path_query_encode(c->a, q), page);
	if (*q)
		return arena_printf(c->a, "%s?q=%s", base, path_query_encode(c->a, q));
	if (page > 1)
		return arena_printf(c->a, "%s?page=%ld", base, page);
	return base;
}

static long page_arg(const char *s)
{
	char *end;
	long p = strtol(s, &end, 10);
	return (*s && !*end && p >= 1 && p <= PAGE_MAX) ? p : 1;
}

/* GET /admin/taxonomy: the kinds, with how many entries and how many hidden. */
static void taxonomy_index(struct ctx *c)
{
	if (!ctx_need_staff(c))
		return;
	page_render_prepare(c);
	struct tval *list = tv_list(c->a);
	for (size_t i = 0; i < sizeof(kinds) / sizeof(*kinds); i++) {
		struct tval *k = tv_map(c->a);
		tv_set_str(k, "label", ctx_tr(c, kinds[i].label));
		tv_set_str(k, "hint", ctx_tr(c, kinds[i].hint));
		tv_set_str(k, "href", arena_printf(c->a, "/%s/admin/taxonomy/%s", lang_codes[c->lang], kinds[i].kind));
		tv_set_int(k, "count", db_int(c->db, 0, "SELECT COUNT(*) FROM ref_entries WHERE kind = ? AND retired = 0",
					      "s", kinds[i].kind));
		tv_set_int(k, "hidden", db_int(c->db, 0, "SELECT COUNT(*) FROM ref_overrides WHERE kind = ? AND hidden = 1",
					       "s", kinds[i].kind));
		tv_push(list, k);
	}
	tv_set(c->data, "kinds", list);
	page_render(c, "admin_taxonomy", "admin-taxonomy");
}

/* GET /admin/taxonomy/:kind?q=&page= : a searchable, paged table. */
static void taxonomy_list(struct ctx *c)
{
	if (!ctx_need_staff(c))
		return;
	const char *kind = route_param(&c->m, "kind");
	if (!kind || !kind_label(kind)) {
		page_error(c, 404);
		return;
	}
	const char *q = query_arg(c, "q");
	if (strlen(q) > QUERY_MAX)
		q = "";
	long page = page_arg(query_arg(c, "page"));
	struct ref_admin_entry *v;
	size_t n, total;
	if (refdata_admin_list(c->db, c->a, kind, lang_codes[c->lang], q, (size_t)(page - 1) * PAGE_SIZE, PAGE_SIZE,
			       &v, &n, &total)) {
		page_error(c, 500);
		return;
	}
	page_render_prepare(c);
	struct tval *rows = tv_list(c->a);
	for (size_t i = 0; i < n; i++) {
		struct tval *r = tv_map(c->a);
		tv_set_str(r, "code", v[i].code);
		tv_set_str(r, "name", v[i].name);
		tv_set_str(r, "href", arena_printf(c->a, "/%s/admin/taxonomy/%s/%s", lang_codes[c->lang], kind,
						   path_query_encode(c->a, v[i].code)));
		tv_set_bool(r, "hidden", v[i].hidden);
		tv_set_bool(r, "retired", v[i].retired);
		tv_set_bool(r, "renamed", v[i].custom[0] || v[i].custom[1] || v[i].custom[2]);
		tv_push(rows, r);
	}
	size_t pages = (total + PAGE_SIZE - 1) / PAGE_SIZE;
	tv_set(c->data, "entries", rows);
	tv_set_str(c->data, "tax_kind", kind);
	tv_set_str(c->data, "tax_label", ctx_tr(c, kind_label(kind)));
	tv_set_str(c->data, "q", q);
	tv_set_int(c->data, "total", (long long)total);
	tv_set_int(c->data, "page_no", page);
	tv_set_int(c->data, "pages", (long long)(pages ? pages : 1));
	tv_set_str(c->data, "back", list_href(c, kind, q, page));
	if (page > 1)
		tv_set_str(c->data, "prev_href", list_href(c, kind, q, page - 1));
	if ((size_t)page < pages)
		tv_set_str(c->data, "next_href", list_href(c, kind, q, page + 1));
	page_render(c, "admin_taxonomy_list", "admin-taxonomy");
}

static const char *const lang_fields[3] = { "name_sv", "name_fi", "name_en" };

/* The edit page of one entry; values/errors are set by the POST handler on
 * a failed save (status 422), else the stored names are shown. */
static void entry_page(struct ctx *c, const char *kind, const char *code, const struct ref_admin_entry *e,
		       const char *values[3], struct tval *errors)
{
	page_render_prepare(c);
	tv_set_str(c->data, "tax_kind", kind);
	tv_set_str(c->data, "tax_label", ctx_tr(c, kind_label(kind)));
	tv_set_str(c->data, "code", code);
	tv_set_str(c->data, "name", e->name);
	tv_set_bool(c->data, "hidden", e->hidden);
	tv_set_bool(c->data, "retired", e->retired);
	tv_set_str(c->data, "action", arena_printf(c->a, "/%s/admin/taxonomy/%s/%s", lang_codes[c->lang], kind,
						   path_query_encode(c->a, code)));
	tv_set_str(c->data, "list_href", arena_printf(c->a, "/%s/admin/taxonomy/%s", lang_codes[c->lang], kind));
	tv_set_bool(c->data, "saved", strcmp(query_arg(c, "saved"), "1") == 0);
	static const char *const labels[3] = { N_("Name in Swedish"), N_("Name in Finnish"), N_("Name in English") };
	struct tval *fields = tv_list(c->a);
	for (int i = 0; i < 3; i++) {
		struct tval *f = tv_map(c->a);
		tv_set_str(f, "id", lang_fields[i]);
		tv_set_str(f, "label", ctx_tr(c, labels[i]));
		tv_set_str(f, "value", values ? values[i] : e->custom[i] ? e->custom[i] : "");
		tv_set_str(f, "loaded", e->loaded[i]);
		for (size_t j = 0; errors && j < tv_len(errors); j++) {
			const struct tval *err = tv_at(errors, j);
			const char *field = tv_as_str(tv_get(err, "field"));
			if (field && strcmp(field, lang_fields[i]) == 0)
				tv_set_str(f, "error", tv_as_str(tv_get(err, "message")));
		}
		tv_push(fields, f);
	}
	tv_set(c->data, "fields", fields);
	if (errors)
		tv_set(c->data, "errors", errors);
	page_render(c, "admin_taxonomy_entry", "admin-taxonomy");
}

/* The entry named by the route, or NULL after answering 404. */
static const struct ref_admin_entry *route_entry(struct ctx *c, const char **kind, const char **code)
{
	*kind = route_param(&c->m, "kind");
	*code = route_param(&c->m, "code");
	struct ref_admin_entry *e = arena_alloc(c->a, sizeof(*e));
	if (!e) {
		page_error(c, 500);
		return NULL;
	}
	if (!*kind || !*code || !kind_label(*kind) || strlen(*code) > 16 ||
	    refdata_admin_get(c->db, c->a, *kind, *code, lang_codes[c->lang], e)) {
		page_error(c, 404);
		return NULL;
	}
	return e;
}

/* GET /admin/taxonomy/:kind/:code */
static void taxonomy_entry(struct ctx *c)
{
	if (!ctx_need_staff(c))
		return;
	const char *kind, *code;
	const struct ref_admin_entry *e = route_entry(c, &kind, &code);
	if (e)
		entry_page(c, kind, code, e, NULL, NULL);
}

/* POST /admin/taxonomy/:kind/:code: the three names at once; an empty
 * field gives the name from the data back. */
static void taxonomy_rename(struct ctx *c)
{
	if (!ctx_need_staff(c))
		return;
	const char *kind, *code;
	const struct ref_admin_entry *e = route_entry(c, &kind, &code);
	if (!e)
		return;
	const char *values[3];
	struct tval *errors = tv_list(c->a);
	for (int i = 0; i < 3; i++) {
		values[i] = ctx_field(c, lang_fields[i]);
		/* Spaces around a name are never meant. */
		while (*values[i] == ' ')
			values[i]++;
		size_t len = strlen(values[i]);
		while (len > 0 && values[i][len - 1] == ' ')
			len--;
		values[i] = arena_strndup(c->a, values[i], len);
		if (!values[i]) {
			page_error(c, 500);
			return;
		}
		if (!refdata_name_ok(values[i])) {
			struct tval *err = tv_map(c->a);
			tv_set_str(err, "field", lang_fields[i]);
			tv_set_str(err, "message",
				   ctx_tr(c, "A name can have at most 200 characters and no control characters."));
			tv_push(errors, err);
		}
	}
	if (tv_len(errors) > 0) {
		c->resp->status = 422;
		entry_page(c, kind, code, e, values, errors);
		return;
	}
	bool changed = false;
	if (db_begin(c->db)) {
		page_error(c, 500);
		return;
	}
	int rc = 0;
	for (int i = 0; i < 3 && rc == 0; i++) {
		const char *old = e->custom[i] ? e->custom[i] : "";
		if (strcmp(old, values[i]) == 0)
			continue;
		rc = refdata_rename(c->db, kind, code, lang_codes[i], values[i], c->now);
		changed = true;
	}
	if (rc == 0 && changed)
		rc = audit(c->db, c->staff_id, "taxonomy_edit", arena_printf(c->a, "%s:%s", kind, code));
	if (rc || db_commit(c->db)) {
		db_rollback(c->db);
		page_error(c, 500);
		return;
	}
	http_redirect(c->resp, 303, arena_printf(c->a, "/%s/admin/taxonomy/%s/%s?saved=1", lang_codes[c->lang], kind,
						 path_query_encode(c->a, code)));
}

/* POST /admin/taxonomy/:kind/:code/visibility (hidden=1 hides, 0 shows);
 * back to the list page the button was on, or to the entry. */
static void taxonomy_visibility(struct ctx *c)
{
	if (!ctx_need_staff(c))
		return;
	const char *kind, *code;
	const struct ref_admin_entry *e = route_entry(c, &kind, &code);
	if (!e)
		return;
	const char *h = ctx_field(c, "hidden");
	if (strcmp(h, "1") && strcmp(h, "0")) {
		page_error(c, 400);
		return;
	}
	bool hide = strcmp(h, "1") == 0;
	if (hide != e->hidden) {
		if (db_begin(c->db)) {
			page_error(c, 500);
			return;
		}
		if (refdata_set_hidden(c->db, kind, code, hide, c->now) ||
		    audit(c->db, c->staff_id, "taxonomy_edit", arena_printf(c->a, "%s:%s", kind, code)) ||
		    db_commit(c->db)) {
			db_rollback(c->db);
			page_error(c, 500);
			return;
		}
	}
	const char *back = ctx_field(c, "back");
	const char *prefix = arena_printf(c->a, "/%s/admin/taxonomy/%s", lang_codes[c->lang], kind);
	/* Only a page of this very list, never an address from elsewhere. */
	if (*back && strncmp(back, prefix, strlen(prefix)) == 0 && (back[strlen(prefix)] == '\0' ||
								    back[strlen(prefix)] == '?') &&
	    !strpbrk(back, "\r\n\\"))
		http_redirect(c->resp, 303, back);
	else
		http_redirect(c->resp, 303, arena_printf(c->a, "%s/%s?saved=1", prefix, path_query_encode(c->a, code)));
}

const struct route taxonomy_routes[] = {
	{ "GET", "/admin/taxonomy", H(taxonomy_index), "admin-taxonomy" },
	{ "GET", "/admin/taxonomy/:kind", H(taxonomy_list), "admin-taxonomy-list" },
	{ "GET", "/admin/taxonomy/:kind/:code", H(taxonomy_entry), "admin-taxonomy-entry" },
	{ "POST", "/admin/taxonomy/:kind/:code", H(taxonomy_rename), "admin-taxonomy-rename" },
	{ "POST", "/admin/taxonomy/:kind/:code/visibility", H(taxonomy_visibility), "admin-taxonomy-visibility" },
	{ NULL, NULL, NULL, NULL },
};

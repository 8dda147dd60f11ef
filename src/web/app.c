#include "web/app.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/log.h"
#include "domain/session.h"
#include "domain/staff.h"
#include "http/path.h"
#include "i18n/accept_lang.h"
#include "i18n/format.h"
#include "web/routes.h"

/* The pages of the public site and of the staff foundation. The route name
 * is the page id and, for public pages, the template name. Other areas have
 * tables of their own (web/routes.h); app_init joins them. */
const struct route core_routes[] = {
	{ "GET", "/", H(public_page), "home" },
	{ "GET", "/participants", H(public_page), "participants" },
	{ "GET", "/door-openers", H(public_page), "door-openers" },
	{ "GET", "/organisations", H(public_page), "organisations" },
	{ "GET", "/faq", H(public_page), "faq" },
	{ "GET", "/privacy", H(public_page), "privacy" },
	{ "GET", "/contact", H(public_page), "contact" },
	{ "GET", "/guide", H(public_page), "guide" },
	{ "GET", "/contact-templates", H(public_page), "contact-templates" },
	{ "GET", "/recruit", H(public_page), "recruit" },
	{ "GET", "/admin", H(admin_index), "admin" },
	{ "POST", "/admin/login", H(admin_login), "admin-login" },
	{ "POST", "/admin/logout", H(admin_logout), "admin-logout" },
	{ "GET", "/admin/audit", H(admin_audit), "admin-audit" },
	{ NULL, NULL, NULL, NULL },
};

/* Every area's table, in the order routes are tried. */
static const struct route *const areas[] = {
	core_routes, register_routes, member_routes, people_routes, mailbox_routes, taxonomy_routes,
	matching_routes, meet_routes, matches_routes, relay_routes, relay_admin_routes,
	testing_routes,
};

static int join_routes(struct app *app)
{
	size_t n = 0;
	for (size_t i = 0; i < sizeof(areas) / sizeof(*areas); i++)
		for (const struct route *r = areas[i]; r->method; r++)
			n++;
	app->routes = calloc(n ? n : 1, sizeof(*app->routes));
	if (!app->routes)
		return -1;
	for (size_t i = 0; i < sizeof(areas) / sizeof(*areas); i++)
		for (const struct route *r = areas[i]; r->method; r++)
			app->routes[app->nroutes++] = *r;
	return 0;
}

static void close_db(void *p)
{
	db_close(p);
}

struct db *app_db(struct app *app)
{
	struct db *db = pthread_getspecific(app->db_key);
	if (!db) {
		db = db_open(app->cfg.db);
		if (db)
			pthread_setspecific(app->db_key, db);
	}
	return db;
}

static int load_secret(struct app *app)
{
	struct db *db = app_db(app);
	if (!db)
		return -1;
	struct db_stmt *st = db_prepare(db, "SELECT value FROM settings WHERE key = 'secret'");
	int r = -1;
	if (st && db_step(st) == DB_ROW) {
		size_t len = 0;
		const char *hex = db_col_text(st, 0);
		if (hex && sodium_hex2bin(app->secret, sizeof(app->secret), hex, strlen(hex), NULL, &len, NULL) == 0 &&
		    len == sizeof(app->secret))
			r = 0;
	}
	db_finalize(st);
	if (r)
		error("app: no secret in the database; run `ovi migrate` first");
	return r;
}

int app_init(struct app *app, const struct config *cfg)
{
	memset(app, 0, sizeof(*app));
	app->cfg = *cfg;
	if (pthread_key_create(&app->db_key, close_db))
		return error("app: cannot create a thread key");
	if (join_routes(app))
		return -1;
	char dir[2100];
	struct buf err = BUF_INIT(16384);
	snprintf(dir, sizeof(dir), "%s/templates", cfg->share_dir);
	app->tmpl = tmpl_load_dir(dir, &err);
	if (!app->tmpl) {
		error("templates:\n%s", buf_str(&err));
		buf_free(&err);
		return -1;
	}
	buf_free(&err);
	app->i18n = i18n_load(cfg->locale_dir);
	snprintf(dir, sizeof(dir), "%s/static", cfg->share_dir);
	app->statics = static_load(dir);
	app->login_by_addr = ratelimit_new(4096, 20, 600);
	if (!app->i18n || !app->statics || !app->login_by_addr)
		return -1;
	return load_secret(app);
}

void app_free(struct app *app)
{
	struct db *db = pthread_getspecific(app->db_key);
	if (db) {
		db_close(db);
		pthread_setspecific(app->db_key, NULL);
	}
	pthread_key_delete(app->db_key);
	tmpl_free(app->tmpl);
	i18n_free(app->i18n);
	static_free(app->statics);
	ratelimit_free(app->login_by_addr);
	free(app->routes);
}

const char *ctx_tr(const struct ctx *c, const char *msgid)
{
	return i18n_get(c->app->i18n, c->lang, msgid);
}

const char *ctx_cookie(const struct ctx *c, const char *name)
{
	const char *full = c->app->cfg.https ? arena_printf(c->a, "__Host-%s", name) : name;
	return full ? form_get(&c->req->cookies, full) : NULL;
}

bool ctx_need_staff(struct ctx *c)
{
	if (c->staff_id > 0)
		return true;
	http_redirect(c->resp, 303, arena_printf(c->a, "/%s/admin", lang_codes[c->lang]));
	return false;
}

const char *ctx_field(const struct ctx *c, const char *name)
{
	const char *v = form_get(&c->req->body_form, name);
	return v ? v : "";
}

void ctx_set_cookie(struct ctx *c, const char *name, const char *value, long max_age)
{
	bool https = c->app->cfg.https;
	char age[48] = "";
	if (max_age >= 0)
		snprintf(age, sizeof(age), "; Max-Age=%ld", max_age);
	const char *h = arena_printf(c->a, "%s%s=%s; Path=/; HttpOnly; SameSite=Lax%s%s", https ? "__Host-" : "",
				     name, value, https ? "; Secure" : "", age);
	if (h)
		http_resp_header(c->resp, "Set-Cookie", h);
}

/* The language of a request without a prefix: cookie, then Accept-Language,
 * then the configured default. */
static enum lang negotiate(const struct ctx *c)
{
	enum lang l = lang_from_code(ctx_cookie(c, "ovi_lang"));
	if (l != LANG_COUNT)
		return l;
	enum lang def = lang_from_code(c->app->cfg.default_lang);
	const char *al = http_req_header(c->req, "Accept-Language");
	if (al) {
		/* The default first, so that "*" (any language) means the default. */
		const char *order[LANG_COUNT];
		enum lang which[LANG_COUNT];
		int n = 0;
		order[n] = lang_codes[def], which[n++] = def;
		for (int k = 0; k < LANG_COUNT; k++)
			if (k != (int)def)
				order[n] = lang_codes[k], which[n++] = (enum lang)k;
		int i = accept_lang_pick(al, strlen(al), order, (size_t)n);
		if (i >= 0)
			return which[i];
	}
	return def;
}

static void security_headers(struct ctx *c)
{
	struct http_resp *r = c->resp;
	http_resp_header(r, "Content-Security-Policy",
			 "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
			 "frame-ancestors 'none'; base-uri 'none'");
	http_resp_header(r, "X-Content-Type-Options", "nosniff");
	http_resp_header(r, "X-Frame-Options", "DENY");
	http_resp_header(r, "Referrer-Policy", "same-origin");
	http_resp_header(r, "Cross-Origin-Opener-Policy", "same-origin");
	if (c->app->cfg.https)
		http_resp_header(r, "Strict-Transport-Security", "max-age=31536000; includeSubDomains");
}

/* The CSRF token of a form is a keyed MAC of a random per-visitor cookie:
 * another site can neither read the cookie nor forge the MAC. */
static void setup_csrf(struct ctx *c)
{
	const char *cookie = ctx_cookie(c, "ovi_csrf");
	char fresh[TOKEN_LEN + 1];
	if (!token_valid(cookie)) {
		token_random(fresh);
		ctx_set_cookie(c, "ovi_csrf", fresh, -1);
		cookie = fresh;
	}
	token_mac(c->app->secret, cookie, c->csrf);
}

static bool csrf_ok(const struct ctx *c)
{
	const char *cookie = ctx_cookie(c, "ovi_csrf");
	const char *sent = form_get(&c->req->body_form, "csrf");
	if (!token_valid(cookie) || !sent)
		return false;
	char want[TOKEN_LEN + 1];
	token_mac(c->app->secret, cookie, want);
	return token_equal(want, sent);
}

/* Values every template can use (see templates/layout.html). */
static void common_data(struct ctx *c)
{
	struct tval *d = tv_map(c->a);
	c->data = d;
	if (!d)
		return;
	const struct config *cfg = &c->app->cfg;
	tv_set_str(d, "lang", lang_codes[c->lang]);
	tv_set_str(d, "csrf", c->csrf);
	tv_set_str(d, "org_name", cfg->org_name);
	tv_set_str(d, "base_url", cfg->base_url); /* for texts people copy elsewhere (recruit) */
	tv_set_str(d, "contact_email", cfg->contact_email);
	tv_set_str(d, "privacy_version", cfg->privacy_version);
	int y, m, day;
	if (sscanf(cfg->privacy_version, "%d-%d-%d", &y, &m, &day) == 3) {
		struct buf b = BUF_INIT(128);
		fmt_date(&b, lang_codes[c->lang], y, m, day, FMT_DATE_LONG);
		tv_set(d, "privacy_date", tv_strdup(c->a, buf_str(&b)));
		buf_free(&b);
	}
	struct tval *langs = tv_list(c->a);
	const char *rest = c->rest && strcmp(c->rest, "/") ? c->rest : "/";
	for (int l = 0; l < LANG_COUNT && langs; l++) {
		struct tval *it = tv_map(c->a);
		const char *href = arena_printf(c->a, "/%s%s", lang_codes[l], rest);
		tv_set_str(it, "code", lang_codes[l]);
		tv_set_str(it, "name", lang_names[l]);
		tv_set_str(it, "href", href);
		tv_set_str(it, "abs_href", arena_printf(c->a, "%s%s", cfg->base_url, href));
		tv_set_bool(it, "current", l == (int)c->lang);
		tv_push(langs, it);
	}
	tv_set(d, "languages", langs);
	if (c->person_id > 0)
		tv_set_bool(d, "member", true);
	if (c->staff_id > 0) {
		struct tval *s = tv_map(c->a);
		tv_set(s, "email", tv_strdup(c->a, c->staff_email));
		tv_set(d, "staff", s);
	}
}

static const char *tr_cb(const void *p, const char *msgid)
{
	return ctx_tr(p, msgid);
}

void page_render_prepare(struct ctx *c)
{
	if (!c->data)
		common_data(c);
}

void page_render(struct ctx *c, const char *name, const char *page_id)
{
	page_render_prepare(c);
	tv_set_str(c->data, "page", page_id);
	struct tmpl_tr tr = { tr_cb, c };
	buf_reset(&c->resp->body);
	if (tmpl_render(c->app->tmpl, name, c->data, &tr, c->a, &c->resp->body) == 0)
		return;
	error("render: template %s failed", name);
	if (strcmp(name, "error") == 0) {
		/* The error page itself failed: fall back to plain text. */
		buf_reset(&c->resp->body);
		buf_printf(&c->resp->body, "%d\n", c->resp->status);
		c->resp->content_type = "text/plain; charset=utf-8";
		return;
	}
	page_error(c, 500);
}

void page_error(struct ctx *c, int status)
{
	c->resp->status = status;
	page_render_prepare(c);
	/* Statuses that share an explanation share a text ("kind"). */
	int kind = status == 414 || status == 431 ? 413 : status == 415 ? 400 : status;
	tv_set(c->data, "status", tv_strdup(c->a, arena_printf(c->a, "%d", status)));
	tv_set(c->data, "kind", tv_strdup(c->a, arena_printf(c->a, "%d", kind)));
	page_render(c, "error", "error");
}

/* Who is logged in, from the session cookies: a staff member (ovi_session)
 * and/or a member (ovi_member, logged in by e-mail link). */
static void load_member(struct ctx *c)
{
	const char *token = ctx_cookie(c, "ovi_member");
	if (!token)
		return;
	const struct config *cfg = &c->app->cfg;
	c->person_id = session_lookup(c->db, SESSION_MEMBER, token, c->now, cfg->session_idle_s, cfg->session_max_s);
	if (c->person_id < 0)
		ctx_set_cookie(c, "ovi_member", "", 0);
}

static void load_staff(struct ctx *c)
{
	const char *token = ctx_cookie(c, "ovi_session");
	if (!token)
		return;
	const struct config *cfg = &c->app->cfg;
	c->staff_id = session_lookup(c->db, SESSION_STAFF, token, c->now, cfg->session_idle_s, cfg->session_max_s);
	if (c->staff_id > 0 && staff_email(c->db, c->staff_id, c->staff_email, sizeof(c->staff_email)))
		c->staff_id = -1;
	if (c->staff_id < 0)
		ctx_set_cookie(c, "ovi_session", "", 0);
}

/* Answer a request without a language prefix: send it to the same page in
 * the negotiated language, or 404. */
static void unprefixed(struct ctx *c)
{
	const char *path = c->req->path;
	struct route_match m;
	router_match(c->app->routes, c->app->nroutes, "GET", path, c->a, &m);
	if (!m.route && !m.other_method) {
		page_error(c, 404);
		return;
	}
	const char *loc = arena_printf(c->a, "/%s%s", lang_codes[c->lang], strcmp(path, "/") ? path : "/");
	http_redirect(c->resp, 302, loc ? loc : "/");
	http_resp_header(c->resp, "Vary", "Accept-Language, Cookie");
}

/* The rest of the path after a /sv, /fi or /en prefix (setting *l), or NULL. */
static const char *lang_prefix(const char *path, enum lang *l)
{
	for (int i = 0; i < LANG_COUNT; i++) {
		char prefix[8];
		snprintf(prefix, sizeof(prefix), "/%s", lang_codes[i]);
		const char *rest = path_strip_prefix(path, prefix);
		if (rest) {
			*l = (enum lang)i;
			return rest;
		}
	}
	return NULL;
}

void app_handle(void *p, struct http_req *req, struct http_resp *resp)
{
	struct app *app = p;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct ctx c = {
		.app = app, .req = req, .resp = resp, .a = req->a, .staff_id = -1, .person_id = -1,
		.now = clock_now(),
	};
	const char *route_name = "-";
	security_headers(&c);
	http_resp_header(resp, "Cache-Control", "no-cache, private");

	c.lang = negotiate(&c);
	/* A path that could not be decoded still counts its language prefix. */
	const char *rest = lang_prefix(req->error ? req->raw_path : req->path, &c.lang);
	c.rest = rest && *rest ? rest : "/";

	if (req->error) {
		route_name = "bad-request";
		page_error(&c, req->error);
		goto done;
	}
	if (strncmp(req->path, "/static/", 8) == 0 && static_serve(app->statics, req, resp)) {
		route_name = "static";
		goto done;
	}
	c.db = app_db(app);
	if (!c.db) {
		page_error(&c, 503);
		goto done;
	}
	setup_csrf(&c);
	if (!rest) {
		route_name = "redirect";
		unprefixed(&c);
		goto done;
	}
	/* Remember an explicit language choice for later visits to "/". */
	const char *lc = ctx_cookie(&c, "ovi_lang");
	if (!lc || strcmp(lc, lang_codes[c.lang]))
		ctx_set_cookie(&c, "ovi_lang", lang_codes[c.lang], 365L * 24 * 3600);

	load_staff(&c);
	load_member(&c);
	router_match(app->routes, app->nroutes, req->method, c.rest, c.a, &c.m);
	if (!c.m.route) {
		if (c.m.other_method) {
			http_resp_header(resp, "Allow", arena_strdup(c.a, c.m.allow));
			page_error(&c, 405);
		} else {
			page_error(&c, 404);
		}
		goto done;
	}
	route_name = c.m.route->name;
	if (strcmp(req->method, "GET") && strcmp(req->method, "HEAD") && !csrf_ok(&c)) {
		log_info("csrf: refused a %s without a valid token", route_name);
		page_error(&c, 403);
		goto done;
	}
	((page_fn)c.m.route->handler)(&c);
done:
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/* No path, address or query: they may carry personal data. */
	log_info("%s %s %d %.1fms", req->method, route_name, resp->status,
		 (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
}

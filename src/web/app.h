/* The web application: what lives for the whole process (struct app) and
 * what lives for one request (struct ctx). Handlers get a ctx and nothing
 * else: language, session, arena and database travel in it, never in
 * globals. */
#ifndef OVI_APP_H
#define OVI_APP_H
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/config.h"
#include "core/ratelimit.h"
#include "core/token.h"
#include "http/http.h"
#include "http/router.h"
#include "i18n/i18n.h"
#include "store/db.h"
#include "tmpl/tmpl.h"

struct static_files;

struct app {
	struct config cfg;
	struct tmpl_set *tmpl;
	struct i18n *i18n;
	struct static_files *statics;
	struct ratelimit *login_by_addr;
	unsigned char secret[32];   /* CSRF MAC key, from the settings table */
	pthread_key_t db_key;       /* one database connection per thread */
	struct route *routes;       /* every area's routes, joined at start */
	size_t nroutes;
};

struct ctx {
	struct app *app;
	struct http_req *req;
	struct http_resp *resp;
	struct arena *a;
	struct db *db;
	enum lang lang;
	const char *rest;           /* path after the language prefix, "/..." */
	struct route_match m;
	char csrf[TOKEN_LEN + 1];   /* token for this visitor's forms */
	int64_t staff_id;           /* -1 when no staff member is logged in */
	char staff_email[256];
	int64_t person_id;          /* -1 when no member is logged in (cookie ovi_member) */
	struct tval *data;          /* template data, with the common values set */
	int64_t now;
};

typedef void (*page_fn)(struct ctx *c);

/* Load templates, catalogues, static files and the secret; 0 or -1. */
int app_init(struct app *app, const struct config *cfg);
void app_free(struct app *app);
/* The http_handler_fn for the server. */
void app_handle(void *app, struct http_req *req, struct http_resp *resp);
/* This thread's database connection (opened on first use). */
struct db *app_db(struct app *app);

/* Translate in the request's language. */
const char *ctx_tr(const struct ctx *c, const char *msgid);
/* Make c->data (the common template values) so a handler can add its own. */
void page_render_prepare(struct ctx *c);
/* Render template `name` as the response (status stays as set). On a
 * rendering failure the response becomes a 500 page. */
void page_render(struct ctx *c, const char *name, const char *page_id);
/* Answer with the translated error page for `status`. */
void page_error(struct ctx *c, int status);
/* Append a Set-Cookie header; max_age < 0 means a session cookie,
 * 0 deletes it. Names get the __Host- prefix under https. */
void ctx_set_cookie(struct ctx *c, const char *name, const char *value, long max_age);
const char *ctx_cookie(const struct ctx *c, const char *name);
/* Staff pages: true when a staff member is logged in; else the answer
 * becomes a redirect to the staff login and the handler must return. */
bool ctx_need_staff(struct ctx *c);
/* The submitted value of a form field (POST body), or "". */
const char *ctx_field(const struct ctx *c, const char *name);

/* Areas: each registers its routes in routes.c. */
void public_page(struct ctx *c);
void admin_index(struct ctx *c);
void admin_login(struct ctx *c);
void admin_logout(struct ctx *c);
void admin_audit(struct ctx *c);

/* Static files under /static/, loaded into memory at start. */
struct static_files *static_load(const char *dir);
void static_free(struct static_files *s);
/* true when the path was a static file request (answered). */
bool static_serve(const struct static_files *s, struct http_req *req, struct http_resp *resp);

#endif

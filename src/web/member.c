/* The member area: logging in by e-mail link, the member's page with their
 * registrations, withdrawing one, downloading everything we hold (JSON),
 * deleting the account, logging out.
 *
 * Login links never tell whether an address is known: every well-formed
 * request gets the same "check your e-mail" page, whether a link went out,
 * the address is unknown or the person already had MEMBER_LINKS_PER_HOUR
 * links this hour. Requests are also limited per client address (in the
 * shared in-memory limiter, under a key of their own). A link opens a page
 * with a button; only the POST from it logs in (mail scanners open links). */
#include "web/member.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "domain/email_token.h"
#include "domain/member.h"
#include "domain/session.h"
#include "i18n/format.h"
#include "web/doortree.h"
#include "web/label.h"
#include "web/mail.h"
#include "web/meet.h"
#include "web/relay.h"
#include "web/routes.h"

/* ---- shared helpers (web/member.h) ------------------------------------- */

static const struct label status_labels[] = {
	{ "unconfirmed", N_("Waiting for you to confirm your e-mail address") },
	{ "waiting", N_("Waiting for a match") },
	{ "matched", N_("Matched") },
	{ "met", N_("Met – the relay goes on") },
	{ "withdrawn", N_("Withdrawn") },
	{ "expired", N_("Expired") },
	{ "closed", N_("Closed") },
	{ NULL, NULL },
};

static const struct label role_labels[] = {
	{ "participant", N_("Participant") },
	{ "door_opener", N_("Door opener") },
	{ NULL, NULL },
};

const char *member_status_name(const struct ctx *c, const char *status)
{
	return label_text(c, status_labels, status);
}

const char *member_role_name(const struct ctx *c, const char *role)
{
	return label_text(c, role_labels, role);
}

static bool local_tm(int64_t t, struct tm *tm)
{
	time_t tt = (time_t)t;
	return localtime_r(&tt, tm) != NULL;
}

const char *member_date(struct ctx *c, int64_t t)
{
	struct tm tm;
	if (!local_tm(t, &tm))
		return "";
	struct buf b = BUF_INIT(128);
	fmt_date(&b, lang_codes[c->lang], tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, FMT_DATE_LONG);
	const char *s = arena_strdup(c->a, buf_str(&b));
	buf_free(&b);
	return s ? s : "";
}

const char *member_datetime(struct ctx *c, int64_t t)
{
	struct tm tm;
	if (!local_tm(t, &tm))
		return "";
	struct buf b = BUF_INIT(128);
	fmt_datetime(&b, lang_codes[c->lang], &tm);
	const char *s = arena_strdup(c->a, buf_str(&b));
	buf_free(&b);
	return s ? s : "";
}

bool member_parse_id(const char *s, int64_t *id)
{
	if (!s || *s < '1' || *s > '9')
		return false;
	int64_t v = 0;
	size_t n = 0;
	for (; s[n]; n++) {
		if (s[n] < '0' || s[n] > '9' || n >= 18)
			return false;
		v = v * 10 + (s[n] - '0');
	}
	*id = v;
	return true;
}

/* ---- small things ------------------------------------------------------- */

static const char *lpath(struct ctx *c, const char *path)
{
	const char *p = arena_printf(c->a, "/%s%s", lang_codes[c->lang], path);
	return p ? p : "/";
}

static void redirect(struct ctx *c, const char *path)
{
	http_redirect(c->resp, 303, lpath(c, path));
}

/* Pages of the member area need a member; others are sent to log in. */
static bool need_member(struct ctx *c)
{
	if (c->person_id > 0)
		return true;
	redirect(c, "/login");
	return false;
}

static void set_error(struct ctx *c, const char *field, const char *message)
{
	struct tval *errors = tv_list(c->a);
	struct tval *e = tv_map(c->a);
	tv_set_str(e, "field", field);
	tv_set_str(e, "message", message);
	tv_push(errors, e);
	tv_set(c->data, "errors", errors);
	tv_set_str(c->data, "email_error", message);
}

/* ---- logging in ----------------------------------------------------------- */

static void login_form(struct ctx *c, int status, const char *email, const char *error_msg)
{
	c->resp->status = status;
	page_render_prepare(c);
	tv_set_str(c->data, "email", email);
	if (error_msg)
		set_error(c, "email", error_msg);
	const char *done = form_get(&c->req->query, "done");
	if (done && strcmp(done, "logout") == 0)
		tv_set_bool(c->data, "logged_out", true);
	page_render(c, "login", "login");
}

static void member_login_page(struct ctx *c)
{
	if (c->person_id > 0) {
		redirect(c, "/member");
		return;
	}
	login_form(c, 200, "", NULL);
}

/* The key of a client address in the shared limiter (app->login_by_addr,
 * which counts failed staff logins under the bare address): its own
 * prefix, so the two counts never mix. */
static const char *link_limit_key(struct ctx *c)
{
	const char *k = arena_printf(c->a, "member-link:%s", c->req->client_addr ? c->req->client_addr : "");
	return k ? k : "member-link:";
}

static void member_login_request(struct ctx *c)
{
	const char *typed = ctx_field(c, "email");
	char email[MEMBER_EMAIL_MAX + 1];
	if (!member_email_normalise(typed, email, sizeof(email))) {
		login_form(c, 422, strlen(typed) > MEMBER_EMAIL_MAX * 2 ? "" : typed,
			   ctx_tr(c, "Enter the e-mail address you registered with, for example name@example.com."));
		return;
	}
	const char *key = link_limit_key(c);
	if (ratelimit_blocked(c->app->login_by_addr, key, c->now)) {
		login_form(c, 429, typed, ctx_tr(c, "Too many requests for login links. Wait ten minutes and try again."));
		return;
	}
	ratelimit_hit(c->app->login_by_addr, key, c->now);

	int64_t ttl = (int64_t)c->app->cfg.login_link_minutes * 60;
	struct member_link link;
	if (db_begin(c->db)) {
		page_error(c, 503);
		return;
	}
	int made = member_login_link(c->db, email, c->now, ttl, &link);
	if (made == 1) {
		/* The e-mail is in the language of the page the link was asked
		 * for on: the person is reading that language right now. */
		struct tval *data = tv_map(c->a);
		tv_set_str(data, "token", link.token);
		tv_set_int(data, "minutes", (long long)c->app->cfg.login_link_minutes);
		if (!data || ctx_queue_mail(c, c->lang, "login", data, link.email, link.name, link.person_id, NULL)) {
			/* A stored address the mail code refuses: no token without
			 * its mail, and the same answer as always (a 500 here would
			 * tell that the address is known). */
			log_warn("member: a login mail could not be queued");
			db_rollback(c->db);
			redirect(c, "/login/sent");
			return;
		}
	}
	if (made < 0 || db_commit(c->db)) {
		db_rollback(c->db);
		page_error(c, 500);
		return;
	}
	redirect(c, "/login/sent");
}

static void member_login_sent(struct ctx *c)
{
	page_render_prepare(c);
	tv_set_int(c->data, "minutes", (long long)c->app->cfg.login_link_minutes);
	page_render(c, "login_sent", "login-sent");
}

/* A link that does not work (any more): say why and offer a new one. */
static void link_refused(struct ctx *c, enum token_state st)
{
	c->resp->status = st == TOKEN_UNKNOWN ? 404 : 410;
	page_render_prepare(c);
	tv_set_str(c->data, "reason", st == TOKEN_USED ? "used" : st == TOKEN_EXPIRED ? "expired" : "unknown");
	tv_set_int(c->data, "minutes", (long long)c->app->cfg.login_link_minutes);
	tv_set_str(c->data, "email", "");
	page_render(c, "login_link_bad", "login-link-bad");
}

static void member_link_page(struct ctx *c)
{
	const char *token = route_param(&c->m, "token");
	int64_t person = 0, reg = 0;
	enum token_state st = email_token_peek(c->db, "login", token, c->now, &person, &reg);
	if (st != TOKEN_OK) {
		link_refused(c, st);
		return;
	}
	page_render_prepare(c);
	tv_set_str(c->data, "token", token);
	page_render(c, "login_link", "login-link");
}

static void member_link_use(struct ctx *c)
{
	const char *token = route_param(&c->m, "token");
	int64_t person = 0, reg = 0;
	enum token_state st = email_token_use(c->db, "login", token, c->now, &person, &reg);
	if (st != TOKEN_OK) {
		link_refused(c, st);
		return;
	}
	char session[TOKEN_LEN + 1], csrf[TOKEN_LEN + 1];
	if (session_create(c->db, SESSION_MEMBER, person, c->now, session)) {
		page_error(c, 500);
		return;
	}
	/* A new session and a new CSRF cookie: nothing from before the login
	 * stays valid after it. */
	ctx_set_cookie(c, "ovi_member", arena_strdup(c->a, session), -1);
	token_random(csrf);
	ctx_set_cookie(c, "ovi_csrf", arena_strdup(c->a, csrf), -1);
	redirect(c, "/member");
}

static void member_logout(struct ctx *c)
{
	const char *token = ctx_cookie(c, "ovi_member");
	if (token)
		session_delete(c->db, SESSION_MEMBER, token);
	ctx_set_cookie(c, "ovi_member", "", 0);
	redirect(c, "/login?done=logout");
}

/* ---- the member's page ------------------------------------------------------ */

/* The person's e-mail address and name into the template data. */
static bool load_person(struct ctx *c)
{
	struct db_stmt *st = db_prepare(c->db, "SELECT email, first_name, last_name FROM people WHERE id = ?"
					       " AND erased_at IS NULL");
	bool ok = false;
	if (st && db_bind_int(st, 1, c->person_id) == 0 && db_step(st) == DB_ROW) {
		struct tval *p = tv_map(c->a);
		tv_set_str(p, "email", db_col_text(st, 0));
		tv_set_str(p, "first_name", db_col_text(st, 1));
		tv_set_str(p, "last_name", db_col_text(st, 2));
		tv_set(c->data, "person", p);
		ok = true;
	}
	db_finalize(st);
	return ok;
}

/* One registration as the templates show it. */
static struct tval *registration_tv(struct ctx *c, struct db_stmt *st)
{
	struct tval *r = tv_map(c->a);
	const char *status = db_col_text(st, 2);
	tv_set_int(r, "id", (long long)db_col_int(st, 0));
	tv_set_str(r, "role", db_col_text(st, 1));
	tv_set_str(r, "role_name", member_role_name(c, db_col_text(st, 1)));
	tv_set_str(r, "status", status);
	tv_set_str(r, "status_name", member_status_name(c, status));
	tv_set_str(r, "created", member_date(c, db_col_int(st, 3)));
	tv_set_str(r, "status_at", member_date(c, db_col_int(st, 4)));
	tv_set_bool(r, "open", !member_status_final(status));
	return r;
}

static void member_home(struct ctx *c)
{
	if (!need_member(c))
		return;
	page_render_prepare(c);
	if (!load_person(c)) {
		page_error(c, 500);
		return;
	}
	struct tval *regs = tv_list(c->a);
	struct db_stmt *st = db_prepare(c->db, "SELECT id, role, status, created_at, status_at FROM registrations"
					       " WHERE person_id = ? ORDER BY created_at DESC, id DESC");
	if (st && db_bind_int(st, 1, c->person_id) == 0)
		while (db_step(st) == DB_ROW)
			tv_push(regs, registration_tv(c, st));
	db_finalize(st);
	tv_set(c->data, "registrations", regs);
	tv_set(c->data, "matches", meet_member_matches(c));
	relay_member_home(c); /* "I found work – stop the relay" (web/relay.c) */
	/* "Your doors" (web/doortree.h): a participant's door tree, first
	 * names only, once there is a door. A failure only hides it. */
	if (db_int(c->db, 0, "SELECT COUNT(*) FROM registrations WHERE person_id = ? AND role = 'participant'", "i",
		   c->person_id) > 0) {
		struct tval *tree = doortree_for_person(c, c->person_id, false, ctx_tr(c, "You"));
		if (tree && tv_as_int(tv_get(tree, "n")) > 0)
			tv_set(c->data, "tree", tree);
	}
	const char *done = form_get(&c->req->query, "done");
	if (done && strcmp(done, "withdrawn") == 0)
		tv_set_bool(c->data, "withdrawn", true);
	if (done && strcmp(done, "profile") == 0)
		tv_set_bool(c->data, "profile_saved", true);
	page_render(c, "member", "member");
}

/* The registration named in the path, if it is the member's: its data
 * under "registration". false when it is not theirs (a 404 was sent). */
static bool load_registration(struct ctx *c, int64_t *id)
{
	if (!member_parse_id(route_param(&c->m, "id"), id)) {
		page_error(c, 404);
		return false;
	}
	struct db_stmt *st = db_prepare(c->db, "SELECT id, role, status, created_at, status_at FROM registrations"
					       " WHERE id = ? AND person_id = ?");
	bool ok = false;
	if (st && db_bind_int(st, 1, *id) == 0 && db_bind_int(st, 2, c->person_id) == 0 && db_step(st) == DB_ROW) {
		page_render_prepare(c);
		tv_set(c->data, "registration", registration_tv(c, st));
		ok = true;
	}
	db_finalize(st);
	if (!ok)
		page_error(c, 404);
	return ok;
}

static void member_withdraw_page(struct ctx *c)
{
	int64_t id;
	if (!need_member(c) || !load_registration(c, &id))
		return;
	page_render(c, "member_withdraw", "member-withdraw");
}

static void member_withdraw_post(struct ctx *c)
{
	int64_t id;
	if (!need_member(c))
		return;
	if (!member_parse_id(route_param(&c->m, "id"), &id)) {
		page_error(c, 404);
		return;
	}
	struct mail_env env;
	ctx_mail_env(c, &env);
	switch (member_withdraw(c->db, c->person_id, id, c->now, &env)) {
	case WITHDRAW_OK:
	case WITHDRAW_FINAL: /* a second click: it is withdrawn (or over) */
		redirect(c, "/member?done=withdrawn");
		return;
	case WITHDRAW_NOT_FOUND:
		page_error(c, 404);
		return;
	case WITHDRAW_ERROR:
		break;
	}
	page_error(c, 500);
}

/* ---- download and deletion ----------------------------------------------------- */

static void member_export(struct ctx *c)
{
	if (!need_member(c))
		return;
	char *json = member_export_json(c->db, c->person_id, c->now);
	if (!json) {
		page_error(c, 500);
		return;
	}
	buf_reset(&c->resp->body);
	int r = buf_adds(&c->resp->body, json);
	buf_addc(&c->resp->body, '\n');
	free(json);
	if (r) {
		page_error(c, 500);
		return;
	}
	struct tm tm;
	char day[16] = "";
	if (local_tm(c->now, &tm))
		strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	c->resp->content_type = "application/json; charset=utf-8";
	http_resp_header(c->resp, "Content-Disposition",
			 arena_printf(c->a, "attachment; filename=\"my-data-%s.json\"", day));
}

static void member_delete_page(struct ctx *c)
{
	if (!need_member(c))
		return;
	page_render_prepare(c);
	if (!load_person(c)) {
		page_error(c, 500);
		return;
	}
	page_render(c, "member_delete", "member-delete");
}

static void member_delete_post(struct ctx *c)
{
	if (!need_member(c))
		return;
	struct mail_env env;
	ctx_mail_env(c, &env);
	if (member_erase(c->db, c->person_id, c->now, &env)) {
		page_error(c, 500);
		return;
	}
	log_info("member: an account was erased");
	char csrf[TOKEN_LEN + 1];
	ctx_set_cookie(c, "ovi_member", "", 0);
	token_random(csrf);
	ctx_set_cookie(c, "ovi_csrf", arena_strdup(c->a, csrf), -1);
	redirect(c, "/member/deleted");
}

static void member_deleted(struct ctx *c)
{
	page_render(c, "member_deleted", "member-deleted");
}

const struct route member_routes[] = {
	{ "GET", "/login", H(member_login_page), "login" },
	{ "POST", "/login", H(member_login_request), "login-request" },
	{ "GET", "/login/sent", H(member_login_sent), "login-sent" },
	{ "GET", "/login/:token", H(member_link_page), "login-link" },
	{ "POST", "/login/:token", H(member_link_use), "login-link-use" },
	{ "GET", "/member", H(member_home), "member" },
	{ "POST", "/member/logout", H(member_logout), "member-logout" },
	{ "GET", "/member/export", H(member_export), "member-export" },
	{ "GET", "/member/withdraw/:id", H(member_withdraw_page), "member-withdraw" },
	{ "POST", "/member/withdraw/:id", H(member_withdraw_post), "member-withdraw-post" },
	{ "GET", "/member/delete", H(member_delete_page), "member-delete" },
	{ "POST", "/member/delete", H(member_delete_post), "member-delete-post" },
	{ "GET", "/member/deleted", H(member_deleted), "member-deleted" },
	{ NULL, NULL, NULL, NULL },
};

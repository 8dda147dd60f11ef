/* Staff pages: login, logout, the admin home and the audit log. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "domain/password.h"
#include "domain/session.h"
#include "domain/staff.h"
#include "i18n/format.h"
#include "web/app.h"

enum { EMAIL_MAX = 254 };

static void login_form(struct ctx *c, int status, const char *email, const char *error_msg,
		       const char *field)
{
	c->resp->status = status;
	page_render_prepare(c);
	tv_set_str(c->data, "email", email);
	if (error_msg) {
		struct tval *errors = tv_list(c->a);
		struct tval *e = tv_map(c->a);
		tv_set_str(e, "field", field);
		tv_set_str(e, "message", error_msg);
		tv_push(errors, e);
		tv_set(c->data, "errors", errors);
		tv_set_str(c->data, field && !strcmp(field, "password") ? "password_error" : "email_error",
			   error_msg);
	}
	page_render(c, "admin_login", "admin-login");
}

void admin_index(struct ctx *c)
{
	if (c->staff_id < 0) {
		login_form(c, 200, "", NULL, NULL);
		return;
	}
	page_render(c, "admin_home", "admin");
}

void admin_login(struct ctx *c)
{
	const char *email = ctx_field(c, "email");
	const char *password = ctx_field(c, "password");
	const char *addr = c->req->client_addr;

	if (!*email || strlen(email) > EMAIL_MAX || !strchr(email, '@')) {
		login_form(c, 422, strlen(email) > EMAIL_MAX ? "" : email,
			   ctx_tr(c, "Enter the e-mail address of your staff account."), "email");
		return;
	}
	if (!*password || strlen(password) > PASSWORD_MAX_INPUT) {
		login_form(c, 422, email, ctx_tr(c, "Enter your password."), "password");
		return;
	}
	if (ratelimit_blocked(c->app->login_by_addr, addr, c->now)) {
		login_form(c, 429, email, ctx_tr(c, "Too many failed attempts. Wait ten minutes and try again."),
			   "email");
		return;
	}
	int64_t id = -1;
	enum login_result r = staff_login(c->db, email, password, c->now, &id);
	switch (r) {
	case LOGIN_OK:
		break;
	case LOGIN_BAD:
		ratelimit_hit(c->app->login_by_addr, addr, c->now);
		login_form(c, 422, email, ctx_tr(c, "The e-mail address or the password is wrong."), "email");
		return;
	case LOGIN_LOCKED:
		login_form(c, 429, email,
			   ctx_tr(c, "This account has had too many failed logins. Try again in an hour."), "email");
		return;
	case LOGIN_BUSY:
		login_form(c, 503, email, ctx_tr(c, "The server is busy. Try again in a moment."), "email");
		return;
	case LOGIN_ERROR:
		page_error(c, 500);
		return;
	}
	char token[TOKEN_LEN + 1], csrf[TOKEN_LEN + 1];
	if (session_create(c->db, SESSION_STAFF, id, c->now, token)) {
		page_error(c, 500);
		return;
	}
	audit(c->db, id, "login", "");
	/* A new session and a new CSRF cookie: nothing from before the login
	 * stays valid after it (session fixation). */
	ctx_set_cookie(c, "ovi_session", arena_strdup(c->a, token), -1);
	token_random(csrf);
	ctx_set_cookie(c, "ovi_csrf", arena_strdup(c->a, csrf), -1);
	http_redirect(c->resp, 303, arena_printf(c->a, "/%s/admin", lang_codes[c->lang]));
}

void admin_logout(struct ctx *c)
{
	const char *token = ctx_cookie(c, "ovi_session");
	if (token) {
		if (c->staff_id > 0)
			audit(c->db, c->staff_id, "logout", "");
		session_delete(c->db, SESSION_STAFF, token);
	}
	ctx_set_cookie(c, "ovi_session", "", 0);
	http_redirect(c->resp, 303, arena_printf(c->a, "/%s/", lang_codes[c->lang]));
}

/* Audit actions are stored as stable codes and shown translated. */
static const char *action_label(const char *code)
{
	static const struct { const char *code, *label; } labels[] = {
		{ "login", N_("Logged in") },
		{ "logout", N_("Logged out") },
		{ "login_failed", N_("Failed login") },
		{ "staff_add", N_("Staff account created or password reset") },
		{ "taxonomy_edit", N_("Reference data changed") },
		{ "person_view", N_("Viewed a person's page") },
		{ "mail_test", N_("Sent a test e-mail") },
		{ "mail_retry", N_("Retried a failed e-mail") },
		{ "match_run", N_("Made a matching run") },
		{ "match_discard", N_("Discarded a matching run") },
		{ "match_pin", N_("Pinned a matching pair") },
		{ "match_unpin", N_("Removed a pin from a matching pair") },
		{ "match_exclude", N_("Excluded a matching pair") },
		{ "match_unexclude", N_("Allowed an excluded matching pair again") },
		{ "match_publish", N_("Published matching proposals") },
		{ "match_create", N_("Made a match by hand") },
		{ "match_cancel", N_("Cancelled a match") },
		{ "match_back", N_("Sent a match's people back to the pool") },
		{ "match_resend", N_("Sent a match e-mail again") },
		{ "match_note", N_("Added a note to a match") },
		{ "relay_add", N_("Added contacts on a door opener's behalf") },
	};
	for (size_t i = 0; i < sizeof(labels) / sizeof(*labels); i++)
		if (strcmp(labels[i].code, code) == 0)
			return labels[i].label;
	return code;
}

void admin_audit(struct ctx *c)
{
	if (c->staff_id < 0) {
		http_redirect(c->resp, 303, arena_printf(c->a, "/%s/admin", lang_codes[c->lang]));
		return;
	}
	page_render_prepare(c);
	struct tval *rows = tv_list(c->a);
	struct db_stmt *st = db_prepare(c->db, "SELECT a.at, COALESCE(s.email, ''), a.action, a.detail"
					       " FROM audit_log a LEFT JOIN staff s ON s.id = a.staff_id"
					       " ORDER BY a.id DESC LIMIT 200");
	while (st && db_step(st) == DB_ROW) {
		struct tval *r = tv_map(c->a);
		time_t at = (time_t)db_col_int(st, 0);
		struct tm tm;
		gmtime_r(&at, &tm);
		struct buf b = BUF_INIT(128);
		fmt_datetime(&b, lang_codes[c->lang], &tm);
		tv_set(r, "at", tv_strdup(c->a, buf_str(&b)));
		buf_free(&b);
		tv_set(r, "staff", tv_strdup(c->a, db_col_text(st, 1)));
		tv_set(r, "action", tv_strdup(c->a, ctx_tr(c, action_label(db_col_text(st, 2)))));
		tv_set(r, "detail", tv_strdup(c->a, db_col_text(st, 3)));
		tv_push(rows, r);
	}
	db_finalize(st);
	tv_set(c->data, "entries", rows);
	page_render(c, "admin_audit", "admin-audit");
}

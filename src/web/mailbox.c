/* Staff pages of the outbox: the list of e-mails, one e-mail with its
 * headers and bodies, a test message to oneself, and "retry now" for a
 * failed message (docs/mail.md). Staff only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "domain/outbox.h"
#include "domain/staff.h"
#include "i18n/format.h"
#include "mail/mime.h"
#include "mail/sender.h"
#include "web/app.h"
#include "web/mail.h"
#include "web/routes.h"

static void outbox_list(struct ctx *c);
static void outbox_message(struct ctx *c);
static void outbox_test(struct ctx *c);
static void outbox_retry(struct ctx *c);

const struct route mailbox_routes[] = {
	{ "GET", "/admin/outbox", H(outbox_list), "admin-outbox" },
	{ "POST", "/admin/outbox/test", H(outbox_test), "admin-outbox-test" },
	{ "GET", "/admin/outbox/:id", H(outbox_message), "admin-outbox-message" },
	{ "POST", "/admin/outbox/:id/retry", H(outbox_retry), "admin-outbox-retry" },
	{ NULL, NULL, NULL, NULL },
};

enum { PAGE_SIZE = 100 };

static const struct {
	const char *code, *label;
} statuses[] = {
	{ "queued", N_("Queued") },
	{ "sending", N_("Sending") },
	{ "sent", N_("Sent") },
	{ "failed", N_("Failed") },
};

static const char *status_label(const struct ctx *c, const char *code)
{
	for (size_t i = 0; i < sizeof(statuses) / sizeof(*statuses); i++)
		if (strcmp(statuses[i].code, code) == 0)
			return ctx_tr(c, statuses[i].label);
	return code;
}

static bool known_status(const char *s)
{
	for (size_t i = 0; s && i < sizeof(statuses) / sizeof(*statuses); i++)
		if (strcmp(statuses[i].code, s) == 0)
			return true;
	return false;
}

/* Staff only: others go to the login page. */
/* A Unix time in the page's language (UTC), or NULL for 0/NULL. */
static const char *when(struct ctx *c, struct db_stmt *st, int col)
{
	if (db_col_null(st, col))
		return NULL;
	time_t t = (time_t)db_col_int(st, col);
	struct tm tm;
	if (!gmtime_r(&t, &tm))
		return NULL;
	struct buf b = BUF_INIT(128);
	fmt_datetime(&b, lang_codes[c->lang], &tm);
	const char *s = arena_strdup(c->a, buf_str(&b));
	buf_free(&b);
	return s;
}

/* A positive decimal id of at most 18 digits, or -1. */
static int64_t parse_id(const char *s)
{
	if (!s || !*s || strlen(s) > 18)
		return -1;
	int64_t v = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p - '0');
	}
	return v > 0 ? v : -1;
}

static void render_list(struct ctx *c, const char *error_msg)
{
	const char *lang = lang_codes[c->lang];
	const char *status = form_get(&c->req->query, "status");
	if (!known_status(status))
		status = "";
	int64_t before = parse_id(form_get(&c->req->query, "before"));
	page_render_prepare(c);
	struct tval *d = c->data;
	tv_set_bool(d, "smtp_configured", c->app->cfg.smtp_url[0] != '\0');
	if (error_msg)
		tv_set_str(d, "error", error_msg);

	/* Filters with their counts. */
	struct tval *filters = tv_list(c->a);
	int64_t total = db_int(c->db, 0, "SELECT COUNT(*) FROM outbox", "");
	struct tval *f = tv_map(c->a);
	tv_set_str(f, "label", ctx_tr(c, "All"));
	tv_set_int(f, "count", total);
	tv_set_str(f, "href", arena_printf(c->a, "/%s/admin/outbox", lang));
	tv_set_bool(f, "selected", !*status);
	tv_push(filters, f);
	for (size_t i = 0; i < sizeof(statuses) / sizeof(*statuses); i++) {
		f = tv_map(c->a);
		tv_set_str(f, "label", ctx_tr(c, statuses[i].label));
		tv_set_int(f, "count", db_int(c->db, 0, "SELECT COUNT(*) FROM outbox WHERE status = ?", "s",
					      statuses[i].code));
		tv_set_str(f, "href", arena_printf(c->a, "/%s/admin/outbox?status=%s", lang, statuses[i].code));
		tv_set_bool(f, "selected", strcmp(status, statuses[i].code) == 0);
		tv_push(filters, f);
	}
	tv_set(d, "filters", filters);

	struct db_stmt *st = db_prepare(c->db, "SELECT id, created_at, to_name, to_email, subject, kind, status, attempts,"
					       " next_attempt_at, sent_at, last_error FROM outbox"
					       " WHERE (? = '' OR status = ?) AND (? <= 0 OR id < ?)"
					       " ORDER BY id DESC LIMIT ?");
	if (!st || db_bind_text(st, 1, status) || db_bind_text(st, 2, status) || db_bind_int(st, 3, before) ||
	    db_bind_int(st, 4, before) || db_bind_int(st, 5, PAGE_SIZE + 1)) {
		db_finalize(st);
		page_error(c, 500);
		return;
	}
	struct tval *list = tv_list(c->a);
	int n = 0;
	int64_t last_id = 0;
	while (db_step(st) == DB_ROW) {
		if (++n > PAGE_SIZE) {
			tv_set_str(d, "older_href",
				   arena_printf(c->a, "/%s/admin/outbox?%s%s%sbefore=%lld", lang, *status ? "status=" : "",
						status, *status ? "&" : "", (long long)last_id));
			break;
		}
		struct tval *m = tv_map(c->a);
		last_id = db_col_int(st, 0);
		const char *code = db_col_text(st, 6);
		tv_set_int(m, "id", last_id);
		tv_set_str(m, "href", arena_printf(c->a, "/%s/admin/outbox/%lld", lang, (long long)last_id));
		tv_set_str(m, "created", when(c, st, 1));
		tv_set_str(m, "to_name", db_col_text(st, 2));
		tv_set_str(m, "to_email", db_col_text(st, 3));
		tv_set_bool(m, "erased", !db_col_text(st, 3) || !*db_col_text(st, 3));
		tv_set_str(m, "subject", db_col_text(st, 4));
		tv_set_str(m, "kind", db_col_text(st, 5));
		tv_set_str(m, "status", code);
		tv_set_str(m, "status_label", status_label(c, code ? code : ""));
		tv_set_int(m, "attempts", db_col_int(st, 7));
		if (code && strcmp(code, "queued") == 0)
			tv_set_str(m, "next_attempt", when(c, st, 8));
		tv_set_str(m, "sent", when(c, st, 9));
		tv_set_str(m, "last_error", db_col_text(st, 10));
		tv_push(list, m);
	}
	db_finalize(st);
	tv_set(d, "messages", list);
	page_render(c, "admin_outbox", "admin-outbox");
}

static void outbox_list(struct ctx *c)
{
	if (ctx_need_staff(c))
		render_list(c, NULL);
}

/* The header section of the message as the sender would send it. */
static const char *headers_of(struct ctx *c, const struct mime_msg *mm)
{
	struct buf b = BUF_INIT(MIME_MAX_MESSAGE);
	const char *r = NULL;
	if (mime_build(mm, &b) == MIME_OK) {
		const char *end = strstr(buf_str(&b), "\r\n\r\n");
		size_t n = end ? (size_t)(end - b.data) : b.len;
		/* CRLF as LF for the page. */
		char *s = arena_alloc(c->a, n + 1);
		size_t o = 0;
		for (size_t i = 0; s && i < n; i++)
			if (b.data[i] != '\r')
				s[o++] = b.data[i];
		if (s)
			s[o] = '\0';
		r = s;
	}
	buf_free(&b);
	return r;
}

static void outbox_message(struct ctx *c)
{
	if (!ctx_need_staff(c))
		return;
	int64_t id = parse_id(route_param(&c->m, "id"));
	struct db_stmt *st = id > 0 ? db_prepare(c->db, "SELECT status, kind, mail_lang, person_id, to_name, to_email,"
							  " reply_to, subject, message_id, created_at, attempts,"
							  " next_attempt_at, sent_at, last_error, text_body, html_body,"
							  " attach_name, attach_type, attach_data FROM outbox WHERE id = ?")
				    : NULL;
	if (!st || db_bind_int(st, 1, id) || db_step(st) != DB_ROW) {
		db_finalize(st);
		page_error(c, 404);
		return;
	}
	page_render_prepare(c);
	const char *lang = lang_codes[c->lang];
	struct tval *m = tv_map(c->a);
	const char *code = db_col_text(st, 0);
	code = code ? code : "";
	tv_set_int(m, "id", id);
	tv_set_str(m, "status", code);
	tv_set_str(m, "status_label", status_label(c, code));
	tv_set_str(m, "kind", db_col_text(st, 1));
	tv_set_str(m, "mail_lang", db_col_text(st, 2));
	if (!db_col_null(st, 3))
		tv_set_str(m, "person_href", arena_printf(c->a, "/%s/admin/people/%lld", lang, (long long)db_col_int(st, 3)));
	const char *to_email = arena_strdup(c->a, db_col_text(st, 5) ? db_col_text(st, 5) : "");
	bool erased = !*to_email;
	struct mime_msg mm = {
		.from = c->app->cfg.mail_from,
		.to_name = arena_strdup(c->a, db_col_text(st, 4) ? db_col_text(st, 4) : ""),
		.to_email = to_email,
		.reply_to = arena_strdup(c->a, db_col_text(st, 6) ? db_col_text(st, 6) : ""),
		.subject = arena_strdup(c->a, db_col_text(st, 7) ? db_col_text(st, 7) : ""),
		.message_id = arena_strdup(c->a, db_col_text(st, 8) ? db_col_text(st, 8) : ""),
		.date = db_col_int(st, 9),
		.text = arena_strdup(c->a, db_col_text(st, 14) ? db_col_text(st, 14) : ""),
		.html = arena_strdup(c->a, db_col_text(st, 15) ? db_col_text(st, 15) : ""),
		.attach_name = arena_strdup(c->a, db_col_text(st, 16) ? db_col_text(st, 16) : ""),
		.attach_type = arena_strdup(c->a, db_col_text(st, 17) ? db_col_text(st, 17) : ""),
		.attach_data = arena_strdup(c->a, db_col_text(st, 18) ? db_col_text(st, 18) : ""),
	};
	tv_set_str(m, "to_name", mm.to_name);
	tv_set_str(m, "to_email", mm.to_email);
	tv_set_bool(m, "erased", erased);
	tv_set_str(m, "reply_to", mm.reply_to);
	if (mm.attach_data && *mm.attach_data)
		tv_set_str(m, "attachment", mm.attach_name);
	tv_set_str(m, "subject", mm.subject);
	tv_set_str(m, "message_id", mm.message_id);
	tv_set_str(m, "created", when(c, st, 9));
	tv_set_int(m, "attempts", db_col_int(st, 10));
	if (strcmp(code, "queued") == 0)
		tv_set_str(m, "next_attempt", when(c, st, 11));
	tv_set_str(m, "sent", when(c, st, 12));
	tv_set_str(m, "last_error", db_col_text(st, 13));
	tv_set_str(m, "text", mm.text);
	tv_set_str(m, "html", mm.html);
	tv_set_bool(m, "can_retry", strcmp(code, "failed") == 0 && !erased);
	db_finalize(st);
	if (!erased)
		tv_set_str(m, "headers", headers_of(c, &mm));
	tv_set(c->data, "m", m);
	const char *notice = form_get(&c->req->query, "notice");
	if (notice && strcmp(notice, "test") == 0)
		tv_set_str(c->data, "notice", ctx_tr(c, "The test message is queued. Reload this page to follow it."));
	else if (notice && strcmp(notice, "retry") == 0)
		tv_set_str(c->data, "notice", ctx_tr(c, "The message is queued again and will be sent in a moment."));
	else if (notice && strcmp(notice, "not-failed") == 0)
		tv_set_str(c->data, "error", ctx_tr(c, "Only a message whose delivery failed can be retried."));
	page_render(c, "admin_outbox_message", "admin-outbox-message");
}

static void outbox_test(struct ctx *c)
{
	if (!ctx_need_staff(c))
		return;
	const char *lang = lang_codes[c->lang];
	struct tval *d = tv_map(c->a);
	time_t t = (time_t)c->now;
	struct tm tm;
	struct buf b = BUF_INIT(128);
	if (gmtime_r(&t, &tm))
		fmt_datetime(&b, lang, &tm);
	tv_set_str(d, "sent_at", arena_printf(c->a, "%s (UTC)", buf_str(&b)));
	buf_free(&b);
	tv_set_str(d, "staff_email", c->staff_email);
	tv_set_str(d, "outbox_url", arena_printf(c->a, "%s/%s/admin/outbox", c->app->cfg.base_url, lang));
	struct mail_env e = {
		.db = c->db, .tmpl = c->app->tmpl, .i18n = c->app->i18n, .cfg = &c->app->cfg, .a = c->a, .now = c->now,
	};
	int64_t id = -1;
	if (db_begin(c->db) == 0) {
		id = mail_queue(&e, c->lang, "test", d, c->staff_email, "", -1, NULL);
		if (id > 0 && audit(c->db, c->staff_id, "mail_test", arena_printf(c->a, "outbox %lld", (long long)id)) == 0 &&
		    db_commit(c->db) == 0) {
			mail_sender_wake();
		} else {
			db_rollback(c->db);
			id = -1;
		}
	}
	if (id < 0) {
		c->resp->status = 500;
		render_list(c, ctx_tr(c, "The test message could not be queued. The server's log says why."));
		return;
	}
	http_redirect(c->resp, 303, arena_printf(c->a, "/%s/admin/outbox/%lld?notice=test", lang, (long long)id));
}

static void outbox_retry(struct ctx *c)
{
	if (!ctx_need_staff(c))
		return;
	int64_t id = parse_id(route_param(&c->m, "id"));
	if (id < 0 || db_int(c->db, 0, "SELECT COUNT(*) FROM outbox WHERE id = ?", "i", id) != 1) {
		page_error(c, 404);
		return;
	}
	const char *lang = lang_codes[c->lang];
	bool ok = false;
	if (db_begin(c->db) == 0) {
		ok = outbox_retry_now(c->db, id, c->now) == 0 &&
		     audit(c->db, c->staff_id, "mail_retry", arena_printf(c->a, "outbox %lld", (long long)id)) == 0;
		if (ok && db_commit(c->db) == 0)
			mail_sender_wake();
		else
			db_rollback(c->db), ok = false;
	}
	http_redirect(c->resp, 303,
		      arena_printf(c->a, "/%s/admin/outbox/%lld?notice=%s", lang, (long long)id, ok ? "retry" : "not-failed"));
}

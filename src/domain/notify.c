#include "domain/notify.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/log.h"
#include "domain/outbox.h"
#include "mail/mime.h"
#include "mail/sender.h"

static const char *tr_cb(const void *p, const char *msgid)
{
	const struct { const struct i18n *i18n; enum lang lang; } *t = p;
	return i18n_get(t->i18n, t->lang, msgid);
}

/* Collapse every run of white space (newlines too) into one space and trim. */
static char *one_line(const char *s)
{
	size_t n = strlen(s), o = 0;
	char *r = malloc(n + 1);
	if (!r)
		return NULL;
	bool space = false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			space = o > 0;
			continue;
		}
		if (space)
			r[o++] = ' ';
		space = false;
		r[o++] = c;
	}
	r[o] = '\0';
	return r;
}

/* The text part: blank lines and spaces at the start and the end of the
 * block removed (they come from the template's layout), and trailing
 * spaces of each line, then one newline at the end. */
static int tidy_text(struct buf *out, const char *s, size_t n)
{
	while (n && (*s == '\n' || *s == '\r' || *s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	size_t i = 0;
	while (i < n) {
		size_t e = i;
		while (e < n && s[e] != '\n')
			e++;
		size_t k = e;
		while (k > i && (s[k - 1] == ' ' || s[k - 1] == '\t' || s[k - 1] == '\r'))
			k--;
		if (buf_add(out, s + i, k - i) || buf_addc(out, '\n'))
			return -1;
		i = e + 1;
	}
	return 0;
}

static int render(const struct mail_env *e, const char *tname, const char *block, struct tval *data,
		  const struct tmpl_tr *tr, enum tmpl_mode mode, struct buf *out)
{
	return tmpl_render_block(e->tmpl, tname, block, data, tr, mode, e->a, out);
}

int mail_render(const struct mail_env *e, enum lang lang, const char *name, struct tval *data, char **subject,
		char **text, char **html)
{
	*subject = *text = *html = NULL;
	if (lang >= LANG_COUNT || !name || strlen(name) > 48)
		return -1;
	char tname[64];
	snprintf(tname, sizeof(tname), "mail_%s", name);
	if (!tmpl_has_block(e->tmpl, tname, "subject") || !tmpl_has_block(e->tmpl, tname, "text") ||
	    !tmpl_has_block(e->tmpl, tname, "html"))
		return error("mail: templates/%s.html needs the blocks subject, text and html", tname);
	if (!data)
		data = tv_map(e->a);
	const struct config *cfg = e->cfg;
	if (!data || tv_set_str(data, "lang", lang_codes[lang]) || tv_set_str(data, "org_name", cfg->org_name) ||
	    tv_set_str(data, "base_url", cfg->base_url) || tv_set_str(data, "contact_email", cfg->contact_email))
		return -1;
	struct { const struct i18n *i18n; enum lang lang; } t = { e->i18n, lang };
	struct tmpl_tr tr = { tr_cb, &t };
	struct buf s = BUF_INIT(4 * MIME_MAX_SUBJECT), raw = BUF_INIT(MIME_MAX_BODY), tx = BUF_INIT(MIME_MAX_BODY),
		   h = BUF_INIT(MIME_MAX_BODY);
	int rc = -1;
	if (render(e, tname, "subject", data, &tr, TMPL_TEXT, &s) || render(e, tname, "text", data, &tr, TMPL_TEXT, &raw) ||
	    tidy_text(&tx, raw.data ? raw.data : "", raw.len)) {
		error("mail: %s could not be rendered (too large?)", tname);
		goto out;
	}
	if (tmpl_exists(e->tmpl, "mail_text_footer")) {
		buf_reset(&raw);
		if (render(e, "mail_text_footer", NULL, data, &tr, TMPL_TEXT, &raw) || buf_adds(&tx, "\n-- \n") ||
		    tidy_text(&tx, raw.data ? raw.data : "", raw.len)) {
			error("mail: mail_text_footer could not be rendered");
			goto out;
		}
	}
	if (render(e, tname, NULL, data, &tr, TMPL_HTML, &h)) {
		error("mail: %s (html) could not be rendered (too large?)", tname);
		goto out;
	}
	*subject = one_line(buf_str(&s));
	*text = strdup(buf_str(&tx));
	*html = strdup(buf_str(&h));
	if (*subject && *text && *html) {
		rc = 0;
	} else {
		free(*subject);
		free(*text);
		free(*html);
		*subject = *text = *html = NULL;
	}
out:
	buf_free(&s);
	buf_free(&raw);
	buf_free(&tx);
	buf_free(&h);
	return rc;
}

int64_t mail_queue(const struct mail_env *e, enum lang lang, const char *name, struct tval *data,
		   const char *to_email, const char *to_name, int64_t person_id, const char *reply_to)
{
	return mail_queue_attach(e, lang, name, data, to_email, to_name, person_id, reply_to, NULL);
}

int64_t mail_queue_attach(const struct mail_env *e, enum lang lang, const char *name, struct tval *data,
			  const char *to_email, const char *to_name, int64_t person_id, const char *reply_to,
			  const struct mail_attachment *att)
{
	to_email = to_email ? to_email : "";
	to_name = to_name ? to_name : "";
	reply_to = reply_to ? reply_to : "";
	if (!mime_addr_ok(to_email, strlen(to_email))) {
		error("mail: not queueing %s: the recipient's address cannot be used", name ? name : "?");
		return -1;
	}
	char *subject, *text, *html;
	if (mail_render(e, lang, name, data, &subject, &text, &html))
		return -1;
	/* Build the message now, as the sender will: whatever it would refuse
	 * (a name with a line break, a subject too long, invalid UTF-8) is
	 * refused here, while the caller can still roll back. The sender
	 * uses the real From, which it checks at its start. */
	struct mime_msg mm = {
		.from = "check@ovi.invalid", .to_email = to_email, .to_name = to_name, .reply_to = reply_to,
		.subject = subject, .text = text, .html = html, .message_id = "<check@ovi.invalid>", .date = e->now,
	};
	if (att) {
		mm.attach_name = att->name;
		mm.attach_type = att->type;
		mm.attach_data = att->data;
	}
	struct buf b = BUF_INIT(MIME_MAX_MESSAGE);
	enum mime_status st = mime_build(&mm, &b);
	buf_free(&b);
	int64_t id = -1;
	if (st != MIME_OK) {
		error("mail: not queueing %s: %s", name, mime_status_str(st));
	} else {
		struct outbox_new m = {
			.person_id = person_id, .kind = name, .to_email = to_email, .to_name = to_name,
			.mail_lang = lang_codes[lang], .subject = subject, .text = text, .html = html, .reply_to = reply_to,
		};
		if (att) {
			m.attach_name = att->name;
			m.attach_type = att->type;
			m.attach_data = att->data;
		}
		id = outbox_queue(e->db, &m, e->cfg->base_url, e->now);
		if (id < 0)
			error("mail: %s could not be queued", name);
		else
			log_info("mail: queued #%lld (%s)", (long long)id, name);
	}
	free(subject);
	free(text);
	free(html);
	if (id > 0)
		mail_sender_wake();
	return id;
}


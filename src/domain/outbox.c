#include "domain/outbox.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/token.h"

enum { ERROR_MAX = 200 };

#define S(x) ((x) ? (x) : "")

void outbox_message_id(const char *base_url, char out[128])
{
	/* The host of base_url: after "://", up to ':', '/' or the end. */
	const char *h = base_url ? strstr(base_url, "://") : NULL;
	h = h ? h + 3 : "";
	size_t n = strcspn(h, ":/?#");
	bool ok = n > 0 && n <= 64;
	for (size_t i = 0; i < n && ok; i++) {
		char c = h[i];
		ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
		     (c == '.' && i > 0 && i + 1 < n && h[i + 1] != '.');
	}
	if (!ok) {
		h = "ovi.invalid";
		n = strlen(h);
	}
	char t[TOKEN_LEN + 1];
	token_random(t);
	snprintf(out, 128, "<%s@%.*s>", t, (int)n, h);
}

int64_t outbox_queue(struct db *db, const struct outbox_new *m, const char *base_url, int64_t now)
{
	char msgid[128];
	outbox_message_id(base_url, msgid);
	struct db_stmt *st = db_prepare(db, "INSERT INTO outbox (person_id, kind, to_email, to_name, mail_lang, subject,"
					    " text_body, html_body, reply_to, message_id, attach_name, attach_type, attach_data,"
					    " status, attempts, next_attempt_at, queued_at, created_at)"
					    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?) RETURNING id");
	if (!st)
		return -1;
	int rc = m->person_id > 0 ? db_bind_int(st, 1, m->person_id) : db_bind_null(st, 1);
	const char *texts[] = { m->kind, m->to_email, m->to_name, m->mail_lang, m->subject, m->text, m->html,
				m->reply_to, msgid, m->attach_name, m->attach_type, m->attach_data };
	enum { NTEXTS = sizeof(texts) / sizeof(*texts) };
	for (int i = 0; i < NTEXTS && !rc; i++)
		rc = db_bind_text(st, 2 + i, S(texts[i]));
	for (int i = 0; i < 3 && !rc; i++)
		rc = db_bind_int(st, 2 + NTEXTS + i, now);
	int64_t id = -1;
	if (!rc && db_step(st) == DB_ROW)
		id = db_col_int(st, 0);
	db_finalize(st);
	return id;
}

struct outbox_policy outbox_policy(unsigned base_s)
{
	int64_t b = base_s ? base_s : 60;
	return (struct outbox_policy){
		.base_s = b, .cap_s = 60 * b, .give_up_s = 1440 * b, .stale_s = 900, .recover_delay_s = 60 * b,
	};
}

int64_t outbox_backoff(const struct outbox_policy *p, int64_t attempts)
{
	int64_t d = p->base_s;
	for (int64_t i = 1; i < attempts && d < p->cap_s; i++)
		d *= 2;
	return d < p->cap_s ? d : p->cap_s;
}

/* The string fields of a claimed message, in the order load() selects them. */
enum { MSG_STRINGS = 12 };

static void msg_strings(struct outbox_msg *m, char **f[MSG_STRINGS])
{
	char **all[MSG_STRINGS] = { &m->kind, &m->to_email, &m->to_name, &m->mail_lang, &m->subject, &m->text,
				    &m->html, &m->reply_to, &m->message_id, &m->attach_name, &m->attach_type,
				    &m->attach_data };
	memcpy(f, all, sizeof(all));
}

void outbox_msg_free(struct outbox_msg *m)
{
	char **f[MSG_STRINGS];
	msg_strings(m, f);
	for (size_t i = 0; i < MSG_STRINGS; i++) {
		free(*f[i]);
		*f[i] = NULL;
	}
}

static int load(struct db *db, int64_t id, struct outbox_msg *m)
{
	struct db_stmt *st = db_prepare(db, "SELECT kind, to_email, to_name, mail_lang, subject, text_body, html_body,"
					    " reply_to, message_id, attach_name, attach_type, attach_data, created_at,"
					    " attempts FROM outbox WHERE id = ?");
	int rc = -1;
	memset(m, 0, sizeof(*m));
	if (st && db_bind_int(st, 1, id) == 0 && db_step(st) == DB_ROW) {
		char **f[MSG_STRINGS];
		msg_strings(m, f);
		rc = 0;
		for (int i = 0; i < MSG_STRINGS; i++)
			if (!(*f[i] = strdup(S(db_col_text(st, i)))))
				rc = -1;
		m->id = id;
		m->created_at = db_col_int(st, MSG_STRINGS);
		m->attempts = db_col_int(st, MSG_STRINGS + 1);
	}
	db_finalize(st);
	if (rc)
		outbox_msg_free(m);
	return rc;
}

int outbox_claim(struct db *db, int64_t now, struct outbox_msg *m)
{
	/* Another sender may take the message between the SELECT and the
	 * UPDATE; the UPDATE's condition makes only one of them win, and the
	 * loser looks again. */
	for (int tries = 0; tries < 16; tries++) {
		int64_t id = db_int(db, -2, "SELECT id FROM outbox WHERE status = 'queued' AND next_attempt_at <= ?"
					    " ORDER BY next_attempt_at, id LIMIT 1", "i", now);
		if (id == -2)
			return 0;
		if (id < 0)
			return -1;
		if (db_run(db, "UPDATE outbox SET status = 'sending', attempts = attempts + 1, claimed_at = ?"
			       " WHERE id = ? AND status = 'queued'", "ii", now, id))
			return -1;
		if (db_changes(db) != 1)
			continue;
		if (load(db, id, m)) {
			/* Cannot read it now: let it be retried later. */
			db_run(db, "UPDATE outbox SET status = 'queued', next_attempt_at = ? WHERE id = ? AND status = 'sending'",
			       "ii", now + 60, id);
			return -1;
		}
		return 1;
	}
	return 0;
}

static void short_error(const char *err, char out[ERROR_MAX + 1])
{
	snprintf(out, ERROR_MAX + 1, "%s", S(err));
	/* One line of printable ASCII. */
	for (char *p = out; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
			*p = ' ';
}

int outbox_mark_sent(struct db *db, int64_t id, int64_t now)
{
	/* 'queued' too: a claim that outbox_recover() took back as stale
	 * must not be sent a second time once it did go out. */
	if (db_run(db, "UPDATE outbox SET status = 'sent', sent_at = ?, last_error = '', claimed_at = NULL"
		       " WHERE id = ? AND status IN ('sending', 'queued')", "ii", now, id))
		return -1;
	return db_changes(db) == 1 ? 0 : -1;
}

const char *outbox_mark_retry(struct db *db, int64_t id, int64_t now, const struct outbox_policy *p, const char *err)
{
	char e[ERROR_MAX + 1];
	short_error(err, e);
	struct db_stmt *st = db_prepare(db, "SELECT attempts, queued_at FROM outbox WHERE id = ? AND status = 'sending'");
	int64_t attempts = -1, queued_at = 0;
	if (st && db_bind_int(st, 1, id) == 0 && db_step(st) == DB_ROW) {
		attempts = db_col_int(st, 0);
		queued_at = db_col_int(st, 1);
	}
	db_finalize(st);
	if (attempts < 0)
		return NULL;
	int64_t next = now + outbox_backoff(p, attempts);
	if (next - queued_at > p->give_up_s) {
		char g[ERROR_MAX + 1];
		snprintf(g, sizeof(g), "gave up: %.180s", e);
		return outbox_mark_failed(db, id, now, g) ? NULL : "failed";
	}
	if (db_run(db, "UPDATE outbox SET status = 'queued', next_attempt_at = ?, last_error = ?, claimed_at = NULL"
		       " WHERE id = ? AND status = 'sending'", "isi", next, e, id) ||
	    db_changes(db) != 1)
		return NULL;
	return "queued";
}

int outbox_mark_failed(struct db *db, int64_t id, int64_t now, const char *err)
{
	(void)now;
	char e[ERROR_MAX + 1];
	short_error(err, e);
	if (db_run(db, "UPDATE outbox SET status = 'failed', last_error = ?, claimed_at = NULL"
		       " WHERE id = ? AND status IN ('sending', 'queued')", "si", e, id))
		return -1;
	return db_changes(db) == 1 ? 0 : -1;
}

int outbox_recover(struct db *db, int64_t now, const struct outbox_policy *p)
{
	if (db_run(db, "UPDATE outbox SET status = 'queued', next_attempt_at = ?, claimed_at = NULL,"
		       " last_error = 'interrupted while sending; may have been delivered'"
		       " WHERE status = 'sending' AND claimed_at < ?", "ii", now + p->recover_delay_s, now - p->stale_s))
		return -1;
	return db_changes(db);
}

int outbox_retry_now(struct db *db, int64_t id, int64_t now)
{
	if (db_run(db, "UPDATE outbox SET status = 'queued', next_attempt_at = ?, queued_at = ?"
		       " WHERE id = ? AND status = 'failed' AND to_email <> ''", "iii", now, now, id))
		return -1;
	return db_changes(db) == 1 ? 0 : -1;
}

int64_t outbox_next_due(struct db *db)
{
	int64_t t = db_int(db, -1, "SELECT COALESCE(MIN(next_attempt_at), -1) FROM outbox WHERE status = 'queued'", "");
	return t < 0 ? INT64_MAX : t;
}

int outbox_erase_person(struct db *db, int64_t person_id)
{
	if (db_run(db, "UPDATE outbox SET to_email = '', to_name = '', subject = '', text_body = '', html_body = '',"
		       " reply_to = '', attach_name = '', attach_type = '', attach_data = '',"
		       " status = CASE WHEN status = 'sent' THEN 'sent' ELSE 'failed' END,"
		       " last_error = CASE WHEN status = 'sent' THEN last_error ELSE 'erased' END"
		       " WHERE person_id = ?", "i", person_id))
		return -1;
	return db_changes(db);
}

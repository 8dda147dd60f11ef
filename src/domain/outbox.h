/* The e-mail outbox (table outbox, migrations/004_outbox.sql).
 *
 * Mail is queued in the transaction of the change that causes it, so a
 * rolled-back change sends nothing and a committed one is never lost.
 * Senders (threads, or several processes on one database) claim one due
 * message at a time with a conditional UPDATE, so no two claim the same
 * message; the result of the delivery moves it on:
 *
 *   queued --claim--> sending --sent--> sent (final: never sent again)
 *                             --temporary failure--> queued, after a backoff
 *                                  (base, 2 base, 4 base ... capped; failed
 *                                   once the round is older than give_up)
 *                             --permanent failure--> failed
 *   failed --staff "retry now"--> queued (a new round)
 *
 * A message left in 'sending' by a sender that died mid-send may or may not
 * have gone out. outbox_recover() queues it again only after a long delay
 * (and only when its claim is older than any delivery can take), keeping
 * the same Message-ID so a receiver can tell a duplicate. */
#ifndef OVI_OUTBOX_H
#define OVI_OUTBOX_H
#include <stdint.h>

#include "store/db.h"

/* A message to queue. Strings are UTF-8; NULL counts as "". */
struct outbox_new {
	int64_t person_id;     /* the recipient's person, or <= 0 for none (e.g. staff) */
	const char *kind;      /* template name: "confirm", "login", "test", ... */
	const char *to_email;
	const char *to_name;
	const char *mail_lang; /* sv, fi, en */
	const char *subject;
	const char *text;
	const char *html;
	const char *reply_to;  /* "" for none */
	const char *attach_name, *attach_type, *attach_data; /* one attachment, all "" (NULL) for none */
};

/* Insert a queued message, due now, with a new Message-ID
 * "<random@host>" (host from base_url). Runs in the caller's transaction.
 * Returns the new id, or -1. */
int64_t outbox_queue(struct db *db, const struct outbox_new *m, const char *base_url, int64_t now);

/* Write a new Message-ID for base_url into out: "<43 random chars@host>". */
void outbox_message_id(const char *base_url, char out[128]);

/* Timing of retries, in seconds. */
struct outbox_policy {
	int64_t base_s;          /* first retry after this */
	int64_t cap_s;           /* no wait longer than this */
	int64_t give_up_s;       /* temporary failures for this long: failed */
	int64_t stale_s;         /* a claim older than this is a sender that died */
	int64_t recover_delay_s; /* such a message is retried only after this */
};

/* The policy for a base delay: cap 60 base (1 h for 60 s), give up after
 * 1440 base (24 h), stale after 15 min, recovered after the cap. */
struct outbox_policy outbox_policy(unsigned base_s);

/* Wait before the next try after `attempts` tries (1, 2, ...). */
int64_t outbox_backoff(const struct outbox_policy *p, int64_t attempts);

/* A claimed message; strings are malloc()ed, free with outbox_msg_free(). */
struct outbox_msg {
	int64_t id, created_at, attempts;
	char *kind, *to_email, *to_name, *mail_lang, *subject, *text, *html, *reply_to, *message_id;
	char *attach_name, *attach_type, *attach_data; /* "" when there is none */
};
void outbox_msg_free(struct outbox_msg *m);

/* Claim the next due message (queued, next_attempt_at <= now; oldest due
 * first): it becomes 'sending', its attempts count goes up. Returns 1 with
 * *m filled, 0 when none is due, -1 on a database error. */
int outbox_claim(struct db *db, int64_t now, struct outbox_msg *m);

/* The delivery worked. 0, or -1. */
int outbox_mark_sent(struct db *db, int64_t id, int64_t now);
/* A temporary failure: queued again after the backoff, or failed when the
 * round has lasted give_up_s. err is short and holds no personal data.
 * Returns the new status ("queued" or "failed"), or NULL on error. */
const char *outbox_mark_retry(struct db *db, int64_t id, int64_t now, const struct outbox_policy *p, const char *err);
/* A permanent failure. 0, or -1. */
int outbox_mark_failed(struct db *db, int64_t id, int64_t now, const char *err);

/* Queue again, not before now + recover_delay_s, every message whose claim
 * is older than stale_s. Returns how many, or -1. */
int outbox_recover(struct db *db, int64_t now, const struct outbox_policy *p);

/* Staff's "retry now" for a failed message: queued, due now, a new round.
 * 0, or -1 when there is no such failed message. */
int outbox_retry_now(struct db *db, int64_t id, int64_t now);

/* When the next queued message is due, or INT64_MAX when none is queued. */
int64_t outbox_next_due(struct db *db);

/* Erase what identifies the recipient in every message to person_id
 * (address, name, subject, bodies); unsent ones become failed ("erased").
 * The rows stay (kind, language, times, status) for statistics. For the
 * member's "delete my account", in its transaction. Returns how many rows,
 * or -1. */
int outbox_erase_person(struct db *db, int64_t person_id);

#endif

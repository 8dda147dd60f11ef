/* The sender: a thread of `ovi serve` that empties the outbox.
 *
 * It loops: claim the next due message (domain/outbox.h), build it
 * (mail/mime.h), deliver it (mail/smtp.h), record the result. Between
 * messages it sleeps until the next one is due, at most poll_ms, or until
 * mail_sender_wake() (called when mail is queued); for a second after a
 * wake it looks every 50 ms, since the queueing transaction may not have
 * committed yet when the wake arrives. It has its own database
 * connection. Several processes may each run a sender on one database:
 * a message is claimed by one of them only.
 *
 * Without an smtp_url nothing is started: mail stays queued (staff see
 * it in the outbox page). */
#ifndef OVI_SENDER_H
#define OVI_SENDER_H
#include <stdint.h>

#include "store/db.h"

struct mail_sender_opts {
	const char *db_url;       /* the database (the sender opens its own connection) */
	const char *smtp_url;     /* "" or NULL: keep mail queued */
	const char *smtp_user;
	const char *smtp_password;
	const char *mail_from;    /* "Name <address>" */
	unsigned retry_base_s;    /* first retry after a temporary failure; 0: 60 */
	unsigned poll_ms;         /* 0: 1000 */
	long smtp_timeout_s;      /* one SMTP transaction; 0: 60 */
};

struct mail_sender;

/* Start the sender thread (only one per process). Returns a handle (also
 * when there is no smtp_url and nothing runs), or NULL when mail_from is
 * not a valid address or the thread cannot start. */
struct mail_sender *mail_sender_start(const struct mail_sender_opts *o);
/* Stop it: a delivery under way is finished first. NULL is fine. */
void mail_sender_stop(struct mail_sender *s);

/* Tell the running sender that mail was queued (no-op when none runs).
 * Safe from any thread. */
void mail_sender_wake(void);

/* Deliver every message due at `now`, one after the other, on db, with
 * the options' SMTP settings; for tests and for a future `ovi mail`
 * command. Returns how many messages were handled, or -1. */
int mail_sender_run_once(struct db *db, const struct mail_sender_opts *o, int64_t now);

#endif

#include "mail/sender.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/log.h"
#include "domain/outbox.h"
#include "mail/mime.h"
#include "mail/smtp.h"

enum {
	BURST_MS = 1000,     /* after a wake, look often for this long */
	BURST_POLL_MS = 50,
	MIN_WAIT_MS = 20,
	RECOVER_EVERY_S = 60,
};

struct mail_sender {
	struct mail_sender_opts o;
	char *db_url, *smtp_url, *smtp_user, *smtp_password, *mail_from;
	bool running; /* a thread was started */
	pthread_t thread;
};

/* The one sender of the process, and what wakes it. */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond;
static bool cond_ready, stopping, woken, active;

void mail_sender_wake(void)
{
	pthread_mutex_lock(&mu);
	if (active) {
		woken = true;
		pthread_cond_signal(&cond);
	}
	pthread_mutex_unlock(&mu);
}

/* Deliver one claimed message and record the result. */
static void deliver(struct db *db, const struct mail_sender_opts *o, const struct outbox_policy *p,
		    struct outbox_msg *m, int64_t now)
{
	struct mime_msg mm = {
		.from = o->mail_from, .to_email = m->to_email, .to_name = m->to_name, .reply_to = m->reply_to,
		.subject = m->subject, .text = m->text, .html = m->html, .message_id = m->message_id,
		.date = m->created_at, .attach_name = m->attach_name, .attach_type = m->attach_type,
		.attach_data = m->attach_data,
	};
	struct buf b = BUF_INIT(MIME_MAX_MESSAGE);
	enum mime_status st = mime_build(&mm, &b);
	if (st != MIME_OK) {
		/* The message itself is bad: it will not get better. */
		log_warn("mail: #%lld cannot be built (%s): failed", (long long)m->id, mime_status_str(st));
		outbox_mark_failed(db, m->id, now, mime_status_str(st));
		buf_free(&b);
		return;
	}
	char name[MIME_MAX_NAME + 1], from[MIME_MAX_ADDR + 1], err[160];
	if (mime_mailbox_split(o->mail_from, name, sizeof(name), from, sizeof(from)))
		from[0] = '\0'; /* checked at start: cannot happen */
	struct smtp_opts so = {
		.url = o->smtp_url, .user = o->smtp_user, .password = o->smtp_password, .timeout_s = o->smtp_timeout_s,
	};
	enum smtp_result r = smtp_send(&so, from, m->to_email, b.data, b.len, err, sizeof(err));
	buf_free(&b);
	/* The delivery took time: record it at the time it ended. */
	int64_t end = clock_now();
	if (end < now)
		end = now;
	switch (r) {
	case SMTP_SENT:
		if (outbox_mark_sent(db, m->id, end))
			log_warn("mail: #%lld was sent but could not be marked sent", (long long)m->id);
		else
			log_info("mail: #%lld sent (%s)", (long long)m->id, m->kind);
		break;
	case SMTP_TEMPFAIL: {
		const char *now_status = outbox_mark_retry(db, m->id, end, p, err);
		log_warn("mail: #%lld temporary failure (%s): %s", (long long)m->id, err,
			 now_status ? now_status : "not recorded");
		break;
	}
	case SMTP_PERMFAIL:
		outbox_mark_failed(db, m->id, end, err);
		log_warn("mail: #%lld refused (%s): failed", (long long)m->id, err);
		break;
	}
}

static bool should_stop(void)
{
	pthread_mutex_lock(&mu);
	bool s = stopping;
	pthread_mutex_unlock(&mu);
	return s;
}

int mail_sender_run_once(struct db *db, const struct mail_sender_opts *o, int64_t now)
{
	struct outbox_policy p = outbox_policy(o->retry_base_s);
	int n = 0;
	while (!should_stop()) {
		struct outbox_msg m;
		int r = outbox_claim(db, now, &m);
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		deliver(db, o, &p, &m, now);
		outbox_msg_free(&m);
		n++;
		int64_t t = clock_now();
		if (t > now)
			now = t;
	}
	return n;
}

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *run(void *arg)
{
	struct mail_sender *s = arg;
	const struct mail_sender_opts *o = &s->o;
	struct outbox_policy p = outbox_policy(o->retry_base_s);
	unsigned poll_ms = o->poll_ms ? o->poll_ms : 1000;
	struct db *db = db_open(o->db_url);
	if (!db) {
		error("mail: the sender cannot open the database; e-mail stays queued");
		return NULL;
	}
	int64_t last_recover = 0, burst_until = 0;
	for (;;) {
		int64_t now = clock_now();
		if (now - last_recover >= RECOVER_EVERY_S) {
			int k = outbox_recover(db, now, &p);
			if (k > 0)
				log_warn("mail: %d message(s) were interrupted while sending; retried later", k);
			last_recover = now;
		}
		if (mail_sender_run_once(db, o, now) < 0)
			log_warn("mail: the outbox could not be read");
		/* Sleep until the next message is due, the poll interval, a
		 * wake or the stop. */
		int64_t next = outbox_next_due(db);
		now = clock_now();
		int64_t wait_ms = poll_ms;
		if (next != INT64_MAX && (next - now) * 1000 < wait_ms)
			wait_ms = next > now ? (next - now) * 1000 : 0;
		if (mono_ms() < burst_until && wait_ms > BURST_POLL_MS)
			wait_ms = BURST_POLL_MS;
		if (wait_ms < MIN_WAIT_MS) /* never spin, even on a database error */
			wait_ms = MIN_WAIT_MS;
		pthread_mutex_lock(&mu);
		if (!stopping && !woken) {
			struct timespec ts;
			clock_gettime(CLOCK_MONOTONIC, &ts);
			ts.tv_sec += wait_ms / 1000;
			ts.tv_nsec += (wait_ms % 1000) * 1000000;
			if (ts.tv_nsec >= 1000000000) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000;
			}
			while (!stopping && !woken) {
				int rc = pthread_cond_timedwait(&cond, &mu, &ts);
				if (rc == ETIMEDOUT)
					break;
			}
		}
		bool stop = stopping, was_woken = woken;
		woken = false;
		pthread_mutex_unlock(&mu);
		if (stop)
			break;
		if (was_woken)
			burst_until = mono_ms() + BURST_MS;
	}
	db_close(db);
	return NULL;
}

static void free_sender(struct mail_sender *s)
{
	free(s->db_url);
	free(s->smtp_url);
	free(s->smtp_user);
	free(s->smtp_password);
	free(s->mail_from);
	free(s);
}

static char *dup(const char *x)
{
	return strdup(x ? x : "");
}

struct mail_sender *mail_sender_start(const struct mail_sender_opts *o)
{
	char name[MIME_MAX_NAME + 1], addr[MIME_MAX_ADDR + 1];
	if (mime_mailbox_split(o->mail_from, name, sizeof(name), addr, sizeof(addr))) {
		error("mail: mail_from is not \"Name <address>\" with a valid address");
		return NULL;
	}
	struct mail_sender *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->db_url = dup(o->db_url);
	s->smtp_url = dup(o->smtp_url);
	s->smtp_user = dup(o->smtp_user);
	s->smtp_password = dup(o->smtp_password);
	s->mail_from = dup(o->mail_from);
	if (!s->db_url || !s->smtp_url || !s->smtp_user || !s->smtp_password || !s->mail_from) {
		free_sender(s);
		return NULL;
	}
	s->o = *o;
	s->o.db_url = s->db_url;
	s->o.smtp_url = s->smtp_url;
	s->o.smtp_user = s->smtp_user;
	s->o.smtp_password = s->smtp_password;
	s->o.mail_from = s->mail_from;
	if (!*s->smtp_url) {
		log_info("mail: no smtp_url set: e-mail stays in the outbox");
		return s;
	}
	pthread_mutex_lock(&mu);
	bool busy = active;
	if (!busy) {
		if (!cond_ready) {
			pthread_condattr_t ca;
			pthread_condattr_init(&ca);
			pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
			pthread_cond_init(&cond, &ca);
			pthread_condattr_destroy(&ca);
			cond_ready = true;
		}
		active = true;
		stopping = false;
		woken = false;
	}
	pthread_mutex_unlock(&mu);
	if (busy) {
		error("mail: a sender is already running");
		free_sender(s);
		return NULL;
	}
	bool curl = smtp_init() == 0;
	if (!curl || pthread_create(&s->thread, NULL, run, s)) {
		error("mail: cannot start the sender");
		if (curl)
			smtp_cleanup();
		pthread_mutex_lock(&mu);
		active = false;
		pthread_mutex_unlock(&mu);
		free_sender(s);
		return NULL;
	}
	s->running = true;
	log_info("mail: sender started");
	return s;
}

void mail_sender_stop(struct mail_sender *s)
{
	if (!s)
		return;
	if (s->running) {
		pthread_mutex_lock(&mu);
		stopping = true;
		pthread_cond_signal(&cond);
		pthread_mutex_unlock(&mu);
		pthread_join(s->thread, NULL);
		pthread_mutex_lock(&mu);
		active = false;
		stopping = false;
		pthread_mutex_unlock(&mu);
		smtp_cleanup();
	}
	free_sender(s);
}

#include "domain/housekeeping.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "core/clock.h"
#include "core/log.h"
#include "domain/registration.h"

int housekeeping_run(struct db *db, const struct config *cfg, int64_t now)
{
	int removed = 0;
	int r = registration_expire_unconfirmed(db, now, (int64_t)cfg->unconfirmed_expiry_hours * 3600);
	if (r < 0)
		return -1;
	removed += r;
	/* Used or expired links are kept a day, for a clear "already used" page. */
	if (db_run(db, "DELETE FROM email_tokens WHERE expires_at < ?", "i", now - 24 * 3600))
		return -1;
	removed += db_changes(db);
	int64_t idle = cfg->session_idle_s, max = cfg->session_max_s;
	if (db_run(db, "DELETE FROM sessions WHERE last_seen < ? OR created_at < ?", "ii", now - idle, now - max))
		return -1;
	removed += db_changes(db);
	if (db_run(db, "DELETE FROM member_sessions WHERE last_seen < ? OR created_at < ?", "ii", now - idle,
		   now - max))
		return -1;
	removed += db_changes(db);
	if (db_run(db, "DELETE FROM login_failures WHERE at < ?", "i", now - 3600))
		return -1;
	removed += db_changes(db);
	return removed;
}

struct housekeeper {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop;
	unsigned interval_s;
	const struct config *cfg;
};

static void *loop(void *p)
{
	struct housekeeper *h = p;
	struct db *db = db_open(h->cfg->db);
	pthread_mutex_lock(&h->mu);
	while (!h->stop) {
		pthread_mutex_unlock(&h->mu);
		if (db) {
			int n = housekeeping_run(db, h->cfg, clock_now());
			if (n > 0)
				log_info("housekeeping: removed %d expired rows", n);
		}
		pthread_mutex_lock(&h->mu);
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += h->interval_s;
		while (!h->stop && pthread_cond_timedwait(&h->cv, &h->mu, &ts) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&h->mu);
	db_close(db);
	return NULL;
}

struct housekeeper *housekeeper_start(const struct config *cfg, unsigned interval_s)
{
	struct housekeeper *h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	h->cfg = cfg;
	h->interval_s = interval_s ? interval_s : 60;
	pthread_mutex_init(&h->mu, NULL);
	pthread_cond_init(&h->cv, NULL);
	if (pthread_create(&h->thread, NULL, loop, h)) {
		free(h);
		return NULL;
	}
	return h;
}

void housekeeper_stop(struct housekeeper *h)
{
	if (!h)
		return;
	pthread_mutex_lock(&h->mu);
	h->stop = true;
	pthread_cond_signal(&h->cv);
	pthread_mutex_unlock(&h->mu);
	pthread_join(h->thread, NULL);
	pthread_mutex_destroy(&h->mu);
	pthread_cond_destroy(&h->cv);
	free(h);
}

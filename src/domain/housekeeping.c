#include "domain/housekeeping.h"

#include <stdbool.h>
#include <stdlib.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/ticker.h"
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
	struct ticker *ticker;
	const struct config *cfg;
	struct db *db; /* the thread's own connection, opened on its first pass */
};

static void pass(struct ticker *t, void *arg)
{
	(void)t;
	struct housekeeper *h = arg;
	if (!h->db && !(h->db = db_open(h->cfg->db)))
		return;
	int n = housekeeping_run(h->db, h->cfg, clock_now());
	if (n > 0)
		log_info("housekeeping: removed %d expired rows", n);
}

struct housekeeper *housekeeper_start(const struct config *cfg, unsigned interval_s)
{
	struct housekeeper *h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	h->cfg = cfg;
	if (!(h->ticker = ticker_start(interval_s, pass, h))) {
		free(h);
		return NULL;
	}
	return h;
}

void housekeeper_stop(struct housekeeper *h)
{
	if (!h)
		return;
	ticker_stop(h->ticker); /* the thread is gone: its connection can be closed here */
	db_close(h->db);
	free(h);
}

#include "domain/scheduler.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/ticker.h"
#include "domain/matches.h"
#include "domain/relay.h"

enum {
	JOB_ARENA_LIMIT = 8 << 20,
	BACKOFF_BASE_S = 300,
	BACKOFF_CAP_S = 86400,
	KIND_MAX = 64,
	THREAD_BATCH = 100, /* the thread checks for a stop between batches */
};

const struct job_kind job_kinds[] = {
	{ "match_remind", matches_job_remind },
	{ "match_expire", matches_job_expire },
	{ "match_followup", matches_job_followup },
	{ "relay_remind", relay_job_remind },
	{ "relay_expire", relay_job_expire },
	{ NULL, NULL },
};

static const struct job_kind *find_kind(const struct job_kind *kinds, const char *kind)
{
	for (const struct job_kind *k = kinds; k && k->kind; k++)
		if (strcmp(k->kind, kind) == 0)
			return k;
	return NULL;
}

int jobs_add(struct db *db, const char *kind, int64_t ref_id, int64_t due_at, int64_t now)
{
	if (!kind || !find_kind(job_kinds, kind))
		return error("scheduler: a job of an unknown kind was not added");
	return db_run(db, "INSERT INTO jobs (kind, ref_id, due_at, attempts, last_error, created_at)"
			  " VALUES (?, ?, ?, 0, '', ?)",
		      "siii", kind, ref_id, due_at, now);
}

/* 5 min after the first failure, doubling, at most a day. */
static int64_t backoff(int64_t attempts)
{
	int64_t d = BACKOFF_BASE_S;
	for (int64_t i = 0; i < attempts && d < BACKOFF_CAP_S; i++)
		d *= 2;
	return d < BACKOFF_CAP_S ? d : BACKOFF_CAP_S;
}

struct job {
	int64_t id, ref_id, due_at;
	char kind[KIND_MAX];
};

/* The oldest due job after the cursor (due_at, id), among those that
 * existed when the pass began (id <= last_id). 1, 0 (none) or -1. */
static int next_job(struct db *db, int64_t now, int64_t cur_due, int64_t cur_id, int64_t last_id, struct job *j)
{
	struct db_stmt *st = db_prepare(db, "SELECT id, kind, ref_id, due_at FROM jobs"
					    " WHERE done_at IS NULL AND due_at <= ? AND id <= ?"
					    " AND (due_at > ? OR (due_at = ? AND id > ?))"
					    " ORDER BY due_at, id LIMIT 1");
	if (!st)
		return -1;
	int rc = db_bind_int(st, 1, now) || db_bind_int(st, 2, last_id) || db_bind_int(st, 3, cur_due) ||
		 db_bind_int(st, 4, cur_due) || db_bind_int(st, 5, cur_id);
	int found = -1;
	if (!rc) {
		enum db_step s = db_step(st);
		if (s == DB_ROW) {
			j->id = db_col_int(st, 0);
			const char *k = db_col_text(st, 1);
			/* A kind too long to be known stays "" (unknown). */
			j->kind[0] = '\0';
			if (k && strlen(k) < sizeof(j->kind))
				memcpy(j->kind, k, strlen(k) + 1);
			j->ref_id = db_col_int(st, 2);
			j->due_at = db_col_int(st, 3);
			found = 1;
		} else if (s == DB_DONE) {
			found = 0;
		}
	}
	db_finalize(st);
	return found;
}

/* After a failed job was rolled back: count the attempt and move it
 * ahead, in a transaction of its own. The delay, 0 when another process
 * has done the job meanwhile, or -1. */
static int64_t record_failure(struct db *db, const struct job *j, int64_t now, const char *why)
{
	if (db_begin(db))
		return -1;
	int64_t attempts = db_int(db, -1, "SELECT attempts FROM jobs WHERE id = ? AND done_at IS NULL", "i", j->id);
	if (attempts < 0) {
		db_rollback(db);
		return 0;
	}
	int64_t delay = backoff(attempts);
	if (db_run(db, "UPDATE jobs SET attempts = attempts + 1, due_at = ?, last_error = ? WHERE id = ?", "isi",
		   now + delay, why, j->id) ||
	    db_commit(db)) {
		db_rollback(db);
		return -1;
	}
	return delay;
}

enum outcome { JOB_ERROR = -1, JOB_DONE, JOB_FAILED, JOB_TAKEN, JOB_UNKNOWN };

static enum outcome run_job(const struct mail_env *e, const struct job *j, const struct job_kind *kinds)
{
	struct db *db = e->db;
	if (db_begin(db))
		return JOB_ERROR;
	/* The claim: only one process's UPDATE changes the row. */
	if (db_run(db, "UPDATE jobs SET done_at = ?, attempts = attempts + 1"
		       " WHERE id = ? AND done_at IS NULL AND due_at <= ?",
		   "iii", e->now, j->id, e->now)) {
		db_rollback(db);
		return JOB_ERROR;
	}
	if (db_changes(db) != 1) {
		db_rollback(db);
		return JOB_TAKEN;
	}
	const struct job_kind *k = find_kind(kinds, j->kind);
	if (!k || !k->fn) {
		if (db_run(db, "UPDATE jobs SET last_error = 'unknown kind' WHERE id = ?", "i", j->id) ||
		    db_commit(db)) {
			db_rollback(db);
			return JOB_ERROR;
		}
		return JOB_UNKNOWN;
	}
	struct mail_env je = *e;
	je.a = arena_new(JOB_ARENA_LIMIT);
	const char *why = "out of memory";
	if (je.a) {
		int rc = k->fn(&je, j->ref_id, j->due_at);
		why = rc == 0 ? NULL : "failed";
	}
	arena_free(je.a);
	if (!why) {
		if (db_commit(db) == 0)
			return JOB_DONE;
		why = "commit failed";
	}
	db_rollback(db);
	int64_t delay = record_failure(db, j, e->now, why);
	if (delay < 0)
		log_warn("scheduler: a %s job failed (%s) and that could not be recorded", k->kind, why);
	else
		log_warn("scheduler: a %s job failed (%s); tried again in %lld s", k->kind, why, (long long)delay);
	return JOB_FAILED;
}

/* The pass; *claimed counts the jobs this call took (done, failed or
 * unknown). */
static int run_due(const struct mail_env *e, int max, const struct job_kind *kinds, int *claimed)
{
	*claimed = 0;
	/* Jobs that handlers add during the pass wait for the next one, so a
	 * handler that adds a due job every time cannot keep the pass going. */
	int64_t last_id = db_int(e->db, -1, "SELECT COALESCE(MAX(id), 0) FROM jobs", "");
	if (last_id < 0)
		return -1;
	/* The cursor moves forward only: each job is tried at most once. */
	int64_t cur_due = INT64_MIN, cur_id = 0;
	int done = 0, failed = 0, unknown = 0;
	while (max <= 0 || *claimed < max) {
		struct job j;
		int r = next_job(e->db, e->now, cur_due, cur_id, last_id, &j);
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		cur_due = j.due_at;
		cur_id = j.id;
		switch (run_job(e, &j, kinds)) {
		case JOB_ERROR:
			return -1;
		case JOB_DONE:
			done++;
			break;
		case JOB_FAILED:
			failed++;
			break;
		case JOB_UNKNOWN:
			unknown++;
			break;
		case JOB_TAKEN:
			continue;
		}
		(*claimed)++;
	}
	if (done || failed || unknown)
		log_info("scheduler: %d job(s) done, %d failed, %d of an unknown kind", done, failed, unknown);
	return done;
}

int jobs_run_due_kinds(const struct mail_env *e, int max, const struct job_kind *kinds)
{
	int claimed;
	return run_due(e, max, kinds, &claimed);
}

int jobs_run_due(const struct mail_env *e, int max)
{
	return jobs_run_due_kinds(e, max, job_kinds);
}

/* ---- the thread ----------------------------------------------------------- */

struct scheduler {
	struct ticker *ticker;
	const struct config *cfg;
	const struct tmpl_set *tmpl;
	const struct i18n *i18n;
	struct db *db; /* the thread's own connection, opened on its first pass */
};

/* Every due job, in batches, stopping between batches when asked to. */
static void pass(struct ticker *t, void *arg)
{
	struct scheduler *s = arg;
	if (!s->db && !(s->db = db_open(s->cfg->db))) {
		log_warn("scheduler: cannot open the database; jobs wait");
		return;
	}
	struct mail_env e = { .db = s->db, .tmpl = s->tmpl, .i18n = s->i18n, .cfg = s->cfg, .a = NULL };
	int claimed;
	do {
		e.now = clock_now();
		if (run_due(&e, THREAD_BATCH, job_kinds, &claimed) < 0) {
			log_warn("scheduler: the jobs could not be read or updated");
			return;
		}
	} while (claimed == THREAD_BATCH && !ticker_stopping(t));
}

struct scheduler *scheduler_start(const struct config *cfg, const struct tmpl_set *tmpl, const struct i18n *i18n)
{
	struct scheduler *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	*s = (struct scheduler){ .cfg = cfg, .tmpl = tmpl, .i18n = i18n };
	if (!(s->ticker = ticker_start(cfg->scheduler_poll_s, pass, s))) {
		error("scheduler: cannot start the thread");
		free(s);
		return NULL;
	}
	return s;
}

void scheduler_stop(struct scheduler *s)
{
	if (!s)
		return;
	ticker_stop(s->ticker); /* the thread is gone: its connection can be closed here */
	db_close(s->db);
	free(s);
}

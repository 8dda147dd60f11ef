/* Scheduled work (table jobs, migrations/008_matches.sql).
 *
 * A job says "at due_at, do `kind` for ref_id". jobs_add() is called in the
 * transaction of the change that makes the job necessary. A runner claims
 * one due job at a time with a conditional UPDATE (done_at IS NULL) in a
 * transaction that also does the work, so with several processes on one
 * database a job is done once: if the work fails, everything rolls back
 * and the job is tried again later (attempts, a backoff, last_error).
 *
 * Handlers must check the state of what they act on: a job may have been
 * made unnecessary by a later change (an answered match needs no
 * reminder), and then the handler does nothing and returns 0. */
#ifndef OVI_SCHEDULER_H
#define OVI_SCHEDULER_H
#include <stdint.h>

#include "domain/notify.h"
#include "store/db.h"

/* A job's work; runs in the job's transaction. e->now is the runner's
 * now. 0 done (or nothing to do), -1 failed (rolled back, retried). */
typedef int (*job_fn)(const struct mail_env *e, int64_t ref_id, int64_t due_at);

struct job_kind {
	const char *kind;
	job_fn fn;
};

/* The known kinds, ended by { NULL, NULL } (scheduler.c lists them; an
 * unknown kind in the table is marked done with last_error "unknown
 * kind"). */
extern const struct job_kind job_kinds[];

/* Add a job (in the caller's transaction). kind must be one of
 * job_kinds. 0, or -1. */
int jobs_add(struct db *db, const char *kind, int64_t ref_id, int64_t due_at, int64_t now);

/* Do every job due at e->now, oldest due first, at most max (0: no limit),
 * each in its own transaction on e->db (e->db must not be in a
 * transaction). Each job gets a fresh arena of its own (e->a is not
 * used) and e->now. Returns how many were done,
 * or -1 on a database error. A failed job counts as not done: its
 * attempts go up and due_at moves 5 min * 2^attempts (attempts before
 * this one: 5 min after the first failure, then 10, 20, ...; capped at a
 * day) ahead, with a short last_error. max counts every job this call
 * claims (done, failed or of an unknown kind). Each job is tried at most
 * once per call, so a handler that keeps failing cannot make it spin, and
 * jobs added while the call runs (by its handlers or others) wait for the
 * next call, so a handler that adds a due job cannot either. */
int jobs_run_due(const struct mail_env *e, int max);

/* jobs_run_due with another table of kinds (ended by { NULL, NULL }); for
 * tests. Jobs of kinds not in `kinds` are "unknown". */
int jobs_run_due_kinds(const struct mail_env *e, int max, const struct job_kind *kinds);

/* The thread of `ovi serve` (core/ticker.h) that runs every due job at
 * start and then every cfg->scheduler_poll_s seconds, with its own
 * database connection (cfg->db) and now = clock_now(). cfg, tmpl and i18n
 * must outlive it. NULL when the thread cannot start. scheduler_stop()
 * lets a job under way finish; NULL is fine. */
struct scheduler;
struct scheduler *scheduler_start(const struct config *cfg, const struct tmpl_set *tmpl, const struct i18n *i18n);
void scheduler_stop(struct scheduler *s);

#endif

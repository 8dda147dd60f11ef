/* The scheduler on a real SQLite database (migrations/), with handlers of
 * its own: jobs done once and not before they are due, oldest first; a
 * failing handler's writes rolled back and the job tried again later
 * (attempts, backoff, last_error); a job another connection claimed is
 * not done again, also with two connections racing; unknown kinds; max;
 * jobs_add in the caller's transaction; the thread and its wake. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/log.h"
#include "domain/scheduler.h"
#include "testdb.h"

static char dir[64];
static struct db *db;
static struct config cfg;
static const int64_t T = 1795446000;

/* What the handlers saw. */
enum { REFS = 64 };
static pthread_mutex_t calls_mu = PTHREAD_MUTEX_INITIALIZER;
static int calls[REFS], ok_calls, fail_calls, order[16], norder;
static int64_t seen_now, seen_due;
static struct arena *caller_arena;

static void count(int64_t ref, int *kind_calls)
{
	pthread_mutex_lock(&calls_mu);
	if (ref >= 0 && ref < REFS)
		calls[ref]++;
	if (kind_calls)
		(*kind_calls)++;
	if (kind_calls == &ok_calls && norder < 16)
		order[norder++] = (int)ref;
	pthread_mutex_unlock(&calls_mu);
}

/* Succeeds, and writes something (a job far ahead) that must be kept. */
static int h_ok(const struct mail_env *e, int64_t ref, int64_t due_at)
{
	count(ref, &ok_calls);
	seen_now = e->now;
	seen_due = due_at;
	/* A fresh arena of its own. */
	if (!e->a || e->a == caller_arena || arena_used(e->a) != 0 || !arena_alloc(e->a, 1 << 20))
		return -1;
	return jobs_add(e->db, "match_followup", ref + 1000, e->now + 365 * 86400, e->now);
}

/* Writes something, then fails: the write must be rolled back. */
static int h_fail(const struct mail_env *e, int64_t ref, int64_t due_at)
{
	(void)due_at;
	count(ref, &fail_calls);
	jobs_add(e->db, "match_followup", ref + 2000, e->now, e->now);
	return -1;
}

static const struct job_kind kinds[] = {
	{ "match_remind", h_ok },
	{ "match_expire", h_fail },
	{ NULL, NULL },
};

static struct mail_env env(int64_t now)
{
	return (struct mail_env){ .db = db, .cfg = &cfg, .a = caller_arena, .now = now };
}

static int run(int64_t now, int max)
{
	struct mail_env e = env(now);
	return jobs_run_due_kinds(&e, max, kinds);
}

static int64_t add(const char *kind, int64_t ref, int64_t due_at)
{
	assert_int_equal(jobs_add(db, kind, ref, due_at, T - 86400), 0);
	return db_int(db, -1, "SELECT MAX(id) FROM jobs", "");
}

static int64_t col(const char *column, int64_t id)
{
	char sql[128];
	snprintf(sql, sizeof(sql), "SELECT %s FROM jobs WHERE id = ?", column);
	return db_int(db, -99, sql, "i", id);
}

static void done_once_not_before_due(void **state)
{
	(void)state;
	/* Added newest-due first: they run by due time, not by id. */
	int64_t later = add("match_remind", 3, T + 10);
	int64_t now = add("match_remind", 2, T);
	int64_t early = add("match_remind", 1, T - 10);
	assert_int_equal(run(T - 11, 0), 0);
	assert_int_equal(ok_calls, 0);
	assert_int_equal(run(T, 0), 2);
	assert_int_equal(norder, 2);
	assert_int_equal(order[0], 1);
	assert_int_equal(order[1], 2);
	assert_int_equal(seen_now, T);
	assert_int_equal(seen_due, T);
	assert_int_equal(col("done_at", early), T);
	assert_int_equal(col("attempts", early), 1);
	assert_int_equal(col("done_at IS NULL", later), 1);
	/* The handlers' writes were committed. */
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM jobs WHERE ref_id IN (1001, 1002)", ""), 2);
	/* Not again. */
	assert_int_equal(run(T, 0), 0);
	assert_int_equal(run(T + 9, 0), 0);
	assert_int_equal(ok_calls, 2);
	assert_int_equal(run(T + 10, 0), 1);
	assert_int_equal(run(T + 100000, 0), 0);
	assert_int_equal(calls[1] + calls[2] + calls[3], 3);
	assert_int_equal(calls[3], 1);
	assert_int_equal(col("done_at", now), T);
	assert_int_equal(col("done_at", later), T + 10);
}

static void failure_rolls_back_and_retries_later(void **state)
{
	(void)state;
	int64_t id = add("match_expire", 7, T);
	assert_int_equal(run(T, 0), 0);
	assert_int_equal(fail_calls, 1);
	assert_int_equal(col("done_at IS NULL", id), 1);
	assert_int_equal(col("attempts", id), 1);
	assert_int_equal(col("due_at", id), T + 300);
	char *err = NULL;
	struct db_stmt *st = db_prepare(db, "SELECT last_error FROM jobs WHERE id = ?");
	assert_non_null(st);
	db_bind_int(st, 1, id);
	assert_int_equal(db_step(st), DB_ROW);
	err = strdup(db_col_text(st, 0));
	db_finalize(st);
	assert_string_equal(err, "failed");
	free(err);
	/* What the handler wrote is gone. */
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM jobs WHERE ref_id = 2007", ""), 0);
	/* Not before the backoff; then 10 min, 20 min, ... */
	assert_int_equal(run(T + 299, 0), 0);
	assert_int_equal(fail_calls, 1);
	assert_int_equal(run(T + 300, 0), 0);
	assert_int_equal(fail_calls, 2);
	assert_int_equal(col("attempts", id), 2);
	assert_int_equal(col("due_at", id), T + 300 + 600);
	assert_int_equal(run(T + 900, 0), 0);
	assert_int_equal(col("due_at", id), T + 900 + 1200);
	/* Capped at a day. */
	db_run(db, "UPDATE jobs SET attempts = 40 WHERE id = ?", "i", id);
	assert_int_equal(run(T + 100000, 0), 0);
	assert_int_equal(col("attempts", id), 41);
	assert_int_equal(col("due_at", id), T + 100000 + 86400);
	assert_int_equal(fail_calls, 4);
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM jobs WHERE ref_id = 2007", ""), 0);
}

static void each_job_once_per_pass(void **state)
{
	(void)state;
	/* Three failing jobs and two good ones, all due: each is tried once. */
	for (int i = 0; i < 3; i++)
		add("match_expire", 10 + i, T - 100 + i);
	add("match_remind", 20, T - 50);
	add("match_remind", 21, T);
	assert_int_equal(run(T, 0), 2);
	assert_int_equal(fail_calls, 3);
	assert_int_equal(ok_calls, 2);
	for (int i = 10; i < 22; i++)
		assert_true(calls[i] <= 1);
	/* The failed ones are not due again at the same time. */
	assert_int_equal(run(T, 0), 0);
	assert_int_equal(fail_calls, 3);
}

/* Adds a job due now every time: the pass does not chase its own tail. */
static int h_chain(const struct mail_env *e, int64_t ref, int64_t due_at)
{
	(void)due_at;
	count(ref, NULL);
	return jobs_add(e->db, "match_remind", ref + 1, e->now, e->now);
}

static void jobs_added_during_a_pass_wait(void **state)
{
	(void)state;
	static const struct job_kind chain[] = { { "match_remind", h_chain }, { NULL, NULL } };
	add("match_remind", 1, T);
	struct mail_env e = env(T);
	assert_int_equal(jobs_run_due_kinds(&e, 0, chain), 1);
	assert_int_equal(jobs_run_due_kinds(&e, 0, chain), 1);
	assert_int_equal(calls[1], 1);
	assert_int_equal(calls[2], 1);
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM jobs WHERE done_at IS NULL", ""), 1);
}

static void claimed_elsewhere_is_not_done_again(void **state)
{
	(void)state;
	char p[300];
	snprintf(p, sizeof(p), "%s/t.db", dir);
	struct db *other = db_open(p);
	assert_non_null(other);
	int64_t a = add("match_remind", 1, T), b = add("match_remind", 2, T);
	/* Another process claims and does a; a second pass of its own finds nothing. */
	struct mail_env oe = { .db = other, .cfg = &cfg, .now = T };
	assert_int_equal(db_begin(other), 0);
	assert_int_equal(db_run(other, "UPDATE jobs SET done_at = ?, attempts = attempts + 1"
				       " WHERE id = ? AND done_at IS NULL", "ii", T, a), 0);
	assert_int_equal(db_changes(other), 1);
	assert_int_equal(db_commit(other), 0);
	assert_int_equal(run(T, 0), 1);
	assert_int_equal(calls[1], 0);
	assert_int_equal(calls[2], 1);
	assert_int_equal(jobs_run_due_kinds(&oe, 0, kinds), 0);
	assert_int_equal(calls[2], 1);
	assert_int_equal(col("attempts", a), 1);
	assert_int_equal(col("attempts", b), 1);
	db_close(other);
}

struct racer {
	int done;
};

static void *race(void *arg)
{
	struct racer *r = arg;
	char p[300];
	snprintf(p, sizeof(p), "%s/t.db", dir);
	struct db *mine = db_open(p);
	if (!mine) {
		r->done = -1;
		return NULL;
	}
	struct mail_env e = { .db = mine, .cfg = &cfg, .now = T };
	r->done = jobs_run_due_kinds(&e, 0, kinds);
	db_close(mine);
	return NULL;
}

static void racing_connections_do_each_job_once(void **state)
{
	(void)state;
	enum { N = 40, THREADS = 4 };
	for (int i = 0; i < N; i++)
		add("match_remind", i, T - N + i);
	pthread_t t[THREADS];
	struct racer r[THREADS] = { 0 };
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, race, &r[i]), 0);
	int total = 0;
	for (int i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		assert_true(r[i].done >= 0);
		total += r[i].done;
	}
	assert_int_equal(total, N);
	for (int i = 0; i < N; i++)
		assert_int_equal(calls[i], 1);
	assert_int_equal(db_int(db, -1, "SELECT COUNT(*) FROM jobs"
				       " WHERE ref_id < ? AND (done_at IS NULL OR attempts != 1)", "i", N), 0);
}

static void unknown_kind(void **state)
{
	(void)state;
	/* jobs_add only takes known kinds. */
	assert_int_equal(jobs_add(db, "nonsense", 1, T, T), -1);
	assert_int_equal(jobs_add(db, "", 1, T, T), -1);
	assert_int_equal(jobs_add(db, NULL, 1, T, T), -1);
	assert_int_equal(db_int(db, -1, "SELECT COUNT(*) FROM jobs", ""), 0);
	/* One in the table anyway (an older or newer version wrote it); and a
	 * kind known to job_kinds but not to this table. */
	db_run(db, "INSERT INTO jobs (kind, ref_id, due_at, created_at) VALUES ('nonsense', 5, ?, ?)", "ii", T, T);
	int64_t u = db_int(db, -1, "SELECT MAX(id) FROM jobs", "");
	int64_t f = add("match_followup", 6, T);
	int64_t ok = add("match_remind", 7, T);
	assert_int_equal(run(T, 0), 1);
	assert_int_equal(calls[7], 1);
	for (int64_t id = u; id <= f; id++) {
		assert_int_equal(col("done_at", id), T);
		assert_int_equal(col("attempts", id), 1);
		assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM jobs WHERE id = ? AND last_error = 'unknown kind'",
					"i", id),
				 1);
	}
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM jobs WHERE id = ? AND last_error = ''", "i", ok), 1);
	assert_int_equal(run(T, 0), 0);
}

static void max_is_kept(void **state)
{
	(void)state;
	for (int i = 0; i < 5; i++)
		add("match_remind", i, T - 10 + i);
	assert_int_equal(run(T, 2), 2);
	assert_int_equal(calls[0] + calls[1], 2);
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM jobs WHERE done_at IS NULL AND ref_id < 5", ""), 3);
	assert_int_equal(run(T, 1), 1);
	assert_int_equal(calls[2], 1);
	assert_int_equal(run(T, 0), 2);
	assert_int_equal(calls[3] + calls[4], 2);
	/* Failures count too: two failing jobs first, max 2, nothing done. */
	add("match_expire", 30, T - 5);
	add("match_expire", 31, T - 4);
	add("match_remind", 32, T - 3);
	assert_int_equal(run(T, 2), 0);
	assert_int_equal(fail_calls, 2);
	assert_int_equal(calls[32], 0);
	assert_int_equal(run(T, 2), 1);
	assert_int_equal(calls[32], 1);
}

static void jobs_add_follows_the_transaction(void **state)
{
	(void)state;
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(jobs_add(db, "match_remind", 1, T, T), 0);
	assert_int_equal(jobs_add(db, "match_expire", 1, T, T), 0);
	assert_int_equal(db_rollback(db), 0);
	assert_int_equal(db_int(db, -1, "SELECT COUNT(*) FROM jobs", ""), 0);
	assert_int_equal(run(T, 0), 0);
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(jobs_add(db, "match_remind", 1, T, T - 5), 0);
	assert_int_equal(db_commit(db), 0);
	assert_int_equal(db_int(db, -1, "SELECT COUNT(*) FROM jobs WHERE kind = 'match_remind' AND ref_id = 1"
				      " AND due_at = ? AND created_at = ? AND done_at IS NULL AND attempts = 0",
				"ii", T, T - 5),
			 1);
	assert_int_equal(run(T, 0), 1);
}

static int done_count(void)
{
	return (int)db_int(db, -1, "SELECT COUNT(*) FROM jobs WHERE done_at IS NOT NULL", "");
}

static void thread_runs_at_start_and_stops(void **state)
{
	(void)state;
	/* Unknown kinds, so that no real handler runs: the thread still marks
	 * them done. The first pass always runs, so start + stop is one pass. */
	int64_t now = clock_now();
	db_run(db, "INSERT INTO jobs (kind, ref_id, due_at, created_at) VALUES ('test_only', 1, ?, ?)", "ii", now - 5,
	       now);
	db_run(db, "INSERT INTO jobs (kind, ref_id, due_at, created_at) VALUES ('test_only', 2, ?, ?)", "ii",
	       now + 86400, now); /* not due yet: stays */
	struct config c = cfg;
	snprintf(c.db, sizeof(c.db), "%s/t.db", dir);
	c.scheduler_poll_s = 3600;
	struct scheduler *s = scheduler_start(&c, NULL, NULL);
	assert_non_null(s);
	scheduler_stop(s);
	assert_int_equal(done_count(), 1);
	/* It starts again after a stop and does what has become due. */
	db_run(db, "INSERT INTO jobs (kind, ref_id, due_at, created_at) VALUES ('test_only', 3, ?, ?)", "ii", now - 5,
	       now);
	s = scheduler_start(&c, NULL, NULL);
	assert_non_null(s);
	scheduler_stop(s);
	assert_int_equal(done_count(), 2);
	scheduler_stop(NULL);
}

static int setup(void **state)
{
	(void)state;
	memset(calls, 0, sizeof(calls));
	ok_calls = fail_calls = norder = 0;
	seen_now = seen_due = 0;
	snprintf(dir, sizeof(dir), "/tmp/ovi-sched-XXXXXX");
	db = testdb_open(dir);
	caller_arena = arena_new(1024);
	return db && caller_arena ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	arena_free(caller_arena);
	return testdb_close(db, dir);
}

#define T_(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	log_set_quiet(1);
	if (config_load(&cfg, NULL))
		return 1;
	const struct CMUnitTest tests[] = {
		T_(done_once_not_before_due),
		T_(failure_rolls_back_and_retries_later),
		T_(each_job_once_per_pass),
		T_(jobs_added_during_a_pass_wait),
		T_(claimed_elsewhere_is_not_done_again),
		T_(racing_connections_do_each_job_once),
		T_(unknown_kind),
		T_(max_is_kept),
		T_(jobs_add_follows_the_transaction),
		T_(thread_runs_at_start_and_stops),
	};
	return cmocka_run_group_tests_name("scheduler", tests, NULL, NULL);
}

/* The periodic thread (core/ticker.c): the first call always happens, a
 * stop waits for a call under way, and the thread calls again after its
 * interval. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <time.h>

#include "core/ticker.h"

struct count {
	atomic_int calls;
	atomic_bool in_call;
};

static void work(struct ticker *t, void *arg)
{
	struct count *c = arg;
	atomic_store(&c->in_call, true);
	atomic_fetch_add(&c->calls, 1);
	/* Keep going until asked to stop: ticker_stop must wait for this. */
	for (int i = 0; i < 2000000 && !ticker_stopping(t); i++)
		;
	atomic_store(&c->in_call, false);
}

static void start_then_stop_is_one_call(void **state)
{
	(void)state;
	struct count c = { 0 };
	struct ticker *t = ticker_start(3600, work, &c);
	assert_non_null(t);
	ticker_stop(t);
	assert_int_equal(atomic_load(&c.calls), 1);
	assert_false(atomic_load(&c.in_call)); /* the call finished before stop returned */
	ticker_stop(NULL);
}

static void quick(struct ticker *t, void *arg)
{
	(void)t;
	atomic_fetch_add(&((struct count *)arg)->calls, 1);
}

static void calls_again_after_the_interval(void **state)
{
	(void)state;
	struct count c = { 0 };
	struct ticker *t = ticker_start(1, quick, &c);
	assert_non_null(t);
	/* Wait (not a timing assertion: up to a minute) for a second call. */
	for (int i = 0; i < 6000 && atomic_load(&c.calls) < 2; i++) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	ticker_stop(t);
	assert_true(atomic_load(&c.calls) >= 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(start_then_stop_is_one_call),
		cmocka_unit_test(calls_again_after_the_interval),
	};
	return cmocka_run_group_tests_name("ticker", tests, NULL, NULL);
}

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>

#include "core/ratelimit.h"
#include "core/token.h"

static void counts_per_key_and_window(void **state)
{
	(void)state;
	struct ratelimit *r = ratelimit_new(64, 3, 60);
	int64_t t = 6000;
	for (int i = 0; i < 3; i++) {
		assert_false(ratelimit_blocked(r, "10.0.0.1", t));
		ratelimit_hit(r, "10.0.0.1", t);
	}
	assert_true(ratelimit_blocked(r, "10.0.0.1", t));
	assert_false(ratelimit_blocked(r, "10.0.0.2", t));
	/* The next window starts afresh. */
	assert_false(ratelimit_blocked(r, "10.0.0.1", t + 60));
	ratelimit_free(r);
}

static void bounded_under_many_keys(void **state)
{
	(void)state;
	struct ratelimit *r = ratelimit_new(16, 2, 60);
	char key[32];
	for (int i = 0; i < 10000; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		ratelimit_hit(r, key, 100);
	}
	/* A recent, repeated offender is still caught. */
	ratelimit_hit(r, "evil", 100);
	ratelimit_hit(r, "evil", 100);
	assert_true(ratelimit_blocked(r, "evil", 100));
	ratelimit_free(r);
}

int main(void)
{
	token_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(counts_per_key_and_window),
		cmocka_unit_test(bounded_under_many_keys),
	};
	return cmocka_run_group_tests_name("ratelimit", tests, NULL, NULL);
}

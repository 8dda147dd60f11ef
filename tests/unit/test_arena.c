#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/arena.h"

static void allocations_are_zeroed_and_aligned(void **state)
{
	(void)state;
	struct arena *a = arena_new(1 << 20);
	for (int i = 1; i < 200; i++) {
		unsigned char *p = arena_alloc(a, (size_t)i);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
		for (int j = 0; j < i; j++)
			assert_int_equal(p[j], 0);
		memset(p, 0xab, (size_t)i);
	}
	arena_free(a);
}

static void limit_is_enforced(void **state)
{
	(void)state;
	struct arena *a = arena_new(1000);
	assert_non_null(arena_alloc(a, 900));
	assert_null(arena_alloc(a, 200));
	/* A failed allocation leaves the arena usable. */
	assert_non_null(arena_alloc(a, 16));
	assert_null(arena_alloc(a, SIZE_MAX));
	assert_null(arena_alloc(a, SIZE_MAX / 2 + 1));
	arena_free(a);
}

static void large_allocations_get_own_chunks(void **state)
{
	(void)state;
	struct arena *a = arena_new(1 << 24);
	char *small = arena_alloc(a, 10);
	char *big = arena_alloc(a, 100000);
	char *small2 = arena_alloc(a, 10);
	assert_non_null(small);
	assert_non_null(big);
	assert_non_null(small2);
	memset(big, 1, 100000);
	/* The small ones still share the first chunk. */
	assert_true(small2 > small && small2 - small < 8192);
	arena_free(a);
}

static void strings(void **state)
{
	(void)state;
	struct arena *a = arena_new(4096);
	assert_string_equal(arena_strndup(a, "hello world", 5), "hello");
	assert_string_equal(arena_strdup(a, ""), "");
	assert_string_equal(arena_printf(a, "%d-%s", 42, "x"), "42-x");
	assert_null(arena_printf(a, "%5000d", 1));
	assert_true(arena_used(a) > 0);
	arena_free(a);
	arena_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(allocations_are_zeroed_and_aligned),
		cmocka_unit_test(limit_is_enforced),
		cmocka_unit_test(large_allocations_get_own_chunks),
		cmocka_unit_test(strings),
	};
	return cmocka_run_group_tests_name("arena", tests, NULL, NULL);
}

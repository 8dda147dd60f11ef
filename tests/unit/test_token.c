#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/token.h"

static void random_tokens(void **state)
{
	(void)state;
	char a[TOKEN_LEN + 1], b[TOKEN_LEN + 1];
	token_random(a);
	token_random(b);
	assert_int_equal(strlen(a), TOKEN_LEN);
	assert_true(token_valid(a));
	assert_string_not_equal(a, b);
	assert_false(token_equal(a, b));
	assert_true(token_equal(a, a));
}

static void validity(void **state)
{
	(void)state;
	assert_false(token_valid(NULL));
	assert_false(token_valid(""));
	assert_false(token_valid("short"));
	char t[TOKEN_LEN + 1];
	token_random(t);
	t[5] = '=';
	assert_false(token_valid(t));
	t[5] = '/';
	assert_false(token_valid(t));
}

static void hashes_and_macs(void **state)
{
	(void)state;
	char h1[TOKEN_HASH_LEN + 1], h2[TOKEN_HASH_LEN + 1];
	token_hash("abc", h1);
	token_hash("abc", h2);
	assert_string_equal(h1, h2);
	assert_int_equal(strlen(h1), 64);
	token_hash("abd", h2);
	assert_string_not_equal(h1, h2);
	unsigned char k1[32] = { 1 }, k2[32] = { 2 };
	char m1[TOKEN_LEN + 1], m2[TOKEN_LEN + 1];
	token_mac(k1, "cookie", m1);
	token_mac(k2, "cookie", m2);
	assert_string_not_equal(m1, m2);
	assert_true(token_valid(m1));
	assert_false(token_equal(m1, "x"));
}

int main(void)
{
	token_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(random_tokens),
		cmocka_unit_test(validity),
		cmocka_unit_test(hashes_and_macs),
	};
	return cmocka_run_group_tests_name("token", tests, NULL, NULL);
}

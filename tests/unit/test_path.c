#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "http/path.h"

static struct arena *a;

static const char *dec(const char *s)
{
	return path_decode(a, s, strlen(s));
}

static void decodes(void **state)
{
	(void)state;
	assert_string_equal(dec("/"), "/");
	assert_string_equal(dec("/sv/faq"), "/sv/faq");
	assert_string_equal(dec("/a%20b"), "/a b");
	assert_string_equal(dec("/%C3%A5"), "/\xc3\xa5");
	assert_string_equal(dec("/a+b"), "/a+b");
	assert_string_equal(dec("/.well-known/x"), "/.well-known/x");
	assert_string_equal(dec("/a..b/c"), "/a..b/c");
}

static void rejects(void **state)
{
	(void)state;
	const char *bad[] = {
		"", "sv", "/%", "/%4", "/%zz", "/%4g", "/%00", "/a%0Ab", "/%C3%28", "/%ED%A0%80",
		"/%C0%AF", "/..", "/../etc", "/a/../b", "/a/./b", "/.", "/static/%2e%2e/Makefile",
		"/a%2f..%2fb/..", "/a\\b", "/%5c..%5c", "/\x7f",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		assert_null(path_decode(a, bad[i], strlen(bad[i])));
	/* Length is the bound, not the NUL. */
	assert_string_equal(path_decode(a, "/abc", 2), "/a");
	char longp[PATH_MAX_LEN + 2];
	memset(longp, 'a', sizeof(longp));
	longp[0] = '/';
	assert_null(path_decode(a, longp, sizeof(longp)));
	assert_non_null(path_decode(a, longp, PATH_MAX_LEN));
}

static void prefix(void **state)
{
	(void)state;
	assert_string_equal(path_strip_prefix("/sv", "/sv"), "");
	assert_string_equal(path_strip_prefix("/sv/faq", "/sv"), "/faq");
	assert_null(path_strip_prefix("/svx", "/sv"));
	assert_null(path_strip_prefix("/fi/x", "/sv"));
}

static int setup(void **state)
{
	(void)state;
	a = arena_new(1 << 20);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	arena_free(a);
	return 0;
}

static void query_encode(void **state)
{
	(void)state;
	assert_string_equal(path_query_encode(a, "Aa0-_.~"), "Aa0-_.~");
	assert_string_equal(path_query_encode(a, "a b&c=d/\xc3\xa4%"), "a%20b%26c%3Dd%2F%C3%A4%25");
	assert_string_equal(path_query_encode(a, ""), "");
	/* It decodes back to what went in. */
	const char *e = path_query_encode(a, "x y?&\xe2\x82\xac");
	char *path = arena_printf(a, "/%s", e);
	assert_string_equal(path_decode(a, path, strlen(path)), "/x y?&\xe2\x82\xac");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decodes),
		cmocka_unit_test(rejects),
		cmocka_unit_test(prefix),
		cmocka_unit_test(query_encode),
	};
	return cmocka_run_group_tests_name("path", tests, setup, teardown);
}

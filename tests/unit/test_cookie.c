#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "http/cookie.h"

static struct arena *A;

static int setup(void **state)
{
	(void)state;
	A = arena_new(64 << 20);
	return A ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	arena_free(A);
	return 0;
}

/* Exact-size copy without a NUL, so over-reads are caught. */
static enum form_status parse_n(const char *s, size_t n, struct form *f)
{
	char *copy = malloc(n ? n : 1);
	assert_non_null(copy);
	memcpy(copy, s, n);
	enum form_status st = cookie_parse(A, copy, n, f);
	free(copy);
	return st;
}

static enum form_status parse(const char *s, struct form *f)
{
	return parse_n(s, strlen(s), f);
}

static void test_basic(void **state)
{
	(void)state;
	struct form f;
	assert_int_equal(parse("sid=abc123; lang=sv", &f), FORM_OK);
	assert_int_equal(f.n, 2);
	assert_string_equal(form_get(&f, "sid"), "abc123");
	assert_string_equal(form_get(&f, "lang"), "sv");
	assert_int_equal(parse("__Host-ovi=tok.en-_~", &f), FORM_OK);
	assert_string_equal(form_get(&f, "__Host-ovi"), "tok.en-_~");
	assert_int_equal(parse("", &f), FORM_OK);
	assert_int_equal(f.n, 0);
	assert_null(f.items);
	assert_int_equal(cookie_parse(A, NULL, 0, &f), FORM_OK);
	assert_int_equal(f.n, 0);
}

static void test_whitespace_and_separators(void **state)
{
	(void)state;
	struct form f;
	assert_int_equal(parse("  a=1 ;b=2;\tc = 3 ;;; ;", &f), FORM_OK);
	assert_int_equal(f.n, 3);
	assert_string_equal(form_get(&f, "a"), "1");
	assert_string_equal(form_get(&f, "b"), "2");
	assert_string_equal(form_get(&f, "c"), "3");
	assert_int_equal(f.items[2].key_len, 1);
	assert_int_equal(f.items[2].value_len, 1);
}

static void test_no_decoding_and_quotes(void **state)
{
	(void)state;
	struct form f;
	assert_int_equal(parse("a=%41+b; q=\"quoted\"; e=\"\"; h=\"", &f), FORM_OK);
	assert_string_equal(form_get(&f, "a"), "%41+b");
	assert_string_equal(form_get(&f, "q"), "quoted");
	assert_string_equal(form_get(&f, "e"), "");
	/* A lone quote is malformed. */
	assert_null(form_get(&f, "h"));
	assert_int_equal(parse("x=a=b; y=", &f), FORM_OK);
	assert_string_equal(form_get(&f, "x"), "a=b");
	assert_string_equal(form_get(&f, "y"), "");
	/* Values may be UTF-8 (some sites do this). */
	assert_int_equal(parse("n=\xC3\xA5", &f), FORM_OK);
	assert_string_equal(form_get(&f, "n"), "å");
}

static void test_malformed_skipped(void **state)
{
	(void)state;
	struct form f;
	const char *s = "novalue; =empty; sp ace=1; a\"b=2; q=\"x\"y\"; "
			"c=\x01; d=\x7F; e=\xC3; f=\xC0\xAF; g=\xED\xA0\x80; "
			"h=\xC2\x85; t=a\tb; ok=yes; n\xC3\xA5me=1; (x)=1";
	assert_int_equal(parse(s, &f), FORM_OK);
	assert_int_equal(f.n, 1);
	assert_string_equal(form_get(&f, "ok"), "yes");
	/* NUL inside the given length. */
	assert_int_equal(parse_n("a=x\0y; b=2", 10, &f), FORM_OK);
	assert_int_equal(f.n, 1);
	assert_string_equal(form_get(&f, "b"), "2");
	/* Only malformed pairs: nothing, no error. */
	assert_int_equal(parse(";;junk;;", &f), FORM_OK);
	assert_int_equal(f.n, 0);
}

static void test_duplicates_in_order(void **state)
{
	(void)state;
	struct form f;
	assert_int_equal(parse("s=first; S=other; s=second", &f), FORM_OK);
	assert_string_equal(form_get(&f, "s"), "first");
	assert_string_equal(form_get(&f, "S"), "other");
	const char *v[4];
	assert_int_equal(form_get_all(&f, "s", v, 4), 2);
	assert_string_equal(v[1], "second");
}

static void test_count_limit(void **state)
{
	(void)state;
	struct form f;
	char buf[1024];
	size_t n = 0;
	for (int i = 0; i < COOKIE_MAX_COUNT; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "c%d=%d; ", i, i);
	assert_int_equal(parse_n(buf, n, &f), FORM_OK);
	assert_int_equal(f.n, 50);
	assert_string_equal(form_get(&f, "c49"), "49");
	/* Malformed extras do not count. */
	size_t m = n + (size_t)snprintf(buf + n, sizeof(buf) - n, "bad; =x; ");
	assert_int_equal(parse_n(buf, m, &f), FORM_OK);
	assert_int_equal(f.n, 50);
	m += (size_t)snprintf(buf + m, sizeof(buf) - m, "c50=50");
	assert_int_equal(parse_n(buf, m, &f), FORM_TOO_MANY);
	assert_int_equal(f.n, 0);
	assert_null(f.items);
}

static void test_size_limit(void **state)
{
	(void)state;
	struct form f;
	size_t cap = 3 * COOKIE_MAX_BYTES;
	char *buf = malloc(cap);
	assert_non_null(buf);
	/* name "k" + value of 4095 bytes = 4096: kept. */
	buf[0] = 'k';
	buf[1] = '=';
	memset(buf + 2, 'v', COOKIE_MAX_BYTES - 1);
	size_t n = 2 + COOKIE_MAX_BYTES - 1;
	assert_int_equal(parse_n(buf, n, &f), FORM_OK);
	assert_int_equal(f.n, 1);
	assert_int_equal(f.items[0].value_len, COOKIE_MAX_BYTES - 1);
	/* Quotes do not count. */
	buf[2] = '"';
	memset(buf + 3, 'v', COOKIE_MAX_BYTES - 1);
	buf[n + 1] = '"';
	assert_int_equal(parse_n(buf, n + 2, &f), FORM_OK);
	assert_int_equal(f.n, 1);
	assert_int_equal(f.items[0].value_len, COOKIE_MAX_BYTES - 1);
	/* One more byte: skipped, and the rest of the header still works. */
	memset(buf + 2, 'v', COOKIE_MAX_BYTES);
	n = 2 + COOKIE_MAX_BYTES;
	memcpy(buf + n, "; ok=1", 6);
	assert_int_equal(parse_n(buf, n + 6, &f), FORM_OK);
	assert_int_equal(f.n, 1);
	assert_string_equal(form_get(&f, "ok"), "1");
	assert_null(form_get(&f, "k"));
	free(buf);
}

static void test_long_header(void **state)
{
	(void)state;
	struct form f;
	size_t n = 1 << 20;
	char *buf = malloc(n);
	assert_non_null(buf);
	memset(buf, ';', n);
	assert_int_equal(parse_n(buf, n, &f), FORM_OK);
	assert_int_equal(f.n, 0);
	memset(buf, 'x', n);
	assert_int_equal(parse_n(buf, n, &f), FORM_OK);
	assert_int_equal(f.n, 0);
	free(buf);
}

static void test_nomem(void **state)
{
	(void)state;
	struct form f;
	struct arena *a = arena_new(32);
	assert_non_null(a);
	const char *s = "a=1; b=2; c=3";
	assert_int_equal(cookie_parse(a, s, strlen(s), &f), FORM_NOMEM);
	assert_int_equal(f.n, 0);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_whitespace_and_separators),
		cmocka_unit_test(test_no_decoding_and_quotes),
		cmocka_unit_test(test_malformed_skipped),
		cmocka_unit_test(test_duplicates_in_order),
		cmocka_unit_test(test_count_limit),
		cmocka_unit_test(test_size_limit),
		cmocka_unit_test(test_long_header),
		cmocka_unit_test(test_nomem),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

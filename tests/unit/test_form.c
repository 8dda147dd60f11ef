#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "http/form.h"

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

/* Parse a copy of s in a malloc'd block of exactly its length (no NUL), so
 * ASan reports any read past the end. */
static enum form_status parse_lim(const char *s, size_t n,
				  const struct form_limits *lim, struct form *f)
{
	char *copy = malloc(n ? n : 1);
	assert_non_null(copy);
	memcpy(copy, s, n);
	enum form_status st = form_parse(A, copy, n, lim, f);
	free(copy);
	return st;
}

static enum form_status parse(const char *s, struct form *f)
{
	return parse_lim(s, strlen(s), NULL, f);
}

static void test_basic(void **state)
{
	(void)state;
	struct form f;
	assert_int_equal(parse("a=1&b=two&c=", &f), FORM_OK);
	assert_int_equal(f.n, 3);
	assert_string_equal(form_get(&f, "a"), "1");
	assert_string_equal(form_get(&f, "b"), "two");
	assert_string_equal(form_get(&f, "c"), "");
	assert_null(form_get(&f, "d"));
	assert_int_equal(f.items[1].key_len, 1);
	assert_int_equal(f.items[1].value_len, 3);
}

static void test_decoding(void **state)
{
	(void)state;
	struct form f;
	assert_int_equal(parse("n=J%C3%B6rg+M%c3%a4kinen&x%20y=a%2Bb%3D%26c", &f),
			 FORM_OK);
	assert_string_equal(form_get(&f, "n"), "Jörg Mäkinen");
	assert_string_equal(form_get(&f, "x y"), "a+b=&c");
	assert_int_equal(parse("q=a=b=c", &f), FORM_OK);
	assert_string_equal(form_get(&f, "q"), "a=b=c");
	assert_int_equal(parse("t=%09%0D%0A", &f), FORM_OK);
	assert_string_equal(form_get(&f, "t"), "\t\r\n");
	assert_int_equal(parse("e=%E2%82%AC&emoji=%F0%9F%98%80", &f), FORM_OK);
	assert_string_equal(form_get(&f, "e"), "€");
	assert_string_equal(form_get(&f, "emoji"), "\xF0\x9F\x98\x80");
	/* Raw UTF-8 (browsers encode it, but it is valid). */
	assert_int_equal(parse("s=\xC3\xA5", &f), FORM_OK);
	assert_string_equal(form_get(&f, "s"), "å");
}

static void test_empty_pairs_and_bare_keys(void **state)
{
	(void)state;
	struct form f;
	assert_int_equal(parse("", &f), FORM_OK);
	assert_int_equal(f.n, 0);
	assert_null(f.items);
	assert_int_equal(form_parse(A, NULL, 0, NULL, &f), FORM_OK);
	assert_int_equal(f.n, 0);
	assert_int_equal(parse("&&&", &f), FORM_OK);
	assert_int_equal(f.n, 0);
	assert_int_equal(parse("&a=1&&b=2&", &f), FORM_OK);
	assert_int_equal(f.n, 2);
	assert_string_equal(form_get(&f, "b"), "2");
	assert_int_equal(parse("flag&x=1", &f), FORM_OK);
	assert_int_equal(f.n, 2);
	assert_string_equal(form_get(&f, "flag"), "");
	assert_int_equal(f.items[0].value_len, 0);
	assert_int_equal(parse("=v", &f), FORM_OK);
	assert_int_equal(f.n, 1);
	assert_string_equal(form_get(&f, ""), "v");
}

static void test_repeated_and_case(void **state)
{
	(void)state;
	struct form f;
	assert_int_equal(parse("lang=sv&Lang=fi&lang=en&lang=", &f), FORM_OK);
	assert_string_equal(form_get(&f, "lang"), "sv");
	assert_string_equal(form_get(&f, "Lang"), "fi");
	assert_null(form_get(&f, "LANG"));
	const char *v[8];
	assert_int_equal(form_get_all(&f, "lang", v, 8), 3);
	assert_string_equal(v[0], "sv");
	assert_string_equal(v[1], "en");
	assert_string_equal(v[2], "");
	assert_int_equal(form_get_all(&f, "lang", v, 2), 2);
	assert_int_equal(form_get_all(&f, "lang", v, 0), 0);
	assert_int_equal(form_get_all(&f, "none", v, 8), 0);
	/* A key is not matched by a prefix. */
	assert_int_equal(parse("abc=1", &f), FORM_OK);
	assert_null(form_get(&f, "ab"));
	assert_null(form_get(&f, "abcd"));
}

static void test_bad_escapes(void **state)
{
	(void)state;
	struct form f;
	static const char *const bad[] = {
		"%", "a=%", "a=%4", "a=%G1", "a=%1G", "a=%%", "a=%%41", "%zz=1",
		"a=% 1", "a=%+1", "a=%-1", "a=%0x", "a=1%", "a=1%2", "a=%\xC3\xA5",
		"a=%4&b=1", "a=1&b=%",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(bad[i], &f), FORM_BAD_ESCAPE);
		assert_int_equal(f.n, 0);
		assert_null(f.items);
	}
	/* Every byte after '%' that is not a hex digit, in both positions. */
	for (int c = 0; c < 256; c++) {
		int hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
			  (c >= 'A' && c <= 'F');
		char s1[] = { 'a', '=', '%', (char)c, '1' };
		char s2[] = { 'a', '=', '%', '4', (char)c };
		enum form_status st1 = parse_lim(s1, sizeof(s1), NULL, &f);
		enum form_status st2 = parse_lim(s2, sizeof(s2), NULL, &f);
		if (hex) {
			assert_int_not_equal(st1, FORM_BAD_ESCAPE);
			assert_int_not_equal(st2, FORM_BAD_ESCAPE);
		} else {
			/* '&' splits the pair first: "a=%" is still bad. */
			assert_int_equal(st1, FORM_BAD_ESCAPE);
			assert_int_equal(st2, FORM_BAD_ESCAPE);
		}
	}
	/* The escape must not run past the end of the buffer. */
	assert_int_equal(parse_lim("a=%41", 4, NULL, &f), FORM_BAD_ESCAPE);
	assert_int_equal(parse_lim("a=%41", 5, NULL, &f), FORM_OK);
	assert_string_equal(form_get(&f, "a"), "A");
}

static void test_bad_utf8_and_controls(void **state)
{
	(void)state;
	struct form f;
	static const char *const bad[] = {
		"a=%00", "%00=1", "a=x%00y", "a=%01", "a=%1B%5B", "a=%7F",
		"a=%C2%85",                 /* C1 control NEL */
		"a=%C3",                    /* truncated */
		"a=%C3%28", "a=%80", "a=%BF", "a=%FE", "a=%FF",
		"a=%C0%AF", "a=%C0%80",     /* overlong */
		"a=%E0%80%AF", "a=%F0%80%80%AF",
		"a=%ED%A0%80", "a=%ED%BF%BF", /* surrogates */
		"a=%F4%90%80%80",           /* past U+10FFFF */
		"k%C3=1",                   /* in a key */
		"a=\x01", "a=\x7F", "a=\xC3", "a=\xED\xA0\x80",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(bad[i], &f), FORM_BAD_UTF8);
		assert_int_equal(f.n, 0);
	}
	/* A raw NUL inside the given length. */
	assert_int_equal(parse_lim("a=x\0y", 5, NULL, &f), FORM_BAD_UTF8);
	/* The maximum code point is fine. */
	assert_int_equal(parse("a=%F4%8F%BF%BF", &f), FORM_OK);
}

static void test_limits(void **state)
{
	(void)state;
	struct form f;
	struct form_limits lim = { 3, 4, 5 };
	assert_int_equal(parse_lim("a&b&c", 5, &lim, &f), FORM_OK);
	assert_int_equal(parse_lim("a&b&c&d", 7, &lim, &f), FORM_TOO_MANY);
	assert_int_equal(f.n, 0);
	/* Empty pairs do not count. */
	assert_int_equal(parse_lim("a&&b&&&c&", 9, &lim, &f), FORM_OK);
	/* Key: 4 bytes ok, 5 too long; counted after decoding. */
	assert_int_equal(parse_lim("abcd=1", 6, &lim, &f), FORM_OK);
	assert_int_equal(parse_lim("abcde=1", 7, &lim, &f), FORM_TOO_LONG);
	assert_int_equal(parse_lim("%61%62%63%64=1", 14, &lim, &f), FORM_OK);
	assert_string_equal(form_get(&f, "abcd"), "1");
	assert_int_equal(parse_lim("%C3%A5%C3%A4=1", 14, &lim, &f), FORM_OK);
	assert_int_equal(parse_lim("%C3%A5%C3%A4x=1", 15, &lim, &f), FORM_TOO_LONG);
	/* Value: 5 bytes ok, 6 too long. */
	assert_int_equal(parse_lim("k=12345", 7, &lim, &f), FORM_OK);
	assert_int_equal(parse_lim("k=123456", 8, &lim, &f), FORM_TOO_LONG);
	assert_int_equal(parse_lim("k=+++++", 7, &lim, &f), FORM_OK);
	assert_int_equal(parse_lim("k=++++++", 8, &lim, &f), FORM_TOO_LONG);
	/* Zero limits. */
	struct form_limits none = { 0, 0, 0 };
	assert_int_equal(parse_lim("", 0, &none, &f), FORM_OK);
	assert_int_equal(parse_lim("a", 1, &none, &f), FORM_TOO_MANY);
	struct form_limits nokey = { 1, 0, 0 };
	assert_int_equal(parse_lim("=", 1, &nokey, &f), FORM_OK);
	assert_int_equal(parse_lim("a", 1, &nokey, &f), FORM_TOO_LONG);
}

static void test_default_limits(void **state)
{
	(void)state;
	struct form f;
	struct form_limits d = FORM_LIMITS_DEFAULT;
	assert_int_equal(d.max_fields, 200);
	assert_int_equal(d.max_key, 100);
	assert_int_equal(d.max_value, 16384);

	/* 200 fields ok, 201 too many: "x&x&...&x". */
	char buf[402];
	for (size_t i = 0; i < sizeof(buf); i += 2) {
		buf[i] = 'x';
		buf[i + 1] = '&';
	}
	assert_int_equal(parse_lim(buf, 399, NULL, &f), FORM_OK);
	assert_int_equal(f.n, 200);
	assert_int_equal(parse_lim(buf, 400, NULL, &f), FORM_OK);
	assert_int_equal(parse_lim(buf, 401, NULL, &f), FORM_TOO_MANY);

	/* Key 100 / 101, value 16384 / 16385. */
	char *big = malloc(20000);
	assert_non_null(big);
	memset(big, 'k', 101);
	big[100] = '=';
	assert_int_equal(parse_lim(big, 101, NULL, &f), FORM_OK);
	big[100] = 'k';
	big[101] = '=';
	assert_int_equal(parse_lim(big, 102, NULL, &f), FORM_TOO_LONG);
	big[0] = 'v';
	big[1] = '=';
	memset(big + 2, 'x', 16385);
	assert_int_equal(parse_lim(big, 2 + 16384, NULL, &f), FORM_OK);
	assert_int_equal(f.items[0].value_len, 16384);
	assert_int_equal(parse_lim(big, 2 + 16385, NULL, &f), FORM_TOO_LONG);
	free(big);
}

static void test_long_input_is_cheap(void **state)
{
	(void)state;
	struct form f;
	size_t n = 4 << 20;
	char *big = malloc(n);
	assert_non_null(big);
	big[0] = 'v';
	big[1] = '=';
	memset(big + 2, 'x', n - 2);
	struct arena *a = arena_new(64 << 10);
	assert_non_null(a);
	/* The decoder never allocates more than the limit for a field. */
	assert_int_equal(form_parse(a, big, n, NULL, &f), FORM_TOO_LONG);
	assert_true(arena_used(a) < 20000);
	/* Many empty pairs: only the scan. */
	memset(big, '&', n);
	assert_int_equal(form_parse(a, big, n, NULL, &f), FORM_OK);
	assert_int_equal(f.n, 0);
	/* Many tiny pairs: rejected before any allocation. */
	for (size_t i = 0; i < n; i += 2) {
		big[i] = 'a';
		big[i + 1] = '&';
	}
	size_t used = arena_used(a);
	assert_int_equal(form_parse(a, big, n, NULL, &f), FORM_TOO_MANY);
	assert_int_equal(arena_used(a), used);
	arena_free(a);
	free(big);
}

static void test_nomem(void **state)
{
	(void)state;
	struct form f;
	struct arena *a = arena_new(64);
	assert_non_null(a);
	const char *s = "a=1&b=2&c=3&d=4&e=5&f=6&g=7";
	assert_int_equal(form_parse(a, s, strlen(s), NULL, &f), FORM_NOMEM);
	assert_int_equal(f.n, 0);
	assert_null(f.items);
	arena_free(a);
}

static void test_status_str(void **state)
{
	(void)state;
	const char *seen[6];
	for (int i = FORM_OK; i <= FORM_NOMEM; i++) {
		seen[i] = form_status_str((enum form_status)i);
		assert_non_null(seen[i]);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(seen[i], seen[j]);
	}
	assert_non_null(form_status_str((enum form_status)99));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_decoding),
		cmocka_unit_test(test_empty_pairs_and_bare_keys),
		cmocka_unit_test(test_repeated_and_case),
		cmocka_unit_test(test_bad_escapes),
		cmocka_unit_test(test_bad_utf8_and_controls),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_default_limits),
		cmocka_unit_test(test_long_input_is_cheap),
		cmocka_unit_test(test_nomem),
		cmocka_unit_test(test_status_str),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/utf8.h"

#define V(lit) utf8_valid(lit, sizeof(lit) - 1)

static void test_valid_basic(void **state)
{
	(void)state;
	assert_true(utf8_valid("", 0));
	assert_true(utf8_valid(NULL, 0));
	assert_true(V("hello"));
	assert_true(V("\xC3\xA5\xC3\xA4\xC3\xB6")); /* åäö */
	assert_true(V("\xE2\x82\xAC"));             /* € */
	assert_true(V("\xF0\x9F\x98\x80"));         /* U+1F600 */
	assert_true(V("a\0b"));                     /* NUL is a valid code point */
}

static void test_valid_boundaries(void **state)
{
	(void)state;
	assert_true(V("\x7F"));
	assert_true(V("\xC2\x80"));         /* U+0080 */
	assert_true(V("\xDF\xBF"));         /* U+07FF */
	assert_true(V("\xE0\xA0\x80"));     /* U+0800 */
	assert_true(V("\xED\x9F\xBF"));     /* U+D7FF */
	assert_true(V("\xEE\x80\x80"));     /* U+E000 */
	assert_true(V("\xEF\xBF\xBF"));     /* U+FFFF */
	assert_true(V("\xF0\x90\x80\x80")); /* U+10000 */
	assert_true(V("\xF4\x8F\xBF\xBF")); /* U+10FFFF */
}

static void test_overlong(void **state)
{
	(void)state;
	assert_false(V("\xC0\x80"));         /* overlong NUL */
	assert_false(V("\xC0\xAF"));         /* overlong '/' */
	assert_false(V("\xC1\xBF"));
	assert_false(V("\xE0\x80\xAF"));
	assert_false(V("\xE0\x9F\xBF"));     /* overlong U+07FF */
	assert_false(V("\xF0\x80\x80\xAF"));
	assert_false(V("\xF0\x8F\xBF\xBF")); /* overlong U+FFFF */
}

static void test_surrogates_and_range(void **state)
{
	(void)state;
	assert_false(V("\xED\xA0\x80"));     /* U+D800 */
	assert_false(V("\xED\xBF\xBF"));     /* U+DFFF */
	assert_false(V("\xED\xA0\xBD\xED\xB8\x80")); /* CESU-8 pair */
	assert_false(V("\xF4\x90\x80\x80")); /* U+110000 */
	assert_false(V("\xF5\x80\x80\x80"));
	assert_false(V("\xF8\x88\x80\x80\x80"));
	assert_false(V("\xFC\x84\x80\x80\x80\x80"));
	assert_false(V("\xFE"));
	assert_false(V("\xFF"));
}

static void test_malformed(void **state)
{
	(void)state;
	assert_false(V("\x80"));             /* lone continuation */
	assert_false(V("a\xBF"));
	assert_false(V("\xC3"));             /* truncated at end */
	assert_false(V("\xE2\x82"));
	assert_false(V("\xF0\x9F\x98"));
	assert_false(V("\xC3\x41"));         /* bad continuation */
	assert_false(V("\xE2\x41\xAC"));
	assert_false(V("\xE2\x82\x41"));
	assert_false(V("\xF0\x9F\x41\x80"));
	assert_false(V("\xF0\x9F\x98\x41"));
	/* The length is respected: a valid prefix of a longer buffer. */
	assert_true(utf8_valid("ab\xC3", 2));
	assert_false(utf8_valid("\xC3\xA5", 1));
}

static void test_has_ctl(void **state)
{
	(void)state;
	assert_false(utf8_has_ctl("", 0));
	assert_false(utf8_has_ctl("a\tb\r\nc", 6));
	assert_true(utf8_has_ctl("a\0b", 3));
	assert_true(utf8_has_ctl("\x01", 1));
	assert_true(utf8_has_ctl("\x1B[31m", 5));
	assert_true(utf8_has_ctl("\x1F", 1));
	assert_true(utf8_has_ctl("\x7F", 1));
	assert_true(utf8_has_ctl("\xC2\x80", 2));  /* U+0080 */
	assert_true(utf8_has_ctl("\xC2\x85", 2));  /* NEL */
	assert_true(utf8_has_ctl("\xC2\x9F", 2));  /* U+009F */
	assert_false(utf8_has_ctl("\xC2\xA0", 2)); /* NBSP */
	assert_false(utf8_has_ctl("\xC3\xA5", 2));
	assert_false(utf8_has_ctl(" ~", 2));
	/* Invalid bytes are skipped, not taken as controls. */
	assert_false(utf8_has_ctl("\x85", 1));
	assert_false(utf8_has_ctl("\xC0\x80", 2));
	/* Only n bytes are looked at. */
	assert_false(utf8_has_ctl("ab\x01", 2));
}

static void test_chars(void **state)
{
	(void)state;
	assert_int_equal(utf8_chars("", 0), 0);
	assert_int_equal(utf8_chars("abc", 3), 3);
	assert_int_equal(utf8_chars("\xC3\xA5r", 3), 2);
	assert_int_equal(utf8_chars("\xE2\x82\xAC\xF0\x9F\x98\x80", 7), 2);
	char big[5000];
	for (size_t i = 0; i < sizeof(big); i += 2) {
		big[i] = '\xC3';
		big[i + 1] = '\xA4';
	}
	assert_true(utf8_valid(big, sizeof(big)));
	assert_int_equal(utf8_chars(big, sizeof(big)), 2500);
	big[4999] = 'x';
	assert_false(utf8_valid(big, sizeof(big)));
}

/* Every two-byte sequence: valid exactly when lead C2..DF and a
 * continuation byte follows. */
static void test_exhaustive_two_bytes(void **state)
{
	(void)state;
	for (unsigned a = 0x80; a < 0x100; a++)
		for (unsigned b = 0; b < 0x100; b++) {
			char s[2] = { (char)a, (char)b };
			int want = a >= 0xC2 && a <= 0xDF && b >= 0x80 && b <= 0xBF;
			assert_int_equal(utf8_valid(s, 2), want);
		}
}

/* Every three-byte sequence with a three-byte lead, against a reference
 * decoder written out from the definition. */
static void test_exhaustive_three_bytes(void **state)
{
	(void)state;
	for (unsigned a = 0xE0; a <= 0xEF; a++)
		for (unsigned b = 0; b < 0x100; b++)
			for (unsigned c = 0x70; c < 0xC8; c++) {
				char s[3] = { (char)a, (char)b, (char)c };
				int cont = (b & 0xC0) == 0x80 && (c & 0xC0) == 0x80;
				unsigned long cp = (a & 0x0Fu) << 12 | (b & 0x3Fu) << 6 | (c & 0x3Fu);
				int want = cont && cp >= 0x800 && !(cp >= 0xD800 && cp <= 0xDFFF);
				assert_int_equal(utf8_valid(s, 3), want);
			}
}

/* Four-byte leads with every second byte. */
static void test_four_byte_second(void **state)
{
	(void)state;
	for (unsigned a = 0xF0; a <= 0xFF; a++)
		for (unsigned b = 0; b < 0x100; b++) {
			char s[4] = { (char)a, (char)b, '\x80', '\x80' };
			unsigned long cp = (a & 0x07u) << 18 | (b & 0x3Fu) << 12;
			int want = a <= 0xF4 && (b & 0xC0) == 0x80 &&
				   cp >= 0x10000 && cp <= 0x10FFFF;
			assert_int_equal(utf8_valid(s, 4), want);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_basic),
		cmocka_unit_test(test_valid_boundaries),
		cmocka_unit_test(test_overlong),
		cmocka_unit_test(test_surrogates_and_range),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_has_ctl),
		cmocka_unit_test(test_chars),
		cmocka_unit_test(test_exhaustive_two_bytes),
		cmocka_unit_test(test_exhaustive_three_bytes),
		cmocka_unit_test(test_four_byte_second),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

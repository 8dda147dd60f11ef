#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/buf.h"
#include "i18n/format.h"

#define NBSP "\xC2\xA0"
#define MINUS "\xE2\x88\x92"

static struct buf B;

static int reset(void **state)
{
	(void)state;
	buf_init(&B, 256);
	return 0;
}

static int release(void **state)
{
	(void)state;
	buf_free(&B);
	return 0;
}

static const char *date(const char *lang, int y, int m, int d, int style)
{
	buf_reset(&B);
	assert_int_equal(fmt_date(&B, lang, y, m, d, style), 0);
	return buf_str(&B);
}

static void test_date_long(void **state)
{
	(void)state;
	assert_string_equal(date("sv", 2026, 11, 23, FMT_DATE_LONG), "23 november 2026");
	assert_string_equal(date("fi", 2026, 11, 23, FMT_DATE_LONG), "23. marraskuuta 2026");
	assert_string_equal(date("en", 2026, 11, 23, FMT_DATE_LONG), "23 November 2026");
	assert_string_equal(date("sv", 2026, 1, 3, FMT_DATE_LONG), "3 januari 2026");
	assert_string_equal(date("fi", 2026, 1, 3, FMT_DATE_LONG), "3. tammikuuta 2026");
	assert_string_equal(date("en", 2026, 1, 3, FMT_DATE_LONG), "3 January 2026");
}

static void test_month_names(void **state)
{
	(void)state;
	static const char *const sv[] = { "januari", "februari", "mars", "april",
		"maj", "juni", "juli", "augusti", "september", "oktober",
		"november", "december" };
	static const char *const fi[] = { "tammikuuta", "helmikuuta",
		"maaliskuuta", "huhtikuuta", "toukokuuta", "kesäkuuta",
		"heinäkuuta", "elokuuta", "syyskuuta", "lokakuuta",
		"marraskuuta", "joulukuuta" };
	static const char *const en[] = { "January", "February", "March",
		"April", "May", "June", "July", "August", "September",
		"October", "November", "December" };
	char want[64];
	for (int m = 1; m <= 12; m++) {
		snprintf(want, sizeof(want), "1 %s 2027", sv[m - 1]);
		assert_string_equal(date("sv", 2027, m, 1, FMT_DATE_LONG), want);
		snprintf(want, sizeof(want), "1. %s 2027", fi[m - 1]);
		assert_string_equal(date("fi", 2027, m, 1, FMT_DATE_LONG), want);
		snprintf(want, sizeof(want), "1 %s 2027", en[m - 1]);
		assert_string_equal(date("en", 2027, m, 1, FMT_DATE_LONG), want);
	}
}

static void test_date_short(void **state)
{
	(void)state;
	assert_string_equal(date("sv", 2026, 11, 23, FMT_DATE_SHORT), "2026-11-23");
	assert_string_equal(date("fi", 2026, 11, 23, FMT_DATE_SHORT), "23.11.2026");
	assert_string_equal(date("en", 2026, 11, 23, FMT_DATE_SHORT), "23/11/2026");
	assert_string_equal(date("sv", 2026, 1, 3, FMT_DATE_SHORT), "2026-01-03");
	assert_string_equal(date("fi", 2026, 1, 3, FMT_DATE_SHORT), "3.1.2026");
	assert_string_equal(date("en", 2026, 1, 3, FMT_DATE_SHORT), "03/01/2026");
	assert_string_equal(date("sv", 1, 1, 1, FMT_DATE_SHORT), "0001-01-01");
	assert_string_equal(date("sv", 9999, 12, 31, FMT_DATE_SHORT), "9999-12-31");
}

static void test_lang_fallback(void **state)
{
	(void)state;
	assert_string_equal(date("sv-SE", 2026, 5, 1, FMT_DATE_LONG), "1 maj 2026");
	assert_string_equal(date("SV", 2026, 5, 1, FMT_DATE_LONG), "1 maj 2026");
	assert_string_equal(date("fi_FI", 2026, 5, 1, FMT_DATE_LONG), "1. toukokuuta 2026");
	assert_string_equal(date("de", 2026, 5, 1, FMT_DATE_LONG), "1 May 2026");
	assert_string_equal(date("svx", 2026, 5, 1, FMT_DATE_LONG), "1 May 2026");
	assert_string_equal(date("s", 2026, 5, 1, FMT_DATE_LONG), "1 May 2026");
	assert_string_equal(date("", 2026, 5, 1, FMT_DATE_LONG), "1 May 2026");
	assert_string_equal(date(NULL, 2026, 5, 1, FMT_DATE_LONG), "1 May 2026");
}

static void test_date_invalid(void **state)
{
	(void)state;
	buf_reset(&B);
	assert_int_equal(buf_adds(&B, "keep"), 0);
	assert_int_equal(fmt_date(&B, "sv", 2026, 0, 1, FMT_DATE_LONG), -1);
	assert_int_equal(fmt_date(&B, "sv", 2026, 13, 1, FMT_DATE_LONG), -1);
	assert_int_equal(fmt_date(&B, "sv", 2026, 1, 0, FMT_DATE_LONG), -1);
	assert_int_equal(fmt_date(&B, "sv", 2026, 1, 32, FMT_DATE_LONG), -1);
	assert_int_equal(fmt_date(&B, "sv", 2026, 4, 31, FMT_DATE_LONG), -1);
	assert_int_equal(fmt_date(&B, "sv", 2026, 2, 29, FMT_DATE_LONG), -1);
	assert_int_equal(fmt_date(&B, "sv", 1900, 2, 29, FMT_DATE_LONG), -1);
	assert_int_equal(fmt_date(&B, "sv", 0, 1, 1, FMT_DATE_LONG), -1);
	assert_int_equal(fmt_date(&B, "sv", 10000, 1, 1, FMT_DATE_LONG), -1);
	assert_int_equal(fmt_date(&B, "sv", INT_MIN, INT_MIN, INT_MIN, FMT_DATE_LONG), -1);
	assert_int_equal(fmt_date(&B, "sv", 2026, 1, 1, 7), -1);
	assert_string_equal(buf_str(&B), "keep");
	assert_string_equal(date("sv", 2028, 2, 29, FMT_DATE_SHORT), "2028-02-29");
	assert_string_equal(date("sv", 2000, 2, 29, FMT_DATE_SHORT), "2000-02-29");
}

static void test_datetime(void **state)
{
	(void)state;
	struct tm tm = { .tm_year = 126, .tm_mon = 10, .tm_mday = 23,
			 .tm_hour = 14, .tm_min = 30 };
	buf_reset(&B);
	assert_int_equal(fmt_datetime(&B, "sv", &tm), 0);
	assert_string_equal(buf_str(&B), "23 november 2026 kl. 14.30");
	buf_reset(&B);
	assert_int_equal(fmt_datetime(&B, "fi", &tm), 0);
	assert_string_equal(buf_str(&B), "23. marraskuuta 2026 klo 14.30");
	buf_reset(&B);
	assert_int_equal(fmt_datetime(&B, "en", &tm), 0);
	assert_string_equal(buf_str(&B), "23 November 2026 at 14:30");
	tm.tm_hour = 9;
	tm.tm_min = 5;
	buf_reset(&B);
	assert_int_equal(fmt_datetime(&B, "sv", &tm), 0);
	assert_string_equal(buf_str(&B), "23 november 2026 kl. 9.05");
	buf_reset(&B);
	assert_int_equal(fmt_datetime(&B, "fi", &tm), 0);
	assert_string_equal(buf_str(&B), "23. marraskuuta 2026 klo 9.05");
	buf_reset(&B);
	assert_int_equal(fmt_datetime(&B, "xx", &tm), 0);
	assert_string_equal(buf_str(&B), "23 November 2026 at 09:05");
	tm.tm_hour = 0;
	tm.tm_min = 0;
	buf_reset(&B);
	assert_int_equal(fmt_datetime(&B, "en", &tm), 0);
	assert_string_equal(buf_str(&B), "23 November 2026 at 00:00");

	buf_reset(&B);
	struct tm bad = tm;
	bad.tm_hour = 24;
	assert_int_equal(fmt_datetime(&B, "sv", &bad), -1);
	bad = tm;
	bad.tm_min = 60;
	assert_int_equal(fmt_datetime(&B, "sv", &bad), -1);
	bad = tm;
	bad.tm_min = -1;
	assert_int_equal(fmt_datetime(&B, "sv", &bad), -1);
	bad = tm;
	bad.tm_mon = 12;
	assert_int_equal(fmt_datetime(&B, "sv", &bad), -1);
	bad = tm;
	bad.tm_mday = 31; /* 31 November */
	assert_int_equal(fmt_datetime(&B, "sv", &bad), -1);
	bad = tm;
	bad.tm_year = INT_MAX;
	assert_int_equal(fmt_datetime(&B, "sv", &bad), -1);
	bad.tm_year = INT_MIN;
	assert_int_equal(fmt_datetime(&B, "sv", &bad), -1);
	assert_int_equal(fmt_datetime(&B, "sv", NULL), -1);
	assert_int_equal(B.len, 0);
}

static const char *num(const char *lang, long long v)
{
	buf_reset(&B);
	assert_int_equal(fmt_int(&B, lang, v), 0);
	return buf_str(&B);
}

static void test_int(void **state)
{
	(void)state;
	assert_string_equal(num("sv", 0), "0");
	assert_string_equal(num("sv", 7), "7");
	assert_string_equal(num("sv", 999), "999");
	assert_string_equal(num("sv", 1000), "1" NBSP "000");
	assert_string_equal(num("sv", 12345), "12" NBSP "345");
	assert_string_equal(num("fi", 1234567), "1" NBSP "234" NBSP "567");
	assert_string_equal(num("sv", -12345), MINUS "12" NBSP "345");
	assert_string_equal(num("fi", -5), MINUS "5");
	assert_string_equal(num("en", 12345), "12,345");
	assert_string_equal(num("en", -12345), "-12,345");
	assert_string_equal(num("en", 100000), "100,000");
	assert_string_equal(num("en", 999999), "999,999");
	assert_string_equal(num("en", LLONG_MAX), "9,223,372,036,854,775,807");
	assert_string_equal(num("en", LLONG_MIN), "-9,223,372,036,854,775,808");
	assert_string_equal(num("sv", LLONG_MIN),
			    MINUS "9" NBSP "223" NBSP "372" NBSP "036" NBSP "854" NBSP "775" NBSP "808");
}

static const char *dec(const char *lang, long long v, int d)
{
	buf_reset(&B);
	assert_int_equal(fmt_decimal(&B, lang, v, d), 0);
	return buf_str(&B);
}

static void test_decimal(void **state)
{
	(void)state;
	assert_string_equal(dec("sv", 12345, 2), "123,45");
	assert_string_equal(dec("sv", 12345, 1), "123,5"); /* half away from zero */
	assert_string_equal(dec("sv", 12344, 1), "123,4");
	assert_string_equal(dec("fi", 123456789, 2), "1" NBSP "234" NBSP "567,89");
	assert_string_equal(dec("en", 123456789, 2), "1,234,567.89");
	assert_string_equal(dec("en", 5, 2), "0.05");
	assert_string_equal(dec("en", 5, 1), "0.1");
	assert_string_equal(dec("en", 4, 1), "0.0");
	assert_string_equal(dec("en", -4, 1), "0.0");   /* no "-0.0" */
	assert_string_equal(dec("en", -5, 1), "-0.1");
	assert_string_equal(dec("sv", -150, 2), MINUS "1,50");
	assert_string_equal(dec("sv", -1, 2), MINUS "0,01");
	assert_string_equal(dec("en", 0, 2), "0.00");
	assert_string_equal(dec("en", 99995, 1), "1,000.0");
	assert_string_equal(dec("en", 9995, 1), "100.0");
	assert_string_equal(dec("en", LLONG_MAX, 2), "92,233,720,368,547,758.07");
	assert_string_equal(dec("en", LLONG_MIN, 2), "-92,233,720,368,547,758.08");
	assert_string_equal(dec("en", LLONG_MIN, 1), "-92,233,720,368,547,758.1");
	buf_reset(&B);
	assert_int_equal(fmt_decimal(&B, "en", 1, 0), -1);
	assert_int_equal(fmt_decimal(&B, "en", 1, 3), -1);
	assert_int_equal(fmt_decimal(&B, "en", 1, -1), -1);
	assert_int_equal(B.len, 0);
}

static const char *pct(const char *lang, long long a, long long b)
{
	buf_reset(&B);
	assert_int_equal(fmt_percent(&B, lang, a, b), 0);
	return buf_str(&B);
}

static void test_percent(void **state)
{
	(void)state;
	assert_string_equal(pct("sv", 66, 100), "66" NBSP "%");
	assert_string_equal(pct("fi", 2, 3), "67" NBSP "%");
	assert_string_equal(pct("en", 2, 3), "67%");
	assert_string_equal(pct("en", 1, 3), "33%");
	assert_string_equal(pct("en", 1, 8), "13%");   /* 12.5 rounds up */
	assert_string_equal(pct("en", 1, 200), "1%");  /* 0.5 */
	assert_string_equal(pct("en", 1, 201), "0%");
	assert_string_equal(pct("en", 0, 5), "0%");
	assert_string_equal(pct("en", 5, 5), "100%");
	assert_string_equal(pct("en", 25, 2), "1,250%");
	assert_string_equal(pct("sv", 25, 2), "1" NBSP "250" NBSP "%");
	assert_string_equal(pct("en", -1, 8), "-13%");
	assert_string_equal(pct("sv", 1, -8), MINUS "13" NBSP "%");
	assert_string_equal(pct("en", -1, -8), "13%");
	assert_string_equal(pct("en", -1, 201), "0%");  /* no "-0%" */
	assert_string_equal(pct("en", LLONG_MAX, LLONG_MAX), "100%");
	assert_string_equal(pct("en", LLONG_MIN, LLONG_MIN), "100%");
	assert_string_equal(pct("en", LLONG_MAX - 1, LLONG_MAX), "100%");
	assert_string_equal(pct("en", 1, LLONG_MAX), "0%");
	assert_string_equal(pct("en", LLONG_MAX / 100, 1), "9,223,372,036,854,775,800%");
	buf_reset(&B);
	assert_int_equal(fmt_percent(&B, "en", 1, 0), -1);
	assert_int_equal(fmt_percent(&B, "en", LLONG_MAX, 1), -1); /* overflow */
	assert_int_equal(fmt_percent(&B, "en", LLONG_MIN, 1), -1);
	assert_int_equal(B.len, 0);
}

static void test_buffer_full(void **state)
{
	(void)state;
	struct buf small = BUF_INIT(10);
	assert_int_equal(buf_adds(&small, "ab"), 0);
	assert_int_equal(fmt_date(&small, "fi", 2026, 11, 23, FMT_DATE_LONG), -1);
	assert_int_equal(fmt_int(&small, "sv", 123456789), -1);
	assert_int_equal(fmt_decimal(&small, "sv", 123456789, 2), -1);
	assert_int_equal(fmt_percent(&small, "sv", 123456789, 1), -1);
	struct tm tm = { .tm_year = 126, .tm_mon = 0, .tm_mday = 1 };
	assert_int_equal(fmt_datetime(&small, "sv", &tm), -1);
	/* Nothing partial was left behind. */
	assert_string_equal(buf_str(&small), "ab");
	assert_int_equal(small.len, 2);
	assert_int_equal(fmt_int(&small, "en", 1234), 0);
	assert_string_equal(buf_str(&small), "ab1,234");
	buf_free(&small);
	/* Appending, not replacing. */
	buf_reset(&B);
	assert_int_equal(fmt_int(&B, "en", 1), 0);
	assert_int_equal(buf_adds(&B, " / "), 0);
	assert_int_equal(fmt_percent(&B, "en", 1, 2), 0);
	assert_string_equal(buf_str(&B), "1 / 50%");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_date_long),
		cmocka_unit_test(test_month_names),
		cmocka_unit_test(test_date_short),
		cmocka_unit_test(test_lang_fallback),
		cmocka_unit_test(test_date_invalid),
		cmocka_unit_test(test_datetime),
		cmocka_unit_test(test_int),
		cmocka_unit_test(test_decimal),
		cmocka_unit_test(test_percent),
		cmocka_unit_test(test_buffer_full),
	};
	return cmocka_run_group_tests(tests, reset, release);
}

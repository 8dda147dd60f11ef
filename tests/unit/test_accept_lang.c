#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "i18n/accept_lang.h"

static const char *const SFE[] = { "sv", "fi", "en" };

/* Pick from {sv, fi, en} for a header given as a C string; the header is
 * copied into an exact-size block so over-reads are caught. */
static int pick_in(const char *h, const char *const *sup, size_t ns)
{
	size_t n = strlen(h);
	char *copy = malloc(n ? n : 1);
	assert_non_null(copy);
	memcpy(copy, h, n);
	int r = accept_lang_pick(copy, n, sup, ns);
	free(copy);
	return r;
}

static int pick(const char *h)
{
	return pick_in(h, SFE, 3);
}

static void test_simple(void **state)
{
	(void)state;
	assert_int_equal(pick("sv"), 0);
	assert_int_equal(pick("fi"), 1);
	assert_int_equal(pick("en"), 2);
	assert_int_equal(pick("de"), -1);
	assert_int_equal(pick(""), -1);
	assert_int_equal(pick("   "), -1);
	assert_int_equal(pick("de, fi"), 1);
	assert_int_equal(pick("fi,sv"), 1);
}

static void test_case_and_regions(void **state)
{
	(void)state;
	assert_int_equal(pick("SV"), 0);
	assert_int_equal(pick("sv-SE"), 0);
	assert_int_equal(pick("sv-fi"), 0);
	assert_int_equal(pick("FI-fi"), 1);
	assert_int_equal(pick("en-GB,en;q=0.8"), 2);
	assert_int_equal(pick("en-US"), 2);
	assert_int_equal(pick("zh-Hant-TW, en"), 2);
	/* Not a subtag boundary. */
	assert_int_equal(pick("svx"), -1);
	assert_int_equal(pick("s"), -1);
	/* Supported tags with regions are matched by a bare range too, and an
	 * exact match wins over a prefix match. */
	static const char *const reg[] = { "sv-FI", "sv-SE", "fi" };
	assert_int_equal(pick_in("sv", reg, 3), 0);
	assert_int_equal(pick_in("sv-SE", reg, 3), 1);
	assert_int_equal(pick_in("SV-se", reg, 3), 1);
	assert_int_equal(pick_in("sv-AX", reg, 3), -1);
}

static void test_qvalues(void **state)
{
	(void)state;
	assert_int_equal(pick("en;q=0.5, fi;q=0.9, sv;q=0.1"), 1);
	assert_int_equal(pick("de;q=1, en;q=0.001"), 2);
	assert_int_equal(pick("en;q=0.8,fi"), 1);
	assert_int_equal(pick("en ; q=0.8 , fi ;Q=0.9"), 1);
	assert_int_equal(pick("sv;q=1.0,fi;q=1.000"), 0);
	assert_int_equal(pick("en;q=0.123,fi;q=0.124"), 1);
	/* Ties keep header order. */
	assert_int_equal(pick("fi;q=0.5, sv;q=0.5"), 1);
	assert_int_equal(pick("en, fi, sv"), 2);
	assert_int_equal(pick("en-GB;q=0.7, fi-FI;q=0.7"), 2);
	/* The best entry may have a lower position and a higher q. */
	assert_int_equal(pick("de, en;q=0.2, fi;q=0.3"), 1);
}

static void test_q_zero_excludes(void **state)
{
	(void)state;
	assert_int_equal(pick("sv;q=0"), -1);
	assert_int_equal(pick("sv;q=0.000"), -1);
	assert_int_equal(pick("sv;q=0, fi;q=0.1"), 1);
	/* Exclusion wins regardless of position. */
	assert_int_equal(pick("sv, sv;q=0, en;q=0.5"), 2);
	assert_int_equal(pick("sv-SE, sv;q=0"), -1);
	/* Excluding a region does not exclude the language. */
	assert_int_equal(pick("sv-SE;q=0, sv"), 0);
	/* "*;q=0" excludes what is not named. */
	assert_int_equal(pick("*;q=0"), -1);
	assert_int_equal(pick("fi;q=0.2, *;q=0"), 1);
	assert_int_equal(pick("*;q=0, fi;q=0.2"), 1);
}

static void test_star(void **state)
{
	(void)state;
	assert_int_equal(pick("*"), 0);
	assert_int_equal(pick("de, *;q=0.1"), 0);
	/* "*" stands for languages no other range names. */
	assert_int_equal(pick("sv;q=0.1, *;q=0.5"), 1);
	assert_int_equal(pick("sv;q=0, *"), 1);
	assert_int_equal(pick("sv;q=0, fi;q=0, *"), 2);
	assert_int_equal(pick("sv;q=0.1, fi;q=0.1, en;q=0.1, *"), 0);
	assert_int_equal(pick("de, *;q=0.5, en;q=0.9"), 2);
}

static void test_malformed_skipped(void **state)
{
	(void)state;
	static const char *const skip[] = {
		"sv;q=", "sv;q=2", "sv;q=1.5", "sv;q=1.001", "sv;q=0.1234",
		"sv;q=.5", "sv;q=0,5", "sv;q=-1", "sv;q=abc", "sv;q=0.5x",
		"sv;q 0.5", "sv;level=1", "sv;", "sv;;q=1", "sv;q=0.5;q=0.4",
		"sv-", "-sv", "sv--SE", "s1", "1sv", "sv_SE", "toolongtag",
		"sv-123456789", "*-SE", "**", "s v", "sv\x01", "sv\xC3\xA5",
		"\"sv\"", "sv;q=\"1\"",
	};
	for (size_t i = 0; i < sizeof(skip) / sizeof(skip[0]); i++) {
		char h[64];
		snprintf(h, sizeof(h), "%s, fi;q=0.01", skip[i]);
		assert_int_equal(pick(h), 1);
		assert_int_equal(pick(skip[i]), -1);
	}
	/* Valid forms next to them. */
	assert_int_equal(pick("sv-123, en"), 0);
	assert_int_equal(pick("sv-abcdefgh"), 0);
	assert_int_equal(pick("sv;q=1."), 0);
	assert_int_equal(pick("sv;q=0."), -1);
	assert_int_equal(pick(",,, ,sv,,"), 0);
}

static void test_limits(void **state)
{
	(void)state;
	/* 31 unsupported entries then sv: considered; 32 then sv: not. */
	char h[2048];
	size_t n = 0;
	for (int i = 0; i < 31; i++)
		n += (size_t)snprintf(h + n, sizeof(h) - n, "de,");
	snprintf(h + n, sizeof(h) - n, "sv");
	assert_int_equal(pick(h), 0);
	snprintf(h + n, sizeof(h) - n, "de,sv");
	assert_int_equal(pick(h), -1);
	/* Malformed entries count, empty elements do not. */
	n = 0;
	for (int i = 0; i < 31; i++)
		n += (size_t)snprintf(h + n, sizeof(h) - n, "x;q=9,,");
	snprintf(h + n, sizeof(h) - n, "sv");
	assert_int_equal(pick(h), 0);

	/* Length: exactly 1024 is read, 1025 is ignored. */
	memset(h, ' ', sizeof(h));
	memcpy(h, "fi", 2);
	assert_int_equal(accept_lang_pick(h, ACCEPT_LANG_MAX_LEN, SFE, 3), 1);
	assert_int_equal(accept_lang_pick(h, ACCEPT_LANG_MAX_LEN + 1, SFE, 3), -1);
	/* Only n bytes are read. */
	assert_int_equal(accept_lang_pick("fisv", 2, SFE, 3), 1);
	assert_int_equal(accept_lang_pick("sv-SE", 4, SFE, 3), 0);  /* "sv-S" */
	assert_int_equal(accept_lang_pick("sv-SE", 3, SFE, 3), -1); /* "sv-" */
	assert_int_equal(accept_lang_pick(NULL, 0, SFE, 3), -1);
	assert_int_equal(accept_lang_pick("sv", 2, SFE, 0), -1);
}

static void test_real_headers(void **state)
{
	(void)state;
	assert_int_equal(pick("sv-SE,sv;q=0.9,en-US;q=0.8,en;q=0.7"), 0);
	assert_int_equal(pick("fi-FI,fi;q=0.9,en-US;q=0.8,en;q=0.7,sv;q=0.6"), 1);
	assert_int_equal(pick("ar,en-US;q=0.9,en;q=0.8"), 2);
	assert_int_equal(pick("so-SO,so;q=0.9,sv;q=0.8,en;q=0.7"), 0);
	assert_int_equal(pick("en-US,en;q=0.5"), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple),
		cmocka_unit_test(test_case_and_regions),
		cmocka_unit_test(test_qvalues),
		cmocka_unit_test(test_q_zero_excludes),
		cmocka_unit_test(test_star),
		cmocka_unit_test(test_malformed_skipped),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_real_headers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Escaping helpers: HTML text/attribute context and the URL rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
#include "tmpl/escape.h"

static const char *html(struct buf *b, const char *s, size_t n)
{
	buf_reset(b);
	assert_int_equal(esc_html(b, s, n), 0);
	return buf_str(b);
}

static const char *url(struct buf *b, const char *s)
{
	buf_reset(b);
	assert_int_equal(esc_url(b, s, strlen(s)), 0);
	return buf_str(b);
}

static void test_html_specials(void **state)
{
	(void)state;
	struct buf b = BUF_INIT(1024);
	assert_string_equal(html(&b, "plain text", 10), "plain text");
	assert_string_equal(html(&b, "", 0), "");
	assert_string_equal(html(&b, "&<>\"'`", 6), "&amp;&lt;&gt;&quot;&#39;&#96;");
	assert_string_equal(html(&b, "<script>alert(1)</script>", 25),
			    "&lt;script&gt;alert(1)&lt;/script&gt;");
	assert_string_equal(html(&b, "\" onmouseover=\"alert(1)", 23),
			    "&quot; onmouseover=&quot;alert(1)");
	assert_string_equal(html(&b, "a&amp;b", 7), "a&amp;amp;b");
	/* UTF-8 passes through unchanged. */
	assert_string_equal(html(&b, "Hyvää päivää, Åsa", strlen("Hyvää päivää, Åsa")),
			    "Hyvää päivää, Åsa");
	buf_free(&b);
}

static void test_html_length_and_nul(void **state)
{
	(void)state;
	struct buf b = BUF_INIT(1024);
	/* Only n bytes are read: no trust in a terminating NUL. */
	assert_string_equal(html(&b, "<ab>cd", 3), "&lt;ab");
	/* An embedded NUL becomes U+FFFD and does not cut the output short. */
	assert_string_equal(html(&b, "a\0<b", 4), "a\xEF\xBF\xBD&lt;b");
	assert_int_equal(b.len, 9);
	buf_free(&b);
}

static void test_html_limit(void **state)
{
	(void)state;
	struct buf b = BUF_INIT(8);
	assert_int_equal(esc_html(&b, "<<<", 3), -1); /* 12 bytes do not fit */
	assert_true(b.len <= 8);
	buf_reset(&b);
	assert_int_equal(esc_html(&b, "abcdefgh", 8), 0);
	assert_int_equal(esc_html(&b, "i", 1), -1);
	buf_free(&b);
}

static void test_url_safe(void **state)
{
	(void)state;
	static const char *const good[] = {
		"",
		"/",
		"/members/12?tab=a&b=c",
		"#top",
		"?page=2",
		"profile/edit",
		"./a:b",
		"http://example.org/",
		"HTTPS://example.org/x",
		"mailto:someone@example.org",
		"tel:+46 8 123 45",
		"  /padded  ",
		"https://example.org/ä",
	};
	static const char *const bad[] = {
		"javascript:alert(1)",
		" JaVaScRiPt:alert(1)",
		"JAVASCRIPT:alert(1)",
		"java\tscript:alert(1)",
		"java\nscript:alert(1)",
		"\x01javascript:alert(1)",
		"//evil.example",
		" //evil.example",
		"/\\evil.example",
		"\\\\evil.example",
		"\\/evil.example",
		"data:text/html;base64,PHNjcmlwdD4=",
		"vbscript:msgbox(1)",
		"file:///etc/passwd",
		"ftp://example.org",
		"foo:bar",
		":nothing",
		"http:/x\x7f",
		"/ok\r\n",
		"\xC2\xA0javascript:alert(1)",
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++)
		if (!url_is_safe(good[i], strlen(good[i])))
			fail_msg("should be safe: \"%s\"", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		if (url_is_safe(bad[i], strlen(bad[i])))
			fail_msg("should be unsafe: \"%s\"", bad[i]);
	/* A NUL inside the given length is a control character. */
	assert_false(url_is_safe("/a\0b", 4));
	/* Length is honoured: "javascript" alone is a relative path. */
	assert_true(url_is_safe("javascript:alert(1)", 10));
}

static void test_url_escape(void **state)
{
	(void)state;
	struct buf b = BUF_INIT(1024);
	assert_string_equal(url(&b, "javascript:alert(1)"), "#");
	assert_string_equal(url(&b, " JaVaScRiPt:alert(1)"), "#");
	assert_string_equal(url(&b, "//evil.example"), "#");
	assert_string_equal(url(&b, "data:text/html,<script>"), "#");
	assert_string_equal(url(&b, "/a?x=1&y=2"), "/a?x=1&amp;y=2");
	assert_string_equal(url(&b, "/say \"hi\"<b>'`"),
			    "/say%20&quot;hi&quot;&lt;b&gt;&#39;&#96;");
	assert_string_equal(url(&b, "  https://example.org/a b  "), "https://example.org/a%20b");
	assert_string_equal(url(&b, "mailto:a@example.org"), "mailto:a@example.org");
	assert_string_equal(url(&b, ""), "");
	/* A relative URL containing entity-looking text stays inert. */
	assert_string_equal(url(&b, "javascript&#58;alert(1)"), "javascript&amp;#58;alert(1)");
	buf_free(&b);
}

static void test_url_limit(void **state)
{
	(void)state;
	struct buf b = BUF_INIT(4);
	assert_int_equal(esc_url(&b, "/abcdef", 7), -1);
	buf_reset(&b);
	assert_int_equal(esc_url(&b, "javascript:", 11), 0);
	assert_string_equal(buf_str(&b), "#");
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_html_specials),
		cmocka_unit_test(test_html_length_and_nul),
		cmocka_unit_test(test_html_limit),
		cmocka_unit_test(test_url_safe),
		cmocka_unit_test(test_url_escape),
		cmocka_unit_test(test_url_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Fuzz esc_html and esc_url: the output never holds a raw < > " ' ` and
 * decodes back to the input; an unsafe URL gives exactly "#". */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "tmpl/escape.h"

/* Decode the entities esc_html produces into out (same size or shorter). */
static size_t unescape(const char *s, size_t n, char *out)
{
	static const struct {
		const char *ent;
		char c;
	} ents[] = { { "&amp;", '&' },	{ "&lt;", '<' },   { "&gt;", '>' },
		     { "&quot;", '"' }, { "&#39;", '\'' }, { "&#96;", '`' } };
	size_t o = 0;
	for (size_t i = 0; i < n;) {
		size_t k = 0;
		if (s[i] == '&') {
			for (size_t e = 0; e < sizeof(ents) / sizeof(*ents); e++) {
				size_t len = strlen(ents[e].ent);
				if (n - i >= len && memcmp(s + i, ents[e].ent, len) == 0) {
					out[o++] = ents[e].c;
					k = len;
					break;
				}
			}
			if (!k)
				abort(); /* a raw & in escaped output */
		} else {
			out[o++] = s[i];
			k = 1;
		}
		i += k;
	}
	return o;
}

static void no_raw_specials(const struct buf *b)
{
	for (size_t i = 0; i < b->len; i++) {
		char c = b->data[i];
		if (c == '<' || c == '>' || c == '"' || c == '\'' || c == '`')
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct buf b = BUF_INIT(16 * size + 16);
	char *dec = malloc(16 * size + 16), *want = malloc(3 * size + 16);
	if (!dec || !want)
		abort();

	/* HTML: escaped, and decoding gives the input (NUL -> U+FFFD). */
	if (esc_html(&b, s, size))
		abort();
	no_raw_specials(&b);
	size_t w = 0;
	for (size_t i = 0; i < size; i++) {
		if (s[i] == '\0') {
			memcpy(want + w, "\xEF\xBF\xBD", 3);
			w += 3;
		} else {
			want[w++] = s[i];
		}
	}
	size_t d = unescape(b.data ? b.data : "", b.len, dec);
	if (d != w || memcmp(dec, want, w) != 0)
		abort();

	/* URL: "#" when unsafe; otherwise the trimmed input with spaces as %20. */
	buf_reset(&b);
	if (esc_url(&b, s, size))
		abort();
	no_raw_specials(&b);
	for (size_t i = 0; i < b.len; i++)
		if ((unsigned char)b.data[i] <= ' ' || b.data[i] == 0x7f)
			abort();
	if (!url_is_safe(s, size)) {
		if (strcmp(buf_str(&b), "#") != 0)
			abort();
	} else {
		size_t lo = 0, hi = size;
		while (lo < hi && s[lo] == ' ')
			lo++;
		while (hi > lo && s[hi - 1] == ' ')
			hi--;
		w = 0;
		for (size_t i = lo; i < hi; i++) {
			if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
				abort(); /* a safe URL has no control characters */
			if (s[i] == ' ') {
				memcpy(want + w, "%20", 3);
				w += 3;
			} else {
				want[w++] = s[i];
			}
		}
		d = unescape(buf_str(&b), b.len, dec);
		if (d != w || memcmp(dec, want, w) != 0)
			abort();
		/* Never a scheme-relative or script URL. */
		if (w >= 2 && (want[0] == '/' || want[0] == '\\') && (want[1] == '/' || want[1] == '\\'))
			abort();
		if (w >= 11 && strncasecmp(want, "javascript:", 11) == 0)
			abort();
	}

	/* A tight limit fails cleanly and keeps the buffer bounded. */
	struct buf small = BUF_INIT(size / 2);
	(void)esc_html(&small, s, size);
	(void)esc_url(&small, s, size);
	if (small.len > small.max)
		abort();
	buf_free(&small);
	buf_free(&b);
	free(dec);
	free(want);
	return 0;
}

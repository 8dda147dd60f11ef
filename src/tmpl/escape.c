#include "tmpl/escape.h"

#include <string.h>

#include "core/buf.h"

/* The entity for a byte that must not appear raw, or NULL. */
static const char *html_entity(unsigned char c)
{
	switch (c) {
	case '&':
		return "&amp;";
	case '<':
		return "&lt;";
	case '>':
		return "&gt;";
	case '"':
		return "&quot;";
	case '\'':
		return "&#39;";
	case '`':
		return "&#96;";
	case '\0':
		return "\xEF\xBF\xBD"; /* U+FFFD REPLACEMENT CHARACTER */
	}
	return NULL;
}

int esc_html_to(esc_write_fn write, void *ctx, const char *s, size_t n)
{
	size_t run = 0; /* start of the pending run of plain bytes */
	for (size_t i = 0; i < n; i++) {
		const char *ent = html_entity((unsigned char)s[i]);
		if (!ent)
			continue;
		if (i > run && write(ctx, s + run, i - run))
			return -1;
		if (write(ctx, ent, strlen(ent)))
			return -1;
		run = i + 1;
	}
	if (n > run && write(ctx, s + run, n - run))
		return -1;
	return 0;
}

static bool is_ctl(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

/* Trim leading and trailing spaces (browsers strip them from URLs). */
static void trim(const char **s, size_t *n)
{
	while (*n && (*s)[0] == ' ') {
		(*s)++;
		(*n)--;
	}
	while (*n && (*s)[*n - 1] == ' ')
		(*n)--;
}

static bool scheme_is(const char *s, size_t n, const char *want)
{
	if (n != strlen(want))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != want[i])
			return false;
	}
	return true;
}

bool url_is_safe(const char *s, size_t n)
{
	trim(&s, &n);
	for (size_t i = 0; i < n; i++)
		if (is_ctl((unsigned char)s[i]))
			return false;
	if (n == 0)
		return true;
	/* Browsers read "\" as "/" in http(s) URLs: "/\host" is "//host". */
	if (s[0] == '\\')
		return false;
	if (s[0] == '/')
		return !(n >= 2 && (s[1] == '/' || s[1] == '\\'));
	if (s[0] == '#' || s[0] == '?')
		return true;
	/* A colon before any of / ? # ends a scheme; without one it is a
	 * relative path. Unknown or malformed schemes are refused. */
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '/' || c == '?' || c == '#')
			return true;
		if (c == ':')
			return scheme_is(s, i, "http") || scheme_is(s, i, "https") ||
			       scheme_is(s, i, "mailto") || scheme_is(s, i, "tel");
	}
	return true;
}

int esc_url_to(esc_write_fn write, void *ctx, const char *s, size_t n)
{
	if (!url_is_safe(s, n))
		return write(ctx, "#", 1);
	trim(&s, &n);
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c != ' ' && !is_ctl(c))
			continue;
		/* Escape the plain run (it may hold & < > " ' `). */
		if (i > run && esc_html_to(write, ctx, s + run, i - run))
			return -1;
		char pct[3] = { '%', "0123456789ABCDEF"[c >> 4], "0123456789ABCDEF"[c & 15] };
		if (write(ctx, pct, sizeof(pct)))
			return -1;
		run = i + 1;
	}
	if (n > run && esc_html_to(write, ctx, s + run, n - run))
		return -1;
	return 0;
}

static int buf_write(void *ctx, const char *p, size_t n)
{
	return buf_add(ctx, p, n);
}

int esc_html(struct buf *out, const char *s, size_t n)
{
	return esc_html_to(buf_write, out, s, n);
}

int esc_url(struct buf *out, const char *s, size_t n)
{
	return esc_url_to(buf_write, out, s, n);
}

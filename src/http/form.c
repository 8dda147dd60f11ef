#include "http/form.h"

#include <assert.h>
#include <string.h>

#include "core/arena.h"
#include "core/utf8.h"

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode s[0..n) into a fresh arena string of at most `max` bytes. The
 * output buffer is sized by the smaller of input length and limit, so an
 * over-long field costs no more than `max` bytes of arena. */
static enum form_status decode(struct arena *a, const char *s, size_t n,
			       size_t max, const char **out, size_t *out_len)
{
	size_t cap = n < max ? n : max;
	char *d = arena_alloc(a, cap + 1);
	if (!d)
		return FORM_NOMEM;
	size_t len = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			int hi = i + 1 < n ? hexval((unsigned char)s[i + 1]) : -1;
			int lo = i + 2 < n ? hexval((unsigned char)s[i + 2]) : -1;
			if (hi < 0 || lo < 0)
				return FORM_BAD_ESCAPE;
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
		}
		if (len == cap) {
			assert(cap == max);
			return FORM_TOO_LONG;
		}
		d[len++] = (char)c;
	}
	d[len] = '\0';
	/* utf8_has_ctl also catches NUL, from %00 or a raw byte. */
	if (!utf8_valid(d, len) || utf8_has_ctl(d, len))
		return FORM_BAD_UTF8;
	*out = d;
	*out_len = len;
	return FORM_OK;
}

enum form_status form_parse(struct arena *a, const char *p, size_t n,
			    const struct form_limits *lim, struct form *out)
{
	struct form_limits def = FORM_LIMITS_DEFAULT;
	if (!lim)
		lim = &def;
	out->items = NULL;
	out->n = 0;
	if (n == 0)
		return FORM_OK;

	/* First pass: count non-empty pairs, so the field limit is checked
	 * before anything is allocated. */
	size_t count = 0, seg = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || p[i] == '&') {
			if (seg > 0 && ++count > lim->max_fields)
				return FORM_TOO_MANY;
			seg = 0;
		} else {
			seg++;
		}
	}
	if (count == 0)
		return FORM_OK;

	struct kv *items = arena_alloc(a, count * sizeof(*items));
	if (!items)
		return FORM_NOMEM;

	size_t k = 0, start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && p[i] != '&')
			continue;
		const char *pair = p + start;
		size_t len = i - start;
		start = i + 1;
		if (len == 0)
			continue;
		const char *eq = memchr(pair, '=', len);
		size_t klen = eq ? (size_t)(eq - pair) : len;
		struct kv *it = &items[k];
		enum form_status st = decode(a, pair, klen, lim->max_key,
					     &it->key, &it->key_len);
		if (st != FORM_OK)
			return st;
		if (eq) {
			st = decode(a, eq + 1, len - klen - 1, lim->max_value,
				    &it->value, &it->value_len);
			if (st != FORM_OK)
				return st;
		} else {
			it->value = "";
			it->value_len = 0;
		}
		k++;
	}
	assert(k == count);
	out->items = items;
	out->n = count;
	return FORM_OK;
}

static int key_is(const struct kv *it, const char *key, size_t klen)
{
	return it->key_len == klen && memcmp(it->key, key, klen) == 0;
}

const char *form_get(const struct form *f, const char *key)
{
	size_t klen = strlen(key);
	for (size_t i = 0; i < f->n; i++)
		if (key_is(&f->items[i], key, klen))
			return f->items[i].value;
	return NULL;
}

size_t form_get_all(const struct form *f, const char *key, const char **vals,
		    size_t max)
{
	size_t klen = strlen(key), got = 0;
	for (size_t i = 0; i < f->n && got < max; i++)
		if (key_is(&f->items[i], key, klen))
			vals[got++] = f->items[i].value;
	return got;
}

const char *form_status_str(enum form_status s)
{
	switch (s) {
	case FORM_OK:
		return "ok";
	case FORM_TOO_MANY:
		return "too many fields";
	case FORM_TOO_LONG:
		return "field too long";
	case FORM_BAD_ESCAPE:
		return "bad percent escape";
	case FORM_BAD_UTF8:
		return "invalid UTF-8 or control character";
	case FORM_NOMEM:
		return "out of memory";
	}
	return "unknown form status";
}

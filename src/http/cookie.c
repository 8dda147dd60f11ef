#include "http/cookie.h"

#include <assert.h>
#include <stdbool.h>
#include <string.h>

#include "core/arena.h"
#include "core/utf8.h"

static bool is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* RFC 9110 tchar. */
static bool is_tchar(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return true;
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
		return true;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* One pair, trimmed and split; returns false when it must be skipped. */
static bool split_pair(const char *s, size_t n, const char **name,
		       size_t *name_len, const char **val, size_t *val_len)
{
	while (n && is_ows(*s)) {
		s++;
		n--;
	}
	while (n && is_ows(s[n - 1]))
		n--;
	if (n == 0)
		return false;
	const char *eq = memchr(s, '=', n);
	if (!eq)
		return false;
	size_t nl = (size_t)(eq - s);
	while (nl && is_ows(s[nl - 1]))
		nl--;
	if (nl == 0)
		return false;
	for (size_t i = 0; i < nl; i++)
		if (!is_tchar((unsigned char)s[i]))
			return false;
	const char *v = eq + 1;
	size_t vl = n - (size_t)(v - s);
	while (vl && is_ows(*v)) {
		v++;
		vl--;
	}
	if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"') {
		v++;
		vl -= 2;
	}
	if (nl + vl > COOKIE_MAX_BYTES)
		return false;
	/* Inside the value: no quotes, no controls (tab included), and
	 * UTF-8 only, since values end up in logic and maybe in pages. */
	for (size_t i = 0; i < vl; i++) {
		unsigned char c = (unsigned char)v[i];
		if (c < 0x20 || c == 0x7F || c == '"')
			return false;
	}
	if (!utf8_valid(v, vl) || utf8_has_ctl(v, vl))
		return false;
	*name = s;
	*name_len = nl;
	*val = v;
	*val_len = vl;
	return true;
}

enum form_status cookie_parse(struct arena *a, const char *p, size_t n,
			      struct form *out)
{
	out->items = NULL;
	out->n = 0;
	if (n == 0)
		return FORM_OK;

	/* Two passes: count the good pairs, then copy them. */
	size_t count = 0;
	for (int pass = 0; pass < 2; pass++) {
		struct kv *items = NULL;
		if (pass == 1) {
			if (count == 0)
				return FORM_OK;
			items = arena_alloc(a, count * sizeof(*items));
			if (!items)
				return FORM_NOMEM;
		}
		size_t k = 0, start = 0;
		for (size_t i = 0; i <= n; i++) {
			if (i < n && p[i] != ';')
				continue;
			const char *name, *val;
			size_t nl, vl;
			bool ok = split_pair(p + start, i - start, &name, &nl,
					     &val, &vl);
			start = i + 1;
			if (!ok)
				continue;
			if (pass == 0) {
				if (++count > COOKIE_MAX_COUNT)
					return FORM_TOO_MANY;
				continue;
			}
			struct kv *it = &items[k++];
			char *kc = arena_strndup(a, name, nl);
			char *vc = arena_strndup(a, val, vl);
			if (!kc || !vc)
				return FORM_NOMEM;
			it->key = kc;
			it->key_len = nl;
			it->value = vc;
			it->value_len = vl;
		}
		if (pass == 1) {
			assert(k == count);
			out->items = items;
			out->n = count;
		}
	}
	return FORM_OK;
}

#include "i18n/accept_lang.h"

#include <stdbool.h>
#include <string.h>

struct entry {
	const char *tag;
	size_t len;
	int q; /* thousandths, 0..1000 */
	bool star;
};

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static bool is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* language-range = 1*8ALPHA *("-" 1*8alphanum) / "*" */
static bool valid_range(const char *s, size_t n)
{
	if (n == 1 && s[0] == '*')
		return true;
	size_t i = 0, sub = 0;
	bool first = true;
	while (i < n) {
		size_t len = 0;
		while (i < n && s[i] != '-') {
			if (!is_alpha(s[i]) && (first || !is_digit(s[i])))
				return false;
			i++;
			len++;
		}
		if (len == 0 || len > 8)
			return false;
		sub++;
		first = false;
		if (i < n) {
			i++; /* '-' */
			if (i == n)
				return false;
		}
	}
	return sub > 0;
}

/* qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ) */
static bool parse_q(const char *s, size_t n, int *q)
{
	if (n == 0 || (s[0] != '0' && s[0] != '1'))
		return false;
	int v = (s[0] - '0') * 1000;
	if (n == 1) {
		*q = v;
		return true;
	}
	if (s[1] != '.' || n > 5)
		return false;
	int scale = 100;
	for (size_t i = 2; i < n; i++, scale /= 10) {
		if (!is_digit(s[i]))
			return false;
		if (s[0] == '1' && s[i] != '0')
			return false;
		v += (s[i] - '0') * scale;
	}
	*q = v;
	return true;
}

static void trim(const char **s, size_t *n)
{
	while (*n && is_ows(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && is_ows((*s)[*n - 1]))
		(*n)--;
}

/* One list element: range, then optionally OWS ";" OWS "q=" qvalue. */
static bool parse_entry(const char *s, size_t n, struct entry *e)
{
	const char *semi = memchr(s, ';', n);
	size_t rl = semi ? (size_t)(semi - s) : n;
	const char *r = s;
	trim(&r, &rl);
	if (!valid_range(r, rl))
		return false;
	e->tag = r;
	e->len = rl;
	e->star = rl == 1 && r[0] == '*';
	e->q = 1000;
	if (!semi)
		return true;
	const char *w = semi + 1;
	size_t wl = n - (size_t)(w - s);
	trim(&w, &wl);
	if (wl < 2 || lower(w[0]) != 'q' || w[1] != '=')
		return false;
	return parse_q(w + 2, wl - 2, &e->q);
}

static bool ieq(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (lower(a[i]) != lower(b[i]))
			return false;
	return true;
}

/* 2: same tag; 1: one is a prefix of the other at a '-'; 0: no match. */
static int match(const char *r, size_t rl, const char *t, size_t tl)
{
	size_t m = rl < tl ? rl : tl;
	if (!ieq(r, t, m))
		return 0;
	if (rl == tl)
		return 2;
	if ((rl > tl && r[tl] == '-') || (tl > rl && t[rl] == '-'))
		return 1;
	return 0;
}

/* Does range r cover tag t in the RFC 4647 filtering sense (r == t, or r is
 * a prefix of t)? Used for q=0 exclusions. */
static bool covers(const char *r, size_t rl, const char *t, size_t tl)
{
	if (rl > tl || !ieq(r, t, rl))
		return false;
	return rl == tl || t[rl] == '-';
}

int accept_lang_pick(const char *p, size_t n, const char *const *supported,
		     size_t nsupported)
{
	enum { MAXSUP = 64 };
	if (!p || n == 0 || n > ACCEPT_LANG_MAX_LEN || nsupported == 0)
		return -1;
	if (nsupported > MAXSUP)
		nsupported = MAXSUP;

	struct entry ents[ACCEPT_LANG_MAX_ENTRIES];
	size_t ne = 0, start = 0;
	for (size_t i = 0; i <= n && ne < ACCEPT_LANG_MAX_ENTRIES; i++) {
		if (i < n && p[i] != ',')
			continue;
		const char *s = p + start;
		size_t len = i - start;
		start = i + 1;
		trim(&s, &len);
		if (len == 0)
			continue; /* empty list elements do not count */
		struct entry e;
		if (parse_entry(s, len, &e))
			ents[ne++] = e;
	}

	/* A supported tag is excluded by an explicit q=0 range that covers it,
	 * or by "*;q=0" when no other range names it. */
	bool star_zero = false;
	for (size_t i = 0; i < ne; i++)
		if (ents[i].star && ents[i].q == 0)
			star_zero = true;
	bool excluded[MAXSUP] = { false }, named[MAXSUP] = { false };
	size_t slen[MAXSUP];
	for (size_t j = 0; j < nsupported; j++) {
		slen[j] = strlen(supported[j]);
		bool zero = false;
		for (size_t i = 0; i < ne; i++) {
			if (ents[i].star)
				continue;
			if (match(ents[i].tag, ents[i].len, supported[j], slen[j]))
				named[j] = true;
			if (ents[i].q == 0 &&
			    covers(ents[i].tag, ents[i].len, supported[j], slen[j]))
				zero = true;
		}
		excluded[j] = zero || (star_zero && !named[j]);
	}

	int best = -1, bestq = 0;
	for (size_t i = 0; i < ne; i++) {
		if (ents[i].q <= bestq)
			continue;
		int cand = -1, cand_score = 0;
		for (size_t j = 0; j < nsupported; j++) {
			if (excluded[j])
				continue;
			if (ents[i].star) {
				if (!named[j]) {
					cand = (int)j;
					break;
				}
				continue;
			}
			int s = match(ents[i].tag, ents[i].len, supported[j], slen[j]);
			if (s > cand_score) {
				cand = (int)j;
				cand_score = s;
			}
		}
		if (cand >= 0) {
			best = cand;
			bestq = ents[i].q;
		}
	}
	return best;
}

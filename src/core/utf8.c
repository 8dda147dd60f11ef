#include "core/utf8.h"

/* Length and decoded value of the sequence at s[0..n), or 0 when it is not a
 * well-formed, shortest-form scalar value. Table 3-7 of the Unicode standard
 * gives the allowed second-byte ranges that exclude overlongs, surrogates and
 * values past U+10FFFF. */
static size_t decode(const unsigned char *s, size_t n, unsigned long *cp)
{
	unsigned char c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	size_t len;
	unsigned char lo = 0x80, hi = 0xBF;
	unsigned long v;
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		v = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		v = c & 0x0F;
		if (c == 0xE0)
			lo = 0xA0; /* overlong below U+0800 */
		else if (c == 0xED)
			hi = 0x9F; /* surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		v = c & 0x07;
		if (c == 0xF0)
			lo = 0x90; /* overlong below U+10000 */
		else if (c == 0xF4)
			hi = 0x8F; /* above U+10FFFF */
	} else {
		return 0; /* stray continuation, C0/C1 overlong lead, F5..FF */
	}
	if (n < len)
		return 0;
	if (s[1] < lo || s[1] > hi)
		return 0;
	v = (v << 6) | (s[1] & 0x3F);
	for (size_t i = 2; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3F);
	}
	*cp = v;
	return len;
}

bool utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		unsigned long cp;
		size_t len = decode(p + i, n - i, &cp);
		if (!len)
			return false;
		i += len;
	}
	return true;
}

bool utf8_has_ctl(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		unsigned char c = p[i];
		if (c < 0x80) {
			if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F)
				return true;
			i++;
			continue;
		}
		unsigned long cp;
		size_t len = decode(p + i, n - i, &cp);
		if (!len) {
			i++;
			continue;
		}
		if (cp >= 0x80 && cp <= 0x9F)
			return true;
		i += len;
	}
	return false;
}

size_t utf8_chars(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t count = 0;
	for (size_t i = 0; i < n; i++)
		if ((p[i] & 0xC0) != 0x80)
			count++;
	return count;
}

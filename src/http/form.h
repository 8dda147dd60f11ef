/* Query strings and application/x-www-form-urlencoded bodies.
 *
 * One bounded parser for both: `a=1&b=x+y&c=%C3%A5`. Keys and values are
 * percent-decoded (`+` is a space) into NUL-terminated copies in the caller's
 * arena. Decoded text must be valid UTF-8 without control characters other
 * than \t \r \n, so handlers never see NUL bytes or terminal escapes.
 * Empty pairs (`a=1&&b=2`) are skipped; a key without `=` gets the value "".
 * Keys are case-sensitive and repeated keys are kept in input order. */
#ifndef OVI_FORM_H
#define OVI_FORM_H
#include <stddef.h>

struct arena;

struct kv {
	const char *key, *value; /* decoded, NUL-terminated, in the arena */
	size_t key_len, value_len;
};

struct form {
	struct kv *items;
	size_t n;
};

/* Limits in bytes after decoding; a key or value exactly at the limit is
 * accepted, one byte more is FORM_TOO_LONG. */
struct form_limits {
	size_t max_fields, max_key, max_value;
};
#define FORM_LIMITS_DEFAULT ((struct form_limits){ 200, 100, 16384 })

enum form_status {
	FORM_OK = 0,
	FORM_TOO_MANY,   /* more than max_fields pairs */
	FORM_TOO_LONG,   /* a key or value past its limit */
	FORM_BAD_ESCAPE, /* '%' not followed by two hex digits */
	FORM_BAD_UTF8,   /* invalid UTF-8, %00 or another control character */
	FORM_NOMEM,      /* the arena ran out */
};

/* Parse p[0..n). `lim` NULL means FORM_LIMITS_DEFAULT. On success *out holds
 * the pairs; on any error *out is empty ({NULL, 0}) and nothing in it may be
 * used. Never reads past p[n-1]. */
enum form_status form_parse(struct arena *a, const char *p, size_t n,
			    const struct form_limits *lim, struct form *out);

/* The first value of `key`, or NULL when the key is absent. */
const char *form_get(const struct form *f, const char *key);

/* Store up to `max` values of `key` in vals[], in input order; returns how
 * many were stored. */
size_t form_get_all(const struct form *f, const char *key, const char **vals,
		    size_t max);

/* Short English description of a status, for logs. */
const char *form_status_str(enum form_status s);

#endif

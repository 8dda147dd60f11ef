/* The Cookie request header: `name=value; name2=value2` (RFC 6265 §5.4).
 *
 * No percent-decoding: values are returned as sent, minus surrounding double
 * quotes. Pairs that are malformed (no '=', empty or non-token name, control
 * characters, invalid UTF-8, a stray quote, longer than COOKIE_MAX_BYTES for
 * name plus value) are skipped, so one bad cookie set by another site cannot
 * lock a user out. More than COOKIE_MAX_COUNT well-formed cookies is an
 * error. Look values up with form_get / form_get_all; duplicates keep header
 * order (browsers send the most specific path first). */
#ifndef OVI_COOKIE_H
#define OVI_COOKIE_H
#include <stddef.h>

#include "http/form.h"

struct arena;

enum { COOKIE_MAX_COUNT = 50, COOKIE_MAX_BYTES = 4096 };

/* Parse p[0..n) into *out (copies in the arena). FORM_OK, FORM_TOO_MANY or
 * FORM_NOMEM; on error *out is empty. */
enum form_status cookie_parse(struct arena *a, const char *p, size_t n,
			      struct form *out);

#endif

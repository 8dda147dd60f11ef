/* Request paths: strict percent-decoding and validation.
 *
 * A path is accepted only if it begins with '/', every '%' is followed by two
 * hex digits, the decoded bytes are valid UTF-8 without control characters or
 * NUL, and no segment is "." or ".." (so a path can never climb out of a
 * folder it is joined to). */
#ifndef OVI_PATH_H
#define OVI_PATH_H
#include <stddef.h>

#include "core/arena.h"

enum { PATH_MAX_LEN = 2048 };

/* Decode p[0..n) into the arena. Returns NULL when the path is invalid. */
char *path_decode(struct arena *a, const char *p, size_t n);

/* Does `path` begin with the segment `prefix` ("/sv" matches "/sv" and
 * "/sv/x", not "/svx")? Returns the rest ("" or "/x...") or NULL. */
const char *path_strip_prefix(const char *path, const char *prefix);

/* s percent-encoded for a query string value (RFC 3986 unreserved
 * characters kept, everything else %XX), in the arena; "" when it is full. */
const char *path_query_encode(struct arena *a, const char *s);

#endif

/* Language negotiation from the Accept-Language header (RFC 9110 §12.5.4,
 * with RFC 4647 matching).
 *
 * Rules: entries are `range[;q=value]`; q defaults to 1, q=0 means "not
 * acceptable" and excludes every supported tag the range covers; an entry
 * with a malformed range, a malformed q or another parameter is skipped.
 * Comparison is case-insensitive and a range matches a supported tag when
 * one is a prefix of the other at a '-' boundary ("sv-SE" and "sv-FI" pick
 * "sv"; an exact match wins over a prefix match). `*` stands for the first
 * supported tag that no other range names. Highest q wins; ties keep header
 * order. Only the first ACCEPT_LANG_MAX_ENTRIES entries are considered, and
 * a header longer than ACCEPT_LANG_MAX_LEN bytes is ignored (-1). */
#ifndef OVI_ACCEPT_LANG_H
#define OVI_ACCEPT_LANG_H
#include <stddef.h>

enum { ACCEPT_LANG_MAX_ENTRIES = 32, ACCEPT_LANG_MAX_LEN = 1024 };

/* Pick the best of `supported` (e.g. {"sv","fi","en"}) for the header
 * p[0..n); returns its index, or -1 when none fits (the caller falls back to
 * its default). Only the first 64 supported tags are looked at. */
int accept_lang_pick(const char *p, size_t n, const char *const *supported,
		     size_t nsupported);

#endif

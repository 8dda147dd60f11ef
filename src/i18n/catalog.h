/* Translation catalogues from GNU .mo files (as written by `msgfmt`).
 *
 * A catalogue is loaded once at start and is read-only afterwards, so any
 * number of threads may look strings up at the same time. Loading validates
 * everything a hostile or truncated file could get wrong: magic (either byte
 * order), revision, every offset and length against the file size, NUL
 * terminators, UTF-8 validity of every string, duplicate msgids. The data is
 * copied into one malloc'd block and the entries are sorted for binary
 * search, so the file itself is not needed after loading.
 *
 * The header entry (empty msgid) is not counted or returned; a declared
 * charset other than UTF-8 (or ASCII) is an error. Fuzzy entries never reach
 * a .mo unless msgfmt was run with --use-fuzzy, and we cannot tell them
 * apart there. Contexts (msgctxt) are looked up with catalog_pget.
 * Plural rule for all supported languages (sv, fi, en): form (n != 1). */
#ifndef OVI_CATALOG_H
#define OVI_CATALOG_H
#include <stddef.h>

struct buf;
struct catalog;

/* Larger files are refused. */
enum { CATALOG_MAX_BYTES = 64 << 20 };

/* Read and parse a .mo file; NULL with a one-line message appended to `err`
 * (when not NULL) on any failure. */
struct catalog *catalog_load(const char *path, struct buf *err);

/* Parse a .mo image in data[0..n) (the data is copied). */
struct catalog *catalog_parse(const char *data, size_t n, struct buf *err);

/* The translation of `msgid` (first form of a plural entry), or NULL when it
 * is absent or empty. A NULL catalogue (e.g. English) always gives NULL. */
const char *catalog_get(const struct catalog *c, const char *msgid);

/* The same for an entry with msgctxt `ctx`. */
const char *catalog_pget(const struct catalog *c, const char *ctx,
			 const char *msgid);

/* Plural lookup: form (n != 1) of the entry whose msgid is `msgid`; NULL
 * when absent, when the entry has no such form, or when it is empty. Like
 * ngettext, the entry is found by `msgid` alone; `msgid_plural` is only a
 * fallback for the caller and is not compared. */
const char *catalog_nget(const struct catalog *c, const char *msgid,
			 const char *msgid_plural, unsigned long n);
const char *catalog_npget(const struct catalog *c, const char *ctx,
			  const char *msgid, const char *msgid_plural,
			  unsigned long n);

/* Number of translated entries (header excluded). */
size_t catalog_count(const struct catalog *c);

void catalog_free(struct catalog *c);

#endif

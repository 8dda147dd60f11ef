/* Template values: a small tree of strings, integers, booleans, lists and
 * maps, built by a request handler in its arena and handed to tmpl_render().
 *
 * Everything lives in the arena, so there is nothing to free. Builders return
 * NULL (or -1) when the arena is exhausted; passing that NULL on to tv_push()
 * or tv_set() makes them fail too, so a handler may check only at the end:
 *
 *	struct tval *d = tv_map(a);
 *	tv_set_str(d, "title", title);
 *	struct tval *list = tv_list(a);
 *	tv_set(d, "items", list);
 *	...
 *
 * Keys are referenced, not copied (string literals in practice). */
#ifndef OVI_TMPL_TVAL_H
#define OVI_TMPL_TVAL_H
#include <stdbool.h>
#include <stddef.h>

struct arena;
struct tval;

enum tv_kind { TV_STR, TV_INT, TV_BOOL, TV_LIST, TV_MAP };

/* References s, which must outlive the render. NULL s gives NULL. */
struct tval *tv_str(struct arena *a, const char *s);
/* Copies s into the arena. NULL s gives NULL. */
struct tval *tv_strdup(struct arena *a, const char *s);
struct tval *tv_int(struct arena *a, long long v);
struct tval *tv_bool(struct arena *a, bool v);
struct tval *tv_list(struct arena *a);
struct tval *tv_map(struct arena *a);

/* Append v to a list: 0, or -1 (list or v NULL, not a list, arena full). */
int tv_push(struct tval *list, struct tval *v);
/* Set key (referenced) in a map, replacing an existing entry: 0 or -1. */
int tv_set(struct tval *map, const char *key, struct tval *v);
/* Conveniences allocating from the map's arena; tv_set_str copies s. */
int tv_set_str(struct tval *map, const char *key, const char *s);
int tv_set_int(struct tval *map, const char *key, long long v);
int tv_set_bool(struct tval *map, const char *key, bool v);

/* The value under key, or NULL (no such key, map NULL or not a map). */
const struct tval *tv_get(const struct tval *map, const char *key);
/* The string, or NULL when v is not a string. */
const char *tv_as_str(const struct tval *v);

/* Inspection (templates, tests). v must not be NULL for tv_kind. */
enum tv_kind tv_kind(const struct tval *v);
/* Number of list items or map entries; 0 for anything else or NULL. */
size_t tv_len(const struct tval *v);
/* The i-th list item, or NULL when out of range or not a list. */
const struct tval *tv_at(const struct tval *list, size_t i);
/* The integer (bool as 0/1), or 0 when v is neither. */
long long tv_as_int(const struct tval *v);
/* Template truthiness: NULL, "", false, 0, empty list and empty map are
 * false; everything else is true. */
bool tv_truthy(const struct tval *v);

#endif

/* Per-request arena: many small allocations, freed together (nginx/h2o pools).
 *
 * Every arena has a hard byte limit; an allocation past it returns NULL so a
 * hostile request cannot grow memory without bound. Memory is zeroed. */
#ifndef OVI_ARENA_H
#define OVI_ARENA_H
#include <stdarg.h>
#include <stddef.h>

struct arena;

/* Create an arena that will hand out at most `limit` bytes in total. */
struct arena *arena_new(size_t limit);
/* Free the arena and everything allocated from it. NULL is allowed. */
void arena_free(struct arena *a);

/* Zeroed, max_align_t-aligned memory; NULL when the limit would be passed. */
void *arena_alloc(struct arena *a, size_t n);
/* Copy n bytes of s and NUL-terminate. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
/* printf into the arena; NULL on limit or format error. */
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* Bytes handed out so far (for tests and limits). */
size_t arena_used(const struct arena *a);

#endif

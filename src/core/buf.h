/* Bounded growable byte buffer (in the spirit of git's strbuf and curl's
 * dynbuf): always NUL-terminated, and never grows past `max` bytes. Every
 * append reports failure instead of growing past the limit; after a failure
 * the buffer keeps what it had and stays usable. */
#ifndef OVI_BUF_H
#define OVI_BUF_H
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct buf {
	char *data; /* NUL-terminated; "" before the first append */
	size_t len, cap, max;
};

#define BUF_INIT(maxbytes) { .data = NULL, .len = 0, .cap = 0, .max = (maxbytes) }

void buf_init(struct buf *b, size_t max);
void buf_free(struct buf *b);
void buf_reset(struct buf *b);

/* 0 on success, -1 when the limit would be passed or memory ran out. */
int buf_add(struct buf *b, const void *p, size_t n);
int buf_adds(struct buf *b, const char *s);
int buf_addc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* The contents as a C string (never NULL). */
const char *buf_str(const struct buf *b);

/* Hand the memory to the caller (must be free()d); the buffer is reset. */
char *buf_detach(struct buf *b, size_t *len);

#endif

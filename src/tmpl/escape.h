/* Output escaping for HTML (used by templates, e-mails and error pages).
 *
 * There are two contexts, text/attribute and URL; there is no JavaScript
 * context because Ovi pages carry no inline script. Every function takes
 * (pointer, length), so NUL bytes in the input are handled, not trusted. */
#ifndef OVI_TMPL_ESCAPE_H
#define OVI_TMPL_ESCAPE_H
#include <stdbool.h>
#include <stddef.h>

struct buf;

/* Append s escaped for HTML text and for a quoted attribute value:
 * & < > " ' ` become entities, a NUL byte becomes U+FFFD.
 * 0, or -1 when out's limit is hit (out then holds a prefix). */
int esc_html(struct buf *out, const char *s, size_t n);

/* Whether s may go into an href/src: after trimming spaces it is empty, a
 * relative URL ("/path" but not "//host" or "/\host", "#frag", "?query",
 * "path" with no scheme) or has the scheme http, https, mailto or tel (any
 * case). Control characters (including tab and newline, which browsers
 * drop from URLs) anywhere make it unsafe, as does a leading backslash. */
bool url_is_safe(const char *s, size_t n);

/* Append the trimmed s, attribute-escaped with spaces and control bytes
 * percent-encoded, when url_is_safe(s); otherwise append "#". 0 or -1. */
int esc_url(struct buf *out, const char *s, size_t n);

/* The same escapers writing through a callback, for the template engine
 * which renders into arena-backed buffers. The callback returns 0 or -1;
 * the first -1 stops the escaper, which returns -1. */
typedef int (*esc_write_fn)(void *ctx, const char *p, size_t n);
int esc_html_to(esc_write_fn write, void *ctx, const char *s, size_t n);
int esc_url_to(esc_write_fn write, void *ctx, const char *s, size_t n);

#endif

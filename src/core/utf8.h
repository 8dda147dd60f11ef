/* Strict UTF-8 checks for untrusted text (form fields, cookies, catalogues).
 *
 * All functions take (pointer, length) and never read past s[n-1]; a NUL
 * byte inside the range is just a byte (utf8_has_ctl reports it). */
#ifndef OVI_UTF8_H
#define OVI_UTF8_H
#include <stdbool.h>
#include <stddef.h>

/* True when s[0..n) is well-formed UTF-8: shortest form only (no overlongs),
 * no surrogates (U+D800..U+DFFF), nothing above U+10FFFF. */
bool utf8_valid(const char *s, size_t n);

/* True when s[0..n) holds a control character other than \t \n \r: the C0
 * range (including NUL), DEL, or a C1 control U+0080..U+009F. Meant for
 * text already known to be valid; invalid sequences are skipped byte by
 * byte and never count as controls. */
bool utf8_has_ctl(const char *s, size_t n);

/* Number of code points in s[0..n) (continuation bytes are not counted), for
 * length limits expressed in characters. Exact for valid input. */
size_t utf8_chars(const char *s, size_t n);

#endif

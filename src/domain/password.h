/* Staff passwords: Argon2id (libsodium) with at least OWASP's parameters
 * (19 MiB, 2 iterations). Hashing is deliberately expensive, so at most
 * `concurrency` hashes run at once; further logins wait a little and then
 * get "busy" instead of exhausting memory. */
#ifndef OVI_PASSWORD_H
#define OVI_PASSWORD_H
#include <stdbool.h>

/* Longer input is refused before hashing: hashing is costly enough. */
enum { PASSWORD_HASH_MAX = 128, PASSWORD_MIN = 12, PASSWORD_MAX_INPUT = 256 };

/* Set up the limiter; call once at start. */
void password_init(unsigned concurrency);

/* 0, or -1 when busy or out of memory. */
int password_hash(const char *pw, char out[PASSWORD_HASH_MAX]);
/* 1 match, 0 mismatch, -1 busy. With hash NULL it burns the same time as
 * a real check (so unknown accounts are not revealed by timing). */
int password_verify(const char *hash, const char *pw);

#endif

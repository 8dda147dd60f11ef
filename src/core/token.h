/* Random tokens and their stored hashes (libsodium).
 *
 * A token is 32 random bytes (256 bits) in URL-safe base64 without padding:
 * 43 characters. Only a hash of a token is ever stored, so a database copy
 * cannot be replayed. Comparisons are constant-time. */
#ifndef OVI_TOKEN_H
#define OVI_TOKEN_H
#include <stdbool.h>
#include <stddef.h>

enum { TOKEN_LEN = 43, TOKEN_HASH_LEN = 64 };

/* Call once at start; dies when libsodium cannot initialise. */
void token_init(void);
void token_random(char out[TOKEN_LEN + 1]);
/* BLAKE2b-256 of the token, as lowercase hex. */
void token_hash(const char *token, char out[TOKEN_HASH_LEN + 1]);
/* Keyed MAC of `msg` as a token-shaped string (for CSRF tokens). */
void token_mac(const unsigned char key[32], const char *msg, char out[TOKEN_LEN + 1]);
/* Constant-time equality of two NUL-terminated strings of equal length. */
bool token_equal(const char *a, const char *b);
/* Does s look like a token (43 URL-safe base64 characters)? */
bool token_valid(const char *s);

#endif

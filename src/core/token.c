#include "core/token.h"

#include <sodium.h>
#include <string.h>

#include "core/log.h"

void token_init(void)
{
	if (sodium_init() < 0)
		die("libsodium could not be initialised");
}

static void encode(const unsigned char *bin, size_t n, char out[TOKEN_LEN + 1])
{
	sodium_bin2base64(out, TOKEN_LEN + 1, bin, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void token_random(char out[TOKEN_LEN + 1])
{
	unsigned char r[32];
	randombytes_buf(r, sizeof(r));
	encode(r, sizeof(r), out);
	sodium_memzero(r, sizeof(r));
}

void token_hash(const char *token, char out[TOKEN_HASH_LEN + 1])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof(h), (const unsigned char *)token, strlen(token), NULL, 0);
	sodium_bin2hex(out, TOKEN_HASH_LEN + 1, h, sizeof(h));
}

void token_mac(const unsigned char key[32], const char *msg, char out[TOKEN_LEN + 1])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof(h), (const unsigned char *)msg, strlen(msg), key, 32);
	encode(h, sizeof(h), out);
}

bool token_equal(const char *a, const char *b)
{
	size_t n = strlen(a);
	if (n != strlen(b))
		return false;
	return sodium_memcmp(a, b, n) == 0;
}

bool token_valid(const char *s)
{
	if (!s || strlen(s) != TOKEN_LEN)
		return false;
	for (size_t i = 0; i < TOKEN_LEN; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return false;
	}
	return true;
}

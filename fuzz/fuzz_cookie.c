/* libFuzzer harness for cookie_parse: never reads past the input; every
 * kept cookie has a non-empty token name, a value without controls or
 * quotes, and fits the size limit. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "core/utf8.h"
#include "http/cookie.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(1 << 20);
	if (!a)
		return 0;
	struct form f;
	enum form_status st = cookie_parse(a, (const char *)data, size, &f);
	assert(st == FORM_OK || st == FORM_TOO_MANY || st == FORM_NOMEM);
	if (st == FORM_OK) {
		assert(f.n <= COOKIE_MAX_COUNT);
		for (size_t i = 0; i < f.n; i++) {
			const struct kv *it = &f.items[i];
			assert(it->key_len > 0);
			assert(it->key_len + it->value_len <= COOKIE_MAX_BYTES);
			assert(it->key[it->key_len] == '\0');
			assert(it->value[it->value_len] == '\0');
			assert(strlen(it->key) == it->key_len);
			assert(strlen(it->value) == it->value_len);
			assert(!memchr(it->key, '=', it->key_len));
			assert(!memchr(it->key, ';', it->key_len));
			assert(!memchr(it->value, ';', it->value_len));
			assert(!memchr(it->value, '"', it->value_len));
			assert(utf8_valid(it->value, it->value_len));
			assert(!utf8_has_ctl(it->value, it->value_len));
		}
		if (f.n)
			assert(form_get(&f, f.items[0].key) == f.items[0].value);
	} else {
		assert(f.n == 0);
	}
	arena_free(a);
	return 0;
}

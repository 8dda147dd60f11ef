/* libFuzzer harness for form_parse: any input must give a status without
 * reading past the input, and on success every pair must honour the limits,
 * be NUL-terminated, valid UTF-8 and free of control characters. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "core/utf8.h"
#include "http/form.h"

static void check(const char *s, size_t n, size_t max)
{
	assert(n <= max);
	assert(s[n] == '\0');
	assert(utf8_valid(s, n));
	assert(!utf8_has_ctl(s, n));
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		assert(c >= 0x20 || c == '\t' || c == '\r' || c == '\n');
		assert(c != 0x7F);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Small limits on odd sizes so the limit paths are reached too. */
	struct form_limits lim = FORM_LIMITS_DEFAULT;
	if (size & 1)
		lim = (struct form_limits){ 5, 8, 16 };
	struct arena *a = arena_new(1 << 20);
	if (!a)
		return 0;
	struct form f;
	enum form_status st = form_parse(a, (const char *)data, size, &lim, &f);
	assert(st <= FORM_NOMEM);
	assert(form_status_str(st) != NULL);
	if (st == FORM_OK) {
		assert(f.n <= lim.max_fields);
		for (size_t i = 0; i < f.n; i++) {
			check(f.items[i].key, f.items[i].key_len, lim.max_key);
			check(f.items[i].value, f.items[i].value_len, lim.max_value);
		}
		if (f.n) {
			const char *v[4];
			assert(form_get(&f, f.items[0].key) == f.items[0].value);
			assert(form_get_all(&f, f.items[0].key, v, 4) >= 1);
		}
	} else {
		assert(f.n == 0 && f.items == NULL);
	}
	arena_free(a);
	return 0;
}

/* libFuzzer harness for accept_lang_pick: the answer is -1 or a valid index,
 * the same for a copy of the input, and never depends on bytes past n. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "i18n/accept_lang.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const sup3[] = { "sv", "fi", "en" };
	static const char *const sup5[] = { "sv-FI", "sv-SE", "fi", "en-GB", "se" };
	const char *p = (const char *)data;
	int r = accept_lang_pick(p, size, sup3, 3);
	assert(r >= -1 && r < 3);
	int r5 = accept_lang_pick(p, size, sup5, 5);
	assert(r5 >= -1 && r5 < 5);
	if (size > ACCEPT_LANG_MAX_LEN)
		assert(r == -1 && r5 == -1);
	/* Bytes after the header must not matter. */
	char *copy = malloc(size + 8);
	if (!copy)
		return 0;
	if (size)
		memcpy(copy, data, size);
	memcpy(copy + size, ",sv;q=1", 8);
	assert(accept_lang_pick(copy, size, sup3, 3) == r);
	free(copy);
	return 0;
}

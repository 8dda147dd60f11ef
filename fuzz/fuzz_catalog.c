/* libFuzzer harness for catalog_parse: hostile .mo images must either be
 * refused with a message or give a catalogue whose lookups stay in bounds.
 * The input is copied to an exact-size block so ASan sees any over-read. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/utf8.h"
#include "i18n/catalog.h"

static void probe(const struct catalog *c, const char *id)
{
	const char *s = catalog_get(c, id);
	if (s)
		assert(utf8_valid(s, strlen(s)) && s[0] != '\0');
	(void)catalog_nget(c, id, "x", 1);
	(void)catalog_nget(c, id, "x", 2);
	(void)catalog_pget(c, "ctx", id);
	(void)catalog_npget(c, "ctx", id, "x", 7);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	if (size)
		memcpy(copy, data, size);
	struct buf err = BUF_INIT(512);
	struct catalog *c = catalog_parse(copy, size, &err);
	if (!c) {
		assert(err.len > 0);
	} else {
		assert(err.len == 0);
		assert(catalog_count(c) <= size / 8);
		probe(c, "a");
		probe(c, "");
		probe(c, "Door opener");
		/* Strings of the input itself, as plausible msgids. */
		for (size_t off = 28; off + 1 < size && off < 28 + 64; off += 8) {
			char id[9] = { 0 };
			size_t len = size - off < 8 ? size - off : 8;
			memcpy(id, copy + off, len);
			probe(c, id);
		}
	}
	memset(copy, 0xA5, size); /* the catalogue holds its own copy */
	if (c)
		probe(c, "a");
	catalog_free(c);
	buf_free(&err);
	free(copy);
	return 0;
}

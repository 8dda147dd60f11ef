#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <pthread.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/buf.h"
#include "i18n/catalog.h"

static char dir[] = "/tmp/ovi-test-catalog-XXXXXX";

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void write_file(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static char *read_file(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	long len = ftell(f);
	assert_true(len >= 0);
	rewind(f);
	char *p = malloc((size_t)len + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	*n = (size_t)len;
	return p;
}

/* Write `po` to <dir>/<name>.po and compile it with msgfmt to <dir>/<name>.mo;
 * returns the .mo path (static storage) or NULL when msgfmt failed. */
static const char *compile(const char *name, const char *po, const char *endian)
{
	static char mo[512];
	char pofile[512], opt[64];
	snprintf(pofile, sizeof(pofile), "%s/%s.po", dir, name);
	snprintf(mo, sizeof(mo), "%s/%s.mo", dir, name);
	snprintf(opt, sizeof(opt), "--endianness=%s", endian);
	write_file(pofile, po, strlen(po));
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		execlp("msgfmt", "msgfmt", opt, "-o", mo, pofile, (char *)NULL);
		_exit(127);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return NULL;
	return mo;
}

#define HEADER                                                                 \
	"msgid \"\"\n"                                                         \
	"msgstr \"\"\n"                                                        \
	"\"Project-Id-Version: ovi\\n\"\n"                                     \
	"\"Language: sv\\n\"\n"                                                \
	"\"MIME-Version: 1.0\\n\"\n"                                           \
	"\"Content-Type: text/plain; charset=UTF-8\\n\"\n"                     \
	"\"Content-Transfer-Encoding: 8bit\\n\"\n"                             \
	"\"Plural-Forms: nplurals=2; plural=(n != 1);\\n\"\n\n"

static const char SV_PO[] = HEADER
	"msgid \"Door opener\"\n"
	"msgstr \"Dörröppnare\"\n\n"
	"msgid \"Participant\"\n"
	"msgstr \"Deltagare\"\n\n"
	"msgid \"Untranslated\"\n"
	"msgstr \"\"\n\n"
	"#, fuzzy\n"
	"msgid \"Fuzzy one\"\n"
	"msgstr \"Luddig\"\n\n"
	"msgid \"%d meeting\"\n"
	"msgid_plural \"%d meetings\"\n"
	"msgstr[0] \"%d möte\"\n"
	"msgstr[1] \"%d möten\"\n\n"
	"msgid \"%d contact\"\n"
	"msgid_plural \"%d contacts\"\n"
	"msgstr[0] \"%d kontakt\"\n"
	"msgstr[1] \"\"\n\n"
	"msgctxt \"month\"\n"
	"msgid \"May\"\n"
	"msgstr \"maj\"\n\n"
	"msgctxt \"verb\"\n"
	"msgid \"May\"\n"
	"msgstr \"får\"\n\n"
	"msgid \"May\"\n"
	"msgstr \"Maj\"\n\n"
	"msgid \"Line\\nbreak \\\"quoted\\\"\"\n"
	"msgstr \"Rad\\nbrytning \\\"citerad\\\"\"\n";

static struct catalog *load_po(const char *name, const char *po, const char *endian)
{
	const char *mo = compile(name, po, endian);
	assert_non_null(mo);
	struct buf err = BUF_INIT(1024);
	struct catalog *c = catalog_load(mo, &err);
	if (!c)
		fprintf(stderr, "%s\n", buf_str(&err));
	assert_non_null(c);
	assert_int_equal(err.len, 0);
	buf_free(&err);
	return c;
}

static void check_sv(const struct catalog *c)
{
	assert_string_equal(catalog_get(c, "Door opener"), "Dörröppnare");
	assert_string_equal(catalog_get(c, "Participant"), "Deltagare");
	assert_null(catalog_get(c, "Untranslated"));
	assert_null(catalog_get(c, "Fuzzy one"));
	assert_null(catalog_get(c, "Missing"));
	assert_null(catalog_get(c, ""));
	assert_null(catalog_get(c, "Door"));
	assert_null(catalog_get(c, "Door opener "));
	/* Plurals: (n != 1). */
	assert_string_equal(catalog_nget(c, "%d meeting", "%d meetings", 1), "%d möte");
	assert_string_equal(catalog_nget(c, "%d meeting", "%d meetings", 0), "%d möten");
	assert_string_equal(catalog_nget(c, "%d meeting", "%d meetings", 2), "%d möten");
	assert_string_equal(catalog_nget(c, "%d meeting", "%d meetings", 1000000), "%d möten");
	assert_string_equal(catalog_get(c, "%d meeting"), "%d möte");
	assert_null(catalog_get(c, "%d meetings"));
	assert_string_equal(catalog_nget(c, "%d contact", "%d contacts", 1), "%d kontakt");
	assert_null(catalog_nget(c, "%d contact", "%d contacts", 5)); /* empty form */
	assert_null(catalog_nget(c, "absent", "absents", 1));
	/* A singular entry has no second form. */
	assert_string_equal(catalog_nget(c, "Participant", "Participants", 1), "Deltagare");
	assert_null(catalog_nget(c, "Participant", "Participants", 2));
	/* Contexts. */
	assert_string_equal(catalog_pget(c, "month", "May"), "maj");
	assert_string_equal(catalog_pget(c, "verb", "May"), "får");
	assert_string_equal(catalog_get(c, "May"), "Maj");
	assert_null(catalog_pget(c, "noun", "May"));
	assert_null(catalog_pget(c, "mont", "May"));
	assert_null(catalog_pget(c, "monthx", "May"));
	assert_null(catalog_pget(c, "month", "Ma"));
	assert_null(catalog_pget(c, "", "May"));
	assert_null(catalog_get(c, "month\004"));
	assert_string_equal(catalog_npget(c, "month", "May", "Mays", 1), "maj");
	assert_null(catalog_npget(c, "month", "May", "Mays", 2));
	assert_string_equal(catalog_get(c, "Line\nbreak \"quoted\""), "Rad\nbrytning \"citerad\"");
	/* Door opener, Participant, meeting, contact, 3 × May, Line. */
	assert_int_equal(catalog_count(c), 8);
}

static void test_load_little_endian(void **state)
{
	(void)state;
	struct catalog *c = load_po("sv-le", SV_PO, "little");
	check_sv(c);
	catalog_free(c);
}

static void test_load_big_endian(void **state)
{
	(void)state;
	struct catalog *c = load_po("sv-be", SV_PO, "big");
	check_sv(c);
	catalog_free(c);
}

static void test_null_catalog(void **state)
{
	(void)state;
	assert_null(catalog_get(NULL, "x"));
	assert_null(catalog_pget(NULL, "c", "x"));
	assert_null(catalog_nget(NULL, "x", "xs", 2));
	assert_int_equal(catalog_count(NULL), 0);
	catalog_free(NULL);
	struct catalog *c = load_po("sv-null", SV_PO, "little");
	assert_null(catalog_get(c, NULL));
	catalog_free(c);
}

static void test_many_entries(void **state)
{
	(void)state;
	struct buf po = BUF_INIT(1 << 20);
	assert_int_equal(buf_adds(&po, HEADER), 0);
	for (int i = 0; i < 600; i++)
		assert_int_equal(buf_printf(&po, "msgid \"key %d\"\nmsgstr \"värde %d\"\n\n",
					    i * 7919 % 600, i * 7919 % 600), 0);
	struct catalog *c = load_po("many", buf_str(&po), "little");
	assert_int_equal(catalog_count(c), 600);
	for (int i = 0; i < 600; i++) {
		char k[32], v[32];
		snprintf(k, sizeof(k), "key %d", i);
		snprintf(v, sizeof(v), "värde %d", i);
		assert_string_equal(catalog_get(c, k), v);
	}
	assert_null(catalog_get(c, "key 600"));
	assert_null(catalog_get(c, "key "));
	assert_null(catalog_get(c, "kex 1"));
	catalog_free(c);
	buf_free(&po);
}

static void test_header_only(void **state)
{
	(void)state;
	struct catalog *c = load_po("empty", HEADER, "little");
	assert_int_equal(catalog_count(c), 0);
	assert_null(catalog_get(c, ""));
	assert_null(catalog_get(c, "x"));
	catalog_free(c);
}

static void test_latin1_charset_refused(void **state)
{
	(void)state;
	const char po[] =
		"msgid \"\"\nmsgstr \"\"\n"
		"\"Content-Type: text/plain; charset=ISO-8859-1\\n\"\n\n"
		"msgid \"Door\"\nmsgstr \"D\xF6rr\"\n";
	const char *mo = compile("latin1", po, "little");
	assert_non_null(mo);
	struct buf err = BUF_INIT(1024);
	assert_null(catalog_load(mo, &err));
	assert_non_null(strstr(buf_str(&err), "charset"));
	buf_free(&err);
}

/* ---- hand-built images for what msgfmt never writes ---------------------- */

struct mo_str {
	const char *s;
	size_t len; /* without the final NUL */
};

static void put32(unsigned char *p, uint32_t v, int be)
{
	for (int i = 0; i < 4; i++)
		p[be ? i : 3 - i] = (unsigned char)(v >> (24 - 8 * i));
}

/* A minimal .mo: header, two tables, then the strings (no hash table). */
static char *mo_build(const struct mo_str *ids, const struct mo_str *strs,
		      size_t n, int be, size_t *size)
{
	size_t off = 28 + 16 * n, total = off;
	for (size_t i = 0; i < n; i++)
		total += ids[i].len + 1 + strs[i].len + 1;
	unsigned char *m = calloc(1, total);
	assert_non_null(m);
	put32(m, 0x950412de, be);
	put32(m + 4, 0, be);
	put32(m + 8, (uint32_t)n, be);
	put32(m + 12, 28, be);
	put32(m + 16, (uint32_t)(28 + 8 * n), be);
	for (int t = 0; t < 2; t++)
		for (size_t i = 0; i < n; i++) {
			const struct mo_str *s = t ? &strs[i] : &ids[i];
			unsigned char *d = m + 28 + 8 * n * (size_t)t + 8 * i;
			put32(d, (uint32_t)s->len, be);
			put32(d + 4, (uint32_t)off, be);
			memcpy(m + off, s->s, s->len);
			off += s->len + 1;
		}
	*size = total;
	return (char *)m;
}

#define S(lit) { lit, sizeof(lit) - 1 }

static struct catalog *parse_expect(const char *data, size_t n, const char *msg)
{
	struct buf err = BUF_INIT(1024);
	struct catalog *c = catalog_parse(data, n, &err);
	if (msg) {
		assert_null(c);
		if (!strstr(buf_str(&err), msg))
			fail_msg("error '%s' lacks '%s'", buf_str(&err), msg);
	} else {
		if (!c)
			fail_msg("unexpected error '%s'", buf_str(&err));
	}
	buf_free(&err);
	return c;
}

static void test_hand_built(void **state)
{
	(void)state;
	const struct mo_str ids[] = { S("b"), S("a"), S("n\0ns"), S("c\004x") };
	const struct mo_str strs[] = { S("B"), S("A"), S("N0\0N1"), S("X") };
	for (int be = 0; be < 2; be++) {
		size_t n;
		char *m = mo_build(ids, strs, 4, be, &n);
		struct catalog *c = parse_expect(m, n, NULL);
		/* The input may go away: the catalogue has its own copy. */
		memset(m, 0, n);
		free(m);
		assert_string_equal(catalog_get(c, "a"), "A");
		assert_string_equal(catalog_get(c, "b"), "B");
		assert_string_equal(catalog_nget(c, "n", "ns", 1), "N0");
		assert_string_equal(catalog_nget(c, "n", "ns", 3), "N1");
		assert_string_equal(catalog_pget(c, "c", "x"), "X");
		assert_int_equal(catalog_count(c), 4);
		catalog_free(c);
	}
	/* Zero entries is fine. */
	size_t n;
	char *m = mo_build(NULL, NULL, 0, 0, &n);
	struct catalog *c = parse_expect(m, n, NULL);
	assert_int_equal(catalog_count(c), 0);
	catalog_free(c);
	free(m);
}

static void test_hand_built_bad(void **state)
{
	(void)state;
	size_t n;
	char *m;
	const struct mo_str dup_ids[] = { S("a"), S("a") };
	const struct mo_str dup_strs[] = { S("1"), S("2") };
	m = mo_build(dup_ids, dup_strs, 2, 0, &n);
	parse_expect(m, n, "duplicate");
	free(m);

	const struct mo_str pl_ids[] = { S("a\0b\0c") };
	const struct mo_str pl_strs[] = { S("x") };
	m = mo_build(pl_ids, pl_strs, 1, 0, &n);
	parse_expect(m, n, "plural");
	free(m);

	static const char *const bad_utf8[] = {
		"\xFF", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xC3",
	};
	for (size_t i = 0; i < sizeof(bad_utf8) / sizeof(bad_utf8[0]); i++) {
		const struct mo_str ids[] = { S("ok") };
		const struct mo_str strs[] = { { bad_utf8[i], strlen(bad_utf8[i]) } };
		m = mo_build(ids, strs, 1, i & 1, &n);
		parse_expect(m, n, "UTF-8");
		free(m);
		m = mo_build(strs, ids, 1, i & 1, &n);
		parse_expect(m, n, "UTF-8");
		free(m);
	}
}

static void test_header_fields(void **state)
{
	(void)state;
	const struct mo_str ids[] = { S("a") };
	const struct mo_str strs[] = { S("A") };
	size_t n;
	char *m = mo_build(ids, strs, 1, 0, &n);
	unsigned char *u = (unsigned char *)m;

	parse_expect(m, 0, "truncated header");
	parse_expect(NULL, 0, "truncated header");
	parse_expect(m, 27, "truncated header");

	u[0] ^= 0xFF; /* bad magic */
	parse_expect(m, n, "magic");
	u[0] ^= 0xFF;
	put32(u, 0x12345678, 0);
	parse_expect(m, n, "magic");
	put32(u, 0x950412de, 0);

	put32(u + 4, 2u << 16, 0); /* revision 2.0 */
	parse_expect(m, n, "revision");
	put32(u + 4, 1u << 16 | 1, 0); /* 1.1 is readable */
	catalog_free(parse_expect(m, n, NULL));
	put32(u + 4, 0, 0);

	put32(u + 8, 0xFFFFFFFFu, 0); /* count */
	parse_expect(m, n, "past the end");
	put32(u + 8, 3, 0);
	parse_expect(m, n, "past the end");
	put32(u + 8, 1, 0);

	put32(u + 12, (uint32_t)n, 0); /* original table offset */
	parse_expect(m, n, "past the end");
	put32(u + 12, 0xFFFFFFF8u, 0);
	parse_expect(m, n, "past the end");
	put32(u + 12, 28, 0);
	put32(u + 16, (uint32_t)n - 7, 0); /* translation table */
	parse_expect(m, n, "past the end");
	put32(u + 16, 36, 0);

	unsigned char *d = u + 28; /* (len, off) of the msgid */
	put32(d, 0xFFFFFFFFu, 0);
	parse_expect(m, n, "past the end");
	put32(d, 2, 0); /* length runs over the NUL */
	parse_expect(m, n, "past the end");
	put32(d, 1, 0);
	put32(d + 4, 0xFFFFFFFFu, 0);
	parse_expect(m, n, "past the end");
	put32(d + 4, (uint32_t)n, 0);
	parse_expect(m, n, "past the end");
	put32(d + 4, (uint32_t)n - 1, 0);
	parse_expect(m, n, "past the end");
	put32(d + 4, 44, 0);
	d = u + 36; /* (len, off) of the translation */
	put32(d + 4, (uint32_t)n - 2, 0); /* "A" ends at n-1 with its NUL */
	catalog_free(parse_expect(m, n, NULL));
	put32(d + 4, (uint32_t)n - 1, 0); /* 1 byte from the last NUL */
	parse_expect(m, n, "past the end");
	put32(d + 4, 46, 0);
	catalog_free(parse_expect(m, n, NULL));
	/* Missing terminator. */
	m[n - 1] = 'x';
	parse_expect(m, n, "past the end");
	free(m);
}

/* Every truncation of a real file fails cleanly (the last byte is a NUL). */
static void test_truncated(void **state)
{
	(void)state;
	const char *mo = compile("trunc", SV_PO, "little");
	assert_non_null(mo);
	size_t n;
	char *data = read_file(mo, &n);
	for (size_t len = 0; len < n; len++) {
		char *copy = malloc(len ? len : 1);
		assert_non_null(copy);
		memcpy(copy, data, len);
		struct catalog *c = catalog_parse(copy, len, NULL);
		free(copy);
		if (c)
			fail_msg("truncation to %zu of %zu bytes accepted", len, n);
	}
	struct catalog *c = catalog_parse(data, n, NULL);
	assert_non_null(c);
	catalog_free(c);

	/* And truncated files on disk. */
	char path[512];
	snprintf(path, sizeof(path), "%s/short.mo", dir);
	write_file(path, data, n / 2);
	struct buf err = BUF_INIT(1024);
	assert_null(catalog_load(path, &err));
	assert_non_null(strstr(buf_str(&err), "short.mo"));
	buf_free(&err);
	free(data);
}

/* Flipping bytes of a real file never crashes: parse fails or succeeds and
 * lookups stay in bounds (ASan watches). */
static void test_byte_flips(void **state)
{
	(void)state;
	const char *mo = compile("flip", SV_PO, "big");
	assert_non_null(mo);
	size_t n;
	char *data = read_file(mo, &n);
	static const unsigned char xor[] = { 0x01, 0x80, 0xFF, 0x10 };
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < sizeof(xor); k++) {
			char *copy = malloc(n);
			assert_non_null(copy);
			memcpy(copy, data, n);
			copy[i] = (char)(copy[i] ^ xor[k]);
			struct catalog *c = catalog_parse(copy, n, NULL);
			free(copy);
			if (c) {
				(void)catalog_get(c, "Door opener");
				(void)catalog_nget(c, "%d meeting", "%d meetings", 2);
				(void)catalog_pget(c, "month", "May");
				catalog_free(c);
			}
		}
	free(data);
}

static void test_load_errors(void **state)
{
	(void)state;
	struct buf err = BUF_INIT(1024);
	char path[512];
	snprintf(path, sizeof(path), "%s/does-not-exist.mo", dir);
	assert_null(catalog_load(path, &err));
	assert_true(err.len > 0);
	buf_reset(&err);
	assert_null(catalog_load(dir, &err)); /* a directory */
	assert_true(err.len > 0);
	buf_reset(&err);
	snprintf(path, sizeof(path), "%s/empty.mo", dir);
	write_file(path, "", 0);
	assert_null(catalog_load(path, &err));
	assert_non_null(strstr(buf_str(&err), "truncated"));
	buf_reset(&err);
	snprintf(path, sizeof(path), "%s/text.mo", dir);
	write_file(path, SV_PO, sizeof(SV_PO) - 1);
	assert_null(catalog_load(path, &err));
	assert_non_null(strstr(buf_str(&err), "magic"));
	buf_free(&err);
	/* err may be NULL. */
	assert_null(catalog_load(path, NULL));
}

static void *reader(void *arg)
{
	const struct catalog *c = arg;
	for (int i = 0; i < 20000; i++) {
		if (strcmp(catalog_get(c, "Door opener"), "Dörröppnare") != 0)
			return (void *)1;
		if (strcmp(catalog_nget(c, "%d meeting", "%d meetings", (unsigned long)i),
			   i == 1 ? "%d möte" : "%d möten") != 0)
			return (void *)1;
	}
	return NULL;
}

static void test_threads(void **state)
{
	(void)state;
	struct catalog *c = load_po("threads", SV_PO, "little");
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, reader, c), 0);
	for (int i = 0; i < 4; i++) {
		void *r;
		assert_int_equal(pthread_join(t[i], &r), 0);
		assert_null(r);
	}
	catalog_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_little_endian),
		cmocka_unit_test(test_load_big_endian),
		cmocka_unit_test(test_null_catalog),
		cmocka_unit_test(test_many_entries),
		cmocka_unit_test(test_header_only),
		cmocka_unit_test(test_latin1_charset_refused),
		cmocka_unit_test(test_hand_built),
		cmocka_unit_test(test_hand_built_bad),
		cmocka_unit_test(test_header_fields),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_byte_flips),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

#include "i18n/catalog.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/utf8.h"

#define MO_MAGIC 0x950412deu
enum { MO_HEADER = 28 };

struct entry {
	const char *key; /* "msgid" or "ctx\004msgid", NUL-terminated */
	size_t klen;
	const char *val; /* forms separated by NUL */
	size_t vlen;     /* all forms with the NULs between them */
};

struct catalog {
	size_t n;
	struct entry *e;
	char *data;
	/* entries, then the copy of the file, follow in the same block */
};

static void fail(struct buf *err, const char *msg)
{
	if (err)
		buf_printf(err, "catalogue: %s", msg);
}

static uint32_t rd32(const unsigned char *p, bool be)
{
	if (be)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		       (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[1] << 8 | p[0];
}

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* The header entry declares the charset ("...; charset=UTF-8\n"). */
static bool charset_ok(const char *h, size_t n)
{
	static const char key[] = "charset=";
	size_t kl = sizeof(key) - 1;
	for (size_t i = 0; i + kl <= n; i++) {
		size_t j = 0;
		while (j < kl && lower(h[i + j]) == key[j])
			j++;
		if (j < kl)
			continue;
		const char *v = h + i + kl;
		size_t vl = 0;
		while (i + kl + vl < n && v[vl] != '\n' && v[vl] != ';' &&
		       v[vl] != ' ' && v[vl] != '\0')
			vl++;
		static const char *const ok[] = { "utf-8", "utf8", "ascii",
						  "us-ascii" };
		for (size_t k = 0; k < sizeof(ok) / sizeof(ok[0]); k++) {
			if (strlen(ok[k]) != vl)
				continue;
			size_t m = 0;
			while (m < vl && lower(v[m]) == ok[k][m])
				m++;
			if (m == vl)
				return true;
		}
		return false;
	}
	return true; /* no declaration: the UTF-8 checks still apply */
}

/* Bytewise order of (key, klen); a proper prefix sorts first. */
static int cmp_bytes(const char *a, size_t al, const char *b, size_t bl)
{
	int r = memcmp(a, b, al < bl ? al : bl);
	if (r)
		return r;
	return al < bl ? -1 : al > bl;
}

static int cmp_entry(const void *x, const void *y)
{
	const struct entry *a = x, *b = y;
	return cmp_bytes(a->key, a->klen, b->key, b->klen);
}

/* Check the (length, offset) descriptor at table index i and point at the
 * string it describes; the string must end with a NUL inside the file. */
static bool string_at(const char *data, size_t size, uint64_t table, size_t i,
		      bool be, const char **s, size_t *len)
{
	const unsigned char *d = (const unsigned char *)data + table + 8 * (uint64_t)i;
	uint64_t l = rd32(d, be), off = rd32(d + 4, be);
	if (off + l >= size || data[off + l] != '\0')
		return false;
	*s = data + off;
	*len = (size_t)l;
	return true;
}

struct catalog *catalog_parse(const char *data, size_t size, struct buf *err)
{
	if (size > CATALOG_MAX_BYTES) {
		fail(err, "file too large");
		return NULL;
	}
	if (size < MO_HEADER) {
		fail(err, "truncated header");
		return NULL;
	}
	const unsigned char *u = (const unsigned char *)data;
	bool be;
	if (rd32(u, false) == MO_MAGIC)
		be = false;
	else if (rd32(u, true) == MO_MAGIC)
		be = true;
	else {
		fail(err, "bad magic (not a .mo file)");
		return NULL;
	}
	uint32_t rev = rd32(u + 4, be);
	uint64_t count = rd32(u + 8, be);
	uint64_t orig = rd32(u + 12, be), trans = rd32(u + 16, be);
	if (rev >> 16 > 1) {
		fail(err, "unsupported revision");
		return NULL;
	}
	if (orig + 8 * count > size || trans + 8 * count > size) {
		fail(err, "string table past the end of the file");
		return NULL;
	}

	/* One block: struct, entries, data copy (+1 so an empty copy is fine). */
	size_t head = sizeof(struct catalog);
	head = (head + _Alignof(struct entry) - 1) & ~(_Alignof(struct entry) - 1);
	size_t ents = (size_t)count * sizeof(struct entry);
	struct catalog *c = malloc(head + ents + size + 1);
	if (!c) {
		fail(err, "out of memory");
		return NULL;
	}
	c->e = (struct entry *)((char *)c + head);
	c->data = (char *)c->e + ents;
	memcpy(c->data, data, size);
	c->data[size] = '\0';
	c->n = 0;

	const char *d = c->data;
	const char *msg = NULL;
	for (size_t i = 0; i < count; i++) {
		const char *k, *v;
		size_t kl, vl;
		if (!string_at(d, size, orig, i, be, &k, &kl) ||
		    !string_at(d, size, trans, i, be, &v, &vl)) {
			msg = "string offset or length past the end of the file";
			break;
		}
		if (!utf8_valid(k, kl) || !utf8_valid(v, vl)) {
			msg = "string is not valid UTF-8";
			break;
		}
		/* msgid may carry "\0msgid_plural"; only one NUL allowed. */
		size_t sing = strlen(k);
		if (sing < kl && memchr(k + sing + 1, '\0', kl - sing - 1)) {
			msg = "malformed plural msgid";
			break;
		}
		if (sing == 0) {
			if (!charset_ok(v, vl)) {
				msg = "declared charset is not UTF-8";
				break;
			}
			continue; /* header entry */
		}
		if (vl == 0)
			continue; /* untranslated */
		c->e[c->n++] = (struct entry){ k, sing, v, vl };
	}
	if (!msg) {
		qsort(c->e, c->n, sizeof(c->e[0]), cmp_entry);
		for (size_t i = 1; i < c->n; i++)
			if (cmp_entry(&c->e[i - 1], &c->e[i]) == 0) {
				msg = "duplicate msgid";
				break;
			}
	}
	if (msg) {
		fail(err, msg);
		free(c);
		return NULL;
	}
	return c;
}

struct catalog *catalog_load(const char *path, struct buf *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (err)
			buf_printf(err, "catalogue %s: %s", path, strerror(errno));
		return NULL;
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > CATALOG_MAX_BYTES) {
		if (err)
			buf_printf(err, "catalogue %s: not a regular file or too large",
				   path);
		close(fd);
		return NULL;
	}
	size_t size = (size_t)st.st_size;
	char *mem = malloc(size ? size : 1);
	if (!mem) {
		close(fd);
		fail(err, "out of memory");
		return NULL;
	}
	size_t got = 0;
	while (got < size) {
		ssize_t r = read(fd, mem + got, size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	if (got != size) {
		free(mem);
		if (err)
			buf_printf(err, "catalogue %s: short read", path);
		return NULL;
	}
	struct catalog *c = catalog_parse(mem, size, err);
	free(mem);
	if (!c && err)
		buf_printf(err, " (%s)", path);
	return c;
}

/* Find the entry whose key is ctx "\004" id (or just id without ctx). */
static const struct entry *find(const struct catalog *c, const char *ctx,
				const char *id)
{
	if (!c || !id)
		return NULL;
	size_t cl = ctx ? strlen(ctx) : 0, il = strlen(id);
	size_t lo = 0, hi = c->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct entry *e = &c->e[mid];
		int r;
		if (ctx) {
			/* Compare e->key with ctx, then '\004', then id. */
			size_t m = e->klen < cl ? e->klen : cl;
			r = memcmp(e->key, ctx, m);
			if (!r && e->klen < cl)
				r = -1;
			if (!r && e->klen == cl)
				r = -1; /* key lacks the separator */
			if (!r)
				r = (unsigned char)e->key[cl] - 4;
			if (!r)
				r = cmp_bytes(e->key + cl + 1, e->klen - cl - 1, id, il);
		} else {
			r = cmp_bytes(e->key, e->klen, id, il);
		}
		if (r == 0)
			return e;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Form i of a NUL-separated list, or NULL when missing or empty. */
static const char *form(const struct entry *e, unsigned long i)
{
	if (!e)
		return NULL;
	const char *p = e->val, *end = e->val + e->vlen;
	while (i > 0) {
		const char *z = memchr(p, '\0', (size_t)(end - p));
		if (!z)
			return NULL;
		p = z + 1;
		i--;
	}
	return *p ? p : NULL; /* *end is the NUL terminator, so this is safe */
}

const char *catalog_get(const struct catalog *c, const char *msgid)
{
	return form(find(c, NULL, msgid), 0);
}

const char *catalog_pget(const struct catalog *c, const char *ctx,
			 const char *msgid)
{
	return form(find(c, ctx, msgid), 0);
}

const char *catalog_nget(const struct catalog *c, const char *msgid,
			 const char *msgid_plural, unsigned long n)
{
	(void)msgid_plural;
	return form(find(c, NULL, msgid), n != 1);
}

const char *catalog_npget(const struct catalog *c, const char *ctx,
			  const char *msgid, const char *msgid_plural,
			  unsigned long n)
{
	(void)msgid_plural;
	return form(find(c, ctx, msgid), n != 1);
}

size_t catalog_count(const struct catalog *c)
{
	return c ? c->n : 0;
}

void catalog_free(struct catalog *c)
{
	free(c);
}

/* Fuzz the template parser, the checks across templates and the renderer.
 *
 * The input holds up to three templates separated by NUL bytes (a NUL is
 * never valid inside a template): "page", "p2" and "p3". Two fixed
 * templates, "layout" and "row", are always there to include or extend.
 * A set that loads is rendered with a small fixed data tree, a translation
 * hook that reorders placeholders, and a few output limits. A set that does
 * not load must say why, as "file:line: message" lines. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/log.h"
#include "tmpl/tmpl.h"

static const char LAYOUT[] = "<html><title>{{yield title}}</title>{{> row}}"
			     "<main>{{yield main}}</main></html>";
static const char ROW[] = "<li>{{item.name}}{{#if loop.last}}.{{/if}}</li>";

static struct arena *data_arena;
static struct tval *root;

/* user {name, site, admin}, items [ {name, n} x 3 ], empty [], n, s, no */
static void build_data(void)
{
	data_arena = arena_new(1 << 16);
	root = tv_map(data_arena);
	struct tval *user = tv_map(data_arena), *items = tv_list(data_arena);
	tv_set_str(user, "name", "<script>alert(1)</script>\"'`&");
	tv_set_str(user, "site", " JaVaScRiPt:alert(1)");
	tv_set_bool(user, "admin", true);
	tv_set(root, "user", user);
	for (int i = 0; i < 3; i++) {
		struct tval *it = tv_map(data_arena);
		tv_set_str(it, "name", i == 1 ? "{name}" : "item");
		tv_set_int(it, "n", i);
		tv_push(items, it);
	}
	tv_set(root, "items", items);
	tv_set(root, "empty", tv_list(data_arena));
	tv_set_int(root, "n", -42);
	tv_set_str(root, "s", "https://example.org/a b?c=d&e");
	tv_set_bool(root, "no", false);
	if (tv_len(root) != 6)
		abort();
}

static const char *gettext_fn(const void *ctx, const char *msgid)
{
	(void)ctx;
	if (msgid[0] == 'T')
		return "\xC2\xAB{name}\xC2\xBB <{x}> {n} {";
	if (msgid[0] == 'N')
		return NULL;
	return msgid;
}

/* Rendering is exponential in nested loops and includes; keep fuzz inputs
 * cheap by bounding those tags (templates are trusted, not attacker input). */
static bool too_costly(const char *s, size_t n)
{
	unsigned each = 0, incl = 0;
	for (size_t i = 0; i + 1 < n; i++) {
		if (n - i >= 5 && memcmp(s + i, "#each", 5) == 0)
			each++;
		if (s[i] == '{' && s[i + 1] == '{') {
			size_t j = i + 2;
			while (j < n && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n' || s[j] == '\r' ||
					 s[j] == '\f'))
				j++;
			if (j < n && s[j] == '>')
				incl++;
		}
	}
	return each > 4 || incl > 8;
}

/* Every error line reads "NAME.html:LINE: message". */
static void check_errors(const struct buf *err)
{
	const char *s = buf_str(err);
	if (!*s)
		abort();
	while (*s) {
		const char *nl = strchr(s, '\n');
		if (!nl)
			abort();
		const char *colon = memchr(s, ':', (size_t)(nl - s));
		if (!colon || colon - s < 6 || memcmp(colon - 5, ".html", 5) != 0)
			abort();
		const char *p = colon + 1;
		if (*p < '0' || *p > '9')
			abort();
		while (*p >= '0' && *p <= '9')
			p++;
		if (p[0] != ':' || p[1] != ' ' || p + 2 >= nl)
			abort();
		s = nl + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!root) {
		log_set_quiet(1);
		build_data();
	}
	const char *in = (const char *)data;
	if (too_costly(in, size))
		return 0;
	struct tmpl_set *set = tmpl_set_new();
	struct buf err = BUF_INIT(1 << 16);
	if (!set)
		abort();
	int rc = 0;
	rc |= tmpl_add_mem(set, "layout", NULL, LAYOUT, sizeof(LAYOUT) - 1, &err);
	rc |= tmpl_add_mem(set, "row", NULL, ROW, sizeof(ROW) - 1, &err);
	if (rc)
		abort();
	static const char *const names[] = { "page", "p2", "p3" };
	size_t start = 0;
	for (unsigned k = 0; k < 3 && start <= size; k++) {
		const char *nul = memchr(in + start, '\0', size - start);
		size_t end = nul ? (size_t)(nul - in) : size;
		rc |= tmpl_add_mem(set, names[k], NULL, in + start, end - start, &err);
		start = end + 1;
		if (!nul)
			break;
	}
	rc |= tmpl_finish(set, &err);
	if (rc) {
		check_errors(&err);
	} else {
		if (err.len)
			abort(); /* no message without an error */
		struct tmpl_tr tr = { gettext_fn, NULL };
		static const size_t limits[] = { 1 << 20, 100, 0 };
		for (unsigned k = 0; k < 3; k++) {
			if (!tmpl_exists(set, names[k]))
				continue;
			struct buf first = BUF_INIT(1 << 20);
			for (unsigned l = 0; l < 3; l++) {
				struct arena *a = arena_new(l == 2 ? 64 : 1 << 20);
				struct buf out = BUF_INIT(limits[l]);
				int r = tmpl_render(set, names[k], root, l ? &tr : NULL, a, &out);
				if (out.len > out.max)
					abort();
				if (l == 0 && r == 0 && buf_add(&first, out.data ? out.data : "", out.len))
					abort();
				buf_free(&out);
				arena_free(a);
			}
			/* Rendering is deterministic. */
			struct arena *a = arena_new(1 << 20);
			struct buf again = BUF_INIT(1 << 20);
			if (tmpl_render(set, names[k], root, NULL, a, &again) == 0 &&
			    (again.len != first.len || memcmp(buf_str(&again), buf_str(&first), first.len)))
				abort();
			buf_free(&again);
			buf_free(&first);
			arena_free(a);
		}
		if (tmpl_render(set, "nope", root, NULL, data_arena, &err) != -1)
			abort();
	}
	tmpl_free(set);
	buf_free(&err);
	return 0;
}

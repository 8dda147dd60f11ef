/* A set of templates: loading a directory, the checks that span templates
 * (include and layout targets, cycles, depth), lookup, and the export of
 * translatable strings for xgettext. */
#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/buf.h"
#include "tmpl/tmpl_int.h"

/* All templates of a set together stay far below this. */
#define SET_ARENA_LIMIT ((size_t)512 << 20)

struct tmpl_set *tmpl_set_new(void)
{
	struct tmpl_set *set = calloc(1, sizeof(*set));
	if (!set)
		return NULL;
	set->a = arena_new(SET_ARENA_LIMIT);
	if (!set->a) {
		free(set);
		return NULL;
	}
	return set;
}

void tmpl_free(struct tmpl_set *set)
{
	if (!set)
		return;
	arena_free(set->a);
	free(set);
}

static bool valid_name(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > TMPL_MAX_NAME)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return false;
	}
	return true;
}

static struct tmpl *find_any(const struct tmpl_set *set, const char *name)
{
	for (size_t i = 0; i < set->n; i++)
		if (strcmp(set->t[i]->name, name) == 0)
			return set->t[i];
	return NULL;
}

/* Register t (parsed or broken) in the set. */
static int push(struct tmpl_set *set, struct tmpl *t)
{
	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 32;
		struct tmpl **arr = arena_alloc(set->a, cap * sizeof(*arr));
		if (!arr)
			return -1;
		if (set->n)
			memcpy(arr, set->t, set->n * sizeof(*arr));
		set->t = arr;
		set->cap = cap;
	}
	set->t[set->n++] = t;
	return 0;
}

int tmpl_add_mem(struct tmpl_set *set, const char *name, const char *file, const char *src,
		 size_t len, struct buf *err)
{
	assert(!set->finished);
	struct arena *a = set->a;
	const char *label = file ? arena_strdup(a, file) : arena_printf(a, "%s.html", name);
	int rc = -1;
	if (!label)
		tmpl_error(err, file ? file : name, 1, "out of memory");
	else if (!valid_name(name))
		tmpl_error(err, label, 1, "bad template name (use letters, digits, - and _)");
	else if (find_any(set, name))
		tmpl_error(err, label, 1, "template %s defined twice", name);
	else if (set->n >= TMPL_MAX_TEMPLATES)
		tmpl_error(err, label, 1, "more than %d templates", TMPL_MAX_TEMPLATES);
	else if (len > TMPL_MAX_FILE)
		tmpl_error(err, label, 1, "file larger than %d bytes", TMPL_MAX_FILE);
	else
		rc = 0;
	if (rc) {
		set->failed = true;
		return -1;
	}
	/* A template that fails to parse stays in the set, marked broken, so
	 * that the checks across templates do not also call it missing. */
	struct tmpl *t = arena_alloc(a, sizeof(*t));
	char *copy = arena_strndup(a, src, len);
	if (!t || !copy || !(t->name = arena_strdup(a, name)) || push(set, t)) {
		set->failed = true;
		return tmpl_error(err, label, 1, "out of memory");
	}
	t->file = label;
	if (tmpl_parse(set, t, copy, len, err)) {
		t->broken = true;
		t->nodes = NULL;
		t->n = 0;
		t->layout = NULL;
		set->failed = true;
		return -1;
	}
	return 0;
}

static int by_name(const void *x, const void *y)
{
	const struct tmpl *const *a = x, *const *b = y;
	return strcmp((*a)->name, (*b)->name);
}

const struct tmpl *tmpl_find(const struct tmpl_set *set, const char *name)
{
	size_t lo = 0, hi = set->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, set->t[mid]->name);
		if (c == 0)
			return set->t[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

bool tmpl_exists(const struct tmpl_set *set, const char *name)
{
	return set && name && tmpl_find(set, name);
}

/* Resolve the layout and include targets of t. */
static int resolve(struct tmpl_set *set, struct tmpl *t, struct buf *err)
{
	int rc = 0;
	if (t->layout) {
		const struct tmpl *l = tmpl_find(set, t->layout);
		if (!l)
			rc = tmpl_error(err, t->file, t->layout_line,
					"{{#layout \"%s\"}}: there is no template %s", t->layout,
					t->layout);
		else if (l->layout)
			rc = tmpl_error(err, t->file, t->layout_line,
					"{{#layout \"%s\"}}: %s itself uses {{#layout}}", t->layout,
					t->layout);
		t->layout_t = l;
	}
	for (unsigned i = 0; i < t->n; i++) {
		struct node *nd = &t->nodes[i];
		if (nd->kind != N_INCLUDE)
			continue;
		nd->target = tmpl_find(set, nd->s);
		if (!nd->target)
			rc = tmpl_error(err, t->file, nd->line, "{{> %s}}: there is no template %s",
					nd->s, nd->s);
		else if (nd->target->layout)
			rc = tmpl_error(err, t->file, nd->line,
					"{{> %s}}: cannot include a page that uses {{#layout}}",
					nd->s);
	}
	return rc;
}

enum { WHITE, GREY, BLACK };

/* Depth-first walk over include and layout edges: finds cycles, and the
 * height (longest chain below t) to bound the render depth. Each problem
 * is reported once, at the tag that causes it. stack holds the path from
 * the root, for the cycle message. */
static int visit(struct tmpl *t, struct tmpl **stack, size_t depth, struct buf *err)
{
	int rc = 0;
	t->mark = GREY;
	stack[depth] = t;
	t->height = 0;
	for (unsigned i = 0; i <= t->n; i++) {
		/* Edges: every include node, then the layout (at i == n). */
		struct tmpl *c;
		unsigned line;
		if (i < t->n) {
			if (t->nodes[i].kind != N_INCLUDE || !t->nodes[i].target)
				continue;
			c = (struct tmpl *)t->nodes[i].target;
			line = t->nodes[i].line;
		} else {
			if (!t->layout_t)
				continue;
			c = (struct tmpl *)t->layout_t;
			line = t->layout_line;
		}
		if (c->mark == GREY) {
			char msg[400] = "";
			size_t k = depth;
			while (stack[k] != c)
				k--;
			for (; k <= depth; k++) {
				strncat(msg, stack[k]->name, sizeof(msg) - strlen(msg) - 1);
				strncat(msg, " -> ", sizeof(msg) - strlen(msg) - 1);
			}
			strncat(msg, c->name, sizeof(msg) - strlen(msg) - 1);
			rc = tmpl_error(err, t->file, line, "include cycle: %s", msg);
			t->too_deep = true; /* no further message along this path */
			continue;
		}
		if (c->mark == WHITE && visit(c, stack, depth + 1, err))
			rc = -1;
		if (c->too_deep) {
			t->too_deep = true;
			continue;
		}
		if (c->height + 1 > TMPL_MAX_DEPTH) {
			rc = tmpl_error(err, t->file, line,
					"includes and layouts nested more than %d deep", TMPL_MAX_DEPTH);
			t->too_deep = true;
			continue;
		}
		if (c->height + 1 > t->height)
			t->height = c->height + 1;
	}
	t->mark = BLACK;
	return rc;
}

int tmpl_finish(struct tmpl_set *set, struct buf *err)
{
	assert(!set->finished);
	int rc = set->failed ? -1 : 0;
	if (set->n)
		qsort(set->t, set->n, sizeof(*set->t), by_name);
	for (size_t i = 0; i < set->n; i++)
		if (resolve(set, set->t[i], err))
			rc = -1;
	struct tmpl **stack = calloc(set->n + 1, sizeof(*stack));
	if (!stack)
		return tmpl_error(err, "templates", 0, "out of memory");
	for (size_t i = 0; i < set->n; i++)
		if (set->t[i]->mark == WHITE && visit(set->t[i], stack, 0, err))
			rc = -1;
	free(stack);
	set->finished = rc == 0;
	return rc;
}

/* ---- loading a directory ----------------------------------------------------- */

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Read the whole file into a malloc()ed buffer (at most TMPL_MAX_FILE). */
static int read_file(const char *path, char **data, size_t *len, struct buf *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return tmpl_error(err, path, 1, "cannot open: %s", strerror(errno));
	struct stat st;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return tmpl_error(err, path, 1, "not a regular file");
	}
	if (st.st_size > TMPL_MAX_FILE) {
		close(fd);
		return tmpl_error(err, path, 1, "file larger than %d bytes", TMPL_MAX_FILE);
	}
	size_t cap = (size_t)st.st_size + 1, n = 0;
	char *p = malloc(cap);
	if (!p) {
		close(fd);
		return tmpl_error(err, path, 1, "out of memory");
	}
	for (;;) {
		if (n == cap) { /* the file grew while we read it */
			free(p);
			close(fd);
			return tmpl_error(err, path, 1, "file changed while being read");
		}
		ssize_t r = read(fd, p + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			free(p);
			close(fd);
			return tmpl_error(err, path, 1, "cannot read: %s", strerror(e));
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	*data = p;
	*len = n;
	return 0;
}

struct tmpl_set *tmpl_load_dir(const char *dir, struct buf *err)
{
	DIR *d = opendir(dir);
	if (!d) {
		tmpl_error(err, dir, 0, "cannot open template directory: %s", strerror(errno));
		return NULL;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len <= 5 || strcmp(de->d_name + len - 5, ".html") != 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			char **nn = cap <= SIZE_MAX / sizeof(*nn) ? realloc(names, cap * sizeof(*nn)) : NULL;
			if (!nn) {
				rc = -1;
				break;
			}
			names = nn;
		}
		if (!(names[n] = strndup(de->d_name, len - 5))) {
			rc = -1;
			break;
		}
		n++;
	}
	closedir(d);
	struct tmpl_set *set = rc ? NULL : tmpl_set_new();
	if (!set) {
		tmpl_error(err, dir, 0, "out of memory");
		rc = -1;
	}
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	size_t dlen = strlen(dir);
	while (dlen > 1 && dir[dlen - 1] == '/')
		dlen--;
	for (size_t i = 0; set && i < n; i++) {
		char *data = NULL;
		size_t len = 0, plen = dlen + strlen(names[i]) + sizeof("/.html");
		char *path = malloc(plen);
		if (!path) {
			rc = tmpl_error(err, dir, 0, "out of memory");
			break;
		}
		snprintf(path, plen, "%.*s/%s.html", (int)dlen, dir, names[i]);
		if (read_file(path, &data, &len, err) == 0) {
			if (tmpl_add_mem(set, names[i], path, data, len, err))
				rc = -1;
		} else {
			rc = -1;
		}
		free(data);
		free(path);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (set && tmpl_finish(set, err))
		rc = -1;
	if (rc) {
		tmpl_free(set);
		return NULL;
	}
	return set;
}

/* ---- strings for xgettext ------------------------------------------------------ */

static int by_file(const void *x, const void *y)
{
	const struct tmpl *const *a = x, *const *b = y;
	return strcmp((*a)->file, (*b)->file);
}

/* msgid as the body of a C string literal. */
static int put_c_string(FILE *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		int r;
		if (c == '"' || c == '\\')
			r = fprintf(out, "\\%c", c);
		else if (c == '\n')
			r = fputs("\\n", out);
		else if (c == '\t')
			r = fputs("\\t", out);
		else if (c < 0x20 || c == 0x7f)
			r = fprintf(out, "\\%03o", c);
		else
			r = putc(c, out);
		if (r < 0)
			return -1;
	}
	return 0;
}

int tmpl_write_strings(const struct tmpl_set *set, FILE *out)
{
	const struct tmpl **order = malloc((set->n ? set->n : 1) * sizeof(*order));
	if (!order)
		return -1;
	memcpy(order, set->t, set->n * sizeof(*order));
	qsort(order, set->n, sizeof(*order), by_file);
	int rc = 0;
	for (size_t i = 0; i < set->n && rc == 0; i++) {
		const struct tmpl *t = order[i];
		for (unsigned j = 0; j < t->n && rc == 0; j++) {
			const struct node *nd = &t->nodes[j];
			if (nd->kind != N_TR)
				continue;
			/* xgettext would guess "c-format" for a text with %, and
			 * msgfmt --check would then demand the same directives in
			 * every translation; template texts are never formats. */
			bool pct = memchr(nd->s, '%', nd->len) != NULL;
			if (fprintf(out, "/* %s:%u */ %s_(\"", t->file, nd->line,
				    pct ? "/* xgettext:no-c-format */ " : "") < 0 ||
			    put_c_string(out, nd->s, nd->len) || fputs("\");\n", out) < 0)
				rc = -1;
		}
	}
	free(order);
	if (rc == 0 && ferror(out))
		rc = -1;
	return rc;
}

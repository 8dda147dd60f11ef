/* Rendering: walk a template's node array with the data tree.
 *
 * The set is read-only here, so renders need no locks. Output goes to the
 * caller's buf; blocks of a layout page are rendered first into arena
 * scratch buffers, so nothing else is malloc()ed. Load-time checks bound
 * the recursion: nesting per file and include depth are both limited. */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/log.h"
#include "tmpl/escape.h"
#include "tmpl/tmpl_int.h"
#include "tmpl/tval_int.h"

/* Where output goes: the caller's buf, or a scratch buffer in the arena. */
struct sink {
	struct buf *buf;
	struct arena *a;
	char *data;
	size_t len, cap, max;
};

static int sink_write(void *ctx, const char *p, size_t n)
{
	struct sink *o = ctx;
	if (o->buf)
		return buf_add(o->buf, p, n);
	if (n > o->max - o->len)
		return -1;
	if (n > o->cap - o->len) {
		size_t cap = o->cap ? o->cap : 256;
		while (cap - o->len < n)
			cap = cap > SIZE_MAX / 2 ? SIZE_MAX : cap * 2;
		if (cap > o->max)
			cap = o->max;
		char *d = arena_alloc(o->a, cap);
		if (!d)
			return -1;
		if (o->len)
			memcpy(d, o->data, o->len);
		o->data = d;
		o->cap = cap;
	}
	memcpy(o->data + o->len, p, n);
	o->len += n;
	return 0;
}

/* A loop scope: the innermost first, linked outwards through up. */
struct frame {
	const struct frame *up;
	const char *name; /* the loop variable */
	const struct tval *item;
	size_t index, count;
};

/* A rendered block of a layout page, for {{yield}}. */
struct block_out {
	const char *name;
	const char *data;
	size_t len;
};

struct render {
	const struct tval *root;
	const struct tmpl_tr *tr;
	struct arena *a;
	const struct block_out *blocks;
	size_t nblocks;
	unsigned depth; /* include depth */
	bool text;      /* TMPL_TEXT: values and translations unescaped */
};

static int render_nodes(struct render *r, const struct tmpl *t, unsigned from, unsigned to,
			const struct frame *f, struct sink *o);

/* The value a path names, or NULL. tmp holds loop.* values. */
static const struct tval *lookup(const struct render *r, const struct frame *f,
				 const struct tpath *path, struct tval *tmp)
{
	if (path->loop != LOOP_NONE) {
		if (!f)
			return NULL;
		memset(tmp, 0, sizeof(*tmp));
		if (path->loop == LOOP_INDEX) {
			tmp->kind = TV_INT;
			tmp->u.i = (long long)f->index + 1;
		} else {
			tmp->kind = TV_BOOL;
			tmp->u.b = path->loop == LOOP_FIRST ? f->index == 0 : f->index + 1 == f->count;
		}
		return tmp;
	}
	const struct tval *v = NULL;
	const char *first = path->seg[0];
	for (; f; f = f->up)
		if (strcmp(f->name, first) == 0)
			break;
	v = f ? f->item : tv_get(r->root, first);
	for (unsigned i = 1; v && i < path->nseg; i++)
		v = tv_get(v, path->seg[i]);
	return v;
}

/* The printable text of v: strings as they are, integers in decimal;
 * anything else has none (false is returned). num holds the digits. */
static bool value_text(const struct tval *v, char num[32], const char **s, size_t *n)
{
	if (!v)
		return false;
	if (v->kind == TV_STR) {
		*s = v->u.str.s;
		*n = v->u.str.len;
		return true;
	}
	if (v->kind == TV_INT) {
		int k = snprintf(num, 32, "%lld", v->u.i);
		assert(k > 0 && k < 32);
		*s = num;
		*n = (size_t)k;
		return true;
	}
	return false;
}

/* Text, escaped for HTML unless the render is in text mode. */
static int put_text(const struct render *r, struct sink *o, const char *s, size_t n)
{
	return r->text ? sink_write(o, s, n) : esc_html_to(sink_write, o, s, n);
}

/* {{ url x }} in text mode: the same check and trimming as esc_url_to(),
 * spaces and control bytes percent-encoded, nothing HTML-escaped. */
static int put_url_text(struct sink *o, const char *s, size_t n)
{
	if (!url_is_safe(s, n))
		return sink_write(o, "#", 1);
	while (n && s[0] == ' ')
		s++, n--;
	while (n && s[n - 1] == ' ')
		n--;
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c != ' ' && c >= 0x20 && c != 0x7f)
			continue;
		char pct[3] = { '%', "0123456789ABCDEF"[c >> 4], "0123456789ABCDEF"[c & 15] };
		if ((i > run && sink_write(o, s + run, i - run)) || sink_write(o, pct, sizeof(pct)))
			return -1;
		run = i + 1;
	}
	return n > run ? sink_write(o, s + run, n - run) : 0;
}

static int put_value(const struct render *r, const struct frame *f, const struct tpath *path,
		     enum node_kind kind, struct sink *o)
{
	struct tval tmp;
	char num[32];
	const char *s;
	size_t n;
	if (!value_text(lookup(r, f, path, &tmp), num, &s, &n)) {
		s = "";
		n = 0;
		if (kind != N_URL)
			return 0;
	}
	if (kind == N_RAW)
		return sink_write(o, s, n);
	if (kind == N_URL)
		return r->text ? put_url_text(o, s, n) : esc_url_to(sink_write, o, s, n);
	return put_text(r, o, s, n);
}

static bool cond_true(const struct render *r, const struct frame *f, const struct node *nd)
{
	struct tval tmp;
	const struct tval *v = lookup(r, f, &nd->path, &tmp);
	switch ((enum cond_op)nd->op) {
	case C_TRUTHY:
		return tv_truthy(v);
	case C_NOT:
		return !tv_truthy(v);
	case C_EQ:
	case C_NE:;
		char num[32];
		const char *s;
		size_t n;
		bool eq = value_text(v, num, &s, &n) && n == nd->len && memcmp(s, nd->s, n) == 0;
		return nd->op == C_EQ ? eq : !eq;
	}
	return false;
}

/* {{ _ "msgid" args }}: the translation, escaped, with each {name} replaced
 * by the escaped value of its argument. A placeholder the translator made
 * up (no such argument) is output as it stands. */
static int put_tr(const struct render *r, const struct frame *f, const struct node *nd,
		  struct sink *o)
{
	const char *msg = nd->s;
	if (r->tr && r->tr->gettext) {
		const char *t = r->tr->gettext(r->tr->ctx, nd->s);
		if (t)
			msg = t;
	}
	size_t n = strlen(msg);
	if (nd->nargs == 0)
		return put_text(r, o, msg, n);
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		size_t k = msg[i] == '{' ? tmpl_placeholder(msg + i, n - i) : 0;
		if (!k)
			continue;
		const struct targ *arg = NULL;
		for (unsigned j = 0; j < nd->nargs && !arg; j++)
			if (nd->args[j].len == k && memcmp(nd->args[j].name, msg + i + 1, k) == 0)
				arg = &nd->args[j];
		if (!arg)
			continue;
		if (put_text(r, o, msg + run, i - run) || put_value(r, f, &arg->path, N_VAR, o))
			return -1;
		i += k + 1;
		run = i + 1;
	}
	return put_text(r, o, msg + run, n - run);
}

static int put_each(struct render *r, const struct tmpl *t, unsigned i, const struct frame *f,
		    struct sink *o)
{
	const struct node *nd = &t->nodes[i];
	struct tval tmp;
	const struct tval *list = lookup(r, f, &nd->path, &tmp);
	size_t count = list && list->kind == TV_LIST ? list->u.list.n : 0;
	if (count == 0) /* the else part, if any, runs from nd->next to nd->end */
		return nd->next < nd->end ? render_nodes(r, t, nd->next + 1, nd->end, f, o) : 0;
	struct frame fr = { .up = f, .name = nd->s, .count = count };
	for (size_t k = 0; k < count; k++) {
		fr.index = k;
		fr.item = list->u.list.v[k];
		if (render_nodes(r, t, i + 1, nd->next, &fr, o))
			return -1;
	}
	return 0;
}

static int put_if(struct render *r, const struct tmpl *t, unsigned i, const struct frame *f,
		  struct sink *o)
{
	unsigned end = t->nodes[i].end;
	for (unsigned b = i; b < end; b = t->nodes[b].next) {
		const struct node *nd = &t->nodes[b];
		if (nd->kind == N_ELSE || cond_true(r, f, nd))
			return render_nodes(r, t, b + 1, nd->next, f, o);
	}
	return 0;
}

static int put_include(struct render *r, const struct tmpl *t, const struct frame *f,
		       struct sink *o)
{
	if (r->depth >= TMPL_MAX_DEPTH) /* tmpl_finish() makes this impossible */
		return -1;
	r->depth++;
	int rc = render_nodes(r, t, 0, t->n, f, o);
	r->depth--;
	return rc;
}

static int put_yield(const struct render *r, const struct node *nd, struct sink *o)
{
	for (size_t i = 0; i < r->nblocks; i++)
		if (strcmp(r->blocks[i].name, nd->s) == 0)
			return sink_write(o, r->blocks[i].data, r->blocks[i].len);
	return 0;
}

static int render_nodes(struct render *r, const struct tmpl *t, unsigned from, unsigned to,
			const struct frame *f, struct sink *o)
{
	assert(to <= t->n);
	for (unsigned i = from; i < to; i++) {
		const struct node *nd = &t->nodes[i];
		int rc = 0;
		switch ((enum node_kind)nd->kind) {
		case N_TEXT:
			rc = sink_write(o, nd->s, nd->len);
			break;
		case N_VAR:
		case N_URL:
		case N_RAW:
			rc = put_value(r, f, &nd->path, nd->kind, o);
			break;
		case N_TR:
			rc = put_tr(r, f, nd, o);
			break;
		case N_IF:
			rc = put_if(r, t, i, f, o);
			i = nd->end;
			break;
		case N_EACH:
			rc = put_each(r, t, i, f, o);
			i = nd->end;
			break;
		case N_INCLUDE:
			rc = put_include(r, nd->target, f, o);
			break;
		case N_YIELD:
			rc = put_yield(r, nd, o);
			break;
		case N_ELIF:
		case N_ELSE:
		case N_END:
		case N_BLOCK:
			/* Branches are entered through their #if / #each; blocks
			 * only through render_layout_page(). */
			BUG("template node of kind %d reached directly", nd->kind);
		}
		if (rc)
			return -1;
	}
	return 0;
}

/* A page with {{#layout}}: render each block into the arena, then the
 * layout, whose {{yield}} tags copy the blocks. */
static int render_layout_page(struct render *r, const struct tmpl *t, struct buf *out)
{
	size_t nblocks = 0;
	for (unsigned i = 0; i < t->n; i++)
		nblocks += t->nodes[i].kind == N_BLOCK;
	struct block_out *blocks = arena_alloc(r->a, (nblocks ? nblocks : 1) * sizeof(*blocks));
	if (!blocks)
		return -1;
	size_t k = 0;
	for (unsigned i = 0; i < t->n; i++) {
		const struct node *nd = &t->nodes[i];
		if (nd->kind != N_BLOCK)
			continue; /* blank text before {{#layout}} */
		struct sink scratch = { .a = r->a, .max = out->max - out->len };
		if (render_nodes(r, t, i + 1, nd->end, NULL, &scratch))
			return -1;
		blocks[k++] = (struct block_out){ nd->s, scratch.data, scratch.len };
		i = nd->end;
	}
	r->blocks = blocks;
	r->nblocks = k;
	struct sink o = { .buf = out };
	return put_include(r, t->layout_t, NULL, &o);
}

/* The {{#block name}} node of a layout page, or NULL. */
static const struct node *find_block(const struct tmpl *t, const char *name)
{
	if (!t->layout_t)
		return NULL;
	for (unsigned i = 0; i < t->n; i++) {
		const struct node *nd = &t->nodes[i];
		if (nd->kind != N_BLOCK)
			continue;
		if (strcmp(nd->s, name) == 0)
			return nd;
		i = nd->end;
	}
	return NULL;
}

bool tmpl_has_block(const struct tmpl_set *set, const char *name, const char *block)
{
	assert(set && set->finished);
	const struct tmpl *t = name && block ? tmpl_find(set, name) : NULL;
	return t && find_block(t, block);
}

int tmpl_render_block(const struct tmpl_set *set, const char *name, const char *block,
		      const struct tval *data, const struct tmpl_tr *tr, enum tmpl_mode mode,
		      struct arena *a, struct buf *out)
{
	assert(set && set->finished);
	const struct tmpl *t = name ? tmpl_find(set, name) : NULL;
	if (!t)
		return -1;
	struct render r = { .root = data, .tr = tr, .a = a, .text = mode == TMPL_TEXT };
	struct sink o = { .buf = out };
	if (block) {
		const struct node *nd = find_block(t, block);
		if (!nd)
			return -1;
		unsigned i = (unsigned)(nd - t->nodes);
		return render_nodes(&r, t, i + 1, nd->end, NULL, &o);
	}
	if (t->layout_t)
		return render_layout_page(&r, t, out);
	return render_nodes(&r, t, 0, t->n, NULL, &o);
}

int tmpl_render(const struct tmpl_set *set, const char *name, const struct tval *data,
		const struct tmpl_tr *tr, struct arena *a, struct buf *out)
{
	return tmpl_render_block(set, name, NULL, data, tr, TMPL_HTML, a, out);
}

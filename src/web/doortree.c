/* The door tree: lay a relay_tree out for templates/_doortree.html.
 *
 * The participant is the root on the left; each level of doors is one
 * column to its right. Leaves take one row each, in the order of a
 * depth-first walk (children in order of time), and a door with doors of
 * its own sits level with the middle of them, so lines never cross. The
 * picture is computed here in user units; the template writes it out with
 * every text escaped by the template engine.
 *
 * Everything is bounded: at most DOORTREE_SVG_NODES doors are drawn (the
 * first ones: parents come before their children, so the drawn doors are a
 * whole tree), and the width and height attributes are scaled down to
 * DOORTREE_MAX_W x DOORTREE_MAX_H (the viewBox keeps the real layout). The
 * list has every door. Walks are iterative, so a long chain cannot
 * exhaust the stack, and a parent index that does not point to an earlier
 * door is read as "a first door", so no input makes a cycle. */
#include "web/doortree.h"

#include <string.h>

#include "core/arena.h"

enum {
	PAD = 8,
	NODE_W = 224,
	NODE_H = 72,
	COL_GAP = 40,
	ROW_GAP = 14,
	ROW_H = NODE_H + ROW_GAP,
	TEXT_X = 12,      /* text inset from the box's left edge */
	LINE1 = 24,       /* baselines of the three lines of a door */
	LINE2 = 44,
	LINE3 = 62,
	ROOT_LINE1 = 30,  /* and of the two lines of the participant */
	ROOT_LINE2 = 52,
};

/* ---- states --------------------------------------------------------------- */

struct state_word {
	const char *code, *msgid, *cue;
};

/* The match states use the msgids of the match pages. */
static const struct state_word match_states[] = {
	{ "introduced", N_("Introduced"), "open" },
	{ "accepted", N_("Accepted by one side"), "open" },
	{ "confirmed", N_("Confirmed"), "open" },
	{ "met", N_("Met"), "done" },
	{ "not_met", N_("Did not meet"), "ended" },
	{ "declined", N_("Declined"), "ended" },
	{ "expired", N_("Expired"), "ended" },
	{ "cancelled", N_("Cancelled"), "ended" },
	{ NULL, NULL, NULL },
};

static const struct state_word contact_states[] = {
	{ "invited", N_("Invited"), "open" },
	{ "introduced", N_("Introduced by the door opener"), "open" },
	{ "registered", N_("Registered"), "done" },
	{ "declined", N_("Said no thanks"), "ended" },
	{ "expired", N_("Link expired"), "ended" },
	{ NULL, NULL, NULL },
};

static const struct state_word *state_find(bool match, const char *state)
{
	for (const struct state_word *w = match ? match_states : contact_states; w->code && state; w++)
		if (!strcmp(w->code, state))
			return w;
	return NULL;
}

const char *doortree_state_msgid(bool match, const char *state)
{
	const struct state_word *w = state_find(match, state);
	return w ? w->msgid : state ? state : "";
}

const char *doortree_state_cue(bool match, const char *state)
{
	const struct state_word *w = state_find(match, state);
	return w ? w->cue : "open";
}

static const char *tr(const struct doortree_opts *o, const char *msgid)
{
	if (!o->tr || !o->tr->gettext)
		return msgid;
	const char *s = o->tr->gettext(o->tr->ctx, msgid);
	return s ? s : msgid;
}

/* ---- texts ------------------------------------------------------------------ */

/* s cut to at most max characters (code points), the last of them "…"
 * when it was longer; trailing spaces before the ellipsis are dropped. */
static const char *shorten(struct arena *a, const char *s, size_t max)
{
	if (!s)
		return "";
	size_t chars = 0, i = 0, cut = 0;
	for (; s[i]; i++) {
		if (((unsigned char)s[i] & 0xC0) == 0x80)
			continue;
		if (chars == max - 1)
			cut = i;
		if (++chars > max)
			break;
	}
	if (chars <= max)
		return s;
	while (cut > 0 && s[cut - 1] == ' ')
		cut--;
	return arena_printf(a, "%.*s…", (int)cut, s);
}

static const char *full_name(struct arena *a, const struct relay_node *n, bool staff)
{
	const char *first = n->first_name ? n->first_name : "";
	if (!staff || !n->last_name || !*n->last_name)
		return first;
	if (!*first)
		return n->last_name;
	return arena_printf(a, "%s %s", first, n->last_name);
}

/* ---- layout ------------------------------------------------------------------- */

struct layout {
	size_t n, drawn;
	int *parent, *depth, *first, *next; /* children as linked lists, in order of index */
	int root_first;                      /* the first doors */
	int *cy;                             /* centre line of each drawn door */
	int root_cy, rows, levels, levels_drawn;
};

/* The children of door i (-1: the participant) among the first `limit`. */
static int first_child(const struct layout *l, int i, size_t limit)
{
	int c = i < 0 ? l->root_first : l->first[i];
	return c >= 0 && (size_t)c < limit ? c : -1;
}

static int next_sibling(const struct layout *l, int i, size_t limit)
{
	int s = l->next[i];
	return s >= 0 && (size_t)s < limit ? s : -1;
}

static int layout_build(struct arena *a, const struct relay_tree *t, struct layout *l)
{
	size_t n = t->nodes ? t->n : 0;
	l->n = n;
	l->drawn = n < DOORTREE_SVG_NODES ? n : DOORTREE_SVG_NODES;
	l->root_first = -1;
	l->levels = l->levels_drawn = 0;
	size_t sz = (n ? n : 1) * sizeof(int);
	l->parent = arena_alloc(a, sz);
	l->depth = arena_alloc(a, sz);
	l->first = arena_alloc(a, sz);
	l->next = arena_alloc(a, sz);
	l->cy = arena_alloc(a, sz);
	int *last = arena_alloc(a, sz);
	if (!l->parent || !l->depth || !l->first || !l->next || !l->cy || !last)
		return -1;
	int root_last = -1;
	for (size_t i = 0; i < n; i++) {
		int p = t->nodes[i].parent;
		if (p < 0 || (size_t)p >= i)
			p = -1;
		l->parent[i] = p;
		l->depth[i] = p < 0 ? 1 : l->depth[p] + 1;
		l->first[i] = l->next[i] = last[i] = -1;
		int *tail = p < 0 ? &root_last : &last[p];
		if (*tail < 0) {
			if (p < 0)
				l->root_first = (int)i;
			else
				l->first[p] = (int)i;
		} else {
			l->next[*tail] = (int)i;
		}
		*tail = (int)i;
		if (l->depth[i] > l->levels)
			l->levels = l->depth[i];
		if (i < l->drawn && l->depth[i] > l->levels_drawn)
			l->levels_drawn = l->depth[i];
	}

	/* Rows for the drawn leaves, depth first; stack of open doors. */
	int *stack = arena_alloc(a, sz);
	if (!stack)
		return -1;
	size_t sp = 0;
	int row = 0;
	int cur = first_child(l, -1, l->drawn);
	while (cur >= 0) {
		int c = first_child(l, cur, l->drawn);
		if (c >= 0) {
			stack[sp++] = cur;
			cur = c;
			continue;
		}
		l->cy[cur] = PAD + row++ * ROW_H + NODE_H / 2;
		while (next_sibling(l, cur, l->drawn) < 0 && sp > 0)
			cur = stack[--sp];
		cur = next_sibling(l, cur, l->drawn);
	}
	/* A door with doors sits level with the middle of its first and last
	 * child; children have larger indices, so they are placed already. */
	for (size_t k = l->drawn; k-- > 0;) {
		int c = first_child(l, (int)k, l->drawn);
		if (c < 0)
			continue;
		int lastc = c;
		for (int s = c; s >= 0; s = next_sibling(l, s, l->drawn))
			lastc = s;
		l->cy[k] = (l->cy[c] + l->cy[lastc]) / 2;
	}
	int c = first_child(l, -1, l->drawn);
	if (c < 0) {
		l->root_cy = PAD + NODE_H / 2;
	} else {
		int lastc = c;
		for (int s = c; s >= 0; s = next_sibling(l, s, l->drawn))
			lastc = s;
		l->root_cy = (l->cy[c] + l->cy[lastc]) / 2;
	}
	l->rows = row > 0 ? row : 1;
	return 0;
}

static int col_x(int depth)
{
	return PAD + depth * (NODE_W + COL_GAP);
}

/* ---- template values ------------------------------------------------------------- */

static struct tval *token(struct arena *a, const char *k)
{
	struct tval *m = tv_map(a);
	tv_set(m, "k", tv_str(a, k));
	return m;
}

static struct tval *node_tv(struct arena *a, const struct layout *l, const struct relay_tree *t, size_t i,
			    const struct doortree_opts *o)
{
	const struct relay_node *nd = &t->nodes[i];
	bool match = nd->match_id > 0;
	struct tval *m = tv_map(a);
	int x = col_x(l->depth[i]), y = l->cy[i] - NODE_H / 2;
	tv_set_int(m, "x", x);
	tv_set_int(m, "y", y);
	tv_set_int(m, "w", NODE_W);
	tv_set_int(m, "h", NODE_H);
	tv_set_int(m, "tx", x + TEXT_X);
	tv_set_int(m, "ty1", y + LINE1);
	tv_set_int(m, "ty2", y + LINE2);
	tv_set_int(m, "ty3", y + LINE3);
	tv_set(m, "name", tv_str(a, shorten(a, full_name(a, nd, o->staff), DOORTREE_NAME_CHARS)));
	tv_set(m, "field", tv_str(a, shorten(a, nd->field, DOORTREE_FIELD_CHARS)));
	tv_set(m, "state", tv_str(a, tr(o, doortree_state_msgid(match, nd->state))));
	tv_set(m, "cue", tv_str(a, doortree_state_cue(match, nd->state)));
	return m;
}

static struct tval *item_tv(struct arena *a, const struct relay_tree *t, size_t i, const struct doortree_opts *o)
{
	const struct relay_node *nd = &t->nodes[i];
	bool match = nd->match_id > 0;
	struct tval *m = token(a, "li");
	tv_set(m, "name", tv_str(a, full_name(a, nd, o->staff)));
	tv_set(m, "field", tv_str(a, nd->field ? nd->field : ""));
	tv_set(m, "state", tv_str(a, tr(o, doortree_state_msgid(match, nd->state))));
	tv_set(m, "cue", tv_str(a, doortree_state_cue(match, nd->state)));
	if (match && o->match_href)
		tv_set(m, "href", tv_str(a, arena_printf(a, "%s/%lld", o->match_href, (long long)nd->match_id)));
	tv_set_bool(m, "contact", !match);
	return m;
}

/* The list as tokens, since a template cannot recurse: "li" opens an item
 * (its text), "ul" opens the list of its doors, "/ul" and "/li" close. */
static struct tval *items_tv(struct arena *a, const struct layout *l, const struct relay_tree *t,
			     const struct doortree_opts *o)
{
	struct tval *list = tv_list(a);
	struct tval *ul = token(a, "ul"), *cul = token(a, "/ul"), *cli = token(a, "/li");
	int *stack = arena_alloc(a, (l->n ? l->n : 1) * sizeof(int));
	if (!list || !stack)
		return NULL;
	size_t sp = 0;
	int cur = first_child(l, -1, l->n);
	while (cur >= 0) {
		tv_push(list, item_tv(a, t, (size_t)cur, o));
		int c = first_child(l, cur, l->n);
		if (c >= 0) {
			tv_push(list, ul);
			stack[sp++] = cur;
			cur = c;
			continue;
		}
		tv_push(list, cli);
		while (next_sibling(l, cur, l->n) < 0 && sp > 0) {
			cur = stack[--sp];
			tv_push(list, cul);
			tv_push(list, cli);
		}
		cur = next_sibling(l, cur, l->n);
	}
	return list;
}

struct tval *doortree_tv(struct arena *a, const struct relay_tree *t, const struct doortree_opts *o)
{
	struct layout l;
	if (layout_build(a, t, &l))
		return NULL;
	struct tval *d = tv_map(a);
	tv_set(d, "id", tv_str(a, o->id && *o->id ? o->id : "doortree"));
	tv_set_bool(d, "staff", o->staff);
	tv_set(d, "root_name", tv_str(a, o->root_name ? o->root_name : ""));
	tv_set_int(d, "n", (long long)l.n);
	tv_set_int(d, "levels", l.levels);
	tv_set_bool(d, "one", l.n == 1);
	tv_set_bool(d, "one_level", l.levels == 1);
	tv_set_int(d, "drawn", (long long)l.drawn);
	tv_set_int(d, "omitted", (long long)(l.n - l.drawn));

	/* The picture's size: the layout in the viewBox, the attributes
	 * scaled down (keeping the aspect) when it is larger than the caps. */
	long long vb_w = 2 * PAD + (long long)(l.levels_drawn + 1) * NODE_W + (long long)l.levels_drawn * COL_GAP;
	long long vb_h = 2 * PAD + (long long)l.rows * ROW_H - ROW_GAP;
	long long w = vb_w, h = vb_h;
	if (w > DOORTREE_MAX_W) {
		h = h * DOORTREE_MAX_W / w;
		w = DOORTREE_MAX_W;
	}
	if (h > DOORTREE_MAX_H) {
		w = w * DOORTREE_MAX_H / h;
		h = DOORTREE_MAX_H;
	}
	tv_set_int(d, "vb_w", vb_w);
	tv_set_int(d, "vb_h", vb_h);
	tv_set_int(d, "width", w > 0 ? w : 1);
	tv_set_int(d, "height", h > 0 ? h : 1);

	struct tval *root = tv_map(a);
	int ry = l.root_cy - NODE_H / 2;
	tv_set_int(root, "x", col_x(0));
	tv_set_int(root, "y", ry);
	tv_set_int(root, "w", NODE_W);
	tv_set_int(root, "h", NODE_H);
	tv_set_int(root, "tx", col_x(0) + TEXT_X);
	tv_set_int(root, "ty1", ry + ROOT_LINE1);
	tv_set_int(root, "ty2", ry + ROOT_LINE2);
	tv_set(root, "name", tv_str(a, shorten(a, o->root_name, DOORTREE_NAME_CHARS)));
	tv_set(d, "root", root);

	struct tval *nodes = tv_list(a), *edges = tv_list(a);
	for (size_t i = 0; i < l.drawn; i++) {
		tv_push(nodes, node_tv(a, &l, t, i, o));
		/* From the middle of the parent's right edge to the middle of
		 * this door's left edge, turning halfway between the columns. */
		int p = l.parent[i];
		int px = col_x(l.depth[i] - 1) + NODE_W, py = p < 0 ? l.root_cy : l.cy[p];
		int cx = col_x(l.depth[i]), mid = px + COL_GAP / 2;
		struct tval *e = tv_map(a);
		tv_set(e, "d", tv_str(a, arena_printf(a, "M%d %dH%dV%dH%d", px, py, mid, l.cy[i], cx)));
		tv_push(edges, e);
	}
	tv_set(d, "nodes", nodes);
	tv_set(d, "edges", edges);
	struct tval *items = items_tv(a, &l, t, o);
	if (tv_set(d, "items", items))
		return NULL;
	/* The builders fail quietly when the arena is full; a last
	 * allocation tells whether it was. */
	if (!tv_map(a))
		return NULL;
	return d;
}

/* ---- for pages ------------------------------------------------------------------ */

static const char *ctx_gettext(const void *ctx, const char *msgid)
{
	return ctx_tr(ctx, msgid);
}

struct tval *doortree_for_person(struct ctx *c, int64_t person_id, bool staff, const char *root_name)
{
	struct relay_tree t;
	if (relay_tree(c->db, c->a, person_id, lang_codes[c->lang], &t))
		return NULL;
	struct tmpl_tr trans = { ctx_gettext, c };
	struct doortree_opts o = {
		.staff = staff,
		.root_name = root_name,
		.id = "doortree",
		.match_href = arena_printf(c->a, staff ? "/%s/admin/matches" : "/%s/member/matches", lang_codes[c->lang]),
		.tr = &trans,
	};
	return doortree_tv(c->a, &t, &o);
}

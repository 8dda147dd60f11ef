/* Exact maximum-weight b-matching by successive shortest paths (see flow.h).
 *
 * Rows and columns. The solver works on its own copy of the graph whose rows
 * are the side with the smaller total capacity (door openers, usually: they
 * are scarce). Every row unit then finds a free column close by, so the
 * searches stay small; with the abundant side as rows, every unit that ends
 * unmatched would need a search that proves it.
 *
 * Invariants between searches (LP duals of the b-matching, see certify.c):
 *   u_i >= 0 (rows), v_j >= 0 (columns);
 *   an edge left out has u_i + v_j >= w_e; a chosen edge has u_i + v_j <= w_e
 *   (the edge's bound x <= 1 carries any difference; at the end tighten()
 *   moves it into the dual of an end with capacity 1 where there is one);
 *   v_j > 0 only at a full column; u_i > 0 only at a full row, except for
 *   the "active" rows still to be processed.
 * A search from an active row (the root) runs Dijkstra on reduced costs over
 * the residual graph: forward along an edge left out (rc = u + v - w >= 0),
 * backward along a chosen edge (rc = w - u - v >= 0). It ends at the cheapest
 * of: a column with room (the path adds one edge), or the "skip" of a reached
 * row a at distance d(a) + u_a (a gives one edge up; for the root itself: it
 * stays short). The dual update then keeps every invariant and makes the path
 * tight, so after the search the root has one more edge or u_root = 0. This is
 * the primal-dual (Hungarian) method with capacities.
 *
 * Lazy scanning. Each row's edges are sorted by weight, best first. Since
 * v >= 0, the edge e = (a, j) cannot reach j closer than d(a) + u_a - w_e, so
 * a scanned row puts only its next edge into the heap, keyed by that bound;
 * when the bound comes up, the edge is relaxed exactly and the row's next
 * edge takes its place. A search that ends at the first free column it meets
 * (the common case) touches a handful of edges instead of whole rows. A row
 * reached backward along a tight chosen edge has its column's distance and
 * is scanned at once; other reached rows wait in the heap.
 *
 * Layout. The searches touch scattered nodes, so each node's fields sit
 * together in one struct (one cache line or less), edges are 16-byte records
 * read in order, and heap entries carry their keys. */
#include "match/flow.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* ---- 4-ary min-heap of item ids, keys stored in the entries ------------ */

struct hent {
	int64_t key;
	uint32_t id;
};

struct heap {
	struct hent *a;
	uint32_t *pos; /* pos[id] = index in a[] + 1, 0 = not in the heap */
	uint32_t n;
};

static int hless(const struct hent *x, const struct hent *y)
{
	return x->key < y->key || (x->key == y->key && x->id < y->id);
}

static void heap_up(struct heap *h, uint32_t i)
{
	struct hent x = h->a[i];
	while (i > 0) {
		uint32_t p = (i - 1) / 4;
		if (!hless(&x, &h->a[p]))
			break;
		h->a[i] = h->a[p];
		h->pos[h->a[i].id] = i + 1;
		i = p;
	}
	h->a[i] = x;
	h->pos[x.id] = i + 1;
}

static void heap_down(struct heap *h, uint32_t i)
{
	struct hent x = h->a[i];
	for (;;) {
		uint32_t c = 4 * i + 1;
		if (c >= h->n)
			break;
		uint32_t best = c;
		uint32_t end = c + 4 < h->n ? c + 4 : h->n;
		for (uint32_t k = c + 1; k < end; k++)
			if (hless(&h->a[k], &h->a[best]))
				best = k;
		if (!hless(&h->a[best], &x))
			break;
		h->a[i] = h->a[best];
		h->pos[h->a[i].id] = i + 1;
		i = best;
	}
	h->a[i] = x;
	h->pos[x.id] = i + 1;
}

/* Insert id with key, or lower its key. */
static void heap_set(struct heap *h, uint32_t id, int64_t key)
{
	uint32_t p = h->pos[id];
	if (p == 0) {
		h->a[h->n].id = id;
		p = h->pos[id] = ++h->n;
	}
	h->a[p - 1].key = key;
	heap_up(h, p - 1);
}

static struct hent heap_pop(struct heap *h)
{
	struct hent top = h->a[0];
	h->pos[top.id] = 0;
	if (--h->n > 0) {
		h->a[0] = h->a[h->n];
		heap_down(h, 0);
	}
	return top;
}

/* ---- solver state ------------------------------------------------------- */

enum { END_ROW, END_COL };

struct edge {
	int64_t w;    /* weight, > 0; rows are sorted best first */
	uint32_t to;  /* column */
	uint32_t eid; /* input edge id */
};

struct col {
	int64_t dist, v;
	uint32_t mark;   /* 2*stamp reached, 2*stamp+1 done */
	uint32_t load, cap;
	uint32_t slot;   /* first of its min(cap, degree) slots */
	uint32_t pred_e; /* edge that reached it */
	uint32_t pred_r; /* its row */
};

struct row {
	int64_t dist, u;
	uint32_t mark, load, cap;
	uint32_t cur;    /* next edge to relax */
	uint32_t pred_c; /* column that reached it backward */
	uint32_t pred_s; /* the slot of that chosen edge */
};

struct slot {
	uint32_t e, r; /* chosen edge, its row */
};

struct bm {
	/* Internal graph: rows 0..nl-1, columns 0..nr-1. */
	uint32_t nl, nr;
	size_t *off; /* nl + 1 */
	struct edge *ed;
	uint8_t *x;
	struct row *rows;
	struct col *cols;
	struct slot *slots;
	/* Search state. Heap ids: columns 0..nr-1, rows nr..nr+nl-1, row
	 * cursors nr+nl..nr+2nl-1. */
	uint32_t stamp;
	uint32_t *rlist, *llist;
	uint32_t nrlist, nllist;
	struct heap heap;
	int64_t best_end;
	int end_kind;
	uint32_t end_node;
	struct match_bm_stats st;
};

static uint32_t cap_of(const uint32_t *caps, uint32_t i)
{
	return caps ? caps[i] : 1;
}

static int validate(const struct match_bm_graph *g, const char **why)
{
	if (!g->off) {
		*why = "missing offsets";
		return -1;
	}
	if (g->off[0] != 0) {
		*why = "off[0] != 0";
		return -1;
	}
	if (g->nl >= UINT32_MAX / 4 || g->nr >= UINT32_MAX / 4) {
		*why = "too many nodes";
		return -1;
	}
	for (uint32_t i = 0; i < g->nl; i++) {
		if (g->off[i + 1] < g->off[i]) {
			*why = "offsets not monotone";
			return -1;
		}
		if (cap_of(g->lcap, i) > MATCH_BM_CAPMAX) {
			*why = "left capacity too large";
			return -1;
		}
	}
	for (uint32_t j = 0; j < g->nr; j++)
		if (cap_of(g->rcap, j) > MATCH_BM_CAPMAX) {
			*why = "right capacity too large";
			return -1;
		}
	size_t m = g->off[g->nl];
	if (m >= UINT32_MAX) {
		*why = "too many edges";
		return -1;
	}
	if (m > 0 && (!g->to || !g->w)) {
		*why = "missing edge arrays";
		return -1;
	}
	for (size_t e = 0; e < m; e++) {
		if (g->to[e] >= g->nr) {
			*why = "edge to a missing right node";
			return -1;
		}
		if (g->w[e] > MATCH_BM_WMAX || g->w[e] < -MATCH_BM_WMAX) {
			*why = "weight out of range";
			return -1;
		}
	}
	return 0;
}

static void bm_free(struct bm *b)
{
	free(b->off);
	free(b->ed);
	free(b->x);
	free(b->rows);
	free(b->cols);
	free(b->slots);
	free(b->rlist);
	free(b->llist);
	free(b->heap.a);
	free(b->heap.pos);
}

static void *xcalloc(size_t n, size_t size)
{
	return calloc(n ? n : 1, size);
}

static void *xmalloc(size_t n, size_t size)
{
	return malloc((n ? n : 1) * size);
}

/* Sort one row's edges by weight descending, then input id ascending. */
static int edge_before(const struct edge *a, const struct edge *b)
{
	return a->w > b->w || (a->w == b->w && a->eid < b->eid);
}

static void merge_sort(struct edge *a, struct edge *tmp, size_t n)
{
	if (n <= 16) {
		for (size_t i = 1; i < n; i++) {
			struct edge x = a[i];
			size_t k = i;
			while (k > 0 && edge_before(&x, &a[k - 1])) {
				a[k] = a[k - 1];
				k--;
			}
			a[k] = x;
		}
		return;
	}
	size_t h = n / 2;
	merge_sort(a, tmp, h);
	merge_sort(a + h, tmp, n - h);
	size_t i = 0, j = h, k = 0;
	while (i < h && j < n)
		tmp[k++] = edge_before(&a[j], &a[i]) ? a[j++] : a[i++];
	while (i < h)
		tmp[k++] = a[i++];
	while (j < n)
		tmp[k++] = a[j++];
	memcpy(a, tmp, n * sizeof(*a));
}

/* Sort a row (filled in input order) by weight descending, stably: a
 * counting sort when its weights span a small range, else a merge sort. */
static void sort_one_row(struct edge *a, size_t n, struct edge *tmp, size_t *cnt, size_t cnt_cap)
{
	if (n < 2)
		return;
	int64_t wmin = INT64_MAX, wmax = INT64_MIN;
	for (size_t k = 0; k < n; k++) {
		wmin = a[k].w < wmin ? a[k].w : wmin;
		wmax = a[k].w > wmax ? a[k].w : wmax;
	}
	if (wmin == wmax)
		return;
	if ((uint64_t)(wmax - wmin) < cnt_cap) {
		size_t range = (size_t)(wmax - wmin) + 1;
		memset(cnt, 0, (range + 1) * sizeof(size_t));
		for (size_t k = 0; k < n; k++)
			cnt[(size_t)(wmax - a[k].w) + 1]++;
		for (size_t r = 0; r < range; r++)
			cnt[r + 1] += cnt[r];
		for (size_t k = 0; k < n; k++)
			tmp[cnt[wmax - a[k].w]++] = a[k];
		memcpy(a, tmp, n * sizeof(*a));
	} else {
		merge_sort(a, tmp, n);
	}
}

static int usable_input(const struct match_bm_graph *g, uint32_t i, size_t e)
{
	return g->w[e] > 0 && cap_of(g->lcap, i) > 0 && cap_of(g->rcap, g->to[e]) > 0;
}

/* Build the internal graph: usable edges only (w > 0, both capacities > 0),
 * rows sorted best first, ties in input order; and the node records. */
static int build(struct bm *b, const struct match_bm_graph *g, int transpose)
{
	b->nl = transpose ? g->nr : g->nl;
	b->nr = transpose ? g->nl : g->nr;
	const uint32_t *lcap = transpose ? g->rcap : g->lcap, *rcap = transpose ? g->lcap : g->rcap;
	size_t nl = b->nl, nr = b->nr;
	b->off = xcalloc(nl + 1, sizeof(size_t));
	b->rows = xcalloc(nl, sizeof(struct row));
	b->cols = xcalloc(nr, sizeof(struct col));
	if (!b->off || !b->rows || !b->cols)
		return -1;
	size_t mu = 0;
	for (uint32_t i = 0; i < g->nl; i++)
		for (size_t e = g->off[i]; e < g->off[i + 1]; e++)
			if (usable_input(g, i, e)) {
				b->off[(transpose ? g->to[e] : i) + 1]++;
				b->cols[transpose ? i : g->to[e]].slot++; /* degree, for now */
				mu++;
			}
	size_t maxdeg = 0;
	for (uint32_t r = 0; r < nl; r++) {
		maxdeg = b->off[r + 1] > maxdeg ? b->off[r + 1] : maxdeg;
		b->off[r + 1] += b->off[r];
		b->rows[r].cap = cap_of(lcap, r);
	}
	/* A column never holds more edges than min(capacity, degree). */
	size_t nslots = 0;
	for (uint32_t j = 0; j < nr; j++) {
		size_t deg = b->cols[j].slot, cap = cap_of(rcap, j);
		b->cols[j].cap = (uint32_t)cap;
		b->cols[j].slot = (uint32_t)nslots;
		nslots += deg < cap ? deg : cap;
		if (nslots >= UINT32_MAX)
			return -1;
	}
	b->slots = xcalloc(nslots, sizeof(struct slot));
	b->ed = xmalloc(mu, sizeof(struct edge));
	size_t *fill = xcalloc(nl, sizeof(size_t));
	size_t cnt_cap = 8 * maxdeg + 256;
	struct edge *tmp = xmalloc(maxdeg, sizeof(*tmp));
	size_t *cnt = xmalloc(cnt_cap + 1, sizeof(size_t));
	int rc = -1;
	if (!b->slots || !b->ed || !fill || !tmp || !cnt)
		goto done;
	for (uint32_t i = 0; i < g->nl; i++)
		for (size_t e = g->off[i]; e < g->off[i + 1]; e++) {
			if (!usable_input(g, i, e))
				continue;
			uint32_t j = g->to[e];
			uint32_t r = transpose ? j : i, c = transpose ? i : j;
			b->ed[b->off[r] + fill[r]++] = (struct edge){ g->w[e], c, (uint32_t)e };
		}
	for (uint32_t r = 0; r < nl; r++)
		sort_one_row(b->ed + b->off[r], b->off[r + 1] - b->off[r], tmp, cnt, cnt_cap);
	rc = 0;
done:
	free(fill);
	free(tmp);
	free(cnt);
	return rc;
}

static int alloc_state(struct bm *b)
{
	size_t m = b->off[b->nl], nl = b->nl, nr = b->nr;
	b->x = xcalloc(m, 1);
	b->rlist = xcalloc(nr, sizeof(uint32_t));
	b->llist = xcalloc(nl, sizeof(uint32_t));
	b->heap.a = xcalloc(nr + 2 * nl, sizeof(struct hent));
	b->heap.pos = xcalloc(nr + 2 * nl, sizeof(uint32_t));
	if (!b->x || !b->rlist || !b->llist || !b->heap.a || !b->heap.pos)
		return -1;
	return 0;
}

/* Initial state, with every column's v = 0: each row takes the longest
 * prefix of its sorted edges whose columns still have room (up to its
 * capacity) and sets u to the weight of its first edge left out (0 if none).
 * Edges left out then have u + v = u >= w (sorted), chosen ones u + v <= w,
 * so every invariant holds; rows stopped by a full column stay active. */
static void greedy_start(struct bm *b)
{
	for (uint32_t i = 0; i < b->nl; i++) {
		struct row *ri = &b->rows[i];
		size_t e = b->off[i], hi = b->off[i + 1];
		for (; e < hi && ri->load < ri->cap; e++) {
			struct col *cj = &b->cols[b->ed[e].to];
			if (cj->load >= cj->cap)
				break;
			struct slot *sl = &b->slots[cj->slot + cj->load++];
			sl->e = (uint32_t)e;
			sl->r = i;
			b->x[e] = 1;
			ri->load++;
			b->st.greedy++;
		}
		ri->u = e < hi ? b->ed[e].w : 0;
	}
}

static void relax(struct bm *b, uint32_t a, int64_t base, size_t e)
{
	const struct edge *ed = &b->ed[e];
	struct col *c = &b->cols[ed->to];
	b->st.relaxations++;
	int64_t nd = base + c->v - ed->w;
	assert(nd >= b->rows[a].dist);
	if (c->mark != 2 * b->stamp || nd < c->dist) {
		c->mark = 2 * b->stamp;
		c->dist = nd;
		c->pred_e = (uint32_t)e;
		c->pred_r = a;
		if (c->load < c->cap) {
			/* A column with room ends the search: no need to expand it. */
			assert(c->v == 0);
			if (nd < b->best_end) {
				b->best_end = nd;
				b->end_kind = END_COL;
				b->end_node = ed->to;
			}
			return;
		}
		heap_set(&b->heap, ed->to, nd);
	}
}

/* Walk row a's edges from its cursor, best first. An edge whose lower bound
 * is not above the heap's minimum would be the next thing taken anyway, so it
 * is relaxed at once; the first edge beyond goes into the heap as the row's
 * cursor, keyed by its bound. Edges bounded below by the best end so far are
 * never needed. */
static void advance(struct bm *b, uint32_t a)
{
	struct row *ra = &b->rows[a];
	size_t e = ra->cur, hi = b->off[a + 1];
	uint32_t done = 2 * b->stamp + 1;
	int64_t base = ra->dist + ra->u;
	for (; e < hi; e++) {
		if (b->x[e])
			continue;
		int64_t bound = base - b->ed[e].w;
		if (bound >= b->best_end)
			break;
		if (b->heap.n > 0 && bound > b->heap.a[0].key) {
			ra->cur = (uint32_t)e;
			heap_set(&b->heap, b->nr + b->nl + a, bound);
			return;
		}
		if (b->cols[b->ed[e].to].mark != done)
			relax(b, a, base, e);
	}
	ra->cur = (uint32_t)hi;
}

static void scan_row(struct bm *b, uint32_t a, int64_t da)
{
	struct row *ra = &b->rows[a];
	ra->mark = 2 * b->stamp + 1;
	ra->dist = da;
	b->llist[b->nllist++] = a;
	b->st.lefts_scanned++;
	if (da + ra->u < b->best_end) {
		b->best_end = da + ra->u;
		b->end_kind = END_ROW;
		b->end_node = a;
	}
	ra->cur = (uint32_t)b->off[a];
	advance(b, a);
}

/* Largest useful u for a root without chosen edges: max(0, max(w - v)). */
static int64_t tight_u(const struct bm *b, uint32_t i)
{
	int64_t best = 0;
	for (size_t e = b->off[i]; e < b->off[i + 1]; e++) {
		const struct edge *ed = &b->ed[e];
		if (ed->w <= best)
			break; /* sorted: no later edge can do better (v >= 0) */
		if (ed->w - b->cols[ed->to].v > best)
			best = ed->w - b->cols[ed->to].v;
	}
	return best;
}

static void next_stamp(struct bm *b)
{
	if (b->stamp >= UINT32_MAX / 2 - 2) {
		for (uint32_t j = 0; j < b->nr; j++)
			b->cols[j].mark = 0;
		for (uint32_t i = 0; i < b->nl; i++)
			b->rows[i].mark = 0;
		b->stamp = 0;
	}
	b->stamp++;
}

/* One search from root; afterwards it has one more edge or u_root == 0. */
static void search(struct bm *b, uint32_t root)
{
	struct row *rr = &b->rows[root];
	if (rr->load == 0)
		rr->u = tight_u(b, root);
	if (rr->u == 0)
		return;
	b->st.searches++;
	next_stamp(b);
	b->nrlist = b->nllist = 0;
	b->heap.n = 0;
	b->best_end = INT64_MAX;
	scan_row(b, root, 0);
	uint32_t reached = 2 * b->stamp, done = reached + 1;
	const uint32_t nr = b->nr, rows_end = b->nr + b->nl;
	while (b->heap.n > 0) {
		/* Nothing at or beyond the best end can lead to a better one. */
		if (b->heap.a[0].key >= b->best_end)
			break;
		struct hent top = heap_pop(&b->heap);
		uint32_t x = top.id;
		int64_t dx = top.key;
		if (x >= rows_end) {
			advance(b, x - rows_end); /* a row's cursor */
			continue;
		}
		if (x >= nr) {
			struct row *ra = &b->rows[x - nr];
			if (ra->mark != done)
				scan_row(b, x - nr, dx);
			continue;
		}
		struct col *cj = &b->cols[x]; /* a full column: go on to its rows */
		cj->mark = done;
		b->st.rights_settled++;
		b->rlist[b->nrlist++] = x;
		for (uint32_t k = cj->slot; k < cj->slot + cj->load; k++) {
			uint32_t a = b->slots[k].r;
			struct row *ra = &b->rows[a];
			if (ra->mark == done)
				continue;
			/* Backward along the chosen edge: reduced cost w - u - v >= 0. */
			int64_t rc = b->ed[b->slots[k].e].w - ra->u - cj->v;
			assert(rc >= 0);
			if (rc == 0) {
				/* If it waits in the heap its key drops: keep the heap in
				 * order first (it is popped later and skipped). */
				ra->pred_c = x;
				ra->pred_s = k;
				if (b->heap.pos[nr + a])
					heap_set(&b->heap, nr + a, dx);
				scan_row(b, a, dx);
			} else if (ra->mark != reached || dx + rc < ra->dist) {
				ra->mark = reached;
				ra->dist = dx + rc;
				ra->pred_c = x;
				ra->pred_s = k;
				heap_set(&b->heap, nr + a, dx + rc);
			}
		}
	}
	/* Leave the heap empty for the next search. */
	while (b->heap.n > 0)
		b->heap.pos[b->heap.a[--b->heap.n].id] = 0;

	int64_t D = b->best_end;
	for (uint32_t k = 0; k < b->nrlist; k++) {
		struct col *c = &b->cols[b->rlist[k]];
		if (c->dist < D)
			c->v += D - c->dist;
	}
	for (uint32_t k = 0; k < b->nllist; k++) {
		struct row *r = &b->rows[b->llist[k]];
		if (r->dist < D)
			r->u -= D - r->dist;
		assert(r->u >= 0);
	}

	/* Augment along the path that ends at end_node. */
	uint32_t j, slot;
	if (b->end_kind == END_ROW) {
		uint32_t a = b->end_node;
		if (a == root) {
			assert(rr->u == 0);
			return;
		}
		j = b->rows[a].pred_c;
		slot = b->rows[a].pred_s;
		b->x[b->slots[slot].e] = 0;
		b->rows[a].load--;
	} else {
		j = b->end_node;
		slot = b->cols[j].slot + b->cols[j].load++;
	}
	for (;;) {
		uint32_t e = b->cols[j].pred_e;
		uint32_t a = b->cols[j].pred_r;
		b->x[e] = 1;
		b->slots[slot].e = e;
		b->slots[slot].r = a;
		if (a == root) {
			rr->load++;
			break;
		}
		slot = b->rows[a].pred_s;
		j = b->rows[a].pred_c;
		b->x[b->slots[slot].e] = 0;
	}
}

/* A chosen edge with u + v < w relies on its bound x <= 1. Where one end
 * has capacity 1 that end's dual can take the difference instead (the dual
 * objective does not change), so the certificate also holds for a network
 * in which that edge could carry more (a DIMACS arc with capacity above 1
 * from a node with supply 1). */
static void tighten(const struct match_bm_graph *g, struct match_bm_solution *s)
{
	for (uint32_t i = 0; i < g->nl; i++)
		for (size_t e = g->off[i]; e < g->off[i + 1]; e++) {
			if (!s->x[e])
				continue;
			uint32_t j = g->to[e];
			int64_t z = g->w[e] - s->u[i] - s->v[j];
			if (z <= 0)
				continue;
			if (cap_of(g->lcap, i) == 1)
				s->u[i] += z;
			else if (cap_of(g->rcap, j) == 1)
				s->v[j] += z;
		}
}

/* Nodes with capacity 0 took no part: give them the smallest feasible duals
 * (on the input graph, with the input's orientation). */
static void finish_duals(const struct match_bm_graph *g, struct match_bm_solution *s)
{
	for (uint32_t i = 0; i < g->nl; i++) {
		if (cap_of(g->lcap, i) != 0)
			continue;
		int64_t best = 0;
		for (size_t e = g->off[i]; e < g->off[i + 1]; e++)
			if (g->w[e] - s->v[g->to[e]] > best)
				best = g->w[e] - s->v[g->to[e]];
		s->u[i] = best;
	}
	int any = 0;
	for (uint32_t j = 0; j < g->nr && !any; j++)
		any = cap_of(g->rcap, j) == 0;
	if (!any)
		return;
	for (uint32_t i = 0; i < g->nl; i++)
		for (size_t e = g->off[i]; e < g->off[i + 1]; e++) {
			uint32_t j = g->to[e];
			if (cap_of(g->rcap, j) == 0 && g->w[e] - s->u[i] > s->v[j])
				s->v[j] = g->w[e] - s->u[i];
		}
}

int match_bm_solve(const struct match_bm_graph *g, struct match_bm_solution *s,
		   const char **why)
{
	const char *dummy;
	if (!why)
		why = &dummy;
	memset(s, 0, sizeof(*s));
	if (validate(g, why) < 0)
		return -1;
	/* Rows: the side with the smaller total capacity (capped by degree). */
	uint64_t lsum = 0, rsum = 0;
	uint32_t *rdeg = xcalloc(g->nr, sizeof(uint32_t));
	if (!rdeg) {
		*why = "out of memory";
		return -1;
	}
	for (uint32_t i = 0; i < g->nl; i++) {
		uint64_t deg = g->off[i + 1] - g->off[i], c = cap_of(g->lcap, i);
		lsum += deg < c ? deg : c;
		for (size_t e = g->off[i]; e < g->off[i + 1]; e++)
			rdeg[g->to[e]]++;
	}
	for (uint32_t j = 0; j < g->nr; j++) {
		uint64_t c = cap_of(g->rcap, j);
		rsum += rdeg[j] < c ? rdeg[j] : c;
	}
	free(rdeg);
	int transpose = rsum < lsum;

	struct bm b;
	memset(&b, 0, sizeof(b));
	size_t m = g->off[g->nl];
	s->x = xcalloc(m, 1);
	s->u = xcalloc(g->nl, sizeof(int64_t));
	s->v = xcalloc(g->nr, sizeof(int64_t));
	if (!s->x || !s->u || !s->v || build(&b, g, transpose) < 0 || alloc_state(&b) < 0) {
		bm_free(&b);
		match_bm_solution_free(s);
		*why = "out of memory";
		return -1;
	}
	greedy_start(&b);
	for (uint32_t i = 0; i < b.nl; i++) {
		struct row *ri = &b.rows[i];
		while (ri->load < ri->cap && ri->u > 0) {
			uint32_t before = ri->load;
			search(&b, i);
			if (ri->load == before)
				break; /* ended at its own skip: u_i is 0 now */
		}
	}
	/* Back to the input's edges and orientation. */
	for (size_t e = 0; e < b.off[b.nl]; e++)
		if (b.x[e]) {
			s->x[b.ed[e].eid] = 1;
			s->weight += b.ed[e].w;
			s->matched++;
		}
	int64_t *uu = transpose ? s->v : s->u, *vv = transpose ? s->u : s->v;
	for (uint32_t i = 0; i < b.nl; i++)
		uu[i] = b.rows[i].u;
	for (uint32_t j = 0; j < b.nr; j++)
		vv[j] = b.cols[j].v;
	tighten(g, s);
	finish_duals(g, s);
	s->stats = b.st;
	bm_free(&b);
	return 0;
}

void match_bm_solution_free(struct match_bm_solution *s)
{
	free(s->x);
	free(s->u);
	free(s->v);
	s->x = NULL;
	s->u = s->v = NULL;
}

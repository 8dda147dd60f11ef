/* Exact maximum-weight b-matching by successive shortest paths (see flow.h).
 *
 * Invariants between searches (LP duals of the b-matching):
 *   u_i >= 0, v_j >= 0, u_i + v_j >= w_e on every usable edge e = (i, j);
 *   chosen edges are tight (u_i + v_j = w_e);
 *   v_j > 0 only when right node j is full;
 *   u_i > 0 only when left node i is full, except for "active" left nodes.
 * A search from an active left node i (the root) runs Dijkstra on reduced
 * costs rc_e = u + v - w >= 0 over the residual graph: forward along unused
 * edges, backward along chosen edges (cost 0). It ends at the cheapest of:
 * a right node with spare capacity (the path grows the matching), or the
 * "skip" of a reached left node a at distance d(a) + u_a (a gives one edge up,
 * for the root itself: it stays short). The dual update then keeps every
 * invariant and makes the path tight, and the root is no longer active or has
 * one more edge. This is the primal-dual (Hungarian) method with capacities;
 * each search needs only the nodes closer than the end, so most are small.
 *
 * Only right nodes go into the heap: a left node reached backward from a
 * right node j has j's distance (chosen edges are tight), so it is scanned at
 * once. */
#include "match/flow.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* ---- 4-ary min-heap of right nodes keyed by dist[], with decrease-key ---- */

struct heap {
	uint32_t *a;   /* heap array of node ids */
	uint32_t *pos; /* pos[j] = index in a[] + 1, 0 = not in the heap */
	const int64_t *key;
	uint32_t n;
};

static int heap_less(const struct heap *h, uint32_t x, uint32_t y)
{
	int64_t kx = h->key[x], ky = h->key[y];
	return kx < ky || (kx == ky && x < y);
}

static void heap_up(struct heap *h, uint32_t i)
{
	uint32_t x = h->a[i];
	while (i > 0) {
		uint32_t p = (i - 1) / 4;
		uint32_t y = h->a[p];
		if (!heap_less(h, x, y))
			break;
		h->a[i] = y;
		h->pos[y] = i + 1;
		i = p;
	}
	h->a[i] = x;
	h->pos[x] = i + 1;
}

static void heap_down(struct heap *h, uint32_t i)
{
	uint32_t x = h->a[i];
	for (;;) {
		uint32_t c = 4 * i + 1;
		if (c >= h->n)
			break;
		uint32_t best = c;
		uint32_t end = c + 4 < h->n ? c + 4 : h->n;
		for (uint32_t k = c + 1; k < end; k++)
			if (heap_less(h, h->a[k], h->a[best]))
				best = k;
		if (!heap_less(h, h->a[best], x))
			break;
		h->a[i] = h->a[best];
		h->pos[h->a[i]] = i + 1;
		i = best;
	}
	h->a[i] = x;
	h->pos[x] = i + 1;
}

static void heap_push_or_decrease(struct heap *h, uint32_t x)
{
	if (h->pos[x] == 0) {
		h->a[h->n] = x;
		h->pos[x] = ++h->n;
	}
	heap_up(h, h->pos[x] - 1);
}

static uint32_t heap_pop(struct heap *h)
{
	uint32_t top = h->a[0];
	h->pos[top] = 0;
	if (--h->n > 0) {
		h->a[0] = h->a[h->n];
		heap_down(h, 0);
	}
	return top;
}

/* ---- solver state ------------------------------------------------------- */

enum { END_LEFT, END_RIGHT };

struct bm {
	const struct match_bm_graph *g;
	uint8_t *x;
	int64_t *u, *v;
	uint32_t *lload, *rload;
	size_t *rso;    /* nr + 1: slot range of right node j */
	size_t *se;     /* slot -> chosen edge */
	uint32_t *sl;   /* slot -> left node of that edge */
	/* search state */
	uint32_t stamp;
	uint32_t *rmark;   /* 2*stamp: reached; 2*stamp+1: settled */
	uint32_t *lmark;   /* stamp: scanned */
	int64_t *rdist, *ldist;
	size_t *rpred_e;   /* edge that reached right j */
	uint32_t *rpred_l; /* its left node */
	uint32_t *lpred_r; /* right node that reached left a (backward) */
	size_t *lpred_s;   /* slot of that chosen edge */
	uint32_t *rlist, *llist;
	uint32_t nrlist, nllist;
	struct heap heap;
	int64_t best_end;
	int end_kind;
	uint32_t end_node;
	struct match_bm_stats st;
};

static uint32_t lcap_of(const struct match_bm_graph *g, uint32_t i)
{
	return g->lcap ? g->lcap[i] : 1;
}

static uint32_t rcap_of(const struct match_bm_graph *g, uint32_t j)
{
	return g->rcap ? g->rcap[j] : 1;
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
	if (g->nl >= UINT32_MAX / 2 || g->nr >= UINT32_MAX / 2) {
		*why = "too many nodes";
		return -1;
	}
	for (uint32_t i = 0; i < g->nl; i++) {
		if (g->off[i + 1] < g->off[i]) {
			*why = "offsets not monotone";
			return -1;
		}
		if (lcap_of(g, i) > MATCH_BM_CAPMAX) {
			*why = "left capacity too large";
			return -1;
		}
	}
	for (uint32_t j = 0; j < g->nr; j++)
		if (rcap_of(g, j) > MATCH_BM_CAPMAX) {
			*why = "right capacity too large";
			return -1;
		}
	size_t m = g->off[g->nl];
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
	free(b->lload);
	free(b->rload);
	free(b->rso);
	free(b->se);
	free(b->sl);
	free(b->rmark);
	free(b->lmark);
	free(b->rdist);
	free(b->ldist);
	free(b->rpred_e);
	free(b->rpred_l);
	free(b->lpred_r);
	free(b->lpred_s);
	free(b->rlist);
	free(b->llist);
	free(b->heap.a);
	free(b->heap.pos);
}

static void *xcalloc(size_t n, size_t size)
{
	if (n == 0)
		n = 1;
	return calloc(n, size);
}

static int bm_alloc(struct bm *b, struct match_bm_solution *s)
{
	const struct match_bm_graph *g = b->g;
	size_t m = g->off[g->nl], nl = g->nl, nr = g->nr;
	s->x = xcalloc(m, 1);
	s->u = xcalloc(nl, sizeof(int64_t));
	s->v = xcalloc(nr, sizeof(int64_t));
	b->x = s->x;
	b->u = s->u;
	b->v = s->v;
	b->lload = xcalloc(nl, sizeof(uint32_t));
	b->rload = xcalloc(nr, sizeof(uint32_t));
	b->rso = xcalloc(nr + 1, sizeof(size_t));
	b->rmark = xcalloc(nr, sizeof(uint32_t));
	b->lmark = xcalloc(nl, sizeof(uint32_t));
	b->rdist = xcalloc(nr, sizeof(int64_t));
	b->ldist = xcalloc(nl, sizeof(int64_t));
	b->rpred_e = xcalloc(nr, sizeof(size_t));
	b->rpred_l = xcalloc(nr, sizeof(uint32_t));
	b->lpred_r = xcalloc(nl, sizeof(uint32_t));
	b->lpred_s = xcalloc(nl, sizeof(size_t));
	b->rlist = xcalloc(nr, sizeof(uint32_t));
	b->llist = xcalloc(nl, sizeof(uint32_t));
	b->heap.a = xcalloc(nr, sizeof(uint32_t));
	b->heap.pos = xcalloc(nr, sizeof(uint32_t));
	if (!s->x || !s->u || !s->v || !b->lload || !b->rload || !b->rso ||
	    !b->rmark || !b->lmark || !b->rdist || !b->ldist || !b->rpred_e ||
	    !b->rpred_l || !b->lpred_r || !b->lpred_s || !b->rlist || !b->llist ||
	    !b->heap.a || !b->heap.pos)
		return -1;
	b->heap.key = b->rdist;
	/* A right node never holds more edges than min(capacity, degree). */
	for (size_t e = 0; e < m; e++)
		b->rso[g->to[e] + 1]++;
	for (uint32_t j = 0; j < nr; j++) {
		size_t deg = b->rso[j + 1], cap = rcap_of(g, j);
		b->rso[j + 1] = b->rso[j] + (deg < cap ? deg : cap);
	}
	b->se = xcalloc(b->rso[nr], sizeof(size_t));
	b->sl = xcalloc(b->rso[nr], sizeof(uint32_t));
	if (!b->se || !b->sl)
		return -1;
	return 0;
}

static int usable(const struct bm *b, size_t e)
{
	return b->g->w[e] > 0 && rcap_of(b->g, b->g->to[e]) > 0;
}

/* Initial duals (v = 0, u_i = best weight) and the greedy pass that gives
 * every left node its tight (best) edges while right capacity lasts. */
static void greedy_start(struct bm *b)
{
	const struct match_bm_graph *g = b->g;
	for (uint32_t i = 0; i < g->nl; i++) {
		int64_t best = 0;
		for (size_t e = g->off[i]; e < g->off[i + 1]; e++)
			if (usable(b, e) && g->w[e] > best)
				best = g->w[e];
		b->u[i] = best;
		uint32_t cap = lcap_of(g, i);
		if (best == 0 || cap == 0)
			continue;
		for (size_t e = g->off[i]; e < g->off[i + 1] && b->lload[i] < cap; e++) {
			uint32_t j = g->to[e];
			if (g->w[e] != best || !usable(b, e) || b->rload[j] >= rcap_of(g, j))
				continue;
			size_t k = b->rso[j] + b->rload[j]++;
			b->se[k] = e;
			b->sl[k] = i;
			b->x[e] = 1;
			b->lload[i]++;
			b->st.greedy++;
		}
	}
}

static void scan_left(struct bm *b, uint32_t a, int64_t da)
{
	const struct match_bm_graph *g = b->g;
	b->lmark[a] = b->stamp;
	b->ldist[a] = da;
	b->llist[b->nllist++] = a;
	b->st.lefts_scanned++;
	int64_t ua = b->u[a];
	if (da + ua < b->best_end) {
		b->best_end = da + ua;
		b->end_kind = END_LEFT;
		b->end_node = a;
	}
	uint32_t reached = 2 * b->stamp, settled = 2 * b->stamp + 1;
	int64_t base = da + ua;
	for (size_t e = g->off[a]; e < g->off[a + 1]; e++) {
		int64_t w = g->w[e];
		if (w <= 0 || b->x[e])
			continue;
		uint32_t j = g->to[e];
		uint32_t mark = b->rmark[j];
		if (mark == settled)
			continue;
		b->st.relaxations++;
		int64_t nd = base + b->v[j] - w;
		assert(nd >= da);
		if (mark != reached) {
			if (rcap_of(g, j) == 0)
				continue;
			b->rmark[j] = reached;
		} else if (nd >= b->rdist[j]) {
			continue;
		}
		b->rdist[j] = nd;
		b->rpred_e[j] = e;
		b->rpred_l[j] = a;
		heap_push_or_decrease(&b->heap, j);
	}
}

/* Largest useful u for a root without chosen edges: max(0, max(w - v)). */
static int64_t tight_u(const struct bm *b, uint32_t i)
{
	const struct match_bm_graph *g = b->g;
	int64_t best = 0;
	for (size_t e = g->off[i]; e < g->off[i + 1]; e++)
		if (usable(b, e) && g->w[e] - b->v[g->to[e]] > best)
			best = g->w[e] - b->v[g->to[e]];
	return best;
}

static void next_stamp(struct bm *b)
{
	if (b->stamp >= UINT32_MAX / 2 - 2) {
		memset(b->rmark, 0, b->g->nr * sizeof(uint32_t));
		memset(b->lmark, 0, b->g->nl * sizeof(uint32_t));
		b->stamp = 0;
	}
	b->stamp++;
}

/* One search from root i; afterwards i has one more edge or u_i == 0. */
static void search(struct bm *b, uint32_t root)
{
	const struct match_bm_graph *g = b->g;
	if (b->lload[root] == 0)
		b->u[root] = tight_u(b, root);
	if (b->u[root] == 0)
		return;
	b->st.searches++;
	next_stamp(b);
	b->nrlist = b->nllist = 0;
	b->heap.n = 0;
	b->best_end = INT64_MAX;
	scan_left(b, root, 0);
	uint32_t settled = 2 * b->stamp + 1;
	while (b->heap.n > 0) {
		uint32_t j = b->heap.a[0];
		int64_t dj = b->rdist[j];
		if (dj > b->best_end)
			break;
		heap_pop(&b->heap);
		b->rmark[j] = settled;
		b->st.rights_settled++;
		if (b->rload[j] < rcap_of(g, j)) {
			assert(b->v[j] == 0);
			b->best_end = dj;
			b->end_kind = END_RIGHT;
			b->end_node = j;
			break;
		}
		if (dj == b->best_end)
			continue;
		b->rlist[b->nrlist++] = j;
		for (size_t k = b->rso[j]; k < b->rso[j] + b->rload[j]; k++) {
			uint32_t a = b->sl[k];
			if (b->lmark[a] == b->stamp)
				continue;
			b->lpred_r[a] = j;
			b->lpred_s[a] = k;
			scan_left(b, a, dj);
		}
	}
	/* Leave the heap empty for the next search. */
	while (b->heap.n > 0)
		b->heap.pos[b->heap.a[--b->heap.n]] = 0;

	int64_t D = b->best_end;
	for (uint32_t k = 0; k < b->nrlist; k++) {
		uint32_t j = b->rlist[k];
		if (b->rdist[j] < D)
			b->v[j] += D - b->rdist[j];
	}
	for (uint32_t k = 0; k < b->nllist; k++) {
		uint32_t a = b->llist[k];
		if (b->ldist[a] < D)
			b->u[a] -= D - b->ldist[a];
		assert(b->u[a] >= 0);
	}

	/* Augment along the path that ends at end_node. */
	uint32_t j;
	size_t slot;
	if (b->end_kind == END_LEFT) {
		uint32_t a = b->end_node;
		if (a == root) {
			assert(b->u[root] == 0);
			return;
		}
		j = b->lpred_r[a];
		slot = b->lpred_s[a];
		b->x[b->se[slot]] = 0;
		b->lload[a]--;
	} else {
		j = b->end_node;
		slot = b->rso[j] + b->rload[j]++;
	}
	for (;;) {
		size_t e = b->rpred_e[j];
		uint32_t a = b->rpred_l[j];
		b->x[e] = 1;
		b->se[slot] = e;
		b->sl[slot] = a;
		if (a == root) {
			b->lload[root]++;
			break;
		}
		slot = b->lpred_s[a];
		j = b->lpred_r[a];
		b->x[b->se[slot]] = 0;
	}
}

/* Nodes with capacity 0 took no part: give them the smallest feasible duals. */
static void finish_duals(struct bm *b)
{
	const struct match_bm_graph *g = b->g;
	for (uint32_t i = 0; i < g->nl; i++) {
		if (lcap_of(g, i) != 0)
			continue;
		int64_t best = 0;
		for (size_t e = g->off[i]; e < g->off[i + 1]; e++)
			if (g->w[e] - b->v[g->to[e]] > best)
				best = g->w[e] - b->v[g->to[e]];
		b->u[i] = best;
	}
	int any = 0;
	for (uint32_t j = 0; j < g->nr && !any; j++)
		any = rcap_of(g, j) == 0;
	if (!any)
		return;
	for (uint32_t i = 0; i < g->nl; i++)
		for (size_t e = g->off[i]; e < g->off[i + 1]; e++) {
			uint32_t j = g->to[e];
			if (rcap_of(g, j) == 0 && g->w[e] - b->u[i] > b->v[j])
				b->v[j] = g->w[e] - b->u[i];
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
	struct bm b;
	memset(&b, 0, sizeof(b));
	b.g = g;
	if (bm_alloc(&b, s) < 0) {
		bm_free(&b);
		match_bm_solution_free(s);
		*why = "out of memory";
		return -1;
	}
	greedy_start(&b);
	for (uint32_t i = 0; i < g->nl; i++) {
		uint32_t cap = lcap_of(g, i);
		while (b.lload[i] < cap && b.u[i] > 0) {
			uint32_t before = b.lload[i];
			search(&b, i);
			if (b.lload[i] == before)
				break; /* ended at its own skip: u_i is 0 now */
		}
	}
	finish_duals(&b);
	size_t m = g->off[g->nl];
	for (size_t e = 0; e < m; e++)
		if (b.x[e]) {
			s->weight += g->w[e];
			s->matched++;
		}
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

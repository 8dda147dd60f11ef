/* General min-cost flow by successive shortest paths (see mcf.h).
 *
 * Lower bounds are shifted out, every negative-cost arc is saturated first
 * (so all residual arcs have cost >= 0 and zero potentials are valid), then
 * Dijkstra from all nodes with excess finds the nearest node with a deficit,
 * the potentials are updated (they stay valid: reduced costs >= 0) and the
 * path is augmented by its bottleneck. Plain and exact; costs and potentials
 * are checked for overflow. */
#include "match/mcf.h"

#include <stdlib.h>
#include <string.h>

int match_mcf_alloc(struct match_mcf *g, uint32_t n, size_t m)
{
	memset(g, 0, sizeof(*g));
	if (m > SIZE_MAX / 16)
		return -1;
	size_t mm = m ? m : 1, nn = n ? n : 1;
	g->tail = calloc(mm, sizeof(uint32_t));
	g->head = calloc(mm, sizeof(uint32_t));
	g->low = calloc(mm, sizeof(int64_t));
	g->cap = calloc(mm, sizeof(int64_t));
	g->cost = calloc(mm, sizeof(int64_t));
	g->supply = calloc(nn, sizeof(int64_t));
	if (!g->tail || !g->head || !g->low || !g->cap || !g->cost || !g->supply) {
		match_mcf_free(g);
		return -1;
	}
	g->n = n;
	g->m = m;
	return 0;
}

void match_mcf_free(struct match_mcf *g)
{
	free(g->tail);
	free(g->head);
	free(g->low);
	free(g->cap);
	free(g->cost);
	free(g->supply);
	memset(g, 0, sizeof(*g));
}

void match_mcf_solution_free(struct match_mcf_solution *s)
{
	free(s->flow);
	free(s->pot);
	s->flow = s->pot = NULL;
}

static int add_ok(int64_t a, int64_t b, int64_t *r)
{
	return !__builtin_add_overflow(a, b, r);
}

/* ---- binary heap of (key, node) with lazy deletion ---------------------- */

struct hent {
	int64_t key;
	uint32_t node;
};

struct lheap {
	struct hent *a;
	size_t n, cap;
};

static int hless(const struct hent *x, const struct hent *y)
{
	return x->key < y->key || (x->key == y->key && x->node < y->node);
}

static int lheap_push(struct lheap *h, int64_t key, uint32_t node)
{
	if (h->n == h->cap) {
		size_t nc = h->cap ? 2 * h->cap : 64;
		struct hent *na = realloc(h->a, nc * sizeof(*na));
		if (!na)
			return -1;
		h->a = na;
		h->cap = nc;
	}
	size_t i = h->n++;
	struct hent e = { key, node };
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (!hless(&e, &h->a[p]))
			break;
		h->a[i] = h->a[p];
		i = p;
	}
	h->a[i] = e;
	return 0;
}

static struct hent lheap_pop(struct lheap *h)
{
	struct hent top = h->a[0], last = h->a[--h->n];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && hless(&h->a[c + 1], &h->a[c]))
			c++;
		if (!hless(&h->a[c], &last))
			break;
		h->a[i] = h->a[c];
		i = c;
	}
	if (h->n > 0)
		h->a[i] = last;
	return top;
}

/* ---- solver ------------------------------------------------------------- */

struct mcf {
	const struct match_mcf *g;
	size_t *first;   /* n + 1: residual arcs leaving node v (ids in adj[]) */
	size_t *adj;     /* residual arc ids, grouped by tail */
	int64_t *res;    /* 2m residual capacities: 2k forward, 2k+1 backward */
	int64_t *excess; /* n */
	int64_t *pot, *dist;
	size_t *pred;    /* residual arc that reached v, SIZE_MAX = none */
	uint32_t *mark;  /* search stamp when reached */
	uint8_t *done;
	uint32_t *touched;
	struct lheap heap;
};

static uint32_t rtail(const struct match_mcf *g, size_t a)
{
	return a & 1 ? g->head[a / 2] : g->tail[a / 2];
}

static uint32_t rhead(const struct match_mcf *g, size_t a)
{
	return a & 1 ? g->tail[a / 2] : g->head[a / 2];
}

static int64_t rcost(const struct match_mcf *g, size_t a)
{
	return a & 1 ? -g->cost[a / 2] : g->cost[a / 2];
}

static void mcf_release(struct mcf *c)
{
	free(c->first);
	free(c->adj);
	free(c->res);
	free(c->excess);
	free(c->dist);
	free(c->pred);
	free(c->mark);
	free(c->done);
	free(c->touched);
	free(c->heap.a);
}

static int check_input(const struct match_mcf *g, const char **why)
{
	int64_t sum = 0;
	for (uint32_t v = 0; v < g->n; v++) {
		int64_t s = g->supply[v];
		if (s > MATCH_MCF_VMAX || s < -MATCH_MCF_VMAX || !add_ok(sum, s, &sum)) {
			*why = "supply out of range";
			return -1;
		}
	}
	if (sum != 0) {
		*why = "supplies do not sum to zero";
		return -1;
	}
	for (size_t k = 0; k < g->m; k++) {
		if (g->tail[k] >= g->n || g->head[k] >= g->n) {
			*why = "arc to a missing node";
			return -1;
		}
		if (match_mcf_low(g, k) < 0 || match_mcf_low(g, k) > g->cap[k] || g->cap[k] > MATCH_MCF_VMAX) {
			*why = "bad arc bounds";
			return -1;
		}
		if (g->cost[k] > MATCH_MCF_VMAX || g->cost[k] < -MATCH_MCF_VMAX) {
			*why = "cost out of range";
			return -1;
		}
	}
	return 0;
}

int match_mcf_solve(const struct match_mcf *g, struct match_mcf_solution *s,
		    const char **why)
{
	const char *dummy;
	if (!why)
		why = &dummy;
	memset(s, 0, sizeof(*s));
	if (check_input(g, why) < 0)
		return -1;
	struct mcf c;
	memset(&c, 0, sizeof(c));
	c.g = g;
	size_t n = g->n, m = g->m, nn = n ? n : 1, m2 = m ? 2 * m : 1;
	c.first = calloc(nn + 1, sizeof(size_t));
	c.adj = calloc(m2, sizeof(size_t));
	c.res = calloc(m2, sizeof(int64_t));
	c.excess = calloc(nn, sizeof(int64_t));
	c.dist = calloc(nn, sizeof(int64_t));
	c.pred = calloc(nn, sizeof(size_t));
	c.mark = calloc(nn, sizeof(uint32_t));
	c.done = calloc(nn, 1);
	c.touched = calloc(nn, sizeof(uint32_t));
	s->flow = calloc(m ? m : 1, sizeof(int64_t));
	s->pot = calloc(nn, sizeof(int64_t));
	if (!c.first || !c.adj || !c.res || !c.excess || !c.dist || !c.pred ||
	    !c.mark || !c.done || !c.touched || !s->flow || !s->pot) {
		*why = "out of memory";
		goto fail;
	}
	c.pot = s->pot;
	for (size_t a = 0; a < 2 * m; a++)
		c.first[rtail(g, a) + 1]++;
	for (size_t v = 0; v < n; v++)
		c.first[v + 1] += c.first[v];
	{
		size_t *fill = calloc(nn, sizeof(size_t));
		if (!fill) {
			*why = "out of memory";
			goto fail;
		}
		for (size_t a = 0; a < 2 * m; a++) {
			uint32_t t = rtail(g, a);
			c.adj[c.first[t] + fill[t]++] = a;
		}
		free(fill);
	}
	for (uint32_t v = 0; v < n; v++)
		c.excess[v] = g->supply[v];
	for (size_t k = 0; k < m; k++) {
		int64_t r = g->cap[k] - match_mcf_low(g, k);
		c.excess[g->tail[k]] -= match_mcf_low(g, k);
		c.excess[g->head[k]] += match_mcf_low(g, k);
		if (g->cost[k] < 0) {
			c.res[2 * k + 1] = r;
			c.excess[g->tail[k]] -= r;
			c.excess[g->head[k]] += r;
		} else {
			c.res[2 * k] = r;
		}
	}
	/* Excesses stay within +-(sum of |supply| + sum of capacities) which
	 * could overflow only for absurd inputs: check once. */
	{
		int64_t tot = 0;
		for (size_t k = 0; k < m; k++)
			if (!add_ok(tot, g->cap[k], &tot)) {
				*why = "capacities too large";
				goto fail;
			}
		for (uint32_t v = 0; v < n; v++)
			if (!add_ok(tot, g->supply[v] < 0 ? -g->supply[v] : g->supply[v], &tot)) {
				*why = "supplies too large";
				goto fail;
			}
	}

	uint32_t stamp = 0;
	for (;;) {
		size_t ntouched = 0;
		if (++stamp == 0) {
			memset(c.mark, 0, nn * sizeof(uint32_t));
			stamp = 1;
		}
		c.heap.n = 0;
		for (uint32_t v = 0; v < n; v++)
			if (c.excess[v] > 0) {
				c.mark[v] = stamp;
				c.done[v] = 0;
				c.dist[v] = 0;
				c.pred[v] = SIZE_MAX;
				c.touched[ntouched++] = v;
				if (lheap_push(&c.heap, 0, v) < 0) {
					*why = "out of memory";
					goto fail;
				}
			}
		if (ntouched == 0)
			break;
		uint32_t t = UINT32_MAX;
		int64_t D = 0;
		while (c.heap.n > 0) {
			struct hent h = lheap_pop(&c.heap);
			uint32_t x = h.node;
			if (c.done[x] || h.key != c.dist[x])
				continue;
			c.done[x] = 1;
			if (c.excess[x] < 0) {
				t = x;
				D = h.key;
				break;
			}
			for (size_t i = c.first[x]; i < c.first[x + 1]; i++) {
				size_t a = c.adj[i];
				if (c.res[a] <= 0)
					continue;
				uint32_t y = rhead(g, a);
				int64_t rc, nd;
				if (!add_ok(rcost(g, a), c.pot[x], &rc) || !add_ok(rc, -c.pot[y], &rc) ||
				    !add_ok(h.key, rc, &nd)) {
					*why = "cost range too large";
					goto fail;
				}
				if (rc < 0) {
					*why = "internal: negative reduced cost";
					goto fail;
				}
				if (c.mark[y] == stamp && (c.done[y] || nd >= c.dist[y]))
					continue;
				if (c.mark[y] != stamp) {
					c.mark[y] = stamp;
					c.done[y] = 0;
					c.touched[ntouched++] = y;
				}
				c.dist[y] = nd;
				c.pred[y] = a;
				if (lheap_push(&c.heap, nd, y) < 0) {
					*why = "out of memory";
					goto fail;
				}
			}
		}
		if (t == UINT32_MAX) {
			*why = "infeasible: supplies cannot all be routed";
			goto fail;
		}
		for (size_t i = 0; i < ntouched; i++) {
			uint32_t v = c.touched[i];
			if (c.done[v] && c.dist[v] < D)
				c.pot[v] -= D - c.dist[v];
		}
		/* Bottleneck, then augment. */
		int64_t delta = -c.excess[t];
		uint32_t v = t;
		while (c.pred[v] != SIZE_MAX) {
			size_t a = c.pred[v];
			if (c.res[a] < delta)
				delta = c.res[a];
			v = rtail(g, a);
		}
		if (c.excess[v] < delta)
			delta = c.excess[v];
		v = t;
		while (c.pred[v] != SIZE_MAX) {
			size_t a = c.pred[v];
			c.res[a] -= delta;
			c.res[a ^ 1] += delta;
			v = rtail(g, a);
		}
		c.excess[v] -= delta;
		c.excess[t] += delta;
		s->augmentations++;
	}
	for (uint32_t v = 0; v < n; v++)
		if (c.excess[v] != 0) {
			*why = "infeasible";
			goto fail;
		}
	int64_t cost = 0;
	for (size_t k = 0; k < m; k++) {
		s->flow[k] = match_mcf_low(g, k) + c.res[2 * k + 1];
		int64_t p;
		if (__builtin_mul_overflow(s->flow[k], g->cost[k], &p) || !add_ok(cost, p, &cost)) {
			*why = "objective out of range";
			goto fail;
		}
	}
	s->cost = cost;
	mcf_release(&c);
	return 0;
fail:
	mcf_release(&c);
	match_mcf_solution_free(s);
	return -1;
}

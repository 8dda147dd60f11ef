/* The certificate checks accept optimal solutions and catch wrong ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "match/flow.h"
#include "match/greedy.h"
#include "match/mcf.h"

static uint64_t rng = 99;

static uint32_t below(uint32_t n)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)((rng >> 33) % n);
}

struct inst {
	uint32_t nl, nr;
	uint32_t lcap[12], rcap[12];
	size_t off[13];
	uint32_t to[144];
	int64_t w[144];
	struct match_bm_graph g;
};

static void make(struct inst *t, uint32_t nl, uint32_t nr)
{
	memset(t, 0, sizeof(*t));
	t->nl = nl;
	t->nr = nr;
	size_t m = 0;
	for (uint32_t i = 0; i < nl; i++) {
		t->lcap[i] = 1 + (below(4) == 0);
		t->off[i] = m;
		for (uint32_t j = 0; j < nr; j++)
			if (below(3)) {
				t->to[m] = j;
				t->w[m++] = 1 + below(50);
			}
	}
	t->off[nl] = m;
	for (uint32_t j = 0; j < nr; j++)
		t->rcap[j] = 1 + below(2);
	t->g = (struct match_bm_graph){ .nl = nl, .nr = nr, .lcap = t->lcap, .rcap = t->rcap,
					.off = t->off, .to = t->to, .w = t->w };
}

/* A copy of a solution whose arrays can be changed. */
struct copy {
	uint8_t x[144];
	int64_t u[12], v[12];
	struct match_bm_solution s;
};

static void copy_of(struct copy *c, const struct inst *t, const struct match_bm_solution *s)
{
	memcpy(c->x, s->x, t->off[t->nl]);
	memcpy(c->u, s->u, t->nl * sizeof(int64_t));
	memcpy(c->v, s->v, t->nr * sizeof(int64_t));
	c->s = *s;
	c->s.x = c->x;
	c->s.u = c->u;
	c->s.v = c->v;
}

static void bm_wrong_solutions(void **state)
{
	(void)state;
	int caught_greedy = 0;
	for (int round = 0; round < 300; round++) {
		struct inst t;
		make(&t, 3 + below(8), 3 + below(8));
		struct match_bm_solution s;
		const char *why = NULL;
		assert_int_equal(match_bm_solve(&t.g, &s, &why), 0);
		assert_int_equal(match_bm_certify(&t.g, &s, &why), 0);
		size_t m = t.off[t.nl];
		struct copy c;

		/* Dropping a chosen edge (and fixing the reported totals). */
		for (size_t e = 0; e < m; e++)
			if (s.x[e]) {
				copy_of(&c, &t, &s);
				c.x[e] = 0;
				c.s.weight -= t.w[e];
				c.s.matched--;
				assert_int_equal(match_bm_certify(&t.g, &c.s, &why), -1);
				break;
			}
		/* Adding an edge that was left out. */
		for (size_t e = 0; e < m; e++)
			if (!s.x[e]) {
				copy_of(&c, &t, &s);
				c.x[e] = 1;
				c.s.weight += t.w[e];
				c.s.matched++;
				assert_int_equal(match_bm_certify(&t.g, &c.s, &why), -1);
				break;
			}
		/* A dual raised far: a chosen edge gets a positive reduced cost,
		 * or a node with room gets a positive dual. */
		copy_of(&c, &t, &s);
		c.u[0] += 1000;
		assert_int_equal(match_bm_certify(&t.g, &c.s, &why), -1);
		/* All duals zero: some edge left out is no longer covered. */
		copy_of(&c, &t, &s);
		memset(c.u, 0, sizeof(c.u));
		memset(c.v, 0, sizeof(c.v));
		if (s.matched < m)
			assert_int_equal(match_bm_certify(&t.g, &c.s, &why), -1);
		/* Negative duals, wrong totals, a non-0/1 edge value. */
		copy_of(&c, &t, &s);
		c.v[0] = -1;
		assert_int_equal(match_bm_certify(&t.g, &c.s, &why), -1);
		copy_of(&c, &t, &s);
		c.s.weight++;
		assert_int_equal(match_bm_certify(&t.g, &c.s, &why), -1);
		if (m) {
			copy_of(&c, &t, &s);
			c.x[0] = 2;
			assert_int_equal(match_bm_certify(&t.g, &c.s, &why), -1);
		}

		/* The greedy solution, when it is not optimal, fails with the
		 * optimum's duals and with the trivial duals u_i = max weight. */
		int64_t gw;
		size_t gm;
		copy_of(&c, &t, &s);
		assert_int_equal(match_greedy(&t.g, c.x, &gw, &gm), 0);
		c.s.weight = gw;
		c.s.matched = gm;
		if (gw < s.weight) {
			caught_greedy++;
			assert_int_equal(match_bm_certify(&t.g, &c.s, &why), -1);
			for (uint32_t i = 0; i < t.nl; i++) {
				c.u[i] = 0;
				for (size_t e = t.off[i]; e < t.off[i + 1]; e++)
					c.u[i] = t.w[e] > c.u[i] ? t.w[e] : c.u[i];
			}
			memset(c.v, 0, sizeof(c.v));
			assert_int_equal(match_bm_certify(&t.g, &c.s, &why), -1);
		} else {
			assert_int_equal(gw, s.weight);
		}
		match_bm_solution_free(&s);
	}
	assert_true(caught_greedy > 10);
}

static void bm_capacity_violation(void **state)
{
	(void)state;
	/* One right node with capacity 1, two left nodes that both want it. */
	size_t off[3] = { 0, 1, 2 };
	uint32_t to[2] = { 0, 0 };
	int64_t w[2] = { 5, 4 };
	uint8_t x[2] = { 1, 1 };
	int64_t u[2] = { 0, 0 }, v[1] = { 4 };
	struct match_bm_graph g = { .nl = 2, .nr = 1, .off = off, .to = to, .w = w };
	struct match_bm_solution s = { .x = x, .u = u, .v = v, .weight = 9, .matched = 2 };
	const char *why = NULL;
	assert_int_equal(match_bm_certify(&g, &s, &why), -1);
	assert_string_equal(why, "right capacity exceeded");
	/* The optimum: left 0 takes it, u = (0, 0), v = 5: left 1 has
	 * u + v = 5 >= 4 (feasible), the chosen edge is tight. */
	x[1] = 0;
	v[0] = 5;
	s.weight = 5;
	s.matched = 1;
	assert_int_equal(match_bm_certify(&g, &s, &why), 0);
	/* An edge to a node that does not exist. */
	to[1] = 3;
	assert_int_equal(match_bm_certify(&g, &s, &why), -1);
}

static void mcf_wrong_solutions(void **state)
{
	(void)state;
	/* A small transportation problem with a choice. */
	struct match_mcf g;
	assert_int_equal(match_mcf_alloc(&g, 4, 5), 0);
	uint32_t tl[5] = { 0, 0, 1, 1, 2 }, hd[5] = { 2, 3, 2, 3, 3 };
	int64_t cp[5] = { 2, 2, 2, 2, 1 }, co[5] = { 1, 3, 2, 5, 1 };
	memcpy(g.tail, tl, sizeof(tl));
	memcpy(g.head, hd, sizeof(hd));
	memcpy(g.cap, cp, sizeof(cp));
	memcpy(g.cost, co, sizeof(co));
	g.supply[0] = 2;
	g.supply[1] = 2;
	g.supply[3] = -4;
	struct match_mcf_solution s;
	const char *why = NULL;
	assert_int_equal(match_mcf_solve(&g, &s, &why), 0);
	assert_int_equal(match_mcf_certify(&g, &s, &why), 0);
	int64_t flow[5], pot[4];
	memcpy(flow, s.flow, sizeof(flow));
	memcpy(pot, s.pot, sizeof(pot));

	/* Another feasible flow, more expensive: fails with the same potentials. */
	int64_t alt[5] = { 1, 1, 0, 2, 1 };
	struct match_mcf_solution bad = { .flow = alt, .pot = pot };
	bad.cost = 0;
	for (int k = 0; k < 5; k++)
		bad.cost += alt[k] * co[k];
	assert_true(bad.cost > s.cost);
	assert_int_equal(match_mcf_certify(&g, &bad, &why), -1);
	/* Conservation broken. */
	int64_t broken[5];
	memcpy(broken, flow, sizeof(flow));
	broken[0] = broken[0] ? broken[0] - 1 : 1;
	bad.flow = broken;
	assert_int_equal(match_mcf_certify(&g, &bad, &why), -1);
	/* Potentials moved. */
	int64_t pot2[4];
	memcpy(pot2, pot, sizeof(pot));
	pot2[2] += 5;
	bad.flow = flow;
	bad.pot = pot2;
	bad.cost = s.cost;
	assert_int_equal(match_mcf_certify(&g, &bad, &why), -1);
	/* Out of bounds. */
	memcpy(broken, flow, sizeof(flow));
	broken[4] = 7;
	bad.flow = broken;
	bad.pot = pot;
	assert_int_equal(match_mcf_certify(&g, &bad, &why), -1);
	match_mcf_solution_free(&s);
	match_mcf_free(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bm_wrong_solutions),
		cmocka_unit_test(bm_capacity_violation),
		cmocka_unit_test(mcf_wrong_solutions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* The exact solvers against brute force on many small random instances, the
 * b-matching solver against the general min-cost-flow solver, and edge cases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "match/flow.h"
#include "match/mcf.h"

/* ---- small deterministic PRNG -------------------------------------------- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t rnd_below(uint32_t n)
{
	return (uint32_t)(rnd() % n);
}

/* ---- a random instance --------------------------------------------------- */

enum { MAXN = 8, MAXE = MAXN * MAXN };

struct inst {
	uint32_t nl, nr;
	uint32_t lcap[MAXN], rcap[MAXN];
	size_t off[MAXN + 1];
	uint32_t to[MAXE];
	int64_t w[MAXE];
	struct match_bm_graph g;
};

static void make_inst(struct inst *t, uint32_t nl, uint32_t nr, unsigned density,
		      int64_t wmax, int caps)
{
	memset(t, 0, sizeof(*t));
	t->nl = nl;
	t->nr = nr;
	size_t m = 0;
	for (uint32_t i = 0; i < nl; i++) {
		t->lcap[i] = caps && rnd_below(3) == 0 ? 1 + rnd_below(2) : 1;
		if (caps && rnd_below(25) == 0)
			t->lcap[i] = 0;
		t->off[i] = m;
		for (uint32_t j = 0; j < nr; j++) {
			if (rnd_below(100) >= density)
				continue;
			t->to[m] = j;
			t->w[m] = 1 + (int64_t)(rnd() % (uint64_t)wmax);
			if (rnd_below(30) == 0)
				t->w[m] = -(int64_t)rnd_below(3); /* never useful */
			m++;
		}
	}
	t->off[nl] = m;
	for (uint32_t j = 0; j < nr; j++) {
		t->rcap[j] = caps ? 1 + rnd_below(5) : 1;
		if (caps && rnd_below(25) == 0)
			t->rcap[j] = 0;
	}
	t->g = (struct match_bm_graph){ .nl = nl, .nr = nr, .lcap = t->lcap,
					.rcap = t->rcap, .off = t->off, .to = t->to,
					.w = t->w };
}

/* ---- brute force: DP over left nodes, state = remaining right capacities */

struct memo {
	uint64_t *keys;
	int64_t *vals;
	uint32_t *gen;
	uint32_t cur;
	size_t cap, used;
};

static int64_t *memo_slot(struct memo *mm, uint64_t key, int *found)
{
	size_t i = (size_t)((key * 0x9e3779b97f4a7c15ULL) >> 40) & (mm->cap - 1);
	while (mm->gen[i] == mm->cur && mm->keys[i] != key)
		i = (i + 1) & (mm->cap - 1);
	*found = mm->gen[i] == mm->cur;
	if (!*found) {
		assert_true(++mm->used < mm->cap / 2);
		mm->gen[i] = mm->cur;
		mm->keys[i] = key;
	}
	return &mm->vals[i];
}

static int64_t brute_rec(const struct inst *t, uint32_t i, uint32_t *rem, struct memo *mm)
{
	if (i == t->nl)
		return 0;
	uint64_t key = i + 1;
	for (uint32_t j = 0; j < t->nr; j++)
		key = key * 8 + rem[j];
	int found;
	int64_t *slot = memo_slot(mm, key, &found);
	if (found)
		return *slot;
	size_t e0 = t->off[i], deg = t->off[i + 1] - e0;
	int64_t best = INT64_MIN;
	for (uint32_t mask = 0; mask < (1u << deg); mask++) {
		if ((uint32_t)__builtin_popcount(mask) > t->lcap[i])
			continue;
		int ok = 1;
		int64_t gain = 0;
		for (size_t k = 0; k < deg; k++)
			if (mask & (1u << k)) {
				if (rem[t->to[e0 + k]] == 0)
					ok = 0;
				gain += t->w[e0 + k];
			}
		if (!ok)
			continue;
		for (size_t k = 0; k < deg; k++)
			if (mask & (1u << k))
				rem[t->to[e0 + k]]--;
		int64_t v = gain + brute_rec(t, i + 1, rem, mm);
		for (size_t k = 0; k < deg; k++)
			if (mask & (1u << k))
				rem[t->to[e0 + k]]++;
		if (v > best)
			best = v;
	}
	slot = memo_slot(mm, key, &found);
	*slot = best;
	return best;
}

static struct memo memo_table;

static int64_t brute(const struct inst *t)
{
	struct memo *mm = &memo_table;
	if (!mm->keys) {
		mm->cap = 1u << 21;
		mm->keys = calloc(mm->cap, sizeof(uint64_t));
		mm->vals = calloc(mm->cap, sizeof(int64_t));
		mm->gen = calloc(mm->cap, sizeof(uint32_t));
		assert_non_null(mm->gen);
	}
	mm->cur++;
	mm->used = 0;
	uint32_t rem[MAXN];
	for (uint32_t j = 0; j < t->nr; j++)
		rem[j] = t->rcap[j];
	return brute_rec(t, 0, rem, mm);
}

/* The same instance as a DIMACS-style min-cost flow: left i has supply
 * lcap[i], a skip arc to the sink, edges cost -w, right j -> sink cap rcap[j]. */
static int64_t via_mcf(const struct inst *t)
{
	struct match_mcf g;
	size_t m = t->off[t->nl];
	uint32_t sink = t->nl + t->nr;
	assert_int_equal(match_mcf_alloc(&g, sink + 1, m + t->nl + t->nr), 0);
	size_t k = 0;
	int64_t total = 0;
	for (uint32_t i = 0; i < t->nl; i++) {
		g.supply[i] = t->lcap[i];
		total += t->lcap[i];
		for (size_t e = t->off[i]; e < t->off[i + 1]; e++) {
			g.tail[k] = i;
			g.head[k] = t->nl + t->to[e];
			g.cap[k] = 1;
			g.cost[k] = -t->w[e];
			k++;
		}
		g.tail[k] = i;
		g.head[k] = sink;
		g.cap[k] = t->lcap[i];
		k++;
	}
	for (uint32_t j = 0; j < t->nr; j++) {
		g.tail[k] = t->nl + j;
		g.head[k] = sink;
		g.cap[k] = t->rcap[j];
		k++;
	}
	g.supply[sink] = -total;
	struct match_mcf_solution s;
	const char *why = NULL;
	assert_int_equal(match_mcf_solve(&g, &s, &why), 0);
	assert_int_equal(match_mcf_certify(&g, &s, &why), 0);
	int64_t cost = s.cost;
	match_mcf_solution_free(&s);
	match_mcf_free(&g);
	return -cost;
}

static void check_one(const struct inst *t)
{
	struct match_bm_solution s;
	const char *why = NULL;
	assert_int_equal(match_bm_solve(&t->g, &s, &why), 0);
	if (match_bm_certify(&t->g, &s, &why) != 0)
		fail_msg("certificate: %s", why);
	int64_t b = brute(t);
	if (s.weight != b)
		fail_msg("solver %lld, brute force %lld", (long long)s.weight, (long long)b);
	assert_int_equal(via_mcf(t), b);
	match_bm_solution_free(&s);
}

static void against_brute_force(void **state)
{
	(void)state;
	rng_state = 42;
	static const int64_t wmax[] = { 1, 2, 5, 100, 1000000007 };
	int n = 0;
	for (int round = 0; round < 600; round++) {
		struct inst t;
		uint32_t nl = 1 + rnd_below(MAXN), nr = 1 + rnd_below(MAXN);
		unsigned density = (unsigned[]){ 25, 50, 80, 100 }[rnd_below(4)];
		make_inst(&t, nl, nr, density, wmax[rnd_below(5)], round % 3 != 0);
		check_one(&t);
		n++;
	}
	/* The largest size, dense, with capacities. */
	for (int round = 0; round < 60; round++) {
		struct inst t;
		make_inst(&t, MAXN, MAXN, 100, (int64_t[]){ 3, 50, 1000 }[round % 3], 1);
		check_one(&t);
		n++;
	}
	assert_true(n >= 600);
	free(memo_table.keys);
	free(memo_table.vals);
	free(memo_table.gen);
	memset(&memo_table, 0, sizeof(memo_table));
}

static void edge_cases(void **state)
{
	(void)state;
	const char *why;
	struct match_bm_solution s;
	/* Empty graph. */
	size_t off0[1] = { 0 };
	struct match_bm_graph g0 = { .nl = 0, .nr = 0, .off = off0 };
	assert_int_equal(match_bm_solve(&g0, &s, &why), 0);
	assert_int_equal(match_bm_certify(&g0, &s, &why), 0);
	assert_int_equal(s.weight, 0);
	match_bm_solution_free(&s);
	/* Nodes but no edges. */
	size_t off1[3] = { 0, 0, 0 };
	struct match_bm_graph g1 = { .nl = 2, .nr = 3, .off = off1 };
	assert_int_equal(match_bm_solve(&g1, &s, &why), 0);
	assert_int_equal(match_bm_certify(&g1, &s, &why), 0);
	assert_int_equal(s.matched, 0);
	match_bm_solution_free(&s);
	/* Malformed: edge to a missing node, weight out of range. */
	size_t off2[2] = { 0, 1 };
	uint32_t to2[1] = { 5 };
	int64_t w2[1] = { 1 };
	struct match_bm_graph g2 = { .nl = 1, .nr = 1, .off = off2, .to = to2, .w = w2 };
	assert_int_equal(match_bm_solve(&g2, &s, &why), -1);
	to2[0] = 0;
	w2[0] = INT64_MAX;
	assert_int_equal(match_bm_solve(&g2, &s, &why), -1);
	/* Ties: two equal ways; the solver still certifies. */
	size_t off3[3] = { 0, 2, 4 };
	uint32_t to3[4] = { 0, 1, 0, 1 };
	int64_t w3[4] = { 5, 5, 5, 5 };
	struct match_bm_graph g3 = { .nl = 2, .nr = 2, .off = off3, .to = to3, .w = w3 };
	assert_int_equal(match_bm_solve(&g3, &s, &why), 0);
	assert_int_equal(match_bm_certify(&g3, &s, &why), 0);
	assert_int_equal(s.weight, 10);
	match_bm_solution_free(&s);
	/* Huge weights near the limit. */
	int64_t w4[4] = { MATCH_BM_WMAX, MATCH_BM_WMAX - 1, 1, MATCH_BM_WMAX };
	struct match_bm_graph g4 = g3;
	g4.w = w4;
	assert_int_equal(match_bm_solve(&g4, &s, &why), 0);
	assert_int_equal(match_bm_certify(&g4, &s, &why), 0);
	assert_int_equal(s.weight, MATCH_BM_WMAX + MATCH_BM_WMAX);
	match_bm_solution_free(&s);
}

/* A medium random instance: the b-matching solver agrees with the general
 * min-cost-flow solver and both certify. */
static void medium_against_mcf(void **state)
{
	(void)state;
	rng_state = 7;
	for (int round = 0; round < 6; round++) {
		uint32_t nl = 300, nr = 80;
		size_t *off = calloc(nl + 1, sizeof(size_t));
		uint32_t *to = calloc((size_t)nl * 12, sizeof(uint32_t));
		int64_t *w = calloc((size_t)nl * 12, sizeof(int64_t));
		uint32_t *lcap = calloc(nl, sizeof(uint32_t)), *rcap = calloc(nr, sizeof(uint32_t));
		size_t m = 0;
		for (uint32_t i = 0; i < nl; i++) {
			lcap[i] = round >= 3 ? 1 + rnd_below(3) : 1;
			off[i] = m;
			uint32_t j = rnd_below(nr);
			for (int k = 0; k < 12; k++) {
				j = (j + 1 + rnd_below(5)) % nr;
				int dup = 0;
				for (size_t e = off[i]; e < m; e++)
					dup |= to[e] == j;
				if (dup)
					continue;
				to[m] = j;
				w[m] = 1 + rnd_below(round % 2 ? 1000 : 4);
				m++;
			}
		}
		off[nl] = m;
		for (uint32_t j = 0; j < nr; j++)
			rcap[j] = 1 + rnd_below(5);
		struct match_bm_graph g = { .nl = nl, .nr = nr, .lcap = lcap, .rcap = rcap,
					    .off = off, .to = to, .w = w };
		struct match_bm_solution s;
		const char *why = NULL;
		assert_int_equal(match_bm_solve(&g, &s, &why), 0);
		if (match_bm_certify(&g, &s, &why))
			fail_msg("%s", why);

		struct match_mcf f;
		uint32_t sink = nl + nr;
		assert_int_equal(match_mcf_alloc(&f, sink + 1, m + nl + nr), 0);
		size_t k = 0;
		int64_t tot = 0;
		for (uint32_t i = 0; i < nl; i++) {
			f.supply[i] = lcap[i];
			tot += lcap[i];
			for (size_t e = off[i]; e < off[i + 1]; e++) {
				f.tail[k] = i;
				f.head[k] = nl + to[e];
				f.cap[k] = 1;
				f.cost[k++] = -w[e];
			}
			f.tail[k] = i;
			f.head[k] = sink;
			f.cap[k++] = lcap[i];
		}
		for (uint32_t j = 0; j < nr; j++) {
			f.tail[k] = nl + j;
			f.head[k] = sink;
			f.cap[k++] = rcap[j];
		}
		f.supply[sink] = -tot;
		struct match_mcf_solution fs;
		assert_int_equal(match_mcf_solve(&f, &fs, &why), 0);
		assert_int_equal(match_mcf_certify(&f, &fs, &why), 0);
		assert_int_equal(-fs.cost, s.weight);
		match_mcf_solution_free(&fs);
		match_mcf_free(&f);
		match_bm_solution_free(&s);
		free(off);
		free(to);
		free(w);
		free(lcap);
		free(rcap);
	}
}

/* General min-cost flow with lower bounds, negative costs and supplies. */
static void mcf_general(void **state)
{
	(void)state;
	/* 0 -> 1 -> 3, 0 -> 2 -> 3, supply 4 at 0, demand 4 at 3. */
	struct match_mcf g;
	assert_int_equal(match_mcf_alloc(&g, 4, 5), 0);
	uint32_t tl[5] = { 0, 0, 1, 2, 1 }, hd[5] = { 1, 2, 3, 3, 2 };
	int64_t lo[5] = { 0, 1, 0, 0, 0 }, cp[5] = { 3, 4, 2, 5, 1 }, co[5] = { 1, 4, 1, -1, -2 };
	memcpy(g.tail, tl, sizeof(tl));
	memcpy(g.head, hd, sizeof(hd));
	memcpy(g.low, lo, sizeof(lo));
	memcpy(g.cap, cp, sizeof(cp));
	memcpy(g.cost, co, sizeof(co));
	g.supply[0] = 4;
	g.supply[3] = -4;
	struct match_mcf_solution s;
	const char *why = NULL;
	assert_int_equal(match_mcf_solve(&g, &s, &why), 0);
	assert_int_equal(match_mcf_certify(&g, &s, &why), 0);
	/* Best: 3 units 0->1, 1 of them 1->2 (cost -2), 2 units 1->3; 1 unit 0->2
	 * (the lower bound): 3*1 + 1*(-2) + 2*1 + 1*4 + 2*(-1) = 5. */
	assert_int_equal(s.cost, 5);
	match_mcf_solution_free(&s);
	/* Infeasible: demand larger than what can flow. */
	g.supply[0] = 20;
	g.supply[3] = -20;
	assert_int_equal(match_mcf_solve(&g, &s, &why), -1);
	/* Unbalanced. */
	g.supply[3] = -3;
	assert_int_equal(match_mcf_solve(&g, &s, &why), -1);
	match_mcf_free(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(against_brute_force),
		cmocka_unit_test(edge_cases),
		cmocka_unit_test(medium_against_mcf),
		cmocka_unit_test(mcf_general),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

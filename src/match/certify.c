/* Optimality certificates, checked without trusting the solvers.
 *
 * b-matching (LP): maximise sum w_e x_e subject to, at every node, the chosen
 * edges <= capacity, and 0 <= x_e <= 1. Its dual: minimise sum cap_i u_i +
 * sum cap_j v_j + sum z_e subject to u_i + v_j + z_e >= w_e and u, v, z >= 0.
 * Given u and v the best z is z_e = max(0, w_e - u_i - v_j). Any feasible dual
 * bounds every matching from above (weak duality), so a matching whose weight
 * equals a feasible dual's value is optimal. Complementary slackness, checked
 * edge by edge and node by node: an edge left out has u_i + v_j >= w_e (z_e =
 * 0); a chosen edge has u_i + v_j <= w_e (z_e = w_e - u_i - v_j; with one edge
 * per left node it is always = w_e); u_i > 0 only at a full left node, v_j > 0
 * only at a full right node. Equal objectives are checked too.
 *
 * Min-cost flow: with potentials p and reduced costs rc = cost + p(tail) -
 * p(head), a feasible flow is optimal when rc >= 0 wherever it can grow and
 * rc <= 0 wherever it can shrink; the dual value sum_k (rc > 0 ? rc*low :
 * rc*cap) - sum_v p(v)*supply(v) is a lower bound on every feasible flow's
 * cost, and it must equal the flow's cost. */
#include "match/flow.h"
#include "match/mcf.h"

#include <stdlib.h>
#include <string.h>

static int add_ok(int64_t a, int64_t b, int64_t *r)
{
	return !__builtin_add_overflow(a, b, r);
}

static int mul_add_ok(int64_t acc, int64_t a, int64_t b, int64_t *r)
{
	int64_t p;
	return !__builtin_mul_overflow(a, b, &p) && add_ok(acc, p, r);
}

static int fail(const char **why, const char *msg)
{
	if (why)
		*why = msg;
	return -1;
}

int match_bm_certify(const struct match_bm_graph *g, const struct match_bm_solution *s,
		     const char **why)
{
	if (!g->off || g->off[0] != 0)
		return fail(why, "bad offsets");
	if (!s->x || !s->u || !s->v)
		return fail(why, "missing solution arrays");
	size_t m = g->off[g->nl];
	uint32_t *rload = calloc(g->nr ? g->nr : 1, sizeof(uint32_t));
	if (!rload)
		return fail(why, "out of memory");
	int64_t primal = 0, dual = 0;
	size_t matched = 0;
	const char *msg = NULL;
	for (uint32_t i = 0; i < g->nl && !msg; i++) {
		int64_t ui = s->u[i];
		uint32_t cap = g->lcap ? g->lcap[i] : 1, load = 0;
		if (ui < 0) {
			msg = "negative left dual";
			break;
		}
		if (g->off[i + 1] < g->off[i] || g->off[i + 1] > m) {
			msg = "bad offsets";
			break;
		}
		for (size_t e = g->off[i]; e < g->off[i + 1]; e++) {
			uint32_t j = g->to[e];
			if (j >= g->nr) {
				msg = "edge to a missing right node";
				break;
			}
			int64_t sum;
			if (!add_ok(ui, s->v[j], &sum)) {
				msg = "dual overflow";
				break;
			}
			if (s->x[e] > 1) {
				msg = "edge value not 0/1";
				break;
			}
			if (!s->x[e]) {
				if (sum < g->w[e]) {
					msg = "dual infeasible: u_i + v_j < w_ij on an edge left out";
					break;
				}
				continue;
			}
			if (sum > g->w[e]) {
				msg = "chosen edge has positive reduced cost (u_i + v_j > w_ij)";
				break;
			}
			load++;
			rload[j]++;
			matched++;
			if (!add_ok(primal, g->w[e], &primal) ||
			    !add_ok(dual, g->w[e] - sum, &dual)) {
				msg = "objective overflow";
				break;
			}
		}
		if (msg)
			break;
		if (load > cap)
			msg = "left capacity exceeded";
		else if (ui > 0 && load != cap)
			msg = "left dual positive at a node with room";
		else if (!mul_add_ok(dual, ui, cap, &dual))
			msg = "dual objective overflow";
	}
	for (uint32_t j = 0; j < g->nr && !msg; j++) {
		int64_t vj = s->v[j];
		uint32_t cap = g->rcap ? g->rcap[j] : 1;
		if (vj < 0)
			msg = "negative right dual";
		else if (rload[j] > cap)
			msg = "right capacity exceeded";
		else if (vj > 0 && rload[j] != cap)
			msg = "right dual positive at a node with room";
		else if (!mul_add_ok(dual, vj, cap, &dual))
			msg = "dual objective overflow";
	}
	free(rload);
	if (msg)
		return fail(why, msg);
	if (primal != dual)
		return fail(why, "primal and dual objectives differ");
	if (primal != s->weight || matched != s->matched)
		return fail(why, "reported weight or count is wrong");
	return 0;
}

int match_mcf_certify(const struct match_mcf *g, const struct match_mcf_solution *s,
		      const char **why)
{
	if (!s->flow || !s->pot)
		return fail(why, "missing solution arrays");
	int64_t *bal = calloc(g->n ? g->n : 1, sizeof(int64_t));
	if (!bal)
		return fail(why, "out of memory");
	const char *msg = NULL;
	int64_t primal = 0, dual = 0;
	for (size_t k = 0; k < g->m && !msg; k++) {
		uint32_t t = g->tail[k], h = g->head[k];
		int64_t f = s->flow[k], rc;
		if (t >= g->n || h >= g->n)
			msg = "arc to a missing node";
		else if (f < match_mcf_low(g, k) || f > g->cap[k])
			msg = "flow outside its bounds";
		else if (!add_ok(g->cost[k], s->pot[t], &rc) || !add_ok(rc, -s->pot[h], &rc))
			msg = "reduced cost overflow";
		else if (f < g->cap[k] && rc < 0)
			msg = "negative reduced cost on an arc that could carry more";
		else if (f > match_mcf_low(g, k) && rc > 0)
			msg = "positive reduced cost on an arc that could carry less";
		else if (!add_ok(bal[t], f, &bal[t]) || !add_ok(bal[h], -f, &bal[h]))
			msg = "balance overflow";
		else if (!mul_add_ok(primal, f, g->cost[k], &primal))
			msg = "objective overflow";
		else if (!mul_add_ok(dual, rc, rc > 0 ? match_mcf_low(g, k) : g->cap[k], &dual))
			msg = "dual objective overflow";
	}
	for (uint32_t v = 0; v < g->n && !msg; v++) {
		if (bal[v] != g->supply[v])
			msg = "flow conservation violated";
		else if (!mul_add_ok(dual, -s->pot[v], g->supply[v], &dual))
			msg = "dual objective overflow";
	}
	free(bal);
	if (msg)
		return fail(why, msg);
	if (primal != dual)
		return fail(why, "primal and dual objectives differ");
	if (primal != s->cost)
		return fail(why, "reported cost is wrong");
	return 0;
}

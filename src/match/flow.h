/* Maximum-weight bipartite b-matching, solved exactly as a min-cost flow
 * (source -> left nodes -> right nodes -> sink, with a zero-cost "skip" from
 * every left node to the sink so that a partial matching is allowed).
 *
 * The solver is a successive-shortest-path method (the Hungarian method with
 * capacities) on the bipartite structure: it keeps integer dual values u (left)
 * and v (right) feasible, u_i + v_j >= w_ij, and grows the matching along
 * shortest augmenting paths found by Dijkstra on reduced costs. At the end the
 * duals are an optimality certificate that match_bm_certify() checks in O(m)
 * without trusting the solver. A chosen edge is tight (u_i + v_j = w_ij)
 * unless both its ends have capacity above 1 (then its bound x <= 1 may carry
 * the difference). See docs/matching.md. */
#ifndef OVI_MATCH_FLOW_H
#define OVI_MATCH_FLOW_H
#include <stddef.h>
#include <stdint.h>

/* Largest accepted |weight|; keeps every intermediate sum within int64. */
#define MATCH_BM_WMAX (INT64_MAX / 8)
/* Largest node capacity. */
#define MATCH_BM_CAPMAX 1000000u

/* The instance, in CSR form by left node. Arrays are borrowed, not copied. */
struct match_bm_graph {
	uint32_t nl, nr;
	const uint32_t *lcap; /* nl capacities (0 allowed); NULL = all 1 */
	const uint32_t *rcap; /* nr capacities (0 allowed); NULL = all 1 */
	const size_t *off;    /* nl + 1: edges of left i are off[i] .. off[i+1]-1 */
	const uint32_t *to;   /* right endpoint of each edge */
	const int64_t *w;     /* weight of each edge; edges with w <= 0 are never used */
};

struct match_bm_stats {
	uint64_t searches;       /* Dijkstra searches */
	uint64_t greedy;         /* edges placed by the initial greedy pass */
	uint64_t rights_settled; /* right nodes taken from the heap */
	uint64_t lefts_scanned;  /* left nodes whose edges were scanned */
	uint64_t relaxations;    /* edges looked at during searches */
};

struct match_bm_solution {
	uint8_t *x;     /* per edge: 1 when in the matching */
	int64_t *u;     /* per left node: dual value, >= 0 */
	int64_t *v;     /* per right node: dual value, >= 0 */
	int64_t weight; /* sum of the weights of the chosen edges */
	size_t matched; /* number of chosen edges */
	struct match_bm_stats stats;
};

/* Solve. 0 on success (s filled; free with match_bm_solution_free()), -1 on a
 * malformed graph (*why says what) or out of memory. Deterministic. */
int match_bm_solve(const struct match_bm_graph *g, struct match_bm_solution *s,
		   const char **why);
void match_bm_solution_free(struct match_bm_solution *s);

/* Independent O(n + m) check that s is an optimal b-matching of g:
 * primal feasibility (0/1 edges, capacities), dual feasibility (u, v >= 0,
 * u_i + v_j >= w_ij on every edge), complementary slackness (chosen edges are
 * tight; u_i > 0 only at full left nodes, v_j > 0 only at full right nodes)
 * and equal primal and dual objectives. 0 when it holds, else -1 and *why. */
int match_bm_certify(const struct match_bm_graph *g, const struct match_bm_solution *s,
		     const char **why);

#endif

/* General minimum-cost flow (the DIMACS "min" problem): a plain, exact
 * successive-shortest-path solver with node potentials, and the independent
 * optimality check of a flow with its potentials.
 *
 * Used for network events (small networks with convex node costs) and for
 * `ovi match solve` on files that are not b-matchings; the large b-matching
 * instances go to the specialised solver in flow.h. */
#ifndef OVI_MATCH_MCF_H
#define OVI_MATCH_MCF_H
#include <stddef.h>
#include <stdint.h>

/* Input limits: |cost|, capacities and |supply| at most this. */
#define MATCH_MCF_VMAX ((int64_t)1 << 62)

/* Nodes are 0 .. n-1. Flow on arc k: low[k] <= f <= cap[k]; at every node,
 * outflow - inflow = supply (the supplies must sum to 0). low may be NULL:
 * every lower bound is 0 (saves memory on large files). */
struct match_mcf {
	uint32_t n;
	size_t m;
	uint32_t *tail, *head;
	int64_t *low, *cap, *cost;
	int64_t *supply; /* n entries */
};

/* The lower bound of arc k. */
static inline int64_t match_mcf_low(const struct match_mcf *g, size_t k)
{
	return g->low ? g->low[k] : 0;
}

/* Allocate arrays for n nodes and m arcs (zeroed, low included). 0 or -1. */
int match_mcf_alloc(struct match_mcf *g, uint32_t n, size_t m);
void match_mcf_free(struct match_mcf *g);

struct match_mcf_solution {
	int64_t *flow; /* m */
	int64_t *pot;  /* n: reduced cost of arc k is cost + pot[tail] - pot[head] */
	int64_t cost;
	uint64_t augmentations;
};

/* Solve exactly. 0 on success; -1 when infeasible, malformed, out of range or
 * out of memory (*why says which). */
int match_mcf_solve(const struct match_mcf *g, struct match_mcf_solution *s,
		    const char **why);
void match_mcf_solution_free(struct match_mcf_solution *s);

/* Independent O(n + m) optimality check: bounds, conservation, and reduced
 * costs (rc >= 0 where the flow can still grow, rc <= 0 where it can still
 * shrink), plus equal primal and dual objectives. 0 or -1 with *why. */
int match_mcf_certify(const struct match_mcf *g, const struct match_mcf_solution *s,
		      const char **why);

#endif

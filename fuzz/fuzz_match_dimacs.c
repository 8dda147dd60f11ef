/* Fuzz the DIMACS reader, the b-matching recogniser and both solvers with
 * their certificates (small networks only, so that a run stays fast). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "match/dimacs.h"
#include "match/flow.h"
#include "match/mcf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct match_mcf g;
	struct match_dimacs d;
	struct match_dimacs_limits lim = { .max_nodes = 200, .max_arcs = 2000 };
	match_dimacs_init(&d, &g, &lim);
	size_t half = size / 2;
	if (match_dimacs_feed(&d, (const char *)data, half) < 0 ||
	    match_dimacs_feed(&d, (const char *)data + half, size - half) < 0 ||
	    match_dimacs_finish(&d) < 0) {
		match_mcf_free(&g);
		return 0;
	}
	/* Keep the general solver's pseudo-polynomial work bounded. */
	int small = 1;
	for (size_t k = 0; k < g.m; k++)
		if (g.cap[k] > 1000 || g.cost[k] > 1000000 || g.cost[k] < -1000000)
			small = 0;
	for (uint32_t v = 0; v < g.n; v++)
		if (g.supply[v] > 1000 || g.supply[v] < -1000)
			small = 0;
	const char *why;
	struct match_bm_owned bm;
	if (match_dimacs_to_bm(&g, &bm, &why) == 0) {
		struct match_bm_solution s;
		if (match_bm_solve(&bm.g, &s, &why) == 0) {
			if (match_bm_certify(&bm.g, &s, &why) != 0)
				abort();
			int64_t *flow = calloc(g.m ? g.m : 1, sizeof(int64_t));
			int64_t *pot = calloc(g.n, sizeof(int64_t));
			struct match_mcf_solution fs = { .flow = flow, .pot = pot, .cost = -s.weight };
			if (match_dimacs_bm_flow(&g, &bm, &s, flow, pot) != 0 ||
			    match_mcf_certify(&g, &fs, &why) != 0)
				abort();
			if (small) {
				struct match_mcf_solution gs;
				if (match_mcf_solve(&g, &gs, &why) != 0 || gs.cost != -s.weight)
					abort();
				match_mcf_solution_free(&gs);
			}
			free(flow);
			free(pot);
			match_bm_solution_free(&s);
		}
		match_bm_owned_free(&bm);
	} else if (small) {
		struct match_mcf_solution s;
		if (match_mcf_solve(&g, &s, &why) == 0) {
			if (match_mcf_certify(&g, &s, &why) != 0)
				abort();
			match_mcf_solution_free(&s);
		}
	}
	match_mcf_free(&g);
	return 0;
}

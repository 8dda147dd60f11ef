/* DIMACS min-cost-flow files, as LEMON, GLPK and CS2 read them:
 *
 *   c any comment
 *   p min NODES ARCS
 *   n ID SUPPLY                 (only nodes with non-zero supply)
 *   a TAIL HEAD LOW CAP COST
 *
 * Nodes are numbered 1..NODES. The parser is streaming (feed it chunks of
 * any size), bounded (line length, node and arc counts) and never trusts a
 * NUL. The writer emits a b-matching in the form the b-matching reader below
 * recognises: left node i has supply cap_i, an arc to every right node it may
 * be paired with (capacity 1, cost -weight) and a "skip" arc to the sink;
 * right node j has an arc to the sink with capacity cap_j; the sink's demand
 * balances the supplies. A comment "c ovi-bonus N" records the per-pair bonus
 * of a MATCH_MAX_PEOPLE instance so that reports can show plain scores. */
#ifndef OVI_MATCH_DIMACS_H
#define OVI_MATCH_DIMACS_H
#include "match/flow.h"
#include "match/mcf.h"

#define MATCH_DIMACS_LINE_MAX 256

struct match_dimacs_limits {
	uint32_t max_nodes;
	size_t max_arcs;
};

struct match_dimacs {
	struct match_mcf *g; /* filled; owned by the caller */
	struct match_dimacs_limits lim;
	int have_p;
	size_t arcs, arcs_cap;
	size_t lineno;
	char line[MATCH_DIMACS_LINE_MAX + 1];
	size_t linelen;
	int64_t bonus; /* from "c ovi-bonus N", else 0 */
	const char *error;
	size_t error_line;
};

/* Start parsing into g (zeroed here). lim may be NULL for the defaults
 * (50 million nodes, 500 million arcs). */
void match_dimacs_init(struct match_dimacs *d, struct match_mcf *g,
		       const struct match_dimacs_limits *lim);
/* Feed the next n bytes. 0, or -1 with d->error and d->error_line set. */
int match_dimacs_feed(struct match_dimacs *d, const char *p, size_t n);
/* End of input: checks that the problem line came and every arc was given.
 * 0 or -1. On -1 the caller frees g with match_mcf_free(). */
int match_dimacs_finish(struct match_dimacs *d);
/* Parse a whole buffer (feed + finish). */
int match_dimacs_parse(const char *p, size_t n, struct match_mcf *g, int64_t *bonus,
		       const char **error, size_t *error_line);

/* A b-matching recognised in a min-cost-flow network, with the node and arc
 * correspondence needed to carry a solution back. */
struct match_bm_owned {
	struct match_bm_graph g; /* points into the arrays below */
	size_t *off;
	uint32_t *to;
	int64_t *w;
	uint32_t *lcap, *rcap;
	uint32_t *node_side;  /* per network node: 0 left, 1 right, 2 sink */
	uint32_t *node_index; /* per network node: its left or right index */
	uint32_t sink;
};

/* 0 when the network has the b-matching form (see above; arcs may come in
 * any order, edges with cost >= 0 are kept and never used), filling bm;
 * -1 otherwise (*why says what did not fit) or when out of memory. */
int match_dimacs_to_bm(const struct match_mcf *g, struct match_bm_owned *bm, const char **why);
void match_bm_owned_free(struct match_bm_owned *bm);

/* The b-matching solution as a flow with potentials on the network, so that
 * match_mcf_certify() can check it against the original file. flow and pot
 * must have room for g->m and g->n values. */
int match_dimacs_bm_flow(const struct match_mcf *g, const struct match_bm_owned *bm,
			 const struct match_bm_solution *s, int64_t *flow, int64_t *pot);

/* Write a b-matching (see above). out() gets the text in pieces and returns
 * 0, or -1 to stop. comment may be NULL or several lines without "c ". */
int match_dimacs_write_bm(const struct match_bm_graph *g, const char *comment, int64_t bonus,
			  int (*out)(void *ctx, const char *p, size_t n), void *ctx);

#endif

/* The greedy baseline: take pairs from the best weight down while both sides
 * have room (what a coordinator does by hand). Used only to report how much
 * the exact optimum gains. */
#ifndef OVI_MATCH_GREEDY_H
#define OVI_MATCH_GREEDY_H
#include "match/flow.h"

/* x (one byte per edge, may be NULL) gets the chosen edges. Ties go to the
 * lower edge index. 0, or -1 when out of memory. */
int match_greedy(const struct match_bm_graph *g, uint8_t *x, int64_t *weight, size_t *matched);

#endif

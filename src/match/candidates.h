/* The candidate graph: which participant - door opener pairs the solver looks
 * at. Door openers (and participants, for the other direction) are indexed by
 * occupation (ISCO-08 unit, minor, sub-major and major group, and sector),
 * each group ordered by region and municipality; languages, meeting modes,
 * distance and the other hard rules are checked pair by pair. Each participant
 * scans the groups from the closest occupation level down and stops as soon as
 * no remaining group can beat its K-th best pair, so a large pool does not mean
 * looking at all P x D pairs. Someone whose languages few others speak goes
 * through per-language lists instead (every allowed pair shares a language,
 * so both ways are exact). The graph keeps each participant's top K door
 * openers together with each door opener's own top K participants (ties are
 * broken by index, so the result is deterministic). */
#ifndef OVI_MATCH_CANDIDATES_H
#define OVI_MATCH_CANDIDATES_H
#include "match/match.h"

struct match_cand {
	uint32_t np, no;
	size_t *off;     /* np + 1: candidates of participant i are off[i] .. off[i+1]-1 */
	uint32_t *to;    /* door opener index, increasing within a participant */
	int32_t *score;  /* pair score (breakdown total) */
	uint8_t *reason; /* per participant: MATCH_OK, or why it has no candidate */
	uint64_t scored; /* pairs scored while building (a cost measure) */
};

/* Build the graph over the participants with pcap[i] > 0 and the door openers
 * with ocap[j] > 0 (NULL: every one). k = 0 keeps every allowed pair. The
 * history h may be NULL. 0, or -1 when out of memory. */
int match_candidates(const struct match_profile *parts, size_t np, const uint32_t *pcap,
		     const struct match_profile *opens, size_t no, const uint32_t *ocap,
		     const struct match_weights *w, const struct match_history *h,
		     uint32_t event, uint32_t k, struct match_cand *out);
void match_cand_free(struct match_cand *c);

/* The per-pair bonus that makes MATCH_MAX_PEOPLE lexicographic: larger than
 * any difference of score sums, so one more pair always wins (capacities
 * pcap/ocap as above, NULL = the profiles' own). Solver weight = score +
 * bonus. 0 for MATCH_MAX_SCORE; -1 when the weights would not fit in int64. */
int64_t match_people_bonus(const struct match_cand *c, const uint32_t *pcap,
			   const uint32_t *ocap, enum match_objective objective);

#endif

/* Parts of the pair score, shared by the scorer and the candidate index. */
#ifndef OVI_MATCH_SCORE_H
#define OVI_MATCH_SCORE_H
#include "match/match.h"

/* Occupation points of the best level the two codes share (0 and
 * MATCH_OCC_NONE when none); *level may be NULL. */
int32_t match_occ_points(const struct match_weights *w, const struct match_profile *a,
			 const struct match_profile *b, uint8_t *level);
/* Great-circle distance in whole km, or -1 when a coordinate is missing. */
int32_t match_distance_km(const struct match_profile *a, const struct match_profile *b);
/* The participant's waiting-time points. */
int32_t match_wait_points(const struct match_weights *w, const struct match_profile *p);

#endif

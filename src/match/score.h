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
/* A point on the unit sphere, precomputed once per person. */
struct match_geo {
	double x, y, z;
	uint8_t ok; /* 0: no coordinates */
};
void match_geo_of(const struct match_profile *p, struct match_geo *g);
/* Whole km between two points, -1 when one is unknown. */
int32_t match_geo_km(const struct match_geo *a, const struct match_geo *b);

/* match_pair_score() without the history lookup (callers check it when the
 * pair matters), with precomputed points. With full == 0 the distance is
 * computed only when it changes the score (distance_km may stay -1); the
 * total is the same either way. */
enum match_reason match_pair_eval(const struct match_weights *w,
				  const struct match_profile *p, const struct match_profile *d,
				  const struct match_geo *pg, const struct match_geo *dg,
				  uint32_t event, int full, struct match_breakdown *b);

/* Bits set in x (portable: no popcnt instruction assumed). */
static inline int match_popcount(uint64_t x)
{
	x = x - ((x >> 1) & 0x5555555555555555ULL);
	x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (int)((x * 0x0101010101010101ULL) >> 56);
}

/* The participant's waiting-time points. */
int32_t match_wait_points(const struct match_weights *w, const struct match_profile *p);

#endif

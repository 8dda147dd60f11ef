/* Synthetic populations for tests and benchmarks, with a realistic skew:
 * about four participants per door opener, door opener capacities 1..5, most
 * people in ICT, communication, culture, education and social work, meeting
 * languages and municipalities as in the Helsinki region, waiting times over
 * months. Deterministic for a given seed. */
#ifndef OVI_MATCH_GEN_H
#define OVI_MATCH_GEN_H
#include "match/match.h"

struct match_gen_opts {
	uint32_t participants, openers;
	uint64_t seed;
	uint32_t event;           /* put everyone in this event (0 = none) */
	uint32_t history_per_1000; /* met-or-declined pairs per 1000 participants */
};

struct match_population {
	struct match_profile *participants, *openers;
	size_t n_participants, n_openers;
	struct match_pair *history;
	size_t n_history;
};

void match_gen_defaults(struct match_gen_opts *o);
/* 0, or -1 when out of memory or the sizes are out of range. */
int match_gen(const struct match_gen_opts *o, struct match_population *pop);
void match_population_free(struct match_population *pop);

/* Names for the generator's codes (for summaries); "?" when unknown. */
const char *match_gen_language(unsigned bit); /* ISO 639-1 code */
const char *match_gen_sector(unsigned sector);

/* A small deterministic PRNG (xoshiro256**, seeded by splitmix64). */
struct match_rng {
	uint64_t s[4];
};
void match_rng_seed(struct match_rng *r, uint64_t seed);
uint64_t match_rng_next(struct match_rng *r);
/* Uniform in [0, n), n > 0. */
uint32_t match_rng_below(struct match_rng *r, uint32_t n);
/* Uniform in [0, 1). */
double match_rng_unit(struct match_rng *r);

#endif

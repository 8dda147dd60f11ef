/* Network events: k door openers and m participants meet in R rounds of
 * one-to-one meetings.
 *
 * One optimisation picks the meetings (at most R per person, no pair twice,
 * nobody paired with anyone they met or declined before): a min-cost flow in
 * which each person's first meeting earns first_meeting_bonus and every
 * meeting its pair score (plus, for MATCH_MAX_PEOPLE, a bonus that puts the
 * number of meetings first). Its optimality certificate is checked. The
 * meetings are then split into R rounds by bipartite edge colouring (each
 * round is a matching, so nobody has two meetings at once, and no pair
 * repeats). Where the numbers do not add up, a person without a table in a
 * round joins a table as a third (a participant with a door opener they may
 * meet, or a door opener with a participant), chosen by a small exact
 * assignment, rather than sitting the round out. */
#ifndef OVI_MATCH_EVENT_H
#define OVI_MATCH_EVENT_H
#include "match/match.h"

struct match_table {
	uint32_t round;               /* 0 .. rounds-1 */
	uint32_t opener, participant; /* indices into the input arrays */
	int32_t extra_participant;    /* a second participant, or -1 */
	int32_t extra_opener;         /* a second door opener, or -1 */
	int32_t score;                /* score of the main pair */
	int32_t extra_score;          /* score of the pair the third person adds */
};

struct match_event_plan {
	struct match_table *tables; /* sorted by round, then opener */
	size_t n_tables;
	unsigned rounds;
	size_t meetings;    /* pairs that meet (main pairs and thirds) */
	size_t thirds;      /* tables of three */
	size_t sitting_out; /* person-rounds without a table */
	int64_t total_score;
	int certified;      /* the pair selection's certificate was checked */
	const char *error;  /* set when match_event() returns -1 */
};

#define MATCH_EVENT_ROUNDS_MAX 20

/* Plan an event for the members of in->event (everyone when 0); pins are not
 * used. 0, or -1 with plan->error. Free with match_event_free(). */
int match_event(const struct match_input *in, const struct match_weights *w, unsigned rounds,
		struct match_event_plan *plan);
void match_event_free(struct match_event_plan *plan);

#endif

/* The matching model: who may meet whom, how good a pair is, and the run that
 * turns a pool of waiting participants and door openers into proposals.
 *
 * Pure C over arrays: no database, no I/O, no globals. The database layer
 * fills the arrays (one entry per waiting participant registration and per
 * door opener with capacity left), calls match_run() and stores the proposals;
 * the admin pages show each proposal's score breakdown and each unmatched
 * participant's reason. docs/matching.md explains the model and the solver. */
#ifndef OVI_MATCH_H
#define OVI_MATCH_H
#include <stddef.h>
#include <stdint.h>

enum { MATCH_MODE_IN_PERSON = 1, MATCH_MODE_ONLINE = 2 };

/* Limits that keep every score and sum far from int64 overflow. */
enum {
	MATCH_WEIGHT_MAX = 100000,   /* any single weight (points) */
	MATCH_CAPACITY_MAX = 1000,   /* meetings per person in one run */
	MATCH_PEOPLE_MAX = 10000000, /* participants or door openers per run */
};

/* One side of a possible meeting: a participant registration or a door
 * opener. Participants and door openers use the same fields (wait_days only
 * counts for participants). A participant person may have several waiting
 * registrations (say, for two occupations): match_run() treats them as one
 * person with one open match at a time, and proposes through the
 * registration that fits best. */
struct match_profile {
	int64_t id;             /* registration id (opaque here) */
	int64_t person;         /* person id: nobody is paired with themself */
	uint16_t isco;          /* ISCO-08 code with isco_digits digits: 2512, 251, 25 or 2 */
	uint8_t isco_digits;    /* 1..4; 0 = occupation unknown */
	uint8_t modes;          /* accepted MATCH_MODE_* (0 = none: never paired) */
	uint16_t sector;        /* programme's sector id; 0 = unknown */
	uint16_t capacity;      /* meetings in this run: participants 1, door openers 1..5 */
	uint32_t municipality;  /* 0 = unknown; compared only within the same region */
	uint32_t region;        /* 0 = unknown */
	uint32_t event;         /* event this registration belongs to, 0 = none */
	int32_t lat_e6, lon_e6; /* WGS84 in micro-degrees, valid when has_coords */
	uint8_t has_coords;
	int32_t wait_days;      /* participants: days waited so far (fairness) */
	uint8_t returned;       /* back in the pool after a match that did not happen through
	                         * no doing of theirs: returned_bonus points */
	uint64_t langs;         /* meeting languages; bit i = caller's language i */
	uint64_t tags;          /* optional preference tags this person has */
	uint64_t wants;         /* tags this person would like the other to have */
};

/* A pair of person ids that met or declined before: never paired again. */
struct match_pair {
	int64_t participant, opener;
};

/* A pair fixed by the coordinator (indices into the input arrays). */
struct match_pin {
	uint32_t participant, opener;
};

enum match_objective {
	MATCH_MAX_PEOPLE = 0, /* as many people as possible, then the best score */
	MATCH_MAX_SCORE = 1,  /* the best total score */
};

/* Settings. Every weight is in points, 0..MATCH_WEIGHT_MAX. */
struct match_weights {
	/* Occupation closeness on the ISCO-08 hierarchy; a pair gets the best level
	 * it reaches. Pairs below occ_min points are not paired at all. */
	int32_t occ_unit;      /* same 4-digit unit group */
	int32_t occ_minor;     /* same 3-digit minor group */
	int32_t occ_sub_major; /* same 2-digit sub-major group */
	int32_t occ_major;     /* same 1-digit major group */
	int32_t occ_sector;    /* same sector */
	int32_t occ_min;
	/* Place: same municipality, else same region, else near (linear decline
	 * from place_near at 0 km to 0 at near_km). */
	int32_t place_municipality, place_region, place_near, near_km;
	/* Meeting mode: points when an in-person meeting is possible (a shared
	 * in-person mode and at most in_person_max_km apart), else when online. */
	int32_t in_person_max_km;
	int32_t mode_in_person, mode_online;
	/* Optional preferences: pref_each per wanted tag the other has, at most pref_max. */
	int32_t pref_each, pref_max;
	/* Fairness: wait_per_month points per 30 days waited, counted up to wait_max_days. */
	int32_t wait_per_month, wait_max_days;
	/* Priority for someone whose match fell through (the other declined or
	 * never answered): added to their waiting points. */
	int32_t returned_bonus;
	/* Events: bonus for each person's first meeting of the event. */
	int32_t first_meeting_bonus;
	/* Candidate graph: keep each participant's top K door openers together
	 * with each door opener's top K participants; 0 = every allowed pair. */
	uint32_t candidates;
	enum match_objective objective;
};

void match_weights_default(struct match_weights *w);
/* 0 when every weight is in range; else -1 and *why names the bad setting. */
int match_weights_check(const struct match_weights *w, const char **why);

/* Why a pair is not allowed, or why a participant got no proposal. */
enum match_reason {
	MATCH_OK = 0,
	MATCH_R_SAME_PERSON,  /* the two registrations are the same person */
	MATCH_R_NOT_IN_EVENT, /* not a member of the event being matched */
	MATCH_R_LANGUAGE,     /* no shared meeting language */
	MATCH_R_OCCUPATION,   /* occupations too far apart */
	MATCH_R_MODE,         /* no shared meeting mode */
	MATCH_R_DISTANCE,     /* only in person, and too far apart */
	MATCH_R_HISTORY,      /* met or declined before */
	MATCH_R_CAPACITY,     /* no capacity (pinned already, or none offered) */
	MATCH_R_TAKEN,        /* every allowed door opener went to others */
	MATCH_R_NO_OPENERS,   /* no door opener in the pool */
	MATCH_R_ONE_AT_A_TIME, /* the person has a match from another registration */
	MATCH_R_COUNT
};
/* Stable lower-case key ("language", "taken", ...) for logs and message ids. */
const char *match_reason_key(enum match_reason r);

enum match_occ_level {
	MATCH_OCC_NONE, MATCH_OCC_MAJOR, MATCH_OCC_SECTOR, MATCH_OCC_SUB_MAJOR,
	MATCH_OCC_MINOR, MATCH_OCC_UNIT
};
enum match_place_level {
	MATCH_PLACE_NONE, MATCH_PLACE_NEAR, MATCH_PLACE_REGION, MATCH_PLACE_MUNICIPALITY
};

/* The visible score of a pair: total = the sum of the five parts. */
struct match_breakdown {
	int32_t occupation, place, mode, preference, waiting;
	int32_t total;
	uint8_t occ_level;   /* enum match_occ_level */
	uint8_t place_level; /* enum match_place_level */
	uint8_t meeting;     /* MATCH_MODE_IN_PERSON or MATCH_MODE_ONLINE */
	int32_t distance_km; /* -1 when a coordinate is missing */
};

/* Met-or-declined pairs, sorted for lookup. */
struct match_history {
	struct match_pair *pairs;
	size_t n;
};
int match_history_init(struct match_history *h, const struct match_pair *pairs, size_t n);
int match_history_has(const struct match_history *h, int64_t participant, int64_t opener);
void match_history_free(struct match_history *h);

/* The hard rules, then the score, for participant p and door opener d.
 * `event` 0 means a regular run; h may be NULL. Capacity is not looked at.
 * Returns MATCH_OK and fills *b (when b is not NULL), or the first rule that
 * forbids the pair. */
enum match_reason match_pair_score(const struct match_weights *w,
				   const struct match_profile *p,
				   const struct match_profile *d,
				   const struct match_history *h, uint32_t event,
				   struct match_breakdown *b);

struct match_input {
	const struct match_profile *participants;
	size_t n_participants;
	const struct match_profile *openers;
	size_t n_openers;
	const struct match_pair *history; /* person pairs that met or declined */
	size_t n_history;
	const struct match_pin *pins;     /* taken as given, before optimising */
	size_t n_pins;
	uint32_t event; /* 0 = regular run; else only members of this event take part */
};

struct match_proposal {
	uint32_t participant, opener; /* indices into the input arrays */
	uint8_t pinned;
	struct match_breakdown score;
};

struct match_unmatched {
	uint32_t participant;
	uint8_t reason; /* enum match_reason */
};

struct match_result {
	struct match_proposal *proposals; /* sorted by participant, then opener */
	size_t n_proposals;
	struct match_unmatched *unmatched; /* participants with capacity left */
	size_t n_unmatched;
	int64_t total_score;     /* sum of the proposals' totals */
	size_t candidate_edges;  /* pairs the solver looked at */
	int64_t people_bonus;    /* per-pair bonus used for MATCH_MAX_PEOPLE, else 0 */
	int certified;           /* 1: the optimality certificate was checked */
	const char *error;       /* set when match_run() returns -1 */
};

/* One matching run: hard rules, candidate graph, exact optimum (min-cost flow)
 * with its optimality certificate checked. Deterministic. 0 or -1 (out of
 * memory, bad input: res->error says which). Free with match_result_free(). */
int match_run(const struct match_input *in, const struct match_weights *w,
	      struct match_result *res);
void match_result_free(struct match_result *res);

#endif

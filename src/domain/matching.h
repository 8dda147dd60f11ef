/* Matching runs over the database: load the waiting registrations into the
 * pure engine (match/match.h), run it, and store the run, its proposals
 * (with their score breakdown) and the participants left unmatched (with a
 * reason) in one transaction. Staff pin pairs (every later run takes them
 * as given), exclude pairs (never proposed again) and discard runs. Runs
 * are dry runs: nothing is sent to anyone. docs/matching.md, "The database
 * side", describes the tables and the mapping. */
#ifndef OVI_MATCHING_H
#define OVI_MATCHING_H
#include <stdint.h>
#include <stdio.h>

#include "match/match.h"
#include "store/db.h"

struct matching_opts {
	struct match_weights weights;
};

/* The engine's default weights (objective: as many people as possible). */
void matching_opts_default(struct matching_opts *o);

/* Match every waiting participant registration against every waiting door
 * opener registration (people not erased), honouring the pins that still
 * fit and the exclusions, and store the run as a draft. staff_id 0 means
 * the command line. Deterministic: the same database gives the same
 * proposals. 0 and *run_id, or -1 (database error, bad weights, engine
 * failure: nothing is stored). */
int matching_run(struct db *db, const struct matching_opts *o, int64_t staff_id_or_0, int64_t now,
		 int64_t *run_id);

/* Mark a draft run discarded. 0, 1 when there is no such draft run, -1 on
 * a database error. */
int matching_discard(struct db *db, int64_t run_id, int64_t now);

/* Pin a pair for the next runs (replacing the participant registration's
 * earlier pin, removing an exclusion of the same pair). Both must be
 * waiting registrations of the right roles and of two different people.
 * 0, 1 when not allowed, -1 on a database error. */
int matching_pin(struct db *db, int64_t participant_reg, int64_t opener_reg, int64_t staff_id, int64_t now);
/* Remove the pin of a participant registration. 0 (also when none), -1. */
int matching_unpin(struct db *db, int64_t participant_reg);

/* Exclude a pair from every later run (and drop its pin). The pair is kept
 * by person: the two people are not proposed to each other through other
 * registrations either. 0, 1 when the registrations are not a participant
 * and a door opener, -1 on a database error. */
int matching_exclude(struct db *db, int64_t participant_reg, int64_t opener_reg, int64_t staff_id, int64_t now);
/* Allow an excluded pair again. 0 (also when it was not excluded), -1. */
int matching_unexclude(struct db *db, int64_t participant_reg, int64_t opener_reg);

/* `ovi match run`: a run with the default settings, then its figures on
 * `out` ("run 3: 12 participants, 4 door openers, 30 candidate pairs,
 * 4 proposals, total score 2160, certificate: verified"). Audited as
 * match_run with no staff member. Returns the exit code (0 or 1). */
int matching_cli_run(struct db *db, FILE *out);

/* The breakdown text of a proposal, "occupation=400;occ_level=unit;...":
 * the value of `key` into out (size n). 0, or -1 when missing. */
int matching_breakdown_get(const char *breakdown, const char *key, char *out, size_t n);

#endif

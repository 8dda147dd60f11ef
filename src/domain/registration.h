/* Registrations: one round of taking part, as a participant or as a door
 * opener, with its own status (docs/registration.md has the rules).
 *
 *	registration_submit     the form was valid: person, registration
 *	                        (unconfirmed), consent, eligibility, link token
 *	registration_confirm    the e-mailed link was used: status waiting
 *	registration_expire_unconfirmed   the periodic clean-up
 *
 * submit and confirm work inside the caller's transaction, so that the
 * e-mail they cause goes into the outbox in the same transaction. */
#ifndef OVI_REGISTRATION_H
#define OVI_REGISTRATION_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/token.h"
#include "domain/profile.h"
#include "store/db.h"

enum reg_role { ROLE_PARTICIPANT, ROLE_DOOR_OPENER, ROLE_COUNT };
/* "participant", "door_opener" (as stored) */
extern const char *const reg_role_codes[ROLE_COUNT];

/* ---- eligibility statements ------------------------------------------------ */

/* A statement a person must confirm to register in a role. The deployment
 * chooses them by id (settings eligibility_participant and
 * eligibility_door_opener); `text` is an English msgid. */
struct eligibility {
	const char *id, *text;
};
enum { ELIGIBILITY_MAX = 8 };
/* Every known statement, ended by {NULL, NULL}. */
extern const struct eligibility eligibility_statements[];
/* The statement with this id, or NULL. */
const struct eligibility *eligibility_find(const char *id);
/* The statements of a comma-separated list of ids, in its order, without
 * unknown ids (logged once each call) or repeats; returns how many (at most
 * max). */
size_t eligibility_list(const char *ids, const struct eligibility **out, size_t max);

/* ---- submitting ---------------------------------------------------------- */

struct reg_request {
	enum reg_role role;
	const struct profile *profile;   /* validated (profile_validate gave 0) */
	int capacity;                    /* door openers: 1-5 meetings; participants: 1 */
	const char *nonce;               /* the form's hidden nonce (token-shaped) */
	const char *const *statements;   /* eligibility ids confirmed */
	size_t nstatements;
	const char *notice_version;      /* privacy notice in force */
	const char *lang;                /* language of the page the consent was given on */
	unsigned max_participant;        /* participant_max_registrations */
	int64_t link_ttl_s;              /* lifetime of the confirmation link */
};

enum reg_outcome {
	REG_CREATED,  /* new registration; out->token is the confirmation link */
	REG_REPEATED, /* this form was submitted before: nothing new (no e-mail either) */
	REG_LIMIT,    /* a participant who has used all registrations: nothing stored */
	REG_FAILED,   /* database error: roll back */
};

struct reg_result {
	int64_t person_id, registration_id;
	enum reg_role role;   /* of the registration (the earlier one for REG_REPEATED) */
	bool pending;         /* the profile waits for the confirmation */
	char token[TOKEN_LEN + 1];
};

/* Register. Inside a transaction (roll back unless REG_CREATED or
 * REG_REPEATED). Someone whose address was confirmed before keeps their
 * stored profile until the new registration is confirmed (the new one
 * waits in registrations.pending_profile): nobody can change another
 * person's profile just by knowing their address. An older unconfirmed
 * registration of the same person and role is replaced. */
enum reg_outcome registration_submit(struct db *db, const struct reg_request *rq, int64_t now,
				     struct reg_result *out);

/* Confirmed registrations of `email` (lower-case) in `role`: what the
 * participant limit counts. 0 for an unknown address; -1 on error. */
int registration_count(struct db *db, const char *email, enum reg_role role);

/* ---- confirming ---------------------------------------------------------- */

enum reg_confirm { CONFIRM_DONE, CONFIRM_LIMIT, CONFIRM_FAILED };

/* Confirm registration id (its link token has just been used): apply a
 * pending profile, status unconfirmed -> waiting, confirmed_at, an event.
 * A registration that is no longer unconfirmed is left as it is
 * (CONFIRM_DONE). CONFIRM_LIMIT when a participant already has the most
 * confirmed registrations allowed. Inside a transaction. */
enum reg_confirm registration_confirm(struct db *db, int64_t id, unsigned max_participant, int64_t now);

/* Role and status of a registration: 0, or -1 when it does not exist.
 * status is copied into status_out (at least 24 bytes) when not NULL. */
int registration_info(struct db *db, int64_t id, enum reg_role *role, char *status_out, size_t status_len);

/* ---- clean-up ------------------------------------------------------------- */

/* Remove unconfirmed registrations created max_age_s or more before now,
 * their consents and links, and the people who then have no registration
 * at all (with all their data, by ON DELETE CASCADE). Runs its own
 * transaction. Returns how many registrations were removed, or -1. */
int registration_expire_unconfirmed(struct db *db, int64_t now, int64_t max_age_s);

#endif

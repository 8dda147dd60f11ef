/* The life of a match (table matches, migrations/008_matches.sql;
 * docs/matches.md): from a published proposal, a pair made by hand or (later)
 * a relayed contact, through the introduction e-mails, the answers and the
 * follow-up, to "met" or back to the pool.
 *
 *   introduced --a side accepts--> accepted --the other accepts--> confirmed
 *   (a side that proposes another time accepts it; the other side's answer
 *    is cleared: the match is "accepted" until they accept the new time)
 *   confirmed --"did you meet?" a day after--> met | not_met
 *   open (introduced, accepted, confirmed) --> declined | expired | cancelled
 *
 * Every function here runs in the CALLER's transaction (db_begin/commit
 * around it), writes a match_events row for what it did, queues the e-mails
 * it causes (through e->db, so a rollback sends nothing) and adds the jobs
 * for what comes next (domain/scheduler.h). e->now is "now".
 *
 * Registrations follow their matches (matches_sync_registration):
 *   participant: 'matched' while a match is open, 'met' once one is met,
 *                else 'waiting' (withdrawn/closed/expired/unconfirmed stay);
 *   door opener: 'matched' when open + met matches reach the capacity,
 *                else 'waiting'.
 * A side whose match ended through no doing of theirs (the other declined;
 * it expired after they accepted; staff cancelled it or sent it back) gets
 * registrations.returned_at: priority in the next runs (the matching's
 * returned_bonus), cleared when they are matched again. Their waiting time
 * is kept: it counts from confirmed_at, which never changes. */
#ifndef OVI_MATCHES_H
#define OVI_MATCHES_H
#include <stdbool.h>
#include <stdint.h>

#include "core/token.h"
#include "domain/email_token.h"
#include "domain/notify.h"
#include "store/db.h"

enum match_side { SIDE_PARTICIPANT = 0, SIDE_DOOR_OPENER = 1 };

/* Results besides 0 (done) and -1 (database or e-mail error: roll back). */
enum {
	MATCHES_NOT_NOW = 1,   /* the match's state does not allow this (already answered, ended, ...) */
	MATCHES_INVALID = 2,   /* bad input: unknown reason, time in the past or too far ahead, note too long */
	MATCHES_UNAVAILABLE = 3, /* create: a registration is not waiting, no capacity, the same person,
	                          * an open match already, or the pair met or declined before */
};

/* Reasons for declining, in the order the form shows them. */
extern const char *const match_decline_reasons[]; /* no_time, not_my_field, found_job, moved_away, other; NULL-ended */
bool match_decline_reason_ok(const char *code);

/* Limits of what people type (the note in characters). */
enum { MATCH_NOTE_MAX = 500, MATCH_TIME_AHEAD_DAYS = 90 };

/* "participant" / "door_opener". */
const char *match_side_key(enum match_side s);

/* Create a match and introduce it: the suggested time (domain/slot.h, not
 * overlapping either person's other open matches), both e-mails
 * ("match_intro", each in the recipient's language, with the .ics and
 * their own links), the reminder and expiry jobs, the registrations'
 * statuses. origin: "run" (proposal_id > 0), "manual" (staff_id > 0,
 * reason required), "relay" (via_match > 0). The pair must be allowed:
 * MATCHES_UNAVAILABLE otherwise. *match_id is set on 0. */
struct match_new {
	int64_t participant_reg, opener_reg;
	const char *origin;
	int64_t proposal_id;   /* 0: none */
	int64_t via_match;     /* 0: none */
	int64_t staff_id;      /* 0: none (the system) */
	const char *reason;    /* manual: why (stored in the event) */
	int score;             /* from the proposal, else 0 */
	const char *breakdown; /* from the proposal, else "" */
};
int matches_create(const struct mail_env *e, const struct match_new *n, int64_t *match_id);

/* Publish proposals of a run: ids (n of them), or every unpublished
 * proposal when n == 0. A proposal whose registrations are no longer free
 * is skipped (counted in *skipped). Sets match_runs.published_at. 0, or
 * -1; MATCHES_NOT_NOW when the run is discarded or unknown. */
int matches_publish(const struct mail_env *e, int64_t run_id, const int64_t *ids, size_t n, int64_t staff_id,
		    int *published, int *skipped);

/* A side accepts the current time. When both have: confirmed (e-mail
 * "match_confirmed" to both with the .ics, follow-up job). */
int matches_accept(const struct mail_env *e, int64_t match_id, enum match_side side);

/* A side proposes another time (start, a Unix time between now + 1 h and
 * now + MATCH_TIME_AHEAD_DAYS) and/or a note (either may be 0 / ""; not
 * both). With a time: the proposer accepts it, the other side's answer is
 * cleared, meeting_seq goes up. The other side gets "match_new_time" with
 * new links (and the new .ics when the time changed). The reminder and
 * expiry are counted again from now. */
int matches_propose_time(const struct mail_env *e, int64_t match_id, enum match_side side, int64_t start,
			 const char *note);

/* A side declines an open match with a reason (match_decline_reasons) and
 * an optional note. The other side goes back to waiting with priority and
 * is told ("match_declined", without the note: it is for staff). The
 * decliner goes back to waiting when stay is true and the reason is not
 * found_job or moved_away, else their registration is closed. */
int matches_decline(const struct mail_env *e, int64_t match_id, enum match_side side, const char *reason,
		    const char *note, bool stay);

/* A side answers "did you meet?": "met", "not_yet" (with a new start
 * time: the meeting moves there, both are told, a new follow-up) or
 * "wont". Any side's "met" makes the match met (the door opener is asked
 * for two contacts: e-mail "match_contacts", once); "wont" from either
 * makes it not_met (both back to waiting, with priority, neither's
 * registration used up). Allowed when confirmed and the meeting time has
 * passed, or when met (the other side's answer is recorded). */
int matches_met_answer(const struct mail_env *e, int64_t match_id, enum match_side side, const char *answer,
		       int64_t new_start);

/* Staff: end an open match. Both sides go back to waiting with priority
 * and are told ("match_cancelled"). reason is required. */
int matches_cancel(const struct mail_env *e, int64_t match_id, int64_t staff_id, const char *reason);

/* Staff: after a match ended (declined, expired, not_met, cancelled), put
 * each side whose registration is not waiting (closed by a decline, a
 * silent door opener) back to waiting with priority. Not for open or met
 * matches (MATCHES_NOT_NOW). */
int matches_back_to_pool(const struct mail_env *e, int64_t match_id, int64_t staff_id, const char *reason);

/* Staff: send again the e-mail that fits the state to one side, with new
 * links: the introduction (open), the follow-up question (confirmed, time
 * passed) or the request for contacts (met, door opener). */
int matches_resend(const struct mail_env *e, int64_t match_id, enum match_side side, int64_t staff_id);

/* Staff: a note on the match (1..2000 bytes). */
int matches_note(struct db *db, int64_t match_id, int64_t staff_id, const char *text, int64_t now);

/* A registration leaves (the member withdrew it or deleted the account):
 * its open matches are cancelled (actor "participant"/"door_opener",
 * reason "withdrawn"), the other sides go back with priority and are
 * told. */
int matches_release_registration(const struct mail_env *e, int64_t registration_id);

/* Recompute a registration's status from its matches (see above). */
int matches_sync_registration(struct db *db, int64_t registration_id, int64_t now, const char *actor);

/* Job handlers (domain/scheduler.h): "match_remind", "match_expire",
 * "match_followup". */
int matches_job_remind(const struct mail_env *e, int64_t match_id, int64_t due_at);
int matches_job_expire(const struct mail_env *e, int64_t match_id, int64_t due_at);
int matches_job_followup(const struct mail_env *e, int64_t match_id, int64_t due_at);

/* The .ics of a match for one side (the member area's download), malloc()ed;
 * NULL on error. */
char *matches_ics(const struct mail_env *e, int64_t match_id, enum match_side side);

/* Links in match e-mails: a one-time token for one side of one match
 * (email_tokens, purpose "match", match_id set), valid match_link_days.
 * Using it for one answer uses it up; later e-mails carry new ones. */
int matches_link_new(const struct mail_env *e, int64_t match_id, enum match_side side, char out[TOKEN_LEN + 1]);
/* What a link is worth for the match in the URL: TOKEN_OK with *side and
 * *person_id; TOKEN_UNKNOWN, TOKEN_EXPIRED, TOKEN_USED; TOKEN_WRONG when
 * the token is valid but for another match. peek changes nothing; use
 * uses it up (exactly one caller gets TOKEN_OK). */
enum token_state matches_link_peek(struct db *db, const char *token, int64_t match_id, int64_t now,
				   enum match_side *side, int64_t *person_id);
enum token_state matches_link_use(struct db *db, const char *token, int64_t match_id, int64_t now,
				  enum match_side *side, int64_t *person_id);

/* The side person_id is in match_id, for the member area: 0 with *side, or
 * 1 when the person is not part of it (or it does not exist), -1. */
int matches_side_of(struct db *db, int64_t match_id, int64_t person_id, enum match_side *side);

#endif

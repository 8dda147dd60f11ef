/* The relay (table contacts, migrations/009_relay.sql; docs/relay.md):
 * after a meeting marked met, the door opener passes on up to two contacts;
 * each becomes a new door for the same participant.
 *
 *   share (RELAY_MAX_CONTACTS per met match, in one or more goes)
 *     how "invite": Ovi e-mails the contact ("relay_invite", in the
 *                   contact's language, the door opener's message, Reply-To
 *                   the door opener, the personal link)        -> invited
 *     how "self":   the door opener writes themselves (the page gives them
 *                   the ready texts with the personal link)    -> introduced
 *   the participant is told which doors were opened ("relay_doors")
 *   the contact opens the link: registers as a door opener (prefilled)
 *                                                               -> registered
 *     - with the address the invitation went to (how "invite"), the link
 *       proves the address: the registration is confirmed on the spot and
 *       the match with the participant is made at once;
 *     - otherwise the usual confirmation e-mail, and the match is made when
 *       it is confirmed (relay_on_confirmed);
 *     the match: matches_create() with origin "relay", via_match = the
 *     meeting the contact was shared after, and the relay goes on from it.
 *   or says no thanks                                           -> declined
 *   or the link runs out (relay_link_days)                      -> expired
 *
 * A door opener who has shared nothing relay_remind_days after the meeting
 * gets a friendly reminder with tips ("relay_remind"); after
 * relay_help_days the match is on the staff "needs help" list, where staff
 * can add contacts on their behalf. A participant who found work stops the
 * relay: open invitations expire and no new ones can be made.
 *
 * Like domain/matches.h, every function runs in the CALLER's transaction,
 * queues its e-mails through e and adds its jobs. E-mails to the door
 * opener and the participant (relay_doors, relay_remind, relay_registered)
 * and the invitations (relay_invite, person_id 0: the contact is not a
 * member) are listed in match_mails of the met match. What happens to a
 * contact is a match_events row on that match: kind "contact", reason the
 * contact's new state (invited, introduced, registered, declined,
 * expired), actor door_opener, staff:<id>, contact, participant or
 * system; the reminder is kind "relay_remind". */
#ifndef OVI_RELAY_H
#define OVI_RELAY_H
#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/token.h"
#include "domain/email_token.h"
#include "domain/notify.h"
#include "store/db.h"

enum {
	RELAY_MAX_CONTACTS = 2,   /* per met match */
	RELAY_NAME_MAX = 100,     /* characters */
	RELAY_FIELD_MAX = 120,
	RELAY_NOTE_MAX = 500,
	RELAY_MESSAGE_MAX = 2000,
	RELAY_PHONE_MAX = 30,
};

/* Results besides 0 and -1 (as in domain/matches.h). */
enum {
	RELAY_NOT_NOW = 1,  /* the match is not met, two contacts are shared already, the relay stopped, ... */
	RELAY_INVALID = 2,  /* a field is wrong: see relay_contact_check */
};

/* One contact as the door opener (or staff) typed it. */
struct relay_contact_in {
	const char *name, *email, *phone, *field, *note;
	const char *lang;     /* sv, fi, en */
	const char *how;      /* invite, self */
	const char *message;  /* invite: the personal message (required); self: ignored */
	bool knows;           /* "they know I am passing on their details" (required) */
};

/* The fields of a contact, for error messages. */
enum relay_field {
	RF_NAME, RF_EMAIL, RF_PHONE, RF_FIELD, RF_NOTE, RF_LANG, RF_HOW, RF_MESSAGE, RF_KNOWS, RF_COUNT
};

/* Check one contact for match_id: name, e-mail and field required, phone
 * and note optional; lengths (in characters), valid UTF-8 without control
 * characters (newlines allowed in note and message), an e-mail address,
 * a phone number like the profile's, lang and how known, knows set, a
 * message for "invite". The address must not be the participant's or the
 * door opener's, nor a person with an open participant registration
 * ("already in the programme as a participant"), nor a contact already
 * shared for this participant or a door opener already introduced to
 * them. White space around the values does not count (relay_share stores
 * them trimmed, the address lower-cased). Fills err[] with msgids (N_
 * strings, NULL when fine; all NULL unless RELAY_INVALID). 0 when all
 * fine, RELAY_INVALID, RELAY_NOT_NOW (no such match), -1. It does not compare two contacts of
 * one submission: see relay_share. */
int relay_contact_check(struct db *db, int64_t match_id, const struct relay_contact_in *c,
			const char *err[RF_COUNT]);

/* How many more contacts match_id may get now (0..2), or -1; 0 also when
 * the match is unknown or not met, or the participant stopped the relay
 * or their registration is closed, withdrawn or erased. Declined and
 * expired contacts count: each met match passes on two at most. */
int relay_room(struct db *db, int64_t match_id);

/* Add contacts (1 or 2, each checked again: RELAY_INVALID when any is
 * wrong or both have the same address, nothing stored) to a met match, by
 * its door opener (staff_id 0) or by staff; RELAY_NOT_NOW when there is
 * not room for n (relay_room). Invitations are e-mailed (Reply-To the
 * door opener); "self" contacts get no link until relay_self_link. Each
 * contact gets a "relay_expire" job at its expires_at. The participant
 * gets one "relay_doors" e-mail listing the doors of this submission.
 * ids (n of them, or NULL) receive the new contact ids. */
int relay_share(const struct mail_env *e, int64_t match_id, const struct relay_contact_in *c, size_t n,
		int64_t staff_id, int64_t *ids);

/* The invitation as it will be sent, for the preview: malloc()ed subject,
 * text and HTML (free them), in c->lang. The links in it are placeholders
 * (a token of x's). Check c first: -1 for an unknown lang too. */
int relay_invite_preview(const struct mail_env *e, int64_t match_id, const struct relay_contact_in *c,
			 char **subject, char **text, char **html);

/* The personal link of a contact shared "self" (the door opener pastes it
 * into their own e-mail): a new token each call, the old one stops
 * working. out gets the full URL (base_url/LANG/register/door-opener?contact=TOKEN,
 * LANG the contact's). 0, RELAY_NOT_NOW (not introduced, or expired), -1
 * (also when n is too small: 512 is plenty). */
int relay_self_link(const struct mail_env *e, int64_t contact_id, char *out, size_t n);

/* The contact behind a personal link. TOKEN_OK with *contact_id;
 * TOKEN_UNKNOWN, TOKEN_EXPIRED (past expires_at, or the contact declined
 * or expired), TOKEN_USED. use: exactly one caller gets TOKEN_OK. */
enum token_state relay_link_peek(struct db *db, const char *token, int64_t now, int64_t *contact_id);
enum token_state relay_link_use(struct db *db, const char *token, int64_t now, int64_t *contact_id);

/* What we know of a contact, to prefill the registration form (arena
 * strings; "" once emptied: declined, expired, erased). 0, or -1 (also
 * when there is no such contact). */
struct relay_contact {
	int64_t id, match_id, participant_reg;
	const char *name, *email, *phone, *field, *lang, *how, *state;
	const char *opener_first_name;     /* who passed them on */
	const char *participant_first_name; /* whom they would meet */
};
int relay_contact_get(struct db *db, struct arena *a, int64_t contact_id, struct relay_contact *out);

/* The contact registered (the link was used in this transaction):
 * registration_id is their new door opener registration. When
 * `confirmed` (the address is the invited one: the registration has been
 * confirmed by the caller with registration_confirm), the match with the
 * participant is made now (*match_id, else 0; match_id may be NULL). No
 * match is made when the participant stopped the relay or their
 * registration is closed, withdrawn or erased, or the pair is not allowed
 * (matches_create): the contact is then a door opener in the pool like
 * any other. The door opener is told ("relay_registered"). 0;
 * RELAY_NOT_NOW when the contact is not invited/introduced; -1. */
int relay_registered(const struct mail_env *e, int64_t contact_id, int64_t registration_id, bool confirmed,
		     int64_t *match_id);

/* A registration was confirmed by its e-mail link: if it belongs to a
 * registered contact without a match yet, make the match now. 0 (also when
 * there is nothing to do), -1. */
int relay_on_confirmed(const struct mail_env *e, int64_t registration_id);

/* The contact says no thanks (through their link; whether the caller
 * used the token or only peeked). Declined: name, e-mail, phone, note
 * and message are emptied (lang, how, field, state and times stay for
 * the figures), and so is the invitation's copy in the outbox. Nobody is
 * told. 0, RELAY_NOT_NOW (not invited/introduced), -1. */
int relay_decline(const struct mail_env *e, int64_t contact_id);

/* The participant found work and stops the relay: relay_stopped_at, the
 * registration closed (reason found_job; unless withdrawn or closed
 * already), its open matches cancelled as when a registration is withdrawn
 * (matches_release_registration: the door openers are told and go back
 * to the pool), open invitations expire (their personal data emptied,
 * unsent invitations dropped). Contacts who registered but are not
 * confirmed yet get no match. 0 (also when stopped before),
 * RELAY_NOT_NOW (not a participant registration), -1. */
int relay_stop(const struct mail_env *e, int64_t participant_reg);

/* Job handlers: "relay_remind" (ref: a met match; remind its door opener
 * once, when nothing was shared and the relay can go on) and
 * "relay_expire" (ref: a contact; expire an unused link, emptying the
 * personal data as relay_decline does). */
int relay_job_remind(const struct mail_env *e, int64_t match_id, int64_t due_at);
int relay_job_expire(const struct mail_env *e, int64_t contact_id, int64_t due_at);

/* Called by matches.c when a match becomes met: schedules the reminder. */
int relay_on_met(const struct mail_env *e, int64_t match_id);

/* ---- the door tree ---------------------------------------------------------- */

/* One door: a door opener the participant was matched with (match_id > 0),
 * or a contact passed on who has no match yet (contact_id > 0, match_id 0). */
struct relay_node {
	int64_t match_id, contact_id;
	int parent;              /* index of the door it came from, -1 for a first door */
	int depth;               /* 1 for a first door, 2 for a contact of it, ... */
	const char *first_name;  /* always shown */
	const char *last_name;   /* staff only */
	const char *field;       /* occupation name (lang), or the contact's field as typed */
	const char *state;       /* match state, or contact state (invited, introduced, declined, expired) */
};
struct relay_tree {
	struct relay_node *nodes; /* parents before children, in order of time */
	size_t n;
	int depth;                /* the deepest level, 0 when no doors */
};
/* The doors of a participant person (all their participant registrations),
 * strings in arena a, names in lang. First doors are every match of
 * theirs not made through the relay (any state); the children of a door
 * are the relay matches made through it and the contacts shared after it
 * that have no match (a contact registered but not confirmed yet shows
 * as "registered"). A contact's name is split at the last space into
 * first_name and last_name. 0, or -1. */
int relay_tree(struct db *db, struct arena *a, int64_t person_id, const char *lang, struct relay_tree *t);

/* ---- figures ------------------------------------------------------------------ */

struct relay_figures {
	int64_t met;                 /* matches met */
	int64_t met_shared;          /* of those, with at least one contact shared */
	int64_t contacts;            /* contacts shared */
	int64_t contacts_registered; /* of those, registered */
	int64_t contacts_declined, contacts_expired;
	int64_t relay_matches;       /* matches made from contacts */
	int64_t relay_met;           /* of those, met */
	int64_t participants;        /* participant registrations with at least one met match */
	int64_t doors;               /* door openers they met (met matches), so doors/participants is the average */
	int depth_max;               /* the longest chain of met doors (1: only first doors) */
};
int relay_figures(struct db *db, struct relay_figures *f);

#endif

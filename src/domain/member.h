/* The member's self-service: logging in by e-mail link, withdrawing a
 * registration, downloading everything we hold, and erasing it.
 *
 * A member is a person (table people) who proves they own their e-mail
 * address by following a one-time link (domain/email_token.h, purpose
 * "login"). Nothing here knows about HTTP; the pages are in web/member.c. */
#ifndef OVI_MEMBER_H
#define OVI_MEMBER_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/notify.h"

#include "core/token.h"
#include "store/db.h"

enum {
	MEMBER_EMAIL_MAX = 254,      /* RFC 5321 path limit */
	MEMBER_LINKS_PER_HOUR = 5,   /* login links one person may be sent per hour */
};

/* Normalise an e-mail address as typed into out (size n): surrounding
 * white space removed, ASCII letters lower-cased (as people.email is
 * stored). Returns false when it does not look like an address: empty,
 * longer than MEMBER_EMAIL_MAX, not exactly one '@' with text on both
 * sides, or white space/control characters inside. */
bool member_email_normalise(const char *in, char *out, size_t n);

/* What a login link needs: whom it goes to and the token to put in it. */
struct member_link {
	int64_t person_id;
	char token[TOKEN_LEN + 1];
	char email[MEMBER_EMAIL_MAX + 1];
	char name[1024];             /* "First Last", for the To: header (one line) */
	char mail_lang[8];           /* the person's chosen e-mail language */
};

/* Make a login token (valid ttl_s) for the person with this (normalised)
 * address, if there is one that is not erased and fewer than
 * MEMBER_LINKS_PER_HOUR login tokens were made for them in the last hour.
 * Returns 1 (made; *out filled), 0 (nothing made: unknown address or over
 * the limit; the caller must answer exactly as for 1), -1 on a database
 * error. Run it in the caller's transaction, with the e-mail queued in the
 * same one. */
int member_login_link(struct db *db, const char *email, int64_t now, int64_t ttl_s, struct member_link *out);

/* Login tokens made for a person since `since` (for the hourly limit). */
int member_login_links_since(struct db *db, int64_t person_id, int64_t since);

/* A registration in one of these states is over: it cannot be withdrawn. */
bool member_status_final(const char *status);

enum member_withdraw_result {
	WITHDRAW_OK = 0,
	WITHDRAW_NOT_FOUND = 1,   /* no such registration of this person */
	WITHDRAW_FINAL = 2,       /* already withdrawn, expired or closed */
	WITHDRAW_ERROR = -1,
};

/* The person withdraws one of their registrations: status becomes
 * "withdrawn", with a registration_events row (actor "person"), in one
 * transaction. Its open matches are cancelled and the other side is told
 * (domain/matches.h), through e (NULL: only when there can be none, in
 * tests). */
enum member_withdraw_result member_withdraw(struct db *db, int64_t person_id, int64_t registration_id,
					    int64_t now, const struct mail_env *e);

/* Everything we hold about a person, as a JSON document (UTF-8, indented):
 * the person, their meeting languages, registrations with their status
 * history and eligibility statements, consents, and the e-mails sent to
 * them (subject, times, status; not the bodies), and their matches (their
 * own answers and notes, not the other person's data). Times are ISO 8601 UTC.
 * Returns a malloc()ed string, or NULL (unknown person or error). */
char *member_export_json(struct db *db, int64_t person_id, int64_t now);

/* Erase a person's personal data, in one transaction: e-mail (NULL), names,
 * phone, job title, introduction, link, employer and the municipality
 * (only its region is kept) are emptied, erased_at is set; open
 * registrations are withdrawn (event actor "person", reason "erased") and
 * profiles waiting for a confirmation (registrations.pending_profile) dropped;
 * sessions and e-mailed tokens are deleted; e-mails addressed to them lose
 * their recipient and contents, and unsent ones are never sent. What stays
 * (for statistics, without anything that identifies the person): the rows
 * of people, registrations, their events, eligibility and consents, and the
 * fields role, status, sector, occupation, region, experience, education,
 * meeting mode, languages, e-mail language, gender, birth year, country of
 * birth, year of arrival, and the times. Open matches are cancelled
 * first, as for a withdrawal (e as there); the notes they wrote on matches
 * and the bodies of sent match e-mails about them are emptied. Returns 0, or -1 (nothing
 * changed; also for an unknown or already erased person). */
int member_erase(struct db *db, int64_t person_id, int64_t now, const struct mail_env *e);

/* Format a Unix time as ISO 8601 UTC ("2026-11-23T14:30:00Z") into out. */
void member_iso_time(int64_t t, char out[32]);

#endif

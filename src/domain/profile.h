/* The profile a person gives when registering and edits later as a member.
 *
 * One form (templates/_profile_fields.html) serves both: a registration and
 * the member's "edit profile" page. The flow is always
 *
 *	profile_parse(&p, form)            copy and tidy what was typed
 *	profile_validate(&p, db, ...)      check it; p.error[field] = msgid
 *	profile_insert / profile_update    store it in people + person_languages
 *
 * Every value is kept as typed (tidied: trimmed, whitespace of one-line
 * fields collapsed) so that a form with errors can be shown again without
 * losing anything. Messages are English msgids (translate them with
 * ctx_tr). Limits are in characters (code points), not bytes.
 *
 * The form's field names are the names in profile_field_names[] (and
 * "languages" / "other_languages" for the meeting languages); the same
 * names are used by profile_encode, so a profile can be kept as text
 * (a pending change waiting for an e-mail confirmation) and read back with
 * form_parse + profile_parse. */
#ifndef OVI_PROFILE_H
#define OVI_PROFILE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "http/form.h"
#include "store/db.h"

enum profile_field {
	PF_FIRST_NAME,
	PF_LAST_NAME,
	PF_EMAIL,
	PF_PHONE,
	PF_MAIL_LANG,
	PF_LANGUAGES,
	PF_SECTOR,
	PF_OCCUPATION,
	PF_JOB_TITLE,
	PF_EXPERIENCE,
	PF_EDUCATION,
	PF_EMPLOYER,
	PF_MUNICIPALITY,
	PF_MEETING_MODE,
	PF_INTRO,
	PF_LINK,
	PF_GENDER,
	PF_BIRTH_YEAR,
	PF_BIRTH_COUNTRY,
	PF_ARRIVAL_YEAR,
	PF_COUNT
};

/* The form field name of each field ("first_name", ...). */
extern const char *const profile_field_names[PF_COUNT];

/* Which optional parts a form has. */
enum {
	PROFILE_PARTICIPANT = 1, /* asks the year of arrival (statistics) */
	PROFILE_DOOR_OPENER = 2, /* asks the employer */
	PROFILE_EMAIL_FIXED = 4, /* the e-mail address is shown, not edited (member) */
};

/* Limits, in characters. */
enum {
	PROFILE_NAME_MAX = 100,
	PROFILE_EMAIL_MAX = 254,
	PROFILE_PHONE_MAX = 30,
	PROFILE_TITLE_MAX = 120,
	PROFILE_EMPLOYER_MAX = 150,
	PROFILE_INTRO_MAX = 1000,
	PROFILE_LINK_MAX = 500,
	PROFILE_CODE_MAX = 16,       /* reference-data codes */
	PROFILE_EXPERIENCE_MAX = 60, /* years */
	PROFILE_MAX_LANGS = 20,      /* meeting languages in all */
};

struct profile {
	unsigned flags;
	const char *first_name, *last_name, *email, *phone;
	bool phone_shared;        /* the match may see the phone number */
	const char *mail_lang;    /* sv, fi, en */
	const char *langs[PROFILE_MAX_LANGS + 1]; /* ISO 639 codes, no duplicates */
	size_t nlangs;            /* PROFILE_MAX_LANGS + 1 means "too many" */
	const char *sector, *occupation, *job_title;
	const char *experience;   /* as typed; experience_n after validation (-1: none) */
	const char *education, *employer, *municipality, *meeting_mode, *intro, *link;
	/* Statistics only (optional, staff only). */
	const char *gender, *birth_year, *birth_country, *arrival_year; /* years as typed */
	int experience_n, birth_year_n, arrival_year_n; /* -1: not given */
	const char *error[PF_COUNT]; /* msgid of the problem with each field, or NULL */
};

/* Copy the fields of form f into p (strings in arena a), tidied. Absent
 * fields become "". Returns 0, or -1 when the arena is exhausted. */
int profile_parse(struct profile *p, const struct form *f, unsigned flags, struct arena *a);

/* Check p and set p->error[] and the numbers (experience_n, ...). `old` is
 * the stored profile when a member edits it (reference codes that staff
 * have hidden since stay valid if unchanged), else NULL. `countries` is
 * the deployment's list ("FI", "SE", "FI,SE") for municipalities. The
 * e-mail address is lower-cased. Returns the number of problems (0 = fine).
 * The arena is for scratch. */
int profile_validate(struct profile *p, struct db *db, struct arena *a, const struct profile *old,
		     const char *countries, int64_t now);

/* Syntax check of an e-mail address (local@domain, ASCII, a dot in the
 * domain; reasonable, not RFC 5322-complete). */
bool profile_email_ok(const char *s, size_t n);
/* An http:// or https:// link with a host, no spaces or quotes. */
bool profile_link_ok(const char *s, size_t n);

/* Fill p from the database (all flags set as `flags`). 0, or -1 when the
 * person does not exist or is erased. */
int profile_load(struct db *db, struct arena *a, int64_t person_id, unsigned flags, struct profile *p);

/* A new person from a validated profile: its id, or -1. */
int64_t profile_insert(struct db *db, const struct profile *p, int64_t now);

/* Store a validated profile on person_id. Fields the form did not have
 * (the e-mail with PROFILE_EMAIL_FIXED, the employer without
 * PROFILE_DOOR_OPENER, the year of arrival without PROFILE_PARTICIPANT)
 * keep their stored values. 0 or -1. */
int profile_update(struct db *db, int64_t person_id, const struct profile *p, int64_t now);

/* p as an application/x-www-form-urlencoded string with the form's field
 * names (plus "flags"), for profile_parse to read back. 0 or -1 (buffer full). */
int profile_encode(const struct profile *p, struct buf *out);

/* Whether code is among p's meeting languages. */
bool profile_has_lang(const struct profile *p, const char *code);

#endif

#include "domain/registration.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/log.h"
#include "domain/email_token.h"
#include "http/form.h"
#include "i18n/i18n.h"

const char *const reg_role_codes[ROLE_COUNT] = { "participant", "door_opener" };

/* The statements a deployment may ask for. The ids are stable (stored in
 * registration_eligibility); the texts are translated. */
const struct eligibility eligibility_statements[] = {
	{ "born_abroad", N_("I was born in another country, and I live in this country now.") },
	{ "residence_permit", N_("I have the right to live and work in this country.") },
	{ "upper_secondary",
	  N_("I have at least an upper secondary or vocational education, or several years of work experience in my field.") },
	{ "established", N_("I am established in working life in this country.") },
	{ "three_years_work", N_("I have worked in my field for at least three years.") },
	{ "national_language", N_("I speak Swedish or Finnish well enough to use it at work.") },
	{ NULL, NULL },
};

const struct eligibility *eligibility_find(const char *id)
{
	for (const struct eligibility *e = eligibility_statements; id && e->id; e++)
		if (strcmp(e->id, id) == 0)
			return e;
	return NULL;
}

size_t eligibility_list(const char *ids, const struct eligibility **out, size_t max)
{
	size_t n = 0;
	const char *s = ids ? ids : "";
	while (*s && n < max) {
		while (*s == ' ' || *s == ',')
			s++;
		size_t len = strcspn(s, ", ");
		if (!len)
			break;
		char id[48];
		if (len < sizeof(id)) {
			memcpy(id, s, len);
			id[len] = '\0';
			const struct eligibility *e = eligibility_find(id);
			bool dup = false;
			for (size_t i = 0; i < n && e; i++)
				dup |= out[i] == e;
			if (!e)
				log_warn("registration: unknown eligibility statement id in the settings (ignored)");
			else if (!dup)
				out[n++] = e;
		}
		s += len;
	}
	return n;
}

/* ---- submitting ------------------------------------------------------------ */

int registration_count(struct db *db, const char *email, enum reg_role role)
{
	return (int)db_int(db, -1,
			   "SELECT COUNT(r.id) FROM people p LEFT JOIN registrations r ON r.person_id = p.id"
			   " AND r.role = ? AND r.confirmed_at IS NOT NULL WHERE p.email = ?",
			   "ss", reg_role_codes[role], email);
}

static int count_confirmed(struct db *db, int64_t person_id, enum reg_role role, int64_t except)
{
	return (int)db_int(db, -1,
			   "SELECT COUNT(*) FROM registrations WHERE person_id = ? AND role = ?"
			   " AND confirmed_at IS NOT NULL AND id <> ?",
			   "isi", person_id, reg_role_codes[role], except);
}

static int add_event(struct db *db, int64_t id, const char *from, const char *to, const char *actor, int64_t now)
{
	return db_run(db,
		      "INSERT INTO registration_events (registration_id, at, from_status, to_status, actor)"
		      " VALUES (?, ?, ?, ?, ?)",
		      "iisss", id, now, from, to, actor);
}

/* Drop the person's unconfirmed registrations in role (the new one replaces
 * them): their consents, eligibility, events and links go with them. */
static int drop_unconfirmed(struct db *db, int64_t person_id, enum reg_role role)
{
	const char *which = "SELECT id FROM registrations WHERE person_id = ? AND role = ? AND status = 'unconfirmed'";
	char sql[256];
	snprintf(sql, sizeof(sql), "DELETE FROM consents WHERE registration_id IN (%s)", which);
	if (db_run(db, sql, "is", person_id, reg_role_codes[role]))
		return -1;
	return db_run(db, "DELETE FROM registrations WHERE person_id = ? AND role = ? AND status = 'unconfirmed'",
		      "is", person_id, reg_role_codes[role]);
}

static int64_t insert_registration(struct db *db, const struct reg_request *rq, int64_t person_id,
				   const char *pending, int64_t now)
{
	struct db_stmt *st = db_prepare(db, "INSERT INTO registrations (person_id, role, status, capacity, form_nonce,"
					    " created_at, status_at, pending_profile)"
					    " VALUES (?, ?, 'unconfirmed', ?, ?, ?, ?, ?) RETURNING id");
	int64_t id = -1;
	if (st && db_bind_int(st, 1, person_id) == 0 && db_bind_text(st, 2, reg_role_codes[rq->role]) == 0 &&
	    db_bind_int(st, 3, rq->role == ROLE_DOOR_OPENER ? rq->capacity : 1) == 0 &&
	    db_bind_text(st, 4, rq->nonce) == 0 && db_bind_int(st, 5, now) == 0 && db_bind_int(st, 6, now) == 0 &&
	    (pending ? db_bind_text(st, 7, pending) : db_bind_null(st, 7)) == 0 && db_step(st) == DB_ROW)
		id = db_col_int(st, 0);
	db_finalize(st);
	return id;
}

static enum reg_outcome repeated(struct db *db, const char *nonce, struct reg_result *out)
{
	struct db_stmt *st = db_prepare(db, "SELECT id, person_id, role, pending_profile IS NOT NULL"
					    " FROM registrations WHERE form_nonce = ?");
	enum reg_outcome r = REG_CREATED; /* meaning: not seen before */
	if (!st || db_bind_text(st, 1, nonce)) {
		r = REG_FAILED;
	} else if (db_step(st) == DB_ROW) {
		out->registration_id = db_col_int(st, 0);
		out->person_id = db_col_int(st, 1);
		const char *role = db_col_text(st, 2);
		out->role = role && strcmp(role, "door_opener") == 0 ? ROLE_DOOR_OPENER : ROLE_PARTICIPANT;
		out->pending = db_col_int(st, 3) != 0;
		r = REG_REPEATED;
	}
	db_finalize(st);
	return r;
}

enum reg_outcome registration_submit(struct db *db, const struct reg_request *rq, int64_t now,
				     struct reg_result *out)
{
	const struct profile *p = rq->profile;
	memset(out, 0, sizeof(*out));
	out->role = rq->role;
	if (!token_valid(rq->nonce) || !p->email || !*p->email || rq->role >= ROLE_COUNT)
		return REG_FAILED;
	enum reg_outcome seen = repeated(db, rq->nonce, out);
	if (seen != REG_CREATED)
		return seen;
	out->role = rq->role;

	int64_t person = db_int(db, -1, "SELECT id FROM people WHERE email = ?", "s", p->email);
	if (person > 0 && rq->role == ROLE_PARTICIPANT) {
		int used = count_confirmed(db, person, ROLE_PARTICIPANT, 0);
		if (used < 0)
			return REG_FAILED;
		if ((unsigned)used >= rq->max_participant)
			return REG_LIMIT;
	}

	char *pending = NULL;
	if (person > 0) {
		bool confirmed_before =
			db_int(db, 0, "SELECT COUNT(*) FROM registrations WHERE person_id = ? AND confirmed_at IS NOT NULL",
			       "i", person) > 0;
		if (drop_unconfirmed(db, person, rq->role))
			return REG_FAILED;
		if (confirmed_before) {
			struct buf b = BUF_INIT(64 * 1024);
			if (profile_encode(p, &b)) {
				buf_free(&b);
				return REG_FAILED;
			}
			pending = buf_detach(&b, NULL);
			out->pending = true;
		} else if (profile_update(db, person, p, now)) {
			return REG_FAILED;
		}
	} else {
		person = profile_insert(db, p, now);
		if (person < 0)
			return REG_FAILED;
	}
	out->person_id = person;

	int64_t id = insert_registration(db, rq, person, pending, now);
	free(pending);
	if (id < 0)
		return REG_FAILED;
	out->registration_id = id;
	if (add_event(db, id, "", "unconfirmed", "person", now))
		return REG_FAILED;
	for (size_t i = 0; i < rq->nstatements; i++)
		if (db_run(db, "INSERT INTO registration_eligibility (registration_id, statement) VALUES (?, ?)", "is",
			   id, rq->statements[i]))
			return REG_FAILED;
	if (db_run(db, "INSERT INTO consents (person_id, registration_id, notice_version, lang, at)"
		       " VALUES (?, ?, ?, ?, ?)",
		   "iissi", person, id, rq->notice_version, rq->lang, now))
		return REG_FAILED;
	if (email_token_create(db, "confirm", person, id, now, rq->link_ttl_s, out->token))
		return REG_FAILED;
	return REG_CREATED;
}

/* ---- confirming ------------------------------------------------------------ */

int registration_info(struct db *db, int64_t id, enum reg_role *role, char *status_out, size_t status_len)
{
	struct db_stmt *st = db_prepare(db, "SELECT role, status FROM registrations WHERE id = ?");
	int r = -1;
	if (st && db_bind_int(st, 1, id) == 0 && db_step(st) == DB_ROW) {
		const char *ro = db_col_text(st, 0), *s = db_col_text(st, 1);
		*role = ro && strcmp(ro, "door_opener") == 0 ? ROLE_DOOR_OPENER : ROLE_PARTICIPANT;
		if (status_out && status_len)
			snprintf(status_out, status_len, "%s", s ? s : "");
		r = 0;
	}
	db_finalize(st);
	return r;
}

/* Replace the stored profile of person with the text kept at submission. */
static int apply_pending(struct db *db, int64_t person, const char *text, int64_t now)
{
	struct arena *a = arena_new(1 << 20);
	if (!a)
		return -1;
	struct form f;
	struct profile p;
	int r = -1;
	if (form_parse(a, text, strlen(text), NULL, &f) == FORM_OK) {
		const char *flags = form_get(&f, "flags");
		unsigned fl = flags ? (unsigned)strtoul(flags, NULL, 10) : 0;
		if (profile_parse(&p, &f, fl & (PROFILE_PARTICIPANT | PROFILE_DOOR_OPENER), a) == 0)
			r = profile_update(db, person, &p, now);
	}
	arena_free(a);
	return r;
}

enum reg_confirm registration_confirm(struct db *db, int64_t id, unsigned max_participant, int64_t now)
{
	struct db_stmt *st = db_prepare(db, "SELECT person_id, role, status, pending_profile FROM registrations"
					    " WHERE id = ?");
	if (!st || db_bind_int(st, 1, id) || db_step(st) != DB_ROW) {
		db_finalize(st);
		return CONFIRM_FAILED;
	}
	int64_t person = db_col_int(st, 0);
	const char *ro = db_col_text(st, 1), *status = db_col_text(st, 2), *pending = db_col_text(st, 3);
	enum reg_role role = ro && strcmp(ro, "door_opener") == 0 ? ROLE_DOOR_OPENER : ROLE_PARTICIPANT;
	bool unconfirmed = status && strcmp(status, "unconfirmed") == 0;
	char *text = pending ? strdup(pending) : NULL;
	db_finalize(st);
	if (pending && !text)
		return CONFIRM_FAILED;
	enum reg_confirm r = CONFIRM_DONE;
	if (!unconfirmed)
		goto out;
	if (role == ROLE_PARTICIPANT) {
		int used = count_confirmed(db, person, ROLE_PARTICIPANT, id);
		if (used < 0) {
			r = CONFIRM_FAILED;
			goto out;
		}
		if ((unsigned)used >= max_participant) {
			r = CONFIRM_LIMIT;
			goto out;
		}
	}
	if ((text && apply_pending(db, person, text, now)) ||
	    db_run(db, "UPDATE registrations SET status = 'waiting', confirmed_at = ?, status_at = ?,"
		       " pending_profile = NULL WHERE id = ? AND status = 'unconfirmed'",
		   "iii", now, now, id) ||
	    db_changes(db) != 1 || add_event(db, id, "unconfirmed", "waiting", "person", now))
		r = CONFIRM_FAILED;
out:
	free(text);
	return r;
}

/* ---- clean-up -------------------------------------------------------------- */

/* The people whose every registration is an unconfirmed one created at or
 * before the cut-off (bound twice). */
#define DOOMED_PEOPLE                                                                                      \
	"SELECT p.id FROM people p WHERE p.id IN (SELECT person_id FROM registrations"                     \
	" WHERE status = 'unconfirmed' AND created_at <= ?) AND NOT EXISTS (SELECT 1 FROM registrations r" \
	" WHERE r.person_id = p.id AND NOT (r.status = 'unconfirmed' AND r.created_at <= ?))"

int registration_expire_unconfirmed(struct db *db, int64_t now, int64_t max_age_s)
{
	int64_t cutoff = now - max_age_s;
	if (db_begin(db))
		return -1;
	int64_t n = db_int(db, -1, "SELECT COUNT(*) FROM registrations WHERE status = 'unconfirmed' AND created_at <= ?",
			   "i", cutoff);
	/* People whose every registration is expiring go entirely: first the
	 * e-mails we sent them (the outbox would otherwise keep their address;
	 * one being handed to the SMTP server right now is left alone), then
	 * the person, and ON DELETE CASCADE takes their registrations,
	 * languages, consents and links. Then the expiring registrations of
	 * everybody else, with their consents. */
	if (n < 0 ||
	    (n > 0 &&
	     (db_run(db, "DELETE FROM outbox WHERE status <> 'sending' AND person_id IN (" DOOMED_PEOPLE ")", "ii",
		     cutoff, cutoff) ||
	      db_run(db, "DELETE FROM people WHERE id IN (" DOOMED_PEOPLE ")", "ii", cutoff, cutoff) ||
	      db_run(db,
		     "DELETE FROM consents WHERE registration_id IN (SELECT id FROM registrations"
		     " WHERE status = 'unconfirmed' AND created_at <= ?)",
		     "i", cutoff) ||
	      db_run(db, "DELETE FROM registrations WHERE status = 'unconfirmed' AND created_at <= ?", "i", cutoff))) ||
	    db_commit(db)) {
		db_rollback(db);
		return -1;
	}
	if (n > 0)
		log_info("registration: removed %lld unconfirmed registrations", (long long)n);
	return (int)n;
}

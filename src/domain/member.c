#include "domain/member.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/log.h"
#include "core/utf8.h"
#include "domain/email_token.h"
#include "domain/matches.h"

bool member_email_normalise(const char *in, char *out, size_t n)
{
	if (!in || n == 0)
		return false;
	out[0] = '\0';
	while (*in == ' ' || *in == '\t' || *in == '\r' || *in == '\n')
		in++;
	size_t len = strlen(in);
	while (len && (in[len - 1] == ' ' || in[len - 1] == '\t' || in[len - 1] == '\r' || in[len - 1] == '\n'))
		len--;
	if (len == 0 || len > MEMBER_EMAIL_MAX || len + 1 > n)
		return false;
	size_t at = len, ats = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)in[i];
		if (ch <= ' ' || ch == 0x7f)
			return false;
		if (ch == '@')
			at = i, ats++;
	}
	if (ats != 1 || at == 0 || at == len - 1 || !utf8_valid(in, len) || utf8_has_ctl(in, len))
		return false;
	for (size_t i = 0; i < len; i++) {
		char ch = in[i];
		out[i] = ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
	}
	out[len] = '\0';
	return true;
}

int member_login_links_since(struct db *db, int64_t person_id, int64_t since)
{
	return (int)db_int(db, 0, "SELECT COUNT(*) FROM email_tokens WHERE person_id = ? AND purpose = 'login'"
			      " AND created_at > ?", "ii", person_id, since);
}

static void copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

int member_login_link(struct db *db, const char *email, int64_t now, int64_t ttl_s, struct member_link *out)
{
	memset(out, 0, sizeof(*out));
	struct db_stmt *st = db_prepare(db, "SELECT id, email, first_name, last_name, mail_lang FROM people"
					    " WHERE email = ? AND erased_at IS NULL");
	if (!st)
		return -1;
	int found = 0;
	if (db_bind_text(st, 1, email)) {
		db_finalize(st);
		return -1;
	}
	enum db_step s = db_step(st);
	if (s == DB_ROW) {
		found = 1;
		out->person_id = db_col_int(st, 0);
		copy(out->email, sizeof(out->email), db_col_text(st, 1));
		const char *first = db_col_text(st, 2), *last = db_col_text(st, 3);
		snprintf(out->name, sizeof(out->name), "%s%s%s", first ? first : "", first && *first && last && *last ? " " : "",
			 last ? last : "");
		/* A header value: no control characters (names are one line
		 * when typed, but the mail must not depend on it). */
		for (char *q = out->name; *q; q++)
			if ((unsigned char)*q < ' ' || *q == 0x7f)
				*q = ' ';
		copy(out->mail_lang, sizeof(out->mail_lang), db_col_text(st, 4));
	}
	db_finalize(st);
	if (s == DB_ERR)
		return -1;
	if (!found)
		return 0;
	if (member_login_links_since(db, out->person_id, now - 3600) >= MEMBER_LINKS_PER_HOUR)
		return 0;
	if (email_token_create(db, "login", out->person_id, 0, now, ttl_s, out->token))
		return -1;
	return 1;
}

bool member_status_final(const char *status)
{
	static const char *const final[] = { "withdrawn", "expired", "closed" };
	if (!status)
		return true;
	for (size_t i = 0; i < sizeof(final) / sizeof(*final); i++)
		if (strcmp(status, final[i]) == 0)
			return true;
	return false;
}

/* The SQL twin of member_status_final. */
#define OPEN_STATUS "status NOT IN ('withdrawn', 'expired', 'closed')"

enum member_withdraw_result member_withdraw(struct db *db, int64_t person_id, int64_t registration_id,
					    int64_t now, const struct mail_env *e)
{
	if (db_begin(db))
		return WITHDRAW_ERROR;
	char status[32] = "";
	struct db_stmt *st = db_prepare(db, "SELECT status FROM registrations WHERE id = ? AND person_id = ?");
	enum db_step s = DB_ERR;
	if (st && db_bind_int(st, 1, registration_id) == 0 && db_bind_int(st, 2, person_id) == 0) {
		s = db_step(st);
		if (s == DB_ROW)
			copy(status, sizeof(status), db_col_text(st, 0));
	}
	db_finalize(st);
	enum member_withdraw_result r = WITHDRAW_OK;
	if (s == DB_ERR)
		r = WITHDRAW_ERROR;
	else if (s == DB_DONE)
		r = WITHDRAW_NOT_FOUND;
	else if (member_status_final(status))
		r = WITHDRAW_FINAL;
	else if (db_run(db, "INSERT INTO registration_events (registration_id, at, from_status, to_status, actor)"
			" VALUES (?, ?, ?, 'withdrawn', 'person')", "iis", registration_id, now, status) ||
		 db_run(db, "UPDATE registrations SET status = 'withdrawn', status_at = ? WHERE id = ?", "ii", now,
			registration_id) ||
		 (e && matches_release_registration(e, registration_id)))
		r = WITHDRAW_ERROR;
	if (r == WITHDRAW_OK) {
		if (db_commit(db)) {
			db_rollback(db);
			return WITHDRAW_ERROR;
		}
	} else {
		db_rollback(db);
	}
	return r;
}

void member_iso_time(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm) || strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, 32, "%lld", (long long)t);
}

/* ---- export ------------------------------------------------------------- */

/* A JSON string of database text. Text in the database is valid UTF-8
 * (every form field is checked); should a byte ever not be, it becomes
 * U+FFFD rather than breaking the document. */
static json_t *jstr(const char *s)
{
	if (!s)
		return json_null();
	json_t *j = json_string(s);
	if (j)
		return j;
	size_t n = strlen(s);
	struct buf b = BUF_INIT(n * 3 + 1);
	for (size_t i = 0; i < n;) {
		size_t k = 1;
		while (k <= 4 && i + k <= n && !utf8_valid(s + i, k))
			k++;
		if (k <= 4 && i + k <= n) {
			buf_add(&b, s + i, k);
			i += k;
		} else {
			buf_adds(&b, "\xef\xbf\xbd");
			i++;
		}
	}
	j = json_string(buf_str(&b));
	buf_free(&b);
	return j ? j : json_string("");
}

static json_t *jcol_text(struct db_stmt *st, int i)
{
	return db_col_null(st, i) ? json_null() : jstr(db_col_text(st, i));
}

static json_t *jcol_int(struct db_stmt *st, int i)
{
	return db_col_null(st, i) ? json_null() : json_integer(db_col_int(st, i));
}

static json_t *jcol_time(struct db_stmt *st, int i)
{
	if (db_col_null(st, i))
		return json_null();
	char t[32];
	member_iso_time(db_col_int(st, i), t);
	return json_string(t);
}

/* Columns of people, in the order of the SELECT below, and how to show them. */
static const struct {
	const char *name;
	char kind; /* s text, i integer, t time */
} person_cols[] = {
	{ "email", 's' }, { "first_name", 's' }, { "last_name", 's' }, { "phone", 's' }, { "phone_shared", 'b' },
	{ "mail_lang", 's' }, { "sector", 's' }, { "occupation", 's' }, { "job_title", 's' },
	{ "experience_years", 'i' }, { "education", 's' }, { "municipality", 's' }, { "meeting_mode", 's' },
	{ "intro", 's' }, { "link", 's' }, { "employer", 's' }, { "gender", 's' },
	{ "birth_year", 'i' }, { "birth_country", 's' }, { "arrival_year", 'i' },
	{ "created_at", 't' }, { "updated_at", 't' },
};

static json_t *col_json(struct db_stmt *st, int i, char kind)
{
	if (kind == 'b')
		return db_col_null(st, i) ? json_null() : json_boolean(db_col_int(st, i) != 0);
	return kind == 'i' ? jcol_int(st, i) : kind == 't' ? jcol_time(st, i) : jcol_text(st, i);
}

static json_t *export_person(struct db *db, int64_t person_id)
{
	struct db_stmt *st = db_prepare(db, "SELECT email, first_name, last_name, phone, phone_shared, mail_lang, sector, occupation,"
					    " job_title, experience_years, education, municipality, meeting_mode, intro, link,"
					    " employer, gender, birth_year, birth_country, arrival_year, created_at, updated_at"
					    " FROM people WHERE id = ? AND erased_at IS NULL");
	json_t *o = NULL;
	if (st && db_bind_int(st, 1, person_id) == 0 && db_step(st) == DB_ROW) {
		o = json_object();
		for (size_t i = 0; o && i < sizeof(person_cols) / sizeof(*person_cols); i++)
			if (json_object_set_new(o, person_cols[i].name, col_json(st, (int)i, person_cols[i].kind))) {
				json_decref(o);
				o = NULL;
			}
	}
	db_finalize(st);
	return o;
}

/* Run `sql` (one int64 parameter) and make an array of objects whose keys
 * are `names` and whose value kinds are `kinds` (s, i, t), column by column.
 * NULL on a database error. */
static json_t *rows_json(struct db *db, const char *sql, int64_t param, const char *const *names, const char *kinds)
{
	struct db_stmt *st = db_prepare(db, sql);
	if (!st || db_bind_int(st, 1, param)) {
		db_finalize(st);
		return NULL;
	}
	json_t *arr = json_array();
	enum db_step s = DB_DONE;
	while (arr && (s = db_step(st)) == DB_ROW) {
		json_t *o = json_object();
		for (int i = 0; o && kinds[i]; i++)
			json_object_set_new(o, names[i], col_json(st, i, kinds[i]));
		if (json_array_append_new(arr, o)) {
			json_decref(arr);
			arr = NULL;
		}
	}
	if (arr && s == DB_ERR) {
		json_decref(arr);
		arr = NULL;
	}
	db_finalize(st);
	return arr;
}

static json_t *export_languages(struct db *db, int64_t person_id)
{
	struct db_stmt *st = db_prepare(db, "SELECT lang FROM person_languages WHERE person_id = ? ORDER BY lang");
	if (!st || db_bind_int(st, 1, person_id)) {
		db_finalize(st);
		return NULL;
	}
	json_t *arr = json_array();
	enum db_step s = DB_DONE;
	while (arr && (s = db_step(st)) == DB_ROW)
		json_array_append_new(arr, jstr(db_col_text(st, 0)));
	if (arr && s == DB_ERR) {
		json_decref(arr);
		arr = NULL;
	}
	db_finalize(st);
	return arr;
}

static json_t *export_registrations(struct db *db, int64_t person_id)
{
	static const char *const names[] = { "id", "role", "status", "capacity", "created_at", "confirmed_at",
					     "status_at", "pending_profile" };
	json_t *regs = rows_json(db, "SELECT id, role, status, capacity, created_at, confirmed_at, status_at,"
				     " pending_profile FROM registrations WHERE person_id = ? ORDER BY created_at, id",
				 person_id, names, "issittts");
	if (!regs)
		return NULL;
	size_t i;
	json_t *r;
	json_array_foreach(regs, i, r) {
		int64_t id = json_integer_value(json_object_get(r, "id"));
		static const char *const ev_names[] = { "at", "from_status", "to_status", "actor", "reason" };
		json_t *events = rows_json(db, "SELECT at, from_status, to_status, actor, reason FROM registration_events"
					       " WHERE registration_id = ? ORDER BY at, id", id, ev_names, "tssss");
		static const char *const el_names[] = { "statement" };
		json_t *elig = rows_json(db, "SELECT statement FROM registration_eligibility WHERE registration_id = ?"
					     " ORDER BY statement", id, el_names, "s");
		if (!events || !elig) {
			json_decref(events);
			json_decref(elig);
			json_decref(regs);
			return NULL;
		}
		/* Eligibility as a plain list of statement ids. */
		json_t *list = json_array();
		size_t k;
		json_t *e;
		json_array_foreach(elig, k, e)
			json_array_append(list, json_object_get(e, "statement"));
		json_decref(elig);
		json_object_set_new(r, "eligibility", list);
		json_object_set_new(r, "events", events);
	}
	return regs;
}

/* The e-mails we sent (or are about to send) to the person: subject, times
 * and state, but not the bodies (which repeat what the export holds
 * anyway, plus one-time links). */
static json_t *export_emails(struct db *db, int64_t person_id)
{
	static const char *const names[] = { "to", "subject", "kind", "lang", "status", "created_at", "sent_at" };
	return rows_json(db, "SELECT to_email, subject, kind, mail_lang, status, created_at, sent_at FROM outbox"
			     " WHERE person_id = ? ORDER BY created_at, id", person_id, names, "ssssstt");
}

/* Their matches: what they answered and wrote, not the other person's data. */
static json_t *export_matches(struct db *db, int64_t person_id)
{
	static const char *const names[] = { "id", "role", "state", "meeting_at", "created_at", "state_at", "answer",
					     "met", "time_note", "decline_reason", "decline_note" };
	return rows_json(db, "SELECT m.id, r.role, m.state, m.meeting_at, m.created_at, m.state_at,"
			     " CASE WHEN r.role = 'participant' THEN m.participant_answer ELSE m.opener_answer END,"
			     " CASE WHEN r.role = 'participant' THEN m.participant_met ELSE m.opener_met END,"
			     " CASE WHEN m.time_by = r.role THEN m.time_note ELSE '' END,"
			     " CASE WHEN m.ended_by = r.role THEN m.end_reason ELSE '' END,"
			     " CASE WHEN m.ended_by = r.role THEN m.end_note ELSE '' END"
			     " FROM matches m JOIN registrations r ON r.id = m.participant OR r.id = m.door_opener"
			     " WHERE r.person_id = ? ORDER BY m.created_at, m.id", person_id, names, "isstttsssss");
}

/* The contacts they passed on (the relay): they typed them. */
static json_t *export_contacts(struct db *db, int64_t person_id)
{
	static const char *const names[] = { "name", "email", "field", "how", "state", "created_at", "state_at" };
	return rows_json(db, "SELECT c.name, c.email, c.field, c.how, c.state, c.created_at, c.state_at FROM contacts c"
			     " JOIN registrations r ON r.id = c.shared_by WHERE r.person_id = ? ORDER BY c.created_at, c.id",
			 person_id, names, "ssssstt");
}

char *member_export_json(struct db *db, int64_t person_id, int64_t now)
{
	json_t *person = export_person(db, person_id);
	if (!person)
		return NULL;
	static const char *const consent_names[] = { "notice_version", "lang", "at", "registration_id" };
	json_t *doc = json_object();
	char t[32];
	member_iso_time(now, t);
	json_object_set_new(doc, "exported_at", json_string(t));
	json_object_set_new(doc, "person", person);
	json_t *parts[] = {
		export_languages(db, person_id),
		export_registrations(db, person_id),
		rows_json(db, "SELECT notice_version, lang, at, registration_id FROM consents WHERE person_id = ?"
			      " ORDER BY at, id", person_id, consent_names, "ssti"),
		export_emails(db, person_id),
		export_matches(db, person_id),
		export_contacts(db, person_id),
	};
	static const char *const keys[] = { "languages", "registrations", "consents", "emails", "matches", "contacts" };
	bool ok = doc != NULL;
	for (size_t i = 0; i < sizeof(parts) / sizeof(*parts); i++) {
		if (!parts[i])
			ok = false;
		if (json_object_set_new(doc, keys[i], parts[i] ? parts[i] : json_null()))
			ok = false;
	}
	char *s = ok ? json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII) : NULL;
	json_decref(doc);
	return s;
}

/* ---- erasure ------------------------------------------------------------ */

int member_erase(struct db *db, int64_t person_id, int64_t now, const struct mail_env *e)
{
	if (db_begin(db))
		return -1;
	if (db_int(db, 0, "SELECT COUNT(*) FROM people WHERE id = ? AND erased_at IS NULL", "i", person_id) != 1)
		goto fail;
	/* Their open matches end first, while the other side can still be
	 * told whom the e-mail is about. */
	if (e) {
		struct db_stmt *st = db_prepare(db, "SELECT id FROM registrations WHERE person_id = ? ORDER BY id");
		int64_t regs[64];
		size_t n = 0;
		if (!st || db_bind_int(st, 1, person_id)) {
			db_finalize(st);
			goto fail;
		}
		while (n < 64 && db_step(st) == DB_ROW)
			regs[n++] = db_col_int(st, 0);
		db_finalize(st);
		for (size_t i = 0; i < n; i++)
			if (matches_release_registration(e, regs[i]))
				goto fail;
	}
	if (db_run(db, "INSERT INTO registration_events (registration_id, at, from_status, to_status, actor, reason)"
		       " SELECT id, ?, status, 'withdrawn', 'person', 'erased' FROM registrations"
		       " WHERE person_id = ? AND " OPEN_STATUS, "ii", now, person_id) ||
	    db_run(db, "UPDATE registrations SET status = 'withdrawn', status_at = ? WHERE person_id = ? AND " OPEN_STATUS,
		   "ii", now, person_id) ||
	    db_run(db, "UPDATE registrations SET pending_profile = NULL WHERE person_id = ?", "i", person_id))
		goto fail;
	/* E-mails to them: unsent ones are dropped (never sent), the others
	 * keep only their kind, language, state and times. Matched by person
	 * and by address, for mail queued before the person row existed. */
	const char *byaddr = "(person_id = ? OR to_email = (SELECT email FROM people WHERE id = ?))";
	char sql[512];
	snprintf(sql, sizeof(sql), "DELETE FROM outbox WHERE status IN ('queued', 'failed') AND %s", byaddr);
	if (db_run(db, sql, "ii", person_id, person_id))
		goto fail;
	snprintf(sql, sizeof(sql), "UPDATE outbox SET to_email = '', to_name = '', subject = '',"
		 " text_body = '', html_body = '', attach_data = '' WHERE %s", byaddr);
	if (db_run(db, sql, "ii", person_id, person_id))
		goto fail;
	/* Match e-mails that went to the other side told them about this
	 * person: their bodies go too (the rows stay). Mail still to be sent
	 * (telling the other side the match ended) is kept. */
	if (db_run(db, "UPDATE outbox SET subject = '', text_body = '', html_body = '', attach_data = ''"
		       " WHERE status IN ('sent', 'failed') AND id IN (SELECT mm.outbox_id FROM match_mails mm"
		       " JOIN matches m ON m.id = mm.match_id JOIN registrations r ON r.id = m.participant"
		       " OR r.id = m.door_opener WHERE r.person_id = ?)", "i", person_id))
		goto fail;
	/* What they wrote on their matches (notes with a new time or a
	 * decline) goes; the states and times stay for statistics. */
	if (db_run(db, "UPDATE matches SET time_note = '', end_note = '' WHERE participant IN (SELECT id FROM registrations"
		       " WHERE person_id = ?) OR door_opener IN (SELECT id FROM registrations WHERE person_id = ?)", "ii",
		   person_id, person_id) ||
	    db_run(db, "UPDATE match_events SET note = '' WHERE actor IN ('participant', 'door_opener') AND match_id IN"
		       " (SELECT m.id FROM matches m JOIN registrations r ON r.id = m.participant OR r.id = m.door_opener"
		       " WHERE r.person_id = ?)", "i", person_id))
		goto fail;
	/* The relay: what names them or was typed by them goes from the
	 * contacts they shared, the contacts shared for them as a
	 * participant and the contact rows about them (their address, or
	 * the registration it led to); the rows stay, with states and times,
	 * for the figures. Invitations not sent yet carry their name (and
	 * Reply-To): dropped. Open invitations for them as a participant
	 * cannot lead to a meeting any more: they expire. */
	if (db_run(db, "UPDATE contacts SET state = 'expired', state_at = ? WHERE state IN ('invited', 'introduced')"
		       " AND participant IN (SELECT id FROM registrations WHERE person_id = ?)", "ii", now, person_id) ||
	    db_run(db, "UPDATE contacts SET name = '', email = '', phone = '', note = '', message = ''"
		       " WHERE shared_by IN (SELECT id FROM registrations WHERE person_id = ?)"
		       " OR participant IN (SELECT id FROM registrations WHERE person_id = ?)"
		       " OR registration_id IN (SELECT id FROM registrations WHERE person_id = ?)"
		       " OR email = (SELECT email FROM people WHERE id = ?)", "iiii", person_id, person_id, person_id,
		   person_id) ||
	    db_run(db, "DELETE FROM outbox WHERE status = 'queued' AND kind = 'relay_invite' AND id IN"
		       " (SELECT mm.outbox_id FROM match_mails mm JOIN matches m ON m.id = mm.match_id"
		       " JOIN registrations r ON r.id = m.participant OR r.id = m.door_opener WHERE r.person_id = ?)", "i",
		   person_id) ||
	    db_run(db, "UPDATE outbox SET reply_to = '' WHERE kind = 'relay_invite' AND id IN (SELECT mm.outbox_id"
		       " FROM match_mails mm JOIN matches m ON m.id = mm.match_id JOIN registrations r"
		       " ON r.id = m.door_opener WHERE r.person_id = ?)", "i", person_id))
		goto fail;
	/* The region of the municipality stays; the municipality goes. */
	if (db_run(db, "UPDATE people SET region = COALESCE((SELECT r.parent FROM ref_entries r WHERE"
		       " r.kind = 'municipality' AND r.code = people.municipality), '') WHERE id = ?", "i", person_id))
		goto fail;
	if (db_run(db, "UPDATE people SET email = NULL, first_name = '', last_name = '', phone = '', job_title = '',"
		       " intro = '', link = '', employer = '', municipality = '', erased_at = ?, updated_at = ?"
		       " WHERE id = ?", "iii", now, now, person_id))
		goto fail;
	if (db_run(db, "DELETE FROM member_sessions WHERE person_id = ?", "i", person_id) ||
	    db_run(db, "DELETE FROM email_tokens WHERE person_id = ?", "i", person_id))
		goto fail;
	if (db_commit(db))
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return -1;
}

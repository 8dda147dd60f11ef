#include "domain/relay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/log.h"
#include "core/utf8.h"
#include "domain/matches.h"
#include "domain/member.h"
#include "domain/profile.h"
#include "domain/refdata.h"
#include "domain/scheduler.h"
#include "mail/mime.h"
#include "tmpl/tval.h"

#ifndef N_
#define N_(s) s
#endif

enum {
	DAY_S = 24 * 3600,
	TREE_MAX_NODES = 2000, /* far more doors than a participant ever gets */
	TREE_MAX_DEPTH = 100,
};

/* Contact states a personal link still works in. */
#define OPEN_CONTACT "('invited', 'introduced')"

static void copy(char *dst, size_t n, const char *s)
{
	snprintf(dst, n, "%s", s ? s : "");
}

static const char *S(const char *s)
{
	return s ? s : "";
}

/* ---- a met match, as the relay sees it ----------------------------------- */

struct rmatch {
	int64_t id, preg, oreg, pperson, operson, stopped_at;
	char state[16], pstatus[16];
	bool p_erased;
};

/* 0 with *m, 1 when there is no such match, -1. */
static int rmatch_load(struct db *db, int64_t id, struct rmatch *m)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT m.participant, m.door_opener, rp.person_id, ro.person_id, COALESCE(rp.relay_stopped_at, 0),"
		" m.state, rp.status, pp.erased_at IS NOT NULL"
		" FROM matches m JOIN registrations rp ON rp.id = m.participant"
		" JOIN registrations ro ON ro.id = m.door_opener JOIN people pp ON pp.id = rp.person_id WHERE m.id = ?");
	if (!st || db_bind_int(st, 1, id))
		return db_finalize(st), -1;
	enum db_step s = db_step(st);
	if (s == DB_ROW) {
		memset(m, 0, sizeof(*m));
		m->id = id;
		m->preg = db_col_int(st, 0);
		m->oreg = db_col_int(st, 1);
		m->pperson = db_col_int(st, 2);
		m->operson = db_col_int(st, 3);
		m->stopped_at = db_col_int(st, 4);
		copy(m->state, sizeof(m->state), db_col_text(st, 5));
		copy(m->pstatus, sizeof(m->pstatus), db_col_text(st, 6));
		m->p_erased = db_col_int(st, 7) != 0;
	}
	db_finalize(st);
	return s == DB_ROW ? 0 : s == DB_DONE ? 1 : -1;
}

/* The relay goes on from this match: it was met, and the participant is
 * still looking (not stopped, not closed, withdrawn or erased). */
static bool relay_open(const struct rmatch *m)
{
	return strcmp(m->state, "met") == 0 && !m->stopped_at && !m->p_erased && !member_status_final(m->pstatus) &&
	       strcmp(m->pstatus, "unconfirmed");
}

static int event(const struct mail_env *e, int64_t match, const char *kind, const char *actor, const char *reason)
{
	return db_run(e->db, "INSERT INTO match_events (match_id, at, kind, actor, reason) VALUES (?, ?, ?, ?, ?)",
		      "iisss", match, e->now, kind, actor, reason);
}

/* ---- people ---------------------------------------------------------------- */

struct person {
	int64_t id;
	const char *email, *first, *last, *job_title, *employer, *occupation;
	enum lang lang;
};

static int person_load(const struct mail_env *e, int64_t id, struct person *p)
{
	struct db_stmt *st = db_prepare(e->db, "SELECT COALESCE(email, ''), first_name, last_name, job_title, employer,"
					       " occupation, mail_lang FROM people WHERE id = ?");
	if (!st || db_bind_int(st, 1, id))
		return db_finalize(st), -1;
	enum db_step s = db_step(st);
	if (s == DB_ROW) {
		const char **f[] = { &p->email, &p->first, &p->last, &p->job_title, &p->employer, &p->occupation };
		for (int i = 0; i < 6; i++)
			if (!(*f[i] = arena_strdup(e->a, S(db_col_text(st, i)))))
				s = DB_ERR;
		p->lang = lang_from_code(db_col_text(st, 6));
		if (p->lang == LANG_COUNT)
			p->lang = LANG_EN;
		p->id = id;
	}
	db_finalize(st);
	return s == DB_ROW ? 0 : -1;
}

static const char *full_name(const struct mail_env *e, const struct person *p)
{
	const char *r = arena_printf(e->a, "%s%s%s", p->first, *p->first && *p->last ? " " : "", p->last);
	return r ? r : "";
}

static const char *url(const struct mail_env *e, enum lang l, const char *path)
{
	const char *r = path ? arena_printf(e->a, "%s/%s%s", e->cfg->base_url, lang_codes[l], path) : NULL;
	return r ? r : "";
}

static const char *occupation(const struct mail_env *e, const char *code, enum lang l)
{
	const char *n = code && *code ? refdata_name(e->db, e->a, "occupation", code, lang_codes[l]) : NULL;
	return n ? n : "";
}

/* "Name <addr>" for Reply-To, as the sender will parse it: the name
 * quoted (with \" and \\ escaped) when it survives mime_mailbox_split
 * and mime_mailbox_header unchanged, else the plain address. "" when
 * the address cannot be used (erased). */
static const char *mailbox(const struct mail_env *e, const char *name, const char *addr)
{
	if (!addr || !*addr || !mime_addr_ok(addr, strlen(addr)))
		return "";
	size_t n = strlen(name);
	if (n == 0 || n >= MIME_MAX_NAME || strpbrk(name, "<>\t"))
		return addr;
	struct buf b = BUF_INIT(2 * MIME_MAX_NAME + MIME_MAX_ADDR + 8);
	buf_addc(&b, '"');
	for (const char *p = name; *p; p++) {
		if (*p == '"' || *p == '\\')
			buf_addc(&b, '\\');
		buf_addc(&b, *p);
	}
	buf_printf(&b, "\" <%s>", addr);
	char nm[MIME_MAX_NAME + 1], ad[MIME_MAX_ADDR + 1];
	struct buf h = BUF_INIT(4096);
	const char *r = addr;
	if (mime_mailbox_split(buf_str(&b), nm, sizeof(nm), ad, sizeof(ad)) == 0 && strcmp(nm, name) == 0 &&
	    strcmp(ad, addr) == 0 && mime_mailbox_header(&h, "Reply-To", nm, strlen(nm), ad, strlen(ad)) == MIME_OK) {
		const char *q = arena_strdup(e->a, buf_str(&b));
		r = q ? q : addr;
	}
	buf_free(&b);
	buf_free(&h);
	return r;
}

/* Queue a relay mail to a person (the door opener or the participant) and
 * list it on the match, as matches.c does with its own. */
static int send_person(const struct mail_env *e, int64_t match_id, const struct person *to, const char *kind,
		       struct tval *d)
{
	if (!*to->email)
		return 0; /* erased: nobody to write to */
	int64_t id = mail_queue(e, to->lang, kind, d, to->email, full_name(e, to), to->id, NULL);
	if (id < 0)
		return -1;
	return db_run(e->db, "INSERT INTO match_mails (match_id, outbox_id) VALUES (?, ?)", "ii", match_id, id);
}

/* ---- checking what was typed ------------------------------------------------- */

/* s without the white space around it, as (pointer, length). */
static const char *trimmed(const char *s, size_t *n)
{
	s = S(s);
	size_t len = strlen(s);
	while (len && strchr(" \t\r\n", *s))
		s++, len--;
	while (len && strchr(" \t\r\n", s[len - 1]))
		len--;
	*n = len;
	return s;
}

static char *trim_dup(struct arena *a, const char *s)
{
	size_t n;
	const char *t = trimmed(s, &n);
	return arena_strndup(a, t, n);
}

enum text_fault { TEXT_OK, TEXT_EMPTY, TEXT_LONG, TEXT_BAD };

/* max characters; lines: newlines and tabs allowed (note, message). */
static enum text_fault text_check(const char *s, size_t max, bool lines)
{
	size_t n;
	s = trimmed(s, &n);
	if (n == 0)
		return TEXT_EMPTY;
	if (n > 4 * max || !utf8_valid(s, n) || utf8_has_ctl(s, n))
		return n > 4 * max ? TEXT_LONG : TEXT_BAD;
	if (!lines && (memchr(s, '\n', n) || memchr(s, '\r', n) || memchr(s, '\t', n)))
		return TEXT_BAD;
	return utf8_chars(s, n) > max ? TEXT_LONG : TEXT_OK;
}

static const char BAD_CHARS[] = N_("This field has characters that cannot be used. Please type it again.");

/* The message for a fault: NULL when fine; an empty optional field is fine. */
static const char *fault_msg(enum text_fault f, bool required, const char *empty, const char *too_long)
{
	switch (f) {
	case TEXT_EMPTY: return required ? empty : NULL;
	case TEXT_LONG: return too_long;
	case TEXT_BAD: return BAD_CHARS;
	default: return NULL;
	}
}

static bool phone_ok(const char *s, size_t n)
{
	size_t digits = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= '0' && c <= '9')
			digits++;
		else if (c == '+' ? i != 0 : !strchr(" -().", c))
			return false;
	}
	return digits >= 5 && digits <= 20;
}

/* The address as stored (trimmed, lower-case), or false. */
static bool email_norm(const char *in, char out[MEMBER_EMAIL_MAX + 1])
{
	return member_email_normalise(S(in), out, MEMBER_EMAIL_MAX + 1) && profile_email_ok(out, strlen(out)) &&
	       mime_addr_ok(out, strlen(out));
}

static bool how_ok(const char *how)
{
	return how && (strcmp(how, "invite") == 0 || strcmp(how, "self") == 0);
}

static bool invites(const struct relay_contact_in *c)
{
	return c->how && strcmp(c->how, "invite") == 0;
}

/* Who the address belongs to, for this match: a msgid, NULL when it can
 * be shared, or BAD_DB. */
static const char BAD_DB[] = "";

static const char *email_taken(struct db *db, const struct rmatch *m, const char *email)
{
	int64_t who = db_int(db, -1, "SELECT COUNT(*) FROM people WHERE email = ? AND id = ?", "si", email, m->operson);
	if (who)
		return who < 0 ? BAD_DB
			       : N_("That is the door opener's own address: enter the contact's e-mail address.");
	who = db_int(db, -1, "SELECT COUNT(*) FROM people WHERE email = ? AND id = ?", "si", email, m->pperson);
	if (who)
		return who < 0 ? BAD_DB
			       : N_("That is the participant's own address: enter the contact's e-mail address.");
	/* Passed on before for this participant (any of their registrations),
	 * or introduced to them already in some other way. */
	who = db_int(db, -1, "SELECT COUNT(*) FROM contacts c JOIN registrations r ON r.id = c.participant"
			     " WHERE r.person_id = ? AND c.email = ?", "is", m->pperson, email);
	if (!who)
		who = db_int(db, -1, "SELECT COUNT(*) FROM matches x JOIN registrations rp ON rp.id = x.participant"
				     " JOIN registrations ro ON ro.id = x.door_opener"
				     " JOIN people o ON o.id = ro.person_id"
				     " WHERE rp.person_id = ? AND o.email = ?"
				     " AND x.state IN ('introduced', 'accepted', 'confirmed', 'met', 'declined')",
			     "is", m->pperson, email);
	if (who)
		return who < 0 ? BAD_DB : N_("This person is already one of the participant's doors.");
	who = db_int(db, -1, "SELECT COUNT(*) FROM registrations r JOIN people p ON p.id = r.person_id"
			     " WHERE p.email = ? AND r.role = 'participant'"
			     " AND r.status NOT IN ('withdrawn', 'expired', 'closed')", "s", email);
	if (who)
		return who < 0 ? BAD_DB
			       : N_("This person is already in the programme as a participant, so they cannot be a door"
				    " opener now.");
	return NULL;
}

static int check_with(struct db *db, const struct rmatch *m, const struct relay_contact_in *c,
		      const char *err[RF_COUNT])
{
	for (int i = 0; i < RF_COUNT; i++)
		err[i] = NULL;
	err[RF_NAME] = fault_msg(text_check(c->name, RELAY_NAME_MAX, false), true, N_("Enter the contact's name."),
				 N_("The name is too long (at most 100 characters)."));
	char email[MEMBER_EMAIL_MAX + 1];
	size_t n;
	trimmed(c->email, &n);
	if (n == 0)
		err[RF_EMAIL] = N_("Enter the contact's e-mail address.");
	else if (!email_norm(c->email, email))
		err[RF_EMAIL] = N_("Enter the e-mail address in the form name@example.com.");
	else if ((err[RF_EMAIL] = email_taken(db, m, email)) == BAD_DB)
		return -1;
	const char *phone = trimmed(c->phone, &n);
	if (n && (text_check(c->phone, RELAY_PHONE_MAX, false) != TEXT_OK || !phone_ok(phone, n)))
		err[RF_PHONE] = N_("Enter the phone number in the form +358 40 123 4567, or leave the field empty.");
	err[RF_FIELD] = fault_msg(text_check(c->field, RELAY_FIELD_MAX, false), true,
				  N_("Enter the contact's field or job."),
				  N_("The field is too long (at most 120 characters)."));
	err[RF_NOTE] = fault_msg(text_check(c->note, RELAY_NOTE_MAX, true), false, NULL,
				 N_("The note is too long (at most 500 characters)."));
	if (lang_from_code(c->lang) == LANG_COUNT)
		err[RF_LANG] = N_("Choose the language of the invitation.");
	if (!how_ok(c->how))
		err[RF_HOW] = N_("Choose whether we send the invitation or you write to the contact yourself.");
	else if (invites(c))
		err[RF_MESSAGE] = fault_msg(text_check(c->message, RELAY_MESSAGE_MAX, true), true,
					    N_("Write a few words to your contact: we send them with the invitation."),
					    N_("The message is too long (at most 2000 characters)."));
	if (!c->knows)
		err[RF_KNOWS] = N_("Confirm that your contact knows you are passing on their details.");
	for (int i = 0; i < RF_COUNT; i++)
		if (err[i])
			return RELAY_INVALID;
	return 0;
}

int relay_contact_check(struct db *db, int64_t match_id, const struct relay_contact_in *c, const char *err[RF_COUNT])
{
	for (int i = 0; i < RF_COUNT; i++)
		err[i] = NULL;
	struct rmatch m;
	int r = rmatch_load(db, match_id, &m);
	if (r)
		return r < 0 ? -1 : RELAY_NOT_NOW;
	return check_with(db, &m, c, err);
}

static int room_of(struct db *db, const struct rmatch *m)
{
	if (!relay_open(m))
		return 0;
	int64_t used = db_int(db, -1, "SELECT COUNT(*) FROM contacts WHERE match_id = ?", "i", m->id);
	if (used < 0)
		return -1;
	return used >= RELAY_MAX_CONTACTS ? 0 : RELAY_MAX_CONTACTS - (int)used;
}

int relay_room(struct db *db, int64_t match_id)
{
	struct rmatch m;
	int r = rmatch_load(db, match_id, &m);
	if (r)
		return r < 0 ? -1 : 0;
	return room_of(db, &m);
}

/* ---- the invitation ---------------------------------------------------------------- */

static struct tval *invite_data(const struct mail_env *e, const struct person *op, const struct person *pp,
				const char *contact_name, enum lang l, const char *message, const char *token)
{
	struct tval *d = tv_map(e->a);
	const char *reg = arena_printf(e->a, "/register/door-opener?contact=%s", token);
	const char *dec = arena_printf(e->a, "/contact/%s/decline", token);
	/* The greeting's first name: the name up to its last space. */
	const char *sp = strrchr(contact_name, ' ');
	const char *first = sp ? arena_strndup(e->a, contact_name, (size_t)(sp - contact_name)) : contact_name;
	if (!d || !first || tv_set_str(d, "contact_name", contact_name) || tv_set_str(d, "contact_first_name", first) ||
	    tv_set_str(d, "opener_name", full_name(e, op)) ||
	    tv_set_str(d, "opener_first_name", op->first) || tv_set_str(d, "opener_job_title", op->job_title) ||
	    tv_set_str(d, "opener_employer", op->employer) || tv_set_str(d, "participant_first_name", pp->first) ||
	    tv_set_str(d, "participant_field", occupation(e, pp->occupation, l)) || tv_set_str(d, "message", message) ||
	    tv_set_str(d, "register_url", url(e, l, reg)) || tv_set_str(d, "decline_url", url(e, l, dec)) ||
	    tv_set_int(d, "days", (long long)e->cfg->relay_link_days) ||
	    tv_set_str(d, "about_url", url(e, l, "/door-openers")))
		return NULL;
	return d;
}

int relay_invite_preview(const struct mail_env *e, int64_t match_id, const struct relay_contact_in *c,
			 char **subject, char **text, char **html)
{
	*subject = *text = *html = NULL;
	struct rmatch m;
	struct person op, pp;
	enum lang l = lang_from_code(c->lang);
	if (l == LANG_COUNT || rmatch_load(e->db, match_id, &m) || person_load(e, m.operson, &op) ||
	    person_load(e, m.pperson, &pp))
		return -1;
	/* The link is made when the invitation is sent: a placeholder of the
	 * same shape here. */
	char fake[TOKEN_LEN + 1];
	memset(fake, 'x', TOKEN_LEN);
	fake[TOKEN_LEN] = '\0';
	const char *name = trim_dup(e->a, c->name), *msg = trim_dup(e->a, c->message);
	struct tval *d = name && msg ? invite_data(e, &op, &pp, name, l, msg, fake) : NULL;
	return d ? mail_render(e, l, "relay_invite", d, subject, text, html) : -1;
}

/* ---- sharing ------------------------------------------------------------------------ */

int relay_share(const struct mail_env *e, int64_t match_id, const struct relay_contact_in *c, size_t n,
		int64_t staff_id, int64_t *ids)
{
	if (n < 1 || n > RELAY_MAX_CONTACTS)
		return RELAY_INVALID;
	struct rmatch m;
	int r = rmatch_load(e->db, match_id, &m);
	if (r)
		return r < 0 ? -1 : RELAY_NOT_NOW;
	int room = room_of(e->db, &m);
	if (room < 0)
		return -1;
	if ((size_t)room < n)
		return RELAY_NOT_NOW;
	char email[RELAY_MAX_CONTACTS][MEMBER_EMAIL_MAX + 1];
	for (size_t i = 0; i < n; i++) {
		const char *err[RF_COUNT];
		r = check_with(e->db, &m, &c[i], err);
		if (r)
			return r;
		email_norm(c[i].email, email[i]);
		if (i > 0 && strcmp(email[i], email[0]) == 0)
			return RELAY_INVALID;
	}
	struct person op, pp;
	if (person_load(e, m.operson, &op) || person_load(e, m.pperson, &pp))
		return -1;
	const char *actor = staff_id > 0 ? arena_printf(e->a, "staff:%lld", (long long)staff_id) : "door_opener";
	struct tval *doors = tv_list(e->a);
	if (!actor || !doors)
		return -1;
	int64_t expires = e->now + (int64_t)e->cfg->relay_link_days * DAY_S;
	const char *reply_to = mailbox(e, full_name(e, &op), op.email);
	for (size_t i = 0; i < n; i++) {
		bool inv = invites(&c[i]);
		enum lang l = lang_from_code(c[i].lang);
		const char *name = trim_dup(e->a, c[i].name), *phone = trim_dup(e->a, c[i].phone),
			   *field = trim_dup(e->a, c[i].field), *note = trim_dup(e->a, c[i].note),
			   *msg = inv ? trim_dup(e->a, c[i].message) : "";
		if (!name || !phone || !field || !note || !msg)
			return -1;
		/* "self": no link yet; relay_self_link makes the one they paste. */
		char tok[TOKEN_LEN + 1] = "", hash[TOKEN_HASH_LEN + 1] = "";
		if (inv) {
			token_random(tok);
			token_hash(tok, hash);
		}
		struct db_stmt *st = db_prepare(e->db,
			"INSERT INTO contacts (match_id, participant, shared_by, staff_id, name, email, phone, field,"
			" note, lang, how, message, state, link_hash, expires_at, created_at, state_at)"
			" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
		int64_t id = 0;
		if (st && !db_bind_int(st, 1, m.id) && !db_bind_int(st, 2, m.preg) && !db_bind_int(st, 3, m.oreg) &&
		    !(staff_id > 0 ? db_bind_int(st, 4, staff_id) : db_bind_null(st, 4)) &&
		    !db_bind_text(st, 5, name) &&
		    !db_bind_text(st, 6, email[i]) && !db_bind_text(st, 7, phone) && !db_bind_text(st, 8, field) &&
		    !db_bind_text(st, 9, note) && !db_bind_text(st, 10, lang_codes[l]) &&
		    !db_bind_text(st, 11, inv ? "invite" : "self") && !db_bind_text(st, 12, msg) &&
		    !db_bind_text(st, 13, inv ? "invited" : "introduced") &&
		    !(inv ? db_bind_text(st, 14, hash) : db_bind_null(st, 14)) && !db_bind_int(st, 15, expires) &&
		    !db_bind_int(st, 16, e->now) && !db_bind_int(st, 17, e->now) && db_step(st) == DB_ROW)
			id = db_col_int(st, 0);
		db_finalize(st);
		if (id <= 0 || event(e, m.id, "contact", actor, inv ? "invited" : "introduced") ||
		    jobs_add(e->db, "relay_expire", id, expires, e->now))
			return -1;
		if (inv) {
			/* To someone who is not a member (yet): no person id. Listed on
			 * the match too, so staff see it went out. */
			struct tval *d = invite_data(e, &op, &pp, name, l, msg, tok);
			int64_t oid = d ? mail_queue(e, l, "relay_invite", d, email[i], name, 0, reply_to) : -1;
			if (oid < 0 || db_run(e->db, "INSERT INTO match_mails (match_id, outbox_id) VALUES (?, ?)", "ii",
					      m.id, oid))
				return -1;
		}
		struct tval *door = tv_map(e->a);
		if (!door || tv_set_str(door, "name", name) || tv_set_str(door, "field", field) ||
		    tv_set_str(door, "note", note) || tv_set_bool(door, "invited", inv) || tv_push(doors, door))
			return -1;
		if (ids)
			ids[i] = id;
	}
	struct tval *d = tv_map(e->a);
	if (!d || tv_set_str(d, "first_name", pp.first) || tv_set_str(d, "opener_first_name", op.first) ||
	    tv_set(d, "doors", doors) || tv_set_str(d, "member_url", url(e, pp.lang, "/member")))
		return -1;
	return send_person(e, m.id, &pp, "relay_doors", d);
}

int relay_self_link(const struct mail_env *e, int64_t contact_id, char *out, size_t n)
{
	struct db_stmt *st = db_prepare(e->db, "SELECT lang FROM contacts WHERE id = ? AND state = 'introduced'"
					       " AND link_used_at IS NULL AND expires_at > ?");
	if (!st || db_bind_int(st, 1, contact_id) || db_bind_int(st, 2, e->now))
		return db_finalize(st), -1;
	enum db_step s = db_step(st);
	enum lang l = s == DB_ROW ? lang_from_code(db_col_text(st, 0)) : LANG_EN;
	db_finalize(st);
	if (s != DB_ROW)
		return s == DB_DONE ? RELAY_NOT_NOW : -1;
	if (l == LANG_COUNT)
		l = LANG_EN;
	char tok[TOKEN_LEN + 1], hash[TOKEN_HASH_LEN + 1];
	token_random(tok);
	token_hash(tok, hash);
	int w = snprintf(out, n, "%s/%s/register/door-opener?contact=%s", e->cfg->base_url, lang_codes[l], tok);
	if (w < 0 || (size_t)w >= n)
		return -1;
	return db_run(e->db, "UPDATE contacts SET link_hash = ? WHERE id = ?", "si", hash, contact_id);
}

/* ---- the personal link ----------------------------------------------------------------- */

static enum token_state link_check(struct db *db, const char *token, int64_t now, bool use, int64_t *contact_id)
{
	if (!token || !token_valid(token))
		return TOKEN_UNKNOWN;
	char hash[TOKEN_HASH_LEN + 1];
	token_hash(token, hash);
	struct db_stmt *st = db_prepare(db, "SELECT id, state, expires_at, link_used_at IS NOT NULL FROM contacts"
					    " WHERE link_hash = ?");
	enum token_state r = TOKEN_UNKNOWN;
	int64_t id = 0;
	if (st && db_bind_text(st, 1, hash) == 0 && db_step(st) == DB_ROW) {
		const char *state = S(db_col_text(st, 1));
		id = db_col_int(st, 0);
		if (db_col_int(st, 3) || strcmp(state, "registered") == 0)
			r = TOKEN_USED;
		else if (strcmp(state, "invited") && strcmp(state, "introduced"))
			r = TOKEN_EXPIRED; /* declined, or expired (also: the relay stopped) */
		else if (db_col_int(st, 2) <= now)
			r = TOKEN_EXPIRED;
		else
			r = TOKEN_OK;
	}
	db_finalize(st);
	if (r != TOKEN_OK)
		return r;
	/* Conditional: of two racing requests only one changes the row. */
	if (use && (db_run(db, "UPDATE contacts SET link_used_at = ? WHERE id = ? AND link_hash = ?"
			       " AND link_used_at IS NULL AND expires_at > ? AND state IN " OPEN_CONTACT,
			   "iisi", now, id, hash, now) ||
		    db_changes(db) != 1))
		return TOKEN_USED;
	*contact_id = id;
	return TOKEN_OK;
}

enum token_state relay_link_peek(struct db *db, const char *token, int64_t now, int64_t *contact_id)
{
	return link_check(db, token, now, false, contact_id);
}

enum token_state relay_link_use(struct db *db, const char *token, int64_t now, int64_t *contact_id)
{
	return link_check(db, token, now, true, contact_id);
}

int relay_contact_get(struct db *db, struct arena *a, int64_t contact_id, struct relay_contact *out)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT c.id, c.match_id, c.participant, c.name, c.email, c.phone, c.field, c.lang, c.how, c.state,"
		" po.first_name, pp.first_name FROM contacts c JOIN matches m ON m.id = c.match_id"
		" JOIN registrations ro ON ro.id = m.door_opener JOIN people po ON po.id = ro.person_id"
		" JOIN registrations rp ON rp.id = c.participant JOIN people pp ON pp.id = rp.person_id WHERE c.id = ?");
	if (!st || db_bind_int(st, 1, contact_id))
		return db_finalize(st), -1;
	enum db_step s = db_step(st);
	if (s == DB_ROW) {
		memset(out, 0, sizeof(*out));
		out->id = db_col_int(st, 0);
		out->match_id = db_col_int(st, 1);
		out->participant_reg = db_col_int(st, 2);
		const char **f[] = { &out->name, &out->email, &out->phone, &out->field, &out->lang, &out->how,
				     &out->state, &out->opener_first_name, &out->participant_first_name };
		for (int i = 0; i < 9; i++)
			if (!(*f[i] = arena_strdup(a, S(db_col_text(st, i + 3)))))
				s = DB_ERR;
	}
	db_finalize(st);
	return s == DB_ROW ? 0 : -1;
}

/* ---- the contact registers, declines or lets it run out -------------------------------------- */

struct rcontact {
	int64_t id, match_id, participant, registration_id, new_match;
	char state[16];
	const char *name, *email;
};

static int contact_load(const struct mail_env *e, int64_t id, struct rcontact *c)
{
	struct db_stmt *st = db_prepare(e->db, "SELECT match_id, participant, COALESCE(registration_id, 0),"
					       " COALESCE(new_match, 0), state, name, email FROM contacts WHERE id = ?");
	if (!st || db_bind_int(st, 1, id))
		return db_finalize(st), -1;
	enum db_step s = db_step(st);
	if (s == DB_ROW) {
		c->id = id;
		c->match_id = db_col_int(st, 0);
		c->participant = db_col_int(st, 1);
		c->registration_id = db_col_int(st, 2);
		c->new_match = db_col_int(st, 3);
		copy(c->state, sizeof(c->state), db_col_text(st, 4));
		c->name = arena_strdup(e->a, S(db_col_text(st, 5)));
		c->email = arena_strdup(e->a, S(db_col_text(st, 6)));
		if (!c->name || !c->email)
			s = DB_ERR;
	}
	db_finalize(st);
	return s == DB_ROW ? 0 : s == DB_DONE ? 1 : -1;
}

static bool contact_open(const struct rcontact *c)
{
	return strcmp(c->state, "invited") == 0 || strcmp(c->state, "introduced") == 0;
}

/* The match with the participant, for a contact whose door opener
 * registration is confirmed. No match is made when the participant
 * stopped the relay, or their registration is closed, withdrawn or
 * erased, or the two cannot be paired (matches_create says
 * MATCHES_UNAVAILABLE): the contact is then simply a door opener in the
 * pool, waiting for the next matching run. */
static int make_match(const struct mail_env *e, const struct rcontact *c, int64_t registration_id, int64_t *match_id)
{
	*match_id = 0;
	int64_t stopped = db_int(e->db, -1, "SELECT relay_stopped_at IS NOT NULL FROM registrations WHERE id = ?", "i",
				 c->participant);
	if (stopped)
		return stopped < 0 ? -1 : 0;
	struct match_new n = {
		.participant_reg = c->participant, .opener_reg = registration_id, .origin = "relay",
		.via_match = c->match_id,
	};
	int64_t id = 0;
	int r = matches_create(e, &n, &id);
	if (r < 0)
		return -1;
	if (r) {
		log_info("relay: contact %lld registered; no match with the participant (%d)", (long long)c->id, r);
		return 0;
	}
	if (db_run(e->db, "UPDATE contacts SET new_match = ? WHERE id = ?", "ii", id, c->id))
		return -1;
	*match_id = id;
	return 0;
}

int relay_registered(const struct mail_env *e, int64_t contact_id, int64_t registration_id, bool confirmed,
		     int64_t *match_id)
{
	if (match_id)
		*match_id = 0;
	struct rcontact c;
	int r = contact_load(e, contact_id, &c);
	if (r)
		return r < 0 ? -1 : RELAY_NOT_NOW;
	if (!contact_open(&c))
		return RELAY_NOT_NOW;
	if (db_run(e->db, "UPDATE contacts SET state = 'registered', state_at = ?, registration_id = ? WHERE id = ?",
		   "iii", e->now, registration_id, c.id) ||
	    event(e, c.match_id, "contact", "contact", "registered"))
		return -1;
	struct rmatch m;
	struct person op, pp;
	if (rmatch_load(e->db, c.match_id, &m) || person_load(e, m.operson, &op) || person_load(e, m.pperson, &pp))
		return -1;
	/* "... and will meet {participant}": not when the relay has ended. */
	struct tval *d = relay_open(&m) ? tv_map(e->a) : NULL;
	if (relay_open(&m) &&
	    (!d || tv_set_str(d, "first_name", op.first) || tv_set_str(d, "contact_name", c.name) ||
	     tv_set_str(d, "participant_first_name", pp.first) ||
	     tv_set_str(d, "member_url", url(e, op.lang, "/member")) ||
	     send_person(e, m.id, &op, "relay_registered", d)))
		return -1;
	int64_t mid = 0;
	if (confirmed && make_match(e, &c, registration_id, &mid))
		return -1;
	if (match_id)
		*match_id = mid;
	return 0;
}

int relay_on_confirmed(const struct mail_env *e, int64_t registration_id)
{
	int64_t id = db_int(e->db, -1, "SELECT COALESCE(MAX(id), 0) FROM contacts WHERE registration_id = ?"
				       " AND state = 'registered' AND new_match IS NULL", "i", registration_id);
	if (id <= 0)
		return id < 0 ? -1 : 0;
	struct rcontact c;
	int64_t mid;
	return contact_load(e, id, &c) ? -1 : make_match(e, &c, registration_id, &mid);
}

/* What the door opener typed about the contact goes once it led nowhere
 * (declined, expired): the row stays, with lang, how, field, state and
 * times, for the figures. The invitation's copy in the outbox goes too:
 * unsent, it is dropped; sent, its address and text are emptied. So is
 * the copy of the participant's "doors" e-mail that named them. */
static int forget(const struct mail_env *e, const struct rcontact *c)
{
	const char *mine = "id IN (SELECT outbox_id FROM match_mails WHERE match_id = ?)";
	char sql[512];
	if (*c->email) {
		snprintf(sql, sizeof(sql), "DELETE FROM outbox WHERE status = 'queued' AND kind = 'relay_invite'"
			 " AND to_email = ? AND %s", mine);
		if (db_run(e->db, sql, "si", c->email, c->match_id))
			return -1;
		snprintf(sql, sizeof(sql), "UPDATE outbox SET to_email = '', to_name = '', subject = '', text_body = '',"
			 " html_body = '' WHERE status IN ('sent', 'failed') AND kind = 'relay_invite' AND to_email = ?"
			 " AND %s", mine);
		if (db_run(e->db, sql, "si", c->email, c->match_id))
			return -1;
	}
	if (*c->name) {
		snprintf(sql, sizeof(sql), "UPDATE outbox SET subject = '', text_body = '', html_body = ''"
			 " WHERE status IN ('sent', 'failed') AND kind = 'relay_doors' AND instr(text_body, ?) > 0"
			 " AND %s", mine);
		if (db_run(e->db, sql, "si", c->name, c->match_id))
			return -1;
	}
	return db_run(e->db, "UPDATE contacts SET name = '', email = '', phone = '', note = '', message = ''"
			     " WHERE id = ?", "i", c->id);
}

static int end_contact(const struct mail_env *e, const struct rcontact *c, const char *to, const char *actor)
{
	return db_run(e->db, "UPDATE contacts SET state = ?, state_at = ? WHERE id = ?", "sii", to, e->now, c->id) ||
	       event(e, c->match_id, "contact", actor, to) || forget(e, c);
}

int relay_decline(const struct mail_env *e, int64_t contact_id)
{
	struct rcontact c;
	int r = contact_load(e, contact_id, &c);
	if (r)
		return r < 0 ? -1 : RELAY_NOT_NOW;
	if (!contact_open(&c))
		return RELAY_NOT_NOW;
	return end_contact(e, &c, "declined", "contact");
}

/* registration_events as matches.c writes them. */
static int reg_status(struct db *db, int64_t reg, const char *to, int64_t now, const char *actor, const char *reason)
{
	return db_run(db, "INSERT INTO registration_events (registration_id, at, from_status, to_status, actor, reason)"
			  " SELECT id, ?, status, ?, ?, ? FROM registrations WHERE id = ? AND status <> ?",
		      "isssis", now, to, actor, reason, reg, to) ||
	       db_run(db, "UPDATE registrations SET status = ?, status_at = ? WHERE id = ? AND status <> ?", "siis", to,
		      now, reg, to);
}

/* The open contacts of a participant registration, oldest first. */
static int open_contacts(const struct mail_env *e, int64_t preg, int64_t **ids, size_t *n)
{
	*ids = NULL;
	*n = 0;
	int64_t count = db_int(e->db, -1,
			       "SELECT COUNT(*) FROM contacts WHERE participant = ? AND state IN " OPEN_CONTACT, "i",
			       preg);
	if (count <= 0)
		return count < 0 ? -1 : 0;
	*ids = arena_alloc(e->a, (size_t)count * sizeof(**ids));
	struct db_stmt *st = *ids ? db_prepare(e->db, "SELECT id FROM contacts WHERE participant = ? AND state IN "
						      OPEN_CONTACT " ORDER BY id") : NULL;
	if (!st || db_bind_int(st, 1, preg))
		return db_finalize(st), -1;
	enum db_step s;
	while ((s = db_step(st)) == DB_ROW && *n < (size_t)count)
		(*ids)[(*n)++] = db_col_int(st, 0);
	db_finalize(st);
	return s == DB_ERR ? -1 : 0;
}

int relay_stop(const struct mail_env *e, int64_t participant_reg)
{
	char role[16] = "";
	struct db_stmt *st = db_prepare(e->db, "SELECT role FROM registrations WHERE id = ?");
	if (!st || db_bind_int(st, 1, participant_reg))
		return db_finalize(st), -1;
	enum db_step s = db_step(st);
	if (s == DB_ROW)
		copy(role, sizeof(role), db_col_text(st, 0));
	db_finalize(st);
	if (s == DB_ERR)
		return -1;
	if (s == DB_DONE || strcmp(role, "participant"))
		return RELAY_NOT_NOW;
	/* Closed as when they decline a match with found_job; a closed or
	 * withdrawn registration stays as it is. Their open matches end:
	 * the door openers are told and go back to the pool. */
	int64_t final = db_int(e->db, -1, "SELECT COUNT(*) FROM registrations WHERE id = ?"
					  " AND status IN ('withdrawn', 'expired', 'closed')", "i", participant_reg);
	if (final < 0 ||
	    db_run(e->db, "UPDATE registrations SET relay_stopped_at = COALESCE(relay_stopped_at, ?) WHERE id = ?",
		   "ii", e->now, participant_reg) ||
	    (!final && reg_status(e->db, participant_reg, "closed", e->now, "person", "found_job")) ||
	    matches_release_registration(e, participant_reg))
		return -1;
	int64_t *ids;
	size_t n;
	if (open_contacts(e, participant_reg, &ids, &n))
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct rcontact c;
		if (contact_load(e, ids[i], &c) || end_contact(e, &c, "expired", "participant"))
			return -1;
	}
	return 0;
}

/* ---- jobs ---------------------------------------------------------------------------- */

int relay_on_met(const struct mail_env *e, int64_t match_id)
{
	return jobs_add(e->db, "relay_remind", match_id, e->now + (int64_t)e->cfg->relay_remind_days * DAY_S, e->now);
}

int relay_job_remind(const struct mail_env *e, int64_t match_id, int64_t due_at)
{
	(void)due_at;
	struct rmatch m;
	int r = rmatch_load(e->db, match_id, &m);
	if (r)
		return r < 0 ? -1 : 0;
	/* Only when nothing was shared and the relay can still go on; once. */
	int room = room_of(e->db, &m);
	if (room < RELAY_MAX_CONTACTS)
		return room < 0 ? -1 : 0;
	int64_t done = db_int(e->db, -1,
			      "SELECT COUNT(*) FROM match_events WHERE match_id = ? AND kind = 'relay_remind'", "i",
			      m.id);
	if (done)
		return done < 0 ? -1 : 0;
	struct person op, pp;
	char tok[TOKEN_LEN + 1];
	if (person_load(e, m.operson, &op) || person_load(e, m.pperson, &pp) ||
	    event(e, m.id, "relay_remind", "system", "") || matches_link_new(e, m.id, SIDE_DOOR_OPENER, tok))
		return -1;
	enum lang l = op.lang;
	struct tval *d = tv_map(e->a);
	if (!d || tv_set_str(d, "first_name", op.first) || tv_set_str(d, "participant_first_name", pp.first) ||
	    tv_set_str(d, "contacts_url",
		       url(e, l, arena_printf(e->a, "/match/%lld/contacts/%s", (long long)m.id, tok))) ||
	    tv_set_str(d, "templates_url", url(e, l, "/contact-templates")) ||
	    tv_set_str(d, "recruit_url", url(e, l, "/recruit")) ||
	    tv_set_str(d, "member_url", url(e, l, arena_printf(e->a, "/member/matches/%lld", (long long)m.id))))
		return -1;
	return send_person(e, m.id, &op, "relay_remind", d);
}

int relay_job_expire(const struct mail_env *e, int64_t contact_id, int64_t due_at)
{
	/* Current when the link still runs out then (a job is made once,
	 * when the contact is shared) and the contact has not answered. */
	int64_t cur = db_int(e->db, -1, "SELECT COUNT(*) FROM contacts WHERE id = ? AND expires_at = ?"
					" AND expires_at <= ? AND state IN " OPEN_CONTACT,
			     "iii", contact_id, due_at, e->now);
	if (cur <= 0)
		return cur < 0 ? -1 : 0;
	struct rcontact c;
	return contact_load(e, contact_id, &c) ? -1 : end_contact(e, &c, "expired", "system");
}

/* ---- the door tree ---------------------------------------------------------------- */

struct tree_build {
	struct db *db;
	struct arena *a;
	const char *lang;
	struct relay_tree *t;
	size_t cap;
	int fail;
};

static int tree_push(struct tree_build *b, const struct relay_node *nd)
{
	struct relay_tree *t = b->t;
	if (t->n >= TREE_MAX_NODES)
		return 1;
	if (t->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 16;
		struct relay_node *nn = arena_alloc(b->a, cap * sizeof(*nn));
		if (!nn)
			return -1;
		if (t->n)
			memcpy(nn, t->nodes, t->n * sizeof(*nn));
		t->nodes = nn;
		b->cap = cap;
	}
	t->nodes[t->n++] = *nd;
	if (nd->depth > t->depth)
		t->depth = nd->depth;
	return 0;
}

static const char *col(struct arena *a, struct db_stmt *st, int i)
{
	const char *s = arena_strdup(a, S(db_col_text(st, i)));
	return s ? s : "";
}

/* A node of a match row: from column c on, match id, state, first name,
 * last name, occupation, job title (the field when there is no
 * occupation). */
static void match_node(struct tree_build *b, struct db_stmt *st, int c, struct relay_node *nd)
{
	nd->match_id = db_col_int(st, c);
	nd->state = col(b->a, st, c + 1);
	nd->first_name = col(b->a, st, c + 2);
	nd->last_name = col(b->a, st, c + 3);
	const char *occ = S(db_col_text(st, c + 4));
	const char *name = *occ ? refdata_name(b->db, b->a, "occupation", occ, b->lang) : NULL;
	nd->field = name ? name : col(b->a, st, c + 5);
}

/* A contact's name split as the registration form does: the last word
 * is the last name. */
static void split_name(struct arena *a, const char *name, struct relay_node *nd)
{
	const char *sp = strrchr(name, ' ');
	nd->first_name = sp ? arena_strndup(a, name, (size_t)(sp - name)) : name;
	nd->last_name = sp ? sp + 1 : "";
	if (!nd->first_name)
		nd->first_name = "";
}

#define TREE_PERSON_COLS "p.first_name, p.last_name, p.occupation, p.job_title"

/* The doors that came from door `parent` (index), of match match_id:
 * relay matches made through it and contacts shared after it without a
 * match (yet), in the order they were shared; each followed down first. */
static int tree_children(struct tree_build *b, int64_t match_id, int parent, int depth)
{
	if (depth > TREE_MAX_DEPTH)
		return 0;
	struct db_stmt *st = db_prepare(b->db,
		"SELECT 0, x.id, x.state, " TREE_PERSON_COLS ", 0, '', '',"
		" COALESCE((SELECT MIN(c.created_at) FROM contacts c WHERE c.new_match = x.id), x.created_at) AS k,"
		" COALESCE((SELECT MIN(c.id) FROM contacts c WHERE c.new_match = x.id), 0) AS k2"
		" FROM matches x JOIN registrations r ON r.id = x.door_opener JOIN people p ON p.id = r.person_id"
		" WHERE x.via_match = ?"
		" UNION ALL SELECT 1, 0, c.state, '', '', '', '', c.id, c.name, c.field, c.created_at, c.id"
		" FROM contacts c WHERE c.match_id = ? AND c.new_match IS NULL ORDER BY k, k2, 2");
	if (!st || db_bind_int(st, 1, match_id) || db_bind_int(st, 2, match_id))
		return db_finalize(st), -1;
	/* Collected first: the children's children are read after. */
	struct relay_node *kids = NULL;
	size_t n = 0, cap = 0;
	enum db_step s;
	while ((s = db_step(st)) == DB_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			struct relay_node *nk = arena_alloc(b->a, cap * sizeof(*nk));
			if (!nk) {
				s = DB_ERR;
				break;
			}
			if (n)
				memcpy(nk, kids, n * sizeof(*nk));
			kids = nk;
		}
		struct relay_node *nd = &kids[n++];
		memset(nd, 0, sizeof(*nd));
		nd->parent = parent;
		nd->depth = depth;
		if (db_col_int(st, 0) == 0) {
			match_node(b, st, 1, nd);
		} else {
			nd->contact_id = db_col_int(st, 7);
			nd->state = col(b->a, st, 2);
			split_name(b->a, col(b->a, st, 8), nd);
			nd->field = col(b->a, st, 9);
		}
	}
	db_finalize(st);
	if (s != DB_DONE)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int idx = (int)b->t->n;
		int r = tree_push(b, &kids[i]);
		if (r)
			return r < 0 ? -1 : 0;
		if (kids[i].match_id && tree_children(b, kids[i].match_id, idx, depth + 1))
			return -1;
	}
	return 0;
}

int relay_tree(struct db *db, struct arena *a, int64_t person_id, const char *lang, struct relay_tree *t)
{
	memset(t, 0, sizeof(*t));
	struct tree_build b = { db, a, lang, t, 0, 0 };
	struct db_stmt *st = db_prepare(db,
		"SELECT x.id, x.state, " TREE_PERSON_COLS " FROM matches x"
		" JOIN registrations rp ON rp.id = x.participant JOIN registrations r ON r.id = x.door_opener"
		" JOIN people p ON p.id = r.person_id WHERE rp.person_id = ? AND x.via_match IS NULL"
		" ORDER BY x.created_at, x.id");
	if (!st || db_bind_int(st, 1, person_id))
		return db_finalize(st), -1;
	struct relay_node *first = NULL;
	size_t n = 0, cap = 0;
	enum db_step s;
	while ((s = db_step(st)) == DB_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 4;
			struct relay_node *nf = arena_alloc(a, cap * sizeof(*nf));
			if (!nf) {
				s = DB_ERR;
				break;
			}
			if (n)
				memcpy(nf, first, n * sizeof(*nf));
			first = nf;
		}
		struct relay_node *nd = &first[n++];
		memset(nd, 0, sizeof(*nd));
		nd->parent = -1;
		nd->depth = 1;
		match_node(&b, st, 0, nd);
	}
	db_finalize(st);
	if (s != DB_DONE)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int idx = (int)t->n;
		int r = tree_push(&b, &first[i]);
		if (r)
			return r < 0 ? -1 : 0;
		if (tree_children(&b, first[i].match_id, idx, 2))
			return -1;
	}
	return 0;
}

/* ---- figures ------------------------------------------------------------------------- */

static int depth_max(struct db *db, int *out)
{
	*out = 0;
	int64_t n = db_int(db, -1, "SELECT COUNT(*) FROM matches WHERE state = 'met'", "");
	if (n <= 0)
		return n < 0 ? -1 : 0;
	int64_t *id = malloc((size_t)n * sizeof(*id)), *via = malloc((size_t)n * sizeof(*via));
	int *depth = malloc((size_t)n * sizeof(*depth));
	const char *sql = "SELECT id, COALESCE(via_match, 0) FROM matches WHERE state = 'met' ORDER BY id";
	struct db_stmt *st = id && via && depth ? db_prepare(db, sql) : NULL;
	size_t k = 0;
	enum db_step s = DB_ERR;
	if (st)
		while ((s = db_step(st)) == DB_ROW && k < (size_t)n) {
			id[k] = db_col_int(st, 0);
			via[k] = db_col_int(st, 1);
			k++;
		}
	db_finalize(st);
	int rc = s == DB_ERR ? -1 : 0;
	/* A door comes after the one it came through (via < id), so one pass
	 * in id order sees each parent's depth first. Chains are short. */
	for (size_t i = 0; rc == 0 && i < k; i++) {
		depth[i] = 1;
		if (via[i] > 0) {
			size_t lo = 0, hi = i;
			while (lo < hi) {
				size_t mid = (lo + hi) / 2;
				if (id[mid] < via[i])
					lo = mid + 1;
				else
					hi = mid;
			}
			if (lo < i && id[lo] == via[i])
				depth[i] = depth[lo] + 1;
		}
		if (depth[i] > *out)
			*out = depth[i];
	}
	free(id);
	free(via);
	free(depth);
	return rc;
}

int relay_figures(struct db *db, struct relay_figures *f)
{
	memset(f, 0, sizeof(*f));
	struct {
		int64_t *out;
		const char *sql;
	} q[] = {
		{ &f->met, "SELECT COUNT(*) FROM matches WHERE state = 'met'" },
		{ &f->met_shared, "SELECT COUNT(*) FROM matches m WHERE m.state = 'met'"
				  " AND EXISTS (SELECT 1 FROM contacts c WHERE c.match_id = m.id)" },
		{ &f->contacts, "SELECT COUNT(*) FROM contacts" },
		{ &f->contacts_registered, "SELECT COUNT(*) FROM contacts WHERE state = 'registered'" },
		{ &f->contacts_declined, "SELECT COUNT(*) FROM contacts WHERE state = 'declined'" },
		{ &f->contacts_expired, "SELECT COUNT(*) FROM contacts WHERE state = 'expired'" },
		{ &f->relay_matches, "SELECT COUNT(*) FROM matches WHERE origin = 'relay'" },
		{ &f->relay_met, "SELECT COUNT(*) FROM matches WHERE origin = 'relay' AND state = 'met'" },
		{ &f->participants, "SELECT COUNT(DISTINCT participant) FROM matches WHERE state = 'met'" },
		{ &f->doors, "SELECT COUNT(*) FROM matches WHERE state = 'met'" },
	};
	for (size_t i = 0; i < sizeof(q) / sizeof(*q); i++)
		if ((*q[i].out = db_int(db, -1, q[i].sql, "")) < 0)
			return -1;
	return depth_max(db, &f->depth_max);
}

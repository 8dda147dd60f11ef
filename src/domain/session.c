#include "domain/session.h"

/* The two kinds differ only in their table and the owner's column. */
static const struct {
	const char *insert, *lookup, *touch, *del, *del_all;
} sql[] = {
	[SESSION_STAFF] = {
		"INSERT INTO sessions (token_hash, staff_id, created_at, last_seen) VALUES (?, ?, ?, ?)",
		"SELECT s.staff_id FROM sessions s JOIN staff t ON t.id = s.staff_id"
		" WHERE s.token_hash = ? AND s.last_seen > ? AND s.created_at > ? AND t.disabled = 0",
		"UPDATE sessions SET last_seen = ? WHERE token_hash = ? AND last_seen < ?",
		"DELETE FROM sessions WHERE token_hash = ?",
		"DELETE FROM sessions WHERE staff_id = ?",
	},
	[SESSION_MEMBER] = {
		"INSERT INTO member_sessions (token_hash, person_id, created_at, last_seen) VALUES (?, ?, ?, ?)",
		"SELECT s.person_id FROM member_sessions s JOIN people p ON p.id = s.person_id"
		" WHERE s.token_hash = ? AND s.last_seen > ? AND s.created_at > ? AND p.erased_at IS NULL",
		"UPDATE member_sessions SET last_seen = ? WHERE token_hash = ? AND last_seen < ?",
		"DELETE FROM member_sessions WHERE token_hash = ?",
		"DELETE FROM member_sessions WHERE person_id = ?",
	},
};

int session_create(struct db *db, enum session_kind k, int64_t id, int64_t now, char out[TOKEN_LEN + 1])
{
	char hash[TOKEN_HASH_LEN + 1];
	token_random(out);
	token_hash(out, hash);
	return db_run(db, sql[k].insert, "siii", hash, id, now, now);
}

int64_t session_lookup(struct db *db, enum session_kind k, const char *token, int64_t now, int64_t idle,
		       int64_t max)
{
	if (!token_valid(token))
		return -1;
	char hash[TOKEN_HASH_LEN + 1];
	token_hash(token, hash);
	int64_t id = db_int(db, -1, sql[k].lookup, "sii", hash, now - idle, now - max);
	if (id < 0) {
		db_run(db, sql[k].del, "s", hash);
		return -1;
	}
	/* Write at most once a minute: most requests then stay read-only. */
	db_run(db, sql[k].touch, "isi", now, hash, now - 60);
	return id;
}

int session_delete(struct db *db, enum session_kind k, const char *token)
{
	if (!token_valid(token))
		return 0;
	char hash[TOKEN_HASH_LEN + 1];
	token_hash(token, hash);
	return db_run(db, sql[k].del, "s", hash);
}

int session_delete_all(struct db *db, enum session_kind k, int64_t id)
{
	return db_run(db, sql[k].del_all, "i", id);
}

#include "domain/session.h"

int session_create(struct db *db, int64_t staff_id, int64_t now, char out[TOKEN_LEN + 1])
{
	char hash[TOKEN_HASH_LEN + 1];
	token_random(out);
	token_hash(out, hash);
	return db_run(db, "INSERT INTO sessions (token_hash, staff_id, created_at, last_seen) VALUES (?, ?, ?, ?)",
		      "siii", hash, staff_id, now, now);
}

int64_t session_lookup(struct db *db, const char *token, int64_t now, int64_t idle, int64_t max)
{
	if (!token_valid(token))
		return -1;
	char hash[TOKEN_HASH_LEN + 1];
	token_hash(token, hash);
	int64_t id = db_int(db, -1,
			    "SELECT s.staff_id FROM sessions s JOIN staff t ON t.id = s.staff_id"
			    " WHERE s.token_hash = ? AND s.last_seen > ? AND s.created_at > ? AND t.disabled = 0",
			    "sii", hash, now - idle, now - max);
	if (id < 0) {
		db_run(db, "DELETE FROM sessions WHERE token_hash = ?", "s", hash);
		return -1;
	}
	/* Write at most once a minute: most requests then stay read-only. */
	db_run(db, "UPDATE sessions SET last_seen = ? WHERE token_hash = ? AND last_seen < ?", "isi", now, hash,
	       now - 60);
	return id;
}

int session_delete(struct db *db, const char *token)
{
	if (!token_valid(token))
		return 0;
	char hash[TOKEN_HASH_LEN + 1];
	token_hash(token, hash);
	return db_run(db, "DELETE FROM sessions WHERE token_hash = ?", "s", hash);
}

#include "domain/email_token.h"

int email_token_create(struct db *db, const char *purpose, int64_t person_id, int64_t registration_id,
		       int64_t now, int64_t ttl_s, char out[TOKEN_LEN + 1])
{
	char hash[TOKEN_HASH_LEN + 1];
	token_random(out);
	token_hash(out, hash);
	if (registration_id > 0)
		return db_run(db, "INSERT INTO email_tokens (token_hash, purpose, person_id, registration_id,"
			      " created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
			      "ssiiii", hash, purpose, person_id, registration_id, now, now + ttl_s);
	return db_run(db, "INSERT INTO email_tokens (token_hash, purpose, person_id, created_at, expires_at)"
		      " VALUES (?, ?, ?, ?, ?)", "ssiii", hash, purpose, person_id, now, now + ttl_s);
}

enum token_state email_token_peek(struct db *db, const char *purpose, const char *token, int64_t now,
				  int64_t *person_id, int64_t *registration_id)
{
	if (!token_valid(token))
		return TOKEN_UNKNOWN;
	char hash[TOKEN_HASH_LEN + 1];
	token_hash(token, hash);
	struct db_stmt *st = db_prepare(db, "SELECT person_id, COALESCE(registration_id, 0), expires_at,"
					    " used_at IS NOT NULL FROM email_tokens WHERE token_hash = ? AND purpose = ?");
	enum token_state r = TOKEN_UNKNOWN;
	if (st && db_bind_text(st, 1, hash) == 0 && db_bind_text(st, 2, purpose) == 0 && db_step(st) == DB_ROW) {
		if (db_col_int(st, 3))
			r = TOKEN_USED;
		else if (db_col_int(st, 2) <= now)
			r = TOKEN_EXPIRED;
		else {
			r = TOKEN_OK;
			*person_id = db_col_int(st, 0);
			*registration_id = db_col_int(st, 1);
		}
	}
	db_finalize(st);
	return r;
}

enum token_state email_token_use(struct db *db, const char *purpose, const char *token, int64_t now,
				 int64_t *person_id, int64_t *registration_id)
{
	enum token_state r = email_token_peek(db, purpose, token, now, person_id, registration_id);
	if (r != TOKEN_OK)
		return r;
	char hash[TOKEN_HASH_LEN + 1];
	token_hash(token, hash);
	/* The condition makes the use atomic: of two racing requests, only
	 * one changes the row. */
	if (db_run(db, "UPDATE email_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
		   "isi", now, hash, now) || db_changes(db) != 1)
		return TOKEN_USED;
	return TOKEN_OK;
}

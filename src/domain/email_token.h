/* One-time links sent by e-mail: confirm a registration, log in.
 *
 * The link carries a random token; the database keeps only its hash, the
 * purpose, whom it is for, and when it expires. Opening a link shows a page
 * (peek: nothing changes, since mail scanners open links too); only the
 * POST from that page uses the token, exactly once. */
#ifndef OVI_EMAIL_TOKEN_H
#define OVI_EMAIL_TOKEN_H
#include <stdint.h>

#include "core/token.h"
#include "store/db.h"

enum token_state {
	TOKEN_OK = 0, TOKEN_UNKNOWN = -1, TOKEN_EXPIRED = -2, TOKEN_USED = -3,
	TOKEN_WRONG = -4, /* valid, but for another match or person (domain/matches.h) */
};

/* Make a token for purpose ("confirm", "login") valid for ttl_s seconds.
 * registration_id may be 0. Returns 0 or -1. */
int email_token_create(struct db *db, const char *purpose, int64_t person_id, int64_t registration_id,
		       int64_t now, int64_t ttl_s, char out[TOKEN_LEN + 1]);

/* What a token is for, without using it. person_id and registration_id
 * (0 when none) are filled when the state is TOKEN_OK. */
enum token_state email_token_peek(struct db *db, const char *purpose, const char *token, int64_t now,
				  int64_t *person_id, int64_t *registration_id);

/* Use a token: exactly one caller ever gets TOKEN_OK for it. */
enum token_state email_token_use(struct db *db, const char *purpose, const char *token, int64_t now,
				 int64_t *person_id, int64_t *registration_id);

#endif

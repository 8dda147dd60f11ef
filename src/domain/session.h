/* Staff login sessions. The cookie carries a random token; the database
 * holds only its hash. Sessions end after `idle` seconds without a request
 * or `max` seconds after login, whichever comes first. */
#ifndef OVI_SESSION_H
#define OVI_SESSION_H
#include <stdint.h>

#include "core/token.h"
#include "store/db.h"

/* A new session for staff_id; the token goes into out. 0 or -1. */
int session_create(struct db *db, int64_t staff_id, int64_t now, char out[TOKEN_LEN + 1]);
/* The staff id of a live session (and refresh its idle timer), or -1. */
int64_t session_lookup(struct db *db, const char *token, int64_t now, int64_t idle, int64_t max);
int session_delete(struct db *db, const char *token);

#endif

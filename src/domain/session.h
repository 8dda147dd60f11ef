/* Login sessions, for staff and for members (people logged in by e-mail
 * link). The cookie carries a random token; the database holds only its
 * hash. Sessions end after `idle` seconds without a request or `max`
 * seconds after login, whichever comes first. */
#ifndef OVI_SESSION_H
#define OVI_SESSION_H
#include <stdint.h>

#include "core/token.h"
#include "store/db.h"

enum session_kind { SESSION_STAFF, SESSION_MEMBER };

/* A new session for id (a staff id or a person id); the token goes into
 * out. 0 or -1. */
int session_create(struct db *db, enum session_kind k, int64_t id, int64_t now, char out[TOKEN_LEN + 1]);
/* The id of a live session (and refresh its idle timer), or -1. */
int64_t session_lookup(struct db *db, enum session_kind k, const char *token, int64_t now, int64_t idle,
		       int64_t max);
int session_delete(struct db *db, enum session_kind k, const char *token);
/* End every session of one staff member or person (e.g. on deletion). */
int session_delete_all(struct db *db, enum session_kind k, int64_t id);

#endif

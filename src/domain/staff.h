/* Staff accounts, their logins and the audit log of what staff do. */
#ifndef OVI_STAFF_H
#define OVI_STAFF_H
#include <stdint.h>

#include "store/db.h"

enum { STAFF_FAILS_PER_HOUR = 100 };

/* Create an account, or reset the password of an existing one.
 * Returns the staff id, or -1. */
int64_t staff_upsert(struct db *db, const char *email, const char *password);

enum login_result { LOGIN_OK, LOGIN_BAD, LOGIN_LOCKED, LOGIN_BUSY, LOGIN_ERROR };

/* Check e-mail and password. Failures are counted per account; an account
 * with STAFF_FAILS_PER_HOUR failures in the last hour is locked until they
 * age out. Unknown addresses cost the same time as known ones. */
enum login_result staff_login(struct db *db, const char *email, const char *password,
			      int64_t now, int64_t *staff_id);

/* The e-mail of a staff member into out (size n); 0 or -1. */
int staff_email(struct db *db, int64_t id, char *out, size_t n);

/* Record an action. `detail` must not hold personal data of members. */
int audit(struct db *db, int64_t staff_id, const char *action, const char *detail);

#endif

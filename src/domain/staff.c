#include "domain/staff.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/log.h"
#include "domain/password.h"

int64_t staff_upsert(struct db *db, const char *email, const char *password)
{
	char hash[PASSWORD_HASH_MAX];
	if (password_hash(password, hash))
		return error("staff: cannot hash the password");
	int64_t id = db_int(db, -1, "SELECT id FROM staff WHERE email = ?", "s", email);
	int r;
	if (id >= 0)
		r = db_run(db, "UPDATE staff SET password_hash = ?, disabled = 0 WHERE id = ?", "si", hash, id);
	else
		r = db_run(db, "INSERT INTO staff (email, password_hash, created_at) VALUES (?, ?, ?)", "ssi",
			   email, hash, clock_now());
	if (r)
		return -1;
	if (id < 0)
		id = db_int(db, -1, "SELECT id FROM staff WHERE email = ?", "s", email);
	return id;
}

enum login_result staff_login(struct db *db, const char *email, const char *password,
			      int64_t now, int64_t *staff_id)
{
	char hash[PASSWORD_HASH_MAX] = "";
	int64_t id = -1;
	struct db_stmt *st = db_prepare(db, "SELECT id, password_hash FROM staff WHERE email = ? AND disabled = 0");
	if (!st || db_bind_text(st, 1, email)) {
		db_finalize(st);
		return LOGIN_ERROR;
	}
	if (db_step(st) == DB_ROW) {
		id = db_col_int(st, 0);
		snprintf(hash, sizeof(hash), "%s", db_col_text(st, 1));
	}
	db_finalize(st);

	if (id >= 0) {
		int64_t fails = db_int(db, 0, "SELECT COUNT(*) FROM login_failures WHERE staff_id = ? AND at > ?",
				       "ii", id, now - 3600);
		if (fails >= STAFF_FAILS_PER_HOUR)
			return LOGIN_LOCKED;
	}
	int ok = password_verify(id >= 0 ? hash : NULL, password);
	if (ok < 0)
		return LOGIN_BUSY;
	if (!ok) {
		if (id >= 0) {
			db_run(db, "INSERT INTO login_failures (staff_id, at) VALUES (?, ?)", "ii", id, now);
			audit(db, id, "login_failed", "");
		}
		return LOGIN_BAD;
	}
	db_run(db, "DELETE FROM login_failures WHERE staff_id = ? AND at <= ?", "ii", id, now - 3600);
	*staff_id = id;
	return LOGIN_OK;
}

int staff_email(struct db *db, int64_t id, char *out, size_t n)
{
	struct db_stmt *st = db_prepare(db, "SELECT email FROM staff WHERE id = ?");
	int r = -1;
	if (st && db_bind_int(st, 1, id) == 0 && db_step(st) == DB_ROW) {
		snprintf(out, n, "%s", db_col_text(st, 0));
		r = 0;
	}
	db_finalize(st);
	return r;
}

int audit(struct db *db, int64_t staff_id, const char *action, const char *detail)
{
	if (staff_id > 0)
		return db_run(db, "INSERT INTO audit_log (at, staff_id, action, detail) VALUES (?, ?, ?, ?)",
			      "iiss", clock_now(), staff_id, action, detail);
	return db_run(db, "INSERT INTO audit_log (at, staff_id, action, detail) VALUES (?, NULL, ?, ?)",
		      "iss", clock_now(), action, detail);
}

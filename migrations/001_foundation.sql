-- The foundation: settings, staff, sessions, audit log, login throttling.
-- Portable SQL (SQLite and PostgreSQL): integer Unix times, TEXT, INTEGER.

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

CREATE TABLE staff (
	id            INTEGER PRIMARY KEY,
	email         TEXT NOT NULL UNIQUE,
	password_hash TEXT NOT NULL,
	created_at    INTEGER NOT NULL,
	disabled      INTEGER NOT NULL DEFAULT 0
);

-- Only a hash of the session token is stored: a copy of the database does
-- not let anyone log in.
CREATE TABLE sessions (
	token_hash TEXT PRIMARY KEY,
	staff_id   INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
	created_at INTEGER NOT NULL,
	last_seen  INTEGER NOT NULL
);
CREATE INDEX sessions_staff ON sessions(staff_id);

CREATE TABLE login_failures (
	staff_id INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
	at       INTEGER NOT NULL
);
CREATE INDEX login_failures_staff ON login_failures(staff_id, at);

-- What staff did. `detail` never holds personal data of members.
CREATE TABLE audit_log (
	id       INTEGER PRIMARY KEY,
	at       INTEGER NOT NULL,
	staff_id INTEGER REFERENCES staff(id) ON DELETE SET NULL,
	action   TEXT NOT NULL,
	detail   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log(at);

-- The e-mail outbox (docs/mail.md).
--
-- Every e-mail is a row, written in the same transaction as the change that
-- causes it; a sender thread delivers it over SMTP later. A message moves
--   queued -> sending -> sent                    (delivered: final)
--                     -> queued (next_attempt_at) (temporary failure: retried with backoff)
--                     -> failed                  (permanent failure, or gave up)
-- and staff may put a failed one back to queued ("retry now").
-- The body columns hold personal data: a member's erasure empties them
-- (to_email, to_name, subject, text_body, html_body) and keeps the row.

CREATE TABLE outbox (
	id              INTEGER PRIMARY KEY,
	person_id       INTEGER REFERENCES people(id) ON DELETE SET NULL,
	kind            TEXT NOT NULL,               -- template name: confirm, login, test, ...
	to_email        TEXT NOT NULL,
	to_name         TEXT NOT NULL DEFAULT '',
	mail_lang       TEXT NOT NULL,               -- sv, fi, en
	subject         TEXT NOT NULL,
	text_body       TEXT NOT NULL,
	html_body       TEXT NOT NULL DEFAULT '',
	reply_to        TEXT NOT NULL DEFAULT '',
	message_id      TEXT NOT NULL UNIQUE,        -- <random@host>, made at queue time, the same on every attempt
	status          TEXT NOT NULL DEFAULT 'queued'
	                CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_attempt_at INTEGER NOT NULL,            -- queued: not before this time
	claimed_at      INTEGER,                     -- sending: when a sender took it
	queued_at       INTEGER NOT NULL,            -- start of the current round of attempts (created_at, or "retry now")
	last_error      TEXT NOT NULL DEFAULT '',    -- short, never personal data
	created_at      INTEGER NOT NULL,
	sent_at         INTEGER
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
CREATE INDEX outbox_person ON outbox(person_id);

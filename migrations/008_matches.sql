-- Matches: a published proposal (or a pair made by hand) between a
-- participant registration and a door opener registration, from the
-- introduction e-mail to "met" (docs/matches.md).
--
--   introduced --one side accepts--> accepted --the other accepts--> confirmed
--   confirmed --"did you meet?"--> met | not_met
--   introduced/accepted/confirmed --> declined (by a side, with a reason)
--                                 --> expired (no answer in time, after a reminder)
--                                 --> cancelled (by staff)
-- A side that proposes another time accepts that time; the other side's
-- answer is cleared (state accepted) until they accept it too.
--
-- The answers and deadlines live on the match; jobs (below) only wake the
-- scheduler, whose handlers check the match again before acting.

CREATE TABLE matches (
	id                INTEGER PRIMARY KEY,
	participant       INTEGER NOT NULL REFERENCES registrations(id) ON DELETE CASCADE,
	door_opener       INTEGER NOT NULL REFERENCES registrations(id) ON DELETE CASCADE,
	origin            TEXT NOT NULL CHECK (origin IN ('run', 'manual', 'relay')),
	proposal_id       INTEGER REFERENCES match_proposals(id) ON DELETE SET NULL,
	via_match         INTEGER REFERENCES matches(id) ON DELETE SET NULL,  -- relay: the meeting whose door opener passed this contact on
	state             TEXT NOT NULL CHECK (state IN ('introduced', 'accepted', 'confirmed', 'met', 'not_met',
	                                                   'declined', 'expired', 'cancelled')),
	score             INTEGER NOT NULL DEFAULT 0,
	breakdown         TEXT NOT NULL DEFAULT '',
	languages         TEXT NOT NULL DEFAULT '',    -- shared meeting languages, "sv,fi"
	meeting_at        INTEGER NOT NULL,            -- start of the one-hour meeting (current time)
	meeting_seq       INTEGER NOT NULL DEFAULT 0,  -- .ics SEQUENCE: goes up with every new time
	time_by           TEXT NOT NULL DEFAULT '',    -- '' suggested by Ovi, else the side that proposed it
	time_note         TEXT NOT NULL DEFAULT '',    -- the proposer's short note
	participant_answer TEXT NOT NULL DEFAULT '',   -- '', accepted
	opener_answer     TEXT NOT NULL DEFAULT '',
	participant_met   TEXT NOT NULL DEFAULT '',    -- '', met, not_yet, wont
	opener_met        TEXT NOT NULL DEFAULT '',
	ended_by          TEXT NOT NULL DEFAULT '',    -- declined: participant, door_opener; cancelled: staff:<id>
	end_reason        TEXT NOT NULL DEFAULT '',    -- no_time, not_my_field, found_job, moved_away, other, ...
	end_note          TEXT NOT NULL DEFAULT '',
	remind_at         INTEGER,                     -- open: remind whoever has not answered
	expires_at        INTEGER,                     -- open: expire unless confirmed
	followup_at       INTEGER,                     -- confirmed: ask "did you meet?"
	created_by        INTEGER REFERENCES staff(id) ON DELETE SET NULL,
	created_at        INTEGER NOT NULL,
	state_at          INTEGER NOT NULL
);
CREATE INDEX matches_state ON matches(state, state_at);
CREATE INDEX matches_participant ON matches(participant);
CREATE INDEX matches_door_opener ON matches(door_opener);

-- Everything that happened to a match: state changes, answers, new times,
-- reminders, e-mails resent, staff notes. actor: participant, door_opener,
-- staff:<id>, system.
CREATE TABLE match_events (
	id          INTEGER PRIMARY KEY,
	match_id    INTEGER NOT NULL REFERENCES matches(id) ON DELETE CASCADE,
	at          INTEGER NOT NULL,
	kind        TEXT NOT NULL,     -- state, accept, time, remind, met_answer, mail, note, back_to_pool
	from_state  TEXT NOT NULL DEFAULT '',
	to_state    TEXT NOT NULL DEFAULT '',
	actor       TEXT NOT NULL,
	reason      TEXT NOT NULL DEFAULT '',
	note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX match_events_match ON match_events(match_id, id);

-- Which e-mails belong to which match (the staff match page lists them).
CREATE TABLE match_mails (
	match_id  INTEGER NOT NULL REFERENCES matches(id) ON DELETE CASCADE,
	outbox_id INTEGER NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
	PRIMARY KEY (match_id, outbox_id)
);

-- A published proposal points at its match; a run is published once any
-- of its proposals is.
ALTER TABLE match_proposals ADD COLUMN match_id INTEGER REFERENCES matches(id) ON DELETE SET NULL;
ALTER TABLE match_runs ADD COLUMN published_at INTEGER;

-- Priority in the next runs for someone whose match ended without a
-- meeting through no doing of theirs (the other side declined, or it
-- expired after they had accepted). Cleared when they are matched again.
ALTER TABLE registrations ADD COLUMN returned_at INTEGER;

-- One-time links that act on a match (accept, new time, decline, "did we
-- meet?") name the match they are for.
ALTER TABLE email_tokens ADD COLUMN match_id INTEGER REFERENCES matches(id) ON DELETE CASCADE;

-- One attachment per message (the .ics invitation); the sender adds it as
-- a MIME part. Erased with the rest of the message.
ALTER TABLE outbox ADD COLUMN attach_name TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN attach_type TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN attach_data TEXT NOT NULL DEFAULT '';

-- Scheduled work: "at due_at, look at match 12 for a reminder". A
-- scheduler (one per `ovi serve`, or `ovi jobs run`) claims a due job
-- with a conditional UPDATE in the transaction that also does the work,
-- so several processes on one database never do a job twice. A failing
-- job is tried again later (attempts, last_error: no personal data).
CREATE TABLE jobs (
	id          INTEGER PRIMARY KEY,
	kind        TEXT NOT NULL,     -- match_remind, match_expire, match_followup, ...
	ref_id      INTEGER NOT NULL,  -- what it is about (a match id)
	due_at      INTEGER NOT NULL,
	done_at     INTEGER,
	attempts    INTEGER NOT NULL DEFAULT 0,
	last_error  TEXT NOT NULL DEFAULT '',
	created_at  INTEGER NOT NULL
);
CREATE INDEX jobs_due ON jobs(done_at, due_at);

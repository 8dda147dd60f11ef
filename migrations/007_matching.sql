-- Matching runs and what they proposed (docs/matching.md, "The database side").
--
-- A run is a dry run until publishing comes (later work): it stores the
-- settings it used, its figures, the proposed pairs with their score
-- breakdown and the participants left unmatched with a reason. Staff may
-- discard a run. Pins and exclusions are the coordinator's hand on the next
-- runs: a pin is taken as given by every later run (until removed), an
-- excluded pair is never proposed again. Registrations are referred to by
-- id; people are never copied here.

CREATE TABLE match_runs (
	id                   INTEGER PRIMARY KEY,
	created_at           INTEGER NOT NULL,
	staff_id             INTEGER REFERENCES staff(id) ON DELETE SET NULL,  -- NULL: the command line
	objective            TEXT NOT NULL,           -- max_people, max_score
	weights              TEXT NOT NULL,           -- "occ_unit=400;occ_minor=300;..."
	participants         INTEGER NOT NULL DEFAULT 0,
	door_openers         INTEGER NOT NULL DEFAULT 0,
	candidate_pairs      INTEGER NOT NULL DEFAULT 0,
	proposals            INTEGER NOT NULL DEFAULT 0,
	total_score          INTEGER NOT NULL DEFAULT 0,
	certificate_verified INTEGER NOT NULL DEFAULT 0,
	status               TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'discarded')),
	status_at            INTEGER NOT NULL
);

CREATE TABLE match_proposals (
	id            INTEGER PRIMARY KEY,
	run_id        INTEGER NOT NULL REFERENCES match_runs(id) ON DELETE CASCADE,
	participant   INTEGER NOT NULL REFERENCES registrations(id) ON DELETE CASCADE,
	door_opener   INTEGER NOT NULL REFERENCES registrations(id) ON DELETE CASCADE,
	score         INTEGER NOT NULL,
	breakdown     TEXT NOT NULL,   -- "occupation=400;occ_level=unit;place=100;place_level=municipality;..."
	languages     TEXT NOT NULL DEFAULT '',   -- shared meeting languages, "sv,fi"
	distance_km   INTEGER,                    -- NULL when unknown
	pinned        INTEGER NOT NULL DEFAULT 0,
	status        TEXT NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed'))
);
CREATE INDEX match_proposals_run ON match_proposals(run_id);

CREATE TABLE match_unmatched (
	run_id       INTEGER NOT NULL REFERENCES match_runs(id) ON DELETE CASCADE,
	participant  INTEGER NOT NULL REFERENCES registrations(id) ON DELETE CASCADE,
	reason       TEXT NOT NULL,   -- match_reason_key(): language, taken, ...
	PRIMARY KEY (run_id, participant)
);

-- At most one pin per participant registration.
CREATE TABLE match_pins (
	participant  INTEGER PRIMARY KEY REFERENCES registrations(id) ON DELETE CASCADE,
	door_opener  INTEGER NOT NULL REFERENCES registrations(id) ON DELETE CASCADE,
	staff_id     INTEGER REFERENCES staff(id) ON DELETE SET NULL,
	created_at   INTEGER NOT NULL
);

CREATE TABLE match_exclusions (
	participant  INTEGER NOT NULL REFERENCES registrations(id) ON DELETE CASCADE,
	door_opener  INTEGER NOT NULL REFERENCES registrations(id) ON DELETE CASCADE,
	staff_id     INTEGER REFERENCES staff(id) ON DELETE SET NULL,
	created_at   INTEGER NOT NULL,
	PRIMARY KEY (participant, door_opener)
);

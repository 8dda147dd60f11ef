-- People, their registrations, consents and e-mailed tokens.
--
-- The profile lives on the person (it is what matching reads and what the
-- member edits); a registration is one round of taking part, in one role,
-- with its own status. Codes (occupation, municipality, language, country)
-- refer to the reference data of 002 by value, so a hidden or renamed
-- entry never breaks an old registration.

CREATE TABLE people (
	id                INTEGER PRIMARY KEY,
	email             TEXT UNIQUE,            -- lower-cased; NULL once erased
	first_name        TEXT NOT NULL DEFAULT '',
	last_name         TEXT NOT NULL DEFAULT '',
	phone             TEXT NOT NULL DEFAULT '',
	mail_lang         TEXT NOT NULL DEFAULT 'en',   -- sv, fi, en
	sector            TEXT NOT NULL DEFAULT '',     -- sector code
	occupation        TEXT NOT NULL DEFAULT '',     -- ISCO-08 code (1 to 4 digits)
	job_title         TEXT NOT NULL DEFAULT '',
	experience_years  INTEGER,
	education         TEXT NOT NULL DEFAULT '',     -- upper_secondary, vocational, bachelor, master, doctorate, other
	municipality      TEXT NOT NULL DEFAULT '',     -- municipality code, e.g. FI-091, SE-0180
	meeting_mode      TEXT NOT NULL DEFAULT 'either', -- in_person, online, either
	intro             TEXT NOT NULL DEFAULT '',
	link              TEXT NOT NULL DEFAULT '',     -- LinkedIn or CV, http(s) only
	employer          TEXT NOT NULL DEFAULT '',
	-- Optional, for statistics only, shown only to staff, reported only in aggregate.
	gender            TEXT NOT NULL DEFAULT '',     -- '', woman, man, other
	birth_year        INTEGER,
	birth_country     TEXT NOT NULL DEFAULT '',     -- ISO 3166-1 alpha-2
	arrival_year      INTEGER,
	created_at        INTEGER NOT NULL,
	updated_at        INTEGER NOT NULL,
	erased_at         INTEGER                       -- personal data erased; the row stays for statistics
);

-- ISO 639 codes (639-1 where one exists: sv, fi, en, ar, ...; else 639-3).
CREATE TABLE person_languages (
	person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
	lang      TEXT NOT NULL,
	PRIMARY KEY (person_id, lang)
);

CREATE TABLE registrations (
	id           INTEGER PRIMARY KEY,
	person_id    INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
	role         TEXT NOT NULL CHECK (role IN ('participant', 'door_opener')),
	-- unconfirmed -> waiting -> (matching and meetings, later work) ;
	-- withdrawn (by the person), expired (never confirmed; removed), closed
	status       TEXT NOT NULL DEFAULT 'unconfirmed',
	capacity     INTEGER NOT NULL DEFAULT 1,      -- door openers: meetings they can take (1-5)
	form_nonce   TEXT UNIQUE,                     -- one registration per submitted form
	created_at   INTEGER NOT NULL,
	confirmed_at INTEGER,
	status_at    INTEGER NOT NULL
);
CREATE INDEX registrations_person ON registrations(person_id);
CREATE INDEX registrations_status ON registrations(status, role);

-- Every status change: who or what caused it, when, why.
CREATE TABLE registration_events (
	id              INTEGER PRIMARY KEY,
	registration_id INTEGER NOT NULL REFERENCES registrations(id) ON DELETE CASCADE,
	at              INTEGER NOT NULL,
	from_status     TEXT NOT NULL DEFAULT '',
	to_status       TEXT NOT NULL,
	actor           TEXT NOT NULL,   -- 'person', 'staff:<id>', 'system'
	reason          TEXT NOT NULL DEFAULT ''
);

-- The eligibility statements the person confirmed, by id.
CREATE TABLE registration_eligibility (
	registration_id INTEGER NOT NULL REFERENCES registrations(id) ON DELETE CASCADE,
	statement       TEXT NOT NULL,
	PRIMARY KEY (registration_id, statement)
);

-- Consent to the privacy notice: which version, in which language, when.
CREATE TABLE consents (
	id              INTEGER PRIMARY KEY,
	person_id       INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
	registration_id INTEGER REFERENCES registrations(id) ON DELETE SET NULL,
	notice_version  TEXT NOT NULL,
	lang            TEXT NOT NULL,
	at              INTEGER NOT NULL
);

-- Links sent by e-mail (confirm a registration, log in, confirm deletion).
-- Only the hash of the token is stored; a token works once and expires.
CREATE TABLE email_tokens (
	token_hash      TEXT PRIMARY KEY,
	purpose         TEXT NOT NULL,   -- confirm, login
	person_id       INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
	registration_id INTEGER REFERENCES registrations(id) ON DELETE CASCADE,
	created_at      INTEGER NOT NULL,
	expires_at      INTEGER NOT NULL,
	used_at         INTEGER
);
CREATE INDEX email_tokens_person ON email_tokens(person_id);

-- Member sessions (logged in by e-mail link); like staff sessions, hashed.
CREATE TABLE member_sessions (
	token_hash TEXT PRIMARY KEY,
	person_id  INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
	created_at INTEGER NOT NULL,
	last_seen  INTEGER NOT NULL
);

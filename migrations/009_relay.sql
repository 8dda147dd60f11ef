-- The relay (docs/relay.md): after a meeting, the door opener passes on up
-- to two contacts from their network; each may register as a door opener
-- through a personal link and is then matched straight to the same
-- participant (matches.origin = 'relay', via_match = the meeting after
-- which the contact was shared).
--
-- A contact is opened in one of two ways:
--   invite      Ovi e-mails the invitation on the door opener's behalf
--               (their message, Reply-To the door opener)       -> invited
--   self        the door opener writes themselves and marks it    -> introduced
-- then
--   invited | introduced --registers through the link--> registered
--                         --says no thanks-------------> declined
--                         --no registration in time----> expired
--                         --the participant stops the relay--> expired
-- The contact's personal data (name, e-mail, phone, note, message) is
-- emptied when the contact declines or expires, and with the door
-- opener's or the participant's erasure; the row stays for the figures.

CREATE TABLE contacts (
	id               INTEGER PRIMARY KEY,
	match_id         INTEGER NOT NULL REFERENCES matches(id) ON DELETE CASCADE,
	participant      INTEGER NOT NULL REFERENCES registrations(id) ON DELETE CASCADE,
	shared_by        INTEGER REFERENCES registrations(id) ON DELETE SET NULL, -- the door opener's registration
	staff_id         INTEGER REFERENCES staff(id) ON DELETE SET NULL,        -- added by staff on their behalf
	name             TEXT NOT NULL,
	email            TEXT NOT NULL,          -- lower-cased
	phone            TEXT NOT NULL DEFAULT '',
	field            TEXT NOT NULL DEFAULT '',  -- their field or job, as the door opener wrote it
	note             TEXT NOT NULL DEFAULT '',  -- for the participant: why this person
	lang             TEXT NOT NULL,             -- sv, fi, en: the invitation's language
	how              TEXT NOT NULL CHECK (how IN ('invite', 'self')),
	message          TEXT NOT NULL DEFAULT '',  -- the door opener's personal message (invite)
	state            TEXT NOT NULL CHECK (state IN ('invited', 'introduced', 'registered', 'declined', 'expired')),
	registration_id  INTEGER REFERENCES registrations(id) ON DELETE SET NULL, -- the contact's door opener registration
	new_match        INTEGER REFERENCES matches(id) ON DELETE SET NULL,       -- their match with the participant
	link_hash        TEXT UNIQUE,               -- hash of the personal registration link's token
	link_used_at     INTEGER,                   -- the link works once ...
	expires_at       INTEGER NOT NULL,          -- ... and until then
	created_at       INTEGER NOT NULL,
	state_at         INTEGER NOT NULL
);
CREATE INDEX contacts_match ON contacts(match_id);
CREATE INDEX contacts_participant ON contacts(participant);
CREATE INDEX contacts_registration ON contacts(registration_id);

-- The participant said they found work: the relay stopped (no new
-- invitations; open ones expire).
ALTER TABLE registrations ADD COLUMN relay_stopped_at INTEGER;

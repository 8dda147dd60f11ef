-- Registration additions to 003 (people and registrations).
--
-- phone_shared: the person allows their match to see the phone number
-- (the number itself stays optional).
-- pending_profile: when someone who has already confirmed an e-mail
-- address registers again, the profile they typed waits here (as
-- application/x-www-form-urlencoded text) until the new registration is
-- confirmed from that address; only then does it replace the stored
-- profile. Cleared on confirmation; removed with an unconfirmed
-- registration when it expires.
ALTER TABLE people ADD COLUMN phone_shared INTEGER NOT NULL DEFAULT 0;
ALTER TABLE registrations ADD COLUMN pending_profile TEXT;

-- What a member's erasure keeps of where they lived or worked.
--
-- Erasing a person (domain/member.c) empties the municipality, which with
-- the occupation could point at one person in a small place, and keeps only
-- its region here, for statistics. For people who are not erased the region
-- follows from the municipality (ref_entries.parent) and this stays ''.
ALTER TABLE people ADD COLUMN region TEXT NOT NULL DEFAULT '';

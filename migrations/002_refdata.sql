-- Reference data: sectors, ISCO-08 occupations, regions, municipalities,
-- countries, languages and education levels.
--
-- ref_entries is what `ovi migrate` loads from data/ and from Debian's
-- iso-codes; every load rewrites it. What staff change (a new name in a
-- language, hiding an entry) lives apart in ref_overrides, which a load never
-- touches, so a reload keeps it. An entry that disappears from the data is
-- kept, marked retired: old registrations that name it stay valid, but it is
-- no longer offered. People refer to entries by code (see 003).

CREATE TABLE ref_entries (
	kind      TEXT NOT NULL,    -- sector, occupation, region, municipality, country, language, education
	code      TEXT NOT NULL,    -- e.g. ict, 2512, FI-01, FI-091, SE, sv
	name_sv   TEXT NOT NULL DEFAULT '',   -- '' = not known: the English name is shown
	name_fi   TEXT NOT NULL DEFAULT '',
	name_en   TEXT NOT NULL DEFAULT '',
	parent    TEXT NOT NULL DEFAULT '',   -- municipality: its region's code; region: its country
	sort      INTEGER NOT NULL DEFAULT 0, -- order in the data (sectors, education levels)
	lat_e6    INTEGER,                    -- municipalities: centre, micro-degrees
	lon_e6    INTEGER,
	retired   INTEGER NOT NULL DEFAULT 0, -- no longer in the loaded data
	PRIMARY KEY (kind, code)
);
CREATE INDEX ref_entries_parent ON ref_entries(kind, parent);

-- Staff edits, keyed like ref_entries. A NULL name keeps the loaded one.
CREATE TABLE ref_overrides (
	kind       TEXT NOT NULL,
	code       TEXT NOT NULL,
	name_sv    TEXT,
	name_fi    TEXT,
	name_en    TEXT,
	hidden     INTEGER NOT NULL DEFAULT 0,
	updated_at INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (kind, code)
);

-- Which ISCO-08 groups a sector covers: an occupation belongs to a sector
-- when one of the sector's prefixes (1 to 4 digits) begins its code.
CREATE TABLE ref_sector_isco (
	sector TEXT NOT NULL,
	prefix TEXT NOT NULL,
	PRIMARY KEY (sector, prefix)
);
CREATE INDEX ref_sector_isco_prefix ON ref_sector_isco(prefix);

/* Reference data: the lists the forms offer and the codes people's profiles
 * hold.
 *
 * Kinds and their codes:
 *	sector        our own codes ("ict", "health"), each covering ISCO-08 groups
 *	occupation    ISCO-08 codes, 1 to 4 digits ("2", "25", "251", "2512")
 *	region        "FI-01" (maakunta / landskap), "SE-01" (län)
 *	municipality  "FI-091" (Statistics Finland), "SE-0180" (SCB kommunkod)
 *	country       ISO 3166-1 alpha-2 ("SE")
 *	language      ISO 639-1 when there is one ("sv"), else ISO 639-3 ("sma")
 *	education     upper_secondary, vocational, bachelor, master, doctorate, other
 *
 * `refdata_load` (called by `ovi migrate`) reads data/ and Debian's
 * iso-codes into the table ref_entries. Staff renames and hides are kept in
 * ref_overrides, which loading never touches. An entry that is hidden, or
 * that a newer load no longer has ("retired"), still exists (old
 * registrations stay valid and show its name) but is not offered for new
 * input. Names: a language without a name shows the English one.
 *
 * Languages are given as "sv", "fi" or "en"; anything else means English. */
#ifndef OVI_REFDATA_H
#define OVI_REFDATA_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct db;

/* group: the sector code for occupations listed by sector, the region's
 * name for municipalities, the country code for regions, "" otherwise. */
struct ref_item {
	const char *code, *name, *group;
};

/* The kinds, in the order the staff page shows them (NULL-terminated). */
extern const char *const refdata_kinds[];
bool refdata_kind_known(const char *kind);

/* Visible entries (not hidden, not retired) for a form, in language `lang`,
 * from the arena, sorted for display: by name in the rules of the language
 * (å, ä, ö after z in Swedish and Finnish); languages with sv, fi, en first;
 * education levels in their natural order. `filter`:
 *	occupation    a sector code: that sector's unit groups (4 digits);
 *	              NULL: every occupation (all levels), in code order
 *	municipality  "FI", "SE" or "FI,SE" (NULL: all)
 *	region        the same
 *	others        ignored
 * One query per call (two for municipalities: their regions' names).
 * 0, or -1 (unknown kind, database error, arena full). */
int refdata_list(struct db *db, struct arena *a, const char *kind, const char *lang, const char *filter,
		 struct ref_item **items, size_t *n);

/* The name of an entry in `lang`, hidden and retired ones too; NULL when
 * the entry is unknown (or on error). */
const char *refdata_name(struct db *db, struct arena *a, const char *kind, const char *code, const char *lang);

/* Exists, is not hidden and not retired: allowed for new input. */
bool refdata_selectable(struct db *db, const char *kind, const char *code);
/* Exists at all (hidden and retired are fine): valid on old registrations. */
bool refdata_exists(struct db *db, const char *kind, const char *code);

/* A municipality's region code ("FI-01"), or NULL when unknown. */
const char *refdata_region(struct db *db, struct arena *a, const char *municipality);
/* Whether an occupation code belongs to a sector (one of the sector's ISCO
 * prefixes begins it). */
bool refdata_in_sector(struct db *db, const char *sector, const char *occupation);

/* Great-circle distance between two municipalities' centres, rounded to
 * whole kilometres; -1 when either is unknown. */
int refdata_distance_km(struct db *db, const char *muni_a, const char *muni_b);

/* (Re)load everything from data_dir (sectors.tsv, isco08.tsv, regions.tsv,
 * municipalities_fi.tsv, municipalities_se.tsv, education.tsv) and from
 * iso-codes in its Debian place, in one transaction, keeping staff edits.
 * The files are checked first (columns, codes, ISCO hierarchy, sector
 * prefixes, regions, coordinates); any problem is logged as file:line and
 * nothing is changed. Idempotent. 0, or -1. */
int refdata_load(struct db *db, const char *data_dir);
/* The same with iso-codes elsewhere (tests). */
int refdata_load_from(struct db *db, const char *data_dir, const char *iso_json_dir, const char *iso_locale_dir);

/* ---- staff edits -------------------------------------------------------- */

enum { REFDATA_NAME_MAX = 200 };   /* characters */

struct ref_admin_entry {
	const char *code;
	const char *name;            /* shown name in the page's language */
	const char *loaded[3];       /* names from the data: sv, fi, en ("" = none) */
	const char *custom[3];       /* staff names: sv, fi, en (NULL = none) */
	bool hidden, retired;
};

/* Entries of a kind for the staff page, hidden and retired ones too, sorted
 * like refdata_list (occupations in code order). `query` (may be NULL or "")
 * keeps those whose code or any name contains it, ignoring case and
 * accents. Returns at most `limit` entries from `offset` on; *total is how
 * many matched. 0 or -1. */
int refdata_admin_list(struct db *db, struct arena *a, const char *kind, const char *lang, const char *query,
		       size_t offset, size_t limit, struct ref_admin_entry **out, size_t *n, size_t *total);

/* One entry (hidden and retired ones too) into *out, arena memory.
 * 0, or -1 when unknown or on error. */
int refdata_admin_get(struct db *db, struct arena *a, const char *kind, const char *code, const char *lang,
		      struct ref_admin_entry *out);

/* Whether a staff-given name is acceptable: valid UTF-8 without control
 * characters, at most REFDATA_NAME_MAX characters ("" is fine: it restores
 * the loaded name). */
bool refdata_name_ok(const char *name);

/* Give an entry a name of its own in `lang` ("" or NULL: back to the loaded
 * name). 0, or -1 (unknown entry or language, bad name, database error). */
int refdata_rename(struct db *db, const char *kind, const char *code, const char *lang, const char *name,
		   int64_t now);
/* Hide an entry from the forms, or show it again. 0 or -1. */
int refdata_set_hidden(struct db *db, const char *kind, const char *code, bool hidden, int64_t now);

/* Sort key helper (exposed for tests): compares two names in the rules of
 * `lang`, like strcmp. */
int refdata_collate(const char *lang, const char *x, const char *y);

#endif

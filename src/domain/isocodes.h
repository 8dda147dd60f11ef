/* Countries and languages from Debian's iso-codes package.
 *
 * The codes and English names come from its JSON files (iso_3166-1.json,
 * iso_639-3.json), the Swedish and Finnish names from its gettext catalogues
 * (LOCALE/{sv,fi}/LC_MESSAGES/iso_3166-1.mo, iso_639-3.mo), read with Ovi's
 * own .mo reader: the English name is the msgid. A name without a translation
 * is left empty (the caller shows the English one then).
 *
 * Countries: every ISO 3166-1 entry, code = alpha-2 ("SE"); the English name
 * is the common name when there is one ("Bolivia", not "Bolivia,
 * Plurinational State of").
 *
 * Languages: the living ones (type L) that are individual languages or
 * macrolanguages (scope I or M: Arabic, Persian, Chinese and Estonian are
 * macrolanguages in ISO 639-3, and people say "Arabic" rather than "Standard
 * Arabic"); code = the ISO 639-1 code when there is one ("sv"), else the
 * 639-3 code ("sma"). Swedish and Finnish names start with a capital letter
 * (iso-codes writes Finnish ones in lower case, as in running text).
 *
 * Everything is allocated from the arena; the files are not needed later. */
#ifndef OVI_ISOCODES_H
#define OVI_ISOCODES_H
#include <stddef.h>

struct arena;

struct iso_entry {
	const char *code;
	const char *name_en, *name_sv, *name_fi;   /* sv/fi may be "" */
};

/* Where Debian installs the files. */
#define ISOCODES_JSON_DIR "/usr/share/iso-codes/json"
#define ISOCODES_LOCALE_DIR "/usr/share/locale"

/* Fill *out and *n (arena memory), in the order of the JSON file. 0, or -1 with
 * a logged reason (missing or malformed JSON, arena full). A missing or
 * broken translation catalogue only leaves those names empty (warned). */
int isocodes_countries(struct arena *a, const char *json_dir, const char *locale_dir,
		       struct iso_entry **out, size_t *n);
int isocodes_languages(struct arena *a, const char *json_dir, const char *locale_dir,
		       struct iso_entry **out, size_t *n);

#endif

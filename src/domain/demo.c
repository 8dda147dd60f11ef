#include "domain/demo.h"

#include <stdio.h>

#include "core/log.h"

/* Fields where most meetings happen in the programmes (ICT, communication,
 * culture, education, social work), and a few others. */
static const struct {
	const char *sector, *isco, *title;
} fields[] = {
	{ "ict", "2512", "Software developer" },    { "ict", "2511", "Systems analyst" },
	{ "ict", "2522", "Systems administrator" }, { "media", "2642", "Journalist" },
	{ "media", "2432", "Communications specialist" }, { "culture", "2652", "Musician" },
	{ "design", "2166", "Graphic designer" },   { "education", "2330", "Secondary school teacher" },
	{ "education", "2341", "Primary school teacher" }, { "social", "2635", "Social worker" },
	{ "health", "2221", "Nurse" },              { "engineering", "2142", "Civil engineer" },
	{ "finance", "2411", "Accountant" },        { "sales", "2431", "Marketing specialist" },
};

/* Municipalities with their coordinates come from the reference data. */
static const char *const places[] = {
	"FI-091", "FI-049", "FI-092", "FI-235", "FI-853", "FI-837", "SE-0180", "SE-0184", "SE-1480", "FI-091",
};

static const char *const first[] = {
	"Amina", "Mateo", "Leila", "Oleksandr", "Priya", "Tomás", "Fatima", "Wei", "Yusuf", "Sofia", "Kwame",
	"Ana", "Reza", "Irina", "Daniel", "Hodan", "Lucas", "Mei", "Omar", "Elena",
};
static const char *const last[] = {
	"Hassan", "García", "Nazari", "Kovalenko", "Sharma", "Silva", "Ahmed", "Zhang", "Demir", "Rossi",
	"Mensah", "Pereira", "Karimi", "Popova", "Kim", "Warsame", "Moreau", "Chen", "Haddad", "Ivanova",
};
static const char *const nordic_first[] = { "Aino", "Mikko", "Sara", "Johan", "Liisa", "Erik", "Veera", "Anders" };
static const char *const nordic_last[] = { "Virtanen", "Lindqvist", "Korhonen", "Nyström", "Mäkinen", "Berg" };
static const char *const mode[] = { "either", "in_person", "online" };

/* A small linear congruential generator: the demo is the same every time. */
static unsigned next(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 16) & 0x7fff;
}

static int add(struct db *db, int i, int participant, unsigned *seed, int64_t now)
{
	char email[96], fname[64], lname[64];
	unsigned f = next(seed) % (sizeof(fields) / sizeof(*fields));
	const char *place = places[next(seed) % (sizeof(places) / sizeof(*places))];
	if (participant) {
		snprintf(fname, sizeof(fname), "%s", first[next(seed) % (sizeof(first) / sizeof(*first))]);
		snprintf(lname, sizeof(lname), "%s", last[next(seed) % (sizeof(last) / sizeof(*last))]);
	} else {
		snprintf(fname, sizeof(fname), "%s", nordic_first[next(seed) % (sizeof(nordic_first) / sizeof(*nordic_first))]);
		snprintf(lname, sizeof(lname), "%s", nordic_last[next(seed) % (sizeof(nordic_last) / sizeof(*nordic_last))]);
	}
	snprintf(email, sizeof(email), "%s%d@demo.invalid", participant ? "participant" : "opener", i);
	const char *lang = place[0] == 'S' ? "sv" : (next(seed) % 3 ? "fi" : "en");
	int64_t waited = participant ? (int64_t)(next(seed) % 120) * 86400 : 0;
	if (db_run(db, "INSERT INTO people (email, first_name, last_name, mail_lang, sector, occupation, job_title,"
		       " experience_years, education, municipality, meeting_mode, intro, created_at, updated_at)"
		       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'master', ?, ?, ?, ?, ?)",
		   "sssssssisssii", email, fname, lname, lang, fields[f].sector, fields[f].isco, fields[f].title,
		   (int64_t)(2 + next(seed) % 15), place, mode[next(seed) % 3],
		   "Demo person: made-up data for trying Ovi.", now - waited, now - waited))
		return -1;
	int64_t id = db_int(db, -1, "SELECT id FROM people WHERE email = ?", "s", email);
	const char *langs[] = { "en", lang, participant ? "ar" : "sv" };
	for (int k = 0; k < 3; k++)
		db_run(db, "INSERT INTO person_languages (person_id, lang) SELECT ?, ? WHERE NOT EXISTS"
			   " (SELECT 1 FROM person_languages WHERE person_id = ? AND lang = ?)",
		       "isis", id, langs[k], id, langs[k]);
	return db_run(db, "INSERT INTO registrations (person_id, role, status, capacity, created_at, confirmed_at, status_at)"
			  " VALUES (?, ?, 'waiting', ?, ?, ?, ?)",
		      "isiiii", id, participant ? "participant" : "door_opener",
		      (int64_t)(participant ? 1 : 1 + next(seed) % 3), now - waited, now - waited, now - waited);
}

int demo_populate(struct db *db, int64_t now)
{
	if (db_int(db, 0, "SELECT COUNT(*) FROM people WHERE email LIKE '%@demo.invalid'", "") > 0)
		return 0;
	unsigned seed = 2026;
	if (db_begin(db))
		return -1;
	int n = 0;
	for (int i = 1; i <= 24; i++, n++)
		if (add(db, i, 1, &seed, now))
			goto fail;
	for (int i = 1; i <= 8; i++, n++)
		if (add(db, i, 0, &seed, now))
			goto fail;
	if (db_commit(db))
		goto fail;
	return n;
fail:
	db_rollback(db);
	return error("demo: could not add the demo people");
}

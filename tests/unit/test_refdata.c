/* Reference data: loading the shipped data/ and iso-codes into a migrated
 * database, the counts, names in each language, lists, staff edits kept
 * across reloads, distances. Run from the repository root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/log.h"
#include "domain/refdata.h"
#include "store/db.h"
#include "store/migrate.h"
#include "testdb.h"

static char dir[] = "/tmp/ovi-refdata-XXXXXX";
static struct db *db;
static struct arena *a;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int64_t count(const char *kind)
{
	return db_int(db, -1, "SELECT COUNT(*) FROM ref_entries WHERE kind = ? AND retired = 0", "s", kind);
}

static void loads_quickly_and_idempotently(void **state)
{
	(void)state;
	double t0 = now_s();
	assert_int_equal(refdata_load(db, "data"), 0);
	double t1 = now_s();
	int64_t n = db_int(db, 0, "SELECT COUNT(*) FROM ref_entries", "");
	assert_int_equal(refdata_load(db, "data"), 0);
	double t2 = now_s();
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM ref_entries", ""), n);
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM ref_entries WHERE retired = 1", ""), 0);
	fprintf(stderr, "# refdata: %lld entries, first load %.3f s, reload %.3f s (sanitizer build)\n",
		(long long)n, t1 - t0, t2 - t1);
	/* One second is the goal for a normal build; ASan/UBSan are slower. */
	assert_true(t1 - t0 < 5.0);
}

static void counts(void **state)
{
	(void)state;
	int64_t sectors = count("sector");
	assert_true(sectors >= 20 && sectors <= 35);
	static const int64_t isco[] = { 10, 43, 130, 436 };
	for (int len = 1; len <= 4; len++)
		assert_int_equal(db_int(db, -1, "SELECT COUNT(*) FROM ref_entries WHERE kind = 'occupation'"
					       " AND length(code) = ?", "i", (int64_t)len), isco[len - 1]);
	assert_true(db_int(db, 0, "SELECT COUNT(*) FROM ref_entries WHERE kind = 'municipality'"
				  " AND code LIKE 'FI-%'", "") >= 300);
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM ref_entries WHERE kind = 'municipality'"
				       " AND code LIKE 'SE-%'", ""), 290);
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM ref_entries WHERE kind = 'region'"
				       " AND code LIKE 'SE-%'", ""), 21);
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM ref_entries WHERE kind = 'region'"
				       " AND code LIKE 'FI-%'", ""), 19);
	assert_true(count("country") >= 249);
	assert_true(count("language") > 7000);
	assert_int_equal(count("education"), 6);
	/* Every unit group can be reached through some sector. */
	assert_int_equal(db_int(db, -1, "SELECT COUNT(*) FROM ref_entries e WHERE e.kind = 'occupation'"
					" AND length(e.code) = 4 AND NOT EXISTS (SELECT 1 FROM ref_sector_isco s"
					" WHERE substr(e.code, 1, length(s.prefix)) = s.prefix)", ""), 0);
	/* Every municipality has coordinates and a known region. */
	assert_int_equal(db_int(db, -1, "SELECT COUNT(*) FROM ref_entries m WHERE m.kind = 'municipality'"
					" AND (m.lat_e6 IS NULL OR NOT EXISTS (SELECT 1 FROM ref_entries r"
					" WHERE r.kind = 'region' AND r.code = m.parent))", ""), 0);
}

static void expect_name(const char *kind, const char *code, const char *lang, const char *want)
{
	const char *got = refdata_name(db, a, kind, code, lang);
	if (!got || strcmp(got, want) != 0)
		fail_msg("%s %s in %s: \"%s\", expected \"%s\"", kind, code, lang, got ? got : "(null)", want);
}

static void names(void **state)
{
	(void)state;
	expect_name("occupation", "2512", "en", "Software developers");
	expect_name("occupation", "2512", "fi", "Sovellussuunnittelijat");
	expect_name("occupation", "2", "sv", "Specialister");
	expect_name("sector", "health", "sv", "Hälso- och sjukvård");
	expect_name("sector", "health", "fi", "Terveydenhuolto");
	expect_name("sector", "health", "en", "Health care");
	expect_name("municipality", "FI-091", "fi", "Helsinki");
	expect_name("municipality", "FI-091", "sv", "Helsingfors");
	expect_name("municipality", "FI-091", "en", "Helsinki");
	expect_name("municipality", "FI-710", "en", "Raseborg");     /* Swedish-speaking majority */
	expect_name("municipality", "FI-710", "fi", "Raasepori");
	expect_name("municipality", "SE-0180", "fi", "Stockholm");
	expect_name("region", "FI-01", "sv", "Nyland");
	expect_name("region", "SE-14", "sv", "Västra Götalands län");
	expect_name("education", "master", "en", "Master's degree");
	expect_name("country", "SE", "en", "Sweden");
	expect_name("country", "SE", "sv", "Sverige");
	expect_name("country", "SE", "fi", "Ruotsi");
	expect_name("country", "IR", "en", "Iran");                   /* the common name */
	static const struct { const char *code, *sv, *fi, *en; } langs[] = {
		{ "sv", "Svenska", "Ruotsi", "Swedish" },
		{ "fi", "Finska", "Suomi", "Finnish" },
		{ "en", "Engelska", "Englanti", "English" },
		{ "ar", "Arabiska", "Arabia", "Arabic" },
		{ "so", "Somali", "Somali", "Somali" },
		{ "fa", "Persiska", "Persia", "Persian" },
	};
	for (size_t i = 0; i < sizeof(langs) / sizeof(*langs); i++) {
		expect_name("language", langs[i].code, "sv", langs[i].sv);
		expect_name("language", langs[i].code, "fi", langs[i].fi);
		expect_name("language", langs[i].code, "en", langs[i].en);
	}
	/* A 639-3 code where there is no 639-1 one (South Sami). */
	assert_true(refdata_exists(db, "language", "sma"));
	assert_false(refdata_exists(db, "language", "swe"));
	assert_null(refdata_name(db, a, "occupation", "99999", "en"));
	assert_null(refdata_name(db, a, "nonsense", "1", "en"));
	/* Unknown languages mean English. */
	expect_name("sector", "health", "de", "Health care");
	/* How many names fall back to English (reported, not required). */
	fprintf(stderr, "# ISCO-08 names missing: fi %lld, sv %lld\n",
		(long long)db_int(db, -1, "SELECT COUNT(*) FROM ref_entries WHERE kind = 'occupation' AND name_fi = ''", ""),
		(long long)db_int(db, -1, "SELECT COUNT(*) FROM ref_entries WHERE kind = 'occupation' AND name_sv = ''", ""));
}

static void lists(void **state)
{
	(void)state;
	struct ref_item *v;
	size_t n;
	assert_int_equal(refdata_list(db, a, "language", "sv", NULL, &v, &n), 0);
	assert_true(n > 7000);
	assert_string_equal(v[0].code, "sv");
	assert_string_equal(v[1].code, "fi");
	assert_string_equal(v[2].code, "en");
	for (size_t i = 4; i < n; i++)
		assert_true(refdata_collate("sv", v[i - 1].name, v[i].name) <= 0);

	assert_int_equal(refdata_list(db, a, "municipality", "sv", "FI,SE", &v, &n), 0);
	assert_true(n >= 590);
	bool found = false;
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].code, "FI-091") == 0) {
			assert_string_equal(v[i].name, "Helsingfors");
			assert_string_equal(v[i].group, "Nyland");
			found = true;
		}
	assert_true(found);
	/* Swedish order: Ö after Z. */
	assert_string_equal(v[n - 1].name, "Övertorneå");
	assert_int_equal(refdata_list(db, a, "municipality", "fi", "SE", &v, &n), 0);
	assert_int_equal(n, 290);
	for (size_t i = 0; i < n; i++) {
		assert_true(strncmp(v[i].code, "SE-", 3) == 0);
		if (strcmp(v[i].code, "SE-0180") == 0)
			assert_string_equal(v[i].group, "Tukholman lääni");
	}
	assert_int_equal(refdata_list(db, a, "municipality", "fi", "FI", &v, &n), 0);
	assert_true(n >= 300 && n < 320);
	assert_int_equal(refdata_list(db, a, "region", "en", "SE", &v, &n), 0);
	assert_int_equal(n, 21);

	assert_int_equal(refdata_list(db, a, "occupation", "en", "ict", &v, &n), 0);
	assert_true(n >= 10);
	found = false;
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(strlen(v[i].code), 4);
		assert_string_equal(v[i].group, "ict");
		found |= strcmp(v[i].code, "2512") == 0;
	}
	assert_true(found);
	assert_int_equal(refdata_list(db, a, "occupation", "en", NULL, &v, &n), 0);
	assert_int_equal(n, 619);
	assert_string_equal(v[0].code, "0");            /* code order */

	assert_int_equal(refdata_list(db, a, "education", "fi", NULL, &v, &n), 0);
	assert_int_equal(n, 6);
	assert_string_equal(v[0].code, "upper_secondary");
	assert_string_equal(v[5].code, "other");

	assert_int_equal(refdata_list(db, a, "sector", "fi", NULL, &v, &n), 0);
	assert_true(n >= 20 && n <= 35);
	for (size_t i = 1; i < n; i++)
		assert_true(refdata_collate("fi", v[i - 1].name, v[i].name) <= 0);
	assert_int_equal(refdata_list(db, a, "country", "fi", NULL, &v, &n), 0);
	assert_true(n >= 249);
	assert_int_equal(refdata_list(db, a, "nonsense", "fi", NULL, &v, &n), -1);

	assert_true(refdata_in_sector(db, "ict", "2512"));
	assert_true(refdata_in_sector(db, "ict", "25"));
	assert_false(refdata_in_sector(db, "health", "2512"));
	assert_string_equal(refdata_region(db, a, "FI-049"), "FI-01");
	assert_null(refdata_region(db, a, "FI-000"));
}

static size_t list_has(const char *kind, const char *filter, const char *code)
{
	struct ref_item *v;
	size_t n;
	assert_int_equal(refdata_list(db, a, kind, "en", filter, &v, &n), 0);
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].code, code) == 0)
			return 1;
	return 0;
}

static void staff_edits_survive_reload(void **state)
{
	(void)state;
	assert_int_equal(refdata_rename(db, "sector", "ict", "sv", "IT-branschen", 100), 0);
	assert_int_equal(refdata_set_hidden(db, "municipality", "FI-091", true, 100), 0);
	assert_int_equal(refdata_set_hidden(db, "language", "so", true, 100), 0);
	assert_int_equal(refdata_load(db, "data"), 0);

	expect_name("sector", "ict", "sv", "IT-branschen");
	expect_name("sector", "ict", "fi", "Tieto- ja viestintätekniikka (ICT)");   /* others untouched */
	assert_true(refdata_exists(db, "municipality", "FI-091"));
	assert_false(refdata_selectable(db, "municipality", "FI-091"));
	assert_false(list_has("municipality", "FI", "FI-091"));
	expect_name("municipality", "FI-091", "sv", "Helsingfors");                 /* still named */
	assert_false(refdata_selectable(db, "language", "so"));
	assert_false(list_has("language", NULL, "so"));
	assert_true(refdata_selectable(db, "language", "sv"));

	/* Back to the data. */
	assert_int_equal(refdata_rename(db, "sector", "ict", "sv", "", 200), 0);
	assert_int_equal(refdata_set_hidden(db, "municipality", "FI-091", false, 200), 0);
	assert_int_equal(refdata_set_hidden(db, "language", "so", false, 200), 0);
	expect_name("sector", "ict", "sv", "Informations- och kommunikationsteknik (IKT)");
	assert_true(refdata_selectable(db, "municipality", "FI-091"));
	assert_true(list_has("municipality", "FI", "FI-091"));

	/* An English staff name is the fallback of a language without a name. */
	assert_int_equal(refdata_rename(db, "occupation", "9624", "en", "Water carriers", 300), 0);
	expect_name("occupation", "9624", "en", "Water carriers");

	/* Refused: unknown entries, languages, kinds and bad names. */
	assert_int_equal(refdata_rename(db, "sector", "nope", "sv", "x", 1), -1);
	assert_int_equal(refdata_rename(db, "sector", "ict", "de", "x", 1), -1);
	assert_int_equal(refdata_rename(db, "sector", "ict", "sv", "bad\x01name", 1), -1);
	assert_int_equal(refdata_set_hidden(db, "planet", "ict", true, 1), -1);
	char longname[REFDATA_NAME_MAX + 2];
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_false(refdata_name_ok(longname));
	assert_true(refdata_name_ok("Åbo – Turku"));
}

static void retired_entries_stay_valid(void **state)
{
	(void)state;
	/* An entry a newer data set no longer has (a merged municipality). */
	assert_int_equal(db_run(db, "INSERT INTO ref_entries (kind, code, name_sv, name_fi, name_en, parent)"
				    " VALUES ('municipality', 'FI-999', 'Gammal', 'Vanha', 'Old', 'FI-01')", ""), 0);
	assert_true(refdata_selectable(db, "municipality", "FI-999"));
	assert_int_equal(refdata_load(db, "data"), 0);
	assert_true(refdata_exists(db, "municipality", "FI-999"));
	assert_false(refdata_selectable(db, "municipality", "FI-999"));
	assert_false(list_has("municipality", NULL, "FI-999"));
	expect_name("municipality", "FI-999", "fi", "Vanha");
	assert_false(refdata_exists(db, "municipality", "FI-998"));
	assert_false(refdata_selectable(db, "municipality", "FI-998"));
}

static void distances(void **state)
{
	(void)state;
	int d = refdata_distance_km(db, "FI-091", "FI-049");
	assert_true(d >= 5 && d <= 25);
	d = refdata_distance_km(db, "FI-091", "SE-0180");
	assert_true(d >= 370 && d <= 430);
	d = refdata_distance_km(db, "FI-853", "FI-564");   /* Turku - Oulu, about 510 km */
	assert_true(d >= 460 && d <= 560);
	assert_int_equal(refdata_distance_km(db, "FI-091", "FI-091"), 0);
	assert_int_equal(refdata_distance_km(db, "FI-091", "XX-1"), -1);
	assert_int_equal(refdata_distance_km(db, NULL, "FI-091"), -1);
}

static void collation(void **state)
{
	(void)state;
	assert_true(refdata_collate("sv", "Zürich", "Örebro") < 0);
	assert_true(refdata_collate("sv", "Åbo", "Ängelholm") < 0);   /* å, ä, ö */
	assert_true(refdata_collate("sv", "Ängelholm", "Örebro") < 0);
	assert_true(refdata_collate("sv", "Zug", "Åbo") < 0);
	assert_true(refdata_collate("en", "Örebro", "Zürich") < 0);   /* English folds them */
	assert_true(refdata_collate("fi", "arabia", "Bengali") < 0);  /* case-insensitive */
	assert_true(refdata_collate("en", "Émile", "Erik") < 0);
	assert_true(refdata_collate("sv", "a", "a") == 0);
}

static void admin_list(void **state)
{
	(void)state;
	struct ref_admin_entry *v;
	size_t n, total;
	assert_int_equal(refdata_admin_list(db, a, "municipality", "sv", "helsingf", 0, 50, &v, &n, &total), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].code, "FI-091");
	assert_string_equal(v[0].loaded[1], "Helsinki");
	assert_null(v[0].custom[0]);
	/* Accents and case do not matter in English; the code matches too. */
	assert_int_equal(refdata_admin_list(db, a, "municipality", "en", "OREBRO", 0, 50, &v, &n, &total), 0);
	assert_true(n >= 1);
	assert_int_equal(refdata_admin_list(db, a, "occupation", "en", "2512", 0, 50, &v, &n, &total), 0);
	assert_int_equal(n, 1);
	/* Paging. */
	assert_int_equal(refdata_admin_list(db, a, "language", "en", "", 100, 25, &v, &n, &total), 0);
	assert_int_equal(n, 25);
	assert_true(total > 7000);
	assert_int_equal(refdata_admin_list(db, a, "language", "en", "", total + 5, 25, &v, &n, &total), 0);
	assert_int_equal(n, 0);
	/* Hidden entries are listed, and marked. */
	assert_int_equal(refdata_set_hidden(db, "education", "other", true, 1), 0);
	assert_int_equal(refdata_admin_list(db, a, "education", "en", NULL, 0, 50, &v, &n, &total), 0);
	assert_int_equal(n, 6);
	assert_string_equal(v[5].code, "other");
	assert_true(v[5].hidden);
	assert_int_equal(refdata_set_hidden(db, "education", "other", false, 1), 0);
}

/* A broken data set is refused as a whole and changes nothing. */
static void bad_data_is_refused(void **state)
{
	(void)state;
	char bad[64], cmd[1024];
	snprintf(bad, sizeof(bad), "%s/bad", dir);
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s' && cp data/*.tsv '%s'/ && printf '9625\\tNew group\\t\\t\\n' >> '%s/isco08.tsv'",
		 bad, bad, bad);
	assert_int_equal(system(cmd), 0);
	int64_t before = db_int(db, 0, "SELECT COUNT(*) FROM ref_entries", "");
	assert_int_equal(refdata_load(db, bad), 0);   /* 962 exists, so 9625 is a valid child */
	assert_true(refdata_exists(db, "occupation", "9625"));
	snprintf(cmd, sizeof(cmd), "printf '12345\\tToo long\\t\\t\\n' >> '%s/isco08.tsv'", bad);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(refdata_load(db, bad), -1);
	snprintf(cmd, sizeof(cmd), "cp data/isco08.tsv '%s'/ && sed -i 's/^code\\tname_en/code\\tname_xx/' '%s/isco08.tsv'",
		 bad, bad);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(refdata_load(db, bad), -1);
	snprintf(cmd, sizeof(cmd), "cp data/isco08.tsv '%s'/ && printf 'ict\\tx\\ty\\tz\\t2512 7777\\n' >> '%s/sectors.tsv'",
		 bad, bad);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(refdata_load(db, bad), -1);    /* duplicate sector, unknown ISCO group */
	assert_int_equal(refdata_load_from(db, "data", "/nonexistent", "/nonexistent"), -1);
	assert_int_equal(refdata_load(db, "/nonexistent"), -1);
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM ref_entries", ""), before + 1);
	/* The good data again: 9625 is retired, not gone. */
	assert_int_equal(refdata_load(db, "data"), 0);
	assert_true(refdata_exists(db, "occupation", "9625"));
	assert_false(refdata_selectable(db, "occupation", "9625"));
}

static int setup(void **state)
{
	(void)state;
	db = testdb_open(dir);
	a = arena_new((size_t)64 << 20);
	return db && a ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	arena_free(a);
	return testdb_close(db, dir);
}

int main(void)
{
	log_set_quiet(1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(loads_quickly_and_idempotently),
		cmocka_unit_test(counts),
		cmocka_unit_test(names),
		cmocka_unit_test(lists),
		cmocka_unit_test(staff_edits_survive_reload),
		cmocka_unit_test(retired_entries_stay_valid),
		cmocka_unit_test(distances),
		cmocka_unit_test(collation),
		cmocka_unit_test(admin_list),
		cmocka_unit_test(bad_data_is_refused),
	};
	return cmocka_run_group_tests_name("refdata", tests, setup, teardown);
}

/* Matching runs over a real (temporary) database: what is loaded, what is
 * stored, pins and exclusions honoured, discarding, determinism and the
 * command-line summary. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/log.h"
#include "domain/matching.h"
#include "store/db.h"
#include "store/migrate.h"
#include "testdb.h"

static char dir[] = "/tmp/ovi-matching-XXXXXX";
static struct db *db;
static const int64_t NOW = 1795000000;
static int64_t P1, P2, P3, D1, D2; /* registration ids */

static int64_t person(const char *email, const char *occ, const char *sector, const char *muni, const char *mode,
		      const char *langs)
{
	int64_t id = db_int(db, -1,
			    "INSERT INTO people (email, first_name, last_name, sector, occupation, municipality,"
			    " meeting_mode, created_at, updated_at) VALUES (?, 'A', 'B', ?, ?, ?, ?, ?, ?) RETURNING id",
			    "sssssii", email, sector, occ, muni, mode, NOW, NOW);
	assert_true(id > 0);
	char buf[64];
	snprintf(buf, sizeof(buf), "%s", langs);
	for (char *save = NULL, *l = strtok_r(buf, ",", &save); l; l = strtok_r(NULL, ",", &save))
		assert_int_equal(db_run(db, "INSERT INTO person_languages (person_id, lang) VALUES (?, ?)", "is", id, l), 0);
	return id;
}

static int64_t reg(int64_t person_id, const char *role, int64_t cap, int64_t waited_days, const char *status)
{
	int64_t t = NOW - waited_days * 86400;
	int64_t id = db_int(db, -1,
			    "INSERT INTO registrations (person_id, role, status, capacity, created_at, confirmed_at, status_at)"
			    " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
			    "issiiii", person_id, role, status, cap, t, t, t);
	assert_true(id > 0);
	return id;
}

static void muni(const char *code, const char *region, int64_t lat, int64_t lon)
{
	assert_int_equal(db_run(db, "INSERT INTO ref_entries (kind, code, name_en, parent, lat_e6, lon_e6)"
				    " VALUES ('municipality', ?, ?, ?, ?, ?)",
				"sssii", code, code, region, lat, lon),
			 0);
}

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/ovi-matching-XXXXXX");
	db = testdb_open(dir);
	if (!db)
		return -1;
	muni("FI-091", "FI-01", 60170000, 24940000); /* Helsinki */
	muni("FI-049", "FI-01", 60210000, 24660000); /* Espoo */
	muni("FI-837", "FI-06", 61500000, 23760000); /* Tampere */
	P1 = reg(person("p1@example.org", "2512", "ict", "FI-091", "either", "fi,en"), "participant", 1, 100, "waiting");
	P2 = reg(person("p2@example.org", "2512", "ict", "FI-049", "either", "sv"), "participant", 1, 10, "waiting");
	P3 = reg(person("p3@example.org", "2512", "ict", "FI-837", "in_person", "ar"), "participant", 1, 50, "waiting");
	D1 = reg(person("d1@example.org", "2512", "ict", "FI-091", "either", "fi,sv,en"), "door_opener", 1, 5, "waiting");
	D2 = reg(person("d2@example.org", "2514", "ict", "FI-837", "either", "sv,en"), "door_opener", 1, 5, "waiting");
	/* Not in the pool: unconfirmed, withdrawn, erased. */
	reg(person("x1@example.org", "2512", "ict", "FI-091", "either", "fi"), "participant", 1, 3, "unconfirmed");
	reg(person("x2@example.org", "2512", "ict", "FI-091", "either", "fi"), "door_opener", 3, 3, "withdrawn");
	int64_t erased = person("x3@example.org", "2512", "ict", "FI-091", "either", "fi");
	db_run(db, "UPDATE people SET erased_at = ? WHERE id = ?", "ii", NOW, erased);
	reg(erased, "participant", 1, 300, "waiting");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return testdb_close(db, dir);
}

static int64_t run(void)
{
	struct matching_opts o;
	matching_opts_default(&o);
	int64_t id = 0;
	assert_int_equal(matching_run(db, &o, 0, NOW, &id), 0);
	assert_true(id > 0);
	return id;
}

/* The door opener proposed for participant registration p in run r, or 0. */
static int64_t opener_of(int64_t r, int64_t p)
{
	return db_int(db, 0, "SELECT door_opener FROM match_proposals WHERE run_id = ? AND participant = ?", "ii", r, p);
}

static void run_is_stored(void **state)
{
	(void)state;
	int64_t r = run();
	assert_int_equal(db_int(db, -1, "SELECT participants FROM match_runs WHERE id = ?", "i", r), 3);
	assert_int_equal(db_int(db, -1, "SELECT door_openers FROM match_runs WHERE id = ?", "i", r), 2);
	assert_int_equal(db_int(db, -1, "SELECT proposals FROM match_runs WHERE id = ?", "i", r), 2);
	assert_int_equal(db_int(db, -1, "SELECT certificate_verified FROM match_runs WHERE id = ?", "i", r), 1);
	assert_int_equal(db_int(db, -1, "SELECT staff_id IS NULL FROM match_runs WHERE id = ?", "i", r), 1);
	assert_int_equal(db_int(db, -1, "SELECT COUNT(*) FROM match_runs WHERE id = ? AND status = 'draft'"
					" AND objective = 'max_people' AND weights LIKE 'occ_unit=400;%'", "i", r), 1);
	/* The best pairs: same unit group and municipality, and minor group. */
	assert_int_equal(opener_of(r, P1), D1);
	assert_int_equal(opener_of(r, P2), D2);
	assert_int_equal(db_int(db, -1, "SELECT total_score FROM match_runs WHERE id = ?", "i", r),
			 db_int(db, -2, "SELECT SUM(score) FROM match_proposals WHERE run_id = ?", "i", r));
	/* The breakdown of P1-D1. */
	struct db_stmt *st = db_prepare(db, "SELECT breakdown, languages, distance_km, pinned, status, score"
					    " FROM match_proposals WHERE run_id = ? AND participant = ?");
	assert_non_null(st);
	db_bind_int(st, 1, r);
	db_bind_int(st, 2, P1);
	assert_int_equal(db_step(st), DB_ROW);
	const char *bd = db_col_text(st, 0);
	char v[32];
	assert_int_equal(matching_breakdown_get(bd, "occ_level", v, sizeof(v)), 0);
	assert_string_equal(v, "unit");
	assert_int_equal(matching_breakdown_get(bd, "occupation", v, sizeof(v)), 0);
	assert_string_equal(v, "400");
	assert_int_equal(matching_breakdown_get(bd, "place_level", v, sizeof(v)), 0);
	assert_string_equal(v, "municipality");
	assert_int_equal(matching_breakdown_get(bd, "meeting", v, sizeof(v)), 0);
	assert_string_equal(v, "in_person");
	assert_int_equal(matching_breakdown_get(bd, "wait_days", v, sizeof(v)), 0);
	assert_string_equal(v, "100");
	assert_int_equal(matching_breakdown_get(bd, "nothing", v, sizeof(v)), -1);
	assert_int_equal(matching_breakdown_get(bd, "occ_level", v, 2), -1);
	assert_string_equal(db_col_text(st, 1), "en,fi");
	assert_int_equal(db_col_int(st, 2), 0);
	assert_int_equal(db_col_int(st, 3), 0);
	assert_string_equal(db_col_text(st, 4), "proposed");
	db_finalize(st);
	/* P2-D2: Espoo to Tampere. */
	assert_true(db_int(db, -1, "SELECT distance_km FROM match_proposals WHERE run_id = ? AND participant = ?", "ii",
			   r, P2) > 100);
	/* P3 speaks no language a door opener speaks. */
	assert_int_equal(db_int(db, -1, "SELECT COUNT(*) FROM match_unmatched WHERE run_id = ?", "i", r), 1);
	assert_int_equal(db_int(db, -1, "SELECT COUNT(*) FROM match_unmatched WHERE run_id = ? AND participant = ?"
					" AND reason = 'language'", "ii", r, P3), 1);
}

static void pins_are_honoured(void **state)
{
	(void)state;
	/* Not allowed: wrong roles, unknown, not waiting. */
	assert_int_equal(matching_pin(db, D1, P1, 0, NOW), 1);
	assert_int_equal(matching_pin(db, P1, P2, 0, NOW), 1);
	assert_int_equal(matching_pin(db, P1, 9999, 0, NOW), 1);
	assert_int_equal(db_int(db, -1, "SELECT COUNT(*) FROM match_pins", ""), 0);
	/* A worse pair, pinned, is taken as given. */
	assert_int_equal(matching_pin(db, P1, D2, 0, NOW), 0);
	int64_t r = run();
	assert_int_equal(opener_of(r, P1), D2);
	assert_int_equal(opener_of(r, P2), D1);
	assert_int_equal(db_int(db, -1, "SELECT pinned FROM match_proposals WHERE run_id = ? AND participant = ?", "ii",
				r, P1), 1);
	assert_int_equal(db_int(db, -1, "SELECT pinned FROM match_proposals WHERE run_id = ? AND participant = ?", "ii",
				r, P2), 0);
	/* A new pin replaces the participant's old one; pins stay for later runs. */
	assert_int_equal(matching_pin(db, P1, D1, 0, NOW), 0);
	assert_int_equal(db_int(db, -1, "SELECT COUNT(*) FROM match_pins", ""), 1);
	r = run();
	assert_int_equal(opener_of(r, P1), D1);
	/* Two pins on a door opener with room for one: the older one wins. */
	assert_int_equal(matching_pin(db, P2, D1, 0, NOW + 1), 0);
	r = run();
	assert_int_equal(opener_of(r, P1), D1);
	assert_int_equal(opener_of(r, P2), D2);
	assert_int_equal(db_int(db, -1, "SELECT COUNT(*) FROM match_pins", ""), 2);
	/* Unpinned, the optimum is back. */
	assert_int_equal(matching_unpin(db, P1), 0);
	assert_int_equal(matching_unpin(db, P2), 0);
	r = run();
	assert_int_equal(db_int(db, -1, "SELECT COUNT(*) FROM match_proposals WHERE run_id = ? AND pinned = 1", "i", r), 0);
	assert_int_equal(opener_of(r, P1), D1);
}

static void exclusions_are_honoured(void **state)
{
	(void)state;
	assert_int_equal(matching_exclude(db, D1, P1, 0, NOW), 1);
	assert_int_equal(matching_pin(db, P1, D1, 0, NOW), 0);
	assert_int_equal(matching_exclude(db, P1, D1, 0, NOW), 0);
	assert_int_equal(matching_exclude(db, P1, D1, 0, NOW), 0); /* twice is fine */
	assert_int_equal(db_int(db, -1, "SELECT COUNT(*) FROM match_pins", ""), 0); /* the pin went */
	int64_t r = run();
	assert_int_equal(opener_of(r, P1), D2);
	assert_int_equal(opener_of(r, P2), D1);
	/* Excluding both of P1's door openers leaves P1 with a reason. */
	assert_int_equal(matching_exclude(db, P1, D2, 0, NOW), 0);
	r = run();
	assert_int_equal(opener_of(r, P1), 0);
	assert_int_equal(db_int(db, -1, "SELECT COUNT(*) FROM match_unmatched WHERE run_id = ? AND participant = ?"
					" AND reason = 'met-before'", "ii", r, P1), 1);
	/* Pinning an excluded pair allows it again. */
	assert_int_equal(matching_pin(db, P1, D2, 0, NOW), 0);
	assert_int_equal(db_int(db, -1, "SELECT COUNT(*) FROM match_exclusions", ""), 1);
	assert_int_equal(matching_unexclude(db, P1, D1), 0);
	assert_int_equal(db_int(db, -1, "SELECT COUNT(*) FROM match_exclusions", ""), 0);
}

static void deterministic_and_discard(void **state)
{
	(void)state;
	int64_t a = run(), b = run();
	const char *q = "SELECT participant || ':' || door_opener || ':' || score || ':' || breakdown || ':' || languages"
			" FROM match_proposals WHERE run_id = ? ORDER BY id";
	struct db_stmt *sa = db_prepare(db, q), *sb = db_prepare(db, q);
	db_bind_int(sa, 1, a);
	db_bind_int(sb, 1, b);
	int rows = 0;
	for (;;) {
		enum db_step x = db_step(sa), y = db_step(sb);
		assert_int_equal(x, y);
		if (x != DB_ROW)
			break;
		assert_string_equal(db_col_text(sa, 0), db_col_text(sb, 0));
		rows++;
	}
	assert_int_equal(rows, 2);
	db_finalize(sa);
	db_finalize(sb);
	assert_int_equal(matching_discard(db, a, NOW), 0);
	assert_int_equal(matching_discard(db, a, NOW), 1);
	assert_int_equal(matching_discard(db, 12345, NOW), 1);
	assert_int_equal(db_int(db, -1, "SELECT COUNT(*) FROM match_runs WHERE status = 'discarded'", ""), 1);
	/* Bad weights: nothing stored. */
	struct matching_opts o;
	matching_opts_default(&o);
	o.weights.occ_unit = -1;
	int64_t id = 0;
	assert_int_equal(matching_run(db, &o, 0, NOW, &id), -1);
	assert_int_equal(db_int(db, -1, "SELECT COUNT(*) FROM match_runs", ""), 2);
}

/* A participant with two waiting registrations has one match at a time. */
static void two_registrations(void **state)
{
	(void)state;
	int64_t person1 = db_int(db, -1, "SELECT person_id FROM registrations WHERE id = ?", "i", P1);
	int64_t P1b = reg(person1, "participant", 1, 20, "waiting");
	int64_t r = run();
	int64_t a = opener_of(r, P1), b = opener_of(r, P1b);
	assert_true((a != 0) != (b != 0));
	assert_int_equal(db_int(db, -1, "SELECT COUNT(*) FROM match_unmatched WHERE run_id = ? AND participant IN (?, ?)"
					" AND reason = 'one-at-a-time'", "iii", r, P1, P1b), 1);
	/* Two pins of one person: the older one counts, the other waits. */
	assert_int_equal(matching_pin(db, P1, D2, 0, NOW), 0);
	assert_int_equal(matching_pin(db, P1b, D1, 0, NOW + 5), 0);
	r = run();
	assert_int_equal(opener_of(r, P1), D2);
	assert_int_equal(opener_of(r, P1b), 0);
	assert_int_equal(opener_of(r, P2), D1);
	/* A door opener cannot be pinned to themself,. */
	int64_t person_d1 = db_int(db, -1, "SELECT person_id FROM registrations WHERE id = ?", "i", D1);
	int64_t self = reg(person_d1, "participant", 1, 1, "waiting");
	assert_int_equal(matching_pin(db, self, D1, 0, NOW), 1);
}

static void empty_pool_and_cli(void **state)
{
	(void)state;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	assert_int_equal(matching_cli_run(db, f), 0);
	fclose(f);
	assert_non_null(strstr(text, "3 participants, 2 door openers"));
	assert_non_null(strstr(text, "2 proposals"));
	assert_non_null(strstr(text, "certificate: verified"));
	free(text);
	assert_int_equal(db_int(db, -1, "SELECT COUNT(*) FROM audit_log WHERE action = 'match_run' AND staff_id IS NULL", ""), 1);
	/* Nobody waiting: an empty run. */
	db_run(db, "UPDATE registrations SET status = 'closed'", "");
	int64_t r = run();
	assert_int_equal(db_int(db, -1, "SELECT participants + door_openers + proposals FROM match_runs WHERE id = ?", "i", r), 0);
	/* Only participants: each unmatched with "no-openers". */
	db_run(db, "UPDATE registrations SET status = 'waiting' WHERE role = 'participant'", "");
	r = run();
	assert_int_equal(db_int(db, -1, "SELECT COUNT(*) FROM match_unmatched WHERE run_id = ? AND reason = 'no-openers'",
				"i", r), 4); /* the unconfirmed one is waiting now too */
}

int main(void)
{
	log_set_quiet(1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(run_is_stored, setup, teardown),
		cmocka_unit_test_setup_teardown(pins_are_honoured, setup, teardown),
		cmocka_unit_test_setup_teardown(exclusions_are_honoured, setup, teardown),
		cmocka_unit_test_setup_teardown(deterministic_and_discard, setup, teardown),
		cmocka_unit_test_setup_teardown(two_registrations, setup, teardown),
		cmocka_unit_test_setup_teardown(empty_pool_and_cli, setup, teardown),
	};
	return cmocka_run_group_tests_name("matching", tests, NULL, NULL);
}

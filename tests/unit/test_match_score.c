/* Hard rules and the pair score with its breakdown. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "match/match.h"
#include "match/score.h"

enum { FI = 1 << 0, SV = 1 << 1, EN = 1 << 2, RU = 1 << 3 };

/* Helsinki centre and nearby places, in micro-degrees. */
#define HKI_LAT 60169900
#define HKI_LON 24938400

static struct match_profile person(int64_t id, uint16_t isco, uint8_t digits, uint16_t sector)
{
	struct match_profile p;
	memset(&p, 0, sizeof(p));
	p.id = id;
	p.person = id;
	p.isco = isco;
	p.isco_digits = digits;
	p.sector = sector;
	p.modes = MATCH_MODE_IN_PERSON | MATCH_MODE_ONLINE;
	p.capacity = 1;
	p.municipality = 91;
	p.region = 1;
	p.lat_e6 = HKI_LAT;
	p.lon_e6 = HKI_LON;
	p.has_coords = 1;
	p.langs = FI | EN;
	return p;
}

static void defaults_are_valid(void **state)
{
	(void)state;
	struct match_weights w;
	const char *why = NULL;
	match_weights_default(&w);
	assert_int_equal(match_weights_check(&w, &why), 0);
	w.place_region = -1;
	assert_int_equal(match_weights_check(&w, &why), -1);
	assert_string_equal(why, "place_region");
	match_weights_default(&w);
	w.occ_unit = MATCH_WEIGHT_MAX + 1;
	assert_int_equal(match_weights_check(&w, &why), -1);
	assert_string_equal(why, "occ_unit");
	match_weights_default(&w);
	w.objective = (enum match_objective)7;
	assert_int_equal(match_weights_check(&w, &why), -1);
	assert_string_equal(match_reason_key(MATCH_R_LANGUAGE), "language");
	assert_string_equal(match_reason_key(MATCH_R_TAKEN), "taken");
	assert_string_equal(match_reason_key((enum match_reason)99), "unknown");
}

static void occupation_levels(void **state)
{
	(void)state;
	struct match_weights w;
	match_weights_default(&w);
	struct match_profile p = person(1, 2512, 4, 1), d;
	struct match_breakdown b;

	d = person(2, 2512, 4, 1);
	assert_int_equal(match_pair_score(&w, &p, &d, NULL, 0, &b), MATCH_OK);
	assert_int_equal(b.occ_level, MATCH_OCC_UNIT);
	assert_int_equal(b.occupation, w.occ_unit);

	d = person(2, 2513, 4, 1);
	assert_int_equal(match_pair_score(&w, &p, &d, NULL, 0, &b), MATCH_OK);
	assert_int_equal(b.occ_level, MATCH_OCC_MINOR);
	assert_int_equal(b.occupation, w.occ_minor);

	d = person(2, 2521, 4, 1);
	assert_int_equal(match_pair_score(&w, &p, &d, NULL, 0, &b), MATCH_OK);
	assert_int_equal(b.occ_level, MATCH_OCC_SUB_MAJOR);

	/* Same sector, different major group: the sector counts. */
	d = person(2, 1330, 4, 1);
	assert_int_equal(match_pair_score(&w, &p, &d, NULL, 0, &b), MATCH_OK);
	assert_int_equal(b.occ_level, MATCH_OCC_SECTOR);
	assert_int_equal(b.occupation, w.occ_sector);

	/* Same major group only (2 = professionals) is below occ_min by default. */
	d = person(2, 2221, 4, 6);
	assert_int_equal(match_pair_score(&w, &p, &d, NULL, 0, &b), MATCH_R_OCCUPATION);
	w.occ_min = 0;
	assert_int_equal(match_pair_score(&w, &p, &d, NULL, 0, &b), MATCH_OK);
	assert_int_equal(b.occ_level, MATCH_OCC_MAJOR);
	assert_int_equal(b.occupation, w.occ_major);
	match_weights_default(&w);

	/* A code known only to two digits compares on two digits. */
	d = person(2, 25, 2, 0);
	assert_int_equal(match_pair_score(&w, &p, &d, NULL, 0, &b), MATCH_OK);
	assert_int_equal(b.occ_level, MATCH_OCC_SUB_MAJOR);

	/* Odd settings: a pair in the same unit also shares the minor group,
	 * and gets whichever level is worth more. */
	w.occ_unit = 100;
	w.occ_minor = 300;
	d = person(2, 2512, 4, 1);
	assert_int_equal(match_pair_score(&w, &p, &d, NULL, 0, &b), MATCH_OK);
	assert_int_equal(b.occ_level, MATCH_OCC_MINOR);
	assert_int_equal(b.occupation, 300);
	match_weights_default(&w);

	/* Nothing in common at all. */
	d = person(2, 5120, 4, 12);
	assert_int_equal(match_pair_score(&w, &p, &d, NULL, 0, &b), MATCH_R_OCCUPATION);
	d = person(2, 0, 0, 0);
	assert_int_equal(match_pair_score(&w, &p, &d, NULL, 0, &b), MATCH_R_OCCUPATION);
}

static void hard_rules(void **state)
{
	(void)state;
	struct match_weights w;
	match_weights_default(&w);
	struct match_profile p = person(1, 2512, 4, 1), d = person(2, 2512, 4, 1);
	struct match_breakdown b;

	/* The same person. */
	d.person = p.person;
	assert_int_equal(match_pair_score(&w, &p, &d, NULL, 0, &b), MATCH_R_SAME_PERSON);
	d.person = 2;

	/* No shared meeting language. */
	p.langs = RU;
	assert_int_equal(match_pair_score(&w, &p, &d, NULL, 0, &b), MATCH_R_LANGUAGE);
	p.langs = RU | EN;
	assert_int_equal(match_pair_score(&w, &p, &d, NULL, 0, &b), MATCH_OK);

	/* Meeting modes that do not meet. */
	p.modes = MATCH_MODE_ONLINE;
	d.modes = MATCH_MODE_IN_PERSON;
	assert_int_equal(match_pair_score(&w, &p, &d, NULL, 0, &b), MATCH_R_MODE);

	/* In person only, and too far: Helsinki - Oulu. */
	p.modes = d.modes = MATCH_MODE_IN_PERSON;
	d.municipality = 564;
	d.region = 17;
	d.lat_e6 = 65012100;
	d.lon_e6 = 25465100;
	assert_int_equal(match_pair_score(&w, &p, &d, NULL, 0, &b), MATCH_R_DISTANCE);
	/* ... fine when one of them also meets online. */
	p.modes |= MATCH_MODE_ONLINE;
	d.modes |= MATCH_MODE_ONLINE;
	assert_int_equal(match_pair_score(&w, &p, &d, NULL, 0, &b), MATCH_OK);
	assert_int_equal(b.meeting, MATCH_MODE_ONLINE);
	assert_int_equal(b.mode, w.mode_online);
	assert_true(b.distance_km > 500 && b.distance_km < 560);

	/* Met or declined before. */
	d = person(2, 2512, 4, 1);
	struct match_pair hp[2] = { { 1, 2 }, { 5, 6 } };
	struct match_history h;
	assert_int_equal(match_history_init(&h, hp, 2), 0);
	assert_int_equal(match_pair_score(&w, &p, &d, &h, 0, &b), MATCH_R_HISTORY);
	assert_true(match_history_has(&h, 5, 6));
	assert_false(match_history_has(&h, 2, 1));
	match_history_free(&h);

	/* Event membership. */
	p.event = 7;
	d.event = 7;
	assert_int_equal(match_pair_score(&w, &p, &d, NULL, 7, &b), MATCH_OK);
	d.event = 8;
	assert_int_equal(match_pair_score(&w, &p, &d, NULL, 7, &b), MATCH_R_NOT_IN_EVENT);
	assert_int_equal(match_pair_score(&w, &p, &d, NULL, 0, &b), MATCH_OK);
}

static void place_mode_preferences_waiting(void **state)
{
	(void)state;
	struct match_weights w;
	match_weights_default(&w);
	struct match_profile p = person(1, 2512, 4, 1), d = person(2, 2512, 4, 1);
	struct match_breakdown b;

	assert_int_equal(match_pair_score(&w, &p, &d, NULL, 0, &b), MATCH_OK);
	assert_int_equal(b.place_level, MATCH_PLACE_MUNICIPALITY);
	assert_int_equal(b.place, w.place_municipality);
	assert_int_equal(b.meeting, MATCH_MODE_IN_PERSON);
	assert_int_equal(b.mode, w.mode_in_person);
	assert_int_equal(b.distance_km, 0);

	/* Espoo: same region, about 16 km. */
	d.municipality = 49;
	d.lat_e6 = 60205500;
	d.lon_e6 = 24655900;
	assert_int_equal(match_pair_score(&w, &p, &d, NULL, 0, &b), MATCH_OK);
	assert_int_equal(b.place_level, MATCH_PLACE_REGION);
	assert_int_equal(b.place, w.place_region);
	assert_true(b.distance_km >= 15 && b.distance_km <= 18);

	/* Tampere: another region, about 160 km: beyond "near". */
	d.municipality = 837;
	d.region = 6;
	d.lat_e6 = 61497800;
	d.lon_e6 = 23761000;
	assert_int_equal(match_pair_score(&w, &p, &d, NULL, 0, &b), MATCH_OK);
	assert_int_equal(b.place_level, MATCH_PLACE_NONE);
	assert_int_equal(b.place, 0);
	assert_int_equal(b.meeting, MATCH_MODE_ONLINE);

	/* Lahti from Helsinki, ~100 km: near counts when the radius allows. */
	w.near_km = 150;
	d.municipality = 398;
	d.region = 7;
	d.lat_e6 = 60982700;
	d.lon_e6 = 25661200;
	assert_int_equal(match_pair_score(&w, &p, &d, NULL, 0, &b), MATCH_OK);
	assert_int_equal(b.place_level, MATCH_PLACE_NEAR);
	assert_int_equal(b.place, w.place_near * (150 - b.distance_km) / 150);
	match_weights_default(&w);

	/* Preferences: each wanted tag counts, capped. */
	d = person(2, 2512, 4, 1);
	p.wants = 1 | 2 | 4;
	d.tags = 1 | 2 | 4;
	assert_int_equal(match_pair_score(&w, &p, &d, NULL, 0, &b), MATCH_OK);
	assert_int_equal(b.preference, w.pref_max);
	d.tags = 2;
	assert_int_equal(match_pair_score(&w, &p, &d, NULL, 0, &b), MATCH_OK);
	assert_int_equal(b.preference, w.pref_each);

	/* Waiting: points per 30 days, up to the cap. */
	p.wait_days = 90;
	assert_int_equal(match_pair_score(&w, &p, &d, NULL, 0, &b), MATCH_OK);
	assert_int_equal(b.waiting, 3 * w.wait_per_month);
	p.wait_days = 5000;
	assert_int_equal(match_pair_score(&w, &p, &d, NULL, 0, &b), MATCH_OK);
	assert_int_equal(b.waiting, w.wait_max_days * w.wait_per_month / 30);
	p.wait_days = -3;
	assert_int_equal(match_pair_score(&w, &p, &d, NULL, 0, &b), MATCH_OK);
	assert_int_equal(b.waiting, 0);

	/* The total is the sum of the parts. */
	assert_int_equal(b.total, b.occupation + b.place + b.mode + b.preference + b.waiting);
}

static void fast_path_agrees(void **state)
{
	(void)state;
	/* match_pair_eval without the full distance gives the same totals. */
	struct match_weights w;
	match_weights_default(&w);
	static const int32_t lat[] = { HKI_LAT, 60205500, 60293400, 61497800, 60451800 };
	static const int32_t lon[] = { HKI_LON, 24655900, 25037800, 23761000, 22266600 };
	static const uint32_t muni[] = { 91, 49, 92, 837, 853 }, reg[] = { 1, 1, 1, 6, 2 };
	for (int a = 0; a < 5; a++)
		for (int c = 0; c < 5; c++)
			for (int modes = 1; modes <= 3; modes++) {
				struct match_profile p = person(1, 2512, 4, 1), d = person(2, 2513, 4, 1);
				p.municipality = muni[a], p.region = reg[a], p.lat_e6 = lat[a], p.lon_e6 = lon[a];
				d.municipality = muni[c], d.region = reg[c], d.lat_e6 = lat[c], d.lon_e6 = lon[c];
				d.modes = (uint8_t)modes;
				struct match_geo pg, dg;
				match_geo_of(&p, &pg);
				match_geo_of(&d, &dg);
				struct match_breakdown b1, b2;
				enum match_reason r1 = match_pair_eval(&w, &p, &d, &pg, &dg, 0, 0, &b1);
				enum match_reason r2 = match_pair_score(&w, &p, &d, NULL, 0, &b2);
				assert_int_equal(r1, r2);
				if (r1 == MATCH_OK)
					assert_int_equal(b1.total, b2.total);
			}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_are_valid),
		cmocka_unit_test(occupation_levels),
		cmocka_unit_test(hard_rules),
		cmocka_unit_test(place_mode_preferences_waiting),
		cmocka_unit_test(fast_path_agrees),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

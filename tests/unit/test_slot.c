/* The suggested meeting time and the local date/time of forms, in
 * Europe/Helsinki (clocks change on the last Sundays of March and
 * October): weekends and busy hours skipped, the lead days and working
 * hours kept, the same wall-clock hours across the changes, strict
 * parsing (lengths, ranges, days and times that do not exist). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/slot.h"

static const struct slot_rules R = { .lead_days = 5, .day_start = 9, .day_end = 17 };

/* Local time from "YYYY-MM-DD", "HH:MM" (the parser is tested below
 * against fixed Unix times). */
static int64_t at(const char *date, const char *time)
{
	int64_t t = slot_parse_local(date, strlen(date), time, strlen(time));
	assert_true(t > 0);
	return t;
}

static void assert_local(int64_t t, const char *date, const char *time)
{
	char d[11], h[6];
	slot_format_local(t, d, h);
	assert_string_equal(d, date);
	assert_string_equal(h, time);
}

static void parses_fixed_times(void **state)
{
	(void)state;
	/* From `TZ=Europe/Helsinki date -d ... +%s`. */
	assert_int_equal(at("2026-06-01", "09:00"), 1780293600);  /* EEST, +03 */
	assert_int_equal(at("2026-03-27", "09:00"), 1774594800);  /* EET, +02 */
	assert_int_equal(at("2026-03-30", "09:00"), 1774850400);
	assert_int_equal(at("2026-10-26", "09:00"), 1792998000);
	assert_int_equal(at("2027-03-28", "02:59"), 1806195540);
	assert_int_equal(at("2027-03-28", "04:00"), 1806195600); /* one minute later */
	/* Only the given lengths are read: no terminating NUL needed. */
	char d[10], h[5];
	memcpy(d, "2026-06-01", 10);
	memcpy(h, "09:00", 5);
	assert_int_equal(slot_parse_local(d, sizeof(d), h, sizeof(h)), 1780293600);
	assert_int_equal(slot_parse_local("2026-06-01junk", 10, "09:00junk", 5), 1780293600);
	assert_int_equal(at("2028-02-29", "00:00") + 86400, at("2028-03-01", "00:00"));
	assert_int_equal(at("2026-12-31", "23:59") + 60, at("2027-01-01", "00:00"));
}

static void rejects_bad_input(void **state)
{
	(void)state;
	static const char *const bad_dates[] = {
		"2026-1-5", "2026-01-5", "26-01-05", "2026-01-051", "2026/01/05", "2026-01-0a", "x026-01-05",
		"2026-02-31", "2026-02-29", "2026-04-31", "2026-00-10", "2026-13-01", "2026-01-00", "2026-01-32",
		"1969-12-31", "2026-01- 5", "2026-01-+5", "-026-01-05", "2026-01-05 ", "", "2026-01-0\xb5",
		"\xc3\xa5" "26-01-05",
	};
	for (size_t i = 0; i < sizeof(bad_dates) / sizeof(*bad_dates); i++)
		assert_int_equal(slot_parse_local(bad_dates[i], strlen(bad_dates[i]), "10:00", 5), -1);
	static const char *const bad_times[] = {
		"24:00", "25:00", "12:60", "9:00", "09:0", "09:000", "0900", "09.00", " 9:00", "+9:00", "-1:00",
		"0x:00", "09:-1", "", "09:00 ",
	};
	for (size_t i = 0; i < sizeof(bad_times) / sizeof(*bad_times); i++)
		assert_int_equal(slot_parse_local("2026-06-01", 10, bad_times[i], strlen(bad_times[i])), -1);
	/* A shorter length than the string is also wrong. */
	assert_int_equal(slot_parse_local("2026-06-01", 9, "09:00", 5), -1);
	assert_int_equal(slot_parse_local("2026-06-01", 10, "09:00", 4), -1);
	assert_int_equal(slot_parse_local(NULL, 10, "09:00", 5), -1);
	assert_int_equal(slot_parse_local("2026-06-01", 10, NULL, 5), -1);
	/* The hour skipped when the clocks go forward (03:00 -> 04:00). */
	assert_int_equal(slot_parse_local("2027-03-28", 10, "03:30", 5), -1);
	assert_int_equal(slot_parse_local("2027-03-28", 10, "03:00", 5), -1);
	assert_int_equal(slot_parse_local("2026-03-29", 10, "03:59", 5), -1);
	/* The hour that comes twice when they go back exists (either one). */
	int64_t twice = slot_parse_local("2026-10-25", 10, "03:30", 5);
	assert_true(twice == at("2026-10-25", "02:30") + 3600 || twice == at("2026-10-25", "02:30") + 7200);
	assert_local(twice, "2026-10-25", "03:30");
}

static void formats_and_round_trips(void **state)
{
	(void)state;
	assert_local(1780293600, "2026-06-01", "09:00");
	assert_local(1806195540, "2027-03-28", "02:59");
	assert_local(1806195600, "2027-03-28", "04:00");
	/* Every half hour across the four clock changes of 2026 and 2027. */
	static const char *const days[] = { "2026-03-28", "2026-10-24", "2027-03-27", "2027-10-30" };
	for (size_t i = 0; i < sizeof(days) / sizeof(*days); i++) {
		int64_t t0 = at(days[i], "00:00");
		for (int64_t t = t0; t < t0 + 3 * 86400; t += 1800) {
			char d[11], h[6];
			slot_format_local(t, d, h);
			assert_int_equal(strlen(d), 10);
			assert_int_equal(strlen(h), 5);
			int64_t back = slot_parse_local(d, 10, h, 5);
			/* The repeated hour in October parses to one of its two times. */
			if (back != t)
				assert_true(back == t - 3600 || back == t + 3600);
			assert_local(back, d, h);
		}
	}
}

static void skips_weekends_and_keeps_lead_days(void **state)
{
	(void)state;
	/* Thursday 4 June 2026, 10:00; Saturday and Sunday are skipped. */
	int64_t thu = at("2026-06-04", "10:00");
	struct slot_rules r = R;
	r.lead_days = 2;
	assert_local(slot_suggest(&r, thu, NULL, 0), "2026-06-08", "09:00");
	r.lead_days = 1;
	assert_local(slot_suggest(&r, thu, NULL, 0), "2026-06-05", "09:00");
	r.lead_days = 5; /* Tuesday */
	assert_local(slot_suggest(&r, thu, NULL, 0), "2026-06-09", "09:00");
	r.lead_days = 3; /* Sunday -> Monday */
	assert_local(slot_suggest(&r, thu, NULL, 0), "2026-06-08", "09:00");
	/* Counted in local dates: late in the evening is still that day. */
	r.lead_days = 1;
	assert_local(slot_suggest(&r, at("2026-06-01", "23:59"), NULL, 0), "2026-06-02", "09:00");
	assert_local(slot_suggest(&r, at("2026-06-02", "00:00"), NULL, 0), "2026-06-03", "09:00");
	/* Friday + 1 day is Saturday: Monday. */
	assert_local(slot_suggest(&r, at("2026-06-05", "08:00"), NULL, 0), "2026-06-08", "09:00");
	/* Over the end of a month and a year. */
	assert_local(slot_suggest(&R, at("2026-12-29", "12:00"), NULL, 0), "2027-01-04", "09:00");
}

static void keeps_hours(void **state)
{
	(void)state;
	int64_t now = at("2026-06-01", "12:00"), day = at("2026-06-08", "09:00");
	int64_t busy[16];
	/* 9..15 busy: the last slot of the day, 16:00-17:00, is free. */
	for (int i = 0; i < 7; i++)
		busy[i] = day + i * 3600;
	assert_local(slot_suggest(&R, now, busy, 7), "2026-06-08", "16:00");
	busy[7] = day + 7 * 3600;
	assert_local(slot_suggest(&R, now, busy, 8), "2026-06-09", "09:00");
	/* Other hours. */
	struct slot_rules r = { .lead_days = 5, .day_start = 13, .day_end = 14 };
	assert_local(slot_suggest(&r, now, NULL, 0), "2026-06-08", "13:00");
	busy[0] = at("2026-06-08", "13:00");
	assert_local(slot_suggest(&r, now, busy, 1), "2026-06-09", "13:00");
	r = (struct slot_rules){ .lead_days = 5, .day_start = 0, .day_end = 24 };
	assert_local(slot_suggest(&r, now, NULL, 0), "2026-06-08", "00:00");
	busy[0] = at("2026-06-08", "00:00");
	assert_local(slot_suggest(&r, now, busy, 1), "2026-06-08", "01:00");
}

static void skips_busy_overlapping_either_side(void **state)
{
	(void)state;
	int64_t now = at("2026-06-01", "12:00");
	int64_t b[2];
	/* Touching is fine. */
	b[0] = at("2026-06-08", "08:00");
	b[1] = at("2026-06-08", "10:00");
	assert_local(slot_suggest(&R, now, b, 2), "2026-06-08", "09:00");
	/* A meeting from 08:30 ends at 09:30: 09:00 overlaps its end. */
	b[0] = at("2026-06-08", "08:30");
	assert_local(slot_suggest(&R, now, b, 1), "2026-06-08", "10:00");
	/* One from 09:30 overlaps the end of 09:00 and the start of 10:00. */
	b[0] = at("2026-06-08", "09:30");
	assert_local(slot_suggest(&R, now, b, 1), "2026-06-08", "11:00");
	/* A second off is still an overlap: 08:00:01 takes 09:00, 10:59:59 takes 10:00 and 11:00. */
	b[0] = at("2026-06-08", "08:00") + 1;
	b[1] = at("2026-06-08", "11:00") - 1;
	assert_local(slot_suggest(&R, now, b, 2), "2026-06-08", "12:00");
	/* Busy times in any order, on other days, do not matter. */
	b[0] = at("2026-06-09", "09:00");
	b[1] = at("2026-06-08", "09:00");
	assert_local(slot_suggest(&R, now, b, 2), "2026-06-08", "10:00");
}

static void keeps_wall_clock_hours_across_clock_changes(void **state)
{
	(void)state;
	/* The Friday before each change is full: the Monday after, 09:00 local. */
	static const struct {
		const char *fri, *mon;
		int64_t fri9, mon9;
	} c[] = {
		{ "2026-03-27", "2026-03-30", 1774594800, 1774850400 },
		{ "2026-10-23", "2026-10-26", 1792735200, 1792998000 },
		{ "2027-03-26", "2027-03-29", 1806044400, 1806300000 },
		{ "2027-10-29", "2027-11-01", 1824789600, 1825052400 },
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(*c); i++) {
		int64_t now = c[i].fri9 - 3 * 86400;
		struct slot_rules r = R;
		r.lead_days = 3;
		assert_int_equal(slot_suggest(&r, now, NULL, 0), c[i].fri9);
		int64_t busy[8];
		for (int h = 0; h < 8; h++)
			busy[h] = c[i].fri9 + h * 3600;
		int64_t t = slot_suggest(&r, now, busy, 8);
		assert_int_equal(t, c[i].mon9);
		assert_local(t, c[i].mon, "09:00");
		/* The last slot is 16:00 local on both sides of the change. */
		for (int h = 0; h < 7; h++)
			busy[h] = c[i].mon9 + h * 3600;
		assert_local(slot_suggest(&r, c[i].mon9 - 3 * 86400, busy, 7), c[i].mon, "16:00");
		assert_true(slot_in_hours(&R, c[i].fri9 + 7 * 3600));
		assert_true(slot_in_hours(&R, c[i].mon9 + 7 * 3600));
		assert_false(slot_in_hours(&R, c[i].mon9 - 3600));
	}
	/* A day of 24 hours after a change. */
	struct slot_rules all = { .lead_days = 0, .day_start = 0, .day_end = 24 };
	int64_t busy[4] = { at("2027-03-29", "00:00"), at("2027-03-29", "01:00"), at("2027-03-29", "02:00"),
			    at("2027-03-29", "03:00") };
	assert_local(slot_suggest(&all, at("2027-03-28", "12:00"), busy, 4), "2027-03-29", "04:00");
}

static void no_slot(void **state)
{
	(void)state;
	int64_t now = at("2026-06-01", "12:00");
	/* Invalid rules. */
	struct slot_rules r = { .lead_days = 5, .day_start = 9, .day_end = 9 };
	assert_int_equal(slot_suggest(&r, now, NULL, 0), -1);
	r = (struct slot_rules){ .lead_days = 5, .day_start = 17, .day_end = 9 };
	assert_int_equal(slot_suggest(&r, now, NULL, 0), -1);
	r = (struct slot_rules){ .lead_days = 5, .day_start = 9, .day_end = 25 };
	assert_int_equal(slot_suggest(&r, now, NULL, 0), -1);
	r = (struct slot_rules){ .lead_days = 100000, .day_start = 9, .day_end = 17 };
	assert_int_equal(slot_suggest(&r, now, NULL, 0), -1);
	assert_int_equal(slot_suggest(NULL, now, NULL, 0), -1);
	assert_int_equal(slot_suggest(&R, now, NULL, 3), -1);
	/* Every working hour of the next 130 days busy. */
	int64_t first = at("2026-06-06", "00:00");
	size_t n = 130 * 24;
	int64_t *busy = malloc(n * sizeof(*busy));
	assert_non_null(busy);
	for (size_t i = 0; i < n; i++)
		busy[i] = first + (int64_t)i * 3600;
	assert_int_equal(slot_suggest(&R, now, busy, n), -1);
	/* The window is 120 days from the first day: a free hour after it is not found. */
	assert_int_equal(slot_suggest(&R, now, busy, 125 * 24), -1);
	/* ...but one within it is. */
	int64_t hole = at("2026-09-01", "14:00");
	for (size_t i = 0; i < n; i++)
		if (busy[i] == hole)
			busy[i] = 0;
	assert_int_equal(slot_suggest(&R, now, busy, n), hole);
	free(busy);
}

static void in_hours(void **state)
{
	(void)state;
	assert_true(slot_in_hours(&R, at("2026-06-01", "09:00")));
	assert_true(slot_in_hours(&R, at("2026-06-05", "16:00")));
	assert_false(slot_in_hours(&R, at("2026-06-01", "17:00")));
	assert_false(slot_in_hours(&R, at("2026-06-01", "08:00")));
	assert_false(slot_in_hours(&R, at("2026-06-01", "09:30")));
	assert_false(slot_in_hours(&R, at("2026-06-01", "09:00") + 1));
	assert_false(slot_in_hours(&R, at("2026-06-06", "10:00"))); /* Saturday */
	assert_false(slot_in_hours(&R, at("2026-06-07", "10:00"))); /* Sunday */
	struct slot_rules bad = { .lead_days = 0, .day_start = 10, .day_end = 10 };
	assert_false(slot_in_hours(&bad, at("2026-06-01", "10:00")));
	assert_false(slot_in_hours(NULL, at("2026-06-01", "10:00")));
}

int main(void)
{
	setenv("TZ", "Europe/Helsinki", 1);
	tzset();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_fixed_times),
		cmocka_unit_test(rejects_bad_input),
		cmocka_unit_test(formats_and_round_trips),
		cmocka_unit_test(skips_weekends_and_keeps_lead_days),
		cmocka_unit_test(keeps_hours),
		cmocka_unit_test(skips_busy_overlapping_either_side),
		cmocka_unit_test(keeps_wall_clock_hours_across_clock_changes),
		cmocka_unit_test(no_slot),
		cmocka_unit_test(in_hours),
	};
	return cmocka_run_group_tests_name("slot", tests, NULL, NULL);
}

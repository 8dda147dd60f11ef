/* Calendar invitations: every .ics built here is checked line by line
 * (CRLF, folded at 75 octets without splitting a character) and then read
 * back with libical's parser, property by property. The local time is
 * checked against known hours in Helsinki in winter and summer, against
 * the C library's own time zone data over three years, and by converting
 * DTSTART back to Unix time with the VTIMEZONE the file itself carries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <libical/ical.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/utf8.h"
#include "mail/ics.h"

static const int64_t WINTER = 1795446000; /* 2026-11-23 15:00:00 UTC: 17:00 in Helsinki (EET) */
static const int64_t SUMMER = 1781506800; /* 2026-06-15 07:00:00 UTC: 10:00 in Helsinki (EEST) */

static struct ics_event sample(void)
{
	return (struct ics_event){
		.uid = "match-12@ovi.example.org",
		.start = WINTER,
		.duration_s = 3600,
		.sequence = 0,
		.stamp = 1795000000, /* 2026-11-18 11:06:40 UTC */
		.tzid = "Europe/Helsinki",
		.summary = "Ovi: meeting with Ada Lovelace",
		.description = "Ada Lovelace, engineer.\nShe will call you.",
		.location = "Café Regatta, Helsinki",
		.url = "https://ovi.example.org/en/member/matches/12",
	};
}

/* Every line ends in CRLF, has no other CR or LF, is at most 75 octets
 * and is valid UTF-8 on its own (a fold never splits a character). */
static void check_lines(const char *s)
{
	size_t n = strlen(s);
	assert_true(n > 2 && memcmp(s + n - 2, "\r\n", 2) == 0);
	assert_int_equal(strncmp(s, "BEGIN:VCALENDAR\r\n", 17), 0);
	assert_string_equal(s + n - 15, "END:VCALENDAR\r\n");
	for (const char *p = s; *p;) {
		const char *e = strstr(p, "\r\n");
		assert_non_null(e);
		size_t len = (size_t)(e - p);
		if (len > 75)
			fail_msg("line of %zu octets: %.*s", len, (int)len, p);
		assert_null(memchr(p, '\r', len));
		assert_null(memchr(p, '\n', len));
		if (!utf8_valid(p, len))
			fail_msg("a fold split a character: %.*s", (int)len, p);
		p = e + 2;
	}
}

static char *build_ok(const struct ics_event *ev)
{
	char *s = ics_build(ev);
	assert_non_null(s);
	check_lines(s);
	return s;
}

/* The text with folds (CRLF + one space or tab) removed. */
static char *unfold(const char *s)
{
	char *r = malloc(strlen(s) + 1);
	size_t o = 0;
	for (const char *p = s; *p; p++) {
		if (p[0] == '\r' && p[1] == '\n' && (p[2] == ' ' || p[2] == '\t')) {
			p += 2;
			continue;
		}
		r[o++] = *p;
	}
	r[o] = '\0';
	return r;
}

static icalcomponent *parse(const char *s)
{
	icalcomponent *c = icalcomponent_new_from_string(s);
	assert_non_null(c);
	assert_int_equal(icalcomponent_isa(c), ICAL_VCALENDAR_COMPONENT);
	/* The parser marks what it did not understand with X-LIC-ERROR. */
	assert_int_equal(icalcomponent_count_errors(c), 0);
	return c;
}

static icalcomponent *event(icalcomponent *cal)
{
	assert_int_equal(icalcomponent_count_components(cal, ICAL_VEVENT_COMPONENT), 1);
	return icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
}

static icalproperty *prop(icalcomponent *c, icalproperty_kind k)
{
	assert_int_equal(icalcomponent_count_properties(c, k), 1);
	return icalcomponent_get_first_property(c, k);
}

/* DTSTART as written: its local fields and its TZID parameter ("" when none). */
static struct icaltimetype dtstart(icalcomponent *ev, const char **tzid)
{
	icalproperty *p = prop(ev, ICAL_DTSTART_PROPERTY);
	icalparameter *tz = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
	*tzid = tz ? icalparameter_get_tzid(tz) : "";
	return icalproperty_get_dtstart(p);
}

/* DTSTART back to Unix time with the calendar's own VTIMEZONE (not
 * libical's built-in data). */
static int64_t start_from_file(icalcomponent *cal)
{
	const char *tzid;
	struct icaltimetype t = dtstart(event(cal), &tzid);
	assert_int_equal(icalcomponent_count_components(cal, ICAL_VTIMEZONE_COMPONENT), 1);
	icalcomponent *vtz = icalcomponent_get_first_component(cal, ICAL_VTIMEZONE_COMPONENT);
	assert_string_equal(icalproperty_get_tzid(prop(vtz, ICAL_TZID_PROPERTY)), tzid);
	icalcomponent *copy = icalcomponent_new_clone(vtz);
	icaltimezone *z = icaltimezone_new();
	assert_int_equal(icaltimezone_set_component(z, copy), 1);
	t.zone = NULL;
	int64_t r = (int64_t)icaltime_as_timet_with_zone(t, z);
	icaltimezone_free(z, 1);
	return r;
}

/* ---- tests -------------------------------------------------------------------------------- */

static void test_properties(void **state)
{
	(void)state;
	struct ics_event e = sample();
	char *s = build_ok(&e);
	icalcomponent *cal = parse(s);
	assert_string_equal(icalproperty_get_prodid(prop(cal, ICAL_PRODID_PROPERTY)), "-//Ovi//Ovi//EN");
	assert_string_equal(icalproperty_get_version(prop(cal, ICAL_VERSION_PROPERTY)), "2.0");
	assert_int_equal(icalproperty_get_method(prop(cal, ICAL_METHOD_PROPERTY)), ICAL_METHOD_PUBLISH);
	assert_int_equal(icalcomponent_count_components(cal, ICAL_ANY_COMPONENT), 2);

	/* The time zone, under its plain IANA name. */
	assert_int_equal(icalcomponent_count_components(cal, ICAL_VTIMEZONE_COMPONENT), 1);
	icalcomponent *vtz = icalcomponent_get_first_component(cal, ICAL_VTIMEZONE_COMPONENT);
	assert_string_equal(icalproperty_get_tzid(prop(vtz, ICAL_TZID_PROPERTY)), "Europe/Helsinki");
	assert_true(icalcomponent_count_components(vtz, ICAL_XSTANDARD_COMPONENT) >= 1);
	assert_true(icalcomponent_count_components(vtz, ICAL_XDAYLIGHT_COMPONENT) >= 1);
	assert_non_null(strstr(s, "\r\nBEGIN:VTIMEZONE\r\nTZID:Europe/Helsinki\r\n"));

	icalcomponent *ev = event(cal);
	assert_string_equal(icalproperty_get_uid(prop(ev, ICAL_UID_PROPERTY)), "match-12@ovi.example.org");
	struct icaltimetype st = icalproperty_get_dtstamp(prop(ev, ICAL_DTSTAMP_PROPERTY));
	assert_true(icaltime_is_utc(st));
	assert_int_equal((int64_t)icaltime_as_timet(st), e.stamp);
	assert_non_null(strstr(s, "\r\nDTSTAMP:20261118T110640Z\r\n"));
	const char *tzid;
	struct icaltimetype t = dtstart(ev, &tzid);
	assert_string_equal(tzid, "Europe/Helsinki");
	assert_false(icaltime_is_utc(t));
	assert_int_equal(t.year, 2026);
	assert_int_equal(t.month, 11);
	assert_int_equal(t.day, 23);
	assert_int_equal(t.hour, 17);
	assert_int_equal(t.minute, 0);
	assert_int_equal(t.second, 0);
	assert_non_null(strstr(s, "\r\nDTSTART;TZID=Europe/Helsinki:20261123T170000\r\n"));
	assert_int_equal(start_from_file(cal), WINTER);
	assert_int_equal(icaldurationtype_as_int(icalproperty_get_duration(prop(ev, ICAL_DURATION_PROPERTY))), 3600);
	assert_int_equal(icalcomponent_count_properties(ev, ICAL_DTEND_PROPERTY), 0);
	assert_int_equal(icalproperty_get_sequence(prop(ev, ICAL_SEQUENCE_PROPERTY)), 0);
	assert_string_equal(icalproperty_get_summary(prop(ev, ICAL_SUMMARY_PROPERTY)), e.summary);
	assert_string_equal(icalproperty_get_description(prop(ev, ICAL_DESCRIPTION_PROPERTY)), e.description);
	assert_string_equal(icalproperty_get_location(prop(ev, ICAL_LOCATION_PROPERTY)), e.location);
	assert_string_equal(icalproperty_get_url(prop(ev, ICAL_URL_PROPERTY)), e.url);
	assert_int_equal(icalproperty_get_status(prop(ev, ICAL_STATUS_PROPERTY)), ICAL_STATUS_CONFIRMED);
	assert_int_equal(icalproperty_get_transp(prop(ev, ICAL_TRANSP_PROPERTY)), ICAL_TRANSP_OPAQUE);
	icalcomponent_free(cal);

	/* The same input, the same bytes. */
	char *again = build_ok(&e);
	assert_string_equal(again, s);
	free(again);
	free(s);

	/* No LOCATION and no URL when they are empty (or NULL). */
	e.location = "";
	e.url = NULL;
	s = build_ok(&e);
	cal = parse(s);
	ev = event(cal);
	assert_int_equal(icalcomponent_count_properties(ev, ICAL_LOCATION_PROPERTY), 0);
	assert_int_equal(icalcomponent_count_properties(ev, ICAL_URL_PROPERTY), 0);
	icalcomponent_free(cal);
	free(s);
	e.location = NULL;
	e.url = "";
	s = build_ok(&e);
	assert_null(strstr(s, "\r\nLOCATION"));
	assert_null(strstr(s, "\r\nURL"));
	free(s);
}

static void test_sequence_and_cancel(void **state)
{
	(void)state;
	struct ics_event e = sample();
	for (int seq = 0; seq < 12; seq += 5) {
		e.sequence = seq;
		char *s = build_ok(&e);
		icalcomponent *cal = parse(s);
		assert_int_equal(icalproperty_get_sequence(prop(event(cal), ICAL_SEQUENCE_PROPERTY)), seq);
		/* The UID stays: a calendar replaces the entry. */
		assert_string_equal(icalproperty_get_uid(prop(event(cal), ICAL_UID_PROPERTY)), e.uid);
		icalcomponent_free(cal);
		free(s);
	}
	e.cancelled = 1;
	e.sequence = 3;
	char *s = build_ok(&e);
	icalcomponent *cal = parse(s);
	assert_int_equal(icalproperty_get_method(prop(cal, ICAL_METHOD_PROPERTY)), ICAL_METHOD_CANCEL);
	assert_int_equal(icalproperty_get_status(prop(event(cal), ICAL_STATUS_PROPERTY)), ICAL_STATUS_CANCELLED);
	assert_int_equal(icalproperty_get_sequence(prop(event(cal), ICAL_SEQUENCE_PROPERTY)), 3);
	assert_non_null(strstr(s, "\r\nMETHOD:CANCEL\r\n"));
	icalcomponent_free(cal);
	free(s);
	e.sequence = -1;
	assert_null(ics_build(&e));
}

/* The hour a meeting starts, as written in the file. */
static void local_start(int64_t start, const char *tzid, bool ambiguous, int got_out[5])
{
	struct ics_event e = sample();
	e.start = start;
	e.tzid = tzid;
	char *s = build_ok(&e);
	icalcomponent *cal = parse(s);
	const char *tz;
	struct icaltimetype t = dtstart(event(cal), &tz);
	assert_string_equal(tz, tzid);
	int got[5] = { t.year, t.month, t.day, t.hour, t.minute };
	memcpy(got_out, got, sizeof(got));
	/* And back to the same instant with the file's own VTIMEZONE (a
	 * local time in the hour that happens twice in autumn cannot say
	 * which of the two it is; meetings are not held at night). */
	if (!ambiguous && start_from_file(cal) != start)
		fail_msg("%s %lld came back as %lld", tzid, (long long)start, (long long)start_from_file(cal));
	icalcomponent_free(cal);
	free(s);
}

static void test_local_time(void **state)
{
	(void)state;
	static const struct {
		int64_t start;
		const char *tzid;
		int ymdhm[5];
		bool ambiguous;
	} cases[] = {
		{ 1795446000, "Europe/Helsinki", { 2026, 11, 23, 17, 0 }, false }, /* winter: UTC+2 */
		{ SUMMER, "Europe/Helsinki", { 2026, 6, 15, 10, 0 }, false },      /* summer: UTC+3 */
		{ 1774745940, "Europe/Helsinki", { 2026, 3, 29, 2, 59 }, false },  /* 00:59Z, last minute of EET */
		{ 1774746000, "Europe/Helsinki", { 2026, 3, 29, 4, 0 }, false },   /* 01:00Z, the clocks go forward */
		{ 1792889940, "Europe/Helsinki", { 2026, 10, 25, 3, 59 }, true },  /* 00:59Z, last minute of EEST */
		{ 1792890000, "Europe/Helsinki", { 2026, 10, 25, 3, 0 }, true },   /* 01:00Z, the clocks go back */
		{ 1795446000, "Europe/Stockholm", { 2026, 11, 23, 16, 0 }, false },
		{ 1781506800, "Europe/Stockholm", { 2026, 6, 15, 9, 0 }, false },
		{ 1795446000, "America/New_York", { 2026, 11, 23, 10, 0 }, false },
		{ 1781506800, "Asia/Kolkata", { 2026, 6, 15, 12, 30 }, false },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		int got[5];
		local_start(cases[i].start, cases[i].tzid, cases[i].ambiguous, got);
		if (memcmp(got, cases[i].ymdhm, sizeof(got)))
			fail_msg("case %zu (%s): %04d-%02d-%02d %02d:%02d", i, cases[i].tzid, got[0], got[1], got[2],
				 got[3], got[4]);
	}

	/* The C library's zoneinfo agrees over three years, every 23 h 13 min
	 * (which walks back through the hours of the day, in both seasons). */
	const char *old = getenv("TZ");
	char *saved = old ? strdup(old) : NULL;
	setenv("TZ", "Europe/Helsinki", 1);
	tzset();
	for (int64_t t = 1767225600; t < 1767225600 + 3 * 365 * 86400LL; t += 23 * 3600 + 13 * 60) {
		struct ics_event e = sample();
		e.start = t;
		char *s = ics_build(&e);
		assert_non_null(s);
		icalcomponent *cal = icalcomponent_new_from_string(s);
		const char *tz;
		struct icaltimetype lt = dtstart(event(cal), &tz);
		time_t tt = (time_t)t;
		struct tm tm;
		localtime_r(&tt, &tm);
		if (lt.year != tm.tm_year + 1900 || lt.month != tm.tm_mon + 1 || lt.day != tm.tm_mday ||
		    lt.hour != tm.tm_hour || lt.minute != tm.tm_min)
			fail_msg("%lld: libical %04d-%02d-%02d %02d:%02d, libc %02d:%02d", (long long)t, lt.year, lt.month,
				 lt.day, lt.hour, lt.minute, tm.tm_hour, tm.tm_min);
		icalcomponent_free(cal);
		free(s);
	}
	if (saved) {
		setenv("TZ", saved, 1);
		free(saved);
	} else {
		unsetenv("TZ");
	}
	tzset();

	/* UTC itself: a UTC DTSTART, no VTIMEZONE. */
	struct ics_event e = sample();
	e.tzid = "UTC";
	char *s = build_ok(&e);
	icalcomponent *cal = parse(s);
	assert_int_equal(icalcomponent_count_components(cal, ICAL_VTIMEZONE_COMPONENT), 0);
	const char *tz;
	struct icaltimetype t = dtstart(event(cal), &tz);
	assert_string_equal(tz, "");
	assert_true(icaltime_is_utc(t));
	assert_int_equal((int64_t)icaltime_as_timet(t), WINTER);
	assert_non_null(strstr(s, "\r\nDTSTART:20261123T150000Z\r\n"));
	icalcomponent_free(cal);
	free(s);
}

static void test_escaping(void **state)
{
	(void)state;
	struct ics_event e = sample();
	e.description = "Commas, semicolons; and\nnew lines\\backslashes \"quotes\"\r\nCRLF\rCR\ttab";
	e.summary = "Meeting; with, Ada\nand a line break";
	e.location = "Kahvila, Helsinki; 2nd floor";
	e.uid = "match-1,2;3@ovi.example.org";
	char *s = build_ok(&e);
	char *u = unfold(s);
	assert_non_null(strstr(u, "\r\nDESCRIPTION:Commas\\, semicolons\\; and\\nnew lines\\\\backslashes"));
	assert_non_null(strstr(u, "\r\nLOCATION:Kahvila\\, Helsinki\\; 2nd floor\r\n"));
	icalcomponent *cal = parse(s);
	icalcomponent *ev = event(cal);
	/* Line ends come back as LF; a one-line value has spaces instead. */
	assert_string_equal(icalproperty_get_description(prop(ev, ICAL_DESCRIPTION_PROPERTY)),
			    "Commas, semicolons; and\nnew lines\\backslashes \"quotes\"\nCRLF\nCR\ttab");
	assert_string_equal(icalproperty_get_summary(prop(ev, ICAL_SUMMARY_PROPERTY)),
			    "Meeting; with, Ada and a line break");
	assert_string_equal(icalproperty_get_location(prop(ev, ICAL_LOCATION_PROPERTY)), e.location);
	assert_string_equal(icalproperty_get_uid(prop(ev, ICAL_UID_PROPERTY)), e.uid);
	icalcomponent_free(cal);
	free(u);
	free(s);

	/* Nothing a value holds can start a property of its own. */
	e = sample();
	e.description = "x\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:evil";
	e.summary = "x\r\nATTENDEE:mailto:evil@example.org";
	s = build_ok(&e);
	assert_null(strstr(s, "\r\nEND:VEVENT\r\nBEGIN:VEVENT"));
	assert_null(strstr(s, "\r\nATTENDEE"));
	cal = parse(s);
	assert_int_equal(icalcomponent_count_properties(event(cal), ICAL_ATTENDEE_PROPERTY), 0);
	icalcomponent_free(cal);
	free(s);
}

static void test_folding(void **state)
{
	(void)state;
	/* Long values of one-, two-, three- and four-byte characters, at every
	 * offset: folded at 75 octets at most, never inside a character, and
	 * read back whole. */
	static const char *const pieces[] = { "word ", "ä", "€", "🎉", "x", "a,", "ö;", "\n" };
	char d[8193];
	for (size_t p = 0; p < sizeof(pieces) / sizeof(*pieces); p++) {
		for (size_t lead = 0; lead < 4; lead++) {
			size_t pl = strlen(pieces[p]), o = 0;
			for (; o < lead; o++)
				d[o] = 'a';
			while (o + pl <= 600) {
				memcpy(d + o, pieces[p], pl);
				o += pl;
			}
			d[o] = '\0';
			struct ics_event e = sample();
			e.description = d;
			char *s = build_ok(&e);
			icalcomponent *cal = parse(s);
			/* Less the trailing spaces, which ics_build() drops. */
			while (o && d[o - 1] == ' ')
				d[--o] = '\0';
			assert_string_equal(icalproperty_get_description(prop(event(cal), ICAL_DESCRIPTION_PROPERTY)), d);
			icalcomponent_free(cal);
			free(s);
		}
	}
	/* The longest values. */
	struct ics_event e = sample();
	memset(d, 0, sizeof(d));
	for (size_t i = 0; i + 3 <= 8192; i += 3)
		memcpy(d + i, "€", 3);
	d[8190] = 'x';
	d[8191] = 'y';
	e.description = d;
	char summary[513];
	for (size_t i = 0; i + 2 <= 512; i += 2)
		memcpy(summary + i, "ä", 2);
	summary[512] = '\0';
	e.summary = summary;
	char *s = build_ok(&e);
	icalcomponent *cal = parse(s);
	assert_string_equal(icalproperty_get_description(prop(event(cal), ICAL_DESCRIPTION_PROPERTY)), d);
	assert_string_equal(icalproperty_get_summary(prop(event(cal), ICAL_SUMMARY_PROPERTY)), summary);
	icalcomponent_free(cal);
	free(s);
}

static void test_refused(void **state)
{
	(void)state;
	struct ics_event e = sample();
	assert_null(ics_build(NULL));
	/* Time zones. */
	static const char *const zones[] = { "Nowhere/Atlantis", "", "../../../../etc/passwd", "/etc/passwd",
					     "Europe/../Europe/Helsinki", "Europe//Helsinki", "Europe/Helsinki/",
					     "Europe/Helsinki\n", "Europe/Hel sinki",
					     "Europe/Helsinki_and_a_very_long_name_that_goes_on_and_on_and_on" };
	for (size_t i = 0; i < sizeof(zones) / sizeof(*zones); i++) {
		e = sample();
		e.tzid = zones[i];
		if (ics_build(&e))
			fail_msg("time zone %s accepted", zones[i]);
	}
	e.tzid = NULL;
	assert_null(ics_build(&e));

	/* Invalid UTF-8 and control characters, in every text value. */
	static const char *const bad[] = { "bad \xff", "overlong \xc0\xaf", "cut \xe2\x82", "surrogate \xed\xa0\x80",
					   "bell \a", "esc \x1b[31m", "c1 \xc2\x85" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		for (size_t f = 0; f < 5; f++) {
			e = sample();
			const char **fp[] = { &e.summary, &e.description, &e.location, &e.uid, &e.url };
			*fp[f] = bad[i];
			if (ics_build(&e))
				fail_msg("field %zu accepted \"%s\"", f, bad[i]);
		}
	}
	/* A URL is not escaped: no spaces, no line breaks, ASCII only. */
	static const char *const urls[] = { "https://x.example/a b", "https://x.example/\r\nATTENDEE:x",
					    "https://x.example/ä", "https://x.example/\t" };
	for (size_t i = 0; i < sizeof(urls) / sizeof(*urls); i++) {
		e = sample();
		e.url = urls[i];
		assert_null(ics_build(&e));
	}
	/* A UID is required and one line. */
	e = sample();
	e.uid = "";
	assert_null(ics_build(&e));
	e.uid = NULL;
	assert_null(ics_build(&e));
	e.uid = "a\nb@c";
	assert_null(ics_build(&e));

	/* Lengths: the limit is fine, one byte more is not. */
	static const struct {
		int field;
		size_t max;
	} limits[] = { { 0, 512 }, { 1, 8192 }, { 2, 512 }, { 3, 255 }, { 4, 1024 } };
	char *big = malloc(8194);
	for (size_t i = 0; i < sizeof(limits) / sizeof(*limits); i++) {
		e = sample();
		const char **fp[] = { &e.summary, &e.description, &e.location, &e.uid, &e.url };
		memset(big, 'a', limits[i].max + 1);
		big[limits[i].max] = '\0';
		*fp[limits[i].field] = big;
		char *s = ics_build(&e);
		if (!s)
			fail_msg("field %d refused at its limit %zu", limits[i].field, limits[i].max);
		check_lines(s);
		free(s);
		big[limits[i].max] = 'a';
		big[limits[i].max + 1] = '\0';
		if (ics_build(&e))
			fail_msg("field %d accepted past its limit %zu", limits[i].field, limits[i].max);
	}
	free(big);

	/* Times and durations out of range. */
	e = sample();
	e.start = -1;
	assert_null(ics_build(&e));
	e.start = 253402300800LL;
	assert_null(ics_build(&e));
	e = sample();
	e.stamp = -5;
	assert_null(ics_build(&e));
	e = sample();
	e.duration_s = 0;
	assert_null(ics_build(&e));
	e.duration_s = 8 * 86400;
	assert_null(ics_build(&e));
	e.duration_s = 5400;
	char *s = build_ok(&e);
	assert_non_null(strstr(s, "\r\nDURATION:PT1H30M\r\n"));
	free(s);
}

/* Pages and the scheduler build invitations at the same time. */
static void *worker(void *arg)
{
	int *bad = arg;
	for (int i = 0; i < 40; i++) {
		struct ics_event e = sample();
		static const char *const zones[] = { "Europe/Helsinki", "Europe/Stockholm", "Europe/Oslo", "Asia/Tokyo" };
		e.tzid = zones[i % 4];
		e.start = WINTER + i * 86400 * 11;
		e.sequence = i;
		char *s = ics_build(&e);
		if (!s || !strstr(s, "END:VCALENDAR\r\n"))
			(*bad)++;
		free(s);
	}
	return NULL;
}

static void test_threads(void **state)
{
	(void)state;
	pthread_t t[4];
	int bad[4] = { 0 };
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, worker, &bad[i]), 0);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(bad[i], 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_properties),
		cmocka_unit_test(test_sequence_and_cancel),
		cmocka_unit_test(test_local_time),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_folding),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests_name("ics", tests, NULL, NULL);
}

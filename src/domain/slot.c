#include "domain/slot.h"

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

enum {
	LOOK_AHEAD_DAYS = 120,
	LEAD_DAYS_MAX = 3650, /* keeps tm_mday arithmetic far from overflow */
};

static bool rules_ok(const struct slot_rules *r)
{
	return r && r->day_start < r->day_end && r->day_end <= 24 && r->lead_days <= LEAD_DAYS_MAX;
}

/* The Unix time of a local wall-clock time, or -1 when that time does not
 * exist (skipped when the clocks go forward, or fields out of range):
 * mktime normalizes such a time to another one, so the fields it gives
 * back differ from those asked for. */
static int64_t local_time(int year, int mon, int mday, int hour, int min)
{
	struct tm tm = {
		.tm_year = year - 1900, .tm_mon = mon, .tm_mday = mday, .tm_hour = hour, .tm_min = min, .tm_isdst = -1,
	};
	time_t t = mktime(&tm);
	if (t == (time_t)-1)
		return -1;
	if (tm.tm_year != year - 1900 || tm.tm_mon != mon || tm.tm_mday != mday || tm.tm_hour != hour ||
	    tm.tm_min != min)
		return -1;
	return (int64_t)t;
}

static bool overlaps(int64_t t, const int64_t *busy, size_t nbusy)
{
	for (size_t i = 0; i < nbusy; i++)
		if (t < busy[i] + SLOT_LEN_S && busy[i] < t + SLOT_LEN_S)
			return true;
	return false;
}

int64_t slot_suggest(const struct slot_rules *r, int64_t now, const int64_t *busy, size_t nbusy)
{
	if (!rules_ok(r) || (nbusy && !busy))
		return -1;
	time_t tnow = (time_t)now;
	struct tm base;
	if (!localtime_r(&tnow, &base))
		return -1;
	for (int d = 0; d < LOOK_AHEAD_DAYS; d++) {
		/* Normalize the date at noon, away from any clock change. */
		struct tm day = {
			.tm_year = base.tm_year, .tm_mon = base.tm_mon, .tm_mday = base.tm_mday + (int)r->lead_days + d,
			.tm_hour = 12, .tm_isdst = -1,
		};
		if (mktime(&day) == (time_t)-1)
			return -1;
		if (day.tm_wday == 0 || day.tm_wday == 6)
			continue;
		for (unsigned h = r->day_start; h + 1 <= r->day_end; h++) {
			int64_t t = local_time(day.tm_year + 1900, day.tm_mon, day.tm_mday, (int)h, 0);
			if (t >= now && !overlaps(t, busy, nbusy)) /* never in the past (lead_days 0) */
				return t;
		}
	}
	return -1;
}

int slot_in_hours(const struct slot_rules *r, int64_t t)
{
	if (!rules_ok(r))
		return 0;
	time_t tt = (time_t)t;
	struct tm tm;
	if (!localtime_r(&tt, &tm))
		return 0;
	if (tm.tm_wday == 0 || tm.tm_wday == 6 || tm.tm_min != 0 || tm.tm_sec != 0)
		return 0;
	unsigned h = (unsigned)tm.tm_hour;
	return r->day_start <= h && h + 1 <= r->day_end;
}

/* n decimal digits at s, or -1. */
static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int64_t slot_parse_local(const char *date, size_t date_len, const char *time, size_t time_len)
{
	if (!date || !time || date_len != 10 || time_len != 5 || date[4] != '-' || date[7] != '-' || time[2] != ':')
		return -1;
	int y = digits(date, 4), mo = digits(date + 5, 2), d = digits(date + 8, 2);
	int h = digits(time, 2), mi = digits(time + 3, 2);
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59)
		return -1;
	/* 31 February or a skipped hour come back from mktime as other fields. */
	return local_time(y, mo - 1, d, h, mi);
}

void slot_format_local(int64_t t, char date[11], char time[6])
{
	date[0] = time[0] = '\0';
	time_t tt = (time_t)t;
	struct tm tm;
	if (!localtime_r(&tt, &tm) || tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999)
		return;
	/* Unsigned and reduced, so the compiler sees the fields fit. */
	snprintf(date, 11, "%04u-%02u-%02u", (unsigned)(tm.tm_year + 1900) % 10000u, (unsigned)(tm.tm_mon + 1) % 100u,
		 (unsigned)tm.tm_mday % 100u);
	snprintf(time, 6, "%02u:%02u", (unsigned)tm.tm_hour % 100u, (unsigned)tm.tm_min % 100u);
}

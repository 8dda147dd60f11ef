/* The suggested time of a meeting: a one-hour slot on a weekday, in
 * working hours, some days ahead, in the programme's time zone (the
 * process's TZ, set from the time_zone setting at start), not overlapping
 * the meetings either person already has.
 *
 * Pure: the busy times are given; nothing is read from the database. */
#ifndef OVI_SLOT_H
#define OVI_SLOT_H
#include <stddef.h>
#include <stdint.h>

enum { SLOT_LEN_S = 3600 };

struct slot_rules {
	unsigned lead_days;  /* the first day considered is the local date of now + lead_days */
	unsigned day_start;  /* first start hour, local time (e.g. 9) */
	unsigned day_end;    /* last end hour (e.g. 17: the last slot starts at 16:00) */
};

/* The first slot start >= the start of the day now + lead_days (local
 * midnight), on Monday to Friday, at a whole hour h with day_start <= h
 * and h + 1 <= day_end, not before now, such that [start, start + 1 h) overlaps no
 * [busy[i], busy[i] + 1 h). Local hours are found with mktime (tm_isdst
 * = -1), so days when the clocks change give the same wall-clock hours.
 * Looks at most 120 days ahead. Returns the Unix time, or -1 when no slot
 * is free or the rules are invalid. */
int64_t slot_suggest(const struct slot_rules *r, int64_t now, const int64_t *busy, size_t nbusy);

/* Is t a whole hour on a weekday within the rules' hours (local time)?
 * For checking a time a person proposes: any time in the future is
 * allowed, this only tells whether it is "in working hours". */
int slot_in_hours(const struct slot_rules *r, int64_t t);

/* A local date and time as people type them: date "YYYY-MM-DD" and time
 * "HH:MM" (24 h), in the programme's time zone. The Unix time, or -1 when
 * either is malformed or does not exist (31 February; a time skipped when
 * the clocks go forward). Takes lengths: the strings come from forms. */
int64_t slot_parse_local(const char *date, size_t date_len, const char *time, size_t time_len);

/* The other way, for prefilling a form: "YYYY-MM-DD" and "HH:MM". */
void slot_format_local(int64_t t, char date[11], char time[6]);

#endif

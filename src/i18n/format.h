/* Dates and numbers written the way each UI language writes them, without
 * setlocale (the language is passed explicitly, so threads never share
 * locale state).
 *
 * Languages: "sv", "fi", "en"; a tag such as "sv-SE" counts as its primary
 * language, and anything else (including NULL) is English. Every function
 * appends to `out` and returns 0, or -1 on invalid arguments or when `out`
 * is full; on -1 nothing is appended. */
#ifndef OVI_FORMAT_H
#define OVI_FORMAT_H
#include <time.h>

struct buf;

enum { FMT_DATE_LONG, FMT_DATE_SHORT };

/* sv: "23 november 2026" / "2026-11-23"
 * fi: "23. marraskuuta 2026" / "23.11.2026" (short: no leading zeros, "3.1.2026")
 * en: "23 November 2026" / "23/11/2026"
 * year 1..9999, month 1..12, day valid for that month (leap years too). */
int fmt_date(struct buf *out, const char *lang, int year, int month, int day,
	     int style);

/* Long date and time of day (24 h) from tm_year/tm_mon/tm_mday/tm_hour/tm_min:
 * sv "23 november 2026 kl. 14.30", fi "23. marraskuuta 2026 klo 14.30",
 * en "23 November 2026 at 14:30". Hours without a leading zero in sv/fi
 * ("kl. 9.05"), with one in en ("at 09:05"). */
int fmt_datetime(struct buf *out, const char *lang, const struct tm *tm);

/* Grouped integer. sv, fi: groups of three separated by U+00A0 NO-BREAK
 * SPACE, minus as U+2212 ("−12 345"); en: "-12,345". */
int fmt_int(struct buf *out, const char *lang, long long v);

/* A fixed-point number given in hundredths, with 1 or 2 decimals (1 rounds
 * half away from zero): sv/fi "1 234,5" (grouped as fmt_int), en "1,234.5".
 * A value that rounds to zero has no minus sign. */
int fmt_decimal(struct buf *out, const char *lang, long long v_times_100,
		int decimals);

/* num/den as a whole percent, rounded half away from zero: sv/fi "67 %"
 * (U+00A0 before the sign), en "67%". den == 0 is an error. */
int fmt_percent(struct buf *out, const char *lang, long long num,
		long long den);

#endif

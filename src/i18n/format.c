#include "i18n/format.h"

#include <string.h>

#include "core/buf.h"

enum lang { L_EN, L_SV, L_FI };

#define NBSP "\xC2\xA0"
#define MINUS "\xE2\x88\x92"

static enum lang lang_of(const char *l)
{
	if (!l || !l[0] || !l[1])
		return L_EN;
	char a = (char)(l[0] | 0x20), b = (char)(l[1] | 0x20);
	if (l[2] != '\0' && l[2] != '-' && l[2] != '_')
		return L_EN;
	if (a == 's' && b == 'v')
		return L_SV;
	if (a == 'f' && b == 'i')
		return L_FI;
	return L_EN;
}

static const char *const months_sv[12] = {
	"januari", "februari", "mars", "april", "maj", "juni",
	"juli", "augusti", "september", "oktober", "november", "december",
};

/* Dates use the partitive: "23. marraskuuta 2026". */
static const char *const months_fi[12] = {
	"tammikuuta", "helmikuuta", "maaliskuuta", "huhtikuuta",
	"toukokuuta", "kes\xC3\xA4kuuta", "hein\xC3\xA4kuuta", "elokuuta",
	"syyskuuta", "lokakuuta", "marraskuuta", "joulukuuta",
};

static const char *const months_en[12] = {
	"January", "February", "March", "April", "May", "June",
	"July", "August", "September", "October", "November", "December",
};

static int days_in_month(int y, int m)
{
	static const int d[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

static int valid_date(int y, int m, int d)
{
	return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 &&
	       d <= days_in_month(y, m);
}

/* Append all-or-nothing: on failure the buffer is restored. */
static int undo(struct buf *out, size_t len)
{
	out->len = len;
	if (out->data)
		out->data[len] = '\0';
	return -1;
}

static int date_long(struct buf *out, enum lang l, int y, int m, int d)
{
	switch (l) {
	case L_SV:
		return buf_printf(out, "%d %s %d", d, months_sv[m - 1], y);
	case L_FI:
		return buf_printf(out, "%d. %s %d", d, months_fi[m - 1], y);
	case L_EN:
		break;
	}
	return buf_printf(out, "%d %s %d", d, months_en[m - 1], y);
}

int fmt_date(struct buf *out, const char *lang, int year, int month, int day,
	     int style)
{
	if (!valid_date(year, month, day))
		return -1;
	enum lang l = lang_of(lang);
	size_t len = out->len;
	int r;
	if (style == FMT_DATE_LONG)
		r = date_long(out, l, year, month, day);
	else if (style != FMT_DATE_SHORT)
		return -1;
	else if (l == L_SV)
		r = buf_printf(out, "%04d-%02d-%02d", year, month, day);
	else if (l == L_FI)
		r = buf_printf(out, "%d.%d.%d", day, month, year);
	else
		r = buf_printf(out, "%02d/%02d/%d", day, month, year);
	return r ? undo(out, len) : 0;
}

int fmt_datetime(struct buf *out, const char *lang, const struct tm *tm)
{
	if (!tm || tm->tm_year > 9999 - 1900 || tm->tm_year < 1 - 1900 ||
	    tm->tm_mon < 0 || tm->tm_mon > 11 || tm->tm_hour < 0 ||
	    tm->tm_hour > 23 || tm->tm_min < 0 || tm->tm_min > 59)
		return -1;
	int y = tm->tm_year + 1900, m = tm->tm_mon + 1, d = tm->tm_mday;
	if (!valid_date(y, m, d))
		return -1;
	enum lang l = lang_of(lang);
	size_t len = out->len;
	int r = date_long(out, l, y, m, d);
	if (!r) {
		if (l == L_SV)
			r = buf_printf(out, " kl. %d.%02d", tm->tm_hour, tm->tm_min);
		else if (l == L_FI)
			r = buf_printf(out, " klo %d.%02d", tm->tm_hour, tm->tm_min);
		else
			r = buf_printf(out, " at %02d:%02d", tm->tm_hour, tm->tm_min);
	}
	return r ? undo(out, len) : 0;
}

/* Sign and grouped digits of a magnitude. */
static int put_grouped(struct buf *out, enum lang l, int neg,
		       unsigned long long mag)
{
	char digits[24];
	size_t nd = 0;
	do {
		digits[nd++] = (char)('0' + mag % 10);
		mag /= 10;
	} while (mag);
	if (neg && buf_adds(out, l == L_EN ? "-" : MINUS))
		return -1;
	const char *sep = l == L_EN ? "," : NBSP;
	for (size_t i = nd; i-- > 0;) {
		if (buf_addc(out, digits[i]))
			return -1;
		if (i > 0 && i % 3 == 0 && buf_adds(out, sep))
			return -1;
	}
	return 0;
}

static unsigned long long magnitude(long long v)
{
	/* Well defined for LLONG_MIN too. */
	return v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
}

int fmt_int(struct buf *out, const char *lang, long long v)
{
	size_t len = out->len;
	if (put_grouped(out, lang_of(lang), v < 0, magnitude(v)))
		return undo(out, len);
	return 0;
}

int fmt_decimal(struct buf *out, const char *lang, long long v_times_100,
		int decimals)
{
	if (decimals != 1 && decimals != 2)
		return -1;
	enum lang l = lang_of(lang);
	unsigned long long mag = magnitude(v_times_100), ip, fp;
	if (decimals == 1) {
		unsigned long long tenths = mag / 10 + (mag % 10 >= 5);
		ip = tenths / 10;
		fp = tenths % 10;
	} else {
		ip = mag / 100;
		fp = mag % 100;
	}
	size_t len = out->len;
	int neg = v_times_100 < 0 && (ip || fp);
	if (put_grouped(out, l, neg, ip) ||
	    buf_printf(out, "%c%0*llu", l == L_EN ? '.' : ',', decimals, fp))
		return undo(out, len);
	return 0;
}

int fmt_percent(struct buf *out, const char *lang, long long num,
		long long den)
{
	if (den == 0)
		return -1;
	enum lang l = lang_of(lang);
	unsigned long long a = magnitude(num), b = magnitude(den);
	/* round(100 * a / b) without overflow: 100 * a fits in 128 bits, and
	 * the quotient fits in 64 unless the ratio is absurd. */
	unsigned __int128 scaled = (unsigned __int128)a * 100;
	unsigned __int128 q = scaled / b, r = scaled % b;
	if (r >= b - r)
		q++;
	if (q > (unsigned long long)-1)
		return -1;
	size_t len = out->len;
	int neg = ((num < 0) != (den < 0)) && q != 0;
	if (put_grouped(out, l, neg, (unsigned long long)q) ||
	    buf_adds(out, l == L_EN ? "%" : NBSP "%"))
		return undo(out, len);
	return 0;
}

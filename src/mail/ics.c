#include "mail/ics.h"

#include <libical/ical.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/utf8.h"

enum {
	UID_MAX = 255,
	TZID_MAX = 64,
	SUMMARY_MAX = 512,
	DESCRIPTION_MAX = 8192,
	LOCATION_MAX = 512,
	URL_MAX = 1024,
	DURATION_MAX = 7 * 86400,
};

/* Year 9999 ends here; libical and RFC 5545 have four-digit years. */
static const int64_t TIME_MAX = 253402300799;

/* libical's built-in time zones are one shared cache that converting a time
 * also extends (icaltimezone_convert_time fills in the zone's changes), and
 * libical 3.0 does not lock all of it: every use here is behind one lock,
 * pages and the scheduler both build invitations. */
static pthread_mutex_t ical_mu = PTHREAD_MUTEX_INITIALIZER;

/* Text for a TEXT value: valid UTF-8 without controls other than tab, CR
 * and LF, at most max bytes. Returns a malloc()ed copy with line ends made
 * LF (libical escapes LF as \n but drops a CR), or, for a one-line value,
 * every line end and tab made a space; without trailing spaces. NULL when
 * refused. */
static char *text(const char *s, size_t max, bool one_line)
{
	s = s ? s : "";
	size_t n = strlen(s);
	if (n > max || !utf8_valid(s, n) || utf8_has_ctl(s, n))
		return NULL;
	char *r = malloc(n + 1);
	if (!r)
		return NULL;
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '\r') {
			if (i + 1 < n && s[i + 1] == '\n')
				i++;
			c = '\n';
		}
		if (one_line && (c == '\n' || c == '\t'))
			c = ' ';
		r[o++] = c;
	}
	/* Readers (libical's parser among them) drop white space at the end
	 * of a line, so the value does not end in any. */
	while (o && (r[o - 1] == ' ' || r[o - 1] == '\t'))
		o--;
	r[o] = '\0';
	return r;
}

/* A URI value is not escaped: printable ASCII only, no spaces. */
static bool url_ok(const char *s)
{
	size_t n = strlen(s);
	if (n > URL_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e)
			return false;
	return true;
}

/* An IANA name such as "Europe/Helsinki" or "America/Argentina/Buenos_Aires":
 * libical reads /usr/share/zoneinfo/<name> for it, so nothing that climbs
 * out of that directory. */
static bool tzid_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > TZID_MAX || s[0] == '/' || s[n - 1] == '/' || strstr(s, "..") || strstr(s, "//"))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' ||
		      c == '_' || c == '-' || c == '+'))
			return false;
	}
	return true;
}

static bool time_ok(int64_t t)
{
	return t >= 0 && t <= TIME_MAX;
}

/* The calendar, built under the lock. NULL when the zone is unknown. */
static char *build(const struct ics_event *ev, const char *summary, const char *description, const char *location)
{
	icaltimezone *zone = icaltimezone_get_builtin_timezone(ev->tzid);
	if (!zone)
		return NULL;
	icaltimezone *utc = icaltimezone_get_utc_timezone();
	icalcomponent *vtz = NULL;
	if (zone != utc) {
		/* libical names its zones "/freeassociation.sourceforge.net/
		 * Europe/Helsinki"; calendars know the plain IANA name better. */
		icalcomponent *c = icaltimezone_get_component(zone);
		if (!c || !(vtz = icalcomponent_new_clone(c)))
			return NULL;
		icalproperty *p = icalcomponent_get_first_property(vtz, ICAL_TZID_PROPERTY);
		if (p)
			icalproperty_set_tzid(p, ev->tzid);
		else
			icalcomponent_add_property(vtz, icalproperty_new_tzid(ev->tzid));
	}

	icalcomponent *cal = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);
	icalcomponent_add_property(cal, icalproperty_new_prodid("-//Ovi//Ovi//EN"));
	icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
	icalcomponent_add_property(cal, icalproperty_new_method(ev->cancelled ? ICAL_METHOD_CANCEL : ICAL_METHOD_PUBLISH));
	if (vtz)
		icalcomponent_add_component(cal, vtz);

	icalcomponent *vev = icalcomponent_new(ICAL_VEVENT_COMPONENT);
	icalcomponent_add_property(vev, icalproperty_new_uid(ev->uid));
	struct icaltimetype stamp = icaltime_from_timet_with_zone((time_t)ev->stamp, 0, utc);
	stamp.zone = utc;
	icalcomponent_add_property(vev, icalproperty_new_dtstamp(stamp));
	/* The wall-clock time in the zone, written with TZID=. libical 3.0
	 * leaves the zone of the converted time at UTC, so it is set here:
	 * no zone is the local form, and the parameter names the zone. */
	struct icaltimetype start = icaltime_from_timet_with_zone((time_t)ev->start, 0, zone);
	if (zone == utc) {
		start.zone = utc;
		icalcomponent_add_property(vev, icalproperty_new_dtstart(start));
	} else {
		start.zone = NULL;
		icalproperty *p = icalproperty_new_dtstart(start);
		icalproperty_add_parameter(p, icalparameter_new_tzid(ev->tzid));
		icalcomponent_add_property(vev, p);
	}
	icalcomponent_add_property(vev, icalproperty_new_duration(icaldurationtype_from_int((int)ev->duration_s)));
	icalcomponent_add_property(vev, icalproperty_new_sequence(ev->sequence));
	icalcomponent_add_property(vev, icalproperty_new_summary(summary));
	icalcomponent_add_property(vev, icalproperty_new_description(description));
	if (*location)
		icalcomponent_add_property(vev, icalproperty_new_location(location));
	if (ev->url && *ev->url)
		icalcomponent_add_property(vev, icalproperty_new_url(ev->url));
	icalcomponent_add_property(vev, icalproperty_new_status(ev->cancelled ? ICAL_STATUS_CANCELLED
									       : ICAL_STATUS_CONFIRMED));
	icalcomponent_add_property(vev, icalproperty_new_transp(ICAL_TRANSP_OPAQUE));
	icalcomponent_add_component(cal, vev);

	/* libical's buffer goes back to libical; the caller gets malloc(). */
	char *s = icalcomponent_as_ical_string_r(cal);
	char *r = s ? strdup(s) : NULL;
	icalmemory_free_buffer(s);
	icalcomponent_free(cal);
	return r;
}

char *ics_build(const struct ics_event *ev)
{
	if (!ev || !ev->uid || !ev->tzid || !tzid_ok(ev->tzid) || !time_ok(ev->start) || !time_ok(ev->stamp) ||
	    ev->duration_s <= 0 || ev->duration_s > DURATION_MAX || ev->sequence < 0 || !url_ok(ev->url ? ev->url : ""))
		return NULL;
	size_t un = strlen(ev->uid);
	if (un == 0 || un > UID_MAX || !utf8_valid(ev->uid, un) || utf8_has_ctl(ev->uid, un) || strpbrk(ev->uid, "\t\r\n"))
		return NULL;
	char *summary = text(ev->summary, SUMMARY_MAX, true);
	char *description = text(ev->description, DESCRIPTION_MAX, false);
	char *location = text(ev->location, LOCATION_MAX, true);
	char *r = NULL;
	if (summary && description && location) {
		pthread_mutex_lock(&ical_mu);
		r = build(ev, summary, description, location);
		pthread_mutex_unlock(&ical_mu);
	}
	free(summary);
	free(description);
	free(location);
	return r;
}

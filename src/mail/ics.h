/* Calendar invitations (.ics, RFC 5545) made with libical.
 *
 * One VEVENT for a one-hour meeting, METHOD:PUBLISH (an entry to add to
 * one's calendar, not an iTIP request: Ovi does not read calendar
 * replies; people answer through the links). DTSTART carries the TZID of
 * the programme's time zone, and the VTIMEZONE for it is included (from
 * libical's time zone data, which reads the system's zoneinfo). The UID
 * is stable per match, SEQUENCE goes up with every new time, so a
 * calendar replaces the old entry. Text is folded and escaped by libical. */
#ifndef OVI_ICS_H
#define OVI_ICS_H
#include <stdint.h>

struct ics_event {
	const char *uid;          /* "match-12@ovi.example.org" */
	int64_t start;            /* Unix time */
	int64_t duration_s;       /* 3600 */
	int sequence;             /* 0, 1, ... */
	int64_t stamp;            /* DTSTAMP: when this version was made */
	const char *tzid;         /* IANA name, "Europe/Helsinki" */
	const char *summary;      /* one line */
	const char *description;  /* may hold newlines */
	const char *location;     /* may be "" */
	const char *url;          /* may be "": a link to the match page */
	int cancelled;            /* 1: METHOD:CANCEL, STATUS:CANCELLED (the meeting is off) */
};

/* The whole VCALENDAR text, CRLF line ends, malloc()ed (free it), or NULL
 * when the time zone is unknown or a value is invalid UTF-8 or too long
 * (summary 512 bytes, description 8 KiB, location 512, url 1024). */
char *ics_build(const struct ics_event *ev);

#endif

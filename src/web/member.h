/* Helpers shared by the member pages (web/member.c) and the staff pages
 * about people (web/people.c): how statuses, roles and times are shown. */
#ifndef OVI_WEB_MEMBER_H
#define OVI_WEB_MEMBER_H
#include <stdbool.h>
#include <stdint.h>

#include "web/app.h"

/* The translated name of a registration status or role (the code itself
 * when it is one we do not know). */
const char *member_status_name(const struct ctx *c, const char *status);
const char *member_role_name(const struct ctx *c, const char *role);
/* A Unix time as a date ("23 November 2026") or date and time, in the
 * request's language and the server's local time zone; from the arena. */
const char *member_date(struct ctx *c, int64_t t);
const char *member_datetime(struct ctx *c, int64_t t);
/* A positive database id written in decimal (1 to 18 digits, no sign, no
 * leading zero). */
bool member_parse_id(const char *s, int64_t *id);

#endif

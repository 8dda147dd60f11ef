/* What the member pages (web/member.c) take from the match pages
 * (web/meet.c). */
#ifndef OVI_WEB_MEET_H
#define OVI_WEB_MEET_H
#include "web/app.h"

/* The logged-in member's matches for their home page, newest meeting
 * first, open ones before ended ones: a list of maps with id, first_name
 * (of the other person), role_name (the other's role), time, state,
 * state_name and action (bool: an answer from the member is needed now).
 * An empty list when there are none or on a database error. */
struct tval *meet_member_matches(struct ctx *c);

#endif

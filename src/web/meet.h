/* What the member pages (web/member.c) take from the match pages
 * (web/meet.c). */
#ifndef OVI_WEB_MEET_H
#define OVI_WEB_MEET_H
#include <stdbool.h>

#include "domain/email_token.h"
#include "web/app.h"

/* The logged-in member's matches for their home page, newest meeting
 * first, open ones before ended ones: a list of maps with id, first_name
 * (of the other person), role_name (the other's role), time, state,
 * state_name and action (bool: an answer from the member is needed now).
 * An empty list when there are none or on a database error. */
struct tval *meet_member_matches(struct ctx *c);

/* The page for a match link that cannot be used (problem: unknown,
 * expired, used, wrong (another match), person (someone else is logged
 * in), side (not the door opener's link)), with 404, 410 or 403. sharing:
 * the link was for sharing contacts (web/relay.c), which words the way on
 * for that. */
void meet_link_refused(struct ctx *c, const char *problem, bool sharing);

/* The problem word of a link's state, NULL for TOKEN_OK. */
const char *meet_token_problem(enum token_state st);

#endif

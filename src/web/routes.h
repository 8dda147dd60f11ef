/* The route tables of the areas of the site, one per web/ file, each ended
 * by an entry whose method is NULL. app.c tries them in order. A route's
 * handler is a page_fn (web/app.h) cast with H(). */
#ifndef OVI_ROUTES_H
#define OVI_ROUTES_H
#include "http/router.h"

#define H(fn) ((void (*)(void))(fn))

extern const struct route core_routes[];     /* web/app.c: public pages, staff login */
extern const struct route register_routes[]; /* web/register.c: registration, confirmation, profile */
extern const struct route member_routes[];   /* web/member.c: member login and self-service */
extern const struct route people_routes[];   /* web/people.c: staff lists of people */
extern const struct route mailbox_routes[];  /* web/mailbox.c: staff view of the outbox */
extern const struct route taxonomy_routes[]; /* web/taxonomy.c: staff edit of reference data */
extern const struct route matching_routes[]; /* web/matching.c: matching runs and proposals */
extern const struct route meet_routes[];     /* web/meet.c: a member's matches, the links in match e-mails */
extern const struct route matches_routes[];  /* web/matches.c: staff match board and match pages */
extern const struct route relay_routes[];    /* web/relay.c: sharing contacts, a contact's link, stopping */
extern const struct route relay_admin_routes[]; /* web/relay_admin.c: figures, needs help, contacts by staff */
extern const struct route testing_routes[];  /* web/testing.c: the movable clock (test_clock only) */

#endif

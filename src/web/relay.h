/* What other pages take from the relay pages (web/relay.c): the door
 * opener's "share contacts" pages reached through meet.c's routes, the
 * contacts on a member's match page, the refused-link page of a contact's
 * personal link (register.c) and the "stop the relay" entries of the
 * member home (member.c). */
#ifndef OVI_WEB_RELAY_H
#define OVI_WEB_RELAY_H
#include <stdbool.h>
#include <stdint.h>

#include "domain/email_token.h"
#include "web/app.h"

/* GET and POST /match/:id/contacts/:token (meet.c routes the e-mail links
 * with action "contacts" here). */
void relay_link_get(struct ctx *c);
void relay_link_post(struct ctx *c);
/* POST /member/matches/:id/contacts (meet.c's /member/matches/:id/:action
 * comes first in the route table and hands "contacts" over). */
void relay_member_post(struct ctx *c);

/* The contacts of a match into data.relay for the member's match page
 * (templates/_relay_match.html): contacts (name, field, note, how_name,
 * state, state_name, match_id), room (how many more may be shared now,
 * door opener only), contacts_url. */
void relay_match_data(struct ctx *c, int64_t match_id, bool opener);

/* A contact's personal link that cannot be used: the page that says why
 * (unknown, expired, used), with the normal ways to register. */
void relay_contact_refused(struct ctx *c, enum token_state st);

/* The member home: data.relay_stop, the member's participant
 * registrations (met or matched, relay not stopped) that can stop the
 * relay (id, created). */
void relay_member_home(struct ctx *c);

#endif

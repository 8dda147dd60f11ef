/* The staff match pages (web/matches.c), for other staff pages. */
#ifndef OVI_WEB_MATCHES_H
#define OVI_WEB_MATCHES_H
#include <stdint.h>

#include "tmpl/tval.h"
#include "web/app.h"

/* A match state in words, in the request's language ("Confirmed"). */
const char *matches_state_label(struct ctx *c, const char *state);

/* The matches of one registration, newest first, for a list on the person
 * page: id, url, other (the other person's name), state, meeting. */
struct tval *matches_of_registration(struct ctx *c, int64_t registration_id);

#endif

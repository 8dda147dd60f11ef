/* Codes shown to people in words: a table of { code, msgid } pairs ended by
 * { NULL, NULL }, the msgids marked with N_() so xgettext finds them. */
#ifndef OVI_WEB_LABEL_H
#define OVI_WEB_LABEL_H
#include "web/app.h"

struct label {
	const char *code, *msgid;
};

/* The words for `code` in the request's language; the code itself when the
 * table does not know it (a new code shows, rather than vanishes); "" for
 * NULL. */
const char *label_text(const struct ctx *c, const struct label *t, const char *code);

/* Who caused a change, as the history tables store it: person,
 * participant, door_opener, contact, system, or staff:<id> (shown with the
 * staff member's e-mail). Other values are shown as they are. */
const char *label_actor(struct ctx *c, const char *actor);

#endif

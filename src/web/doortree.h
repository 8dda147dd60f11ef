/* The door tree (docs/relay.md): a participant's doors drawn as an inline
 * SVG computed on the server, with the same tree as nested lists beside it.
 *
 * The C code only lays the tree out and shortens long texts; the markup is
 * templates/_doortree.html, fed with template values, so every text goes
 * through the template engine's escaping and no {{ raw }} is needed. A page
 * puts the values under the key "tree" and includes {{> _doortree}}.
 *
 * Staff see full names, members first names only; both see each door's
 * field and state. */
#ifndef OVI_WEB_DOORTREE_H
#define OVI_WEB_DOORTREE_H
#include <stdbool.h>
#include <stdint.h>

#include "domain/relay.h"
#include "tmpl/tmpl.h"
#include "web/app.h"

enum {
	DOORTREE_SVG_NODES = 120,  /* doors drawn; the list always holds them all */
	DOORTREE_MAX_W = 1200,     /* the picture's width and height attributes never exceed these */
	DOORTREE_MAX_H = 3200,
	DOORTREE_NAME_CHARS = 22,  /* longer names and fields are shortened with "…" in the picture */
	DOORTREE_FIELD_CHARS = 28,
};

struct doortree_opts {
	bool staff;                /* full names (staff), else first names only */
	const char *root_name;     /* the participant as the picture names them */
	const char *id;            /* prefix of the element ids, unique in the page */
	const char *match_href;    /* "/sv/admin/matches": each door with a match links to match_href/ID in
				    * the list; NULL for no links */
	const struct tmpl_tr *tr;  /* the state words; NULL leaves the msgids */
};

/* The template values of t (a map, in arena a; NULL when the arena is
 * full). Keys: id, staff, root_name, n (doors), levels, one (n == 1),
 * one_level, drawn (doors in the picture), omitted (doors left out of it),
 * width, height (attributes), vb_w, vb_h (viewBox), root (x, y, w, h, tx,
 * ty1, ty2), nodes (x, y, w, h, tx, ty1, ty2, ty3, name, field, state,
 * cue), edges (d: a path), items (the list as a stream of tokens: k is
 * "ul", "/ul", "/li", or "li" with name, field (full), note, state, cue,
 * href). cue is "done", "open" or "ended": the border style of the door,
 * so that the state is never told by colour alone. */
struct tval *doortree_tv(struct arena *a, const struct relay_tree *t, const struct doortree_opts *o);

/* The msgid of a door's state in words: match states when match is true,
 * else contact states ("Invited", "Introduced by the door opener", ...). */
const char *doortree_state_msgid(bool match, const char *state);
/* "done", "open" or "ended". */
const char *doortree_state_cue(bool match, const char *state);

/* The door tree of a participant person for a page: relay_tree() in the
 * request's language, then doortree_tv(). staff: full names and links to
 * the staff match pages, else first names and links to the member's match
 * pages. NULL on a database error. */
struct tval *doortree_for_person(struct ctx *c, int64_t person_id, bool staff, const char *root_name);

#endif

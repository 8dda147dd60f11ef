/* Templates: templates/NAME.html files that designers edit.
 *
 * All templates are parsed and checked once, at server start (and at build
 * time, by `ovi tmpl-strings`); every error is reported then as
 * "file:line: message", so rendering never meets a syntax error. Output is
 * HTML-escaped by default. The syntax (docs/templates.md has the long form):
 *
 *	{{ path }}             value, escaped for text and quoted attributes
 *	{{ url path }}         an http(s)/mailto/tel/relative URL, else "#"
 *	{{ raw path }}         unescaped: only for HTML the server built itself
 *	{{ _ "Text" }}         translated text, escaped
 *	{{ _ "Hi {name}" name=user.name }}   placeholders filled with escaped values
 *	{{#if path}} {{#elif !path}} {{#if path == "x"}} {{#if path != "x"}}
 *	    {{else}} {{/if}}
 *	{{#each path as item}} ... {{else}} ... {{/each}}   loop.first/last/index
 *	{{> partial}}          include templates/partial.html, same scope
 *	{{#layout "name"}}     first tag of a page made of {{#block x}}..{{/block}};
 *	                       the layout outputs them with {{yield x}}
 *	{{! comment }}
 *
 * Paths are dotted names (user.email) looked up in the loop variables,
 * innermost first, then in the root map. Strings and integers print; absent
 * values, booleans, lists and maps print nothing.
 *
 * A loaded set is read-only: any number of threads may render from it at
 * once without locks. Rendering allocates only through `out` and the arena. */
#ifndef OVI_TMPL_TMPL_H
#define OVI_TMPL_TMPL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "tmpl/tval.h"

struct arena;
struct buf;
struct tmpl_set;

/* Parse every *.html file of dir (not its subdirectories; hidden files are
 * skipped). On any error return NULL and append one "file:line: message"
 * line per error to err. */
struct tmpl_set *tmpl_load_dir(const char *dir, struct buf *err);
void tmpl_free(struct tmpl_set *set);

/* Whether templates/name.html was loaded (name without ".html"). */
bool tmpl_exists(const struct tmpl_set *set, const char *name);

/* Translation hook: gettext returns the translation of msgid, or msgid
 * itself (NULL is read as msgid). A NULL struct tmpl_tr means no
 * translation. */
typedef const char *(*tmpl_gettext_fn)(const void *ctx, const char *msgid);
struct tmpl_tr {
	tmpl_gettext_fn gettext;
	const void *ctx;
};

/* Render template `name` with data (a map; NULL means empty), appending to
 * out. Returns 0, or -1 when the template is unknown, out's limit is hit or
 * the arena (used for scratch only) is exhausted; out then holds a partial
 * page that the caller must not send. */
int tmpl_render(const struct tmpl_set *set, const char *name, const struct tval *data,
		const struct tmpl_tr *tr, struct arena *a, struct buf *out);

/* Write every msgid used by `_` as C source for xgettext, one per line:
 *	/\* templates/x.html:12 *\/ _("escaped msgid");
 * ordered by file name, then line. 0, or -1 on a write error. */
int tmpl_write_strings(const struct tmpl_set *set, FILE *out);

/* Building a set from memory (tests, fuzzing): tmpl_set_new(), then
 * tmpl_add_mem() per template (file is the name used in messages, NULL for
 * "NAME.html"), then tmpl_finish() for the checks across templates (include
 * and layout targets, cycles). Each returns 0, or -1 with error lines in
 * err; a set is usable only after tmpl_finish() succeeded. */
struct tmpl_set *tmpl_set_new(void);
int tmpl_add_mem(struct tmpl_set *set, const char *name, const char *file,
		 const char *src, size_t len, struct buf *err);
int tmpl_finish(struct tmpl_set *set, struct buf *err);

#endif

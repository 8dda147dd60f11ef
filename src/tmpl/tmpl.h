/* Templates: templates/NAME.html files that designers edit.
 *
 * All templates are parsed and checked once, at server start (and at build
 * time, by `ovi tmpl-strings`); every error is reported then as
 * "file:line: message" (the line of the tag's "{{"), so rendering never
 * meets a syntax error. Output is HTML-escaped by default.
 *
 *	{{ path }}             value, escaped for text and quoted attributes
 *	{{ url path }}         an http(s)/mailto/tel/relative URL, else "#"
 *	                       (see url_is_safe in tmpl/escape.h), escaped
 *	{{ raw path }}         unescaped: only for HTML the server built itself
 *	{{ _ "Text" }}         translated text (a gettext msgid), escaped
 *	{{ _ "Hi {name}, {n} new" name=user.name n=count }}
 *	                       translated, then each {name} replaced by the
 *	                       escaped value; every argument needs a placeholder
 *	                       in the msgid and every placeholder an argument
 *	{{#if path}} {{#elif path}} {{else}} {{/if}}
 *	                       also `!path`, `path == "x"`, `path != "x"`; false
 *	                       are: absent, "", false, 0, empty list or map.
 *	                       == compares the text of a string or integer.
 *	{{#each path as item}} ... {{else}} ... {{/each}}
 *	                       else renders for an empty, absent or non-list;
 *	                       inside, loop.first, loop.last, loop.index (from 1)
 *	                       of the innermost loop
 *	{{> name}}             include templates/name.html, same scope
 *	{{#layout "name"}}     first tag of a page (only comments and blank text
 *	                       before it) made of {{#block x}}...{{/block}}
 *	                       sections; templates/name.html is rendered and its
 *	                       {{yield x}} outputs block x (already rendered, not
 *	                       escaped again) or nothing
 *	{{! comment }}         up to the first }}
 *
 * Whitespace (newlines too) inside the braces is optional. Paths are names
 * ([A-Za-z_][A-Za-z0-9_]*) joined by dots, looked up in the loop variables,
 * innermost first, then in the root map. Strings and integers print; absent
 * values, booleans, lists and maps print nothing. The first word of a tag
 * may not be a path called url, raw, yield, else or _ ; "loop" is reserved.
 * String literals are in double quotes with the escapes \" and \\ only, may
 * span lines and hold UTF-8. Files must be UTF-8 without NUL bytes.
 *
 * Checked at load: balanced tags, unknown tags, bad paths and names,
 * #layout not first or content outside blocks, include and layout targets
 * that do not exist, include cycles and chains deeper than 16,
 * placeholders against arguments, and the limits in tmpl_int.h.
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

/* Output modes. TMPL_HTML is what tmpl_render() does. TMPL_TEXT is for
 * plain text (the text part and the subject of an e-mail): {{ x }},
 * {{ raw x }} and {{ _ "..." }} with its arguments output the text as it
 * is, without HTML escaping; {{ url x }} still checks the URL (an unsafe
 * one becomes "#") and still percent-encodes spaces and control bytes,
 * but does not turn & into &amp;. Template text is output as written in
 * both modes. Text mode output is not safe to put into HTML. */
enum tmpl_mode { TMPL_HTML, TMPL_TEXT };

/* Render in `mode`, appending to out, like tmpl_render():
 *   block NULL: the whole template (a layout page: its blocks, then the
 *               layout, all in `mode`);
 *   block "x":  only the {{#block x}} section of a layout page, without
 *               the layout ({{yield}} inside it outputs nothing).
 * Returns 0, or -1 when the template or the block does not exist, out's
 * limit is hit or the arena is exhausted. */
int tmpl_render_block(const struct tmpl_set *set, const char *name, const char *block,
		      const struct tval *data, const struct tmpl_tr *tr, enum tmpl_mode mode,
		      struct arena *a, struct buf *out);

/* Whether template `name` is a layout page with a {{#block block}}. */
bool tmpl_has_block(const struct tmpl_set *set, const char *name, const char *block);

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

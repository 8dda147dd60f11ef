/* Template engine: values, every construct, escaping of hostile values in
 * each context, translations, layouts and partials, every load error with
 * its file:line, limits, and the string export for xgettext.
 *
 * Templates are written into a fresh mkdtemp() directory and loaded with
 * tmpl_load_dir(), as the server does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/buf.h"
#include "tmpl/tmpl.h"

/* ---- helpers ------------------------------------------------------------------ */

struct tfile {
	const char *name; /* file name in the directory, e.g. "page.html" */
	const char *text;
};

static struct arena *A;
static struct buf OUT, ERR;
static char dir[64];

static int setup(void **state)
{
	(void)state;
	A = arena_new(1 << 20);
	buf_init(&OUT, 1 << 20);
	buf_init(&ERR, 1 << 16);
	return A ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	arena_free(A);
	buf_free(&OUT);
	buf_free(&ERR);
	return 0;
}

static void write_file(const char *name, const char *text, size_t len)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void remove_dir(const struct tfile *files, size_t n)
{
	char path[256];
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i].name);
		unlink(path);
	}
	assert_int_equal(rmdir(dir), 0);
}

/* Write files into a new temporary directory and load it. */
static struct tmpl_set *load_files(const struct tfile *files, size_t n)
{
	strcpy(dir, "/tmp/ovi-tmpl-XXXXXX");
	assert_non_null(mkdtemp(dir));
	for (size_t i = 0; i < n; i++)
		write_file(files[i].name, files[i].text, strlen(files[i].text));
	buf_reset(&ERR);
	struct tmpl_set *set = tmpl_load_dir(dir, &ERR);
	remove_dir(files, n);
	return set;
}

#define FILES(...) (const struct tfile[]){ __VA_ARGS__ }, \
		   sizeof((const struct tfile[]){ __VA_ARGS__ }) / sizeof(struct tfile)

/* Load files that must load; fail with the messages otherwise. */
static struct tmpl_set *load_ok(const struct tfile *files, size_t n)
{
	struct tmpl_set *set = load_files(files, n);
	if (!set)
		fail_msg("load failed:\n%s", buf_str(&ERR));
	return set;
}

/* Load files that must fail; return the messages with the temporary
 * directory shown as "templates", as in production. */
static const char *load_err(const struct tfile *files, size_t n)
{
	struct tmpl_set *set = load_files(files, n);
	if (set) {
		tmpl_free(set);
		fail_msg("load should have failed");
	}
	static char msg[4096];
	const char *s = buf_str(&ERR);
	size_t dl = strlen(dir), o = 0;
	while (*s && o + 16 < sizeof(msg)) {
		if (strncmp(s, dir, dl) == 0) {
			memcpy(msg + o, "templates", 9);
			o += 9;
			s += dl;
		} else {
			msg[o++] = *s++;
		}
	}
	msg[o] = '\0';
	return msg;
}

/* A single template called "page". */
static struct tmpl_set *one(const char *text)
{
	return load_ok(FILES({ "page.html", text }));
}

static const char *one_err(const char *text)
{
	return load_err(FILES({ "page.html", text }));
}

static const char *render_tr(const struct tmpl_set *set, const char *name,
			     const struct tval *data, const struct tmpl_tr *tr)
{
	buf_reset(&OUT);
	if (tmpl_render(set, name, data, tr, A, &OUT))
		fail_msg("render of %s failed", name);
	return buf_str(&OUT);
}

static const char *render(const struct tmpl_set *set, const char *name, const struct tval *data)
{
	return render_tr(set, name, data, NULL);
}

/* Render a one-template set and free it; the result stays in OUT. */
static const char *render1(const char *text, const struct tval *data)
{
	struct tmpl_set *set = one(text);
	render(set, "page", data);
	tmpl_free(set);
	return buf_str(&OUT);
}

/* Some data: user {name, email, site, admin}, count, empty, zero, items. */
static struct tval *sample(void)
{
	struct tval *d = tv_map(A), *user = tv_map(A), *items = tv_list(A);
	assert_int_equal(tv_set_str(user, "name", "Ada <Admin>"), 0);
	assert_int_equal(tv_set_str(user, "email", "ada@example.org"), 0);
	assert_int_equal(tv_set_str(user, "site", "https://ada.example.org/?a=1&b=2"), 0);
	assert_int_equal(tv_set_bool(user, "admin", true), 0);
	assert_int_equal(tv_set(d, "user", user), 0);
	assert_int_equal(tv_set_int(d, "count", 3), 0);
	assert_int_equal(tv_set_str(d, "empty", ""), 0);
	assert_int_equal(tv_set_int(d, "zero", 0), 0);
	static const char *const names[] = { "one", "two", "three" };
	for (int i = 0; i < 3; i++) {
		struct tval *it = tv_map(A);
		assert_int_equal(tv_set_str(it, "name", names[i]), 0);
		assert_int_equal(tv_set_int(it, "n", i + 1), 0);
		assert_int_equal(tv_push(items, it), 0);
	}
	assert_int_equal(tv_set(d, "items", items), 0);
	assert_int_equal(tv_set(d, "none", tv_list(A)), 0);
	assert_int_equal(tv_set(d, "nomap", tv_map(A)), 0);
	assert_int_equal(tv_set_bool(d, "no", false), 0);
	return d;
}

/* ---- values -------------------------------------------------------------------- */

static void test_tval(void **state)
{
	(void)state;
	struct tval *m = tv_map(A), *l = tv_list(A);
	char tmp[8] = "copy";
	assert_int_equal(tv_set_str(m, "s", tmp), 0);
	strcpy(tmp, "XXXX");
	assert_string_equal(tv_as_str(tv_get(m, "s")), "copy"); /* tv_set_str copies */
	assert_int_equal(tv_set(m, "r", tv_str(A, "ref")), 0);
	assert_string_equal(tv_as_str(tv_get(m, "r")), "ref");
	assert_int_equal(tv_set_int(m, "s", 7), 0); /* replaces */
	assert_int_equal(tv_len(m), 2);
	assert_null(tv_as_str(tv_get(m, "s")));
	assert_int_equal(tv_as_int(tv_get(m, "s")), 7);
	assert_null(tv_get(m, "missing"));
	assert_null(tv_get(l, "x"));
	assert_null(tv_get(NULL, "x"));
	assert_int_equal(tv_push(l, NULL), -1);
	assert_int_equal(tv_push(m, tv_int(A, 1)), -1);
	assert_int_equal(tv_set(l, "k", tv_int(A, 1)), -1);
	assert_int_equal(tv_set(m, "k", NULL), -1);
	assert_int_equal(tv_set_str(m, "k", NULL), -1);
	assert_null(tv_str(A, NULL));
	for (int i = 0; i < 100; i++)
		assert_int_equal(tv_push(l, tv_int(A, i)), 0);
	assert_int_equal(tv_len(l), 100);
	assert_int_equal(tv_as_int(tv_at(l, 99)), 99);
	assert_null(tv_at(l, 100));
	assert_int_equal(tv_kind(l), TV_LIST);
	assert_false(tv_truthy(NULL));
	assert_false(tv_truthy(tv_str(A, "")));
	assert_false(tv_truthy(tv_int(A, 0)));
	assert_false(tv_truthy(tv_bool(A, false)));
	assert_false(tv_truthy(tv_list(A)));
	assert_false(tv_truthy(tv_map(A)));
	assert_true(tv_truthy(tv_str(A, "0")));
	assert_true(tv_truthy(tv_int(A, -1)));
	assert_true(tv_truthy(l));
	assert_true(tv_truthy(m));
}

static void test_tval_arena_full(void **state)
{
	(void)state;
	struct arena *small = arena_new(256);
	struct tval *l = tv_list(small);
	assert_non_null(l);
	int rc = 0;
	for (int i = 0; i < 100 && rc == 0; i++)
		rc = tv_push(l, tv_int(small, i));
	assert_int_equal(rc, -1);
	arena_free(small);
}

/* ---- values and escaping ---------------------------------------------------------- */

static void test_values(void **state)
{
	(void)state;
	struct tval *d = sample();
	assert_string_equal(render1("Hi {{ user.name }}!", d), "Hi Ada &lt;Admin&gt;!");
	assert_string_equal(render1("{{user.name}}|{{  user.name\t}}|{{\nuser.name\n}}", d),
			    "Ada &lt;Admin&gt;|Ada &lt;Admin&gt;|Ada &lt;Admin&gt;");
	assert_string_equal(render1("n={{count}} z={{zero}}", d), "n=3 z=0");
	/* Missing values, paths through non-maps, booleans, lists and maps print nothing. */
	assert_string_equal(render1("[{{missing}}|{{user.missing}}|{{count.x}}|{{user.name.x}}]", d),
			    "[|||]");
	assert_string_equal(render1("[{{user.admin}}|{{items}}|{{user}}]", d), "[||]");
	assert_string_equal(render1("[{{x}}]", NULL), "[]");
	struct tval *m = tv_map(A);
	tv_set_int(m, "big", -9223372036854775807LL - 1);
	assert_string_equal(render1("{{big}}", m), "-9223372036854775808");
	/* Text outside tags, including single braces, is copied. */
	assert_string_equal(render1("a { b } c}} d", d), "a { b } c}} d");
}

static void test_escape_hostile(void **state)
{
	(void)state;
	struct tval *d = tv_map(A);
	tv_set_str(d, "x", "<script>alert(1)</script>");
	tv_set_str(d, "q", "\" onmouseover=\"alert(1)");
	tv_set_str(d, "s", "' onmouseover='alert(1)` `");
	assert_string_equal(render1("<p>{{x}}</p>", d),
			    "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>");
	assert_string_equal(render1("<a title=\"{{q}}\">", d),
			    "<a title=\"&quot; onmouseover=&quot;alert(1)\">");
	assert_string_equal(render1("<a title='{{s}}'>", d),
			    "<a title='&#39; onmouseover=&#39;alert(1)&#96; &#96;'>");
	/* raw is raw. */
	assert_string_equal(render1("{{raw x}}", d), "<script>alert(1)</script>");
}

static void test_url_context(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "javascript:alert(1)", "#" },
		{ " JaVaScRiPt:alert(1)", "#" },
		{ "java\tscript:alert(1)", "#" },
		{ "//evil.example", "#" },
		{ "/\\evil.example", "#" },
		{ "data:text/html,<script>alert(1)</script>", "#" },
		{ "vbscript:x", "#" },
		{ "\" onmouseover=\"alert(1)", "#" }, /* a relative path, escaped */
		{ "https://ada.example.org/?a=1&b=2", "https://ada.example.org/?a=1&amp;b=2" },
		{ "http://x.example/a b", "http://x.example/a%20b" },
		{ "/members/7", "/members/7" },
		{ "#top", "#top" },
		{ "?page=2", "?page=2" },
		{ "edit", "edit" },
		{ "mailto:ada@example.org", "mailto:ada@example.org" },
		{ "tel:+358401234567", "tel:+358401234567" },
		{ "/a\"b", "/a&quot;b" },
	};
	struct tmpl_set *set = one("<a href=\"{{ url link }}\">");
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct tval *d = tv_map(A);
		tv_set_str(d, "link", cases[i].in);
		char want[256];
		snprintf(want, sizeof(want), "<a href=\"%s\">",
			 i == 7 ? "&quot;%20onmouseover=&quot;alert(1)" : cases[i].out);
		assert_string_equal(render(set, "page", d), want);
	}
	struct tval *d = tv_map(A);
	tv_set_int(d, "n", 42);
	assert_string_equal(render(set, "page", NULL), "<a href=\"\">");
	tmpl_free(set);
	assert_string_equal(render1("{{url n}}", d), "42");
}

/* ---- translations ------------------------------------------------------------------- */

/* A tiny catalogue: msgid -> translation. */
static const char *fake_gettext(const void *ctx, const char *msgid)
{
	const char *const *cat = ctx;
	for (; cat[0]; cat += 2)
		if (strcmp(cat[0], msgid) == 0)
			return cat[1];
	return msgid;
}

static const char *null_gettext(const void *ctx, const char *msgid)
{
	(void)ctx;
	(void)msgid;
	return NULL;
}

static void test_translate(void **state)
{
	(void)state;
	static const char *const cat[] = {
		"Welcome", "Välkommen",
		"Hello {name}, {n} new", "{n} nya för dig, {name} <3",
		"Say \"hi\" \\ bye", "Säg \"hej\"",
		"Dropped {name}", "Ingen",
		"Made up {name}", "Hej {name} {other} {",
		NULL,
	};
	struct tmpl_tr tr = { fake_gettext, cat };
	struct tval *d = sample();
	struct tmpl_set *set = load_ok(FILES(
		{ "a.html", "<h1>{{ _ \"Welcome\" }}</h1>" },
		{ "b.html", "{{ _ \"Hello {name}, {n} new\" name=user.name n=count }}" },
		{ "c.html", "{{_\"Say \\\"hi\\\" \\\\ bye\"}}" },
		{ "d.html", "{{ _ \"Dropped {name}\" name=user.name }}" },
		{ "e.html", "{{ _ \"Made up {name}\" name=user.name }}" },
		{ "f.html", "{{ _ \"Untranslated <b>&</b> {x}\" x=missing }}" },
		{ "g.html", "{{#each items as it}}{{ _ \"#{i}: {name}\" i=loop.index name=it.name }};{{/each}}" },
		{ "h.html", "{{ _ \"Hyvää päivää, {name}!\"\n\tname=user.name }}" }));
	assert_string_equal(render_tr(set, "a", d, &tr), "<h1>Välkommen</h1>");
	assert_string_equal(render_tr(set, "a", d, NULL), "<h1>Welcome</h1>");
	/* Translator reorders placeholders; values and text are escaped. */
	assert_string_equal(render_tr(set, "b", d, &tr), "3 nya för dig, Ada &lt;Admin&gt; &lt;3");
	assert_string_equal(render_tr(set, "b", d, NULL), "Hello Ada &lt;Admin&gt;, 3 new");
	assert_string_equal(render_tr(set, "c", d, &tr), "Säg &quot;hej&quot;");
	assert_string_equal(render_tr(set, "d", d, &tr), "Ingen");
	/* A placeholder the translator invented is left as text. */
	assert_string_equal(render_tr(set, "e", d, &tr), "Hej Ada &lt;Admin&gt; {other} {");
	assert_string_equal(render_tr(set, "f", d, &tr), "Untranslated &lt;b&gt;&amp;&lt;/b&gt; ");
	assert_string_equal(render_tr(set, "g", d, &tr), "#1: one;#2: two;#3: three;");
	assert_string_equal(render_tr(set, "h", d, &tr), "Hyvää päivää, Ada &lt;Admin&gt;!");
	struct tmpl_tr null_tr = { null_gettext, NULL };
	assert_string_equal(render_tr(set, "a", d, &null_tr), "<h1>Welcome</h1>");
	struct tmpl_tr no_fn = { NULL, NULL };
	assert_string_equal(render_tr(set, "a", d, &no_fn), "<h1>Welcome</h1>");
	tmpl_free(set);
}

static void test_translate_hostile(void **state)
{
	(void)state;
	static const char *const cat[] = { "Hi {name}", "<b>{name}</b>", NULL };
	struct tmpl_tr tr = { fake_gettext, cat };
	struct tval *d = tv_map(A);
	tv_set_str(d, "who", "<script>x</script>{name}");
	struct tmpl_set *set = one("{{ _ \"Hi {name}\" name=who }}");
	/* Neither the translation nor the value may inject markup, and a
	 * value that looks like a placeholder is not expanded again. */
	assert_string_equal(render_tr(set, "page", d, &tr),
			    "&lt;b&gt;&lt;script&gt;x&lt;/script&gt;{name}&lt;/b&gt;");
	tmpl_free(set);
}

/* ---- conditions ------------------------------------------------------------------------- */

static void test_if(void **state)
{
	(void)state;
	struct tval *d = sample();
	struct tmpl_set *set = one("{{#if v}}T{{else}}F{{/if}}");
	struct tval *vals[] = {
		NULL, tv_str(A, ""), tv_str(A, "x"), tv_bool(A, false), tv_bool(A, true),
		tv_int(A, 0), tv_int(A, 5), tv_list(A), tv_map(A), (struct tval *)tv_get(d, "items"),
		(struct tval *)tv_get(d, "user"),
	};
	const char *want = "FFTFTFTFFTT";
	for (size_t i = 0; i < sizeof(vals) / sizeof(*vals); i++) {
		struct tval *m = tv_map(A);
		if (vals[i])
			tv_set(m, "v", vals[i]);
		char w[2] = { want[i], 0 };
		assert_string_equal(render(set, "page", m), w);
	}
	tmpl_free(set);
	assert_string_equal(render1("{{#if user.admin}}admin{{/if}}", d), "admin");
	assert_string_equal(render1("{{#if !user.admin}}x{{else}}y{{/if}}", d), "y");
	assert_string_equal(render1("{{#if !missing}}yes{{/if}}", d), "yes");
	assert_string_equal(render1("{{#if count == \"3\"}}three{{/if}}", d), "three");
	assert_string_equal(render1("{{#if user.email == \"ada@example.org\"}}A{{/if}}", d), "A");
	assert_string_equal(render1("{{#if user.email != \"x\"}}ne{{/if}}", d), "ne");
	assert_string_equal(render1("{{#if missing == \"\"}}eq{{else}}absent{{/if}}", d), "absent");
	assert_string_equal(render1("{{#if missing != \"x\"}}ne{{/if}}", d), "ne");
	assert_string_equal(render1("{{#if empty == \"\"}}empty{{/if}}", d), "empty");
	assert_string_equal(render1("{{#if user.admin == \"true\"}}x{{else}}bools never equal{{/if}}", d),
			    "bools never equal");
	/* elif chains */
	set = one("{{#if a}}A{{#elif b}}B{{#elif !c}}notC{{else}}E{{/if}}");
	struct tval *m = tv_map(A);
	assert_string_equal(render(set, "page", m), "notC");
	tv_set_bool(m, "c", true);
	assert_string_equal(render(set, "page", m), "E");
	tv_set_bool(m, "b", true);
	assert_string_equal(render(set, "page", m), "B");
	tv_set_bool(m, "a", true);
	assert_string_equal(render(set, "page", m), "A");
	tmpl_free(set);
	assert_string_equal(render1("{{#if no}}1{{#elif count == \"3\"}}2{{/if}}", d), "2");
	assert_string_equal(render1("{{#if no}}1{{#elif zero}}2{{/if}}.", d), ".");
	/* nesting */
	assert_string_equal(
		render1("{{#if user}}<{{#if user.admin}}{{#if no}}x{{else}}a{{/if}}{{/if}}>{{/if}}", d),
		"<a>");
	assert_string_equal(render1("{{ #if count }}spaced{{ /if }}", d), "spaced");
}

/* ---- loops ---------------------------------------------------------------------------------- */

static void test_each(void **state)
{
	(void)state;
	struct tval *d = sample();
	assert_string_equal(render1("{{#each items as item}}{{item.name}}={{item.n}} {{/each}}", d),
			    "one=1 two=2 three=3 ");
	assert_string_equal(
		render1("{{#each items as i}}{{#if loop.first}}[{{/if}}{{loop.index}}{{#if loop.last}}]"
			"{{else}},{{/if}}{{/each}}",
			d),
		"[1,2,3]");
	assert_string_equal(render1("{{#each none as i}}x{{else}}empty{{/each}}", d), "empty");
	assert_string_equal(render1("{{#each missing as i}}x{{else}}absent{{/each}}", d), "absent");
	assert_string_equal(render1("{{#each user as i}}x{{else}}not a list{{/each}}", d),
			    "not a list");
	assert_string_equal(render1("{{#each none as i}}x{{/each}}.", d), ".");
	assert_string_equal(render1("{{#each items as i}}{{else}}e{{/each}}.", d), ".");
	/* loop.* outside a loop is absent */
	assert_string_equal(render1("[{{loop.index}}{{#if loop.first}}x{{/if}}]", d), "[]");
	/* A list of strings */
	struct tval *m = tv_map(A), *l = tv_list(A);
	tv_push(l, tv_str(A, "<a>"));
	tv_push(l, tv_int(A, 2));
	tv_set(m, "l", l);
	assert_string_equal(render1("{{#each l as s}}({{s}}){{/each}}", m), "(&lt;a&gt;)(2)");
}

static void test_nested_scopes(void **state)
{
	(void)state;
	struct tval *d = tv_map(A), *rows = tv_list(A);
	tv_set_str(d, "name", "root");
	tv_set_str(d, "title", "T");
	for (int r = 0; r < 2; r++) {
		struct tval *row = tv_map(A), *cells = tv_list(A);
		tv_set_str(row, "name", r ? "r1" : "r0");
		for (int c = 0; c < 3; c++) {
			struct tval *cell = tv_map(A);
			tv_set_int(cell, "v", r * 10 + c);
			tv_push(cells, cell);
		}
		tv_set(row, "cells", cells);
		tv_push(rows, row);
	}
	tv_set(d, "rows", rows);
	/* Inner loop sees the outer variable; loop is the innermost loop. */
	assert_string_equal(
		render1("{{#each rows as row}}{{row.name}}:{{#each row.cells as c}}{{c.v}}@{{loop.index}}"
			"{{#if loop.last}};{{else}},{{/if}}{{/each}}{{loop.index}} {{/each}}{{title}}",
			d),
		"r0:0@1,1@2,2@3;1 r1:10@1,11@2,12@3;2 T");
	/* An inner variable shadows an outer one and the root. */
	assert_string_equal(
		render1("{{#each rows as name}}[{{name.name}}{{#each name.cells as name}}{{name.v}}"
			"{{/each}}]{{/each}}{{name}}",
			d),
		"[r0012][r1101112]root");
}

/* ---- partials and layouts ------------------------------------------------------------------- */

static void test_partials(void **state)
{
	(void)state;
	struct tval *d = sample();
	struct tmpl_set *set = load_ok(FILES(
		{ "page.html", "<ul>{{#each items as item}}{{> row}}{{/each}}</ul>{{> footer}}" },
		{ "row.html", "<li>{{ item.name }}#{{loop.index}} of {{user.email}}</li>" },
		{ "footer.html", "<footer>{{> copy}}</footer>" },
		{ "copy.html", "(c) {{ user.name }}" }));
	assert_string_equal(render(set, "page", d),
			    "<ul><li>one#1 of ada@example.org</li><li>two#2 of ada@example.org</li>"
			    "<li>three#3 of ada@example.org</li></ul><footer>(c) Ada &lt;Admin&gt;</footer>");
	assert_true(tmpl_exists(set, "row"));
	assert_true(tmpl_exists(set, "page"));
	assert_false(tmpl_exists(set, "nope"));
	assert_false(tmpl_exists(set, "row.html"));
	buf_reset(&OUT);
	assert_int_equal(tmpl_render(set, "nope", d, NULL, A, &OUT), -1);
	tmpl_free(set);
}

static void test_layout(void **state)
{
	(void)state;
	struct tval *d = sample();
	struct tmpl_set *set = load_ok(FILES(
		{ "layout.html", "<html><title>{{yield title}}</title>{{> nav}}<main>{{ yield main }}"
				 "</main>[{{yield missing}}]</html>" },
		{ "nav.html", "<nav>{{user.email}}{{yield navextra}}</nav>" },
		{ "home.html", "{{! the home page }}\n{{#layout \"layout\"}}\n\n"
			       "{{#block title}}Home & {{user.name}}{{/block}}\n"
			       "{{! between blocks }}\n"
			       "{{#block main}}<p>{{#each items as i}}{{i.name}} {{/each}}</p>{{/block}}\n"
			       "{{#block navextra}}<b>!</b>{{/block}}\n" },
		{ "bare.html", "{{#layout \"layout\"}}" }));
	/* Blocks are rendered (and escaped) once, then yielded as they are;
	 * a partial of the layout yields too. */
	assert_string_equal(render(set, "home", d),
			    "<html><title>Home & Ada &lt;Admin&gt;</title><nav>ada@example.org<b>!</b>"
			    "</nav><main><p>one two three </p></main>[]</html>");
	assert_string_equal(render(set, "bare", d),
			    "<html><title></title><nav>ada@example.org</nav><main></main>[]</html>");
	/* The layout alone renders with empty yields. */
	assert_string_equal(render(set, "layout", d),
			    "<html><title></title><nav>ada@example.org</nav><main></main>[]</html>");
	tmpl_free(set);
}

static void test_comments_and_bom(void **state)
{
	(void)state;
	struct tval *d = sample();
	assert_string_equal(render1("a{{! comment with {{ braces and \"quotes }}b", d), "ab");
	assert_string_equal(render1("a{{ ! spaced\nmultiline }}b", d), "ab");
	assert_string_equal(render1("\xEF\xBB\xBFx{{count}}", d), "x3");
}

/* ---- load errors ----------------------------------------------------------------------------- */

static void test_errors_syntax(void **state)
{
	(void)state;
	static const struct {
		const char *src, *msg;
	} cases[] = {
		{ "a\n{{#fi x}}", "templates/page.html:2: unknown tag {{#fi}}\n" },
		{ "{{/iff}}", "templates/page.html:1: unknown tag {{/iff}}\n" },
		{ "\n\n{{#if x}}\n{{#each l as i}}{{/each}}", "templates/page.html:3: {{#if}} is never closed\n" },
		{ "{{#if x}}\n{{/each}}", "templates/page.html:2: {{/each}} does not match the {{#if}} of line 1\n" },
		{ "x\n{{/if}}", "templates/page.html:2: {{/if}} without {{#if}}\n" },
		{ "{{else}}", "templates/page.html:1: {{else}} outside {{#if}} and {{#each}}\n" },
		{ "{{#if a}}{{else}}\n{{#elif b}}{{/if}}", "templates/page.html:2: {{#elif}} after {{else}}\n" },
		{ "{{#elif b}}", "templates/page.html:1: {{#elif}} outside {{#if}}\n" },
		{ "{{#if a}}{{else}}\n{{else}}{{/if}}", "templates/page.html:2: second {{else}} for the {{#if}} of line 1\n" },
		{ "{{#each l as i}}{{else}}{{else}}{{/each}}", "templates/page.html:1: second {{else}} for the {{#each}} of line 1\n" },
		{ "{{ user..name }}", "templates/page.html:1: bad path \"user..name\" (names joined by dots, like user.email)\n" },
		{ "{{ 1abc }}", "templates/page.html:1: bad path \"1abc\" (names joined by dots, like user.email)\n" },
		{ "{{ user-name }}", "templates/page.html:1: bad path \"user-name\" (names joined by dots, like user.email)\n" },
		{ "{{ a.b.c.d.e.f.g.h.i }}", "templates/page.html:1: bad path \"a.b.c.d.e.f.g.h.i\" (names joined by dots, like user.email)\n" },
		{ "{{ loop.size }}", "templates/page.html:1: bad path \"loop.size\": loop has loop.first, loop.last and loop.index\n" },
		{ "{{ url }}", "templates/page.html:1: {{ url }} needs a path\n" },
		{ "{{ raw \"x\" }}", "templates/page.html:1: {{ raw }}: expected a path, found a string\n" },
		{ "{{ name extra }}", "templates/page.html:1: expected }} to end {{ path }}, found \"extra\"\n" },
		{ "\n{{ name ", "templates/page.html:2: unterminated tag (missing }})\n" },
		{ "{{ name }", "templates/page.html:1: unterminated tag (missing }})\n" },
		{ "{{ name } }}", "templates/page.html:1: single '}' in a tag (a tag ends with }})\n" },
		{ "{{ name @ }}", "templates/page.html:1: unexpected character '@' in a tag\n" },
		{ "{{}}", "templates/page.html:1: empty tag {{}}\n" },
		{ "{{ = }}", "templates/page.html:1: unexpected = at the start of a tag\n" },
		{ "{{! never closed", "templates/page.html:1: unterminated comment (missing }})\n" },
		{ "{{ _ \"open\n\n}}", "templates/page.html:1: unterminated string (missing \")\n" },
		{ "{{ _ \"a\nb\\n\" }}", "templates/page.html:2: unknown escape in string (only \\\" and \\\\)\n" },
		{ "{{ _ \"\" }}", "templates/page.html:1: empty text in {{ _ \"\" }}\n" },
		{ "{{ _ name }}", "templates/page.html:1: expected a \"text\" after _, found \"name\"\n" },
		{ "{{ _ \"Hi {name}\" }}", "templates/page.html:1: placeholder {name} has no argument (add name=path)\n" },
		{ "{{ _ \"Hi\" name=user.name }}", "templates/page.html:1: argument name has no {name} in the text\n" },
		{ "{{ _ \"Hi {a}\" a=x a=y }}", "templates/page.html:1: argument a given twice\n" },
		{ "{{ _ \"Hi {a}\" a }}", "templates/page.html:1: expected = after argument a\n" },
		{ "{{ _ \"Hi {a}\" a= }}", "templates/page.html:1: argument needs a path\n" },
		{ "{{#if}}{{/if}}", "templates/page.html:1: {{#if}} needs a condition\n" },
		{ "{{#if !a == \"x\"}}{{/if}}", "templates/page.html:1: {{#if}}: ! cannot be combined with == or !=\n" },
		{ "{{#if a == b}}{{/if}}", "templates/page.html:1: {{#if}}: expected a \"string\" after ==\n" },
		{ "{{#if a b}}{{/if}}", "templates/page.html:1: {{#if}}: expected }}, == or !=, found \"b\"\n" },
		{ "{{#each items}}{{/each}}", "templates/page.html:1: expected {{#each list as name}}\n" },
		{ "{{#each items as loop}}{{/each}}", "templates/page.html:1: \"loop\" is reserved for loop.first, loop.last and loop.index\n" },
		{ "{{#each items as a.b}}{{/each}}", "templates/page.html:1: expected a loop variable name (letters, digits and _), found \"a.b\"\n" },
		{ "{{#block x}}{{/block}}", "templates/page.html:1: {{#block}} outside a page that starts with {{#layout}}\n" },
		{ "{{> }}", "templates/page.html:1: expected {{> name}} (letters, digits, - and _)\n" },
		{ "{{yield}}", "templates/page.html:1: expected a block name after yield (letters, digits and _), found }}\n" },
		{ "<p>\n{{#layout \"layout\"}}", "templates/page.html:2: {{#layout}} must be the first tag of the file\n" },
		{ "{{x}}{{#layout \"layout\"}}", "templates/page.html:1: {{#layout}} must be the first tag of the file\n" },
		{ "{{#layout layout}}", "templates/page.html:1: expected {{#layout \"name\"}} (letters, digits, - and _)\n" },
		{ "{{#layout \"layout\"}}\n{{#layout \"layout\"}}", "templates/page.html:2: second {{#layout}}\n" },
		{ "{{#layout \"layout\"}}\n\n  oops", "templates/page.html:3: text outside {{#block}} in a page with {{#layout}}\n" },
		{ "{{#layout \"layout\"}}\n{{ x }}", "templates/page.html:2: only {{#block}} sections and comments may follow {{#layout}}\n" },
		{ "{{#layout \"layout\"}}{{#block a}}{{#block b}}{{/block}}{{/block}}", "templates/page.html:1: {{#block}} inside another tag (blocks are at the top level)\n" },
		{ "{{#layout \"layout\"}}{{#block a}}{{/block}}\n{{#block a}}{{/block}}", "templates/page.html:2: block a defined twice (first on line 1)\n" },
		{ "ok\n\xff", "templates/page.html:2: invalid UTF-8 (save the file as UTF-8)\n" },
		{ "ok\n\xed\xa0\x80", "templates/page.html:2: invalid UTF-8 (save the file as UTF-8)\n" },
		{ "{{#if a}}{{#if a}}{{#if a}}{{#if a}}{{#if a}}{{#if a}}{{#if a}}{{#if a}}"
		  "{{#if a}}{{#if a}}{{#if a}}{{#if a}}{{#if a}}{{#if a}}{{#if a}}{{#if a}}"
		  "{{#if a}}{{#if a}}{{#if a}}{{#if a}}{{#if a}}{{#if a}}{{#if a}}{{#if a}}"
		  "{{#if a}}{{#if a}}{{#if a}}{{#if a}}{{#if a}}{{#if a}}{{#if a}}{{#if a}}"
		  "\n{{#if a}}", "templates/page.html:2: tags nested more than 32 deep\n" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		const char *got = load_err(FILES({ "layout.html", "" }, { "page.html", cases[i].src }));
		if (strcmp(got, cases[i].msg) != 0)
			fail_msg("case %zu: got\n%swant\n%s", i, got, cases[i].msg);
	}
}

static void test_error_line_numbers(void **state)
{
	(void)state;
	/* Lines count through multi-line strings, comments and tags. */
	const char *got = one_err("{{! one\ntwo }}\n{{ _ \"para\ngraph\" }}\n{{ _\n\"x {a}\"\n a=b\n}}\n"
				  "{{\n\n bad..path }}");
	assert_string_equal(got, "templates/page.html:9: bad path \"bad..path\" (names joined by dots, like user.email)\n");
	/* At most 64 blocks in a page. */
	static char many[4096];
	size_t o = (size_t)snprintf(many, sizeof(many), "{{#layout \"layout\"}}\n");
	for (int i = 0; i < 65; i++)
		o += (size_t)snprintf(many + o, sizeof(many) - o, "{{#block b%d}}{{/block}}", i);
	assert_string_equal(load_err(FILES({ "layout.html", "" }, { "page.html", many })),
			    "templates/page.html:2: more than 64 blocks\n");
	/* A NUL byte is refused, and found on its line. */
	strcpy(dir, "/tmp/ovi-tmpl-XXXXXX");
	assert_non_null(mkdtemp(dir));
	write_file("page.html", "a\nb\0c", 5);
	buf_reset(&ERR);
	assert_null(tmpl_load_dir(dir, &ERR));
	assert_non_null(strstr(buf_str(&ERR), "/page.html:2: NUL byte\n"));
	remove_dir(FILES({ "page.html", "" }));
}

static void test_errors_across_files(void **state)
{
	(void)state;
	assert_string_equal(load_err(FILES({ "page.html", "x\n{{> nav}}" })),
			    "templates/page.html:2: {{> nav}}: there is no template nav\n");
	assert_string_equal(load_err(FILES({ "page.html", "{{#layout \"base\"}}" })),
			    "templates/page.html:1: {{#layout \"base\"}}: there is no template base\n");
	assert_string_equal(
		load_err(FILES({ "a.html", "{{#layout \"b\"}}" }, { "b.html", "\n{{#layout \"c\"}}" },
			       { "c.html", "" })),
		"templates/a.html:1: {{#layout \"b\"}}: b itself uses {{#layout}}\n");
	assert_string_equal(
		load_err(FILES({ "a.html", "\n\n{{> p}}" }, { "p.html", "{{#layout \"l\"}}" },
			       { "l.html", "" })),
		"templates/a.html:3: {{> p}}: cannot include a page that uses {{#layout}}\n");
	assert_string_equal(load_err(FILES({ "a.html", "x\n{{> a}}" })),
			    "templates/a.html:2: include cycle: a -> a\n");
	assert_string_equal(
		load_err(FILES({ "a.html", "{{> b}}" }, { "b.html", "\n{{> c}}" },
			       { "c.html", "\n\n{{#if x}}{{> a}}{{/if}}" }, { "d.html", "{{> b}}" })),
		"templates/c.html:3: include cycle: a -> b -> c -> a\n");
	/* Every file's errors are reported, in file order; a file that does
	 * not parse is not also reported missing. */
	assert_string_equal(
		load_err(FILES({ "a.html", "{{#if}}" }, { "b.html", "{{> a}}{{> zz}}" },
			       { "c.html", "\n{{ a b }}" })),
		"templates/a.html:1: {{#if}} needs a condition\n"
		"templates/c.html:2: expected }} to end {{ path }}, found \"b\"\n"
		"templates/b.html:1: {{> zz}}: there is no template zz\n");
	assert_string_equal(load_err(FILES({ "bad name.html", "" })),
			    "templates/bad name.html:1: bad template name (use letters, digits, - and _)\n");
	/* A missing directory */
	buf_reset(&ERR);
	assert_null(tmpl_load_dir("/nonexistent/ovi/templates", &ERR));
	assert_non_null(strstr(buf_str(&ERR), "/nonexistent/ovi/templates:0: cannot open template directory"));
}

static void test_include_depth(void **state)
{
	(void)state;
	/* t0 -> t1 -> ... -> tN: 16 levels are fine, 17 are not. */
	enum { N = 18 };
	struct tfile files[N];
	char names[N][24], texts[N][40];
	for (int i = 0; i < N; i++) {
		snprintf(names[i], sizeof(names[i]), "t%02d.html", i);
		if (i + 1 < N)
			snprintf(texts[i], sizeof(texts[i]), "%d{{> t%02d}}", i, i + 1);
		else
			snprintf(texts[i], sizeof(texts[i]), "end");
		files[i] = (struct tfile){ names[i], texts[i] };
	}
	struct tmpl_set *set = load_ok(files + 1, N - 1); /* t01..t17: 16 edges */
	assert_string_equal(render(set, "t01", NULL), "12345678910111213141516end");
	tmpl_free(set);
	assert_string_equal(load_err(files, N),
			    "templates/t00.html:1: includes and layouts nested more than 16 deep\n");
}

/* ---- limits -------------------------------------------------------------------------------------- */

static void test_limits(void **state)
{
	(void)state;
	struct tval *d = sample();
	struct tmpl_set *set = load_ok(FILES(
		{ "page.html", "{{#each items as i}}<li>{{i.name}}</li>{{/each}}" },
		{ "lay.html", "<html>{{yield main}}</html>" },
		{ "p.html", "{{#layout \"lay\"}}{{#block main}}{{#each items as i}}<li>{{i.name}}</li>{{/each}}{{/block}}" }));
	struct buf small = BUF_INIT(20);
	assert_int_equal(tmpl_render(set, "page", d, NULL, A, &small), -1);
	buf_reset(&small);
	assert_int_equal(tmpl_render(set, "p", d, NULL, A, &small), -1);
	buf_free(&small);
	struct buf exact = BUF_INIT(sizeof("<li>one</li><li>two</li><li>three</li>") - 1);
	assert_int_equal(tmpl_render(set, "page", d, NULL, A, &exact), 0);
	assert_string_equal(buf_str(&exact), "<li>one</li><li>two</li><li>three</li>");
	buf_free(&exact);
	/* The block scratch comes from the arena: a full arena fails the render. */
	struct arena *tiny = arena_new(16);
	buf_reset(&OUT);
	assert_int_equal(tmpl_render(set, "p", d, NULL, tiny, &OUT), -1);
	arena_free(tiny);
	/* A page without blocks needs no arena at all. */
	tiny = arena_new(0);
	buf_reset(&OUT);
	assert_int_equal(tmpl_render(set, "page", d, NULL, tiny, &OUT), 0);
	arena_free(tiny);
	tmpl_free(set);
}

/* ---- strings for xgettext ---------------------------------------------------------------------- */

static void test_write_strings(void **state)
{
	(void)state;
	struct tmpl_set *set = load_ok(FILES(
		{ "b.html", "{{ _ \"Second\" }}\n{{ _ \"Quote \\\" and \\\\ and\nnewline {x}\" x=y }}" },
		{ "a-b.html", "\n\n{{ _ \"Dash\" }}" },
		{ "a.html", "{{#if x}}\n{{ _ \"Hyvää\" }}{{/if}}{{ _ \"Same line\" }}" },
		{ "c.html", "no strings" },
		{ "d.html", "{{ _ \"Save 50% now\" }}" }));
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	assert_int_equal(tmpl_write_strings(set, f), 0);
	assert_int_equal(fclose(f), 0);
	/* Replace the temporary directory for the comparison. */
	char want[1024];
	snprintf(want, sizeof(want),
		 "/* %s/a-b.html:3 */ _(\"Dash\");\n"
		 "/* %s/a.html:2 */ _(\"Hyvää\");\n"
		 "/* %s/a.html:2 */ _(\"Same line\");\n"
		 "/* %s/b.html:1 */ _(\"Second\");\n"
		 "/* %s/b.html:2 */ _(\"Quote \\\" and \\\\ and\\nnewline {x}\");\n"
		 "/* %s/d.html:1 */ /* xgettext:no-c-format */ _(\"Save 50%% now\");\n",
		 dir, dir, dir, dir, dir, dir);
	assert_string_equal(text, want);
	free(text);
	tmpl_free(set);
}

/* ---- building from memory (as the fuzzer does) ------------------------------------------------ */

static void test_from_memory(void **state)
{
	(void)state;
	struct tmpl_set *set = tmpl_set_new();
	assert_non_null(set);
	buf_reset(&ERR);
	assert_int_equal(tmpl_add_mem(set, "page", NULL, "{{> p}}!", 8, &ERR), 0);
	assert_int_equal(tmpl_add_mem(set, "p", NULL, "<b>{{x}}</b>junk", 12, &ERR), 0);
	assert_int_equal(tmpl_add_mem(set, "p", NULL, "", 0, &ERR), -1);
	assert_string_equal(buf_str(&ERR), "p.html:1: template p defined twice\n");
	tmpl_free(set);

	set = tmpl_set_new();
	assert_int_equal(tmpl_add_mem(set, "page", NULL, "{{> p}}!", 8, &ERR), 0);
	assert_int_equal(tmpl_add_mem(set, "p", "mem/p.html", "<b>{{x}}</b>junk", 12, &ERR), 0);
	assert_int_equal(tmpl_finish(set, &ERR), 0);
	struct tval *d = tv_map(A);
	tv_set_str(d, "x", "&");
	assert_string_equal(render(set, "page", d), "<b>&amp;</b>!");
	tmpl_free(set);
}

/* ---- text mode and single blocks (e-mail) ------------------------------------------------------ */

static const char *render_mode(const struct tmpl_set *set, const char *name, const char *block,
			       const struct tval *data, const struct tmpl_tr *tr, enum tmpl_mode mode)
{
	buf_reset(&OUT);
	if (tmpl_render_block(set, name, block, data, tr, mode, A, &OUT))
		fail_msg("render of %s/%s failed", name, block ? block : "-");
	return buf_str(&OUT);
}

static const char *reorder_tr(const void *ctx, const char *msgid)
{
	(void)ctx;
	if (strcmp(msgid, "Hello {name}, see {site}") == 0)
		return "<{site}> & {name}";
	return msgid;
}

static void test_text_mode(void **state)
{
	(void)state;
	struct tval *d = sample();
	tv_set_str(d, "evil", "<script>\"'`&\r\nBcc: x@y");
	tv_set_str(d, "bad_url", " javascript:alert(1)");
	tv_set_str(d, "spaced", " https://ex.org/a b?c=1&d=\"2\" ");
	struct tmpl_set *set = load_ok(FILES(
		{ "mail_layout.html", "<html><title>{{yield subject}}</title><body>{{yield html}}</body></html>" },
		{ "sig.html", "-- {{ user.name }}" },
		{ "mail_x.html", "{{#layout \"mail_layout\"}}\n"
				 "{{#block subject}}Hi {{ user.name }} & {{ evil }}{{/block}}\n"
				 "{{#block text}}{{ _ \"Hello {name}, see {site}\" name=user.name site=user.site }}\n"
				 "{{ url user.site }} {{ url bad_url }} {{ url spaced }} [{{ url missing }}]\n"
				 "{{#each items as i}}{{ i.name }}{{#if !loop.last}}, {{/if}}{{/each}} "
				 "{{ raw evil }} {{ count }}{{yield html}}\n{{> sig}}{{/block}}\n"
				 "{{#block html}}<p>{{ user.name }} <a href=\"{{ url user.site }}\">{{ _ \"Hello {name}, see {site}\" name=user.name site=user.site }}</a></p>{{/block}}\n" }));
	struct tmpl_tr tr = { reorder_tr, NULL };

	/* A block in text mode: values, translations and arguments as they are. */
	assert_string_equal(render_mode(set, "mail_x", "subject", d, &tr, TMPL_TEXT),
			    "Hi Ada <Admin> & <script>\"'`&\r\nBcc: x@y");
	assert_string_equal(render_mode(set, "mail_x", "text", d, &tr, TMPL_TEXT),
			    "<https://ada.example.org/?a=1&b=2> & Ada <Admin>\n"
			    "https://ada.example.org/?a=1&b=2 # https://ex.org/a%20b?c=1&d=\"2\" []\n"
			    "one, two, three <script>\"'`&\r\nBcc: x@y 3\n-- Ada <Admin>");
	/* The same block in HTML mode is escaped as always. */
	assert_string_equal(render_mode(set, "mail_x", "subject", d, &tr, TMPL_HTML),
			    "Hi Ada &lt;Admin&gt; & &lt;script&gt;&quot;&#39;&#96;&amp;\r\nBcc: x@y");
	assert_string_equal(render_mode(set, "mail_x", "html", d, &tr, TMPL_HTML),
			    "<p>Ada &lt;Admin&gt; <a href=\"https://ada.example.org/?a=1&amp;b=2\">"
			    "&lt;https://ada.example.org/?a=1&amp;b=2&gt; &amp; Ada &lt;Admin&gt;</a></p>");
	/* The whole page in HTML mode is what tmpl_render() gives. */
	const char *whole = "<html><title>Hi Ada &lt;Admin&gt; & &lt;script&gt;&quot;&#39;&#96;&amp;\r\nBcc: x@y"
			    "</title><body><p>Ada &lt;Admin&gt; <a href=\"https://ada.example.org/?a=1&amp;b=2\">"
			    "&lt;https://ada.example.org/?a=1&amp;b=2&gt; &amp; Ada &lt;Admin&gt;</a></p></body></html>";
	assert_string_equal(render_mode(set, "mail_x", NULL, d, &tr, TMPL_HTML), whole);
	assert_string_equal(render_tr(set, "mail_x", d, &tr), whole);
	/* A whole template in text mode. */
	assert_string_equal(render_mode(set, "sig", NULL, d, NULL, TMPL_TEXT), "-- Ada <Admin>");
	assert_string_equal(render_mode(set, "sig", NULL, d, NULL, TMPL_HTML), "-- Ada &lt;Admin&gt;");

	/* Blocks that do not exist, templates without layout, unknown templates. */
	assert_true(tmpl_has_block(set, "mail_x", "text"));
	assert_false(tmpl_has_block(set, "mail_x", "title"));
	assert_false(tmpl_has_block(set, "sig", "text"));
	assert_false(tmpl_has_block(set, "nope", "text"));
	buf_reset(&OUT);
	assert_int_equal(tmpl_render_block(set, "mail_x", "nope", d, NULL, TMPL_TEXT, A, &OUT), -1);
	assert_int_equal(tmpl_render_block(set, "sig", "text", d, NULL, TMPL_TEXT, A, &OUT), -1);
	assert_int_equal(tmpl_render_block(set, "nope", NULL, d, NULL, TMPL_TEXT, A, &OUT), -1);
	assert_int_equal(tmpl_render_block(set, NULL, "text", d, NULL, TMPL_TEXT, A, &OUT), -1);

	/* The output limit holds in text mode too. */
	struct buf small = BUF_INIT(10);
	assert_int_equal(tmpl_render_block(set, "mail_x", "text", d, &tr, TMPL_TEXT, A, &small), -1);
	assert_true(small.len <= 10);
	buf_free(&small);
	tmpl_free(set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_tval, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tval_arena_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_escape_hostile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_url_context, setup, teardown),
		cmocka_unit_test_setup_teardown(test_translate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_translate_hostile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_if, setup, teardown),
		cmocka_unit_test_setup_teardown(test_each, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nested_scopes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_partials, setup, teardown),
		cmocka_unit_test_setup_teardown(test_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_comments_and_bom, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors_syntax, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_line_numbers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors_across_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_include_depth, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_strings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_from_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_mode, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

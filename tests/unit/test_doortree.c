/* The door tree (web/doortree.c + templates/_doortree.html), rendered from
 * hand-made struct relay_tree values: the output is well-formed (tags
 * balanced, attributes quoted), hostile names are escaped, the picture is
 * an accessible image (role, title, desc with the summary) with the list
 * beside it, long texts are shortened in the picture only, the sizes stay
 * bounded for large trees, and odd parent indices cannot loop.
 *
 * Only the partial itself is loaded (from templates/, the tests run in the
 * project's root), so other templates cannot break this test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/buf.h"
#include "tmpl/tmpl.h"
#include "web/doortree.h"

static struct tmpl_set *SET;
static struct arena *A;
static struct buf OUT;

static int setup(void **state)
{
	(void)state;
	FILE *f = fopen("templates/_doortree.html", "rb");
	if (!f)
		return -1;
	static char src[1 << 16];
	size_t n = fread(src, 1, sizeof(src), f);
	fclose(f);
	struct buf err = BUF_INIT(1 << 14);
	SET = tmpl_set_new();
	if (!SET || tmpl_add_mem(SET, "_doortree", NULL, src, n, &err) || tmpl_finish(SET, &err)) {
		fprintf(stderr, "%s", buf_str(&err));
		buf_free(&err);
		return -1;
	}
	buf_free(&err);
	A = arena_new(16 << 20);
	buf_init(&OUT, 4 << 20);
	return A ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	tmpl_free(SET);
	arena_free(A);
	buf_free(&OUT);
	return 0;
}

static const char *render(const struct relay_tree *t, bool staff, const char *root)
{
	struct doortree_opts o = { .staff = staff, .root_name = root, .id = "t1", .match_href = "/en/admin/matches" };
	struct tval *tree = doortree_tv(A, t, &o);
	assert_non_null(tree);
	struct tval *d = tv_map(A);
	tv_set(d, "tree", tree);
	buf_reset(&OUT);
	assert_int_equal(tmpl_render(SET, "_doortree", d, NULL, A, &OUT), 0);
	return buf_str(&OUT);
}

static size_t count(const char *s, const char *needle)
{
	size_t n = 0, len = strlen(needle);
	for (const char *p = s; (p = strstr(p, needle)) != NULL; p += len)
		n++;
	return n;
}

/* Tags nest and close (void HTML elements and "/>" excepted), every tag's
 * quotes pair up, and no raw '<' or '&' appears in text: an escaping or
 * template mistake shows up as a failure here. */
static void assert_well_formed(const char *s)
{
	static const char *const voids[] = { "br", "input", "img", "hr", "meta", "link" };
	char stack[256][16];
	size_t sp = 0;
	for (const char *p = s; *p; p++) {
		if (*p == '&') {
			const char *semi = strchr(p, ';');
			assert_non_null(semi);
			assert_true(semi - p <= 8);
			for (const char *q = p + 1; q < semi; q++)
				assert_true((*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9') || *q == '#');
			continue;
		}
		if (*p != '<')
			continue;
		const char *end = strchr(p, '>');
		assert_non_null(end);
		size_t quotes = 0;
		for (const char *q = p; q < end; q++) {
			assert_true(*q != '<' || q == p);
			quotes += *q == '"';
		}
		assert_int_equal(quotes % 2, 0);
		bool closing = p[1] == '/', selfclose = end[-1] == '/';
		const char *name = p + 1 + closing;
		size_t nl = strcspn(name, " \t\n/>");
		assert_true(nl > 0 && nl < 16);
		char tag[16];
		memcpy(tag, name, nl);
		tag[nl] = '\0';
		bool is_void = false;
		for (size_t i = 0; i < sizeof(voids) / sizeof(*voids); i++)
			is_void |= !strcmp(tag, voids[i]);
		if (closing) {
			assert_true(sp > 0);
			assert_string_equal(stack[--sp], tag);
		} else if (!selfclose && !is_void) {
			assert_true(sp < 256);
			strcpy(stack[sp++], tag);
		}
		p = end;
	}
	assert_int_equal(sp, 0);
}

/* The value of the first attribute `name` after `from` in s. */
static long attr(const char *s, const char *from, const char *name)
{
	const char *p = strstr(s, from);
	assert_non_null(p);
	char key[64];
	snprintf(key, sizeof(key), " %s=\"", name);
	p = strstr(p, key);
	assert_non_null(p);
	return strtol(p + strlen(key), NULL, 10);
}

/* A participant whose first door (met) passed on two contacts: one became
 * a match (introduced), one is still invited. */
static void test_small_tree(void **state)
{
	(void)state;
	struct relay_node nodes[] = {
		{ .match_id = 11, .parent = -1, .depth = 1, .first_name = "Maria", .last_name = "Berg",
		  .field = "Nurse", .state = "met" },
		{ .match_id = 12, .parent = 0, .depth = 2, .first_name = "Olli", .last_name = "Ek",
		  .field = "Midwife", .state = "introduced" },
		{ .contact_id = 5, .parent = 0, .depth = 2, .first_name = "Sara", .last_name = "Lind",
		  .field = "Ward manager", .state = "invited" },
	};
	struct relay_tree t = { nodes, 3, 2 };
	const char *s = render(&t, true, "Amal Hassan");
	assert_well_formed(s);
	assert_non_null(strstr(s, "role=\"img\""));
	assert_non_null(strstr(s, "aria-labelledby=\"t1-title t1-desc\""));
	assert_non_null(strstr(s, "<title id=\"t1-title\">Doors of Amal Hassan</title>"));
	assert_non_null(strstr(s, "<desc id=\"t1-desc\">3 doors on 2 levels</desc>"));
	assert_null(strstr(s, "style="));
	/* The participant and three doors, each with its state in words and a
	 * border style; two lines from their parents. */
	assert_int_equal(count(s, "<g class=\"doortree__node"), 4);
	assert_int_equal(count(s, "<path d=\"M"), 3);
	assert_non_null(strstr(s, "doortree__node--done"));
	assert_int_equal(count(s, "doortree__node--open"), 2);
	assert_int_equal(count(s, ">Met</text>"), 1);
	assert_int_equal(count(s, ">Introduced</text>"), 1);
	assert_int_equal(count(s, ">Invited</text>"), 1);
	/* Staff see full names; the list links the matches, not the contact. */
	assert_non_null(strstr(s, ">Maria Berg</text>"));
	assert_non_null(strstr(s, "href=\"/en/admin/matches/11\""));
	assert_non_null(strstr(s, "href=\"/en/admin/matches/12\""));
	assert_int_equal(count(s, "href="), 2);
	/* The list nests: Olli's and Sara's items are inside Maria's. */
	const char *maria = strstr(s, ">Maria Berg</a>"), *inner = strstr(s, "<ul>\n");
	assert_non_null(maria);
	assert_non_null(inner);
	assert_true(maria < inner);
	assert_true(strstr(inner, ">Olli Ek</a>") != NULL);
	assert_true(strstr(inner, "Sara Lind") != NULL);
	assert_int_equal(count(s, "<li "), 3);

	/* Members see first names only. */
	s = render(&t, false, "You");
	assert_well_formed(s);
	assert_null(strstr(s, "Berg"));
	assert_null(strstr(s, "Lind"));
	assert_non_null(strstr(s, ">Maria</text>"));
	assert_non_null(strstr(s, "<title id=\"t1-title\">Your doors</title>"));
}

static void test_escaping(void **state)
{
	(void)state;
	struct relay_node nodes[] = {
		{ .match_id = 1, .parent = -1, .first_name = "<b>&\"x'", .last_name = "</svg><script>",
		  .field = "a<script>alert(1)</script>", .state = "<state>" },
		{ .contact_id = 2, .parent = 0, .first_name = "\" onload=\"x", .last_name = "",
		  .field = "&amp;", .state = "declined" },
	};
	struct relay_tree t = { nodes, 2, 2 };
	const char *s = render(&t, true, "<i>Root</i> & \"co\"");
	assert_well_formed(s);
	assert_null(strstr(s, "<b>"));
	assert_null(strstr(s, "<script"));
	assert_null(strstr(s, "<i>"));
	assert_null(strstr(s, "<state>"));
	assert_null(strstr(s, "\" onload"));
	assert_non_null(strstr(s, "&lt;b&gt;&amp;&quot;x&#39;"));
	assert_non_null(strstr(s, "&amp;amp;"));
	assert_non_null(strstr(s, "Doors of &lt;i&gt;Root&lt;/i&gt; &amp; &quot;co&quot;"));
	/* An unknown state is shown as it is (escaped); a declined contact
	 * has its own words and the "ended" border. */
	assert_non_null(strstr(s, "&lt;state&gt;"));
	assert_non_null(strstr(s, ">Said no thanks</text>"));
	assert_non_null(strstr(s, "doortree__node--ended"));
}

/* Long texts are shortened in the picture (by characters, not bytes) and
 * kept whole in the list. */
static void test_shortening(void **state)
{
	(void)state;
	char field[200] = "";
	for (int i = 0; i < 40; i++)
		strcat(field, "ä");
	struct relay_node nodes[] = {
		{ .match_id = 1, .parent = -1, .first_name = "Åsa", .field = field, .state = "confirmed" },
	};
	struct relay_tree t = { nodes, 1, 1 };
	const char *s = render(&t, false, "You");
	assert_well_formed(s);
	assert_non_null(strstr(s, "<desc id=\"t1-desc\">1 door on 1 level</desc>"));
	char want[300] = ">";
	for (int i = 0; i < DOORTREE_FIELD_CHARS - 1; i++)
		strcat(want, "ä");
	strcat(want, "…</text>");
	assert_non_null(strstr(s, want));
	snprintf(want, sizeof(want), ", %s –", field);
	assert_non_null(strstr(s, want));
	/* A name of exactly the limit is not shortened. */
	char name[64] = "";
	for (int i = 0; i < DOORTREE_NAME_CHARS; i++)
		strcat(name, "n");
	nodes[0].first_name = name;
	s = render(&t, false, "You");
	snprintf(want, sizeof(want), ">%s</text>", name);
	assert_non_null(strstr(s, want));
}

static struct relay_node *many(size_t n, bool chain)
{
	struct relay_node *v = arena_alloc(A, n * sizeof(*v));
	assert_non_null(v);
	for (size_t i = 0; i < n; i++) {
		/* chain: each door passed on the next; else a binary tree. */
		int p = i == 0 ? -1 : chain ? (int)i - 1 : (int)(i - 1) / 2;
		v[i] = (struct relay_node){ .match_id = (int64_t)i + 1, .parent = p, .depth = 0,
					    .first_name = arena_printf(A, "Door%zu", i), .last_name = "Lastname",
					    .field = "Software developer in a large company", .state = "met" };
	}
	return v;
}

static void test_sizes_bounded(void **state)
{
	(void)state;
	/* 100 doors in a binary tree, and in one long chain (100 levels). */
	for (int chain = 0; chain < 2; chain++) {
		struct relay_tree t = { many(100, chain), 100, 0 };
		const char *s = render(&t, true, "Participant Person");
		assert_well_formed(s);
		long w = attr(s, "<svg", "width"), h = attr(s, "<svg", "height");
		assert_true(w > 0 && w <= DOORTREE_MAX_W);
		assert_true(h > 0 && h <= DOORTREE_MAX_H);
		assert_int_equal(count(s, "<g class=\"doortree__node"), 101);
		assert_int_equal(count(s, "<li "), 100);
		assert_int_equal(count(s, "</li>"), 100);
		assert_int_equal(count(s, "<ul"), chain ? 100 : 51);
		assert_true(strlen(s) < 200000);
		if (chain)
			assert_non_null(strstr(s, "100 doors on 100 levels"));
		else
			assert_non_null(strstr(s, "100 doors on 7 levels"));
	}
	/* Beyond DOORTREE_SVG_NODES the picture holds the first ones and says
	 * so; the list holds them all. */
	struct relay_tree t = { many(300, false), 300, 0 };
	const char *s = render(&t, true, "P");
	assert_well_formed(s);
	assert_int_equal(count(s, "<g class=\"doortree__node"), DOORTREE_SVG_NODES + 1);
	assert_int_equal(count(s, "<li "), 300);
	char want[128];
	snprintf(want, sizeof(want), "The picture shows the first %d doors; the list shows all 300.", DOORTREE_SVG_NODES);
	assert_non_null(strstr(s, want));
	assert_true(attr(s, "<svg", "height") <= DOORTREE_MAX_H);
}

/* Parent indices that do not point to an earlier door (itself, a later
 * one, out of range) make first doors, not loops. */
static void test_bad_parents(void **state)
{
	(void)state;
	struct relay_node nodes[] = {
		{ .match_id = 1, .parent = 0, .first_name = "A", .state = "met" },
		{ .match_id = 2, .parent = 2, .first_name = "B", .state = "met" },
		{ .match_id = 3, .parent = 1000, .first_name = "C", .state = "expired" },
		{ .match_id = 4, .parent = 1, .first_name = "D", .state = "not_met" },
	};
	struct relay_tree t = { nodes, 4, 9 };
	const char *s = render(&t, false, "You");
	assert_well_formed(s);
	assert_non_null(strstr(s, "4 doors on 2 levels"));
	assert_int_equal(count(s, "<li "), 4);
	assert_int_equal(count(s, "<ul>"), 1);
	assert_int_equal(count(s, "doortree__node--ended"), 2);
}

static void test_empty(void **state)
{
	(void)state;
	struct relay_tree t = { NULL, 0, 0 };
	const char *s = render(&t, false, "You");
	assert_well_formed(s);
	assert_null(strstr(s, "<svg"));
	assert_non_null(strstr(s, "No doors yet."));
}

static void test_state_words(void **state)
{
	(void)state;
	assert_string_equal(doortree_state_msgid(true, "accepted"), "Accepted by one side");
	assert_string_equal(doortree_state_msgid(true, "introduced"), "Introduced");
	assert_string_equal(doortree_state_msgid(false, "introduced"), "Introduced by the door opener");
	assert_string_equal(doortree_state_msgid(false, "expired"), "Link expired");
	assert_string_equal(doortree_state_msgid(false, "registered"), "Registered");
	assert_string_equal(doortree_state_msgid(true, NULL), "");
	assert_string_equal(doortree_state_cue(true, "met"), "done");
	assert_string_equal(doortree_state_cue(true, "cancelled"), "ended");
	assert_string_equal(doortree_state_cue(false, "invited"), "open");
	assert_string_equal(doortree_state_cue(false, "whatever"), "open");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_tree),   cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_shortening),   cmocka_unit_test(test_sizes_bounded),
		cmocka_unit_test(test_bad_parents),  cmocka_unit_test(test_empty),
		cmocka_unit_test(test_state_words),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

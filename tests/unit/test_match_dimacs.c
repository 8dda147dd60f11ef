/* DIMACS reader (valid input, every error, chunked feeding, limits), the
 * b-matching writer, the b-matching recogniser and the certificate carried
 * back to the file's network. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "match/dimacs.h"
#include "match/flow.h"
#include "match/mcf.h"

static const char small[] =
	"c a comment\n"
	"\n"
	"p min 4 5\r\n"
	"n 1 2\n"
	"n\t4 -2\n"
	"a 1 2 0 2 1\n"
	"a 1 3 0 2 3\n"
	"a 2 4 1 2 -1\n"
	"a 3 4 0 5 0\n"
	"a 2 3 0 1 7\n";

static void parses_small(void **state)
{
	(void)state;
	struct match_mcf g;
	int64_t bonus = -1;
	const char *err = NULL;
	size_t line = 0;
	assert_int_equal(match_dimacs_parse(small, sizeof(small) - 1, &g, &bonus, &err, &line), 0);
	assert_int_equal(g.n, 4);
	assert_int_equal(g.m, 5);
	assert_int_equal(bonus, 0);
	assert_int_equal(g.supply[0], 2);
	assert_int_equal(g.supply[3], -2);
	assert_int_equal(g.tail[2], 1);
	assert_int_equal(g.head[2], 3);
	assert_int_equal(match_mcf_low(&g, 2), 1);
	assert_int_equal(match_mcf_low(&g, 0), 0);
	assert_int_equal(g.cost[2], -1);
	struct match_mcf_solution s;
	const char *why;
	assert_int_equal(match_mcf_solve(&g, &s, &why), 0);
	assert_int_equal(match_mcf_certify(&g, &s, &why), 0);
	/* 1 unit 1-2-4 (at least 1 on 2->4), 1 unit 1-2-4 again (cap 2): 2*(1-1) = 0. */
	assert_int_equal(s.cost, 0);
	match_mcf_solution_free(&s);
	match_mcf_free(&g);

	/* Byte by byte gives the same network. */
	struct match_dimacs d;
	struct match_mcf g2;
	match_dimacs_init(&d, &g2, NULL);
	for (size_t i = 0; i < sizeof(small) - 1; i++)
		assert_int_equal(match_dimacs_feed(&d, small + i, 1), 0);
	assert_int_equal(match_dimacs_finish(&d), 0);
	assert_int_equal(g2.m, 5);
	assert_int_equal(g2.cost[1], 3);
	match_mcf_free(&g2);

	/* No newline at the end, no arcs at all. */
	static const char tiny[] = "p min 1 0";
	assert_int_equal(match_dimacs_parse(tiny, sizeof(tiny) - 1, &g, NULL, NULL, NULL), 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.m, 0);
	match_mcf_free(&g);
}

static void rejects_bad_input(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		size_t line;
	} bad[] = {
		{ "a 1 2 0 1 1\n", 1 },                       /* arc before p */
		{ "n 1 1\n", 1 },                             /* node before p */
		{ "p max 2 1\n", 1 },                         /* not min */
		{ "p min 2\n", 1 },                           /* missing count */
		{ "p min 0 0\n", 1 },                         /* no nodes */
		{ "p min 2 1\np min 2 1\n", 2 },              /* second p */
		{ "p min 2 1\nn 3 1\n", 2 },                  /* node out of range */
		{ "p min 2 1\na 1 3 0 1 1\n", 2 },            /* arc node out of range */
		{ "p min 2 1\na 1 2 2 1 1\n", 2 },            /* low > cap */
		{ "p min 2 1\na 1 2 -1 1 1\n", 2 },           /* negative low */
		{ "p min 2 1\na 1 2 0 1\n", 2 },              /* short arc */
		{ "p min 2 1\na 1 2 0 1 1 9\n", 2 },          /* extra field */
		{ "p min 2 1\na 1 2 0 1 x\n", 2 },            /* not a number */
		{ "p min 2 1\na 1 2 0 1 99999999999999999999\n", 2 }, /* overflow */
		{ "p min 2 1\na 1 2 0 1 5000000000000000000\n", 2 },  /* above the limit */
		{ "p min 2 1\na 1 2 0 1 1\na 1 2 0 1 1\n", 3 }, /* too many arcs */
		{ "p min 2 2\na 1 2 0 1 1\n", 2 },            /* too few arcs */
		{ "p min 2 1\nx 1\n", 2 },                    /* unknown line */
		{ "p min 2 1\nab 1 2 0 1 1\n", 2 },           /* glued type */
		{ "c nothing\n", 1 },                         /* no problem line */
	};
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		struct match_mcf g;
		const char *err = NULL;
		size_t line = 0;
		int rc = match_dimacs_parse(bad[k].text, strlen(bad[k].text), &g, NULL, &err, &line);
		if (rc != -1)
			fail_msg("accepted: %s", bad[k].text);
		assert_non_null(err);
		if (line != bad[k].line)
			fail_msg("%s: line %zu, expected %zu (%s)", bad[k].text, line, bad[k].line, err);
	}
	/* A NUL byte, and a line that is too long. */
	char buf[600];
	memcpy(buf, "p min 2 1\na 1 2\0 0 1 1\n", 24);
	struct match_mcf g;
	const char *err = NULL;
	assert_int_equal(match_dimacs_parse(buf, 24, &g, NULL, &err, NULL), -1);
	assert_string_equal(err, "NUL byte");
	memset(buf, 'c', sizeof(buf));
	buf[1] = ' ';
	assert_int_equal(match_dimacs_parse(buf, sizeof(buf), &g, NULL, &err, NULL), -1);
	assert_string_equal(err, "line too long");
	/* Limits. */
	struct match_dimacs d;
	struct match_dimacs_limits lim = { .max_nodes = 10, .max_arcs = 10 };
	static const char big[] = "p min 11 1\n";
	match_dimacs_init(&d, &g, &lim);
	assert_int_equal(match_dimacs_feed(&d, big, sizeof(big) - 1), -1);
	match_mcf_free(&g);
	static const char many[] = "p min 2 11\n";
	match_dimacs_init(&d, &g, &lim);
	assert_int_equal(match_dimacs_feed(&d, many, sizeof(many) - 1), -1);
	match_mcf_free(&g);
	/* After an error, feeding keeps failing. */
	match_dimacs_init(&d, &g, NULL);
	assert_int_equal(match_dimacs_feed(&d, "q\n", 2), -1);
	assert_int_equal(match_dimacs_feed(&d, "p min 1 0\n", 10), -1);
	assert_int_equal(match_dimacs_finish(&d), -1);
	match_mcf_free(&g);
}

struct sink {
	char *p;
	size_t n, cap;
};

static int to_sink(void *ctx, const char *p, size_t n)
{
	struct sink *s = ctx;
	if (s->n + n > s->cap) {
		s->cap = (s->n + n) * 2;
		s->p = realloc(s->p, s->cap);
		assert_non_null(s->p);
	}
	memcpy(s->p + s->n, p, n);
	s->n += n;
	return 0;
}

static void write_read_solve(void **state)
{
	(void)state;
	/* 3 participants (one with capacity 0), 2 door openers. */
	uint32_t lcap[3] = { 1, 1, 0 }, rcap[2] = { 2, 1 };
	size_t off[4] = { 0, 2, 3, 4 };
	uint32_t to[4] = { 0, 1, 0, 1 };
	int64_t w[4] = { 1007, 1003, 1005, 1009 };
	struct match_bm_graph g = { .nl = 3, .nr = 2, .lcap = lcap, .rcap = rcap, .off = off,
				    .to = to, .w = w };
	struct sink out = { 0 };
	assert_int_equal(match_dimacs_write_bm(&g, "test instance\nsecond line", 1000, to_sink, &out), 0);
	to_sink(&out, "", 1); /* NUL for strstr */
	out.n--;
	assert_non_null(strstr(out.p, "c test instance\nc second line\nc ovi-bonus 1000\np min 6 7\n"));

	struct match_mcf net;
	int64_t bonus = 0;
	assert_int_equal(match_dimacs_parse(out.p, out.n, &net, &bonus, NULL, NULL), 0);
	assert_int_equal(bonus, 1000);
	struct match_bm_owned bm;
	const char *why = NULL;
	assert_int_equal(match_dimacs_to_bm(&net, &bm, &why), 0);
	/* The capacity-0 participant (node 3) became an isolated node on the
	 * right, before the two door openers. */
	assert_int_equal(bm.g.nl, 2);
	assert_int_equal(bm.g.nr, 3);
	assert_int_equal(bm.g.off[bm.g.nl], 3);
	assert_int_equal(bm.g.w[0], 1007);
	assert_int_equal(bm.rcap[0], 0);
	assert_int_equal(bm.rcap[1], 2);
	assert_int_equal(bm.rcap[2], 1);

	struct match_bm_solution s;
	assert_int_equal(match_bm_solve(&bm.g, &s, &why), 0);
	assert_int_equal(match_bm_certify(&bm.g, &s, &why), 0);
	assert_int_equal(s.weight, 1007 + 1005);
	/* The same certificate, as flow potentials on the file's network. */
	struct match_mcf_solution fs;
	fs.flow = calloc(net.m, sizeof(int64_t));
	fs.pot = calloc(net.n, sizeof(int64_t));
	fs.cost = -s.weight;
	assert_int_equal(match_dimacs_bm_flow(&net, &bm, &s, fs.flow, fs.pot), 0);
	assert_int_equal(match_mcf_certify(&net, &fs, &why), 0);
	/* And the general solver agrees. */
	struct match_mcf_solution gs;
	assert_int_equal(match_mcf_solve(&net, &gs, &why), 0);
	assert_int_equal(gs.cost, -s.weight);
	match_mcf_solution_free(&gs);
	match_mcf_solution_free(&fs);
	match_bm_solution_free(&s);
	match_bm_owned_free(&bm);
	match_mcf_free(&net);
	free(out.p);
}

static void not_a_b_matching(void **state)
{
	(void)state;
	static const char *const texts[] = {
		/* lower bound */
		"p min 3 3\nn 1 1\nn 3 -1\na 1 2 1 1 -5\na 1 3 0 1 0\na 2 3 0 1 0\n",
		/* two demands */
		"p min 3 1\nn 1 2\nn 2 -1\nn 3 -1\na 1 2 0 1 0\n",
		/* no demand */
		"p min 2 1\na 1 2 0 1 0\n",
		/* a skip arc with a cost */
		"p min 3 3\nn 1 1\nn 3 -1\na 1 2 0 1 -5\na 1 3 0 1 2\na 2 3 0 1 0\n",
		/* right to right */
		"p min 4 4\nn 1 1\nn 4 -1\na 1 2 0 1 -5\na 1 4 0 1 0\na 2 3 0 1 0\na 3 4 0 1 0\n",
		/* a left node that cannot stay unmatched */
		"p min 3 2\nn 1 1\nn 3 -1\na 1 2 0 1 -5\na 2 3 0 1 0\n",
		/* an edge that could carry two units */
		"p min 3 3\nn 1 2\nn 3 -2\na 1 2 0 2 -5\na 1 3 0 2 0\na 2 3 0 2 0\n",
		/* supplies that do not balance (found by fuzzing) */
		"p min 8 7\nn 1 1\nn 2 1\nn 6 -4\na 1 5 0 1 -1006\na 1 5 0 1 -1003\na 1 6 0 1 0\n"
		"a 2 4 0 1 -1005\na 2 6 0 1 0\na 4 6 0 2 0\na 5 6 0 5 0\n",
	};
	for (size_t k = 0; k < sizeof(texts) / sizeof(texts[0]); k++) {
		struct match_mcf g;
		assert_int_equal(match_dimacs_parse(texts[k], strlen(texts[k]), &g, NULL, NULL, NULL), 0);
		struct match_bm_owned bm;
		const char *why = NULL;
		if (match_dimacs_to_bm(&g, &bm, &why) != -1)
			fail_msg("recognised as a b-matching: %s", texts[k]);
		assert_non_null(why);
		/* The general solver still solves the feasible ones. */
		struct match_mcf_solution s;
		if (match_mcf_solve(&g, &s, &why) == 0) {
			assert_int_equal(match_mcf_certify(&g, &s, &why), 0);
			match_mcf_solution_free(&s);
		}
		match_mcf_free(&g);
	}
}

/* Found by fuzzing: an edge arc with capacity 2 from a node with supply 1.
 * The b-matching duals must also certify the file's own network, where that
 * arc is not bounded by 1. */
static void wide_edge_arc(void **state)
{
	(void)state;
	static const char text[] = "p min 7 7\nn 1 1\nn 2 1\nn 6 -2\na 1 4 0 1 -1006\n"
				   "a 1 5 0 1 -1003\na 1 6 0 1 0\na 2 4 0 2 -1005\na 2 6 0 1 0\n"
				   "a 4 6 0 2 0\na 5 6 0 5 0\n";
	struct match_mcf net;
	assert_int_equal(match_dimacs_parse(text, sizeof(text) - 1, &net, NULL, NULL, NULL), 0);
	struct match_bm_owned bm;
	const char *why = NULL;
	assert_int_equal(match_dimacs_to_bm(&net, &bm, &why), 0);
	struct match_bm_solution s;
	assert_int_equal(match_bm_solve(&bm.g, &s, &why), 0);
	assert_int_equal(match_bm_certify(&bm.g, &s, &why), 0);
	assert_int_equal(s.weight, 2011);
	struct match_mcf_solution fs = { .cost = -s.weight };
	fs.flow = calloc(net.m, sizeof(int64_t));
	fs.pot = calloc(net.n, sizeof(int64_t));
	assert_int_equal(match_dimacs_bm_flow(&net, &bm, &s, fs.flow, fs.pot), 0);
	if (match_mcf_certify(&net, &fs, &why))
		fail_msg("%s", why);
	match_mcf_solution_free(&fs);
	match_bm_solution_free(&s);
	match_bm_owned_free(&bm);
	match_mcf_free(&net);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_small),
		cmocka_unit_test(rejects_bad_input),
		cmocka_unit_test(write_read_solve),
		cmocka_unit_test(not_a_b_matching),
		cmocka_unit_test(wide_edge_arc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

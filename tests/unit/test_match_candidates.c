/* The candidate graph against brute force over every pair. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "match/candidates.h"
#include "match/gen.h"
#include "match/score.h"

struct all {
	int32_t *score; /* np * no, -1 = not allowed */
	uint8_t *why;
};

static void brute(const struct match_population *pop, const struct match_weights *w,
		  const struct match_history *h, uint32_t event, struct all *a)
{
	size_t np = pop->n_participants, no = pop->n_openers;
	a->score = malloc(np * no * sizeof(int32_t));
	a->why = malloc(np * no);
	assert_non_null(a->score);
	for (size_t i = 0; i < np; i++)
		for (size_t j = 0; j < no; j++) {
			struct match_breakdown b;
			enum match_reason r = match_pair_score(w, &pop->participants[i], &pop->openers[j], h,
							       event, &b);
			a->score[i * no + j] = r == MATCH_OK ? b.total : -1;
			a->why[i * no + j] = (uint8_t)r;
		}
}

/* Is (s, x) among the k best of row[0..n) (-1 = absent), ties by index? */
static int in_top(const int32_t *row, size_t n, size_t stride, size_t x, uint32_t k)
{
	if (row[x * stride] < 0)
		return 0;
	size_t better = 0;
	for (size_t y = 0; y < n; y++) {
		int32_t sy = row[y * stride], sx = row[x * stride];
		if (sy > sx || (sy == sx && sy >= 0 && y < x))
			better++;
	}
	return better < k;
}

static int has_edge(const struct match_cand *c, size_t i, uint32_t j, int32_t *score)
{
	for (size_t e = c->off[i]; e < c->off[i + 1]; e++)
		if (c->to[e] == j) {
			*score = c->score[e];
			return 1;
		}
	return 0;
}

static void check(const struct match_population *pop, const struct match_weights *w, uint32_t k)
{
	struct match_history h;
	assert_int_equal(match_history_init(&h, pop->history, pop->n_history), 0);
	struct all a;
	brute(pop, w, &h, 0, &a);
	struct match_cand c;
	assert_int_equal(match_candidates(pop->participants, pop->n_participants, NULL,
					  pop->openers, pop->n_openers, NULL, w, &h, 0, k, &c), 0);
	size_t np = pop->n_participants, no = pop->n_openers;
	for (size_t i = 0; i < np; i++) {
		/* Sorted, allowed, right score, and only pairs someone picked. */
		for (size_t e = c.off[i]; e < c.off[i + 1]; e++) {
			uint32_t j = c.to[e];
			if (e > c.off[i])
				assert_true(c.to[e - 1] < j);
			assert_int_equal(c.score[e], a.score[i * no + j]);
			if (k)
				assert_true(in_top(&a.score[i * no], no, 1, j, k) ||
					    in_top(&a.score[j], np, no, i, k));
		}
		/* Every participant's top K is there, and every opener's. */
		for (size_t j = 0; j < no; j++) {
			int want = k ? in_top(&a.score[i * no], no, 1, j, k) || in_top(&a.score[j], np, no, i, k)
				     : a.score[i * no + j] >= 0;
			int32_t s;
			assert_int_equal(has_edge(&c, i, (uint32_t)j, &s), want);
		}
		/* No candidate: the reason is one of the rules that failed. */
		if (c.off[i] == c.off[i + 1]) {
			assert_int_not_equal(c.reason[i], MATCH_OK);
			int seen = 0;
			for (size_t j = 0; j < no; j++)
				seen |= a.why[i * no + j] == c.reason[i];
			assert_true(seen);
		} else {
			assert_int_equal(c.reason[i], MATCH_OK);
		}
	}
	match_cand_free(&c);
	free(a.score);
	free(a.why);
	match_history_free(&h);
}

static void against_brute_force(void **state)
{
	(void)state;
	struct match_gen_opts o;
	match_gen_defaults(&o);
	struct match_weights w;
	match_weights_default(&w);
	for (uint64_t seed = 1; seed <= 5; seed++) {
		o.seed = seed;
		o.participants = 240;
		o.openers = 60;
		o.history_per_1000 = 200;
		struct match_population pop;
		assert_int_equal(match_gen(&o, &pop), 0);
		check(&pop, &w, 0);
		check(&pop, &w, 1);
		check(&pop, &w, 4);
		check(&pop, &w, 12);
		/* Other weights: sector above the minor group, a far "near". */
		struct match_weights w2 = w;
		w2.occ_sector = 350;
		w2.occ_min = 0;
		w2.near_km = 400;
		w2.place_near = 90;
		check(&pop, &w2, 3);
		/* Levels whose points do not follow the hierarchy. */
		struct match_weights w3 = w;
		w3.occ_unit = 100;
		w3.occ_minor = 300;
		w3.occ_major = 250;
		w3.occ_sector = 50;
		w3.occ_min = 0;
		check(&pop, &w3, 5);
		match_population_free(&pop);
	}
}

static void capacity_and_event(void **state)
{
	(void)state;
	struct match_gen_opts o;
	match_gen_defaults(&o);
	o.participants = 120;
	o.openers = 30;
	struct match_population pop;
	assert_int_equal(match_gen(&o, &pop), 0);
	struct match_weights w;
	match_weights_default(&w);
	uint32_t *pcap = calloc(pop.n_participants, sizeof(uint32_t));
	uint32_t *ocap = calloc(pop.n_openers, sizeof(uint32_t));
	for (size_t i = 0; i < pop.n_participants; i++)
		pcap[i] = i % 2;
	for (size_t j = 0; j < pop.n_openers; j++)
		ocap[j] = j % 3 != 0;
	/* Half the people are in event 5. */
	for (size_t i = 0; i < pop.n_participants; i++)
		pop.participants[i].event = i % 4 < 2 ? 5 : 0;
	for (size_t j = 0; j < pop.n_openers; j++)
		pop.openers[j].event = j % 2 ? 5 : 6;
	struct match_cand c;
	assert_int_equal(match_candidates(pop.participants, pop.n_participants, pcap, pop.openers,
					  pop.n_openers, ocap, &w, NULL, 5, 0, &c), 0);
	for (size_t i = 0; i < pop.n_participants; i++) {
		if (pop.participants[i].event != 5)
			assert_int_equal(c.reason[i], MATCH_R_NOT_IN_EVENT);
		else if (!pcap[i])
			assert_int_equal(c.reason[i], MATCH_R_CAPACITY);
		for (size_t e = c.off[i]; e < c.off[i + 1]; e++) {
			assert_true(pcap[i] && ocap[c.to[e]]);
			assert_int_equal(pop.participants[i].event, 5);
			assert_int_equal(pop.openers[c.to[e]].event, 5);
		}
	}
	match_cand_free(&c);
	/* No door openers at all. */
	assert_int_equal(match_candidates(pop.participants, pop.n_participants, NULL, pop.openers,
					  0, NULL, &w, NULL, 0, 5, &c), 0);
	assert_int_equal(c.reason[1], MATCH_R_NO_OPENERS);
	match_cand_free(&c);
	free(pcap);
	free(ocap);
	match_population_free(&pop);
}

/* A rare language: the language postings are used, and the reason for
 * nobody at all is "language". */
static void rare_language(void **state)
{
	(void)state;
	struct match_gen_opts o;
	match_gen_defaults(&o);
	o.participants = 10;
	o.openers = 50;
	struct match_population pop;
	assert_int_equal(match_gen(&o, &pop), 0);
	for (size_t j = 0; j < pop.n_openers; j++) {
		pop.openers[j].langs = 1; /* fi */
		pop.openers[j].isco = 2512;
		pop.openers[j].isco_digits = 4;
		pop.openers[j].sector = 1;
		pop.openers[j].modes = MATCH_MODE_ONLINE;
	}
	struct match_profile *p = &pop.participants[0];
	p->langs = 1u << 3; /* ru only */
	p->isco = 2512;
	p->isco_digits = 4;
	p->sector = 1;
	p->modes = MATCH_MODE_ONLINE;
	struct match_weights w;
	match_weights_default(&w);
	struct match_cand c;
	assert_int_equal(match_candidates(pop.participants, pop.n_participants, NULL, pop.openers,
					  pop.n_openers, NULL, &w, NULL, 0, 5, &c), 0);
	assert_int_equal(c.off[1] - c.off[0], 0);
	assert_int_equal(c.reason[0], MATCH_R_LANGUAGE);
	match_cand_free(&c);
	pop.openers[37].langs |= 1u << 3;
	assert_int_equal(match_candidates(pop.participants, pop.n_participants, NULL, pop.openers,
					  pop.n_openers, NULL, &w, NULL, 0, 5, &c), 0);
	assert_int_equal(c.off[1] - c.off[0], 1);
	assert_int_equal(c.to[c.off[0]], 37);
	assert_int_equal(c.reason[0], MATCH_OK);
	match_cand_free(&c);
	match_population_free(&pop);
}

static void people_bonus(void **state)
{
	(void)state;
	size_t off[3] = { 0, 2, 3 };
	uint32_t to[3] = { 0, 1, 0 };
	int32_t score[3] = { 10, 30, 25 };
	struct match_cand c = { .np = 2, .no = 2, .off = off, .to = to, .score = score };
	/* Two pairs at most, scores 10..30: bonus > 2 * 20. */
	assert_int_equal(match_people_bonus(&c, NULL, NULL, MATCH_MAX_PEOPLE), 2 * 20 + 1);
	assert_int_equal(match_people_bonus(&c, NULL, NULL, MATCH_MAX_SCORE), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(against_brute_force),
		cmocka_unit_test(capacity_and_event),
		cmocka_unit_test(rare_language),
		cmocka_unit_test(people_bonus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Network events: rounds are matchings, no pair repeats, thirds seat people
 * who would sit out, only allowed pairs and members, deterministic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "match/event.h"
#include "match/gen.h"

/* Checks every rule of a plan; returns the number of people with a meeting. */
static size_t check_plan(const struct match_input *in, const struct match_weights *w,
			 const struct match_event_plan *plan, unsigned rounds)
{
	size_t np = in->n_participants, no = in->n_openers;
	uint8_t *pair = calloc(np * no, 1);
	uint32_t *pbusy = calloc(np, sizeof(uint32_t)), *dbusy = calloc(no, sizeof(uint32_t));
	uint8_t *pmet = calloc(np, 1), *dmet = calloc(no, 1);
	struct match_history h;
	assert_int_equal(match_history_init(&h, in->history, in->n_history), 0);
	size_t meetings = 0, thirds = 0;
	for (size_t t = 0; t < plan->n_tables; t++) {
		const struct match_table *tb = &plan->tables[t];
		assert_true(tb->round < rounds);
		if (t > 0)
			assert_true(plan->tables[t - 1].round < tb->round ||
				    (plan->tables[t - 1].round == tb->round &&
				     plan->tables[t - 1].opener < tb->opener));
		uint32_t stamp = tb->round + 1;
		/* Nobody twice in a round. */
		uint32_t ps[2] = { tb->participant, UINT32_MAX }, ds[2] = { tb->opener, UINT32_MAX };
		if (tb->extra_participant >= 0)
			ps[1] = (uint32_t)tb->extra_participant;
		if (tb->extra_opener >= 0)
			ds[1] = (uint32_t)tb->extra_opener;
		assert_false(tb->extra_participant >= 0 && tb->extra_opener >= 0);
		for (int k = 0; k < 2; k++) {
			if (ps[k] != UINT32_MAX) {
				assert_true(ps[k] < np);
				assert_int_not_equal(pbusy[ps[k]], stamp);
				pbusy[ps[k]] = stamp;
				pmet[ps[k]] = 1;
			}
			if (ds[k] != UINT32_MAX) {
				assert_true(ds[k] < no);
				assert_int_not_equal(dbusy[ds[k]], stamp);
				dbusy[ds[k]] = stamp;
				dmet[ds[k]] = 1;
			}
		}
		/* Every pair that meets: allowed, members, never twice. */
		for (int a = 0; a < 2; a++)
			for (int b = 0; b < 2; b++) {
				if (ps[a] == UINT32_MAX || ds[b] == UINT32_MAX || (a && b))
					continue;
				struct match_breakdown bd;
				assert_int_equal(match_pair_score(w, &in->participants[ps[a]],
								  &in->openers[ds[b]], &h, in->event, &bd),
						 MATCH_OK);
				assert_false(pair[ps[a] * no + ds[b]]);
				pair[ps[a] * no + ds[b]] = 1;
				meetings++;
				thirds += a || b;
			}
	}
	assert_int_equal(meetings, plan->meetings);
	assert_int_equal(thirds, plan->thirds);
	size_t people = 0;
	for (size_t i = 0; i < np; i++)
		people += pmet[i];
	for (size_t j = 0; j < no; j++)
		people += dmet[j];
	match_history_free(&h);
	free(pair);
	free(pbusy);
	free(dbusy);
	free(pmet);
	free(dmet);
	return people;
}

static void generated_events(void **state)
{
	(void)state;
	struct match_gen_opts o;
	match_gen_defaults(&o);
	struct match_weights w;
	match_weights_default(&w);
	static const uint32_t sizes[][2] = { { 60, 20 }, { 40, 40 }, { 30, 50 }, { 150, 30 } };
	for (unsigned s = 0; s < 4; s++)
		for (unsigned rounds = 1; rounds <= 4; rounds++) {
			o.seed = 10 * s + rounds;
			o.participants = sizes[s][0];
			o.openers = sizes[s][1];
			o.history_per_1000 = 100;
			struct match_population pop;
			assert_int_equal(match_gen(&o, &pop), 0);
			/* Two thirds of the people are in event 3. */
			for (size_t i = 0; i < pop.n_participants; i++)
				pop.participants[i].event = i % 3 ? 3 : 4;
			for (size_t j = 0; j < pop.n_openers; j++)
				pop.openers[j].event = j % 3 ? 3 : 4;
			struct match_input in = {
				.participants = pop.participants, .n_participants = pop.n_participants,
				.openers = pop.openers, .n_openers = pop.n_openers,
				.history = pop.history, .n_history = pop.n_history, .event = 3,
			};
			w.objective = rounds % 2 ? MATCH_MAX_PEOPLE : MATCH_MAX_SCORE;
			struct match_event_plan plan, again;
			assert_int_equal(match_event(&in, &w, rounds, &plan), 0);
			assert_true(plan.certified);
			check_plan(&in, &w, &plan, rounds);
			/* Many more participants than door openers: thirds appear. */
			if (s == 3)
				assert_true(plan.thirds > 0);
			/* Deterministic. */
			assert_int_equal(match_event(&in, &w, rounds, &again), 0);
			assert_int_equal(again.n_tables, plan.n_tables);
			assert_memory_equal(again.tables, plan.tables, plan.n_tables * sizeof(*plan.tables));
			match_event_free(&again);
			match_event_free(&plan);
			match_population_free(&pop);
		}
}

static void first_meeting_bonus_spreads_meetings(void **state)
{
	(void)state;
	struct match_gen_opts o;
	match_gen_defaults(&o);
	o.participants = 80;
	o.openers = 20;
	o.seed = 5;
	struct match_population pop;
	assert_int_equal(match_gen(&o, &pop), 0);
	struct match_input in = {
		.participants = pop.participants, .n_participants = pop.n_participants,
		.openers = pop.openers, .n_openers = pop.n_openers,
	};
	struct match_weights w;
	match_weights_default(&w);
	w.objective = MATCH_MAX_SCORE;
	struct match_event_plan with, without;
	assert_int_equal(match_event(&in, &w, 3, &with), 0);
	size_t p_with = check_plan(&in, &w, &with, 3);
	w.first_meeting_bonus = 0;
	assert_int_equal(match_event(&in, &w, 3, &without), 0);
	size_t p_without = check_plan(&in, &w, &without, 3);
	assert_true(p_with >= p_without);
	match_event_free(&with);
	match_event_free(&without);
	match_population_free(&pop);
}

static void three_participants_two_openers(void **state)
{
	(void)state;
	struct match_profile ps[3], ds[2];
	memset(ps, 0, sizeof(ps));
	memset(ds, 0, sizeof(ds));
	for (int i = 0; i < 3; i++) {
		ps[i].person = i + 1;
		ps[i].isco = 2512;
		ps[i].isco_digits = 4;
		ps[i].langs = 1;
		ps[i].modes = MATCH_MODE_ONLINE;
		ps[i].capacity = 1;
	}
	for (int j = 0; j < 2; j++) {
		ds[j] = ps[0];
		ds[j].person = 10 + j;
	}
	struct match_input in = { .participants = ps, .n_participants = 3, .openers = ds, .n_openers = 2 };
	struct match_weights w;
	match_weights_default(&w);
	struct match_event_plan plan;
	/* Two rounds: each round has two tables, and the third participant
	 * joins one of them; after two rounds everyone met both door openers
	 * except where a pair would repeat. */
	assert_int_equal(match_event(&in, &w, 2, &plan), 0);
	assert_int_equal(plan.n_tables, 4);
	check_plan(&in, &w, &plan, 2);
	assert_int_equal(plan.thirds, 2);
	assert_int_equal(plan.meetings, 6);
	assert_int_equal(plan.sitting_out, 0);
	match_event_free(&plan);
	/* Three rounds: only 6 pairs exist, so someone sits out at the end. */
	assert_int_equal(match_event(&in, &w, 3, &plan), 0);
	check_plan(&in, &w, &plan, 3);
	assert_int_equal(plan.meetings, 6);
	match_event_free(&plan);
	/* Bad round counts. */
	assert_int_equal(match_event(&in, &w, 0, &plan), -1);
	assert_non_null(plan.error);
	assert_int_equal(match_event(&in, &w, MATCH_EVENT_ROUNDS_MAX + 1, &plan), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(generated_events),
		cmocka_unit_test(first_meeting_bonus_spreads_meetings),
		cmocka_unit_test(three_participants_two_openers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* One matching run end to end: valid, explained and optimal proposals,
 * reasons for the unmatched, pins, events, both objectives, determinism. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "match/gen.h"
#include "match/match.h"

static void check_result(const struct match_input *in, const struct match_weights *w,
			 const struct match_result *r)
{
	size_t np = in->n_participants, no = in->n_openers;
	uint32_t *pl = calloc(np, sizeof(uint32_t)), *ol = calloc(no, sizeof(uint32_t));
	struct match_history h;
	assert_int_equal(match_history_init(&h, in->history, in->n_history), 0);
	assert_true(r->certified);
	int64_t total = 0;
	for (size_t k = 0; k < r->n_proposals; k++) {
		const struct match_proposal *p = &r->proposals[k];
		assert_true(p->participant < np && p->opener < no);
		if (k > 0) {
			const struct match_proposal *q = &r->proposals[k - 1];
			assert_true(q->participant < p->participant ||
				    (q->participant == p->participant && q->opener < p->opener));
		}
		pl[p->participant]++;
		ol[p->opener]++;
		struct match_breakdown b;
		enum match_reason why = match_pair_score(w, &in->participants[p->participant],
							 &in->openers[p->opener], &h, in->event, &b);
		if (!p->pinned) {
			assert_int_equal(why, MATCH_OK);
			assert_int_equal(b.total, p->score.total);
			assert_int_equal(b.occupation, p->score.occupation);
			assert_int_equal(b.place, p->score.place);
			assert_int_equal(b.mode, p->score.mode);
			assert_int_equal(b.preference, p->score.preference);
			assert_int_equal(b.waiting, p->score.waiting);
			assert_int_equal(b.occ_level, p->score.occ_level);
			assert_int_equal(b.place_level, p->score.place_level);
			assert_int_equal(b.meeting, p->score.meeting);
			assert_int_equal(b.distance_km, p->score.distance_km);
		}
		assert_int_equal(p->score.total, p->score.occupation + p->score.place + p->score.mode +
							 p->score.preference + p->score.waiting);
		total += p->score.total;
	}
	assert_int_equal(total, r->total_score);
	for (size_t i = 0; i < np; i++)
		assert_true(pl[i] <= in->participants[i].capacity);
	for (size_t j = 0; j < no; j++)
		assert_true(ol[j] <= in->openers[j].capacity);
	/* Exactly the members with room left are listed as unmatched. */
	size_t want = 0;
	for (size_t i = 0; i < np; i++)
		want += pl[i] < in->participants[i].capacity &&
			(!in->event || in->participants[i].event == in->event);
	assert_int_equal(r->n_unmatched, want);
	for (size_t k = 0; k < r->n_unmatched; k++) {
		const struct match_unmatched *u = &r->unmatched[k];
		assert_true(pl[u->participant] < in->participants[u->participant].capacity);
		assert_true(u->reason != MATCH_OK && u->reason < MATCH_R_COUNT);
		if (u->reason == MATCH_R_ONE_AT_A_TIME)
			continue;
		/* Not "taken" when no door opener was allowed at all. */
		int any = 0;
		for (size_t j = 0; j < no && !any; j++)
			any = match_pair_score(w, &in->participants[u->participant], &in->openers[j], &h,
					       in->event, NULL) == MATCH_OK;
		assert_int_equal(any, u->reason == MATCH_R_TAKEN);
	}
	match_history_free(&h);
	free(pl);
	free(ol);
}

static void generated_pool(void **state)
{
	(void)state;
	struct match_gen_opts o;
	match_gen_defaults(&o);
	o.participants = 400;
	o.openers = 100;
	o.history_per_1000 = 150;
	struct match_population pop;
	assert_int_equal(match_gen(&o, &pop), 0);
	struct match_input in = {
		.participants = pop.participants, .n_participants = pop.n_participants,
		.openers = pop.openers, .n_openers = pop.n_openers,
		.history = pop.history, .n_history = pop.n_history,
	};
	struct match_weights w;
	match_weights_default(&w);
	struct match_result people, score, again, all;
	assert_int_equal(match_run(&in, &w, &people), 0);
	check_result(&in, &w, &people);
	assert_true(people.n_proposals > 150);
	assert_true(people.people_bonus > 0);
	/* Deterministic. */
	assert_int_equal(match_run(&in, &w, &again), 0);
	assert_int_equal(again.n_proposals, people.n_proposals);
	for (size_t k = 0; k < people.n_proposals; k++) {
		assert_int_equal(again.proposals[k].participant, people.proposals[k].participant);
		assert_int_equal(again.proposals[k].opener, people.proposals[k].opener);
		assert_int_equal(again.proposals[k].score.total, people.proposals[k].score.total);
	}
	match_result_free(&again);
	/* The other objective: more score, not more people. */
	w.objective = MATCH_MAX_SCORE;
	assert_int_equal(match_run(&in, &w, &score), 0);
	check_result(&in, &w, &score);
	assert_int_equal(score.people_bonus, 0);
	assert_true(score.total_score >= people.total_score);
	assert_true(score.n_proposals <= people.n_proposals);
	/* Every allowed pair: at least as good as the candidate graph. */
	w.candidates = 0;
	assert_int_equal(match_run(&in, &w, &all), 0);
	check_result(&in, &w, &all);
	assert_true(all.total_score >= score.total_score);
	assert_true(all.candidate_edges >= score.candidate_edges);
	match_result_free(&people);
	match_result_free(&score);
	match_result_free(&all);
	match_population_free(&pop);
}

/* Brute force on a tiny pool: the best (matched, score) lexicographically,
 * or the best score. */
struct best {
	int64_t score;
	int matched;
};

static void brute(const int32_t *sc, size_t np, size_t no, size_t i, uint32_t *room,
		  int64_t score, int matched, struct best *b, int people)
{
	if (i == np) {
		if ((people && (matched > b->matched || (matched == b->matched && score > b->score))) ||
		    (!people && score > b->score)) {
			b->score = score;
			b->matched = matched;
		}
		return;
	}
	brute(sc, np, no, i + 1, room, score, matched, b, people);
	for (size_t j = 0; j < no; j++) {
		if (!room[j] || sc[i * no + j] < 0)
			continue;
		room[j]--;
		brute(sc, np, no, i + 1, room, score + sc[i * no + j], matched + 1, b, people);
		room[j]++;
	}
}

static void optimal_on_tiny_pools(void **state)
{
	(void)state;
	struct match_gen_opts o;
	match_gen_defaults(&o);
	for (uint64_t seed = 1; seed <= 40; seed++) {
		o.seed = seed;
		o.participants = 7;
		o.openers = 3;
		o.history_per_1000 = 0;
		struct match_population pop;
		assert_int_equal(match_gen(&o, &pop), 0);
		/* One sector so that most pairs are allowed. */
		for (size_t i = 0; i < pop.n_participants; i++) {
			pop.participants[i].sector = 1;
			pop.participants[i].langs |= 4;
		}
		for (size_t j = 0; j < pop.n_openers; j++) {
			pop.openers[j].sector = 1;
			pop.openers[j].langs |= 4;
			pop.openers[j].capacity = 1 + (uint16_t)(seed % 2);
		}
		struct match_input in = {
			.participants = pop.participants, .n_participants = pop.n_participants,
			.openers = pop.openers, .n_openers = pop.n_openers,
		};
		struct match_weights w;
		match_weights_default(&w);
		for (int people = 0; people <= 1; people++) {
			w.objective = people ? MATCH_MAX_PEOPLE : MATCH_MAX_SCORE;
			w.candidates = 0;
			struct match_result r;
			assert_int_equal(match_run(&in, &w, &r), 0);
			check_result(&in, &w, &r);
			uint32_t room[3];
			for (int j = 0; j < 3; j++)
				room[j] = pop.openers[j].capacity;
			int32_t sc[7 * 3];
			for (size_t i = 0; i < 7; i++)
				for (size_t j = 0; j < 3; j++) {
					struct match_breakdown bd;
					sc[i * 3 + j] = match_pair_score(&w, &pop.participants[i], &pop.openers[j],
									 NULL, 0, &bd) == MATCH_OK ? bd.total : -1;
				}
			struct best b = { -1, -1 };
			brute(sc, 7, 3, 0, room, 0, 0, &b, people);
			assert_int_equal(r.total_score, b.score);
			if (people)
				assert_int_equal((int)r.n_proposals, b.matched);
			match_result_free(&r);
		}
		match_population_free(&pop);
	}
}

static void pins_and_errors(void **state)
{
	(void)state;
	struct match_gen_opts o;
	match_gen_defaults(&o);
	o.participants = 60;
	o.openers = 15;
	struct match_population pop;
	assert_int_equal(match_gen(&o, &pop), 0);
	pop.openers[3].capacity = 2;
	struct match_pin pins[2] = { { 5, 3 }, { 9, 3 } };
	struct match_input in = {
		.participants = pop.participants, .n_participants = pop.n_participants,
		.openers = pop.openers, .n_openers = pop.n_openers, .pins = pins, .n_pins = 2,
	};
	struct match_weights w;
	match_weights_default(&w);
	struct match_result r;
	assert_int_equal(match_run(&in, &w, &r), 0);
	check_result(&in, &w, &r);
	size_t pinned = 0, at3 = 0;
	for (size_t k = 0; k < r.n_proposals; k++) {
		pinned += r.proposals[k].pinned;
		at3 += r.proposals[k].opener == 3;
		if (r.proposals[k].participant == 5 || r.proposals[k].participant == 9)
			assert_true(r.proposals[k].pinned);
	}
	assert_int_equal(pinned, 2);
	assert_int_equal(at3, 2);
	match_result_free(&r);
	/* Over capacity, repeated, out of range. */
	pop.openers[3].capacity = 1;
	assert_int_equal(match_run(&in, &w, &r), -1);
	assert_non_null(r.error);
	pop.openers[3].capacity = 2;
	pins[1] = pins[0];
	assert_int_equal(match_run(&in, &w, &r), -1);
	pins[1].opener = 99;
	assert_int_equal(match_run(&in, &w, &r), -1);
	/* Bad weights. */
	in.n_pins = 0;
	w.mode_online = -5;
	assert_int_equal(match_run(&in, &w, &r), -1);
	assert_string_equal(r.error, "a weight is out of range");
	match_population_free(&pop);
}

/* A person with two registrations (two occupations) gets at most one
 * proposal, through the registration that fits best. */
static void one_match_per_person(void **state)
{
	(void)state;
	struct match_gen_opts o;
	match_gen_defaults(&o);
	o.participants = 40;
	o.openers = 40;
	o.seed = 3;
	struct match_population pop;
	assert_int_equal(match_gen(&o, &pop), 0);
	/* Door openers in two fields, with room for everyone. */
	for (size_t j = 0; j < pop.n_openers; j++) {
		struct match_profile *d = &pop.openers[j];
		d->isco = j % 2 ? 2512 : 2330;
		d->isco_digits = 4;
		d->sector = j % 2 ? 1 : 4;
		d->langs = 4;
		d->modes = MATCH_MODE_ONLINE;
		d->capacity = 5;
	}
	for (size_t i = 0; i < pop.n_participants; i++) {
		struct match_profile *p = &pop.participants[i];
		p->langs = 4;
		p->modes = MATCH_MODE_ONLINE;
		p->isco = i % 2 ? 2512 : 2330;
		p->isco_digits = 4;
		p->sector = i % 2 ? 1 : 4;
		/* Registrations 2k and 2k+1 belong to the same person. */
		p->person = 1000 + (int64_t)(i / 2);
		p->wait_days = (int32_t)(i % 2 ? 10 : 200);
	}
	struct match_input in = {
		.participants = pop.participants, .n_participants = pop.n_participants,
		.openers = pop.openers, .n_openers = pop.n_openers,
	};
	struct match_weights w;
	match_weights_default(&w);
	struct match_result r;
	assert_int_equal(match_run(&in, &w, &r), 0);
	check_result(&in, &w, &r);
	assert_int_equal(r.n_proposals, 20);
	for (size_t k = 0; k < r.n_proposals; k++)
		/* The registration that waited longer scores more. */
		assert_int_equal(r.proposals[k].participant % 2, 0);
	assert_int_equal(r.n_unmatched, 20);
	for (size_t k = 0; k < r.n_unmatched; k++)
		assert_int_equal(r.unmatched[k].reason, MATCH_R_ONE_AT_A_TIME);
	match_result_free(&r);
	/* A pin on one registration keeps the other out of this run. */
	struct match_pin pin = { 1, 3 };
	in.pins = &pin;
	in.n_pins = 1;
	assert_int_equal(match_run(&in, &w, &r), 0);
	check_result(&in, &w, &r);
	for (size_t k = 0; k < r.n_proposals; k++)
		if (r.proposals[k].participant / 2 == 0)
			assert_true(r.proposals[k].pinned);
	match_result_free(&r);
	match_population_free(&pop);
}

static void event_members_only(void **state)
{
	(void)state;
	struct match_gen_opts o;
	match_gen_defaults(&o);
	o.participants = 80;
	o.openers = 20;
	struct match_population pop;
	assert_int_equal(match_gen(&o, &pop), 0);
	for (size_t i = 0; i < pop.n_participants; i++)
		pop.participants[i].event = i % 2 ? 12 : 0;
	for (size_t j = 0; j < pop.n_openers; j++)
		pop.openers[j].event = j % 2 ? 12 : 0;
	struct match_input in = {
		.participants = pop.participants, .n_participants = pop.n_participants,
		.openers = pop.openers, .n_openers = pop.n_openers, .event = 12,
	};
	struct match_weights w;
	match_weights_default(&w);
	struct match_result r;
	assert_int_equal(match_run(&in, &w, &r), 0);
	check_result(&in, &w, &r);
	for (size_t k = 0; k < r.n_proposals; k++) {
		assert_int_equal(pop.participants[r.proposals[k].participant].event, 12);
		assert_int_equal(pop.openers[r.proposals[k].opener].event, 12);
	}
	match_result_free(&r);
	/* An empty pool. */
	in.n_openers = 0;
	assert_int_equal(match_run(&in, &w, &r), 0);
	assert_int_equal(r.n_proposals, 0);
	assert_int_equal(r.n_unmatched, 40);
	assert_int_equal(r.unmatched[0].reason, MATCH_R_NO_OPENERS);
	match_result_free(&r);
	match_population_free(&pop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(generated_pool),
		cmocka_unit_test(optimal_on_tiny_pools),
		cmocka_unit_test(pins_and_errors),
		cmocka_unit_test(one_match_per_person),
		cmocka_unit_test(event_members_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

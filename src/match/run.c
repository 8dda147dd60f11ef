/* One matching run (see match.h): pins, candidate graph, exact solver,
 * certificate, proposals with their breakdowns, reasons for the unmatched.
 *
 * Participant registrations of the same person are merged into one node of
 * the solver's graph (one open match at a time): the node's edge to a door
 * opener is the best of its registrations' pairs with that door opener, and a
 * proposal names the registration that brought it. */
#include "match/candidates.h"
#include "match/flow.h"
#include "match/match.h"
#include "match/score.h"

#include <stdlib.h>
#include <string.h>

static int prop_cmp(const void *a, const void *b)
{
	const struct match_proposal *x = a, *y = b;
	if (x->participant != y->participant)
		return x->participant < y->participant ? -1 : 1;
	if (x->opener != y->opener)
		return x->opener < y->opener ? -1 : 1;
	return 0;
}

static int pin_cmp(const void *a, const void *b)
{
	const struct match_pin *x = a, *y = b;
	if (x->participant != y->participant)
		return x->participant < y->participant ? -1 : 1;
	return x->opener < y->opener ? -1 : x->opener > y->opener;
}

static void breakdown_of(const struct match_weights *w, const struct match_profile *p,
			 const struct match_profile *d, struct match_breakdown *b)
{
	struct match_geo pg, dg;
	match_geo_of(p, &pg);
	match_geo_of(d, &dg);
	if (match_pair_eval(w, p, d, &pg, &dg, 0, 1, b) != MATCH_OK) {
		/* A pinned pair outside the rules: show what can be shown. */
		memset(b, 0, sizeof(*b));
		b->distance_km = match_geo_km(&pg, &dg);
	}
}

void match_result_free(struct match_result *res)
{
	free(res->proposals);
	free(res->unmatched);
	res->proposals = NULL;
	res->unmatched = NULL;
	res->n_proposals = res->n_unmatched = 0;
}

/* ---- persons ------------------------------------------------------------------ */

struct persons {
	uint32_t n;
	uint32_t *of;   /* registration -> person group */
	size_t *off;    /* n + 1 */
	uint32_t *regs; /* each group's registrations, in index order */
};

struct pidx {
	int64_t person;
	uint32_t idx;
};

static int pidx_cmp(const void *a, const void *b)
{
	const struct pidx *x = a, *y = b;
	if (x->person != y->person)
		return x->person < y->person ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static void persons_free(struct persons *g)
{
	free(g->of);
	free(g->off);
	free(g->regs);
}

/* Group registrations by person; groups come in the order of their first
 * registration, so everything after stays deterministic. */
static int persons_build(struct persons *g, const struct match_profile *p, size_t np)
{
	memset(g, 0, sizeof(*g));
	struct pidx *s = malloc((np ? np : 1) * sizeof(*s));
	uint32_t *first = malloc((np ? np : 1) * sizeof(uint32_t));
	g->of = malloc((np ? np : 1) * sizeof(uint32_t));
	g->off = calloc(np + 1, sizeof(size_t));
	g->regs = malloc((np ? np : 1) * sizeof(uint32_t));
	if (!s || !first || !g->of || !g->off || !g->regs) {
		free(s);
		free(first);
		persons_free(g);
		return -1;
	}
	for (size_t i = 0; i < np; i++)
		s[i] = (struct pidx){ p[i].person, (uint32_t)i };
	qsort(s, np, sizeof(*s), pidx_cmp);
	/* Label each run of one person by its first (smallest) registration. */
	for (size_t k = 0; k < np; k++)
		first[s[k].idx] = k > 0 && s[k].person == s[k - 1].person ? first[s[k - 1].idx] : s[k].idx;
	for (size_t i = 0; i < np; i++)
		if (first[i] == i)
			g->of[i] = g->n++;
	for (size_t i = 0; i < np; i++) {
		g->of[i] = g->of[first[i]];
		g->off[g->of[i] + 1]++;
	}
	for (uint32_t q = 0; q < g->n; q++)
		g->off[q + 1] += g->off[q];
	memset(first, 0, (np ? np : 1) * sizeof(uint32_t));
	for (size_t i = 0; i < np; i++) {
		uint32_t q = g->of[i];
		g->regs[g->off[q] + first[q]++] = (uint32_t)i;
	}
	free(s);
	free(first);
	return 0;
}

/* ---- the run -------------------------------------------------------------------- */

int match_run(const struct match_input *in, const struct match_weights *w,
	      struct match_result *res)
{
	memset(res, 0, sizeof(*res));
	const char *bad;
	if (match_weights_check(w, &bad) < 0) {
		res->error = "a weight is out of range";
		return -1;
	}
	size_t np = in->n_participants, no = in->n_openers;
	if (np > MATCH_PEOPLE_MAX || no > MATCH_PEOPLE_MAX) {
		res->error = "too many people";
		return -1;
	}
	int rc = -1;
	uint32_t *pcap = calloc(np ? np : 1, sizeof(uint32_t));
	uint32_t *ocap = calloc(no ? no : 1, sizeof(uint32_t));
	uint32_t *pinned = calloc(np ? np : 1, sizeof(uint32_t)); /* pins per registration */
	struct match_pin *pins = malloc((in->n_pins ? in->n_pins : 1) * sizeof(*pins));
	struct match_history hist = { 0 };
	struct persons per;
	memset(&per, 0, sizeof(per));
	struct match_cand cand;
	memset(&cand, 0, sizeof(cand));
	struct match_bm_solution sol;
	memset(&sol, 0, sizeof(sol));
	uint32_t *gcap = NULL, *to = NULL, *src = NULL, *load = NULL, *gload = NULL;
	int32_t *score = NULL;
	int64_t *wt = NULL;
	size_t *off = NULL;
	res->error = "out of memory";
	if (!pcap || !ocap || !pinned || !pins || persons_build(&per, in->participants, np) < 0)
		goto done;
	for (size_t i = 0; i < np; i++) {
		uint32_t c = in->participants[i].capacity;
		pcap[i] = c > MATCH_CAPACITY_MAX ? MATCH_CAPACITY_MAX : c;
	}
	for (size_t j = 0; j < no; j++) {
		uint32_t c = in->openers[j].capacity;
		ocap[j] = c > MATCH_CAPACITY_MAX ? MATCH_CAPACITY_MAX : c;
	}
	/* Pins come first and use capacity. */
	if (in->n_pins)
		memcpy(pins, in->pins, in->n_pins * sizeof(*pins));
	qsort(pins, in->n_pins, sizeof(*pins), pin_cmp);
	for (size_t k = 0; k < in->n_pins; k++) {
		uint32_t p = pins[k].participant, d = pins[k].opener;
		if (p >= np || d >= no || pcap[p] == 0 || ocap[d] == 0 ||
		    (k > 0 && !pin_cmp(&pins[k], &pins[k - 1]))) {
			res->error = "a pin is out of range, repeated or over capacity";
			goto done;
		}
		pcap[p]--;
		ocap[d]--;
		pinned[p]++;
	}
	/* A person's capacity: their largest registration's, less their pins. */
	gcap = calloc(per.n ? per.n : 1, sizeof(uint32_t));
	if (!gcap)
		goto done;
	for (uint32_t q = 0; q < per.n; q++) {
		uint32_t cap = 0, pins_q = 0;
		for (size_t k = per.off[q]; k < per.off[q + 1]; k++) {
			uint32_t r = per.regs[k];
			if (in->event && in->participants[r].event != in->event)
				continue;
			uint32_t c = pcap[r] + pinned[r];
			cap = c > cap ? c : cap;
			pins_q += pinned[r];
		}
		gcap[q] = cap > pins_q ? cap - pins_q : 0;
		if (!gcap[q])
			for (size_t k = per.off[q]; k < per.off[q + 1]; k++)
				pcap[per.regs[k]] = 0;
	}
	if (match_history_init(&hist, in->history, in->n_history) < 0 ||
	    match_candidates(in->participants, np, pcap, in->openers, no, ocap, w, &hist,
			     in->event, w->candidates, &cand) < 0)
		goto done;

	/* The solver's graph: one node per person, the best registration per
	 * door opener, pinned pairs left out. */
	size_t m = cand.off[np];
	off = calloc((size_t)per.n + 1, sizeof(size_t));
	to = malloc((m ? m : 1) * sizeof(uint32_t));
	src = malloc((m ? m : 1) * sizeof(uint32_t));
	score = malloc((m ? m : 1) * sizeof(int32_t));
	wt = malloc((m ? m : 1) * sizeof(int64_t));
	load = calloc(np ? np : 1, sizeof(uint32_t));
	gload = calloc(per.n ? per.n : 1, sizeof(uint32_t));
	if (!off || !to || !src || !score || !wt || !load || !gload)
		goto done;
	size_t me = 0;
	for (uint32_t q = 0; q < per.n; q++) {
		off[q] = me;
		size_t k0 = per.off[q], nk = per.off[q + 1] - k0;
		if (nk == 1) {
			uint32_t r = per.regs[k0];
			for (size_t e = cand.off[r]; e < cand.off[r + 1]; e++) {
				to[me] = cand.to[e];
				score[me] = cand.score[e];
				src[me++] = r;
			}
		} else {
			/* Merge the registrations' sorted lists (a few short lists). */
			for (size_t k = k0; k < k0 + nk; k++) {
				uint32_t r = per.regs[k];
				for (size_t e = cand.off[r]; e < cand.off[r + 1]; e++) {
					size_t at = off[q];
					while (at < me && to[at] != cand.to[e])
						at++;
					if (at == me) {
						to[me] = cand.to[e];
						score[me] = cand.score[e];
						src[me++] = r;
					} else if (cand.score[e] > score[at]) {
						score[at] = cand.score[e];
						src[at] = r;
					}
				}
			}
		}
		/* A door opener pinned to this person is not proposed again. */
		size_t keep = off[q];
		for (size_t e = off[q]; e < me; e++) {
			int pinned_pair = 0;
			for (size_t k = k0; k < k0 + nk && !pinned_pair; k++) {
				uint32_t r = per.regs[k];
				struct match_pin key = { r, to[e] };
				pinned_pair = pinned[r] && bsearch(&key, pins, in->n_pins, sizeof(*pins), pin_cmp);
			}
			if (!pinned_pair) {
				to[keep] = to[e];
				score[keep] = score[e];
				src[keep++] = src[e];
			}
		}
		me = keep;
	}
	off[per.n] = me;
	struct match_cand merged = { .np = per.n, .no = (uint32_t)no, .off = off, .to = to,
				     .score = score };
	int64_t bonus = match_people_bonus(&merged, gcap, ocap, w->objective);
	if (bonus < 0) {
		res->error = "scores too large for this many people";
		goto done;
	}
	for (size_t e = 0; e < me; e++)
		wt[e] = score[e] + bonus;
	struct match_bm_graph g = { .nl = per.n, .nr = (uint32_t)no, .lcap = gcap, .rcap = ocap,
				    .off = off, .to = to, .w = wt };
	const char *why = NULL;
	if (match_bm_solve(&g, &sol, &why) < 0) {
		res->error = why ? why : "solver failed";
		goto done;
	}
	if (match_bm_certify(&g, &sol, &why) < 0) {
		/* Never expected: the solver is exact. Refuse to propose anything. */
		res->error = "optimality certificate failed";
		goto done;
	}
	res->certified = 1;
	res->candidate_edges = me;
	res->people_bonus = bonus;

	size_t nprop = in->n_pins + sol.matched;
	res->proposals = calloc(nprop ? nprop : 1, sizeof(*res->proposals));
	if (!res->proposals)
		goto done;
	size_t k = 0;
	for (size_t q = 0; q < in->n_pins; q++) {
		struct match_proposal *pr = &res->proposals[k++];
		pr->participant = pins[q].participant;
		pr->opener = pins[q].opener;
		pr->pinned = 1;
	}
	for (uint32_t q = 0; q < per.n; q++)
		for (size_t e = off[q]; e < off[q + 1]; e++)
			if (sol.x[e]) {
				struct match_proposal *pr = &res->proposals[k++];
				pr->participant = src[e];
				pr->opener = to[e];
			}
	for (size_t q = 0; q < k; q++) {
		struct match_proposal *pr = &res->proposals[q];
		breakdown_of(w, &in->participants[pr->participant], &in->openers[pr->opener], &pr->score);
		res->total_score += pr->score.total;
		load[pr->participant]++;
		gload[per.of[pr->participant]]++;
	}
	qsort(res->proposals, k, sizeof(*res->proposals), prop_cmp);
	res->n_proposals = k;

	/* Registrations still waiting, and why. */
	size_t nu = 0;
	for (size_t i = 0; i < np; i++)
		nu += in->participants[i].capacity > load[i] &&
		      (!in->event || in->participants[i].event == in->event);
	res->unmatched = calloc(nu ? nu : 1, sizeof(*res->unmatched));
	if (!res->unmatched)
		goto done;
	for (size_t i = 0; i < np; i++) {
		if (in->participants[i].capacity <= load[i] ||
		    (in->event && in->participants[i].event != in->event))
			continue;
		struct match_unmatched *u = &res->unmatched[res->n_unmatched++];
		u->participant = (uint32_t)i;
		if (gload[per.of[i]] > load[i]) {
			u->reason = MATCH_R_ONE_AT_A_TIME;
			continue;
		}
		u->reason = cand.reason[i] == MATCH_OK ? MATCH_R_TAKEN : cand.reason[i];
		if (u->reason == MATCH_R_TAKEN || u->reason == MATCH_R_CAPACITY || !in->n_pins)
			continue;
		/* Door openers whose capacity went to pins were not candidates:
		 * if one of them was allowed, the honest reason is "taken". */
		for (size_t j = 0; j < no; j++)
			if (ocap[j] == 0 && in->openers[j].capacity > 0 &&
			    match_pair_score(w, &in->participants[i], &in->openers[j], &hist,
					     in->event, NULL) == MATCH_OK) {
				u->reason = MATCH_R_TAKEN;
				break;
			}
	}
	res->error = NULL;
	rc = 0;
done:
	if (rc < 0) {
		const char *err = res->error;
		match_result_free(res);
		memset(res, 0, sizeof(*res));
		res->error = err;
	}
	free(pcap);
	free(ocap);
	free(pinned);
	free(pins);
	free(gcap);
	free(to);
	free(src);
	free(score);
	free(wt);
	free(off);
	free(load);
	free(gload);
	persons_free(&per);
	match_history_free(&hist);
	match_cand_free(&cand);
	match_bm_solution_free(&sol);
	return rc;
}

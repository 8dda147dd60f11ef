/* Network events (see event.h). */
#include "match/event.h"
#include "match/candidates.h"
#include "match/flow.h"
#include "match/mcf.h"

#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX

struct ev {
	const struct match_input *in;
	const struct match_weights *w;
	unsigned R;
	uint32_t m, k;          /* member participants, member openers */
	uint32_t *pmem, *dmem;  /* member -> input index */
	uint32_t *pof, *dof;    /* input index -> member, or NONE */
	struct match_cand cand; /* allowed pairs, over all input participants */
	size_t *toff;           /* transposed candidates: opener -> edge ids */
	uint32_t *tedge;
	uint8_t *used;          /* per candidate edge: the pair meets already */
	/* chosen meetings */
	uint32_t *ea, *eb;      /* member participant, member opener */
	size_t *ecand;          /* candidate edge id */
	uint32_t *ecol;         /* round */
	size_t ne;
};

static void ev_free(struct ev *e)
{
	free(e->pmem);
	free(e->dmem);
	free(e->pof);
	free(e->dof);
	match_cand_free(&e->cand);
	free(e->toff);
	free(e->tedge);
	free(e->used);
	free(e->ea);
	free(e->eb);
	free(e->ecand);
	free(e->ecol);
}

/* Pick the meetings: min-cost flow s -> participant -> opener -> t. */
static int pick_meetings(struct ev *e, const char **why)
{
	const struct match_weights *w = e->w;
	const struct match_cand *c = &e->cand;
	uint32_t R = e->R, m = e->m, k = e->k;
	int64_t B1 = w->first_meeting_bonus;
	size_t ncand = c->off[c->np];
	/* People mode: a per-meeting bonus above any sum of the other parts. */
	int64_t E = 0;
	if (w->objective == MATCH_MAX_PEOPLE && ncand) {
		int32_t smin = INT32_MAX, smax = 0;
		for (size_t x = 0; x < ncand; x++) {
			smin = c->score[x] < smin ? c->score[x] : smin;
			smax = c->score[x] > smax ? c->score[x] : smax;
		}
		int64_t kmax = (int64_t)R * (m < k ? m : k);
		E = kmax * ((int64_t)smax - smin + 2 * B1) + 1;
	}
	uint32_t s = 0, t = 1 + m + k;
	size_t arcs = 1 + ncand + (size_t)(m + k) * (R > 1 ? 2 : 1);
	struct match_mcf g;
	if (match_mcf_alloc(&g, t + 1, arcs) < 0) {
		*why = "out of memory";
		return -1;
	}
	size_t a = 0;
#define ARC(T, H, CAP, COST) \
	do { g.tail[a] = (T); g.head[a] = (H); g.cap[a] = (CAP); g.cost[a] = (COST); a++; } while (0)
	for (uint32_t i = 0; i < m; i++) {
		ARC(s, 1 + i, 1, -B1);
		if (R > 1)
			ARC(s, 1 + i, R - 1, 0);
	}
	size_t first_edge = a;
	for (uint32_t i = 0; i < m; i++) {
		uint32_t p = e->pmem[i];
		for (size_t x = c->off[p]; x < c->off[p + 1]; x++)
			ARC(1 + i, 1 + m + e->dof[c->to[x]], 1, -(c->score[x] + E));
	}
	size_t last_edge = a;
	for (uint32_t j = 0; j < k; j++) {
		ARC(1 + m + j, t, 1, -B1);
		if (R > 1)
			ARC(1 + m + j, t, R - 1, 0);
	}
	ARC(s, t, (int64_t)m * R, 0);
#undef ARC
	g.m = a;
	g.supply[s] = (int64_t)m * R;
	g.supply[t] = -(int64_t)m * R;
	struct match_mcf_solution sol;
	int rc = -1;
	if (match_mcf_solve(&g, &sol, why) < 0)
		goto out;
	if (match_mcf_certify(&g, &sol, why) < 0) {
		match_mcf_solution_free(&sol);
		goto out;
	}
	size_t n = 0;
	for (size_t x = first_edge; x < last_edge; x++)
		n += sol.flow[x] > 0;
	e->ea = malloc((n ? n : 1) * sizeof(uint32_t));
	e->eb = malloc((n ? n : 1) * sizeof(uint32_t));
	e->ecand = malloc((n ? n : 1) * sizeof(size_t));
	e->ecol = malloc((n ? n : 1) * sizeof(uint32_t));
	if (!e->ea || !e->eb || !e->ecand || !e->ecol) {
		*why = "out of memory";
		match_mcf_solution_free(&sol);
		goto out;
	}
	/* Arcs were laid out in candidate order: walk both together. */
	size_t x = first_edge;
	for (uint32_t i = 0; i < m; i++) {
		uint32_t p = e->pmem[i];
		for (size_t y = c->off[p]; y < c->off[p + 1]; y++, x++)
			if (sol.flow[x] > 0) {
				e->ea[e->ne] = i;
				e->eb[e->ne] = e->dof[c->to[y]];
				e->ecand[e->ne++] = y;
				e->used[y] = 1;
			}
	}
	match_mcf_solution_free(&sol);
	rc = 0;
out:
	match_mcf_free(&g);
	return rc;
}

/* Split the meetings into R rounds: a proper edge colouring of a bipartite
 * graph with maximum degree <= R (König), by alternating-path swaps. */
static int colour(struct ev *e)
{
	uint32_t R = e->R, n = e->m + e->k;
	uint32_t *at = malloc((size_t)(n ? n : 1) * R * sizeof(uint32_t));
	uint32_t *path = malloc((e->ne ? e->ne : 1) * sizeof(uint32_t));
	if (!at || !path) {
		free(at);
		free(path);
		return -1;
	}
	for (size_t q = 0; q < (size_t)n * R; q++)
		at[q] = NONE;
	for (size_t f = 0; f < e->ne; f++) {
		uint32_t P = e->ea[f], D = e->m + e->eb[f], ca = 0, cb = 0;
		while (at[(size_t)P * R + ca] != NONE)
			ca++;
		while (at[(size_t)D * R + cb] != NONE)
			cb++;
		if (at[(size_t)D * R + ca] != NONE) {
			/* Swap ca and cb along the path from D that alternates them. */
			size_t len = 0;
			uint32_t x = D, c1 = ca, c2 = cb;
			for (;;) {
				uint32_t g = at[(size_t)x * R + c1];
				if (g == NONE)
					break;
				path[len++] = g;
				x = x == e->ea[g] ? e->m + e->eb[g] : e->ea[g];
				uint32_t tmp = c1;
				c1 = c2;
				c2 = tmp;
			}
			for (size_t q = 0; q < len; q++) {
				uint32_t g = path[q];
				at[(size_t)e->ea[g] * R + e->ecol[g]] = NONE;
				at[(size_t)(e->m + e->eb[g]) * R + e->ecol[g]] = NONE;
			}
			for (size_t q = 0; q < len; q++) {
				uint32_t g = path[q];
				e->ecol[g] = e->ecol[g] == ca ? cb : ca;
				at[(size_t)e->ea[g] * R + e->ecol[g]] = g;
				at[(size_t)(e->m + e->eb[g]) * R + e->ecol[g]] = g;
			}
		}
		e->ecol[f] = ca;
		at[(size_t)P * R + ca] = (uint32_t)f;
		at[(size_t)D * R + ca] = (uint32_t)f;
	}
	free(at);
	free(path);
	return 0;
}

static int table_cmp(const void *a, const void *b)
{
	const struct match_table *x = a, *y = b;
	if (x->round != y->round)
		return x->round < y->round ? -1 : 1;
	return x->opener < y->opener ? -1 : x->opener > y->opener;
}

/* Seat idle people as thirds at the tables of one round: an exact max-weight
 * assignment that seats as many as it can, then prefers people without any
 * meeting yet, then the best pair scores. side 0: idle participants join a
 * door opener's table; side 1: idle door openers join a participant's table. */
static int seat_thirds(struct ev *e, struct match_table *tabs, size_t ntab, int side,
		       uint8_t *met_p, uint8_t *met_d, uint8_t *busy_p, uint8_t *busy_d,
		       struct match_event_plan *plan)
{
	const struct match_cand *c = &e->cand;
	uint32_t nidle = 0, nmem = side == 0 ? e->m : e->k;
	uint32_t *idle = malloc((nmem ? nmem : 1) * sizeof(uint32_t));
	uint32_t *table_of = malloc(((side == 0 ? e->k : e->m) + 1) * sizeof(uint32_t));
	size_t *off = NULL;
	uint32_t *to = NULL;
	int64_t *wt = NULL;
	size_t *eids = NULL;
	int rc = -1;
	if (!idle || !table_of)
		goto out;
	for (uint32_t i = 0; i < nmem; i++)
		if (!(side == 0 ? busy_p : busy_d)[i])
			idle[nidle++] = i;
	if (nidle == 0 || ntab == 0) {
		rc = 0;
		goto out;
	}
	for (uint32_t q = 0; q < (side == 0 ? e->k : e->m); q++)
		table_of[q] = NONE;
	int64_t smax = 0;
	for (size_t t = 0; t < ntab; t++) {
		if (tabs[t].extra_participant >= 0 || tabs[t].extra_opener >= 0)
			continue;
		uint32_t anchor = side == 0 ? e->dof[tabs[t].opener] : e->pof[tabs[t].participant];
		table_of[anchor] = (uint32_t)t;
	}
	size_t cap = 0;
	if (side == 0) {
		for (uint32_t q = 0; q < nidle; q++) {
			uint32_t p = e->pmem[idle[q]];
			cap += c->off[p + 1] - c->off[p];
		}
	} else {
		for (uint32_t q = 0; q < nidle; q++)
			cap += e->toff[idle[q] + 1] - e->toff[idle[q]];
	}
	for (size_t x = 0; x < c->off[c->np]; x++)
		smax = c->score[x] > smax ? c->score[x] : smax;
	int64_t B1 = e->w->first_meeting_bonus;
	int64_t big = (int64_t)(ntab + 1) * (smax + B1 + 1) + 1;
	off = malloc(((size_t)nidle + 1) * sizeof(size_t));
	to = malloc((cap ? cap : 1) * sizeof(uint32_t));
	wt = malloc((cap ? cap : 1) * sizeof(int64_t));
	eids = malloc((cap ? cap : 1) * sizeof(size_t));
	if (!off || !to || !wt || !eids)
		goto out;
	size_t me = 0;
	for (uint32_t q = 0; q < nidle; q++) {
		off[q] = me;
		uint32_t who = idle[q];
		int first = !(side == 0 ? met_p : met_d)[who];
		size_t lo, hi;
		if (side == 0) {
			lo = c->off[e->pmem[who]];
			hi = c->off[e->pmem[who] + 1];
		} else {
			lo = e->toff[who];
			hi = e->toff[who + 1];
		}
		for (size_t y = lo; y < hi; y++) {
			size_t x = side == 0 ? y : e->tedge[y];
			if (e->used[x])
				continue;
			uint32_t anchor;
			if (side == 0) {
				anchor = e->dof[c->to[x]];
			} else {
				/* Candidate edge x belongs to some participant: find it. */
				size_t l2 = 0, h2 = c->np;
				while (l2 + 1 < h2) {
					size_t mid = (l2 + h2) / 2;
					if (c->off[mid] <= x)
						l2 = mid;
					else
						h2 = mid;
				}
				anchor = e->pof[l2];
			}
			if (anchor == NONE || table_of[anchor] == NONE)
				continue;
			to[me] = table_of[anchor];
			wt[me] = big + c->score[x] + (first ? B1 : 0);
			eids[me++] = x;
		}
	}
	off[nidle] = me;
	uint32_t *tcap = malloc(ntab * sizeof(uint32_t));
	if (!tcap)
		goto out;
	for (size_t t = 0; t < ntab; t++)
		tcap[t] = 1;
	struct match_bm_graph g = { .nl = nidle, .nr = (uint32_t)ntab, .off = off, .to = to,
				    .w = wt, .rcap = tcap };
	struct match_bm_solution s;
	const char *why;
	if (match_bm_solve(&g, &s, &why) < 0 || match_bm_certify(&g, &s, &why) < 0) {
		free(tcap);
		if (s.x)
			match_bm_solution_free(&s);
		goto out;
	}
	for (uint32_t q = 0; q < nidle; q++)
		for (size_t y = off[q]; y < off[q + 1]; y++) {
			if (!s.x[y])
				continue;
			struct match_table *tb = &tabs[to[y]];
			size_t x = eids[y];
			e->used[x] = 1;
			if (side == 0) {
				tb->extra_participant = (int32_t)e->pmem[idle[q]];
				busy_p[idle[q]] = 1;
				met_p[idle[q]] = 1;
			} else {
				tb->extra_opener = (int32_t)e->dmem[idle[q]];
				busy_d[idle[q]] = 1;
				met_d[idle[q]] = 1;
			}
			tb->extra_score = c->score[x];
			plan->meetings++;
			plan->thirds++;
			plan->total_score += c->score[x];
		}
	match_bm_solution_free(&s);
	free(tcap);
	rc = 0;
out:
	free(idle);
	free(table_of);
	free(off);
	free(to);
	free(wt);
	free(eids);
	return rc;
}

void match_event_free(struct match_event_plan *plan)
{
	free(plan->tables);
	plan->tables = NULL;
	plan->n_tables = 0;
}

int match_event(const struct match_input *in, const struct match_weights *w, unsigned rounds,
		struct match_event_plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	const char *bad;
	if (rounds < 1 || rounds > MATCH_EVENT_ROUNDS_MAX) {
		plan->error = "rounds out of range";
		return -1;
	}
	if (match_weights_check(w, &bad) < 0) {
		plan->error = "a weight is out of range";
		return -1;
	}
	size_t np = in->n_participants, no = in->n_openers;
	if (np > MATCH_PEOPLE_MAX || no > MATCH_PEOPLE_MAX) {
		plan->error = "too many people";
		return -1;
	}
	struct ev e;
	memset(&e, 0, sizeof(e));
	e.in = in;
	e.w = w;
	e.R = rounds;
	struct match_history hist = { 0 };
	uint32_t *pcap = calloc(np ? np : 1, sizeof(uint32_t));
	uint32_t *ocap = calloc(no ? no : 1, sizeof(uint32_t));
	uint8_t *met_p = NULL, *met_d = NULL, *busy_p = NULL, *busy_d = NULL;
	int rc = -1;
	e.pmem = malloc((np ? np : 1) * sizeof(uint32_t));
	e.dmem = malloc((no ? no : 1) * sizeof(uint32_t));
	e.pof = malloc((np ? np : 1) * sizeof(uint32_t));
	e.dof = malloc((no ? no : 1) * sizeof(uint32_t));
	plan->error = "out of memory";
	if (!pcap || !ocap || !e.pmem || !e.dmem || !e.pof || !e.dof)
		goto done;
	for (size_t i = 0; i < np; i++) {
		int mem = !in->event || in->participants[i].event == in->event;
		e.pof[i] = mem ? e.m : NONE;
		if (mem) {
			e.pmem[e.m++] = (uint32_t)i;
			pcap[i] = 1;
		}
	}
	for (size_t j = 0; j < no; j++) {
		int mem = !in->event || in->openers[j].event == in->event;
		e.dof[j] = mem ? e.k : NONE;
		if (mem) {
			e.dmem[e.k++] = (uint32_t)j;
			ocap[j] = 1;
		}
	}
	if (match_history_init(&hist, in->history, in->n_history) < 0 ||
	    match_candidates(in->participants, np, pcap, in->openers, no, ocap, w, &hist,
			     in->event, 0, &e.cand) < 0)
		goto done;
	size_t ncand = e.cand.off[np];
	e.used = calloc(ncand ? ncand : 1, 1);
	e.toff = calloc((size_t)e.k + 1, sizeof(size_t));
	e.tedge = malloc((ncand ? ncand : 1) * sizeof(uint32_t));
	if (!e.used || !e.toff || !e.tedge)
		goto done;
	for (size_t x = 0; x < ncand; x++)
		e.toff[e.dof[e.cand.to[x]] + 1]++;
	for (uint32_t j = 0; j < e.k; j++)
		e.toff[j + 1] += e.toff[j];
	{
		size_t *fill = calloc(e.k ? e.k : 1, sizeof(size_t));
		if (!fill)
			goto done;
		for (size_t x = 0; x < ncand; x++) {
			uint32_t j = e.dof[e.cand.to[x]];
			e.tedge[e.toff[j] + fill[j]++] = (uint32_t)x;
		}
		free(fill);
	}
	const char *why = NULL;
	if (pick_meetings(&e, &why) < 0) {
		plan->error = why ? why : "meeting selection failed";
		goto done;
	}
	plan->certified = 1;
	plan->error = "out of memory";
	if (colour(&e) < 0)
		goto done;

	/* Tables, round by round, with thirds where people would sit out. */
	size_t maxtab = e.ne + (size_t)rounds;
	plan->tables = calloc(maxtab ? maxtab : 1, sizeof(*plan->tables));
	met_p = calloc(e.m ? e.m : 1, 1);
	met_d = calloc(e.k ? e.k : 1, 1);
	busy_p = calloc(e.m ? e.m : 1, 1);
	busy_d = calloc(e.k ? e.k : 1, 1);
	if (!plan->tables || !met_p || !met_d || !busy_p || !busy_d)
		goto done;
	for (unsigned r = 0; r < rounds; r++) {
		struct match_table *tabs = plan->tables + plan->n_tables;
		size_t ntab = 0;
		memset(busy_p, 0, e.m ? e.m : 1);
		memset(busy_d, 0, e.k ? e.k : 1);
		for (size_t f = 0; f < e.ne; f++) {
			if (e.ecol[f] != r)
				continue;
			struct match_table *tb = &tabs[ntab++];
			tb->round = r;
			tb->participant = e.pmem[e.ea[f]];
			tb->opener = e.dmem[e.eb[f]];
			tb->extra_participant = tb->extra_opener = -1;
			tb->score = e.cand.score[e.ecand[f]];
			busy_p[e.ea[f]] = busy_d[e.eb[f]] = 1;
			met_p[e.ea[f]] = met_d[e.eb[f]] = 1;
			plan->meetings++;
			plan->total_score += tb->score;
		}
		if (seat_thirds(&e, tabs, ntab, 0, met_p, met_d, busy_p, busy_d, plan) < 0 ||
		    seat_thirds(&e, tabs, ntab, 1, met_p, met_d, busy_p, busy_d, plan) < 0)
			goto done;
		for (uint32_t i = 0; i < e.m; i++)
			plan->sitting_out += !busy_p[i];
		for (uint32_t j = 0; j < e.k; j++)
			plan->sitting_out += !busy_d[j];
		plan->n_tables += ntab;
	}
	qsort(plan->tables, plan->n_tables, sizeof(*plan->tables), table_cmp);
	plan->rounds = rounds;
	plan->error = NULL;
	rc = 0;
done:
	if (rc < 0) {
		const char *err = plan->error;
		match_event_free(plan);
		memset(plan, 0, sizeof(*plan));
		plan->error = err;
	}
	ev_free(&e);
	match_history_free(&hist);
	free(pcap);
	free(ocap);
	free(met_p);
	free(met_d);
	free(busy_p);
	free(busy_d);
	return rc;
}

/* Candidate generation (see candidates.h). */
#include "match/candidates.h"
#include "match/score.h"

#include <stdlib.h>
#include <string.h>

enum { LEVELS = 5 }; /* 0 = sector, 1..4 = ISCO digits */

/* ---- occupation index over one side -------------------------------------- */

struct ent {
	uint32_t key, region, muni, idx;
};

/* What the cheap bound needs, copied next to the index so that scanning a
 * range reads memory in order. */
struct tinfo {
	int64_t person;
	uint64_t langs, tags, wants;
	int32_t wait; /* waiting points (participants), else 0 */
	uint32_t idx;
	uint8_t modes;
};

struct level_index {
	struct tinfo *t;               /* targets sorted by (key, region, muni, idx) */
	uint32_t *region, *muni;
	uint32_t *keys;                /* distinct keys */
	size_t *koff;                  /* nkeys + 1 */
	size_t nkeys;
};

struct side_index {
	struct level_index lv[LEVELS];
	/* Language postings: the active targets that speak language l are
	 * lang_t[lang_off[l] .. lang_off[l+1]), in index order. */
	size_t lang_off[65];
	uint32_t *lang_t;
};

static const uint16_t pow10_tab[5] = { 1, 10, 100, 1000, 10000 };

/* The profile's key at a level, or -1 when it has none. */
static int64_t level_key(const struct match_profile *p, unsigned level)
{
	if (level == 0)
		return p->sector ? p->sector : -1;
	if (p->isco_digits < level || p->isco_digits > 4)
		return -1;
	return p->isco / pow10_tab[p->isco_digits - level];
}

static int ent_cmp(const void *a, const void *b)
{
	const struct ent *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->region != y->region)
		return x->region < y->region ? -1 : 1;
	if (x->muni != y->muni)
		return x->muni < y->muni ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static void index_free(struct side_index *ix)
{
	for (int l = 0; l < LEVELS; l++) {
		free(ix->lv[l].t);
		free(ix->lv[l].region);
		free(ix->lv[l].muni);
		free(ix->lv[l].keys);
		free(ix->lv[l].koff);
	}
	free(ix->lang_t);
	memset(ix, 0, sizeof(*ix));
}

static int index_build(struct side_index *ix, const struct match_profile *t, size_t n,
		       const uint8_t *active, const struct match_weights *w, int participants)
{
	memset(ix, 0, sizeof(*ix));
	struct ent *e = malloc((n ? n : 1) * sizeof(*e));
	if (!e)
		return -1;
	for (unsigned l = 0; l < LEVELS; l++) {
		size_t m = 0;
		for (size_t i = 0; i < n; i++) {
			int64_t k = active[i] ? level_key(&t[i], l) : -1;
			if (k < 0)
				continue;
			e[m++] = (struct ent){ (uint32_t)k, t[i].region, t[i].municipality, (uint32_t)i };
		}
		qsort(e, m, sizeof(*e), ent_cmp);
		struct level_index *L = &ix->lv[l];
		L->t = malloc((m ? m : 1) * sizeof(struct tinfo));
		L->region = malloc((m ? m : 1) * sizeof(uint32_t));
		L->muni = malloc((m ? m : 1) * sizeof(uint32_t));
		L->keys = malloc((m ? m : 1) * sizeof(uint32_t));
		L->koff = malloc((m + 1) * sizeof(size_t));
		if (!L->t || !L->region || !L->muni || !L->keys || !L->koff) {
			free(e);
			index_free(ix);
			return -1;
		}
		size_t nk = 0;
		for (size_t i = 0; i < m; i++) {
			const struct match_profile *p = &t[e[i].idx];
			L->t[i] = (struct tinfo){ .person = p->person, .langs = p->langs, .tags = p->tags,
						  .wants = p->wants, .idx = e[i].idx, .modes = p->modes,
						  .wait = participants ? match_wait_points(w, p) : 0 };
			L->region[i] = e[i].region;
			L->muni[i] = e[i].muni;
			if (i == 0 || e[i].key != e[i - 1].key) {
				L->keys[nk] = e[i].key;
				L->koff[nk++] = i;
			}
		}
		L->koff[nk] = m;
		L->nkeys = nk;
	}
	free(e);
	size_t total = 0;
	for (size_t i = 0; i < n; i++)
		if (active[i])
			for (unsigned l = 0; l < 64; l++)
				if (t[i].langs >> l & 1) {
					ix->lang_off[l + 1]++;
					total++;
				}
	for (unsigned l = 0; l < 64; l++)
		ix->lang_off[l + 1] += ix->lang_off[l];
	ix->lang_t = malloc((total ? total : 1) * sizeof(uint32_t));
	size_t fill[64];
	if (!ix->lang_t) {
		index_free(ix);
		return -1;
	}
	memcpy(fill, ix->lang_off, sizeof(fill));
	for (size_t i = 0; i < n; i++)
		if (active[i])
			for (unsigned l = 0; l < 64; l++)
				if (t[i].langs >> l & 1)
					ix->lang_t[fill[l]++] = (uint32_t)i;
	return 0;
}

/* First position in [lo, hi) whose value is >= v (arrays sorted there). */
static size_t lower(const uint32_t *a, size_t lo, size_t hi, uint32_t v)
{
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (a[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int find_group(const struct level_index *L, uint32_t key, size_t *lo, size_t *hi)
{
	size_t k = lower(L->keys, 0, L->nkeys, key);
	if (k == L->nkeys || L->keys[k] != key)
		return 0;
	*lo = L->koff[k];
	*hi = L->koff[k + 1];
	return 1;
}

/* ---- top K ------------------------------------------------------------------ */

struct topk {
	uint32_t *idx;
	int32_t *score;
	size_t n, cap;
	uint32_t k; /* 0 = unlimited */
};

/* a is worse than b: lower score, or equal score and higher index. */
static int worse(int32_t sa, uint32_t ia, int32_t sb, uint32_t ib)
{
	return sa < sb || (sa == sb && ia > ib);
}

static int topk_full(const struct topk *t)
{
	return t->k && t->n == t->k;
}

static void topk_sift_down(struct topk *t, size_t i)
{
	for (;;) {
		size_t c = 2 * i + 1, m = i;
		if (c < t->n && worse(t->score[c], t->idx[c], t->score[m], t->idx[m]))
			m = c;
		if (c + 1 < t->n && worse(t->score[c + 1], t->idx[c + 1], t->score[m], t->idx[m]))
			m = c + 1;
		if (m == i)
			return;
		int32_t s = t->score[i];
		uint32_t x = t->idx[i];
		t->score[i] = t->score[m];
		t->idx[i] = t->idx[m];
		t->score[m] = s;
		t->idx[m] = x;
		i = m;
	}
}

/* Would (s, i) enter? */
static int topk_admits(const struct topk *t, int32_t s, uint32_t i)
{
	return !topk_full(t) || worse(t->score[0], t->idx[0], s, i);
}

static int topk_push(struct topk *t, int32_t s, uint32_t i)
{
	if (topk_full(t)) {
		t->score[0] = s;
		t->idx[0] = i;
		topk_sift_down(t, 0);
		return 0;
	}
	if (t->n == t->cap) {
		size_t nc = t->cap ? 2 * t->cap : 64;
		uint32_t *ni = realloc(t->idx, nc * sizeof(uint32_t));
		if (!ni)
			return -1;
		t->idx = ni;
		int32_t *ns = realloc(t->score, nc * sizeof(int32_t));
		if (!ns)
			return -1;
		t->score = ns;
		t->cap = nc;
	}
	size_t c = t->n++;
	t->score[c] = s;
	t->idx[c] = i;
	if (!t->k)
		return 0; /* unlimited: no heap order needed */
	while (c > 0) {
		size_t p = (c - 1) / 2;
		if (!worse(t->score[c], t->idx[c], t->score[p], t->idx[p]))
			break;
		int32_t s2 = t->score[c];
		uint32_t x = t->idx[c];
		t->score[c] = t->score[p];
		t->idx[c] = t->idx[p];
		t->score[p] = s2;
		t->idx[p] = x;
		c = p;
	}
	return 0;
}

/* ---- growable edge lists ------------------------------------------------------ */

struct elist {
	size_t *off;
	uint32_t *to;
	int32_t *score;
	size_t n, cap;
};

static int elist_add(struct elist *l, uint32_t to, int32_t score)
{
	if (l->n == l->cap) {
		size_t nc = l->cap ? 2 * l->cap : 1024;
		uint32_t *nt = realloc(l->to, nc * sizeof(uint32_t));
		if (!nt)
			return -1;
		l->to = nt;
		int32_t *ns = realloc(l->score, nc * sizeof(int32_t));
		if (!ns)
			return -1;
		l->score = ns;
		l->cap = nc;
	}
	l->to[l->n] = to;
	l->score[l->n++] = score;
	return 0;
}

static void elist_free(struct elist *l)
{
	free(l->off);
	free(l->to);
	free(l->score);
	memset(l, 0, sizeof(*l));
}

/* ---- scanning --------------------------------------------------------------- */

struct scan {
	const struct match_weights *w;
	const struct match_profile *S, *T; /* scanners, targets */
	const struct match_geo *Sg, *Tg;
	const uint8_t *Shist, *Thist;      /* has any history entry */
	int s_is_participant;
	const struct side_index *ix;
	const struct match_history *h;
	uint32_t event;
	uint32_t *stamp, cur;
	int32_t wait_all; /* largest waiting points among participants */
	int32_t wait_s;   /* the scanning participant's waiting points */
	enum match_reason none_reason; /* when nothing at all was looked at */
	struct topk top;
	uint32_t counts[MATCH_R_COUNT];
	uint64_t scored;
};

static int32_t max3(int32_t a, int32_t b, int32_t c)
{
	int32_t m = a > b ? a : b;
	return m > c ? m : c;
}

/* Consider target t for scanner s, met in a group worth occ points and a
 * range whose place points are at most place_b. A target met here for the
 * first time has at most occ occupation points: had it been in a group worth
 * more, that group came first and either scanned it or skipped its whole
 * range for a bound below the K-th best, which has only grown since. So a
 * cheap bound (no distance, no history) decides most targets once the top K
 * is full; the full score is computed only for those that could enter. */
/* Score target t fully and keep it if it enters the top K. */
static int score_target(struct scan *c, uint32_t s, uint32_t t)
{
	const struct match_profile *p, *d;
	const struct match_geo *pg, *dg;
	if (c->s_is_participant) {
		p = &c->S[s], d = &c->T[t], pg = &c->Sg[s], dg = &c->Tg[t];
	} else {
		p = &c->T[t], d = &c->S[s], pg = &c->Tg[t], dg = &c->Sg[s];
	}
	struct match_breakdown bd;
	c->scored++;
	enum match_reason r = match_pair_eval(c->w, p, d, pg, dg, c->event, 0, &bd);
	if (r != MATCH_OK) {
		c->counts[r]++;
		return 0;
	}
	if (!topk_admits(&c->top, bd.total, t))
		return 0;
	if (c->Shist[s] && c->Thist[t] && match_history_has(c->h, p->person, d->person)) {
		c->counts[MATCH_R_HISTORY]++;
		return 0;
	}
	return topk_push(&c->top, bd.total, t);
}

static int consider(struct scan *c, uint32_t s, const struct tinfo *ti, int32_t occ, int32_t place_b)
{
	uint32_t t = ti->idx;
	if (c->stamp[t] == c->cur)
		return 0;
	c->stamp[t] = c->cur;
	const struct match_weights *w = c->w;
	const struct match_profile *sp = &c->S[s];
	if (topk_full(&c->top)) {
		int common = sp->modes & ti->modes & (MATCH_MODE_IN_PERSON | MATCH_MODE_ONLINE);
		if (sp->person == ti->person || !(sp->langs & ti->langs) || !common)
			return 0; /* not allowed; reasons only matter while the top K has room */
		int32_t mode_b = w->mode_online;
		if ((common & MATCH_MODE_IN_PERSON) && w->mode_in_person > mode_b)
			mode_b = w->mode_in_person;
		int64_t n = match_popcount(sp->wants & ti->tags) + match_popcount(ti->wants & sp->tags);
		int64_t pref = n * w->pref_each;
		int32_t bound = occ + place_b + mode_b + (int32_t)(pref < w->pref_max ? pref : w->pref_max) +
				c->wait_s + ti->wait;
		if (!topk_admits(&c->top, bound, t))
			return 0;
	}
	return score_target(c, s, t);
}

static int scan_range(struct scan *c, uint32_t s, const struct tinfo *ti, size_t lo, size_t hi,
		      int32_t bound, int32_t occ, int32_t place_b)
{
	if (topk_full(&c->top) && bound < c->top.score[0])
		return 0;
	for (size_t i = lo; i < hi; i++)
		if (consider(c, s, &ti[i], occ, place_b) < 0)
			return -1;
	return 0;
}

static int scan_one(struct scan *c, uint32_t s)
{
	const struct match_weights *w = c->w;
	const struct match_profile *sp = &c->S[s];
	c->top.n = 0;
	memset(c->counts, 0, sizeof(c->counts));
	const int32_t pts[LEVELS] = { w->occ_sector, w->occ_major, w->occ_sub_major,
				      w->occ_minor, w->occ_unit };
	/* Levels from the most to the least points (more digits first on ties). */
	unsigned order[LEVELS], n = 0;
	static const unsigned pref_order[LEVELS] = { 4, 3, 2, 1, 0 };
	for (unsigned k = 0; k < LEVELS; k++) {
		unsigned l = pref_order[k];
		if (pts[l] >= w->occ_min && level_key(sp, l) >= 0)
			order[n++] = l;
	}
	for (unsigned a = 1; a < n; a++)
		for (unsigned b = a; b > 0 && pts[order[b]] > pts[order[b - 1]]; b--) {
			unsigned x = order[b];
			order[b] = order[b - 1];
			order[b - 1] = x;
		}
	int32_t mode_b = w->mode_in_person > w->mode_online ? w->mode_in_person : w->mode_online;
	int64_t np = (int64_t)(match_popcount(sp->wants) + match_popcount(sp->tags)) * w->pref_each;
	int32_t pref_b = (int32_t)(np < w->pref_max ? np : w->pref_max);
	/* The scanner's own waiting points (door openers: 0; the targets then
	 * bring theirs). */
	c->wait_s = c->s_is_participant ? match_wait_points(w, sp) : 0;
	int32_t wait_b = c->s_is_participant ? c->wait_s : c->wait_all;
	int32_t rest = mode_b + pref_b + wait_b;
	int32_t pl_muni = max3(w->place_municipality, w->place_region, w->place_near);
	int32_t pl_region = w->place_region > w->place_near ? w->place_region : w->place_near;
	int32_t pl_far = w->place_near;
	/* Few people share the scanner's languages (a rare language, no common
	 * one): go through the language postings instead of the occupation
	 * groups. Every allowed pair shares a language, so this is exact. */
	size_t by_occ = 0, by_lang = 0;
	for (unsigned k = 0; k < n; k++) {
		size_t lo, hi;
		if (find_group(&c->ix->lv[order[k]], (uint32_t)level_key(sp, order[k]), &lo, &hi))
			by_occ += hi - lo;
	}
	for (unsigned l = 0; l < 64; l++)
		if (sp->langs >> l & 1)
			by_lang += c->ix->lang_off[l + 1] - c->ix->lang_off[l];
	c->none_reason = MATCH_R_OCCUPATION;
	if (by_lang < by_occ) {
		c->none_reason = MATCH_R_LANGUAGE;
		for (unsigned l = 0; l < 64; l++) {
			if (!(sp->langs >> l & 1))
				continue;
			for (size_t q = c->ix->lang_off[l]; q < c->ix->lang_off[l + 1]; q++) {
				uint32_t t = c->ix->lang_t[q];
				if (c->stamp[t] == c->cur)
					continue;
				c->stamp[t] = c->cur;
				if (score_target(c, s, t) < 0)
					return -1;
			}
		}
		return 0;
	}
	for (unsigned k = 0; k < n; k++) {
		unsigned l = order[k];
		const struct level_index *L = &c->ix->lv[l];
		size_t lo, hi;
		if (!find_group(L, (uint32_t)level_key(sp, l), &lo, &hi))
			continue;
		int32_t base = pts[l] + rest;
		if (topk_full(&c->top) && base + pl_muni < c->top.score[0])
			break;
		/* [r0, r1): same region; [m0, m1) inside it: same municipality. */
		size_t r0 = lower(L->region, lo, hi, sp->region), r1 = r0;
		if (r0 < hi && L->region[r0] == sp->region)
			r1 = sp->region == UINT32_MAX ? hi : lower(L->region, r0, hi, sp->region + 1);
		size_t m0 = lower(L->muni, r0, r1, sp->municipality), m1 = m0;
		if (m0 < r1 && L->muni[m0] == sp->municipality)
			m1 = sp->municipality == UINT32_MAX ? r1
							    : lower(L->muni, m0, r1, sp->municipality + 1);
		int32_t o = pts[l];
		if (scan_range(c, s, L->t, m0, m1, base + pl_muni, o, pl_muni) < 0 ||
		    scan_range(c, s, L->t, r0, m0, base + pl_region, o, pl_region) < 0 ||
		    scan_range(c, s, L->t, m1, r1, base + pl_region, o, pl_region) < 0 ||
		    scan_range(c, s, L->t, lo, r0, base + pl_far, o, pl_far) < 0 ||
		    scan_range(c, s, L->t, r1, hi, base + pl_far, o, pl_far) < 0)
			return -1;
	}
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Scan every active scanner; out gets each one's list sorted by target. */
static int scan_side(struct scan *c, size_t ns, const uint8_t *sactive, struct elist *out,
		     uint8_t *reason, int any_target)
{
	out->off = calloc(ns + 1, sizeof(size_t));
	if (!out->off)
		return -1;
	uint64_t *pairs = NULL;
	size_t pcap = 0;
	for (size_t s = 0; s < ns; s++) {
		out->off[s] = out->n;
		if (!sactive[s])
			continue;
		c->cur++;
		if (scan_one(c, (uint32_t)s) < 0)
			goto fail;
		if (reason) {
			enum match_reason r = MATCH_OK;
			if (c->top.n == 0) {
				uint32_t best = 0;
				r = any_target ? c->none_reason : MATCH_R_NO_OPENERS;
				for (int k = 1; k < MATCH_R_COUNT; k++)
					if (c->counts[k] > best) {
						best = c->counts[k];
						r = (enum match_reason)k;
					}
			}
			reason[s] = (uint8_t)r;
		}
		/* Sort by target index: pack (target, score) and sort. */
		if (c->top.n > pcap) {
			size_t nc = c->top.n * 2;
			uint64_t *np = realloc(pairs, nc * sizeof(uint64_t));
			if (!np)
				goto fail;
			pairs = np;
			pcap = nc;
		}
		for (size_t i = 0; i < c->top.n; i++)
			pairs[i] = (uint64_t)c->top.idx[i] << 32 | (uint32_t)c->top.score[i];
		if (c->top.n > 1)
			qsort(pairs, c->top.n, sizeof(uint64_t), cmp_u64);
		for (size_t i = 0; i < c->top.n; i++)
			if (elist_add(out, (uint32_t)(pairs[i] >> 32), (int32_t)(uint32_t)pairs[i]) < 0)
				goto fail;
	}
	out->off[ns] = out->n;
	free(pairs);
	return 0;
fail:
	free(pairs);
	return -1;
}

/* ---- the graph ------------------------------------------------------------------ */

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

static uint8_t *history_flags(const struct match_profile *a, size_t n,
			      const struct match_history *h, int participant_side)
{
	uint8_t *f = calloc(n ? n : 1, 1);
	if (!f || !h || h->n == 0)
		return f;
	/* History is sorted by participant, then opener: look people up. */
	for (size_t i = 0; i < n; i++) {
		int64_t who = a[i].person;
		if (participant_side) {
			size_t lo = 0, hi = h->n;
			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;
				if (h->pairs[mid].participant < who)
					lo = mid + 1;
				else
					hi = mid;
			}
			f[i] = lo < h->n && h->pairs[lo].participant == who;
		}
	}
	if (!participant_side) {
		/* Openers: mark everyone who appears; sort a copy of the ids. */
		int64_t *ids = malloc(h->n * sizeof(int64_t));
		if (!ids) {
			free(f);
			return NULL;
		}
		for (size_t k = 0; k < h->n; k++)
			ids[k] = h->pairs[k].opener;
		qsort(ids, h->n, sizeof(int64_t), cmp_i64);
		for (size_t i = 0; i < n; i++) {
			size_t lo = 0, hi = h->n;
			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;
				if (ids[mid] < a[i].person)
					lo = mid + 1;
				else
					hi = mid;
			}
			f[i] = lo < h->n && ids[lo] == a[i].person;
		}
		free(ids);
	}
	return f;
}

void match_cand_free(struct match_cand *c)
{
	free(c->off);
	free(c->to);
	free(c->score);
	free(c->reason);
	memset(c, 0, sizeof(*c));
}

int match_candidates(const struct match_profile *parts, size_t np, const uint32_t *pcap,
		     const struct match_profile *opens, size_t no, const uint32_t *ocap,
		     const struct match_weights *w, const struct match_history *h,
		     uint32_t event, uint32_t k, struct match_cand *out)
{
	memset(out, 0, sizeof(*out));
	if (np >= UINT32_MAX / 2 || no >= UINT32_MAX / 2)
		return -1;
	int rc = -1;
	struct side_index pix, oix;
	memset(&pix, 0, sizeof(pix));
	memset(&oix, 0, sizeof(oix));
	struct elist pl, ol;
	memset(&pl, 0, sizeof(pl));
	memset(&ol, 0, sizeof(ol));
	struct scan c;
	memset(&c, 0, sizeof(c));
	uint8_t *pact = calloc(np ? np : 1, 1), *oact = calloc(no ? no : 1, 1);
	struct match_geo *pg = calloc(np ? np : 1, sizeof(*pg)), *og = calloc(no ? no : 1, sizeof(*og));
	uint8_t *phist = history_flags(parts, np, h, 1), *ohist = history_flags(opens, no, h, 0);
	uint32_t *pstamp = calloc(np ? np : 1, sizeof(uint32_t));
	uint32_t *ostamp = calloc(no ? no : 1, sizeof(uint32_t));
	size_t *tr_off = NULL;
	uint32_t *tr_to = NULL;
	int32_t *tr_sc = NULL;
	out->reason = calloc(np ? np : 1, 1);
	if (!pact || !oact || !pg || !og || !phist || !ohist || !pstamp || !ostamp || !out->reason)
		goto done;
	int any_opener = 0;
	int32_t wait_all = 0;
	for (size_t i = 0; i < np; i++) {
		pact[i] = (!pcap || pcap[i] > 0) && (!event || parts[i].event == event);
		out->reason[i] = (uint8_t)(event && parts[i].event != event ? MATCH_R_NOT_IN_EVENT
									   : MATCH_R_CAPACITY);
		match_geo_of(&parts[i], &pg[i]);
		int32_t wp = match_wait_points(w, &parts[i]);
		if (pact[i] && wp > wait_all)
			wait_all = wp;
	}
	for (size_t j = 0; j < no; j++) {
		oact[j] = (!ocap || ocap[j] > 0) && (!event || opens[j].event == event);
		any_opener |= oact[j];
		match_geo_of(&opens[j], &og[j]);
	}
	if (index_build(&oix, opens, no, oact, w, 0) < 0)
		goto done;
	c.w = w;
	c.h = h;
	c.event = event;
	c.wait_all = wait_all;
	c.top.k = k;

	/* Participants pick their top K door openers. */
	c.S = parts, c.T = opens, c.Sg = pg, c.Tg = og, c.Shist = phist, c.Thist = ohist;
	c.s_is_participant = 1;
	c.ix = &oix;
	c.stamp = ostamp;
	c.cur = 0;
	if (scan_side(&c, np, pact, &pl, out->reason, any_opener) < 0)
		goto done;
	index_free(&oix);

	if (k > 0) {
		/* Door openers pick their top K participants. */
		if (index_build(&pix, parts, np, pact, w, 1) < 0)
			goto done;
		c.S = opens, c.T = parts, c.Sg = og, c.Tg = pg, c.Shist = ohist, c.Thist = phist;
		c.s_is_participant = 0;
		c.ix = &pix;
		c.stamp = pstamp;
		c.cur = 0;
		if (scan_side(&c, no, oact, &ol, NULL, 1) < 0)
			goto done;
		index_free(&pix);
	} else {
		ol.off = calloc(no + 1, sizeof(size_t));
		if (!ol.off)
			goto done;
	}

	/* Transpose the door openers' lists (ascending opener per participant). */
	tr_off = calloc(np + 1, sizeof(size_t));
	tr_to = malloc((ol.n ? ol.n : 1) * sizeof(uint32_t));
	tr_sc = malloc((ol.n ? ol.n : 1) * sizeof(int32_t));
	if (!tr_off || !tr_to || !tr_sc)
		goto done;
	for (size_t e = 0; e < ol.n; e++)
		tr_off[ol.to[e] + 1]++;
	for (size_t i = 0; i < np; i++)
		tr_off[i + 1] += tr_off[i];
	for (size_t j = 0; j < no; j++)
		for (size_t e = ol.off[j]; e < ol.off[j + 1]; e++) {
			size_t at = tr_off[ol.to[e]]++;
			tr_to[at] = (uint32_t)j;
			tr_sc[at] = ol.score[e];
		}
	for (size_t i = np; i > 0; i--)
		tr_off[i] = tr_off[i - 1];
	tr_off[0] = 0;

	/* Merge the two sorted lists of every participant. */
	size_t cap = pl.n + ol.n;
	out->off = calloc(np + 1, sizeof(size_t));
	out->to = malloc((cap ? cap : 1) * sizeof(uint32_t));
	out->score = malloc((cap ? cap : 1) * sizeof(int32_t));
	if (!out->off || !out->to || !out->score)
		goto done;
	size_t m = 0;
	for (size_t i = 0; i < np; i++) {
		out->off[i] = m;
		size_t a = pl.off[i], ae = pl.off[i + 1], b = tr_off[i], be = tr_off[i + 1];
		while (a < ae || b < be) {
			if (b == be || (a < ae && pl.to[a] <= tr_to[b])) {
				if (b < be && pl.to[a] == tr_to[b])
					b++;
				out->to[m] = pl.to[a];
				out->score[m++] = pl.score[a++];
			} else {
				out->to[m] = tr_to[b];
				out->score[m++] = tr_sc[b++];
			}
		}
		if (m > out->off[i])
			out->reason[i] = MATCH_OK;
	}
	out->off[np] = m;
	out->np = (uint32_t)np;
	out->no = (uint32_t)no;
	out->scored = c.scored;
	rc = 0;
done:
	index_free(&pix);
	index_free(&oix);
	elist_free(&pl);
	elist_free(&ol);
	free(c.top.idx);
	free(c.top.score);
	free(pact);
	free(oact);
	free(pg);
	free(og);
	free(phist);
	free(ohist);
	free(pstamp);
	free(ostamp);
	free(tr_off);
	free(tr_to);
	free(tr_sc);
	if (rc < 0)
		match_cand_free(out);
	return rc;
}

int64_t match_people_bonus(const struct match_cand *c, const uint32_t *pcap,
			   const uint32_t *ocap, enum match_objective objective)
{
	if (objective != MATCH_MAX_PEOPLE)
		return 0;
	size_t m = c->off[c->np];
	if (m == 0)
		return 1;
	int32_t smin = INT32_MAX, smax = INT32_MIN;
	int64_t lsum = 0, rsum = 0;
	uint8_t *seen = calloc(c->no ? c->no : 1, 1);
	if (!seen)
		return -1;
	for (uint32_t i = 0; i < c->np; i++) {
		if (c->off[i + 1] > c->off[i])
			lsum += pcap ? pcap[i] : 1;
		for (size_t e = c->off[i]; e < c->off[i + 1]; e++) {
			if (c->score[e] < smin)
				smin = c->score[e];
			if (c->score[e] > smax)
				smax = c->score[e];
			if (!seen[c->to[e]]) {
				seen[c->to[e]] = 1;
				rsum += ocap ? ocap[c->to[e]] : 1;
			}
		}
	}
	free(seen);
	int64_t kmax = lsum < rsum ? lsum : rsum;
	if (smin < 0)
		smin = 0;
	int64_t bonus, top, total;
	if (__builtin_mul_overflow(kmax, (int64_t)smax - smin, &bonus) ||
	    __builtin_add_overflow(bonus, 1, &bonus) ||
	    __builtin_add_overflow(bonus, (int64_t)smax, &top) ||
	    __builtin_mul_overflow(top, kmax, &total) || total > INT64_MAX / 8)
		return -1;
	return bonus;
}

/* Hard rules and the pair score (see match.h and docs/matching.md). */
#include "match/match.h"
#include "match/score.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void match_weights_default(struct match_weights *w)
{
	memset(w, 0, sizeof(*w));
	w->occ_unit = 400;
	w->occ_minor = 300;
	w->occ_sub_major = 200;
	w->occ_sector = 150;
	w->occ_major = 50;
	w->occ_min = 100;
	w->place_municipality = 100;
	w->place_region = 60;
	w->place_near = 40;
	w->near_km = 100;
	w->in_person_max_km = 60;
	w->mode_in_person = 40;
	w->mode_online = 20;
	w->pref_each = 30;
	w->pref_max = 60;
	w->wait_per_month = 20;
	w->wait_max_days = 365;
	w->returned_bonus = 200;
	w->first_meeting_bonus = 1000;
	w->candidates = 50;
	w->objective = MATCH_MAX_PEOPLE;
}

int match_weights_check(const struct match_weights *w, const char **why)
{
	static const struct {
		const char *name;
		size_t off;
	} f[] = {
#define F(x) { #x, offsetof(struct match_weights, x) }
		F(occ_unit), F(occ_minor), F(occ_sub_major), F(occ_major),
		F(occ_sector), F(occ_min), F(place_municipality),
		F(place_region), F(place_near), F(near_km),
		F(in_person_max_km), F(mode_in_person), F(mode_online),
		F(pref_each), F(pref_max), F(wait_per_month), F(wait_max_days), F(returned_bonus),
		F(first_meeting_bonus),
#undef F
	};
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		int32_t v;
		memcpy(&v, (const char *)w + f[i].off, sizeof(v));
		if (v < 0 || v > MATCH_WEIGHT_MAX) {
			if (why)
				*why = f[i].name;
			return -1;
		}
	}
	if (w->objective != MATCH_MAX_PEOPLE && w->objective != MATCH_MAX_SCORE) {
		if (why)
			*why = "objective";
		return -1;
	}
	if (w->candidates > 100000) {
		if (why)
			*why = "candidates";
		return -1;
	}
	return 0;
}

const char *match_reason_key(enum match_reason r)
{
	static const char *const keys[MATCH_R_COUNT] = {
		[MATCH_OK] = "ok",
		[MATCH_R_SAME_PERSON] = "same-person",
		[MATCH_R_NOT_IN_EVENT] = "not-in-event",
		[MATCH_R_LANGUAGE] = "language",
		[MATCH_R_OCCUPATION] = "occupation",
		[MATCH_R_MODE] = "meeting-mode",
		[MATCH_R_DISTANCE] = "distance",
		[MATCH_R_HISTORY] = "met-before",
		[MATCH_R_CAPACITY] = "capacity",
		[MATCH_R_TAKEN] = "taken",
		[MATCH_R_NO_OPENERS] = "no-openers",
		[MATCH_R_ONE_AT_A_TIME] = "one-at-a-time",
	};
	if ((unsigned)r >= MATCH_R_COUNT)
		return "unknown";
	return keys[r];
}

/* ---- history ------------------------------------------------------------ */

static int pair_cmp(const void *a, const void *b)
{
	const struct match_pair *x = a, *y = b;
	if (x->participant != y->participant)
		return x->participant < y->participant ? -1 : 1;
	if (x->opener != y->opener)
		return x->opener < y->opener ? -1 : 1;
	return 0;
}

int match_history_init(struct match_history *h, const struct match_pair *pairs, size_t n)
{
	h->pairs = NULL;
	h->n = 0;
	if (n == 0)
		return 0;
	if (n > SIZE_MAX / sizeof(*pairs))
		return -1;
	h->pairs = malloc(n * sizeof(*pairs));
	if (!h->pairs)
		return -1;
	memcpy(h->pairs, pairs, n * sizeof(*pairs));
	qsort(h->pairs, n, sizeof(*pairs), pair_cmp);
	h->n = n;
	return 0;
}

int match_history_has(const struct match_history *h, int64_t participant, int64_t opener)
{
	if (!h || h->n == 0)
		return 0;
	struct match_pair key = { participant, opener };
	size_t lo = 0, hi = h->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = pair_cmp(&h->pairs[mid], &key);
		if (c == 0)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

void match_history_free(struct match_history *h)
{
	free(h->pairs);
	h->pairs = NULL;
	h->n = 0;
}

/* ---- score parts -------------------------------------------------------- */

static const uint16_t pow10_tab[5] = { 1, 10, 100, 1000, 10000 };

/* The first `level` digits of the code, or -1 when it has fewer digits. */
static int isco_prefix(const struct match_profile *a, unsigned level)
{
	if (a->isco_digits < level || a->isco_digits > 4)
		return -1;
	return a->isco / pow10_tab[a->isco_digits - level];
}

int32_t match_occ_points(const struct match_weights *w, const struct match_profile *a,
			 const struct match_profile *b, uint8_t *level)
{
	/* Every level the two reach counts; the pair gets the best (on equal
	 * points, the closer level). Sharing a unit group also means sharing its
	 * minor, sub-major and major group. */
	int32_t best = 0;
	uint8_t lvl = MATCH_OCC_NONE;
	static const uint8_t lv[5] = { 0, MATCH_OCC_MAJOR, MATCH_OCC_SUB_MAJOR,
				       MATCH_OCC_MINOR, MATCH_OCC_UNIT };
	const int32_t pts[5] = { 0, w->occ_major, w->occ_sub_major, w->occ_minor, w->occ_unit };
	unsigned common = a->isco_digits < b->isco_digits ? a->isco_digits : b->isco_digits;
	if (common > 4)
		common = 4;
	for (unsigned l = common; l >= 1; l--) {
		if (isco_prefix(a, l) != isco_prefix(b, l))
			continue;
		if (lvl == MATCH_OCC_NONE || pts[l] > best) {
			best = pts[l];
			lvl = lv[l];
		}
	}
	if (a->sector && a->sector == b->sector && (lvl == MATCH_OCC_NONE || w->occ_sector > best)) {
		best = w->occ_sector;
		lvl = MATCH_OCC_SECTOR;
	}
	if (level)
		*level = lvl;
	return best;
}

void match_geo_of(const struct match_profile *p, struct match_geo *g)
{
	memset(g, 0, sizeof(*g));
	if (!p->has_coords)
		return;
	const double deg = 3.14159265358979323846 / 180.0 / 1e6;
	double la = p->lat_e6 * deg, lo = p->lon_e6 * deg;
	g->x = cos(la) * cos(lo);
	g->y = cos(la) * sin(lo);
	g->z = sin(la);
	g->ok = 1;
}

int32_t match_geo_km(const struct match_geo *a, const struct match_geo *b)
{
	if (!a->ok || !b->ok)
		return -1;
	double dx = a->x - b->x, dy = a->y - b->y, dz = a->z - b->z;
	double chord = sqrt(dx * dx + dy * dy + dz * dz);
	if (chord > 2)
		chord = 2;
	return (int32_t)(2 * 6371.0 * asin(chord / 2) + 0.5);
}

int32_t match_distance_km(const struct match_profile *a, const struct match_profile *b)
{
	struct match_geo ga, gb;
	match_geo_of(a, &ga);
	match_geo_of(b, &gb);
	return match_geo_km(&ga, &gb);
}

int32_t match_wait_points(const struct match_weights *w, const struct match_profile *p)
{
	int64_t d = p->wait_days;
	if (d < 0)
		d = 0;
	if (d > w->wait_max_days)
		d = w->wait_max_days;
	return (int32_t)(d * w->wait_per_month / 30) + (p->returned ? w->returned_bonus : 0);
}

enum match_reason match_pair_eval(const struct match_weights *w,
				  const struct match_profile *p, const struct match_profile *d,
				  const struct match_geo *pg, const struct match_geo *dg,
				  uint32_t event, int full, struct match_breakdown *b)
{
	struct match_breakdown bd;
	memset(&bd, 0, sizeof(bd)); /* padding too: results compare byte for byte */
	if (p->person == d->person)
		return MATCH_R_SAME_PERSON;
	if (event && (p->event != event || d->event != event))
		return MATCH_R_NOT_IN_EVENT;
	if (!(p->langs & d->langs))
		return MATCH_R_LANGUAGE;
	bd.occupation = match_occ_points(w, p, d, &bd.occ_level);
	if (bd.occ_level == MATCH_OCC_NONE || bd.occupation < w->occ_min)
		return MATCH_R_OCCUPATION;
	int common = p->modes & d->modes & (MATCH_MODE_IN_PERSON | MATCH_MODE_ONLINE);
	if (!common)
		return MATCH_R_MODE;

	int same_region = p->region == d->region;
	int same_muni = same_region && p->municipality && p->municipality == d->municipality;
	if (same_muni) {
		bd.place = w->place_municipality;
		bd.place_level = MATCH_PLACE_MUNICIPALITY;
	} else if (same_region && p->region) {
		bd.place = w->place_region;
		bd.place_level = MATCH_PLACE_REGION;
	}
	/* The distance counts only where the municipality does not decide. */
	bd.distance_km = -1;
	if (full || (!same_muni && (w->place_near > bd.place || (common & MATCH_MODE_IN_PERSON))))
		bd.distance_km = match_geo_km(pg, dg);
	if (!same_muni && bd.distance_km >= 0 && bd.distance_km < w->near_km && w->place_near > bd.place) {
		int32_t near = (int32_t)((int64_t)w->place_near * (w->near_km - bd.distance_km) / w->near_km);
		if (near > bd.place) {
			bd.place = near;
			bd.place_level = MATCH_PLACE_NEAR;
		}
	}

	int in_person = 0;
	if (common & MATCH_MODE_IN_PERSON) {
		if (same_muni)
			in_person = 1;
		else if (bd.distance_km >= 0)
			in_person = bd.distance_km <= w->in_person_max_km;
		else
			in_person = same_region && p->region;
	}
	if (in_person) {
		bd.mode = w->mode_in_person;
		bd.meeting = MATCH_MODE_IN_PERSON;
	} else if (common & MATCH_MODE_ONLINE) {
		bd.mode = w->mode_online;
		bd.meeting = MATCH_MODE_ONLINE;
	} else {
		return MATCH_R_DISTANCE;
	}
	int64_t n = match_popcount(p->wants & d->tags) + match_popcount(d->wants & p->tags);
	int64_t pref = n * w->pref_each;
	bd.preference = (int32_t)(pref < w->pref_max ? pref : w->pref_max);
	bd.waiting = match_wait_points(w, p);
	bd.total = bd.occupation + bd.place + bd.mode + bd.preference + bd.waiting;
	*b = bd;
	return MATCH_OK;
}

enum match_reason match_pair_score(const struct match_weights *w,
				   const struct match_profile *p,
				   const struct match_profile *d,
				   const struct match_history *h, uint32_t event,
				   struct match_breakdown *b)
{
	struct match_geo pg, dg;
	struct match_breakdown bd;
	match_geo_of(p, &pg);
	match_geo_of(d, &dg);
	enum match_reason r = match_pair_eval(w, p, d, &pg, &dg, event, 1, &bd);
	if (r != MATCH_OK)
		return r;
	if (match_history_has(h, p->person, d->person))
		return MATCH_R_HISTORY;
	if (b)
		*b = bd;
	return MATCH_OK;
}

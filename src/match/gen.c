/* Synthetic population generator (see gen.h). The tables are rough shares
 * chosen to look like a Helsinki-region programme; they are not statistics. */
#include "match/gen.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- PRNG ----------------------------------------------------------------- */

static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void match_rng_seed(struct match_rng *r, uint64_t seed)
{
	uint64_t x = seed;
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t match_rng_next(struct match_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

uint32_t match_rng_below(struct match_rng *r, uint32_t n)
{
	/* Lemire's multiply-shift; the tiny bias is irrelevant here. */
	return (uint32_t)(((match_rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

double match_rng_unit(struct match_rng *r)
{
	return (double)(match_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* ---- tables ----------------------------------------------------------------- */

enum {
	S_ICT = 1, S_COMM, S_CULTURE, S_EDU, S_SOCIAL, S_HEALTH, S_ENG, S_BUSINESS,
	S_LAW, S_SCIENCE, S_BUILD, S_TRADE, S_COUNT
};

static const char *const sector_names[S_COUNT] = {
	"?", "ict", "communication", "culture", "education", "social-work", "health",
	"engineering", "business", "law-administration", "science", "construction",
	"hospitality-trade",
};

/* Shares in per mille for participants and door openers. */
static const uint16_t sector_share[S_COUNT][2] = {
	{ 0, 0 }, { 260, 240 }, { 120, 120 }, { 100, 110 }, { 120, 130 }, { 100, 110 },
	{ 70, 60 }, { 70, 70 }, { 80, 90 }, { 30, 30 }, { 30, 20 }, { 10, 10 }, { 10, 10 },
};

struct occ {
	uint16_t isco;
	uint8_t sector, weight;
};

static const struct occ occupations[] = {
	{ 2511, S_ICT, 3 }, { 2512, S_ICT, 6 }, { 2513, S_ICT, 3 }, { 2514, S_ICT, 2 },
	{ 2519, S_ICT, 2 }, { 2521, S_ICT, 1 }, { 2522, S_ICT, 1 }, { 2523, S_ICT, 1 },
	{ 2529, S_ICT, 2 }, { 3512, S_ICT, 1 }, { 1330, S_ICT, 1 },
	{ 2431, S_COMM, 4 }, { 2432, S_COMM, 2 }, { 2641, S_COMM, 1 }, { 2642, S_COMM, 2 },
	{ 2643, S_COMM, 2 }, { 2166, S_COMM, 3 }, { 1222, S_COMM, 1 },
	{ 2621, S_CULTURE, 1 }, { 2622, S_CULTURE, 1 }, { 2651, S_CULTURE, 2 },
	{ 2652, S_CULTURE, 2 }, { 2653, S_CULTURE, 1 }, { 2654, S_CULTURE, 1 },
	{ 2655, S_CULTURE, 1 }, { 3431, S_CULTURE, 1 }, { 2163, S_CULTURE, 1 },
	{ 2310, S_EDU, 2 }, { 2320, S_EDU, 1 }, { 2330, S_EDU, 3 }, { 2341, S_EDU, 3 },
	{ 2342, S_EDU, 2 }, { 2351, S_EDU, 1 }, { 2352, S_EDU, 1 }, { 2353, S_EDU, 2 },
	{ 2359, S_EDU, 1 }, { 5312, S_EDU, 1 },
	{ 2635, S_SOCIAL, 4 }, { 3412, S_SOCIAL, 2 }, { 2634, S_SOCIAL, 2 },
	{ 5322, S_SOCIAL, 1 }, { 1344, S_SOCIAL, 1 },
	{ 2211, S_HEALTH, 2 }, { 2221, S_HEALTH, 4 }, { 2262, S_HEALTH, 1 },
	{ 2264, S_HEALTH, 1 }, { 3221, S_HEALTH, 2 }, { 2261, S_HEALTH, 1 },
	{ 2141, S_ENG, 1 }, { 2142, S_ENG, 1 }, { 2144, S_ENG, 2 }, { 2145, S_ENG, 1 },
	{ 2149, S_ENG, 1 }, { 2151, S_ENG, 1 }, { 2152, S_ENG, 1 }, { 2153, S_ENG, 1 },
	{ 2411, S_BUSINESS, 2 }, { 2412, S_BUSINESS, 1 }, { 2413, S_BUSINESS, 1 },
	{ 2421, S_BUSINESS, 2 }, { 2423, S_BUSINESS, 1 }, { 2424, S_BUSINESS, 1 },
	{ 1211, S_BUSINESS, 1 },
	{ 2611, S_LAW, 2 }, { 2619, S_LAW, 1 }, { 2422, S_LAW, 2 },
	{ 2131, S_SCIENCE, 2 }, { 2113, S_SCIENCE, 2 }, { 2111, S_SCIENCE, 1 },
	{ 2120, S_SCIENCE, 1 },
	{ 2161, S_BUILD, 1 }, { 2164, S_BUILD, 1 }, { 3112, S_BUILD, 1 },
	{ 1411, S_TRADE, 1 }, { 1420, S_TRADE, 1 }, { 5120, S_TRADE, 1 },
};
enum { N_OCC = sizeof(occupations) / sizeof(occupations[0]) };

struct place {
	uint16_t code;   /* municipality number */
	uint8_t region;  /* region number */
	int32_t lat_e6, lon_e6;
	uint16_t share[2]; /* per ten thousand: participants, door openers */
};

static const struct place places[] = {
	{ 91, 1, 60169900, 24938400, { 4000, 4800 } },  /* Helsinki */
	{ 49, 1, 60205500, 24655900, { 2000, 2000 } },  /* Espoo */
	{ 92, 1, 60293400, 25037800, { 1800, 1200 } },  /* Vantaa */
	{ 235, 1, 60210800, 24728600, { 50, 80 } },     /* Kauniainen */
	{ 245, 1, 60403400, 25105000, { 200, 120 } },   /* Kerava */
	{ 186, 1, 60473700, 25089900, { 200, 130 } },   /* Järvenpää */
	{ 858, 1, 60403600, 25026700, { 150, 120 } },   /* Tuusula */
	{ 753, 1, 60377000, 25270000, { 100, 80 } },    /* Sipoo */
	{ 257, 1, 60123300, 24438500, { 150, 120 } },   /* Kirkkonummi */
	{ 543, 1, 60464100, 24807300, { 100, 80 } },    /* Nurmijärvi */
	{ 927, 1, 60416700, 24319700, { 50, 40 } },     /* Vihti */
	{ 638, 1, 60393200, 25665100, { 150, 110 } },   /* Porvoo */
	{ 444, 1, 60248600, 24065300, { 100, 70 } },    /* Lohja */
	{ 106, 1, 60630500, 24858000, { 150, 100 } },   /* Hyvinkää */
	{ 505, 1, 60633300, 25316700, { 50, 40 } },     /* Mäntsälä */
	{ 710, 1, 59975000, 23437200, { 50, 40 } },     /* Raasepori */
	{ 837, 6, 61497800, 23761000, { 300, 350 } },   /* Tampere */
	{ 853, 2, 60451800, 22266600, { 250, 280 } },   /* Turku */
	{ 398, 7, 60982700, 25661200, { 100, 100 } },   /* Lahti */
	{ 109, 5, 60995900, 24464300, { 50, 60 } },     /* Hämeenlinna */
	{ 564, 17, 65012100, 25465100, { 50, 70 } },    /* Oulu */
	{ 179, 13, 62242600, 25747300, { 50, 60 } },    /* Jyväskylä */
};
enum { N_PLACES = sizeof(places) / sizeof(places[0]) };

enum {
	L_FI, L_SV, L_EN, L_RU, L_ET, L_AR, L_SO, L_FA, L_ZH, L_ES, L_UK, L_DE, L_FR,
	L_TR, L_VI, L_KU, L_PT, L_HI, L_COUNT
};
static const char *const lang_codes[L_COUNT] = {
	"fi", "sv", "en", "ru", "et", "ar", "so", "fa", "zh", "es", "uk", "de", "fr",
	"tr", "vi", "ku", "pt", "hi",
};
/* Mother tongues of participants (per mille, the rest spread evenly). */
static const uint16_t mother_share[L_COUNT] = {
	[L_RU] = 140, [L_ET] = 70, [L_AR] = 100, [L_SO] = 50, [L_FA] = 50, [L_ZH] = 60,
	[L_ES] = 60, [L_UK] = 100, [L_DE] = 30, [L_FR] = 30, [L_TR] = 30, [L_VI] = 30,
	[L_KU] = 20, [L_PT] = 30, [L_HI] = 50, [L_EN] = 40,
};

const char *match_gen_language(unsigned bit)
{
	return bit < L_COUNT ? lang_codes[bit] : "?";
}

const char *match_gen_sector(unsigned sector)
{
	return sector > 0 && sector < S_COUNT ? sector_names[sector] : "?";
}

/* ---- drawing ---------------------------------------------------------------- */

static int chance(struct match_rng *r, unsigned per_mille)
{
	return match_rng_below(r, 1000) < per_mille;
}

static unsigned draw_sector(struct match_rng *r, int side)
{
	uint32_t x = match_rng_below(r, 1000), acc = 0;
	for (unsigned s = 1; s < S_COUNT; s++) {
		acc += sector_share[s][side];
		if (x < acc)
			return s;
	}
	return S_ICT;
}

static const struct occ *draw_occupation(struct match_rng *r, unsigned sector)
{
	unsigned total = 0;
	for (unsigned i = 0; i < N_OCC; i++)
		if (occupations[i].sector == sector)
			total += occupations[i].weight;
	unsigned x = match_rng_below(r, total);
	for (unsigned i = 0; i < N_OCC; i++) {
		if (occupations[i].sector != sector)
			continue;
		if (x < occupations[i].weight)
			return &occupations[i];
		x -= occupations[i].weight;
	}
	return &occupations[0];
}

static const struct place *draw_place(struct match_rng *r, int side)
{
	uint32_t total = 0;
	for (unsigned i = 0; i < N_PLACES; i++)
		total += places[i].share[side];
	uint32_t x = match_rng_below(r, total);
	for (unsigned i = 0; i < N_PLACES; i++) {
		if (x < places[i].share[side])
			return &places[i];
		x -= places[i].share[side];
	}
	return &places[0];
}

static unsigned draw_mother_tongue(struct match_rng *r)
{
	uint32_t x = match_rng_below(r, 1000), acc = 0;
	for (unsigned l = 0; l < L_COUNT; l++) {
		acc += mother_share[l];
		if (x < acc)
			return l;
	}
	return L_RU + match_rng_below(r, L_COUNT - L_RU);
}

static void fill_common(struct match_rng *r, struct match_profile *p, int side)
{
	unsigned sector = draw_sector(r, side);
	const struct occ *o = draw_occupation(r, sector);
	p->sector = (uint16_t)sector;
	p->isco = o->isco;
	p->isco_digits = 4;
	/* Some people only know the broader group of their occupation. */
	uint32_t x = match_rng_below(r, 100);
	if (x < 5) {
		p->isco = o->isco / 10;
		p->isco_digits = 3;
	} else if (x < 9) {
		p->isco = o->isco / 100;
		p->isco_digits = 2;
	}
	const struct place *pl = draw_place(r, side);
	p->municipality = pl->code;
	p->region = pl->region;
	p->has_coords = 1;
	p->lat_e6 = pl->lat_e6 + (int32_t)match_rng_below(r, 60000) - 30000;
	p->lon_e6 = pl->lon_e6 + (int32_t)match_rng_below(r, 120000) - 60000;
	for (int t = 0; t < 8; t++)
		if (chance(r, 150))
			p->tags |= 1ULL << t;
}

static void make_participant(struct match_rng *r, struct match_profile *p, uint32_t i)
{
	memset(p, 0, sizeof(*p));
	p->id = (int64_t)i + 1;
	p->person = (int64_t)i + 1;
	p->capacity = 1;
	fill_common(r, p, 0);
	if (chance(r, 880))
		p->langs |= 1ULL << L_EN;
	if (chance(r, 400))
		p->langs |= 1ULL << L_FI;
	if (chance(r, 60))
		p->langs |= 1ULL << L_SV;
	unsigned mt = draw_mother_tongue(r);
	if (!p->langs || chance(r, 250))
		p->langs |= 1ULL << mt;
	uint32_t m = match_rng_below(r, 100);
	p->modes = m < 60 ? (MATCH_MODE_IN_PERSON | MATCH_MODE_ONLINE)
		 : m < 85 ? MATCH_MODE_IN_PERSON : MATCH_MODE_ONLINE;
	/* Waiting: mostly weeks to a few months, a long tail up to 18 months. */
	double days = -log(1.0 - match_rng_unit(r)) * 75.0;
	p->wait_days = days > 540 ? 540 : (int32_t)days;
	if (chance(r, 300))
		p->wants |= 1ULL << match_rng_below(r, 8);
	if (chance(r, 50))
		p->wants |= 1ULL << match_rng_below(r, 8);
}

static void make_opener(struct match_rng *r, struct match_profile *p, uint32_t i, uint32_t np)
{
	memset(p, 0, sizeof(*p));
	p->id = (int64_t)i + 1;
	p->person = (int64_t)np + i + 1;
	fill_common(r, p, 1);
	if (chance(r, 930))
		p->langs |= 1ULL << L_FI;
	if (chance(r, 220))
		p->langs |= 1ULL << L_SV;
	if (chance(r, 920))
		p->langs |= 1ULL << L_EN;
	if (chance(r, 120))
		p->langs |= 1ULL << draw_mother_tongue(r);
	if (!p->langs)
		p->langs = 1ULL << L_FI;
	uint32_t m = match_rng_below(r, 100);
	p->modes = m < 55 ? (MATCH_MODE_IN_PERSON | MATCH_MODE_ONLINE)
		 : m < 70 ? MATCH_MODE_IN_PERSON : MATCH_MODE_ONLINE;
	uint32_t c = match_rng_below(r, 100);
	p->capacity = c < 35 ? 1 : c < 60 ? 2 : c < 80 ? 3 : c < 90 ? 4 : 5;
	if (chance(r, 100))
		p->wants |= 1ULL << match_rng_below(r, 8);
}

void match_gen_defaults(struct match_gen_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->participants = 1000;
	o->openers = 250;
	o->seed = 1;
	o->history_per_1000 = 30;
}

int match_gen(const struct match_gen_opts *o, struct match_population *pop)
{
	memset(pop, 0, sizeof(*pop));
	if (o->participants > MATCH_PEOPLE_MAX || o->openers > MATCH_PEOPLE_MAX ||
	    o->history_per_1000 > 1000)
		return -1;
	size_t np = o->participants, no = o->openers;
	size_t nh = no ? np * o->history_per_1000 / 1000 : 0;
	pop->participants = calloc(np ? np : 1, sizeof(struct match_profile));
	pop->openers = calloc(no ? no : 1, sizeof(struct match_profile));
	pop->history = calloc(nh ? nh : 1, sizeof(struct match_pair));
	if (!pop->participants || !pop->openers || !pop->history) {
		match_population_free(pop);
		return -1;
	}
	struct match_rng r;
	match_rng_seed(&r, o->seed);
	for (uint32_t i = 0; i < np; i++)
		make_participant(&r, &pop->participants[i], i);
	for (uint32_t i = 0; i < no; i++)
		make_opener(&r, &pop->openers[i], i, (uint32_t)np);
	/* A few door openers are also participants (in another field). */
	for (size_t i = 0; np && i < no / 300; i++)
		pop->openers[match_rng_below(&r, (uint32_t)no)].person =
			pop->participants[match_rng_below(&r, (uint32_t)np)].person;
	/* Earlier meetings and declines, between people of the same sector. */
	for (size_t k = 0; k < nh; k++) {
		const struct match_profile *p = &pop->participants[match_rng_below(&r, (uint32_t)np)];
		const struct match_profile *d = &pop->openers[match_rng_below(&r, (uint32_t)no)];
		for (int tries = 0; tries < 20 && d->sector != p->sector; tries++)
			d = &pop->openers[match_rng_below(&r, (uint32_t)no)];
		pop->history[k].participant = p->person;
		pop->history[k].opener = d->person;
	}
	pop->n_participants = np;
	pop->n_openers = no;
	pop->n_history = nh;
	if (o->event) {
		for (size_t i = 0; i < np; i++)
			pop->participants[i].event = o->event;
		for (size_t i = 0; i < no; i++)
			pop->openers[i].event = o->event;
	}
	return 0;
}

void match_population_free(struct match_population *pop)
{
	free(pop->participants);
	free(pop->openers);
	free(pop->history);
	memset(pop, 0, sizeof(*pop));
}

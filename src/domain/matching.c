/* Matching runs over the database (see matching.h). */
#include "domain/matching.h"

#include <assert.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/buf.h"
#include "core/log.h"
#include "domain/staff.h"

enum {
	LANGS_MAX = 64,         /* bits in match_profile.langs */
	CODE_MAX = 32,          /* longest code we keep (ISO 639-3, municipality) */
	DAY_S = 86400,
	OPENER_CAPACITY_MAX = 5,
};

/* ---- interning codes as small ids (1, 2, ...; 0 = none) ------------------- */

struct intern {
	char (*keys)[CODE_MAX];
	uint32_t *ids;    /* open addressing: slot -> id, 0 = empty */
	uint32_t n, cap;  /* cap: power of two */
};

static uint32_t hash_str(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static void intern_free(struct intern *t)
{
	free(t->keys);
	free(t->ids);
	memset(t, 0, sizeof(*t));
}

/* The id of `s` (new ones numbered in order of first appearance), 0 for
 * "" or NULL or a code too long to be real, UINT32_MAX when out of memory. */
static uint32_t intern_id(struct intern *t, const char *s)
{
	if (!s || !*s || strlen(s) >= CODE_MAX)
		return 0;
	if ((t->n + 1) * 2 > t->cap) {
		uint32_t ncap = t->cap ? t->cap * 2 : 64;
		uint32_t *nids = calloc(ncap, sizeof(*nids));
		char (*nkeys)[CODE_MAX] = realloc(t->keys, (size_t)(ncap / 2 + 1) * sizeof(*nkeys));
		if (!nids || !nkeys) {
			free(nids);
			if (nkeys)
				t->keys = nkeys;
			return UINT32_MAX;
		}
		t->keys = nkeys;
		for (uint32_t i = 0; i < t->cap; i++)
			if (t->ids[i]) {
				uint32_t h = hash_str(t->keys[t->ids[i] - 1]) & (ncap - 1);
				while (nids[h])
					h = (h + 1) & (ncap - 1);
				nids[h] = t->ids[i];
			}
		free(t->ids);
		t->ids = nids;
		t->cap = ncap;
	}
	uint32_t h = hash_str(s) & (t->cap - 1);
	while (t->ids[h]) {
		if (strcmp(t->keys[t->ids[h] - 1], s) == 0)
			return t->ids[h];
		h = (h + 1) & (t->cap - 1);
	}
	strcpy(t->keys[t->n], s);
	t->ids[h] = ++t->n;
	return t->n;
}

/* ---- settings ----------------------------------------------------------- */

void matching_opts_default(struct matching_opts *o)
{
	memset(o, 0, sizeof(*o));
	match_weights_default(&o->weights);
}

static void weights_text(struct buf *b, const struct match_weights *w)
{
	buf_printf(b,
		   "occ_unit=%d;occ_minor=%d;occ_sub_major=%d;occ_major=%d;occ_sector=%d;occ_min=%d;"
		   "place_municipality=%d;place_region=%d;place_near=%d;near_km=%d;in_person_max_km=%d;"
		   "mode_in_person=%d;mode_online=%d;pref_each=%d;pref_max=%d;wait_per_month=%d;"
		   "wait_max_days=%d;returned_bonus=%d;first_meeting_bonus=%d;candidates=%u",
		   w->occ_unit, w->occ_minor, w->occ_sub_major, w->occ_major, w->occ_sector, w->occ_min,
		   w->place_municipality, w->place_region, w->place_near, w->near_km, w->in_person_max_km,
		   w->mode_in_person, w->mode_online, w->pref_each, w->pref_max, w->wait_per_month,
		   w->wait_max_days, w->returned_bonus, w->first_meeting_bonus, w->candidates);
}

static const char *occ_level_key(unsigned l)
{
	static const char *const k[] = { "none", "major", "sector", "sub_major", "minor", "unit" };
	return l < sizeof(k) / sizeof(*k) ? k[l] : "none";
}

static const char *place_level_key(unsigned l)
{
	static const char *const k[] = { "none", "near", "region", "municipality" };
	return l < sizeof(k) / sizeof(*k) ? k[l] : "none";
}

int matching_breakdown_get(const char *bd, const char *key, char *out, size_t n)
{
	size_t kl = strlen(key);
	const char *s = bd;
	while (s && *s) {
		const char *end = strchr(s, ';');
		size_t len = end ? (size_t)(end - s) : strlen(s);
		if (len > kl && strncmp(s, key, kl) == 0 && s[kl] == '=') {
			size_t vl = len - kl - 1;
			if (vl >= n)
				return -1;
			memcpy(out, s + kl + 1, vl);
			out[vl] = '\0';
			return 0;
		}
		s = end ? end + 1 : NULL;
	}
	return -1;
}

/* ---- loading ------------------------------------------------------------ */

struct pool {
	struct match_profile *p, *d;   /* participants, door openers (by registration id) */
	size_t np, nd;
	struct match_pair *hist;
	size_t nhist;
	struct match_pin *pins;
	size_t npins;
	char langs[LANGS_MAX][CODE_MAX];  /* bit i = langs[i] */
	size_t nlangs;
	struct intern sectors, munis, regions;
};

static void pool_free(struct pool *pl)
{
	free(pl->p);
	free(pl->d);
	free(pl->hist);
	free(pl->pins);
	intern_free(&pl->sectors);
	intern_free(&pl->munis);
	intern_free(&pl->regions);
}

static int id_cmp(const void *key, const void *elem)
{
	int64_t k = *(const int64_t *)key, e = ((const struct match_profile *)elem)->id;
	return k < e ? -1 : k > e;
}

static long find(const struct match_profile *a, size_t n, int64_t id)
{
	const struct match_profile *x = bsearch(&id, a, n, sizeof(*a), id_cmp);
	return x ? (long)(x - a) : -1;
}

/* "2512" -> 2512 with 4 digits; anything else unknown. */
static void set_isco(struct match_profile *m, const char *code)
{
	size_t n = code ? strlen(code) : 0;
	if (n < 1 || n > 4)
		return;
	unsigned v = 0;
	for (size_t i = 0; i < n; i++) {
		if (code[i] < '0' || code[i] > '9')
			return;
		v = v * 10 + (unsigned)(code[i] - '0');
	}
	m->isco = (uint16_t)v;
	m->isco_digits = (uint8_t)n;
}

static uint8_t modes_of(const char *s)
{
	if (s && strcmp(s, "in_person") == 0)
		return MATCH_MODE_IN_PERSON;
	if (s && strcmp(s, "online") == 0)
		return MATCH_MODE_ONLINE;
	return MATCH_MODE_IN_PERSON | MATCH_MODE_ONLINE;
}

/* The pool: waiting registrations of people not erased. A door opener
 * brings the capacity their matches have not used (open and met ones use
 * it); a participant with an open match through another registration
 * waits until it ends (one open match per person). */
#define IN_POOL \
	"r.status = 'waiting' AND NOT (r.role = 'participant' AND EXISTS (SELECT 1 FROM matches x" \
	" JOIN registrations xr ON xr.id = x.participant WHERE xr.person_id = r.person_id" \
	" AND x.state IN ('introduced', 'accepted', 'confirmed')))"
static const char WAITING_SQL[] =
	"SELECT r.id, r.person_id, r.role, r.capacity - (SELECT COUNT(*) FROM matches u WHERE u.door_opener = r.id"
	" AND u.state IN ('introduced', 'accepted', 'confirmed', 'met')), COALESCE(r.confirmed_at, r.created_at),"
	" p.occupation, p.sector, p.municipality, COALESCE(m.parent, p.region), p.meeting_mode,"
	" m.lat_e6, m.lon_e6, r.returned_at IS NOT NULL"
	" FROM registrations r JOIN people p ON p.id = r.person_id"
	" LEFT JOIN ref_entries m ON m.kind = 'municipality' AND m.code = p.municipality"
	" WHERE " IN_POOL " AND p.erased_at IS NULL ORDER BY r.id";

static int load_people(struct db *db, struct pool *pl, int64_t now)
{
	size_t cap_p = 0, cap_d = 0;
	struct db_stmt *st = db_prepare(db, WAITING_SQL);
	if (!st)
		return -1;
	enum db_step s;
	int rc = 0;
	while ((s = db_step(st)) == DB_ROW) {
		bool opener = strcmp(db_col_text(st, 2), "door_opener") == 0;
		struct match_profile **arr = opener ? &pl->d : &pl->p;
		size_t *n = opener ? &pl->nd : &pl->np, *cap = opener ? &cap_d : &cap_p;
		if (*n == *cap) {
			size_t nc = *cap ? *cap * 2 : 64;
			struct match_profile *na = realloc(*arr, nc * sizeof(*na));
			if (!na) {
				rc = -1;
				break;
			}
			*arr = na;
			*cap = nc;
		}
		struct match_profile *m = &(*arr)[(*n)++];
		memset(m, 0, sizeof(*m));
		m->id = db_col_int(st, 0);
		m->person = db_col_int(st, 1);
		int64_t c = db_col_int(st, 3);
		if (opener && c < 1) { /* every meeting offered is taken */
			(*n)--;
			continue;
		}
		m->capacity = opener ? (uint16_t)(c < 1 ? 1 : c > OPENER_CAPACITY_MAX ? OPENER_CAPACITY_MAX : c) : 1;
		if (!opener) {
			int64_t days = (now - db_col_int(st, 4)) / DAY_S;
			m->wait_days = (int32_t)(days < 0 ? 0 : days > 100000 ? 100000 : days);
			m->returned = db_col_int(st, 12) != 0;
		}
		set_isco(m, db_col_text(st, 5));
		uint32_t sec = intern_id(&pl->sectors, db_col_text(st, 6));
		uint32_t mun = intern_id(&pl->munis, db_col_text(st, 7));
		uint32_t reg = intern_id(&pl->regions, db_col_text(st, 8));
		if (sec == UINT32_MAX || mun == UINT32_MAX || reg == UINT32_MAX || sec > UINT16_MAX) {
			rc = -1;
			break;
		}
		m->sector = (uint16_t)sec;
		m->municipality = mun;
		m->region = reg;
		m->modes = modes_of(db_col_text(st, 9));
		if (!db_col_null(st, 10) && !db_col_null(st, 11)) {
			m->lat_e6 = (int32_t)db_col_int(st, 10);
			m->lon_e6 = (int32_t)db_col_int(st, 11);
			m->has_coords = 1;
		}
	}
	db_finalize(st);
	return rc == 0 && s == DB_DONE ? 0 : -1;
}

/* Meeting languages: numbered over the languages of this run's people,
 * the most common first (ties by code), at most 64; a language beyond
 * those 64 is spoken by so few that it is left out of this run. */
static int load_languages(struct db *db, struct pool *pl)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT pl.lang, COUNT(*) FROM person_languages pl"
		" JOIN registrations r ON r.person_id = pl.person_id"
		" JOIN people p ON p.id = r.person_id"
		" WHERE r.status = 'waiting' AND p.erased_at IS NULL"
		" GROUP BY pl.lang ORDER BY COUNT(*) DESC, pl.lang");
	if (!st)
		return -1;
	enum db_step s;
	while ((s = db_step(st)) == DB_ROW) {
		const char *l = db_col_text(st, 0);
		if (pl->nlangs < LANGS_MAX && l && strlen(l) < CODE_MAX)
			strcpy(pl->langs[pl->nlangs++], l);
	}
	db_finalize(st);
	if (s != DB_DONE)
		return -1;
	st = db_prepare(db,
		"SELECT r.id, r.role, pl.lang FROM registrations r"
		" JOIN person_languages pl ON pl.person_id = r.person_id"
		" WHERE r.status = 'waiting'");
	if (!st)
		return -1;
	while ((s = db_step(st)) == DB_ROW) {
		bool opener = strcmp(db_col_text(st, 1), "door_opener") == 0;
		long i = opener ? find(pl->d, pl->nd, db_col_int(st, 0)) : find(pl->p, pl->np, db_col_int(st, 0));
		const char *l = db_col_text(st, 2);
		if (i < 0 || !l)
			continue;
		for (size_t k = 0; k < pl->nlangs; k++)
			if (strcmp(pl->langs[k], l) == 0) {
				(opener ? pl->d : pl->p)[i].langs |= UINT64_C(1) << k;
				break;
			}
	}
	db_finalize(st);
	return s == DB_DONE ? 0 : -1;
}

/* Person pairs never proposed: exclusions, and pairs that met, did not
 * meet or where one declined. */
static int load_history(struct db *db, struct pool *pl)
{
	size_t cap = 0;
	struct db_stmt *st = db_prepare(db,
		"SELECT rp.person_id, ro.person_id FROM match_exclusions e"
		" JOIN registrations rp ON rp.id = e.participant"
		" JOIN registrations ro ON ro.id = e.door_opener"
		" UNION SELECT rp.person_id, ro.person_id FROM matches x"
		" JOIN registrations rp ON rp.id = x.participant"
		" JOIN registrations ro ON ro.id = x.door_opener WHERE x.state IN ('met', 'not_met', 'declined')"
		" ORDER BY 1, 2");
	if (!st)
		return -1;
	enum db_step s;
	int rc = 0;
	while ((s = db_step(st)) == DB_ROW) {
		if (pl->nhist == cap) {
			size_t nc = cap ? cap * 2 : 16;
			struct match_pair *n = realloc(pl->hist, nc * sizeof(*n));
			if (!n) {
				rc = -1;
				break;
			}
			pl->hist = n;
			cap = nc;
		}
		pl->hist[pl->nhist].participant = db_col_int(st, 0);
		pl->hist[pl->nhist++].opener = db_col_int(st, 1);
	}
	db_finalize(st);
	return rc == 0 && s == DB_DONE ? 0 : -1;
}

/* Pins that fit this run: both registrations in the pool, two people, the
 * door opener's capacity not exceeded, one pin per participant person.
 * Oldest first; the others wait (they are kept for later runs). */
static int load_pins(struct db *db, struct pool *pl)
{
	uint16_t *used = calloc(pl->nd ? pl->nd : 1, sizeof(*used));
	struct db_stmt *st = db_prepare(db,
		"SELECT participant, door_opener FROM match_pins ORDER BY created_at, participant");
	if (!used || !st) {
		free(used);
		db_finalize(st);
		return -1;
	}
	size_t cap = 0;
	enum db_step s;
	int rc = 0;
	while ((s = db_step(st)) == DB_ROW) {
		long p = find(pl->p, pl->np, db_col_int(st, 0)), d = find(pl->d, pl->nd, db_col_int(st, 1));
		if (p < 0 || d < 0 || pl->p[p].person == pl->d[d].person || used[d] >= pl->d[d].capacity)
			continue;
		bool taken = false;
		for (size_t k = 0; k < pl->npins && !taken; k++)
			taken = pl->p[pl->pins[k].participant].person == pl->p[p].person;
		if (taken)
			continue;
		if (pl->npins == cap) {
			size_t nc = cap ? cap * 2 : 16;
			struct match_pin *n = realloc(pl->pins, nc * sizeof(*n));
			if (!n) {
				rc = -1;
				break;
			}
			pl->pins = n;
			cap = nc;
		}
		used[d]++;
		pl->pins[pl->npins].participant = (uint32_t)p;
		pl->pins[pl->npins++].opener = (uint32_t)d;
	}
	db_finalize(st);
	free(used);
	return rc == 0 && s == DB_DONE ? 0 : -1;
}

/* ---- storing ------------------------------------------------------------ */

static int store_run(struct db *db, const struct pool *pl, const struct match_weights *w,
		     const struct match_result *res, int64_t staff_id, int64_t now, int64_t *run_id)
{
	struct buf b = BUF_INIT(4096);
	weights_text(&b, w);
	int64_t id = -1;
	struct db_stmt *st = db_prepare(db,
		"INSERT INTO match_runs (created_at, staff_id, objective, weights, participants, door_openers,"
		" candidate_pairs, proposals, total_score, certificate_verified, status, status_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?) RETURNING id");
	if (st) {
		db_bind_int(st, 1, now);
		if (staff_id > 0)
			db_bind_int(st, 2, staff_id);
		else
			db_bind_null(st, 2);
		db_bind_text(st, 3, w->objective == MATCH_MAX_SCORE ? "max_score" : "max_people");
		db_bind_text(st, 4, buf_str(&b));
		db_bind_int(st, 5, (int64_t)pl->np);
		db_bind_int(st, 6, (int64_t)pl->nd);
		db_bind_int(st, 7, (int64_t)res->candidate_edges);
		db_bind_int(st, 8, (int64_t)res->n_proposals);
		db_bind_int(st, 9, res->total_score);
		db_bind_int(st, 10, res->certified ? 1 : 0);
		db_bind_int(st, 11, now);
		if (db_step(st) == DB_ROW)
			id = db_col_int(st, 0);
		db_finalize(st);
	}
	buf_free(&b);
	if (id < 0)
		return -1;

	/* One statement per row (the db interface has no reset). */
	static const char prop_sql[] =
		"INSERT INTO match_proposals (run_id, participant, door_opener, score, breakdown, languages,"
		" distance_km, pinned, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'proposed')";
	static const char prop_sql_nodist[] =
		"INSERT INTO match_proposals (run_id, participant, door_opener, score, breakdown, languages,"
		" distance_km, pinned, status) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, 'proposed')";
	int rc = 0;
	for (size_t i = 0; i < res->n_proposals && rc == 0; i++) {
		const struct match_proposal *pr = &res->proposals[i];
		const struct match_profile *p = &pl->p[pr->participant], *d = &pl->d[pr->opener];
		const struct match_breakdown *s = &pr->score;
		char bd[512], langs[LANGS_MAX * (CODE_MAX + 1) + 8];
		snprintf(bd, sizeof(bd),
			 "occupation=%d;occ_level=%s;place=%d;place_level=%s;mode=%d;meeting=%s;preference=%d;"
			 "wait=%d;wait_days=%d;returned=%d",
			 s->occupation, occ_level_key(s->occ_level), s->place, place_level_key(s->place_level), s->mode,
			 s->meeting == MATCH_MODE_IN_PERSON ? "in_person"
			 : s->meeting == MATCH_MODE_ONLINE  ? "online"
							    : "none",
			 s->preference, s->waiting, p->wait_days, p->returned);
		size_t ln = 0;
		langs[0] = '\0';
		uint64_t shared = p->langs & d->langs;
		for (size_t k = 0; k < pl->nlangs; k++)
			if (shared & (UINT64_C(1) << k)) {
				int wn = snprintf(langs + ln, sizeof(langs) - ln, "%s%s", ln ? "," : "", pl->langs[k]);
				if (wn < 0 || (size_t)wn >= sizeof(langs) - ln)
					break;
				ln += (size_t)wn;
			}
		int64_t pinned = pr->pinned ? 1 : 0;
		if (s->distance_km >= 0)
			rc = db_run(db, prop_sql, "iiiissii", id, p->id, d->id, (int64_t)s->total, bd, langs,
				    (int64_t)s->distance_km, pinned);
		else
			rc = db_run(db, prop_sql_nodist, "iiiissi", id, p->id, d->id, (int64_t)s->total, bd, langs, pinned);
	}
	for (size_t i = 0; i < res->n_unmatched && rc == 0; i++)
		rc = db_run(db, "INSERT INTO match_unmatched (run_id, participant, reason) VALUES (?, ?, ?)", "iis", id,
			    pl->p[res->unmatched[i].participant].id,
			    match_reason_key((enum match_reason)res->unmatched[i].reason));
	if (rc == 0)
		*run_id = id;
	return rc;
}

int matching_run(struct db *db, const struct matching_opts *o, int64_t staff_id, int64_t now, int64_t *run_id)
{
	const char *why = NULL;
	if (match_weights_check(&o->weights, &why)) {
		log_warn("matching: bad setting %s", why ? why : "?");
		return -1;
	}
	struct pool pl;
	memset(&pl, 0, sizeof(pl));
	struct match_result res;
	memset(&res, 0, sizeof(res));
	int rc = -1;
	/* One transaction from reading to storing: the run sees one state. */
	if (db_begin(db))
		return -1;
	if (load_people(db, &pl, now) || load_languages(db, &pl) || load_history(db, &pl) || load_pins(db, &pl))
		goto done;
	struct match_input in = {
		.participants = pl.p, .n_participants = pl.np,
		.openers = pl.d, .n_openers = pl.nd,
		.history = pl.hist, .n_history = pl.nhist,
		.pins = pl.pins, .n_pins = pl.npins,
		.event = 0,
	};
	if (match_run(&in, &o->weights, &res)) {
		log_warn("matching: the engine failed: %s", res.error ? res.error : "?");
		goto done;
	}
	if (store_run(db, &pl, &o->weights, &res, staff_id, now, run_id))
		goto done;
	rc = 0;
done:
	if (rc == 0 && db_commit(db) == 0) {
		log_info("matching: run %lld: %zu participants, %zu door openers, %zu proposals", (long long)*run_id,
			 pl.np, pl.nd, res.n_proposals);
	} else {
		db_rollback(db);
		rc = -1;
	}
	match_result_free(&res);
	pool_free(&pl);
	return rc;
}

/* ---- staff actions ---------------------------------------------------------- */

int matching_discard(struct db *db, int64_t run_id, int64_t now)
{
	if (db_run(db, "UPDATE match_runs SET status = 'discarded', status_at = ? WHERE id = ? AND status = 'draft'",
		   "ii", now, run_id))
		return -1;
	return db_changes(db) == 1 ? 0 : 1;
}

static int64_t reg_check(struct db *db, int64_t reg, const char *role, bool waiting)
{
	return db_int(db, -1,
		      waiting ? "SELECT person_id FROM registrations WHERE id = ? AND role = ? AND status = 'waiting'"
			      : "SELECT person_id FROM registrations WHERE id = ? AND role = ?",
		      "is", reg, role);
}

/* An INSERT of (participant, door_opener, staff_id or NULL, created_at). */
static int insert_pair(struct db *db, const char *sql, int64_t p, int64_t d, int64_t staff_id, int64_t now)
{
	if (staff_id > 0)
		return db_run(db, sql, "iiii", p, d, staff_id, now);
	return db_run(db, sql, "iini", p, d, now);
}

int matching_pin(struct db *db, int64_t participant_reg, int64_t opener_reg, int64_t staff_id, int64_t now)
{
	int64_t pp = reg_check(db, participant_reg, "participant", true);
	int64_t dp = reg_check(db, opener_reg, "door_opener", true);
	if (pp < 0 || dp < 0 || pp == dp)
		return 1;
	if (db_begin(db))
		return -1;
	if (db_run(db, "DELETE FROM match_pins WHERE participant = ?", "i", participant_reg) ||
	    db_run(db, "DELETE FROM match_exclusions WHERE participant = ? AND door_opener = ?", "ii",
		   participant_reg, opener_reg) ||
	    insert_pair(db, "INSERT INTO match_pins (participant, door_opener, staff_id, created_at) VALUES (?, ?, ?, ?)",
			participant_reg, opener_reg, staff_id, now) ||
	    db_commit(db)) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

int matching_unpin(struct db *db, int64_t participant_reg)
{
	return db_run(db, "DELETE FROM match_pins WHERE participant = ?", "i", participant_reg) ? -1 : 0;
}

int matching_exclude(struct db *db, int64_t participant_reg, int64_t opener_reg, int64_t staff_id, int64_t now)
{
	if (reg_check(db, participant_reg, "participant", false) < 0 || reg_check(db, opener_reg, "door_opener", false) < 0)
		return 1;
	if (db_begin(db))
		return -1;
	if (db_run(db, "DELETE FROM match_pins WHERE participant = ? AND door_opener = ?", "ii", participant_reg,
		   opener_reg) ||
	    db_run(db, "DELETE FROM match_exclusions WHERE participant = ? AND door_opener = ?", "ii",
		   participant_reg, opener_reg) ||
	    insert_pair(db, "INSERT INTO match_exclusions (participant, door_opener, staff_id, created_at) VALUES (?, ?, ?, ?)",
			participant_reg, opener_reg, staff_id, now) ||
	    db_commit(db)) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

int matching_unexclude(struct db *db, int64_t participant_reg, int64_t opener_reg)
{
	return db_run(db, "DELETE FROM match_exclusions WHERE participant = ? AND door_opener = ?", "ii",
		      participant_reg, opener_reg) ? -1 : 0;
}

/* ---- the command line -------------------------------------------------------- */

int matching_cli_run(struct db *db, FILE *out)
{
	struct matching_opts o;
	matching_opts_default(&o);
	int64_t id = 0;
	if (matching_run(db, &o, 0, clock_now(), &id)) {
		fprintf(stderr, "ovi match run: the run failed (see the log)\n");
		return 1;
	}
	char detail[48];
	snprintf(detail, sizeof(detail), "run:%lld", (long long)id);
	audit(db, 0, "match_run", detail);
	struct db_stmt *st = db_prepare(db,
		"SELECT participants, door_openers, candidate_pairs, proposals, total_score, certificate_verified"
		" FROM match_runs WHERE id = ?");
	if (!st || db_bind_int(st, 1, id) || db_step(st) != DB_ROW) {
		db_finalize(st);
		return 1;
	}
	fprintf(out,
		"run %lld: %lld participants, %lld door openers, %lld candidate pairs, %lld proposals,"
		" total score %lld, certificate: %s\n",
		(long long)id, (long long)db_col_int(st, 0), (long long)db_col_int(st, 1), (long long)db_col_int(st, 2),
		(long long)db_col_int(st, 3), (long long)db_col_int(st, 4), db_col_int(st, 5) ? "verified" : "NOT verified");
	db_finalize(st);
	return 0;
}

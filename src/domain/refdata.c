#include "domain/refdata.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/log.h"
#include "core/utf8.h"
#include "domain/isocodes.h"
#include "store/db.h"

const char *const refdata_kinds[] = {
	"sector", "occupation", "region", "municipality", "country", "language", "education", NULL,
};

bool refdata_kind_known(const char *kind)
{
	for (size_t i = 0; kind && refdata_kinds[i]; i++)
		if (strcmp(kind, refdata_kinds[i]) == 0)
			return true;
	return false;
}

/* sv, fi, en as 0, 1, 2 (the order of enum lang); anything else is English. */
static int lang_index(const char *lang)
{
	if (lang && strcmp(lang, "sv") == 0)
		return 0;
	if (lang && strcmp(lang, "fi") == 0)
		return 1;
	return 2;
}

static const char *const name_cols[3] = { "name_sv", "name_fi", "name_en" };

static bool has_prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

/* ---- collation ------------------------------------------------------------ */

/* Decode one code point of valid-enough UTF-8; invalid bytes come back as
 * themselves, one at a time. */
static unsigned next_cp(const unsigned char **pp)
{
	const unsigned char *p = *pp;
	unsigned c = p[0];
	int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
	for (int i = 1; i < len; i++)
		if ((p[i] & 0xC0) != 0x80)
			len = 1;
	if (len == 2)
		c = (c & 0x1F) << 6 | (p[1] & 0x3F);
	else if (len == 3)
		c = (c & 0x0F) << 12 | (p[1] & 0x3F) << 6 | (p[2] & 0x3F);
	else if (len == 4)
		c = (c & 0x07) << 18 | (p[1] & 0x3F) << 12 | (p[2] & 0x3F) << 6 | (p[3] & 0x3F);
	*pp = p + len;
	return c;
}

/* The base letters of U+00C0..U+017F (lower case, '.' = not a letter,
 * '*' = special below). */
static const char latin_base[] =
	/* C0 */ "................................"
	/* E0 */ "aaaa***ceeeeiiiidnoooo*.*uuu*y*y"
	/* 100 */ "aaaaaaccccccccddddeeeeeeeeeegggg"
	/* 120 */ "gggghhhhiiiiiiiiii**jjkkklllllll"
	/* 140 */ "lllnnnnnnnnnoooooo**rrrrrrssssss"
	/* 160 */ "ssttttttuuuuuuuuuuuuwwyyyzzzzzzs";
_Static_assert(sizeof(latin_base) == 0x180 - 0xC0 + 1, "one base letter per code point");

/* Append the sort key of one code point. Swedish and Finnish put å, ä, ö
 * after z (æ with ä, ø with ö, ü with y); English folds them to a, o, u. */
static void key_cp(char *out, size_t *k, unsigned c, bool nordic)
{
	if (c >= 'A' && c <= 'Z')
		c += 'a' - 'A';
	if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
		out[(*k)++] = (char)c;
		return;
	}
	if (c >= 0xC0 && c <= 0x17F) {
		unsigned lc = c;
		if (c >= 0xC0 && c <= 0xDE && c != 0xD7)
			lc = c + 0x20;
		switch (lc) {
		case 0xE5: out[(*k)++] = nordic ? '{' : 'a'; return;   /* å */
		case 0xE4: out[(*k)++] = nordic ? '|' : 'a'; return;   /* ä */
		case 0xE6:                                               /* æ */
			if (nordic)
				out[(*k)++] = '|';
			else {
				out[(*k)++] = 'a';
				out[(*k)++] = 'e';
			}
			return;
		case 0xF6: case 0xF8: out[(*k)++] = nordic ? '}' : 'o'; return;   /* ö ø */
		case 0xFC: out[(*k)++] = nordic ? 'y' : 'u'; return;             /* ü */
		case 0xFE: out[(*k)++] = 't'; out[(*k)++] = 'h'; return;        /* þ */
		case 0xDF: out[(*k)++] = 's'; out[(*k)++] = 's'; return;        /* ß */
		case 0x132: case 0x133: out[(*k)++] = 'i'; out[(*k)++] = 'j'; return;
		case 0x152: case 0x153: out[(*k)++] = 'o'; out[(*k)++] = 'e'; return;
		default: break;
		}
		char b = latin_base[lc - 0xC0];
		if (b >= 'a' && b <= 'z') {
			out[(*k)++] = b;
			return;
		}
	}
	if (c < 0x80 || (c >= 0xA0 && c < 0xC0) || c == 0xD7 || c == 0xF7 || (c >= 0x2000 && c < 0x2070)) {
		/* Spaces and punctuation: one low separator, never leading. */
		if (*k > 0 && out[*k - 1] != '\x01')
			out[(*k)++] = '\x01';
		return;
	}
	/* Anything else after the letters, in code point order. */
	out[(*k)++] = '\x7f';
	out[(*k)++] = (char)(0x80 | ((c >> 14) & 0x7F));
	out[(*k)++] = (char)(0x80 | ((c >> 7) & 0x7F));
	out[(*k)++] = (char)(0x80 | (c & 0x7F));
}

/* A sort key (at most 4 bytes per code point), from the arena. */
static char *coll_key(struct arena *a, int li, const char *s)
{
	size_t n = strlen(s);
	char *out = arena_alloc(a, 4 * n + 1);
	if (!out)
		return NULL;
	size_t k = 0;
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	while (p < end)
		key_cp(out, &k, next_cp(&p), li != 2);
	while (k > 0 && out[k - 1] == '\x01')
		k--;
	out[k] = '\0';
	return out;
}

int refdata_collate(const char *lang, const char *x, const char *y)
{
	struct arena *a = arena_new(16 * (strlen(x) + strlen(y)) + 1024);
	if (!a)
		return strcmp(x, y);
	int li = lang_index(lang);
	const char *kx = coll_key(a, li, x), *ky = coll_key(a, li, y);
	int r = kx && ky ? strcmp(kx, ky) : 0;
	if (r == 0)
		r = strcmp(x, y);
	arena_free(a);
	return r;
}

/* ---- reading lists ---------------------------------------------------------- */

struct sorted {
	struct ref_item item;
	const char *key;
	int prio;
	void *extra;
};

static int cmp_sorted(const void *pa, const void *pb)
{
	const struct sorted *x = pa, *y = pb;
	if (x->prio != y->prio)
		return x->prio < y->prio ? -1 : 1;
	int r = strcmp(x->key, y->key);
	if (r == 0)
		r = strcmp(x->item.name, y->item.name);
	return r ? r : strcmp(x->item.code, y->item.code);
}

/* Grow an arena array of elem-sized items to hold at least need. */
static void *grow(struct arena *a, void *v, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return v;
	size_t nc = *cap ? *cap * 2 : 64;
	while (nc < need)
		nc *= 2;
	void *nv = arena_alloc(a, nc * elem);
	if (!nv)
		return NULL;
	if (v)
		memcpy(nv, v, *cap * elem);
	*cap = nc;
	return nv;
}

/* The shown name in language li: the staff name, the loaded name, the staff
 * English name, the loaded English name. */
static const char *name_expr(struct arena *a, int li)
{
	return arena_printf(a, "COALESCE(NULLIF(o.%s, ''), NULLIF(e.%s, ''), NULLIF(o.name_en, ''), e.name_en)",
			    name_cols[li], name_cols[li]);
}

static bool country_ok(const char *code, const char *filter)
{
	if (!filter || !*filter)
		return true;
	/* filter is a comma-separated list of two-letter codes */
	for (const char *p = filter; *p;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		while (len > 0 && p[len - 1] == ' ')
			len--;
		while (len > 0 && *p == ' ')
			p++, len--;
		if (len == 2 && strncmp(code, p, 2) == 0 && code[2] == '-')
			return true;
		if (!e)
			break;
		p = e + 1;
	}
	return false;
}

static const char *find_code(const struct ref_item *v, size_t n, const char *code)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int r = strcmp(v[mid].code, code);
		if (r == 0)
			return v[mid].name;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int cmp_item_code(const void *pa, const void *pb)
{
	return strcmp(((const struct ref_item *)pa)->code, ((const struct ref_item *)pb)->code);
}

/* Scratch memory for sorting (keys, the unsorted array): freed before
 * returning, so the caller's arena holds only the result. */
enum { SCRATCH_LIMIT = 64 << 20 };

int refdata_list(struct db *db, struct arena *a, const char *kind, const char *lang, const char *filter,
		 struct ref_item **items, size_t *n)
{
	*items = NULL;
	*n = 0;
	if (!refdata_kind_known(kind))
		return -1;
	int li = lang_index(lang);
	bool by_sector = strcmp(kind, "occupation") == 0 && filter && *filter;
	bool code_order = strcmp(kind, "occupation") == 0 && !by_sector;
	bool data_order = strcmp(kind, "education") == 0;
	bool places = strcmp(kind, "municipality") == 0 || strcmp(kind, "region") == 0;

	/* Municipalities are grouped by their region's name. */
	struct ref_item *regions = NULL;
	size_t nregions = 0;
	if (strcmp(kind, "municipality") == 0) {
		if (refdata_list(db, a, "region", lang, NULL, &regions, &nregions))
			return -1;
		qsort(regions, nregions, sizeof(*regions), cmp_item_code);
	}

	struct arena *t = arena_new(SCRATCH_LIMIT);
	const char *ne = t ? name_expr(t, li) : NULL;
	const char *sql = ne ? arena_printf(t,
		"SELECT e.code, %s, e.parent, e.sort FROM ref_entries e"
		" LEFT JOIN ref_overrides o ON o.kind = e.kind AND o.code = e.code"
		" WHERE e.kind = ? AND e.retired = 0 AND COALESCE(o.hidden, 0) = 0%s",
		ne,
		by_sector ? " AND length(e.code) = 4 AND EXISTS (SELECT 1 FROM ref_sector_isco s"
			    " WHERE s.sector = ? AND substr(e.code, 1, length(s.prefix)) = s.prefix)" : "") : NULL;
	struct db_stmt *st = sql ? db_prepare(db, sql) : NULL;
	if (!st) {
		arena_free(t);
		return -1;
	}
	db_bind_text(st, 1, kind);
	if (by_sector)
		db_bind_text(st, 2, filter);
	struct sorted *v = NULL;
	size_t m = 0, cap = 0;
	int rc = 0;
	enum db_step s;
	while ((s = db_step(st)) == DB_ROW) {
		const char *code = db_col_text(st, 0);
		if (!code)
			continue;
		if (places && !country_ok(code, filter))
			continue;
		if (!(v = grow(t, v, &cap, m + 1, sizeof(*v)))) {
			rc = -1;
			break;
		}
		struct sorted *e = &v[m];
		const char *name = db_col_text(st, 1), *parent = db_col_text(st, 2);
		e->item.code = arena_strdup(a, code);
		e->item.name = arena_strdup(a, name ? name : code);
		if (by_sector)
			e->item.group = filter;
		else if (regions)
			e->item.group = parent ? find_code(regions, nregions, parent) : NULL;
		else if (strcmp(kind, "region") == 0)
			e->item.group = parent ? arena_strdup(a, parent) : NULL;
		else
			e->item.group = "";
		if (!e->item.group)
			e->item.group = "";
		if (code_order)
			e->key = e->item.code;
		else if (data_order)
			e->key = arena_printf(t, "%012lld", (long long)db_col_int(st, 3));
		else
			e->key = e->item.name ? coll_key(t, li, e->item.name) : NULL;
		e->prio = 3;
		if (strcmp(kind, "language") == 0)
			e->prio = !strcmp(code, "sv") ? 0 : !strcmp(code, "fi") ? 1 : !strcmp(code, "en") ? 2 : 3;
		if (!e->item.code || !e->item.name || !e->key) {
			rc = -1;
			break;
		}
		m++;
	}
	if (s == DB_ERR)
		rc = -1;
	db_finalize(st);
	struct ref_item *out = NULL;
	if (rc == 0) {
		if (m)
			qsort(v, m, sizeof(*v), cmp_sorted);
		out = arena_alloc(a, (m ? m : 1) * sizeof(*out));
		for (size_t i = 0; out && i < m; i++)
			out[i] = v[i].item;
	}
	arena_free(t);
	if (!out)
		return -1;
	*items = out;
	*n = m;
	return 0;
}

const char *refdata_name(struct db *db, struct arena *a, const char *kind, const char *code, const char *lang)
{
	if (!refdata_kind_known(kind) || !code)
		return NULL;
	const char *ne = name_expr(a, lang_index(lang));
	const char *sql = ne ? arena_printf(a, "SELECT %s FROM ref_entries e LEFT JOIN ref_overrides o"
					       " ON o.kind = e.kind AND o.code = e.code"
					       " WHERE e.kind = ? AND e.code = ?", ne) : NULL;
	struct db_stmt *st = sql ? db_prepare(db, sql) : NULL;
	if (!st)
		return NULL;
	db_bind_text(st, 1, kind);
	db_bind_text(st, 2, code);
	const char *r = NULL;
	if (db_step(st) == DB_ROW) {
		const char *t = db_col_text(st, 0);
		r = arena_strdup(a, t ? t : code);
	}
	db_finalize(st);
	return r;
}

bool refdata_exists(struct db *db, const char *kind, const char *code)
{
	if (!kind || !code)
		return false;
	return db_int(db, 0, "SELECT 1 FROM ref_entries WHERE kind = ? AND code = ?", "ss", kind, code) == 1;
}

bool refdata_selectable(struct db *db, const char *kind, const char *code)
{
	if (!kind || !code)
		return false;
	return db_int(db, 0, "SELECT 1 FROM ref_entries e WHERE e.kind = ? AND e.code = ? AND e.retired = 0"
			     " AND NOT EXISTS (SELECT 1 FROM ref_overrides o WHERE o.kind = e.kind"
			     " AND o.code = e.code AND o.hidden = 1)", "ss", kind, code) == 1;
}

const char *refdata_region(struct db *db, struct arena *a, const char *municipality)
{
	if (!municipality)
		return NULL;
	struct db_stmt *st = db_prepare(db, "SELECT parent FROM ref_entries WHERE kind = 'municipality' AND code = ?");
	if (!st)
		return NULL;
	db_bind_text(st, 1, municipality);
	const char *r = NULL;
	if (db_step(st) == DB_ROW && db_col_text(st, 0) && *db_col_text(st, 0))
		r = arena_strdup(a, db_col_text(st, 0));
	db_finalize(st);
	return r;
}

bool refdata_in_sector(struct db *db, const char *sector, const char *occupation)
{
	if (!sector || !occupation)
		return false;
	return db_int(db, 0, "SELECT 1 FROM ref_sector_isco WHERE sector = ?"
			     " AND substr(?, 1, length(prefix)) = prefix", "ss", sector, occupation) == 1;
}

int refdata_distance_km(struct db *db, const char *muni_a, const char *muni_b)
{
	if (!muni_a || !muni_b)
		return -1;
	struct db_stmt *st = db_prepare(db, "SELECT code, lat_e6, lon_e6 FROM ref_entries"
					    " WHERE kind = 'municipality' AND code IN (?, ?)"
					    " AND lat_e6 IS NOT NULL AND lon_e6 IS NOT NULL");
	if (!st)
		return -1;
	db_bind_text(st, 1, muni_a);
	db_bind_text(st, 2, muni_b);
	double lat[2], lon[2];
	bool got[2] = { false, false };
	while (db_step(st) == DB_ROW) {
		const char *code = db_col_text(st, 0);
		for (int i = 0; i < 2; i++) {
			if (code && strcmp(code, i == 0 ? muni_a : muni_b) == 0) {
				lat[i] = (double)db_col_int(st, 1) / 1e6;
				lon[i] = (double)db_col_int(st, 2) / 1e6;
				got[i] = true;
			}
		}
	}
	db_finalize(st);
	if (!got[0] || !got[1])
		return -1;
	const double r = 6371.0088, rad = M_PI / 180.0;
	double dlat = (lat[1] - lat[0]) * rad, dlon = (lon[1] - lon[0]) * rad;
	double h = sin(dlat / 2) * sin(dlat / 2) +
		   cos(lat[0] * rad) * cos(lat[1] * rad) * sin(dlon / 2) * sin(dlon / 2);
	if (h > 1)
		h = 1;
	return (int)lround(2 * r * asin(sqrt(h)));
}

/* ---- staff edits -------------------------------------------------------------- */

bool refdata_name_ok(const char *name)
{
	if (!name)
		return true;
	size_t n = strlen(name);
	return utf8_valid(name, n) && !utf8_has_ctl(name, n) && utf8_chars(name, n) <= REFDATA_NAME_MAX;
}

int refdata_rename(struct db *db, const char *kind, const char *code, const char *lang, const char *name,
		   int64_t now)
{
	if (!lang || (strcmp(lang, "sv") && strcmp(lang, "fi") && strcmp(lang, "en")))
		return -1;
	if (!refdata_kind_known(kind) || !refdata_exists(db, kind, code) || !refdata_name_ok(name))
		return -1;
	char sql[256];
	snprintf(sql, sizeof(sql),
		 "INSERT INTO ref_overrides (kind, code, %s, updated_at) VALUES (?, ?, ?, ?)"
		 " ON CONFLICT (kind, code) DO UPDATE SET %s = excluded.%s, updated_at = excluded.updated_at",
		 name_cols[lang_index(lang)], name_cols[lang_index(lang)], name_cols[lang_index(lang)]);
	if (name && *name)
		return db_run(db, sql, "sssi", kind, code, name, now);
	return db_run(db, sql, "ssni", kind, code, now);
}

int refdata_set_hidden(struct db *db, const char *kind, const char *code, bool hidden, int64_t now)
{
	if (!refdata_kind_known(kind) || !refdata_exists(db, kind, code))
		return -1;
	return db_run(db, "INSERT INTO ref_overrides (kind, code, hidden, updated_at) VALUES (?, ?, ?, ?)"
			  " ON CONFLICT (kind, code) DO UPDATE SET hidden = excluded.hidden,"
			  " updated_at = excluded.updated_at", "ssii", kind, code, (int64_t)(hidden ? 1 : 0), now);
}

int refdata_admin_get(struct db *db, struct arena *a, const char *kind, const char *code, const char *lang,
		      struct ref_admin_entry *out)
{
	memset(out, 0, sizeof(*out));
	if (!refdata_kind_known(kind) || !code)
		return -1;
	const char *ne = name_expr(a, lang_index(lang));
	const char *sql = ne ? arena_printf(a,
		"SELECT e.code, %s, e.name_sv, e.name_fi, e.name_en, o.name_sv, o.name_fi, o.name_en,"
		" COALESCE(o.hidden, 0), e.retired FROM ref_entries e"
		" LEFT JOIN ref_overrides o ON o.kind = e.kind AND o.code = e.code"
		" WHERE e.kind = ? AND e.code = ?", ne) : NULL;
	struct db_stmt *st = sql ? db_prepare(db, sql) : NULL;
	if (!st)
		return -1;
	db_bind_text(st, 1, kind);
	db_bind_text(st, 2, code);
	int rc = -1;
	if (db_step(st) == DB_ROW) {
		out->code = arena_strdup(a, code);
		out->name = arena_strdup(a, db_col_text(st, 1) ? db_col_text(st, 1) : code);
		rc = out->code && out->name ? 0 : -1;
		for (int i = 0; i < 3; i++) {
			const char *t = db_col_text(st, 2 + i);
			out->loaded[i] = arena_strdup(a, t ? t : "");
			out->custom[i] = db_col_null(st, 5 + i) ? NULL : arena_strdup(a, db_col_text(st, 5 + i));
			if (!out->loaded[i])
				rc = -1;
		}
		out->hidden = db_col_int(st, 8) != 0;
		out->retired = db_col_int(st, 9) != 0;
	}
	db_finalize(st);
	return rc;
}

static bool key_contains(const char *key, const char *q)
{
	return *q == '\0' || strstr(key, q) != NULL;
}

static const char *dup_or_null(struct arena *a, const char *s, bool *ok)
{
	if (!s)
		return NULL;
	const char *r = arena_strdup(a, s);
	if (!r)
		*ok = false;
	return r;
}

int refdata_admin_list(struct db *db, struct arena *a, const char *kind, const char *lang, const char *query,
		       size_t offset, size_t limit, struct ref_admin_entry **out, size_t *n, size_t *total)
{
	*out = NULL;
	*n = 0;
	*total = 0;
	if (!refdata_kind_known(kind))
		return -1;
	int li = lang_index(lang);
	struct arena *t = arena_new(SCRATCH_LIMIT);
	const char *ne = t ? name_expr(t, li) : NULL;
	const char *sql = ne ? arena_printf(t,
		"SELECT e.code, %s, e.name_sv, e.name_fi, e.name_en, o.name_sv, o.name_fi, o.name_en,"
		" COALESCE(o.hidden, 0), e.retired, e.sort FROM ref_entries e"
		" LEFT JOIN ref_overrides o ON o.kind = e.kind AND o.code = e.code WHERE e.kind = ?", ne) : NULL;
	struct db_stmt *st = sql ? db_prepare(db, sql) : NULL;
	if (!st) {
		arena_free(t);
		return -1;
	}
	db_bind_text(st, 1, kind);
	const char *qkey = coll_key(t, li, query ? query : "");
	bool code_order = strcmp(kind, "occupation") == 0;
	bool data_order = strcmp(kind, "education") == 0;
	struct sorted *v = NULL;
	size_t m = 0, cap = 0;
	int rc = qkey ? 0 : -1;
	enum db_step s = DB_DONE;
	while (rc == 0 && (s = db_step(st)) == DB_ROW) {
		const char *code = db_col_text(st, 0);
		if (!code)
			continue;
		struct ref_admin_entry *e = arena_alloc(t, sizeof(*e));
		if (!e) {
			rc = -1;
			break;
		}
		e->code = arena_strdup(t, code);
		e->name = arena_strdup(t, db_col_text(st, 1) ? db_col_text(st, 1) : code);
		bool match = *qkey == '\0';
		const char *ck = coll_key(t, li, code);
		if (ck && key_contains(ck, qkey))
			match = true;
		for (int i = 0; i < 3; i++) {
			const char *tx = db_col_text(st, 2 + i);
			e->loaded[i] = arena_strdup(t, tx ? tx : "");
			e->custom[i] = db_col_null(st, 5 + i) ? NULL : arena_strdup(t, db_col_text(st, 5 + i));
			const char *k1 = e->loaded[i] ? coll_key(t, li, e->loaded[i]) : NULL;
			const char *k2 = e->custom[i] ? coll_key(t, li, e->custom[i]) : NULL;
			if ((k1 && key_contains(k1, qkey)) || (k2 && key_contains(k2, qkey)))
				match = true;
		}
		e->hidden = db_col_int(st, 8) != 0;
		e->retired = db_col_int(st, 9) != 0;
		if (!e->code || !e->name) {
			rc = -1;
			break;
		}
		if (!match)
			continue;
		if (!(v = grow(t, v, &cap, m + 1, sizeof(*v)))) {
			rc = -1;
			break;
		}
		v[m].item.code = e->code;
		v[m].item.name = e->name;
		v[m].prio = 0;
		v[m].extra = e;
		if (code_order)
			v[m].key = e->code;
		else if (data_order)
			v[m].key = arena_printf(t, "%012lld", (long long)db_col_int(st, 10));
		else
			v[m].key = coll_key(t, li, e->name);
		if (!v[m].key) {
			rc = -1;
			break;
		}
		m++;
	}
	if (s == DB_ERR)
		rc = -1;
	db_finalize(st);
	struct ref_admin_entry *r = NULL;
	size_t cnt = 0;
	if (rc == 0) {
		if (m)
			qsort(v, m, sizeof(*v), cmp_sorted);
		size_t from = offset < m ? offset : m;
		cnt = m - from < limit ? m - from : limit;
		r = arena_alloc(a, (cnt ? cnt : 1) * sizeof(*r));
		bool ok = r != NULL;
		for (size_t i = 0; ok && i < cnt; i++) {
			const struct ref_admin_entry *e = v[from + i].extra;
			r[i] = *e;
			r[i].code = dup_or_null(a, e->code, &ok);
			r[i].name = dup_or_null(a, e->name, &ok);
			for (int j = 0; j < 3; j++) {
				r[i].loaded[j] = dup_or_null(a, e->loaded[j], &ok);
				r[i].custom[j] = dup_or_null(a, e->custom[j], &ok);
			}
		}
		if (!ok)
			r = NULL;
	}
	arena_free(t);
	if (!r)
		return -1;
	*out = r;
	*n = cnt;
	*total = m;
	return 0;
}

/* ---- loading ---------------------------------------------------------------- */

enum { TSV_MAX_BYTES = 4 << 20, TSV_MAX_COLS = 8, FIELD_MAX_BYTES = 800 };

struct ent {
	const char *kind, *code, *sv, *fi, *en, *parent;
	int64_t sort;
	bool coords;
	int64_t lat, lon;
	const char *file;
	int line;
};

struct loader {
	struct arena *a;
	struct ent *v;
	size_t n, cap;
	const char **map;     /* sector, prefix pairs */
	size_t nmap, capmap;
	int errors;
	int64_t sort;     /* order of sectors and education levels in their files */
};

static int add_ent(struct loader *L, const struct ent *e)
{
	if (!(L->v = grow(L->a, L->v, &L->cap, L->n + 1, sizeof(*L->v))))
		return error("refdata: out of memory");
	L->v[L->n++] = *e;
	return 0;
}

static void bad(struct loader *L, const char *file, int line, const char *what)
{
	if (L->errors++ < 20)
		log_warn("refdata: %s:%d: %s", file, line, what);
}

/* Read data_dir/name, check its header, and call row() for each data line
 * with its fields (NUL-terminated, in the arena). */
typedef void (*row_fn)(struct loader *L, const char *file, int line, char **f);

static int read_tsv(struct loader *L, const char *dir, const char *name, const char *header, row_fn row)
{
	char path[1024];
	int k = snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (k < 0 || (size_t)k >= sizeof(path))
		return error("refdata: path too long");
	FILE *f = fopen(path, "rb");
	if (!f)
		return error("refdata: cannot open %s: %s", path, strerror(errno));
	long size = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
	if (size < 0 || size > TSV_MAX_BYTES || fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return error("refdata: %s: unreadable or larger than %d bytes", path, TSV_MAX_BYTES);
	}
	char *data = arena_alloc(L->a, (size_t)size + 1);
	size_t len = data ? fread(data, 1, (size_t)size, f) : 0;
	bool rerr = ferror(f) || len != (size_t)size;
	fclose(f);
	if (!data)
		return error("refdata: out of memory");
	if (rerr)
		return error("refdata: %s: read error", path);
	data[len] = '\0';
	if (!utf8_valid(data, len))
		return error("refdata: %s: not valid UTF-8", path);
	size_t ncols = 1;
	for (const char *p = header; *p; p++)
		ncols += *p == '\t';
	assert(ncols <= TSV_MAX_COLS);
	bool seen_header = false;
	int line = 0;
	for (char *p = data; p < data + len;) {
		char *eol = memchr(p, '\n', (size_t)(data + len - p));
		char *end = eol ? eol : data + len;
		line++;
		*end = '\0';
		if (end > p && end[-1] == '\r')
			end[-1] = '\0';
		char *cur = p;
		p = end + 1;
		if (*cur == '\0' || *cur == '#')
			continue;
		if (!seen_header) {
			if (strcmp(cur, header) != 0) {
				bad(L, name, line, "the header line is not as expected");
				return error("refdata: %s: expected the columns \"%s\"", name, header);
			}
			seen_header = true;
			continue;
		}
		char *fields[TSV_MAX_COLS];
		size_t nf = 0;
		bool ok = true;
		for (char *q = cur;;) {
			char *tab = strchr(q, '\t');
			if (nf == TSV_MAX_COLS) {
				ok = false;
				break;
			}
			fields[nf++] = q;
			if (!tab)
				break;
			*tab = '\0';
			q = tab + 1;
		}
		if (!ok || nf != ncols) {
			bad(L, name, line, "wrong number of columns");
			continue;
		}
		for (size_t i = 0; i < nf; i++) {
			size_t fl = strlen(fields[i]);
			if (fl > FIELD_MAX_BYTES || utf8_has_ctl(fields[i], fl)) {
				bad(L, name, line, "a field is too long or holds control characters");
				ok = false;
				break;
			}
			/* trim spaces */
			while (fl > 0 && fields[i][fl - 1] == ' ')
				fields[i][--fl] = '\0';
			while (*fields[i] == ' ')
				fields[i]++;
		}
		if (ok)
			row(L, name, line, fields);
	}
	if (!seen_header)
		return error("refdata: %s: no header line", name);
	return 0;
}

static bool all_in(const char *s, const char *set, size_t min, size_t max)
{
	size_t n = strlen(s);
	if (n < min || n > max)
		return false;
	for (; *s; s++)
		if (!strchr(set, *s))
			return false;
	return true;
}

static const char DIGITS[] = "0123456789";
static const char SLUG[] = "abcdefghijklmnopqrstuvwxyz0123456789_";

static void row_sector(struct loader *L, const char *file, int line, char **f)
{
	/* code name_sv name_fi name_en isco */
	if (!all_in(f[0], SLUG, 1, 32) || !*f[1] || !*f[2] || !*f[3]) {
		bad(L, file, line, "a sector needs a code [a-z0-9_] and names in sv, fi and en");
		return;
	}
	struct ent e = { .kind = "sector", .code = f[0], .sv = f[1], .fi = f[2], .en = f[3],
			 .parent = "", .sort = ++L->sort, .file = file, .line = line };
	if (add_ent(L, &e))
		L->errors++;
	size_t nprefix = 0;
	for (char *p = f[4]; *p;) {
		size_t len = strcspn(p, " ,");
		if (len) {
			char *prefix = arena_strndup(L->a, p, len);
			if (!prefix || !all_in(prefix, DIGITS, 1, 4)) {
				bad(L, file, line, "an ISCO prefix must be 1 to 4 digits");
			} else {
				if (!(L->map = grow(L->a, L->map, &L->capmap, L->nmap + 2, sizeof(*L->map)))) {
					L->errors++;
					return;
				}
				L->map[L->nmap++] = f[0];
				L->map[L->nmap++] = prefix;
				nprefix++;
			}
		}
		p += len;
		while (*p == ' ' || *p == ',')
			p++;
	}
	if (nprefix == 0)
		bad(L, file, line, "a sector needs at least one ISCO-08 group");
}

static void row_isco(struct loader *L, const char *file, int line, char **f)
{
	/* code name_en name_fi name_sv */
	if (!all_in(f[0], DIGITS, 1, 4) || !*f[1]) {
		bad(L, file, line, "an ISCO-08 code is 1 to 4 digits and needs an English name");
		return;
	}
	struct ent e = { .kind = "occupation", .code = f[0], .en = f[1], .fi = f[2], .sv = f[3],
			 .parent = "", .file = file, .line = line };
	if (add_ent(L, &e))
		L->errors++;
}

static void row_region(struct loader *L, const char *file, int line, char **f)
{
	/* code name_sv name_fi name_en */
	bool ok = strlen(f[0]) == 5 && (has_prefix(f[0], "FI-") || has_prefix(f[0], "SE-")) &&
		  all_in(f[0] + 3, DIGITS, 2, 2);
	if (!ok || !*f[1] || !*f[2] || !*f[3]) {
		bad(L, file, line, "a region is FI-NN or SE-NN with names in sv, fi and en");
		return;
	}
	struct ent e = { .kind = "region", .code = f[0], .sv = f[1], .fi = f[2], .en = f[3],
			 .parent = arena_strndup(L->a, f[0], 2), .file = file, .line = line };
	if (add_ent(L, &e))
		L->errors++;
}

/* Degrees as text ("60.1699") into micro-degrees within [lo, hi]. */
static bool parse_deg(const char *s, double lo, double hi, int64_t *out)
{
	if (!*s || strlen(s) > 16)
		return false;
	char *end;
	errno = 0;
	double d = strtod(s, &end);
	if (errno || *end || !(d >= lo && d <= hi))
		return false;
	*out = llround(d * 1e6);
	return true;
}

static void add_municipality(struct loader *L, const char *file, int line, const char *code, const char *fi,
			     const char *sv, const char *en, const char *region, const char *lat, const char *lon,
			     bool finland)
{
	struct ent e = { .kind = "municipality", .code = code, .sv = sv, .fi = fi, .en = en, .parent = region,
			 .coords = true, .file = file, .line = line };
	bool ok = finland ? parse_deg(lat, 59.0, 70.5, &e.lat) && parse_deg(lon, 19.0, 32.0, &e.lon)
			  : parse_deg(lat, 55.0, 69.5, &e.lat) && parse_deg(lon, 10.5, 24.5, &e.lon);
	if (!ok) {
		bad(L, file, line, "coordinates out of range");
		return;
	}
	if (add_ent(L, &e))
		L->errors++;
}

static void row_muni_fi(struct loader *L, const char *file, int line, char **f)
{
	/* code name_fi name_sv main region lat lon */
	if (strlen(f[0]) != 6 || !has_prefix(f[0], "FI-") || !all_in(f[0] + 3, DIGITS, 3, 3) || !*f[1] ||
	    !*f[2] || (strcmp(f[3], "fi") && strcmp(f[3], "sv")) || !has_prefix(f[4], "FI-")) {
		bad(L, file, line, "expected FI-NNN, Finnish and Swedish names, fi|sv, a FI- region");
		return;
	}
	add_municipality(L, file, line, f[0], f[1], f[2], strcmp(f[3], "sv") ? f[1] : f[2], f[4], f[5], f[6],
			 true);
}

static void row_muni_se(struct loader *L, const char *file, int line, char **f)
{
	/* code name region lat lon */
	if (strlen(f[0]) != 7 || !has_prefix(f[0], "SE-") || !all_in(f[0] + 3, DIGITS, 4, 4) || !*f[1] ||
	    !has_prefix(f[2], "SE-")) {
		bad(L, file, line, "expected SE-NNNN, a name, a SE- region");
		return;
	}
	add_municipality(L, file, line, f[0], f[1], f[1], f[1], f[2], f[3], f[4], false);
}

static void row_education(struct loader *L, const char *file, int line, char **f)
{
	/* code name_sv name_fi name_en */
	if (!all_in(f[0], SLUG, 1, 32) || !*f[1] || !*f[2] || !*f[3]) {
		bad(L, file, line, "an education level needs a code [a-z0-9_] and names in sv, fi and en");
		return;
	}
	struct ent e = { .kind = "education", .code = f[0], .sv = f[1], .fi = f[2], .en = f[3], .parent = "",
			 .sort = ++L->sort, .file = file, .line = line };
	if (add_ent(L, &e))
		L->errors++;
}

static int cmp_ent(const void *pa, const void *pb)
{
	const struct ent *x = pa, *y = pb;
	int r = strcmp(x->kind, y->kind);
	return r ? r : strcmp(x->code, y->code);
}

static const struct ent *find_ent(const struct loader *L, const char *kind, const char *code)
{
	struct ent key = { .kind = kind, .code = code };
	return bsearch(&key, L->v, L->n, sizeof(*L->v), cmp_ent);
}

/* Cross-file checks, on the entries sorted by kind and code. */
static void check_all(struct loader *L)
{
	for (size_t i = 1; i < L->n; i++)
		if (cmp_ent(&L->v[i - 1], &L->v[i]) == 0)
			bad(L, L->v[i].file, L->v[i].line, "duplicate code");
	for (size_t i = 0; i < L->n; i++) {
		const struct ent *e = &L->v[i];
		if (strcmp(e->kind, "occupation") == 0 && strlen(e->code) > 1) {
			char parent[5];
			snprintf(parent, sizeof(parent), "%.*s", (int)strlen(e->code) - 1, e->code);
			if (!find_ent(L, "occupation", parent))
				bad(L, e->file, e->line, "the ISCO-08 group above this one is missing");
		}
		if (strcmp(e->kind, "municipality") == 0) {
			const struct ent *r = find_ent(L, "region", e->parent);
			if (!r || strncmp(r->code, e->code, 2) != 0)
				bad(L, e->file, e->line, "unknown region");
		}
	}
	for (size_t i = 0; i + 1 < L->nmap; i += 2) {
		if (find_ent(L, "occupation", L->map[i + 1]))
			continue;
		const struct ent *s = find_ent(L, "sector", L->map[i]);
		const char *msg = arena_printf(L->a, "ISCO-08 group %s is not in isco08.tsv", L->map[i + 1]);
		bad(L, "sectors.tsv", s ? s->line : 0, msg ? msg : "unknown ISCO-08 group");
	}
}

enum { BATCH = 50, ENT_COLS = 9 };

static int insert_batch(struct db *db, struct arena *a, const struct ent *v, size_t n)
{
	const char *head = "INSERT INTO ref_entries (kind, code, name_sv, name_fi, name_en, parent, sort,"
			   " lat_e6, lon_e6, retired) VALUES ";
	const char *tail = " ON CONFLICT (kind, code) DO UPDATE SET name_sv = excluded.name_sv,"
			   " name_fi = excluded.name_fi, name_en = excluded.name_en, parent = excluded.parent,"
			   " sort = excluded.sort, lat_e6 = excluded.lat_e6, lon_e6 = excluded.lon_e6, retired = 0";
	size_t cap = strlen(head) + n * 24 + strlen(tail) + 1;
	char *sql = arena_alloc(a, cap);
	if (!sql)
		return error("refdata: out of memory");
	strcpy(sql, head);
	for (size_t i = 0; i < n; i++)
		strcat(sql, i ? ",(?,?,?,?,?,?,?,?,?,0)" : "(?,?,?,?,?,?,?,?,?,0)");
	strcat(sql, tail);
	struct db_stmt *st = db_prepare(db, sql);
	if (!st)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const struct ent *e = &v[i];
		int b = (int)(i * ENT_COLS);
		db_bind_text(st, b + 1, e->kind);
		db_bind_text(st, b + 2, e->code);
		db_bind_text(st, b + 3, e->sv ? e->sv : "");
		db_bind_text(st, b + 4, e->fi ? e->fi : "");
		db_bind_text(st, b + 5, e->en ? e->en : "");
		db_bind_text(st, b + 6, e->parent ? e->parent : "");
		db_bind_int(st, b + 7, e->sort);
		if (e->coords) {
			db_bind_int(st, b + 8, e->lat);
			db_bind_int(st, b + 9, e->lon);
		} else {
			db_bind_null(st, b + 8);
			db_bind_null(st, b + 9);
		}
	}
	enum db_step s = db_step(st);
	db_finalize(st);
	return s == DB_DONE ? 0 : -1;
}

static int insert_map_batch(struct db *db, struct arena *a, const char **pairs, size_t npairs)
{
	const char *head = "INSERT INTO ref_sector_isco (sector, prefix) VALUES ";
	char *sql = arena_alloc(a, strlen(head) + npairs * 8 + 64);
	if (!sql)
		return error("refdata: out of memory");
	strcpy(sql, head);
	for (size_t i = 0; i < npairs; i++)
		strcat(sql, i ? ",(?,?)" : "(?,?)");
	strcat(sql, " ON CONFLICT (sector, prefix) DO NOTHING");
	struct db_stmt *st = db_prepare(db, sql);
	if (!st)
		return -1;
	for (size_t i = 0; i < npairs; i++) {
		db_bind_text(st, (int)(2 * i + 1), pairs[2 * i]);
		db_bind_text(st, (int)(2 * i + 2), pairs[2 * i + 1]);
	}
	enum db_step s = db_step(st);
	db_finalize(st);
	return s == DB_DONE ? 0 : -1;
}

static int add_iso(struct loader *L, const char *kind, const struct iso_entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct ent e = { .kind = kind, .code = v[i].code, .sv = v[i].name_sv, .fi = v[i].name_fi,
				 .en = v[i].name_en, .parent = "", .file = "iso-codes", .line = (int)i + 1 };
		if (add_ent(L, &e))
			return -1;
	}
	return 0;
}

static int write_all(struct db *db, struct loader *L)
{
	if (db_exec(db, "UPDATE ref_entries SET retired = 1 WHERE retired = 0"))
		return -1;
	for (size_t i = 0; i < L->n; i += BATCH)
		if (insert_batch(db, L->a, &L->v[i], L->n - i < BATCH ? L->n - i : BATCH))
			return -1;
	if (db_exec(db, "DELETE FROM ref_sector_isco"))
		return -1;
	size_t npairs = L->nmap / 2;
	for (size_t i = 0; i < npairs; i += BATCH)
		if (insert_map_batch(db, L->a, &L->map[2 * i], npairs - i < BATCH ? npairs - i : BATCH))
			return -1;
	return 0;
}

int refdata_load_from(struct db *db, const char *data_dir, const char *iso_json_dir, const char *iso_locale_dir)
{
	struct loader L = { .a = arena_new((size_t)256 << 20) };
	if (!L.a)
		return error("refdata: out of memory");
	int rc = 0;
	rc |= read_tsv(&L, data_dir, "sectors.tsv", "code\tname_sv\tname_fi\tname_en\tisco", row_sector);
	rc |= read_tsv(&L, data_dir, "isco08.tsv", "code\tname_en\tname_fi\tname_sv", row_isco);
	rc |= read_tsv(&L, data_dir, "regions.tsv", "code\tname_sv\tname_fi\tname_en", row_region);
	rc |= read_tsv(&L, data_dir, "municipalities_fi.tsv", "code\tname_fi\tname_sv\tmain\tregion\tlat\tlon",
		       row_muni_fi);
	rc |= read_tsv(&L, data_dir, "municipalities_se.tsv", "code\tname\tregion\tlat\tlon", row_muni_se);
	rc |= read_tsv(&L, data_dir, "education.tsv", "code\tname_sv\tname_fi\tname_en", row_education);
	struct iso_entry *iso;
	size_t niso;
	if (isocodes_countries(L.a, iso_json_dir, iso_locale_dir, &iso, &niso) || add_iso(&L, "country", iso, niso))
		rc = -1;
	if (isocodes_languages(L.a, iso_json_dir, iso_locale_dir, &iso, &niso) || add_iso(&L, "language", iso, niso))
		rc = -1;
	if (rc == 0) {
		qsort(L.v, L.n, sizeof(*L.v), cmp_ent);
		check_all(&L);
	}
	if (rc || L.errors) {
		arena_free(L.a);
		return error("refdata: not loaded: %d problem(s) in the data", L.errors ? L.errors : 1);
	}
	if (db_begin(db)) {
		arena_free(L.a);
		return -1;
	}
	if (write_all(db, &L) || db_commit(db)) {
		db_rollback(db);
		arena_free(L.a);
		return error("refdata: loading into the database failed");
	}
	log_info("refdata: %zu entries loaded", L.n);
	arena_free(L.a);
	return 0;
}

int refdata_load(struct db *db, const char *data_dir)
{
	return refdata_load_from(db, data_dir, ISOCODES_JSON_DIR, ISOCODES_LOCALE_DIR);
}

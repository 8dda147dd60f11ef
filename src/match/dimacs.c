/* DIMACS min-cost-flow reader and b-matching writer (see dimacs.h). */
#include "match/dimacs.h"

#include <stdlib.h>
#include <string.h>

/* ---- parser ------------------------------------------------------------------- */

void match_dimacs_init(struct match_dimacs *d, struct match_mcf *g,
		       const struct match_dimacs_limits *lim)
{
	memset(d, 0, sizeof(*d));
	memset(g, 0, sizeof(*g));
	d->g = g;
	if (lim) {
		d->lim = *lim;
	} else {
		d->lim.max_nodes = 50000000;
		d->lim.max_arcs = 500000000;
	}
}

static int fail(struct match_dimacs *d, const char *msg)
{
	if (!d->error) {
		d->error = msg;
		d->error_line = d->lineno;
	}
	return -1;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Next integer token from *p (bounded by end); -1 when missing or malformed. */
static int next_int(const char **p, const char *end, int64_t *out)
{
	const char *s = *p;
	while (s < end && is_space(*s))
		s++;
	if (s == end)
		return -1;
	int neg = 0;
	if (*s == '-' || *s == '+') {
		neg = *s == '-';
		s++;
	}
	if (s == end || *s < '0' || *s > '9')
		return -1;
	uint64_t v = 0;
	while (s < end && *s >= '0' && *s <= '9') {
		uint64_t digit = (uint64_t)(*s - '0');
		if (v > (UINT64_MAX - digit) / 10)
			return -1;
		v = v * 10 + digit;
		s++;
	}
	if (s < end && !is_space(*s))
		return -1;
	if (v > (uint64_t)MATCH_MCF_VMAX)
		return -1;
	*out = neg ? -(int64_t)v : (int64_t)v;
	*p = s;
	return 0;
}

static int only_space(const char *p, const char *end)
{
	while (p < end && is_space(*p))
		p++;
	return p == end;
}

static int grow_arcs(struct match_dimacs *d, size_t want)
{
	struct match_mcf *g = d->g;
	size_t nc = d->arcs_cap ? d->arcs_cap * 2 : ((size_t)1 << 16);
	if (nc > g->m)
		nc = g->m;
	if (nc < want)
		nc = want;
	uint32_t *t = realloc(g->tail, nc * sizeof(uint32_t));
	if (!t)
		return -1;
	g->tail = t;
	uint32_t *h = realloc(g->head, nc * sizeof(uint32_t));
	if (!h)
		return -1;
	g->head = h;
	if (g->low) {
		int64_t *lo = realloc(g->low, nc * sizeof(int64_t));
		if (!lo)
			return -1;
		g->low = lo;
	}
	int64_t *cp = realloc(g->cap, nc * sizeof(int64_t));
	if (!cp)
		return -1;
	g->cap = cp;
	int64_t *co = realloc(g->cost, nc * sizeof(int64_t));
	if (!co)
		return -1;
	g->cost = co;
	d->arcs_cap = nc;
	return 0;
}

static int parse_line(struct match_dimacs *d, const char *p, size_t n)
{
	const char *end = p + n;
	while (p < end && is_space(*p))
		p++;
	if (p == end)
		return 0;
	char kind = *p++;
	if (p < end && !is_space(*p))
		return fail(d, "unknown line type");
	struct match_mcf *g = d->g;
	int64_t v[5];
	switch (kind) {
	case 'c': {
		static const char tag[] = "ovi-bonus";
		while (p < end && is_space(*p))
			p++;
		if ((size_t)(end - p) > sizeof(tag) - 1 && !memcmp(p, tag, sizeof(tag) - 1) &&
		    is_space(p[sizeof(tag) - 1])) {
			p += sizeof(tag) - 1;
			int64_t b;
			if (next_int(&p, end, &b) == 0 && b >= 0 && only_space(p, end))
				d->bonus = b;
		}
		return 0;
	}
	case 'p': {
		if (d->have_p)
			return fail(d, "second problem line");
		while (p < end && is_space(*p))
			p++;
		if (end - p < 3 || memcmp(p, "min", 3) || (end - p > 3 && !is_space(p[3])))
			return fail(d, "not a min-cost-flow problem (expected \"p min\")");
		p += 3;
		if (next_int(&p, end, &v[0]) || next_int(&p, end, &v[1]) || !only_space(p, end))
			return fail(d, "bad problem line");
		if (v[0] < 1 || (uint64_t)v[0] > d->lim.max_nodes)
			return fail(d, "node count out of range");
		if (v[1] < 0 || (uint64_t)v[1] > d->lim.max_arcs)
			return fail(d, "arc count out of range");
		g->n = (uint32_t)v[0];
		g->m = (size_t)v[1];
		g->supply = calloc(g->n, sizeof(int64_t));
		if (!g->supply)
			return fail(d, "out of memory");
		d->have_p = 1;
		return 0;
	}
	case 'n':
		if (!d->have_p)
			return fail(d, "node line before the problem line");
		if (next_int(&p, end, &v[0]) || next_int(&p, end, &v[1]) || !only_space(p, end))
			return fail(d, "bad node line");
		if (v[0] < 1 || v[0] > g->n)
			return fail(d, "node id out of range");
		g->supply[v[0] - 1] = v[1];
		return 0;
	case 'a':
		if (!d->have_p)
			return fail(d, "arc line before the problem line");
		for (int k = 0; k < 5; k++)
			if (next_int(&p, end, &v[k]))
				return fail(d, "bad arc line");
		if (!only_space(p, end))
			return fail(d, "bad arc line");
		if (v[0] < 1 || v[0] > g->n || v[1] < 1 || v[1] > g->n)
			return fail(d, "arc node out of range");
		if (v[2] < 0 || v[3] < v[2])
			return fail(d, "arc bounds out of range");
		if (d->arcs >= g->m)
			return fail(d, "more arcs than the problem line says");
		if (d->arcs == d->arcs_cap && grow_arcs(d, d->arcs + 1) < 0)
			return fail(d, "out of memory");
		g->tail[d->arcs] = (uint32_t)(v[0] - 1);
		g->head[d->arcs] = (uint32_t)(v[1] - 1);
		if (v[2] != 0 && !g->low) {
			/* The first lower bound: until now they were all 0. */
			g->low = calloc(d->arcs_cap, sizeof(int64_t));
			if (!g->low)
				return fail(d, "out of memory");
		}
		if (g->low)
			g->low[d->arcs] = v[2];
		g->cap[d->arcs] = v[3];
		g->cost[d->arcs] = v[4];
		d->arcs++;
		return 0;
	default:
		return fail(d, "unknown line type");
	}
}

int match_dimacs_feed(struct match_dimacs *d, const char *p, size_t n)
{
	if (d->error)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		if (c == '\n') {
			d->lineno++;
			if (parse_line(d, d->line, d->linelen) < 0)
				return -1;
			d->linelen = 0;
			continue;
		}
		if (c == '\0')
			return d->lineno++, fail(d, "NUL byte");
		if (d->linelen == MATCH_DIMACS_LINE_MAX)
			return d->lineno++, fail(d, "line too long");
		d->line[d->linelen++] = c;
	}
	return 0;
}

int match_dimacs_finish(struct match_dimacs *d)
{
	if (d->error)
		return -1;
	if (d->linelen) {
		d->lineno++;
		if (parse_line(d, d->line, d->linelen) < 0)
			return -1;
		d->linelen = 0;
	}
	if (!d->have_p)
		return fail(d, "no problem line");
	if (d->arcs != d->g->m)
		return fail(d, "fewer arcs than the problem line says");
	/* Keep the arc arrays valid pointers even without arcs. */
	if (d->arcs_cap == 0 && grow_arcs(d, 1) < 0)
		return fail(d, "out of memory");
	return 0;
}

int match_dimacs_parse(const char *p, size_t n, struct match_mcf *g, int64_t *bonus,
		       const char **error, size_t *error_line)
{
	struct match_dimacs d;
	match_dimacs_init(&d, g, NULL);
	if (match_dimacs_feed(&d, p, n) < 0 || match_dimacs_finish(&d) < 0) {
		if (error)
			*error = d.error;
		if (error_line)
			*error_line = d.error_line;
		match_mcf_free(g);
		return -1;
	}
	if (bonus)
		*bonus = d.bonus;
	return 0;
}

/* ---- b-matching form ------------------------------------------------------------ */

void match_bm_owned_free(struct match_bm_owned *bm)
{
	free(bm->off);
	free(bm->to);
	free(bm->w);
	free(bm->lcap);
	free(bm->rcap);
	free(bm->node_side);
	free(bm->node_index);
	memset(bm, 0, sizeof(*bm));
}

enum { SIDE_LEFT, SIDE_RIGHT, SIDE_SINK };

int match_dimacs_to_bm(const struct match_mcf *g, struct match_bm_owned *bm, const char **why)
{
	const char *dummy;
	if (!why)
		why = &dummy;
	memset(bm, 0, sizeof(*bm));
	uint32_t n = g->n, nl = 0, nr = 0, sink = UINT32_MAX;
	for (uint32_t v = 0; v < n; v++) {
		if (g->supply[v] < 0) {
			if (sink != UINT32_MAX) {
				*why = "more than one node with a demand";
				return -1;
			}
			sink = v;
		} else if (g->supply[v] > 0) {
			if (g->supply[v] > (int64_t)MATCH_BM_CAPMAX) {
				*why = "supply too large for a b-matching";
				return -1;
			}
			nl++;
		} else {
			nr++;
		}
	}
	if (sink == UINT32_MAX) {
		*why = "no node with a demand";
		return -1;
	}
	int64_t total = 0;
	for (uint32_t v = 0; v < n; v++)
		if (g->supply[v] > 0)
			total += g->supply[v]; /* each <= MATCH_BM_CAPMAX: no overflow */
	if (total != -g->supply[sink]) {
		*why = "supplies do not balance";
		return -1;
	}
	int64_t *skip = NULL;
	bm->node_side = calloc(n, sizeof(uint32_t));
	bm->node_index = calloc(n, sizeof(uint32_t));
	bm->lcap = calloc(nl ? nl : 1, sizeof(uint32_t));
	bm->rcap = calloc(nr ? nr : 1, sizeof(uint32_t));
	bm->off = calloc((size_t)nl + 1, sizeof(size_t));
	skip = calloc(nl ? nl : 1, sizeof(int64_t));
	if (!bm->node_side || !bm->node_index || !bm->lcap || !bm->rcap || !bm->off || !skip) {
		*why = "out of memory";
		goto fail;
	}
	uint32_t li = 0, ri = 0;
	for (uint32_t v = 0; v < n; v++) {
		if (v == sink) {
			bm->node_side[v] = SIDE_SINK;
		} else if (g->supply[v] > 0) {
			bm->node_side[v] = SIDE_LEFT;
			bm->node_index[v] = li;
			bm->lcap[li++] = (uint32_t)g->supply[v];
		} else {
			bm->node_side[v] = SIDE_RIGHT;
			bm->node_index[v] = ri++;
		}
	}
	size_t m = 0;
	for (size_t k = 0; k < g->m; k++) {
		uint32_t ts = bm->node_side[g->tail[k]], hs = bm->node_side[g->head[k]];
		uint32_t ti = bm->node_index[g->tail[k]];
		if (match_mcf_low(g, k) != 0) {
			*why = "an arc has a lower bound";
			goto fail;
		}
		if (ts == SIDE_LEFT && hs == SIDE_RIGHT) {
			if (g->cap[k] == 0)
				continue;
			if (g->cap[k] > 1 && bm->lcap[ti] > 1) {
				*why = "an edge could carry more than one unit";
				goto fail;
			}
			if (g->cost[k] > MATCH_BM_WMAX || g->cost[k] < -MATCH_BM_WMAX) {
				*why = "cost out of range";
				goto fail;
			}
			bm->off[ti + 1]++;
			m++;
		} else if (ts == SIDE_LEFT && hs == SIDE_SINK) {
			if (g->cost[k] != 0) {
				*why = "a skip arc has a cost";
				goto fail;
			}
			if (__builtin_add_overflow(skip[ti], g->cap[k], &skip[ti])) {
				*why = "capacity overflow";
				goto fail;
			}
		} else if (ts == SIDE_RIGHT && hs == SIDE_SINK) {
			if (g->cost[k] != 0) {
				*why = "an arc into the sink has a cost";
				goto fail;
			}
			if (g->cap[k] > (int64_t)MATCH_BM_CAPMAX ||
			    bm->rcap[ti] + (uint64_t)g->cap[k] > MATCH_BM_CAPMAX) {
				*why = "capacity too large for a b-matching";
				goto fail;
			}
			bm->rcap[ti] += (uint32_t)g->cap[k];
		} else {
			*why = "an arc outside the b-matching form";
			goto fail;
		}
	}
	for (uint32_t i = 0; i < nl; i++)
		if (skip[i] < bm->lcap[i]) {
			*why = "a left node cannot stay unmatched (skip arc missing)";
			goto fail;
		}
	free(skip);
	skip = NULL;
	if (m >= UINT32_MAX) {
		*why = "too many edges";
		goto fail;
	}
	for (uint32_t i = 0; i < nl; i++)
		bm->off[i + 1] += bm->off[i];
	bm->to = malloc((m ? m : 1) * sizeof(uint32_t));
	bm->w = malloc((m ? m : 1) * sizeof(int64_t));
	size_t *fill = calloc(nl ? nl : 1, sizeof(size_t));
	if (!bm->to || !bm->w || !fill) {
		free(fill);
		*why = "out of memory";
		goto fail;
	}
	for (size_t k = 0; k < g->m; k++) {
		uint32_t t = g->tail[k], h = g->head[k];
		if (bm->node_side[t] != SIDE_LEFT || bm->node_side[h] != SIDE_RIGHT || g->cap[k] == 0)
			continue;
		uint32_t i = bm->node_index[t];
		size_t at = bm->off[i] + fill[i]++;
		bm->to[at] = bm->node_index[h];
		bm->w[at] = -g->cost[k];
	}
	free(fill);
	bm->sink = sink;
	bm->g = (struct match_bm_graph){ .nl = nl, .nr = nr, .lcap = bm->lcap, .rcap = bm->rcap,
					 .off = bm->off, .to = bm->to, .w = bm->w };
	return 0;
fail:
	free(skip);
	match_bm_owned_free(bm);
	return -1;
}

int match_dimacs_bm_flow(const struct match_mcf *g, const struct match_bm_owned *bm,
			 const struct match_bm_solution *s, int64_t *flow, int64_t *pot)
{
	const struct match_bm_graph *b = &bm->g;
	int64_t *lrest = calloc(b->nl ? b->nl : 1, sizeof(int64_t));
	int64_t *rload = calloc(b->nr ? b->nr : 1, sizeof(int64_t));
	size_t *cur = calloc(b->nl ? b->nl : 1, sizeof(size_t));
	if (!lrest || !rload || !cur) {
		free(lrest);
		free(rload);
		free(cur);
		return -1;
	}
	for (uint32_t i = 0; i < b->nl; i++) {
		lrest[i] = b->lcap[i];
		cur[i] = b->off[i];
		for (size_t e = b->off[i]; e < b->off[i + 1]; e++)
			if (s->x[e]) {
				lrest[i]--;
				rload[b->to[e]]++;
			}
	}
	for (uint32_t v = 0; v < g->n; v++) {
		uint32_t side = bm->node_side[v], idx = bm->node_index[v];
		pot[v] = side == SIDE_LEFT ? s->u[idx] : side == SIDE_RIGHT ? -s->v[idx] : 0;
	}
	int rc = 0;
	for (size_t k = 0; k < g->m; k++) {
		uint32_t ts = bm->node_side[g->tail[k]], hs = bm->node_side[g->head[k]];
		uint32_t ti = bm->node_index[g->tail[k]];
		flow[k] = 0;
		if (ts == SIDE_LEFT && hs == SIDE_RIGHT) {
			if (g->cap[k] > 0)
				flow[k] = s->x[cur[ti]++];
		} else if (ts == SIDE_LEFT) {
			int64_t f = lrest[ti] < g->cap[k] ? lrest[ti] : g->cap[k];
			flow[k] = f;
			lrest[ti] -= f;
		} else {
			int64_t f = rload[ti] < g->cap[k] ? rload[ti] : g->cap[k];
			flow[k] = f;
			rload[ti] -= f;
		}
	}
	for (uint32_t i = 0; i < b->nl && !rc; i++)
		rc = lrest[i] ? -1 : 0;
	for (uint32_t j = 0; j < b->nr && !rc; j++)
		rc = rload[j] ? -1 : 0;
	free(lrest);
	free(rload);
	free(cur);
	return rc;
}

/* ---- writer ----------------------------------------------------------------------- */

struct wbuf {
	char b[1 << 16];
	size_t n;
	int (*out)(void *, const char *, size_t);
	void *ctx;
	int err;
};

static void wflush(struct wbuf *w)
{
	if (w->n && !w->err && w->out(w->ctx, w->b, w->n) < 0)
		w->err = 1;
	w->n = 0;
}

static void wstr(struct wbuf *w, const char *s, size_t n)
{
	if (w->n + n > sizeof(w->b))
		wflush(w);
	if (n > sizeof(w->b)) {
		if (!w->err && w->out(w->ctx, s, n) < 0)
			w->err = 1;
		return;
	}
	memcpy(w->b + w->n, s, n);
	w->n += n;
}

static void wint(struct wbuf *w, int64_t v)
{
	char t[24];
	size_t k = sizeof(t);
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	do {
		t[--k] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		t[--k] = '-';
	wstr(w, t + k, sizeof(t) - k);
}

static void wline(struct wbuf *w, char kind, const int64_t *v, int n)
{
	wstr(w, &kind, 1);
	for (int i = 0; i < n; i++) {
		wstr(w, " ", 1);
		if (kind == 'p' && i == 0) {
			wstr(w, "min ", 4);
		}
		wint(w, v[i]);
	}
	wstr(w, "\n", 1);
}

int match_dimacs_write_bm(const struct match_bm_graph *g, const char *comment, int64_t bonus,
			  int (*out)(void *ctx, const char *p, size_t n), void *ctx)
{
	struct wbuf *w = malloc(sizeof(*w));
	if (!w)
		return -1;
	w->n = 0;
	w->out = out;
	w->ctx = ctx;
	w->err = 0;
	while (comment && *comment) {
		const char *nl = strchr(comment, '\n');
		size_t len = nl ? (size_t)(nl - comment) : strlen(comment);
		wstr(w, "c ", 2);
		wstr(w, comment, len);
		wstr(w, "\n", 1);
		comment += len + (nl ? 1 : 0);
	}
	if (bonus) {
		wstr(w, "c ovi-bonus ", 12);
		wint(w, bonus);
		wstr(w, "\n", 1);
	}
	size_t m = 0;
	for (uint32_t i = 0; i < g->nl; i++)
		if (!g->lcap || g->lcap[i])
			m += g->off[i + 1] - g->off[i] + 1;
	int64_t sink = (int64_t)g->nl + g->nr + 1, total = 0;
	int64_t v[5];
	/* "p min" takes the first slot specially in wline(). */
	v[0] = sink;
	v[1] = (int64_t)(m + g->nr);
	wline(w, 'p', v, 2);
	for (uint32_t i = 0; i < g->nl; i++) {
		int64_t c = g->lcap ? g->lcap[i] : 1;
		total += c;
		if (!c)
			continue;
		v[0] = (int64_t)i + 1;
		v[1] = c;
		wline(w, 'n', v, 2);
	}
	v[0] = sink;
	v[1] = -total;
	wline(w, 'n', v, 2);
	for (uint32_t i = 0; i < g->nl; i++) {
		if (g->lcap && g->lcap[i] == 0)
			continue; /* never used; without a supply it would read as a right node */
		for (size_t e = g->off[i]; e < g->off[i + 1]; e++) {
			int64_t a[5] = { (int64_t)i + 1, (int64_t)g->nl + g->to[e] + 1, 0, 1, -g->w[e] };
			wline(w, 'a', a, 5);
		}
		int64_t a[5] = { (int64_t)i + 1, sink, 0, g->lcap ? g->lcap[i] : 1, 0 };
		wline(w, 'a', a, 5);
	}
	for (uint32_t j = 0; j < g->nr; j++) {
		int64_t a[5] = { (int64_t)g->nl + j + 1, sink, 0, g->rcap ? g->rcap[j] : 1, 0 };
		wline(w, 'a', a, 5);
	}
	wflush(w);
	int err = w->err;
	free(w);
	return err ? -1 : 0;
}

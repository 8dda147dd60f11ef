/* Greedy baseline (see greedy.h): edges ordered by weight, best first (ties
 * by edge index) with a counting sort when the weights span a small range,
 * else a stable LSD radix sort; then taken while both ends have room. */
#include "match/greedy.h"

#include <stdlib.h>
#include <string.h>

#define COUNT_RANGE (1u << 20)

/* Radix sort of idx[0..n) by key ascending (stable); key2/idx2 are scratch.
 * Returns the array that holds the result. */
static uint32_t *radix(uint64_t *key, uint32_t *idx, uint64_t *key2, uint32_t *idx2, size_t n)
{
	for (int shift = 0; shift < 64; shift += 8) {
		size_t cnt[257] = { 0 };
		for (size_t k = 0; k < n; k++)
			cnt[((key[k] >> shift) & 255) + 1]++;
		int trivial = 0;
		for (int b = 1; b <= 256; b++)
			trivial |= cnt[b] == n;
		if (trivial)
			continue;
		for (int b = 0; b < 256; b++)
			cnt[b + 1] += cnt[b];
		for (size_t k = 0; k < n; k++) {
			size_t at = cnt[(key[k] >> shift) & 255]++;
			key2[at] = key[k];
			idx2[at] = idx[k];
		}
		uint64_t *tk = key;
		key = key2;
		key2 = tk;
		uint32_t *ti = idx;
		idx = idx2;
		idx2 = ti;
	}
	return idx;
}

int match_greedy(const struct match_bm_graph *g, uint8_t *x, int64_t *weight, size_t *matched)
{
	size_t m = g->off[g->nl];
	*weight = 0;
	*matched = 0;
	if (m >= UINT32_MAX)
		return -1;
	int rc = -1;
	uint32_t *from = malloc((m ? m : 1) * sizeof(uint32_t));
	uint32_t *perm = malloc((m ? m : 1) * sizeof(uint32_t));
	uint32_t *lload = calloc(g->nl ? g->nl : 1, sizeof(uint32_t));
	uint32_t *rload = calloc(g->nr ? g->nr : 1, sizeof(uint32_t));
	size_t *cnt = NULL;
	uint64_t *key = NULL, *key2 = NULL;
	uint32_t *idx2 = NULL, *order = perm;
	if (!from || !perm || !lload || !rload)
		goto done;
	size_t n = 0;
	int64_t wmin = INT64_MAX, wmax = 0;
	for (uint32_t i = 0; i < g->nl; i++)
		for (size_t e = g->off[i]; e < g->off[i + 1]; e++) {
			from[e] = i;
			if (g->w[e] <= 0)
				continue;
			n++;
			wmin = g->w[e] < wmin ? g->w[e] : wmin;
			wmax = g->w[e] > wmax ? g->w[e] : wmax;
		}
	if (n && (uint64_t)(wmax - wmin) < COUNT_RANGE) {
		size_t range = (size_t)(wmax - wmin) + 1;
		cnt = calloc(range + 1, sizeof(size_t));
		if (!cnt)
			goto done;
		for (size_t e = 0; e < m; e++)
			if (g->w[e] > 0)
				cnt[(size_t)(wmax - g->w[e]) + 1]++;
		for (size_t k = 0; k < range; k++)
			cnt[k + 1] += cnt[k];
		for (size_t e = 0; e < m; e++)
			if (g->w[e] > 0)
				perm[cnt[wmax - g->w[e]]++] = (uint32_t)e;
	} else if (n) {
		key = malloc(n * sizeof(uint64_t));
		key2 = malloc(n * sizeof(uint64_t));
		idx2 = malloc(n * sizeof(uint32_t));
		if (!key || !key2 || !idx2)
			goto done;
		size_t k = 0;
		for (size_t e = 0; e < m; e++)
			if (g->w[e] > 0) {
				key[k] = (uint64_t)INT64_MAX - (uint64_t)g->w[e];
				perm[k++] = (uint32_t)e;
			}
		order = radix(key, perm, key2, idx2, n);
	}
	if (x)
		memset(x, 0, m);
	for (size_t k = 0; k < n; k++) {
		uint32_t e = order[k], i = from[e], j = g->to[e];
		uint32_t lc = g->lcap ? g->lcap[i] : 1, rcp = g->rcap ? g->rcap[j] : 1;
		if (lload[i] >= lc || rload[j] >= rcp)
			continue;
		lload[i]++;
		rload[j]++;
		if (x)
			x[e] = 1;
		*weight += g->w[e];
		(*matched)++;
	}
	rc = 0;
done:
	free(from);
	free(perm);
	free(lload);
	free(rload);
	free(cnt);
	free(key);
	free(key2);
	free(idx2);
	return rc;
}

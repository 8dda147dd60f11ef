#include "core/ratelimit.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

struct slot {
	uint64_t key;
	int64_t window;
	unsigned count;
};

struct ratelimit {
	pthread_mutex_t mu;
	unsigned nslots, limit, window_s;
	unsigned char hkey[crypto_shorthash_KEYBYTES];
	struct slot *slots;
};

struct ratelimit *ratelimit_new(unsigned nslots, unsigned limit, unsigned window_s)
{
	struct ratelimit *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->slots = calloc(nslots, sizeof(*r->slots));
	if (!r->slots) {
		free(r);
		return NULL;
	}
	pthread_mutex_init(&r->mu, NULL);
	r->nslots = nslots;
	r->limit = limit;
	r->window_s = window_s ? window_s : 1;
	randombytes_buf(r->hkey, sizeof(r->hkey));
	return r;
}

void ratelimit_free(struct ratelimit *r)
{
	if (!r)
		return;
	pthread_mutex_destroy(&r->mu);
	free(r->slots);
	free(r);
}

static uint64_t hash_key(const struct ratelimit *r, const char *key)
{
	unsigned char out[crypto_shorthash_BYTES];
	crypto_shorthash(out, (const unsigned char *)key, strlen(key), r->hkey);
	uint64_t h;
	memcpy(&h, out, sizeof(h));
	return h | 1; /* 0 marks a free slot */
}

/* Find the slot of key, or claim one; caller holds the lock. Probes a
 * small neighbourhood so lookups stay O(1). */
static struct slot *find(struct ratelimit *r, uint64_t h, int64_t window)
{
	struct slot *victim = NULL;
	for (unsigned i = 0; i < 8; i++) {
		struct slot *s = &r->slots[(h + i) % r->nslots];
		if (s->key == h)
			return s;
		if (!victim || s->key == 0 || s->window < victim->window)
			victim = s;
	}
	victim->key = h;
	victim->window = window;
	victim->count = 0;
	return victim;
}

bool ratelimit_blocked(struct ratelimit *r, const char *key, int64_t now)
{
	uint64_t h = hash_key(r, key);
	int64_t window = now / r->window_s;
	pthread_mutex_lock(&r->mu);
	bool blocked = false;
	for (unsigned i = 0; i < 8; i++) {
		struct slot *s = &r->slots[(h + i) % r->nslots];
		if (s->key == h) {
			blocked = s->window == window && s->count >= r->limit;
			break;
		}
	}
	pthread_mutex_unlock(&r->mu);
	return blocked;
}

void ratelimit_hit(struct ratelimit *r, const char *key, int64_t now)
{
	uint64_t h = hash_key(r, key);
	int64_t window = now / r->window_s;
	pthread_mutex_lock(&r->mu);
	struct slot *s = find(r, h, window);
	if (s->window != window) {
		s->window = window;
		s->count = 0;
	}
	s->count++;
	pthread_mutex_unlock(&r->mu);
}

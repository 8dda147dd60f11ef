/* A fixed-size, in-memory counter of events per key per time window (for
 * failed logins per client address). Keys are stored only as keyed hashes,
 * so the table never holds an address. When the table is full, the slot
 * with the oldest window is reused: memory stays bounded under attack. */
#ifndef OVI_RATELIMIT_H
#define OVI_RATELIMIT_H
#include <stdbool.h>
#include <stdint.h>

struct ratelimit;

struct ratelimit *ratelimit_new(unsigned slots, unsigned limit, unsigned window_s);
void ratelimit_free(struct ratelimit *r);
/* Has `key` reached the limit in the current window? */
bool ratelimit_blocked(struct ratelimit *r, const char *key, int64_t now);
/* Count one event for `key`. */
void ratelimit_hit(struct ratelimit *r, const char *key, int64_t now);

#endif

#include "domain/password.h"

#include <errno.h>
#include <semaphore.h>
#include <sodium.h>
#include <string.h>
#include <time.h>

#include "core/log.h"

#define OPS 2
#define MEM (19u * 1024 * 1024)

static sem_t slots;
static char dummy_hash[PASSWORD_HASH_MAX];

void password_init(unsigned concurrency)
{
	if (sem_init(&slots, 0, concurrency ? concurrency : 1))
		die("password: cannot create the hash limiter");
	if (crypto_pwhash_str_alg(dummy_hash, "not a real password", 19, OPS, MEM,
				  crypto_pwhash_ALG_ARGON2ID13))
		die("password: out of memory");
}

static int acquire(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 5;
	while (sem_timedwait(&slots, &ts))
		if (errno != EINTR)
			return -1;
	return 0;
}

int password_hash(const char *pw, char out[PASSWORD_HASH_MAX])
{
	if (acquire())
		return -1;
	int r = crypto_pwhash_str_alg(out, pw, strlen(pw), OPS, MEM, crypto_pwhash_ALG_ARGON2ID13);
	sem_post(&slots);
	return r ? -1 : 0;
}

int password_verify(const char *hash, const char *pw)
{
	if (acquire())
		return -1;
	int ok = crypto_pwhash_str_verify(hash ? hash : dummy_hash, pw, strlen(pw)) == 0;
	sem_post(&slots);
	return hash && ok;
}

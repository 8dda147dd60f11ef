#include "core/ticker.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

struct ticker {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv; /* on CLOCK_MONOTONIC: a clock change does not stall it */
	bool stop;
	unsigned interval_s;
	ticker_fn fn;
	void *arg;
};

static void *loop(void *p)
{
	struct ticker *t = p;
	for (;;) {
		t->fn(t, t->arg);
		pthread_mutex_lock(&t->mu);
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += t->interval_s;
		while (!t->stop && pthread_cond_timedwait(&t->cv, &t->mu, &ts) != ETIMEDOUT)
			;
		bool stop = t->stop;
		pthread_mutex_unlock(&t->mu);
		if (stop)
			return NULL;
	}
}

struct ticker *ticker_start(unsigned interval_s, ticker_fn fn, void *arg)
{
	struct ticker *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->interval_s = interval_s ? interval_s : 60;
	t->fn = fn;
	t->arg = arg;
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_mutex_init(&t->mu, NULL);
	pthread_cond_init(&t->cv, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&t->thread, NULL, loop, t)) {
		pthread_mutex_destroy(&t->mu);
		pthread_cond_destroy(&t->cv);
		free(t);
		return NULL;
	}
	return t;
}

bool ticker_stopping(struct ticker *t)
{
	pthread_mutex_lock(&t->mu);
	bool s = t->stop;
	pthread_mutex_unlock(&t->mu);
	return s;
}

void ticker_stop(struct ticker *t)
{
	if (!t)
		return;
	pthread_mutex_lock(&t->mu);
	t->stop = true;
	pthread_cond_signal(&t->cv);
	pthread_mutex_unlock(&t->mu);
	pthread_join(t->thread, NULL);
	pthread_mutex_destroy(&t->mu);
	pthread_cond_destroy(&t->cv);
	free(t);
}

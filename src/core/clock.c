#include "core/clock.h"

#include <stdatomic.h>
#include <time.h>

static _Atomic int64_t offset;
static _Atomic bool allowed;

int64_t clock_now(void)
{
	return (int64_t)time(NULL) + atomic_load(&offset);
}

void clock_allow_moving(bool yes)
{
	atomic_store(&allowed, yes);
}

bool clock_moving_allowed(void)
{
	return atomic_load(&allowed);
}

int clock_advance(int64_t s)
{
	if (!atomic_load(&allowed) || s <= 0 || s > 10LL * 366 * 24 * 3600)
		return -1;
	atomic_fetch_add(&offset, s);
	return 0;
}

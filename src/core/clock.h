/* The one source of "now" for everything that decides by time: pages,
 * the scheduler, the mail sender, housekeeping.
 *
 * It is the system clock plus an offset that starts at 0. Only a server
 * started with the test_clock setting lets the offset move (tests move it
 * forward through POST /test/clock instead of waiting for days); in every
 * other process clock_advance() is refused. */
#ifndef OVI_CLOCK_H
#define OVI_CLOCK_H
#include <stdbool.h>
#include <stdint.h>

/* Unix time in seconds, offset included. Thread-safe. */
int64_t clock_now(void);

/* Allow clock_advance() in this process (the test_clock setting). */
void clock_allow_moving(bool yes);
bool clock_moving_allowed(void);

/* Move the clock forward by s > 0 seconds. 0, or -1 when moving is not
 * allowed or s is out of range (0 < s <= 10 years). */
int clock_advance(int64_t s);

#endif

/* A background thread that does one piece of periodic work: it calls
 * fn(t, arg) as soon as it starts and then every interval_s seconds
 * (monotonic clock) until ticker_stop(). The first call always happens,
 * even when ticker_stop() comes at once, so "start, stop" is one pass.
 * Long work should look at ticker_stopping() between batches. Used by the
 * housekeeper and the job scheduler. */
#ifndef OVI_TICKER_H
#define OVI_TICKER_H
#include <stdbool.h>

struct ticker;
typedef void (*ticker_fn)(struct ticker *t, void *arg);

/* NULL when the thread cannot start. arg must outlive the ticker. */
struct ticker *ticker_start(unsigned interval_s, ticker_fn fn, void *arg);
/* Has ticker_stop() been called? */
bool ticker_stopping(struct ticker *t);
/* Stop: a call under way finishes first; then the thread is gone. NULL is fine. */
void ticker_stop(struct ticker *t);

#endif

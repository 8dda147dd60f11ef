/* Periodic clean-up that keeps only what the programme needs: expired
 * sessions and e-mail tokens, and unconfirmed registrations past their
 * time (with the data of people who then have no registration left). */
#ifndef OVI_HOUSEKEEPING_H
#define OVI_HOUSEKEEPING_H
#include <stdint.h>

#include "core/config.h"
#include "store/db.h"

/* One pass; returns the number of rows removed, or -1. */
int housekeeping_run(struct db *db, const struct config *cfg, int64_t now);

struct housekeeper;
/* A thread that runs a pass every `interval_s` seconds with its own
 * database connection. */
struct housekeeper *housekeeper_start(const struct config *cfg, unsigned interval_s);
void housekeeper_stop(struct housekeeper *h);

#endif

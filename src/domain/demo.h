/* Demo data for `make run`: a small, made-up programme (participants and
 * door openers around Helsinki and Stockholm, confirmed and waiting) so a
 * newcomer sees the staff pages and the matching at work. Every demo
 * address ends in @demo.invalid, which no mail server accepts. */
#ifndef OVI_DEMO_H
#define OVI_DEMO_H
#include <stdint.h>

#include "store/db.h"

/* Add the demo people once (nothing happens if they are there already).
 * Returns how many registrations were added, or -1. */
int demo_populate(struct db *db, int64_t now);

#endif

/* For unit tests of domain code that queues e-mail (matches, relay): a
 * fresh migrated database (testdb.h) with staff member 1, the project's
 * real templates, the default settings with a fixed base_url, scratch
 * memory, the Helsinki time zone, and the mail_env over all of them.
 * Tests run from the repository root. */
#ifndef OVI_TESTENV_H
#define OVI_TESTENV_H
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/token.h"
#include "domain/notify.h"
#include "testdb.h"
#include "tmpl/tmpl.h"

struct testenv {
	struct db *db;
	struct tmpl_set *tmpl;
	struct config cfg;
	struct arena *arena;
	struct mail_env env; /* env.now = now */
};

/* dir: a writable "/tmp/NAME-XXXXXX" template. 0, or -1 (reported). */
static inline int testenv_open(struct testenv *t, char *dir, int64_t now)
{
	setenv("TZ", "Europe/Helsinki", 1);
	tzset();
	token_init();
	if (!(t->db = testdb_open(dir)) ||
	    db_run(t->db, "INSERT INTO staff (id, email, password_hash, created_at) VALUES (1, 's@example.org', 'x', 1)", ""))
		return -1;
	struct buf err = BUF_INIT(16384);
	t->tmpl = tmpl_load_dir("templates", &err);
	if (!t->tmpl)
		fprintf(stderr, "%s", buf_str(&err));
	buf_free(&err);
	unsetenv("OVI_CONFIG");
	if (!t->tmpl || config_load(&t->cfg, NULL))
		return -1;
	snprintf(t->cfg.base_url, sizeof(t->cfg.base_url), "https://ovi.example.org");
	if (!(t->arena = arena_new(32 << 20)))
		return -1;
	t->env = (struct mail_env){ .db = t->db, .tmpl = t->tmpl, .cfg = &t->cfg, .a = t->arena, .now = now };
	return 0;
}

static inline int testenv_close(struct testenv *t, const char *dir)
{
	arena_free(t->arena);
	tmpl_free(t->tmpl);
	return testdb_close(t->db, dir);
}

#endif

/* For tests only: the movable clock (core/clock.h). With the test_clock
 * setting, POST /test/clock with advance=<seconds> moves this server's
 * clock forward and runs every job that is then due, so a test can pass
 * "four days later" in a moment. Without the setting the page does not
 * exist (404). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "domain/scheduler.h"
#include "web/app.h"
#include "web/mail.h"
#include "web/routes.h"

static void test_clock(struct ctx *c)
{
	if (!c->app->cfg.test_clock) {
		page_error(c, 404);
		return;
	}
	const char *v = ctx_field(c, "advance");
	char *end;
	long long s = strtoll(v, &end, 10);
	if (!*v || *end || s < 0 || (s > 0 && clock_advance(s))) {
		page_error(c, 400);
		return;
	}
	struct mail_env e;
	ctx_mail_env(c, &e);
	e.now = clock_now();
	int n = jobs_run_due(&e, 0);
	log_info("test clock: moved %lld s, %d jobs done", s, n);
	c->resp->content_type = "text/plain; charset=utf-8";
	char out[64];
	snprintf(out, sizeof(out), "jobs: %d\n", n);
	buf_adds(&c->resp->body, out);
}

const struct route testing_routes[] = {
	{ "POST", "/test/clock", H(test_clock), "test-clock" },
	{ NULL, NULL, NULL, NULL },
};

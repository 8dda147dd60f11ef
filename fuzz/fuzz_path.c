/* Fuzz the request-path decoder and the router with arbitrary bytes. */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "http/path.h"
#include "http/router.h"

static void h(void) {}

static const struct route routes[] = {
	{ "GET", "/", h, "home" },
	{ "GET", "/people/:id", h, "person" },
	{ "POST", "/people/:id/matches/:m", h, "match" },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(1 << 20);
	char *p = path_decode(a, (const char *)data, size);
	if (p) {
		assert(p[0] == '/');
		assert(!strstr(p, "/../") && !strstr(p, "/./"));
		struct route_match m;
		router_match(routes, 3, size & 1 ? "GET" : "POST", p, a, &m);
		if (m.route)
			assert(m.nparams <= ROUTE_MAX_PARAMS);
	}
	arena_free(a);
	return 0;
}

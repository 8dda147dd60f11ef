/* Method + path-pattern routing.
 *
 * A pattern is a path whose segments are literal or `:name` (matching one
 * non-empty segment). Routes are tried in order; the first match wins. A
 * path that matches some pattern under another method is reported, so the
 * caller can answer 405 with an Allow header instead of 404. HEAD is
 * routed as GET. */
#ifndef OVI_ROUTER_H
#define OVI_ROUTER_H
#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"

struct route {
	const char *method;
	const char *pattern;
	void (*handler)(void);  /* cast to the caller's handler type */
	const char *name;       /* for logs: never the raw path */
};

enum { ROUTE_MAX_PARAMS = 4 };

struct route_match {
	const struct route *route;      /* NULL when nothing matched */
	bool other_method;              /* the path exists under another method */
	char allow[64];                 /* "GET, POST" when other_method */
	size_t nparams;
	struct { const char *name, *value; } params[ROUTE_MAX_PARAMS];
};

void router_match(const struct route *routes, size_t n, const char *method, const char *path,
		  struct arena *a, struct route_match *m);

/* The value of a `:name` parameter, or NULL. */
const char *route_param(const struct route_match *m, const char *name);

#endif

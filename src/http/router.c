#include "http/router.h"

#include <string.h>

/* Match one pattern against a path; capture parameters on success. */
static bool match_pattern(const char *pat, const char *path, struct arena *a, struct route_match *m)
{
	size_t np = 0;
	while (*pat && *path) {
		if (*pat != '/' || *path != '/')
			return false;
		pat++, path++;
		size_t pl = strcspn(pat, "/"), sl = strcspn(path, "/");
		if (pat[0] == ':') {
			if (sl == 0 || np >= ROUTE_MAX_PARAMS)
				return false;
			if (m) {
				m->params[np].name = arena_strndup(a, pat + 1, pl - 1);
				m->params[np].value = arena_strndup(a, path, sl);
			}
			np++;
		} else if (pl != sl || strncmp(pat, path, pl) != 0) {
			return false;
		}
		pat += pl, path += sl;
	}
	if (*pat || *path)
		return false;
	if (m)
		m->nparams = np;
	return true;
}

void router_match(const struct route *routes, size_t n, const char *method, const char *path,
		  struct arena *a, struct route_match *m)
{
	memset(m, 0, sizeof(*m));
	if (strcmp(method, "HEAD") == 0)
		method = "GET";
	for (size_t i = 0; i < n; i++) {
		if (strcmp(routes[i].method, method) == 0) {
			if (match_pattern(routes[i].pattern, path, a, m)) {
				m->route = &routes[i];
				m->other_method = false;
				return;
			}
		} else if (match_pattern(routes[i].pattern, path, NULL, NULL) &&
			   !strstr(m->allow, routes[i].method)) {
			size_t len = strlen(m->allow);
			if (len + strlen(routes[i].method) + 8 < sizeof(m->allow)) {
				if (len)
					strcat(m->allow, ", ");
				strcat(m->allow, routes[i].method);
				if (strcmp(routes[i].method, "GET") == 0)
					strcat(m->allow, ", HEAD");
			}
			m->other_method = true;
		}
	}
}

const char *route_param(const struct route_match *m, const char *name)
{
	for (size_t i = 0; i < m->nparams; i++)
		if (strcmp(m->params[i].name, name) == 0)
			return m->params[i].value;
	return NULL;
}

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "http/router.h"

static void h1(void) {}
static void h2(void) {}

static const struct route routes[] = {
	{ "GET", "/", h1, "home" },
	{ "GET", "/faq", h1, "faq" },
	{ "POST", "/faq", h2, "faq-post" },
	{ "GET", "/people/:id", h2, "person" },
	{ "GET", "/people/:id/matches/:m", h2, "person-match" },
	{ "POST", "/admin/login", h1, "login" },
};

static void matches(void **state)
{
	(void)state;
	struct arena *a = arena_new(1 << 16);
	struct route_match m;
	router_match(routes, 6, "GET", "/", a, &m);
	assert_string_equal(m.route->name, "home");
	router_match(routes, 6, "HEAD", "/faq", a, &m);
	assert_string_equal(m.route->name, "faq");
	router_match(routes, 6, "POST", "/faq", a, &m);
	assert_string_equal(m.route->name, "faq-post");
	router_match(routes, 6, "GET", "/people/42", a, &m);
	assert_string_equal(m.route->name, "person");
	assert_string_equal(route_param(&m, "id"), "42");
	assert_null(route_param(&m, "x"));
	router_match(routes, 6, "GET", "/people/7/matches/9", a, &m);
	assert_string_equal(route_param(&m, "id"), "7");
	assert_string_equal(route_param(&m, "m"), "9");
	arena_free(a);
}

static void misses(void **state)
{
	(void)state;
	struct arena *a = arena_new(1 << 16);
	struct route_match m;
	const char *nope[] = { "/fa", "/faq/", "/faqx", "/people", "/people/", "/people//", "/people/1/x", "" };
	for (size_t i = 0; i < sizeof(nope) / sizeof(*nope); i++) {
		router_match(routes, 6, "GET", nope[i], a, &m);
		assert_null(m.route);
		assert_false(m.other_method);
	}
	router_match(routes, 6, "GET", "/admin/login", a, &m);
	assert_null(m.route);
	assert_true(m.other_method);
	assert_string_equal(m.allow, "POST");
	router_match(routes, 6, "DELETE", "/faq", a, &m);
	assert_true(m.other_method);
	assert_string_equal(m.allow, "GET, HEAD, POST");
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(matches),
		cmocka_unit_test(misses),
	};
	return cmocka_run_group_tests_name("router", tests, NULL, NULL);
}

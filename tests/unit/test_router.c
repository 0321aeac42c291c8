/* Unit tests for the router: literal and parameter segments, tails, 404 vs 405, Allow. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "http/router.h"

#include <string.h>

static void h_a(http_req_t *r)
{
	(void)r;
}
static void h_b(http_req_t *r)
{
	(void)r;
}
static void h_c(http_req_t *r)
{
	(void)r;
}
static void h_d(http_req_t *r)
{
	(void)r;
}

static const http_route_t routes[] = {
	{HTTP_GET, "/", h_a, 0, 0},
	{HTTP_GET | HTTP_POST, "/admin/users", h_b, 0, 0},
	{HTTP_GET, "/api/v1/offices/{code}", h_c, 0, 0},
	{HTTP_GET, "/static/{*}", h_d, 0, 0},
	{HTTP_DELETE, "/api/v1/offices/{code}", h_b, 0, 0},
};

static void matching(void **state)
{
	static const struct {
		http_method_t m;
		const char *path;
		route_result_t want;
		http_handler_fn fn;
		const char *pname, *pval;
		const char *allow;
	} cases[] = {
		{HTTP_GET, "/", ROUTE_FOUND, h_a, NULL, NULL, NULL},
		{HTTP_HEAD, "/", ROUTE_FOUND, h_a, NULL, NULL, NULL},
		{HTTP_POST, "/", ROUTE_NO_METHOD, NULL, NULL, NULL, "GET, HEAD"},
		{HTTP_GET, "/admin/users", ROUTE_FOUND, h_b, NULL, NULL, NULL},
		{HTTP_GET, "/admin/users/", ROUTE_FOUND, h_b, NULL, NULL, NULL},
		{HTTP_POST, "/admin/users", ROUTE_FOUND, h_b, NULL, NULL, NULL},
		{HTTP_PUT, "/admin/users", ROUTE_NO_METHOD, NULL, NULL, NULL, "GET, HEAD, POST"},
		{HTTP_GET, "/admin", ROUTE_NO_PATH, NULL, NULL, NULL, NULL},
		{HTTP_GET, "/admin/users/x", ROUTE_NO_PATH, NULL, NULL, NULL, NULL},
		{HTTP_GET, "/api/v1/offices/centre", ROUTE_FOUND, h_c, "code", "centre", NULL},
		{HTTP_DELETE, "/api/v1/offices/centre", ROUTE_FOUND, h_b, "code", "centre", NULL},
		{HTTP_POST, "/api/v1/offices/centre", ROUTE_NO_METHOD, NULL, NULL, NULL, "GET, HEAD, DELETE"},
		{HTTP_GET, "/api/v1/offices", ROUTE_NO_PATH, NULL, NULL, NULL, NULL},
		{HTTP_GET, "/static/css/style.css", ROUTE_FOUND, h_d, "*", "css/style.css", NULL},
		{HTTP_GET, "/static/", ROUTE_NO_PATH, NULL, NULL, NULL, NULL},
		{HTTP_GET, "/nope", ROUTE_NO_PATH, NULL, NULL, NULL, NULL},
		{HTTP_GET, "/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s", ROUTE_NO_PATH, NULL, NULL, NULL, NULL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		arena_t *a = arena_new();
		kv_list_t params = {0};
		const http_route_t *rt = NULL;
		unsigned allowed = 0;
		route_result_t rr = router_match(a, cases[i].m, cases[i].path, &rt, &params, &allowed);
		assert_int_equal(rr, cases[i].want);
		if (rr == ROUTE_FOUND)
			assert_ptr_equal(rt->fn, cases[i].fn);
		if (cases[i].pname)
			assert_string_equal(kv_get(&params, cases[i].pname), cases[i].pval);
		if (cases[i].allow) {
			char allow[96];
			router_allow_header(allowed, allow, sizeof allow);
			assert_string_equal(allow, cases[i].allow);
		}
		arena_free(a);
	}
}

int main(void)
{
	router_add(routes, sizeof routes / sizeof routes[0]);
	const struct CMUnitTest tests[] = {cmocka_unit_test(matching)};
	return cmocka_run_group_tests_name("router", tests, NULL, NULL);
}

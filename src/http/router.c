#include "http/router.h"

#include "base/mem.h"

#include <stdio.h>
#include <string.h>

#define MAX_SEGS 16

typedef struct {
	const http_route_t *rt;
	int nseg;
	const char *seg[MAX_SEGS]; /* literal, "{name}" or "{*}" */
	size_t seglen[MAX_SEGS];
} compiled_t;

static compiled_t *table;
static size_t ntable, captable;

void router_clear(void)
{
	free(table);
	table = NULL;
	ntable = captable = 0;
}

static int split(const char *path, const char **seg, size_t *len, int max)
{
	int n = 0;
	const char *p = path;
	while (*p == '/')
		p++;
	while (*p) {
		const char *e = strchr(p, '/');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (n == max)
			return -1;
		seg[n] = p;
		len[n] = l;
		n++;
		p += l;
		while (*p == '/')
			p++;
	}
	return n;
}

void router_add(const http_route_t *routes, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (ntable == captable) {
			captable = captable ? captable * 2 : 32;
			table = xrealloc(table, captable * sizeof *table);
		}
		compiled_t *c = &table[ntable++];
		c->rt = &routes[i];
		c->nseg = split(routes[i].pattern, c->seg, c->seglen, MAX_SEGS);
		if (c->nseg < 0) {
			fprintf(stderr, "route pattern too deep: %s\n", routes[i].pattern);
			abort();
		}
	}
}

static bool match_one(const compiled_t *c, int n, const char **seg, const size_t *len)
{
	for (int i = 0; i < c->nseg; i++) {
		const char *s = c->seg[i];
		if (c->seglen[i] == 3 && memcmp(s, "{*}", 3) == 0)
			return i < n; /* a tail needs at least one segment */
		if (i >= n)
			return false;
		if (s[0] == '{')
			continue;
		if (c->seglen[i] != len[i] || memcmp(s, seg[i], len[i]) != 0)
			return false;
	}
	return c->nseg == n;
}

route_result_t router_match(arena_t *a, http_method_t method, const char *path, const http_route_t **out,
			    kv_list_t *params, unsigned *allowed)
{
	const char *seg[MAX_SEGS];
	size_t len[MAX_SEGS];
	int n = split(path, seg, len, MAX_SEGS);
	if (n < 0)
		return ROUTE_NO_PATH;
	unsigned want = method == HTTP_HEAD ? (HTTP_HEAD | HTTP_GET) : method;
	unsigned seen = 0;
	for (size_t k = 0; k < ntable; k++) {
		const compiled_t *c = &table[k];
		if (!match_one(c, n, seg, len))
			continue;
		if (!(c->rt->methods & want)) {
			seen |= c->rt->methods;
			continue;
		}
		for (int i = 0; i < c->nseg; i++) {
			if (c->seg[i][0] != '{')
				continue;
			if (c->seglen[i] == 3 && c->seg[i][1] == '*') {
				kv_add(a, params, "*", arena_strdup(a, seg[i]), strlen(seg[i]));
				break;
			}
			char *name = arena_strndup(a, c->seg[i] + 1, c->seglen[i] - 2);
			kv_add(a, params, name, arena_strndup(a, seg[i], len[i]), len[i]);
		}
		*out = c->rt;
		return ROUTE_FOUND;
	}
	if (seen) {
		if (seen & HTTP_GET)
			seen |= HTTP_HEAD;
		*allowed = seen;
		return ROUTE_NO_METHOD;
	}
	return ROUTE_NO_PATH;
}

void router_allow_header(unsigned m, char *out, size_t n)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {{HTTP_GET, "GET"},       {HTTP_HEAD, "HEAD"},   {HTTP_POST, "POST"},      {HTTP_PUT, "PUT"},
		     {HTTP_DELETE, "DELETE"}, {HTTP_PATCH, "PATCH"}, {HTTP_OPTIONS, "OPTIONS"}};
	size_t o = 0;
	out[0] = '\0';
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (!(m & names[i].bit))
			continue;
		int w = snprintf(out + o, n - o, "%s%s", o ? ", " : "", names[i].name);
		if (w < 0 || (size_t)w >= n - o)
			break;
		o += (size_t)w;
	}
}

void http_routes_add(const http_route_t *routes, size_t n)
{
	router_add(routes, n);
}

/* ---------------------------------------------------------------- roles */

static const char *const role_names[] = {"admin",   "coordinator", "informer", "ict_agent",
					 "welcome", "display",     "kiosk"};

role_t http_role_from_name(const char *name)
{
	for (size_t i = 0; name && i < sizeof role_names / sizeof role_names[0]; i++)
		if (strcmp(name, role_names[i]) == 0)
			return (role_t)(1u << i);
	return 0;
}

const char *http_role_name(role_t role)
{
	for (size_t i = 0; i < sizeof role_names / sizeof role_names[0]; i++)
		if (role == (role_t)(1u << i))
			return role_names[i];
	return "";
}

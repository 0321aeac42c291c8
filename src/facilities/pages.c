/* pages.c — the facility finder for everyone:
 *   GET /equipaments   search by name, category, service and district; nearest first from the
 *                      browser's location (static/facilities.js fills ?near=LAT,LON) or a
 *                      postcode; a list, and a Leaflet map when map.tile_url names a tile server
 *                      the city allows (its origin is then added to the page's img-src). */
#include "facilities/web.h"

#include "app.h"
#include "base/config.h"
#include "base/err.h"
#include "base/json.h"
#include "base/str.h"
#include "http/kit.h"

#include <stdlib.h>
#include <string.h>

#define RESULTS_MAX 100

/* The origin of a tile URL template ("https://{s}.tile.example.org/{z}/{x}/{y}.png" gives
 * the origin with a wildcard host), for the CSP. */
static const char *tile_origin(arena_t *a, const char *url)
{
	const char *p = strstr(url, "://");
	if (!p)
		return NULL;
	size_t n = strcspn(p + 3, "/");
	const char *host = arena_strndup(a, p + 3, n);
	const char *s = strstr(host, "{s}");
	if (s)
		host = arena_printf(a, "%.*s*%s", (int)(s - host), host, s + 3);
	return arena_printf(a, "%.*s://%s", (int)(p - url), url, host);
}

static json_t *options(http_req_t *r, const char *const *values, size_t n, const char *selected, const char *fmt)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, jpack("{s:s,s:s,s:b}", "value", values[i], "label",
					       fmt ? http_tf(r, fmt, values[i]) : values[i], "selected",
					       str_eq(selected, values[i])));
	return a;
}

static const char *distance_label(http_req_t *r, double m)
{
	if (m < 1000)
		return arena_printf(r->arena, "%d m", (int)(m / 10 + 0.5) * 10);
	char *s = arena_printf(r->arena, "%.1f km", m / 1000);
	if (!str_eq(r->lang, "en")) /* a decimal comma in Catalan and Spanish */
		for (char *c = s; *c; c++)
			if (*c == '.')
				*c = ',';
	return s;
}

static void search_page(http_req_t *r)
{
	fc_query_t q;
	const char *bad = NULL;
	int rc = 0;
	bool ok = fc_web_query(r, &q, &bad, &rc);
	fc_facility_t *v = NULL;
	size_t n = 0;
	if (!rc && ok)
		rc = fc_search(r->db, r->arena, &q, RESULTS_MAX, &v, &n);
	const char **districts = NULL;
	size_t nd = 0;
	if (!rc)
		rc = fc_store_districts(r->db, r->arena, &districts, &nd);
	if (rc) {
		http_reply_failed(r, rc);
		return;
	}
	json_t *list = json_array(), *points = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *j = fc_web_json(r, &v[i], q.near);
		if (q.near && v[i].has_geo)
			json_object_set_new(j, "distance", json_string(distance_label(r, v[i].dist_m)));
		if (v[i].has_geo)
			json_array_append_new(points, jpack("{s:s,s:f,s:f}", "name", v[i].name, "lat", v[i].lat, "lon",
							    v[i].lon));
		json_array_append_new(list, j);
	}
	const char *tiles = config_str(r->app->cfg, "map.tile_url");
	json_t *m = jpack("{s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:o,s:b,s:b,s:I}", "q", q.q ? q.q : "", "service",
			  q.service ? q.service : "", "postcode",
			  http_query(r, "postcode") ? http_query(r, "postcode") : "", "near",
			  ok && q.near && http_query(r, "near") ? http_query(r, "near") : "", "bad",
			  bad ? http_tf(r, "fc_err_%s", bad) : "", "results", list, "categories",
			  options(r, fc_categories, FC_NCATEGORIES, q.category, "fc_cat_%s"), "districts",
			  options(r, districts, nd, q.district, NULL), "has_results", n > 0, "sorted_near", q.near,
			  "count", (json_int_t)n);
	json_object_set_new(m, "searched", json_boolean(r->query.n > 0));
	const char *origin = *tiles ? tile_origin(r->arena, tiles) : NULL;
	if (origin && json_array_size(points)) {
		char *pts = json_dumps(points, JSON_COMPACT);
		json_object_set_new(m, "map",
				    jpack("{s:s,s:s,s:s}", "tiles", tiles, "attribution",
					  config_str(r->app->cfg, "map.attribution"), "points", pts));
		free(pts);
	}
	json_decref(points);
	http_allow(r, origin, true);
	http_reply_page(r, bad ? 422 : 200, "facilities/search", m);
}

const http_route_t fc_page_routes[] = {
	{HTTP_GET | HTTP_HEAD, "/equipaments", search_page, RT_DB, 0},
	{0},
};

/* api.c — GET /api/v1/facilities?q=&category=&district=&service=&near=LAT,LON (or &postcode=):
 * {"facilities":[…]}, nearest first with a place (each with distance_m). */
#include "facilities/web.h"

#include "base/json.h"
#include "http/kit.h"

#define API_MAX 500

static void list(http_req_t *r)
{
	fc_query_t q;
	const char *bad = NULL;
	int rc = 0;
	bool ok = fc_web_query(r, &q, &bad, &rc);
	if (rc) {
		http_reply_failed(r, rc);
		return;
	}
	if (!ok) {
		fielderr_t f = {0};
		fielderr_add(&f, bad, arena_printf(r->arena, "fc_err_%s", bad));
		http_reply_fields(r, 422, "invalid", "err_invalid", &f);
		return;
	}
	fc_facility_t *v = NULL;
	size_t n = 0;
	rc = fc_search(r->db, r->arena, &q, API_MAX, &v, &n);
	if (rc) {
		http_reply_failed(r, rc);
		return;
	}
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, fc_web_json(r, &v[i], q.near));
	http_reply_json(r, 200, jpack("{s:o}", "facilities", a));
}

const http_route_t fc_api_routes[] = {
	{HTTP_GET | HTTP_HEAD, "/api/v1/facilities", list, RT_DB, 0},
	{0},
};

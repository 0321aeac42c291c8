/* api.c — the people API (person-facing staff, session or bearer token):
 *   GET /api/v1/people?id_number=|email=|phone=&reason=   the person and their timeline
 * The reason is required (every view of a record is audited with it): ?reason=CODE[&note=…]. */
#include "people/web.h"

#include "app.h"
#include "base/err.h"
#include "base/json.h"
#include "http/kit.h"

static void people_get_api(http_req_t *r)
{
	const char *reason = pe_reason(r);
	fielderr_t e = {0};
	if (!reason)
		fielderr_add(&e, "reason", "pe_err_reason");
	int64_t *ids = NULL;
	size_t n = 0;
	int rc = people_find(r->db, r->arena, http_query(r, "id_number"), http_query(r, "email"),
			     http_query(r, "phone"), &ids, &n);
	if (rc == ERR_INVALID)
		fielderr_add(&e, "id_number", "pe_err_search");
	if (e.n) {
		http_reply_fields(r, 422, "invalid", "pe_err_api", &e);
		return;
	}
	if (rc) {
		http_reply_failed(r, rc);
		return;
	}
	if (n == 0) {
		http_reply_not_found(r);
		return;
	}
	if (n > 1) {
		/* Several people share the contact: say who, so that the caller asks for an ID number. */
		json_t *c = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(c, json_integer(ids[i]));
		http_reply_error(r, 409, "ambiguous", "pe_err_ambiguous", jpack("{s:o}", "candidates", c));
		return;
	}
	people_t p;
	cap_tl_entry_t *v;
	size_t nv;
	rc = people_get(r->db, r->arena, ids[0], &p);
	if (!rc)
		rc = people_timeline(r->app, r->db, r->arena, &p, r->lang, false, &v, &nv);
	if (rc) {
		http_reply_failed(r, rc);
		return;
	}
	if (!pe_audit_view(r, "people.view", p.id, reason)) {
		http_reply_unavailable(r);
		return;
	}
	json_t *body = people_json(&p);
	json_object_set_new(body, "timeline", people_timeline_json(v, nv, false));
	http_add_header(r, "Cache-Control", "no-store");
	http_reply_json(r, 200, body);
}

const http_route_t pe_api_routes[] = {
	{HTTP_GET, "/api/v1/people", people_get_api, RT_API | RT_DB, PE_ROLES},
	{0},
};

/* pages_followup.c — who is due for the "after" self-assessment, with the way to reach them:
 *   GET /staff/ict/followup       the list (ICT agents, coordinators, admins)
 *   GET /api/v1/ict/followup      the same as JSON {"days","due":[…]}
 * People who agreed to be contacted, whose "before" is older than ict.followup_days and who have
 * no "after" since. Showing contacts is a view of personal data: audited (ict.followup.view). */
#include "ict/web.h"

#include "app.h"
#include "auth/auth.h"
#include "base/config.h"
#include "base/err.h"
#include "base/json.h"
#include "base/str.h"
#include "http/kit.h"
#include "people/people.h"

#include <time.h>

#define DUE_MAX 200

/* The list as JSON, or NULL when it has answered (503). */
static json_t *due_list(http_req_t *r, int64_t *days)
{
	*days = config_int(r->app->cfg, "ict.followup_days");
	ict_due_t *v;
	size_t n;
	int rc = ict_store_due(r->db, r->arena, (int64_t)time(NULL) - *days * 86400, DUE_MAX, &v, &n);
	json_t *a = json_array();
	for (size_t i = 0; !rc && i < n; i++) {
		people_t p;
		rc = people_get(r->db, r->arena, v[i].person_id, &p);
		if (rc || p.erased_at)
			continue;
		json_t *emails = json_array(), *phones = json_array();
		for (size_t k = 0; k < p.ncontacts; k++)
			json_array_append_new(str_eq(p.contacts[k].kind, "email") ? emails : phones,
					      json_string(p.contacts[k].value));
		json_array_append_new(a, jpack("{s:I,s:s,s:s,s:o,s:o,s:o,s:o,s:s,s:b}", "person", (json_int_t)p.id,
					       "name", p.name, "id_masked", people_id_mask(r->arena, p.id_number),
					       "emails", emails, "phones", phones, "before_at",
					       people_iso(v[i].before_at), "last_at", people_iso(v[i].last_at), "since",
					       people_when(r->arena, v[i].before_at), "has_phone",
					       json_array_size(phones) > 0));
	}
	if (rc == ERR_NOT_FOUND)
		rc = 0;
	if (!rc)
		rc = auth_audit(r, "ict.followup.view", "people", arena_printf(r->arena, "%zu", json_array_size(a)));
	if (rc) {
		json_decref(a);
		http_reply_failed(r, rc == ERR_NOT_FOUND ? ERR_DB : rc);
		return NULL;
	}
	return a;
}

static void followup_api(http_req_t *r)
{
	int64_t days;
	json_t *a = due_list(r, &days);
	if (!a)
		return;
	http_add_header(r, "Cache-Control", "no-store");
	http_reply_json(r, 200, jpack("{s:I,s:o}", "days", (json_int_t)days, "due", a));
}

static void followup_page(http_req_t *r)
{
	int64_t days;
	json_t *a = due_list(r, &days);
	if (!a)
		return;
	json_t *m = jpack("{s:o,s:b,s:s}", "due", a, "has_due", json_array_size(a) > 0, "intro",
			  http_subst(r, http_t(r, "ict_followup_intro"), "days",
				     arena_printf(r->arena, "%lld", (long long)days)));
	http_add_header(r, "Cache-Control", "no-store");
	http_reply_page(r, 200, "ict/followup", m);
}

const http_route_t ict_followup_routes[] = {
	{HTTP_GET | HTTP_HEAD, "/staff/ict/followup", followup_page, RT_DB, ICT_ROLES},
	{HTTP_GET | HTTP_HEAD, "/api/v1/ict/followup", followup_api, RT_DB, ICT_ROLES},
	{0},
};

/* web.c — see web.h. */
#include "facilities/web.h"

#include "base/err.h"
#include "base/json.h"
#include "base/str.h"
#include "http/kit.h"

#include <math.h>
#include <string.h>

bool fc_web_query(http_req_t *r, fc_query_t *q, const char **bad, int *rc)
{
	const char *near = http_query(r, "near"), *pc = http_query(r, "postcode");
	*q = (fc_query_t){.q = http_query(r, "q"),
			  .category = http_query(r, "category"),
			  .district = http_query(r, "district"),
			  .service = http_query(r, "service")};
	*rc = 0;
	if (near && *near) {
		q->near = fc_parse_point(near, &q->lat, &q->lon);
		if (!q->near)
			*bad = "near";
		return q->near;
	}
	if (pc && *pc) {
		*rc = fc_store_postcode(r->db, str_trim(arena_strdup(r->arena, pc)), &q->lat, &q->lon);
		q->near = *rc == 0;
		if (*rc == ERR_NOT_FOUND) {
			*rc = 0;
			*bad = "postcode";
		}
		return q->near;
	}
	return true;
}

json_t *fc_web_json(http_req_t *r, const fc_facility_t *f, bool near)
{
	json_t *services = json_array();
	const char *s = f->services;
	while (s && *s) {
		const char *semi = strchr(s, ';');
		size_t n = semi ? (size_t)(semi - s) : strlen(s);
		char *one = str_trim(arena_strndup(r->arena, s, n));
		if (*one)
			json_array_append_new(services, json_string(one));
		s = semi ? semi + 1 : NULL;
	}
	json_t *j = jpack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:s}", "code", f->code, "name", f->name, "category",
			  f->category, "category_label", http_tf(r, "fc_cat_%s", f->category), "district", f->district,
			  "address", f->address, "postcode", f->postcode, "phone", f->phone, "hours", f->hours,
			  "services", services, "accessibility", f->accessibility);
	if (f->has_geo) {
		json_object_set_new(j, "lat", json_real(f->lat));
		json_object_set_new(j, "lon", json_real(f->lon));
	}
	if (near && f->has_geo)
		json_object_set_new(j, "distance_m", json_integer((json_int_t)lround(f->dist_m)));
	return j;
}

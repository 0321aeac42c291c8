/* api.c — GET /api/v1/offices/{code}/hours: an office's opening hours per day, with closures and
 * public holidays, for a range of local dates (docs/api.md, "Schedule").
 *
 * Public and cacheable: a strong ETag (BLAKE2b of the body, which holds the holiday names in the
 * request's language) and `Cache-Control: public, max-age=60`, `Vary: Accept-Language, Cookie`;
 * If-None-Match with the current tag gives 304. The body is small and cheap to build, so there is
 * no server-side cache to invalidate across nodes. */
#include "base/err.h"
#include "base/json.h"
#include "base/str.h"
#include "base/tz.h"
#include "catalog/catalog.h"
#include "http/http.h"
#include "http/kit.h"
#include "schedule/internal.h"
#include "schedule/web.h"
#include "view/i18n.h"
#include "schedule/schedule.h"

#include <stdlib.h>
#include <string.h>

#define DEFAULT_DAYS 7
#define MAX_DAYS 92

static void bad(http_req_t *r, const char *code)
{
	http_reply_error(r, 400, code, str_eq(code, "bad_range") ? "sch_err_api_range" : "sch_err_api_date", NULL);
}

static void hours_api(http_req_t *r)
{
	db_conn_t *c = r->db;
	catalog_office_t o;
	int rc = catalog_office_by_code(c, r->arena, http_param(r, "code"), &o);
	if (rc == 0 && !o.active)
		rc = ERR_NOT_FOUND;
	if (rc) {
		http_reply_failed(r, rc);
		return;
	}
	const tz_t *z = tz_get(o.tz);
	if (!z)
		z = tz_utc();
	const char *qf = http_query(r, "from"), *qt = http_query(r, "to");
	int32_t from, to;
	if (qf) {
		if (tz_date_parse(qf, &from)) {
			bad(r, "bad_date");
			return;
		}
	} else {
		tz_local_t l;
		tz_local(z, sched_now(), &l);
		from = l.day;
	}
	if (qt) {
		if (tz_date_parse(qt, &to)) {
			bad(r, "bad_date");
			return;
		}
	} else {
		to = from + DEFAULT_DAYS - 1;
	}
	if (to < from || to - from >= MAX_DAYS) {
		bad(r, "bad_range");
		return;
	}
	schedule_day_t *days;
	size_t n;
	if (schedule_hours(c, r->arena, o.id, from, to, &days, &n)) {
		http_reply_unavailable(r);
		return;
	}
	json_t *jdays = json_array();
	for (size_t i = 0; i < n; i++) {
		const schedule_day_t *d = &days[i];
		/* intervals: when the office opens that day (none on a closure or a holiday). */
		json_t *iv = json_array();
		for (size_t k = 0; d->open && k < d->nintervals; k++) {
			char a[TZ_HHMM_LEN], b[TZ_HHMM_LEN];
			tz_hhmm_format(d->intervals[k].open_min, a);
			tz_hhmm_format(d->intervals[k].close_min, b);
			json_array_append_new(iv, jpack("{s:s,s:s}", "opens", a, "closes", b));
		}
		json_t *jd = jpack("{s:s,s:i,s:b,s:o}", "date", d->date, "weekday", d->weekday, "open", d->open,
				   "intervals", iv);
		if (d->closed_reason)
			json_object_set_new(jd, "closed_reason", json_string(d->closed_reason));
		if (d->holiday_scope) {
			const char *name =
				i18n_pick(r->lang, (const char *const[]){d->holiday_ca, d->holiday_es, d->holiday_en});
			json_object_set_new(jd, "holiday", jpack("{s:s,s:s}", "name", name, "scope", d->holiday_scope));
		}
		json_array_append_new(jdays, jd);
	}
	json_t *body = jpack("{s:s,s:s,s:s,s:o}", "office", o.code, "tz", o.tz, "lang", r->lang, "days", jdays);
	char *s = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	size_t len = strlen(s);
	char etag[HTTP_ETAG_SIZE];
	http_etag(s, len, etag);
	http_reply_json_cacheable(r, s, len, etag, 60);
	free(s);
}

const http_route_t sched_api_routes[] = {
	{HTTP_GET, "/api/v1/offices/{code}/hours", hours_api, RT_API | RT_NO_SESSION | RT_DB, 0},
	{0},
};

/* hours.c — when the chat is open: the chat hours of the virtual office that serves a procedure,
 * or its opening hours when it has no chat hours of its own (schedule.h), in the office's time
 * zone. Public holidays and closures close the chat unless a chat-hours row says it stays open on
 * them (a line open every day of the year). */
#include "chat/internal.h"

#include "base/err.h"
#include "base/json.h"
#include "base/str.h"
#include "base/tz.h"
#include "catalog/catalog.h"
#include "schedule/schedule.h"
#include "view/i18n.h"

#include <string.h>

/* The office's local day and minute at now. */
static int local_now(const catalog_office_t *o, int64_t now, tz_local_t *l)
{
	const tz_t *z = tz_get(o->tz && *o->tz ? o->tz : "Europe/Madrid");
	tz_local(z ? z : tz_utc(), now, l);
	return 0;
}

int ch_open_at(db_conn_t *c, arena_t *a, int64_t office_id, int64_t now, bool *open)
{
	*open = false;
	catalog_office_t o;
	ch_hours_t *h;
	size_t nh;
	int rc = catalog_office_by_id(c, a, office_id, &o);
	if (!rc)
		rc = ch_store_hours(c, a, office_id, &h, &nh);
	if (rc)
		return rc;
	tz_local_t l;
	local_now(&o, now, &l);
	schedule_day_t *day;
	size_t nd;
	rc = schedule_hours(c, a, office_id, l.day, l.day, &day, &nd);
	if (rc)
		return rc;
	bool working = nd == 1 && !day[0].closed_reason && !day[0].holiday_scope;
	if (nh == 0) {
		for (size_t i = 0; nd == 1 && day[0].open && i < day[0].nintervals; i++)
			*open = *open ||
				(day[0].intervals[i].open_min <= l.minute && l.minute < day[0].intervals[i].close_min);
		return 0;
	}
	int wd = tz_weekday(l.day);
	for (size_t i = 0; i < nh; i++)
		if (h[i].weekday == wd && h[i].open_min <= l.minute && l.minute < h[i].close_min &&
		    (working || h[i].holidays))
			*open = true;
	return 0;
}

/* Whether office code o is in the procedure's list. */
static bool listed(const cat_proc_t *p, const char *code)
{
	for (size_t i = 0; i < p->offices.n; i++)
		if (str_eq(p->offices.v[i], code))
			return true;
	return false;
}

int ch_office_for(db_conn_t *c, arena_t *a, const char *service, int64_t now, int64_t *procedure_id, int64_t *office_id,
		  bool *open)
{
	cat_proc_t p;
	catalog_office_t *offices;
	size_t n;
	*office_id = 0;
	*open = false;
	int rc = service && *service ? catalog_procedure_full(c, a, service, &p) : ERR_NOT_FOUND;
	if (!rc && (!p.active || !catalog_channels_has(p.channels, "chat")))
		rc = ERR_NOT_FOUND;
	if (!rc)
		rc = catalog_offices(c, a, &offices, &n);
	if (rc)
		return rc;
	*procedure_id = p.id;
	/* The virtual offices listed for the procedure; when it lists none, every one. */
	bool any_listed = false;
	for (size_t i = 0; i < n; i++)
		any_listed = any_listed || (str_eq(offices[i].kind, "virtual_office") && listed(&p, offices[i].code));
	for (size_t i = 0; i < n && !*open; i++) {
		if (!str_eq(offices[i].kind, "virtual_office") || (any_listed && !listed(&p, offices[i].code)))
			continue;
		bool now_open;
		rc = ch_open_at(c, a, offices[i].id, now, &now_open);
		if (rc)
			return rc;
		if (!*office_id || now_open)
			*office_id = offices[i].id;
		*open = now_open;
	}
	return *office_id ? 0 : ERR_NOT_FOUND;
}

json_t *ch_hours_model(db_conn_t *c, arena_t *a, int64_t office_id, const char *lang)
{
	ch_hours_t *h;
	size_t n;
	json_t *arr = json_array();
	if (ch_store_hours(c, a, office_id, &h, &n))
		return arr;
	for (size_t i = 0; i < n; i++) {
		char from[TZ_HHMM_LEN], to[TZ_HHMM_LEN];
		tz_hhmm_format(h[i].open_min, from);
		tz_hhmm_format(h[i].close_min, to);
		json_array_append_new(arr, jpack("{s:I,s:s,s:s,s:s,s:b}", "id", (json_int_t)h[i].id, "day",
						 i18n_get(lang, arena_printf(a, "ch_day_%d", h[i].weekday)), "from",
						 from, "to", to, "holidays", h[i].holidays));
	}
	return arr;
}

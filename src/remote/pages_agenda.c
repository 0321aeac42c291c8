/* pages_agenda.c — the informers' agenda, GET /remote?date=YYYY-MM-DD&who=mine|free|all|ID: the
 * phone and video appointments of a day (all, unassigned, one's own, or one informer's by id),
 * with the informer (assigned by a coordinator or taken), the documents uploaded, earlier contacts
 * of the same person, whether the citizen is waiting in the room, and the state. Each row opens
 * the appointment (pages_case.c). Audited: it lists citizens' names. */
#include "remote/web.h"

#include "app.h"
#include "auth/auth.h"
#include "base/err.h"
#include "base/json.h"
#include "base/str.h"
#include "base/tz.h"
#include "http/kit.h"

#include <string.h>

#define CONTACTS_MAX 20
#define WAITING_SECONDS 900

typedef struct {
	http_req_t *r;
	booking_ctx_t *ctx;
	const char *who;
	int64_t informer_id; /* who=ID: that informer's appointments only */
	json_t *rows;
} agenda_t;

/* One appointment as a row, or none when the filter leaves it out. 0 or a storage error. */
static int row(agenda_t *g, const booking_t *b)
{
	http_req_t *r = g->r;
	rm_case_t k;
	int64_t docs = 0;
	booking_t *contacts;
	size_t nc = 0;
	int rc = rm_store_case(r->db, r->arena, b->id, &k);
	if (rc)
		return rc;
	bool mine = k.informer_id && k.informer_id == r->user->id;
	if ((str_eq(g->who, "mine") && !mine) || (str_eq(g->who, "free") && k.informer_id) ||
	    (g->informer_id && k.informer_id != g->informer_id))
		return 0;
	if ((rc = rm_store_doc_count(r->db, b->id, &docs)) != 0 ||
	    (rc = booking_contacts(g->ctx, b, CONTACTS_MAX, &contacts, &nc)) != 0)
		return rc;
	char date[16], time_s[8];
	rm_local(b->start_at, date, time_s);
	bool waiting = k.citizen_seen_at && g->ctx->now - k.citizen_seen_at < WAITING_SECONDS && rm_active(b) &&
		       str_eq(b->channel, "video");
	json_array_append_new(g->rows,
			      jpack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:b,s:b,s:b,s:b,s:s}", "code", b->code,
				    "time", time_s, "name", b->name, "service", rm_service_name(r, b), "channel",
				    http_tf(r, "rm_ch_%s", b->channel), "status", http_tf(r, "rm_st_%s", b->status),
				    "informer", k.informer, "documents", (json_int_t)docs, "contacts", (json_int_t)nc,
				    "mine", mine, "waiting", waiting, "phone_requested", k.phone_requested_at != 0,
				    "done", k.outcome_at != 0, "href", arena_printf(r->arena, "/remote/%s", b->code)));
	return 0;
}

/* Whether p attends remote appointments (an informer or a coordinator: those assign takes). */
static bool attends(const auth_person_t *p)
{
	return str_eq(p->role, "informer") || str_eq(p->role, "coordinator");
}

static void agenda_get(http_req_t *r)
{
	booking_ctx_t ctx;
	rm_ctx(&ctx, r);
	const char *date = http_query(r, "date");
	char today[16];
	rm_day(ctx.now, today);
	int32_t d;
	if (!date || tz_date_parse(date, &d) != 0)
		date = today;
	const char *who = http_query(r, "who");
	int64_t informer_id = 0;
	auth_person_t *people = NULL;
	size_t np = 0;
	int rc = auth_people(r->db, r->arena, &people, &np);
	if (!rc && who && str_to_i64(who, 1, INT64_MAX, &informer_id) == 0) {
		bool known = false;
		for (size_t i = 0; i < np; i++)
			known = known || (people[i].id == informer_id && attends(&people[i]));
		if (!known)
			informer_id = 0;
	}
	if (!informer_id && !str_eq(who, "mine") && !str_eq(who, "free") && !str_eq(who, "all"))
		who = (r->user->role & ROLE_INFORMER) ? "mine" : "all";
	booking_t *v;
	size_t n = 0;
	if (!rc)
		rc = booking_list(&ctx, 0, date, "", &v, &n);
	agenda_t g = {r, &ctx, who, informer_id, json_array()};
	for (size_t i = 0; !rc && i < n; i++)
		if (rm_remote_channel(v[i].channel))
			rc = row(&g, &v[i]);
	if (!rc)
		rc = auth_audit(r, "remote.agenda.view", date, who);
	if (rc) {
		json_decref(g.rows);
		http_reply_failed(r, rc);
		return;
	}
	char prev[TZ_DATE_LEN], next[TZ_DATE_LEN];
	tz_date_add(date, -1, prev);
	tz_date_add(date, 1, next);
	json_t *filters = json_array();
	static const char *const WHO[] = {"mine", "free", "all"};
	for (size_t i = 0; i < 3; i++)
		json_array_append_new(filters,
				      jpack("{s:s,s:s,s:b}", "href",
					    arena_printf(r->arena, "/remote?date=%s&who=%s", date, WHO[i]), "label",
					    http_tf(r, "rm_who_%s", WHO[i]), "current", str_eq(who, WHO[i])));
	for (size_t i = 0; i < np; i++)
		if (attends(&people[i]) && people[i].id != r->user->id)
			json_array_append_new(filters,
					      jpack("{s:s,s:s,s:b}", "href",
						    arena_printf(r->arena, "/remote?date=%s&who=%lld", date,
								 (long long)people[i].id),
						    "label", *people[i].name ? people[i].name : people[i].email,
						    "current", informer_id == people[i].id));
	json_t *m = jpack("{s:s,s:s,s:o,s:b,s:o,s:s,s:s,s:s}", "date", date, "who", who, "rows", g.rows, "has_rows",
			  json_array_size(g.rows) > 0, "filters", filters, "prev",
			  arena_printf(r->arena, "/remote?date=%s&who=%s", prev, who), "next",
			  arena_printf(r->arena, "/remote?date=%s&who=%s", next, who), "today",
			  arena_printf(r->arena, "/remote?who=%s", who));
	http_add_header(r, "Cache-Control", "no-store");
	http_reply_page(r, 200, "remote/agenda", m);
}

const http_route_t rm_agenda_routes[] = {
	{HTTP_GET | HTTP_HEAD, "/remote", agenda_get, RT_DB, RM_STAFF},
	{0},
};

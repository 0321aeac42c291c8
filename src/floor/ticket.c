/* ticket.c — tickets for other channels (floor.h: floor_ticket_issue, floor_ticket_announce), a
 * ticket's place in its queue, and the announcements made after a commit (internal.h). No HTTP:
 * the API, the pages and other capabilities share them. */
#include "floor/internal.h"

#include "base/config.h"
#include "base/err.h"
#include "base/json.h"
#include "base/log.h"
#include "base/tz.h"
#include "bus/bus.h"

#include <string.h>

const char *fl_topic(arena_t *a, const char *what, int64_t office_id)
{
	return arena_printf(a, "floor.%s.%lld", what, (long long)office_id);
}

int fl_place(fl_ctx_t *ctx, const fl_ticket_t *t, int64_t *ahead, int64_t *wait_min)
{
	*ahead = *wait_min = 0;
	if (!fl_waiting(t->status))
		return 0;
	int64_t window = fl_window(ctx);
	fl_estimate_t e;
	int rc = fl_store_ahead(ctx->c, t, fl_order_class(t, ctx->now, window), ctx->now + window, ahead);
	if (!rc)
		rc = fl_estimate(ctx, t->office_id, t->zone_id, t->day, &e);
	if (!rc)
		*wait_min = fl_wait_min(&e, *ahead, t, ctx->now, window);
	return rc;
}

/* ---------------------------------------------------------------- announcements */

/* The most tickets of a zone a queue event lists; fewer when the event would not fit. */
#define ORDER_MAX 400

/* A zone whose order an event carries: its first ORDER_MAX waiting tickets and its estimate. */
typedef struct {
	const cat_zone_t *z;
	fl_ticket_t *q;
	size_t n;
	fl_estimate_t e;
} zone_read_t;

/* {"zone", "order": [ids], "wait": [minutes], "more"} of one zone, at most max tickets. */
static json_t *zone_order(fl_ctx_t *ctx, const zone_read_t *zr, size_t max)
{
	json_t *order = json_array(), *wait = json_array();
	int64_t window = fl_window(ctx);
	size_t i = 0;
	for (; i < zr->n && i < max; i++) {
		json_array_append_new(order, json_integer(zr->q[i].id));
		json_array_append_new(wait, json_integer(fl_wait_min(&zr->e, (int64_t)i, &zr->q[i], ctx->now, window)));
	}
	return jpack("{s:s,s:o,s:o,s:b}", "zone", zr->z->code, "order", order, "wait", wait, "more", i >= max);
}

static json_t *queue_event(fl_ctx_t *ctx, const fl_change_t *ch, const zone_read_t *zr, size_t nzr, size_t max)
{
	json_t *zones = json_array();
	for (size_t i = 0; i < nzr; i++)
		json_array_append_new(zones, zone_order(ctx, &zr[i], max));
	const fl_ticket_t *t = &ch->t;
	if (!t->id)
		return jpack("{s:o}", "zones", zones);
	json_t *tk = jpack("{s:I,s:s,s:s,s:s}", "id", (json_int_t)t->id, "number", t->number, "status", t->status,
			   "zone", t->zone_code);
	if (t->desk_code && *t->desk_code)
		json_object_set_new(tk, "desk", json_string(t->desk_code));
	if (t->survey_token)
		json_object_set_new(tk, "survey", json_true());
	return jpack("{s:o,s:o}", "ticket", tk, "zones", zones);
}

/* The zones a change touched (each once), read once for every size of the event. */
static int read_zones(fl_ctx_t *ctx, const fl_change_t *ch, zone_read_t *zr, size_t *nzr)
{
	fl_office_t f;
	int rc = fl_office_load_id(ctx, ch->office_id, &f);
	*nzr = 0;
	for (size_t i = 0; !rc && i < ch->nzones; i++) {
		bool seen = false;
		for (size_t k = 0; k < i; k++)
			seen = seen || ch->zones[k] == ch->zones[i];
		const cat_zone_t *z = fl_zone_id(&f, ch->zones[i]);
		if (seen || !z)
			continue;
		zone_read_t *r = &zr[(*nzr)++];
		r->z = z;
		rc = fl_store_zone_order(ctx->c, ctx->a, f.o.id, f.day, z->id, ctx->now + fl_window(ctx), ORDER_MAX,
					 &r->q, &r->n);
		if (!rc && fl_estimate(ctx, f.o.id, z->id, f.day, &r->e))
			memset(&r->e, 0, sizeof r->e);
	}
	return rc;
}

void fl_publish(fl_ctx_t *ctx, bus_t *bus, const fl_change_t *ch)
{
	if (!ch->office_id || !bus)
		return;
	if (ch->call) {
		char at[TZ_ISO_LEN];
		tz_format_iso(tz_utc(), ch->t.last_called_at, at);
		json_t *d = jpack("{s:s,s:s,s:s,s:s}", "number", ch->t.number, "desk", ch->t.desk_code, "zone",
				  ch->t.zone_code, "at", at);
		if (bus_publish(bus, fl_topic(ctx->a, "calls", ch->office_id), "call", d, NULL))
			log_warn("floor: the call of %s was not announced on every node", ch->t.number);
		json_decref(d);
	}
	zone_read_t zr[sizeof ch->zones / sizeof ch->zones[0]];
	size_t nzr;
	if (read_zones(ctx, ch, zr, &nzr))
		return;
	/* The orders shrink until the event fits a notification. */
	for (size_t max = ORDER_MAX; max >= 25; max /= 2) {
		json_t *ev = queue_event(ctx, ch, zr, nzr, max);
		if (!ev)
			return;
		int rc = bus_publish(bus, fl_topic(ctx->a, "queue", ch->office_id), "queue", ev, NULL);
		json_decref(ev);
		if (rc != ERR_TOO_BIG)
			return;
	}
}

/* ---------------------------------------------------------------- other channels (floor.h) */

int floor_ticket_issue(db_conn_t *c, arena_t *a, const struct config *cfg, const floor_ticket_in_t *in,
		       floor_ticket_t *out)
{
	memset(out, 0, sizeof *out);
	fl_ctx_t ctx = {.c = c,
			.a = a,
			.cfg = cfg,
			.now = in->now,
			.user_id = in->user_id,
			.actor = in->actor ? in->actor : "kiosk",
			.lang = in->lang && *in->lang ? in->lang : "ca"};
	fl_issue_t is = {.office = in->office,
			 .zone = in->zone,
			 .service = in->service,
			 .age_band = in->age_band,
			 .gender = in->gender,
			 .lang = in->lang,
			 .autonomous = in->autonomous,
			 .priority = in->priority,
			 .name = in->name,
			 .id_number = in->id_number,
			 .email = in->email,
			 .phone = in->phone,
			 .channel = in->channel ? in->channel : "kiosk"};
	fl_ticket_t t;
	fl_err_t err;
	memset(&err, 0, sizeof err);
	int rc = fl_issue(&ctx, &is, &t, out->token, &err);
	if (rc) {
		out->error = err.code;
		out->error_key = err.key;
		out->fields = err.fields;
		out->token[0] = 0;
		return rc;
	}
	out->id = t.id;
	out->office_id = t.office_id;
	out->zone_id = t.zone_id;
	out->number = t.number;
	out->zone = t.zone_code;
	return fl_place(&ctx, &t, &out->ahead, &out->estimated_wait_min);
}

void floor_ticket_announce(bus_t *bus, db_conn_t *c, arena_t *a, const struct config *cfg, const floor_ticket_t *t,
			   int64_t now)
{
	fl_ctx_t ctx = {.c = c, .a = a, .cfg = cfg, .now = now, .actor = "kiosk", .lang = "ca"};
	fl_change_t ch = {.office_id = t->office_id, .nzones = 1, .zones = {t->zone_id}};
	fl_publish(&ctx, bus, &ch);
}

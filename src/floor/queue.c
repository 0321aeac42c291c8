/* queue.c — an office's floor as the rules and pages read it: the catalogue's office with its
 * zones and desks and the floor's per-zone settings, today's waiting tickets in calling order,
 * and the wait estimate (docs/internals/floor.md, "Estimated wait"). */
#include "floor/internal.h"

#include "base/err.h"
#include "base/str.h"
#include "base/tz.h"

#include <string.h>

int64_t fl_cfg(const fl_ctx_t *ctx, const char *name, int64_t def)
{
	return ctx->cfg ? config_int(ctx->cfg, name) : def;
}

const char *fl_today(fl_ctx_t *ctx, const cat_office_t *o)
{
	const tz_t *z = o && o->tz ? tz_get(o->tz) : NULL;
	tz_local_t l;
	tz_local(z ? z : tz_utc(), ctx->now, &l);
	char *d = arena_alloc(ctx->a, TZ_DATE_LEN);
	tz_date_format(l.day, d);
	return d;
}

static int load_settings(fl_ctx_t *ctx, fl_office_t *f)
{
	size_t nz = f->o.nzones ? f->o.nzones : 1;
	f->quota = arena_alloc(ctx->a, nz * sizeof *f->quota);
	f->closed = arena_alloc(ctx->a, nz * sizeof *f->closed);
	int64_t def = fl_cfg(ctx, "floor.daily_quota", 0);
	for (size_t i = 0; i < f->o.nzones; i++) {
		int64_t q = -1;
		bool closed = false;
		int rc = fl_store_zone_get(ctx->c, f->o.zones[i].id, &q, &closed);
		if (rc && rc != ERR_NOT_FOUND)
			return rc;
		f->quota[i] = q >= 0 ? q : def;
		f->closed[i] = closed;
	}
	f->day = fl_today(ctx, &f->o);
	return 0;
}

int fl_office_load(fl_ctx_t *ctx, const char *code, fl_office_t *out)
{
	memset(out, 0, sizeof *out);
	if (!code || !*code)
		return ERR_NOT_FOUND;
	int rc = catalog_office_with_zones(ctx->c, ctx->a, code, &out->o);
	if (!rc && !out->o.active)
		rc = ERR_NOT_FOUND;
	return rc ? rc : load_settings(ctx, out);
}

int fl_office_load_id(fl_ctx_t *ctx, int64_t id, fl_office_t *out)
{
	catalog_office_t o;
	int rc = catalog_office_by_id(ctx->c, ctx->a, id, &o);
	if (rc)
		return rc;
	memset(out, 0, sizeof *out);
	rc = catalog_office_with_zones(ctx->c, ctx->a, o.code, &out->o);
	return rc ? rc : load_settings(ctx, out);
}

const cat_zone_t *fl_zone(const fl_office_t *f, const char *code)
{
	for (size_t i = 0; code && i < f->o.nzones; i++)
		if (str_eq(f->o.zones[i].code, code))
			return &f->o.zones[i];
	return NULL;
}

const cat_zone_t *fl_zone_id(const fl_office_t *f, int64_t id)
{
	for (size_t i = 0; i < f->o.nzones; i++)
		if (f->o.zones[i].id == id)
			return &f->o.zones[i];
	return NULL;
}

/* Desk codes are unique within a zone; an office whose zones repeat a code gets the first. */
const cat_desk_t *fl_desk(const fl_office_t *f, const char *code, const cat_zone_t **zone)
{
	for (size_t i = 0; code && i < f->o.nzones; i++)
		for (size_t k = 0; k < f->o.zones[i].ndesks; k++)
			if (str_eq(f->o.zones[i].desks[k].code, code) && f->o.zones[i].desks[k].active) {
				if (zone)
					*zone = &f->o.zones[i];
				return &f->o.zones[i].desks[k];
			}
	return NULL;
}

const cat_desk_t *fl_desk_id(const fl_office_t *f, int64_t id, const cat_zone_t **zone)
{
	for (size_t i = 0; i < f->o.nzones; i++)
		for (size_t k = 0; k < f->o.zones[i].ndesks; k++)
			if (f->o.zones[i].desks[k].id == id) {
				if (zone)
					*zone = &f->o.zones[i];
				return &f->o.zones[i].desks[k];
			}
	return NULL;
}

int64_t fl_window(const fl_ctx_t *ctx)
{
	return fl_cfg(ctx, "floor.appointment_window", 5) * 60;
}

int fl_queue(fl_ctx_t *ctx, const fl_office_t *f, fl_ticket_t **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	int rc = fl_store_waiting(ctx->c, ctx->a, f->o.id, f->day, out, n);
	if (!rc)
		fl_order_sort(*out, *n, ctx->now, fl_window(ctx));
	return rc;
}

int fl_next(fl_ctx_t *ctx, const fl_office_t *f, int64_t desk_id, const int64_t *zones, size_t nzones, fl_ticket_t *out)
{
	int64_t window = fl_window(ctx);
	fl_ticket_t best = {0}, t;
	/* The first of each zone the desk serves, and the first sent to it (zone 0): the earliest. */
	for (size_t i = 0; i <= nzones; i++) {
		int rc = fl_store_next(ctx->c, ctx->a, f->o.id, f->day, i < nzones ? zones[i] : 0, desk_id,
				       ctx->now + window, &t);
		if (rc == ERR_NOT_FOUND)
			continue;
		if (rc)
			return rc;
		if (!best.id || fl_order_cmp(&t, &best, ctx->now, window) < 0)
			best = t;
	}
	return best.id ? fl_store_ticket(ctx->c, ctx->a, best.id, out) : ERR_NOT_FOUND;
}

int fl_estimate(fl_ctx_t *ctx, int64_t office_id, int64_t zone_id, const char *day, fl_estimate_t *out)
{
	memset(out, 0, sizeof *out);
	int64_t mean = 0, n = 0;
	int rc =
		fl_store_service_mean(ctx->c, office_id, zone_id, day, fl_cfg(ctx, "floor.wait_sample", 10), &mean, &n);
	if (!rc)
		rc = fl_store_desks_open(ctx->c, office_id, zone_id, &out->desks);
	if (rc)
		return rc;
	if (n >= 3) {
		out->service_s = mean;
		out->samples = n;
	} else {
		out->service_s = fl_cfg(ctx, "floor.default_service_min", 8) * 60;
	}
	return 0;
}

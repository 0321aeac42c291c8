/* model.c — the appointment view model (booking.h, notify.h): one JSON object that pages, mails,
 * the .ics file and the PDF receipt all render, so they never disagree about an appointment.
 *
 * Office and procedure details (address, accessibility, documents to bring) come from the
 * catalogue's store: catalog.h's light structs do not carry them. */
#include "booking/internal.h"

#include "base/err.h"
#include "base/json.h"
#include "base/str.h"
#include "catalog/catalog.h"
#include "view/i18n.h"

#include <stdio.h>
#include <string.h>

/* The weekday's name in lang ("dijous"). */
/* The keys live in the arena: a missing translation answers with its key, which must outlive the
 * call. */
static const char *weekday(arena_t *a, const char *lang, int32_t day)
{
	return i18n_get(lang, arena_printf(a, "cita_wd_%d", tz_weekday(day)));
}

/* The date in full, as lang writes it (cita_date_long_year): "dijous, 10 de desembre de 2026",
 * "Thursday 10 December 2026", "2026年12月10日 星期四". */
static const char *long_date(arena_t *a, const char *lang, int32_t day)
{
	int y, m, d;
	tz_civil_from_days(day, &y, &m, &d);
	const char *vars[] = {"weekday", weekday(a, lang, day),
			      "day",     arena_printf(a, "%d", d),
			      "month",   i18n_get(lang, arena_printf(a, "cita_of_month_%d", m)),
			      "year",    arena_printf(a, "%d", y),
			      NULL};
	return i18n_subst(a, i18n_get(lang, "cita_date_long_year"), vars);
}

static const char *public_url(const booking_ctx_t *ctx)
{
	const char *u =
		ctx->cfg ? config_str(ctx->cfg, "server.public_url") : ""; /* no settings: links relative to the site */
	size_t n = strlen(u);
	while (n > 0 && u[n - 1] == '/')
		n--;
	return arena_strndup(ctx->a, u, n);
}

/* The appointment's office and procedure in full (by code, read by id when the row has none). */
static int load_full(booking_ctx_t *ctx, const booking_t *b, cat_office_t *o, cat_proc_t *p)
{
	catalog_office_t lo;
	catalog_procedure_t lp;
	const char *ocode = b->office_code, *pcode = b->service_code;
	int rc = 0;
	if (!ocode && !(rc = catalog_office_by_id(ctx->c, ctx->a, b->office_id, &lo)))
		ocode = lo.code;
	if (!rc && !pcode && !(rc = catalog_procedure_by_id(ctx->c, ctx->a, b->procedure_id, &lp)))
		pcode = lp.code;
	if (!rc)
		rc = catalog_office_full(ctx->c, ctx->a, ocode, o);
	if (!rc)
		rc = catalog_procedure_full(ctx->c, ctx->a, pcode, p);
	return rc;
}

/* {code, name, address (with postcode and city), phone, accessibility} in lang. New. */
static json_t *office_json(arena_t *a, const cat_office_t *o, const char *lang)
{
	const char *addr = o->address ? o->address : "";
	if (o->postcode && *o->postcode)
		addr = arena_printf(a, "%s, %s %s", addr, o->postcode, o->city ? o->city : "");
	else if (o->city && *o->city)
		addr = arena_printf(a, "%s, %s", addr, o->city);
	return jpack("{s:s,s:s,s:s,s:s,s:s}", "code", o->code, "name", i18n_pick(lang, o->name), "address", addr,
		     "phone", o->phone ? o->phone : "", "accessibility", i18n_pick(lang, o->access));
}

json_t *booking_model(booking_ctx_t *ctx, const booking_t *b, const char *token, const char *lang)
{
	if (!lang || !*lang)
		lang = b->lang;
	int li = i18n_index(lang);
	cat_office_t o;
	cat_proc_t p;
	if (load_full(ctx, b, &o, &p))
		return NULL;

	const tz_t *z = tz_get(o.tz ? o.tz : "Europe/Madrid");
	if (!z)
		z = tz_utc();
	char start[TZ_ISO_LEN], end[TZ_ISO_LEN], date[TZ_DATE_LEN], time[TZ_HHMM_LEN], etime[TZ_HHMM_LEN];
	tz_format_iso(z, b->start_at, start);
	tz_format_iso(z, b->end_at, end);
	tz_local_t l, le;
	tz_local(z, b->start_at, &l);
	tz_local(z, b->end_at, &le);
	tz_date_format(l.day, date);
	tz_hhmm_format(l.minute, time);
	tz_hhmm_format(le.minute, etime);

	const char *base = public_url(ctx);
	bool tok = token && *token;
	const char *q = tok ? arena_printf(ctx->a, "?token=%s", token) : "";
	json_t *m = json_object();
	json_object_set_new(m, "code", json_string(b->code));
	if (tok)
		json_object_set_new(m, "token", json_string(token));
	json_object_set_new(m, "manage_url", json_string(arena_printf(ctx->a, "%s/cita/%s%s", base, b->code, q)));
	json_object_set_new(m, "status", json_string(b->status));
	json_object_set_new(m, "channel", json_string(b->channel));
	json_object_set_new(m, "service", jpack("{s:s,s:s}", "code", p.code, "name", i18n_pick(lang, p.name)));
	if (str_eq(b->channel, "in_person"))
		json_object_set_new(m, "office", office_json(ctx->a, &o, lang));
	json_object_set_new(m, "start", json_string(start));
	json_object_set_new(m, "end", json_string(end));
	json_object_set_new(m, "start_local",
			    jpack("{s:s,s:s,s:s,s:s,s:s}", "date", date, "time", time, "end_time", etime, "weekday",
				  weekday(ctx->a, lang, l.day), "long", long_date(ctx->a, lang, l.day)));
	json_object_set_new(m, "tz", json_string(tz_name(z)));
	json_object_set_new(m, "duration_min", json_integer((b->end_at - b->start_at) / 60));
	json_object_set_new(m, "name", json_string(b->name));
	json_object_set_new(m, "id_type", json_string(b->id_type));
	json_object_set_new(m, "id_masked", json_string(booking_id_mask(ctx->a, b->id_number)));
	json_object_set_new(m, "email", json_string(b->email ? b->email : ""));
	json_object_set_new(m, "phone", json_string(b->phone ? b->phone : ""));
	json_object_set_new(m, "lang", json_string(b->lang));
	json_t *docs = json_array();
	const cat_list_t *dl = p.docs[li].n ? &p.docs[li] : &p.docs[CAT_CA];
	for (size_t i = 0; i < dl->n; i++)
		json_array_append_new(docs, json_string(dl->v[i]));
	json_object_set_new(m, "documents", docs);
	json_object_set_new(m, "online_url", p.online_url && *p.online_url ? json_string(p.online_url) : json_null());
	/* The video room and the document space of a phone or video appointment (src/remote/): with
	 * the secret token only, which is their sole key; without it the messages point to the
	 * confirmation mail that carries it. */
	bool remote = str_eq(b->channel, "phone") || str_eq(b->channel, "video");
	if (tok && remote)
		json_object_set_new(m, "docs_url", json_string(arena_printf(ctx->a, "%s/docs/%s%s", base, b->code, q)));
	if (tok && str_eq(b->channel, "video"))
		json_object_set_new(m, "video_url",
				    json_string(arena_printf(ctx->a, "%s/video/%s%s", base, b->code, q)));
	json_object_set_new(m, "booked_by", json_string(b->booked_by && *b->booked_by ? b->booked_by : "citizen"));
	json_object_set_new(m, "sequence", json_integer(b->sequence));
	json_object_set_new(m, "cancellable", json_boolean(str_eq(b->status, "booked") && b->start_at > ctx->now));
	return m;
}

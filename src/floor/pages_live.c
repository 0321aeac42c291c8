/* pages_live.c — what the person and the room see:
 *   GET /floor/t/{id}?token=             the live page of a ticket (no sign-in): position, people
 *                                        ahead, estimated wait, status, the desk once called, the
 *                                        survey once done; pushed by Server-Sent Events (live.js),
 *                                        refreshed every 30 s without JavaScript
 *   GET /floor/t/{id}/ticket.pdf?token=  the ticket for an 80 mm receipt printer
 *   GET /floor/display                   the call display (a display account's office, or
 *                                        ?office= for staff): display.js */
#include "floor/web.h"

#include "app.h"
#include "auth/auth.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/json.h"
#include "base/rand.h"
#include "base/str.h"
#include "http/kit.h"
#include "render/pdf.h"

#include <stdlib.h>
#include <string.h>

/* The ticket of the path with its token; false when answered (404, 429, 503). */
static bool live_ticket(http_req_t *r, fl_ctx_t *ctx, fl_ticket_t *t, const char **token)
{
	fl_ctx_from_req(ctx, r);
	if (!fl_public_rate_ok(r))
		return false;
	int64_t id;
	*token = http_query(r, "token");
	int rc = ERR_NOT_FOUND;
	if (str_to_i64(http_param(r, "id"), 1, INT64_MAX, &id) == 0 && *token && strlen(*token) == 64) {
		char hash[RAND_TOKEN_HEX_LEN];
		rand_token_hash(*token, hash);
		rc = fl_store_ticket_by_token(ctx->c, ctx->a, id, hash, t);
	}
	if (rc)
		http_reply_failed(r, rc);
	return rc == 0;
}

static void live_page(http_req_t *r)
{
	fl_ctx_t ctx;
	fl_ticket_t t;
	const char *token;
	if (!live_ticket(r, &ctx, &t, &token))
		return;
	/* The person's language, unless they chose another here. */
	if (!http_query(r, "lang") && !kv_get(&r->cookies, "lang"))
		fl_page_lang(r, t.lang);
	json_t *card = fl_ticket_card(&ctx, r, &t, token);
	if (!card) {
		http_reply_unavailable(r);
		return;
	}
	json_t *m =
		jpack("{s:o,s:s,s:s}", "ticket", card, "events_url",
		      arena_printf(r->arena, "/api/v1/tickets/%lld/events?token=%s", (long long)t.id, token),
		      "ticket_url", arena_printf(r->arena, "/api/v1/tickets/%lld?token=%s", (long long)t.id, token));
	json_object_set_new(m, "token", json_string(token));
	http_add_header(r, "Cache-Control", "no-store");
	http_add_header(r, "Referrer-Policy", "no-referrer");
	http_reply_page(r, 200, "floor/live", m);
}

static void ticket_pdf(http_req_t *r)
{
	fl_ctx_t ctx;
	fl_ticket_t t;
	const char *token;
	if (!live_ticket(r, &ctx, &t, &token))
		return;
	json_t *c = fl_ticket_card(&ctx, r, &t, token);
	if (!c) {
		http_reply_unavailable(r);
		return;
	}
	json_t *lines = json_array();
	if (json_is_true(json_object_get(c, "is_waiting"))) {
		long long ahead = json_integer_value(json_object_get(c, "ahead"));
		const char *mins =
			arena_printf(r->arena, "%lld",
				     (long long)json_integer_value(json_object_get(c, "estimated_wait_min")));
		const char *vars[] = {"n", mins, NULL};
		json_array_append_new(lines, jpack("{s:s,s:s}", "label", http_t(r, "fl_ahead"), "value",
						   arena_printf(r->arena, "%lld", ahead)));
		json_array_append_new(lines, jpack("{s:s,s:s}", "label", http_t(r, "fl_wait"), "value",
						   http_tv(r, "fl_minutes", vars)));
	}
	if (json_object_get(c, "appointment_time"))
		json_array_append_new(lines, jpack("{s:s,s:O}", "label", http_t(r, "fl_appointment_at"), "value",
						   json_object_get(c, "appointment_time")));
	json_array_append_new(lines,
			      jpack("{s:s,s:s}", "label", http_t(r, "fl_issued"), "value",
				    arena_printf(r->arena, "%s %s", json_string_value(json_object_get(c, "time")),
						 json_string_value(json_object_get(c, "date")))));
	const char *city = config_str(r->app->cfg, "city.name");
	json_t *m = jpack("{s:s,s:O,s:O,s:O,s:O,s:o,s:s,s:s}", "city", city, "office",
			  json_object_get(c, "office_name"), "number", json_object_get(c, "number"), "zone",
			  json_object_get(json_object_get(c, "zone"), "name"), "colour",
			  json_object_get(json_object_get(c, "zone"), "colour"), "lines", lines, "url",
			  fl_live_url(r, t.id, token), "caption", http_t(r, "fl_qr_caption"));
	json_decref(c);
	unsigned char *pdf;
	size_t len;
	int rc = pdf_ticket(m, r->lang, &pdf, &len);
	json_decref(m);
	if (rc) {
		http_reply_failed(r, rc);
		return;
	}
	http_add_header(r, "Cache-Control", "no-store");
	http_add_header(r, "Content-Disposition", arena_printf(r->arena, "inline; filename=\"%s.pdf\"", t.number));
	http_reply_bytes(r, 200, "application/pdf", pdf, len);
	free(pdf);
}

/* ---------------------------------------------------------------- the call display */

static void display_page(http_req_t *r)
{
	fl_ctx_t ctx;
	fl_ctx_from_req(&ctx, r);
	const char *office = r->user->role & ROLE_DISPLAY ? r->user->office : fl_page_office(r);
	fl_office_t f;
	int rc = office && fl_office_allowed(r, office) ? fl_office_load(&ctx, office, &f) : ERR_NOT_FOUND;
	json_t *calls = rc ? NULL : fl_calls_json(&ctx, &f);
	if (!calls) {
		http_reply_failed(r, rc ? rc : ERR_DB);
		return;
	}
	json_t *o = fl_office_json(&f, r->lang);
	/* The latest call large, the rest as a short history, with their zone's colour. */
	size_t i;
	json_t *c;
	json_array_foreach (calls, i, c) {
		const cat_zone_t *z = fl_zone(&f, json_string_value(json_object_get(c, "zone")));
		const cat_desk_t *d = fl_desk(&f, json_string_value(json_object_get(c, "desk")), NULL);
		json_object_set_new(c, "zone_id", json_integer(z ? z->id : 0));
		json_object_set_new(c, "desk_name",
				    json_string(d ? d->display_name : json_string_value(json_object_get(c, "desk"))));
	}
	json_t *latest = json_array_size(calls) ? json_incref(json_array_get(calls, 0)) : NULL;
	if (latest)
		json_array_remove(calls, 0);
	json_t *m = jpack("{s:o,s:o,s:s,s:s}", "office", o, "history", calls, "stream_url",
			  arena_printf(r->arena, "/api/v1/offices/%s/calls", f.o.code), "recent_url",
			  arena_printf(r->arena, "/api/v1/offices/%s/calls/recent", f.o.code));
	if (latest)
		json_object_set_new(m, "latest", latest);
	auth_branding(r, m);
	http_add_header(r, "Cache-Control", "no-store");
	http_reply_page(r, 200, "floor/display", m);
}

/* One class per zone with its colour (white text: the catalogue checks the contrast), for pages
 * that may not carry inline styles. */
static void zones_css(http_req_t *r)
{
	cat_office_t *v;
	size_t n;
	int rc = catalog_offices_full(r->db, r->arena, &v, &n);
	buf_t css;
	buf_init(&css, 1 << 20);
	for (size_t i = 0; !rc && i < n; i++) {
		cat_office_t o;
		rc = catalog_office_with_zones(r->db, r->arena, v[i].code, &o);
		for (size_t k = 0; !rc && k < o.nzones; k++)
			if (cat_colour_valid(o.zones[k].colour))
				(void)buf_printf(&css,
						 ".fl-z-%lld{background-color:%s;color:#fff}\n"
						 ".fl-zb-%lld{border-left-color:%s}\n",
						 (long long)o.zones[k].id, o.zones[k].colour, (long long)o.zones[k].id,
						 o.zones[k].colour); /* capped at 1 MiB: a catalogue never comes near */
	}
	if (rc) {
		buf_free(&css);
		http_reply_failed(r, rc);
		return;
	}
	http_add_header(r, "Cache-Control", "public, max-age=300");
	http_reply_bytes(r, 200, "text/css; charset=utf-8", css.data ? css.data : "", css.len);
	buf_free(&css);
}

const http_route_t fl_live_routes[] = {
	{HTTP_GET | HTTP_HEAD, "/floor/zones.css", zones_css, RT_DB | RT_NO_SESSION, 0},
	{HTTP_GET | HTTP_HEAD, "/floor/t/{id}", live_page, RT_DB, 0},
	{HTTP_GET | HTTP_HEAD, "/floor/t/{id}/ticket.pdf", ticket_pdf, RT_DB, 0},
	{HTTP_GET | HTTP_HEAD, "/floor/display", display_page, RT_DB, ROLE_DISPLAY | ROLE_PEOPLE},
	{0},
};

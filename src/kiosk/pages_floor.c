/* pages_floor.c — the kiosk's screens that need the office floor (src/floor/, tickets per zone):
 *   GET /kiosk/tiquet     take a ticket: the zone, the need and a few profile questions
 *   GET /kiosk/arribada   check in an appointment: its code typed or its QR code scanned with the
 *                         kiosk's camera (BarcodeDetector where the browser has it), or the ID
 *                         number; the appointment becomes a ticket
 *   GET /kiosk/qr.svg     the QR code of one of the service's own links (the ticket's live page)
 *   POST /kiosk/scan      a camera frame (8-bit grey) → the appointment link its QR code holds
 *                         (libzbar, scan.h): the camera works where the browser has no
 *                         BarcodeDetector (Chromium on Linux)
 * The seam with the office floor is small: kiosk_floor_served() (kiosk.h) shows or hides these
 * screens, and the screens act only through floorSeam in static/kiosk-floor.js — its two calls of
 * the floor's documented API, POST /api/v1/offices/{office}/tickets (takeTicket) and
 * POST /api/v1/offices/{office}/check-in (checkIn), open to kiosk accounts. Without the floor the
 * screens are not found, and the menu does not offer them. */
#include "kiosk/web.h"

#include "app.h"
#include "base/config.h"
#include "base/err.h"
#include "base/json.h"
#include "base/str.h"
#include "catalog/catalog.h"
#include "http/kit.h"
#include "kiosk/scan.h"
#include "render/pdf.h"

#include <stdlib.h>
#include <string.h>

/* The zones of the kiosk's office a person may take a ticket for (not the welcome desk itself). */
static json_t *zones(http_req_t *r, const char *office)
{
	json_t *a = json_array();
	cat_office_t o;
	if (!office || !*office || catalog_office_with_zones(r->db, r->arena, office, &o))
		return a;
	for (size_t i = 0; i < o.nzones; i++) {
		const cat_zone_t *z = &o.zones[i];
		if (str_eq(z->kind, "welcome"))
			continue;
		const char *name = z->name[str_eq(r->lang, "es") ? CAT_ES : str_eq(r->lang, "en") ? CAT_EN : CAT_CA];
		json_array_append_new(a, jpack("{s:s,s:s,s:s}", "code", z->code, "kind", z->kind, "name",
					       name && *name ? name : z->code));
	}
	return a;
}

static bool floor_or_404(http_req_t *r)
{
	if (kiosk_floor_served())
		return true;
	http_reply_not_found(r);
	return false;
}

static void ticket_page(http_req_t *r)
{
	if (!floor_or_404(r))
		return;
	const char *office = r->user->office ? r->user->office : "";
	/* The need travels as the ticket's service: only an active procedure of the catalogue. */
	const char *need = http_query(r, "need");
	catalog_procedure_t p;
	if (need && (strlen(need) > 64 || catalog_procedure_by_code(r->db, r->arena, need, &p) || !p.active))
		need = NULL;
	json_t *m = jpack("{s:s,s:o,s:s,s:s}", "office", office, "zones", zones(r, office), "need", need ? need : "",
			  "zone_kind", str_eq(http_query(r, "zone"), "assisted") ? "assisted" : "");
	http_reply_page(r, 200, "kiosk/ticket", m);
}

static void checkin_page(http_req_t *r)
{
	if (!floor_or_404(r))
		return;
	const char *office = r->user->office ? r->user->office : "";
	http_reply_page(r, 200, "kiosk/checkin", jpack("{s:s}", "office", office));
}

/* SVG of a QR code of a link of this server (render/pdf.h's qr_svg). */
static void qr_page(http_req_t *r)
{
	const char *u = http_query(r, "u");
	const char *base = config_str(r->app->cfg, "server.public_url");
	if (!u || !str_starts(u, base) || strlen(u) > 500) {
		http_reply_not_found(r);
		return;
	}
	char *svg = qr_svg(u);
	if (!svg) {
		http_reply_unavailable(r);
		return;
	}
	http_add_header(r, "Cache-Control", "no-store");
	http_reply_bytes(r, 200, "image/svg+xml", svg, strlen(svg));
	free(svg);
}

/* One camera frame: {"width","height","y800": base64 of width × height grey bytes} → 200
 * {"link": the appointment's manage link | null when no QR code is seen}; 422 for a QR code that
 * is not one of this server's appointment links; 400/413 for a frame that is not one. */
static void scan(http_req_t *r)
{
	if (!floor_or_404(r))
		return;
	int wait = 0;
	if (!http_rate_ok(r, arena_printf(r->arena, "kiosk.scan.%lld", (long long)r->user->id),
			  (int)config_int(r->app->cfg, "kiosk.scans_per_second"), 1, &wait)) {
		http_reply_error(r, 429, "rate_limited", "ks_scan_slow_down", NULL);
		return;
	}
	json_t *w = json_object_get(r->json, "width"), *h = json_object_get(r->json, "height");
	json_t *d = json_object_get(r->json, "y800");
	if (!json_is_integer(w) || !json_is_integer(h) || !json_is_string(d)) {
		http_reply_error(r, 400, "bad_frame", "ks_scan_bad_frame", NULL);
		return;
	}
	uint8_t *px = NULL;
	int rc = ks_frame_parse(r->arena, json_integer_value(w), json_integer_value(h), json_string_value(d),
				json_string_length(d), &px);
	if (rc) {
		if (rc == ERR_TOO_BIG)
			http_reply_error(r, 413, "too_big", "ks_scan_too_big", NULL);
		else
			http_reply_error(r, 400, "bad_frame", "ks_scan_bad_frame", NULL);
		return;
	}
	const char *text = NULL;
	size_t len = 0;
	if (ks_qr_read(r->arena, px, (int)json_integer_value(w), (int)json_integer_value(h), &text, &len)) {
		http_reply_json(r, 200, jpack("{s:n}", "link"));
		return;
	}
	if (!ks_is_manage_link(text, len, config_str(r->app->cfg, "server.public_url"))) {
		http_reply_error(r, 422, "not_an_appointment", "ks_scan_not_ours", NULL);
		return;
	}
	http_reply_json(r, 200, jpack("{s:s}", "link", text));
}

const http_route_t ks_floor_routes[] = {
	{HTTP_GET | HTTP_HEAD, "/kiosk/tiquet", ticket_page, RT_DB, KS_ROLES},
	{HTTP_GET | HTTP_HEAD, "/kiosk/arribada", checkin_page, 0, KS_ROLES},
	{HTTP_GET | HTTP_HEAD, "/kiosk/qr.svg", qr_page, 0, KS_ROLES},
	{HTTP_POST, "/kiosk/scan", scan, RT_JSON | RT_API, ROLE_KIOSK},
	{0},
};

/* pages_verify.c — anyone checks a certificate by its verification code:
 *   GET /verify                     the form (?code= sends to the code's page)
 *   GET /verify/{code}              the kind, issue date, masked holder and SHA-256, and the PDF
 *   GET /verify/{code}/volant.pdf   the original PDF again
 *   GET /api/v1/verify/{code}       the same as JSON (api.c)
 * Every wrong code gets the same "not found"; attempts are limited per address
 * (padro.verify_per_minute), one budget for pages and API. */
#include "padro/web.h"

#include "base/err.h"
#include "base/json.h"
#include "base/str.h"
#include "base/tz.h"
#include "http/kit.h"

#include <string.h>

#define VERIFY_WINDOW 60

/* Counts one attempt; false when over the limit (429 answered). */
static bool verify_rate(http_req_t *r)
{
	if (http_rate_ok(r, "padro.verify", (int)config_int(r->app->cfg, "padro.verify_per_minute"), VERIFY_WINDOW,
			 NULL))
		return true;
	http_reply_error(r, 429, "rate_limited", "pd_err_verify_limit", NULL);
	return false;
}

static void form_page(http_req_t *r, int status, const char *code, bool missing)
{
	json_t *m = jpack("{s:s,s:b}", "code", code ? code : "", "missing", missing);
	http_reply_page(r, status, "padro/verify", m);
}

static void verify_form(http_req_t *r)
{
	const char *q = http_query(r, "code");
	if (!q || !*q) {
		form_page(r, 200, "", false);
		return;
	}
	if (!verify_rate(r))
		return;
	char code[PD_VCODE_LEN];
	if (!pd_vcode_norm(q, code)) {
		form_page(r, 404, q, true);
		return;
	}
	http_reply_redirect(r, arena_printf(r->arena, "/verify/%s", code));
}

/* The certificate of the path's code, or false with the 404/429/503 answered. */
static bool load(http_req_t *r, bool with_pdf, pd_volant_t *v)
{
	if (!verify_rate(r))
		return false;
	char code[PD_VCODE_LEN];
	const char *given = http_param(r, "code");
	int rc = pd_vcode_norm(given, code) ? pd_store_volant_get(r->db, r->arena, code, with_pdf, v) : ERR_NOT_FOUND;
	if (rc == ERR_NOT_FOUND && !r->api)
		form_page(r, 404, given, true);
	else if (rc)
		http_reply_failed(r, rc);
	return rc == 0;
}

static const char *issued_local(http_req_t *r, int64_t t)
{
	const tz_t *z = tz_get(config_str(r->app->cfg, "padro.tz"));
	tz_local_t lt;
	tz_local(z ? z : tz_utc(), t, &lt);
	char date[TZ_DATE_LEN], hm[TZ_HHMM_LEN];
	tz_date_format(lt.day, date);
	tz_hhmm_format(lt.minute, hm);
	return arena_printf(r->arena, "%s %s", pd_date_show(r->arena, date), hm);
}

static void verify_code(http_req_t *r)
{
	pd_volant_t v;
	if (!load(r, false, &v))
		return;
	json_t *m = jpack("{s:s,s:s,s:s,s:s,s:s,s:I,s:s,s:b,s:b}", "vcode", pd_vcode_group(r->arena, v.code), "kind",
			  http_t(r, str_eq(v.kind, "collective") ? "pd_kind_collective" : "pd_kind_individual"),
			  "issued", issued_local(r, v.issued_at), "holder", v.holder, "sha256", v.sha256, "holders",
			  (json_int_t)v.holders, "pdf", arena_printf(r->arena, "/verify/%s/volant.pdf", v.code), "new",
			  str_eq(http_query(r, "new"), "1"), "more", v.holders > 1);
	http_reply_page(r, 200, "padro/verified", m);
}

static void verify_pdf(http_req_t *r)
{
	pd_volant_t v;
	if (!load(r, true, &v))
		return;
	if (!v.pdf_len) { /* erased at the holder's request: the record of its issue stays */
		http_reply_error(r, 404, "not_found", "pd_err_erased", NULL);
		return;
	}
	http_add_header(r, "Content-Disposition", arena_printf(r->arena, "inline; filename=\"volant-%s.pdf\"", v.code));
	http_add_header(r, "Cache-Control", "no-store");
	http_reply_bytes(r, 200, "application/pdf", v.pdf, v.pdf_len);
}

static void verify_api(http_req_t *r)
{
	pd_volant_t v;
	if (!load(r, false, &v))
		return;
	char at[TZ_ISO_LEN];
	tz_format_iso(tz_utc(), v.issued_at, at);
	http_add_header(r, "Cache-Control", "no-store");
	http_reply_json(r, 200,
			jpack("{s:b,s:s,s:s,s:s,s:I}", "valid", 1, "kind", v.kind, "issued_at", at, "sha256", v.sha256,
			      "holders", (json_int_t)v.holders));
}

const http_route_t pd_verify_routes[] = {
	{HTTP_GET | HTTP_HEAD, "/verify", verify_form, 0, 0},
	{HTTP_GET | HTTP_HEAD, "/verify/{code}", verify_code, RT_DB, 0},
	{HTTP_GET | HTTP_HEAD, "/verify/{code}/volant.pdf", verify_pdf, RT_DB, 0},
	{HTTP_GET | HTTP_HEAD, "/api/v1/verify/{code}", verify_api, RT_DB, 0},
	{0},
};

/* api.c — the certificate API (docs/api.md, "Padró certificates"):
 *   POST /api/v1/padro/codes    {"id_type","id_number"} → 202 {"sent":true}, always the same
 *                               answer for a well-formed ID; 422 for a malformed one; 429 over
 *                               the limits
 *   POST /api/v1/padro/volants  {"id_type","id_number","code","kind","lang"} → 201; staff may
 *                               leave out the code (they have seen the ID document) */
#include "padro/web.h"

#include "base/err.h"
#include "base/json.h"
#include "base/str.h"
#include "base/tz.h"
#include "http/kit.h"

#include <string.h>

/* A member of the JSON body as a string, "" when absent or not a string. */
static const char *member(http_req_t *r, const char *key)
{
	const json_t *v = json_object_get(r->json, key);
	return json_is_string(v) ? json_string_value(v) : "";
}

static void bad_field(http_req_t *r, const char *field)
{
	fielderr_t f = {0};
	fielderr_add(&f, field, arena_printf(r->arena, "pd_err_%s", field));
	http_reply_fields(r, 422, "invalid", "err_invalid", &f);
}

static void codes_post(http_req_t *r)
{
	const char *bad = NULL;
	int rc = pd_web_code(r, member(r, "id_type"), member(r, "id_number"), &bad);
	if (rc == ERR_INVALID)
		bad_field(r, bad);
	else if (rc == ERR_BUSY)
		http_reply_error(r, 429, "rate_limited", "pd_err_limit", NULL);
	else if (rc)
		http_reply_failed(r, rc);
	else
		http_reply_json(r, 202, jpack("{s:b}", "sent", 1));
}

static void volants_post(http_req_t *r)
{
	pd_issue_t in = {.id_type = member(r, "id_type"),
			 .id_number = member(r, "id_number"),
			 .code = member(r, "code"),
			 .kind = member(r, "kind"),
			 .lang = *member(r, "lang") ? member(r, "lang") : r->lang};
	bool staff = r->user && (r->user->role & PD_STAFF_ROLES);
	if (staff && !*in.code) {
		/* The route takes anonymous calls without CSRF; a staff session's does need it. */
		if (!r->user->bearer && !http_csrf_ok(r)) {
			http_reply_error(r, 403, "csrf", "err_csrf", NULL);
			return;
		}
		in.staff = true;
	}
	pd_prepared_t p = {0};
	const char *bad = NULL;
	pdw_t w = pd_web_issue(r, &in, &p, &bad);
	if (w == PDW_BAD_FIELD || w == PDW_WRONG_CODE) {
		bad_field(r, w == PDW_WRONG_CODE ? "code" : bad);
	} else if (w == PDW_NOT_REGISTERED) {
		http_reply_error(r, 404, "not_registered", "pd_err_not_registered", NULL);
	} else if (w == PDW_ISSUED) {
		char at[TZ_ISO_LEN];
		tz_format_iso(tz_utc(), p.issued_at, at);
		http_reply_json(r, 201,
				jpack("{s:s,s:s,s:s,s:s,s:s}", "verification_code", p.vcode, "verify_url",
				      pd_verify_url(r, p.vcode), "pdf_url", pd_pdf_url(r, p.vcode), "sha256", p.sha256,
				      "issued_at", at));
	}
	pd_prepared_free(&p);
}

const http_route_t pd_api_routes[] = {
	{HTTP_POST, "/api/v1/padro/codes", codes_post, RT_JSON | RT_NO_CSRF | RT_DB, 0},
	{HTTP_POST, "/api/v1/padro/volants", volants_post, RT_JSON | RT_NO_CSRF | RT_DB, 0},
	{0},
};

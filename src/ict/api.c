/* api.c — the ict API (docs/api.md, "Digital accompaniment"):
 *   POST /api/v1/ict/sessions          records a session (ict_agent, coordinator, admin) → 201 {"id"}
 *   GET  /api/v1/ict/evaluation        the programme's figures (coordinator, admin)
 *   GET  /api/v1/ict/evaluation.csv    the anonymised export for the evaluators (coordinator, admin)
 *   GET  /api/v1/ict/evaluation.xlsx   the same rows and the evaluation's figures as a workbook */
#include "ict/web.h"

#include "app.h"
#include "base/buf.h"
#include "base/csv.h"
#include "base/err.h"
#include "base/json.h"
#include "base/rand.h"
#include "base/tz.h"
#include "http/kit.h"

#include <stdlib.h>
#include <string.h>

#define EXPORT_MAX (64u << 20)

static void session_api(http_req_t *r)
{
	if (!json_is_object(r->json) ||
	    (json_object_get(r->json, "person") && !json_is_object(json_object_get(r->json, "person")))) {
		http_reply_error(r, 400, "bad_json", "err_bad_json", NULL);
		return;
	}
	ict_session_t s;
	fielderr_t errs = {0};
	ict_from_json(r, &s, &errs);
	int rc = ict_save(r, &s, &errs);
	if (rc == ERR_INVALID) {
		http_reply_fields(r, 422, "invalid", "ict_err_form", &errs);
		return;
	}
	if (rc == HTTP_TX_ANSWERED)
		return;
	if (rc) {
		http_reply_failed(r, rc == ERR_NOT_FOUND ? ERR_DB : rc);
		return;
	}
	http_add_header(r, "Cache-Control", "no-store");
	http_reply_json(r, 201, jpack("{s:I,s:I}", "id", (json_int_t)s.id, "person", (json_int_t)s.person_id));
}

static void evaluation_api(http_req_t *r)
{
	ict_filter_t f;
	ict_eval_t ev;
	if (!ict_filter_from(r, &f) || !ict_eval_for(r, &f, &ev))
		return;
	http_add_header(r, "Cache-Control", "no-store");
	http_reply_json(r, 200, ict_eval_json(&ev));
}

/* The export's rows for the request's filter, each with a pseudonym stable within this export:
 * the keyed hash of the person's id, with a key drawn for this export and forgotten after it.
 * f: the filter read. false when answered (bad filter, storage error). */
static bool export_rows(http_req_t *r, ict_filter_t *f, ict_row_t **v, size_t *n, const char ***who)
{
	if (!ict_filter_from(r, f))
		return false;
	int rc = ict_store_rows(r->db, r->arena, f, v, n);
	if (rc) {
		http_reply_failed(r, rc);
		return false;
	}
	char key[RAND_TOKEN_HEX_LEN];
	rand_token_hex(key);
	*who = arena_alloc(r->arena, (*n + 1) * sizeof **who);
	for (size_t i = 0; i < *n; i++) {
		char h[RAND_TOKEN_HEX_LEN];
		rand_token_hash(arena_printf(r->arena, "%s:%lld", key, (long long)(*v)[i].person_id), h);
		h[12] = '\0';
		(*who)[i] = arena_strdup(r->arena, h);
	}
	return true;
}

static int put_row(http_req_t *r, buf_t *b, const char *who, const ict_row_t *x)
{
	char day[TZ_DATE_LEN];
	tz_date_format(ict_local_day(x->at), day);
	const char *f[ICT_EXPORT_COLS] = {who,         day,       x->office,
					  x->age_band, x->gender, arena_printf(r->arena, "%d", x->minutes),
					  x->modes,    x->tools,  x->next,
					  x->moment};
	for (int k = 0; k < ICT_SKILLS; k++)
		f[10 + k] = x->levels[k] < 0 ? "" : arena_printf(r->arena, "%d", x->levels[k]);
	return csv_put_row(b, f, ICT_EXPORT_COLS);
}

static void export_api(http_req_t *r)
{
	ict_filter_t f;
	ict_row_t *v;
	size_t n;
	const char **who;
	if (!export_rows(r, &f, &v, &n, &who))
		return;
	buf_t b;
	buf_init(&b, EXPORT_MAX);
	int rc = csv_put_row(&b, ict_export_head, ICT_EXPORT_COLS);
	for (size_t i = 0; !rc && i < n; i++)
		rc = put_row(r, &b, who[i], &v[i]);
	if (rc) {
		buf_free(&b);
		http_reply_error(r, 413, "too_big", "ict_err_export", NULL);
		return;
	}
	http_add_header(r, "Cache-Control", "no-store");
	http_add_header(r, "Content-Disposition", "attachment; filename=\"ict-evaluation.csv\"");
	http_reply_text(r, 200, "text/csv; charset=utf-8", buf_str(&b), b.len);
	buf_free(&b);
}

/* The same rows as a workbook, with the evaluation's figures for the same filter. */
static void xlsx_api(http_req_t *r)
{
	ict_filter_t f;
	ict_row_t *v;
	size_t n;
	const char **who;
	ict_eval_t ev;
	if (!export_rows(r, &f, &v, &n, &who) || !ict_eval_for(r, &f, &ev))
		return;
	json_t *figs = ict_eval_json(&ev);
	buf_t b;
	buf_init(&b, EXPORT_MAX);
	int rc = ict_xlsx(&b, v, n, who, figs);
	json_decref(figs);
	if (rc == ERR_TOO_BIG)
		http_reply_error(r, 413, "too_big", "ict_err_export", NULL);
	else if (rc)
		http_reply_failed(r, rc);
	else {
		http_add_header(r, "Cache-Control", "no-store");
		http_add_header(r, "Content-Disposition", "attachment; filename=\"ict-evaluation.xlsx\"");
		http_reply_bytes(r, 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b.data,
				 b.len);
	}
	buf_free(&b);
}

const http_route_t ict_api_routes[] = {
	{HTTP_POST, "/api/v1/ict/sessions", session_api, RT_JSON | RT_DB, ICT_ROLES},
	{HTTP_GET | HTTP_HEAD, "/api/v1/ict/evaluation", evaluation_api, RT_DB, ICT_EVAL_ROLES},
	{HTTP_GET | HTTP_HEAD, "/api/v1/ict/evaluation.csv", export_api, RT_DB, ICT_EVAL_ROLES},
	{HTTP_GET | HTTP_HEAD, "/api/v1/ict/evaluation.xlsx", xlsx_api, RT_DB, ICT_EVAL_ROLES},
	{0},
};

/* pages.c — the example capability's routes, built with the page and API kit (http/kit.h):
 *   GET  /example                 the notes of an office and a form to add one (staff)
 *   POST /example                 adds a note: checked, written with its audit record in one
 *                                 transaction (http_tx, http_tx_audit), announced on the bus,
 *                                 answered 303; a bad field shows the form again (422)
 *   GET  /api/v1/example/notes    the same notes as JSON (staff; ?office=CODE)
 * Every route is RT_DB: the core takes the storage connection (r->db) and answers 503 itself. */
#include "example/internal.h"
#include "example/web.h"

#include "app.h"
#include "base/config.h"
#include "base/text.h"
#include "base/err.h"
#include "base/json.h"
#include "base/str.h"
#include "base/tz.h"
#include "bus/bus.h"
#include "http/form.h"
#include "http/kit.h"

#include <string.h>
#include <time.h>

#define LIST_MAX 100

/* The office the request is about: ?office= (or the form's field), else the person's own. */
static const char *office_of(http_req_t *r)
{
	const char *o = r->method == HTTP_POST ? form_str(r, "office") : http_query(r, "office");
	if (o && *o)
		return o;
	return r->user && r->user->office ? r->user->office : "";
}

static json_t *notes_json(const ex_note_t *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		char at[TZ_ISO_LEN];
		tz_format_iso(tz_utc(), v[i].created_at, at);
		json_array_append_new(a, jpack("{s:I,s:s,s:s,s:s,s:s}", "id", (json_int_t)v[i].id, "office",
					       v[i].office, "body", v[i].body, "author", v[i].author, "at", at));
	}
	return a;
}

/* The page: the office's notes, the form (fm, taken) and the notice of ?saved=1. */
static void notes_page(http_req_t *r, int status, form_t *fm)
{
	ex_note_t *v;
	size_t n;
	if (ex_store_notes(r->db, r->arena, office_of(r), LIST_MAX, &v, &n)) {
		form_free(fm);
		http_reply_unavailable(r);
		return;
	}
	json_t *m = jpack("{s:o,s:b}", "notes", notes_json(v, n), "has_notes", n > 0);
	if (str_eq(http_query(r, "saved"), "1"))
		json_object_set_new(m, "notice", json_string(http_t(r, "ex_saved")));
	form_into(fm, m);
	http_reply_page(r, status, "example/index", m);
}

static void notes_get(http_req_t *r)
{
	form_t fm = form_new(r, "ex");
	form_val(&fm, "office", office_of(r));
	notes_page(r, 200, &fm);
}

/* The change of POST /example, inside its transaction. */
static int note_write(http_req_t *r, void *ud)
{
	ex_note_t *x = ud;
	int rc = ex_store_note_add(r->db, x, &x->id);
	if (!rc) /* the target is known once inserted: the record goes in with the note */
		http_tx_audit(r, "example.note.add", arena_printf(r->arena, "note:%lld", (long long)x->id), x->office);
	return rc;
}

static void notes_post(http_req_t *r)
{
	form_t fm = form_new(r, "ex");
	ex_note_t x = {.office = office_of(r),
		       .body = form_text(r, "body"),
		       .author = r->user ? r->user->email : "",
		       .created_at = (int64_t)time(NULL)};
	form_val(&fm, "office", x.office);
	form_val(&fm, "body", x.body);
	int64_t max = config_int(r->app->cfg, "example.max_length");
	if (!*x.body || (int64_t)strlen(x.body) > max || !text_ok(x.body, TEXT_MULTILINE))
		form_err(&fm, "body", "ex_body", http_t(r, "ex_err_body"));
	if (form_bad(&fm)) {
		notes_page(r, 422, &fm);
		return;
	}
	form_free(&fm);
	if (!http_tx_ok(r, note_write, &x))
		return; /* answered: 503 (rolled back) */
	/* After the commit: tell the live pages (a failure here loses nothing). */
	json_t *data = jpack("{s:s}", "office", x.office);
	(void)bus_publish(r->app->bus, "example.changed", "note", data, NULL);
	json_decref(data);
	http_reply_redirect(r,
			    arena_printf(r->arena, "/example?saved=1&office=%s", str_url_encode(r->arena, x.office)));
}

static void notes_api(http_req_t *r)
{
	ex_note_t *v;
	size_t n;
	int rc = ex_store_notes(r->db, r->arena, office_of(r), LIST_MAX, &v, &n);
	if (rc) {
		http_reply_failed(r, rc);
		return;
	}
	http_add_header(r, "Cache-Control", "no-store");
	http_reply_json(r, 200, jpack("{s:o}", "notes", notes_json(v, n)));
}

const http_route_t ex_page_routes[] = {
	{HTTP_GET | HTTP_HEAD, "/example", notes_get, RT_DB, EX_ROLES},
	{HTTP_POST, "/example", notes_post, RT_FORM | RT_DB, EX_ROLES},
	{0},
};

const http_route_t ex_api_routes[] = {
	{HTTP_GET | HTTP_HEAD, "/api/v1/example/notes", notes_api, RT_DB, EX_ROLES},
	{0},
};

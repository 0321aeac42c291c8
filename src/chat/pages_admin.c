/* pages_admin.c — what coordinators keep for the chat:
 *   GET  /staff/chat/replies              quick replies, per procedure or for every one
 *   POST /staff/chat/replies              adds one
 *   POST /staff/chat/replies/{rid}/delete
 *   GET  /staff/chat/hours                the chat hours of each virtual office
 *   POST /staff/chat/hours                adds a row (weekday, from, to, open on holidays)
 *   POST /staff/chat/hours/{rid}/delete */
#include "chat/web.h"

#include "app.h"
#include "base/err.h"
#include "base/json.h"
#include "base/str.h"
#include "base/text.h"
#include "base/tz.h"
#include "catalog/catalog.h"
#include "http/form.h"
#include "http/kit.h"

#include <string.h>
#include <time.h>

#define TITLE_MAX 80
#define BODY_MAX 1000

static int64_t rid(http_req_t *r)
{
	int64_t id = 0;
	return str_to_i64(http_param(r, "rid"), 1, INT64_MAX, &id) ? 0 : id;
}

static void replies_page(http_req_t *r, int status, form_t *fm)
{
	ch_reply_t *v;
	size_t n;
	catalog_procedure_t *p;
	size_t np;
	int rc = ch_store_replies(r->db, r->arena, 0, &v, &n);
	if (!rc)
		rc = catalog_procedures(r->db, r->arena, &p, &np);
	if (rc) {
		form_free(fm);
		http_reply_failed(r, rc);
		return;
	}
	json_t *list = json_array(), *procs = json_array();
	for (size_t i = 0; i < np; i++)
		if (catalog_channels_has(p[i].channels, "chat"))
			json_array_append_new(procs, jpack("{s:s,s:s}", "value", p[i].code, "label",
							   catalog_procedure_name(&p[i], r->lang)));
	for (size_t i = 0; i < n; i++) {
		const char *for_name = http_t(r, "ch_all_procedures");
		for (size_t k = 0; k < np; k++)
			if (p[k].id == v[i].procedure_id)
				for_name = catalog_procedure_name(&p[k], r->lang);
		json_array_append_new(list, jpack("{s:I,s:s,s:s,s:s}", "id", (json_int_t)v[i].id, "title", v[i].title,
						  "body", v[i].body, "for", for_name));
	}
	json_t *m = jpack("{s:o,s:o,s:b}", "replies", list, "procedures", procs, "has_replies", n > 0);
	form_into(fm, m);
	http_reply_page(r, status, "chat/replies", m);
}

static void replies_get(http_req_t *r)
{
	form_t fm = form_new(r, "ch");
	replies_page(r, 200, &fm);
}

typedef struct {
	int64_t procedure_id, id;
	const char *title, *body;
	ch_hours_t h;
} admin_t;

static int reply_add_tx(http_req_t *r, void *ud)
{
	admin_t *x = ud;
	int rc = ch_store_reply_add(r->db, x->procedure_id, x->title, x->body, r->user->email, (int64_t)time(NULL),
				    &x->id);
	if (!rc)
		http_tx_audit(r, "chat.reply.add", arena_printf(r->arena, "chat_reply:%lld", (long long)x->id),
			      x->title);
	return rc;
}

static void replies_post(http_req_t *r)
{
	form_t fm = form_new(r, "ch");
	admin_t x = {0};
	const char *service = form_str(r, "service");
	form_val(&fm, "title", form_str(r, "title"));
	form_val(&fm, "body", form_text(r, "body"));
	if (text_clean(r->arena, form_str(r, "title"), TITLE_MAX, false, &x.title) || !*x.title)
		form_err(&fm, "title", "ch_reply_title", http_t(r, "ch_err_reply_title"));
	if (text_clean(r->arena, form_text(r, "body"), BODY_MAX, true, &x.body) || !*x.body)
		form_err(&fm, "body", "ch_reply_body", http_t(r, "ch_err_reply_body"));
	if (*service) {
		catalog_procedure_t p;
		if (form_lookup(&fm, catalog_procedure_by_code(r->db, r->arena, service, &p), "service", "ch_reply_for",
				http_t(r, "ch_err_service")) == 0)
			x.procedure_id = p.id;
	}
	if (form_failed(&fm))
		return;
	if (form_bad(&fm)) {
		replies_page(r, 422, &fm);
		return;
	}
	form_free(&fm);
	if (http_tx_ok(r, reply_add_tx, &x))
		http_reply_redirect(r, "/staff/chat/replies");
}

static int reply_delete_tx(http_req_t *r, void *ud)
{
	admin_t *x = ud;
	int rc = ch_store_reply_delete(r->db, x->id);
	if (!rc)
		http_tx_audit(r, "chat.reply.delete", arena_printf(r->arena, "chat_reply:%lld", (long long)x->id), "");
	return rc;
}

static void reply_delete(http_req_t *r)
{
	admin_t x = {.id = rid(r)};
	if (http_tx_ok(r, reply_delete_tx, &x))
		http_reply_redirect(r, "/staff/chat/replies");
}

/* ---------------------------------------------------------------- hours */

static void hours_page(http_req_t *r, int status, form_t *fm)
{
	catalog_office_t *o;
	size_t n;
	int rc = catalog_offices(r->db, r->arena, &o, &n);
	if (rc) {
		form_free(fm);
		http_reply_failed(r, rc);
		return;
	}
	json_t *offices = json_array();
	for (size_t i = 0; i < n; i++) {
		if (!str_eq(o[i].kind, "virtual_office"))
			continue;
		json_t *h = ch_hours_model(r->db, r->arena, o[i].id, r->lang);
		json_array_append_new(offices, jpack("{s:s,s:s,s:o,s:b}", "code", o[i].code, "name",
						     catalog_office_name(&o[i], r->lang), "hours", h, "has_hours",
						     json_array_size(h) > 0));
	}
	json_t *days = json_array();
	for (int d = 1; d <= 7; d++)
		json_array_append_new(days, jpack("{s:i,s:s}", "value", d, "label", http_tf(r, "ch_day_%d", d)));
	json_t *m = jpack("{s:o,s:o}", "offices", offices, "days", days);
	form_into(fm, m);
	http_reply_page(r, status, "chat/hours", m);
}

static void hours_get(http_req_t *r)
{
	form_t fm = form_new(r, "ch");
	hours_page(r, 200, &fm);
}

static int hours_add_tx(http_req_t *r, void *ud)
{
	admin_t *x = ud;
	int rc = ch_store_hours_add(r->db, &x->h, &x->id);
	if (!rc)
		http_tx_audit(r, "chat.hours.add", arena_printf(r->arena, "chat_hours:%lld", (long long)x->id), "");
	return rc;
}

static void hours_post(http_req_t *r)
{
	form_t fm = form_new(r, "ch");
	admin_t x = {0};
	catalog_office_t o;
	int64_t wd = 0;
	if (form_lookup(&fm, catalog_office_by_code(r->db, r->arena, form_str(r, "office"), &o), "office", "ch_office",
			http_t(r, "ch_err_office")) == 0 &&
	    !str_eq(o.kind, "virtual_office"))
		form_err(&fm, "office", "ch_office", http_t(r, "ch_err_office"));
	if (str_to_i64(form_str(r, "weekday"), 1, 7, &wd))
		form_err(&fm, "weekday", "ch_weekday", http_t(r, "ch_err_weekday"));
	if (tz_hhmm_parse(form_str(r, "from"), &x.h.open_min) || tz_hhmm_parse(form_str(r, "to"), &x.h.close_min) ||
	    x.h.open_min >= x.h.close_min)
		form_err(&fm, "from", "ch_from", http_t(r, "ch_err_hours"));
	if (form_failed(&fm))
		return;
	if (form_bad(&fm)) {
		hours_page(r, 422, &fm);
		return;
	}
	form_free(&fm);
	x.h.office_id = o.id;
	x.h.weekday = (int)wd;
	x.h.holidays = form_check(r, "holidays");
	if (http_tx_ok(r, hours_add_tx, &x))
		http_reply_redirect(r, "/staff/chat/hours");
}

static int hours_delete_tx(http_req_t *r, void *ud)
{
	admin_t *x = ud;
	int rc = ch_store_hours_delete(r->db, x->id);
	if (!rc)
		http_tx_audit(r, "chat.hours.delete", arena_printf(r->arena, "chat_hours:%lld", (long long)x->id), "");
	return rc;
}

static void hours_delete(http_req_t *r)
{
	admin_t x = {.id = rid(r)};
	if (http_tx_ok(r, hours_delete_tx, &x))
		http_reply_redirect(r, "/staff/chat/hours");
}

const http_route_t ch_admin_routes[] = {
	{HTTP_GET | HTTP_HEAD, "/staff/chat/replies", replies_get, RT_DB, CH_COORD},
	{HTTP_POST, "/staff/chat/replies", replies_post, RT_FORM | RT_DB, CH_COORD},
	{HTTP_POST, "/staff/chat/replies/{rid}/delete", reply_delete, RT_FORM | RT_DB, CH_COORD},
	{HTTP_GET | HTTP_HEAD, "/staff/chat/hours", hours_get, RT_DB, CH_COORD},
	{HTTP_POST, "/staff/chat/hours", hours_post, RT_FORM | RT_DB, CH_COORD},
	{HTTP_POST, "/staff/chat/hours/{rid}/delete", hours_delete, RT_FORM | RT_DB, CH_COORD},
	{0},
};

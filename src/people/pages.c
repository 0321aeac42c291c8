/* pages.c — finding a person (staff):
 *   GET  /staff/people          search by ID number, e-mail or phone, with the reason for the look-up
 *   POST /staff/people          a new record (someone who is not there yet)
 * and what every view of a record shares: the reason, its audit record. The record's own page
 * and its changes are in pages_record.c. */
#include "people/web.h"

#include "app.h"
#include "auth/auth.h"
#include "base/contact.h"
#include "base/err.h"
#include "base/json.h"
#include "base/str.h"
#include "base/text.h"
#include "http/form.h"
#include "http/kit.h"

#include <string.h>
#include <time.h>

#define NOTE_MAX 200

static const char *const REASONS[] = {"attending", "request", "rights", "correction", "other"};

const char *pe_reason(http_req_t *r)
{
	const char *code = http_query(r, "reason");
	if (!code && r->method == HTTP_POST)
		code = http_form(r, "reason");
	const char *note = http_query(r, "note");
	if (!note && r->method == HTTP_POST)
		note = http_form(r, "note");
	bool known = false;
	for (size_t i = 0; i < sizeof REASONS / sizeof *REASONS; i++)
		known = known || str_eq(code, REASONS[i]);
	const char *clean = "";
	if (!known || text_clean(r->arena, note, NOTE_MAX, false, &clean))
		return NULL;
	if (str_eq(code, "other") && !*clean)
		return NULL;
	return *clean ? arena_printf(r->arena, "%s: %s", code, clean) : code;
}

bool pe_audit_view(http_req_t *r, const char *action, int64_t person_id, const char *reason)
{
	return auth_audit(r, action, arena_printf(r->arena, "person:%lld", (long long)person_id), reason) == 0;
}

/* The reason's select and note, with the request's choice kept. */
static json_t *reasons_model(http_req_t *r)
{
	const char *cur = http_query(r, "reason");
	if (!cur && r->method == HTTP_POST)
		cur = http_form(r, "reason");
	json_t *a = json_array();
	for (size_t i = 0; i < sizeof REASONS / sizeof *REASONS; i++)
		json_array_append_new(a, jpack("{s:s,s:s,s:b}", "value", REASONS[i], "label",
					       http_tf(r, "pe_reason_%s", REASONS[i]), "on", str_eq(cur, REASONS[i])));
	return a;
}

json_t *pe_options(http_req_t *r, const char *what, const char *cur)
{
	static const char *const langs[] = {"ca", "es", "en"};
	bool lang = str_eq(what, "lang"), age = str_eq(what, "age");
	const char *const *set = lang ? langs : age ? people_age_bands : people_genders;
	size_t n = lang ? sizeof langs / sizeof *langs : age ? 5 : 4;
	json_t *a = json_array();
	if (!lang)
		json_array_append_new(a, jpack("{s:s,s:s,s:b}", "value", "", "label", http_t(r, "pe_unknown"), "on",
					       !cur || !*cur));
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, jpack("{s:s,s:s,s:b}", "value", set[i], "label",
					       http_tf(r, "pe_%s_%s", what, set[i]), "on", str_eq(cur, set[i])));
	return a;
}

/* One search result: enough to tell people apart, nothing more. */
static json_t *result_model(http_req_t *r, const people_t *p, const char *query)
{
	json_t *emails = json_array();
	for (size_t i = 0; i < p->ncontacts; i++)
		if (str_eq(p->contacts[i].kind, "email"))
			json_array_append_new(emails, json_string(p->contacts[i].value));
	return jpack("{s:I,s:s,s:s,s:o,s:s}", "id", (json_int_t)p->id, "name", *p->name ? p->name : "—", "id_masked",
		     people_id_mask(r->arena, p->id_number), "emails", emails, "href",
		     arena_printf(r->arena, "/staff/people/%lld?%s", (long long)p->id, query));
}

/* The reason and note as a query string for the links to the records. */
static const char *reason_query(http_req_t *r)
{
	const char *note = http_query(r, "note");
	return arena_printf(r->arena, "reason=%s&note=%s", str_url_encode(r->arena, http_query(r, "reason")),
			    str_url_encode(r->arena, note ? note : ""));
}

/* Searches when the query names someone and gives a reason; the look-up itself is audited. */
static int search(http_req_t *r, form_t *fm, json_t *m)
{
	const char *idn = http_query(r, "id_number"), *email = http_query(r, "email"), *phone = http_query(r, "phone");
	if (!(idn && *idn) && !(email && *email) && !(phone && *phone))
		return 0;
	const char *reason = pe_reason(r);
	if (!reason)
		form_err(fm, "reason", "pe_reason", http_t(r, "pe_err_reason"));
	int64_t *ids = NULL;
	size_t n = 0;
	int rc = people_find(r->db, r->arena, idn, email, phone, &ids, &n);
	if (rc == ERR_INVALID)
		form_err(fm, "id_number", "pe_search", http_t(r, "pe_err_search"));
	if (form_bad(fm))
		return 0;
	if (rc)
		return rc;
	const char *what = arena_printf(r->arena, "%s%s%s", idn && *idn ? "id_number " : "",
					email && *email ? "email " : "", phone && *phone ? "phone" : "");
	if (auth_audit(r, "people.search", str_trim(arena_strdup(r->arena, what)), reason))
		return ERR_DB;
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++) {
		people_t p;
		rc = people_get(r->db, r->arena, ids[i], &p);
		if (rc) {
			json_decref(list);
			return rc;
		}
		json_array_append_new(list, result_model(r, &p, reason_query(r)));
	}
	json_object_set_new(m, "results", list);
	json_object_set_new(m, "searched", json_true());
	json_object_set_new(m, "has_results", json_boolean(n > 0));
	return 0;
}

static void search_page(http_req_t *r, int status, form_t *fm)
{
	json_t *m = json_object();
	int rc = status == 200 ? search(r, fm, m) : 0;
	if (rc) {
		json_decref(m);
		form_free(fm);
		http_reply_failed(r, rc);
		return;
	}
	if (form_bad(fm) && status == 200)
		status = 422;
	json_object_set_new(m, "reasons", reasons_model(r));
	json_object_set_new(m, "langs", pe_options(r, "lang", r->lang));
	json_object_set_new(m, "ages", pe_options(r, "age", ""));
	json_object_set_new(m, "genders", pe_options(r, "gender", ""));
	form_into(fm, m);
	http_reply_page(r, status, "people/search", m);
}

static void search_get(http_req_t *r)
{
	form_t fm = form_new(r, "pe");
	static const char *const fields[] = {"id_number", "email", "phone", "note"};
	for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
		form_val(&fm, fields[i], http_query(r, fields[i]));
	search_page(r, 200, &fm);
}

typedef struct {
	pe_fields_t f;
	const char *email, *phone;
	int64_t id;
} new_t;

static int create_tx(http_req_t *r, void *ud)
{
	new_t *x = ud;
	int rc = pe_create(r->db, r->arena, &x->f, x->email, x->phone, (int64_t)time(NULL), &x->id);
	if (!rc)
		http_tx_audit(r, "people.create", arena_printf(r->arena, "person:%lld", (long long)x->id), "");
	return rc;
}

/* Checks the new record's contacts into the form. */
static void contacts_check(http_req_t *r, form_t *fm, new_t *x)
{
	if (*x->email && !contact_email_normalise(r->arena, x->email))
		form_err(fm, "email", "pe_email", http_t(r, "pe_err_email"));
	if (*x->phone && !contact_phone_default(r->arena, x->phone))
		form_err(fm, "phone", "pe_phone", http_t(r, "pe_err_phone"));
	if (!*x->f.name && !x->f.id_number && !*x->email && !*x->phone)
		form_err(fm, "name", "pe_name", http_t(r, "pe_err_empty"));
}

void pe_fields_errs(http_req_t *r, form_t *fm, const fielderr_t *e)
{
	for (size_t i = 0; i < e->n; i++)
		form_err(fm, e->e[i].field, http_tf(r, "pe_%s", e->e[i].field), http_t(r, e->e[i].key));
}

static void create_post(http_req_t *r)
{
	form_t fm = form_new(r, "pe");
	new_t x = {.f = {form_str(r, "name"), NULL, form_str(r, "id_number"), form_str(r, "lang"),
			 form_str(r, "age_band"), form_str(r, "gender")},
		   .email = form_str(r, "email"),
		   .phone = form_str(r, "phone")};
	static const char *const fields[] = {"name", "id_number", "email", "phone"};
	for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
		form_val(&fm, fields[i], form_str(r, fields[i]));
	fielderr_t e = {0};
	pe_fields_check(r->arena, &x.f, &e);
	pe_fields_errs(r, &fm, &e);
	contacts_check(r, &fm, &x);
	if (form_bad(&fm)) {
		search_page(r, 422, &fm);
		return;
	}
	fielderr_t errs = {0};
	int rc = http_tx(r, create_tx, &x, &errs, "id_number", "pe_err_id_taken");
	if (rc == ERR_INVALID) {
		pe_fields_errs(r, &fm, &errs);
		search_page(r, 409, &fm);
		return;
	}
	form_free(&fm);
	if (rc) {
		if (rc != HTTP_TX_ANSWERED)
			http_reply_failed(r, rc);
		return;
	}
	http_reply_redirect(r, arena_printf(r->arena, "/staff/people/%lld?reason=correction&note=%s", (long long)x.id,
					    str_url_encode(r->arena, http_t(r, "pe_note_created"))));
}

const http_route_t pe_page_routes[] = {
	{HTTP_GET | HTTP_HEAD, "/staff/people", search_get, RT_DB, PE_ROLES},
	{HTTP_POST, "/staff/people", create_post, RT_FORM | RT_DB, PE_ROLES},
	{0},
};

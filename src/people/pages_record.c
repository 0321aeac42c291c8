/* pages_record.c — one person's record (staff). Every view names its reason and is audited:
 *   GET  /staff/people/{id}                     the record and the timeline (?reason=&note=; without
 *                                               a reason, the form that asks for one)
 *   POST /staff/people/{id}                     changes the fields, adds or removes contacts
 *   POST /staff/people/{id}/merge               merges another record (other=ID) into this one
 *   POST /staff/people/merges/{merge}/undo      undoes a merge (coordinators)
 *   POST /staff/people/{id}/consents/{consent}/withdraw
 *   GET  /staff/people/{id}/export.json|.pdf    the data-protection export (coordinators)
 *   POST /staff/people/{id}/erase               the data-protection erasure (coordinators) */
#include "people/web.h"

#include "app.h"
#include "base/config.h"
#include "base/contact.h"
#include "base/err.h"
#include "base/json.h"
#include "base/str.h"
#include "base/text.h"
#include "base/tz.h"
#include "http/form.h"
#include "http/kit.h"
#include "render/pdf.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The record's id from the path, or 0. */
static int64_t path_id(http_req_t *r, const char *name)
{
	int64_t id = 0;
	if (str_to_i64(http_param(r, name), 1, INT64_MAX, &id))
		return 0;
	return id;
}

/* The reason of a form, as a query string for the page shown after it. */
static const char *back_to(http_req_t *r, int64_t id, const char *notice)
{
	const char *reason = form_str(r, "reason"), *note = form_str(r, "note");
	return arena_printf(r->arena, "/staff/people/%lld?reason=%s&note=%s&done=%s", (long long)id,
			    str_url_encode(r->arena, *reason ? reason : "correction"), str_url_encode(r->arena, note),
			    notice);
}

static json_t *contacts_model(http_req_t *r, const people_t *p)
{
	json_t *a = json_array();
	for (size_t i = 0; i < p->ncontacts; i++)
		json_array_append_new(a, jpack("{s:I,s:s,s:s}", "id", (json_int_t)p->contacts[i].id, "kind_label",
					       http_tf(r, "pe_contact_%s", p->contacts[i].kind), "value",
					       p->contacts[i].value));
	return a;
}

static json_t *consents_model(http_req_t *r, const people_t *p)
{
	json_t *a = json_array();
	for (size_t i = 0; i < p->nconsents; i++) {
		const people_consent_t *k = &p->consents[i];
		json_array_append_new(a, jpack("{s:I,s:s,s:s,s:s,s:s,s:s,s:b}", "id", (json_int_t)k->id, "what",
					       http_tf(r, "pe_consent_%s", k->what), "wording", k->wording, "when",
					       people_when(r->arena, k->given_at), "source", k->source, "withdrawn",
					       people_when(r->arena, k->withdrawn_at), "active", k->withdrawn_at == 0));
	}
	return a;
}

static json_t *merges_model(http_req_t *r, const people_t *p)
{
	json_t *a = json_array();
	for (size_t i = 0; i < p->nmerges; i++) {
		const people_merge_t *g = &p->merges[i];
		json_array_append_new(a, jpack("{s:I,s:I,s:s,s:s,s:s,s:b}", "id", (json_int_t)g->id, "merged",
					       (json_int_t)g->merged_id, "by", g->merged_by, "when",
					       people_when(r->arena, g->merged_at), "undone",
					       people_when(r->arena, g->undone_at), "standing", g->undone_at == 0));
	}
	return a;
}

/* The record page: its fields, contacts, consents, merges, timeline and forms. */
static void record_page(http_req_t *r, int status, int64_t id, const char *reason, form_t *fm)
{
	people_t p;
	int rc = people_get(r->db, r->arena, id, &p);
	json_t *m = rc ? NULL : people_panel(r->app, r->db, r->arena, p.id, r->lang, &rc);
	if (rc) {
		form_free(fm);
		http_reply_failed(r, rc);
		return;
	}
	if (!pe_audit_view(r, "people.view", p.id, reason)) {
		json_decref(m);
		form_free(fm);
		http_reply_unavailable(r);
		return;
	}
	json_t *person = json_object_get(m, "person");
	json_object_set_new(person, "contacts", contacts_model(r, &p));
	json_object_set_new(person, "consents_view", consents_model(r, &p));
	json_object_set_new(person, "merges", merges_model(r, &p));
	json_object_set_new(person, "has_merges", json_boolean(p.nmerges > 0));
	json_object_set_new(person, "has_consents", json_boolean(p.nconsents > 0));
	json_object_set_new(person, "age_label", json_string(*p.age_band ? http_tf(r, "pe_age_%s", p.age_band) : ""));
	json_object_set_new(person, "gender_label", json_string(*p.gender ? http_tf(r, "pe_gender_%s", p.gender) : ""));
	json_object_set_new(m, "langs", pe_options(r, "lang", p.lang));
	json_object_set_new(m, "ages", pe_options(r, "age", p.age_band));
	json_object_set_new(m, "genders", pe_options(r, "gender", p.gender));
	json_object_set_new(m, "reason", json_string(http_query(r, "reason") ? http_query(r, "reason") : "correction"));
	json_object_set_new(m, "note", json_string(http_query(r, "note") ? http_query(r, "note") : ""));
	json_object_set_new(m, "has_records", json_boolean(p.nids > 1));
	json_object_set_new(m, "rights", json_boolean(r->user && (r->user->role & PE_RIGHTS)));
	const char *done = http_query(r, "done");
	if (done && str_eq(done, "saved") + str_eq(done, "merged") + str_eq(done, "unmerged") +
			    str_eq(done, "withdrawn") + str_eq(done, "erased"))
		json_object_set_new(m, "notice", json_string(http_tf(r, "pe_done_%s", done)));
	if (!fm->f || !json_object_size(fm->f)) {
		form_val(fm, "name", p.name);
		form_val(fm, "id_number", p.id_number);
	}
	form_into(fm, m);
	http_reply_page(r, status, "people/person", m);
}

static void record_get(http_req_t *r)
{
	int64_t id = path_id(r, "id");
	form_t fm = form_new(r, "pe");
	if (!id) {
		form_free(&fm);
		http_reply_not_found(r);
		return;
	}
	const char *reason = pe_reason(r);
	if (!reason) {
		/* No view without a reason: ask for it first (nothing of the record is shown). */
		json_t *m = jpack("{s:I,s:b}", "id", (json_int_t)id, "asked", http_query(r, "reason") != NULL);
		if (http_query(r, "reason"))
			form_err(&fm, "reason", "pe_reason", http_t(r, "pe_err_reason"));
		form_into(&fm, m);
		http_reply_page(r, http_query(r, "reason") ? 422 : 200, "people/reason", m);
		return;
	}
	record_page(r, 200, id, reason, &fm);
}

/* ---------------------------------------------------------------- changes */

typedef struct {
	int64_t id;
	pe_fields_t f;
	const char *email, *phone, *ekey;
	const char **drop;
	size_t ndrop;
} edit_t;

static int edit_tx(http_req_t *r, void *ud)
{
	edit_t *x = ud;
	int64_t now = (int64_t)time(NULL);
	people_t p;
	int rc = people_get(r->db, r->arena, x->id, &p);
	if (!rc && p.erased_at)
		rc = ERR_CONFLICT;
	if (!rc)
		rc = pe_store_update(r->db, p.id, &x->f, now);
	if (!rc && x->email)
		rc = pe_store_contact_add(r->db, p.id, "email", x->email, x->ekey, now);
	if (!rc && x->phone)
		rc = pe_store_contact_add(r->db, p.id, "phone", x->phone, x->phone, now);
	for (size_t i = 0; !rc && i < x->ndrop; i++) {
		int64_t cid;
		if (str_to_i64(x->drop[i], 1, INT64_MAX, &cid) == 0)
			rc = pe_store_contact_delete(r->db, p.ids, p.nids, cid);
	}
	if (!rc)
		http_tx_audit(r, "people.update", arena_printf(r->arena, "person:%lld", (long long)p.id), "");
	return rc;
}

static void edit_post(http_req_t *r)
{
	form_t fm = form_new(r, "pe");
	edit_t x = {.id = path_id(r, "id"),
		    .f = {form_str(r, "name"), NULL, form_str(r, "id_number"), form_str(r, "lang"),
			  form_str(r, "age_band"), form_str(r, "gender")}};
	const char *email = form_str(r, "email"), *phone = form_str(r, "phone");
	form_val(&fm, "name", x.f.name);
	form_val(&fm, "id_number", x.f.id_number);
	form_val(&fm, "email", email);
	form_val(&fm, "phone", phone);
	fielderr_t e = {0};
	pe_fields_check(r->arena, &x.f, &e);
	pe_fields_errs(r, &fm, &e);
	if (*email && (!(x.email = contact_email_normalise(r->arena, email)) ||
		       !(x.ekey = contact_email_identity(r->arena, email))))
		form_err(&fm, "email", "pe_email", http_t(r, "pe_err_email"));
	if (*phone && !(x.phone = contact_phone_default(r->arena, phone)))
		form_err(&fm, "phone", "pe_phone", http_t(r, "pe_err_phone"));
	x.drop = form_values(r, "drop", &x.ndrop);
	fielderr_t errs = {0};
	int rc = form_bad(&fm) ? ERR_INVALID : http_tx(r, edit_tx, &x, &errs, "id_number", "pe_err_id_taken");
	if (rc == ERR_INVALID) {
		pe_fields_errs(r, &fm, &errs);
		record_page(r, 422, x.id, "correction", &fm);
		return;
	}
	form_free(&fm);
	if (rc == ERR_CONFLICT)
		http_reply_error(r, 409, "erased", "pe_err_erased", NULL);
	else if (rc && rc != HTTP_TX_ANSWERED)
		http_reply_failed(r, rc);
	else if (!rc)
		http_reply_redirect(r, back_to(r, x.id, "saved"));
}

typedef struct {
	int64_t a, b, merge;
	people_merge_t m;
} merge_t;

static int merge_tx(http_req_t *r, void *ud)
{
	merge_t *x = ud;
	int rc = pe_merge(r->db, r->arena, x->a, x->b, r->user->email, (int64_t)time(NULL), &x->merge);
	if (!rc)
		http_tx_audit(r, "people.merge", arena_printf(r->arena, "person:%lld", (long long)x->a),
			      arena_printf(r->arena, "merged person:%lld (merge:%lld)", (long long)x->b,
					   (long long)x->merge));
	return rc;
}

static void merge_post(http_req_t *r)
{
	merge_t x = {.a = path_id(r, "id")};
	if (str_to_i64(form_str(r, "other"), 1, INT64_MAX, &x.b)) {
		http_reply_error(r, 422, "invalid", "pe_err_other", NULL);
		return;
	}
	int rc = http_tx(r, merge_tx, &x, NULL, NULL, NULL);
	if (rc == ERR_INVALID)
		http_reply_error(r, 422, "invalid", "pe_err_same", NULL);
	else if (rc == ERR_CONFLICT)
		http_reply_error(r, 409, "conflict", "pe_err_merge", NULL);
	else if (rc && rc != HTTP_TX_ANSWERED)
		http_reply_failed(r, rc);
	else if (!rc)
		http_reply_redirect(r, back_to(r, x.a, "merged"));
}

static int unmerge_tx(http_req_t *r, void *ud)
{
	merge_t *x = ud;
	int rc = pe_unmerge(r->db, r->arena, x->merge, r->user->email, (int64_t)time(NULL), &x->m);
	if (!rc)
		http_tx_audit(r, "people.unmerge", arena_printf(r->arena, "person:%lld", (long long)x->m.survivor_id),
			      arena_printf(r->arena, "restored person:%lld (merge:%lld)", (long long)x->m.merged_id,
					   (long long)x->merge));
	return rc;
}

static void unmerge_post(http_req_t *r)
{
	merge_t x = {.merge = path_id(r, "merge")};
	if (!http_tx_ok(r, unmerge_tx, &x))
		return;
	http_reply_redirect(r, back_to(r, x.m.survivor_id, "unmerged"));
}

typedef struct {
	int64_t id, consent;
} withdraw_t;

static int withdraw_tx(http_req_t *r, void *ud)
{
	withdraw_t *x = ud;
	people_t p;
	int rc = people_get(r->db, r->arena, x->id, &p);
	if (!rc)
		rc = pe_store_consent_withdraw(r->db, p.ids, p.nids, x->consent, (int64_t)time(NULL));
	if (!rc)
		http_tx_audit(r, "people.consent.withdraw", arena_printf(r->arena, "person:%lld", (long long)p.id),
			      arena_printf(r->arena, "consent:%lld", (long long)x->consent));
	return rc;
}

static void withdraw_post(http_req_t *r)
{
	withdraw_t x = {path_id(r, "id"), path_id(r, "consent")};
	if (!http_tx_ok(r, withdraw_tx, &x))
		return;
	http_reply_redirect(r, back_to(r, x.id, "withdrawn"));
}

/* ---------------------------------------------------------------- data-protection rights */

typedef struct {
	int64_t id;
	const char *reason;
} erase_t;

static int erase_tx(http_req_t *r, void *ud)
{
	erase_t *x = ud;
	int rc = pe_erase(r->app, r->db, r->arena, x->id, (int64_t)time(NULL));
	if (!rc)
		http_tx_audit(r, "people.erase", arena_printf(r->arena, "person:%lld", (long long)x->id), x->reason);
	return rc;
}

static void erase_post(http_req_t *r)
{
	erase_t x = {path_id(r, "id"), pe_reason(r)};
	if (!x.reason || !form_check(r, "confirm")) {
		http_reply_error(r, 422, "invalid", "pe_err_confirm", NULL);
		return;
	}
	if (!http_tx_ok(r, erase_tx, &x))
		return;
	http_reply_redirect(r, back_to(r, x.id, "erased"));
}

/* The export of the person in path {id}, audited with its reason; NULL when answered. */
static json_t *export_of(http_req_t *r, people_t *p)
{
	const char *reason = pe_reason(r);
	if (!reason) {
		http_reply_error(r, 422, "invalid", "pe_err_reason", NULL);
		return NULL;
	}
	int rc = people_get(r->db, r->arena, path_id(r, "id"), p);
	json_t *doc = rc ? NULL : pe_export(r->app, r->db, r->arena, p, r->lang, (int64_t)time(NULL));
	if (!doc) {
		http_reply_failed(r, rc ? rc : ERR_DB);
		return NULL;
	}
	if (!pe_audit_view(r, "people.export", p->id, reason)) {
		json_decref(doc);
		http_reply_unavailable(r);
		return NULL;
	}
	json_object_set_new(doc, "controller", json_string(config_str(r->app->cfg, "city.name")));
	return doc;
}

static void export_json(http_req_t *r)
{
	people_t p;
	json_t *doc = export_of(r, &p);
	if (!doc)
		return;
	http_add_header(r, "Cache-Control", "no-store");
	http_add_header(r, "Content-Disposition",
			arena_printf(r->arena, "attachment; filename=\"person-%lld.json\"", (long long)p.id));
	http_reply_json(r, 200, doc);
}

/* A row {label, value} of the PDF. */
static json_t *row(http_req_t *r, const char *key, const char *value)
{
	return jpack("{s:s,s:s}", "label", http_t(r, key), "value", value ? value : "");
}

static json_t *pdf_person(http_req_t *r, const people_t *p)
{
	json_t *rows = json_array();
	json_array_append_new(rows, row(r, "pe_name", p->name));
	json_array_append_new(rows, row(r, "pe_id_number", p->id_number));
	for (size_t i = 0; i < p->ncontacts; i++)
		json_array_append_new(rows, row(r, arena_printf(r->arena, "pe_contact_%s", p->contacts[i].kind),
						p->contacts[i].value));
	json_array_append_new(rows, row(r, "pe_lang", http_tf(r, "pe_lang_%s", p->lang)));
	json_array_append_new(rows, row(r, "pe_age_band", *p->age_band ? http_tf(r, "pe_age_%s", p->age_band) : ""));
	json_array_append_new(rows, row(r, "pe_gender", *p->gender ? http_tf(r, "pe_gender_%s", p->gender) : ""));
	json_t *consents = json_array();
	for (size_t i = 0; i < p->nconsents; i++) {
		const people_consent_t *k = &p->consents[i];
		json_array_append_new(consents, json_string(arena_printf(r->arena, "%s · %s · «%s»%s",
									 people_when(r->arena, k->given_at),
									 http_tf(r, "pe_consent_%s", k->what),
									 k->wording, k->withdrawn_at ? " ✗" : "")));
	}
	return jpack("[{s:s,s:o},{s:s,s:o}]", "heading", http_t(r, "pe_section_record"), "rows", rows, "heading",
		     http_t(r, "pe_consents"), "paragraphs", consents);
}

static void export_pdf(http_req_t *r)
{
	people_t p;
	json_t *doc = export_of(r, &p);
	if (!doc)
		return;
	json_t *sections = pdf_person(r, &p), *entries = json_array();
	size_t i;
	json_t *e;
	json_array_foreach (json_object_get(doc, "timeline"), i, e) {
		int64_t at = 0;
		(void)tz_iso_parse(json_string_value(json_object_get(e, "at")), 0, &at); /* 0 shows as "" */
		json_array_append_new(entries,
				      json_string(arena_printf(r->arena, "%s · %s %s · %s\n%s",
							       people_when(r->arena, at),
							       http_tf(r, "pe_kind_%s",
								       json_string_value(json_object_get(e, "kind"))),
							       json_string_value(json_object_get(e, "ref")),
							       json_string_value(json_object_get(e, "summary")),
							       json_string_value(json_object_get(e, "detail")))));
	}
	json_array_append_new(sections, jpack("{s:s,s:o}", "heading", http_t(r, "pe_timeline"), "paragraphs", entries));
	json_t *pdf = jpack("{s:s,s:s,s:s,s:s,s:o}", "city", config_str(r->app->cfg, "city.name"), "title",
			    http_t(r, "pe_export_title"), "subtitle",
			    arena_printf(r->arena, "%s %lld · %s", http_t(r, "pe_record"), (long long)p.id,
					 people_when(r->arena, (int64_t)time(NULL))),
			    "footer", http_t(r, "pe_export_footer"), "sections", sections);
	unsigned char *out = NULL;
	size_t len = 0;
	int rc = pdf_document(pdf, &out, &len);
	json_decref(pdf);
	json_decref(doc);
	if (rc) {
		http_reply_failed(r, ERR_DB);
		return;
	}
	http_add_header(r, "Cache-Control", "no-store");
	http_add_header(r, "Content-Disposition",
			arena_printf(r->arena, "attachment; filename=\"person-%lld.pdf\"", (long long)p.id));
	http_reply_bytes(r, 200, "application/pdf", out, len);
	free(out);
}

const http_route_t pe_record_routes[] = {
	{HTTP_GET | HTTP_HEAD, "/staff/people/{id}", record_get, RT_DB, PE_ROLES},
	{HTTP_POST, "/staff/people/{id}", edit_post, RT_FORM | RT_DB, PE_ROLES},
	{HTTP_POST, "/staff/people/{id}/merge", merge_post, RT_FORM | RT_DB, PE_ROLES},
	{HTTP_POST, "/staff/people/merges/{merge}/undo", unmerge_post, RT_FORM | RT_DB, PE_RIGHTS},
	{HTTP_POST, "/staff/people/{id}/consents/{consent}/withdraw", withdraw_post, RT_FORM | RT_DB, PE_ROLES},
	{HTTP_GET, "/staff/people/{id}/export.json", export_json, RT_DB, PE_RIGHTS},
	{HTTP_GET, "/staff/people/{id}/export.pdf", export_pdf, RT_DB, PE_RIGHTS},
	{HTTP_POST, "/staff/people/{id}/erase", erase_post, RT_FORM | RT_DB, PE_RIGHTS},
	{0},
};

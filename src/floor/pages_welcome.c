/* pages_welcome.c — the welcome desk (role welcome; coordinators and administrators too), on a
 * tablet or a desktop, without JavaScript:
 *   GET  /floor                          the floor's pages for the person's office
 *   GET  /floor/welcome                  register an arrival: need, profile, priority, language,
 *                                        then one button per zone issues the ticket; check-in
 *   POST /floor/welcome                  issues the ticket → the ticket page (303)
 *   POST /floor/welcome/check-in         an appointment by code, QR of its confirmation or ID
 *   GET  /floor/welcome/ticket/{id}      the ticket on screen, printed in one click (?token=) */
#include "floor/web.h"

#include "app.h"
#include "auth/auth.h"
#include "base/err.h"
#include "base/json.h"
#include "base/rand.h"
#include "base/str.h"
#include "http/form.h"
#include "http/kit.h"
#include "view/i18n.h"

#include <string.h>

static const char *const AGE_BANDS[] = {"under_30", "30_50", "over_50"};
static const char *const GENDERS[] = {"woman", "man", "other", "not_stated"};
static const char *const PRIORITIES[] = {"reduced_mobility", "disability", "pregnancy", "advanced_age"};
static const char *const LANGS[] = {"ca", "es", "en"};

/* Radio or checkbox choices of a set, each {value, label, id, on}. */
static json_t *choices(http_req_t *r, const char *field, const char *const *set, size_t n, const char *label_fmt)
{
	json_t *a = json_array();
	const char *chosen = form_str(r, field);
	size_t nv = 0;
	const char **vals = form_values(r, field, &nv);
	for (size_t i = 0; i < n; i++) {
		bool on = str_eq(chosen, set[i]);
		for (size_t k = 0; k < nv && !on; k++)
			on = str_eq(vals[k], set[i]);
		json_array_append_new(a, jpack("{s:s,s:s,s:s,s:b}", "value", set[i], "label",
					       http_tf(r, label_fmt, set[i]), "id",
					       arena_printf(r->arena, "w-%s-%s", field, set[i]), "on", on));
	}
	return a;
}

/* The zones a person may be sent to, with what waits there and whether they issue now. */
static json_t *zone_buttons(fl_ctx_t *ctx, http_req_t *r, const fl_office_t *f)
{
	fl_ticket_t *q;
	size_t n;
	if (fl_queue(ctx, f, &q, &n))
		return NULL;
	json_t *a = json_array();
	for (size_t i = 0; i < f->o.nzones; i++) {
		const cat_zone_t *z = &f->o.zones[i];
		if (str_eq(z->kind, "welcome") || str_eq(z->kind, "appointment"))
			continue;
		int64_t waiting = 0, issued = 0;
		for (size_t k = 0; k < n; k++)
			waiting += q[k].zone_id == z->id;
		fl_estimate_t e;
		if (fl_estimate(ctx, f->o.id, z->id, f->day, &e) ||
		    fl_store_walk_ins(ctx->c, f->o.id, z->id, f->day, &issued)) {
			json_decref(a);
			return NULL;
		}
		bool full = f->closed[i] || (f->quota[i] > 0 && issued >= f->quota[i]);
		json_array_append_new(a,
				      jpack("{s:s,s:s,s:s,s:I,s:I,s:I,s:b}", "code", z->code, "letter", z->letter,
					    "name", z->name[i18n_index(r->lang)], "id", (json_int_t)z->id, "waiting",
					    (json_int_t)waiting, "wait_min",
					    (json_int_t)fl_wait_min(&e, waiting, NULL, ctx->now, 0), "closed", full));
	}
	return a;
}

static void welcome_page(http_req_t *r, int status, form_t *fm, const char *problem)
{
	fl_ctx_t ctx;
	fl_ctx_from_req(&ctx, r);
	const char *office = fl_page_office(r);
	fl_office_t f;
	catalog_procedure_t *procs = NULL;
	size_t np = 0;
	int rc = office && fl_office_allowed(r, office) ? fl_office_load(&ctx, office, &f) : ERR_NOT_FOUND;
	if (!rc)
		rc = catalog_procedures_at(ctx.c, ctx.a, f.o.id, &procs, &np);
	json_t *zones = rc ? NULL : zone_buttons(&ctx, r, &f);
	if (!zones) {
		form_free(fm);
		http_reply_failed(r, rc ? rc : ERR_DB);
		return;
	}
	json_t *services = json_array();
	const char *chosen = form_str(r, "service");
	for (size_t i = 0; i < np; i++)
		json_array_append_new(services, jpack("{s:s,s:s,s:b}", "code", procs[i].code, "name",
						      catalog_procedure_name(&procs[i], r->lang), "on",
						      str_eq(chosen, procs[i].code)));
	const char *lang = *form_str(r, "lang") ? form_str(r, "lang") : "ca";
	json_t *langs = json_array();
	for (size_t i = 0; i < 3; i++)
		json_array_append_new(langs, jpack("{s:s,s:s,s:b}", "value", LANGS[i], "label",
						   http_tf(r, "fl_lang_%s", LANGS[i]), "on", str_eq(lang, LANGS[i])));
	json_t *m = jpack("{s:{s:s,s:s},s:o,s:o,s:o,s:o,s:o,s:o}", "office", "code", f.o.code, "name",
			  f.o.name[i18n_index(r->lang)], "zones", zones, "services", services, "age_bands",
			  choices(r, "age_band", AGE_BANDS, 3, "fl_age_%s"), "genders",
			  choices(r, "gender", GENDERS, 4, "fl_gender_%s"), "priorities",
			  choices(r, "priority", PRIORITIES, 4, "fl_priority_%s"), "langs", langs);
	json_object_set_new(m, "autonomous_yes", json_boolean(str_eq(form_str(r, "autonomous"), "1")));
	json_object_set_new(m, "autonomous_no", json_boolean(str_eq(form_str(r, "autonomous"), "0")));
	if (problem) {
		json_object_set_new(m, "problem", json_string(problem));
		catalog_office_t *all;
		size_t na;
		json_t *others = json_array();
		if (catalog_offices(ctx.c, ctx.a, &all, &na) == 0)
			for (size_t i = 0; i < na; i++)
				if (str_eq(all[i].kind, "citizen_office") && !str_eq(all[i].code, f.o.code))
					json_array_append_new(others,
							      json_string(catalog_office_name(&all[i], r->lang)));
		json_object_set_new(m, "other_offices", others);
	}
	form_into(fm, m);
	http_reply_page(r, status, "floor/welcome", m);
}

static void welcome_get(http_req_t *r)
{
	form_t fm = form_new(r, "w");
	welcome_page(r, 200, &fm, NULL);
}

typedef struct {
	fl_ctx_t ctx;
	fl_issue_t in;
	fl_ticket_t t;
	char token[65];
	fl_err_t err;
} issue_page_t;

static int issue_write(http_req_t *r, void *ud)
{
	issue_page_t *x = ud;
	int rc = fl_issue(&x->ctx, &x->in, &x->t, x->token, &x->err);
	if (!rc)
		http_tx_audit(r, "floor.issue", arena_printf(r->arena, "ticket:%lld", (long long)x->t.id), x->t.number);
	return rc;
}

/* After a new ticket: the floor told, then its page. */
static void to_ticket(http_req_t *r, const fl_ticket_t *t, const char *token)
{
	fl_change_t ch = {.office_id = t->office_id, .office_code = t->office_code, .t = *t, .nzones = 1};
	ch.zones[0] = t->zone_id;
	fl_announce(r, &ch);
	http_reply_redirect(r, arena_printf(r->arena, "/floor/welcome/ticket/%lld?token=%s", (long long)t->id, token));
}

/* The rules' field errors as the form's. */
static void errors_into(form_t *fm, const fl_err_t *err, http_req_t *r)
{
	for (size_t i = 0; i < err->fields.n; i++)
		form_err(fm, err->fields.e[i].field, arena_printf(r->arena, "fl_field_%s", err->fields.e[i].field),
			 http_t(r, err->fields.e[i].key));
}

static void welcome_post(http_req_t *r)
{
	const char *office = fl_page_office(r);
	if (!office || !fl_office_allowed(r, office)) {
		http_reply_error(r, 403, "forbidden", "err_forbidden", NULL);
		return;
	}
	issue_page_t *x = arena_alloc(r->arena, sizeof *x);
	fl_ctx_from_req(&x->ctx, r);
	size_t np = 0;
	const char **prio = form_values(r, "priority", &np);
	const char *plist = "";
	for (size_t i = 0; i < np; i++)
		plist = arena_printf(r->arena, "%s%s%s", plist, *plist ? "," : "", prio[i]);
	const char *aut = form_str(r, "autonomous");
	x->in = (fl_issue_t){.office = office,
			     .zone = form_str(r, "zone"),
			     .service = form_str(r, "service"),
			     .age_band = form_str(r, "age_band"),
			     .gender = form_str(r, "gender"),
			     .lang = form_str(r, "lang"),
			     .priority = plist,
			     .name = form_str(r, "name"),
			     .id_number = form_str(r, "id_number"),
			     .email = form_str(r, "email"),
			     .phone = form_str(r, "phone"),
			     .channel = "welcome",
			     .autonomous = str_eq(aut, "1")   ? 1
					   : str_eq(aut, "0") ? 0
					   : *aut             ? 2
							      : -1};
	int rc = http_tx(r, issue_write, x, NULL, NULL, NULL);
	if (rc == HTTP_TX_ANSWERED)
		return;
	if (!rc) {
		to_ticket(r, &x->t, x->token);
		return;
	}
	form_t fm = form_new(r, "w");
	errors_into(&fm, &x->err, r);
	if (x->err.code && !x->err.fields.n)
		welcome_page(r, fl_err_status(&x->err), &fm, http_t(r, x->err.key));
	else if (x->err.code)
		welcome_page(r, 422, &fm, NULL);
	else {
		form_free(&fm);
		http_reply_failed(r, rc);
	}
}

static int audit_check_in(void *ud, const char *action, const char *code, const char *detail)
{
	return auth_audit(ud, "floor.check_in", arena_printf(((http_req_t *)ud)->arena, "appointment:%s", code),
			  detail);
}

static void check_in_post(http_req_t *r)
{
	const char *office = fl_page_office(r);
	if (!office || !fl_office_allowed(r, office)) {
		http_reply_error(r, 403, "forbidden", "err_forbidden", NULL);
		return;
	}
	issue_page_t *x = arena_alloc(r->arena, sizeof *x);
	fl_ctx_from_req(&x->ctx, r);
	const char *what = form_str(r, "appointment");
	int rc =
		*what ? fl_check_in(&x->ctx, office, what, &x->t, x->token, &x->err, audit_check_in, r) : ERR_NOT_FOUND;
	if (!rc) {
		to_ticket(r, &x->t, x->token);
		return;
	}
	if (!*what)
		fl_err_field(&x->err, "appointment", "fl_err_appointment");
	form_t fm = form_new(r, "w");
	form_val(&fm, "appointment", what);
	errors_into(&fm, &x->err, r);
	if (!x->err.code) {
		form_free(&fm);
		http_reply_failed(r, rc);
		return;
	}
	welcome_page(r, fl_err_status(&x->err), &fm, x->err.fields.n ? NULL : http_t(r, x->err.key));
}

static void ticket_page(http_req_t *r)
{
	fl_ctx_t ctx;
	fl_ctx_from_req(&ctx, r);
	int64_t id;
	const char *token = http_query(r, "token");
	fl_ticket_t t;
	int rc = ERR_NOT_FOUND;
	if (str_to_i64(http_param(r, "id"), 1, INT64_MAX, &id) == 0 && token && strlen(token) == 64) {
		char hash[RAND_TOKEN_HEX_LEN];
		rand_token_hash(token, hash);
		rc = fl_store_ticket_by_token(ctx.c, ctx.a, id, hash, &t);
	}
	if (!rc && !fl_office_allowed(r, t.office_code))
		rc = ERR_NOT_FOUND;
	json_t *card = rc ? NULL : fl_ticket_card(&ctx, r, &t, token);
	if (!card) {
		http_reply_failed(r, rc ? rc : ERR_DB);
		return;
	}
	json_t *m = jpack("{s:o,s:s,s:s,s:s}", "ticket", card, "token", token, "office", t.office_code, "pdf_url",
			  arena_printf(r->arena, "/floor/t/%lld/ticket.pdf?token=%s", (long long)t.id, token));
	http_add_header(r, "Cache-Control", "no-store");
	http_reply_page(r, 200, "floor/welcome_ticket", m);
}

/* ---------------------------------------------------------------- the floor's home */

static void floor_home(http_req_t *r)
{
	const char *office = fl_page_office(r);
	catalog_office_t *all;
	size_t n;
	if (catalog_offices(r->db, r->arena, &all, &n)) {
		http_reply_unavailable(r);
		return;
	}
	json_t *offices = json_array();
	for (size_t i = 0; i < n; i++)
		if (!str_eq(all[i].kind, "virtual_office") && fl_office_allowed(r, all[i].code))
			json_array_append_new(offices, jpack("{s:s,s:s,s:b}", "code", all[i].code, "name",
							     catalog_office_name(&all[i], r->lang), "on",
							     str_eq(all[i].code, office)));
	role_t role = r->user->role;
	json_t *m = jpack("{s:s,s:o,s:b,s:b,s:b,s:b}", "office", office ? office : "", "offices", offices,
			  "can_welcome", (role & FL_ISSUERS) != 0, "can_desk", (role & FL_DESKS) != 0, "can_board",
			  (role & FL_BOARD) != 0, "many", json_array_size(offices) > 1);
	http_reply_page(r, 200, "floor/index", m);
}

const http_route_t fl_welcome_routes[] = {
	{HTTP_GET | HTTP_HEAD, "/floor", floor_home, RT_DB, FL_STAFF},
	{HTTP_GET | HTTP_HEAD, "/floor/welcome", welcome_get, RT_DB, FL_ISSUERS & ~ROLE_KIOSK},
	{HTTP_POST, "/floor/welcome", welcome_post, RT_FORM | RT_DB, FL_ISSUERS & ~ROLE_KIOSK},
	{HTTP_POST, "/floor/welcome/check-in", check_in_post, RT_FORM | RT_DB, FL_ISSUERS & ~ROLE_KIOSK},
	{HTTP_GET | HTTP_HEAD, "/floor/welcome/ticket/{id}", ticket_page, RT_DB, FL_ISSUERS},
	{0},
};

/* pages_manage.c — one appointment: the confirmation and manage pages (token or code + ID
 * number), the look-up form, changing the time, cancelling, the .ics and PDF downloads, and the
 * staff's summary (pages.c has the flow). */
#include "booking/pages.h"

#include "app.h"
#include "auth/auth.h"
#include "base/config.h"
#include "base/err.h"
#include "base/json.h"
#include "base/log.h"
#include "base/str.h"
#include "base/tz.h"
#include "catalog/catalog.h"
#include "http/kit.h"
#include "notify/notify.h"
#include "people/people.h"
#include "render/pdf.h"
#include "schedule/schedule.h"
#include "view/i18n.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---------------------------------------------------------------- one appointment */

/* How a citizen proves the appointment is theirs: the manage token (a link) or the ID number
 * (typed, carried in POST forms only). */
typedef struct {
	const char *token, *id_number;
} proof_t;

static proof_t proof_of(http_req_t *r)
{
	proof_t p = {bk_param(r, "token"), ""};
	if (r->method == HTTP_POST)
		p.id_number = bk_param(r, "id_number");
	if (*p.token)
		p.id_number = "";
	return p;
}

static bool by_id(const proof_t *p)
{
	return !*p->token && *p->id_number;
}

static json_t *proof_hidden(const proof_t *p)
{
	json_t *h = json_array();
	bk_hidden_add(h, "token", p->token);
	bk_hidden_add(h, "id_number", p->id_number);
	return h;
}

static const char *code_of(http_req_t *r)
{
	const char *c = http_param(r, "code");
	char *u = arena_strdup(r->arena, c ? c : "");
	for (char *p = u; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return u;
}

static void not_found_appt(http_req_t *r, const flow_t *f)
{
	bk_problem(r, f, 404, "cita_nf_title", http_t(r, "cita_err_not_found"), "/cita/gestiona", "cita_lookup_link");
}

/* Loads the appointment with the request's proof. False when answered (404, 503). */
static bool load_appt(http_req_t *r, booking_ctx_t *ctx, const char *code, const proof_t *p, booking_t *b)
{
	if (!*p->token && !*p->id_number) {
		not_found_appt(r, &BK_CITIZEN);
		return false;
	}
	int rc = booking_get(ctx, code, *p->token ? p->token : NULL, *p->id_number ? p->id_number : NULL, b);
	if (rc == ERR_NOT_FOUND || rc == ERR_INVALID) {
		not_found_appt(r, &BK_CITIZEN);
		return false;
	}
	if (rc) {
		http_reply_unavailable(r);
		return false;
	}
	return true;
}

/* The appointment model with the page's extras: translated channel and status, the channel's
 * instructions. New reference, NULL on storage error. */
static json_t *appt_model(http_req_t *r, booking_ctx_t *ctx, const booking_t *b, const char *token)
{
	json_t *a = booking_model(ctx, b, token && *token ? token : NULL, r->lang);
	if (!a)
		return NULL;
	json_object_set_new(a, "channel_label", json_string(bk_channel_label(r, b->channel)));
	json_object_set_new(a, "status_label", json_string(http_tf(r, "cita_status_%s", b->status)));
	json_object_set_new(a, "is_cancelled", json_boolean(str_eq(b->status, "cancelled")));
	json_object_set_new(a, "is_in_person", json_boolean(str_eq(b->channel, "in_person")));
	json_object_set_new(a, "id_type_label", json_string(http_tf(r, "cita_id_%s", b->id_type)));
	if (str_eq(b->channel, "phone")) {
		const char *vars[] = {"phone", b->phone && *b->phone ? b->phone : "—", NULL};
		json_object_set_new(a, "instructions", json_string(http_tv(r, "cita_phone_instructions", vars)));
	} else if (str_eq(b->channel, "video")) {
		json_object_set_new(a, "instructions", json_string(http_t(r, "cita_video_instructions")));
	}
	json_object_set_new(a, "has_documents", json_boolean(json_array_size(json_object_get(a, "documents")) > 0));
	/* The video room and the document space (src/remote/) take the token: links only with it. */
	if (token && *token && json_object_get(a, "video_url"))
		json_object_set_new(a, "video_href",
				    json_string(arena_printf(r->arena, "/video/%s?token=%s", b->code, token)));
	if (token && *token && json_object_get(a, "docs_url"))
		json_object_set_new(a, "docs_href",
				    json_string(arena_printf(r->arena, "/docs/%s?token=%s", b->code, token)));
	return a;
}

/* The manage page. notice: i18n key or NULL; err: i18n key or NULL. */
static void manage_page(http_req_t *r, int status, booking_ctx_t *ctx, const booking_t *b, const proof_t *p,
			const char *notice, const char *err)
{
	json_t *a = appt_model(r, ctx, b, p->token);
	if (!a) {
		http_reply_unavailable(r);
		return;
	}
	json_t *m = json_object();
	json_object_set_new(m, "a", a);
	json_object_set_new(m, "by_id", json_boolean(by_id(p)));
	json_object_set_new(m, "proof", proof_hidden(p));
	json_object_set_new(m, "csrf", json_string(http_csrf_token(r)));
	bool can_change = str_eq(b->status, "booked") && b->start_at > ctx->now;
	json_object_set_new(m, "can_change", json_boolean(can_change));
	const char *tq = *p->token ? arena_printf(r->arena, "?token=%s", p->token) : "";
	json_object_set_new(m, "ics_href", json_string(arena_printf(r->arena, "/cita/%s/calendar.ics%s", b->code, tq)));
	json_object_set_new(m, "pdf_href", json_string(arena_printf(r->arena, "/cita/%s/receipt.pdf%s", b->code, tq)));
	json_object_set_new(m, "change_href", json_string(arena_printf(r->arena, "/cita/%s/canvia%s", b->code, tq)));
	json_object_set_new(m, "code_path", json_string(arena_printf(r->arena, "/cita/%s", b->code)));
	if (notice)
		json_object_set_new(m, "notice", json_string(http_t(r, notice)));
	if (err) {
		json_object_set_new(m, "has_errors", json_true());
		json_object_set_new(m, "errors",
				    jpack("[{s:s,s:s,s:s}]", "id", "appt", "label", http_t(r, "cita_f_appointment"),
					  "msg", http_t(r, err)));
	}
	if (*p->token)
		json_object_set_new(m, "langs", bk_lang_links(r, arena_printf(r->arena, "/cita/%s%s", b->code, tq)));
	http_reply_page(r, status, "booking/manage", m);
}

static void confirm_get(http_req_t *r)
{
	booking_ctx_t ctx;
	if (!bk_ctx_for(r, &BK_CITIZEN, &ctx))
		return;
	const char *code = code_of(r);
	proof_t p = {bk_param(r, "token"), ""};
	booking_t b;
	if (!load_appt(r, &ctx, code, &p, &b))
		return;
	json_t *a = appt_model(r, &ctx, &b, p.token);
	if (!a) {
		http_reply_unavailable(r);
		return;
	}
	const char *tq = arena_printf(r->arena, "?token=%s", str_url_encode(r->arena, p.token));
	json_t *m = json_object();
	json_object_set_new(m, "a", a);
	json_object_set_new(m, "ics_href", json_string(arena_printf(r->arena, "/cita/%s/calendar.ics%s", b.code, tq)));
	json_object_set_new(m, "pdf_href", json_string(arena_printf(r->arena, "/cita/%s/receipt.pdf%s", b.code, tq)));
	json_object_set_new(m, "manage_href", json_string(arena_printf(r->arena, "/cita/%s%s", b.code, tq)));
	json_object_set_new(m, "langs", bk_lang_links(r, arena_printf(r->arena, "/cita/%s/confirmacio%s", b.code, tq)));
	const char *to = b.email && *b.email ? b.email : b.phone;
	if (to && *to) {
		const char *vars[] = {"to", to, NULL};
		json_object_set_new(m, "sent_to", json_string(http_tv(r, "cita_sent_to", vars)));
	}
	http_reply_page(r, 200, "booking/confirm", m);
}

static void manage_get(http_req_t *r)
{
	booking_ctx_t ctx;
	if (!bk_ctx_for(r, &BK_CITIZEN, &ctx))
		return;
	const char *code = code_of(r);
	proof_t p = {bk_param(r, "token"), ""};
	if (!*p.token) {
		http_reply_redirect(r,
				    arena_printf(r->arena, "/cita/gestiona?code=%s", str_url_encode(r->arena, code)));
		return;
	}
	booking_t b;
	if (!load_appt(r, &ctx, code, &p, &b))
		return;
	const char *done = bk_param(r, "done");
	const char *notice = str_eq(done, "cancelled")     ? "cita_done_cancelled"
			     : str_eq(done, "rescheduled") ? "cita_done_rescheduled"
							   : NULL;
	manage_page(r, 200, &ctx, &b, &p, notice, NULL);
}

/* ---------------------------------------------------------------- look up by code and ID */

static void lookup_page(http_req_t *r, int status, const char *code, const char *err_field, const char *err_key)
{
	json_t *m = json_object();
	json_object_set_new(m, "code", json_string(code));
	json_object_set_new(m, "csrf", json_string(http_csrf_token(r)));
	if (err_key) {
		const char *msg = http_t(r, err_key);
		json_object_set_new(m, "has_errors", json_true());
		json_object_set_new(m, "errors",
				    jpack("[{s:s,s:s,s:s}]", "id", arena_printf(r->arena, "l-%s", err_field), "label",
					  http_tf(r, "cita_f_%s", err_field), "msg", msg));
		json_object_set_new(m, str_eq(err_field, "code") ? "code_err" : "id_err", json_string(msg));
	}
	http_reply_page(r, status, "booking/lookup", m);
}

static void lookup(http_req_t *r)
{
	if (r->method != HTTP_POST) {
		const char *code = bk_param(r, "code");
		if (strlen(code) > 16)
			code = "";
		lookup_page(r, 200, code, NULL, NULL);
		return;
	}
	const char *code = bk_param(r, "code"), *id = bk_param(r, "id_number");
	char *uc = arena_strdup(r->arena, code);
	for (char *p = uc; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	if (!*uc) {
		lookup_page(r, 422, "", "code", "cita_err_code_missing");
		return;
	}
	if (!*id) {
		lookup_page(r, 422, uc, "id_number", "cita_err_id_missing");
		return;
	}
	if (bk_limited(r, &BK_CITIZEN, true))
		return;
	booking_ctx_t ctx;
	if (!bk_ctx_for(r, &BK_CITIZEN, &ctx))
		return;
	booking_t b;
	int rc = booking_get(&ctx, uc, NULL, id, &b);
	if (rc == ERR_NOT_FOUND || rc == ERR_INVALID) {
		lookup_page(r, 404, uc, "code", "cita_err_not_found");
		return;
	}
	if (rc) {
		http_reply_unavailable(r);
		return;
	}
	proof_t p = {"", id};
	manage_page(r, 200, &ctx, &b, &p, NULL, NULL);
}

/* ---------------------------------------------------------------- reschedule */

/* The state of the booking flow for the appointment's own service, channel and office. */
static bool resched_state(http_req_t *r, st_t *st, const booking_t *b)
{
	memset(st, 0, sizeof *st);
	st->r = r;
	st->f = &BK_CITIZEN;
	if (!bk_ctx_for(r, &BK_CITIZEN, &st->ctx))
		return false;
	st->service = b->service_code;
	st->channel = b->channel;
	st->office = str_eq(b->channel, "in_person") ? b->office_code : "";
	st->day = st->start = st->hold = st->until = "";
	st->tz = bk_zone_or_default(NULL);
	return bk_check_service(st) && bk_check_channel(st) && bk_check_office(st);
}

static void resched_render(http_req_t *r, st_t *st, int status, const booking_t *b, const proof_t *p, json_t *m)
{
	json_t *a = appt_model(r, &st->ctx, b, p->token);
	if (!a) {
		json_decref(m);
		http_reply_unavailable(r);
		return;
	}
	json_object_set_new(m, "a", a);
	json_object_set_new(m, "proof", proof_hidden(p));
	json_object_set_new(m, "by_id", json_boolean(by_id(p)));
	json_object_set_new(m, "csrf", json_string(http_csrf_token(r)));
	json_object_set_new(m, "action", json_string(arena_printf(r->arena, "/cita/%s/canvia", b->code)));
	const char *tq = *p->token ? arena_printf(r->arena, "?token=%s", p->token) : "";
	json_object_set_new(m, "manage_href", json_string(arena_printf(r->arena, "/cita/%s%s", b->code, tq)));
	json_object_set_new(m, "code_path", json_string(arena_printf(r->arena, "/cita/%s", b->code)));
	http_reply_page(r, status, "booking/reschedule", m);
}

static void resched_times(http_req_t *r, st_t *st, int status, const booking_t *b, const proof_t *p, const char *err)
{
	json_t *m = json_object();
	if (bk_times_model(st, m)) {
		json_decref(m);
		http_reply_unavailable(r);
		return;
	}
	json_object_set_new(m, "show_times", json_true());
	json_object_set_new(m, "day", json_string(st->day));
	json_t *h = proof_hidden(p);
	bk_hidden_add(h, "day", st->day);
	json_object_set_new(m, "hidden", h);
	if (err) {
		json_object_set_new(m, "has_errors", json_true());
		json_object_set_new(m, "errors",
				    jpack("[{s:s,s:s,s:s}]", "id", "times", "label", http_t(r, "cita_f_time"), "msg",
					  http_t(r, err)));
	}
	if (*p->token)
		json_object_set_new(m, "other_day",
				    json_string(arena_printf(r->arena, "/cita/%s/canvia?token=%s&month=%.7s", b->code,
							     p->token, st->day)));
	else
		json_object_set_new(m, "other_month", json_string(arena_printf(r->arena, "%.7s", st->day)));
	resched_render(r, st, status, b, p, m);
}

/* The move to start: done (the manage page), or the page that says why not. */
static void resched_move(http_req_t *r, booking_ctx_t *ctx, st_t *st, const booking_t *b, const proof_t *p,
			 const char *start, const char *day)
{
	booking_err_t err = {0};
	booking_t nb;
	int rc = booking_reschedule(&st->ctx, b->code, *p->token ? p->token : NULL, *p->id_number ? p->id_number : NULL,
				    start, 0, &nb, &err);
	if (rc == 0 && *p->token) {
		http_reply_redirect(r, arena_printf(r->arena, "/cita/%s?token=%s&done=rescheduled", b->code, p->token));
		return;
	}
	if (rc == 0) {
		booking_t fresh;
		if (booking_get(ctx, b->code, NULL, p->id_number, &fresh))
			http_reply_unavailable(r);
		else
			manage_page(r, 200, ctx, &fresh, p, "cita_done_rescheduled", NULL);
		return;
	}
	st->day = day;
	bool day_ok = tz_date_parse(st->day, &st->dayn) == 0;
	const char *why = rc == ERR_CONFLICT ? "cita_err_slot_full" : "cita_err_time";
	if (rc == ERR_NOT_FOUND) {
		not_found_appt(r, &BK_CITIZEN);
	} else if (str_eq(err.code, "bad_state") || str_eq(err.code, "too_late")) {
		manage_page(r, 409, ctx, b, p, NULL, "cita_err_not_changeable");
	} else if ((rc == ERR_CONFLICT || rc == ERR_INVALID) && day_ok) {
		resched_times(r, st, rc == ERR_CONFLICT ? 409 : 422, b, p, why);
	} else if (rc == ERR_CONFLICT || rc == ERR_INVALID) {
		manage_page(r, rc == ERR_CONFLICT ? 409 : 422, ctx, b, p, NULL, why);
	} else {
		log_warn("booking pages: reschedule failed: %s", err_name(rc));
		http_reply_unavailable(r);
	}
}

/* Where "choose a day" leads back to after a bad day or month. */
static const char *resched_back(http_req_t *r, const booking_t *b, const proof_t *p)
{
	return *p->token ? arena_printf(r->arena, "/cita/%s/canvia?token=%s", b->code, p->token) : "/cita/gestiona";
}

/* The month calendar to pick a new day from. */
static void resched_month(http_req_t *r, st_t *st, const booking_t *b, const proof_t *p)
{
	cal_links_t lk = {NULL, NULL};
	if (*p->token) {
		lk.day_href = arena_printf(r->arena, "/cita/%s/canvia?token=%s&day=", b->code, p->token);
		lk.month_href = arena_printf(r->arena, "/cita/%s/canvia?token=%s&month=", b->code, p->token);
	}
	json_t *m = json_object();
	const char *shown = "";
	int rc = bk_month_model(st, bk_param(r, "month"), &lk, m, &shown);
	if (rc) {
		json_decref(m);
		if (rc == ERR_INVALID)
			bk_problem(r, &BK_CITIZEN, 400, "cita_problem_title", http_t(r, "cita_err_month"),
				   resched_back(r, b, p), "cita_choose_day");
		else
			http_reply_unavailable(r);
		return;
	}
	if (*p->token)
		json_object_set_new(m, "langs",
				    bk_lang_links(r, arena_printf(r->arena, "/cita/%s/canvia?token=%s&month=%s",
								  b->code, p->token, shown)));
	resched_render(r, st, 200, b, p, m);
}

static void resched(http_req_t *r)
{
	booking_ctx_t ctx;
	if (!bk_ctx_for(r, &BK_CITIZEN, &ctx))
		return;
	const char *code = code_of(r);
	proof_t p = proof_of(r);
	const char *start = r->method == HTTP_POST ? bk_param(r, "start") : "";
	const char *day = bk_param(r, "day");
	/* One count per request: moving or proving with the ID number is a booking-class action,
	 * looking at days and times an availability one. */
	if (bk_limited(r, &BK_CITIZEN, *start || by_id(&p)))
		return;
	booking_t b;
	if (!load_appt(r, &ctx, code, &p, &b))
		return;
	if (!str_eq(b.status, "booked") || b.start_at <= ctx.now) {
		manage_page(r, 409, &ctx, &b, &p, NULL, "cita_err_not_changeable");
		return;
	}
	st_t st;
	if (!resched_state(r, &st, &b))
		return;
	if (*start) {
		resched_move(r, &ctx, &st, &b, &p, start, day);
		return;
	}
	if (!*day) {
		resched_month(r, &st, &b, &p);
		return;
	}
	st.day = day;
	if (tz_date_parse(day, &st.dayn) || st.dayn < st.today || st.dayn > st.today + AHEAD_DAYS) {
		bk_problem(r, &BK_CITIZEN, 400, "cita_problem_title", http_t(r, "cita_err_day"),
			   resched_back(r, &b, &p), "cita_choose_day");
		return;
	}
	st.has_day = true;
	resched_times(r, &st, 200, &b, &p, NULL);
}

/* ---------------------------------------------------------------- cancel */

static void cancel_post(http_req_t *r)
{
	booking_ctx_t ctx;
	if (!bk_ctx_for(r, &BK_CITIZEN, &ctx))
		return;
	const char *code = code_of(r);
	proof_t p = proof_of(r);
	if (by_id(&p) && bk_limited(r, &BK_CITIZEN, true))
		return;
	booking_t b;
	if (!load_appt(r, &ctx, code, &p, &b))
		return;
	if (!str_eq(bk_param(r, "confirm"), "1")) {
		if (!str_eq(b.status, "booked") && !str_eq(b.status, "checked_in")) {
			manage_page(r, 409, &ctx, &b, &p, NULL, "cita_err_not_cancellable");
			return;
		}
		json_t *a = appt_model(r, &ctx, &b, p.token);
		if (!a) {
			http_reply_unavailable(r);
			return;
		}
		json_t *m = json_object();
		json_object_set_new(m, "a", a);
		json_object_set_new(m, "proof", proof_hidden(&p));
		json_object_set_new(m, "by_id", json_boolean(by_id(&p)));
		json_object_set_new(m, "csrf", json_string(http_csrf_token(r)));
		json_object_set_new(m, "action", json_string(arena_printf(r->arena, "/cita/%s/anulla", b.code)));
		if (*p.token)
			json_object_set_new(m, "keep_href",
					    json_string(arena_printf(r->arena, "/cita/%s?token=%s", b.code, p.token)));
		http_reply_page(r, 200, "booking/cancel", m);
		return;
	}
	booking_err_t err = {0};
	int rc = booking_cancel(&ctx, b.code, *p.token ? p.token : NULL, *p.id_number ? p.id_number : NULL, &err);
	if (rc == 0) {
		if (*p.token) {
			http_reply_redirect(r, arena_printf(r->arena, "/cita/%s?token=%s&done=cancelled", b.code,
							    p.token));
			return;
		}
		booking_t fresh;
		if (booking_get(&ctx, b.code, NULL, p.id_number, &fresh)) {
			http_reply_unavailable(r);
			return;
		}
		manage_page(r, 200, &ctx, &fresh, &p, "cita_done_cancelled", NULL);
		return;
	}
	if (rc == ERR_NOT_FOUND) {
		not_found_appt(r, &BK_CITIZEN);
		return;
	}
	if (rc == ERR_CONFLICT || rc == ERR_INVALID || err.code) {
		manage_page(r, 409, &ctx, &b, &p, NULL, "cita_err_not_cancellable");
		return;
	}
	log_warn("booking pages: cancel failed: %s", err_name(rc));
	http_reply_unavailable(r);
}

/* ---------------------------------------------------------------- downloads */

static void download(http_req_t *r, bool pdf)
{
	booking_ctx_t ctx;
	if (!bk_ctx_for(r, &BK_CITIZEN, &ctx))
		return;
	const char *code = code_of(r);
	proof_t p = proof_of(r);
	if (by_id(&p) ? bk_limited(r, &BK_CITIZEN, true) : bk_limited(r, &BK_CITIZEN, false))
		return;
	booking_t b;
	if (!load_appt(r, &ctx, code, &p, &b))
		return;
	/* The model in the booking's language: the file is the citizen's, whatever page it came from. */
	json_t *model = booking_model(&ctx, &b, *p.token ? p.token : NULL, pdf ? r->lang : NULL);
	if (!model) {
		http_reply_unavailable(r);
		return;
	}
	json_t *brand = json_object();
	auth_branding(r, brand);
	json_t *city = json_object_get(brand, "city_name");
	if (city)
		json_object_set(model, "city", city);
	json_decref(brand);
	char *disp;
	if (pdf) {
		unsigned char *out = NULL;
		size_t len = 0;
		int rc = pdf_receipt(model, r->lang, &out, &len);
		json_decref(model);
		if (rc) {
			log_warn("booking pages: receipt failed: %s", err_name(rc));
			http_reply_unavailable(r);
			return;
		}
		disp = arena_printf(r->arena, "attachment; filename=\"cita-%s.pdf\"", b.code);
		http_add_header(r, "Content-Disposition", disp);
		http_add_header(r, "Cache-Control", "no-store");
		http_reply_bytes(r, 200, "application/pdf", out, len);
		free(out);
		return;
	}
	size_t len = 0;
	char *ics = notify_ics(model, &len);
	json_decref(model);
	if (!ics) {
		http_reply_unavailable(r);
		return;
	}
	disp = arena_printf(r->arena, "attachment; filename=\"cita-%s.ics\"", b.code);
	http_add_header(r, "Content-Disposition", disp);
	http_add_header(r, "Cache-Control", "no-store");
	http_reply_bytes(r, 200, "text/calendar; charset=utf-8", ics, len);
	free(ics);
}

static void ics_get(http_req_t *r)
{
	download(r, false);
}

static void pdf_get(http_req_t *r)
{
	download(r, true);
}

/* ---------------------------------------------------------------- staff: the summary */

static void staff_summary(http_req_t *r)
{
	booking_ctx_t ctx;
	if (!bk_ctx_for(r, &BK_STAFF, &ctx))
		return;
	const char *code = code_of(r);
	booking_t b;
	int rc = booking_get(&ctx, code, NULL, NULL, &b);
	if (rc == ERR_NOT_FOUND || rc == ERR_INVALID) {
		bk_problem(r, &BK_STAFF, 404, "cita_nf_title", http_t(r, "cita_err_not_found_staff"), "/staff/cita",
			   "cita_book_another");
		return;
	}
	if (rc) {
		http_reply_unavailable(r);
		return;
	}
	/* The manage link is shown only with the token the booking just made: check it as a citizen
	 * would, so a made-up token never prints a link that does not work. */
	const char *token = bk_param(r, "token");
	if (*token) {
		booking_ctx_t cit = ctx;
		booking_t chk;
		cit.staff = false;
		cit.user_id = 0;
		cit.user_email = NULL;
		if (booking_get(&cit, code, token, NULL, &chk))
			token = "";
	}
	json_t *a = appt_model(r, &ctx, &b, token);
	if (!a) {
		http_reply_unavailable(r);
		return;
	}
	auth_audit(r, "booking.view", arena_printf(r->arena, "appointment:%s", b.code), "");
	json_t *m = json_object();
	/* The person's timeline beside the appointment: a view of the record, audited with it as the
	 * reason (not shown when that record cannot be written). */
	int64_t person = booking_person_of(&ctx, b.id);
	if (person && auth_audit(r, "people.view", arena_printf(r->arena, "person:%lld", (long long)person),
				 arena_printf(r->arena, "appointment: %s", b.code)) == 0) {
		json_t *panel = people_panel(r->app, r->db, r->arena, person, r->lang, &rc);
		if (panel)
			json_object_set_new(m, "panel", panel);
	}
	json_object_set_new(m, "a", a);
	json_object_set_new(m, "booked_by_citizen", json_boolean(str_eq(b.booked_by, "citizen")));
	json_object_set_new(m, "fresh", json_boolean(*token != '\0'));
	http_reply_page(r, 200, "booking/staff_summary", m);
}

/* One appointment: the manage link, look-up, change, cancel, downloads, the staff summary. */
const http_route_t bk_manage_routes[] = {
	{HTTP_GET | HTTP_HEAD | HTTP_POST, "/cita/gestiona", lookup, RT_FORM | RT_DB, 0},
	{HTTP_GET | HTTP_HEAD, "/cita/{code}", manage_get, RT_DB, 0},
	{HTTP_GET | HTTP_HEAD, "/cita/{code}/confirmacio", confirm_get, RT_DB, 0},
	{HTTP_GET | HTTP_HEAD | HTTP_POST, "/cita/{code}/canvia", resched, RT_FORM | RT_DB, 0},
	{HTTP_POST, "/cita/{code}/anulla", cancel_post, RT_FORM | RT_DB, 0},
	{HTTP_GET | HTTP_HEAD | HTTP_POST, "/cita/{code}/calendar.ics", ics_get, RT_FORM | RT_DB, 0},
	{HTTP_GET | HTTP_HEAD | HTTP_POST, "/cita/{code}/receipt.pdf", pdf_get, RT_FORM | RT_DB, 0},
	{HTTP_GET | HTTP_HEAD, "/staff/cita/{code}", staff_summary, RT_DB, ROLE_PEOPLE},
	{0},
};

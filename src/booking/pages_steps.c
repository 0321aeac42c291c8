/* pages_steps.c — the booking flow's steps before and after the calendar: the procedure (with
 * search and topics), the channel, the office, and the details that book (pages.c has the flow). */
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
#include "render/pdf.h"
#include "schedule/schedule.h"
#include "view/i18n.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---------------------------------------------------------------- step 1: the procedure */

/* The topics (categories) of the bookable procedures, each once, in the order of their names
 * in the visitor's language (insertion sort: a handful). Arena. */
static const char **topics(http_req_t *r, const cat_proc_t *procs, size_t n, size_t *ncats)
{
	const char **cats = arena_alloc(r->arena, (n + 1) * sizeof *cats);
	*ncats = 0;
	for (size_t i = 0; i < n; i++) {
		if (!bk_proc_bookable(&procs[i]))
			continue;
		size_t k;
		for (k = 0; k < *ncats && !str_eq(cats[k], procs[i].category); k++)
			;
		if (k == *ncats)
			cats[(*ncats)++] = procs[i].category;
	}
	for (size_t i = 1; i < *ncats; i++)
		for (size_t k = i; k > 0 && strcmp(str_fold(r->arena, bk_category_label(r, cats[k - 1])),
						   str_fold(r->arena, bk_category_label(r, cats[k]))) > 0;
		     k--) {
			const char *t = cats[k];
			cats[k] = cats[k - 1];
			cats[k - 1] = t;
		}
	return cats;
}

/* The bookable procedures of one topic that match the folded search text fq ("" for all), as
 * links to the next step; *shown counts them. New. */
static json_t *topic_items(http_req_t *r, const flow_t *f, const cat_proc_t *procs, size_t n, const char *cat,
			   const char *fq, size_t *shown)
{
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++) {
		const cat_proc_t *p = &procs[i];
		if (!bk_proc_bookable(p) || !str_eq(p->category, cat))
			continue;
		const char *name = i18n_pick(r->lang, p->name), *desc = i18n_pick(r->lang, p->desc);
		if (*fq && !strstr(str_fold(r->arena, name), fq) && !strstr(str_fold(r->arena, desc), fq))
			continue;
		const char *how = "";
		for (size_t c = 0; c < BK_NCHANNELS; c++)
			if (catalog_channels_has(p->channels, BK_CHANNELS[c]))
				how = arena_printf(r->arena, "%s%s%s", how, *how ? " · " : "",
						   http_tf(r, "cita_ch_short_%s", BK_CHANNELS[c]));
		json_array_append_new(items, jpack("{s:s,s:s,s:s,s:s}", "name", name, "desc", desc, "how", how, "href",
						   arena_printf(r->arena, "%s/canal?service=%s", f->base,
								str_url_encode(r->arena, p->code))));
		(*shown)++;
	}
	return items;
}

static void step_service(http_req_t *r, const flow_t *f)
{
	st_t st;
	if (!bk_st_begin(&st, r, f))
		return;
	const char *q = bk_param(r, "q"), *cat = bk_param(r, "category");
	if (strlen(q) > MAX_QUERY) {
		size_t n = MAX_QUERY;
		while (n > 0 && ((unsigned char)q[n] & 0xC0) == 0x80) /* not inside a UTF-8 character */
			n--;
		q = arena_strndup(r->arena, q, n);
	}
	cat_proc_t *procs;
	size_t n;
	if (catalog_procedures_full(st.ctx.c, st.ctx.a, &procs, &n)) {
		http_reply_unavailable(r);
		return;
	}
	size_t ncats;
	const char **cats = topics(r, procs, n, &ncats);
	bool cat_known = false;
	for (size_t k = 0; k < ncats; k++)
		cat_known = cat_known || str_eq(cats[k], cat);
	if (!cat_known)
		cat = "";
	const char *fq = str_fold(r->arena, q);
	json_t *groups = json_array(), *catlinks = json_array();
	size_t shown = 0;
	for (size_t k = 0; k < ncats; k++) {
		json_array_append_new(catlinks, jpack("{s:s,s:s,s:b}", "label", bk_category_label(r, cats[k]), "href",
						      arena_printf(r->arena, "%s?category=%s", f->base,
								   str_url_encode(r->arena, cats[k])),
						      "current", str_eq(cats[k], cat)));
		if (*cat && !str_eq(cat, cats[k]))
			continue;
		json_t *items = topic_items(r, f, procs, n, cats[k], fq, &shown);
		if (json_array_size(items))
			json_array_append_new(groups,
					      jpack("{s:s,s:s,s:o}", "label", bk_category_label(r, cats[k]), "id",
						    arena_printf(r->arena, "cat-%zu", k), "items", items));
		else
			json_decref(items);
	}
	json_t *m = json_object();
	json_object_set_new(m, "q", json_string(q));
	json_object_set_new(m, "category", json_string(cat));
	json_object_set_new(m, "groups", groups);
	json_object_set_new(m, "categories", catlinks);
	json_object_set_new(m, "filtered", json_boolean(*q || *cat));
	json_object_set_new(m, "none", json_boolean(shown == 0));
	const char *vars[] = {"n", arena_printf(r->arena, "%zu", shown), NULL};
	json_object_set_new(m, "count", json_string(http_tv(r, shown == 1 ? "cita_found_one" : "cita_found", vars)));
	const char *self = f->base;
	if (*q || *cat)
		self = arena_printf(r->arena, "%s?q=%s&category=%s", f->base, str_url_encode(r->arena, q),
				    str_url_encode(r->arena, cat));
	bk_render(&st, 200, "booking/service", m, S_SERVICE, self, f->staff ? "/staff" : "/");
}

/* ---------------------------------------------------------------- step 2: the channel */

static void step_channel(http_req_t *r, const flow_t *f)
{
	st_t st;
	if (!bk_st_begin(&st, r, f) || !bk_check_service(&st))
		return;
	const char *err = NULL;
	if (http_query(r, "channel") || http_query(r, "next")) {
		if (bk_is_booking_channel(st.channel) && catalog_channels_has(st.proc.channels, st.channel)) {
			st.has_channel = true;
			http_reply_redirect(r, str_eq(st.channel, "in_person")
						       ? bk_st_url(&st, "oficina", Q_SERVICE | Q_CHANNEL, NULL)
						       : bk_st_url(&st, "dia", Q_SERVICE | Q_CHANNEL, NULL));
			return;
		}
		err = http_t(r, *st.channel ? "cita_err_channel" : "cita_err_channel_missing");
	}
	json_t *opts = json_array();
	size_t nopts = 0;
	for (size_t i = 0; i < BK_NCHANNELS; i++)
		nopts += catalog_channels_has(st.proc.channels, BK_CHANNELS[i]);
	for (size_t i = 0; i < BK_NCHANNELS; i++) {
		if (!catalog_channels_has(st.proc.channels, BK_CHANNELS[i]))
			continue;
		json_array_append_new(opts, jpack("{s:s,s:s,s:s,s:s,s:b}", "value", BK_CHANNELS[i], "id",
						  arena_printf(r->arena, "ch-%s", BK_CHANNELS[i]), "label",
						  bk_channel_label(r, BK_CHANNELS[i]), "hint",
						  http_tf(r, "cita_ch_hint_%s", BK_CHANNELS[i]), "on",
						  str_eq(st.channel, BK_CHANNELS[i]) || nopts == 1));
	}
	json_t *m = json_object();
	json_object_set_new(m, "options", opts);
	json_object_set_new(m, "hidden", bk_st_hidden(&st, Q_SERVICE));
	json_object_set_new(m, "proc_desc", json_string(i18n_pick(r->lang, st.proc.desc)));
	/* The procedure's other ways to ask, for the citizen: its chat and the deferred request form. */
	if (f == &BK_CITIZEN && catalog_channels_has(st.proc.channels, "chat"))
		json_object_set_new(m, "chat_url", json_string(arena_printf(r->arena, "/xat/%s", st.proc.code)));
	if (f == &BK_CITIZEN && catalog_channels_has(st.proc.channels, "deferred"))
		json_object_set_new(m, "request_url",
				    json_string(arena_printf(r->arena, "/consulta/nova?servei=%s", st.proc.code)));
	if (err) {
		json_object_set_new(m, "has_errors", json_true());
		json_object_set_new(m, "errors",
				    jpack("[{s:s,s:s,s:s}]", "id", "channel-group", "label",
					  http_t(r, "cita_f_channel"), "msg", err));
		json_object_set_new(m, "err", json_string(err));
	}
	bk_render(&st, err ? 422 : 200, "booking/channel", m, S_CHANNEL, bk_st_url(&st, "canal", Q_SERVICE, NULL),
		  st.f->base);
}

/* ---------------------------------------------------------------- step 3: the office */

static void step_office(http_req_t *r, const flow_t *f)
{
	st_t st;
	if (!bk_st_begin(&st, r, f) || !bk_check_service(&st) || !bk_check_channel(&st))
		return;
	if (!str_eq(st.channel, "in_person")) {
		http_reply_redirect(r, bk_st_url(&st, "dia", Q_SERVICE | Q_CHANNEL, NULL));
		return;
	}
	cat_office_t *offices;
	size_t n;
	if (catalog_offices_full(st.ctx.c, st.ctx.a, &offices, &n)) {
		http_reply_unavailable(r);
		return;
	}
	size_t noffer = 0;
	for (size_t i = 0; i < n; i++)
		noffer += bk_list_has(&st.proc.offices, offices[i].code);
	const char *err = NULL;
	if (http_query(r, "office") || http_query(r, "next")) {
		for (size_t i = 0; i < n; i++)
			if (str_eq(offices[i].code, st.office) && bk_list_has(&st.proc.offices, offices[i].code)) {
				http_reply_redirect(r, bk_st_url(&st, "dia", Q_TO_OFFICE, NULL));
				return;
			}
		err = http_t(r, *st.office ? "cita_err_office" : "cita_err_office_missing");
	}
	json_t *opts = json_array();
	for (size_t i = 0; i < n; i++) {
		cat_office_t *o = &offices[i];
		if (!bk_list_has(&st.proc.offices, o->code))
			continue;
		const char *addr = o->address ? o->address : "";
		if (o->postcode && *o->postcode)
			addr = arena_printf(r->arena, "%s, %s %s", addr, o->postcode, o->city ? o->city : "");
		else if (o->city && *o->city)
			addr = arena_printf(r->arena, "%s, %s", addr, o->city);
		json_array_append_new(opts, jpack("{s:s,s:s,s:s,s:s,s:s,s:s,s:b}", "value", o->code, "id",
						  arena_printf(r->arena, "of-%s", o->code), "label",
						  i18n_pick(r->lang, o->name), "address", addr, "access",
						  i18n_pick(r->lang, o->access), "phone", o->phone ? o->phone : "",
						  "on", str_eq(st.office, o->code) || noffer == 1));
	}
	json_t *m = json_object();
	json_object_set_new(m, "options", opts);
	json_object_set_new(m, "none", json_boolean(noffer == 0));
	json_object_set_new(m, "hidden", bk_st_hidden(&st, Q_SERVICE | Q_CHANNEL));
	if (err) {
		json_object_set_new(m, "has_errors", json_true());
		json_object_set_new(m, "errors",
				    jpack("[{s:s,s:s,s:s}]", "id", "office-group", "label", http_t(r, "cita_f_office"),
					  "msg", err));
		json_object_set_new(m, "err", json_string(err));
	}
	bk_render(&st, err ? 422 : 200, "booking/office", m, S_OFFICE,
		  bk_st_url(&st, "oficina", Q_SERVICE | Q_CHANNEL, NULL),
		  bk_st_url(&st, "canal", Q_SERVICE | Q_CHANNEL, NULL));
}

/* ---------------------------------------------------------------- step 6: the details */

static const char *const DETAIL_FIELDS[] = {"name",  "id_type", "id_number",          "email",
					    "phone", "lang",    "digital_confidence", "altcha"};
#define NDETAIL (sizeof DETAIL_FIELDS / sizeof DETAIL_FIELDS[0])

static bool is_detail_field(const char *f)
{
	for (size_t i = 0; i < NDETAIL; i++)
		if (str_eq(DETAIL_FIELDS[i], f))
			return true;
	return false;
}

/* The details form; err may be NULL (a fresh form). */
/* The error summary of the details form (and each field's message into fm): in form order,
 * linked to the field's first input. New. */
static json_t *details_errors(http_req_t *r, const booking_err_t *err, json_t *fm)
{
	json_t *summary = json_array();
	if (!err)
		return summary;
	for (size_t i = 0; i < NDETAIL; i++) {
		const char *key = booking_err_field(err, DETAIL_FIELDS[i]);
		if (!key)
			continue;
		const char *msg = http_t(r, key);
		if (str_eq(DETAIL_FIELDS[i], "altcha") && str_eq(key, "booking_err_altcha_missing"))
			msg = http_t(r, "cita_err_altcha_nojs");
		json_object_set_new(json_object_get(fm, DETAIL_FIELDS[i]), "err", json_string(msg));
		const char *id = arena_printf(r->arena, "d-%s", DETAIL_FIELDS[i]);
		if (str_eq(DETAIL_FIELDS[i], "id_type"))
			id = "d-id_type-dni";
		else if (str_eq(DETAIL_FIELDS[i], "lang"))
			id = "d-lang-ca";
		else if (str_eq(DETAIL_FIELDS[i], "digital_confidence"))
			id = "d-conf-0";
		else if (str_eq(DETAIL_FIELDS[i], "altcha"))
			id = "d-altcha";
		json_array_append_new(summary, jpack("{s:s,s:s,s:s}", "id", id, "label",
						     http_tf(r, "cita_f_%s", DETAIL_FIELDS[i]), "msg", msg));
	}
	if (!json_array_size(summary) && err->key)
		json_array_append_new(summary, jpack("{s:s,s:s,s:s}", "id", "d-name", "label", http_t(r, "cita_f_name"),
						     "msg", http_t(r, err->key)));
	return summary;
}

/* The radio groups of the details form: ID document type, language, digital confidence. */
static void details_options(http_req_t *r, json_t *m, const char *id_type, const char *lang, const char *conf)
{
	static const char *const id_types[] = {"dni", "nie", "passport"};
	json_t *types = json_array();
	for (size_t i = 0; i < 3; i++)
		json_array_append_new(types,
				      jpack("{s:s,s:s,s:s,s:b}", "value", id_types[i], "id",
					    arena_printf(r->arena, "d-id_type-%s", id_types[i]), "label",
					    http_tf(r, "cita_id_%s", id_types[i]), "on", str_eq(id_type, id_types[i])));
	json_object_set_new(m, "id_types", types);
	json_t *lj = json_array();
	for (int i = 0; i < i18n_count(); i++) {
		const char *code = i18n_lang(i);
		json_array_append_new(lj, jpack("{s:s,s:s,s:s,s:s,s:s,s:b}", "value", code, "tag", i18n_tag(code),
						"dir", i18n_dir(code), "id", arena_printf(r->arena, "d-lang-%s", code),
						"label", i18n_name(code), "on", str_eq(lang, code)));
	}
	json_object_set_new(m, "langs_opt", lj);
	json_t *cj = json_array();
	for (int i = 0; i <= 4; i++) {
		const char *v = arena_printf(r->arena, "%d", i);
		json_array_append_new(cj, jpack("{s:s,s:s,s:s,s:b}", "value", i ? v : "", "id",
						arena_printf(r->arena, "d-conf-%d", i), "label",
						http_tf(r, "cita_conf_%s", v), "on", i ? str_eq(conf, v) : !*conf));
	}
	json_object_set_new(m, "confidence", cj);
}

static void details_page(st_t *st, int status, const booking_err_t *err)
{
	http_req_t *r = st->r;
	bool post = r->method == HTTP_POST;
	bool pow = !st->f->staff && config_bool(r->app->cfg, "booking.proof_of_work");
	json_t *fm = json_object();
	for (size_t i = 0; i < NDETAIL; i++) {
		const char *v = post ? bk_param(r, DETAIL_FIELDS[i]) : "";
		json_object_set_new(fm, DETAIL_FIELDS[i], jpack("{s:s}", "v", v));
	}
	const char *id_type = post ? bk_param(r, "id_type") : "dni";
	const char *lang = post ? bk_param(r, "lang") : r->lang;
	const char *conf = post ? bk_param(r, "digital_confidence") : "";
	json_t *summary = details_errors(r, err, fm);
	json_t *m = json_object();
	json_object_set_new(m, "f", fm);
	if (json_array_size(summary)) {
		json_object_set_new(m, "has_errors", json_true());
		json_object_set_new(m, "errors", summary);
	} else {
		json_decref(summary);
	}
	details_options(r, m, id_type, lang, conf);
	json_object_set_new(m, "hidden", bk_st_hidden(st, Q_ALL));
	json_object_set_new(m, "action", json_string(arena_printf(r->arena, "%s/dades", st->f->base)));
	json_object_set_new(m, "pow", json_boolean(pow));
	/* How long the seat is kept: the hold's expiry as the time step wrote it. Shown, not trusted. */
	int64_t until = 0;
	if (*st->hold && str_to_i64(st->until, 0, INT64_MAX, &until) == 0 && until > 0) {
		if (until > st->ctx.now) {
			const char *vars[] = {"time", bk_local_hhmm(r, st->tz, until), NULL};
			json_object_set_new(m, "held", json_string(http_tv(r, "cita_held_until", vars)));
		} else {
			json_object_set_new(m, "held_expired", json_string(http_t(r, "cita_held_expired")));
		}
	}
	const char *back =
		bk_st_url(st, "hora", Q_TO_DAY, *st->hold ? arena_printf(r->arena, "release=%s", st->hold) : NULL);
	bk_render(st, status, "booking/details", m, S_DETAILS, bk_st_url(st, "dades", Q_ALL, NULL), back);
}

static void step_details(http_req_t *r, const flow_t *f)
{
	st_t st;
	if (!bk_st_begin(&st, r, f) || !bk_check_service(&st) || !bk_check_channel(&st) || !bk_check_office(&st) ||
	    !bk_check_day(&st) || !bk_check_start(&st))
		return;
	if (r->method != HTTP_POST) {
		details_page(&st, 200, NULL);
		return;
	}
	if (bk_limited(r, f, true))
		return;
	int64_t conf = 0;
	const char *cs = bk_param(r, "digital_confidence");
	booking_err_t err = {0};
	if (*cs && str_to_i64(cs, 1, 4, &conf)) {
		err.code = "invalid";
		fielderr_add(&err.fields, "digital_confidence", "booking_err_confidence");
		details_page(&st, 422, &err);
		return;
	}
	booking_input_t in = {.service = st.service,
			      .channel = st.channel,
			      .office = str_eq(st.channel, "in_person") ? st.office : NULL,
			      .start = st.start,
			      .hold = *st.hold ? st.hold : NULL,
			      .name = bk_param(r, "name"),
			      .id_type = bk_param(r, "id_type"),
			      .id_number = bk_param(r, "id_number"),
			      .email = bk_param(r, "email"),
			      .phone = bk_param(r, "phone"),
			      .lang = bk_param(r, "lang"),
			      .digital_confidence = (int)conf,
			      .altcha = bk_param(r, "altcha")};
	booking_created_t out;
	if (f->staff)
		bk_ctx_audit(&st.ctx, r, true);
	int rc = booking_create(&st.ctx, &in, &out, &err);
	if (rc == 0) {
		const char *code = arena_strdup(r->arena, out.code), *token = arena_strdup(r->arena, out.token);
		json_decref(out.model);
		if (f->staff) {
			http_reply_redirect(r, arena_printf(r->arena, "/staff/cita/%s?token=%s", code, token));
		} else {
			http_reply_redirect(r, arena_printf(r->arena, "/cita/%s/confirmacio?token=%s", code, token));
		}
		return;
	}
	if (rc == ERR_CONFLICT) {
		/* The seat went to somebody else, or the hold ran out and the time filled: pick again. */
		st.hold = "";
		bk_time_page(&st, 409,
			     str_eq(err.code, "hold_expired") ? "cita_err_hold_expired" : "cita_err_slot_full");
		return;
	}
	if (rc == ERR_INVALID || rc == ERR_BUSY) {
		/* Fields of earlier steps are wrong only when the state was tampered with or went stale. */
		for (size_t i = 0; i < err.fields.n; i++) {
			if (is_detail_field(err.fields.e[i].field))
				continue;
			if (str_eq(err.fields.e[i].field, "start") || str_eq(err.fields.e[i].field, "hold")) {
				bk_time_page(&st, 422, "cita_err_time");
				return;
			}
			bk_problem(r, f, 400, "cita_problem_title", http_t(r, "cita_err_state"), f->base,
				   "cita_start_again");
			return;
		}
		details_page(&st, rc == ERR_BUSY ? booking_err_status(&err) : 422, &err);
		return;
	}
	log_warn("booking pages: booking failed: %s", err_name(rc));
	http_reply_unavailable(r);
}

/* ---------------------------------------------------------------- routes */

static void cit_service(http_req_t *r)
{
	step_service(r, &BK_CITIZEN);
}

static void cit_channel(http_req_t *r)
{
	step_channel(r, &BK_CITIZEN);
}

static void cit_office(http_req_t *r)
{
	step_office(r, &BK_CITIZEN);
}

static void cit_details(http_req_t *r)
{
	step_details(r, &BK_CITIZEN);
}

static void staff_service(http_req_t *r)
{
	step_service(r, &BK_STAFF);
}

static void staff_channel(http_req_t *r)
{
	step_channel(r, &BK_STAFF);
}

static void staff_office(http_req_t *r)
{
	step_office(r, &BK_STAFF);
}

static void staff_details(http_req_t *r)
{
	step_details(r, &BK_STAFF);
}

/* The steps: /cita, /cita/canal, /cita/oficina, /cita/dades and their staff twins. */
const http_route_t bk_page_routes[] = {
	{HTTP_GET | HTTP_HEAD, "/cita", cit_service, RT_DB, 0},
	{HTTP_GET | HTTP_HEAD, "/cita/canal", cit_channel, RT_DB, 0},
	{HTTP_GET | HTTP_HEAD, "/cita/oficina", cit_office, RT_DB, 0},
	{HTTP_GET | HTTP_HEAD | HTTP_POST, "/cita/dades", cit_details, RT_FORM | RT_DB, 0},
	{HTTP_GET | HTTP_HEAD, "/staff/cita", staff_service, RT_DB, ROLE_PEOPLE},
	{HTTP_GET | HTTP_HEAD, "/staff/cita/canal", staff_channel, RT_DB, ROLE_PEOPLE},
	{HTTP_GET | HTTP_HEAD, "/staff/cita/oficina", staff_office, RT_DB, ROLE_PEOPLE},
	{HTTP_GET | HTTP_HEAD | HTTP_POST, "/staff/cita/dades", staff_details, RT_FORM | RT_DB, ROLE_PEOPLE},
	{0},
};

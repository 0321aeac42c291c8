/* web.c — see web.h. */
#include "ict/web.h"

#include "app.h"
#include "base/err.h"
#include "base/json.h"
#include "base/str.h"
#include "base/tz.h"
#include "booking/booking.h"
#include "catalog/catalog.h"
#include "http/form.h"
#include "http/kit.h"

#include <stdint.h>
#include <string.h>
#include <time.h>

static const char *jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* An integer member; def when absent, INT32_MIN (out of every range) when not an integer. */
static int jint(json_t *o, const char *k, int def)
{
	json_t *v = json_object_get(o, k);
	if (!v)
		return def;
	if (!json_is_integer(v) || json_integer_value(v) < -1000 || json_integer_value(v) > 100000)
		return INT32_MIN;
	return (int)json_integer_value(v);
}

void ict_from_json(http_req_t *r, ict_session_t *s, fielderr_t *errs)
{
	json_t *b = r->json, *p = json_object_get(b, "person"), *procs = json_object_get(b, "procedures");
	json_t *tools = json_object_get(b, "tools"), *as = json_object_get(b, "assessment");
	memset(s, 0, sizeof *s);
	s->office = jstr(b, "office");
	s->appointment = jstr(b, "appointment");
	s->name = jstr(p, "name");
	s->id_number = jstr(p, "id_number");
	s->email = jstr(p, "email");
	s->phone = jstr(p, "phone");
	s->age_band = jstr(p, "age_band");
	s->gender = jstr(p, "gender");
	s->lang = jstr(p, "lang");
	s->consent = json_is_true(json_object_get(p, "consent"));
	s->needs = jstr(b, "needs");
	s->notes = jstr(b, "notes");
	s->next = jstr(b, "next");
	s->minutes = jint(b, "minutes", 0);
	s->date = jstr(b, "date");
	if ((procs && !json_is_array(procs)) || json_array_size(procs) > ICT_PROCS_MAX)
		fielderr_add(errs, "procedures", "ict_err_procedure");
	for (size_t i = 0; json_is_array(procs) && i < json_array_size(procs) && i < ICT_PROCS_MAX; i++) {
		json_t *x = json_array_get(procs, i);
		s->procs[s->nprocs++] = (ict_proc_t){jstr(x, "service"), jstr(x, "other"), jstr(x, "mode")};
	}
	if ((tools && !json_is_array(tools)) || json_array_size(tools) > ICT_TOOLS)
		fielderr_add(errs, "tools", "ict_err_tool");
	for (size_t i = 0; json_is_array(tools) && i < json_array_size(tools) && i < ICT_TOOLS; i++) {
		const char *t = json_string_value(json_array_get(tools, i));
		s->tools[s->ntools++] = t ? t : "?";
	}
	s->moment = jstr(as, "moment");
	if (as && !json_is_object(as))
		fielderr_add(errs, "assessment", "ict_err_choice");
	for (int k = 0; k < ICT_SKILLS; k++)
		s->levels[k] = jint(as, ict_skills[k], -1);
}

void ict_from_form(http_req_t *r, ict_session_t *s, fielderr_t *errs)
{
	memset(s, 0, sizeof *s);
	s->office = form_str(r, "office");
	s->appointment = form_str(r, "appointment");
	s->name = form_str(r, "name");
	s->id_number = form_str(r, "id_number");
	s->email = form_str(r, "email");
	s->phone = form_str(r, "phone");
	s->age_band = form_str(r, "age_band");
	s->gender = form_str(r, "gender");
	s->lang = r->lang;
	s->consent = form_check(r, "consent");
	s->needs = form_text(r, "needs");
	s->notes = form_text(r, "notes");
	s->next = form_str(r, "next");
	int64_t v = 0;
	s->minutes = str_to_i64(form_str(r, "minutes"), 1, 480, &v) ? 0 : (int)v;
	s->date = form_str(r, "date");
	for (int i = 1; i <= 3; i++) {
		const char *svc = form_str(r, arena_printf(r->arena, "service_%d", i));
		const char *other = form_str(r, arena_printf(r->arena, "other_%d", i));
		if (*svc || *other)
			s->procs[s->nprocs++] =
				(ict_proc_t){svc, other, form_str(r, arena_printf(r->arena, "mode_%d", i))};
	}
	size_t n = 0;
	const char **t = form_values(r, "tools", &n);
	for (size_t i = 0; i < n; i++) {
		if (s->ntools == ICT_TOOLS) {
			fielderr_add(errs, "tools", "ict_err_tool");
			break;
		}
		s->tools[s->ntools++] = t[i];
	}
	s->moment = form_str(r, "moment");
	for (int k = 0; k < ICT_SKILLS; k++) {
		const char *lv = form_str(r, arena_printf(r->arena, "level_%s", ict_skills[k]));
		s->levels[k] = !*lv ? -1 : str_to_i64(lv, 0, 3, &v) ? INT32_MIN : (int)v;
	}
}

void ict_booking_ctx(http_req_t *r, booking_ctx_t *ctx)
{
	*ctx = (booking_ctx_t){.c = r->db,
			       .a = r->arena,
			       .cfg = r->app->cfg,
			       .now = (int64_t)time(NULL),
			       .lang = r->lang,
			       .user_id = r->user->id,
			       .user_email = r->user->email,
			       .staff = true};
}

/* The person and the office of a booked appointment, for what the agent left empty. */
static int from_appointment(http_req_t *r, ict_session_t *s, fielderr_t *errs)
{
	if (!s->appointment || !*s->appointment)
		return 0;
	booking_ctx_t ctx;
	ict_booking_ctx(r, &ctx);
	booking_t b;
	int rc = booking_get(&ctx, s->appointment, NULL, NULL, &b);
	if (rc == ERR_NOT_FOUND || rc == ERR_INVALID) {
		fielderr_add(errs, "appointment", "ict_err_appointment");
		return 0;
	}
	if (rc)
		return rc;
	s->appointment = b.code;
#define TAKE(f, v)                                                                                                     \
	if (!s->f || !*s->f)                                                                                           \
	s->f = (v)
	TAKE(office, b.office_code);
	TAKE(name, b.name);
	TAKE(id_number, b.id_number);
	TAKE(email, b.email);
	TAKE(phone, b.phone);
	TAKE(lang, b.lang);
#undef TAKE
	return 0;
}

static int day_start(const char *d, int plus, int64_t *out);

/* A session recorded later: its date (Europe/Madrid), at 10:00, within the last year and not
 * after today; today's is now. */
static void session_time(ict_session_t *s, int64_t now, fielderr_t *errs)
{
	if (!s->date || !*s->date)
		return;
	int64_t start, today;
	const tz_t *z = tz_get("Europe/Madrid");
	tz_local_t lt;
	tz_local(z ? z : tz_utc(), now, &lt);
	today = tz_day_start(z ? z : tz_utc(), lt.day);
	if (day_start(s->date, 0, &start) || start > today || start < today - 366 * 86400) {
		fielderr_add(errs, "date", "ict_err_session_date");
		return;
	}
	s->at = start == today ? now : start + 10 * 3600;
}

static int record(http_req_t *r, void *ud)
{
	void **x = ud;
	ict_session_t *s = x[0];
	int rc = ict_record(r->db, r->arena, s, (int64_t)time(NULL), x[1]);
	if (!rc && s->appointment && *s->appointment) {
		/* The booked session is served: its appointment ends with the record, in one commit. One
		 * cancelled or marked no-show (the person came anyway) stays as it is. */
		booking_ctx_t ctx;
		ict_booking_ctx(r, &ctx);
		booking_t b;
		rc = booking_get(&ctx, s->appointment, NULL, NULL, &b);
		if (!rc)
			rc = booking_advance_tx(&ctx, &b, "done");
		if (rc == ERR_CONFLICT)
			rc = 0;
	}
	if (!rc)
		http_tx_audit(r, "ict.session.add", arena_printf(r->arena, "ict_session:%lld", (long long)s->id),
			      arena_printf(r->arena, "person:%lld", (long long)s->person_id));
	return rc;
}

int ict_save(http_req_t *r, ict_session_t *s, fielderr_t *errs)
{
	s->agent = r->user->email;
	session_time(s, (int64_t)time(NULL), errs);
	int rc = from_appointment(r, s, errs);
	if (!rc)
		rc = ict_check(r->db, r->arena, s, errs);
	if (!rc && errs->n)
		rc = ERR_INVALID;
	if (rc)
		return rc;
	void *x[2] = {s, errs};
	return http_tx(r, record, x, errs, NULL, NULL);
}

/* A local date's first instant (Europe/Madrid); plus days. */
static int day_start(const char *d, int plus, int64_t *out)
{
	int32_t day;
	if (tz_date_parse(d, &day))
		return ERR_INVALID;
	const tz_t *z = tz_get("Europe/Madrid");
	*out = tz_day_start(z ? z : tz_utc(), day + plus);
	return 0;
}

bool ict_filter_from(http_req_t *r, ict_filter_t *f)
{
	memset(f, 0, sizeof *f);
	f->to = INT64_MAX;
	f->agent = http_query(r, "agent");
	if (!f->agent)
		f->agent = "";
	const char *from = http_query(r, "from"), *to = http_query(r, "to"), *office = http_query(r, "office");
	fielderr_t e = {0};
	if (from && *from && day_start(from, 0, &f->from))
		fielderr_add(&e, "from", "ict_err_date");
	if (to && *to && day_start(to, 1, &f->to))
		fielderr_add(&e, "to", "ict_err_date");
	if (office && *office) {
		catalog_office_t o;
		int rc = catalog_office_by_code(r->db, r->arena, office, &o);
		if (rc && rc != ERR_NOT_FOUND) {
			http_reply_failed(r, rc);
			return false;
		}
		if (rc)
			fielderr_add(&e, "office", "ict_err_office");
		else
			f->office_id = o.id;
	}
	if (e.n) {
		http_reply_fields(r, 422, "invalid", "ict_err_filter", &e);
		return false;
	}
	return true;
}

bool ict_eval_for(http_req_t *r, const ict_filter_t *f, ict_eval_t *ev)
{
	int rc = ict_evaluate(r->db, r->arena, f, ev);
	if (rc)
		http_reply_failed(r, rc);
	return rc == 0;
}

static json_t *one_decimal(double x)
{
	return json_real((double)(int64_t)(x * 10.0 + (x >= 0 ? 0.5 : -0.5)) / 10.0);
}

json_t *ict_eval_json(const ict_eval_t *ev)
{
	const ict_pairs_t *p = &ev->pairs;
	json_t *modes = json_object(), *tools = json_object(), *skills = json_array(), *profile = json_array();
	for (int k = 0; k < ICT_MODES; k++)
		json_object_set_new(modes, ict_modes[k], json_integer(ev->modes[k]));
	for (int k = 0; k < ICT_TOOLS; k++)
		json_object_set_new(tools, ict_tools[k], json_integer(ev->tools[k]));
	for (int k = 0; k < ICT_SKILLS; k++)
		json_array_append_new(skills, jpack("{s:s,s:I,s:o,s:o,s:o}", "skill", ict_skills[k], "people",
						    (json_int_t)p->asked[k], "before", one_decimal(p->avg_before[k]),
						    "after", one_decimal(p->avg_after[k]), "change",
						    one_decimal(p->avg_after[k] - p->avg_before[k])));
	for (size_t i = 0; i < ev->nprofile; i++) {
		const char *sp = strchr(ev->profile[i].key, ' ');
		size_t n = sp ? (size_t)(sp - ev->profile[i].key) : strlen(ev->profile[i].key);
		json_array_append_new(profile, jpack("{s:s%,s:s,s:I}", "age_band", ev->profile[i].key, n, "gender",
						     sp ? sp + 1 : "", "people", (json_int_t)ev->profile[i].n));
	}
	json_t *o = jpack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "people", (json_int_t)ev->people, "sessions",
			  (json_int_t)ev->sessions, "new", (json_int_t)ev->new_people, "returning",
			  (json_int_t)(ev->people - ev->new_people), "minutes", (json_int_t)ev->minutes, "with_both",
			  (json_int_t)p->with_both, "low_before", (json_int_t)p->low_before, "low_after",
			  (json_int_t)p->low_after, "email_before", (json_int_t)p->email_before, "email_after",
			  (json_int_t)p->email_after);
	json_object_set_new(o, "low_before_pct", one_decimal(p->low_before_pct));
	json_object_set_new(o, "low_after_pct", one_decimal(p->low_after_pct));
	json_object_set_new(o, "low_change_pct", one_decimal(p->low_change_pct));
	json_object_set_new(o, "email_before_pct", one_decimal(p->email_before_pct));
	json_object_set_new(o, "email_after_pct", one_decimal(p->email_after_pct));
	json_object_set_new(o, "email_change_pct", one_decimal(p->email_change_pct));
	json_object_set_new(o, "procedures", modes);
	json_object_set_new(o, "tools", tools);
	json_object_set_new(o, "skills", skills);
	json_object_set_new(o, "profile", profile);
	return o;
}

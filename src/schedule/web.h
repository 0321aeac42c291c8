/* web.h — what the schedule's HTTP files share: the route tables of the pages (pages*.c) and of
 * the public hours API (api.c), and the pages' common pieces (pages.c). */
#ifndef FIN_SCHEDULE_WEB_H
#define FIN_SCHEDULE_WEB_H

#include "catalog/catalog.h"
#include "http/form.h"
#include "http/http.h"
#include "schedule/internal.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#define SCHED_ROLES (ROLE_ADMIN | ROLE_COORDINATOR)

extern const http_route_t sched_api_routes[];
extern const http_route_t sched_page_routes[];   /* the index (pages.c) */
extern const http_route_t sched_office_routes[]; /* an office, its hours and closures (pages_office.c) */
extern const http_route_t sched_rule_routes[];   /* rules and slots (pages_rules.c) */
extern const http_route_t sched_staff_routes[];  /* holidays, shifts, skills (pages_staff.c) */

/* The availability channels, in the order the pages list them. */
#define SCHED_NCHANNELS 4
extern const char *const sched_channels[SCHED_NCHANNELS];

/* A query parameter, "" when absent. */
const char *sched_qstr(http_req_t *r, const char *name);
/* Labels (arena or translations): "09:30", "2026-03-30", the weekday's name, "dilluns
 * 2026-03-30", a channel's name. */
const char *sched_hhmm(http_req_t *r, int minutes);
const char *sched_date_str(http_req_t *r, int32_t day);
const char *sched_weekday_name(http_req_t *r, int wd);
const char *sched_day_label(http_req_t *r, int32_t day);
/* The label of a YYYY-MM-DD date (as stored); the text itself when it is not one. */
const char *sched_date_label(http_req_t *r, const char *date);
const char *sched_channel_label(http_req_t *r, const char *ch);
/* A local URL made of plain characters only (it goes into a Location header). */
bool sched_safe_url(const char *s);

/* The office of the {code} path parameter; replies 404/503 itself when it returns false. */
bool sched_load_office(http_req_t *r, catalog_office_t *o);
/* The office's time zone (UTC when it cannot be loaded), today there, and its page model. */
const tz_t *sched_zone_of(const catalog_office_t *o);
int32_t sched_today_at(const catalog_office_t *o);
json_t *sched_office_json(http_req_t *r, const catalog_office_t *o);
/* The offices as select options, selected marked. New, or NULL when storage failed (answer 503). */
json_t *sched_office_list(http_req_t *r, db_conn_t *c, const char *selected);
/* The active procedures as checkboxes, those in sel marked (pages_rules.c). New, or NULL when
 * storage failed (answer 503). */
json_t *sched_procedure_options(http_req_t *r, db_conn_t *c, const int64_t *sel, size_t nsel);
/* The channels as select options, selected marked. New. */
json_t *sched_channel_options(http_req_t *r, const char *selected);

/* Form fields read into m with their errors ("label" is the field label's i18n key): an integer
 * in [min, max] (required, or optional: -1 when empty), a date (required or not; text gets what
 * was typed), a time of day. 0, or -1 with the error on the field. */
int sched_f_int(form_t *m, const char *field, const char *label, int min, int max, int *out);
int sched_f_int_opt(form_t *m, const char *field, const char *label, int min, int max, int *out);
int sched_f_date(form_t *m, const char *field, const char *label, bool required, int32_t *out, const char **text);
int sched_f_time(form_t *m, const char *field, const char *label, bool required, int *out);

/* The notice of ?saved=WHAT (and ?kept=N stranded slots) into the page model. */
void sched_notice_into(http_req_t *r, json_t *model);
/* A page with a form: the form (form_into) and the notice go into model (taken), then the page. */
void sched_form_page(http_req_t *r, int status, const char *tpl, form_t *fm, json_t *model);
/* 303 to url with ?saved=what (and &kept=N when the report kept stranded slots). */
void sched_redirect_saved(http_req_t *r, const char *url, const char *what, const schedule_report_t *rep);

/* A change to run before the recompute; 0 or an error code. */
typedef int (*sched_change_fn)(http_req_t *r, db_conn_t *c, void *ctx);
/* Runs fn and the recompute of the office's slots (of one rule when rule_id != 0) in one
 * transaction (SCHEDULE_STRICT, or SCHEDULE_CONFIRMED when the form says confirm=1). 0:
 * committed (rep filled); 1: answered (the page of the slots the change would strand, with a form
 * to confirm it — 409 —, or 503); < 0: fn's own error, rolled back, for the caller to show. */
int sched_apply(http_req_t *r, int64_t office_id, int64_t rule_id, sched_change_fn fn, void *ctx,
		const char *cancel_url, schedule_report_t *rep);
/* sched_apply, then the answer: 303 to url with ?saved=what (url is also where the stranded
 * slots' confirmation page cancels to), or the failure (404 for ERR_NOT_FOUND, else 503). */
void sched_apply_saved(http_req_t *r, int64_t office_id, int64_t rule_id, sched_change_fn fn, void *ctx,
		       const char *url, const char *what);

/* The office page with its closure form (errors shown when the closure form failed). */
void sched_office_page(http_req_t *r, const catalog_office_t *o, int status, form_t *closure_form);

#endif

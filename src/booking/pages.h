/* pages.h — what the booking pages share (pages*.c): the two flows, the state of a flow carried
 * in the query, its checks, the page frame, the calendar's models. Not for other files. */
#ifndef FIN_BOOKING_PAGES_H
#define FIN_BOOKING_PAGES_H

#include "booking/web.h"
#include "catalog/catalog.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#define MAX_QUERY 100  /* search text, bytes */
#define WINDOW_DAYS 91 /* one availability query spans at most this + 1 days (booking.h: 92) */
#define AHEAD_DAYS 400 /* months further than this are not shown */
#define MAX_VIRTUAL 16

/* ---------------------------------------------------------------- flows */

typedef struct {
	bool staff;
	const char *base; /* "/cita" or "/staff/cita" */
} flow_t;

extern const flow_t BK_CITIZEN, BK_STAFF;

#define BK_NCHANNELS 3
extern const char *const BK_CHANNELS[BK_NCHANNELS];

/* The logical steps; phone and video skip the office, so their numbers shift by one. */
enum { S_SERVICE = 1, S_CHANNEL, S_OFFICE, S_DAY, S_TIME, S_DETAILS };
extern const char *const BK_STEP_KEYS[];

/* ---------------------------------------------------------------- the state of a flow */

enum {
	Q_SERVICE = 1 << 0,
	Q_CHANNEL = 1 << 1,
	Q_OFFICE = 1 << 2,
	Q_DAY = 1 << 3,
	Q_START = 1 << 4,
	Q_HOLD = 1 << 5,
	Q_UNTIL = 1 << 6,
};
#define Q_TO_OFFICE (Q_SERVICE | Q_CHANNEL | Q_OFFICE)
#define Q_TO_DAY (Q_TO_OFFICE | Q_DAY)
#define Q_ALL (Q_TO_DAY | Q_START | Q_HOLD | Q_UNTIL)

typedef struct {
	http_req_t *r;
	const flow_t *f;
	booking_ctx_t ctx;
	const char *service, *channel, *office, *day, *start, *hold, *until;
	cat_proc_t proc;
	cat_office_t off;
	bool has_proc, has_channel, has_off, has_day, has_start;
	int32_t dayn;
	char sdate[TZ_DATE_LEN], stime[TZ_HHMM_LEN];
	const tz_t *tz;
	int32_t today;
} st_t;

typedef struct {
	const char *day_href;   /* the date is appended; NULL: buttons named "day" in a form */
	const char *month_href; /* "YYYY-MM" is appended; NULL: buttons named "month" */
} cal_links_t;

/* ---------------------------------------------------------------- shared steps and helpers */

/* A query parameter on GET, a form field on POST; trimmed, "" when absent. Arena. */
const char *bk_param(http_req_t *r, const char *name);
bool bk_is_booking_channel(const char *ch);
bool bk_proc_bookable(const cat_proc_t *p);
bool bk_list_has(const cat_list_t *l, const char *v);
/* The one booking channel of a procedure offered one way only, else NULL. */
const char *bk_only_channel(const cat_proc_t *p);
/* The text of key as the flow speaks: on the staff's flow the key KEY_staff when there is one. */
const char *bk_voice(http_req_t *r, const flow_t *f, const char *key);
/* What every booking page has: the flow's words ("w") and the help line ("help"). */
void bk_common(http_req_t *r, const flow_t *f, json_t *m);
/* "2026-12-03T09:30:00+01:00" (seconds optional, Z or an offset): the local date and time of the
 * slot as the schedule wrote it. False for anything else. */
bool bk_iso_parts(const char *s, char date[TZ_DATE_LEN], char hhmm[TZ_HHMM_LEN]);
/* "2026-12" → year and month. */
bool bk_month_parse(const char *s, int *y, int *m);
const char *bk_month_str(http_req_t *r, int y, int m);
/* "dijous 3 de desembre" / "jueves 3 de diciembre" / "Thursday 3 December". */
const char *bk_long_date(http_req_t *r, int32_t day);
const char *bk_local_hhmm(http_req_t *r, const tz_t *z, int64_t t);
const char *bk_channel_label(http_req_t *r, const char *ch);
/* The staff's cancel question for the appointment: whether the person will be told (an e-mail, or
 * a mobile with an SMS gateway) or must be told by the staff member. */
const char *bk_cancel_question(http_req_t *r, const booking_t *b);
/* The category's name: its translation when there is one, else the code itself. */
const char *bk_category_label(http_req_t *r, const char *code);
/* The API's limits and buckets (web.h): a client alternating between pages and API spends one
 * budget. True (and answered 429) when over; the page links to again (the step to retry, as a GET
 * URL) or, when NULL, to the start. */
bool bk_limited(http_req_t *r, const flow_t *f, bool booking, const char *again);
/* "Wait N minutes and try again" (plural) for a limit that lifts in retry seconds. Arena. */
const char *bk_rate_msg(http_req_t *r, int retry);
/* The actor for the flow: a citizen on /cita whoever is signed in, the staff member on
 * /staff/cita. False (503 answered) when storage is down. */
bool bk_ctx_for(http_req_t *r, const flow_t *f, booking_ctx_t *ctx);
const tz_t *bk_zone_or_default(const char *name);
bool bk_st_begin(st_t *st, http_req_t *r, const flow_t *f);
/* The state of flow f for an appointment's own procedure, channel and office (to move it). False
 * when answered. */
bool bk_st_for_appt(st_t *st, http_req_t *r, const flow_t *f, const booking_t *b);
/* A new page model with the free times of st->day (bk_times_model), or NULL when storage failed
 * (503 answered). */
json_t *bk_times_page_model(st_t *st);
/* The times of st->day for moving an appointment (show_times), with hidden (taken; "day" is
 * added) and the error err_key (or NULL) about the time. NULL when answered (503). */
json_t *bk_move_times_model(st_t *st, json_t *hidden, const char *err_key);
/* The month calendar (?month=) for moving an appointment, with the links lk; *shown the month.
 * NULL when answered (a bad month: 400 with a link to back; storage: 503). */
json_t *bk_move_month_model(st_t *st, const cal_links_t *lk, const char *back, const char **shown);
/* BASE/step?query&extra (extra starts without '&'; either may be empty). */
const char *bk_st_url(const st_t *st, const char *step, unsigned flags, const char *extra);
void bk_hidden_add(json_t *h, const char *name, const char *value);
/* The hidden fields that carry the state into a form. New reference. */
json_t *bk_st_hidden(const st_t *st, unsigned flags);
/* The language switcher for a URL that may already carry a query. */
json_t *bk_lang_links(http_req_t *r, const char *self);
/* Adds what every page of the flow shows, and replies. step 0: no step indicator. self: this
 * page as a GET URL (for the language links), or NULL. back: the back link, or NULL. */
void bk_render(st_t *st, int status, const char *tpl, json_t *m, int step, const char *self, const char *back);
void bk_problem(http_req_t *r, const flow_t *f, int status, const char *title_key, const char *msg, const char *href,
		const char *link_key);
bool bk_check_service(st_t *st);
bool bk_check_channel(st_t *st);
bool bk_check_office(st_t *st);
bool bk_check_day(st_t *st);
bool bk_check_start(st_t *st);
/* Free slots for the state's service, channel and office on local days from..to. ERR_INVALID
 * when booking.h refuses the query (it should not, after the checks). */
int bk_avail(st_t *st, int32_t from, int32_t to, booking_day_t **days, size_t *nd);
/* The earliest instant after now at which public seats in from..to are released online, or 0.
 * Only the citizen's flow asks: staff see unreleased days anyway. */
int64_t bk_next_release(st_t *st, int32_t from, int32_t to);
/* Works out the month to show (the one asked for, else the first with free days), queries it and
 * builds the calendar into m ("cal", "no_days", "release"). 0, ERR_INVALID for a bad month (the
 * caller answers), or a storage error. */
int bk_month_model(st_t *st, const char *month, const cal_links_t *lk, json_t *m, const char **shown);
/* The free times of st->day as buttons of a POST form (model "times"). */
int bk_times_model(st_t *st, json_t *m);
/* The time step's page; msg_key: an error about the time (or NULL). carry: the request is the
 * details form and what it holds goes along in the time form (bk_carry_details). */
void bk_time_page(st_t *st, int status, const char *msg_key, bool carry);
/* The appointment model with the page's extras: translated channel and status, the channel's
 * instructions, is_cancelled. token may be NULL. New reference, NULL on storage error. */
json_t *bk_appt_model(http_req_t *r, booking_ctx_t *ctx, const booking_t *b, const char *token);
/* The details a POST carries, as hidden fields (and "kept=1"), for the time form. */
void bk_carry_details(st_t *st, json_t *hidden);
/* The details page after the time step held a new time for details the person had typed: the
 * fields as the POST carries them, with a note that they were kept. */
void bk_details_kept(st_t *st);
/* The proof of work on a page whose form takes a seat (the time step takes a hold; the details
 * step books when there is no hold): "pow", the widget's texts and its block's id (templates/
 * booking/pow.html), when the flow asks citizens for it (booking.proof_of_work). */
void bk_pow_model(st_t *st, json_t *m, const char *id, bool takes_seat);

#endif

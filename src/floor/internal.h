/* internal.h — what the office floor's files share; not for other capabilities (they use
 * floor/floor.h). No HTTP here: the rules (floor.c), the calling order (order.c), the queue and
 * its estimates (queue.c), the check-in of appointments (checkin.c), the spoken calls (audio.c)
 * and the store (store.c) take a fl_ctx_t; what the web files share is in web.h.
 *
 * Ownership: strings in out-structures come from the context's arena (ctx->a). Errors: 0 or a
 * negative code from base/err.h and, for what a person can fix, a fl_err_t the pages and the API
 * render (docs/internals/floor.md). */
#ifndef FIN_FLOOR_INTERNAL_H
#define FIN_FLOOR_INTERNAL_H

#include "base/arena.h"
#include "base/config.h"
#include "base/fielderr.h"
#include "booking/booking.h"
#include "catalog/catalog.h"
#include "core/cap.h"
#include "db/db.h"
#include "floor/floor.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FL_NUMBER_MAX 12  /* "AB1234" + NUL, with room */
#define FL_TEXT_MAX 1000  /* notes, the transfer's note, "referred to" */
#define FL_QUEUE_MAX 2000 /* waiting tickets read per office */
#define FL_PROCS_MAX 20   /* procedures handled in one attention */

/* ---------------------------------------------------------------- context and errors */

typedef struct {
	db_conn_t *c;        /* borrowed; the caller runs the transaction (except fl_check_in) */
	arena_t *a;          /* where out-strings go */
	const config_t *cfg; /* [floor]; NULL in unit tests: the defaults */
	int64_t now;
	int64_t user_id;   /* 0 for a kiosk without an account, the job */
	const char *actor; /* history rows: the staff e-mail, "kiosk", "job" */
	const char *lang;  /* "ca" | "es" | "en" */
} fl_ctx_t;

/* What went wrong for the person (the API's "error" and its message key), as booking_err_t:
 *   "invalid"         fields says which (422)
 *   "quota_reached"   the zone's daily quota is used up (409)
 *   "issuing_closed"  a coordinator closed the zone's issuing (409)
 *   "bad_state"       the ticket (or the desk) cannot do this now (409)
 *   "not_found"       no such ticket, desk or zone at this office (404) */
typedef struct {
	const char *code, *key;
	fielderr_t fields;
} fl_err_t;
int fl_err_status(const fl_err_t *e);
void fl_err_set(fl_err_t *e, const char *code, const char *key);
void fl_err_field(fl_err_t *e, const char *field, const char *key);

/* A setting, or its default without settings (unit tests). */
int64_t fl_cfg(const fl_ctx_t *ctx, const char *name, int64_t def);

/* ---------------------------------------------------------------- tickets */

typedef struct {
	int64_t id, office_id, number_zone_id, zone_id;
	const char *day, *number, *status, *channel;
	int64_t seq;
	int64_t procedure_id; /* 0: not sure */
	const char *age_band, *gender, *priority, *lang;
	int autonomous;                         /* 1, 0, -1 not asked */
	int64_t appointment_id, appointment_at; /* 0 for a walk-in */
	int64_t arrived_at, issued_at, called_at, last_called_at, started_at, finished_at;
	int64_t recalls;
	int64_t desk_id, target_desk_id, issued_by, served_by;
	const char *note, *mode, *referred, *outcome_notes, *survey_token; /* survey_token NULL when none */
	int idcat;                                                         /* 1, 0, -1 not said */
	/* Joined for display: codes of the office, the zone it waits in, the desk ("" when none). */
	const char *office_code, *zone_code, *desk_code, *target_desk_code;
	int64_t person_id; /* the citizen record (people/people.h), 0 when nobody was named */
} fl_ticket_t;

/* Statuses in which a ticket waits to be called. */
bool fl_waiting(const char *status);

/* ---------------------------------------------------------------- the calling order (order.c) */

/* Where a waiting ticket stands, first to last:
 *   FL_APPOINTMENT  an appointment whose time is less than floor.appointment_window minutes away
 *                   (or past): callable, goes first, by appointment time;
 *   FL_PRIORITY     a walk-in with a priority need (reduced mobility, disability, pregnancy,
 *                   advanced age), by arrival;
 *   FL_REGULAR      everybody else, first come, first served;
 *   FL_EARLY        an appointment still more than the window away: not callable by "call next"
 *                   (a desk may still call it by its number), by appointment time.
 * Within a class, ties go to the earlier arrival, then the lower id (the earlier issued). A
 * transferred ticket keeps its original arrival. */
typedef enum { FL_APPOINTMENT = 0, FL_PRIORITY = 1, FL_REGULAR = 2, FL_EARLY = 3 } fl_class_t;
fl_class_t fl_order_class(const fl_ticket_t *t, int64_t now, int64_t window);
/* <0 when a goes before b, >0 after, 0 only for the same ticket. */
int fl_order_cmp(const fl_ticket_t *a, const fl_ticket_t *b, int64_t now, int64_t window);
/* Sorts v into calling order (stable). */
void fl_order_sort(fl_ticket_t *v, size_t n, int64_t now, int64_t window);
/* The first ticket of v (sorted) that the desk may call next: waiting in one of zones, sent to
 * no desk or to this one, not FL_EARLY. Its index, or -1. The rule over a whole queue: call-next
 * reads the same choice from the index (fl_next), and the unit tests check one against the other. */
long fl_order_next(const fl_ticket_t *v, size_t n, int64_t desk_id, const int64_t *zones, size_t nzones, int64_t now,
		   int64_t window);

/* ---------------------------------------------------------------- the state machine (floor.c) */

typedef enum {
	FL_CALL,
	FL_RECALL,
	FL_START,
	FL_PARK,
	FL_RESUME,
	FL_TRANSFER,
	FL_FINISH,
	FL_NO_SHOW,
	FL_EXPIRE, /* the job, for tickets left from an earlier day */
	FL_NACTIONS
} fl_action_t;
/* The action's name in the API and the history ("call", "no_show"…), and back (-1). */
const char *fl_action_name(fl_action_t a);
int fl_action_from_name(const char *name);
/* The state a move leads to from `from`, or NULL when the table does not allow it. A recall
 * stays "called"; the recall past floor.max_recalls becomes a no-show (fl_act). */
const char *fl_move_to(fl_action_t a, const char *from);

/* What a welcome desk, a kiosk or the API asks for. */
typedef struct {
	const char *office, *zone; /* codes */
	const char *service;       /* procedure code, "" or NULL: not sure */
	const char *age_band, *gender, *lang;
	int autonomous;         /* 1, 0, -1 not said */
	const char *priority;   /* comma list, "" none */
	const char *channel;    /* welcome, kiosk, api */
	int64_t appointment_id; /* check-in: bound to this appointment (no quota) */
	int64_t appointment_at; /* its start */
	/* Who the person is, when they say (each NULL or ""): the ticket is linked to their citizen
	 * record (people_link). A check-in's ticket takes its appointment's person instead. */
	const char *name, *id_number, *email, *phone;
} fl_issue_t;

/* A new ticket: checks the input (all field errors at once), the zone's issuing (closed by a
 * coordinator, the daily quota of walk-ins), takes the next number of the office, zone and day,
 * inserts it with its first history row. token gets the live page's token (64 hex, shown once).
 * Inside the caller's transaction. ERR_INVALID ("invalid"), ERR_CONFLICT ("quota_reached",
 * "issuing_closed"), ERR_NOT_FOUND ("not_found": the office), storage errors. */
int fl_issue(fl_ctx_t *ctx, const fl_issue_t *in, fl_ticket_t *out, char token[65], fl_err_t *err);

/* What a desk says with an action. */
typedef struct {
	const char *desk; /* desk code: call, resume (default: the ticket's desk) */
	/* transfer: to a zone (code) or a desk (code: its zone, and only that desk calls it) */
	const char *to_zone, *to_desk, *note;
	/* finish: the outcome */
	const char **procedures;
	size_t nprocedures;
	const char *mode; /* "for" | "with" | "" */
	int idcat;        /* 1, 0, -1 not said */
	const char *referred, *notes;
} fl_act_in_t;

/* What changed, for the announcements made after the commit (web.h). */
typedef struct {
	int64_t office_id;
	const char *office_code;
	int64_t zones[4]; /* the zones whose queue changed */
	size_t nzones;
	bool call; /* a call or a recall: the displays announce it */
	fl_ticket_t t;
} fl_change_t;

/* Calls: the ticket (ticket_id) or the next one in calling order for the desk (ticket_id 0).
 * The desk must belong to the office and have nobody called or in service. ERR_NOT_FOUND with
 * err->code NULL when nobody waits; "not_found", "bad_state". Inside the caller's transaction;
 * opens a desk session for the actor when they have none at that desk. */
int fl_call(fl_ctx_t *ctx, const char *office, const char *desk, int64_t ticket_id, fl_change_t *ch, fl_err_t *err);
/* Any other action on a ticket (not FL_CALL). Inside the caller's transaction. */
int fl_act(fl_ctx_t *ctx, int64_t ticket_id, fl_action_t a, const fl_act_in_t *in, fl_change_t *ch, fl_err_t *err);

/* The job: tickets of earlier days still open end (no_show, or done when in service) and desk
 * sessions of earlier days close. Its own transactions. *n (may be NULL) gets the tickets ended. */
int fl_expire(fl_ctx_t *ctx, int *n);

/* history.c: demo.history_days of past tickets (core/demo.h). */
typedef struct {
	int64_t office_id, id;
	const char *office, *kind, *letter;
	int seq; /* the day's last number */
} fl_history_zone_t;
typedef struct {
	int64_t office_id, zone_id;
	const char *day, *status, *channel, *procedure, *age_band, *gender, *lang, *mode;
	int seq;
	char number[16], token_hash[32];
	int64_t issued_at, called_at, started_at, finished_at;
} fl_history_t;
int fl_history_seed(db_conn_t *c, const config_t *cfg, int64_t now);
int fl_store_history_zones(db_conn_t *c, arena_t *a, fl_history_zone_t **out, size_t *n);
struct demo_batch *fl_store_history_batch(db_conn_t *c);
int fl_store_history_add(struct demo_batch *b, const fl_history_t *t);

/* demo.c: a morning in progress at two demo offices (optional seed step). */
int fl_demo_seed(db_conn_t *c, const config_t *cfg, int64_t now);

/* ---------------------------------------------------------------- places, announcements (ticket.c) */

/* Where a ticket stands: the people ahead of it in its zone and the estimated wait in minutes
 * (both 0 when it is not waiting). */
int fl_place(fl_ctx_t *ctx, const fl_ticket_t *t, int64_t *ahead, int64_t *wait_min);
/* The bus topic "floor.WHAT.OFFICE_ID" (arena): WHAT is "calls" (the displays) or "queue" (the
 * live pages, the desks and the board). */
const char *fl_topic(arena_t *a, const char *what, int64_t office_id);
/* After a committed change: the call to the displays (ch->call) and the new order of the zones
 * it touched (ch->t, when set, is the ticket that changed). A failure loses nothing (logged). */
struct bus;
void fl_publish(fl_ctx_t *ctx, struct bus *bus, const fl_change_t *ch);

/* ---------------------------------------------------------------- offices, queues (queue.c) */

/* An office's floor: the catalogue's office with zones and desks, and the floor's per-zone
 * settings. */
typedef struct {
	cat_office_t o;
	const char *day; /* today, local */
	int64_t *quota;  /* per zone (o.zones[i]): daily walk-ins allowed, 0 no limit */
	bool *closed;    /* per zone: issuing closed */
} fl_office_t;
/* ERR_NOT_FOUND for an unknown or inactive office. */
int fl_office_load(fl_ctx_t *ctx, const char *code, fl_office_t *out);
int fl_office_load_id(fl_ctx_t *ctx, int64_t id, fl_office_t *out);
/* The zone or desk with this code (NULL); the zone a desk belongs to (may be NULL). */
const cat_zone_t *fl_zone(const fl_office_t *f, const char *code);
const cat_zone_t *fl_zone_id(const fl_office_t *f, int64_t id);
const cat_desk_t *fl_desk(const fl_office_t *f, const char *code, const cat_zone_t **zone);
const cat_desk_t *fl_desk_id(const fl_office_t *f, int64_t id, const cat_zone_t **zone);
/* Local date of now at the office ("YYYY-MM-DD", arena). */
const char *fl_today(fl_ctx_t *ctx, const cat_office_t *o);

/* The waiting tickets of an office today, in calling order. */
int fl_queue(fl_ctx_t *ctx, const fl_office_t *f, fl_ticket_t **out, size_t *n);
/* floor.appointment_window in seconds. */
int64_t fl_window(const fl_ctx_t *ctx);
/* The ticket call-next gives desk_id serving zones (fl_order_next's choice), read without walking
 * the queue: ERR_NOT_FOUND when nobody waits for it. */
int fl_next(fl_ctx_t *ctx, const fl_office_t *f, int64_t desk_id, const int64_t *zones, size_t nzones,
	    fl_ticket_t *out);

/* The wait estimate of a zone: the mean service time (start to finish) of its last
 * floor.wait_sample tickets finished today, floor.default_service_min when there are fewer than
 * three, divided by the desks open now that serve the zone (at least one). */
typedef struct {
	int64_t service_s; /* mean service time used, seconds */
	int64_t samples;   /* finished tickets it comes from (0: the default) */
	int64_t desks;     /* desks open serving the zone (0 shown as 1 in the division) */
} fl_estimate_t;
int fl_estimate(fl_ctx_t *ctx, int64_t office_id, int64_t zone_id, const char *day, fl_estimate_t *out);
/* Minutes to wait with `ahead` people before: ceil(ahead × service / desks / 60); for an
 * appointment not before its callable time (appointment_at − window). */
int64_t fl_wait_min(const fl_estimate_t *e, int64_t ahead, const fl_ticket_t *t, int64_t now, int64_t window);
/* ahead: the waiting tickets before t in its zone, in calling order (0 when t is not waiting). The
 * rule over a whole queue: fl_place counts the same in the index, checked by the unit tests. */
int64_t fl_ahead(const fl_ticket_t *q, size_t n, const fl_ticket_t *t);

/* ---------------------------------------------------------------- what people type (parse.c) */

/* The welcome desk's check-in field: a manage link (…/cita/CODE?token=HEX: *code and *token, arena),
 * an 8-character text that is a code or an ID number, or another ID number (id: normalised,
 * upper case without spaces, dashes or dots). */
typedef enum { FL_CHECKIN_NONE, FL_CHECKIN_LINK, FL_CHECKIN_CODE_OR_ID, FL_CHECKIN_ID } fl_checkin_kind_t;
fl_checkin_kind_t fl_parse_checkin(arena_t *a, const char *what, const char **code, const char **token,
				   char id[BOOKING_ID_MAX]);
/* A ticket number as the rules make them: one or two capital letters and 1–5 digits. */
bool fl_number_valid(const char *s);

/* ---------------------------------------------------------------- check-in (checkin.c) */

/* booking's listener (booking_listen): a check-in of an in-person appointment becomes a ticket
 * in the office's appointment zone bound to its time. */
int fl_on_booking(booking_ctx_t *bctx, const booking_t *b, const char *from, const char *to);
/* A fresh live-page token for ticket id (the one issued is shown once, and a check-in made
 * through booking's API shows none): token gets 64 hex. Inside the caller's transaction. */
int fl_new_token(fl_ctx_t *ctx, int64_t id, char token[65]);
/* The welcome desk's check-in: `what` is an appointment code, the manage link of its
 * confirmation (what its QR code holds: …/cita/CODE?token=…) or an ID number with an
 * appointment at this office today. Checks it in with booking_check_in (its own transaction,
 * with audit inside it: call outside one), whose listener makes the ticket; gives the ticket and
 * its live-page token. ERR_NOT_FOUND ("invalid" on appointment, or "not_found" when the office
 * has no appointment zone), ERR_CONFLICT ("bad_state": not booked, or not in person), storage
 * errors. */
int fl_check_in(fl_ctx_t *ctx, const char *office, const char *what, fl_ticket_t *out, char token[65], fl_err_t *err,
		int (*audit)(void *ud, const char *action, const char *code, const char *detail), void *audit_ud);

/* ---------------------------------------------------------------- spoken calls (audio.c) */

#define FL_SPEAK_MAX 3
/* The texts of the call of number at desk d, one per language of floor.languages (fl_say_call:
 * "Número A 12, taula 5"). */
int fl_announce_texts(fl_ctx_t *ctx, const char *number, const cat_desk_t *d, const char **langs, const char **texts,
		      size_t *n);
/* The announcement as a WAV file (arena): from the cache, else made with espeak-ng
 * (floor.espeak) and cached; the chime alone when espeak-ng cannot run. *key gets the cache key
 * ("chime" for the chime alone), for the ETag. */
int fl_announcement(fl_ctx_t *ctx, const char *number, const cat_desk_t *d, const unsigned char **wav, size_t *len,
		    const char **key);

/* The cards other capabilities put on the board (floor_board_card), in lang: at most max into
 * out; those whose function fails are left out (logged). Their number. */
size_t fl_board_cards(fl_ctx_t *ctx, const char *lang, floor_board_card_t *out, size_t max);

/* ---------------------------------------------------------------- people.c: the citizen record */

struct app;
/* The capability's hooks (core/cap.h): a person's tickets in the timeline; erasure. */
int fl_timeline(struct app *app, db_conn_t *c, cap_tl_t *tl);
int fl_erase(struct app *app, db_conn_t *c, const int64_t *ids, size_t n, int64_t now);

/* ---------------------------------------------------------------- store.c */

int fl_store_ticket_insert(db_conn_t *c, const fl_ticket_t *t, const char *token_hash, int64_t *id);
int fl_store_ticket_person(db_conn_t *c, int64_t ticket_id, int64_t person_id);
/* A person's tickets (one record id), newest first, at most 500. */
int fl_store_by_person(db_conn_t *c, arena_t *a, int64_t person_id, fl_ticket_t **out, size_t *n);
/* Erasure: blanks the free texts of the person's tickets (notes, "referred to"). */
int fl_store_erase_person(db_conn_t *c, int64_t person_id);
int fl_store_ticket(db_conn_t *c, arena_t *a, int64_t id, fl_ticket_t *out);
int fl_store_ticket_by_token(db_conn_t *c, arena_t *a, int64_t id, const char *token_hash, fl_ticket_t *out);
int fl_store_ticket_by_appointment(db_conn_t *c, arena_t *a, int64_t appointment_id, fl_ticket_t *out);
/* A ticket of the office today by its number ("A012"), the latest issued. */
int fl_store_ticket_by_number(db_conn_t *c, arena_t *a, int64_t office_id, const char *day, const char *number,
			      fl_ticket_t *out);
/* Writes the moving columns of t (status, zone, times, desk, outcome…) when its status is still
 * `from`: 0, ERR_CONFLICT when it changed meanwhile. */
int fl_store_ticket_update(db_conn_t *c, const fl_ticket_t *t, const char *from);
int fl_store_ticket_procs(db_conn_t *c, int64_t ticket_id, const int64_t *procs, size_t n);
int fl_store_event_add(db_conn_t *c, int64_t ticket_id, int64_t at, const char *action, const char *from,
		       const char *to, const char *actor, int64_t desk_id, int64_t zone_id, const char *detail);
typedef struct {
	int64_t at;
	const char *action, *from, *to, *actor, *detail;
} fl_event_t;
int fl_store_events(db_conn_t *c, arena_t *a, int64_t ticket_id, fl_event_t **out, size_t *n);
int fl_store_set_survey(db_conn_t *c, int64_t ticket_id, const char *token);
/* A new live-page token for a ticket (a reprint): the old link stops working. */
int fl_store_set_token(db_conn_t *c, int64_t ticket_id, const char *token_hash);

/* Open tickets (waiting, transferred) of an office and day; tickets that are with a desk
 * (called, in_service, parked). */
int fl_store_waiting(db_conn_t *c, arena_t *a, int64_t office_id, const char *day, fl_ticket_t **out, size_t *n);
/* The same, read without walking the queue (index floor_tickets_waiting; the order in SQL agrees
 * with fl_order_cmp). cut is now + floor.appointment_window. Light rows: id, zone_id, the
 * appointment, priority, arrival and target desk, status "waiting"; nothing else is set.
 * fl_store_ahead: the waiting tickets of t's zone before t, whose class (fl_class_t) is cls.
 * fl_store_zone_order: a zone's first max waiting tickets in calling order.
 * fl_store_next: the first ticket desk_id may call in zone_id (not sent to another desk), or,
 * with zone_id 0, the first one sent to desk_id in any zone; never an early appointment.
 * ERR_NOT_FOUND when there is none. */
int fl_store_ahead(db_conn_t *c, const fl_ticket_t *t, int cls, int64_t cut, int64_t *n);
int fl_store_zone_order(db_conn_t *c, arena_t *a, int64_t office_id, const char *day, int64_t zone_id, int64_t cut,
			size_t max, fl_ticket_t **out, size_t *n);
int fl_store_next(db_conn_t *c, arena_t *a, int64_t office_id, const char *day, int64_t zone_id, int64_t desk_id,
		  int64_t cut, fl_ticket_t *out);
int fl_store_active(db_conn_t *c, arena_t *a, int64_t office_id, const char *day, fl_ticket_t **out, size_t *n);
/* The ticket a desk has called or serves now (ERR_NOT_FOUND when none). */
int fl_store_desk_current(db_conn_t *c, arena_t *a, int64_t desk_id, fl_ticket_t *out);
/* Tickets of earlier days still open (ids). */
int fl_store_stale(db_conn_t *c, arena_t *a, const char *today, int64_t **ids, size_t *n);

/* The next number of office, zone, day; walk_in counts against the quota: *seq and *walk_ins
 * as they are after this one. */
int fl_store_next_seq(db_conn_t *c, int64_t office_id, int64_t zone_id, const char *day, bool walk_in, int64_t *seq,
		      int64_t *walk_ins);
int fl_store_walk_ins(db_conn_t *c, int64_t office_id, int64_t zone_id, const char *day, int64_t *n);
/* Per-zone settings: quota (-1 when not set) and closed. ERR_NOT_FOUND when no row. */
int fl_store_zone_get(db_conn_t *c, int64_t zone_id, int64_t *quota, bool *closed);
int fl_store_zone_set(db_conn_t *c, int64_t zone_id, int64_t quota, bool closed, int64_t now, const char *by);

/* Desk sessions. */
typedef struct {
	int64_t id, desk_id, user_id;
	const char *user_email, *zones; /* zones: comma list of zone ids */
	int64_t opened_at;
} fl_session_t;
int fl_store_sessions(db_conn_t *c, arena_t *a, int64_t office_id, fl_session_t **out, size_t *n);
int fl_store_session_of(db_conn_t *c, arena_t *a, int64_t user_id, fl_session_t *out);
int fl_store_session_open(db_conn_t *c, int64_t office_id, int64_t desk_id, int64_t user_id, const char *email,
			  const char *zones, int64_t now, int64_t *id);
/* Closes the open sessions of a user (and of a desk, when desk_id is not 0). */
int fl_store_session_close(db_conn_t *c, int64_t user_id, int64_t desk_id, int64_t now);
int fl_store_sessions_close_before(db_conn_t *c, int64_t before);
/* Desks open now that serve a zone. */
int fl_store_desks_open(db_conn_t *c, int64_t office_id, int64_t zone_id, int64_t *n);
/* Mean service seconds of the last `sample` tickets of a zone finished on day; *n samples. */
int fl_store_service_mean(db_conn_t *c, int64_t office_id, int64_t zone_id, const char *day, int64_t sample,
			  int64_t *mean_s, int64_t *n);

/* The board's figures of one zone today: served (done), no-shows. */
int fl_store_zone_counts(db_conn_t *c, int64_t office_id, int64_t zone_id, const char *day, int64_t *served,
			 int64_t *no_shows);

/* Calls, for the displays. */
typedef struct {
	int64_t id;
	const char *number, *desk, *zone;
	int64_t at;
} fl_call_t;
int fl_store_call_add(db_conn_t *c, int64_t office_id, int64_t ticket_id, const char *number, const char *desk,
		      const char *zone, int64_t at, int64_t *id);
int fl_store_calls(db_conn_t *c, arena_t *a, int64_t office_id, int64_t since, int limit, fl_call_t **out, size_t *n);

/* Announcements cached per text. */
int fl_store_audio_get(db_conn_t *c, arena_t *a, const char *key, const unsigned char **wav, size_t *len);
int fl_store_audio_put(db_conn_t *c, const char *key, const unsigned char *wav, size_t len, int64_t now);

/* store_figures.c: what the floor counts for src/figures (cap_t.figures); the age band × gender
 * of the tickets issued (a table of a row per band, a measure per gender). */
extern const cap_figure_t fl_figures[];
int fl_store_fig_profile(db_conn_t *c, const cap_fig_filter_t *f, cap_fig_out_t *out);

#endif

/* booking.h — appointments (cita prèvia): identity documents, availability with the rules that
 * keep bots from hoarding, holds, the atomic seat, the state machine, the manage link, and the
 * appointment view model that pages and notifications render (docs/internals/booking.md).
 *
 * Who may book: anyone (the public share of a slot, proof of work and rate limits in the API) or
 * a signed-in staff member on a citizen's behalf (the staff share first, then the public one;
 * the appointment records who booked it). Every change runs in ONE transaction here: the seat
 * counter, the appointment row, its history row and the notifications (notify_enqueue) commit
 * together or not at all. The functions that change something (hold, create, cancel,
 * reschedule, transition, check-in, the job) begin and commit their own transaction: call them
 * outside one. booking_pow_redeem is the exception: it writes in the caller's transaction.
 *
 * Seats: a slot's counters (slots.booked / slots.staff_booked, schedule.h) move only here, with
 * one conditional UPDATE each (`booked = booked + 1 WHERE … AND booked < capacity`), so no
 * interleaving of requests or nodes can overbook. A cancelled seat goes back to the pool only
 * after booking.cancel_return_delay seconds (a seat_returns row applied by booking_job), so a
 * seat cannot be "handed over" to a buyer by cancelling at an agreed moment.
 *
 * Manage link: the token is 256 random bits (64 hex characters), shown once (create) and never
 * stored: only its SHA-256 is. A citizen proves ownership with the token, or with code + ID
 * number.
 *
 * Ownership: strings in out-structures come from the context's arena (ctx->a) and live as long
 * as it; json_t results are new references. Errors: 0 or a negative code from base/err.h, and
 * for anything the citizen can fix, a booking_err_t the pages and the API render. */
#ifndef FIN_BOOKING_H
#define FIN_BOOKING_H

#include "base/arena.h"
#include "base/config.h"
#include "base/fielderr.h"
#include "base/tz.h"
#include "db/db.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---------------------------------------------------------------- identity documents */

#define BOOKING_ID_MAX 24 /* a normalised ID number + NUL (passports: up to 20) */

/* Validates an ID number of type "dni" (8 digits + check letter), "nie" (X/Y/Z + 7 digits +
 * check letter) or "passport" (5–20 letters and digits), after normalising it: upper case, spaces,
 * dashes and dots removed. On success writes the normalised number into normalised (may be NULL)
 * and returns true. Never reads past number's NUL; NULL type or number is false. */
bool booking_id_valid(const char *type, const char *number, char normalised[BOOKING_ID_MAX]);
/* "***4567Z": the last five characters of a normalised number, the rest hidden (arena). */
const char *booking_id_mask(arena_t *a, const char *normalised);

/* ---------------------------------------------------------------- errors for the citizen */

typedef struct {
	/* What went wrong, as the API names it (NULL when nothing did):
	 *   "invalid"        fields says which fields and why (HTTP 422)
	 *   "slot_full"      the seat went to somebody else (409)
	 *   "hold_expired"   the hold is gone (409)
	 *   "limit_reached"  too many active appointments for this ID / e-mail / phone, or too
	 *                    many bookings with a passport from this address today (429; the
	 *                    field says which, key booking_err_limit_*)
	 *   "hold_limit"     this address holds booking.max_holds_per_address seats already (429)
	 *   "not_found"      no such appointment, or the token / ID number does not match (404)
	 *   "bad_state"      the appointment cannot do this in its state (409)
	 *   "too_late"       the appointment has started or is over (409)
	 * key: the i18n key of the summary message (booking_err_…). */
	const char *code;
	const char *key;
	/* Fields ("name", "id_number", "email", "phone", "start", "service", …) with the i18n key of
	 * their message ("booking_err_id_number", …); one message per field. */
	fielderr_t fields;
} booking_err_t;

/* The HTTP status for err->code (422, 409, 429, 404; 500 when unknown or NULL). */
int booking_err_status(const booking_err_t *err);
/* Whether err has a message for field, and which (i18n key), or NULL. */
const char *booking_err_field(const booking_err_t *err, const char *field);

/* ---------------------------------------------------------------- context */

/* Who acts and with what settings (pages and the API fill it from the request). */
typedef struct {
	db_conn_t *c;        /* borrowed; no transaction open */
	arena_t *a;          /* where out-strings go */
	const config_t *cfg; /* [booking], server.public_url */
	int64_t now;         /* Unix seconds */
	const char *lang;    /* a language offered (i18n.languages): messages and model texts */
	/* The actor: a staff member (user_id > 0, staff = true) or a citizen (0, false). */
	int64_t user_id;
	const char *user_email; /* staff e-mail, recorded as booked_by and in the history */
	bool staff;
	bool demo;          /* demo data: no proof of work, no mails */
	const char *client; /* the client's key for the limits per address (http_req_t.client_key);
			     * NULL or "" for none (jobs, the CLI) */
	/* Called inside a change's transaction just before it commits, with what happened
	 * ("booking.create", "booking.cancel", "booking.reschedule", "booking.check_in",
	 * "booking.status"), the appointment's code and a detail (the service, the new state; may be
	 * NULL): the web layer writes its audit record with it, so that both commit or neither. An
	 * error rolls the change back. NULL: nothing to record. */
	int (*audit)(void *ud, const char *action, const char *code, const char *detail);
	void *audit_ud;
} booking_ctx_t;

/* ---------------------------------------------------------------- availability */

/* The schedule's channel of the slots that serve a booking on channel at an office of kind
 * office_kind: in person at a neighbourhood facility means the ICT agent's agenda there
 * ("ict_agent" slots, schedule.h); anything else is the channel itself. The appointment keeps the
 * booking channel ("in_person"): that is how the person comes. Borrowed static strings. */
const char *booking_slot_channel(const char *office_kind, const char *channel);

typedef struct {
	int64_t slot_id;    /* one of the slots at this start (phone/video: several offices) */
	const char *office; /* its office code */
	int64_t start_at, end_at;
	char start_iso[TZ_ISO_LEN]; /* in the office's zone, with offset */
	char time[TZ_HHMM_LEN];     /* local "HH:MM" */
	int free;                   /* seats the actor may take (summed over offices for phone/video) */
} booking_slot_t;

typedef struct {
	char date[TZ_DATE_LEN];
	booking_slot_t *slots;
	size_t nslots;
} booking_day_t;

typedef struct {
	const char *service;   /* procedure code (required) */
	const char *channel;   /* "in_person" | "phone" | "video" */
	const char *office;    /* office code; required in person (an office offering the procedure);
	                       * for phone/video optional: when empty, every active virtual office */
	const char *from, *to; /* local dates; default today .. today + 30; at most 92 days */
} booking_query_t;

/* Bookable slots for the actor (staff see the staff share and unreleased days), grouped by
 * local day; days without a free slot are left out. Seats held by live holds are not free.
 * ERR_INVALID with err filled (service, channel, office, from, to) for bad input. */
int booking_availability(booking_ctx_t *ctx, const booking_query_t *q, booking_day_t **days, size_t *ndays,
			 booking_err_t *err);
/* The same as the API's body: {"days":[{"date","slots":[{"start","free"}]}]}. */
json_t *booking_days_json(const booking_day_t *days, size_t ndays);

/* ---------------------------------------------------------------- holds, create */

typedef struct {
	const char *service, *channel, *office; /* as in booking_query_t */
	const char *start;                      /* ISO 8601 with offset (or Z), the slot's start */
	int64_t slot_id;                        /* alternative to office + start (pages); 0 = use start */
	const char *hold;                       /* a hold token from booking_hold (optional) */
	const char *name, *id_type, *id_number, *email, *phone, *lang;
	int digital_confidence; /* 0 = not given; 1..5 */
	/* The altcha widget's payload (form/JSON field "altcha"). Required from citizens when
	 * booking.proof_of_work is on (field error "altcha" otherwise); staff need none. */
	const char *altcha;
} booking_input_t;

#define BOOKING_CODE_LEN 9 /* 8 characters from BOOKING_CODE_ALPHABET + NUL */
#define BOOKING_CODE_ALPHABET "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
#define BOOKING_TOKEN_LEN 65 /* 64 hex + NUL */

/* Holds a seat of the slot at in->start for booking.hold_seconds (reserve → confirm): the seat is
 * taken now (a hold counts as a booking for the counters). A hold costs a citizen what a booking
 * costs: the proof of work (in->altcha, redeemed here) when booking.proof_of_work is on, and one
 * client address holds at most booking.max_holds_per_address seats at once; staff pay neither.
 * The hold remembers its procedure, channel and client: only a booking for the same procedure and
 * channel from the same client can claim it. A hold that ends without a booking (released, or
 * expired and swept by booking_job) gives its seat back after booking.cancel_return_delay, as a
 * cancellation does, so that a seat cannot be handed over at an agreed moment by letting it go.
 * Only service/channel/office/start (or slot_id) and altcha are read. Writes the hold token (64
 * hex) and its expiry. "slot_full", "invalid" (fields, altcha among them), "hold_limit". */
int booking_hold(booking_ctx_t *ctx, const booking_input_t *in, char token[BOOKING_TOKEN_LEN], int64_t *expires_at,
		 booking_err_t *err);
/* Lets a hold go (the citizen went back to pick another time): its seat returns after
 * booking.cancel_return_delay. 0 or ERR_NOT_FOUND. */
int booking_hold_release(booking_ctx_t *ctx, const char *token);

typedef struct {
	int64_t id;
	char code[BOOKING_CODE_LEN];
	char token[BOOKING_TOKEN_LEN]; /* the manage token: show it once, never log it */
	json_t *model;                 /* booking_model() of the new appointment (new reference) */
} booking_created_t;

/* Books: validates every field (all errors at once), checks the limits per ID number, e-mail and
 * phone (active future appointments, booking.max_active_per_*; e-mails by identity and phones in
 * E.164, base/contact.h) and, for a citizen's passport, per client address and day
 * (booking.max_passport_per_address), takes the seat (the hold's when in->hold is given, still
 * live and taken for the same procedure, channel and client; else a public seat, or for staff a
 * staff seat then a public one), inserts the appointment and its first history row, and enqueues
 * the confirmation and the reminder — one transaction. A citizen's booking with a live hold needs
 * no proof of work (the hold paid it); without one, in->altcha is required when
 * booking.proof_of_work is on, and a hold that is gone with no payload to book by start instead is
 * "hold_expired". The caller unrefs out->model. Errors: ERR_INVALID ("invalid"), ERR_CONFLICT
 * ("slot_full", "hold_expired"), ERR_BUSY ("limit_reached"), storage errors. */
int booking_create(booking_ctx_t *ctx, const booking_input_t *in, booking_created_t *out, booking_err_t *err);

/* Everything booking_create checks before it touches a seat — the procedure, channel and office,
 * the citizen's details (a phone call-back needs a phone number), the start, the proof of work
 * (verified, not redeemed) — with the same errors; nothing is written. 0 or ERR_INVALID with the
 * fields in err (or a storage error). Pages use it to tell a form to correct from a booking. */
int booking_validate(booking_ctx_t *ctx, const booking_input_t *in, booking_err_t *err);

/* What became of a hold: when booking_create turned the hold token `hold` into an appointment
 * (within the last day), its code and manage token (sealed with a key only the hold token gives),
 * so the person who comes back to the details page sees their own booking. 0, or ERR_NOT_FOUND. */
int booking_hold_result(booking_ctx_t *ctx, const char *hold, char code[BOOKING_CODE_LEN],
			char token[BOOKING_TOKEN_LEN]);

/* The citizen record (people/people.h) an appointment is linked to: 0 when none (or when it
 * cannot be read). */
int64_t booking_person_of(booking_ctx_t *ctx, int64_t appt_id);

/* Demo data only (`finestreta demo`): books in's person for in's service and channel at any
 * time, without a slot or a seat (slot_id NULL), so that a demo shows an appointment whatever the
 * hour it runs at. The first office of the target; no limits, no proof of work. */
int booking_demo_at(booking_ctx_t *ctx, const booking_input_t *in, int64_t start_at, int64_t end_at,
		    booking_created_t *out, booking_err_t *err);

/* ---------------------------------------------------------------- one appointment */

typedef struct {
	int64_t id, slot_id, office_id, procedure_id; /* slot_id 0 once its slot was removed */
	const char *code, *channel, *status;
	const char *office_code, *service_code;
	int64_t start_at, end_at;
	const char *name, *id_type, *id_number, *email, *phone, *lang;
	int digital_confidence;    /* 0 when not given */
	int64_t booked_by_user_id; /* 0 for the citizen */
	const char *booked_by;     /* "citizen" or the staff e-mail */
	bool staff_seat;
	int sequence; /* changes so far (iCalendar SEQUENCE) */
	int64_t created_at, updated_at, cancelled_at, checked_in_at, called_at, served_at, done_at;
} booking_t;

/* The appointment with this code when token (64 hex) or id_number (normalised or not) matches;
 * staff (ctx->staff) need neither. A wrong token, a wrong ID number and an unknown code all give
 * ERR_NOT_FOUND, so the answer says nothing about which codes exist. */
int booking_get(booking_ctx_t *ctx, const char *code, const char *token, const char *id_number, booking_t *out);

/* Cancels (booked or checked_in → cancelled) with the same proof as booking_get; the seat
 * returns to the pool after booking.cancel_return_delay; the cancellation mail is enqueued.
 * "not_found", "bad_state", "too_late" (the start has passed; staff may still cancel). */
int booking_cancel(booking_ctx_t *ctx, const char *code, const char *token, const char *id_number, booking_err_t *err);

/* Moves a booked appointment to the slot at new_start (ISO) or new_slot_id (non-zero wins), same
 * service, channel and office (any serving office for phone/video): the new seat is taken before
 * the old one is released, in one transaction, so a failure leaves the old appointment as it
 * was. The old seat returns to the pool after booking.cancel_return_delay, as for a
 * cancellation (else moving away would hand the seat over just as cancelling would). Limits are
 * not counted again. Enqueues the change mail and a new reminder. out (may be NULL) gets the
 * updated appointment. "slot_full", "invalid" (start), "not_found", "bad_state", "too_late". */
int booking_reschedule(booking_ctx_t *ctx, const char *code, const char *token, const char *id_number,
		       const char *new_start, int64_t new_slot_id, booking_t *out, booking_err_t *err);

/* ---------------------------------------------------------------- states */

/* States: "booked", "checked_in", "called", "in_service", "done", "no_show", "cancelled".
 * Allowed moves (the one table, in booking.c):
 *   booked → checked_in | no_show | cancelled;  checked_in → called | cancelled;
 *   called → in_service | checked_in (sent back to wait) | no_show (did not answer the call);
 *   in_service → done. */
bool booking_state_valid(const char *state);
bool booking_transition_allowed(const char *from, const char *to);
/* Moves the appointment to to_state when the table allows it, stamping the matching *_at
 * column, with a history row (actor: ctx->user_email for staff, else "citizen"). One
 * transaction; a move to "cancelled" also schedules the seat's return and enqueues the mail.
 * No proof is asked: this is for staff screens (the citizen's way is booking_cancel).
 * 0, ERR_NOT_FOUND, ERR_CONFLICT (not allowed from the current state, or a no-show before the
 * appointment's time: booking_no_show_early tells which), ERR_INVALID (unknown state). */
int booking_transition(booking_ctx_t *ctx, const char *code, const char *to_state);
/* booking_transition inside a transaction the caller opened and commits (the caller's change and
 * the move commit together or not at all). Same results, except that a no-show may come before
 * the appointment's time (remote attention: a call-back nobody answered). */
int booking_transition_tx(booking_ctx_t *ctx, const char *code, const char *to_state);
/* Walks b from its state along booked → checked_in → called → in_service → done up to `to`, one
 * booking_transition_tx per step, inside the caller's transaction (an attention served outside
 * the floor's queue: a phone call, a video call, an ICT session). 0 when already there or past;
 * ERR_INVALID for a state off that path, ERR_CONFLICT when b is off it (cancelled, no-show). */
int booking_advance_tx(booking_ctx_t *ctx, const booking_t *b, const char *to);

/* Listeners: a capability later in the table that acts on an appointment's moves (the office
 * floor turns a check-in into a ticket; the survey offers itself when an attention is done)
 * registers a function from its start hook, before the server starts (at most 8; the same one
 * twice is a no-op). It is called for every move — booking_check_in, booking_transition,
 * booking_cancel, booking_move and the no-show job — inside the move's transaction, after the
 * appointment row and its history row are written, with the appointment as it now is (b->status
 * is to; the office and service codes may be NULL when the job moves it). An error rolls the
 * whole move back. */
typedef int (*booking_listener_fn)(booking_ctx_t *ctx, const booking_t *b, const char *from, const char *to);
void booking_listen(booking_listener_fn fn);
/* For those capabilities: moves the appointment with this id to to_state inside the CALLER's
 * transaction (nothing when it is in that state already), with its history row (actor, or the
 * context's) and the listeners. 0, ERR_NOT_FOUND, ERR_CONFLICT (not allowed from its state),
 * ERR_INVALID (unknown state), or a storage error. */
int booking_move(booking_ctx_t *ctx, int64_t id, const char *to_state, const char *actor);
/* The appointment with this id, codes filled, no proof asked (staff screens). ERR_NOT_FOUND. */
int booking_by_id(booking_ctx_t *ctx, int64_t id, booking_t *out);
/* True when a move to to_state is a no-show of an appointment whose time has not come yet: nobody
 * can have missed it. */
bool booking_no_show_early(const booking_t *b, const char *to_state, int64_t now);

/* Check-in at the welcome desk: the ID number shown must match the booking's (the appointment is
 * bound to it), then booked → checked_in. ERR_NOT_FOUND for an unknown code, ERR_PERM for a
 * number that does not match, ERR_CONFLICT for a wrong state. */
int booking_check_in(booking_ctx_t *ctx, const char *code, const char *id_number);

/* Staff lists: the appointments of an office (0: every office) on a local date, channel ""
 * for all, ordered by start (arena array, at most 2000). */
int booking_list(booking_ctx_t *ctx, int64_t office_id, const char *day, const char *channel, booking_t **out,
		 size_t *n);

/* The appointment with this id, for staff screens and jobs (no proof asked). ERR_NOT_FOUND. */
int booking_by_id(booking_ctx_t *ctx, int64_t id, booking_t *out);

/* Earlier and later appointments of the same person as b (same ID number, e-mail or phone),
 * b itself left out, newest first, at most limit (arena array). Staff screens only. */
int booking_contacts(booking_ctx_t *ctx, const booking_t *b, int limit, booking_t **out, size_t *n);

/* The retention the privacy notice promises: the personal details (name, ID number, e-mail,
 * phone) of appointments that ended more than keep_days ago, and of cancelled ones whose time
 * has passed, are erased; what figures need (channel, office, procedure, times, states) stays.
 * Inside its own transaction; *n (may be NULL) gets how many were erased. */
int booking_purge_personal(db_conn_t *c, int64_t now, int64_t keep_days, int *n);
/* The procedures people booked most in the last `days` days, most first: their ids (arena, at most
 * max; *n may be 0 on a new installation). */
int booking_popular(booking_ctx_t *ctx, int days, size_t max, int64_t **ids, size_t *n);

/* One history row. */
typedef struct {
	int64_t at;
	const char *from_state; /* "" for the first row */
	const char *to_state, *actor;
} booking_event_t;
/* The appointment's history, oldest first (arena). */
int booking_history(booking_ctx_t *ctx, int64_t appointment_id, booking_event_t **out, size_t *n);

/* ---------------------------------------------------------------- view model */

/* The appointment view model (see notify.h): code, token and manage_url (`PUBLIC/cita/CODE?token=`
 * when token is given, else `PUBLIC/cita/CODE`, where the citizen gives the ID number), status,
 * channel, service {code, name}, office {code, name, address, phone, accessibility} (in person),
 * start, end, start_local {date, time, weekday}, tz, duration_min, name, id_type, id_masked,
 * email, phone, lang, documents, online_url, booked_by, sequence — texts in
 * lang (NULL: the booking's language). token may be NULL. New reference, or NULL on storage
 * error. */
json_t *booking_model(booking_ctx_t *ctx, const booking_t *b, const char *token, const char *lang);

/* ---------------------------------------------------------------- proof of work (altcha v1) */

/* A new challenge: {"algorithm":"SHA-256","challenge","maxnumber","salt","signature"}, the salt
 * carrying its expiry ("…?expires=UNIX"). key/keylen: booking.pow_key (the process's random key
 * when empty). New reference. */
json_t *booking_pow_challenge(const unsigned char *key, size_t keylen, int64_t maxnumber, int64_t now, int64_t ttl);
/* Checks an altcha payload (base64 of the JSON {algorithm, challenge, number, salt, signature}):
 * the signature, sha256(salt + number) == challenge, and the expiry. Pure: no replay check.
 * 0 or ERR_INVALID. *expires and challenge_hex (either may be NULL) get the salt's expiry and
 * the challenge. */
int booking_pow_verify(const unsigned char *key, size_t keylen, const char *payload, int64_t now, int64_t *expires,
		       char challenge_hex[65]);
/* booking_pow_verify + refuse a payload seen before (kept in the database until it expires, so
 * every node agrees). 0, ERR_INVALID, ERR_CONFLICT (replayed). */
int booking_pow_redeem(booking_ctx_t *ctx, const char *payload);
/* The key in use (booking.pow_key, else a random key made once per process). Borrowed. */
void booking_pow_key(const config_t *cfg, const unsigned char **key, size_t *keylen);

/* The demo history's phone and video appointments (history.c, demo.history_days), in start
 * order: fn gets each one's id, channel, start and status; its first error stops the walk and is
 * returned. Remote attention draws its past calls on them. */
typedef int (*booking_remote_fn)(int64_t id, const char *channel, int64_t start_at, const char *status, void *ud);
int booking_history_remote(db_conn_t *c, booking_remote_fn fn, void *ud);

#endif

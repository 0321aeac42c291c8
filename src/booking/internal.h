/* internal.h — what the files of src/booking/ share: the store (all SQL, store.c) and helpers.
 * Not for other capabilities: they use booking.h. */
#ifndef FIN_BOOKING_INTERNAL_H
#define FIN_BOOKING_INTERNAL_H

#include "booking/booking.h"
#include "catalog/catalog.h"
#include "core/cap.h"
#include "notify/notify.h"
#include "schedule/schedule.h"

/* ---------------------------------------------------------------- helpers (booking.c, id.c) */

/* Upper case without separators, no type check (lookups by ID number). */
bool booking_id_normalise(const char *number, char out[BOOKING_ID_MAX]);
/* Settings with their defaults when cfg is NULL (unit tests). */
int64_t bk_cfg_int(const config_t *cfg, const char *name, int64_t def);
bool bk_cfg_bool(const config_t *cfg, const char *name, bool def);
const char *bk_cfg_str(const config_t *cfg, const char *name, const char *def);
/* The actor's name for history rows. */
const char *bk_actor(const booking_ctx_t *ctx);
/* ctx->audit, when there is one (inside the change's transaction); 0 otherwise. */
int bk_audit(const booking_ctx_t *ctx, const char *action, const char *code, const char *detail);

/* Housekeeping, each step in its own transaction: releases expired holds, returns cancelled seats
 * whose delay has passed, marks no-shows (booked, start + booking.no_show_grace_min passed),
 * forgets expired proof-of-work challenges. *changed (may be NULL) gets the rows touched. */
int booking_job(db_conn_t *c, const config_t *cfg, int64_t now, int *changed);

/* A few demo appointments on the demo city (after the schedule's demo step): in person, by phone
 * booked by the informer, by video, and a cancelled one, on free times from the day after
 * tomorrow. No mails. Each in its own transaction; 0 or the first error (the rest still tried). */
int booking_demo_seed(db_conn_t *c, const config_t *cfg, int64_t now);

/* ---------------------------------------------------------------- the rules' own (booking.c, seat.c, appt.c) */

#define NAME_MAX_BYTES 200
#define DEFAULT_DAYS 30
#define MAX_DAYS 92
#define MAX_OFFICES 32
#define MAX_CANDIDATES 32

/* What a request names: the procedure, the channel, and the offices whose slots may serve it.
 * slot_channel is the schedule's channel of those slots (booking_slot_channel). */
typedef struct {
	catalog_procedure_t proc;
	const char *channel, *slot_channel;
	catalog_office_t offices[MAX_OFFICES];
	size_t noffices;
} bk_target_t;

/* A slot that may take the booking, with its office (one of the target's). */
typedef struct {
	schedule_slot_t s;
	const catalog_office_t *office;
} bk_cand_t;

/* The citizen's details, checked and normalised: email as given (lower-cased) for the mails,
 * email_key its identity for the limits, phone in E.164 (base/contact.h). */
typedef struct {
	const char *name, *id_type, *email, *email_key, *phone, *lang;
	char id_number[BOOKING_ID_MAX];
	int confidence;
} bk_person_t;

/* Takes a seat of one of the candidate slots (in order). 0 with *taken, or ERR_CONFLICT. */
int bk_take_seat(booking_ctx_t *ctx, bk_cand_t *c, size_t nc, size_t *taken, bool *staff_seat);
/* The slots a request names: its slot_id, or its start among the target's offices. ERR_INVALID
 * with "start" in err when it names none, ERR_CONFLICT ("slot_full") when they are full. */
int bk_find_slots(booking_ctx_t *ctx, const bk_target_t *t, const char *start, int64_t slot_id, bk_cand_t *c,
		  size_t *nc, booking_err_t *err);
/* The stored form of a manage or hold token (SHA-256, hex). */
void bk_hash_token(const char *token, char out[65]);
/* What went wrong for the citizen (err may be NULL): the whole request's code and message key, or
 * one field's message (the first for a field wins; the code becomes "invalid" when unset). */
void bk_err_set(booking_err_t *err, const char *code, const char *key);
void bk_err_field(booking_err_t *err, const char *field, const char *key);
/* Checks service / channel / office and lists the offices whose slots may serve them: the
 * office given (in person, or any channel when given), else every active virtual office. */
int bk_resolve_target(booking_ctx_t *ctx, const char *service, const char *channel, const char *office, bk_target_t *t,
		      booking_err_t *err);
/* The office's time zone (UTC when unknown). */
const tz_t *bk_office_tz(const catalog_office_t *o);
/* Checks and normalises the citizen's details of in into p; false with the fields in err. */
bool bk_validate_person(booking_ctx_t *ctx, const booking_input_t *in, bk_person_t *p, booking_err_t *err);
/* The confirmation / change mail and the reminder (when it is still ahead). */
int bk_notify_booked(booking_ctx_t *ctx, const booking_t *b, const char *token, bool changed);
int bk_notify_cancelled(booking_ctx_t *ctx, const booking_t *b);
/* A new appointment's messages (confirmation and reminder, as bk_notify_booked would enqueue
 * them) composed before its transaction begins, for b as it is about to be written. */
typedef struct {
	size_t n;
	const char *kinds[2];
	notify_prepared_t *msg[2]; /* NULL where composing failed with rc[i] (logged at enqueue) */
	int rc[2];
} bk_notices_t;
/* 0, or a storage error (nothing is kept). Free with bk_notices_free. */
int bk_notify_prepare(booking_ctx_t *ctx, const booking_t *b, const char *token, bk_notices_t *out);
/* Writes them inside the booking's transaction, with bk_notify_booked's outcome rules. */
int bk_notify_enqueue_prepared(booking_ctx_t *ctx, const booking_t *b, const bk_notices_t *ns);
void bk_notices_free(bk_notices_t *ns);
/* Inside the transaction: lock the person's rows, then count. ERR_BUSY with err filled when a
 * limit is reached. */
int bk_check_limits(booking_ctx_t *ctx, const bk_person_t *p, booking_err_t *err);
/* After a citizen's booking with a passport: counts it for the client (bk_check_limits). */
int bk_count_passport(booking_ctx_t *ctx, const bk_person_t *p);
/* The keyed hash (hex) that stands for the context's client in holds and quotas ("" without a
 * client): the client's key is never stored. Arena. */
const char *bk_client_hash(const booking_ctx_t *ctx);
/* Serialises changes counted per client (holds, passports) like bk_store_lock_keys does per
 * person; nothing without a client. */
int bk_lock_client(booking_ctx_t *ctx);
/* A seat given up other than by being booked (a cancellation, a move, a released hold): back to
 * the pool after booking.cancel_return_delay, or at once when it is 0. */
int bk_seat_release(booking_ctx_t *ctx, int64_t slot_id, bool staff_seat);
/* The proof of work a citizen's change costs when booking.proof_of_work is on: whether it is
 * asked of this context, and its check (before the transaction: "altcha" field errors). */
bool bk_pow_required(const booking_ctx_t *ctx);
bool bk_pow_check(booking_ctx_t *ctx, const char *altcha, booking_err_t *err);
/* Inside the transaction: the payload is used up ("altcha" field error when it was already). */
int bk_pow_spend(booking_ctx_t *ctx, const char *altcha, booking_err_t *err);

/* ---------------------------------------------------------------- search.c */

#define BK_QUERY_WORDS 8
/* What a person typed to find a procedure: its meaningful words, folded and cut to their stems. */
typedef struct {
	const char *w[BK_QUERY_WORDS];
	size_t n;
} bk_query_t;
/* Reads q (any bytes; at most BK_QUERY_WORDS words are kept) into out (arena strings). */
void bk_query_parse(arena_t *a, const char *q, bk_query_t *out);
/* Whether every word of q starts a word of one of texts (any language; NULL texts are empty). An
 * empty query matches everything. */
bool bk_query_match(arena_t *a, const bk_query_t *q, const char *const *texts, size_t ntexts);

/* ---------------------------------------------------------------- store.c */

/* The row an insert writes. */
typedef struct {
	const char *code, *token_hash, *channel;
	int64_t slot_id, office_id, procedure_id, start_at, end_at;
	const char *name, *id_type, *id_number, *email, *email_key, *phone, *lang;
	int digital_confidence;
	int64_t booked_by_user_id;
	const char *booked_by;
	bool staff_seat;
	int64_t now;
} bk_row_t;

/* One seat of a slot: staff tries the staff counter first, then the public one; *staff_seat
 * says which it took. One conditional UPDATE each: 0, or ERR_CONFLICT when no seat is left or
 * the slot is inactive. */
int bk_store_seat_take(db_conn_t *c, int64_t slot_id, bool staff, bool *staff_seat);
/* Gives a seat back (never below zero). */
int bk_store_seat_give(db_conn_t *c, int64_t slot_id, bool staff_seat);
/* Whether an active slot of office and channel starts at start_at (full or not). */
int bk_store_slot_at(db_conn_t *c, int64_t office_id, const char *channel, int64_t start_at, int64_t *slot_id);

/* A hold as stored: its seat and what it was taken for and by whom. */
typedef struct {
	int64_t slot_id, procedure_id, now, expires_at;
	bool staff;
	const char *token_hash, *channel, *client; /* client: bk_client_hash */
} bk_hold_t;
int bk_store_hold_insert(db_conn_t *c, const bk_hold_t *h);
/* Removes a live hold (expires_at > now) and returns it (slot_id, staff, procedure_id, channel,
 * client in arena a). ERR_NOT_FOUND. */
int bk_store_hold_claim(db_conn_t *c, arena_t *a, const char *token_hash, int64_t now, bk_hold_t *out);
/* Removes a hold whatever its expiry and returns its slot and seat kind, for the caller to give
 * back (bk_seat_release). ERR_NOT_FOUND. */
int bk_store_hold_drop(db_conn_t *c, const char *token_hash, int64_t *slot_id, bool *staff);
/* Ends the expired holds of one slot (0) or of all slots, at most 500: each seat returns at the
 * hold's expiry + delay (a seat_returns row), or at once when delay is 0. *n ended (may be NULL). */
int bk_store_holds_expire(db_conn_t *c, int64_t slot_id, int64_t now, int64_t delay, int *n);
/* Live holds taken by a client (bk_client_hash). */
int bk_store_holds_of(db_conn_t *c, const char *client, int64_t now, int64_t *n);
/* The per-client quota rows (booking_quota): one more for k at now; how many since. */
int bk_store_quota_add(db_conn_t *c, const char *k, int64_t now);
int bk_store_quota_count(db_conn_t *c, const char *k, int64_t since, int64_t *n);

/* Serialises bookings for the same person (see the migration). keys: hex digests. */
int bk_store_lock_keys(db_conn_t *c, const char *const *keys, size_t n, int64_t now);
/* Active appointments (booked … in_service, not yet ended) by column: "id_number", "email",
 * "phone". */
int bk_store_count_active(db_conn_t *c, const char *column, const char *value, int64_t now, int64_t *n);

int bk_store_appt_insert(db_conn_t *c, const bk_row_t *row, int64_t *id);
/* The appointment by code (arena strings); token_hash (may be NULL) gets the stored hash. */
int bk_store_appt_by_code(db_conn_t *c, arena_t *a, const char *code, booking_t *out, char token_hash[65]);
int bk_store_appt_by_id(db_conn_t *c, arena_t *a, int64_t id, booking_t *out);
/* status from → to with stamp column (or NULL) set to now; 1 when moved, 0 when the status was
 * no longer from. */
int64_t bk_store_appt_status(db_conn_t *c, int64_t id, const char *from, const char *to, const char *stamp,
			     int64_t now);
/* Points a booked appointment at another slot; sequence + 1. */
int bk_store_appt_move(db_conn_t *c, int64_t id, int64_t slot_id, int64_t office_id, int64_t start_at, int64_t end_at,
		       bool staff_seat, int64_t now);
int bk_store_list(db_conn_t *c, arena_t *a, int64_t office_id, int64_t from_at, int64_t to_at, const char *channel,
		  booking_t **out, size_t *n);
/* Other appointments with b's ID number, e-mail or phone, newest first. */
int bk_store_contacts(db_conn_t *c, arena_t *a, const booking_t *b, int limit, booking_t **out, size_t *n);
/* Erases the personal details of appointments ended before ended_before, and of cancelled ones
 * ended before now; *n erased. */
int bk_store_purge_personal(db_conn_t *c, int64_t ended_before, int64_t now, int *n);
/* In-person appointments still "booked" whose start is at or before `before` (no-show candidates:
 * a phone or video appointment's no-show is decided by the remote attention, src/remote/). */
int bk_store_due_no_shows(db_conn_t *c, arena_t *a, int64_t before, int64_t **ids, size_t *n);

int bk_store_event_add(db_conn_t *c, int64_t appt_id, int64_t at, const char *from, const char *to, const char *actor);
int bk_store_events(db_conn_t *c, arena_t *a, int64_t appt_id, booking_event_t **out, size_t *n);

int bk_store_seat_return_add(db_conn_t *c, int64_t slot_id, bool staff_seat, int64_t at);
/* Applies due seat returns (at most 500): *n returned. */
int bk_store_seat_returns_due(db_conn_t *c, int64_t now, int *n);

/* The procedures booked most since `since`, most first (at most limit ids, arena). */
int bk_store_popular(db_conn_t *c, arena_t *a, int64_t since, int limit, int64_t **ids, size_t *n);

/* What became of a hold (hold_results): the appointment and its sealed manage token. */
int bk_store_hold_result_add(db_conn_t *c, const char *token_hash, int64_t appt_id, const char *sealed,
			     int64_t expires_at);
/* ERR_NOT_FOUND when the hold became nothing (or its record expired). */
int bk_store_hold_result(db_conn_t *c, arena_t *a, const char *token_hash, int64_t now, int64_t *appt_id,
			 const char **sealed);

/* 0, or ERR_CONFLICT when the challenge was redeemed before. */
int bk_store_pow_use(db_conn_t *c, const char *challenge, int64_t expires_at);
/* Forgets expired challenges and hold results, and day-old lock rows. */
int bk_store_purge(db_conn_t *c, int64_t now);

/* ---------------------------------------------------------------- people.c: the citizen record */

/* Links the new appointment to the person its details name (people_link: found or created), in
 * the booking's transaction. */
int bk_link_person(booking_ctx_t *ctx, int64_t appt_id, const bk_person_t *p);
/* The capability's hooks (core/cap.h): a person's appointments in the timeline, and their
 * personal fields blanked on erasure. */
int bk_timeline(struct app *app, db_conn_t *c, cap_tl_t *tl);
int bk_erase(struct app *app, db_conn_t *c, const int64_t *ids, size_t n, int64_t now);

int bk_store_appt_person(db_conn_t *c, int64_t id, int64_t person_id);
/* The person record an appointment is linked to (0 when none). */
int bk_store_person_of(db_conn_t *c, int64_t id, int64_t *person_id);
/* The appointments linked to one person record, newest start first (at most 500). */
int bk_store_by_person(db_conn_t *c, arena_t *a, int64_t person_id, booking_t **out, size_t *n);
int bk_store_erase_person(db_conn_t *c, int64_t person_id);

/* ---------------------------------------------------------------- history.c: the demo's past */

/* A past appointment as it ended (the demo's history). */
typedef struct {
	char code[9], token_hash[32], name[32], id_number[16]; /* name, id_number: "" when blanked */
	const char *channel, *office, *procedure, *status, *lang, *booked_by;
	int64_t start_at, end_at, created_at, cancelled_at, checked_in_at, called_at, served_at, done_at;
} bk_history_t;
/* `finestreta demo`: demo.history_days of past appointments (core/demo.h). */
int bk_history_seed(db_conn_t *c, const config_t *cfg, int64_t now);
struct demo_batch *bk_store_history_batch(db_conn_t *c);
int bk_store_history_add(struct demo_batch *b, const bk_history_t *h, int64_t now);

/* store_figures.c: what booking counts for src/figures (cap_t.figures). */
extern const cap_figure_t bk_figures[];

#endif

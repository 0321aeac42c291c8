/* appt.c — one appointment: the proof that it is yours, the state machine, check-in, lists and
 * history, cancel and reschedule, and the housekeeping job. */
#include "booking/internal.h"

#include "app.h"
#include "base/err.h"
#include "base/log.h"
#include "base/rand.h"
#include "base/str.h"
#include "catalog/catalog.h"
#include "notify/notify.h"
#include "schedule/schedule.h"

#include <sodium.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---------------------------------------------------------------- one appointment */

/* Fills the codes (office and service) of a row read from the store. */
static int fill_codes(booking_ctx_t *ctx, booking_t *b)
{
	catalog_office_t o;
	catalog_procedure_t pr;
	int rc = catalog_office_by_id(ctx->c, ctx->a, b->office_id, &o);
	if (rc)
		return rc;
	rc = catalog_procedure_by_id(ctx->c, ctx->a, b->procedure_id, &pr);
	if (rc)
		return rc;
	b->office_code = o.code;
	b->service_code = pr.code;
	return 0;
}

static bool code_ok(const char *code)
{
	if (!code || strlen(code) != BOOKING_CODE_LEN - 1)
		return false;
	for (const char *p = code; *p; p++)
		if (!strchr(BOOKING_CODE_ALPHABET, *p))
			return false;
	return true;
}

/* The appointment when the proof matches (staff need none). ERR_NOT_FOUND otherwise. */
static int load_proved(booking_ctx_t *ctx, const char *code, const char *token, const char *id_number, booking_t *b)
{
	if (!code)
		return ERR_NOT_FOUND;
	/* People read codes aloud and type them in lower case. */
	char up[BOOKING_CODE_LEN];
	size_t n = strlen(code);
	if (n != BOOKING_CODE_LEN - 1)
		return ERR_NOT_FOUND;
	for (size_t i = 0; i < n; i++)
		up[i] = (code[i] >= 'a' && code[i] <= 'z') ? (char)(code[i] - 'a' + 'A') : code[i];
	up[n] = '\0';
	if (!code_ok(up))
		return ERR_NOT_FOUND;
	char stored[65];
	int rc = bk_store_appt_by_code(ctx->c, ctx->a, up, b, stored);
	if (rc)
		return rc;
	bool ok = ctx->staff;
	if (!ok && token && *token && strlen(token) == 64) {
		char h[65];
		bk_hash_token(token, h);
		ok = sodium_memcmp(h, stored, 64) == 0;
	}
	if (!ok && id_number && *id_number) {
		char norm[BOOKING_ID_MAX];
		ok = booking_id_normalise(id_number, norm) && strlen(norm) == strlen(b->id_number) &&
		     sodium_memcmp(norm, b->id_number, strlen(norm)) == 0;
	}
	if (!ok)
		return ERR_NOT_FOUND;
	return fill_codes(ctx, b);
}

int booking_get(booking_ctx_t *ctx, const char *code, const char *token, const char *id_number, booking_t *out)
{
	if (!ctx->c)
		return ERR_UNAVAILABLE;
	return load_proved(ctx, code, token, id_number, out);
}

/* ---------------------------------------------------------------- states */

/* The one table of allowed moves, with the column each one stamps. */
static const struct {
	const char *from, *to, *stamp;
} MOVES[] = {
	// clang-format off
	{"booked", "checked_in", "checked_in_at"},   {"booked", "no_show", NULL},
	{"booked", "cancelled", "cancelled_at"},     {"checked_in", "called", "called_at"},
	{"checked_in", "cancelled", "cancelled_at"}, {"called", "in_service", "served_at"},
	{"in_service", "done", "done_at"},
	/* The office floor: a call nobody answered, and a person sent back to wait. */
	{"called", "no_show", NULL},                 {"called", "checked_in", NULL},
	// clang-format on
};

static const char *const STATES[] = {"booked", "checked_in", "called", "in_service", "done", "no_show", "cancelled"};

bool booking_state_valid(const char *state)
{
	for (size_t i = 0; i < sizeof STATES / sizeof STATES[0]; i++)
		if (str_eq(state, STATES[i]))
			return true;
	return false;
}

static int move_index(const char *from, const char *to)
{
	for (size_t i = 0; i < sizeof MOVES / sizeof MOVES[0]; i++)
		if (str_eq(MOVES[i].from, from) && str_eq(MOVES[i].to, to))
			return (int)i;
	return -1;
}

bool booking_transition_allowed(const char *from, const char *to)
{
	return move_index(from, to) >= 0;
}

/* ---------------------------------------------------------------- listeners */

#define MAX_LISTENERS 8
static booking_listener_fn listeners[MAX_LISTENERS];
static size_t nlisteners;

void booking_listen(booking_listener_fn fn)
{
	for (size_t i = 0; i < nlisteners; i++)
		if (listeners[i] == fn)
			return;
	if (nlisteners == MAX_LISTENERS) {
		log_error("booking: more than %d listeners", MAX_LISTENERS);
		abort();
	}
	listeners[nlisteners++] = fn;
}

static int tell_listeners(booking_ctx_t *ctx, const booking_t *b, const char *from, const char *to)
{
	int rc = 0;
	for (size_t i = 0; !rc && i < nlisteners; i++)
		rc = listeners[i](ctx, b, from, to);
	return rc;
}

/* Inside a transaction: the move, its history row, and for a cancellation the delayed seat
 * return and the mail; then the listeners. ERR_CONFLICT when the table forbids it or the status
 * changed meanwhile. */
static int transition_in_tx(booking_ctx_t *ctx, booking_t *b, const char *to, const char *actor)
{
	int i = move_index(b->status, to);
	if (i < 0)
		return ERR_CONFLICT;
	int64_t n = bk_store_appt_status(ctx->c, b->id, b->status, to, MOVES[i].stamp, ctx->now);
	if (n < 0)
		return (int)n;
	if (n == 0)
		return ERR_CONFLICT;
	int rc = bk_store_event_add(ctx->c, b->id, ctx->now, b->status, to, actor);
	if (rc)
		return rc;
	const char *from = b->status;
	b->status = to;
	if (str_eq(to, "cancelled")) {
		if (b->slot_id) {
			int64_t delay = bk_cfg_int(ctx->cfg, "booking.cancel_return_delay", 3600);
			rc = delay > 0 ? bk_store_seat_return_add(ctx->c, b->slot_id, b->staff_seat, ctx->now + delay)
				       : bk_store_seat_give(ctx->c, b->slot_id, b->staff_seat);
			if (rc)
				return rc;
		}
		rc = bk_notify_cancelled(ctx, b);
	}
	if (!rc)
		rc = tell_listeners(ctx, b, from, to);
	return rc;
}

int booking_move(booking_ctx_t *ctx, int64_t id, const char *to_state, const char *actor)
{
	if (!booking_state_valid(to_state))
		return ERR_INVALID;
	booking_t b;
	int rc = booking_by_id(ctx, id, &b);
	if (rc)
		return rc;
	if (str_eq(b.status, to_state))
		return 0;
	return transition_in_tx(ctx, &b, to_state, actor && *actor ? actor : bk_actor(ctx));
}

int booking_transition_tx(booking_ctx_t *ctx, const char *code, const char *to_state)
{
	if (!ctx->c)
		return ERR_UNAVAILABLE;
	if (!booking_state_valid(to_state))
		return ERR_INVALID;
	booking_t b;
	booking_ctx_t staff = *ctx;
	staff.staff = true; /* no proof asked here */
	int rc = load_proved(&staff, code, NULL, NULL, &b);
	if (!rc)
		rc = transition_in_tx(ctx, &b, to_state, bk_actor(ctx));
	if (!rc)
		rc = bk_audit(ctx, "booking.status", code, to_state);
	return rc;
}

/* The attention's steps, in order. */
static const char *const STEPS[] = {"booked", "checked_in", "called", "in_service", "done"};
#define NSTEPS (sizeof STEPS / sizeof STEPS[0])

static int step_of(const char *state)
{
	for (size_t i = 0; i < NSTEPS; i++)
		if (str_eq(state, STEPS[i]))
			return (int)i;
	return -1;
}

int booking_advance_tx(booking_ctx_t *ctx, const booking_t *b, const char *to)
{
	int from = step_of(b->status), target = step_of(to);
	if (target < 0)
		return ERR_INVALID;
	if (from < 0)
		return ERR_CONFLICT;
	for (size_t i = (size_t)from + 1; i <= (size_t)target && i < NSTEPS; i++) {
		int rc = booking_transition_tx(ctx, b->code, STEPS[i]);
		if (rc)
			return rc;
	}
	return 0;
}

int booking_transition(booking_ctx_t *ctx, const char *code, const char *to_state)
{
	if (!ctx->c)
		return ERR_UNAVAILABLE;
	if (!booking_state_valid(to_state))
		return ERR_INVALID;
	int rc = db_begin(ctx->c);
	if (rc)
		return rc;
	rc = booking_transition_tx(ctx, code, to_state);
	if (!rc)
		rc = db_commit(ctx->c);
	if (rc)
		db_rollback(ctx->c);
	return rc;
}

int booking_check_in(booking_ctx_t *ctx, const char *code, const char *id_number)
{
	if (!ctx->c)
		return ERR_UNAVAILABLE;
	booking_t b;
	booking_ctx_t staff = *ctx;
	staff.staff = true;
	int rc = db_begin(ctx->c);
	if (rc)
		return rc;
	rc = load_proved(&staff, code, NULL, NULL, &b);
	if (!rc) {
		char norm[BOOKING_ID_MAX];
		if (!booking_id_normalise(id_number, norm) || !str_eq(norm, b.id_number))
			rc = ERR_PERM;
	}
	if (!rc)
		rc = transition_in_tx(ctx, &b, "checked_in", bk_actor(ctx));
	if (!rc)
		rc = bk_audit(ctx, "booking.check_in", code, NULL);
	if (!rc)
		rc = db_commit(ctx->c);
	if (rc)
		db_rollback(ctx->c);
	return rc;
}

int booking_history(booking_ctx_t *ctx, int64_t appointment_id, booking_event_t **out, size_t *n)
{
	if (!ctx->c)
		return ERR_UNAVAILABLE;
	return bk_store_events(ctx->c, ctx->a, appointment_id, out, n);
}

int booking_list(booking_ctx_t *ctx, int64_t office_id, const char *day, const char *channel, booking_t **out,
		 size_t *n)
{
	if (!ctx->c)
		return ERR_UNAVAILABLE;
	int32_t d;
	if (tz_date_parse(day, &d))
		return ERR_INVALID;
	catalog_office_t o;
	const tz_t *z = tz_get("Europe/Madrid");
	if (office_id && catalog_office_by_id(ctx->c, ctx->a, office_id, &o) == 0)
		z = bk_office_tz(&o);
	if (!z)
		z = tz_utc();
	int rc = bk_store_list(ctx->c, ctx->a, office_id, tz_day_start(z, d), tz_day_start(z, d + 1), channel, out, n);
	for (size_t i = 0; !rc && i < *n; i++)
		rc = fill_codes(ctx, &(*out)[i]);
	return rc;
}

int booking_by_id(booking_ctx_t *ctx, int64_t id, booking_t *out)
{
	if (!ctx->c)
		return ERR_UNAVAILABLE;
	int rc = bk_store_appt_by_id(ctx->c, ctx->a, id, out);
	return rc ? rc : fill_codes(ctx, out);
}

int booking_contacts(booking_ctx_t *ctx, const booking_t *b, int limit, booking_t **out, size_t *n)
{
	if (!ctx->c)
		return ERR_UNAVAILABLE;
	int rc = bk_store_contacts(ctx->c, ctx->a, b, limit, out, n);
	for (size_t i = 0; !rc && i < *n; i++)
		rc = fill_codes(ctx, &(*out)[i]);
	return rc;
}

int booking_purge_personal(db_conn_t *c, int64_t now, int64_t keep_days, int *n)
{
	int erased = 0;
	int rc = db_begin(c);
	if (!rc)
		rc = bk_store_purge_personal(c, now - keep_days * 86400, now, &erased);
	if (!rc)
		rc = db_commit(c);
	if (rc)
		db_rollback(c);
	else if (erased)
		log_info("booking: erased the personal details of %d appointment(s) past their retention", erased);
	if (n)
		*n = rc ? 0 : erased;
	return rc;
}

/* ---------------------------------------------------------------- cancel, reschedule */

int booking_cancel(booking_ctx_t *ctx, const char *code, const char *token, const char *id_number, booking_err_t *err)
{
	if (!ctx->c)
		return ERR_UNAVAILABLE;
	booking_t b;
	int rc = db_begin(ctx->c);
	if (rc)
		return rc;
	rc = load_proved(ctx, code, token, id_number, &b);
	if (rc == ERR_NOT_FOUND)
		bk_err_set(err, "not_found", "booking_err_not_found");
	if (!rc && !booking_transition_allowed(b.status, "cancelled")) {
		bk_err_set(err, "bad_state", "booking_err_bad_state");
		rc = ERR_CONFLICT;
	}
	if (!rc && !ctx->staff && (!str_eq(b.status, "booked") || b.start_at <= ctx->now)) {
		bk_err_set(err, "too_late", "booking_err_too_late");
		rc = ERR_CONFLICT;
	}
	if (!rc) {
		rc = transition_in_tx(ctx, &b, "cancelled", bk_actor(ctx));
		if (rc == ERR_CONFLICT)
			bk_err_set(err, "bad_state", "booking_err_bad_state");
	}
	if (!rc)
		rc = bk_audit(ctx, "booking.cancel", code, NULL);
	if (!rc)
		rc = db_commit(ctx->c);
	if (rc)
		db_rollback(ctx->c);
	return rc;
}

int booking_reschedule(booking_ctx_t *ctx, const char *code, const char *token, const char *id_number,
		       const char *new_start, int64_t new_slot_id, booking_t *out, booking_err_t *err)
{
	if (!ctx->c)
		return ERR_UNAVAILABLE;
	if (new_slot_id <= 0 && (!new_start || !*new_start)) {
		bk_err_field(err, "start", "booking_err_start");
		return ERR_INVALID;
	}
	booking_t b;
	int rc = db_begin(ctx->c);
	if (rc)
		return rc;
	bk_target_t t;
	bk_cand_t c[MAX_CANDIDATES];
	size_t nc = 0, k = 0;
	bool staff_seat = false;
	rc = load_proved(ctx, code, token, id_number, &b);
	if (rc == ERR_NOT_FOUND)
		bk_err_set(err, "not_found", "booking_err_not_found");
	if (rc)
		goto fail;
	if (!str_eq(b.status, "booked")) {
		bk_err_set(err, "bad_state", "booking_err_bad_state");
		rc = ERR_CONFLICT;
		goto fail;
	}
	if (!ctx->staff && b.start_at <= ctx->now) {
		bk_err_set(err, "too_late", "booking_err_too_late");
		rc = ERR_CONFLICT;
		goto fail;
	}
	/* The same service and channel; in person at the same office. */
	rc = bk_resolve_target(ctx, b.service_code, b.channel, str_eq(b.channel, "in_person") ? b.office_code : NULL,
			       &t, err);
	if (rc == ERR_INVALID) {
		/* The service or office was withdrawn since: nothing to move to. */
		if (err)
			memset(err, 0, sizeof *err);
		bk_err_field(err, "start", "booking_err_start");
	}
	if (rc)
		goto fail;
	rc = bk_find_slots(ctx, &t, new_start, new_slot_id, c, &nc, err);
	if (rc)
		goto fail;
	rc = bk_take_seat(ctx, c, nc, &k, &staff_seat);
	if (rc == ERR_CONFLICT)
		bk_err_set(err, "slot_full", "booking_err_slot_full");
	if (rc)
		goto fail;
	if (b.slot_id) {
		int64_t delay = bk_cfg_int(ctx->cfg, "booking.cancel_return_delay", 3600);
		rc = delay > 0 ? bk_store_seat_return_add(ctx->c, b.slot_id, b.staff_seat, ctx->now + delay)
			       : bk_store_seat_give(ctx->c, b.slot_id, b.staff_seat);
		if (rc)
			goto fail;
	}
	rc = bk_store_appt_move(ctx->c, b.id, c[k].s.id, c[k].s.office_id, c[k].s.start_at, c[k].s.end_at, staff_seat,
				ctx->now);
	if (!rc)
		rc = bk_store_event_add(ctx->c, b.id, ctx->now, "booked", "booked", bk_actor(ctx));
	if (!rc)
		rc = bk_store_appt_by_id(ctx->c, ctx->a, b.id, &b);
	if (!rc)
		rc = fill_codes(ctx, &b);
	if (!rc)
		rc = bk_notify_booked(ctx, &b, token && strlen(token) == 64 ? token : NULL, true);
	if (!rc)
		rc = bk_audit(ctx, "booking.reschedule", b.code, NULL);
	if (!rc)
		rc = db_commit(ctx->c);
	if (rc)
		goto fail;
	if (out)
		*out = b;
	return 0;
fail:
	db_rollback(ctx->c);
	return rc;
}

/* ---------------------------------------------------------------- the job */

/* Runs one step in its own transaction. */
static int step(db_conn_t *c, int (*fn)(db_conn_t *, int64_t, int *), int64_t now, int *n)
{
	int rc = db_begin(c);
	if (rc)
		return rc;
	rc = fn(c, now, n);
	if (!rc)
		rc = db_commit(c);
	if (rc)
		db_rollback(c);
	return rc;
}

static int expire_holds(db_conn_t *c, int64_t now, int *n)
{
	return bk_store_holds_expire(c, 0, now, n);
}

static int purge(db_conn_t *c, int64_t now, int *n)
{
	*n = 0;
	return bk_store_purge(c, now);
}

int booking_job(db_conn_t *c, const config_t *cfg, int64_t now, int *changed)
{
	int total = 0, n = 0, first = 0;
	int rc = step(c, expire_holds, now, &n);
	total += n;
	first = rc;
	n = 0;
	rc = step(c, bk_store_seat_returns_due, now, &n);
	total += n;
	if (!first)
		first = rc;

	/* No-shows: each through the state table, in its own transaction. */
	arena_t *a = arena_new();
	booking_ctx_t ctx = {.c = c, .a = a, .cfg = cfg, .now = now, .lang = "ca"};
	int64_t grace = bk_cfg_int(cfg, "booking.no_show_grace_min", 15) * 60;
	int64_t *ids;
	size_t nids = 0;
	rc = bk_store_due_no_shows(c, a, now - grace, &ids, &nids);
	if (!first)
		first = rc;
	for (size_t i = 0; !rc && i < nids; i++) {
		booking_t b;
		if ((rc = db_begin(c)) != 0)
			break;
		rc = bk_store_appt_by_id(c, a, ids[i], &b);
		if (!rc)
			rc = transition_in_tx(&ctx, &b, "no_show", "job");
		if (rc == ERR_CONFLICT) /* someone checked them in meanwhile */
			rc = 0, db_rollback(c);
		else if (!rc && !(rc = db_commit(c)))
			total++;
		if (rc)
			db_rollback(c);
	}
	if (!first)
		first = rc;
	arena_free(a);

	n = 0;
	rc = step(c, purge, now, &n);
	if (!first)
		first = rc;
	if (changed)
		*changed = total;
	if (first)
		log_warn("booking job: %s (%s)", err_name(first), db_errmsg(c));
	return first;
}

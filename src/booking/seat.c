/* seat.c — availability and the seat: the free slots of a query, holds, and booking (one
 * transaction: limits, the seat, the appointment, its history and its mails). */
#include "booking/internal.h"

#include "app.h"
#include "base/err.h"
#include "base/json.h"
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

/* ---------------------------------------------------------------- availability */

static int cand_cmp(const void *a, const void *b)
{
	const bk_cand_t *x = a, *y = b;
	if (x->s.start_at != y->s.start_at)
		return x->s.start_at < y->s.start_at ? -1 : 1;
	return x->s.id < y->s.id ? -1 : x->s.id > y->s.id;
}

/* The query's target and local date range. */
static int query_range(booking_ctx_t *ctx, const booking_query_t *q, bk_target_t *t, int32_t *from, int32_t *to,
		       booking_err_t *err)
{
	int rc = bk_resolve_target(ctx, q->service, q->channel, q->office, t, err);
	bool bad = rc == ERR_INVALID;
	if (rc && rc != ERR_INVALID)
		return rc;
	const tz_t *z = bk_office_tz(t->noffices ? &t->offices[0] : NULL);
	if (q->from && *q->from) {
		if (tz_date_parse(q->from, from)) {
			bk_err_field(err, "from", "booking_err_date");
			bad = true;
		}
	} else {
		tz_local_t l;
		tz_local(z, ctx->now, &l);
		*from = l.day;
	}
	if (q->to && *q->to) {
		if (tz_date_parse(q->to, to)) {
			bk_err_field(err, "to", "booking_err_date");
			bad = true;
		}
	} else {
		*to = *from + DEFAULT_DAYS;
	}
	if (!bad && (*to < *from || *to - *from >= MAX_DAYS)) {
		bk_err_field(err, "to", "booking_err_range");
		bad = true;
	}
	return bad ? ERR_INVALID : 0;
}

/* Every slot of the target's offices with a free seat for the actor, by start. */
static int free_slots(booking_ctx_t *ctx, const bk_target_t *t, int32_t from, int32_t to, bk_cand_t **all, size_t *n)
{
	char dfrom[TZ_DATE_LEN], dto[TZ_DATE_LEN];
	tz_date_format(from, dfrom);
	tz_date_format(to, dto);
	size_t cap = 0;
	*all = NULL;
	*n = 0;
	for (size_t i = 0; i < t->noffices; i++) {
		schedule_slot_t *s;
		size_t ns;
		int rc = schedule_slots(ctx->c, ctx->a, t->offices[i].id, t->slot_channel, t->proc.id, dfrom, dto,
					ctx->now, ctx->staff, &s, &ns);
		if (rc)
			return rc;
		for (size_t k = 0; k < ns; k++)
			if (s[k].free > 0)
				*ARENA_PUSH(ctx->a, *all, *n, cap) = (bk_cand_t){s[k], &t->offices[i]};
	}
	if (*n)
		qsort(*all, *n, sizeof **all, cand_cmp);
	return 0;
}

/* Equal starts (several virtual offices) as one slot with their seats summed, grouped by local
 * day. */
static void group_days(booking_ctx_t *ctx, const bk_cand_t *all, size_t n, booking_day_t **days, size_t *ndays)
{
	booking_day_t *dv = arena_alloc(ctx->a, (n ? n : 1) * sizeof *dv);
	booking_slot_t *sv = arena_alloc(ctx->a, (n ? n : 1) * sizeof *sv);
	size_t nd = 0, nsl = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		int free = 0;
		while (j < n && all[j].s.start_at == all[i].s.start_at)
			free += all[j++].s.free;
		const tz_t *oz = bk_office_tz(all[i].office);
		booking_slot_t *bs = &sv[nsl++];
		bs->slot_id = all[i].s.id;
		bs->office = all[i].office->code;
		bs->start_at = all[i].s.start_at;
		bs->end_at = all[i].s.end_at;
		bs->free = free;
		tz_format_iso(oz, bs->start_at, bs->start_iso);
		tz_local_t l;
		tz_local(oz, bs->start_at, &l);
		tz_hhmm_format(l.minute, bs->time);
		char date[TZ_DATE_LEN];
		tz_date_format(l.day, date);
		if (nd == 0 || strcmp(dv[nd - 1].date, date) != 0) {
			memcpy(dv[nd].date, date, sizeof date);
			dv[nd].slots = bs;
			dv[nd].nslots = 0;
			nd++;
		}
		dv[nd - 1].nslots++;
		i = j;
	}
	*days = dv;
	*ndays = nd;
}

int booking_availability(booking_ctx_t *ctx, const booking_query_t *q, booking_day_t **days, size_t *ndays,
			 booking_err_t *err)
{
	*days = NULL;
	*ndays = 0;
	bk_target_t t;
	int32_t from = 0, to = 0;
	bk_cand_t *all;
	size_t n;
	int rc = query_range(ctx, q, &t, &from, &to, err);
	if (!rc)
		rc = free_slots(ctx, &t, from, to, &all, &n);
	if (!rc)
		group_days(ctx, all, n, days, ndays);
	return rc;
}

json_t *booking_days_json(const booking_day_t *days, size_t ndays)
{
	json_t *jd = json_array();
	for (size_t i = 0; i < ndays; i++) {
		json_t *js = json_array();
		for (size_t k = 0; k < days[i].nslots; k++)
			json_array_append_new(js, jpack("{s:s,s:i}", "start", days[i].slots[k].start_iso, "free",
							days[i].slots[k].free));
		json_array_append_new(jd, jpack("{s:s,s:o}", "date", days[i].date, "slots", js));
	}
	return jpack("{s:o}", "days", jd);
}

/* The bookable slots of the target starting at instant at (several virtual offices may have
 * one), into c[], ordered by slot id. *exists says whether some active slot starts then at all
 * (full, or not yet bookable). */
static int slots_at(booking_ctx_t *ctx, const bk_target_t *t, int64_t at, bk_cand_t *c, size_t *nc, bool *exists)
{
	*nc = 0;
	*exists = false;
	for (size_t i = 0; i < t->noffices; i++) {
		schedule_slot_t *s;
		size_t ns;
		int rc = schedule_slots_at(ctx->c, ctx->a, t->offices[i].id, t->slot_channel, t->proc.id, at, ctx->now,
					   ctx->staff, &s, &ns);
		if (rc)
			return rc;
		for (size_t k = 0; k < ns; k++) {
			if (s[k].start_at != at || *nc >= MAX_CANDIDATES)
				continue;
			c[*nc].s = s[k];
			c[*nc].office = &t->offices[i];
			(*nc)++;
			*exists = true;
		}
		if (!*exists) {
			int64_t id;
			rc = bk_store_slot_at(ctx->c, t->offices[i].id, t->slot_channel, at, &id);
			if (rc == 0)
				*exists = true;
			else if (rc != ERR_NOT_FOUND)
				return rc;
		}
	}
	return 0;
}

/* Whether an existing slot at `at` is simply full for this actor (else it is not bookable: not
 * released, too soon, or not serving the procedure), into *full. A storage failure is returned:
 * it must not read as "not bookable". */
static int full_at(booking_ctx_t *ctx, const bk_target_t *t, int64_t at, bool *full)
{
	*full = false;
	for (size_t i = 0; i < t->noffices && !*full; i++) {
		int64_t id;
		int rc = bk_store_slot_at(ctx->c, t->offices[i].id, t->slot_channel, at, &id);
		if (rc == ERR_NOT_FOUND)
			continue;
		schedule_slot_t s;
		if (!rc)
			rc = schedule_slot_get(ctx->c, ctx->a, id, &s);
		if (rc == ERR_NOT_FOUND)
			continue;
		if (rc)
			return rc;
		*full = ctx->staff ? s.booked + s.staff_booked >= s.capacity + s.staff_capacity
				   : s.booked >= s.capacity;
	}
	return 0;
}

/* ---------------------------------------------------------------- the seat */

/* Takes a seat of one of the candidate slots (in order). 0 with *taken, or ERR_CONFLICT. */
int bk_take_seat(booking_ctx_t *ctx, bk_cand_t *c, size_t nc, size_t *taken, bool *staff_seat)
{
	int64_t delay = bk_cfg_int(ctx->cfg, "booking.cancel_return_delay", 3600);
	for (size_t i = 0; i < nc; i++) {
		/* An expired hold not yet swept still counts in the slot: end it first (its seat comes
		 * back now only when there is no delay). */
		int rc = bk_store_holds_expire(ctx->c, c[i].s.id, ctx->now, delay, NULL);
		if (rc)
			return rc;
		rc = bk_store_seat_take(ctx->c, c[i].s.id, ctx->staff, staff_seat);
		if (rc == 0) {
			*taken = i;
			return 0;
		}
		if (rc != ERR_CONFLICT)
			return rc;
	}
	return ERR_CONFLICT;
}

/* The slots a request names: its slot_id, or its start among the target's offices. ERR_INVALID
 * with "start" in err when it names none, ERR_CONFLICT ("slot_full") when they are full. */
int bk_find_slots(booking_ctx_t *ctx, const bk_target_t *t, const char *start, int64_t slot_id, bk_cand_t *c,
		  size_t *nc, booking_err_t *err)
{
	int64_t at;
	if (slot_id > 0) {
		schedule_slot_t s;
		int rc = schedule_slot_get(ctx->c, ctx->a, slot_id, &s);
		if (rc && rc != ERR_NOT_FOUND)
			return rc;
		bool mine = false;
		for (size_t i = 0; !rc && i < t->noffices; i++)
			mine = mine || t->offices[i].id == s.office_id;
		if (rc || !mine || !str_eq(s.channel, t->slot_channel)) {
			bk_err_field(err, "start", "booking_err_start");
			return ERR_INVALID;
		}
		at = s.start_at;
	} else if (tz_iso_parse(start, 0, &at)) {
		bk_err_field(err, "start", "booking_err_start");
		return ERR_INVALID;
	}
	bool exists;
	int rc = slots_at(ctx, t, at, c, nc, &exists);
	if (rc)
		return rc;
	if (slot_id > 0) {
		/* Keep the slot asked for only. */
		size_t k = 0;
		for (size_t i = 0; i < *nc; i++)
			if (c[i].s.id == slot_id)
				c[k++] = c[i];
		*nc = k;
	}
	if (*nc == 0) {
		bool full = false;
		if (exists && (rc = full_at(ctx, t, at, &full)) != 0)
			return rc;
		if (full) {
			bk_err_set(err, "slot_full", "booking_err_slot_full");
			return ERR_CONFLICT;
		}
		bk_err_field(err, "start", "booking_err_start");
		return ERR_INVALID;
	}
	return 0;
}

void bk_hash_token(const char *token, char out[65])
{
	rand_token_hash(token, out);
}

static void new_code(char out[BOOKING_CODE_LEN])
{
	static const char alphabet[] = BOOKING_CODE_ALPHABET;
	for (int i = 0; i < BOOKING_CODE_LEN - 1; i++)
		out[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
	out[BOOKING_CODE_LEN - 1] = '\0';
}

/* ---------------------------------------------------------------- holds */

/* A citizen's share of holds: booking.max_holds_per_address live holds per client. Inside the
 * transaction, after bk_lock_client. */
static int hold_quota(booking_ctx_t *ctx, const char *client, booking_err_t *err)
{
	int64_t max = bk_cfg_int(ctx->cfg, "booking.max_holds_per_address", 2), n = 0;
	if (ctx->staff || !*client || max <= 0)
		return 0;
	int rc = bk_store_holds_of(ctx->c, client, ctx->now, &n);
	if (rc)
		return rc;
	if (n >= max) {
		bk_err_set(err, "hold_limit", "booking_err_hold_limit");
		return ERR_BUSY;
	}
	return 0;
}

/* The seat, then the hold row that remembers it. */
static int hold_take(booking_ctx_t *ctx, const booking_input_t *in, const bk_target_t *t, const char *client,
		     char token[BOOKING_TOKEN_LEN], int64_t *expires_at, booking_err_t *err)
{
	bk_cand_t c[MAX_CANDIDATES];
	size_t nc, k;
	bool staff_seat = false;
	int rc = bk_find_slots(ctx, t, in->start, in->slot_id, c, &nc, err);
	if (!rc) {
		rc = bk_take_seat(ctx, c, nc, &k, &staff_seat);
		if (rc == ERR_CONFLICT)
			bk_err_set(err, "slot_full", "booking_err_slot_full");
	}
	if (rc)
		return rc;
	char hash[65];
	rand_token_hex(token);
	bk_hash_token(token, hash);
	*expires_at = ctx->now + bk_cfg_int(ctx->cfg, "booking.hold_seconds", 300);
	bk_hold_t h = {.slot_id = c[k].s.id,
		       .procedure_id = t->proc.id,
		       .now = ctx->now,
		       .expires_at = *expires_at,
		       .staff = staff_seat,
		       .token_hash = hash,
		       .channel = t->channel,
		       .client = client};
	return bk_store_hold_insert(ctx->c, &h);
}

int booking_hold(booking_ctx_t *ctx, const booking_input_t *in, char token[BOOKING_TOKEN_LEN], int64_t *expires_at,
		 booking_err_t *err)
{
	if (!ctx->c)
		return ERR_UNAVAILABLE;
	bk_target_t t;
	int rc = bk_resolve_target(ctx, in->service, in->channel, in->office, &t, err);
	if (rc && rc != ERR_INVALID)
		return rc;
	bool pow = bk_pow_required(ctx);
	/* A hold costs what a booking costs: all the field errors at once. */
	if ((pow && !bk_pow_check(ctx, in->altcha, err)) || rc)
		return ERR_INVALID;
	const char *client = bk_client_hash(ctx);
	rc = db_begin(ctx->c);
	if (rc)
		return rc;
	rc = bk_lock_client(ctx);
	if (!rc)
		rc = hold_quota(ctx, client, err);
	if (!rc && pow)
		rc = bk_pow_spend(ctx, in->altcha, err);
	if (!rc)
		rc = hold_take(ctx, in, &t, client, token, expires_at, err);
	if (!rc)
		rc = db_commit(ctx->c);
	if (rc)
		db_rollback(ctx->c);
	return rc;
}

int booking_hold_release(booking_ctx_t *ctx, const char *token)
{
	if (!ctx->c)
		return ERR_UNAVAILABLE;
	if (!token || strlen(token) != 64)
		return ERR_NOT_FOUND;
	char hash[65];
	bk_hash_token(token, hash);
	int rc = db_begin(ctx->c);
	if (rc)
		return rc;
	int64_t slot_id;
	bool staff;
	rc = bk_store_hold_drop(ctx->c, hash, &slot_id, &staff);
	/* Back through the cancellation delay: letting a hold go at an agreed moment must not hand
	 * its seat to somebody waiting for it. */
	if (!rc)
		rc = bk_seat_release(ctx, slot_id, staff);
	if (!rc)
		rc = db_commit(ctx->c);
	if (rc)
		db_rollback(ctx->c);
	return rc;
}

/* ---------------------------------------------------------------- create */

/* Everything that can be checked before the transaction: target, person, start, proof of work
 * (verified here, redeemed in the transaction so that a booking that fails leaves it usable). */
static int create_check(booking_ctx_t *ctx, const booking_input_t *in, bk_target_t *t, bk_person_t *p, bool *pow,
			booking_err_t *err)
{
	int rc = bk_resolve_target(ctx, in->service, in->channel, in->office, t, err);
	if (rc && rc != ERR_INVALID)
		return rc;
	bool bad = rc == ERR_INVALID;
	if (!bk_validate_person(ctx, in, p, err))
		bad = true;
	/* A call-back needs a number to call: an e-mail alone cannot be phoned. */
	if (str_eq(in->channel, "phone") && !p->phone && !booking_err_field(err, "phone")) {
		bk_err_field(err, "phone", "booking_err_phone_needed");
		bad = true;
	}
	bool has_hold = in->hold && *in->hold;
	int64_t at;
	if ((!has_hold && in->slot_id <= 0 && (!in->start || !*in->start)) ||
	    (in->slot_id <= 0 && in->start && *in->start && tz_iso_parse(in->start, 0, &at))) {
		bk_err_field(err, "start", "booking_err_start");
		bad = true;
	}
	/* Proof of work: the citizen's cost per seat. A live hold has paid it; with a hold the
	 * payload (if any) is checked when the hold turns out to be gone. */
	*pow = bk_pow_required(ctx);
	if (*pow && !has_hold && !bk_pow_check(ctx, in->altcha, err))
		bad = true;
	else if (*pow && has_hold && in->altcha && *in->altcha && !bk_pow_check(ctx, in->altcha, err))
		bad = true;
	return bad ? ERR_INVALID : 0;
}

/* The seat of the hold in->hold, when it is still live and belongs to the target. 0 (seated),
 * ERR_NOT_FOUND (no live hold, but a start to book instead), or an error. */
static int seat_from_hold(booking_ctx_t *ctx, const booking_input_t *in, const bk_target_t *t, bk_cand_t *seat,
			  bool *staff_seat, booking_err_t *err)
{
	char hash[65];
	bk_hash_token(in->hold, hash);
	bk_hold_t h;
	int rc = bk_store_hold_claim(ctx->c, ctx->a, hash, ctx->now, &h);
	if (rc == ERR_NOT_FOUND && in->slot_id <= 0 && (!in->start || !*in->start)) {
		bk_err_set(err, "hold_expired", "booking_err_hold_expired");
		return ERR_CONFLICT;
	}
	schedule_slot_t s;
	if (!rc)
		rc = schedule_slot_get(ctx->c, ctx->a, h.slot_id, &s);
	if (rc)
		return rc;
	*staff_seat = h.staff;
	/* The hold is for what it was taken for, by whom took it: not another procedure (one the
	 * slot's rule may not offer), channel or client (a hold handed over to be booked with). */
	bool mine =
		h.procedure_id == t->proc.id && str_eq(h.channel, t->channel) && str_eq(h.client, bk_client_hash(ctx));
	bool office = false;
	for (size_t i = 0; i < t->noffices; i++)
		if (t->offices[i].id == s.office_id) {
			office = str_eq(s.channel, t->slot_channel);
			seat->office = &t->offices[i];
		}
	if (!mine || !office) {
		bk_err_field(err, "hold", "booking_err_hold_mismatch");
		return ERR_INVALID;
	}
	seat->s = s;
	return 0;
}

/* A seat for the booking: the hold's, else one of the slots in->slot_id or in->start names. */
static int create_seat(booking_ctx_t *ctx, const booking_input_t *in, const bk_target_t *t, bool pow, bk_cand_t *seat,
		       bool *staff_seat, bool *from_hold, booking_err_t *err)
{
	int rc;
	*from_hold = false;
	if (in->hold && *in->hold) {
		rc = seat_from_hold(ctx, in, t, seat, staff_seat, err);
		*from_hold = rc == 0;
		if (rc != ERR_NOT_FOUND)
			return rc;
		/* The hold is gone: booking its start instead is a new seat, paid like one. */
		if (pow && (!in->altcha || !*in->altcha)) {
			bk_err_set(err, "hold_expired", "booking_err_hold_expired");
			return ERR_CONFLICT;
		}
	}
	if (pow && (rc = bk_pow_spend(ctx, in->altcha, err)) != 0)
		return rc;
	bk_cand_t c[MAX_CANDIDATES];
	size_t nc = 0, k = 0;
	rc = bk_find_slots(ctx, t, in->start, in->slot_id, c, &nc, err);
	if (rc)
		return rc;
	rc = bk_take_seat(ctx, c, nc, &k, staff_seat);
	if (rc == ERR_CONFLICT)
		bk_err_set(err, "slot_full", "booking_err_slot_full");
	if (!rc)
		*seat = c[k];
	return rc;
}

/* A code no appointment has (a few tries: 32^8 codes), starting with the one in code when it is
 * set (chosen before the transaction). */
static int new_unique_code(booking_ctx_t *ctx, char code[BOOKING_CODE_LEN])
{
	for (int tries = 0; tries <= 8; tries++) {
		if (tries > 0 || !*code)
			new_code(code);
		booking_t other;
		int rc = bk_store_appt_by_code(ctx->c, ctx->a, code, &other, NULL);
		if (rc)
			return rc == ERR_NOT_FOUND ? 0 : rc;
	}
	return ERR_CONFLICT;
}

/* The appointment create_insert writes on seat, as bk_store_appt_by_id reads it back (the fields
 * the view model reads). */
static booking_t planned(booking_ctx_t *ctx, const bk_target_t *t, const bk_person_t *p, const bk_cand_t *seat,
			 const char *code)
{
	return (booking_t){
		.slot_id = seat->s.id,
		.office_id = seat->s.office_id,
		.procedure_id = t->proc.id,
		.code = code,
		.channel = t->channel,
		.status = "booked",
		.office_code = seat->office->code,
		.service_code = t->proc.code,
		.start_at = seat->s.start_at,
		.end_at = seat->s.end_at,
		.name = p->name,
		.id_type = p->id_type,
		.id_number = p->id_number,
		.email = p->email ? p->email : "",
		.phone = p->phone ? p->phone : "",
		.lang = p->lang,
		.booked_by = bk_actor(ctx),
	};
}

static bool same_text(const char *x, const char *y)
{
	return str_eq(x ? x : "", y ? y : "");
}

/* Whether the messages and the answer composed for x say what y (the row as written) says. */
static bool same_booking(const booking_t *x, const booking_t *y)
{
	return x->office_id == y->office_id && x->procedure_id == y->procedure_id && x->start_at == y->start_at &&
	       x->end_at == y->end_at && x->sequence == y->sequence && same_text(x->code, y->code) &&
	       same_text(x->channel, y->channel) && same_text(x->status, y->status) && same_text(x->name, y->name) &&
	       same_text(x->id_type, y->id_type) && same_text(x->id_number, y->id_number) &&
	       same_text(x->email, y->email) && same_text(x->phone, y->phone) && same_text(x->lang, y->lang) &&
	       same_text(x->booked_by, y->booked_by);
}

/* Composed before the transaction: the appointment expected (on the first candidate slot, under
 * a code and token drawn beforehand), its messages and the answer's model. */
typedef struct {
	bool ready;
	booking_t b;
	bk_notices_t notices;
	json_t *model;
} bk_plan_t;

static void plan_free(bk_plan_t *pl)
{
	bk_notices_free(&pl->notices);
	json_decref(pl->model);
	pl->model = NULL;
	pl->ready = false;
}

/* Renders what a booking on seat will send and answer (the mails, the .ics: the slow part of a
 * booking) before the transaction begins, so the writers' lock is held for the writes only.
 * Draws out's code and token. Not ready (composed inside the transaction instead) on a storage
 * error. */
static void plan(booking_ctx_t *ctx, const bk_target_t *t, const bk_person_t *p, const bk_cand_t *seat,
		 booking_created_t *out, bk_plan_t *pl)
{
	memset(pl, 0, sizeof *pl);
	new_code(out->code);
	rand_token_hex(out->token);
	pl->b = planned(ctx, t, p, seat, out->code);
	if (bk_notify_prepare(ctx, &pl->b, out->token, &pl->notices))
		return;
	if (!(pl->model = booking_model(ctx, &pl->b, out->token, ctx->lang))) {
		bk_notices_free(&pl->notices);
		return;
	}
	pl->ready = true;
}

/* The appointment row on the seat, its first history row, its mails, and its model. With a ready
 * plan (out's code and token drawn already), its messages and model are used when the row as
 * written is the one they were composed for; otherwise they are composed here. */
static int create_insert(booking_ctx_t *ctx, const bk_target_t *t, const bk_person_t *p, const bk_cand_t *seat,
			 bool staff_seat, booking_created_t *out, bk_plan_t *pl)
{
	bool drawn = pl && pl->ready;
	if (!drawn)
		out->code[0] = '\0';
	int rc = new_unique_code(ctx, out->code);
	if (rc)
		return rc;
	char hash[65];
	if (!drawn)
		rand_token_hex(out->token);
	bk_hash_token(out->token, hash);
	bk_row_t row = {
		.code = out->code,
		.token_hash = hash,
		.channel = t->channel,
		.slot_id = seat->s.id,
		.office_id = seat->s.office_id,
		.procedure_id = t->proc.id,
		.start_at = seat->s.start_at,
		.end_at = seat->s.end_at,
		.name = p->name,
		.id_type = p->id_type,
		.id_number = p->id_number,
		.email = p->email,
		.email_key = p->email_key,
		.phone = p->phone,
		.lang = p->lang,
		.digital_confidence = p->confidence,
		.booked_by_user_id = ctx->staff ? ctx->user_id : 0,
		.booked_by = bk_actor(ctx),
		.staff_seat = staff_seat,
		.now = ctx->now,
	};
	booking_t b;
	rc = bk_store_appt_insert(ctx->c, &row, &out->id);
	if (!rc)
		rc = bk_link_person(ctx, out->id, p);
	if (!rc)
		rc = bk_store_event_add(ctx->c, out->id, ctx->now, "", "booked", bk_actor(ctx));
	if (!rc)
		rc = bk_store_appt_by_id(ctx->c, ctx->a, out->id, &b);
	if (rc)
		return rc;
	b.office_code = seat->office->code;
	b.service_code = t->proc.code;
	if (drawn && same_booking(&pl->b, &b)) {
		rc = bk_notify_enqueue_prepared(ctx, &b, &pl->notices);
		out->model = json_incref(pl->model);
		return rc;
	}
	rc = bk_notify_booked(ctx, &b, out->token, false);
	if (!rc && !(out->model = booking_model(ctx, &b, out->token, ctx->lang)))
		rc = ERR_DB;
	return rc;
}

/* ---------------------------------------------------------------- what became of a hold */

#define HOLD_RESULT_TTL 86400
#define SEALED_LEN (crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + BOOKING_TOKEN_LEN - 1)

/* The key that seals a hold's manage token: derived from the hold token itself, which only the
 * browser that held the time knows (the database keeps its SHA-256 only). */
static void seal_key(const char *hold, unsigned char key[crypto_secretbox_KEYBYTES])
{
	static const char ctx[] = "finestreta hold result";
	crypto_generichash(key, crypto_secretbox_KEYBYTES, (const unsigned char *)ctx, sizeof ctx - 1,
			   (const unsigned char *)hold, strlen(hold));
}

/* Records that the hold became out's appointment, its manage token sealed with the hold's key. */
static int hold_result_add(booking_ctx_t *ctx, const char *hold, const booking_created_t *out)
{
	unsigned char key[crypto_secretbox_KEYBYTES], box[SEALED_LEN];
	seal_key(hold, key);
	randombytes_buf(box, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, (const unsigned char *)out->token,
			      BOOKING_TOKEN_LEN - 1, box, key);
	sodium_memzero(key, sizeof key);
	char sealed[2 * SEALED_LEN + 1], hash[65];
	str_hex(box, sizeof box, sealed);
	bk_hash_token(hold, hash);
	return bk_store_hold_result_add(ctx->c, hash, out->id, sealed, ctx->now + HOLD_RESULT_TTL);
}

int booking_hold_result(booking_ctx_t *ctx, const char *hold, char code[BOOKING_CODE_LEN],
			char token[BOOKING_TOKEN_LEN])
{
	if (!ctx->c)
		return ERR_UNAVAILABLE;
	if (!hold || strlen(hold) != BOOKING_TOKEN_LEN - 1)
		return ERR_NOT_FOUND;
	char hash[65];
	bk_hash_token(hold, hash);
	int64_t id;
	const char *sealed;
	int rc = bk_store_hold_result(ctx->c, ctx->a, hash, ctx->now, &id, &sealed);
	if (rc)
		return rc;
	unsigned char box[SEALED_LEN], key[crypto_secretbox_KEYBYTES];
	size_t n = 0;
	if (sodium_hex2bin(box, sizeof box, sealed, strlen(sealed), NULL, &n, NULL) || n != sizeof box)
		return ERR_NOT_FOUND;
	seal_key(hold, key);
	unsigned char plain[BOOKING_TOKEN_LEN - 1];
	rc = crypto_secretbox_open_easy(plain, box + crypto_secretbox_NONCEBYTES,
					sizeof box - crypto_secretbox_NONCEBYTES, box, key);
	sodium_memzero(key, sizeof key);
	if (rc)
		return ERR_NOT_FOUND;
	booking_t b;
	if ((rc = bk_store_appt_by_id(ctx->c, ctx->a, id, &b)))
		return rc;
	memcpy(token, plain, sizeof plain);
	token[sizeof plain] = '\0';
	snprintf(code, BOOKING_CODE_LEN, "%s", b.code);
	return 0;
}

/* ---------------------------------------------------------------- validate, create */

int booking_validate(booking_ctx_t *ctx, const booking_input_t *in, booking_err_t *err)
{
	if (!ctx->c)
		return ERR_UNAVAILABLE;
	bk_target_t t;
	bk_person_t p;
	bool pow;
	return create_check(ctx, in, &t, &p, &pow, err);
}

/* The seat a booking by start or slot id will most likely get (the first bookable slot it names,
 * read without the writers' lock) and the plan for it. A booking with a hold, or whose slot
 * cannot be told yet, composes inside its transaction as before. */
static void plan_seat(booking_ctx_t *ctx, const booking_input_t *in, const bk_target_t *t, const bk_person_t *p,
		      booking_created_t *out, bk_plan_t *pl)
{
	memset(pl, 0, sizeof *pl);
	if (in->hold && *in->hold)
		return;
	bk_cand_t c[MAX_CANDIDATES];
	size_t nc = 0;
	booking_err_t scratch = {0};
	if (bk_find_slots(ctx, t, in->start, in->slot_id, c, &nc, &scratch) == 0 && nc > 0)
		plan(ctx, t, p, &c[0], out, pl);
}

int booking_create(booking_ctx_t *ctx, const booking_input_t *in, booking_created_t *out, booking_err_t *err)
{
	memset(out, 0, sizeof *out);
	if (!ctx->c)
		return ERR_UNAVAILABLE;
	bk_target_t t;
	bk_person_t p;
	bool pow;
	int rc = create_check(ctx, in, &t, &p, &pow, err);
	if (rc)
		return rc;
	bk_plan_t pl = {0};
	plan_seat(ctx, in, &t, &p, out, &pl);
	rc = db_begin(ctx->c);
	if (rc) {
		plan_free(&pl);
		return rc;
	}
	bk_cand_t seat = {0};
	bool staff_seat = false, from_hold = false;
	rc = bk_check_limits(ctx, &p, err);
	if (!rc)
		rc = create_seat(ctx, in, &t, pow, &seat, &staff_seat, &from_hold, err);
	if (!rc)
		rc = create_insert(ctx, &t, &p, &seat, staff_seat, out, &pl);
	if (!rc && from_hold)
		rc = hold_result_add(ctx, in->hold, out);
	if (!rc)
		rc = bk_count_passport(ctx, &p);
	if (!rc)
		rc = bk_audit(ctx, "booking.create", out->code, in->service);
	if (!rc)
		rc = db_commit(ctx->c);
	plan_free(&pl);
	if (!rc)
		return 0;
	db_rollback(ctx->c);
	json_decref(out->model);
	out->model = NULL;
	memset(out->token, 0, sizeof out->token);
	return rc;
}

int booking_demo_at(booking_ctx_t *ctx, const booking_input_t *in, int64_t start_at, int64_t end_at,
		    booking_created_t *out, booking_err_t *err)
{
	memset(out, 0, sizeof *out);
	if (!ctx->c)
		return ERR_UNAVAILABLE;
	bk_target_t t;
	bk_person_t p;
	int rc = bk_resolve_target(ctx, in->service, in->channel, in->office, &t, err);
	if (!rc && !bk_validate_person(ctx, in, &p, err))
		rc = ERR_INVALID;
	if (!rc && !t.noffices)
		rc = ERR_NOT_FOUND;
	if (rc)
		return rc;
	bk_cand_t seat = {.office = &t.offices[0]};
	seat.s.office_id = t.offices[0].id;
	seat.s.start_at = start_at;
	seat.s.end_at = end_at;
	if ((rc = db_begin(ctx->c)) != 0)
		return rc;
	rc = create_insert(ctx, &t, &p, &seat, false, out, NULL);
	if (!rc)
		rc = db_commit(ctx->c);
	if (rc) {
		db_rollback(ctx->c);
		json_decref(out->model);
		out->model = NULL;
	}
	return rc;
}

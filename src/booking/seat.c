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
		int rc = schedule_slots(ctx->c, ctx->a, t->offices[i].id, t->channel, t->proc.id, dfrom, dto, ctx->now,
					ctx->staff, &s, &ns);
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
		const tz_t *z = bk_office_tz(&t->offices[i]);
		tz_local_t l;
		tz_local(z, at, &l);
		char day[TZ_DATE_LEN];
		tz_date_format(l.day, day);
		schedule_slot_t *s;
		size_t ns;
		int rc = schedule_slots(ctx->c, ctx->a, t->offices[i].id, t->channel, t->proc.id, day, day, ctx->now,
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
			rc = bk_store_slot_at(ctx->c, t->offices[i].id, t->channel, at, &id);
			if (rc == 0)
				*exists = true;
			else if (rc != ERR_NOT_FOUND)
				return rc;
		}
	}
	return 0;
}

/* Whether an existing slot at `at` is simply full for this actor (else it is not bookable: not
 * released, too soon, or not serving the procedure). */
static bool full_at(booking_ctx_t *ctx, const bk_target_t *t, int64_t at)
{
	for (size_t i = 0; i < t->noffices; i++) {
		int64_t id;
		if (bk_store_slot_at(ctx->c, t->offices[i].id, t->channel, at, &id))
			continue;
		schedule_slot_t s;
		if (schedule_slot_get(ctx->c, ctx->a, id, &s))
			continue;
		bool full = ctx->staff ? s.booked + s.staff_booked >= s.capacity + s.staff_capacity
				       : s.booked >= s.capacity;
		if (full)
			return true;
	}
	return false;
}

/* ---------------------------------------------------------------- the seat */

/* Takes a seat of one of the candidate slots (in order). 0 with *taken, or ERR_CONFLICT. */
int bk_take_seat(booking_ctx_t *ctx, bk_cand_t *c, size_t nc, size_t *taken, bool *staff_seat)
{
	for (size_t i = 0; i < nc; i++) {
		/* An expired hold not yet swept still counts in the slot: free it first. */
		int rc = bk_store_holds_expire(ctx->c, c[i].s.id, ctx->now, NULL);
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
		if (rc || !mine || !str_eq(s.channel, t->channel)) {
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
		if (exists && full_at(ctx, t, at)) {
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

int booking_hold(booking_ctx_t *ctx, const booking_input_t *in, char token[BOOKING_TOKEN_LEN], int64_t *expires_at,
		 booking_err_t *err)
{
	if (!ctx->c)
		return ERR_UNAVAILABLE;
	bk_target_t t;
	int rc = bk_resolve_target(ctx, in->service, in->channel, in->office, &t, err);
	if (rc)
		return rc;
	bk_cand_t c[MAX_CANDIDATES];
	size_t nc;
	rc = db_begin(ctx->c);
	if (rc)
		return rc;
	rc = bk_find_slots(ctx, &t, in->start, in->slot_id, c, &nc, err);
	size_t k;
	bool staff_seat = false;
	if (!rc) {
		rc = bk_take_seat(ctx, c, nc, &k, &staff_seat);
		if (rc == ERR_CONFLICT)
			bk_err_set(err, "slot_full", "booking_err_slot_full");
	}
	if (!rc) {
		char hash[65];
		rand_token_hex(token);
		bk_hash_token(token, hash);
		*expires_at = ctx->now + bk_cfg_int(ctx->cfg, "booking.hold_seconds", 300);
		rc = bk_store_hold_insert(ctx->c, c[k].s.id, hash, staff_seat, ctx->now, *expires_at);
	}
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
	rc = bk_store_hold_drop(ctx->c, hash);
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
	bool has_hold = in->hold && *in->hold;
	int64_t at;
	if ((!has_hold && in->slot_id <= 0 && (!in->start || !*in->start)) ||
	    (in->slot_id <= 0 && in->start && *in->start && tz_iso_parse(in->start, 0, &at))) {
		bk_err_field(err, "start", "booking_err_start");
		bad = true;
	}
	/* Proof of work: the citizen's cost per booking. */
	*pow = !ctx->staff && !ctx->demo && bk_cfg_bool(ctx->cfg, "booking.proof_of_work", true);
	if (*pow) {
		const unsigned char *key;
		size_t keylen;
		booking_pow_key(ctx->cfg, &key, &keylen);
		if (!in->altcha || !*in->altcha) {
			bk_err_field(err, "altcha", "booking_err_altcha_missing");
			bad = true;
		} else if (booking_pow_verify(key, keylen, in->altcha, ctx->now, NULL, NULL)) {
			bk_err_field(err, "altcha", "booking_err_altcha");
			bad = true;
		}
	}
	return bad ? ERR_INVALID : 0;
}

/* The seat of the hold in->hold, when it is still live and belongs to the target. 0 (seated),
 * ERR_NOT_FOUND (no live hold, but a start to book instead), or an error. */
static int seat_from_hold(booking_ctx_t *ctx, const booking_input_t *in, const bk_target_t *t, bk_cand_t *seat,
			  bool *staff_seat, booking_err_t *err)
{
	char hash[65];
	bk_hash_token(in->hold, hash);
	int64_t slot_id;
	int rc = bk_store_hold_claim(ctx->c, hash, ctx->now, &slot_id, staff_seat);
	if (rc == ERR_NOT_FOUND && in->slot_id <= 0 && (!in->start || !*in->start)) {
		bk_err_set(err, "hold_expired", "booking_err_hold_expired");
		return ERR_CONFLICT;
	}
	schedule_slot_t s;
	if (!rc)
		rc = schedule_slot_get(ctx->c, ctx->a, slot_id, &s);
	if (rc)
		return rc;
	bool mine = false;
	for (size_t i = 0; i < t->noffices; i++)
		if (t->offices[i].id == s.office_id) {
			mine = str_eq(s.channel, t->channel);
			seat->office = &t->offices[i];
		}
	if (!mine) {
		bk_err_field(err, "hold", "booking_err_hold_mismatch");
		return ERR_INVALID;
	}
	seat->s = s;
	return 0;
}

/* A seat for the booking: the hold's, else one of the slots in->slot_id or in->start names. */
static int create_seat(booking_ctx_t *ctx, const booking_input_t *in, const bk_target_t *t, bk_cand_t *seat,
		       bool *staff_seat, booking_err_t *err)
{
	if (in->hold && *in->hold) {
		int rc = seat_from_hold(ctx, in, t, seat, staff_seat, err);
		if (rc != ERR_NOT_FOUND)
			return rc;
	}
	bk_cand_t c[MAX_CANDIDATES];
	size_t nc = 0, k = 0;
	int rc = bk_find_slots(ctx, t, in->start, in->slot_id, c, &nc, err);
	if (rc)
		return rc;
	rc = bk_take_seat(ctx, c, nc, &k, staff_seat);
	if (rc == ERR_CONFLICT)
		bk_err_set(err, "slot_full", "booking_err_slot_full");
	if (!rc)
		*seat = c[k];
	return rc;
}

/* A code no appointment has (a few tries: 32^8 codes). */
static int new_unique_code(booking_ctx_t *ctx, char code[BOOKING_CODE_LEN])
{
	for (int tries = 0; tries <= 8; tries++) {
		new_code(code);
		booking_t other;
		int rc = bk_store_appt_by_code(ctx->c, ctx->a, code, &other, NULL);
		if (rc)
			return rc == ERR_NOT_FOUND ? 0 : rc;
	}
	return ERR_CONFLICT;
}

/* The appointment row on the seat, its first history row, its mails, and its model. */
static int create_insert(booking_ctx_t *ctx, const bk_target_t *t, const bk_person_t *p, const bk_cand_t *seat,
			 bool staff_seat, booking_created_t *out)
{
	int rc = new_unique_code(ctx, out->code);
	if (rc)
		return rc;
	char hash[65];
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
	if (!rc) {
		b.office_code = seat->office->code;
		b.service_code = t->proc.code;
		rc = bk_notify_booked(ctx, &b, out->token, false);
	}
	if (!rc && !(out->model = booking_model(ctx, &b, out->token, ctx->lang)))
		rc = ERR_DB;
	return rc;
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
	rc = db_begin(ctx->c);
	if (rc)
		return rc;
	bk_cand_t seat;
	bool staff_seat = false;
	if (pow && (rc = booking_pow_redeem(ctx, in->altcha)) != 0 && (rc == ERR_CONFLICT || rc == ERR_INVALID)) {
		bk_err_field(err, "altcha", "booking_err_altcha_used");
		rc = ERR_INVALID;
	}
	if (!rc)
		rc = bk_check_limits(ctx, &p, err);
	if (!rc)
		rc = create_seat(ctx, in, &t, &seat, &staff_seat, err);
	if (!rc)
		rc = create_insert(ctx, &t, &p, &seat, staff_seat, out);
	if (!rc)
		rc = bk_audit(ctx, "booking.create", out->code, in->service);
	if (!rc)
		rc = db_commit(ctx->c);
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
	rc = create_insert(ctx, &t, &p, &seat, false, out);
	if (!rc)
		rc = db_commit(ctx->c);
	if (rc) {
		db_rollback(ctx->c);
		json_decref(out->model);
		out->model = NULL;
	}
	return rc;
}

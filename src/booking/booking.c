/* booking.c — the booking rules: validation, limits, the seat, holds, the state machine, cancel
 * and reschedule, and the housekeeping job. SQL lives in store.c, the view model in model.c, the
 * proof of work in pow.c, HTTP in api.c. */
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

#define NAME_MAX_BYTES 200
#define EMAIL_MAX 254
#define DEFAULT_DAYS 30
#define MAX_DAYS 92
#define MAX_OFFICES 32
#define MAX_CANDIDATES 32

/* ---------------------------------------------------------------- settings, errors, context */

int64_t bk_cfg_int(const config_t *cfg, const char *name, int64_t def)
{
	return cfg ? config_int(cfg, name) : def;
}

bool bk_cfg_bool(const config_t *cfg, const char *name, bool def)
{
	return cfg ? config_bool(cfg, name) : def;
}

const char *bk_actor(const booking_ctx_t *ctx)
{
	return ctx->staff && ctx->user_email && *ctx->user_email ? ctx->user_email : "citizen";
}

static void err_set(booking_err_t *err, const char *code, const char *key)
{
	if (!err)
		return;
	err->code = code;
	err->key = key;
}

static void err_field(booking_err_t *err, const char *field, const char *key)
{
	if (!err)
		return;
	if (!err->code) {
		err->code = "invalid";
		err->key = "booking_err_invalid";
	}
	if (!fielderr_has(&err->fields, field)) /* the first message for a field is the one to show */
		fielderr_add(&err->fields, field, key);
}

const char *booking_err_field(const booking_err_t *err, const char *field)
{
	return err ? fielderr_get(&err->fields, field) : NULL;
}

int booking_err_status(const booking_err_t *err)
{
	static const struct {
		const char *code;
		int status;
	} map[] = {
		{"invalid", 422},   {"slot_full", 409}, {"hold_expired", 409}, {"limit_reached", 429},
		{"not_found", 404}, {"bad_state", 409}, {"too_late", 409},
	};
	for (size_t i = 0; err && err->code && i < sizeof map / sizeof map[0]; i++)
		if (str_eq(err->code, map[i].code))
			return map[i].status;
	return 500;
}

/* ---------------------------------------------------------------- small parsers */

static const char *trimmed(arena_t *a, const char *s)
{
	if (!s)
		return NULL;
	char *t = arena_strdup(a, s);
	return str_trim(t);
}

static bool name_ok(const char *s)
{
	size_t n = strlen(s);
	if (n < 2 || n > NAME_MAX_BYTES || !str_valid_utf8(s, n))
		return false;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

/* A plain address check (one @, a dotted domain, no spaces or quoting), lower-cased. */
static const char *email_norm(arena_t *a, const char *s)
{
	size_t n = strlen(s);
	if (n < 6 || n > EMAIL_MAX)
		return NULL;
	const char *at = strchr(s, '@');
	if (!at || at == s || strchr(at + 1, '@') || at - s > 64)
		return NULL;
	const char *dom = at + 1;
	if (!strchr(dom, '.') || dom[0] == '.' || s[n - 1] == '.' || strstr(dom, ".."))
		return NULL;
	char *out = arena_strdup(a, s);
	for (char *p = out; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		if (ch <= 0x20 || ch >= 0x7f || strchr("<>()[]\\,;:\"", ch))
			return NULL;
		if (ch >= 'A' && ch <= 'Z')
			*p = (char)(ch - 'A' + 'a');
	}
	return out;
}

/* Digits with an optional leading '+'; spaces, dashes, dots and brackets dropped; 9..15 digits. */
static const char *phone_norm(arena_t *a, const char *s)
{
	char *out = arena_alloc(a, strlen(s) + 1);
	size_t k = 0, digits = 0;
	for (const char *p = s; *p; p++) {
		if (*p == '+' && k == 0 && p == s)
			out[k++] = '+';
		else if (*p >= '0' && *p <= '9')
			out[k++] = *p, digits++;
		else if (!strchr(" -.()", *p))
			return NULL;
	}
	out[k] = '\0';
	return digits >= 9 && digits <= 15 ? out : NULL;
}

static bool lang_ok(const char *l)
{
	return str_eq(l, "ca") || str_eq(l, "es") || str_eq(l, "en");
}

static bool booking_channel(const char *ch)
{
	return str_eq(ch, "in_person") || str_eq(ch, "phone") || str_eq(ch, "video");
}

/* ---------------------------------------------------------------- service, channel, offices */

typedef struct {
	catalog_procedure_t proc;
	const char *channel;
	catalog_office_t offices[MAX_OFFICES];
	size_t noffices;
} target_t;

/* Checks service / channel / office and lists the offices whose slots may serve them: the
 * office given (in person, or any channel when given), else every active virtual office. */
static int resolve_target(booking_ctx_t *ctx, const char *service, const char *channel, const char *office,
			  target_t *t, booking_err_t *err)
{
	memset(t, 0, sizeof *t);
	bool bad = false;
	int rc;
	if (!service || !*service) {
		err_field(err, "service", "booking_err_service");
		bad = true;
	} else if ((rc = catalog_procedure_by_code(ctx->c, ctx->a, service, &t->proc)) == ERR_NOT_FOUND ||
		   (rc == 0 && !t->proc.active)) {
		err_field(err, "service", "booking_err_service");
		bad = true;
	} else if (rc) {
		return rc;
	}
	if (!booking_channel(channel) || (!bad && !catalog_channels_has(t->proc.channels, channel))) {
		err_field(err, "channel", "booking_err_channel");
		bad = true;
	}
	t->channel = channel;
	bool office_given = office && *office;
	if (office_given) {
		catalog_office_t o;
		rc = catalog_office_by_code(ctx->c, ctx->a, office, &o);
		if (rc && rc != ERR_NOT_FOUND)
			return rc;
		if (rc || !o.active || (!bad && str_eq(channel, "in_person") &&
					!catalog_procedure_offered(ctx->c, t->proc.id, o.id))) {
			err_field(err, "office", "booking_err_office");
			return ERR_INVALID;
		}
		t->offices[0] = o;
		t->noffices = 1;
	} else if (str_eq(channel, "in_person")) {
		err_field(err, "office", "booking_err_office");
		return ERR_INVALID;
	} else if (!bad) {
		catalog_office_t *all;
		size_t n;
		rc = catalog_offices(ctx->c, ctx->a, &all, &n);
		if (rc)
			return rc;
		for (size_t i = 0; i < n && t->noffices < MAX_OFFICES; i++)
			if (str_eq(all[i].kind, "virtual_office"))
				t->offices[t->noffices++] = all[i];
	}
	return bad ? ERR_INVALID : 0;
}

static const tz_t *office_tz(const catalog_office_t *o)
{
	const tz_t *z = o && o->tz ? tz_get(o->tz) : NULL;
	return z ? z : tz_utc();
}

/* ---------------------------------------------------------------- availability */

typedef struct {
	schedule_slot_t s;
	const catalog_office_t *office;
} cand_t;

static int cand_cmp(const void *a, const void *b)
{
	const cand_t *x = a, *y = b;
	if (x->s.start_at != y->s.start_at)
		return x->s.start_at < y->s.start_at ? -1 : 1;
	return x->s.id < y->s.id ? -1 : x->s.id > y->s.id;
}

int booking_availability(booking_ctx_t *ctx, const booking_query_t *q, booking_day_t **days, size_t *ndays,
			 booking_err_t *err)
{
	*days = NULL;
	*ndays = 0;
	target_t t;
	int rc = resolve_target(ctx, q->service, q->channel, q->office, &t, err);
	int32_t from = 0, to = 0;
	bool bad = rc == ERR_INVALID;
	if (rc && rc != ERR_INVALID)
		return rc;
	const tz_t *z = office_tz(t.noffices ? &t.offices[0] : NULL);
	if (q->from && *q->from) {
		if (tz_date_parse(q->from, &from)) {
			err_field(err, "from", "booking_err_date");
			bad = true;
		}
	} else {
		tz_local_t l;
		tz_local(z, ctx->now, &l);
		from = l.day;
	}
	if (q->to && *q->to) {
		if (tz_date_parse(q->to, &to)) {
			err_field(err, "to", "booking_err_date");
			bad = true;
		}
	} else {
		to = from + DEFAULT_DAYS;
	}
	if (!bad && (to < from || to - from >= MAX_DAYS)) {
		err_field(err, "to", "booking_err_range");
		bad = true;
	}
	if (bad)
		return ERR_INVALID;
	char dfrom[TZ_DATE_LEN], dto[TZ_DATE_LEN];
	tz_date_format(from, dfrom);
	tz_date_format(to, dto);

	size_t cap = 64, n = 0;
	cand_t *all = arena_alloc(ctx->a, cap * sizeof *all);
	for (size_t i = 0; i < t.noffices; i++) {
		schedule_slot_t *s;
		size_t ns;
		rc = schedule_slots(ctx->c, ctx->a, t.offices[i].id, t.channel, t.proc.id, dfrom, dto, ctx->now, ctx->staff,
				    &s, &ns);
		if (rc)
			return rc;
		for (size_t k = 0; k < ns; k++) {
			if (s[k].free <= 0)
				continue;
			if (n == cap) {
				cand_t *nv = arena_alloc(ctx->a, 2 * cap * sizeof *nv);
				memcpy(nv, all, cap * sizeof *nv);
				all = nv;
				cap *= 2;
			}
			all[n].s = s[k];
			all[n].office = &t.offices[i];
			n++;
		}
	}
	qsort(all, n, sizeof *all, cand_cmp);

	/* Group equal starts (several virtual offices), then local days. */
	booking_day_t *dv = arena_alloc(ctx->a, (n ? n : 1) * sizeof *dv);
	booking_slot_t *sv = arena_alloc(ctx->a, (n ? n : 1) * sizeof *sv);
	size_t nd = 0, nsl = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		int free = 0;
		while (j < n && all[j].s.start_at == all[i].s.start_at)
			free += all[j++].s.free;
		const tz_t *oz = office_tz(all[i].office);
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
	return 0;
}

json_t *booking_days_json(const booking_day_t *days, size_t ndays)
{
	json_t *jd = json_array();
	for (size_t i = 0; i < ndays; i++) {
		json_t *js = json_array();
		for (size_t k = 0; k < days[i].nslots; k++)
			json_array_append_new(js, json_pack("{s:s,s:i}", "start", days[i].slots[k].start_iso, "free",
							    days[i].slots[k].free));
		json_array_append_new(jd, json_pack("{s:s,s:o}", "date", days[i].date, "slots", js));
	}
	return json_pack("{s:o}", "days", jd);
}

/* The bookable slots of the target starting at instant at (several virtual offices may have
 * one), into c[], ordered by slot id. *exists says whether some active slot starts then at all
 * (full, or not yet bookable). */
static int slots_at(booking_ctx_t *ctx, const target_t *t, int64_t at, cand_t *c, size_t *nc, bool *exists)
{
	*nc = 0;
	*exists = false;
	for (size_t i = 0; i < t->noffices; i++) {
		const tz_t *z = office_tz(&t->offices[i]);
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
static bool full_at(booking_ctx_t *ctx, const target_t *t, int64_t at)
{
	for (size_t i = 0; i < t->noffices; i++) {
		int64_t id;
		if (bk_store_slot_at(ctx->c, t->offices[i].id, t->channel, at, &id))
			continue;
		schedule_slot_t s;
		if (schedule_slot_get(ctx->c, ctx->a, id, &s))
			continue;
		bool full = ctx->staff ? s.booked + s.staff_booked >= s.capacity + s.staff_capacity : s.booked >= s.capacity;
		if (full)
			return true;
	}
	return false;
}

/* ---------------------------------------------------------------- personal data */

typedef struct {
	const char *name, *id_type, *email, *phone, *lang;
	char id_number[BOOKING_ID_MAX];
	int confidence;
} person_t;

static bool validate_person(booking_ctx_t *ctx, const booking_input_t *in, person_t *p, booking_err_t *err)
{
	bool ok = true;
	memset(p, 0, sizeof *p);
	p->name = trimmed(ctx->a, in->name);
	if (!p->name || !name_ok(p->name)) {
		err_field(err, "name", "booking_err_name");
		ok = false;
	}
	p->id_type = in->id_type;
	if (!str_eq(in->id_type, "dni") && !str_eq(in->id_type, "nie") && !str_eq(in->id_type, "passport")) {
		err_field(err, "id_type", "booking_err_id_type");
		ok = false;
	} else if (!in->id_number || !*in->id_number) {
		err_field(err, "id_number", "booking_err_id_missing");
		ok = false;
	} else if (!booking_id_valid(in->id_type, in->id_number, p->id_number)) {
		err_field(err, "id_number",
			  str_eq(in->id_type, "dni")   ? "booking_err_dni"
			  : str_eq(in->id_type, "nie") ? "booking_err_nie"
						       : "booking_err_passport");
		ok = false;
	}
	const char *email = trimmed(ctx->a, in->email), *phone = trimmed(ctx->a, in->phone);
	if (email && *email) {
		p->email = email_norm(ctx->a, email);
		if (!p->email) {
			err_field(err, "email", "booking_err_email");
			ok = false;
		}
	}
	if (phone && *phone) {
		p->phone = phone_norm(ctx->a, phone);
		if (!p->phone) {
			err_field(err, "phone", "booking_err_phone");
			ok = false;
		}
	}
	if ((!email || !*email) && (!phone || !*phone)) {
		err_field(err, "email", "booking_err_contact");
		ok = false;
	}
	p->lang = in->lang && *in->lang ? in->lang : ctx->lang;
	if (!lang_ok(p->lang)) {
		err_field(err, "lang", "booking_err_lang");
		ok = false;
	}
	p->confidence = in->digital_confidence;
	if (p->confidence < 0 || p->confidence > 5) {
		err_field(err, "digital_confidence", "booking_err_confidence");
		ok = false;
	}
	return ok;
}

/* ---------------------------------------------------------------- notifications */

static int enqueue(booking_ctx_t *ctx, const char *kind, const booking_t *b, json_t *model, int64_t not_before,
		   const char *dedupe)
{
	notify_msg_t m = {
		.kind = kind,
		.lang = b->lang,
		.to_email = b->email && *b->email ? b->email : NULL,
		.to_phone = b->phone && *b->phone ? b->phone : NULL,
		.model = model,
		.not_before = not_before,
		.dedupe_key = dedupe,
	};
	if (ctx->demo)
		return 0;
	int rc = notify_enqueue(ctx->c, &m);
	if (rc == ERR_DB || rc == ERR_BUSY)
		return rc;
	if (rc) {
		static atomic_int warned;
		if (atomic_fetch_add(&warned, 1) == 0)
			log_warn("booking: %s for %s not queued (%s)", kind, b->code, err_name(rc));
	}
	return 0;
}

/* The confirmation / change mail and the reminder (when it is still ahead). */
static int notify_booked(booking_ctx_t *ctx, const booking_t *b, const char *token, bool changed)
{
	json_t *model = booking_model(ctx, b, token, b->lang);
	if (!model)
		return ERR_DB;
	char key[64];
	snprintf(key, sizeof key, "%s:%s:%d", changed ? "changed" : "confirmed", b->code, b->sequence);
	int rc = enqueue(ctx, changed ? "booking_changed" : "booking_confirmed", b, model, 0, key);
	int64_t before = bk_cfg_int(ctx->cfg, "booking.reminder_hours", 24) * 3600;
	if (!rc && b->start_at - before > ctx->now) {
		/* The first reminder is "reminder:CODE"; a reschedule queues its own for the new time. */
		if (b->sequence == 0)
			snprintf(key, sizeof key, "reminder:%s", b->code);
		else
			snprintf(key, sizeof key, "reminder:%s:%d", b->code, b->sequence);
		rc = enqueue(ctx, "booking_reminder", b, model, b->start_at - before, key);
	}
	json_decref(model);
	return rc;
}

static int notify_cancelled(booking_ctx_t *ctx, const booking_t *b)
{
	json_t *model = booking_model(ctx, b, NULL, b->lang);
	if (!model)
		return ERR_DB;
	char key[64];
	snprintf(key, sizeof key, "cancelled:%s", b->code);
	int rc = enqueue(ctx, "booking_cancelled", b, model, 0, key);
	json_decref(model);
	return rc;
}

/* ---------------------------------------------------------------- proof of work */

int booking_pow_redeem(booking_ctx_t *ctx, const char *payload)
{
	const unsigned char *key;
	size_t keylen;
	booking_pow_key(ctx->cfg, &key, &keylen);
	int64_t exp;
	char ch[65];
	int rc = booking_pow_verify(key, keylen, payload, ctx->now, &exp, ch);
	if (rc)
		return rc;
	return bk_store_pow_use(ctx->c, ch, exp);
}

/* ---------------------------------------------------------------- limits */

static void key_hash(arena_t *a, const char *kind, const char *value, const char **out)
{
	unsigned char h[crypto_generichash_BYTES];
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	crypto_generichash_update(&st, (const unsigned char *)kind, strlen(kind));
	crypto_generichash_update(&st, (const unsigned char *)":", 1);
	crypto_generichash_update(&st, (const unsigned char *)value, strlen(value));
	crypto_generichash_final(&st, h, sizeof h);
	char *hex = arena_alloc(a, 2 * sizeof h + 1);
	str_hex(h, sizeof h, hex);
	*out = hex;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Inside the transaction: lock the person's rows, then count. ERR_BUSY with err filled when a
 * limit is reached. */
static int check_limits(booking_ctx_t *ctx, const person_t *p, booking_err_t *err)
{
	const char *keys[3];
	size_t nk = 0;
	key_hash(ctx->a, "id", p->id_number, &keys[nk++]);
	if (p->email)
		key_hash(ctx->a, "email", p->email, &keys[nk++]);
	if (p->phone)
		key_hash(ctx->a, "phone", p->phone, &keys[nk++]);
	/* A fixed order, so two bookings sharing two keys cannot wait on each other. */
	qsort(keys, nk, sizeof keys[0], str_cmp);
	int rc = bk_store_lock_keys(ctx->c, keys, nk, ctx->now);
	if (rc)
		return rc;
	const struct {
		const char *column, *value, *setting, *field, *key;
	} checks[] = {
		{"id_number", p->id_number, "booking.max_active_per_id", "id_number", "booking_err_limit_id"},
		{"email", p->email, "booking.max_active_per_email", "email", "booking_err_limit_email"},
		{"phone", p->phone, "booking.max_active_per_phone", "phone", "booking_err_limit_phone"},
	};
	bool reached = false;
	for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++) {
		if (!checks[i].value || !*checks[i].value)
			continue;
		int64_t max = bk_cfg_int(ctx->cfg, checks[i].setting, 2), n;
		if (max <= 0)
			continue;
		rc = bk_store_count_active(ctx->c, checks[i].column, checks[i].value, ctx->now, &n);
		if (rc)
			return rc;
		if (n >= max) {
			reached = true;
			err_set(err, "limit_reached", "booking_err_limit");
			if (err)
				fielderr_add(&err->fields, checks[i].field, checks[i].key);
		}
	}
	return reached ? ERR_BUSY : 0;
}

/* ---------------------------------------------------------------- the seat */

/* Takes a seat of one of the candidate slots (in order). 0 with *taken, or ERR_CONFLICT. */
static int take_seat(booking_ctx_t *ctx, cand_t *c, size_t nc, size_t *taken, bool *staff_seat)
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
static int find_slots(booking_ctx_t *ctx, const target_t *t, const char *start, int64_t slot_id, cand_t *c,
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
			err_field(err, "start", "booking_err_start");
			return ERR_INVALID;
		}
		at = s.start_at;
	} else if (tz_iso_parse(start, 0, &at)) {
		err_field(err, "start", "booking_err_start");
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
			err_set(err, "slot_full", "booking_err_slot_full");
			return ERR_CONFLICT;
		}
		err_field(err, "start", "booking_err_start");
		return ERR_INVALID;
	}
	return 0;
}

static void hash_token(const char *token, char out[65])
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
	target_t t;
	int rc = resolve_target(ctx, in->service, in->channel, in->office, &t, err);
	if (rc)
		return rc;
	cand_t c[MAX_CANDIDATES];
	size_t nc;
	rc = db_begin(ctx->c);
	if (rc)
		return rc;
	rc = find_slots(ctx, &t, in->start, in->slot_id, c, &nc, err);
	size_t k;
	bool staff_seat = false;
	if (!rc) {
		rc = take_seat(ctx, c, nc, &k, &staff_seat);
		if (rc == ERR_CONFLICT)
			err_set(err, "slot_full", "booking_err_slot_full");
	}
	if (!rc) {
		char hash[65];
		rand_token_hex(token);
		hash_token(token, hash);
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
	hash_token(token, hash);
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

int booking_create(booking_ctx_t *ctx, const booking_input_t *in, booking_created_t *out, booking_err_t *err)
{
	memset(out, 0, sizeof *out);
	if (!ctx->c)
		return ERR_UNAVAILABLE;
	target_t t;
	int rc = resolve_target(ctx, in->service, in->channel, in->office, &t, err);
	if (rc && rc != ERR_INVALID)
		return rc;
	bool bad = rc == ERR_INVALID;
	person_t p;
	if (!validate_person(ctx, in, &p, err))
		bad = true;
	bool has_hold = in->hold && *in->hold;
	int64_t at;
	if ((!has_hold && in->slot_id <= 0 && (!in->start || !*in->start)) ||
	    (in->slot_id <= 0 && in->start && *in->start && tz_iso_parse(in->start, 0, &at))) {
		err_field(err, "start", "booking_err_start");
		bad = true;
	}
	/* Proof of work: the citizen's cost per booking. Checked here (cheap), redeemed in the
	 * transaction (so a booking that fails leaves it usable). */
	bool pow = !ctx->staff && !ctx->demo && bk_cfg_bool(ctx->cfg, "booking.proof_of_work", true);
	if (pow) {
		const unsigned char *key;
		size_t keylen;
		booking_pow_key(ctx->cfg, &key, &keylen);
		if (!in->altcha || !*in->altcha) {
			err_field(err, "altcha", "booking_err_altcha_missing");
			bad = true;
		} else if (booking_pow_verify(key, keylen, in->altcha, ctx->now, NULL, NULL)) {
			err_field(err, "altcha", "booking_err_altcha");
			bad = true;
		}
	}
	if (bad)
		return ERR_INVALID;

	rc = db_begin(ctx->c);
	if (rc)
		return rc;
	cand_t c[MAX_CANDIDATES];
	size_t nc = 0, k = 0;
	bool staff_seat = false, seated = false;
	if (pow && (rc = booking_pow_redeem(ctx, in->altcha)) != 0) {
		if (rc == ERR_CONFLICT || rc == ERR_INVALID) {
			err_field(err, "altcha", "booking_err_altcha_used");
			rc = ERR_INVALID;
		}
		goto fail;
	}
	rc = check_limits(ctx, &p, err);
	if (rc)
		goto fail;
	if (has_hold) {
		char hash[65];
		hash_token(in->hold, hash);
		int64_t slot_id;
		rc = bk_store_hold_claim(ctx->c, hash, ctx->now, &slot_id, &staff_seat);
		if (rc == 0) {
			schedule_slot_t s;
			rc = schedule_slot_get(ctx->c, ctx->a, slot_id, &s);
			bool mine = false;
			for (size_t i = 0; !rc && i < t.noffices; i++)
				if (t.offices[i].id == s.office_id) {
					mine = str_eq(s.channel, t.channel);
					c[0].office = &t.offices[i];
				}
			if (rc)
				goto fail;
			if (!mine) {
				err_field(err, "hold", "booking_err_hold_mismatch");
				rc = ERR_INVALID;
				goto fail;
			}
			c[0].s = s;
			nc = 1;
			seated = true;
		} else if (rc != ERR_NOT_FOUND) {
			goto fail;
		} else if (in->slot_id <= 0 && (!in->start || !*in->start)) {
			err_set(err, "hold_expired", "booking_err_hold_expired");
			rc = ERR_CONFLICT;
			goto fail;
		}
	}
	if (!seated) {
		rc = find_slots(ctx, &t, in->start, in->slot_id, c, &nc, err);
		if (rc)
			goto fail;
		rc = take_seat(ctx, c, nc, &k, &staff_seat);
		if (rc == ERR_CONFLICT)
			err_set(err, "slot_full", "booking_err_slot_full");
		if (rc)
			goto fail;
	}

	char hash[65];
	for (int tries = 0;; tries++) {
		new_code(out->code);
		booking_t dummy;
		rc = bk_store_appt_by_code(ctx->c, ctx->a, out->code, &dummy, NULL);
		if (rc == ERR_NOT_FOUND)
			break;
		if (rc)
			goto fail;
		if (tries == 8) {
			rc = ERR_CONFLICT;
			goto fail;
		}
	}
	rand_token_hex(out->token);
	hash_token(out->token, hash);
	bk_row_t row = {
		.code = out->code,
		.token_hash = hash,
		.channel = t.channel,
		.slot_id = c[k].s.id,
		.office_id = c[k].s.office_id,
		.procedure_id = t.proc.id,
		.start_at = c[k].s.start_at,
		.end_at = c[k].s.end_at,
		.name = p.name,
		.id_type = p.id_type,
		.id_number = p.id_number,
		.email = p.email,
		.phone = p.phone,
		.lang = p.lang,
		.digital_confidence = p.confidence,
		.booked_by_user_id = ctx->staff ? ctx->user_id : 0,
		.booked_by = bk_actor(ctx),
		.staff_seat = staff_seat,
		.now = ctx->now,
	};
	rc = bk_store_appt_insert(ctx->c, &row, &out->id);
	if (!rc)
		rc = bk_store_event_add(ctx->c, out->id, ctx->now, "", "booked", bk_actor(ctx));
	booking_t b;
	if (!rc)
		rc = bk_store_appt_by_id(ctx->c, ctx->a, out->id, &b);
	if (!rc) {
		b.office_code = c[k].office->code;
		b.service_code = t.proc.code;
		rc = notify_booked(ctx, &b, out->token, false);
	}
	if (!rc) {
		out->model = booking_model(ctx, &b, out->token, ctx->lang);
		if (!out->model)
			rc = ERR_DB;
	}
	if (!rc)
		rc = db_commit(ctx->c);
	if (!rc)
		return 0;
fail:
	db_rollback(ctx->c);
	json_decref(out->model);
	out->model = NULL;
	memset(out->token, 0, sizeof out->token);
	return rc;
}

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
		hash_token(token, h);
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
	{"booked", "checked_in", "checked_in_at"},
	{"booked", "no_show", NULL},
	{"booked", "cancelled", "cancelled_at"},
	{"checked_in", "called", "called_at"},
	{"checked_in", "cancelled", "cancelled_at"},
	{"called", "in_service", "served_at"},
	{"in_service", "done", "done_at"},
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

/* Inside a transaction: the move, its history row, and for a cancellation the delayed seat
 * return and the mail. ERR_CONFLICT when the table forbids it or the status changed meanwhile. */
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
	b->status = to;
	if (str_eq(to, "cancelled")) {
		if (b->slot_id) {
			int64_t delay = bk_cfg_int(ctx->cfg, "booking.cancel_return_delay", 3600);
			rc = delay > 0 ? bk_store_seat_return_add(ctx->c, b->slot_id, b->staff_seat, ctx->now + delay)
				       : bk_store_seat_give(ctx->c, b->slot_id, b->staff_seat);
			if (rc)
				return rc;
		}
		rc = notify_cancelled(ctx, b);
	}
	return rc;
}

int booking_transition(booking_ctx_t *ctx, const char *code, const char *to_state)
{
	if (!ctx->c)
		return ERR_UNAVAILABLE;
	if (!booking_state_valid(to_state))
		return ERR_INVALID;
	booking_t b;
	booking_ctx_t staff = *ctx;
	staff.staff = true; /* no proof asked here */
	int rc = db_begin(ctx->c);
	if (rc)
		return rc;
	rc = load_proved(&staff, code, NULL, NULL, &b);
	if (!rc)
		rc = transition_in_tx(ctx, &b, to_state, bk_actor(ctx));
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
		z = office_tz(&o);
	if (!z)
		z = tz_utc();
	int rc = bk_store_list(ctx->c, ctx->a, office_id, tz_day_start(z, d), tz_day_start(z, d + 1), channel, out, n);
	for (size_t i = 0; !rc && i < *n; i++)
		rc = fill_codes(ctx, &(*out)[i]);
	return rc;
}

/* ---------------------------------------------------------------- cancel, reschedule */

int booking_cancel(booking_ctx_t *ctx, const char *code, const char *token, const char *id_number,
		   booking_err_t *err)
{
	if (!ctx->c)
		return ERR_UNAVAILABLE;
	booking_t b;
	int rc = db_begin(ctx->c);
	if (rc)
		return rc;
	rc = load_proved(ctx, code, token, id_number, &b);
	if (rc == ERR_NOT_FOUND)
		err_set(err, "not_found", "booking_err_not_found");
	if (!rc && !booking_transition_allowed(b.status, "cancelled")) {
		err_set(err, "bad_state", "booking_err_bad_state");
		rc = ERR_CONFLICT;
	}
	if (!rc && !ctx->staff && (!str_eq(b.status, "booked") || b.start_at <= ctx->now)) {
		err_set(err, "too_late", "booking_err_too_late");
		rc = ERR_CONFLICT;
	}
	if (!rc) {
		rc = transition_in_tx(ctx, &b, "cancelled", bk_actor(ctx));
		if (rc == ERR_CONFLICT)
			err_set(err, "bad_state", "booking_err_bad_state");
	}
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
		err_field(err, "start", "booking_err_start");
		return ERR_INVALID;
	}
	booking_t b;
	int rc = db_begin(ctx->c);
	if (rc)
		return rc;
	target_t t;
	cand_t c[MAX_CANDIDATES];
	size_t nc = 0, k = 0;
	bool staff_seat = false;
	rc = load_proved(ctx, code, token, id_number, &b);
	if (rc == ERR_NOT_FOUND)
		err_set(err, "not_found", "booking_err_not_found");
	if (rc)
		goto fail;
	if (!str_eq(b.status, "booked")) {
		err_set(err, "bad_state", "booking_err_bad_state");
		rc = ERR_CONFLICT;
		goto fail;
	}
	if (!ctx->staff && b.start_at <= ctx->now) {
		err_set(err, "too_late", "booking_err_too_late");
		rc = ERR_CONFLICT;
		goto fail;
	}
	/* The same service and channel; in person at the same office. */
	rc = resolve_target(ctx, b.service_code, b.channel, str_eq(b.channel, "in_person") ? b.office_code : NULL, &t,
			    err);
	if (rc == ERR_INVALID) {
		/* The service or office was withdrawn since: nothing to move to. */
		if (err)
			memset(err, 0, sizeof *err);
		err_field(err, "start", "booking_err_start");
	}
	if (rc)
		goto fail;
	rc = find_slots(ctx, &t, new_start, new_slot_id, c, &nc, err);
	if (rc)
		goto fail;
	rc = take_seat(ctx, c, nc, &k, &staff_seat);
	if (rc == ERR_CONFLICT)
		err_set(err, "slot_full", "booking_err_slot_full");
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
		rc = notify_booked(ctx, &b, token && strlen(token) == 64 ? token : NULL, true);
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

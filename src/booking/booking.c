/* booking.c — the booking rules every change shares: settings and errors, what a request names
 * (procedure, channel, offices), the citizen's details, the mails, the limits per person. The seat
 * (availability, holds, create) is in seat.c; one appointment (states, cancel, reschedule) and
 * the housekeeping job in appt.c. SQL lives in store.c, the view model in model.c, the proof of
 * work in pow.c, HTTP in api.c and the pages. */
#include "booking/internal.h"

#include "app.h"
#include "base/contact.h"
#include "base/err.h"
#include "base/log.h"
#include "base/rand.h"
#include "base/str.h"
#include "view/i18n.h"
#include "base/text.h"
#include "catalog/catalog.h"
#include "notify/notify.h"
#include "schedule/schedule.h"

#include <sodium.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---------------------------------------------------------------- settings, errors, context */

int64_t bk_cfg_int(const config_t *cfg, const char *name, int64_t def)
{
	return cfg ? config_int(cfg, name) : def;
}

bool bk_cfg_bool(const config_t *cfg, const char *name, bool def)
{
	return cfg ? config_bool(cfg, name) : def;
}

const char *bk_cfg_str(const config_t *cfg, const char *name, const char *def)
{
	return cfg ? config_str(cfg, name) : def;
}

int bk_audit(const booking_ctx_t *ctx, const char *action, const char *code, const char *detail)
{
	return ctx->audit ? ctx->audit(ctx->audit_ud, action, code, detail) : 0;
}

const char *bk_actor(const booking_ctx_t *ctx)
{
	return ctx->staff && ctx->user_email && *ctx->user_email ? ctx->user_email : "citizen";
}

void bk_err_set(booking_err_t *err, const char *code, const char *key)
{
	if (!err)
		return;
	err->code = code;
	err->key = key;
}

void bk_err_field(booking_err_t *err, const char *field, const char *key)
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
		{"not_found", 404}, {"bad_state", 409}, {"too_late", 409},     {"hold_limit", 429},
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

/* A name: 2..NAME_MAX_BYTES bytes of one line of text (base/text.h: no controls, no bidirectional
 * overrides that would make it read otherwise on a staff screen). */
static bool name_ok(const char *s)
{
	size_t n = strlen(s);
	return n >= 2 && n <= NAME_MAX_BYTES && text_ok_n(s, n, TEXT_LINE);
}

/* The languages messages can be sent in: those the city offers (i18n.languages). */
static bool lang_ok(const char *l)
{
	return i18n_supported(l);
}

static bool booking_channel(const char *ch)
{
	return str_eq(ch, "in_person") || str_eq(ch, "phone") || str_eq(ch, "video");
}

/* ---------------------------------------------------------------- service, channel, offices */

/* Checks service / channel / office and lists the offices whose slots may serve them: the
 * office given (in person, or any channel when given), else every active virtual office. */
int bk_resolve_target(booking_ctx_t *ctx, const char *service, const char *channel, const char *office, bk_target_t *t,
		      booking_err_t *err)
{
	memset(t, 0, sizeof *t);
	bool bad = false;
	int rc;
	if (!service || !*service) {
		bk_err_field(err, "service", "booking_err_service");
		bad = true;
	} else if ((rc = catalog_procedure_by_code(ctx->c, ctx->a, service, &t->proc)) == ERR_NOT_FOUND ||
		   (rc == 0 && !t->proc.active)) {
		bk_err_field(err, "service", "booking_err_service");
		bad = true;
	} else if (rc) {
		return rc;
	}
	if (!booking_channel(channel) || (!bad && !catalog_channels_has(t->proc.channels, channel))) {
		bk_err_field(err, "channel", "booking_err_channel");
		bad = true;
	}
	t->channel = t->slot_channel = channel;
	bool office_given = office && *office;
	if (office_given) {
		catalog_office_t o;
		rc = catalog_office_by_code(ctx->c, ctx->a, office, &o);
		if (!rc && o.active && !bad && str_eq(channel, "in_person"))
			rc = catalog_procedure_offered(ctx->c, t->proc.id, o.id);
		if (rc && rc != ERR_NOT_FOUND)
			return rc;
		if (rc || !o.active) {
			bk_err_field(err, "office", "booking_err_office");
			return ERR_INVALID;
		}
		t->offices[0] = o;
		t->noffices = 1;
		t->slot_channel = booking_slot_channel(o.kind, channel);
	} else if (str_eq(channel, "in_person")) {
		bk_err_field(err, "office", "booking_err_office");
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

const char *booking_slot_channel(const char *office_kind, const char *channel)
{
	if (str_eq(channel, "in_person") && str_eq(office_kind, "neighbourhood_facility"))
		return "ict_agent";
	return channel;
}

const tz_t *bk_office_tz(const catalog_office_t *o)
{
	const tz_t *z = o && o->tz ? tz_get(o->tz) : NULL;
	return z ? z : tz_utc();
}

/* ---------------------------------------------------------------- personal data */

bool bk_validate_person(booking_ctx_t *ctx, const booking_input_t *in, bk_person_t *p, booking_err_t *err)
{
	bool ok = true;
	memset(p, 0, sizeof *p);
	p->name = trimmed(ctx->a, in->name);
	if (!p->name || !name_ok(p->name)) {
		bk_err_field(err, "name", "booking_err_name");
		ok = false;
	}
	p->id_type = in->id_type;
	if (!str_eq(in->id_type, "dni") && !str_eq(in->id_type, "nie") && !str_eq(in->id_type, "passport")) {
		bk_err_field(err, "id_type", "booking_err_id_type");
		ok = false;
	} else if (!in->id_number || !*in->id_number) {
		bk_err_field(err, "id_number", "booking_err_id_missing");
		ok = false;
	} else if (!booking_id_valid(in->id_type, in->id_number, p->id_number)) {
		bk_err_field(err, "id_number",
			     str_eq(in->id_type, "dni")   ? "booking_err_dni"
			     : str_eq(in->id_type, "nie") ? "booking_err_nie"
							  : "booking_err_passport");
		ok = false;
	}
	const char *email = trimmed(ctx->a, in->email), *phone = trimmed(ctx->a, in->phone);
	if (email && *email) {
		p->email = contact_email_normalise(ctx->a, email);
		p->email_key = contact_email_identity(ctx->a, email);
		if (!p->email || !p->email_key) {
			bk_err_field(err, "email", "booking_err_email");
			ok = false;
		}
	}
	if (phone && *phone) {
		p->phone =
			contact_phone_normalise(ctx->a, phone, bk_cfg_str(ctx->cfg, "booking.phone_country_code", "34"),
						(int)bk_cfg_int(ctx->cfg, "booking.phone_national_digits", 9));
		if (!p->phone) {
			bk_err_field(err, "phone", "booking_err_phone");
			ok = false;
		}
	}
	if ((!email || !*email) && (!phone || !*phone)) {
		bk_err_field(err, "email", "booking_err_contact");
		ok = false;
	}
	p->lang = in->lang && *in->lang ? in->lang : ctx->lang;
	if (!lang_ok(p->lang)) {
		bk_err_field(err, "lang", "booking_err_lang");
		ok = false;
	}
	p->confidence = in->digital_confidence;
	if (p->confidence < 0 || p->confidence > 5) {
		bk_err_field(err, "digital_confidence", "booking_err_confidence");
		ok = false;
	}
	return ok;
}

/* ---------------------------------------------------------------- notifications */

/* What a failed enqueue means for the booking: a storage error fails it; anything else (a bad
 * address, a template error) is logged once and the booking goes ahead without the message. */
static int enqueue_outcome(int rc, const char *kind, const booking_t *b)
{
	if (rc == ERR_DB || rc == ERR_BUSY)
		return rc;
	if (rc) {
		static atomic_int warned;
		if (atomic_fetch_add(&warned, 1) == 0)
			log_warn("booking: %s for %s not queued (%s)", kind, b->code, err_name(rc));
	}
	return 0;
}

static notify_msg_t booking_msg(const char *kind, const booking_t *b, json_t *model, int64_t not_before,
				const char *dedupe)
{
	return (notify_msg_t){
		.kind = kind,
		.lang = b->lang,
		.to_email = b->email && *b->email ? b->email : NULL,
		.to_phone = b->phone && *b->phone ? b->phone : NULL,
		.model = model,
		.not_before = not_before,
		.dedupe_key = dedupe,
	};
}

static int enqueue(booking_ctx_t *ctx, const char *kind, const booking_t *b, json_t *model, int64_t not_before,
		   const char *dedupe)
{
	notify_msg_t m = booking_msg(kind, b, model, not_before, dedupe);
	if (ctx->demo)
		return 0;
	return enqueue_outcome(notify_enqueue(ctx->c, &m), kind, b);
}

/* The messages of a booked (or moved) appointment: the confirmation or change mail, and the
 * reminder when it is still ahead. Kinds, keys and due times into kinds/keys/due; the count. */
static size_t booked_msgs(const booking_ctx_t *ctx, const booking_t *b, bool changed, const char *kinds[2],
			  char keys[2][64], int64_t due[2])
{
	kinds[0] = changed ? "booking_changed" : "booking_confirmed";
	snprintf(keys[0], sizeof keys[0], "%s:%s:%d", changed ? "changed" : "confirmed", b->code, b->sequence);
	due[0] = 0;
	int64_t before = bk_cfg_int(ctx->cfg, "booking.reminder_hours", 24) * 3600;
	if (b->start_at - before <= ctx->now)
		return 1;
	/* The first reminder is "reminder:CODE"; a reschedule queues its own for the new time. */
	kinds[1] = "booking_reminder";
	if (b->sequence == 0)
		snprintf(keys[1], sizeof keys[1], "reminder:%s", b->code);
	else
		snprintf(keys[1], sizeof keys[1], "reminder:%s:%d", b->code, b->sequence);
	due[1] = b->start_at - before;
	return 2;
}

/* The confirmation / change mail and the reminder (when it is still ahead). */
int bk_notify_booked(booking_ctx_t *ctx, const booking_t *b, const char *token, bool changed)
{
	json_t *model = booking_model(ctx, b, token, b->lang);
	if (!model)
		return ERR_DB;
	const char *kinds[2] = {NULL, NULL};
	char keys[2][64] = {{0}};
	int64_t due[2] = {0, 0};
	size_t n = booked_msgs(ctx, b, changed, kinds, keys, due);
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++)
		rc = enqueue(ctx, kinds[i], b, model, due[i], keys[i]);
	json_decref(model);
	return rc;
}

int bk_notify_prepare(booking_ctx_t *ctx, const booking_t *b, const char *token, bk_notices_t *out)
{
	memset(out, 0, sizeof *out);
	json_t *model = booking_model(ctx, b, token, b->lang);
	if (!model)
		return ERR_DB;
	char keys[2][64] = {{0}};
	int64_t due[2] = {0, 0};
	size_t n = booked_msgs(ctx, b, false, out->kinds, keys, due);
	out->n = n;
	int rc = 0;
	for (size_t i = 0; i < n && !rc && !ctx->demo; i++) {
		notify_msg_t m = booking_msg(out->kinds[i], b, model, due[i], keys[i]);
		out->rc[i] = notify_prepare(ctx->c, &m, &out->msg[i]);
		if (out->rc[i] == ERR_DB || out->rc[i] == ERR_BUSY)
			rc = out->rc[i];
	}
	json_decref(model);
	if (rc)
		bk_notices_free(out);
	return rc;
}

int bk_notify_enqueue_prepared(booking_ctx_t *ctx, const booking_t *b, const bk_notices_t *ns)
{
	int rc = 0;
	for (size_t i = 0; i < ns->n && !rc && !ctx->demo; i++)
		rc = enqueue_outcome(ns->msg[i] ? notify_enqueue_prepared(ctx->c, ns->msg[i]) : ns->rc[i], ns->kinds[i],
				     b);
	return rc;
}

void bk_notices_free(bk_notices_t *ns)
{
	for (size_t i = 0; i < 2; i++)
		notify_prepared_free(ns->msg[i]);
	memset(ns, 0, sizeof *ns);
}

int bk_notify_cancelled(booking_ctx_t *ctx, const booking_t *b)
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

/* ---------------------------------------------------------------- per client */

const char *bk_client_hash(const booking_ctx_t *ctx)
{
	if (!ctx->client || !*ctx->client)
		return "";
	/* Keyed with the proof-of-work key, which every node shares: an IPv4 address hashed without
	 * a secret could be found again by trying them all. */
	const unsigned char *key;
	size_t keylen;
	booking_pow_key(ctx->cfg, &key, &keylen);
	unsigned char h[crypto_generichash_BYTES];
	crypto_generichash_state st;
	crypto_generichash_init(&st, key,
				keylen > crypto_generichash_KEYBYTES_MAX ? crypto_generichash_KEYBYTES_MAX : keylen,
				sizeof h);
	crypto_generichash_update(&st, (const unsigned char *)"client:", 7);
	crypto_generichash_update(&st, (const unsigned char *)ctx->client, strlen(ctx->client));
	crypto_generichash_final(&st, h, sizeof h);
	char *hex = arena_alloc(ctx->a, 2 * sizeof h + 1);
	str_hex(h, sizeof h, hex);
	return hex;
}

int bk_lock_client(booking_ctx_t *ctx)
{
	const char *client = bk_client_hash(ctx);
	if (!*client)
		return 0;
	const char *key;
	key_hash(ctx->a, "client", client, &key);
	return bk_store_lock_keys(ctx->c, &key, 1, ctx->now);
}

int bk_seat_release(booking_ctx_t *ctx, int64_t slot_id, bool staff_seat)
{
	int64_t delay = bk_cfg_int(ctx->cfg, "booking.cancel_return_delay", 3600);
	return delay > 0 ? bk_store_seat_return_add(ctx->c, slot_id, staff_seat, ctx->now + delay)
			 : bk_store_seat_give(ctx->c, slot_id, staff_seat);
}

bool bk_pow_required(const booking_ctx_t *ctx)
{
	return !ctx->staff && !ctx->demo && bk_cfg_bool(ctx->cfg, "booking.proof_of_work", true);
}

bool bk_pow_check(booking_ctx_t *ctx, const char *altcha, booking_err_t *err)
{
	const unsigned char *key;
	size_t keylen;
	booking_pow_key(ctx->cfg, &key, &keylen);
	if (!altcha || !*altcha) {
		bk_err_field(err, "altcha", "booking_err_altcha_missing");
		return false;
	}
	if (booking_pow_verify(key, keylen, altcha, ctx->now, NULL, NULL)) {
		bk_err_field(err, "altcha", "booking_err_altcha");
		return false;
	}
	return true;
}

int bk_pow_spend(booking_ctx_t *ctx, const char *altcha, booking_err_t *err)
{
	int rc = booking_pow_redeem(ctx, altcha);
	if (rc == ERR_CONFLICT || rc == ERR_INVALID) {
		bk_err_field(err, "altcha", "booking_err_altcha_used");
		return ERR_INVALID;
	}
	return rc;
}

/* The quota key of a citizen's passport bookings from this client, or NULL when none is counted
 * (staff, no client, no limit, another document). */
static const char *passport_quota(booking_ctx_t *ctx, const bk_person_t *p)
{
	if (ctx->staff || !str_eq(p->id_type, "passport") ||
	    bk_cfg_int(ctx->cfg, "booking.max_passport_per_address", 3) <= 0)
		return NULL;
	const char *client = bk_client_hash(ctx);
	return *client ? arena_printf(ctx->a, "passport:%s", client) : NULL;
}

/* Passports carry no check digit, so any number is as good as a new person: past
 * booking.max_passport_per_address a day from one client, the ID number's limit is reached. */
static int check_passports(booking_ctx_t *ctx, const char *quota, bool *reached, booking_err_t *err)
{
	int64_t n = 0;
	int rc = bk_store_quota_count(ctx->c, quota, ctx->now - 86400, &n);
	if (rc)
		return rc;
	if (n >= bk_cfg_int(ctx->cfg, "booking.max_passport_per_address", 3)) {
		*reached = true;
		bk_err_set(err, "limit_reached", "booking_err_limit");
		if (err && !fielderr_has(&err->fields, "id_number"))
			fielderr_add(&err->fields, "id_number", "booking_err_limit_passport");
	}
	return 0;
}

int bk_count_passport(booking_ctx_t *ctx, const bk_person_t *p)
{
	const char *quota = passport_quota(ctx, p);
	return quota ? bk_store_quota_add(ctx->c, quota, ctx->now) : 0;
}

/* Inside the transaction: lock the person's rows (and the client's, for a passport), then count.
 * ERR_BUSY with err filled when a limit is reached. */
int bk_check_limits(booking_ctx_t *ctx, const bk_person_t *p, booking_err_t *err)
{
	const char *keys[4];
	size_t nk = 0;
	const char *quota = passport_quota(ctx, p);
	key_hash(ctx->a, "id", p->id_number, &keys[nk++]);
	if (p->email_key)
		key_hash(ctx->a, "email", p->email_key, &keys[nk++]);
	if (p->phone)
		key_hash(ctx->a, "phone", p->phone, &keys[nk++]);
	if (quota)
		key_hash(ctx->a, "client", bk_client_hash(ctx), &keys[nk++]);
	/* A fixed order, so two bookings sharing two keys cannot wait on each other. */
	qsort(keys, nk, sizeof keys[0], str_cmp);
	int rc = bk_store_lock_keys(ctx->c, keys, nk, ctx->now);
	if (rc)
		return rc;
	const struct {
		const char *column, *value, *setting, *field, *key;
	} checks[] = {
		{"id_number", p->id_number, "booking.max_active_per_id", "id_number", "booking_err_limit_id"},
		{"email", p->email_key, "booking.max_active_per_email", "email", "booking_err_limit_email"},
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
			bk_err_set(err, "limit_reached", "booking_err_limit");
			if (err)
				fielderr_add(&err->fields, checks[i].field, checks[i].key);
		}
	}
	if (quota && (rc = check_passports(ctx, quota, &reached, err)) != 0)
		return rc;
	return reached ? ERR_BUSY : 0;
}

/* checkin.c — appointments arriving at the office. Wherever a check-in happens (the welcome
 * desk here, booking's check-in API, a staff counter page), booking calls fl_on_booking inside
 * the check-in's transaction, and an in-person appointment becomes a ticket in the office's
 * appointment zone bound to its time (the calling order puts it first from
 * floor.appointment_window minutes before). */
#include "floor/internal.h"

#include "base/err.h"
#include "base/log.h"
#include "base/rand.h"
#include "base/str.h"
#include "base/tz.h"

#include <string.h>

/* The office's first zone of kind "appointment" (NULL when it has none). */
static const cat_zone_t *appointment_zone(const fl_office_t *f)
{
	for (size_t i = 0; i < f->o.nzones; i++)
		if (str_eq(f->o.zones[i].kind, "appointment"))
			return &f->o.zones[i];
	return NULL;
}

/* The live-page token of the ticket the listener makes, for fl_check_in on the same thread (a
 * check-in made elsewhere shows none: the ticket's link is made again when it is printed). */
static _Thread_local char checkin_token[65];
static _Thread_local bool checkin_capture;

int fl_on_booking(booking_ctx_t *b, const booking_t *appt, const char *from, const char *to)
{
	if (!str_eq(from, "booked") || !str_eq(to, "checked_in") || !str_eq(appt->channel, "in_person"))
		return 0;
	fl_ctx_t ctx = {.c = b->c,
			.a = b->a,
			.cfg = b->cfg,
			.now = b->now,
			.user_id = b->user_id,
			.actor = b->staff && b->user_email && *b->user_email ? b->user_email : "citizen",
			.lang = appt->lang && *appt->lang ? appt->lang : "ca"};
	fl_office_t f;
	int rc = fl_office_load_id(&ctx, appt->office_id, &f);
	if (rc)
		return rc == ERR_NOT_FOUND ? 0 : rc;
	const cat_zone_t *z = appointment_zone(&f);
	if (!z) {
		log_info("floor: %s checked in at %s, which has no appointment zone: no ticket", appt->code, f.o.code);
		return 0;
	}
	fl_issue_t in = {.office = f.o.code,
			 .zone = z->code,
			 .service = appt->service_code,
			 .lang = ctx.lang,
			 .autonomous = -1,
			 .priority = "",
			 .channel = "check_in",
			 .appointment_id = appt->id,
			 .appointment_at = appt->start_at};
	fl_ticket_t t;
	fl_err_t err = {0};
	char token[65];
	rc = fl_issue(&ctx, &in, &t, token, &err);
	if (rc == ERR_INVALID) /* a withdrawn procedure: the ticket goes without the need */
		in.service = NULL, memset(&err, 0, sizeof err), rc = fl_issue(&ctx, &in, &t, token, &err);
	if (!rc && checkin_capture)
		memcpy(checkin_token, token, sizeof checkin_token);
	return rc;
}

int fl_new_token(fl_ctx_t *ctx, int64_t id, char token[65])
{
	char hash[RAND_TOKEN_HEX_LEN];
	rand_token_hex(token);
	rand_token_hash(token, hash);
	return fl_store_set_token(ctx->c, id, hash);
}

/* ---------------------------------------------------------------- the welcome desk's check-in */

/* Today's in-person appointment at the office still to check in whose ID number is id. */
static int by_id_number(booking_ctx_t *b, const fl_office_t *f, const char *id, booking_t *out)
{
	booking_t *v;
	size_t n;
	int rc = booking_list(b, f->o.id, f->day, "in_person", &v, &n);
	for (size_t i = 0; !rc && i < n; i++)
		if (str_eq(v[i].id_number, id) && str_eq(v[i].status, "booked")) {
			*out = v[i];
			return 0;
		}
	return rc ? rc : ERR_NOT_FOUND;
}

int fl_check_in(fl_ctx_t *ctx, const char *office, const char *what, fl_ticket_t *out, char token[65], fl_err_t *err,
		int (*audit)(void *ud, const char *action, const char *code, const char *detail), void *audit_ud)
{
	fl_office_t f;
	int rc = fl_office_load(ctx, office, &f);
	if (rc == ERR_NOT_FOUND)
		fl_err_set(err, "not_found", "fl_err_office");
	if (rc)
		return rc;
	booking_ctx_t b = {.c = ctx->c,
			   .a = ctx->a,
			   .cfg = ctx->cfg,
			   .now = ctx->now,
			   .lang = ctx->lang,
			   .user_id = ctx->user_id,
			   .user_email = ctx->actor,
			   .staff = true,
			   .audit = audit,
			   .audit_ud = audit_ud};
	booking_t appt;
	const char *code = NULL, *link_token = NULL;
	char id[BOOKING_ID_MAX];
	rc = ERR_NOT_FOUND;
	fl_checkin_kind_t kind = fl_parse_checkin(ctx->a, what, &code, &link_token, id);
	if (kind == FL_CHECKIN_LINK) {
		booking_ctx_t citizen = b; /* the link proves itself: its token must match */
		citizen.staff = false;
		rc = booking_get(&citizen, code, link_token, NULL, &appt);
	} else if (kind != FL_CHECKIN_NONE) {
		rc = kind == FL_CHECKIN_CODE_OR_ID ? booking_get(&b, id, NULL, NULL, &appt) : ERR_NOT_FOUND;
		if (rc == ERR_NOT_FOUND)
			rc = by_id_number(&b, &f, id, &appt);
	}
	if (!rc && appt.office_id != f.o.id)
		rc = ERR_NOT_FOUND;
	if (rc == ERR_NOT_FOUND)
		fl_err_field(err, "appointment", "fl_err_appointment");
	if (rc)
		return rc;
	if (!str_eq(appt.status, "booked") || !str_eq(appt.channel, "in_person")) {
		fl_err_set(err, "bad_state", "fl_err_appointment_state");
		return ERR_CONFLICT;
	}
	checkin_token[0] = '\0';
	checkin_capture = true;
	rc = booking_check_in(&b, appt.code, appt.id_number);
	checkin_capture = false;
	memcpy(token, checkin_token, sizeof checkin_token);
	if (rc == ERR_CONFLICT)
		fl_err_set(err, "bad_state", "fl_err_appointment_state");
	if (!rc)
		rc = fl_store_ticket_by_appointment(ctx->c, ctx->a, appt.id, out);
	if (rc == ERR_NOT_FOUND || (!rc && !*token)) { /* checked in, but the office has no appointment zone */
		fl_err_set(err, "not_found", "fl_err_no_appointment_zone");
		rc = ERR_NOT_FOUND;
	}
	return rc;
}

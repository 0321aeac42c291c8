/* survey.c — offering a survey (survey.h) and the listeners that offer it when the office floor
 * or booking ends an attention. */
#include "survey/internal.h"

#include "base/err.h"
#include "base/json.h"
#include "base/log.h"
#include "base/rand.h"
#include "base/str.h"
#include "booking/booking.h"
#include "floor/floor.h"
#include "notify/notify.h"

#include <stdio.h>
#include <string.h>

static char base_url[512] = "http://localhost";

void sv_set_base(const char *public_url)
{
	snprintf(base_url, sizeof base_url, "%s", public_url ? public_url : "");
}

const char *sv_url(arena_t *a, const char *token)
{
	return arena_printf(a, "%s/survey/%s", base_url, token);
}

static bool kind_ok(const char *k)
{
	size_t n = k ? strlen(k) : 0;
	if (n < 1 || n > 32)
		return false;
	for (; *k; k++)
		if (!((*k >= 'a' && *k <= 'z') || *k == '_'))
			return false;
	return true;
}

/* The invitation: kind survey_invite, the survey's link in the model. */
static int invite(db_conn_t *c, const survey_offer_t *o, const char *token)
{
	arena_t *a = arena_new();
	json_t *m = jpack("{s:s,s:s}", "survey_url", sv_url(a, token), "code", o->ref);
	notify_msg_t msg = {.kind = "survey_invite",
			    .lang = o->lang,
			    .to_email = o->email,
			    .model = m,
			    .dedupe_key = arena_printf(a, "survey:%s:%s", o->kind, o->ref)};
	int rc = notify_enqueue(c, &msg);
	json_decref(m);
	arena_free(a);
	if (rc == ERR_INVALID) { /* an address the outbox refuses: the survey stays on its page */
		log_warn("survey: no invitation for %s %s (address refused)", o->kind, o->ref);
		return 0;
	}
	return rc;
}

int survey_offer(db_conn_t *c, const survey_offer_t *o, char token[SURVEY_TOKEN_LEN])
{
	if (!kind_ok(o->kind) || !o->ref || !*o->ref || strlen(o->ref) > 64)
		return ERR_INVALID;
	survey_offer_t x = *o;
	if (!x.lang || (!str_eq(x.lang, "es") && !str_eq(x.lang, "en")))
		x.lang = "ca";
	arena_t *a = arena_new();
	sv_survey_t s;
	int rc = sv_store_by_ref(c, a, x.kind, x.ref, &s);
	if (!rc)
		memcpy(token, s.token, SURVEY_TOKEN_LEN);
	arena_free(a);
	if (rc != ERR_NOT_FOUND)
		return rc;
	rand_token_hex(token);
	bool mail = x.email && *x.email;
	rc = sv_store_insert(c, &x, token, mail);
	if (!rc && mail)
		rc = invite(c, &x, token);
	return rc;
}

/* ---------------------------------------------------------------- listeners */

static int on_floor(db_conn_t *c, const floor_attention_t *at, char token[65])
{
	survey_offer_t o = {.kind = at->kind,
			    .ref = at->ref,
			    .office = at->office,
			    .lang = at->lang,
			    .email = at->email,
			    .now = at->at};
	return survey_offer(c, &o, token);
}

static int on_booking(booking_ctx_t *ctx, const booking_t *b, const char *from, const char *to)
{
	if (!str_eq(to, "done"))
		return 0;
	char token[SURVEY_TOKEN_LEN];
	survey_offer_t o = {.kind = "appointment",
			    .ref = b->code,
			    .office = b->office_code,
			    .lang = b->lang,
			    .email = b->email && *b->email ? b->email : NULL,
			    .now = ctx->now};
	return survey_offer(ctx->c, &o, token);
}

void sv_listen(void)
{
	floor_listen(on_floor);
	booking_listen(on_booking);
}

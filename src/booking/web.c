/* web.c — see web.h. */
#include "booking/web.h"

#include "app.h"
#include "auth/auth.h"
#include "base/mem.h"
#include "base/config.h"
#include "http/kit.h"

#include <string.h>
#include <time.h>

#define RATE_WINDOW 60

void bk_ctx_from_req(booking_ctx_t *ctx, http_req_t *r)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->c = r->db ? r->db : http_db(r);
	ctx->a = r->arena;
	ctx->cfg = r->app ? r->app->cfg : NULL;
	ctx->now = (int64_t)time(NULL);
	ctx->lang = r->lang ? r->lang : "ca";
	ctx->client = r->client_key;
	if (r->user && (r->user->role & ROLE_PEOPLE)) {
		ctx->staff = true;
		ctx->user_id = r->user->id;
		ctx->user_email = r->user->email;
	}
}

/* booking_ctx_t.audit for the API: the appointment's code as the target. */
static int audit_code(void *ud, const char *action, const char *code, const char *detail)
{
	return auth_audit(ud, action, code, detail);
}

/* booking_ctx_t.audit for the pages: "appointment:CODE" as the target. */
static int audit_appointment(void *ud, const char *action, const char *code, const char *detail)
{
	http_req_t *r = ud;
	return auth_audit(r, action, arena_printf(r->arena, "appointment:%s", code), detail);
}

void bk_ctx_audit(booking_ctx_t *ctx, http_req_t *r, bool page)
{
	ctx->audit = page ? audit_appointment : audit_code;
	ctx->audit_ud = r;
}

bool bk_rate_ok(http_req_t *r, bool booking, int *retry_after)
{
	if (r->user && (r->user->role & ROLE_PEOPLE))
		return true;
	const char *setting = booking ? "booking.rate_booking" : "booking.rate_availability";
	return http_rate_ok(r, booking ? "booking.book" : "booking.read", (int)config_int(r->app->cfg, setting),
			    RATE_WINDOW, retry_after);
}

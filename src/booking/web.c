/* web.c — see web.h. */
#include "booking/web.h"

#include "app.h"
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
	if (r->user && (r->user->role & ROLE_PEOPLE)) {
		ctx->staff = true;
		ctx->user_id = r->user->id;
		ctx->user_email = r->user->email;
	}
}

bool bk_rate_ok(http_req_t *r, bool booking, int *retry_after)
{
	if (r->user && (r->user->role & ROLE_PEOPLE))
		return true;
	const char *setting = booking ? "booking.rate_booking" : "booking.rate_availability";
	return http_rate_ok(r, booking ? "booking.book" : "booking.read", (int)config_int(r->app->cfg, setting),
			    RATE_WINDOW, retry_after);
}

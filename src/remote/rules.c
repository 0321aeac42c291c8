/* rules.c — the room window, the attention's steps on booking's state machine, the click-to-call
 * link, the call-back outcomes and the signalling message kinds (internal.h). */
#include "remote/internal.h"

#include "auth/auth.h"
#include "base/err.h"
#include "base/str.h"

#include <string.h>

rm_phase_t rm_window(const config_t *cfg, const booking_t *b, int64_t now, int64_t *open_at, int64_t *close_at)
{
	int64_t o = b->start_at - config_int(cfg, "remote.open_before_min") * 60;
	int64_t c = b->end_at + config_int(cfg, "remote.close_after_min") * 60;
	if (open_at)
		*open_at = o;
	if (close_at)
		*close_at = c;
	if (now < o)
		return RM_EARLY;
	return now < c ? RM_OPEN : RM_CLOSED;
}

bool rm_active(const booking_t *b)
{
	return str_eq(b->status, "booked") || str_eq(b->status, "checked_in") || str_eq(b->status, "called") ||
	       str_eq(b->status, "in_service");
}

bool rm_remote_channel(const char *channel)
{
	return str_eq(channel, "phone") || str_eq(channel, "video");
}

int rm_end_attention(booking_ctx_t *ctx, const booking_t *b)
{
	int rc = booking_advance_tx(ctx, b, "done");
	/* The move to done reaches booking's listeners in this transaction: the satisfaction survey
	 * (src/survey) offers itself there, kind "appointment", and queues its invitation, so one
	 * attention has one survey whichever way it ended. */
	return rc;
}

const char *rm_call_link(arena_t *a, const char *tpl, const char *phone)
{
	if (!phone || !*phone || !tpl || !*tpl)
		return "";
	/* The number as dialled: digits, and a leading + kept. */
	size_t n = strlen(phone);
	char *num = arena_alloc(a, n + 1), *dig = arena_alloc(a, n + 1);
	size_t k = 0, d = 0;
	for (size_t i = 0; i < n; i++) {
		char ch = phone[i];
		if (ch >= '0' && ch <= '9') {
			num[k++] = ch;
			dig[d++] = ch;
		} else if (ch == '+' && k == 0) {
			num[k++] = ch;
		}
	}
	num[k] = dig[d] = '\0';
	buf_t b;
	buf_init(&b, 1024);
	for (const char *p = tpl; *p;) {
		if (str_starts(p, "{phone}")) {
			(void)buf_puts(&b, num); /* a template is short and the number is too: a cut is harmless */
			p += 7;
		} else if (str_starts(p, "{digits}")) {
			(void)buf_puts(&b, dig);
			p += 8;
		} else {
			(void)buf_putc(&b, *p++);
		}
	}
	const char *out = arena_strdup(a, buf_str(&b));
	buf_free(&b);
	return out;
}

static const char *const OUTCOMES[] = {"attended", "no_answer", "wrong_number", "rescheduled"};

bool rm_attempt_valid(const char *outcome)
{
	for (size_t i = 0; i < sizeof OUTCOMES / sizeof OUTCOMES[0]; i++)
		if (str_eq(outcome, OUTCOMES[i]))
			return true;
	return false;
}

bool rm_attempt_failed(const char *outcome)
{
	return str_eq(outcome, "no_answer") || str_eq(outcome, "wrong_number");
}

bool rm_signal_kind_ok(const char *kind, bool staff)
{
	static const char *const KINDS[] = {"hello", "offer", "answer", "candidate", "bye", "media", "phone_request"};
	for (size_t i = 0; i < sizeof KINDS / sizeof KINDS[0]; i++)
		if (str_eq(kind, KINDS[i]))
			return !(staff && str_eq(kind, "phone_request"));
	return false;
}

int rm_audit_job(db_conn_t *c, int64_t now, const char *action, const char *target, const char *detail)
{
	return auth_audit_as(c, now, "job", action, target, detail, "");
}

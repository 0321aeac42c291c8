/* pages.c — the administrators' outbox: the latest messages with their delivery state, one
 * message as it was composed, and "retry now" for a message that failed or was given up.
 * Messages hold personal data (names, addresses, appointment links), so every view is audited. */
#include "app.h"
#include "auth/auth.h"
#include "base/err.h"
#include "base/json.h"
#include "base/str.h"
#include "http/kit.h"
#include "view/i18n.h"
#include "notify/internal.h"
#include "notify/notify.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define LIST_MAX 200

static const char *const statuses[] = {"queued", "failed", "sent", "dead"};

static const char *when(http_req_t *r, int64_t t)
{
	return http_local_time(r, t);
}

static const char *status_label(http_req_t *r, const char *status)
{
	return http_tf(r, "notify_status_%s", status); /* a missing text answers with its key: not a local one */
}

static const char *kind_label(http_req_t *r, const char *kind)
{
	char key[64];
	snprintf(key, sizeof key, "notify_kind_%s", kind);
	return i18n_has(r->lang, key) ? http_t(r, key) : kind;
}

static bool status_valid(const char *s)
{
	for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
		if (str_eq(statuses[i], s))
			return true;
	return false;
}

static void outbox_get_page(http_req_t *r)
{
	const char *filter = http_query(r, "status");
	if (filter && !status_valid(filter))
		filter = NULL;
	json_t *rows = NULL, *counts = NULL;
	if (nt_outbox_list(r->db, filter, LIST_MAX, &rows) || nt_outbox_counts(r->db, &counts)) {
		json_decref(rows);
		http_reply_unavailable(r);
		return;
	}
	size_t i;
	json_t *row;
	json_array_foreach (rows, i, row) {
		const char *st = json_string_value(json_object_get(row, "status"));
		json_object_set_new(row, "status_label", json_string(status_label(r, st)));
		json_object_set_new(row, "kind_label",
				    json_string(kind_label(r, json_string_value(json_object_get(row, "kind")))));
		json_object_set_new(row, "problem", json_boolean(str_eq(st, "failed") || str_eq(st, "dead")));
		json_object_set_new(row, "created",
				    json_string(when(r, json_integer_value(json_object_get(row, "created_at")))));
		json_object_set_new(row, "sent",
				    json_string(when(r, json_integer_value(json_object_get(row, "sent_at")))));
		bool pending = str_eq(st, "queued") || str_eq(st, "failed");
		json_object_set_new(row, "next",
				    json_string(pending ? when(r, json_integer_value(
									  json_object_get(row, "next_attempt_at")))
							: ""));
	}
	json_t *filters = json_array();
	json_array_append_new(filters, jpack("{s:s,s:s,s:b}", "url", "/admin/outbox", "label",
					     http_t(r, "notify_filter_all"), "current", filter == NULL));
	for (size_t k = 0; k < sizeof statuses / sizeof statuses[0]; k++) {
		json_t *n = json_object_get(counts, statuses[k]);
		json_array_append_new(filters,
				      jpack("{s:s,s:s,s:I,s:b}", "url",
					    arena_printf(r->arena, "/admin/outbox?status=%s", statuses[k]), "label",
					    status_label(r, statuses[k]), "count", (json_int_t)json_integer_value(n),
					    "current", str_eq(filter, statuses[k])));
	}
	app_t *app = r->app;
	const char *smtp = config_str(app->cfg, "mail.smtp_url");
	json_t *m = jpack("{s:o,s:b,s:o,s:o,s:b,s:s}", "rows", rows, "has_rows", json_array_size(rows) > 0, "filters",
			  filters, "counts", counts, "smtp", *smtp != '\0', "outbox_dir",
			  config_str(app->cfg, "mail.outbox_dir"));
	auth_audit(r, "outbox.list", "outbox", filter ? filter : "");
	http_reply_page(r, 200, "notify/outbox", m);
}

static bool param_id(http_req_t *r, int64_t *id)
{
	return str_to_i64(http_param(r, "id"), 1, INT64_MAX, id) == 0;
}

static void message_page(http_req_t *r, int status, int64_t id, json_t *notice)
{
	nt_outbox_row_t o;
	int rc = nt_outbox_get(r->db, r->arena, id, &o);
	if (rc) {
		json_decref(notice);
		http_reply_failed(r, rc);
		return;
	}
	bool pending = str_eq(o.status, "queued") || str_eq(o.status, "failed");
	json_t *m =
		jpack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:i,s:s,s:s,s:s,s:s,s:s,s:b,s:b,s:b}", "id",
		      (json_int_t)o.id, "kind", o.kind, "channel", o.channel, "lang", o.lang, "ref", o.ref, "to",
		      o.to_email   ? o.to_email
		      : o.to_phone ? o.to_phone
				   : "",
		      "subject", o.subject, "status", o.status, "status_label", status_label(r, o.status), "attempts",
		      o.attempts, "last_error", o.last_error ? o.last_error : "", "created", when(r, o.created_at),
		      "sent", when(r, o.sent_at), "next", pending ? when(r, o.next_attempt_at) : "", "body_text",
		      o.body_text, "can_retry", str_eq(o.status, "dead") || str_eq(o.status, "failed"), "problem",
		      str_eq(o.status, "dead") || str_eq(o.status, "failed"), "is_sms", str_eq(o.channel, "sms"));
	json_object_set_new(m, "kind_label", json_string(kind_label(r, o.kind)));
	if (o.body_html)
		json_object_set_new(m, "body_html", json_string(o.body_html));
	if (o.ics)
		json_object_set_new(m, "ics", json_string(o.ics));
	if (o.att)
		json_object_set_new(m, "attachment",
				    json_string(arena_printf(r->arena, "%s (%s, %zu B)", o.att_name ? o.att_name : "",
							     o.att_type ? o.att_type : "", o.att_len)));
	if (notice)
		json_object_set_new(m, "notice", notice);
	auth_audit(r, "outbox.view", arena_printf(r->arena, "outbox:%lld", (long long)id), o.kind);
	http_reply_page(r, status, "notify/message", m);
}

static void message_get(http_req_t *r)
{
	int64_t id;
	if (!param_id(r, &id)) {
		http_reply_not_found(r);
		return;
	}
	json_t *notice = str_eq(http_query(r, "retried"), "1") ? json_string(http_t(r, "notify_retried")) : NULL;
	message_page(r, 200, id, notice);
}

/* Queues one message again, with its audit record; ERR_CONFLICT when it needs no retry. */
static int retry_write(http_req_t *r, void *ud)
{
	int64_t *id = ud;
	int rc = nt_outbox_retry(r->db, *id, (int64_t)time(NULL));
	return rc < 0 ? rc : rc == 0 ? ERR_CONFLICT : 0;
}

static void retry_post(http_req_t *r)
{
	int64_t id;
	if (!param_id(r, &id)) {
		http_reply_not_found(r);
		return;
	}
	http_tx_audit(r, "outbox.retry", arena_printf(r->arena, "outbox:%lld", (long long)id), "");
	int rc = http_tx(r, retry_write, &id, NULL, NULL, NULL);
	if (rc == HTTP_TX_ANSWERED)
		return;
	if (rc == ERR_CONFLICT) {
		/* Neither failed nor dead (sent meanwhile, or unknown): show it as it is. */
		message_page(r, 409, id, json_string(http_t(r, "notify_retry_not_needed")));
		return;
	}
	if (rc) {
		http_reply_failed(r, rc);
		return;
	}
	http_reply_redirect(r, arena_printf(r->arena, "/admin/outbox/%lld?retried=1", (long long)id));
}

/* The message as a file for the admin's own mail client, which renders the HTML part properly
 * (this site's CSP rightly keeps the mail's inline styles from applying on a page). */
static void eml_get(http_req_t *r)
{
	int64_t id;
	nt_outbox_row_t o;
	int rc = !param_id(r, &id) ? ERR_NOT_FOUND : nt_outbox_get(r->db, r->arena, id, &o);
	if (rc == 0 && !str_eq(o.channel, "email"))
		rc = ERR_NOT_FOUND;
	if (rc) {
		http_reply_failed(r, rc);
		return;
	}
	buf_t b;
	buf_init(&b, 16 << 20);
	char from[256], err[256];
	rc = nt_message_eml(&o, o.sent_at ? o.sent_at : o.created_at, auth_city_name(r->db, r->arena, r->app->cfg), &b,
			    from, sizeof from, err, sizeof err);
	if (rc) {
		buf_free(&b);
		http_reply_error(r, 500, "error", "err_title", NULL);
		return;
	}
	auth_audit(r, "outbox.download", arena_printf(r->arena, "outbox:%lld", (long long)id), o.kind);
	http_add_header(r, "Content-Disposition",
			arena_printf(r->arena, "attachment; filename=\"message-%lld.eml\"", (long long)id));
	http_add_header(r, "Cache-Control", "no-store");
	http_reply_bytes(r, 200, "message/rfc822", b.data ? b.data : "", b.len);
	buf_free(&b);
}

const http_route_t nt_routes[] = {
	{HTTP_GET, "/admin/outbox/{id}/message.eml", eml_get, RT_DB, ROLE_ADMIN},
	{HTTP_GET, "/admin/outbox", outbox_get_page, RT_DB, ROLE_ADMIN},
	{HTTP_GET, "/admin/outbox/{id}", message_get, RT_DB, ROLE_ADMIN},
	{HTTP_POST, "/admin/outbox/{id}/retry", retry_post, RT_FORM | RT_DB, ROLE_ADMIN},
	{0},
};

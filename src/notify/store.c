/* store.c — the outbox table (migrations/notify/005_notify.sql, 006_attachment.sql): all SQL of src/notify/. */
#include "notify/internal.h"

#include "base/err.h"
#include "base/json.h"
#include "core/cap.h"
#include "base/mem.h"

#include <string.h>

#define ROW_COLS                                                                                                       \
	"id, kind, channel, lang, ref, to_email, to_phone, subject, body_text, body_html, ics, "                       \
	"dedupe_key, status, last_error, not_before, next_attempt_at, created_at, sent_at, attempts, attachment, "     \
	"attachment_name, attachment_type"

int nt_outbox_insert(db_conn_t *c, const nt_outbox_row_t *r, int64_t *id)
{
	db_param_t p[] = {
		DB_TEXT(r->kind),
		DB_TEXT(r->channel),
		DB_TEXT(r->lang),
		DB_TEXT(r->ref ? r->ref : ""),
		DB_TEXT(r->to_email),
		DB_TEXT(r->to_phone),
		DB_TEXT(r->subject ? r->subject : ""),
		DB_TEXT(r->body_text ? r->body_text : ""),
		DB_TEXT(r->body_html),
		DB_TEXT(r->ics),
		DB_TEXT(r->dedupe_key),
		DB_INT(r->not_before),
		DB_INT(r->created_at),
		r->att ? DB_BLOB(r->att, r->att_len) : DB_NULLP,
		DB_TEXT(r->att ? r->att_name : NULL),
		DB_TEXT(r->att ? r->att_type : NULL),
	};
	db_res_t *res;
	int rc = db_query(c,
			  "INSERT INTO outbox (kind, channel, lang, ref, to_email, to_phone, subject, body_text, "
			  "body_html, ics, dedupe_key, not_before, next_attempt_at, status, attempts, created_at, "
			  "attachment, attachment_name, attachment_type) "
			  "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, 'queued', 0, $13, $14, $15, "
			  "$16) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
			  p, 16, &res);
	if (rc)
		return rc;
	int64_t v = 0;
	rc = db_res_next(res);
	if (rc == 1)
		v = db_res_int(res, 0);
	db_res_free(res);
	if (rc < 0)
		return rc;
	if (id)
		*id = v;
	return 0;
}

int nt_outbox_delete_unsent(db_conn_t *c, const char *key)
{
	char *sms = xasprintf("%s:sms", key);
	db_param_t p[] = {DB_TEXT(key), DB_TEXT(sms)};
	int64_t n = db_exec(c, "DELETE FROM outbox WHERE dedupe_key IN ($1, $2) AND status <> 'sent'", p, 2);
	free(sms);
	return n < 0 ? (int)n : 0;
}

int nt_outbox_due(db_conn_t *c, int64_t now, int64_t *ids, size_t max, size_t *n)
{
	db_param_t p[] = {DB_INT(now), DB_INT((int64_t)max)};
	db_res_t *res;
	*n = 0;
	int rc = db_query(c,
			  "SELECT id FROM outbox WHERE status IN ('queued', 'failed') AND next_attempt_at <= $1 "
			  "ORDER BY next_attempt_at, id LIMIT $2",
			  p, 2, &res);
	if (rc)
		return rc;
	while ((rc = db_res_next(res)) == 1 && *n < max)
		ids[(*n)++] = db_res_int(res, 0);
	db_res_free(res);
	return rc < 0 ? rc : 0;
}

int nt_outbox_claim(db_conn_t *c, int64_t id, int64_t now, int64_t lease_until)
{
	db_param_t p[] = {DB_INT(id), DB_INT(now), DB_INT(lease_until)};
	return db_exec_any(c,
			   "UPDATE outbox SET next_attempt_at = $3, attempts = attempts + 1 "
			   "WHERE id = $1 AND status IN ('queued', 'failed') AND next_attempt_at <= $2",
			   p, 3);
}

static const char *dup_or_null(arena_t *a, db_res_t *res, int col)
{
	return db_res_null(res, col) ? NULL : arena_strdup(a, db_res_text(res, col));
}

int nt_outbox_get(db_conn_t *c, arena_t *a, int64_t id, nt_outbox_row_t *o)
{
	db_param_t p[] = {DB_INT(id)};
	db_res_t *res;
	int rc = db_query(c, "SELECT " ROW_COLS " FROM outbox WHERE id = $1", p, 1, &res);
	if (rc)
		return rc;
	rc = db_res_next(res);
	if (rc == 1) {
		memset(o, 0, sizeof *o);
		o->id = db_res_int(res, 0);
		o->kind = arena_strdup(a, db_res_text(res, 1));
		o->channel = arena_strdup(a, db_res_text(res, 2));
		o->lang = arena_strdup(a, db_res_text(res, 3));
		o->ref = arena_strdup(a, db_res_text(res, 4));
		o->to_email = dup_or_null(a, res, 5);
		o->to_phone = dup_or_null(a, res, 6);
		o->subject = arena_strdup(a, db_res_text(res, 7));
		o->body_text = arena_strdup(a, db_res_text(res, 8));
		o->body_html = dup_or_null(a, res, 9);
		o->ics = dup_or_null(a, res, 10);
		o->dedupe_key = arena_strdup(a, db_res_text(res, 11));
		o->status = arena_strdup(a, db_res_text(res, 12));
		o->last_error = dup_or_null(a, res, 13);
		o->not_before = db_res_int(res, 14);
		o->next_attempt_at = db_res_int(res, 15);
		o->created_at = db_res_int(res, 16);
		o->sent_at = db_res_null(res, 17) ? 0 : db_res_int(res, 17);
		o->attempts = (int)db_res_int(res, 18);
		if (!db_res_null(res, 19)) {
			size_t n = 0;
			const void *d = db_res_blob(res, 19, &n);
			void *copy = arena_alloc(a, n ? n : 1);
			if (n)
				memcpy(copy, d, n);
			o->att = copy;
			o->att_len = n;
			o->att_name = dup_or_null(a, res, 20);
			o->att_type = dup_or_null(a, res, 21);
		}
		rc = 0;
	} else if (rc == 0) {
		rc = ERR_NOT_FOUND;
	}
	db_res_free(res);
	return rc;
}

int nt_outbox_mark_sent(db_conn_t *c, int64_t id, int64_t now)
{
	db_param_t p[] = {DB_INT(id), DB_INT(now)};
	int64_t n =
		db_exec(c, "UPDATE outbox SET status = 'sent', sent_at = $2, last_error = NULL WHERE id = $1", p, 2);
	return n < 0 ? (int)n : 0;
}

int nt_outbox_mark_failed(db_conn_t *c, int64_t id, bool dead, int64_t next_at, const char *error)
{
	db_param_t p[] = {DB_INT(id), DB_TEXT(dead ? "dead" : "failed"), DB_INT(next_at), DB_TEXT(error)};
	int64_t n =
		db_exec(c, "UPDATE outbox SET status = $2, next_attempt_at = $3, last_error = $4 WHERE id = $1", p, 4);
	return n < 0 ? (int)n : 0;
}

int nt_outbox_retry(db_conn_t *c, int64_t id, int64_t now)
{
	db_param_t p[] = {DB_INT(id), DB_INT(now)};
	return db_exec_any(c,
			   "UPDATE outbox SET status = 'queued', attempts = 0, next_attempt_at = $2 "
			   "WHERE id = $1 AND status IN ('dead', 'failed')",
			   p, 2);
}

static int outbox_json(db_res_t *res, void *ud)
{
	json_t *arr = ud;
	json_array_append_new(arr, jpack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:s,s:I,s:I,s:I,s:s}", "id",
					 (json_int_t)db_res_int(res, 0), "kind", db_res_text(res, 1), "channel",
					 db_res_text(res, 2), "lang", db_res_text(res, 3), "ref", db_res_text(res, 4),
					 "to", db_res_text(res, 5), "subject", db_res_text(res, 6), "status",
					 db_res_text(res, 7), "attempts", (json_int_t)db_res_int(res, 8), "last_error",
					 db_res_text(res, 9), "created_at", (json_int_t)db_res_int(res, 10),
					 "next_attempt_at", (json_int_t)db_res_int(res, 11), "sent_at",
					 (json_int_t)db_res_int(res, 12), "attachment", db_res_text(res, 13)));
	return 0;
}

int nt_outbox_list(db_conn_t *c, const char *status, int limit, json_t **out)
{
	bool filter = status && *status;
	db_param_t p[] = {DB_INT(limit), DB_TEXT(status)};
	json_t *arr = json_array();
	int rc = db_query_each(
		c,
		filter ? "SELECT id, kind, channel, lang, ref, COALESCE(to_email, to_phone, ''), subject, "
			 "status, attempts, COALESCE(last_error, ''), created_at, next_attempt_at, "
			 "COALESCE(sent_at, 0), COALESCE(attachment_name, '') FROM outbox WHERE status = $2 ORDER BY "
			 "id DESC LIMIT $1"
		       : "SELECT id, kind, channel, lang, ref, COALESCE(to_email, to_phone, ''), subject, "
			 "status, attempts, COALESCE(last_error, ''), created_at, next_attempt_at, "
			 "COALESCE(sent_at, 0), COALESCE(attachment_name, '') FROM outbox ORDER BY id DESC LIMIT $1",
		p, filter ? 2 : 1, outbox_json, arr);
	if (rc)
		json_decref(arr);
	else
		*out = arr;
	return rc;
}

static int count_json(db_res_t *res, void *ud)
{
	json_t *o = ud;
	json_object_set_new(o, db_res_text(res, 0), json_integer(db_res_int(res, 1)));
	return 0;
}

int nt_outbox_counts(db_conn_t *c, json_t **out)
{
	json_t *o = jpack("{s:i,s:i,s:i,s:i}", "queued", 0, "failed", 0, "sent", 0, "dead", 0);
	int rc = db_query_each(c, "SELECT status, COUNT(*) FROM outbox GROUP BY status", NULL, 0, count_json, o);
	if (rc)
		json_decref(o);
	else
		*out = o;
	return rc;
}

int nt_outbox_purge(db_conn_t *c, int64_t before)
{
	db_param_t p[] = {DB_INT(before)};
	int64_t n = db_exec(c, "DELETE FROM outbox WHERE status IN ('sent', 'dead') AND created_at < $1", p, 1);
	return n < 0 ? (int)n : 0;
}

int nt_outbox_supersede(db_conn_t *c, const char *ref)
{
	for (size_t i = 0; i < cap_count; i++)
		for (const cap_notice_t *kind = cap_notices(i); kind->kind; kind++) {
			if (!(kind->flags & NOTICE_STALE))
				continue;
			db_param_t p[] = {DB_TEXT(ref), DB_TEXT(kind->kind)};
			int64_t n = db_exec(c,
					    "DELETE FROM outbox WHERE ref = $1 AND kind = $2 AND status IN ('queued', "
					    "'failed')",
					    p, 2);
			if (n < 0)
				return (int)n;
		}
	return 0;
}

int nt_outbox_key_exists(db_conn_t *c, const char *key)
{
	db_param_t p[] = {DB_TEXT(key)};
	int64_t n = 0;
	int rc = db_query_int(c, "SELECT COUNT(*) FROM outbox WHERE dedupe_key = $1", p, 1, &n);
	return rc ? rc : n > 0;
}

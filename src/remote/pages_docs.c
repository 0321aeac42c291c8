/* pages_docs.c — the document space of a phone or video appointment:
 *   GET  /docs/{code}                                 the citizen's page (list, upload form)
 *   POST /docs/{code}                                 an upload from that page (multipart)
 *   POST /api/v1/appointments/{code}/documents        an upload (multipart field "file") → 201
 *   GET  /api/v1/appointments/{code}/documents        the list
 *   GET  /api/v1/appointments/{code}/documents/{id}   the file, decrypted
 * The citizen proves with ?token= (the confirmation mail's link), staff with a session. The type
 * comes from the content (PDF, JPEG, PNG), sizes and counts are capped, the bytes are sealed
 * before they touch the disk (docs.c), and every upload, list and download is audited. */
#include "remote/web.h"

#include "app.h"
#include "base/config.h"
#include "base/err.h"
#include "base/json.h"
#include "base/log.h"
#include "base/str.h"
#include "base/tz.h"
#include "http/form.h"
#include "http/kit.h"

#include <string.h>

/* Whether x may add a document now: staff while the appointment is not cancelled, the citizen
 * while it is active. */
static bool may_upload(const rm_acc_t *x)
{
	return x->staff ? !str_eq(x->b.status, "cancelled") : rm_active(&x->b);
}

typedef struct {
	rm_acc_t *x;
	rm_doc_t *d;
	const char *err;
} up_t;

static int upload_write(http_req_t *r, void *ud)
{
	up_t *u = ud;
	int64_t n = 0;
	int rc = rm_store_case_touch(r->db, u->x->b.id, u->x->ctx.now); /* uploads to one appointment take turns */
	if (!rc)
		rc = rm_store_doc_count(r->db, u->x->b.id, &n);
	if (!rc && n >= config_int(r->app->cfg, "documents.max_files")) {
		u->err = "rm_err_count";
		return ERR_INVALID;
	}
	if (!rc)
		rc = rm_store_doc_add(r->db, u->d, &u->d->id);
	if (!rc)
		rc = rm_audit(r, u->x, "remote.document.upload",
			      arena_printf(r->arena, "document %lld, %s, %lld bytes", (long long)u->d->id, u->d->type,
					   (long long)u->d->size));
	return rc;
}

int rm_upload(http_req_t *r, rm_acc_t *x, const multipart_file_t *f, rm_doc_t *out, const char **err_key)
{
	const config_t *cfg = r->app->cfg;
	const rm_keyring_t *ring = rm_keys();
	if (!ring)
		return ERR_UNAVAILABLE;
	const char *type = f ? rm_doc_sniff(f->data, f->size) : NULL;
	*err_key = !f || !f->size                                             ? "rm_err_empty"
		   : f->size > (size_t)config_int(cfg, "documents.max_bytes") ? "rm_err_size"
		   : !type                                                    ? "rm_err_type"
									      : NULL;
	if (*err_key)
		return ERR_INVALID;
	char stored[RM_STORED_LEN];
	rm_stored_name(stored);
	buf_t sealed;
	buf_init(&sealed, f->size + f->size / 256 + 4096);
	int rc = rm_doc_seal(ring, stored, f->data, f->size, &sealed);
	const char *dir = config_str(cfg, "documents.dir");
	if (!rc)
		rc = rm_file_write(dir, stored, sealed.data, sealed.len);
	buf_free(&sealed);
	if (rc)
		return rc;
	*out = (rm_doc_t){.appointment_id = x->b.id,
			  .origin = x->staff ? "office" : "citizen",
			  .name = rm_doc_name(r->arena, f->filename, type),
			  .type = type,
			  .size = (int64_t)f->size,
			  .stored = arena_strdup(r->arena, stored),
			  .key_id = ring->current,
			  .uploaded_by = x->staff ? r->user->email : "citizen",
			  .created_at = x->ctx.now};
	up_t u = {x, out, NULL};
	rc = http_tx(r, upload_write, &u, NULL, NULL, NULL);
	if (rc) {
		(void)rm_file_remove(dir, stored); /* nothing names it: no half-written document */
		if (rc == ERR_INVALID)
			*err_key = u.err;
	}
	return rc;
}

json_t *rm_docs_json(http_req_t *r, const rm_acc_t *x)
{
	rm_doc_t *v;
	size_t n = 0;
	if (rm_store_docs(r->db, r->arena, x->b.id, &v, &n))
		return NULL;
	json_t *list = json_array();
	const char *tq = x->staff ? "" : arena_printf(r->arena, "?token=%s", x->token);
	for (size_t i = 0; i < n; i++) {
		char at[TZ_ISO_LEN], date[16], time_s[8];
		tz_format_iso(tz_utc(), v[i].created_at, at);
		rm_local(v[i].created_at, date, time_s);
		json_array_append_new(list, jpack("{s:I,s:s,s:s,s:I,s:s,s:s,s:s,s:s,s:b}", "id", (json_int_t)v[i].id,
						  "name", v[i].name, "type", v[i].type, "size", (json_int_t)v[i].size,
						  "origin", v[i].origin, "at", at, "when",
						  arena_printf(r->arena, "%s %s", date, time_s), "href",
						  arena_printf(r->arena, "/api/v1/appointments/%s/documents/%lld%s",
							       x->b.code, (long long)v[i].id, tq),
						  "from_office", str_eq(v[i].origin, "office")));
	}
	return list;
}

/* Access for the document space: the rate limit, who and which appointment, not cancelled. False
 * when answered. */
static bool space(http_req_t *r, rm_acc_t *x)
{
	if (!rm_enter(r, x))
		return false;
	if (str_eq(x->b.status, "cancelled")) {
		if (r->api)
			http_reply_error(r, 409, "not_active", "rm_err_cancelled", NULL);
		else
			rm_refuse(r, 409, "rm_docs_title", "rm_err_cancelled", NULL);
		return false;
	}
	return rm_staff_csrf(r, x);
}

/* ---------------------------------------------------------------- API */

/* rm_upload of the request's multipart field "file". */
static int upload_field(http_req_t *r, rm_acc_t *x, rm_doc_t *d, const char **err)
{
	const multipart_file_t *f = r->files;
	while (f && !str_eq(f->field, "file"))
		f = f->next;
	return rm_upload(r, x, f, d, err);
}

static void api_upload(http_req_t *r)
{
	rm_acc_t x;
	if (!space(r, &x))
		return;
	if (!may_upload(&x)) {
		http_reply_error(r, 409, "not_active", "rm_err_over", NULL);
		return;
	}
	rm_doc_t d;
	const char *err = NULL;
	int rc = upload_field(r, &x, &d, &err);
	if (rc == ERR_INVALID) {
		fielderr_t fe = {0};
		fielderr_add(&fe, "file", err);
		http_reply_fields(r, 422, "invalid", "rm_err_upload", &fe);
	} else if (rc == ERR_UNAVAILABLE) {
		http_reply_error(r, 503, "documents_off", "rm_err_docs_off", NULL);
	} else if (rc && rc != HTTP_TX_ANSWERED) {
		http_reply_failed(r, rc);
	} else if (!rc) {
		http_reply_json(r, 201,
				jpack("{s:I,s:s,s:s,s:I}", "id", (json_int_t)d.id, "name", d.name, "type", d.type,
				      "size", (json_int_t)d.size));
	}
}

static int list_audit(http_req_t *r, void *ud)
{
	return rm_audit(r, ud, "remote.document.list", "");
}

static void api_list(http_req_t *r)
{
	rm_acc_t x;
	if (!space(r, &x))
		return;
	json_t *list = rm_docs_json(r, &x);
	if (!list) {
		http_reply_unavailable(r);
		return;
	}
	if (!http_tx_ok(r, list_audit, &x)) {
		json_decref(list);
		return;
	}
	http_add_header(r, "Cache-Control", "no-store");
	http_reply_json(r, 200, jpack("{s:o}", "documents", list));
}

typedef struct {
	rm_acc_t *x;
	const rm_doc_t *d;
} dl_t;

static int download_audit(http_req_t *r, void *ud)
{
	dl_t *d = ud;
	return rm_audit(r, d->x, "remote.document.download",
			arena_printf(r->arena, "document %lld", (long long)d->d->id));
}

static void api_download(http_req_t *r)
{
	rm_acc_t x;
	if (!space(r, &x))
		return;
	int64_t id = 0;
	rm_doc_t d;
	int rc = str_to_i64(http_param(r, "id"), 1, INT64_MAX, &id) ? ERR_NOT_FOUND
								    : rm_store_doc(r->db, r->arena, x.b.id, id, &d);
	if (rc) {
		if (rc == ERR_NOT_FOUND)
			http_reply_error(r, 404, "not_found", "rm_err_doc_not_found", NULL);
		else
			http_reply_failed(r, rc);
		return;
	}
	const rm_keyring_t *ring = rm_keys();
	if (!ring) {
		http_reply_error(r, 503, "documents_off", "rm_err_docs_off", NULL);
		return;
	}
	size_t max = (size_t)d.size + (size_t)d.size / 256 + 4096;
	buf_t sealed, plain;
	buf_init(&sealed, max);
	buf_init(&plain, (size_t)d.size + 1);
	rc = rm_file_read(config_str(r->app->cfg, "documents.dir"), d.stored, max, &sealed);
	if (!rc)
		rc = rm_doc_open(ring, d.stored, (const unsigned char *)sealed.data, sealed.len, &plain, NULL);
	dl_t u = {&x, &d};
	if (rc) {
		log_error("remote: document %lld of %s cannot be opened (%s)", (long long)d.id, x.b.code, err_name(rc));
		http_reply_error(r, 500, "damaged", "rm_err_damaged", NULL);
	} else if (http_tx_ok(r, download_audit, &u)) {
		http_add_header(r, "Cache-Control", "no-store");
		http_add_header(r, "Content-Disposition",
				arena_printf(r->arena, "attachment; filename=\"document-%lld%s\"; filename*=UTF-8''%s",
					     (long long)d.id, strrchr(d.name, '.'), str_url_encode(r->arena, d.name)));
		http_reply_bytes(r, 200, d.type, plain.data, plain.len);
	}
	buf_free(&sealed);
	buf_free(&plain);
}

/* ---------------------------------------------------------------- the citizen's page */

static void docs_page(http_req_t *r, int status, rm_acc_t *x, const char *err_key, bool saved)
{
	json_t *list = rm_docs_json(r, x);
	if (!list) {
		http_reply_unavailable(r);
		return;
	}
	char date[16], time_s[8];
	rm_local(x->b.start_at, date, time_s);
	json_t *m = jpack("{s:s,s:s,s:s,s:s,s:o,s:b,s:b,s:b,s:I,s:I,s:s,s:s}", "code", x->b.code, "service",
			  rm_service_name(r, &x->b), "date", date, "time", time_s, "documents", list, "has_documents",
			  json_array_size(list) > 0, "can_upload", may_upload(x), "staff", x->staff, "max_mb",
			  (json_int_t)(config_int(r->app->cfg, "documents.max_bytes") / 1048576), "max_files",
			  (json_int_t)config_int(r->app->cfg, "documents.max_files"), "csrf", http_csrf_token(r),
			  "token", x->token);
	if (str_eq(x->b.channel, "video") && rm_active(&x->b) && !x->staff)
		json_object_set_new(m, "video_href",
				    json_string(arena_printf(r->arena, "/video/%s?token=%s", x->b.code, x->token)));
	if (saved)
		json_object_set_new(m, "notice", json_string(http_t(r, "rm_doc_saved")));
	if (err_key) {
		json_object_set_new(m, "has_errors", json_true());
		json_object_set_new(m, "errors",
				    jpack("[{s:s,s:s,s:s}]", "id", "rm-file", "label", http_t(r, "rm_f_file"), "msg",
					  http_t(r, err_key)));
		json_object_set_new(m, "file_err", json_string(http_t(r, err_key)));
	}
	http_add_header(r, "Cache-Control", "no-store");
	http_reply_page(r, status, "remote/docs", m);
}

static void page_get(http_req_t *r)
{
	rm_acc_t x;
	if (!space(r, &x))
		return;
	if (!http_tx_ok(r, list_audit, &x))
		return;
	docs_page(r, 200, &x, NULL, str_eq(http_query(r, "saved"), "1"));
}

static void page_post(http_req_t *r)
{
	rm_acc_t x;
	if (!space(r, &x))
		return;
	if (!may_upload(&x)) {
		docs_page(r, 409, &x, "rm_err_over", false);
		return;
	}
	rm_doc_t d;
	const char *err = NULL;
	int rc = upload_field(r, &x, &d, &err);
	if (rc == ERR_INVALID) {
		docs_page(r, 422, &x, err, false);
	} else if (rc == ERR_UNAVAILABLE) {
		docs_page(r, 503, &x, "rm_err_docs_off", false);
	} else if (rc && rc != HTTP_TX_ANSWERED) {
		http_reply_failed(r, rc);
	} else if (!rc) {
		http_reply_redirect(r,
				    x.staff ? arena_printf(r->arena, "/remote/%s?saved=document", x.b.code)
					    : arena_printf(r->arena, "/docs/%s?token=%s&saved=1", x.b.code, x.token));
	}
}

const http_route_t rm_doc_routes[] = {
	{HTTP_GET | HTTP_HEAD, "/docs/{code}", page_get, RT_DB, 0},
	{HTTP_POST, "/docs/{code}", page_post, RT_MULTIPART | RT_DB, 0},
	{HTTP_POST, "/api/v1/appointments/{code}/documents", api_upload, RT_API | RT_MULTIPART | RT_NO_CSRF | RT_DB, 0},
	{HTTP_GET, "/api/v1/appointments/{code}/documents", api_list, RT_API | RT_DB, 0},
	{HTTP_GET, "/api/v1/appointments/{code}/documents/{id}", api_download, RT_API | RT_DB, 0},
	{0},
};

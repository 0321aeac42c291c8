/* web.c — see web.h. */
#include "padro/web.h"

#include "app.h"
#include "auth/auth.h"
#include "base/config.h"
#include "base/err.h"
#include "base/json.h"
#include "base/rand.h"
#include "base/str.h"
#include "http/kit.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ADDRESS_WINDOW 60

void pd_ctx(http_req_t *r, pd_ctx_t *x)
{
	*x = (pd_ctx_t){.c = r->db, .a = r->arena, .cfg = r->app->cfg, .now = (int64_t)time(NULL)};
}

bool pd_is_kiosk(http_req_t *r)
{
	return r->user && (r->user->role & ROLE_KIOSK);
}

const char *pd_channel(http_req_t *r)
{
	if (pd_is_kiosk(r))
		return "kiosk";
	if (r->user && (r->user->role & PD_STAFF_ROLES))
		return "staff";
	return r->api ? "api" : "web";
}

const char *pd_verify_url(http_req_t *r, const char *vcode)
{
	return arena_printf(r->arena, "%s/verify/%s", config_str(r->app->cfg, "server.public_url"), vcode);
}

const char *pd_pdf_url(http_req_t *r, const char *vcode)
{
	return arena_printf(r->arena, "%s/verify/%s/volant.pdf", config_str(r->app->cfg, "server.public_url"), vcode);
}

void pd_issue_branding(http_req_t *r, pd_issue_t *in)
{
	json_t *b = json_object();
	auth_branding(r, b);
	in->city = arena_strdup(r->arena, json_string_value(json_object_get(b, "city_name")));
	json_decref(b);
	in->tz = config_str(r->app->cfg, "padro.tz");
	unsigned char *logo = NULL;
	size_t len = 0;
	char *ctype = NULL;
	if (auth_logo(r->db, &logo, &len, &ctype) == 0 && str_eq(ctype, "image/png")) {
		unsigned char *copy = arena_alloc(r->arena, len ? len : 1);
		memcpy(copy, logo, len);
		in->logo = copy;
		in->logo_len = len;
	}
	free(logo);
	free(ctype);
}

int pd_web_code(http_req_t *r, const char *id_type, const char *id_number, const char **bad_field)
{
	config_t *cfg = r->app->cfg;
	const char *client;
	int limit;
	if (pd_is_kiosk(r)) {
		client = arena_printf(r->arena, "kiosk:%lld", (long long)r->user->id);
		limit = (int)config_int(cfg, "padro.codes_per_kiosk");
	} else if (r->user && (r->user->role & PD_STAFF_ROLES)) {
		/* Staff asking on a resident's behalf: only the limit per ID applies. */
		client = arena_printf(r->arena, "staff:%lld", (long long)r->user->id);
		limit = 0;
	} else {
		/* The address is hashed: the codes table keeps no addresses. */
		client = pd_hash(r->arena, arena_printf(r->arena, "padro-client:%s", r->client_ip ? r->client_ip : ""));
		limit = (int)config_int(cfg, "padro.codes_per_address");
		/* The per-node limiter too, so a burst never reaches storage. */
		if (!http_rate_ok(r, "padro.codes", (int)config_int(cfg, "padro.rate_per_minute"), ADDRESS_WINDOW,
				  NULL))
			return ERR_BUSY;
	}
	pd_ctx_t x;
	pd_ctx(r, &x);
	return pd_code_request(&x, id_type, id_number, client, limit, r->lang, bad_field);
}

typedef struct {
	pd_ctx_t x;
	pd_issue_t *in;
	pd_prepared_t *p;
	pd_outcome_t outcome;
} issue_t;

static int issue_write(http_req_t *r, void *ud)
{
	issue_t *t = ud;
	int rc = pd_volant_commit(&t->x, t->in, t->p, &t->outcome);
	if (rc == 0 && t->outcome == PD_ISSUED)
		http_tx_audit(r, "padro.volant.issue", arena_printf(r->arena, "volant:%s", t->p->vcode),
			      arena_printf(r->arena, "kind=%s holders=%zu channel=%s confirmed_by=%s", t->in->kind,
					   t->p->holders, t->in->channel, t->in->confirmed_by));
	return rc;
}

pdw_t pd_web_issue(http_req_t *r, pd_issue_t *in, pd_prepared_t *p, const char **bad_field)
{
	issue_t t = {.in = in, .p = p};
	pd_ctx(r, &t.x);
	in->channel = pd_channel(r);
	if (in->staff)
		in->confirmed_by = arena_printf(r->arena, "staff:%s", r->user->email);
	else
		in->confirmed_by = "sms";
	pd_issue_branding(r, in);
	int rc = pd_volant_prepare(&t.x, in, p, bad_field);
	if (rc == ERR_INVALID)
		return PDW_BAD_FIELD;
	if (rc) {
		http_reply_failed(r, rc);
		return PDW_ANSWERED;
	}
	rc = http_tx(r, issue_write, &t, NULL, NULL, NULL);
	if (rc == HTTP_TX_ANSWERED)
		return PDW_ANSWERED;
	if (rc) {
		http_reply_failed(r, rc);
		return PDW_ANSWERED;
	}
	return t.outcome == PD_ISSUED ? PDW_ISSUED : t.outcome == PD_WRONG_CODE ? PDW_WRONG_CODE : PDW_NOT_REGISTERED;
}

void pd_kiosk_print(http_req_t *r, const pd_issue_t *in, const pd_prepared_t *p)
{
	unsigned char *png = NULL;
	size_t len = 0;
	int rc = pd_document(in, &p->h, p->vcode, pd_verify_url(r, p->vcode), p->issued_at, true, &png, &len);
	if (rc) {
		http_reply_failed(r, rc);
		return;
	}
	size_t b64 = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
	char *data = arena_alloc(r->arena, b64);
	sodium_bin2base64(data, b64, png, len, sodium_base64_VARIANT_ORIGINAL);
	free(png);
	json_t *m = jpack("{s:s,s:s,s:s}", "image", arena_printf(r->arena, "data:image/png;base64,%s", data), "vcode",
			  pd_vcode_group(r->arena, p->vcode), "kind_label",
			  http_t(r, str_eq(in->kind, "collective") ? "pd_kind_collective" : "pd_kind_individual"));
	http_reply_page(r, 201, "padro/print", m);
}

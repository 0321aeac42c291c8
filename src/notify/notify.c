/* notify.c — enqueueing (inside the caller's transaction) and delivery rounds (jobs thread).
 * See notify.h for the contract and docs/internals/notify.md for the why. */
#include "base/json.h"
#include "notify/notify.h"
#include "notify/internal.h"

#include "app.h"
#include "auth/auth.h"
#include "core/cap.h"
#include "base/config.h"
#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/rand.h"
#include "base/str.h"
#include "view/i18n.h"
#include "view/vmodel.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BACKOFF_CAP 3600
#define DELIVER_MAX_BATCH 1000
#define PURGE_PERIOD_S 3600
#define DELIVER_BUDGET_S 5

static app_t *g_app;
static atomic_bool g_stopping;

void notify_stop(void)
{
	atomic_store(&g_stopping, true);
}

bool nt_stopping(void)
{
	return atomic_load(&g_stopping);
}

app_t *nt_app(void)
{
	return g_app;
}

int notify_init(struct app *app)
{
	g_app = app;
	atomic_store(&g_stopping, false);
	return nt_compose_load(app->root ? app->root : ".");
}

void notify_shutdown(void)
{
	nt_compose_free();
	g_app = NULL;
}

int64_t notify_backoff(int64_t base, int attempts)
{
	if (base <= 0)
		base = 1;
	if (base >= BACKOFF_CAP)
		return base;
	int64_t d = base;
	for (int i = 1; i < attempts && d < BACKOFF_CAP; i++)
		d *= 2;
	return d < BACKOFF_CAP ? d : BACKOFF_CAP;
}

static bool sms_on(void)
{
	return g_app && *config_str(g_app->cfg, "sms.gateway_url");
}

bool notify_sms_enabled(void)
{
	return sms_on();
}

/* A message composed ahead of its transaction (notify_prepare): what notify_enqueue renders, kept
 * until the rows are written. Strings and the attachment are owned copies. */
struct notify_prepared {
	const cap_notice_t *k;
	char *kind, *lang, *ref, *to_email, *to_phone, *dedupe_key, *sms_key;
	int64_t not_before;
	bool email, sms;
	char *subject, *text, *html, *sms_text, *ics;
	void *att;
	size_t att_len;
	char *att_name, *att_type;
};

void notify_prepared_free(notify_prepared_t *p)
{
	if (!p)
		return;
	char *v[] = {p->kind,    p->lang, p->ref,  p->to_email, p->to_phone, p->dedupe_key, p->sms_key,
		     p->subject, p->text, p->html, p->sms_text, p->ics,      p->att_name,   p->att_type};
	for (size_t i = 0; i < sizeof v / sizeof *v; i++)
		free(v[i]);
	free(p->att);
	free(p);
}

/* Everything notify_enqueue works out before it writes: the kind, the addresses, the parts and
 * the .ics. c is read for the city's name only. */
static int prepare(db_conn_t *c, const notify_msg_t *m, notify_prepared_t **out)
{
	*out = NULL;
	if (!g_app)
		return ERR_UNAVAILABLE;
	const cap_notice_t *k = m && m->kind ? cap_notice_find(m->kind) : NULL;
	if (!k || !m->dedupe_key || !*m->dedupe_key)
		return ERR_INVALID;
	bool email = m->to_email && *m->to_email;
	bool sms = m->to_phone && *m->to_phone && sms_on();
	if (email && !nt_mime_addr_ok(m->to_email))
		return ERR_INVALID;
	notify_prepared_t *p = xcalloc(1, sizeof *p);
	p->k = k;
	p->kind = xstrdup(m->kind);
	p->lang = xstrdup(m->lang && i18n_supported(m->lang) ? m->lang : i18n_default());
	p->ref = xstrdup(vmodel_str(m->model, "code"));
	p->dedupe_key = xstrdup(m->dedupe_key);
	p->not_before = m->not_before;
	p->email = email;
	p->sms = sms;
	if (!email && !sms) { /* nothing to send: writes nothing */
		*out = p;
		return 0;
	}
	p->to_email = email ? xstrdup(m->to_email) : NULL;
	p->to_phone = sms ? xstrdup(m->to_phone) : NULL;
	/* The city as the administrator named it on the settings page, unless the model says. */
	json_t *model = json_copy(m->model ? m->model : json_null());
	arena_t *a = arena_new();
	int rc = 0;
	if (json_is_object(model) && !json_object_get(model, "city_name")) {
		const char *city = NULL;
		rc = auth_city_name_get(c, a, g_app->cfg, &city);
		if (rc)
			goto out;
		json_object_set_new(model, "city_name", json_string(city));
	}
	rc = notify_compose(m->kind, p->lang, model, &p->subject, email ? &p->text : NULL, email ? &p->html : NULL,
			    sms ? &p->sms_text : NULL);
	if (rc)
		goto out;
	if (email && (k->flags & NOTICE_APPOINTMENT))
		p->ics = notify_ics_kind(model, m->kind, NULL);
	if (email && m->attachment && m->attachment_len) {
		p->att = xmalloc(m->attachment_len);
		memcpy(p->att, m->attachment, m->attachment_len);
		p->att_len = m->attachment_len;
		p->att_name = xstrdup(m->attachment_name && *m->attachment_name ? m->attachment_name : "attachment");
		p->att_type = xstrdup(m->attachment_type && *m->attachment_type ? m->attachment_type
										: "application/octet-stream");
	}
	if (sms)
		p->sms_key = xasprintf("%s:sms", m->dedupe_key);
out:
	json_decref(model);
	arena_free(a);
	if (rc)
		notify_prepared_free(p);
	else
		*out = p;
	return rc;
}

/* The rows of a prepared message, inside the caller's transaction; *email_id (may be NULL) gets
 * the id of the e-mail row (0 when none was written). */
static int write_prepared(db_conn_t *c, const notify_prepared_t *p, int64_t *email_id)
{
	if (!p->email && !p->sms)
		return 0;
	int64_t now = (int64_t)time(NULL);
	nt_outbox_row_t row = {
		.kind = p->kind,
		.lang = p->lang,
		.ref = p->ref,
		.not_before = p->not_before > 0 ? p->not_before : now,
		.created_at = now,
	};
	int rc;
	/* A change or a cancellation makes what is still waiting about the appointment stale: the
	 * citizen gets the latest state once, and never a reminder for a time that no longer holds.
	 * (A second enqueue with the same key is a no-op, so this only runs for new messages.) */
	if ((p->k->flags & NOTICE_SUPERSEDES) && *row.ref) {
		rc = nt_outbox_key_exists(c, p->dedupe_key);
		if (rc == 0)
			rc = nt_outbox_supersede(c, row.ref);
		if (rc < 0)
			return rc;
	}
	if (p->email) {
		row.channel = "email";
		row.to_email = p->to_email;
		row.subject = p->subject;
		row.body_text = p->text;
		row.body_html = p->html;
		row.ics = p->ics;
		row.dedupe_key = p->dedupe_key;
		row.att = p->att;
		row.att_len = p->att_len;
		row.att_name = p->att_name;
		row.att_type = p->att_type;
		if ((rc = nt_outbox_insert(c, &row, email_id)) != 0)
			return rc;
	}
	if (p->sms) {
		nt_outbox_row_t s = row;
		s.channel = "sms";
		s.to_email = NULL;
		s.to_phone = p->to_phone;
		s.subject = p->subject;
		s.body_text = p->sms_text;
		s.body_html = NULL;
		s.ics = NULL;
		s.att = NULL;
		s.att_len = 0;
		s.att_name = NULL;
		s.att_type = NULL;
		s.dedupe_key = p->sms_key;
		return nt_outbox_insert(c, &s, NULL);
	}
	return 0;
}

/* notify_enqueue, also giving the id of the e-mail row (0 when none was written). */
static int enqueue(db_conn_t *c, const notify_msg_t *m, int64_t *email_id)
{
	notify_prepared_t *p;
	int rc = prepare(c, m, &p);
	if (!rc)
		rc = write_prepared(c, p, email_id);
	notify_prepared_free(p);
	return rc;
}

int notify_enqueue(db_conn_t *c, const notify_msg_t *m)
{
	return enqueue(c, m, NULL);
}

int notify_prepare(db_conn_t *c, const notify_msg_t *m, notify_prepared_t **out)
{
	return prepare(c, m, out);
}

int notify_enqueue_prepared(db_conn_t *c, const notify_prepared_t *p)
{
	if (!p)
		return ERR_INVALID;
	if (!g_app)
		return ERR_UNAVAILABLE;
	return write_prepared(c, p, NULL);
}

int notify_queued(db_conn_t *c, const char *dedupe_key)
{
	if (!dedupe_key || !*dedupe_key)
		return ERR_INVALID;
	return nt_outbox_key_exists(c, dedupe_key);
}

int notify_withdraw(db_conn_t *c, const char *dedupe_key)
{
	if (!dedupe_key || !*dedupe_key)
		return ERR_INVALID;
	return nt_outbox_delete_unsent(c, dedupe_key);
}

int notify_test_mail(db_conn_t *c, const char *to, const char *lang, int64_t *id)
{
	if (!g_app)
		return ERR_UNAVAILABLE;
	if (!nt_mime_addr_ok(to) || (lang && !i18n_supported(lang)))
		return ERR_INVALID;
	char tok[RAND_TOKEN_HEX_LEN], key[64];
	rand_token_hex(tok);
	snprintf(key, sizeof key, "test:%.32s", tok);
	json_t *model = jpack("{s:s}", "email", to);
	notify_msg_t m = {.kind = "test",
			  .lang = lang ? lang : i18n_default(),
			  .to_email = to,
			  .model = model,
			  .dedupe_key = key};
	int64_t got = 0;
	int rc = enqueue(c, &m, &got);
	json_decref(model);
	if (rc == 0 && id)
		*id = got;
	return rc;
}

/* ---------------------------------------------------------------- delivery */

int nt_message_eml(const nt_outbox_row_t *r, int64_t date, const char *city, buf_t *out, char *from_addr,
		   size_t fromlen, char *err, size_t errlen)
{
	config_t *cfg = g_app->cfg;
	char from_name[256], host[256], mid[320], seed[320], fname[96];
	if (!r->to_email ||
	    !nt_mime_addr_split(config_str(cfg, "mail.from"), from_addr, fromlen, from_name, sizeof from_name)) {
		snprintf(err, errlen, r->to_email ? "mail.from is not an address" : "not an e-mail");
		return ERR_INVALID;
	}
	nt_public_host(host, sizeof host);
	/* The same Message-ID on every attempt, so a receiver can drop a duplicate. */
	snprintf(mid, sizeof mid, "outbox-%lld.%lld@%s", (long long)r->id, (long long)r->created_at, host);
	snprintf(seed, sizeof seed, "%lld:%lld:%s", (long long)r->id, (long long)r->created_at, r->dedupe_key);
	snprintf(fname, sizeof fname, "cita-%.40s.ics", *r->ref ? r->ref : "finestreta");
	nt_mime_msg_t m = {
		.from_addr = from_addr,
		.from_name = *from_name ? from_name : city,
		.to_addr = r->to_email,
		.subject = r->subject,
		.lang = r->lang,
		.text = r->body_text,
		.html = r->body_html,
		.ics = r->ics,
		.ics_method = r->ics && strstr(r->ics, "METHOD:CANCEL") ? "CANCEL" : "REQUEST",
		.ics_filename = fname,
		.att = r->att,
		.att_len = r->att_len,
		.att_name = r->att_name,
		.att_type = r->att_type,
		.message_id = mid,
		.date = date,
		.boundary_seed = seed,
	};
	int rc = nt_mime_write(&m, out);
	if (rc)
		snprintf(err, errlen, "cannot build the message: %s", err_name(rc));
	return rc;
}

static int deliver_email(const nt_outbox_row_t *r, int64_t now, const char *city, char *err, size_t errlen)
{
	config_t *cfg = g_app->cfg;
	char from_addr[256];
	buf_t b;
	buf_init(&b, 16 << 20);
	int rc = nt_message_eml(r, now, city, &b, from_addr, sizeof from_addr, err, errlen);
	if (rc) {
		buf_free(&b);
		return rc;
	}
	const char *url = config_str(cfg, "mail.smtp_url");
	if (!*url) {
		/* Send time first, so a listing is in order and two databases sharing the folder (tests,
		 * a demo reset) never overwrite each other's files. */
		char name[160], when[32];
		time_t t = (time_t)now;
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(when, sizeof when, "%Y%m%dT%H%M%SZ", &tm);
		snprintf(name, sizeof name, "%s-%08lld-%s.eml", when, (long long)r->id, r->kind);
		rc = nt_send_file(config_str(cfg, "mail.outbox_dir"), name, b.data, b.len, err, errlen);
	} else {
		rc = nt_send_smtp(url, config_str(cfg, "mail.username"), config_str(cfg, "mail.password"),
				  config_bool(cfg, "mail.starttls"), (int)config_int(cfg, "mail.timeout"), from_addr,
				  r->to_email, b.data, b.len, err, errlen);
	}
	buf_free(&b);
	return rc;
}

static int deliver_sms(const nt_outbox_row_t *r, char *err, size_t errlen)
{
	config_t *cfg = g_app->cfg;
	const char *url = config_str(cfg, "sms.gateway_url");
	if (!*url) {
		snprintf(err, errlen, "sms.gateway_url is not set");
		return ERR_UNAVAILABLE;
	}
	return nt_send_sms(url, config_str(cfg, "sms.gateway_token"), (int)config_int(cfg, "mail.timeout"),
			   r->to_phone ? r->to_phone : "", r->body_text, err, errlen);
}

/* One claimed message: send it and record the outcome. 1 sent, 0 failed, or a storage error. */
static int deliver_one(db_conn_t *c, int64_t id, int64_t now)
{
	arena_t *a = arena_new();
	nt_outbox_row_t r;
	int rc = nt_outbox_get(c, a, id, &r);
	if (rc) {
		arena_free(a);
		return rc == ERR_NOT_FOUND ? 0 : rc; /* withdrawn meanwhile */
	}
	char err[512] = "";
	const char *city = NULL;
	if (!str_eq(r.channel, "sms") && (rc = auth_city_name_get(c, a, g_app->cfg, &city)) != 0) {
		arena_free(a);
		return rc; /* a storage error: the message waits for the next round */
	}
	int sent = str_eq(r.channel, "sms") ? deliver_sms(&r, err, sizeof err)
					    : deliver_email(&r, now, city, err, sizeof err);
	int64_t done = (int64_t)time(NULL);
	if (sent == 0) {
		rc = nt_outbox_mark_sent(c, id, done);
		if (rc == 0)
			rc = 1;
	} else {
		config_t *cfg = g_app->cfg;
		bool dead = r.attempts >= config_int(cfg, "mail.max_attempts");
		int64_t next = done + notify_backoff(config_int(cfg, "mail.retry_base"), r.attempts);
		log_warn("notify: message %lld (%s, %s) attempt %d failed%s: %s", (long long)id, r.kind, r.channel,
			 r.attempts, dead ? ", giving up" : "", err);
		rc = nt_outbox_mark_failed(c, id, dead, next, err);
	}
	arena_free(a);
	return rc;
}

/* One round: up to mail.batch due messages. *due gets how many were due (claimed or not). */
static int deliver_round(db_conn_t *c, int64_t now, size_t *due, int *sent)
{
	config_t *cfg = g_app->cfg;
	int64_t batch = config_int(cfg, "mail.batch");
	int64_t ids[DELIVER_MAX_BATCH];
	size_t n = 0;
	*due = 0;
	int rc = nt_outbox_due(c, now, ids, batch < DELIVER_MAX_BATCH ? (size_t)batch : DELIVER_MAX_BATCH, &n);
	if (rc)
		return rc;
	*due = n;
	/* A claim outlives the longest exchange, so a message is only retried by another node when
	 * the one that claimed it died mid-send. */
	int64_t lease = 2 * config_int(cfg, "mail.timeout") + 60;
	for (size_t i = 0; i < n && !nt_stopping(); i++) {
		int got = nt_outbox_claim(c, ids[i], now, now + lease);
		if (got < 0)
			return got;
		if (got == 0)
			continue; /* another node has it */
		rc = deliver_one(c, ids[i], now);
		if (rc < 0)
			return rc;
		if (rc == 1)
			(*sent)++;
	}
	return 0;
}

int notify_deliver(db_conn_t *c, int64_t now, int *sent)
{
	int got = 0;
	size_t due;
	int rc = g_app ? deliver_round(c, now, &due, &got) : ERR_UNAVAILABLE;
	if (sent)
		*sent = got;
	return rc;
}

int notify_job(db_conn_t *c, int64_t now)
{
	static int64_t last_purge; /* the jobs thread only */
	if (!g_app)
		return ERR_UNAVAILABLE;
	/* Full rounds follow each other (a morning's reminders all fall due at once) for up to a few
	 * seconds, then the other jobs get their turn. */
	int sent = 0, rc;
	size_t due;
	size_t batch = (size_t)config_int(g_app->cfg, "mail.batch");
	int64_t t0 = (int64_t)time(NULL);
	do
		rc = deliver_round(c, now, &due, &sent);
	while (rc == 0 && due == batch && !nt_stopping() && (int64_t)time(NULL) - t0 < DELIVER_BUDGET_S);
	if (sent)
		log_info("notify: %d message(s) delivered", sent);
	if (rc == 0 && g_app && now - last_purge >= PURGE_PERIOD_S) {
		last_purge = now;
		rc = nt_outbox_purge(c, now - config_int(g_app->cfg, "mail.keep_days") * 86400);
	}
	return rc;
}

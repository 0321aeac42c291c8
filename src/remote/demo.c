/* demo.c — remote attention for `finestreta demo`: phone and video appointments of the demo
 * informer around the time the demo starts (whatever the hour: they are booked without a slot,
 * booking_demo_at), one video call whose room is open now, an earlier contact of the same person,
 * call-back attempts, a recorded outcome, and documents both ways in the document space. */
#include "remote/internal.h"

#include "auth/auth.h"
#include "base/err.h"
#include "base/log.h"
#include "base/str.h"

#include <stdio.h>
#include <string.h>

#define INFORMER "informador@vilamar.example"
#define MIN 60

/* A small PDF and a 1×1 PNG (the demo's "papers"). */
static const char PDF[] = "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
			  "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
			  "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n"
			  "trailer << /Root 1 0 R >>\n%%EOF\n";
static const unsigned char PNG[] = "\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x01"
				   "\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90\x77\x53\xde\x00\x00\x00\x0c\x49\x44\x41"
				   "\x54\x78\x9c\x63\x58\x2c\x28\x0b\x00\x02\x2c\x00\xd2\x83\x62\x1a\x5d\x00\x00\x00"
				   "\x00\x49\x45\x4e\x44\xae\x42\x60\x82";

typedef struct {
	const char *channel, *name, *id_number, *email, *phone, *lang;
	int start_min, length_min; /* from now */
	bool assigned, attempt, done, docs;
} demo_t;

static const demo_t DEMO[] = {
	/* The room is open now: the call started five minutes ago. */
	{"video", "Núria Ferrer Costa", "71234567W", "nuria.ferrer@example.cat", "+34611222333", "ca", -5, 20, true,
	 false, false, true},
	{"phone", "Pau Serra Roig", "33445566R", "pau.serra@example.cat", "+34622333444", "ca", 25, 15, true, true,
	 false, true},
	{"video", "Lucía Martín Vega", "45678912S", "lucia.martin@example.cat", "+34633444555", "es", 120, 20, true,
	 false, false, false},
	{"phone", "Omar Benali", "X1234567L", "omar.benali@example.com", "+34644555666", "es", 24 * 60, 15, false,
	 false, false, false},
	/* Earlier contact of the first citizen: a phone call yesterday, attended and done. */
	{"phone", "Núria Ferrer Costa", "71234567W", "nuria.ferrer@example.cat", "+34611222333", "ca", -24 * 60, 15,
	 true, false, true, false},
};

static int add_doc(const config_t *cfg, db_conn_t *c, int64_t appt, const char *origin, const char *name,
		   const char *type, const void *p, size_t n, int64_t now)
{
	const rm_keyring_t *ring = rm_keys();
	if (!ring)
		return ERR_UNAVAILABLE;
	char stored[RM_STORED_LEN];
	rm_stored_name(stored);
	buf_t sealed;
	buf_init(&sealed, n + 4096);
	int rc = rm_doc_seal(ring, stored, p, n, &sealed);
	if (!rc)
		rc = rm_file_write(config_str(cfg, "documents.dir"), stored, sealed.data, sealed.len);
	buf_free(&sealed);
	if (rc)
		return rc;
	rm_doc_t d = {.appointment_id = appt,
		      .origin = origin,
		      .name = name,
		      .type = type,
		      .size = (int64_t)n,
		      .stored = stored,
		      .key_id = ring->current,
		      .uploaded_by = str_eq(origin, "office") ? INFORMER : "citizen",
		      .created_at = now};
	int64_t id;
	return rm_store_doc_add(c, &d, &id);
}

/* What happened around the appointment: the informer, an attempt, the outcome, documents. */
static int decorate(const config_t *cfg, db_conn_t *c, booking_ctx_t *ctx, const demo_t *d, const booking_created_t *bk,
		    int64_t informer, int64_t now)
{
	int rc = db_begin(c);
	if (!rc && d->assigned)
		rc = rm_store_assign(c, bk->id, informer, INFORMER, "coordinacio@vilamar.example", now);
	if (!rc && d->attempt)
		rc = rm_store_attempt_add(c, bk->id, now - 3 * MIN, INFORMER, "no_answer", "");
	if (!rc && d->done) {
		booking_t b;
		rc = booking_by_id(ctx, bk->id, &b);
		if (!rc)
			rc = rm_store_attempt_add(c, bk->id, b.start_at, INFORMER, "attended", "");
		if (!rc)
			rc = booking_advance_tx(ctx, &b, "done");
		if (!rc)
			rc = rm_store_outcome(c, bk->id, INFORMER, "Consulta sobre l'IBI\nDomiciliació del rebut",
					      "with", "Ha après a consultar els rebuts a la seu electrònica.",
					      b.end_at);
	}
	if (!rc && d->docs) {
		rc = add_doc(cfg, c, bk->id, "citizen", "contracte-lloguer.pdf", "application/pdf", PDF, sizeof PDF - 1,
			     now - 60 * MIN);
		if (!rc)
			rc = add_doc(cfg, c, bk->id, "office", "justificant.pdf", "application/pdf", PDF,
				     sizeof PDF - 1, now - 2 * MIN);
		if (!rc)
			rc = add_doc(cfg, c, bk->id, "citizen", "foto-dni.png", "image/png", PNG, sizeof PNG - 1,
				     now - 30 * MIN);
	}
	if (!rc)
		rc = db_commit(c);
	if (rc)
		db_rollback(c);
	return rc;
}

int rm_demo_seed(const config_t *cfg, db_conn_t *c, int64_t now, FILE *out)
{
	int64_t informer = 0;
	auth_user_id_by_email(c, INFORMER, &informer);
	int first = 0;
	now -= now % MIN;
	for (size_t i = 0; i < sizeof DEMO / sizeof DEMO[0]; i++) {
		const demo_t *d = &DEMO[i];
		arena_t *a = arena_new();
		booking_ctx_t ctx = {.c = c,
				     .a = a,
				     .cfg = cfg,
				     .now = now,
				     .lang = d->lang,
				     .demo = true,
				     .staff = informer != 0,
				     .user_id = informer,
				     .user_email = INFORMER};
		booking_input_t in = {.service = "ibi",
				      .channel = d->channel,
				      .name = d->name,
				      .id_type = d->id_number[0] == 'X' ? "nie" : "dni",
				      .id_number = d->id_number,
				      .email = d->email,
				      .phone = d->phone,
				      .lang = d->lang};
		booking_created_t bk;
		booking_err_t err = {0};
		int64_t start = now + d->start_min * MIN;
		int rc = booking_demo_at(&ctx, &in, start, start + d->length_min * MIN, &bk, &err);
		if (!rc) {
			json_decref(bk.model);
			rc = decorate(cfg, c, &ctx, d, &bk, informer, now);
		}
		if (!rc && i == 0 && out) {
			const char *base = config_str(cfg, "server.public_url");
			fprintf(out,
				"Remote attention: a video call is on now (room open until %d minutes after its end).\n"
				"  citizen's link: %s/video/%s?token=%s\n"
				"  informer: sign in as %s and open %s/remote/%s\n",
				(int)config_int(cfg, "remote.close_after_min"), base, bk.code, bk.token, INFORMER, base,
				bk.code);
		}
		if (rc) {
			log_warn("demo: remote appointment %zu not made: %s", i, err.code ? err.code : err_name(rc));
			if (!first)
				first = rc;
		}
		arena_free(a);
	}
	return first;
}

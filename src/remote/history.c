/* history.c — `finestreta demo` with demo.history_days: what the informers did with the demo
 * history's phone and video appointments (booking's history.c): call-back attempts and their
 * outcomes (an appointment that ended done was answered, perhaps after a try with no answer; a
 * no-show was called twice in vain, or the number was wrong; some asked to change the day), and
 * the video calls held, with their length (the citizen entered the room, the outcome came 8 to
 * 35 minutes later). None for appointments past booking.retention_days, whose calls the purge
 * forgets (purge.c). Written straight to remote attention's tables in one transaction. */
#include "remote/internal.h"

#include "base/log.h"
#include "base/mem.h"
#include "core/demo.h"

#include <string.h>

#define INFORMERS 3
static const char *const INFORMER[INFORMERS] = {"informador@vilamar.example", "coordinacio@vilamar.example",
						"informador.riera@vilamar.example"};
static const char *const HOW[] = {"for", "with", "none"};
static const unsigned HOW_W[] = {45, 45, 10};

typedef struct {
	int64_t id, start_at;
	bool video;
	char status[12];
} appt_t;

typedef struct {
	appt_t *v;
	size_t n, cap;
} list_t;

static int collect(int64_t id, const char *channel, int64_t start_at, const char *status, void *ud)
{
	list_t *l = ud;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 1024;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
	}
	appt_t *x = &l->v[l->n++];
	x->id = id;
	x->start_at = start_at;
	x->video = !strcmp(channel, "video");
	snprintf(x->status, sizeof x->status, "%s", status);
	return 0;
}

typedef struct {
	demo_batch_t *attempts, *cases;
	int64_t forgotten;
} hist_t;

static int one(hist_t *hs, const appt_t *x)
{
	if (x->start_at < hs->forgotten)
		return 0; /* past booking.retention_days: the purge forgot its calls */
	demo_rng_t r;
	demo_rng_init(&r, "remote.calls", (int32_t)(x->id & 0x7fffffff));
	bool done = !strcmp(x->status, "done");
	if (!strcmp(x->status, "cancelled")) {
		/* Some asked on the call to change the day; the others cancelled before it. */
		if (x->video || !demo_rng_chance(&r, 250))
			return 0;
		return rm_store_history_attempt(hs->attempts, x->id, x->start_at + demo_rng_int(&r, 0, 300),
						INFORMER[demo_rng_int(&r, 0, INFORMERS - 1)], "rescheduled");
	}
	if (!done && strcmp(x->status, "no_show"))
		return 0;
	rm_history_t h = {.appointment_id = x->id, .informer = INFORMER[demo_rng_int(&r, 0, INFORMERS - 1)]};
	h.assigned_at = x->start_at - demo_rng_int(&r, 3600, 86400);
	int64_t at = x->start_at + demo_rng_int(&r, 0, 300);
	int rc = 0;
	if (!x->video) {
		/* The call-backs: a try with no answer before some of the good ones; two for a no-show. */
		int tries = done ? (demo_rng_chance(&r, 180) ? 2 : 1) : 2;
		for (int i = 0; i < tries && !rc; i++, at += demo_rng_int(&r, 600, 1800)) {
			const char *o = i < tries - 1              ? "no_answer"
					: done                     ? "attended"
					: demo_rng_chance(&r, 150) ? "wrong_number"
								   : "no_answer";
			rc = rm_store_history_attempt(hs->attempts, x->id, at, h.informer, o);
		}
		at -= 600;
	} else if (done) {
		h.citizen_seen_at = at;
	}
	if (!rc && done) {
		h.outcome_at = at + demo_rng_int(&r, 8, 35) * 60;
		h.done_how = HOW[demo_rng_pick(&r, HOW_W, 3)];
	}
	return rc ? rc : rm_store_history_case(hs->cases, &h);
}

int rm_history_seed(db_conn_t *c, const config_t *cfg, int64_t now)
{
	if (demo_history_days(cfg) <= 0)
		return 0;
	list_t l = {0};
	hist_t h = {.forgotten = demo_kept_from(cfg, "booking.retention_days", now)};
	rm_store_history_batches(c, &h.attempts, &h.cases);
	int rc = db_begin(c);
	if (!rc)
		rc = booking_history_remote(c, collect, &l);
	for (size_t i = 0; i < l.n && !rc; i++)
		rc = one(&h, &l.v[i]);
	if (!rc)
		rc = demo_batch_flush(h.attempts);
	if (!rc)
		rc = demo_batch_flush(h.cases);
	if (!rc)
		rc = db_commit(c);
	else
		db_rollback(c);
	if (!rc)
		log_info("demo: %lld past remote cases, %lld call-back attempts", (long long)h.cases->rows,
			 (long long)h.attempts->rows);
	demo_batch_free(h.attempts);
	demo_batch_free(h.cases);
	free(l.v);
	return rc;
}

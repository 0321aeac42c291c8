/* demo.c — `finestreta demo`: a morning in progress at two offices, whatever the day and hour:
 * desks open, people served in the last hour and a half (so the wait estimates have service
 * times), one person at each open desk, people waiting in every zone, a priority visitor, a
 * transfer, a quota on a zone. Every step goes through the rules (fl_issue, fl_call, fl_act),
 * with the clock set back, so the history rows, calls and estimates are what a real morning
 * leaves. */
#include "floor/internal.h"

#include "base/err.h"
#include "base/log.h"
#include "base/str.h"
#include "base/tz.h"

#include <string.h>

typedef struct {
	const char *office;
	const char *desks[3][2]; /* desk code, the person at it */
	const char *quota_zone;  /* a zone with a daily quota */
	int quota;
} demo_office_t;

static const demo_office_t OFFICES[] = {
	{"centre",
	 {{"taula-1", "informador@vilamar.example"},
	  {"taula-5", "coordinacio@vilamar.example"},
	  {"autoservei-1", "acollida@vilamar.example"}},
	 "autoservei",
	 60},
	{"la-riera",
	 {{"taula-1", "agent.tic@vilamar.example"}, {"taula-3", "informador.riera@vilamar.example"}, {NULL, NULL}},
	 "assistida",
	 40},
};

/* Who comes, in order: the zone (by kind), the need, the profile. */
typedef struct {
	const char *kind, *service, *age_band, *gender, *priority;
	int autonomous;
} visitor_t;

static const visitor_t PEOPLE[] = {
	{"assisted", "idcat-mobil", "over_50", "woman", "", 0},
	{"self_service", "volant-individual", "30_50", "man", "", 1},
	{"assisted", "padro-canvi-domicili", "under_30", "woman", "", 0},
	{"assisted", "certificat-empadronament", "30_50", "woman", "", -1},
	{"assisted", "registre-general", "over_50", "man", "advanced_age", 0},
	{"self_service", "cita-serveis", "under_30", "man", "", 1},
	{"assisted", "idcat-mobil", "30_50", "other", "", 0},
	{"assisted", NULL, "over_50", "woman", "", 0},
	{"self_service", "volant-collectiu", "30_50", "not_stated", "", 1},
	{"assisted", "ajuts-socials", "under_30", "woman", "pregnancy", 0},
	{"self_service", "padro-alta", "30_50", "man", "", 1},
	{"assisted", "enotum", "over_50", "man", "", 0},
};
#define NPEOPLE (sizeof PEOPLE / sizeof PEOPLE[0])

static const cat_zone_t *zone_of_kind(const fl_office_t *f, const char *kind)
{
	for (size_t i = 0; i < f->o.nzones; i++)
		if (str_eq(f->o.zones[i].kind, kind))
			return &f->o.zones[i];
	return f->o.nzones ? &f->o.zones[f->o.nzones > 1 ? 1 : 0] : NULL;
}

/* One step in its own transaction, at time `at`. */
typedef struct {
	fl_ctx_t *ctx;
	const demo_office_t *d;
	fl_office_t f;
	int64_t ids[NPEOPLE];
} demo_t;

static int in_tx(db_conn_t *c, int rc_of_step)
{
	int rc = rc_of_step;
	if (!rc)
		rc = db_commit(c);
	if (rc)
		db_rollback(c);
	return rc;
}

static int issue(demo_t *m, size_t i, int64_t at)
{
	const visitor_t *v = &PEOPLE[i];
	const cat_zone_t *z = zone_of_kind(&m->f, v->kind);
	if (!z)
		return ERR_NOT_FOUND;
	m->ctx->now = at;
	fl_issue_t in = {.office = m->d->office,
			 .zone = z->code,
			 .service = v->service,
			 .age_band = v->age_band,
			 .gender = v->gender,
			 .priority = v->priority,
			 .autonomous = v->autonomous,
			 .lang = "ca",
			 .channel = "welcome"};
	fl_ticket_t t;
	fl_err_t err = {0};
	char token[65];
	int rc = db_begin(m->ctx->c);
	if (rc)
		return rc;
	rc = fl_issue(m->ctx, &in, &t, token, &err);
	if (!rc)
		m->ids[i] = t.id;
	return in_tx(m->ctx->c, rc);
}

/* Desk k calls ticket i (0: the next) at `at`, as its person. */
static int call(demo_t *m, int k, size_t i, int64_t at)
{
	m->ctx->now = at;
	m->ctx->actor = m->d->desks[k][1];
	fl_change_t ch = {0};
	fl_err_t err = {0};
	int rc = db_begin(m->ctx->c);
	if (rc)
		return rc;
	return in_tx(m->ctx->c, fl_call(m->ctx, m->d->office, m->d->desks[k][0], m->ids[i], &ch, &err));
}

static int act(demo_t *m, size_t i, fl_action_t a, const fl_act_in_t *in, int64_t at)
{
	m->ctx->now = at;
	fl_change_t ch = {0};
	fl_err_t err = {0};
	int rc = db_begin(m->ctx->c);
	if (rc)
		return rc;
	return in_tx(m->ctx->c, fl_act(m->ctx, m->ids[i], a, in, &ch, &err));
}

/* Served from start to start + minutes at desk k. */
static int served(demo_t *m, int k, size_t i, int64_t start, int minutes)
{
	static const char *procs[] = {"idcat-mobil"};
	fl_act_in_t out = {.procedures = procs, .nprocedures = 1, .mode = "with", .idcat = 1};
	int rc = call(m, k, i, start);
	if (!rc)
		rc = act(m, i, FL_START, NULL, start + 60);
	if (!rc)
		rc = act(m, i, FL_FINISH, &out, start + 60 + minutes * 60);
	return rc;
}

static int morning(demo_t *m, int64_t now)
{
	/* The morning started at most 100 minutes ago, and today (a demo made just after midnight
	 * has a short morning). */
	const tz_t *z = m->f.o.tz ? tz_get(m->f.o.tz) : NULL;
	tz_local_t l;
	tz_local(z ? z : tz_utc(), now, &l);
	int64_t midnight = tz_day_start(z ? z : tz_utc(), l.day);
	int64_t t0 = now - 100 * 60 > midnight + 60 ? now - 100 * 60 : midnight + 60;
	int64_t step = (now - 60 - t0) / (int64_t)NPEOPLE;
	int rc = 0;
	for (size_t i = 0; !rc && i < NPEOPLE; i++)
		rc = issue(m, i, t0 + (int64_t)i * step);
	int ndesks = m->d->desks[2][0] ? 3 : 2;
	/* The first ones have been served; each desk has someone now. */
	if (!rc)
		rc = served(m, 0, 0, t0 + step, 9);
	if (!rc)
		rc = served(m, ndesks - 1, 1, t0 + 2 * step, 4);
	if (!rc)
		rc = served(m, 0, 2, t0 + 4 * step, 11);
	if (!rc)
		rc = call(m, 0, 4, now - 8 * 60); /* the priority visitor, at desk 1 */
	if (!rc)
		rc = act(m, 4, FL_START, NULL, now - 7 * 60);
	if (!rc && ndesks == 3)
		rc = call(m, 2, 5, now - 40); /* just called: the displays show it */
	if (!rc) {
		fl_act_in_t to = {.to_zone = zone_of_kind(&m->f, "assisted")->code,
				  .note = "Necessita ajuda amb l'idCAT",
				  .idcat = -1};
		if (ndesks == 3)
			rc = act(m, 5, FL_TRANSFER, &to, now - 20);
	}
	return rc;
}

int fl_demo_seed(db_conn_t *c, const config_t *cfg, int64_t now)
{
	arena_t *a = arena_new();
	fl_ctx_t ctx = {.c = c, .a = a, .cfg = cfg, .now = now, .actor = "acollida@vilamar.example", .lang = "ca"};
	int first = 0;
	for (size_t o = 0; o < sizeof OFFICES / sizeof OFFICES[0]; o++) {
		demo_t m = {.ctx = &ctx, .d = &OFFICES[o]};
		ctx.now = now;
		int rc = fl_office_load(&ctx, m.d->office, &m.f);
		const cat_zone_t *qz = rc ? NULL : fl_zone(&m.f, m.d->quota_zone);
		if (!rc && qz && !(rc = db_begin(c)))
			rc = in_tx(c, fl_store_zone_set(c, qz->id, m.d->quota, false, now, "demo"));
		if (!rc)
			rc = morning(&m, now);
		if (rc) {
			log_warn("floor demo at %s: %s (%s)", m.d->office, err_name(rc), db_errmsg(c));
			if (!first)
				first = rc;
		}
	}
	arena_free(a);
	return first;
}

/* store_figures.c — what the office floor counts for src/figures (core/cap.h, docs/figures.md):
 * the tickets per local day, office, zone and channel (issued, served, abandoned), the wait and
 * service times per zone (p50 and p90), where the welcome sent the people who arrived (the kind
 * of zone), and the age band × gender of the arrivals. Every provider reads only the floor's
 * tickets, with the catalogue's offices, zones and procedures joined for codes and names.
 * Read-only. */
#include "floor/internal.h"

#include "base/err.h"
#include "base/mem.h"
#include "base/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The filter's placeholders: $1 from, $2 to (local days), $3 office, $4 zone, $5 channel,
 * $6 procedure. A ticket belongs to the zone where it is (or was) served. */
#define FIG_PARAMS(f)                                                                                                  \
	{                                                                                                              \
		DB_TEXT((f)->from), DB_TEXT((f)->to), DB_TEXT((f)->office), DB_TEXT((f)->zone), DB_TEXT((f)->channel), \
			DB_TEXT((f)->procedure)                                                                        \
	}
#define FIG_FROM                                                                                                       \
	"FROM floor_tickets t JOIN offices o ON o.id = t.office_id JOIN zones z ON z.id = t.zone_id "                  \
	"LEFT JOIN procedures p ON p.id = t.procedure_id "
#define FIG_WHERE                                                                                                      \
	"WHERE t.day >= $1 AND t.day <= $2 AND ($3 = '' OR o.code = $3) AND ($4 = '' OR z.code = $4) "                 \
	"AND ($5 = '' OR t.channel = $5) AND ($6 = '' OR p.code = $6) "

/* Tickets by day, office and channel: issued, served (done), abandoned (no-show: not there
 * when called, or still waiting when the day closed). */
static int ticket_row(db_res_t *r, void *ud)
{
	int64_t *v = cap_fig_row(ud, db_res_text(r, 0), db_res_text(r, 1), db_res_text(r, 2));
	v[0] += db_res_int(r, 3);
	v[1] += db_res_int(r, 4);
	v[2] += db_res_int(r, 5);
	return 0;
}

static int fig_tickets(db_conn_t *c, const cap_fig_filter_t *f, cap_fig_out_t *out)
{
	db_param_t p[] = FIG_PARAMS(f);
	return db_query_each(c,
			     "SELECT t.day, o.code, t.channel, COUNT(*), "
			     "SUM(CASE WHEN t.status = 'done' THEN 1 ELSE 0 END), "
			     "SUM(CASE WHEN t.status = 'no_show' THEN 1 ELSE 0 END) " FIG_FROM FIG_WHERE
			     "GROUP BY t.day, o.code, t.channel ORDER BY t.day, o.code, t.channel",
			     p, 6, ticket_row, out);
}

/* Wait (issued to first call) and service (start to finish) in seconds, p50 and p90 per zone:
 * the rows come ordered by zone and value, and each zone's values are kept until the next. */
struct times_ctx {
	cap_fig_out_t *out;
	const char *lang;
	int col; /* the measure: 0 wait, 2 service (p50; p90 is the next) */
	char *label;
	int64_t *v;
	size_t n, cap;
};

/* Nearest rank: the smallest value with at least pct % of the values at or below it. */
static int64_t nearest_rank(const int64_t *v, size_t n, int pct)
{
	size_t k = ((size_t)pct * n + 99) / 100;
	return v[k ? k - 1 : 0];
}

static void times_flush(struct times_ctx *x)
{
	if (x->n) {
		/* the service pass finds the zone's row of the wait pass (zones without calls have none) */
		int64_t *row = NULL;
		for (size_t i = 0; !row && i < x->out->n; i++)
			if (str_eq(x->out->rows[i].label, x->label))
				row = x->out->rows[i].v;
		if (!row)
			row = cap_fig_row(x->out, x->label, NULL, NULL);
		row[x->col] = nearest_rank(x->v, x->n, 50);
		row[x->col + 1] = nearest_rank(x->v, x->n, 90);
	}
	x->n = 0;
}

static int times_row(db_res_t *r, void *ud)
{
	struct times_ctx *x = ud;
	int name = str_eq(x->lang, "es") ? 1 : str_eq(x->lang, "en") ? 2 : 0;
	char label[256];
	snprintf(label, sizeof label, "%s · %s", db_res_text(r, 3), db_res_text(r, name));
	if (!x->label || !str_eq(x->label, label)) {
		times_flush(x);
		free(x->label);
		x->label = xstrdup(label);
	}
	if (x->n == x->cap) {
		x->cap = x->cap ? 2 * x->cap : 64;
		x->v = xrealloc(x->v, x->cap * sizeof *x->v);
	}
	int64_t s = db_res_int(r, 4);
	x->v[x->n++] = s < 0 ? 0 : s;
	return 0;
}

static int fig_times(db_conn_t *c, const cap_fig_filter_t *f, cap_fig_out_t *out)
{
	db_param_t p[] = FIG_PARAMS(f);
	struct times_ctx x = {.out = out, .lang = f->lang};
	/* Every zone in the period first, so that the rows come in one order for both measures. */
	int rc = db_query_each(c,
			       "SELECT z.name_ca, z.name_es, z.name_en, o.code, t.called_at - t.issued_at " FIG_FROM
				       FIG_WHERE "AND t.called_at IS NOT NULL ORDER BY o.code, z.code, 5",
			       p, 6, times_row, &x);
	times_flush(&x);
	free(x.label);
	x.label = NULL;
	x.col = 2;
	if (!rc)
		rc = db_query_each(c,
				   "SELECT z.name_ca, z.name_es, z.name_en, o.code, t.finished_at - "
				   "t.started_at " FIG_FROM FIG_WHERE
				   "AND t.status = 'done' AND t.started_at IS NOT NULL AND "
				   "t.finished_at IS NOT NULL ORDER BY o.code, z.code, 5",
				   p, 6, times_row, &x);
	times_flush(&x);
	free(x.label);
	free(x.v);
	return rc;
}

/* Where the welcome sent the people who arrived: tickets issued at the welcome desk or by
 * checking in an appointment, by the kind of zone that numbered them. */
static const char *const ROUTES[][2] = {
	{"assisted", "fl_fig_route_assisted"},
	{"self_service", "fl_fig_route_self_service"},
	{"appointment", "fl_fig_route_appointment"},
};

static int routing_live(db_conn_t *c, const cap_fig_filter_t *f, cap_fig_out_t *out)
{
	int64_t n[3];
	db_param_t p[] = FIG_PARAMS(f);
	int rc = db_query_ints(c,
			       "SELECT COALESCE(SUM(CASE WHEN nz.kind = 'assisted' THEN 1 ELSE 0 END), 0), "
			       "COALESCE(SUM(CASE WHEN nz.kind = 'self_service' THEN 1 ELSE 0 END), 0), "
			       "COALESCE(SUM(CASE WHEN nz.kind = 'appointment' THEN 1 ELSE 0 END), 0) " FIG_FROM
			       "JOIN zones nz ON nz.id = t.number_zone_id " FIG_WHERE
			       "AND t.channel IN ('welcome', 'check_in')",
			       p, 6, n, 3);
	for (size_t i = 0; !rc && i < 3; i++)
		cap_fig_row(out, ROUTES[i][1], NULL, NULL)[0] = n[i];
	return rc;
}

/* Age band × gender of the tickets issued: a row per band, a measure per gender; '' is "not
 * asked" (a ticket issued without them). */
static const char *const BANDS[][2] = {
	{"under_30", "fl_fig_age_under_30"},
	{"30_50", "fl_fig_age_30_50"},
	{"over_50", "fl_fig_age_over_50"},
	{"", "fl_fig_age_unknown"},
};
static const char *const GENDERS[] = {"woman", "man", "other", "not_stated", ""};

static int profile_row(db_res_t *r, void *ud)
{
	int64_t(*n)[5] = ud;
	const char *band = db_res_text(r, 0), *gender = db_res_text(r, 1);
	for (size_t b = 0; b < 4; b++)
		for (size_t g = 0; g < 5; g++)
			if (str_eq(band, BANDS[b][0]) && str_eq(gender, GENDERS[g]))
				n[b][g] += db_res_int(r, 2);
	return 0;
}

static int profile_live(db_conn_t *c, const cap_fig_filter_t *f, cap_fig_out_t *out)
{
	int64_t n[4][5] = {{0}};
	db_param_t p[] = FIG_PARAMS(f);
	int rc = db_query_each(c,
			       "SELECT t.age_band, t.gender, COUNT(*) " FIG_FROM FIG_WHERE
			       "GROUP BY t.age_band, t.gender ORDER BY t.age_band, t.gender",
			       p, 6, profile_row, n);
	for (size_t b = 0; !rc && b < 4; b++)
		memcpy(cap_fig_row(out, BANDS[b][1], NULL, NULL), n[b], sizeof n[b]);
	return rc;
}

/* The additive tables' days (CAP_FIG_ADDITIVE, docs/figures.md "Daily summary"): the rows come as
 * (day, office, channel, key, count) by the ticket's day, the day the tables' period counts. */
static int day_row(db_res_t *r, void *ud)
{
	cap_fig_row_day(ud, db_res_text(r, 0), db_res_text(r, 3), db_res_text(r, 1), db_res_text(r, 2))[0] +=
		db_res_int(r, 4);
	return 0;
}

/* The tickets of each kind of zone by day, the kind its key. */
static int routing_days(db_conn_t *c, const cap_fig_filter_t *f, cap_fig_out_t *out)
{
	db_param_t p[] = FIG_PARAMS(f);
	return db_query_each(c,
			     "SELECT t.day, o.code, t.channel, nz.kind, COUNT(*) " FIG_FROM
			     "JOIN zones nz ON nz.id = t.number_zone_id " FIG_WHERE
			     "AND t.channel IN ('welcome', 'check_in') GROUP BY t.day, o.code, t.channel, nz.kind "
			     "ORDER BY t.day",
			     p, 6, day_row, out);
}

static int routing_sums(db_conn_t *c, const cap_fig_filter_t *f, cap_fig_out_t *out)
{
	(void)c;
	const cap_fig_out_t *sums = f->sums;
	for (size_t i = 0; i < 3; i++)
		cap_fig_row(out, ROUTES[i][1], NULL, NULL)[0] = cap_fig_sum(sums, ROUTES[i][0])[0];
	return 0;
}

/* The tickets of each age band by day, the band its key and a measure per gender. */
static int profile_day_row(db_res_t *r, void *ud)
{
	const char *band = db_res_text(r, 3), *gender = db_res_text(r, 4);
	for (size_t g = 0; g < 5; g++)
		if (str_eq(gender, GENDERS[g]))
			cap_fig_row_day(ud, db_res_text(r, 0), band, db_res_text(r, 1), db_res_text(r, 2))[g] +=
				db_res_int(r, 5);
	return 0;
}

static int profile_days(db_conn_t *c, const cap_fig_filter_t *f, cap_fig_out_t *out)
{
	db_param_t p[] = FIG_PARAMS(f);
	return db_query_each(c,
			     "SELECT t.day, o.code, t.channel, t.age_band, t.gender, COUNT(*) " FIG_FROM FIG_WHERE
			     "GROUP BY t.day, o.code, t.channel, t.age_band, t.gender ORDER BY t.day",
			     p, 6, profile_day_row, out);
}

static int profile_sums(db_conn_t *c, const cap_fig_filter_t *f, cap_fig_out_t *out)
{
	(void)c;
	const cap_fig_out_t *sums = f->sums;
	for (size_t b = 0; b < 4; b++)
		memcpy(cap_fig_row(out, BANDS[b][1], NULL, NULL), cap_fig_sum(sums, BANDS[b][0]), 5 * sizeof(int64_t));
	return 0;
}

/* The additive tables: their days (out->days), their table from the summary's sums (f->sums),
 * or counted. */
static int fig_routing(db_conn_t *c, const cap_fig_filter_t *f, cap_fig_out_t *out)
{
	return out->days ? routing_days(c, f, out) : f->sums ? routing_sums(c, f, out) : routing_live(c, f, out);
}

int fl_store_fig_profile(db_conn_t *c, const cap_fig_filter_t *f, cap_fig_out_t *out)
{
	return out->days ? profile_days(c, f, out) : f->sums ? profile_sums(c, f, out) : profile_live(c, f, out);
}

static const cap_fig_col_t ticket_cols[] = {
	{"issued", "fl_fig_issued"},
	{"served", "fl_fig_served"},
	{"abandoned", "fl_fig_abandoned"},
	{0},
};
static const cap_fig_col_t time_cols[] = {
	{"wait_p50_s", "fl_fig_wait_p50"},
	{"wait_p90_s", "fl_fig_wait_p90"},
	{"service_p50_s", "fl_fig_service_p50"},
	{"service_p90_s", "fl_fig_service_p90"},
	{0},
};
static const cap_fig_col_t route_cols[] = {{"tickets", "fl_fig_tickets"}, {0}};
static const cap_fig_col_t profile_cols[] = {
	{"woman", "fl_fig_woman"},           {"man", "fl_fig_man"},         {"other", "fl_fig_other"},
	{"not_stated", "fl_fig_not_stated"}, {"unknown", "fl_fig_unknown"}, {0},
};

#define BY_TICKET (CAP_FIG_BY_OFFICE | CAP_FIG_BY_ZONE | CAP_FIG_BY_CHANNEL | CAP_FIG_BY_PROCEDURE)

const cap_figure_t fl_figures[] = {
	{"floor.tickets", "attendance", "fl_fig_t_tickets", CAP_FIG_SERIES, BY_TICKET | CAP_FIG_OPEN, ticket_cols,
	 fig_tickets, "tickets", "served"},
	{"floor.times", "attendance", "fl_fig_t_times", CAP_FIG_TABLE, BY_TICKET, time_cols, fig_times, NULL, NULL},
	{"floor.routing", "people", "fl_fig_t_routing", CAP_FIG_TABLE,
	 BY_TICKET | CAP_FIG_LABEL_KEYS | CAP_FIG_ADDITIVE, route_cols, fig_routing, NULL, NULL},
	{"floor.profile", "people", "fl_fig_t_profile", CAP_FIG_TABLE,
	 BY_TICKET | CAP_FIG_LABEL_KEYS | CAP_FIG_ADDITIVE, profile_cols, fl_store_fig_profile, "profile",
	 NULL}, /* GET /api/v1/stats/profile */
	{0},
};

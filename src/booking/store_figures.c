/* store_figures.c — what booking counts for src/figures (core/cap.h, docs/figures.md): the
 * appointments by day, office and channel (booked, attended, no-shows, cancelled), the seats
 * offered and used, the lead time, the top procedures and the language of attention. Every
 * provider reads only booking's own rows (appointments, and the seat counters of slots that only
 * booking changes) with the names of offices and procedures joined in. Read-only. */
#include "booking/internal.h"

#include "base/err.h"
#include "base/str.h"

#include <stdlib.h>
#include <string.h>

/* The filter's common placeholders: $1 from_at, $2 to_at, $3 office, $4 channel, $5 procedure. */
#define FIG_PARAMS(f)                                                                                                  \
	{                                                                                                              \
		DB_INT((f)->from_at), DB_INT((f)->to_at), DB_TEXT((f)->office), DB_TEXT((f)->channel),                 \
			DB_TEXT((f)->procedure)                                                                        \
	}
#define FIG_WHERE                                                                                                      \
	"WHERE a.start_at >= $1 AND a.start_at < $2 AND ($3 = '' OR o.code = $3) AND ($4 = '' OR a.channel = $4) "     \
	"AND ($5 = '' OR p.code = $5) "
#define FIG_FROM "FROM appointments a JOIN offices o ON o.id = a.office_id JOIN procedures p ON p.id = a.procedure_id "

/* Appointment columns: booked (every appointment of the period), attended (the person came:
 * checked in, called, in service or done), no_show, cancelled. */
enum { A_BOOKED, A_ATTENDED, A_NO_SHOW, A_CANCELLED };

static bool attended(const char *status)
{
	return str_eq(status, "checked_in") || str_eq(status, "called") || str_eq(status, "in_service") ||
	       str_eq(status, "done");
}

static void count_status(int64_t *v, const char *status)
{
	v[A_BOOKED]++;
	if (attended(status))
		v[A_ATTENDED]++;
	else if (str_eq(status, "no_show"))
		v[A_NO_SHOW]++;
	else if (str_eq(status, "cancelled"))
		v[A_CANCELLED]++;
}

static int appt_day_row(db_res_t *r, void *ud)
{
	count_status(cap_fig_row_at(ud, db_res_int(r, 0), db_res_text(r, 4), db_res_text(r, 1), db_res_text(r, 2)),
		     db_res_text(r, 3));
	return 0;
}

static int fig_appointments(db_conn_t *c, const cap_fig_filter_t *f, cap_fig_out_t *out)
{
	db_param_t p[] = FIG_PARAMS(f);
	return db_query_each(c,
			     "SELECT a.start_at, o.code, a.channel, a.status, o.tz " FIG_FROM FIG_WHERE
			     "ORDER BY a.start_at, a.id",
			     p, 5, appt_day_row, out);
}

/* Seats by the slot's local day: offered (public and staff seats), used (taken by appointments). */
static int seat_row(db_res_t *r, void *ud)
{
	int64_t *v = cap_fig_row(ud, db_res_text(r, 0), db_res_text(r, 1), db_res_text(r, 2));
	v[0] += db_res_int(r, 3);
	v[1] += db_res_int(r, 4);
	return 0;
}

static int fig_seats(db_conn_t *c, const cap_fig_filter_t *f, cap_fig_out_t *out)
{
	db_param_t p[] = {DB_TEXT(f->from), DB_TEXT(f->to), DB_TEXT(f->office), DB_TEXT(f->channel)};
	return db_query_each(c,
			     "SELECT s.day, o.code, s.channel, SUM(s.capacity + s.staff_capacity), "
			     "SUM(s.booked + s.staff_booked) FROM slots s JOIN offices o ON o.id = s.office_id "
			     "WHERE s.day >= $1 AND s.day <= $2 AND ($3 = '' OR o.code = $3) AND ($4 = '' OR s.channel "
			     "= $4) "
			     "GROUP BY s.day, o.code, s.channel ORDER BY s.day, o.code, s.channel",
			     p, 4, seat_row, out);
}

/* Days between booking and the appointment, in bands (the labels are i18n keys). */
static const char *const LEAD_BANDS[] = {"cita_fig_lead_0", "cita_fig_lead_1", "cita_fig_lead_2_7",
					 "cita_fig_lead_8_30", "cita_fig_lead_31"};

static int lead_live(db_conn_t *c, const cap_fig_filter_t *f, cap_fig_out_t *out)
{
	int64_t n[5];
	db_param_t p[] = FIG_PARAMS(f);
	int rc = db_query_ints(c,
			       "SELECT "
			       "COALESCE(SUM(CASE WHEN a.start_at - a.created_at < 86400 THEN 1 ELSE 0 END), 0), "
			       "COALESCE(SUM(CASE WHEN a.start_at - a.created_at >= 86400 "
			       "AND a.start_at - a.created_at < 2 * 86400 THEN 1 ELSE 0 END), 0), "
			       "COALESCE(SUM(CASE WHEN a.start_at - a.created_at >= 2 * 86400 "
			       "AND a.start_at - a.created_at < 8 * 86400 THEN 1 ELSE 0 END), 0), "
			       "COALESCE(SUM(CASE WHEN a.start_at - a.created_at >= 8 * 86400 "
			       "AND a.start_at - a.created_at < 31 * 86400 THEN 1 ELSE 0 END), 0), "
			       "COALESCE(SUM(CASE WHEN a.start_at - a.created_at >= 31 * 86400 THEN 1 ELSE 0 END), "
			       "0) " FIG_FROM FIG_WHERE,
			       p, 5, n, 5);
	for (size_t i = 0; !rc && i < 5; i++)
		cap_fig_row(out, LEAD_BANDS[i], NULL, NULL)[0] = n[i];
	return rc;
}

/* The additive tables' days (CAP_FIG_ADDITIVE, docs/figures.md "Daily summary"): the rows come as
 * (start_at, office, channel, key, counts…) in start order and are counted on the city's local day
 * of start_at, the day whose midnights (f->from_at, f->to_at) bound the period the tables count. */
static int day_row(db_res_t *r, void *ud)
{
	int64_t *v =
		cap_fig_row_day_at(ud, db_res_int(r, 0), NULL, db_res_text(r, 3), db_res_text(r, 1), db_res_text(r, 2));
	v[0] += db_res_int(r, 4);
	v[1] += db_res_int(r, 5);
	return 0;
}

/* Each band's appointments by day, the band's index its key. */
static const char *const LEAD_KEYS[] = {"0", "1", "2", "3", "4"};

static int lead_days(db_conn_t *c, const cap_fig_filter_t *f, cap_fig_out_t *out)
{
	db_param_t p[] = FIG_PARAMS(f);
	return db_query_each(c,
			     "SELECT a.start_at, o.code, a.channel, CASE WHEN a.start_at - a.created_at < 86400 THEN "
			     "'0' WHEN a.start_at - a.created_at < 2 * 86400 THEN '1' WHEN a.start_at - a.created_at < "
			     "8 * 86400 THEN '2' WHEN a.start_at - a.created_at < 31 * 86400 THEN '3' ELSE '4' END, "
			     "COUNT(*), 0 " FIG_FROM FIG_WHERE "GROUP BY a.start_at, o.code, a.channel, 4 "
			     "ORDER BY a.start_at",
			     p, 5, day_row, out);
}

static int lead_sums(db_conn_t *c, const cap_fig_filter_t *f, cap_fig_out_t *out)
{
	const cap_fig_out_t *sums = f->sums;
	(void)c;
	(void)f;
	for (size_t i = 0; i < 5; i++)
		cap_fig_row(out, LEAD_BANDS[i], NULL, NULL)[0] = cap_fig_sum(sums, LEAD_KEYS[i])[0];
	return 0;
}

/* The top procedures by appointments booked, with how many were attended. */
struct label_ctx {
	cap_fig_out_t *out;
	const char *lang;
};

static int proc_row(db_res_t *r, void *ud)
{
	struct label_ctx *x = ud;
	int col = str_eq(x->lang, "es") ? 2 : str_eq(x->lang, "en") ? 3 : 1;
	int64_t *v = cap_fig_row(x->out, db_res_text(r, col), NULL, NULL);
	v[0] = db_res_int(r, 4);
	v[1] = db_res_int(r, 5);
	return 0;
}

static int procedures_live(db_conn_t *c, const cap_fig_filter_t *f, cap_fig_out_t *out)
{
	db_param_t p[] = {DB_INT(f->from_at),  DB_INT(f->to_at),      DB_TEXT(f->office),
			  DB_TEXT(f->channel), DB_TEXT(f->procedure), DB_INT(f->limit > 0 ? f->limit : 10)};
	struct label_ctx x = {out, f->lang};
	return db_query_each(c,
			     "SELECT p.code, p.name_ca, p.name_es, p.name_en, COUNT(*), "
			     "SUM(CASE WHEN a.status IN ('checked_in', 'called', 'in_service', 'done') THEN 1 ELSE 0 "
			     "END) " FIG_FROM FIG_WHERE "GROUP BY p.code, p.name_ca, p.name_es, p.name_en "
			     "ORDER BY COUNT(*) DESC, p.code LIMIT $6",
			     p, 6, proc_row, &x);
}

/* Each procedure's (by code) appointments booked and attended by day. */
static int procedures_days(db_conn_t *c, const cap_fig_filter_t *f, cap_fig_out_t *out)
{
	db_param_t p[] = FIG_PARAMS(f);
	return db_query_each(c,
			     "SELECT a.start_at, o.code, a.channel, p.code, COUNT(*), "
			     "SUM(CASE WHEN a.status IN ('checked_in', 'called', 'in_service', 'done') THEN 1 ELSE 0 "
			     "END) " FIG_FROM FIG_WHERE "GROUP BY a.start_at, o.code, a.channel, p.code "
			     "ORDER BY a.start_at",
			     p, 5, day_row, out);
}

/* fig_procedures' order: most booked first, then by code. */
static int sum_cmp(const void *x, const void *y)
{
	const cap_fig_row_t *a = *(const cap_fig_row_t *const *)x, *b = *(const cap_fig_row_t *const *)y;
	if (a->v[0] != b->v[0])
		return a->v[0] > b->v[0] ? -1 : 1;
	return strcmp(a->label, b->label);
}

static int procedures_sums(db_conn_t *c, const cap_fig_filter_t *f, cap_fig_out_t *out)
{
	const cap_fig_out_t *sums = f->sums;
	const cap_fig_row_t **v = arena_alloc(out->a, (sums->n + 1) * sizeof *v);
	size_t n = 0;
	for (size_t i = 0; i < sums->n; i++)
		if (sums->rows[i].v[0] > 0)
			v[n++] = &sums->rows[i];
	qsort(v, n, sizeof *v, sum_cmp);
	size_t limit = (size_t)(f->limit > 0 ? f->limit : 10);
	int rc = 0;
	for (size_t i = 0; !rc && i < n && i < limit; i++) {
		const char *name = NULL;
		db_param_t p[] = {DB_TEXT(v[i]->label), DB_TEXT(f->lang)};
		rc = db_query_str(c, out->a,
				  "SELECT CASE $2 WHEN 'es' THEN name_es WHEN 'en' THEN name_en ELSE name_ca END "
				  "FROM procedures WHERE code = $1",
				  p, 2, &name);
		if (rc)
			break;
		int64_t *w = cap_fig_row(out, name, NULL, NULL);
		w[0] = v[i]->v[0];
		w[1] = v[i]->v[1];
	}
	return rc;
}

/* The language the person chose (the language of attention). */
static int lang_row(db_res_t *r, void *ud)
{
	const char *l = db_res_text(r, 0);
	const char *key = str_eq(l, "es")   ? "cita_fig_lang_es"
			  : str_eq(l, "en") ? "cita_fig_lang_en"
					    : "cita_fig_lang_ca";
	cap_fig_row(ud, key, NULL, NULL)[0] += db_res_int(r, 1);
	return 0;
}

static int languages_live(db_conn_t *c, const cap_fig_filter_t *f, cap_fig_out_t *out)
{
	db_param_t p[] = FIG_PARAMS(f);
	return db_query_each(c, "SELECT a.lang, COUNT(*) " FIG_FROM FIG_WHERE "GROUP BY a.lang ORDER BY a.lang", p, 5,
			     lang_row, out);
}

static int languages_days(db_conn_t *c, const cap_fig_filter_t *f, cap_fig_out_t *out)
{
	db_param_t p[] = FIG_PARAMS(f);
	return db_query_each(c,
			     "SELECT a.start_at, o.code, a.channel, a.lang, COUNT(*), 0 " FIG_FROM FIG_WHERE
			     "GROUP BY a.start_at, o.code, a.channel, a.lang ORDER BY a.start_at",
			     p, 5, day_row, out);
}

/* The languages' sums in fig_languages' order (by code), through lang_row. */
static int languages_sums(db_conn_t *c, const cap_fig_filter_t *f, cap_fig_out_t *out)
{
	const cap_fig_out_t *sums = f->sums;
	(void)c;
	(void)f;
	const cap_fig_row_t **v = arena_alloc(out->a, (sums->n + 1) * sizeof *v);
	size_t n = 0;
	for (size_t i = 0; i < sums->n; i++)
		if (sums->rows[i].v[0] > 0)
			v[n++] = &sums->rows[i];
	for (size_t i = 1; i < n; i++) /* a handful of languages: an insertion sort */
		for (size_t j = i; j > 0 && strcmp(v[j - 1]->label, v[j]->label) > 0; j--) {
			const cap_fig_row_t *t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	for (size_t i = 0; i < n; i++) {
		const char *l = v[i]->label;
		const char *key = str_eq(l, "es")   ? "cita_fig_lang_es"
				  : str_eq(l, "en") ? "cita_fig_lang_en"
						    : "cita_fig_lang_ca";
		cap_fig_row(out, key, NULL, NULL)[0] += v[i]->v[0];
	}
	return 0;
}

/* First visit or returning: whether the same ID number had an appointment that started before.
 * One whose ID number was erased (retention, erasure) names nobody: a first visit, and not
 * compared with every other blank one. */
static int returning_live(db_conn_t *c, const cap_fig_filter_t *f, cap_fig_out_t *out)
{
	int64_t n[2];
	db_param_t p[] = FIG_PARAMS(f);
	int rc = db_query_ints(c,
			       "SELECT COALESCE(SUM(CASE WHEN e.id IS NULL THEN 1 ELSE 0 END), 0), "
			       "COALESCE(SUM(CASE WHEN e.id IS NULL THEN 0 ELSE 1 END), 0) " FIG_FROM
			       "LEFT JOIN appointments e ON e.id = (SELECT MIN(b.id) FROM appointments b "
			       "WHERE a.id_number <> '' AND b.id_number = a.id_number AND b.start_at < "
			       "a.start_at) " FIG_WHERE,
			       p, 5, n, 2);
	if (!rc) {
		cap_fig_row(out, "cita_fig_first", NULL, NULL)[0] = n[0];
		cap_fig_row(out, "cita_fig_returning", NULL, NULL)[0] = n[1];
	}
	return rc;
}

/* Each appointment is a first visit or not whatever the period counted (it depends only on the
 * appointments that started before it), so the period's counts are the sums of its days'. */
static int returning_days(db_conn_t *c, const cap_fig_filter_t *f, cap_fig_out_t *out)
{
	db_param_t p[] = FIG_PARAMS(f);
	return db_query_each(c,
			     "SELECT a.start_at, o.code, a.channel, CASE WHEN e.id IS NULL THEN 'first' ELSE "
			     "'returning' END, COUNT(*), 0 " FIG_FROM
			     "LEFT JOIN appointments e ON e.id = (SELECT MIN(b.id) FROM appointments b "
			     "WHERE a.id_number <> '' AND b.id_number = a.id_number AND b.start_at < "
			     "a.start_at) " FIG_WHERE "GROUP BY a.start_at, o.code, a.channel, 4 ORDER BY a.start_at",
			     p, 5, day_row, out);
}

static int returning_sums(db_conn_t *c, const cap_fig_filter_t *f, cap_fig_out_t *out)
{
	const cap_fig_out_t *sums = f->sums;
	(void)c;
	(void)f;
	cap_fig_row(out, "cita_fig_first", NULL, NULL)[0] = cap_fig_sum(sums, "first")[0];
	cap_fig_row(out, "cita_fig_returning", NULL, NULL)[0] = cap_fig_sum(sums, "returning")[0];
	return 0;
}

/* The additive tables: their days (out->days), their table from the summary's sums (f->sums),
 * or counted. */
static int fig_lead(db_conn_t *c, const cap_fig_filter_t *f, cap_fig_out_t *out)
{
	return out->days ? lead_days(c, f, out) : f->sums ? lead_sums(c, f, out) : lead_live(c, f, out);
}

static int fig_procedures(db_conn_t *c, const cap_fig_filter_t *f, cap_fig_out_t *out)
{
	return out->days ? procedures_days(c, f, out)
	       : f->sums ? procedures_sums(c, f, out)
			 : procedures_live(c, f, out);
}

static int fig_languages(db_conn_t *c, const cap_fig_filter_t *f, cap_fig_out_t *out)
{
	return out->days ? languages_days(c, f, out) : f->sums ? languages_sums(c, f, out) : languages_live(c, f, out);
}

static int fig_returning(db_conn_t *c, const cap_fig_filter_t *f, cap_fig_out_t *out)
{
	return out->days ? returning_days(c, f, out) : f->sums ? returning_sums(c, f, out) : returning_live(c, f, out);
}

static const cap_fig_col_t appt_cols[] = {
	{"booked", "cita_fig_booked"},
	{"attended", "cita_fig_attended"},
	{"no_show", "cita_fig_no_show"},
	{"cancelled", "cita_fig_cancelled"},
	{0},
};
static const cap_fig_col_t seat_cols[] = {{"offered", "cita_fig_offered"}, {"used", "cita_fig_used"}, {0}};
static const cap_fig_col_t count_cols[] = {{"appointments", "cita_fig_appointments"}, {0}};
static const cap_fig_col_t proc_cols[] = {{"booked", "cita_fig_booked"}, {"attended", "cita_fig_attended"}, {0}};

#define BY_APPT (CAP_FIG_BY_OFFICE | CAP_FIG_BY_CHANNEL | CAP_FIG_BY_PROCEDURE)
#define ADDITIVE CAP_FIG_ADDITIVE

const cap_figure_t bk_figures[] = {
	{"booking.appointments", "attendance", "cita_fig_t_appointments", CAP_FIG_SERIES, BY_APPT | CAP_FIG_OPEN,
	 appt_cols, fig_appointments, "appointments", "attended"},
	{"booking.lead_time", "attendance", "cita_fig_t_lead", CAP_FIG_TABLE, BY_APPT | CAP_FIG_LABEL_KEYS | ADDITIVE,
	 count_cols, fig_lead, NULL, NULL},
	{"booking.seats", "capacity", "cita_fig_t_seats", CAP_FIG_SERIES,
	 CAP_FIG_BY_OFFICE | CAP_FIG_BY_CHANNEL | CAP_FIG_OPEN, seat_cols, fig_seats, NULL, NULL},
	{"booking.procedures", "procedures", "cita_fig_t_procedures", CAP_FIG_TABLE, BY_APPT | ADDITIVE, proc_cols,
	 fig_procedures, NULL, NULL},
	{"booking.returning", "people", "cita_fig_t_returning", CAP_FIG_TABLE, BY_APPT | CAP_FIG_LABEL_KEYS | ADDITIVE,
	 count_cols, fig_returning, NULL, NULL},
	{"booking.languages", "people", "cita_fig_t_languages", CAP_FIG_TABLE, BY_APPT | CAP_FIG_LABEL_KEYS | ADDITIVE,
	 count_cols, fig_languages, NULL, NULL},
	{0},
};

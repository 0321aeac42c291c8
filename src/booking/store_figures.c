/* store_figures.c — what booking counts for src/figures (core/cap.h, docs/figures.md): the
 * appointments by day, office and channel (booked, attended, no-shows, cancelled), the seats
 * offered and used, the lead time, the top procedures and the language of attention. Every
 * provider reads only booking's own rows (appointments, and the seat counters of slots that only
 * booking changes) with the names of offices and procedures joined in. Read-only. */
#include "booking/internal.h"

#include "base/err.h"
#include "base/str.h"

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

static int fig_lead(db_conn_t *c, const cap_fig_filter_t *f, cap_fig_out_t *out)
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

static int fig_procedures(db_conn_t *c, const cap_fig_filter_t *f, cap_fig_out_t *out)
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

static int fig_languages(db_conn_t *c, const cap_fig_filter_t *f, cap_fig_out_t *out)
{
	db_param_t p[] = FIG_PARAMS(f);
	return db_query_each(c, "SELECT a.lang, COUNT(*) " FIG_FROM FIG_WHERE "GROUP BY a.lang ORDER BY a.lang", p, 5,
			     lang_row, out);
}

/* First visit or returning: whether the same ID number had an appointment that started before.
 * One whose ID number was erased (retention, erasure) names nobody: a first visit, and not
 * compared with every other blank one. */
static int fig_returning(db_conn_t *c, const cap_fig_filter_t *f, cap_fig_out_t *out)
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

const cap_figure_t bk_figures[] = {
	{"booking.appointments", "attendance", "cita_fig_t_appointments", CAP_FIG_SERIES, BY_APPT | CAP_FIG_OPEN,
	 appt_cols, fig_appointments, "appointments", "attended"},
	{"booking.lead_time", "attendance", "cita_fig_t_lead", CAP_FIG_TABLE, BY_APPT | CAP_FIG_LABEL_KEYS, count_cols,
	 fig_lead, NULL, NULL},
	{"booking.seats", "capacity", "cita_fig_t_seats", CAP_FIG_SERIES,
	 CAP_FIG_BY_OFFICE | CAP_FIG_BY_CHANNEL | CAP_FIG_OPEN, seat_cols, fig_seats, NULL, NULL},
	{"booking.procedures", "procedures", "cita_fig_t_procedures", CAP_FIG_TABLE, BY_APPT, proc_cols, fig_procedures,
	 NULL, NULL},
	{"booking.returning", "people", "cita_fig_t_returning", CAP_FIG_TABLE, BY_APPT | CAP_FIG_LABEL_KEYS, count_cols,
	 fig_returning, NULL, NULL},
	{"booking.languages", "people", "cita_fig_t_languages", CAP_FIG_TABLE, BY_APPT | CAP_FIG_LABEL_KEYS, count_cols,
	 fig_languages, NULL, NULL},
	{0},
};

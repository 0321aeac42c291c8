/* store_figures.c — what digital accompaniment counts for src/figures (core/cap.h,
 * docs/figures.md): the sessions and their minutes per local day and facility (a series, the
 * `ict` key of the attendance stats), and the programme's evaluation as ict_evaluate computes it
 * for the ICT pages (people, new people, the before → after pairs; procedures by how they were
 * done; tools taught): those figures are taken from the evaluation, not counted again. */
#include "ict/internal.h"

#include "base/err.h"
#include "catalog/catalog.h"

#include <stdio.h>

static int session_row(db_res_t *r, void *ud)
{
	int64_t *v = cap_fig_row_at(ud, db_res_int(r, 0), db_res_text(r, 2), db_res_text(r, 1), NULL);
	v[0]++;
	v[1] += db_res_int(r, 3);
	return 0;
}

static int fig_sessions(db_conn_t *c, const cap_fig_filter_t *f, cap_fig_out_t *out)
{
	db_param_t p[] = {DB_INT(f->from_at), DB_INT(f->to_at), DB_TEXT(f->office)};
	return db_query_each(c,
			     "SELECT s.at, o.code, o.tz, s.minutes FROM ict_sessions s JOIN offices o ON o.id = "
			     "s.office_id WHERE s.at >= $1 AND s.at < $2 AND ($3 = '' OR o.code = $3) ORDER BY s.at, "
			     "s.id",
			     p, 3, session_row, out);
}

/* The evaluation of the filter's period and office (an office that does not exist: nobody). */
static int evaluate(db_conn_t *c, const cap_fig_filter_t *f, cap_fig_out_t *out, ict_eval_t *ev)
{
	ict_filter_t x = {.from = f->from_at, .to = f->to_at, .agent = ""};
	if (*f->office) {
		catalog_office_t o;
		int rc = catalog_office_by_code(c, out->a, f->office, &o);
		if (rc && rc != ERR_NOT_FOUND)
			return rc;
		x.office_id = rc ? -1 : o.id;
	}
	return ict_evaluate(c, out->a, &x, ev);
}

static int fig_evaluation(db_conn_t *c, const cap_fig_filter_t *f, cap_fig_out_t *out)
{
	ict_eval_t ev;
	int rc = evaluate(c, f, out, &ev);
	if (rc)
		return rc;
	const struct {
		const char *key;
		int64_t n;
	} rows[] = {
		{"ict_fig_people", ev.people},
		{"ict_fig_new_people", ev.new_people},
		{"ict_fig_with_both", ev.pairs.with_both},
		{"ict_fig_low_before", ev.pairs.low_before},
		{"ict_fig_low_after", ev.pairs.low_after},
		{"ict_fig_email_before", ev.pairs.email_before},
		{"ict_fig_email_after", ev.pairs.email_after},
	};
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
		cap_fig_row(out, rows[i].key, NULL, NULL)[0] = rows[i].n;
	return 0;
}

static int fig_modes(db_conn_t *c, const cap_fig_filter_t *f, cap_fig_out_t *out)
{
	ict_eval_t ev;
	int rc = evaluate(c, f, out, &ev);
	for (int k = 0; !rc && k < ICT_MODES; k++) {
		char key[32];
		snprintf(key, sizeof key, "ict_mode_%s", ict_modes[k]);
		cap_fig_row(out, key, NULL, NULL)[0] = ev.modes[k];
	}
	for (int k = 0; !rc && k < ICT_TOOLS; k++) {
		char key[32];
		snprintf(key, sizeof key, "ict_tool_%s", ict_tools[k]);
		cap_fig_row(out, key, NULL, NULL)[1] = ev.tools[k];
	}
	return rc;
}

static const cap_fig_col_t session_cols[] = {{"sessions", "ict_fig_sessions"}, {"minutes", "ict_fig_minutes"}, {0}};
static const cap_fig_col_t people_cols[] = {{"people", "ict_fig_people_col"}, {0}};
static const cap_fig_col_t how_cols[] = {{"procedures", "ict_fig_procedures"}, {"sessions", "ict_fig_sessions"}, {0}};

const cap_figure_t ict_figures[] = {
	{"ict.sessions", "attendance", "ict_fig_t_sessions", CAP_FIG_SERIES, CAP_FIG_BY_OFFICE | CAP_FIG_OPEN,
	 session_cols, fig_sessions, "ict", "sessions"},
	{"ict.evaluation", "people", "ict_fig_t_evaluation", CAP_FIG_TABLE, CAP_FIG_BY_OFFICE | CAP_FIG_LABEL_KEYS,
	 people_cols, fig_evaluation, NULL, NULL},
	{"ict.how", "procedures", "ict_fig_t_how", CAP_FIG_TABLE, CAP_FIG_BY_OFFICE | CAP_FIG_LABEL_KEYS, how_cols,
	 fig_modes, NULL, NULL},
	{0},
};

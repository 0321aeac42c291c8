/* store_figures.c — what remote attention counts for src/figures (core/cap.h, docs/figures.md):
 * on each local day, the phone call-backs by their outcome (attended, no answer, wrong number,
 * rescheduled: one per attempt, on the day it was made) and the video calls held (the citizen
 * entered the room and the informer recorded the outcome, on the day of the outcome). The cases
 * keep no office of their own (it is the appointment's), so the figure is not split by office.
 * Read-only, over remote_attempts and remote_cases. */
#include "remote/internal.h"

#include "base/str.h"

enum { R_ATTENDED, R_NO_ANSWER, R_WRONG_NUMBER, R_RESCHEDULED };

static int attempt_row(db_res_t *r, void *ud)
{
	static const char *const OUTCOMES[] = {"attended", "no_answer", "wrong_number", "rescheduled"};
	int64_t *v = cap_fig_row_at(ud, db_res_int(r, 0), NULL, NULL, db_res_text(r, 1));
	for (size_t i = 0; i < 4; i++)
		v[i] += str_eq(db_res_text(r, 2), OUTCOMES[i]);
	return 0;
}

static int fig_remote(db_conn_t *c, const cap_fig_filter_t *f, cap_fig_out_t *out)
{
	db_param_t p[] = {DB_INT(f->from_at), DB_INT(f->to_at), DB_TEXT(f->channel)};
	/* both kinds in one walk by instant, so that the days come in order */
	return db_query_each(c,
			     "SELECT at, 'phone', outcome FROM remote_attempts WHERE at >= $1 AND at < $2 "
			     "AND ($3 = '' OR $3 = 'phone') "
			     "UNION ALL SELECT outcome_at, 'video', 'attended' FROM remote_cases WHERE outcome_at >= "
			     "$1 "
			     "AND outcome_at < $2 AND citizen_seen_at IS NOT NULL AND ($3 = '' OR $3 = 'video') "
			     "ORDER BY 1, 2",
			     p, 3, attempt_row, out);
}

static const cap_fig_col_t cols[] = {
	{"attended", "rm_fig_attended"},
	{"no_answer", "rm_fig_no_answer"},
	{"wrong_number", "rm_fig_wrong_number"},
	{"rescheduled", "rm_fig_rescheduled"},
	{0},
};

const cap_figure_t rm_figures[] = {
	{"remote.calls", "attendance", "rm_fig_t_calls", CAP_FIG_SERIES, CAP_FIG_BY_CHANNEL | CAP_FIG_OPEN, cols,
	 fig_remote, "remote", "attended"},
	{0},
};

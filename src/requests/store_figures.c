/* store_figures.c — what deferred requests count for src/figures (core/cap.h, docs/figures.md):
 * the requests received per local day and source (web, phone, office, chat as the channel), how
 * many are answered, within their SLA or late (answered after due_at, or escalated unanswered).
 * Requests belong to no office, so an office filter leaves this figure out. Read-only. */
#include "requests/internal.h"

enum { R_RECEIVED, R_ANSWERED, R_WITHIN, R_LATE };

static int request_row(db_res_t *r, void *ud)
{
	int64_t *v = cap_fig_row_at(ud, db_res_int(r, 0), NULL, NULL, db_res_text(r, 1));
	bool answered = !db_res_null(r, 2), escalated = !db_res_null(r, 4);
	int64_t answered_at = db_res_int(r, 2), due = db_res_int(r, 3);
	v[R_RECEIVED]++;
	v[R_ANSWERED] += answered;
	v[R_WITHIN] += answered && answered_at <= due;
	v[R_LATE] += answered ? answered_at > due : escalated;
	return 0;
}

static int fig_requests(db_conn_t *c, const cap_fig_filter_t *f, cap_fig_out_t *out)
{
	db_param_t p[] = {DB_INT(f->from_at), DB_INT(f->to_at), DB_TEXT(f->channel), DB_TEXT(f->procedure)};
	return db_query_each(c,
			     "SELECT r.created_at, r.source, r.answered_at, r.due_at, r.escalated_at FROM requests r "
			     "LEFT JOIN procedures p ON p.id = r.procedure_id WHERE r.created_at >= $1 AND "
			     "r.created_at < $2 "
			     "AND ($3 = '' OR r.source = $3) AND ($4 = '' OR p.code = $4) ORDER BY r.created_at, r.id",
			     p, 4, request_row, out);
}

static const cap_fig_col_t cols[] = {
	{"received", "rq_fig_received"},
	{"answered", "rq_fig_answered"},
	{"within_sla", "rq_fig_within_sla"},
	{"late", "rq_fig_late"},
	{0},
};

const cap_figure_t rq_figures[] = {
	{"requests.requests", "attendance", "rq_fig_t_requests", CAP_FIG_SERIES,
	 CAP_FIG_BY_CHANNEL | CAP_FIG_BY_PROCEDURE | CAP_FIG_OPEN, cols, fig_requests, "requests", "received"},
	{0},
};

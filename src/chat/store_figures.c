/* store_figures.c — what the chat counts for src/figures (core/cap.h, docs/figures.md): the
 * conversations started on each local day, per virtual office (channel "chat"): received,
 * answered (an informer took them) and abandoned (closed before anyone took them: the citizen
 * left the queue, or went quiet and the job closed them). Read-only, over the chats table with
 * the catalogue's offices and procedures joined for their codes. */
#include "chat/internal.h"

static int chat_row(db_res_t *r, void *ud)
{
	int64_t *v = cap_fig_row_at(ud, db_res_int(r, 0), db_res_text(r, 2), db_res_text(r, 1), "chat");
	bool taken = !db_res_null(r, 3);
	v[0]++;
	v[1] += taken;
	v[2] += !taken && db_res_int(r, 4);
	return 0;
}

static int fig_chats(db_conn_t *c, const cap_fig_filter_t *f, cap_fig_out_t *out)
{
	db_param_t p[] = {DB_INT(f->from_at), DB_INT(f->to_at), DB_TEXT(f->office), DB_TEXT(f->channel),
			  DB_TEXT(f->procedure)};
	return db_query_each(c,
			     "SELECT ch.created_at, o.code, o.tz, ch.taken_at, "
			     "CASE WHEN ch.status = 'closed' THEN 1 ELSE 0 END FROM chats ch "
			     "JOIN offices o ON o.id = ch.office_id JOIN procedures p ON p.id = ch.procedure_id "
			     "WHERE ch.created_at >= $1 AND ch.created_at < $2 AND ($3 = '' OR o.code = $3) "
			     "AND ($4 = '' OR $4 = 'chat') AND ($5 = '' OR p.code = $5) ORDER BY ch.created_at, ch.id",
			     p, 5, chat_row, out);
}

static const cap_fig_col_t cols[] = {
	{"received", "ch_fig_received"},
	{"answered", "ch_fig_answered"},
	{"abandoned", "ch_fig_abandoned"},
	{0},
};

const cap_figure_t ch_figures[] = {
	{"chat.chats", "attendance", "ch_fig_t_chats", CAP_FIG_SERIES,
	 CAP_FIG_BY_OFFICE | CAP_FIG_BY_CHANNEL | CAP_FIG_BY_PROCEDURE | CAP_FIG_OPEN, cols, fig_chats, "chats",
	 "answered"},
	{0},
};

/* store_figures.c — what the padró counts for src/figures (core/cap.h, docs/figures.md): the
 * certificates (volants) issued on each local day by channel — at a kiosk, at a desk by staff
 * ("staff"), on the web or through the API — individual and collective. A volant belongs to no
 * office, so an office filter leaves the figure out. Read-only, over padro_volants. */
#include "padro/internal.h"

#include "base/str.h"

static int volant_row(db_res_t *r, void *ud)
{
	int64_t *v = cap_fig_row_at(ud, db_res_int(r, 0), NULL, NULL, db_res_text(r, 1));
	v[0]++;
	v[1] += str_eq(db_res_text(r, 2), "individual");
	v[2] += str_eq(db_res_text(r, 2), "collective");
	return 0;
}

static int fig_volants(db_conn_t *c, const cap_fig_filter_t *f, cap_fig_out_t *out)
{
	db_param_t p[] = {DB_INT(f->from_at), DB_INT(f->to_at), DB_TEXT(f->channel)};
	return db_query_each(c,
			     "SELECT issued_at, channel, kind FROM padro_volants WHERE issued_at >= $1 AND issued_at < "
			     "$2 "
			     "AND ($3 = '' OR channel = $3) ORDER BY issued_at, id",
			     p, 3, volant_row, out);
}

static const cap_fig_col_t cols[] = {
	{"issued", "pd_fig_issued"},
	{"individual", "pd_fig_individual"},
	{"collective", "pd_fig_collective"},
	{0},
};

const cap_figure_t pd_figures[] = {
	{"padro.volants", "procedures", "pd_fig_t_volants", CAP_FIG_SERIES, CAP_FIG_BY_CHANNEL | CAP_FIG_OPEN, cols,
	 fig_volants, NULL, NULL},
	{0},
};

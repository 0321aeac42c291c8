/* store_figures.c — what the surveys count for src/figures (core/cap.h, docs/figures.md), on
 * the local day they were answered: the answers per office and kind of attention with the sum of
 * their scores (the mean is sum / answers) and how many gave 9 or 10; the distribution of the
 * scores 0–10; and the latest comments to read. The comments are text people wrote: the
 * statistics pages and their exports are for coordinators and admins, and the figure is not
 * open data. Read-only, over the surveys table alone. */
#include "survey/internal.h"

#include "base/str.h"
#include "base/tz.h"

#include <stdio.h>

/* $1 from_at, $2 to_at, $3 office. */
#define FIG_WHERE                                                                                                      \
	"FROM surveys WHERE answered_at IS NOT NULL AND answered_at >= $1 AND answered_at < $2 AND ($3 = '' OR "       \
	"office "                                                                                                      \
	"= $3) "

static int score_row(db_res_t *r, void *ud)
{
	int64_t *v = cap_fig_row_at(ud, db_res_int(r, 0), NULL, db_res_text(r, 1), db_res_text(r, 2));
	int64_t score = db_res_int(r, 3);
	v[0]++;
	v[1] += score;
	v[2] += score >= 9;
	v[3] += *db_res_text(r, 4) != '\0';
	return 0;
}

static int fig_scores(db_conn_t *c, const cap_fig_filter_t *f, cap_fig_out_t *out)
{
	db_param_t p[] = {DB_INT(f->from_at), DB_INT(f->to_at), DB_TEXT(f->office)};
	return db_query_each(c,
			     "SELECT answered_at, office, kind, score, comment " FIG_WHERE "ORDER BY answered_at, id",
			     p, 3, score_row, out);
}

/* Answers per score, 0 to 10 (every score a row, the empty ones as zero). */
static int dist_row(db_res_t *r, void *ud)
{
	int64_t *n = ud, s = db_res_int(r, 0);
	if (s >= 0 && s <= 10)
		n[s] = db_res_int(r, 1);
	return 0;
}

static int fig_distribution(db_conn_t *c, const cap_fig_filter_t *f, cap_fig_out_t *out)
{
	int64_t n[11] = {0};
	db_param_t p[] = {DB_INT(f->from_at), DB_INT(f->to_at), DB_TEXT(f->office)};
	int rc = db_query_each(c, "SELECT score, COUNT(*) " FIG_WHERE "GROUP BY score ORDER BY score", p, 3, dist_row,
			       n);
	for (int s = 0; !rc && s <= 10; s++) {
		char label[4];
		snprintf(label, sizeof label, "%d", s);
		cap_fig_row(out, label, NULL, NULL)[0] = n[s];
	}
	return rc;
}

/* The latest comments of the period (f->limit, 20 by default), newest first, each labelled with
 * the local time it was answered and the office, with its score. */
static int comment_row(db_res_t *r, void *ud)
{
	char at[TZ_ISO_LEN], label[SV_COMMENT_MAX + 64];
	const tz_t *z = tz_get("Europe/Madrid");
	tz_format_iso(z ? z : tz_utc(), db_res_int(r, 0), at);
	at[10] = ' ';
	const char *office = db_res_text(r, 1);
	snprintf(label, sizeof label, "%.16s%s%s: %s", at, *office ? " " : "", office, db_res_text(r, 3));
	cap_fig_row(ud, label, NULL, NULL)[0] = db_res_int(r, 2);
	return 0;
}

static int fig_comments(db_conn_t *c, const cap_fig_filter_t *f, cap_fig_out_t *out)
{
	db_param_t p[] = {DB_INT(f->from_at), DB_INT(f->to_at), DB_TEXT(f->office),
			  DB_INT(f->limit > 0 ? f->limit : 20)};
	return db_query_each(c,
			     "SELECT answered_at, office, score, comment " FIG_WHERE
			     "AND comment <> '' ORDER BY answered_at DESC, id DESC LIMIT $4",
			     p, 4, comment_row, out);
}

static const cap_fig_col_t score_cols[] = {
	{"answers", "sv_fig_answers"},
	{"score_sum", "sv_fig_score_sum"},
	{"nine_or_more", "sv_fig_nine_or_more"},
	{"with_comment", "sv_fig_with_comment"},
	{0},
};
static const cap_fig_col_t dist_cols[] = {{"answers", "sv_fig_answers"}, {0}};
static const cap_fig_col_t comment_cols[] = {{"score", "sv_fig_score"}, {0}};

const cap_figure_t sv_figures[] = {
	{"survey.scores", "satisfaction", "sv_fig_t_scores", CAP_FIG_SERIES, CAP_FIG_BY_OFFICE, score_cols, fig_scores,
	 NULL, NULL},
	{"survey.distribution", "satisfaction", "sv_fig_t_distribution", CAP_FIG_TABLE, CAP_FIG_BY_OFFICE, dist_cols,
	 fig_distribution, NULL, NULL},
	{"survey.comments", "satisfaction", "sv_fig_t_comments", CAP_FIG_TABLE, CAP_FIG_BY_OFFICE, comment_cols,
	 fig_comments, NULL, NULL},
	{0},
};

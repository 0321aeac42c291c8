/* internal.h — what the figures capability's files share (prefix fg_). No HTTP here: the filter,
 * the gathering of every capability's figures, the grouping and comparison, the exports and the
 * charts stay testable without it; web.h is what the web files share. */
#ifndef FIN_FIGURES_INTERNAL_H
#define FIN_FIGURES_INTERNAL_H

#include "base/arena.h"
#include "base/buf.h"
#include "base/tz.h"
#include "core/cap.h"
#include "db/db.h"
#include "figures/figures.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A theme: one statistics page. Providers name one of these (unknown themes are not shown). */
typedef struct {
	const char *name, *title_key, *intro_key;
} fg_theme_t;
extern const fg_theme_t fg_themes[];
const fg_theme_t *fg_theme_find(const char *name);

enum { FG_DAY, FG_WEEK, FG_MONTH };

/* The request, as strings from the query ("" or NULL = the default). */
typedef struct {
	const char *from, *to, *office, *zone, *channel, *procedure, *group, *lang;
} fg_query_t;

/* The filter for the period asked and for the period of the same length just before it. */
typedef struct {
	cap_fig_filter_t cur, prev;
	int group;                /* FG_* */
	int32_t from_day, to_day; /* civil day numbers (base/tz.h) */
	bool summary;             /* read the series from the daily summary where it has the days
				   * (summary.c); fg_filter_make leaves it false: live only */
	bool stats_only;          /* only the figures with a key stat (cap_figure_t.stat): the
				   * /api/v1/stats/ answers, which run no other provider */
} fg_filter_t;

/* Checks q and fills f: dates YYYY-MM-DD (default: the 30 days up to today), from <= to, at most
 * max_days; codes of letters, digits, '-' and '_'. today is the local date of "now". ERR_INVALID
 * with *field the first bad field ("from", "to", "office", …). */
int fg_filter_make(arena_t *a, const fg_query_t *q, int32_t today, int max_days, fg_filter_t *f, const char **field);

/* The city's zone (Europe/Madrid): periods are its local days. */
const tz_t *fg_zone(void);
/* Sets f's period to the local days from..to: the dates and the instants [from_at, to_at). */
void fg_range(arena_t *a, cap_fig_filter_t *f, int32_t from, int32_t to);

/* One line of a figure: a period, an office × channel, or a table's row; v now, pv before. */
typedef struct {
	const char *label, *office, *channel;
	int64_t v[CAP_FIG_COLS], pv[CAP_FIG_COLS];
} fg_line_t;

/* One provider's answer, gathered. */
typedef struct {
	const char *owner; /* the capability */
	const cap_figure_t *fig;
	size_t ncols;
	bool skipped;     /* a filter is set that it does not honour */
	fg_line_t *lines; /* series: one per period (every period, zeros too); table: its rows */
	size_t nlines;
	fg_line_t *split; /* series: one per office × channel */
	size_t nsplit;
	int64_t tot[CAP_FIG_COLS], ptot[CAP_FIG_COLS];
} fg_fig_t;

/* Runs every provider of theme (NULL: every theme) for f and its previous period. 0 or the first
 * provider's error. */
int fg_gather(db_conn_t *c, arena_t *a, const fg_filter_t *f, const char *theme, fg_fig_t **out, size_t *n);

/* The open-data aggregate: every CAP_FIG_OPEN series per local day × office × channel; counts
 * below min_cell are suppressed (and the next smallest of the row, so that the others and a
 * total do not give them away). */
typedef struct {
	const char *day, *office, *channel, *figure, *measure;
	int64_t value;
	bool suppressed;
} fg_cell_t;
/* The open-data cell threshold: stats.min_cell, or the deprecated figures.min_cell when set. */
struct config;
int64_t fg_min_cell(const struct config *cfg);
int fg_open_data(db_conn_t *c, arena_t *a, const fg_filter_t *f, int64_t min_cell, fg_cell_t **out, size_t *n);

/* summary.c — the daily summary of the series figures and the additive tables (docs/figures.md,
 * "Daily summary").
 *
 * What fig answers for f into out: a table that is not additive, a figure filtered by zone or
 * procedure, or with summary false, from its provider; a series otherwise from the days of f that
 * the summary holds in fg_daily (filtered by office and channel) and the other days (today, days
 * not summarised yet) from the provider, one call per run of consecutive days; an additive table
 * (CAP_FIG_ADDITIVE) from the sums per key of the days held in fg_daily_label and the others' rows
 * by day from the provider, made into the table by the provider (f->sums). The same rows either
 * way. */
int fg_series_read(db_conn_t *c, const cap_figure_t *fig, const cap_fig_filter_t *f, bool summary, cap_fig_out_t *out);

typedef struct {
	int history_days;   /* keep the days from today - history_days to yesterday summarised */
	int recent_days;    /* count the last recent_days again on every run (late changes) */
	int verify_days;    /* and verify_days older ones, rolling back through the history */
	int lease_s;        /* how long a run holds the lease before another node may take it */
	const char *holder; /* this node (a random token) */
} fg_summary_opts_t;
typedef struct {
	bool skipped;         /* another node holds the lease */
	int64_t days, rows;   /* figure-days written, rows written */
	int64_t runs;         /* provider calls */
	char verified_to[11]; /* the oldest day the rolling re-check reached on this run */
} fg_summary_stats_t;
/* One run at now: every series provider's missing days, its last recent_days and the next
 * verify_days of the rolling re-check are counted from the provider for whole days without
 * filters and replace their rows in fg_daily, a chunk of at most 31 days per transaction. Only
 * one node at a time (a lease row); a run that finds the lease held does nothing. 0 or an error
 * (the days done so far stay done). */
int fg_summary_update(db_conn_t *c, int64_t now, const fg_summary_opts_t *o, fg_summary_stats_t *st);
/* The job figures.summary: fg_summary_update with the [figures] settings, every
 * figures.summary_every seconds. */
struct app;
int fg_summary_job(struct app *app, db_conn_t *c, int64_t now);

/* store_summary.c — the summary's SQL. */
typedef struct {
	const char *day, *office, *channel;
	int64_t v[CAP_FIG_COLS];
} fg_srow_t;
/* The days d0..d1 of figure (with columns cols) that fg_days holds: mark[day - d0] = true. */
int fg_store_days(db_conn_t *c, const char *figure, const char *cols, int32_t d0, int32_t d1, bool *mark);
/* In one query: the days d0..d1 of figure (with columns cols) that the summary holds
 * (mark[day - d0] = true) and their rows for office and channel ("" = all), each passed to fn. */
int fg_store_read(db_conn_t *c, const char *figure, const char *cols, int32_t d0, int32_t d1, const char *office,
		  const char *channel, bool *mark, int (*fn)(const fg_srow_t *r, void *ud), void *ud);
/* In one statement: the days d0..d1 of an additive table figure (with columns cols) that the
 * summary holds (mark[day - d0] = true) and, over those days, the sums of its rows per key for
 * office and channel ("" = all), each passed to fn. */
int fg_store_sums(db_conn_t *c, const char *figure, const char *cols, int32_t d0, int32_t d1, const char *office,
		  const char *channel, bool *mark, int (*fn)(const char *key, const int64_t *v, void *ud), void *ud);
/* In one transaction: the rows of figure for days d0..d1 replaced by rows[0..n) (sorted, no two
 * alike; labels: an additive table's rows by day into fg_daily_label, else a series' into fg_daily) and each day
 * marked as summarised with cols at built_at. */
int fg_store_replace(db_conn_t *c, const char *figure, const char *cols, int32_t d0, int32_t d1, bool labels,
		     const cap_fig_row_t *rows, size_t n, int64_t built_at);
/* The rows the summary holds for figure's days d0..d1 (labels: fg_daily_label's, day and key;
 * else fg_daily's, the day as label), appended to out in no order. */
int fg_store_rows(db_conn_t *c, const char *figure, int32_t d0, int32_t d1, bool labels, cap_fig_out_t *out);
/* The days d0..d1 of figure marked as summarised with cols at built_at, their rows unchanged. */
int fg_store_mark(db_conn_t *c, const char *figure, const char *cols, int32_t d0, int32_t d1, int64_t built_at);
/* The lease: 1 taken (free, expired or already ours), 0 held by another node; the rolling
 * cursor ("" = start again) read and written; the lease given back. */
int fg_store_lease(db_conn_t *c, const char *holder, int64_t now, int64_t until);
int fg_store_cursor(db_conn_t *c, arena_t *a, const char **day);
int fg_store_done(db_conn_t *c, const char *holder, const char *cursor, int64_t now);

/* CSV exports (RFC 4180, base/csv.h). 0 or ERR_TOO_BIG. */
int fg_csv_figures(buf_t *b, const fg_fig_t *v, size_t n);
int fg_csv_open_data(buf_t *b, const fg_cell_t *v, size_t n);

/* report.c: the job that mails the previous month's figures to figures.report_to (once per month
 * and address), the PDF report attached. 0 or an error. */
struct app;
int fg_report_run(struct app *app, db_conn_t *c, int64_t now);
/* The monthly report of y-m (every theme, by day, compared with the month before) as a PDF in lang
 * with city in its band (render/pdf.h, pdf_report), reading the daily summary when summary (as
 * the pages do with figures.summary): new bytes in *pdf. 0 or an error. */
int fg_report_pdf(db_conn_t *c, arena_t *a, const char *city, int y, int m, const char *lang, bool summary,
		  unsigned char **pdf, size_t *len);
/* "YYYY-MM" (years 2000–2999) into *y, *m. 0 or ERR_INVALID. */
int fg_month_parse(const char *s, int *y, int *m);

/* xlsx.c: the figures as an XLSX workbook (summary sheet, one sheet per figure) into out. 0,
 * ERR_IO or ERR_TOO_BIG. */
typedef const char *(*fg_tr_fn)(void *ud, const char *key);
int fg_xlsx(buf_t *out, const fg_fig_t *v, size_t n, fg_tr_fn t, void *ud);

/* svg.c: an accessible chart (role="img", <title>, <desc>) of a gathered figure; the data is in the
 * table beside it. t translates a key (the labels). A new string in a. */
const char *fg_svg(arena_t *a, const fg_fig_t *g, const char *id, const char *title, fg_tr_fn t, void *ud);

#endif

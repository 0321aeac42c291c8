/* internal.h — what the figures capability's files share (prefix fg_). No HTTP here: the filter,
 * the gathering of every capability's figures, the grouping and comparison, the exports and the
 * charts stay testable without it; web.h is what the web files share. */
#ifndef FIN_FIGURES_INTERNAL_H
#define FIN_FIGURES_INTERNAL_H

#include "base/arena.h"
#include "base/buf.h"
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
} fg_filter_t;

/* Checks q and fills f: dates YYYY-MM-DD (default: the 30 days up to today), from <= to, at most
 * max_days; codes of letters, digits, '-' and '_'. today is the local date of "now". ERR_INVALID
 * with *field the first bad field ("from", "to", "office", …). */
int fg_filter_make(arena_t *a, const fg_query_t *q, int32_t today, int max_days, fg_filter_t *f, const char **field);

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
int fg_open_data(db_conn_t *c, arena_t *a, const fg_filter_t *f, int64_t min_cell, fg_cell_t **out, size_t *n);

/* CSV exports (RFC 4180, base/csv.h). 0 or ERR_TOO_BIG. */
int fg_csv_figures(buf_t *b, const fg_fig_t *v, size_t n);
int fg_csv_open_data(buf_t *b, const fg_cell_t *v, size_t n);

/* report.c: the job that mails the previous month's figures to figures.report_to (once per month
 * and address), the PDF report attached. 0 or an error. */
struct app;
int fg_report_run(struct app *app, db_conn_t *c, int64_t now);
/* The monthly report of y-m (every theme, by day, compared with the month before) as a PDF in lang
 * with city in its band (render/pdf.h, pdf_report): new bytes in *pdf. 0 or an error. */
int fg_report_pdf(db_conn_t *c, arena_t *a, const char *city, int y, int m, const char *lang, unsigned char **pdf,
		  size_t *len);
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

/* xlsx.c — the figures as a workbook (libxlsxwriter): a "summary" sheet with every figure's
 * totals and the previous period's, then one sheet per figure with its periods (real dates) or
 * rows, each measure and its previous value. Numbers are numbers and dates are dates, so a
 * spreadsheet sums and charts them. libxlsxwriter writes to a file: buf_from_temp reads it back. */
#include "figures/internal.h"

#include "base/err.h"
#include "base/tz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#define SHEET_NAME_MAX 31

static void write_period(lxw_worksheet *ws, lxw_row_t row, const char *label, lxw_format *day, lxw_format *month)
{
	int32_t d;
	char full[TZ_DATE_LEN + 3];
	snprintf(full, sizeof full, "%s%s", label, strlen(label) == 7 ? "-01" : ""); /* a month: its first day */
	if (tz_date_parse(full, &d)) {
		worksheet_write_string(ws, row, 0, label, NULL);
		return;
	}
	int y, m, dd;
	tz_civil_from_days(d, &y, &m, &dd);
	lxw_datetime dt = {.year = y, .month = m, .day = dd};
	worksheet_write_datetime(ws, row, 0, &dt, strlen(label) == 7 ? month : day);
}

static void figure_sheet(lxw_workbook *wb, const fg_fig_t *g, size_t i, fg_tr_fn t, void *ud, lxw_format *bold,
			 lxw_format *day, lxw_format *month)
{
	char name[SHEET_NAME_MAX + 1];
	snprintf(name, sizeof name, "%zu %s", i + 1, g->fig->name); /* unique, at most 31 characters */
	for (char *p = name; *p; p++)
		if (strchr("[]:*?/\\", *p))
			*p = '_';
	lxw_worksheet *ws = workbook_add_worksheet(wb, name);
	if (!ws)
		return;
	bool series = g->fig->kind == CAP_FIG_SERIES;
	worksheet_write_string(ws, 0, 0, t(ud, series ? "fg_period" : "fg_label"), bold);
	for (size_t c = 0; c < g->ncols; c++) {
		worksheet_write_string(ws, 0, (lxw_col_t)(1 + c), t(ud, g->fig->cols[c].key), bold);
		const char *prev = t(ud, "fg_previous_short");
		char h[256];
		snprintf(h, sizeof h, "%s (%s)", t(ud, g->fig->cols[c].key), prev);
		worksheet_write_string(ws, 0, (lxw_col_t)(1 + g->ncols + c), h, bold);
	}
	worksheet_set_column(ws, 0, 0, 28, NULL);
	for (size_t l = 0; l < g->nlines; l++) {
		lxw_row_t row = (lxw_row_t)(1 + l);
		const char *label = g->lines[l].label;
		if (series)
			write_period(ws, row, label, day, month);
		else
			worksheet_write_string(ws, row, 0, (g->fig->flags & CAP_FIG_LABEL_KEYS) ? t(ud, label) : label,
					       NULL);
		for (size_t c = 0; c < g->ncols; c++) {
			worksheet_write_number(ws, row, (lxw_col_t)(1 + c), (double)g->lines[l].v[c], NULL);
			worksheet_write_number(ws, row, (lxw_col_t)(1 + g->ncols + c), (double)g->lines[l].pv[c], NULL);
		}
	}
}

typedef struct {
	const fg_fig_t *v;
	size_t n;
	fg_tr_fn t;
	void *ud;
} job_t;

static int build(const char *path, void *arg)
{
	const job_t *j = arg;
	const fg_fig_t *v = j->v;
	size_t n = j->n;
	fg_tr_fn t = j->t;
	void *ud = j->ud;
	lxw_workbook *wb = workbook_new(path);
	if (!wb)
		return ERR_IO;
	lxw_format *bold = workbook_add_format(wb);
	format_set_bold(bold);
	lxw_format *day = workbook_add_format(wb);
	format_set_num_format(day, "yyyy-mm-dd");
	lxw_format *month = workbook_add_format(wb);
	format_set_num_format(month, "yyyy-mm");
	lxw_worksheet *sum = workbook_add_worksheet(wb, "summary");
	static const char *const head[] = {"figure", "measure", "value", "previous"};
	for (lxw_col_t c = 0; c < 4; c++)
		worksheet_write_string(sum, 0, c, head[c], bold);
	worksheet_set_column(sum, 0, 1, 26, NULL);
	lxw_row_t row = 1;
	for (size_t i = 0; i < n; i++) {
		const fg_fig_t *g = &v[i];
		if (g->skipped)
			continue;
		for (size_t c = 0; c < g->ncols; c++, row++) {
			worksheet_write_string(sum, row, 0, g->fig->name, NULL);
			worksheet_write_string(sum, row, 1, g->fig->cols[c].name, NULL);
			worksheet_write_number(sum, row, 2, (double)g->tot[c], NULL);
			worksheet_write_number(sum, row, 3, (double)g->ptot[c], NULL);
		}
		figure_sheet(wb, g, i, t, ud, bold, day, month);
	}
	return workbook_close(wb) == LXW_NO_ERROR ? 0 : ERR_IO;
}

int fg_xlsx(buf_t *out, const fg_fig_t *v, size_t n, fg_tr_fn t, void *ud)
{
	job_t j = {v, n, t, ud};
	return buf_from_temp(out, build, &j);
}

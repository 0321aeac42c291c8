/* figures.c — the filter, the gathering of every capability's figures (cap_t.figures), the
 * grouping by day, week or month, the comparison with the previous period, the open-data
 * aggregate with small-count suppression and the CSV exports. The providers count; this file
 * only adds up what they return. */
#include "figures/internal.h"

#include "base/csv.h"
#include "base/err.h"
#include "base/str.h"
#include "base/tz.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CODE_MAX 64
#define TZ_NAME "Europe/Madrid" /* the city's zone: periods are its local days */

const fg_theme_t fg_themes[] = {
	{"attendance", "fg_theme_attendance", "fg_theme_attendance_intro"},
	{"capacity", "fg_theme_capacity", "fg_theme_capacity_intro"},
	{"people", "fg_theme_people", "fg_theme_people_intro"},
	{"procedures", "fg_theme_procedures", "fg_theme_procedures_intro"},
	{"satisfaction", "fg_theme_satisfaction", "fg_theme_satisfaction_intro"},
	{0},
};

const fg_theme_t *fg_theme_find(const char *name)
{
	for (const fg_theme_t *t = fg_themes; name && t->name; t++)
		if (str_eq(t->name, name))
			return t;
	return NULL;
}

const tz_t *fg_zone(void)
{
	const tz_t *z = tz_get(TZ_NAME);
	return z ? z : tz_utc();
}

static bool code_ok(const char *s)
{
	size_t n = 0;
	for (; s[n]; n++) {
		char ch = s[n];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' ||
		      ch == '_'))
			return false;
	}
	return n <= CODE_MAX;
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

void fg_range(arena_t *a, cap_fig_filter_t *f, int32_t from, int32_t to)
{
	char d[TZ_DATE_LEN];
	tz_date_format(from, d);
	f->from = arena_strdup(a, d);
	tz_date_format(to, d);
	f->to = arena_strdup(a, d);
	f->from_at = tz_day_start(fg_zone(), from);
	f->to_at = tz_day_start(fg_zone(), to + 1);
}

int fg_filter_make(arena_t *a, const fg_query_t *q, int32_t today, int max_days, fg_filter_t *f, const char **field)
{
	memset(f, 0, sizeof *f);
	int32_t from, to = today;
	if (*or_empty(q->to) && tz_date_parse(q->to, &to)) {
		*field = "to";
		return ERR_INVALID;
	}
	if (!*or_empty(q->from))
		from = to - 29;
	else if (tz_date_parse(q->from, &from)) {
		*field = "from";
		return ERR_INVALID;
	}
	if (from > to || to - from + 1 > max_days) {
		*field = "to";
		return ERR_INVALID;
	}
	/* Years 2000–2999, the period before included (it is compared with): a date the pages, the
	 * exports and the monthly report can all write back. */
	if (from - (to - from + 1) < tz_days_from_civil(2000, 1, 1)) {
		*field = "from";
		return ERR_INVALID;
	}
	if (to > tz_days_from_civil(2999, 12, 31)) {
		*field = "to";
		return ERR_INVALID;
	}
	struct {
		const char *name, *v;
		const char **dst;
	} codes[] = {{"office", q->office, &f->cur.office},
		     {"zone", q->zone, &f->cur.zone},
		     {"channel", q->channel, &f->cur.channel},
		     {"procedure", q->procedure, &f->cur.procedure}};
	for (size_t i = 0; i < sizeof codes / sizeof *codes; i++) {
		const char *v = or_empty(codes[i].v);
		if (!code_ok(v)) {
			*field = codes[i].name;
			return ERR_INVALID;
		}
		*codes[i].dst = arena_strdup(a, v);
	}
	const char *g = or_empty(q->group);
	if (!*g || str_eq(g, "day"))
		f->group = FG_DAY;
	else if (str_eq(g, "week"))
		f->group = FG_WEEK;
	else if (str_eq(g, "month"))
		f->group = FG_MONTH;
	else {
		*field = "group";
		return ERR_INVALID;
	}
	f->cur.lang = *or_empty(q->lang) ? q->lang : "ca";
	f->cur.limit = 10;
	f->from_day = from;
	f->to_day = to;
	fg_range(a, &f->cur, from, to);
	f->prev = f->cur;
	fg_range(a, &f->prev, from - (to - from + 1), from - 1);
	return 0;
}

/* ---------------------------------------------------------------- gathering */

static bool honours(const cap_figure_t *fig, const cap_fig_filter_t *f)
{
	return (!*f->office || (fig->flags & CAP_FIG_BY_OFFICE)) && (!*f->zone || (fig->flags & CAP_FIG_BY_ZONE)) &&
	       (!*f->channel || (fig->flags & CAP_FIG_BY_CHANNEL)) &&
	       (!*f->procedure || (fig->flags & CAP_FIG_BY_PROCEDURE));
}

/* The period label of a day, as the group asks. */
static void period_of(int32_t day, int group, char out[TZ_DATE_LEN])
{
	if (group == FG_WEEK)
		day = tz_week_start(day);
	tz_date_format(day, out);
	if (group == FG_MONTH)
		out[7] = '\0';
}

static fg_line_t *line_find(fg_line_t *v, size_t n, const char *label, const char *office, const char *channel)
{
	for (size_t i = 0; i < n; i++)
		if (str_eq(v[i].label, label) && str_eq(v[i].office, office) && str_eq(v[i].channel, channel))
			return &v[i];
	return NULL;
}

static int split_cmp(const void *x, const void *y)
{
	const fg_line_t *a = x, *b = y;
	int k = strcmp(a->office, b->office);
	return k ? k : strcmp(a->channel, b->channel);
}

/* Series: every period from..to (zeros too), and the split by office × channel (sorted by office
 * and channel, so that the order is the same whether the rows came from the summary or live). */
static void series_lines(arena_t *a, const fg_filter_t *f, fg_fig_t *g, const cap_fig_out_t *cur,
			 const cap_fig_out_t *prev)
{
	size_t cap = 0, scap = 0;
	int32_t days = f->to_day - f->from_day + 1;
	size_t *idx = arena_alloc(a, sizeof *idx * (size_t)days);
	char p[TZ_DATE_LEN];
	for (int32_t d = 0; d < days; d++) {
		period_of(f->from_day + d, f->group, p);
		if (!g->nlines || !str_eq(g->lines[g->nlines - 1].label, p)) {
			fg_line_t *l = ARENA_PUSH(a, g->lines, g->nlines, cap);
			l->label = arena_strdup(a, p);
			l->office = l->channel = "";
		}
		idx[d] = g->nlines - 1;
	}
	for (size_t i = 0; i < cur->n; i++) {
		const cap_fig_row_t *r = &cur->rows[i];
		int32_t day;
		if (tz_date_parse(r->label, &day) || day < f->from_day || day > f->to_day)
			continue; /* a provider's row outside the period is not counted */
		fg_line_t *l = &g->lines[idx[day - f->from_day]];
		fg_line_t *s = line_find(g->split, g->nsplit, "", r->office, r->channel);
		if (!s) {
			s = ARENA_PUSH(a, g->split, g->nsplit, scap);
			s->label = "";
			s->office = r->office;
			s->channel = r->channel;
		}
		for (size_t c = 0; c < g->ncols; c++) {
			l->v[c] += r->v[c];
			s->v[c] += r->v[c];
			g->tot[c] += r->v[c];
		}
	}
	for (size_t i = 0; i < prev->n; i++) {
		const cap_fig_row_t *r = &prev->rows[i];
		int32_t day;
		if (tz_date_parse(r->label, &day) || day < f->from_day - days || day >= f->from_day)
			continue;
		/* the period at the same place in the previous period */
		fg_line_t *l = &g->lines[idx[day - (f->from_day - days)]];
		fg_line_t *s = line_find(g->split, g->nsplit, "", r->office, r->channel);
		for (size_t c = 0; c < g->ncols; c++) {
			g->ptot[c] += r->v[c];
			l->pv[c] += r->v[c];
			if (s)
				s->pv[c] += r->v[c];
		}
	}
	if (g->nsplit > 1)
		qsort(g->split, g->nsplit, sizeof *g->split, split_cmp);
}

/* Tables: the provider's rows in its order, each with the previous period's row of that label. */
static void table_lines(arena_t *a, fg_fig_t *g, const cap_fig_out_t *cur, const cap_fig_out_t *prev)
{
	g->lines = arena_alloc(a, sizeof *g->lines * (cur->n + 1));
	for (size_t i = 0; i < cur->n; i++) {
		fg_line_t *l = &g->lines[g->nlines++];
		l->label = cur->rows[i].label;
		l->office = cur->rows[i].office;
		l->channel = cur->rows[i].channel;
		for (size_t c = 0; c < g->ncols; c++) {
			l->v[c] = cur->rows[i].v[c];
			g->tot[c] += l->v[c];
		}
	}
	for (size_t i = 0; i < prev->n; i++) {
		fg_line_t *l = line_find(g->lines, g->nlines, prev->rows[i].label, prev->rows[i].office,
					 prev->rows[i].channel);
		for (size_t c = 0; c < g->ncols; c++) {
			g->ptot[c] += prev->rows[i].v[c];
			if (l)
				l->pv[c] = prev->rows[i].v[c];
		}
	}
}

static size_t ncols(const cap_figure_t *fig)
{
	size_t n = 0;
	while (n < CAP_FIG_COLS && fig->cols[n].name)
		n++;
	return n;
}

int fg_gather(db_conn_t *c, arena_t *a, const fg_filter_t *f, const char *theme, fg_fig_t **out, size_t *n)
{
	fg_fig_t *v = NULL;
	size_t nv = 0, cap = 0;
	for (size_t i = 0; i < cap_count; i++) {
		for (const cap_figure_t *fig = cap_table[i]->figures; fig && fig->name; fig++) {
			if ((theme && !str_eq(fig->theme, theme)) || !fg_theme_find(fig->theme) ||
			    (f->stats_only && !fig->stat))
				continue;
			fg_fig_t *g = ARENA_PUSH(a, v, nv, cap);
			g->owner = cap_table[i]->name;
			g->fig = fig;
			g->ncols = ncols(fig);
			if (!honours(fig, &f->cur)) {
				g->skipped = true;
				continue;
			}
			cap_fig_out_t cur = {.a = a}, prev = {.a = a};
			int rc = fg_series_read(c, fig, &f->cur, f->summary, &cur);
			if (!rc)
				rc = fg_series_read(c, fig, &f->prev, f->summary, &prev);
			if (rc)
				return rc;
			if (fig->kind == CAP_FIG_SERIES)
				series_lines(a, f, g, &cur, &prev);
			else
				table_lines(a, g, &cur, &prev);
		}
	}
	*out = v;
	*n = nv;
	return 0;
}

/* ---------------------------------------------------------------- open data */

/* Suppresses the cells of one row (one day × office × channel of one figure) below min_cell,
 * and when exactly one is suppressed, the smallest other non-zero cell too. */
static void suppress_row(fg_cell_t *v, size_t n, int64_t min_cell)
{
	size_t hidden = 0;
	for (size_t i = 0; i < n; i++)
		if (v[i].value > 0 && v[i].value < min_cell) {
			v[i].suppressed = true;
			hidden++;
		}
	if (hidden != 1)
		return;
	fg_cell_t *low = NULL;
	for (size_t i = 0; i < n; i++)
		if (!v[i].suppressed && v[i].value > 0 && (!low || v[i].value < low->value))
			low = &v[i];
	if (low)
		low->suppressed = true;
}

int fg_open_data(db_conn_t *c, arena_t *a, const fg_filter_t *f, int64_t min_cell, fg_cell_t **out, size_t *n)
{
	fg_cell_t *v = NULL;
	size_t nv = 0, cap = 0;
	for (size_t i = 0; i < cap_count; i++) {
		for (const cap_figure_t *fig = cap_table[i]->figures; fig && fig->name; fig++) {
			if (fig->kind != CAP_FIG_SERIES || !(fig->flags & CAP_FIG_OPEN) || !honours(fig, &f->cur))
				continue;
			cap_fig_out_t o = {.a = a};
			int rc = fg_series_read(c, fig, &f->cur, f->summary, &o);
			if (rc)
				return rc;
			size_t nc = ncols(fig);
			for (size_t r = 0; r < o.n; r++) {
				size_t first = nv;
				for (size_t k = 0; k < nc; k++) {
					fg_cell_t *x = ARENA_PUSH(a, v, nv, cap);
					*x = (fg_cell_t){o.rows[r].label,
							 o.rows[r].office,
							 o.rows[r].channel,
							 fig->name,
							 fig->cols[k].name,
							 o.rows[r].v[k],
							 false};
				}
				suppress_row(v + first, nc, min_cell);
			}
		}
	}
	*out = v;
	*n = nv;
	return 0;
}

/* ---------------------------------------------------------------- CSV */

static int put_line(buf_t *b, const char *fig, const char *label, const char *office, const char *channel,
		    const char *measure, int64_t v, int64_t pv)
{
	char sv[24], spv[24];
	snprintf(sv, sizeof sv, "%" PRId64, v);
	snprintf(spv, sizeof spv, "%" PRId64, pv);
	const char *f[] = {fig, label, office, channel, measure, sv, spv};
	return csv_put_row(b, f, 7);
}

int fg_csv_figures(buf_t *b, const fg_fig_t *v, size_t n)
{
	static const char *const head[] = {"figure", "label", "office", "channel", "measure", "value", "previous"};
	int rc = csv_put_row(b, head, 7);
	for (size_t i = 0; !rc && i < n; i++) {
		const fg_fig_t *g = &v[i];
		if (g->skipped)
			continue;
		for (size_t c = 0; !rc && c < g->ncols; c++)
			rc = put_line(b, g->fig->name, "total", "", "", g->fig->cols[c].name, g->tot[c], g->ptot[c]);
		for (size_t l = 0; !rc && l < g->nlines; l++)
			for (size_t c = 0; !rc && c < g->ncols; c++)
				rc = put_line(b, g->fig->name, g->lines[l].label, g->lines[l].office,
					      g->lines[l].channel, g->fig->cols[c].name, g->lines[l].v[c],
					      g->lines[l].pv[c]);
		for (size_t l = 0; !rc && l < g->nsplit; l++)
			for (size_t c = 0; !rc && c < g->ncols; c++)
				rc = put_line(b, g->fig->name, "", g->split[l].office, g->split[l].channel,
					      g->fig->cols[c].name, g->split[l].v[c], g->split[l].pv[c]);
	}
	return rc;
}

int fg_csv_open_data(buf_t *b, const fg_cell_t *v, size_t n)
{
	static const char *const head[] = {"date", "office", "channel", "figure", "measure", "count"};
	int rc = csv_put_row(b, head, 6);
	for (size_t i = 0; !rc && i < n; i++) {
		char sv[24] = "";
		if (!v[i].suppressed)
			snprintf(sv, sizeof sv, "%" PRId64, v[i].value);
		const char *f[] = {v[i].day, v[i].office, v[i].channel, v[i].figure, v[i].measure, sv};
		rc = csv_put_row(b, f, 6);
	}
	return rc;
}

/* report.c — the monthly figures report (pdf.h, pdf_report): A4 pages with the city's band, the
 * month's headline figures (each with the previous month and the change), bar charts drawn with
 * cairo, each followed by its numbers as a table, and every figure's table, drawn with the kit of
 * page.h. The page is tagged (H1, H2, P, Figure, Table, TR, TH, TD) so that a screen reader finds
 * headings and tables in order; the charts' numbers are always in the table after them. */
#include "render/page.h"
#include "render/pdf.h"

#include "base/err.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define BOTTOM (PAGE_H - PAGE_MARGIN - 24)
#define ROW_H 13.0
#define CHART_H (62 * PT_PER_MM)
#define MAX_LABELS 400
#define MAX_SERIES 8

/* Colour-blind safe (Okabe–Ito), dark enough on white for the bars' edges. */
static const double PALETTE[MAX_SERIES][3] = {
	{0x00 / 255.0, 0x72 / 255.0, 0xb2 / 255.0}, {0xe6 / 255.0, 0x9f / 255.0, 0x00 / 255.0},
	{0x00 / 255.0, 0x9e / 255.0, 0x73 / 255.0}, {0xcc / 255.0, 0x79 / 255.0, 0xa7 / 255.0},
	{0x56 / 255.0, 0xb4 / 255.0, 0xe9 / 255.0}, {0xd5 / 255.0, 0x5e / 255.0, 0x00 / 255.0},
	{0xf0 / 255.0, 0xe4 / 255.0, 0x42 / 255.0}, {0x55 / 255.0, 0x55 / 255.0, 0x55 / 255.0},
};

typedef struct {
	const json_t *m;
	const char *footer;
	int page;
} report_t;

static const char *jstr(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static int64_t jint(const json_t *o, const char *k)
{
	return (int64_t)json_integer_value(json_object_get(o, k));
}

/* Text (not markup) at (x, y) in width as structure element tag; its height. */
static double tagged(page_t *p, const char *tag, double x, double y, double width, const char *font, const char *text)
{
	return page_text_as(p, tag, x, y, width, font, page_esc(p, text));
}

/* A structure element around what is drawn between the two calls (a table, its row, a chart). */
static void group_begin(page_t *p, const char *tag)
{
	if (p->tagged)
		cairo_tag_begin(p->cr, tag, NULL);
}

static void group_end(page_t *p, const char *tag)
{
	if (p->tagged)
		cairo_tag_end(p->cr, tag);
}

/* The footer of the page and its number; then a new page when more follows. */
static void end_page(page_t *p, report_t *r, bool more)
{
	++r->page;
	page_ink(p);
	page_footer(p, page_esc(p, *r->footer ? arena_printf(p->a, "%s · %d", r->footer, r->page)
					      : arena_printf(p->a, "%d", r->page)));
	if (more) {
		cairo_show_page(p->cr);
		p->y = PAGE_MARGIN;
	}
}

/* Room for h more points on this page, or a new page. */
static void need(page_t *p, report_t *r, double h)
{
	if (p->y + h > BOTTOM)
		end_page(p, r, true);
}

static void heading(page_t *p, report_t *r, const char *text)
{
	need(p, r, 3 * ROW_H + 20);
	page_ink(p);
	p->y += tagged(p, "H2", PAGE_MARGIN, p->y, p->width, PAGE_FONT " Bold 13", text) + 4;
}

/* "+3 (+25 %)", "−2 (−10 %)", "0", "+5" (nothing to compare with). */
static const char *change(page_t *p, int64_t v, int64_t pv)
{
	int64_t d = v - pv;
	if (d == 0)
		return "0";
	const char *sign = d > 0 ? "+" : "\u2212";
	int64_t ad = d > 0 ? d : -d;
	if (pv <= 0)
		return arena_printf(p->a, "%s%" PRId64, sign, ad);
	double pct = 100.0 * (double)ad / (double)pv;
	return arena_printf(p->a, "%s%" PRId64 " (%s%.0f %%)", sign, ad, sign, pct);
}

/* ---------------------------------------------------------------- tables */

/* One row of cells at the widths given; header cells are TH. Its height. */
static double table_row(page_t *p, const char *const *cells, const double *w, size_t n, bool header)
{
	double x = PAGE_MARGIN, h = 0;
	const char *font = header ? PAGE_FONT " Bold 8.5" : PAGE_FONT " 8.5";
	group_begin(p, "TR");
	for (size_t i = 0; i < n; i++) {
		double ch = tagged(p, header ? "TH" : "TD", x, p->y + 2, w[i] - 4, font, cells[i]);
		if (ch > h)
			h = ch;
		x += w[i];
	}
	group_end(p, "TR");
	h += 4;
	cairo_set_source_rgb(p->cr, 0.8, 0.8, 0.8);
	cairo_set_line_width(p->cr, 0.5);
	cairo_move_to(p->cr, PAGE_MARGIN, p->y + h);
	cairo_line_to(p->cr, PAGE_MARGIN + p->width, p->y + h);
	cairo_stroke(p->cr);
	page_ink(p);
	p->y += h;
	return h;
}

/* A table of header + rows (arrays of strings), its header repeated on every page it spans. */
static void table(page_t *p, report_t *r, const char *const *head, const char *const *const *rows, size_t nrows,
		  const double *w, size_t ncols)
{
	need(p, r, 3 * ROW_H);
	group_begin(p, "Table");
	table_row(p, head, w, ncols, true);
	for (size_t i = 0; i < nrows; i++) {
		if (p->y + ROW_H + 4 > BOTTOM) {
			end_page(p, r, true);
			table_row(p, head, w, ncols, true);
		}
		table_row(p, rows[i], w, ncols, false);
	}
	group_end(p, "Table");
	p->y += 10;
}

/* The rows [{label, value, previous}] as a table: label, this month, the month before, change. */
static void figure_table(page_t *p, report_t *r, const json_t *rows)
{
	const json_t *cols = json_object_get(r->m, "columns");
	const char *head[] = {jstr(cols, "label"), jstr(cols, "value"), jstr(cols, "previous"), jstr(cols, "change")};
	size_t n = json_array_size(rows);
	const char *const **cells = arena_alloc(p->a, (n ? n : 1) * sizeof *cells);
	for (size_t i = 0; i < n; i++) {
		const json_t *row = json_array_get(rows, i);
		int64_t v = jint(row, "value"), pv = jint(row, "previous");
		const char **c = arena_alloc(p->a, 4 * sizeof *c);
		c[0] = jstr(row, "label");
		c[1] = arena_printf(p->a, "%" PRId64, v);
		c[2] = arena_printf(p->a, "%" PRId64, pv);
		c[3] = change(p, v, pv);
		cells[i] = c;
	}
	double w4 = p->width;
	const double w[] = {0.28 * w4, 0.26 * w4, 0.26 * w4, 0.20 * w4};
	table(p, r, head, cells, n, w, 4);
}

/* ---------------------------------------------------------------- charts */

/* The smallest of 1, 2, 5 × 10^k at or above x (x >= 1). */
static int64_t round_up(int64_t x)
{
	int64_t m = 1;
	while (m <= INT64_MAX / 10 && m * 10 <= x)
		m *= 10;
	return x <= m ? m : x <= 2 * m ? 2 * m : x <= 5 * m ? 5 * m : 10 * m;
}

static void legend(page_t *p, const json_t *series)
{
	double x = PAGE_MARGIN;
	size_t i;
	const json_t *s;
	json_array_foreach (series, i, s) {
		if (i >= MAX_SERIES)
			break;
		const char *name = jstr(s, "name");
		double tw = 10 + 6.0 * (double)strlen(name) + 12;
		if (x + tw > PAGE_MARGIN + p->width) {
			x = PAGE_MARGIN;
			p->y += ROW_H;
		}
		cairo_set_source_rgb(p->cr, PALETTE[i][0], PALETTE[i][1], PALETTE[i][2]);
		cairo_rectangle(p->cr, x, p->y + 3, 8, 8);
		cairo_fill(p->cr);
		page_ink(p);
		page_text_at(p, x + 11, p->y, tw - 11, PAGE_FONT " 8", page_esc(p, name));
		x += tw;
	}
	p->y += ROW_H + 4;
}

/* A value axis from 0 to top at the left of the plot (x0, y0 its bottom left, h high). */
static void value_axis(page_t *p, double x0, double y0, double w, double h, int64_t top)
{
	cairo_set_line_width(p->cr, 0.5);
	for (int k = 0; k <= 4; k++) {
		double y = y0 - h * k / 4.0;
		cairo_set_source_rgb(p->cr, 0.85, 0.85, 0.85);
		cairo_move_to(p->cr, x0, y);
		cairo_line_to(p->cr, x0 + w, y);
		cairo_stroke(p->cr);
		page_ink(p);
		page_text_at(p, PAGE_MARGIN, y - 5, x0 - PAGE_MARGIN - 3, PAGE_FONT " 7",
			     arena_printf(p->a, "%" PRId64, top * k / 4));
	}
}

/* A short text (an axis label) centred on x, its top at y. */
static void centred(page_t *p, double x, double y, const char *font, const char *text)
{
	PangoLayout *l = pango_layout_new(p->pc);
	PangoFontDescription *fd = pango_font_description_from_string(font);
	pango_layout_set_font_description(l, fd);
	pango_layout_set_text(l, text ? text : "", -1);
	int w, h;
	pango_layout_get_size(l, &w, &h);
	cairo_move_to(p->cr, x - (double)w / PANGO_SCALE / 2, y);
	pango_cairo_show_layout(p->cr, l);
	pango_font_description_free(fd);
	g_object_unref(l);
}

/* Value l of series s of a chart (0 when missing). */
static int64_t series_value(const json_t *series, size_t s, size_t l)
{
	return json_integer_value(json_array_get(json_object_get(json_array_get(series, s), "values"), l));
}

/* Vertical bars, one per label, the series stacked (daily attendance per channel). */
static void chart_stacked(page_t *p, const json_t *ch)
{
	const json_t *labels = json_object_get(ch, "labels"), *series = json_object_get(ch, "series");
	size_t n = json_array_size(labels), ns = json_array_size(series);
	if (ns > MAX_SERIES)
		ns = MAX_SERIES;
	int64_t max = 0;
	for (size_t l = 0; l < n; l++) {
		int64_t sum = 0;
		for (size_t s = 0; s < ns; s++)
			sum += series_value(series, s, l);
		if (sum > max)
			max = sum;
	}
	int64_t top = round_up(max > 0 ? max : 1);
	if (top % 4)
		top = (top / 4 + 1) * 4;
	double x0 = PAGE_MARGIN + 28, w = p->width - 28, h = CHART_H - 16, y0 = p->y + h;
	value_axis(p, x0, y0, w, h, top);
	double slot = n ? w / (double)n : w, bw = slot * 0.72;
	size_t every = n > 16 ? (n + 15) / 16 : 1;
	for (size_t l = 0; l < n; l++) {
		double x = x0 + slot * (double)l + (slot - bw) / 2, y = y0;
		for (size_t s = 0; s < ns; s++) {
			int64_t v = series_value(series, s, l);
			if (v <= 0)
				continue;
			double bh = h * (double)v / (double)top;
			cairo_set_source_rgb(p->cr, PALETTE[s][0], PALETTE[s][1], PALETTE[s][2]);
			cairo_rectangle(p->cr, x, y - bh, bw, bh);
			cairo_fill(p->cr);
			y -= bh;
		}
		if (l % every == 0) {
			page_ink(p);
			centred(p, x + bw / 2, y0 + 2, PAGE_FONT " 6.5", json_string_value(json_array_get(labels, l)));
		}
	}
	p->y += CHART_H;
}

/* Horizontal bars: per label one bar per series (this month and the month before). */
static void chart_bars(page_t *p, const json_t *ch)
{
	const json_t *labels = json_object_get(ch, "labels"), *series = json_object_get(ch, "series");
	size_t n = json_array_size(labels), ns = json_array_size(series);
	if (ns > MAX_SERIES)
		ns = MAX_SERIES;
	int64_t max = 1;
	for (size_t s = 0; s < ns; s++)
		for (size_t l = 0; l < n; l++) {
			int64_t v = series_value(series, s, l);
			if (v > max)
				max = v;
		}
	double lw = 48 * PT_PER_MM, x0 = PAGE_MARGIN + lw, w = p->width - lw - 30, bar = 7;
	for (size_t l = 0; l < n; l++) {
		page_ink(p);
		page_text_at(p, PAGE_MARGIN, p->y, lw - 4, PAGE_FONT " 8",
			     page_esc(p, json_string_value(json_array_get(labels, l))));
		for (size_t s = 0; s < ns; s++) {
			int64_t v = series_value(series, s, l);
			double bw = w * (double)(v > 0 ? v : 0) / (double)max;
			cairo_set_source_rgb(p->cr, PALETTE[s][0], PALETTE[s][1], PALETTE[s][2]);
			cairo_rectangle(p->cr, x0, p->y + (double)s * (bar + 1), bw, bar);
			cairo_fill(p->cr);
			page_ink(p);
			page_text_at(p, x0 + bw + 3, p->y + (double)s * (bar + 1) - 1.5, 40, PAGE_FONT " 6.5",
				     arena_printf(p->a, "%" PRId64, v));
		}
		p->y += (double)ns * (bar + 1) + 5;
	}
}

/* A chart: its title, the drawing (a Figure), its legend and its numbers as a table (labels down,
 * series across). */
static void chart(page_t *p, report_t *r, const json_t *ch)
{
	const json_t *labels = json_object_get(ch, "labels"), *series = json_object_get(ch, "series");
	size_t n = json_array_size(labels), ns = json_array_size(series);
	if (n == 0 || ns == 0 || n > MAX_LABELS)
		return;
	if (ns > MAX_SERIES)
		ns = MAX_SERIES;
	bool stacked = strcmp(jstr(ch, "kind"), "stacked") == 0;
	double drawn = stacked ? CHART_H : (double)n * ((double)ns * 8 + 5);
	need(p, r, drawn + 3 * ROW_H + 40);
	heading(p, r, jstr(ch, "title"));
	if (*jstr(ch, "description")) {
		page_ink(p);
		p->y += tagged(p, "P", PAGE_MARGIN, p->y, p->width, PAGE_FONT " 8.5", jstr(ch, "description")) + 4;
	}
	group_begin(p, "Figure");
	if (stacked)
		chart_stacked(p, ch);
	else
		chart_bars(p, ch);
	legend(p, series);
	group_end(p, "Figure");

	const char **head = arena_alloc(p->a, (ns + 1) * sizeof *head);
	head[0] = jstr(ch, "label_header");
	for (size_t s = 0; s < ns; s++)
		head[s + 1] = jstr(json_array_get(series, s), "name");
	const char *const **rows = arena_alloc(p->a, n * sizeof *rows);
	for (size_t l = 0; l < n; l++) {
		const char **c = arena_alloc(p->a, (ns + 1) * sizeof *c);
		c[0] = json_string_value(json_array_get(labels, l));
		if (!c[0])
			c[0] = "";
		for (size_t s = 0; s < ns; s++)
			c[s + 1] = arena_printf(p->a, "%" PRId64, series_value(series, s, l));
		rows[l] = c;
	}
	double *w = arena_alloc(p->a, (ns + 1) * sizeof *w);
	double first = ns > 3 ? 0.22 * p->width : 0.34 * p->width;
	w[0] = first;
	for (size_t s = 0; s < ns; s++)
		w[s + 1] = (p->width - first) / (double)ns;
	table(p, r, head, rows, n, w, ns + 1);
}

/* ---------------------------------------------------------------- the document */

static void draw_report(page_t *p, void *ud)
{
	report_t *r = ud;
	const json_t *m = r->m;
	page_band(p, jstr(m, "city"), NULL, 0);
	p->y = PAGE_TOP;
	p->width = PAGE_W - 2 * PAGE_MARGIN;
	p->y += tagged(p, "H1", PAGE_MARGIN, p->y, p->width, PAGE_FONT " Bold 20", jstr(m, "title")) + 3;
	if (*jstr(m, "subtitle"))
		p->y += tagged(p, "P", PAGE_MARGIN, p->y, p->width, PAGE_FONT " 10", jstr(m, "subtitle")) + 10;

	const json_t *head = json_object_get(m, "headline");
	if (json_array_size(json_object_get(head, "rows"))) {
		heading(p, r, jstr(head, "title"));
		figure_table(p, r, json_object_get(head, "rows"));
	}
	size_t i;
	const json_t *x;
	json_array_foreach (json_object_get(m, "charts"), i, x)
		chart(p, r, x);
	const json_t *sections = json_object_get(m, "sections");
	if (json_array_size(sections) && *jstr(m, "sections_title")) {
		need(p, r, 6 * ROW_H);
		page_ink(p);
		p->y += tagged(p, "H2", PAGE_MARGIN, p->y, p->width, PAGE_FONT " Bold 15", jstr(m, "sections_title")) +
			6;
	}
	json_array_foreach (sections, i, x) {
		if (!json_array_size(json_object_get(x, "rows")))
			continue;
		heading(p, r, jstr(x, "title"));
		figure_table(p, r, json_object_get(x, "rows"));
	}
	end_page(p, r, false);
}

int pdf_report(const json_t *model, const char *lang, unsigned char **out, size_t *len)
{
	const char *title = json_string_value(json_object_get(model, "title"));
	if (!json_is_object(model) || !title || !*title)
		return ERR_INVALID;
	report_t r = {.m = model, .footer = jstr(model, "footer")};
	page_doc_t d = {.fmt = PAGE_PDF, .title = title, .lang = lang, .tagged = true, .directed = true};
	return page_render_doc(&d, draw_report, &r, out, len);
}

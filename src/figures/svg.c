/* svg.c — charts drawn on the server as SVG: a line per measure for a series (one point per
 * period), a bar per row for a table (its first measure). Accessible: role="img" with a <title>
 * and a <desc> that point to the data table beside the chart; colours are told apart by dashes
 * and markers too; no script, no style attribute (the CSP), sized by its viewBox. */
#include "figures/internal.h"

#include "base/buf.h"

#include <inttypes.h>
#include <string.h>

#define W 640
#define H 260
#define LEFT 56
#define RIGHT 16
#define TOP 16
#define BOTTOM 64
#define BAR_ROWS 12
/* The cap a chart cannot reach: at most figures.max_days (3660) points × 6 lines × 12 bytes plus
 * labels of bounded length is under 300 KiB, so the buffer calls below need no check. */
#define SVG_MAX (1u << 20)

/* Six colours with at least 3:1 contrast on white, and six dash patterns. */
static const char *const COLOURS[CAP_FIG_COLS] = {"#1f5fa8", "#b5390e", "#2b7a2e", "#6b3fa0", "#8a6100", "#006f7a"};
static const char *const DASHES[CAP_FIG_COLS] = {"",
						 " stroke-dasharray=\"6 3\"",
						 " stroke-dasharray=\"2 3\"",
						 " stroke-dasharray=\"8 3 2 3\"",
						 " stroke-dasharray=\"1 2\"",
						 " stroke-dasharray=\"10 4\""};

static void text(buf_t *b, const char *s)
{
	(void)buf_put_html(b, s, strlen(s));
}

static int64_t nice_max(int64_t m)
{
	int64_t step = 1;
	while (step * 10 < m)
		step *= 10;
	int64_t top = step;
	while (top < m)
		top += step;
	return top > 0 ? top : 1;
}

static void axis(buf_t *b, int64_t top)
{
	int y0 = H - BOTTOM;
	for (int i = 0; i <= 4; i++) {
		int y = y0 - (y0 - TOP) * i / 4;
		(void)buf_printf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#d0d0d0\"/>", LEFT, y,
				 W - RIGHT, y);
		(void)buf_printf(b,
				 "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"12\" fill=\"#333\">%" PRId64
				 "</text>",
				 LEFT - 6, y + 4, top * i / 4);
	}
}

static void series(buf_t *b, const fg_fig_t *g, fg_tr_fn t, void *ud)
{
	int64_t m = 0;
	for (size_t l = 0; l < g->nlines; l++)
		for (size_t c = 0; c < g->ncols; c++)
			m = g->lines[l].v[c] > m ? g->lines[l].v[c] : m;
	int64_t top = nice_max(m);
	axis(b, top);
	int y0 = H - BOTTOM, span = W - LEFT - RIGHT;
	size_t n = g->nlines;
	for (size_t c = 0; c < g->ncols; c++) {
		(void)buf_printf(b, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s points=\"", COLOURS[c],
				 DASHES[c]);
		for (size_t l = 0; l < n; l++) {
			int x = LEFT + (n > 1 ? (int)((int64_t)span * (int64_t)l / (int64_t)(n - 1)) : span / 2);
			int y = y0 - (int)((int64_t)(y0 - TOP) * g->lines[l].v[c] / top);
			(void)buf_printf(b, "%s%d,%d", l ? " " : "", x, y);
		}
		(void)buf_puts(b, "\"/>");
	}
	/* the first, middle and last periods under the axis */
	size_t marks[3] = {0, n / 2, n ? n - 1 : 0};
	for (size_t k = 0; k < 3 && n; k++) {
		if (k && marks[k] == marks[k - 1])
			continue;
		int x = LEFT + (n > 1 ? (int)((int64_t)span * (int64_t)marks[k] / (int64_t)(n - 1)) : span / 2);
		const char *anchor = k == 0 && n > 1   ? "start"
				     : k == 2 && n > 1 ? "end"
						       : "middle"; /* inside the box */
		(void)buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\" font-size=\"12\" fill=\"#333\">", x,
				 y0 + 18, anchor);
		text(b, g->lines[marks[k]].label);
		(void)buf_puts(b, "</text>");
	}
	/* the legend */
	for (size_t c = 0; c < g->ncols; c++) {
		int x = LEFT + (int)(c % 3) * 190, y = H - 24 + (int)(c / 3) * 16; /* two rows of three */
		(void)buf_printf(b,
				 "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"%s/>",
				 x, y - 4, x + 20, y - 4, COLOURS[c], DASHES[c]);
		(void)buf_printf(b, "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"#333\">", x + 24, y);
		text(b, t(ud, g->fig->cols[c].key));
		(void)buf_puts(b, "</text>");
	}
}

static void bars(buf_t *b, const fg_fig_t *g, fg_tr_fn t, void *ud)
{
	size_t n = g->nlines < BAR_ROWS ? g->nlines : BAR_ROWS;
	int64_t m = 0;
	for (size_t l = 0; l < n; l++)
		m = g->lines[l].v[0] > m ? g->lines[l].v[0] : m;
	m = m > 0 ? m : 1;
	int x0 = 200, span = W - x0 - 60, row = n ? (H - TOP) / (int)(n > 6 ? n : 6) : 20;
	for (size_t l = 0; l < n; l++) {
		int y = TOP + (int)l * row;
		const char *label = (g->fig->flags & CAP_FIG_LABEL_KEYS) ? t(ud, g->lines[l].label) : g->lines[l].label;
		(void)buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"12\" fill=\"#333\">",
				 x0 - 8, y + row / 2 + 4);
		if (strlen(label) > 26) {
			size_t cut = 24;
			while (cut > 0 && ((unsigned char)label[cut] & 0xC0) == 0x80)
				cut--; /* not inside a UTF-8 sequence */
			(void)buf_put_html(b, label, cut);
			(void)buf_puts(b, "…");
		} else {
			text(b, label);
		}
		int w = (int)((int64_t)span * g->lines[l].v[0] / m);
		(void)buf_printf(b, "</text><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>", x0,
				 y + 2, w, row - 4, COLOURS[0]);
		(void)buf_printf(b, "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"#333\">%" PRId64 "</text>",
				 x0 + w + 6, y + row / 2 + 4, g->lines[l].v[0]);
	}
}

const char *fg_svg(arena_t *a, const fg_fig_t *g, const char *id, const char *title, fg_tr_fn t, void *ud)
{
	buf_t b;
	buf_init(&b, SVG_MAX);
	(void)buf_printf(&b,
			 "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"fg-chart\" viewBox=\"0 0 %d %d\" "
			 "role=\"img\" "
			 "aria-labelledby=\"%s-t %s-d\"><title id=\"%s-t\">",
			 W, H, id, id, id);
	text(&b, title);
	(void)buf_printf(&b, "</title><desc id=\"%s-d\">", id);
	text(&b, t(ud, "fg_chart_desc"));
	(void)buf_puts(&b, "</desc>");
	if (g->fig->kind == CAP_FIG_SERIES)
		series(&b, g, t, ud);
	else
		bars(&b, g, t, ud);
	(void)buf_puts(&b, "</svg>");
	const char *s = arena_strdup(a, buf_str(&b));
	buf_free(&b);
	return s;
}

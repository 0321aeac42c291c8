/* test_figures.c — src/figures on hand-made figures with known answers: the filter (defaults, the
 * previous period, bad values, the 23- and 25-hour days of Europe/Madrid), the gathering of a
 * capability table of this file's own (a series and a table provider that return fixed rows, a
 * provider that cannot filter by zone), grouping by day, week and month with empty periods, the
 * comparison, the open-data suppression, the CSV and the SVG, and the monthly PDF report read back
 * with pdftotext (poppler-utils). Run from the repository root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/tz.h"
#include "core/cap.h"
#include "figures/internal.h"
#include "render/pdf.h"
#include "view/i18n.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ZONEINFO "tests/data/zoneinfo"

/* ---------------------------------------------------------------- a table of its own */

/* Visits by day: 2026-03-02 (a Monday) 3 in person at "centre", 2 by phone; 2026-03-04 1 at
 * "port"; 2026-03-10 4 at "centre"; 2026-02-27 (in the previous period of March) 5; and a row
 * outside every period asked (2025-01-01) that must not be counted. Two columns: a, b = 2a. */
static int visits(db_conn_t *c, const cap_fig_filter_t *f, cap_fig_out_t *out)
{
	static const struct {
		const char *day, *office, *channel;
		int n;
	} rows[] = {{"2025-01-01", "centre", "in_person", 100}, {"2026-02-27", "centre", "in_person", 5},
		    {"2026-03-02", "centre", "in_person", 3},   {"2026-03-02", "centre", "phone", 2},
		    {"2026-03-04", "port", "in_person", 1},     {"2026-03-10", "centre", "in_person", 4}};
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		int64_t *v = cap_fig_row(out, rows[i].day, rows[i].office, rows[i].channel);
		v[0] += rows[i].n;
		v[1] += 2 * rows[i].n;
	}
	return 0;
}

/* A top list whose rows depend on the period: March has x 7, y 2; February x 3, z 9. */
static int top(db_conn_t *c, const cap_fig_filter_t *f, cap_fig_out_t *out)
{
	bool march = strncmp(f->from, "2026-03", 7) == 0;
	cap_fig_row(out, "x", NULL, NULL)[0] = march ? 7 : 3;
	cap_fig_row(out, march ? "y" : "z", NULL, NULL)[0] = march ? 2 : 9;
	return 0;
}

/* Fails, except while the report's test turns it off. */
static bool broken_fails = true;
static int broken(db_conn_t *c, const cap_fig_filter_t *f, cap_fig_out_t *out)
{
	return broken_fails ? ERR_IO : 0;
}

static const cap_fig_col_t two[] = {{"a", "k_a"}, {"b", "k_b"}, {0}};
static const cap_fig_col_t one[] = {{"n", "k_n"}, {0}};
static const cap_figure_t figs[] = {
	{"t.visits", "attendance", "k_visits", CAP_FIG_SERIES, CAP_FIG_BY_OFFICE | CAP_FIG_BY_ZONE | CAP_FIG_OPEN, two,
	 visits, "appointments", "a"},
	{"t.top", "procedures", "k_top", CAP_FIG_TABLE, CAP_FIG_BY_OFFICE, one, top, NULL, NULL},
	{"t.elsewhere", "no-such-theme", "k_x", CAP_FIG_TABLE, 0, one, broken, NULL, NULL},
	{0},
};
static const cap_figure_t broken_figs[] = {{"t.broken", "people", "k_b", CAP_FIG_TABLE, 0, one, broken, NULL, NULL},
					   {0}};
static const cap_t test_cap = {.name = "test", .figures = figs};
static const cap_t broken_cap = {.name = "broken", .figures = broken_figs};
const cap_t *const cap_table[] = {&test_cap, &broken_cap};
const size_t cap_count = sizeof cap_table / sizeof cap_table[0];

/* ---------------------------------------------------------------- helpers */

static int32_t day_of(const char *s)
{
	int32_t d = 0;
	assert_int_equal(tz_date_parse(s, &d), 0);
	return d;
}

static fg_filter_t filter(arena_t *a, const char *from, const char *to, const char *group, const char *zone)
{
	fg_query_t q = {.from = from, .to = to, .group = group, .zone = zone};
	fg_filter_t f;
	const char *field = NULL;
	assert_int_equal(fg_filter_make(a, &q, day_of("2026-03-31"), 731, &f, &field), 0);
	return f;
}

static const fg_fig_t *find(const fg_fig_t *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].fig->name, name) == 0)
			return &v[i];
	fail_msg("no figure %s", name);
	return NULL;
}

/* ---------------------------------------------------------------- the filter */

static void test_filter(void **state)
{
	arena_t *a = arena_new();
	fg_filter_t f = filter(a, NULL, NULL, NULL, NULL); /* the 30 days up to today */
	assert_string_equal(f.cur.from, "2026-03-02");
	assert_string_equal(f.cur.to, "2026-03-31");
	assert_string_equal(f.prev.from, "2026-01-31");
	assert_string_equal(f.prev.to, "2026-03-01");
	assert_int_equal(f.group, FG_DAY);
	f = filter(a, "2026-03-29", "2026-03-29", "week", NULL); /* spring forward: 23 hours */
	assert_int_equal(f.cur.to_at - f.cur.from_at, 23 * 3600);
	assert_int_equal(f.cur.from_at, 1774738800); /* 2026-03-29T00:00+01:00 */
	assert_string_equal(f.prev.from, "2026-03-28");
	assert_int_equal(f.prev.to_at, f.cur.from_at);
	f = filter(a, "2026-10-25", "2026-10-25", "month", NULL); /* fall back: 25 hours */
	assert_int_equal(f.cur.to_at - f.cur.from_at, 25 * 3600);
	assert_int_equal(f.group, FG_MONTH);

	static const struct {
		fg_query_t q;
		const char *field;
	} bad[] = {
		{{.from = "2026-02-30"}, "from"},
		{{.from = "2026-3-1"}, "from"},
		{{.to = "tomorrow"}, "to"},
		{{.from = "2026-03-02", .to = "2026-03-01"}, "to"},
		{{.from = "2024-01-01", .to = "2026-03-01"}, "to"},
		{{.office = "a b"}, "office"},
		{{.zone = "x'"}, "zone"},
		{{.channel = "in_person;"}, "channel"},
		{{.procedure = "\xc3\xa9"}, "procedure"},
		{{.group = "year"}, "group"},
		{{.to = "0001-01-29"}, "from"},                       /* its period before: no year 0 */
		{{.from = "2000-01-01", .to = "2000-01-31"}, "from"}, /* the month before is 1999's */
		{{.from = "3000-01-01", .to = "3000-01-02"}, "to"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		const char *field = NULL;
		assert_int_equal(fg_filter_make(a, &bad[i].q, day_of("2026-03-31"), 731, &f, &field), ERR_INVALID);
		assert_string_equal(field, bad[i].field);
	}
	arena_free(a);
}

/* ---------------------------------------------------------------- gathering */

static void test_series_by_day(void **state)
{
	arena_t *a = arena_new();
	fg_filter_t f = filter(a, "2026-03-01", "2026-03-10", NULL, NULL);
	fg_fig_t *v;
	size_t n;
	assert_int_equal(fg_gather(NULL, a, &f, "attendance", &v, &n), 0);
	assert_int_equal(n, 1); /* the other themes, and a theme src/figures does not know, are left out */
	const fg_fig_t *g = find(v, n, "t.visits");
	assert_false(g->skipped);
	assert_int_equal(g->ncols, 2);
	assert_int_equal(g->nlines, 10); /* every day, the empty ones too */
	assert_string_equal(g->lines[0].label, "2026-03-01");
	assert_int_equal(g->lines[0].v[0], 0);
	assert_int_equal(g->lines[1].v[0], 5); /* 03-02: 3 + 2 */
	assert_int_equal(g->lines[1].v[1], 10);
	assert_int_equal(g->lines[3].v[0], 1);
	assert_int_equal(g->lines[9].v[0], 4);
	assert_int_equal(g->tot[0], 10); /* not the 100 of 2025 */
	assert_int_equal(g->tot[1], 20);
	/* the previous period is 02-19..02-28: the 5 of 02-27, at the same place (the 9th day) */
	assert_string_equal(f.prev.from, "2026-02-19");
	assert_int_equal(g->ptot[0], 5);
	assert_int_equal(g->lines[8].pv[0], 5);
	/* by office × channel */
	assert_int_equal(g->nsplit, 3);
	int64_t centre = 0, phone = 0, port = 0;
	for (size_t i = 0; i < g->nsplit; i++) {
		if (!strcmp(g->split[i].office, "centre") && !strcmp(g->split[i].channel, "in_person"))
			centre = g->split[i].v[0];
		if (!strcmp(g->split[i].channel, "phone"))
			phone = g->split[i].v[0];
		if (!strcmp(g->split[i].office, "port"))
			port = g->split[i].v[0];
	}
	assert_int_equal(centre, 7);
	assert_int_equal(phone, 2);
	assert_int_equal(port, 1);
	arena_free(a);
}

static void test_series_by_week_and_month(void **state)
{
	arena_t *a = arena_new();
	fg_filter_t f = filter(a, "2026-03-01", "2026-03-10", "week", NULL);
	fg_fig_t *v;
	size_t n;
	assert_int_equal(fg_gather(NULL, a, &f, "attendance", &v, &n), 0);
	const fg_fig_t *g = find(v, n, "t.visits");
	/* 03-01 is a Sunday: its week starts on 02-23; then 03-02 and 03-09 */
	assert_int_equal(g->nlines, 3);
	assert_string_equal(g->lines[0].label, "2026-02-23");
	assert_int_equal(g->lines[0].v[0], 0);
	assert_string_equal(g->lines[1].label, "2026-03-02");
	assert_int_equal(g->lines[1].v[0], 6);
	assert_string_equal(g->lines[2].label, "2026-03-09");
	assert_int_equal(g->lines[2].v[0], 4);

	f = filter(a, "2026-02-20", "2026-03-10", "month", NULL);
	assert_int_equal(fg_gather(NULL, a, &f, "attendance", &v, &n), 0);
	g = find(v, n, "t.visits");
	assert_int_equal(g->nlines, 2);
	assert_string_equal(g->lines[0].label, "2026-02");
	assert_int_equal(g->lines[0].v[0], 5);
	assert_string_equal(g->lines[1].label, "2026-03");
	assert_int_equal(g->lines[1].v[0], 10);
	arena_free(a);
}

static void test_empty_period(void **state)
{
	arena_t *a = arena_new();
	fg_filter_t f = filter(a, "2026-01-05", "2026-01-06", NULL, NULL);
	fg_fig_t *v;
	size_t n;
	assert_int_equal(fg_gather(NULL, a, &f, "attendance", &v, &n), 0);
	const fg_fig_t *g = find(v, n, "t.visits");
	assert_int_equal(g->nlines, 2);
	assert_int_equal(g->tot[0], 0);
	assert_int_equal(g->ptot[0], 0);
	assert_int_equal(g->nsplit, 0);
	arena_free(a);
}

static void test_table_and_filters(void **state)
{
	arena_t *a = arena_new();
	fg_filter_t f = filter(a, "2026-03-01", "2026-03-31", NULL, NULL);
	fg_fig_t *v;
	size_t n;
	assert_int_equal(fg_gather(NULL, a, &f, "procedures", &v, &n), 0);
	const fg_fig_t *g = find(v, n, "t.top");
	assert_int_equal(g->nlines, 2);
	assert_string_equal(g->lines[0].label, "x");
	assert_int_equal(g->lines[0].v[0], 7);
	assert_int_equal(g->lines[0].pv[0], 3); /* x in February */
	assert_string_equal(g->lines[1].label, "y");
	assert_int_equal(g->lines[1].pv[0], 0); /* y was not in February's list */
	assert_int_equal(g->tot[0], 9);
	assert_int_equal(g->ptot[0], 12); /* February's whole list, z included */
	/* a zone: t.top cannot honour it and is left out, said so; t.visits can */
	f = filter(a, "2026-03-01", "2026-03-31", NULL, "acollida");
	assert_int_equal(fg_gather(NULL, a, &f, "procedures", &v, &n), 0);
	assert_true(find(v, n, "t.top")->skipped);
	assert_int_equal(fg_gather(NULL, a, &f, "attendance", &v, &n), 0);
	assert_false(find(v, n, "t.visits")->skipped);
	/* a provider's error is the gathering's; one left out by the filter is not run */
	assert_int_equal(fg_gather(NULL, a, &f, "people", &v, &n), 0);
	assert_true(find(v, n, "t.broken")->skipped);
	f = filter(a, "2026-03-01", "2026-03-31", NULL, NULL);
	assert_int_equal(fg_gather(NULL, a, &f, "people", &v, &n), ERR_IO);
	arena_free(a);
}

/* ---------------------------------------------------------------- open data, CSV, SVG */

static const fg_cell_t *cell(const fg_cell_t *v, size_t n, const char *day, const char *channel, const char *m)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].day, day) && !strcmp(v[i].channel, channel) && !strcmp(v[i].measure, m))
			return &v[i];
	fail_msg("no cell %s %s %s", day, channel, m);
	return NULL;
}

static void test_open_data(void **state)
{
	arena_t *a = arena_new();
	fg_filter_t f = filter(a, "2026-03-01", "2026-03-10", NULL, NULL);
	fg_cell_t *v;
	size_t n;
	assert_int_equal(fg_open_data(NULL, a, &f, 5, &v, &n), 0);
	/* 03-02 in person: a 3 (hidden), b 6: one hidden cell alone, so b goes too */
	const fg_cell_t *x = cell(v, n, "2026-03-02", "in_person", "a");
	assert_true(x->suppressed);
	assert_true(cell(v, n, "2026-03-02", "in_person", "b")->suppressed);
	/* 03-02 by phone: a 2, b 4: both under 5 */
	assert_true(cell(v, n, "2026-03-02", "phone", "a")->suppressed);
	assert_true(cell(v, n, "2026-03-02", "phone", "b")->suppressed);
	/* 03-10: a 4 hidden, b 8 goes with it */
	assert_true(cell(v, n, "2026-03-10", "in_person", "b")->suppressed);
	buf_t b;
	buf_init(&b, 1 << 16);
	assert_int_equal(fg_csv_open_data(&b, v, n), 0);
	assert_non_null(strstr(buf_str(&b), "date,office,channel,figure,measure,count\r\n"));
	assert_non_null(strstr(buf_str(&b), "2026-03-02,centre,phone,t.visits,a,\r\n"));
	buf_free(&b);
	/* a lower threshold shows them */
	assert_int_equal(fg_open_data(NULL, a, &f, 2, &v, &n), 0);
	x = cell(v, n, "2026-03-02", "in_person", "a");
	assert_false(x->suppressed);
	assert_int_equal(x->value, 3);
	assert_false(cell(v, n, "2026-03-02", "phone", "a")->suppressed);
	arena_free(a);
}

static const char *tr(void *ud, const char *key)
{
	return strcmp(key, "k_a") == 0 ? "Visits <all>" : key;
}

static void test_csv_and_svg(void **state)
{
	arena_t *a = arena_new();
	fg_filter_t f = filter(a, "2026-03-01", "2026-03-02", NULL, NULL);
	fg_fig_t *v;
	size_t n;
	assert_int_equal(fg_gather(NULL, a, &f, "attendance", &v, &n), 0);
	buf_t b;
	buf_init(&b, 1 << 16);
	assert_int_equal(fg_csv_figures(&b, v, n), 0);
	assert_string_equal(buf_str(&b), "figure,label,office,channel,measure,value,previous\r\n"
					 "t.visits,total,,,a,5,5\r\n"
					 "t.visits,total,,,b,10,10\r\n"
					 "t.visits,2026-03-01,,,a,0,5\r\n"
					 "t.visits,2026-03-01,,,b,0,10\r\n"
					 "t.visits,2026-03-02,,,a,5,0\r\n"
					 "t.visits,2026-03-02,,,b,10,0\r\n"
					 "t.visits,,centre,in_person,a,3,5\r\n"
					 "t.visits,,centre,in_person,b,6,10\r\n"
					 "t.visits,,centre,phone,a,2,0\r\n"
					 "t.visits,,centre,phone,b,4,0\r\n");
	buf_free(&b);
	const char *svg = fg_svg(a, &v[0], "c1", "Visits & more", tr, NULL);
	assert_non_null(
		strstr(svg, "role=\"img\" aria-labelledby=\"c1-t c1-d\"><title id=\"c1-t\">Visits &amp; more</title>"));
	assert_non_null(strstr(svg, "<desc id=\"c1-d\">fg_chart_desc</desc>"));
	assert_non_null(strstr(svg, "Visits &lt;all&gt;")); /* the legend, escaped */
	assert_null(strstr(svg, "style="));
	assert_non_null(strstr(svg, "<polyline"));
	arena_free(a);
}

/* ---------------------------------------------------------------- the monthly PDF report */

/* The text of a PDF as pdftotext lays it out (-layout: a table's row on one line), with every
 * run of spaces made one. New string. */
static char *pdf_text(const unsigned char *pdf, size_t len)
{
	char path[] = "/tmp/fg-report-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, pdf, len), (ssize_t)len);
	close(fd);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "pdftotext -layout -enc UTF-8 %s -", path);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	buf_t b;
	buf_init(&b, 4 << 20);
	char chunk[4096];
	size_t got;
	while ((got = fread(chunk, 1, sizeof chunk, p)) > 0)
		assert_int_equal(buf_append(&b, chunk, got), 0);
	assert_int_equal(pclose(p), 0);
	unlink(path);
	char *s = buf_detach(&b, NULL);
	if (getenv("FG_DUMP"))
		fputs(s, stderr);
	size_t w = 0;
	for (size_t r = 0; s[r]; r++) {
		bool space = s[r] == ' ' || s[r] == '\t';
		if (space && w && s[w - 1] == ' ')
			continue;
		s[w++] = space ? ' ' : s[r];
	}
	s[w] = '\0';
	return s;
}

static int pages(const unsigned char *pdf, size_t len)
{
	int n = 0;
	for (const unsigned char *p = pdf; (p = memmem(p, len - (size_t)(p - pdf), "/Type /Page", 11)); p++)
		if (p + 11 < pdf + len && p[11] != 's') /* not /Type /Pages */
			n++;
	return n;
}

/* March 2026 of this file's table by fg_report_pdf: the headline figure (t.visits' "a" is the
 * appointments' key stat) with February's and the change, the days' table, every figure. */
static void test_report_pdf(void **state)
{
	char err[256];
	assert_int_equal(i18n_load("locale", err, sizeof err), 0);
	arena_t *a = arena_new();
	unsigned char *pdf = NULL;
	size_t len = 0;
	/* A provider's failure is the report's. */
	assert_int_equal(fg_report_pdf(NULL, a, "Vilamar", 2026, 3, "ca", false, &pdf, &len), ERR_IO);
	broken_fails = false;
	assert_int_equal(fg_report_pdf(NULL, a, "Vilamar", 2026, 3, "ca", false, &pdf, &len), 0);
	assert_memory_equal(pdf, "%PDF-", 5);
	char *t = pdf_text(pdf, len);
	free(pdf);
	assert_non_null(strstr(t, "Vilamar"));
	assert_non_null(strstr(t, "Les xifres de març de 2026"));
	assert_non_null(strstr(t, "Del 2026-03-01 al 2026-03-31, comparat amb febrer de 2026"));
	assert_non_null(strstr(t, "Atenció per canal"));
	/* March: 3 + 2 + 1 + 4 = 10; February: 5 (the 27th); 2025's row is in neither. */
	assert_non_null(strstr(t, "Xifra març de 2026 febrer de 2026 Canvi"));
	assert_non_null(strstr(t, "Cites 10 5 +5 (+100 %)"));
	/* Every figure: visits a and b (b = 2a), the top list (x 7 + y 2 against x 3 + z 9). */
	assert_non_null(strstr(t, "Totes les xifres"));
	assert_non_null(strstr(t, "k_a 10 5 +5 (+100 %)"));
	assert_non_null(strstr(t, "k_b 20 10 +10 (+100 %)"));
	assert_non_null(strstr(t, "k_n 9 12 \u22123 (\u221225 %)"));
	/* The charts' numbers as tables: day 2 has 3 + 2, day 10 has 4; this month and the one before. */
	assert_non_null(strstr(t, "Atenció de cada dia per canal"));
	assert_non_null(strstr(t, "Dia Cites"));
	assert_non_null(strstr(t, "\n2 5\n"));
	assert_non_null(strstr(t, "\n10 4\n"));
	assert_non_null(strstr(t, "\n11 0\n"));
	assert_non_null(strstr(t, "Aquest mes i l'anterior"));
	assert_non_null(strstr(t, "Xifra març de 2026 febrer de 2026\n"));
	free(t);

	/* The same in English. */
	assert_int_equal(fg_report_pdf(NULL, a, "Vilamar", 2026, 3, "en", false, &pdf, &len), 0);
	t = pdf_text(pdf, len);
	free(pdf);
	assert_non_null(strstr(t, "The figures of March 2026"));
	assert_non_null(strstr(t, "Appointments 10 5 +5 (+100 %)"));
	free(t);
	arena_free(a);
	broken_fails = true;
}

/* pdf_report on its own: no title is refused; a long chart table flows over several pages, its
 * header repeated, every row there; a month with nothing is still a report. */
static void test_report_pages(void **state)
{
	unsigned char *pdf = NULL;
	size_t len = 0;
	json_t *m = json_pack("{s:s}", "city", "Vilamar");
	assert_int_equal(pdf_report(m, "ca", &pdf, &len), ERR_INVALID);
	json_object_set_new(m, "title", json_string("Les xifres de prova"));
	json_t *labels = json_array(), *vals = json_array();
	for (int i = 1; i <= 120; i++) {
		char l[16];
		snprintf(l, sizeof l, "fila-%03d", i);
		json_array_append_new(labels, json_string(l));
		json_array_append_new(vals, json_integer(i * 7));
	}
	json_object_set_new(m, "charts",
			    json_pack("[{s:s,s:s,s:s,s:o,s:[{s:s,s:o}]}]", "title", "Molts dies", "kind", "stacked",
				      "label_header", "Fila", "labels", labels, "series", "name", "Cites", "values",
				      vals));
	assert_int_equal(pdf_report(m, "ca", &pdf, &len), 0);
	assert_true(pages(pdf, len) >= 3);
	/* Tagged: a structure tree with the headings, the figure and the table's header cells. */
	assert_non_null(memmem(pdf, len, "/StructTreeRoot", 15));
	assert_non_null(memmem(pdf, len, "/S /H1", 6));
	assert_non_null(memmem(pdf, len, "/S /Figure", 10));
	assert_non_null(memmem(pdf, len, "/S /TH", 6));
	char *t = pdf_text(pdf, len);
	free(pdf);
	assert_non_null(strstr(t, "fila-001 7\n"));
	assert_non_null(strstr(t, "fila-120 840\n"));
	int heads = 0;
	for (const char *p = t; (p = strstr(p, "Fila Cites")); p++)
		heads++;
	assert_true(heads >= 2);
	free(t);
	json_decref(m);
	/* Nothing at all but a title. */
	m = json_pack("{s:s}", "title", "Buit");
	assert_int_equal(pdf_report(m, "ca", &pdf, &len), 0);
	assert_int_equal(pages(pdf, len), 1);
	free(pdf);
	json_decref(m);
}

int main(void)
{
	tz_set_dir(ZONEINFO);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filter),
		cmocka_unit_test(test_series_by_day),
		cmocka_unit_test(test_series_by_week_and_month),
		cmocka_unit_test(test_empty_period),
		cmocka_unit_test(test_table_and_filters),
		cmocka_unit_test(test_open_data),
		cmocka_unit_test(test_csv_and_svg),
		cmocka_unit_test(test_report_pdf),
		cmocka_unit_test(test_report_pages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

// fuzz-sources: src/figures/figures.c src/figures/svg.c src/figures/summary.c src/figures/store_summary.c src/core/fig.c src/db/db.c src/db/db_exec.c src/db/db_rows.c src/db/db_sql.c src/db/db_sqlite.c src/db/db_pg.c
/* A statistics filter as a query gives it (from, to, office, zone, channel, procedure, group, one
 * per line) through fg_filter_make; when accepted, the period is ordered and bounded, the previous
 * period has its length and ends the day before, and the figures of a provider that counts every
 * day group into periods whose sum is the total; the CSV and the SVG are written without fault. */
#include "base/arena.h"
#include "base/buf.h"
#include "base/tz.h"
#include "core/cap.h"
#include "figures/internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DAYS 800

/* One visit a day from from_day to to_day (rows appended without core/cap.c). */
static int daily(db_conn_t *c, const cap_fig_filter_t *f, cap_fig_out_t *out)
{
	int32_t from, to;
	if (tz_date_parse(f->from, &from) || tz_date_parse(f->to, &to))
		abort();
	for (int32_t d = from; d <= to; d++) {
		cap_fig_row_t *r = ARENA_PUSH(out->a, out->rows, out->n, out->cap);
		char s[TZ_DATE_LEN];
		tz_date_format(d, s);
		r->label = arena_strdup(out->a, s);
		r->office = "o";
		r->channel = "in_person";
		r->v[0] = 1;
	}
	return 0;
}

static const cap_fig_col_t cols[] = {{"n", "k_n"}, {0}};
static const cap_figure_t figs[] = {
	{"f.daily", "attendance", "k", CAP_FIG_SERIES, CAP_FIG_BY_OFFICE | CAP_FIG_OPEN, cols, daily, NULL, NULL},
	{0},
};
static const cap_t fcap = {.name = "f", .figures = figs};
const cap_t *const cap_table[] = {&fcap};
const size_t cap_count = 1;

static const char *tr(void *ud, const char *key)
{
	return key;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool init;
	if (!init) {
		tz_set_dir("tests/data/zoneinfo");
		init = true;
	}
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	const char *field[7] = {0};
	char *p = s;
	for (int i = 0; i < 7 && p; i++) {
		field[i] = p;
		p = strchr(p, '\n');
		if (p)
			*p++ = '\0';
	}
	fg_query_t q = {field[0], field[1], field[2], field[3], field[4], field[5], field[6], "ca"};
	arena_t *a = arena_new();
	fg_filter_t f;
	const char *bad = NULL;
	int32_t today = 20000; /* 2024-10-04 */
	if (fg_filter_make(a, &q, today, MAX_DAYS, &f, &bad) == 0) {
		int32_t days = f.to_day - f.from_day + 1;
		if (days < 1 || days > MAX_DAYS || f.cur.from_at >= f.cur.to_at)
			abort();
		int32_t pf, pt;
		if (tz_date_parse(f.prev.from, &pf) || tz_date_parse(f.prev.to, &pt) || pt != f.from_day - 1 ||
		    pt - pf + 1 != days || f.prev.to_at != f.cur.from_at)
			abort();
		fg_fig_t *v;
		size_t n;
		if (fg_gather(NULL, a, &f, NULL, &v, &n) || n != 1)
			abort();
		int64_t sum = 0;
		for (size_t i = 0; i < v[0].nlines; i++)
			sum += v[0].lines[i].v[0];
		if (v[0].skipped != (*f.cur.zone || *f.cur.channel || *f.cur.procedure))
			abort();
		if (!v[0].skipped && (sum != days || v[0].tot[0] != days || v[0].ptot[0] != days))
			abort();
		buf_t b;
		buf_init(&b, 1 << 24);
		if (fg_csv_figures(&b, v, n))
			abort();
		buf_free(&b);
		if (!v[0].skipped && !fg_svg(a, &v[0], "c", "t", tr, NULL))
			abort();
		fg_cell_t *cells;
		if (fg_open_data(NULL, a, &f, 5, &cells, &n))
			abort();
	} else if (!bad) {
		abort();
	}
	arena_free(a);
	free(s);
	return 0;
}

/* demo.c — the shape of the demo city's generated history; see demo.h. */
#include "core/demo.h"

#include "base/arena.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/mem.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* splitmix64: small, fast and good enough to draw a demo. */
uint64_t demo_rng_next(demo_rng_t *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void demo_rng_init(demo_rng_t *r, const char *stream, int32_t day)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a of the stream's name */
	for (const unsigned char *p = (const unsigned char *)stream; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	r->s = h ^ ((uint64_t)(uint32_t)day * 0x2545f4914f6cdd1dULL);
	demo_rng_next(r);
}

int demo_rng_int(demo_rng_t *r, int lo, int hi)
{
	if (hi <= lo)
		return lo;
	return lo + (int)(demo_rng_next(r) % (uint64_t)(hi - lo + 1));
}

bool demo_rng_chance(demo_rng_t *r, int per_mille)
{
	return (int)(demo_rng_next(r) % 1000) < per_mille;
}

size_t demo_rng_pick(demo_rng_t *r, const unsigned *w, size_t n)
{
	uint64_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += w[i];
	if (!total)
		return 0;
	uint64_t x = demo_rng_next(r) % total;
	for (size_t i = 0; i < n; i++) {
		if (x < w[i])
			return i;
		x -= w[i];
	}
	return n - 1;
}

int demo_rng_count(demo_rng_t *r, double mean, int spread_pct)
{
	if (mean <= 0)
		return 0;
	double noise = 1.0 + (double)demo_rng_int(r, -spread_pct * 10, spread_pct * 10) / 1000.0;
	double x = mean * noise;
	int n = (int)floor(x);
	if ((double)(demo_rng_next(r) % 1000) / 1000.0 < x - n)
		n++;
	return n < 0 ? 0 : n;
}

int demo_history_days(const config_t *cfg)
{
	return (int)config_int(cfg, "demo.history_days");
}

bool demo_open(int32_t day)
{
	static const int fixed[][2] = {{1, 1},   {1, 6},  {5, 1},  {6, 24}, {8, 15},  {9, 11},
				       {10, 12}, {11, 1}, {12, 6}, {12, 8}, {12, 25}, {12, 26}};
	if (tz_weekday(day) == 7)
		return false;
	int y, m, d;
	tz_civil_from_days(day, &y, &m, &d);
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		if (fixed[i][0] == m && fixed[i][1] == d)
			return false;
	int32_t easter = tz_easter(y);
	return day != easter - 2 && day != easter + 1;
}

/* How busy a month and a weekday are, against an ordinary day. */
static const double SEASON[12] = {1.10, 1.05, 1.05, 1.00, 1.05, 1.00, 0.90, 0.60, 1.10, 1.05, 1.00, 0.85};
static const double WEEKDAY[7] = {1.18, 1.05, 1.00, 0.98, 0.85, 0.30, 0};

int demo_history_each(const config_t *cfg, int64_t now, demo_day_fn fn, void *ud)
{
	int days = demo_history_days(cfg);
	if (days <= 0)
		return 0;
	const tz_t *z = tz_get(DEMO_TZ);
	if (!z)
		z = tz_utc();
	tz_local_t l;
	tz_local(z, now, &l);
	for (int back = days; back >= 1; back--) {
		demo_day_t d = {.day = l.day - back, .back = back, .tz = z};
		if (!demo_open(d.day))
			continue;
		int y, m, dd;
		tz_civil_from_days(d.day, &y, &m, &dd);
		tz_date_format(d.day, d.date);
		d.weekday = tz_weekday(d.day);
		d.growth = days > 1 ? (double)(days - back) / (double)(days - 1) : 1.0;
		double base = 305.0 + 138.0 * d.growth;
		d.load = SEASON[m - 1] * WEEKDAY[d.weekday - 1] * base / 374.0;
		demo_rng_t r;
		demo_rng_init(&r, "demo.visitors", d.day);
		d.visitors = demo_rng_count(&r, base * DEMO_SCALE * SEASON[m - 1] * WEEKDAY[d.weekday - 1], 6);
		int rc = fn(&d, ud);
		if (rc)
			return rc;
	}
	return 0;
}

int demo_office_minute(demo_rng_t *r, const demo_day_t *d, int before_close)
{
	if (d->weekday > 5)
		return -1;
	int open = 8 * 60 + 30, close = 14 * 60 + 30;
	if (d->weekday == 4 && demo_rng_chance(r, 200))
		open = 16 * 60, close = 19 * 60;
	int span = close - before_close - open;
	return open + (demo_rng_int(r, 0, span) + demo_rng_int(r, 0, span)) / 2;
}

int64_t demo_at(const demo_day_t *d, int minute)
{
	int64_t t;
	if (tz_to_utc(d->tz, d->day, minute, TZ_GAP_SHIFT, &t))
		t = tz_day_start(d->tz, d->day) + (int64_t)minute * 60;
	return t;
}

/* The statement of n rows: head, then row n times with its $ numbered. */
static char *batch_sql(const demo_batch_t *b, int n)
{
	buf_t out;
	buf_init(&out, (size_t)1 << 20);
	int rc = buf_puts(&out, b->head), k = 0;
	for (int r = 0; r < n && !rc; r++) {
		if (r)
			rc = buf_puts(&out, ", ");
		for (const char *p = b->row; *p && !rc; p++)
			rc = *p == '$' ? buf_printf(&out, "$%d", ++k) : buf_putc(&out, *p);
	}
	if (rc)
		abort(); /* a batch's statement is a few kilobytes: a programming error */
	return buf_detach(&out, NULL);
}

demo_batch_t *demo_batch_new(db_conn_t *c, const char *head, const char *row)
{
	demo_batch_t *b = xcalloc(1, sizeof *b);
	b->c = c;
	b->head = head;
	b->row = row;
	for (const char *p = row; *p; p++)
		b->ncols += *p == '$';
	if (b->ncols > DEMO_BATCH_COLS)
		abort(); /* a programming error: raise DEMO_BATCH_COLS */
	b->a = arena_new();
	b->sql = batch_sql(b, DEMO_BATCH_ROWS);
	return b;
}

int demo_batch_flush(demo_batch_t *b)
{
	if (!b->n)
		return 0;
	char *partial = b->n < DEMO_BATCH_ROWS ? batch_sql(b, b->n) : NULL;
	int64_t r = db_exec(b->c, partial ? partial : b->sql, b->p, b->n * b->ncols);
	free(partial);
	b->rows += b->n;
	b->n = 0;
	arena_free(b->a);
	b->a = arena_new();
	return r < 0 ? (int)r : 0;
}

int demo_batch_add(demo_batch_t *b, const db_param_t *row)
{
	db_param_t *p = &b->p[b->n * b->ncols];
	for (int i = 0; i < b->ncols; i++) {
		p[i] = row[i];
		if (p[i].type == DBP_TEXT)
			p[i].s = arena_strdup(b->a, p[i].s);
		else if (p[i].type == DBP_BLOB)
			p[i].s = p[i].len ? arena_strndup(b->a, p[i].s, p[i].len) : "";
	}
	return ++b->n == DEMO_BATCH_ROWS ? demo_batch_flush(b) : 0;
}

void demo_batch_free(demo_batch_t *b)
{
	if (!b)
		return;
	arena_free(b->a);
	free(b->sql);
	free(b);
}

int demo_history_run(const config_t *cfg, db_conn_t *c, int64_t now, demo_batch_t *b, demo_prep_fn prep, demo_day_fn fn,
		     void *ud, const char *what, const int64_t *count)
{
	if (demo_history_days(cfg) <= 0) {
		demo_batch_free(b);
		return 0;
	}
	int rc = db_begin(c);
	if (!rc && prep)
		rc = prep(c, ud);
	if (!rc)
		rc = demo_history_each(cfg, now, fn, ud);
	if (!rc)
		rc = demo_batch_flush(b);
	if (!rc)
		rc = db_commit(c);
	else
		db_rollback(c);
	if (!rc)
		log_info("demo: %lld %s", (long long)*count, what);
	demo_batch_free(b);
	return rc;
}

int64_t demo_kept_from(const config_t *cfg, const char *key, int64_t now)
{
	return now - config_int(cfg, key) * 86400;
}

void demo_name(char *s, size_t len, int who)
{
	snprintf(s, len, "Persona de prova %05d", who);
}

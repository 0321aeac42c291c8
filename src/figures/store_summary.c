/* store_summary.c — the SQL of the daily summary of the series figures (summary.c,
 * migrations/figures/001_summary.sql): the days summarised, their rows, their replacement in one
 * transaction, and the lease and rolling cursor of the job. */
#include "figures/internal.h"

#include "base/buf.h"
#include "base/err.h"

#include <string.h>

typedef struct {
	int32_t d0, d1;
	bool *mark;
} days_ud_t;

static int day_row(db_res_t *r, void *ud)
{
	days_ud_t *u = ud;
	int32_t d;
	if (!tz_date_parse(db_res_text(r, 0), &d) && d >= u->d0 && d <= u->d1)
		u->mark[d - u->d0] = true;
	return 0;
}

int fg_store_days(db_conn_t *c, const char *figure, const char *cols, int32_t d0, int32_t d1, bool *mark)
{
	char from[TZ_DATE_LEN], to[TZ_DATE_LEN];
	tz_date_format(d0, from);
	tz_date_format(d1, to);
	db_param_t p[] = {DB_TEXT(figure), DB_TEXT(cols), DB_TEXT(from), DB_TEXT(to)};
	days_ud_t u = {d0, d1, mark};
	return db_query_each(c, "SELECT day FROM fg_days WHERE figure = $1 AND cols = $2 AND day >= $3 AND day <= $4",
			     p, 4, day_row, &u);
}

typedef struct {
	int32_t d0, d1;
	bool *mark;
	int (*fn)(const fg_srow_t *r, void *ud);
	void *ud;
} read_ud_t;

static int read_row(db_res_t *r, void *ud)
{
	read_ud_t *u = ud;
	int32_t d;
	if (tz_date_parse(db_res_text(r, 0), &d) || d < u->d0 || d > u->d1)
		return 0;
	u->mark[d - u->d0] = true;
	if (db_res_null(r, 1)) /* a day held that counted nothing (for this office and channel) */
		return 0;
	fg_srow_t s = {db_res_text(r, 0), db_res_text(r, 1), db_res_text(r, 2), {0}};
	for (int i = 0; i < CAP_FIG_COLS; i++)
		s.v[i] = db_res_int(r, 3 + i);
	return u->fn(&s, u->ud);
}

/* sql over a figure's days d0..d1 with $1 figure, $2 cols, $3 from, $4 to, $5 office, $6 channel. */
static int period_each(db_conn_t *c, const char *figure, const char *cols, int32_t d0, int32_t d1, const char *office,
		       const char *channel, const char *sql, int (*row)(db_res_t *r, void *ud), void *ud)
{
	char from[TZ_DATE_LEN], to[TZ_DATE_LEN];
	tz_date_format(d0, from);
	tz_date_format(d1, to);
	db_param_t p[] = {DB_TEXT(figure), DB_TEXT(cols),   DB_TEXT(from),
			  DB_TEXT(to),     DB_TEXT(office), DB_TEXT(channel)};
	return db_query_each(c, sql, p, 6, row, ud);
}

int fg_store_read(db_conn_t *c, const char *figure, const char *cols, int32_t d0, int32_t d1, const char *office,
		  const char *channel, bool *mark, int (*fn)(const fg_srow_t *r, void *ud), void *ud)
{
	read_ud_t u = {d0, d1, mark, fn, ud};
	return period_each(c, figure, cols, d0, d1, office, channel,
			   "SELECT d.day, r.office, r.channel, r.v0, r.v1, r.v2, r.v3, r.v4, r.v5 FROM fg_days d "
			   "LEFT JOIN fg_daily r ON r.figure = d.figure AND r.day = d.day "
			   "AND ($5 = '' OR r.office = $5) AND ($6 = '' OR r.channel = $6) "
			   "WHERE d.figure = $1 AND d.cols = $2 AND d.day >= $3 AND d.day <= $4 ORDER BY d.day",
			   read_row, &u);
}

typedef struct {
	int32_t d0, d1;
	bool *mark;
	int (*fn)(const char *key, const int64_t *v, void *ud);
	void *ud;
} sums_ud_t;

static int sums_row(db_res_t *r, void *ud)
{
	sums_ud_t *u = ud;
	const char *day = db_res_text(r, 0);
	if (*day) { /* a day held */
		int32_t d;
		if (!tz_date_parse(day, &d) && d >= u->d0 && d <= u->d1)
			u->mark[d - u->d0] = true;
		return 0;
	}
	int64_t v[CAP_FIG_COLS];
	for (int i = 0; i < CAP_FIG_COLS; i++)
		v[i] = db_res_int(r, 2 + i);
	return u->fn(db_res_text(r, 1), v, u->ud);
}

int fg_store_sums(db_conn_t *c, const char *figure, const char *cols, int32_t d0, int32_t d1, const char *office,
		  const char *channel, bool *mark, int (*fn)(const char *key, const int64_t *v, void *ud), void *ud)
{
	sums_ud_t u = {d0, d1, mark, fn, ud};
	/* one statement, so the days held and the sums are of one moment of the summary */
	return period_each(c, figure, cols, d0, d1, office, channel,
			   "SELECT d.day, '', 0, 0, 0, 0, 0, 0 FROM fg_days d "
			   "WHERE d.figure = $1 AND d.cols = $2 AND d.day >= $3 AND d.day <= $4 "
			   "UNION ALL SELECT '', r.label, CAST(SUM(r.v0) AS BIGINT), CAST(SUM(r.v1) AS BIGINT), "
			   "CAST(SUM(r.v2) AS BIGINT), CAST(SUM(r.v3) AS BIGINT), CAST(SUM(r.v4) AS BIGINT), "
			   "CAST(SUM(r.v5) AS BIGINT) FROM fg_daily_label r JOIN fg_days d ON d.figure = r.figure "
			   "AND d.day = r.day "
			   "AND d.cols = $2 WHERE r.figure = $1 AND r.day >= $3 AND r.day <= $4 AND ($5 = '' OR "
			   "r.office = $5) "
			   "AND ($6 = '' OR r.channel = $6) GROUP BY r.label",
			   sums_row, &u);
}

static const char *nz(const char *s)
{
	return s ? s : "";
}

#define BATCH 50 /* rows per INSERT: at most 11 placeholders each, under SQLite's limit of 999 */

/* The rows of figure, BATCH to a statement: into fg_daily (a series: the row's label is its day)
 * or, labels, into fg_daily_label (an additive table's rows by day: its day and its key). An upsert that replaces:
 * were another node to write the same days at the same time (its lease expired mid-run), both
 * write what they counted, and neither adds to the other. */
static int insert_rows(db_conn_t *c, buf_t *b, const char *figure, bool labels, const cap_fig_row_t *rows, size_t n)
{
	db_param_t p[1 + BATCH * 11];
	int rc = 0;
	for (size_t i = 0; !rc && i < n; i += BATCH) {
		size_t k = n - i < BATCH ? n - i : BATCH;
		int np = 0;
		p[np++] = DB_TEXT(figure);
		buf_reset(b);
		(void)buf_puts(b,
			       labels ? "INSERT INTO fg_daily_label (figure, day, label, office, channel, v0, v1, v2, "
					"v3, v4, v5) VALUES "
				      : "INSERT INTO fg_daily (figure, day, office, channel, v0, v1, v2, v3, v4, v5) "
					"VALUES ");
		for (size_t j = 0; j < k; j++) {
			const cap_fig_row_t *r = &rows[i + j];
			(void)buf_puts(b, j ? ", ($1" : "($1");
			db_param_t q[] = {DB_TEXT(labels ? nz(r->day) : r->label),
					  DB_TEXT(r->label),
					  DB_TEXT(nz(r->office)),
					  DB_TEXT(nz(r->channel)),
					  DB_INT(r->v[0]),
					  DB_INT(r->v[1]),
					  DB_INT(r->v[2]),
					  DB_INT(r->v[3]),
					  DB_INT(r->v[4]),
					  DB_INT(r->v[5])};
			for (size_t m = 0; m < sizeof q / sizeof *q; m++) {
				if (m == 1 && !labels)
					continue;
				p[np++] = q[m];
				(void)buf_printf(b, ", $%d", np);
			}
			(void)buf_puts(b, ")");
		}
		(void)buf_puts(b, labels ? " ON CONFLICT (figure, day, label, office, channel)"
					 : " ON CONFLICT (figure, day, office, channel)");
		(void)buf_puts(b,
			       " DO UPDATE SET v0 = excluded.v0, v1 = excluded.v1, v2 = excluded.v2, v3 = excluded.v3, "
			       "v4 = excluded.v4, v5 = excluded.v5");
		int64_t x = db_exec(c, buf_str(b), p, np);
		rc = x < 0 ? (int)x : 0;
	}
	return rc;
}

/* The days d0..d1 of figure marked as held with cols at built_at, in one statement (at most 31). */
static int mark_days(db_conn_t *c, buf_t *b, const char *figure, const char *cols, int32_t d0, int32_t d1,
		     int64_t built_at)
{
	char days[32][TZ_DATE_LEN];
	db_param_t p[3 + 32];
	if (d1 - d0 + 1 > 32)
		return ERR_INVALID;
	int np = 0;
	p[np++] = DB_TEXT(figure);
	p[np++] = DB_TEXT(cols);
	p[np++] = DB_INT(built_at);
	buf_reset(b);
	(void)buf_puts(b, "INSERT INTO fg_days (figure, day, cols, built_at) VALUES ");
	for (int32_t d = d0; d <= d1; d++) {
		tz_date_format(d, days[d - d0]);
		p[np++] = DB_TEXT(days[d - d0]);
		(void)buf_printf(b, "%s($1, $%d, $2, $3)", d > d0 ? ", " : "", np);
	}
	(void)buf_puts(b,
		       " ON CONFLICT (figure, day) DO UPDATE SET cols = excluded.cols, built_at = excluded.built_at");
	int64_t x = db_exec(c, buf_str(b), p, np);
	return x < 0 ? (int)x : 0;
}

int fg_store_replace(db_conn_t *c, const char *figure, const char *cols, int32_t d0, int32_t d1, bool labels,
		     const cap_fig_row_t *rows, size_t n, int64_t built_at)
{
	char from[TZ_DATE_LEN], to[TZ_DATE_LEN];
	tz_date_format(d0, from);
	tz_date_format(d1, to);
	int rc = db_begin(c);
	if (rc)
		return rc;
	buf_t b;
	buf_init(&b, 1 << 16);
	db_param_t dp[] = {DB_TEXT(figure), DB_TEXT(from), DB_TEXT(to)};
	int64_t x = db_exec(c,
			    labels ? "DELETE FROM fg_daily_label WHERE figure = $1 AND day >= $2 AND day <= $3"
				   : "DELETE FROM fg_daily WHERE figure = $1 AND day >= $2 AND day <= $3",
			    dp, 3);
	rc = x < 0 ? (int)x : 0;
	if (!rc)
		rc = insert_rows(c, &b, figure, labels, rows, n);
	if (!rc)
		rc = mark_days(c, &b, figure, cols, d0, d1, built_at);
	buf_free(&b);
	if (rc) {
		db_rollback(c);
		return rc;
	}
	return db_commit(c);
}

int fg_store_lease(db_conn_t *c, const char *holder, int64_t now, int64_t until)
{
	db_param_t p[] = {DB_TEXT(holder), DB_INT(until), DB_INT(now)};
	return db_exec_any(c,
			   "UPDATE fg_summary SET holder = $1, until_at = $2 "
			   "WHERE name = 'daily' AND (until_at <= $3 OR holder = $1)",
			   p, 3);
}

int fg_store_cursor(db_conn_t *c, arena_t *a, const char **day)
{
	return db_query_str(c, a, "SELECT cursor_day FROM fg_summary WHERE name = 'daily'", NULL, 0, day);
}

int fg_store_done(db_conn_t *c, const char *holder, const char *cursor, int64_t now)
{
	db_param_t p[] = {DB_TEXT(holder), DB_TEXT(cursor), DB_INT(now)};
	int64_t x = db_exec(c,
			    "UPDATE fg_summary SET cursor_day = $2, last_run = $3, runs = runs + 1, until_at = 0 "
			    "WHERE name = 'daily' AND holder = $1",
			    p, 3);
	return x < 0 ? (int)x : 0;
}

typedef struct {
	cap_fig_out_t *out;
	bool labels;
} rows_ud_t;

static int held_row(db_res_t *r, void *ud)
{
	rows_ud_t *u = ud;
	cap_fig_out_t *o = u->out;
	cap_fig_row_t *x = ARENA_PUSH(o->a, o->rows, o->n, o->cap);
	x->label = arena_strdup(o->a, db_res_text(r, 1));
	x->office = arena_strdup(o->a, db_res_text(r, 2));
	x->channel = arena_strdup(o->a, db_res_text(r, 3));
	x->day = u->labels ? arena_strdup(o->a, db_res_text(r, 0)) : NULL;
	for (int i = 0; i < CAP_FIG_COLS; i++)
		x->v[i] = db_res_int(r, 4 + i);
	return 0;
}

int fg_store_rows(db_conn_t *c, const char *figure, int32_t d0, int32_t d1, bool labels, cap_fig_out_t *out)
{
	char from[TZ_DATE_LEN], to[TZ_DATE_LEN];
	tz_date_format(d0, from);
	tz_date_format(d1, to);
	db_param_t p[] = {DB_TEXT(figure), DB_TEXT(from), DB_TEXT(to)};
	rows_ud_t u = {out, labels};
	return db_query_each(c,
			     labels ? "SELECT day, label, office, channel, v0, v1, v2, v3, v4, v5 FROM fg_daily_label "
				      "WHERE figure = $1 AND day >= $2 AND day <= $3"
				    : "SELECT day, day, office, channel, v0, v1, v2, v3, v4, v5 FROM fg_daily "
				      "WHERE figure = $1 AND day >= $2 AND day <= $3",
			     p, 3, held_row, &u);
}

int fg_store_mark(db_conn_t *c, const char *figure, const char *cols, int32_t d0, int32_t d1, int64_t built_at)
{
	buf_t b;
	buf_init(&b, 4096);
	int rc = mark_days(c, &b, figure, cols, d0, d1, built_at);
	buf_free(&b);
	return rc;
}

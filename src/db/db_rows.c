/* db_rows.c — the row readers over db_query (db.h): each row to a callback, one row, integers,
 * a string, and rows into arena arrays through a fill function. */
#include "db/db.h"

#include "base/arena.h"
#include "base/err.h"

#include <string.h>

/* ---- row readers ---- */

/* Calls fn for each row (the first only when one); ERR_NOT_FOUND when one finds none. */
static int walk(db_conn_t *c, const char *sql, const db_param_t *p, int n, db_row_fn fn, void *ud, bool one)
{
	db_res_t *r;
	int rc = db_query(c, sql, p, n, &r);
	if (rc)
		return rc;
	bool seen = false;
	while ((rc = db_res_next(r)) == 1) {
		seen = true;
		if ((rc = fn(r, ud)) != 0 || one)
			break;
	}
	db_res_free(r);
	return rc ? rc : one && !seen ? ERR_NOT_FOUND : 0;
}

int db_query_each(db_conn_t *c, const char *sql, const db_param_t *p, int n, db_row_fn fn, void *ud)
{
	return walk(c, sql, p, n, fn, ud, false);
}

int db_query_one(db_conn_t *c, const char *sql, const db_param_t *p, int n, db_row_fn fn, void *ud)
{
	return walk(c, sql, p, n, fn, ud, true);
}

typedef struct {
	int64_t *out;
	int ncols;
} ints_t;

static int read_ints(db_res_t *r, void *ud)
{
	ints_t *x = ud;
	for (int i = 0; i < x->ncols; i++)
		x->out[i] = db_res_int(r, i);
	return 0;
}

int db_query_ints(db_conn_t *c, const char *sql, const db_param_t *p, int n, int64_t *out, int ncols)
{
	return db_query_one(c, sql, p, n, read_ints, &(ints_t){out, ncols});
}

typedef struct {
	arena_t *a;
	size_t size, n, cap;
	void *items;
	db_fill_fn fill;
} rows_t;

static int collect_row(db_res_t *r, void *ud)
{
	rows_t *x = ud;
	x->items = arena_grow(x->a, x->items, x->n, &x->cap, x->size);
	void *item = (char *)x->items + x->n++ * x->size;
	memset(item, 0, x->size);
	x->fill(r, item, x->a);
	return 0;
}

int db_query_rows(db_conn_t *c, arena_t *a, const char *sql, const db_param_t *p, int n, size_t size, db_fill_fn fill,
		  void **out, size_t *count)
{
	rows_t x = {a, size, 0, 0, NULL, fill};
	int rc = db_query_each(c, sql, p, n, collect_row, &x);
	if (rc)
		return rc;
	*out = x.items;
	*count = x.n;
	return 0;
}

typedef struct {
	arena_t *a;
	void *item;
	db_fill_fn fill;
} item_t;

static int fill_item(db_res_t *r, void *ud)
{
	item_t *x = ud;
	x->fill(r, x->item, x->a);
	return 0;
}

int db_query_item(db_conn_t *c, arena_t *a, const char *sql, const db_param_t *p, int n, db_fill_fn fill, void *item)
{
	item_t x = {a, item, fill};
	return db_query_one(c, sql, p, n, fill_item, &x);
}

void db_fill_int(db_res_t *r, void *item, arena_t *a)
{
	*(int64_t *)item = db_res_int(r, 0);
}

static void str_fill(db_res_t *r, void *item, arena_t *a)
{
	*(const char **)item = arena_strdup(a, db_res_text(r, 0));
}

int db_query_str(db_conn_t *c, arena_t *a, const char *sql, const db_param_t *p, int n, const char **out)
{
	return db_query_item(c, a, sql, p, n, str_fill, out);
}

const char *db_res_astr(db_res_t *r, int col, arena_t *a)
{
	return arena_strdup(a, db_res_text(r, col));
}

const char *db_res_anull(db_res_t *r, int col, arena_t *a)
{
	return db_res_null(r, col) ? NULL : arena_strdup(a, db_res_text(r, col));
}

void db_res_copy(const db_res_t *r, int col, char *dst, size_t size)
{
	const char *s = db_res_text(r, col);
	size_t n = strnlen(s, size - 1);
	memcpy(dst, s, n);
	dst[n] = '\0';
}

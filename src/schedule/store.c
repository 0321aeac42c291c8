/* store.c — every SQL statement of the schedule capability (see store.h). */
#include "schedule/store.h"

#include "base/err.h"

#include <stdlib.h>
#include <string.h>

static const char *adup(arena_t *a, const char *s)
{
	return arena_strdup(a, s ? s : "");
}

static int exec_rc(int64_t n)
{
	return n < 0 ? (int)n : 0;
}

/* ---------------------------------------------------------------- opening hours */

static void hours_row(db_res_t *res, void *item, arena_t *a)
{
	sched_hours_t *h = item;
	h->id = db_res_int(res, 0);
	h->office_id = db_res_int(res, 1);
	h->weekday = (int)db_res_int(res, 2);
	h->open_min = (int)db_res_int(res, 3);
	h->close_min = (int)db_res_int(res, 4);
	h->valid_from = adup(a, db_res_text(res, 5));
	h->valid_to = adup(a, db_res_text(res, 6));
}

int sched_store_hours(db_conn_t *c, arena_t *a, int64_t office_id, sched_hours_t **out, size_t *n)
{
	db_param_t p[] = {DB_INT(office_id)};
	return DB_QUERY_ROWS(c, a,
			     "SELECT id, office_id, weekday, open_min, close_min, valid_from, COALESCE(valid_to, '') "
			     "FROM opening_hours WHERE office_id = $1 "
			     "ORDER BY valid_from, COALESCE(valid_to, ''), weekday, open_min LIMIT 5000",
			     p, 1, hours_row, out, n);
}

static int hours_delete(db_conn_t *c, int64_t office_id, const char *from, const char *to, int64_t *deleted)
{
	db_param_t p[] = {DB_INT(office_id), DB_TEXT(from), DB_TEXT(to ? to : "")};
	int64_t r = db_exec(c,
			    "DELETE FROM opening_hours WHERE office_id = $1 AND valid_from = $2 "
			    "AND COALESCE(valid_to, '') = $3",
			    p, 3);
	if (r < 0)
		return (int)r;
	*deleted = r;
	return 0;
}

int sched_store_hours_replace(db_conn_t *c, int64_t office_id, const char *old_from, const char *old_to,
			      const sched_hours_t *rows, size_t n)
{
	int64_t gone = 0;
	int rc = old_from ? hours_delete(c, office_id, old_from, old_to, &gone) : 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const char *to = rows[i].valid_to && *rows[i].valid_to ? rows[i].valid_to : NULL;
		db_param_t p[] = {DB_INT(office_id),         DB_INT(rows[i].weekday),     DB_INT(rows[i].open_min),
				  DB_INT(rows[i].close_min), DB_TEXT(rows[i].valid_from), DB_TEXT(to)};
		rc = exec_rc(db_exec(c,
				     "INSERT INTO opening_hours (office_id, weekday, open_min, close_min, valid_from, "
				     "valid_to) "
				     "VALUES ($1, $2, $3, $4, $5, $6)",
				     p, 6));
	}
	return rc;
}

int sched_store_hours_delete(db_conn_t *c, int64_t office_id, const char *from, const char *to)
{
	int64_t gone = 0;
	int rc = hours_delete(c, office_id, from, to, &gone);
	if (rc == 0 && gone == 0)
		rc = ERR_NOT_FOUND;
	return rc;
}

/* ---------------------------------------------------------------- closures */

static void closures_row(db_res_t *res, void *item, arena_t *a)
{
	sched_closure_t *x = item;
	x->id = db_res_int(res, 0);
	x->office_id = db_res_int(res, 1);
	x->day = adup(a, db_res_text(res, 2));
	x->reason = adup(a, db_res_text(res, 3));
}

int sched_store_closures(db_conn_t *c, arena_t *a, int64_t office_id, const char *from, const char *to,
			 sched_closure_t **out, size_t *n)
{
	db_param_t p[] = {DB_INT(office_id), DB_TEXT(from), DB_TEXT(to)};
	return DB_QUERY_ROWS(c, a,
			     "SELECT id, office_id, day, reason FROM closures "
			     "WHERE office_id = $1 AND day >= $2 AND day <= $3 ORDER BY day LIMIT 5000",
			     p, 3, closures_row, out, n);
}

int sched_store_closure_add(db_conn_t *c, int64_t office_id, const char *day, const char *reason, int64_t *id)
{
	db_param_t p[] = {DB_INT(office_id), DB_TEXT(day), DB_TEXT(reason ? reason : "")};
	int64_t v = 0;
	int rc = db_query_int(c, "INSERT INTO closures (office_id, day, reason) VALUES ($1, $2, $3) RETURNING id", p, 3,
			      &v);
	if (rc == 0 && id)
		*id = v;
	return rc;
}

int sched_store_closure_delete(db_conn_t *c, int64_t office_id, int64_t id)
{
	db_param_t p[] = {DB_INT(id), DB_INT(office_id)};
	return db_exec_one(c, "DELETE FROM closures WHERE id = $1 AND office_id = $2", p, 2);
}

/* ---------------------------------------------------------------- holidays */

static void holidays_row(db_res_t *res, void *item, arena_t *a)
{
	sched_holiday_row_t *x = item;
	x->id = db_res_int(res, 0);
	x->h.day = adup(a, db_res_text(res, 1));
	x->h.scope = adup(a, db_res_text(res, 2));
	x->h.name_ca = adup(a, db_res_text(res, 3));
	x->h.name_es = adup(a, db_res_text(res, 4));
	x->h.name_en = adup(a, db_res_text(res, 5));
}

int sched_store_holidays(db_conn_t *c, arena_t *a, const char *from, const char *to, sched_holiday_row_t **out,
			 size_t *n)
{
	db_param_t p[] = {DB_TEXT(from), DB_TEXT(to)};
	return DB_QUERY_ROWS(c, a,
			     "SELECT id, day, scope, name_ca, name_es, name_en FROM holidays "
			     "WHERE day >= $1 AND day <= $2 ORDER BY day, scope LIMIT 5000",
			     p, 2, holidays_row, out, n);
}

int sched_store_holiday_upsert(db_conn_t *c, const schedule_holiday_t *h)
{
	db_param_t p[] = {DB_TEXT(h->day), DB_TEXT(h->scope), DB_TEXT(h->name_ca), DB_TEXT(h->name_es),
			  DB_TEXT(h->name_en)};
	return exec_rc(
		db_exec(c,
			"INSERT INTO holidays (day, scope, name_ca, name_es, name_en) VALUES ($1, $2, $3, $4, $5) "
			"ON CONFLICT (day, scope) DO UPDATE SET name_ca = excluded.name_ca, "
			"name_es = excluded.name_es, name_en = excluded.name_en",
			p, 5));
}

int sched_store_holiday_delete(db_conn_t *c, int64_t id)
{
	db_param_t p[] = {DB_INT(id)};
	return db_exec_one(c, "DELETE FROM holidays WHERE id = $1", p, 1);
}

static void year_row(db_res_t *res, void *item, arena_t *a)
{
	*(int *)item = (int)strtol(db_res_text(res, 0), NULL, 10);
}

int sched_store_holiday_years(db_conn_t *c, arena_t *a, int **out, size_t *n)
{
	return DB_QUERY_ROWS(c, a, "SELECT DISTINCT substr(day, 1, 4) AS y FROM holidays ORDER BY y LIMIT 500", NULL, 0,
			     year_row, out, n);
}

/* ---------------------------------------------------------------- shifts and skills */

static void shifts_row(db_res_t *res, void *item, arena_t *a)
{
	sched_shift_t *s = item;
	s->id = db_res_int(res, 0);
	s->user_id = db_res_int(res, 1);
	s->office_id = db_res_int(res, 2);
	s->channel = adup(a, db_res_text(res, 3));
	s->day = adup(a, db_res_text(res, 4));
	s->start_min = (int)db_res_int(res, 5);
	s->end_min = (int)db_res_int(res, 6);
}

int sched_store_shifts(db_conn_t *c, arena_t *a, int64_t office_id, const char *from, const char *to,
		       sched_shift_t **out, size_t *n)
{
	db_param_t p[] = {DB_INT(office_id), DB_TEXT(from), DB_TEXT(to)};
	return DB_QUERY_ROWS(c, a,
			     "SELECT id, user_id, office_id, channel, day, start_min, end_min FROM staff_shifts "
			     "WHERE (office_id = $1 OR $1 = 0) AND day >= $2 AND day <= $3 "
			     "ORDER BY day, start_min, user_id, id LIMIT 5000",
			     p, 3, shifts_row, out, n);
}

int sched_store_shift_add(db_conn_t *c, const sched_shift_t *s, int64_t *id)
{
	db_param_t p[] = {DB_INT(s->user_id), DB_INT(s->office_id), DB_TEXT(s->channel),
			  DB_TEXT(s->day),    DB_INT(s->start_min), DB_INT(s->end_min)};
	int64_t v = 0;
	int rc = db_query_int(c,
			      "INSERT INTO staff_shifts (user_id, office_id, channel, day, start_min, end_min) "
			      "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
			      p, 6, &v);
	if (rc == 0 && id)
		*id = v;
	return rc;
}

int sched_store_shift_office(db_conn_t *c, int64_t id, int64_t *office_id)
{
	db_param_t p[] = {DB_INT(id)};
	return db_query_int(c, "SELECT office_id FROM staff_shifts WHERE id = $1", p, 1, office_id);
}

int sched_store_shift_delete(db_conn_t *c, int64_t id, int64_t *office_id)
{
	db_param_t p[] = {DB_INT(id)};
	int64_t v = 0;
	int rc = db_query_int(c, "DELETE FROM staff_shifts WHERE id = $1 RETURNING office_id", p, 1, &v);
	if (rc == 0 && office_id)
		*office_id = v;
	return rc;
}

int sched_store_skills_of(db_conn_t *c, arena_t *a, int64_t user_id, int64_t **out, size_t *n)
{
	db_param_t p[] = {DB_INT(user_id)};
	return DB_QUERY_ROWS(c, a,
			     "SELECT procedure_id FROM staff_skills WHERE user_id = $1 "
			     "ORDER BY procedure_id LIMIT 5000",
			     p, 1, db_fill_int, out, n);
}

/* Replaces the links of id (DELETE … WHERE x = $1) with one row per item (INSERT … ($1, $2)). */
static int set_links(db_conn_t *c, const char *del, const char *ins, int64_t id, const int64_t *items, size_t n)
{
	db_param_t p[] = {DB_INT(id)};
	int rc = exec_rc(db_exec(c, del, p, 1));
	for (size_t i = 0; rc == 0 && i < n; i++) {
		db_param_t q[] = {DB_INT(id), DB_INT(items[i])};
		rc = exec_rc(db_exec(c, ins, q, 2));
	}
	return rc;
}

int sched_store_skills_set(db_conn_t *c, int64_t user_id, const int64_t *procs, size_t n)
{
	return set_links(c, "DELETE FROM staff_skills WHERE user_id = $1",
			 "INSERT INTO staff_skills (user_id, procedure_id) VALUES ($1, $2) "
			 "ON CONFLICT (user_id, procedure_id) DO NOTHING",
			 user_id, procs, n);
}

static void skills_at_row(db_res_t *res, void *item, arena_t *a)
{
	sched_skill_t *s = item;
	s->user_id = db_res_int(res, 0);
	s->procedure_id = db_res_int(res, 1);
}

int sched_store_skills_at(db_conn_t *c, arena_t *a, int64_t office_id, const char *from, const char *to,
			  sched_skill_t **out, size_t *n)
{
	db_param_t p[] = {DB_INT(office_id), DB_TEXT(from), DB_TEXT(to)};
	return DB_QUERY_ROWS(c, a,
			     "SELECT user_id, procedure_id FROM staff_skills WHERE user_id IN "
			     "(SELECT user_id FROM staff_shifts WHERE office_id = $1 AND day >= $2 AND day <= $3) "
			     "ORDER BY user_id, procedure_id LIMIT 20000",
			     p, 3, skills_at_row, out, n);
}

/* ---------------------------------------------------------------- rules */

#define RULE_COLS                                                                                                      \
	"id, office_id, channel, weekdays, every_weeks, valid_from, COALESCE(valid_to, ''), start_min, end_min, "      \
	"slot_min, COALESCE(capacity, -1), staff_share, horizon_days, min_notice_min, COALESCE(release_days, -1), "    \
	"COALESCE(release_min, -1), active, created_at, updated_at"

static void rule_row(db_res_t *res, void *item, arena_t *a)
{
	sched_rule_t *r = item;
	memset(r, 0, sizeof *r);
	r->id = db_res_int(res, 0);
	r->office_id = db_res_int(res, 1);
	r->channel = adup(a, db_res_text(res, 2));
	r->weekdays = adup(a, db_res_text(res, 3));
	r->every_weeks = (int)db_res_int(res, 4);
	r->valid_from = adup(a, db_res_text(res, 5));
	r->valid_to = adup(a, db_res_text(res, 6));
	r->start_min = (int)db_res_int(res, 7);
	r->end_min = (int)db_res_int(res, 8);
	r->slot_min = (int)db_res_int(res, 9);
	r->capacity = (int)db_res_int(res, 10);
	r->staff_share = (int)db_res_int(res, 11);
	r->horizon_days = (int)db_res_int(res, 12);
	r->min_notice_min = (int)db_res_int(res, 13);
	r->release_days = (int)db_res_int(res, 14);
	r->release_min = (int)db_res_int(res, 15);
	r->active = db_res_int(res, 16) != 0;
	r->created_at = db_res_int(res, 17);
	r->updated_at = db_res_int(res, 18);
}

typedef int64_t pair_t[2];

/* The first two columns as a pair of ids. */
static void pair_row(db_res_t *res, void *item, arena_t *a)
{
	int64_t *pair = item;
	pair[0] = db_res_int(res, 0);
	pair[1] = db_res_int(res, 1);
}

/* Fills procs of each rule (rules sorted by id is not required). */
static int rule_procs(db_conn_t *c, arena_t *a, sched_rule_t *rules, size_t n, int64_t office_id, int64_t rule_id)
{
	if (n == 0)
		return 0;
	db_param_t p[] = {DB_INT(office_id), DB_INT(rule_id)};
	pair_t *pairs;
	size_t np;
	int rc = DB_QUERY_ROWS(c, a,
			       "SELECT rp.rule_id, rp.procedure_id FROM rule_procedures rp "
			       "JOIN availability_rules r ON r.id = rp.rule_id "
			       "WHERE (r.office_id = $1 OR $1 = 0) AND (r.id = $2 OR $2 = 0) "
			       "ORDER BY rp.rule_id, rp.procedure_id LIMIT 20000",
			       p, 2, pair_row, &pairs, &np);
	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++) {
		size_t k = 0;
		for (size_t j = 0; j < np; j++)
			k += pairs[j][0] == rules[i].id;
		rules[i].procs = arena_alloc(a, (k ? k : 1) * sizeof(int64_t));
		rules[i].nprocs = 0;
		for (size_t j = 0; j < np; j++)
			if (pairs[j][0] == rules[i].id)
				rules[i].procs[rules[i].nprocs++] = pairs[j][1];
	}
	return 0;
}

int sched_store_rules(db_conn_t *c, arena_t *a, int64_t office_id, sched_rule_t **out, size_t *n)
{
	db_param_t p[] = {DB_INT(office_id)};
	sched_rule_t *rules;
	size_t nrules;
	int rc = DB_QUERY_ROWS(c, a,
			       "SELECT " RULE_COLS " FROM availability_rules WHERE office_id = $1 "
			       "ORDER BY active DESC, channel, valid_from, start_min, id LIMIT 1000",
			       p, 1, rule_row, &rules, &nrules);
	if (!rc)
		rc = rule_procs(c, a, rules, nrules, office_id, 0);
	if (rc)
		return rc;
	*out = rules;
	*n = nrules;
	return 0;
}

int sched_store_rule_get(db_conn_t *c, arena_t *a, int64_t id, sched_rule_t *out)
{
	db_param_t p[] = {DB_INT(id)};
	int rc = db_query_item(c, a, "SELECT " RULE_COLS " FROM availability_rules WHERE id = $1", p, 1, rule_row, out);
	return rc ? rc : rule_procs(c, a, out, 1, 0, id);
}

static int rule_set_procs(db_conn_t *c, int64_t id, const int64_t *procs, size_t n)
{
	db_touch(c); /* bookable seats change (booking's availability in memory) */
	return set_links(c, "DELETE FROM rule_procedures WHERE rule_id = $1",
			 "INSERT INTO rule_procedures (rule_id, procedure_id) VALUES ($1, $2) "
			 "ON CONFLICT (rule_id, procedure_id) DO NOTHING",
			 id, procs, n);
}

/* Parameters $1..$15 shared by insert and update. */
#define RULE_PARAMS(r)                                                                                                 \
	DB_TEXT((r)->channel), DB_TEXT((r)->weekdays), DB_INT((r)->every_weeks), DB_TEXT((r)->valid_from),             \
		DB_TEXT((r)->valid_to &&*(r)->valid_to ? (r)->valid_to : NULL), DB_INT((r)->start_min),                \
		DB_INT((r)->end_min), DB_INT((r)->slot_min), (r)->capacity >= 0 ? DB_INT((r)->capacity) : DB_NULLP,    \
		DB_INT((r)->staff_share), DB_INT((r)->horizon_days), DB_INT((r)->min_notice_min),                      \
		(r)->release_days >= 0 ? DB_INT((r)->release_days) : DB_NULLP,                                         \
		(r)->release_days >= 0 ? DB_INT((r)->release_min) : DB_NULLP, DB_INT((r)->active ? 1 : 0)

int sched_store_rule_insert(db_conn_t *c, const sched_rule_t *r, int64_t now, int64_t *id)
{
	db_touch(c); /* bookable seats change (booking's availability in memory) */
	db_param_t p[] = {RULE_PARAMS(r), DB_INT(r->office_id), DB_INT(now)};
	int64_t v = 0;
	int rc =
		db_query_int(c,
			     "INSERT INTO availability_rules (channel, weekdays, every_weeks, valid_from, valid_to, "
			     "start_min, end_min, slot_min, capacity, staff_share, horizon_days, min_notice_min, "
			     "release_days, release_min, active, office_id, created_at, updated_at) "
			     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) "
			     "RETURNING id",
			     p, 17, &v);
	if (rc == 0)
		rc = rule_set_procs(c, v, r->procs, r->nprocs);
	if (rc == 0 && id)
		*id = v;
	return rc;
}

int sched_store_rule_update(db_conn_t *c, const sched_rule_t *r, int64_t now)
{
	db_touch(c); /* bookable seats change (booking's availability in memory) */
	db_param_t p[] = {RULE_PARAMS(r), DB_INT(r->id), DB_INT(now)};
	int64_t n =
		db_exec(c,
			"UPDATE availability_rules SET channel = $1, weekdays = $2, every_weeks = $3, valid_from = $4, "
			"valid_to = $5, start_min = $6, end_min = $7, slot_min = $8, capacity = $9, staff_share = $10, "
			"horizon_days = $11, min_notice_min = $12, release_days = $13, release_min = $14, "
			"active = $15, updated_at = $17 WHERE id = $16",
			p, 17);
	if (n < 0)
		return (int)n;
	if (n == 0)
		return ERR_NOT_FOUND;
	return rule_set_procs(c, r->id, r->procs, r->nprocs);
}

int sched_store_rule_set_active(db_conn_t *c, int64_t id, bool active, int64_t now)
{
	db_touch(c); /* bookable seats change (booking's availability in memory) */
	db_param_t p[] = {DB_INT(id), DB_INT(active ? 1 : 0), DB_INT(now)};
	return db_exec_one(c, "UPDATE availability_rules SET active = $2, updated_at = $3 WHERE id = $1", p, 3);
}

int sched_store_rule_offices(db_conn_t *c, arena_t *a, int64_t **out, size_t *n)
{
	return DB_QUERY_ROWS(c, a, "SELECT DISTINCT office_id FROM availability_rules ORDER BY office_id LIMIT 10000",
			     NULL, 0, db_fill_int, out, n);
}

/* ---------------------------------------------------------------- slots */

#define SLOT_COLS                                                                                                      \
	"s.id, s.rule_id, s.office_id, s.channel, s.day, s.start_at, s.end_at, s.release_at, s.capacity, "             \
	"s.staff_capacity, s.booked, s.staff_booked, s.active"

static void slot_row(db_res_t *res, void *item, arena_t *a)
{
	sched_slot_t *s = item;
	memset(s, 0, sizeof *s);
	s->id = db_res_int(res, 0);
	s->rule_id = db_res_int(res, 1);
	s->office_id = db_res_int(res, 2);
	s->channel = adup(a, db_res_text(res, 3));
	s->day = adup(a, db_res_text(res, 4));
	s->start_at = db_res_int(res, 5);
	s->end_at = db_res_int(res, 6);
	s->release_at = db_res_int(res, 7);
	s->capacity = (int)db_res_int(res, 8);
	s->staff_capacity = (int)db_res_int(res, 9);
	s->booked = (int)db_res_int(res, 10);
	s->staff_booked = (int)db_res_int(res, 11);
	s->active = db_res_int(res, 12) != 0;
}

int sched_store_future_slots(db_conn_t *c, arena_t *a, int64_t office_id, int64_t rule_id, int64_t now,
			     sched_slot_t **out, size_t *n)
{
	db_param_t p[] = {DB_INT(office_id), DB_INT(rule_id), DB_INT(now)};
	return DB_QUERY_ROWS(c, a,
			     "SELECT " SLOT_COLS " FROM slots s WHERE s.office_id = $1 AND (s.rule_id = $2 OR $2 = 0) "
			     "AND s.start_at >= $3 ORDER BY s.rule_id, s.start_at LIMIT 1000000",
			     p, 3, slot_row, out, n);
}

/* Rows go in batches of BATCH with one prepared statement per batch size used. */
#define BATCH 32
#define SLOT_INSERT_HEAD                                                                                               \
	"INSERT INTO slots (rule_id, office_id, channel, day, start_at, end_at, capacity, staff_capacity, "            \
	"release_at) VALUES "
#define SLOT_INSERT_TAIL " ON CONFLICT (rule_id, start_at) DO NOTHING"

static const char *insert_sql(size_t rows)
{
	/* The statement texts are built once per batch size and kept for the process (they are the
	 * prepared-statement cache keys). */
	static char *sql[BATCH + 1];
	static int ready[BATCH + 1];
	if (!__atomic_load_n(&ready[rows], __ATOMIC_ACQUIRE)) {
		size_t cap = sizeof SLOT_INSERT_HEAD + sizeof SLOT_INSERT_TAIL + rows * 64;
		char *s = malloc(cap);
		if (!s)
			abort();
		size_t len = (size_t)snprintf(s, cap, "%s", SLOT_INSERT_HEAD);
		for (size_t r = 0; r < rows; r++) {
			size_t b = r * 9;
			len += (size_t)snprintf(s + len, cap - len,
						"%s($%zu, $%zu, $%zu, $%zu, $%zu, $%zu, $%zu, $%zu, $%zu)",
						r ? ", " : "", b + 1, b + 2, b + 3, b + 4, b + 5, b + 6, b + 7, b + 8,
						b + 9);
		}
		snprintf(s + len, cap - len, "%s", SLOT_INSERT_TAIL);
		char *expected = NULL;
		if (!__atomic_compare_exchange_n(&sql[rows], &expected, s, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			free(s);
		__atomic_store_n(&ready[rows], 1, __ATOMIC_RELEASE);
	}
	return __atomic_load_n(&sql[rows], __ATOMIC_ACQUIRE);
}

int sched_store_slots_insert(db_conn_t *c, const sched_slot_t *s, size_t n)
{
	db_touch(c); /* bookable seats change (booking's availability in memory) */
	db_param_t p[BATCH * 9];
	for (size_t i = 0; i < n;) {
		size_t k = n - i < BATCH ? n - i : BATCH;
		for (size_t j = 0; j < k; j++) {
			const sched_slot_t *x = &s[i + j];
			db_param_t *q = p + j * 9;
			q[0] = DB_INT(x->rule_id);
			q[1] = DB_INT(x->office_id);
			q[2] = DB_TEXT(x->channel);
			q[3] = DB_TEXT(x->day);
			q[4] = DB_INT(x->start_at);
			q[5] = DB_INT(x->end_at);
			q[6] = DB_INT(x->capacity);
			q[7] = DB_INT(x->staff_capacity);
			q[8] = DB_INT(x->release_at);
		}
		int64_t r = db_exec(c, insert_sql(k), p, (int)(k * 9));
		if (r < 0)
			return (int)r;
		i += k;
	}
	return 0;
}

int64_t sched_store_slot_update(db_conn_t *c, const sched_slot_t *s, bool guard)
{
	db_touch(c); /* bookable seats change (booking's availability in memory) */
	db_param_t p[] = {DB_INT(s->id),         DB_TEXT(s->day),           DB_INT(s->end_at),
			  DB_INT(s->capacity),   DB_INT(s->staff_capacity), DB_INT(s->release_at),
			  DB_INT(guard ? 1 : 0), DB_TEXT(s->channel)};
	return db_exec(c,
		       "UPDATE slots SET day = $2, end_at = $3, capacity = $4, staff_capacity = $5, release_at = $6, "
		       "channel = $8, active = 1 WHERE id = $1 AND ($7 = 0 OR (booked <= $4 AND staff_booked <= $5))",
		       p, 8);
}

int64_t sched_store_slot_delete_free(db_conn_t *c, int64_t id)
{
	db_touch(c); /* bookable seats change (booking's availability in memory) */
	db_param_t p[] = {DB_INT(id)};
	return db_exec(c, "DELETE FROM slots WHERE id = $1 AND booked = 0 AND staff_booked = 0", p, 1);
}

int sched_store_slot_deactivate(db_conn_t *c, int64_t id)
{
	db_touch(c); /* bookable seats change (booking's availability in memory) */
	db_param_t p[] = {DB_INT(id)};
	return exec_rc(db_exec(c, "UPDATE slots SET active = 0 WHERE id = $1", p, 1));
}

int sched_store_slots_days(db_conn_t *c, arena_t *a, int64_t office_id, const char *channel, const char *from,
			   const char *to, sched_slot_t **out, size_t *n)
{
	db_param_t p[] = {DB_INT(office_id), DB_TEXT(channel ? channel : ""), DB_TEXT(from), DB_TEXT(to)};
	return DB_QUERY_ROWS(c, a,
			     "SELECT " SLOT_COLS " FROM slots s WHERE s.office_id = $1 AND (s.channel = $2 OR $2 = '') "
			     "AND s.day >= $3 AND s.day <= $4 ORDER BY s.start_at, s.channel, s.rule_id LIMIT 5000",
			     p, 4, slot_row, out, n);
}

/* The conditions of a bookable slot s of rule r, with the placeholders of now, staff (1/0) and the
 * procedure (0: any). */
#define SLOT_BOOKABLE(NOW, STAFF, PROC)                                                                                \
	"s.active = 1 AND r.active = 1 "                                                                               \
	"AND s.start_at >= CAST(" NOW " AS BIGINT) + r.min_notice_min * 60 "                                           \
	"AND (" STAFF " = 1 OR s.release_at <= CAST(" NOW " AS BIGINT)) "                                              \
	"AND ((" STAFF " = 0 AND s.booked < s.capacity) OR "                                                           \
	"     (" STAFF " = 1 AND s.booked + s.staff_booked < s.capacity + s.staff_capacity)) "                         \
	"AND (CAST(" PROC " AS BIGINT) = 0 OR NOT EXISTS (SELECT 1 FROM rule_procedures rp WHERE rp.rule_id = r.id) "  \
	"     OR EXISTS (SELECT 1 FROM rule_procedures rp WHERE rp.rule_id = r.id AND rp.procedure_id = " PROC ")) "

int sched_store_slots_bookable(db_conn_t *c, arena_t *a, int64_t office_id, const char *channel, int64_t procedure_id,
			       const char *from, const char *to, int64_t now, bool staff, sched_slot_t **out, size_t *n)
{
	db_param_t p[] = {DB_INT(office_id), DB_TEXT(channel),      DB_TEXT(from),       DB_TEXT(to),
			  DB_INT(now),       DB_INT(staff ? 1 : 0), DB_INT(procedure_id)};
	return DB_QUERY_ROWS(c, a,
			     "SELECT " SLOT_COLS " FROM slots s JOIN availability_rules r ON r.id = s.rule_id "
			     "WHERE s.office_id = $1 AND s.channel = $2 AND s.day >= $3 AND s.day <= $4 "
			     "AND " SLOT_BOOKABLE("$5", "$6", "$7") "ORDER BY s.start_at, s.id LIMIT 2000",
			     p, 7, slot_row, out, n);
}

int sched_store_slots_bookable_at(db_conn_t *c, arena_t *a, int64_t office_id, const char *channel,
				  int64_t procedure_id, int64_t at, int64_t now, bool staff, sched_slot_t **out,
				  size_t *n)
{
	db_param_t p[] = {DB_INT(office_id), DB_TEXT(channel),      DB_INT(at),
			  DB_INT(now),       DB_INT(staff ? 1 : 0), DB_INT(procedure_id)};
	return DB_QUERY_ROWS(c, a,
			     "SELECT " SLOT_COLS " FROM slots s JOIN availability_rules r ON r.id = s.rule_id "
			     "WHERE s.office_id = $1 AND s.channel = $2 AND s.start_at = $3 "
			     "AND " SLOT_BOOKABLE("$4", "$5", "$6") "ORDER BY s.id LIMIT 64",
			     p, 6, slot_row, out, n);
}

int sched_store_slot_get(db_conn_t *c, arena_t *a, int64_t id, sched_slot_t *out)
{
	db_param_t p[] = {DB_INT(id)};
	return db_query_item(c, a, "SELECT " SLOT_COLS " FROM slots s WHERE s.id = $1", p, 1, slot_row, out);
}

int sched_store_slot_counts(db_conn_t *c, int64_t rule_id, int64_t now, int64_t *slots, int64_t *booked)
{
	db_param_t p[] = {DB_INT(rule_id), DB_INT(now)};
	int64_t v[2];
	int rc = db_query_ints(c,
			       "SELECT COUNT(*), COALESCE(SUM(booked + staff_booked), 0) FROM slots "
			       "WHERE rule_id = $1 AND start_at >= $2 AND active = 1",
			       p, 2, v, 2);
	if (rc == 0) {
		*slots = v[0];
		*booked = v[1];
	}
	return rc;
}

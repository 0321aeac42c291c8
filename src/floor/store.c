/* store.c — every SQL statement of the office floor (internal.h). One dialect for SQLite and
 * PostgreSQL (db/db.h); the row readers (DB_QUERY_ROWS, db_query_item) write the loops. */
#include "floor/internal.h"

#include "base/err.h"
#include <stdio.h>
#include <string.h>

/* ---------------------------------------------------------------- tickets */

#define TICKET_COLS                                                                                                    \
	"t.id, t.office_id, t.number_zone_id, t.zone_id, t.day, t.seq, t.number, t.status, t.channel, "                \
	"COALESCE(t.procedure_id, 0), t.age_band, t.gender, COALESCE(t.autonomous, -1), t.priority, t.lang, "          \
	"COALESCE(t.appointment_id, 0), COALESCE(t.appointment_at, 0), t.arrived_at, t.issued_at, "                    \
	"COALESCE(t.called_at, 0), COALESCE(t.last_called_at, 0), COALESCE(t.started_at, 0), "                         \
	"COALESCE(t.finished_at, 0), t.recalls, COALESCE(t.desk_id, 0), COALESCE(t.target_desk_id, 0), "               \
	"COALESCE(t.issued_by, 0), COALESCE(t.served_by, 0), t.note, t.mode, COALESCE(t.idcat, -1), t.referred, "      \
	"t.outcome_notes, t.survey_token, o.code, z.code, COALESCE(d.code, ''), COALESCE(td.code, ''), "               \
	"COALESCE(t.person_id, 0) "
#define TICKET_FROM                                                                                                    \
	"FROM floor_tickets t JOIN offices o ON o.id = t.office_id JOIN zones z ON z.id = t.zone_id "                  \
	"LEFT JOIN desks d ON d.id = t.desk_id LEFT JOIN desks td ON td.id = t.target_desk_id "

static void ticket_row(db_res_t *r, void *item, arena_t *a)
{
	fl_ticket_t *t = item;
	int i = 0;
	t->id = db_res_int(r, i++);
	t->office_id = db_res_int(r, i++);
	t->number_zone_id = db_res_int(r, i++);
	t->zone_id = db_res_int(r, i++);
	t->day = db_res_astr(r, i++, a);
	t->seq = db_res_int(r, i++);
	t->number = db_res_astr(r, i++, a);
	t->status = db_res_astr(r, i++, a);
	t->channel = db_res_astr(r, i++, a);
	t->procedure_id = db_res_int(r, i++);
	t->age_band = db_res_astr(r, i++, a);
	t->gender = db_res_astr(r, i++, a);
	t->autonomous = (int)db_res_int(r, i++);
	t->priority = db_res_astr(r, i++, a);
	t->lang = db_res_astr(r, i++, a);
	t->appointment_id = db_res_int(r, i++);
	t->appointment_at = db_res_int(r, i++);
	t->arrived_at = db_res_int(r, i++);
	t->issued_at = db_res_int(r, i++);
	t->called_at = db_res_int(r, i++);
	t->last_called_at = db_res_int(r, i++);
	t->started_at = db_res_int(r, i++);
	t->finished_at = db_res_int(r, i++);
	t->recalls = db_res_int(r, i++);
	t->desk_id = db_res_int(r, i++);
	t->target_desk_id = db_res_int(r, i++);
	t->issued_by = db_res_int(r, i++);
	t->served_by = db_res_int(r, i++);
	t->note = db_res_astr(r, i++, a);
	t->mode = db_res_astr(r, i++, a);
	t->idcat = (int)db_res_int(r, i++);
	t->referred = db_res_astr(r, i++, a);
	t->outcome_notes = db_res_astr(r, i++, a);
	t->survey_token = db_res_anull(r, i++, a);
	t->office_code = db_res_astr(r, i++, a);
	t->zone_code = db_res_astr(r, i++, a);
	t->desk_code = db_res_astr(r, i++, a);
	t->target_desk_code = db_res_astr(r, i++, a);
	t->person_id = db_res_int(r, i++);
}

static db_param_t opt_id(int64_t v)
{
	return v > 0 ? DB_INT(v) : DB_NULLP;
}

static db_param_t opt_flag(int v)
{
	return v >= 0 ? DB_INT(v) : DB_NULLP;
}

int fl_store_ticket_insert(db_conn_t *c, const fl_ticket_t *t, const char *token_hash, int64_t *id)
{
	db_param_t p[] = {
		DB_INT(t->office_id),
		DB_INT(t->number_zone_id),
		DB_INT(t->zone_id),
		DB_TEXT(t->day),
		DB_INT(t->seq),
		DB_TEXT(t->number),
		DB_TEXT(token_hash),
		DB_TEXT(t->status),
		DB_TEXT(t->channel),
		opt_id(t->procedure_id),
		DB_TEXT(t->age_band),
		DB_TEXT(t->gender),
		opt_flag(t->autonomous),
		DB_TEXT(t->priority),
		DB_TEXT(t->lang),
		opt_id(t->appointment_id),
		opt_id(t->appointment_at),
		DB_INT(t->arrived_at),
		DB_INT(t->issued_at),
		opt_id(t->issued_by),
	};
	return db_query_int(
		c,
		"INSERT INTO floor_tickets (office_id, number_zone_id, zone_id, day, seq, number, token_hash, "
		"status, channel, procedure_id, age_band, gender, autonomous, priority, lang, appointment_id, "
		"appointment_at, arrived_at, issued_at, issued_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
		"$10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) RETURNING id",
		p, 20, id);
}

int fl_store_ticket_person(db_conn_t *c, int64_t ticket_id, int64_t person_id)
{
	db_param_t p[] = {DB_INT(person_id), DB_INT(ticket_id)};
	int64_t n = db_exec(c, "UPDATE floor_tickets SET person_id = $1 WHERE id = $2", p, 2);
	return n < 0 ? (int)n : 0;
}

int fl_store_by_person(db_conn_t *c, arena_t *a, int64_t person_id, fl_ticket_t **out, size_t *n)
{
	db_param_t p[] = {DB_INT(person_id)};
	return DB_QUERY_ROWS(c, a,
			     "SELECT " TICKET_COLS TICKET_FROM "WHERE t.person_id = $1 ORDER BY t.issued_at DESC, "
			     "t.id DESC LIMIT 500",
			     p, 1, ticket_row, out, n);
}

int fl_store_erase_person(db_conn_t *c, int64_t person_id)
{
	db_param_t p[] = {DB_INT(person_id)};
	int64_t n =
		db_exec(c, "UPDATE floor_tickets SET note = '', referred = '', outcome_notes = '' WHERE person_id = $1",
			p, 1);
	return n < 0 ? (int)n : 0;
}

int fl_store_ticket(db_conn_t *c, arena_t *a, int64_t id, fl_ticket_t *out)
{
	db_param_t p[] = {DB_INT(id)};
	return db_query_item(c, a, "SELECT " TICKET_COLS TICKET_FROM "WHERE t.id = $1", p, 1, ticket_row, out);
}

int fl_store_ticket_by_token(db_conn_t *c, arena_t *a, int64_t id, const char *token_hash, fl_ticket_t *out)
{
	db_param_t p[] = {DB_INT(id), DB_TEXT(token_hash)};
	return db_query_item(c, a, "SELECT " TICKET_COLS TICKET_FROM "WHERE t.id = $1 AND t.token_hash = $2", p, 2,
			     ticket_row, out);
}

int fl_store_ticket_by_appointment(db_conn_t *c, arena_t *a, int64_t appointment_id, fl_ticket_t *out)
{
	db_param_t p[] = {DB_INT(appointment_id)};
	return db_query_item(c, a,
			     "SELECT " TICKET_COLS TICKET_FROM "WHERE t.appointment_id = $1 ORDER BY t.id DESC LIMIT 1",
			     p, 1, ticket_row, out);
}

int fl_store_ticket_by_number(db_conn_t *c, arena_t *a, int64_t office_id, const char *day, const char *number,
			      fl_ticket_t *out)
{
	db_param_t p[] = {DB_INT(office_id), DB_TEXT(day), DB_TEXT(number)};
	return db_query_item(c, a,
			     "SELECT " TICKET_COLS TICKET_FROM
			     "WHERE t.office_id = $1 AND t.day = $2 AND t.number = $3 ORDER BY t.id DESC LIMIT 1",
			     p, 3, ticket_row, out);
}

int fl_store_ticket_update(db_conn_t *c, const fl_ticket_t *t, const char *from)
{
	db_param_t p[] = {
		DB_INT(t->id),
		DB_TEXT(from),
		DB_TEXT(t->status),
		DB_INT(t->zone_id),
		opt_id(t->called_at),
		opt_id(t->last_called_at),
		opt_id(t->started_at),
		opt_id(t->finished_at),
		DB_INT(t->recalls),
		opt_id(t->desk_id),
		opt_id(t->target_desk_id),
		opt_id(t->served_by),
		DB_TEXT(t->note),
		DB_TEXT(t->mode),
		opt_flag(t->idcat),
		DB_TEXT(t->referred),
		DB_TEXT(t->outcome_notes),
	};
	int rc =
		db_exec_any(c,
			    "UPDATE floor_tickets SET status = $3, zone_id = $4, called_at = $5, last_called_at = $6, "
			    "started_at = $7, finished_at = $8, recalls = $9, desk_id = $10, target_desk_id = $11, "
			    "served_by = $12, note = $13, mode = $14, idcat = $15, referred = $16, outcome_notes = $17 "
			    "WHERE id = $1 AND status = $2",
			    p, 17);
	if (rc < 0)
		return rc;
	return rc ? 0 : ERR_CONFLICT;
}

int fl_store_ticket_procs(db_conn_t *c, int64_t ticket_id, const int64_t *procs, size_t n)
{
	db_param_t d[] = {DB_INT(ticket_id)};
	int64_t rc = db_exec(c, "DELETE FROM floor_ticket_procedures WHERE ticket_id = $1", d, 1);
	for (size_t i = 0; rc >= 0 && i < n; i++) {
		db_param_t p[] = {DB_INT(ticket_id), DB_INT(procs[i])};
		rc = db_exec(c,
			     "INSERT INTO floor_ticket_procedures (ticket_id, procedure_id) VALUES ($1, $2) "
			     "ON CONFLICT DO NOTHING",
			     p, 2);
	}
	return rc < 0 ? (int)rc : 0;
}

int fl_store_event_add(db_conn_t *c, int64_t ticket_id, int64_t at, const char *action, const char *from,
		       const char *to, const char *actor, int64_t desk_id, int64_t zone_id, const char *detail)
{
	db_param_t p[] = {DB_INT(ticket_id), DB_INT(at),      DB_TEXT(action),
			  DB_TEXT(from),     DB_TEXT(to),     DB_TEXT(actor),
			  opt_id(desk_id),   opt_id(zone_id), DB_TEXT(detail ? detail : "")};
	int64_t rc = db_exec(c,
			     "INSERT INTO floor_ticket_events (ticket_id, at, action, from_state, to_state, actor, "
			     "desk_id, zone_id, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
			     p, 9);
	return rc < 0 ? (int)rc : 0;
}

static void event_row(db_res_t *r, void *item, arena_t *a)
{
	fl_event_t *e = item;
	e->at = db_res_int(r, 0);
	e->action = db_res_astr(r, 1, a);
	e->from = db_res_astr(r, 2, a);
	e->to = db_res_astr(r, 3, a);
	e->actor = db_res_astr(r, 4, a);
	e->detail = db_res_astr(r, 5, a);
}

int fl_store_events(db_conn_t *c, arena_t *a, int64_t ticket_id, fl_event_t **out, size_t *n)
{
	db_param_t p[] = {DB_INT(ticket_id)};
	return DB_QUERY_ROWS(c, a,
			     "SELECT at, action, from_state, to_state, actor, detail FROM floor_ticket_events "
			     "WHERE ticket_id = $1 ORDER BY id",
			     p, 1, event_row, out, n);
}

int fl_store_set_survey(db_conn_t *c, int64_t ticket_id, const char *token)
{
	db_param_t p[] = {DB_INT(ticket_id), DB_TEXT(token)};
	return db_exec_one(c, "UPDATE floor_tickets SET survey_token = $2 WHERE id = $1", p, 2);
}

int fl_store_set_token(db_conn_t *c, int64_t ticket_id, const char *token_hash)
{
	db_param_t p[] = {DB_INT(ticket_id), DB_TEXT(token_hash)};
	return db_exec_one(c, "UPDATE floor_tickets SET token_hash = $2 WHERE id = $1", p, 2);
}

int fl_store_waiting(db_conn_t *c, arena_t *a, int64_t office_id, const char *day, fl_ticket_t **out, size_t *n)
{
	db_param_t p[] = {DB_INT(office_id), DB_TEXT(day), DB_INT(FL_QUEUE_MAX)};
	return DB_QUERY_ROWS(c, a,
			     "SELECT " TICKET_COLS TICKET_FROM
			     "WHERE t.office_id = $1 AND t.day = $2 AND t.status IN ('waiting', 'transferred') "
			     "ORDER BY t.arrived_at, t.id LIMIT $3",
			     p, 3, ticket_row, out, n);
}

/* The calling order (order.c, fl_order_cmp) in SQL, for the reads that must not walk the whole
 * queue; tests/unit/test_floor.c checks that both give the same answers. $4 is now + the window:
 * the class (fl_class_t: 0 callable appointment, 1 priority, 2 the rest, 3 early appointment),
 * then the appointment's time for appointments, then arrival and id. */
#define ORDER_CLASS                                                                                                    \
	"CASE WHEN appointment_id IS NULL THEN (CASE WHEN priority <> '' THEN 1 ELSE 2 END) "                          \
	"WHEN COALESCE(appointment_at, 0) <= $4 THEN 0 ELSE 3 END"
_Static_assert(FL_APPOINTMENT == 0 && FL_PRIORITY == 1 && FL_REGULAR == 2 && FL_EARLY == 3,
	       "ORDER_CLASS numbers the classes as fl_class_t does");
#define ORDER_AT "CASE WHEN appointment_id IS NULL THEN 0 ELSE COALESCE(appointment_at, 0) END"
#define ORDER_BY "ORDER BY " ORDER_CLASS ", " ORDER_AT ", arrived_at, id "
/* The waiting tickets of office $1, day $2 (index floor_tickets_waiting; the status test is its
 * WHERE, word for word, so SQLite uses it). */
#define WAITING_IN "FROM floor_tickets WHERE office_id = $1 AND day = $2 AND status IN ('waiting', 'transferred') "
#define LIGHT_COLS                                                                                                     \
	"SELECT id, zone_id, COALESCE(appointment_id, 0), COALESCE(appointment_at, 0), priority, arrived_at, "         \
	"COALESCE(target_desk_id, 0) "

static void light_row(db_res_t *r, void *item, arena_t *a)
{
	fl_ticket_t *t = item;
	memset(t, 0, sizeof *t);
	t->id = db_res_int(r, 0);
	t->zone_id = db_res_int(r, 1);
	t->appointment_id = db_res_int(r, 2);
	t->appointment_at = db_res_int(r, 3);
	t->priority = db_res_astr(r, 4, a);
	t->arrived_at = db_res_int(r, 5);
	t->target_desk_id = db_res_int(r, 6);
	t->status = "waiting"; /* or transferred: both wait */
}

int fl_store_ahead(db_conn_t *c, const fl_ticket_t *t, int cls, int64_t cut, int64_t *n)
{
	int64_t at = cls == FL_APPOINTMENT || cls == FL_EARLY ? t->appointment_at : 0;
	db_param_t p[] = {DB_INT(t->office_id), DB_TEXT(t->day), DB_INT(t->zone_id),    DB_INT(cut),
			  DB_INT(cls),          DB_INT(at),      DB_INT(t->arrived_at), DB_INT(t->id)};
	return db_query_int(c,
			    "SELECT COUNT(*) FROM (SELECT " ORDER_CLASS " AS k, " ORDER_AT
			    " AS s, arrived_at, id " WAITING_IN
			    "AND zone_id = $3) q WHERE k < $5 OR (k = $5 AND (s < $6 OR (s = $6 AND "
			    "(arrived_at < $7 OR (arrived_at = $7 AND id < $8)))))",
			    p, 8, n);
}

/* A zone's order is four runs of the index floor_tickets_waiting, each already in order: callable
 * appointments (group 0, time up to now + the window), priority walk-ins (group 1), the rest
 * (group 2), early appointments (group 0, time after). ORDER_GROUP and ORDER_AT are the index's
 * expressions, word for word. */
#define ORDER_GROUP "(CASE WHEN appointment_id IS NULL THEN (CASE WHEN priority <> '' THEN 1 ELSE 2 END) ELSE 0 END)"
#define RUN_WHERE "AND zone_id = $3 AND " ORDER_GROUP " = $4 AND (" ORDER_AT ") > $5 AND (" ORDER_AT ") <= $6 "
#define RUN_ORDER "ORDER BY (" ORDER_AT "), arrived_at, id "

static void run_bounds(int k, int64_t cut, int64_t *group, int64_t *after, int64_t *upto)
{
	static const int64_t groups[] = {0, 1, 2, 0};
	*group = groups[k];
	*after = k == 3 ? cut : INT64_MIN;
	*upto = k == 0 ? cut : INT64_MAX;
}

int fl_store_zone_order(db_conn_t *c, arena_t *a, int64_t office_id, const char *day, int64_t zone_id, int64_t cut,
			size_t max, fl_ticket_t **out, size_t *n)
{
	fl_ticket_t *all = arena_alloc(a, (max ? max : 1) * sizeof *all);
	size_t got = 0;
	for (int k = 0; k < 4 && got < max; k++) {
		int64_t group, after, upto;
		run_bounds(k, cut, &group, &after, &upto);
		db_param_t p[] = {DB_INT(office_id),
				  DB_TEXT(day),
				  DB_INT(zone_id),
				  DB_INT(group),
				  DB_INT(after),
				  DB_INT(upto),
				  DB_INT((int64_t)(max - got))};
		fl_ticket_t *v;
		size_t m;
		int rc = DB_QUERY_ROWS(c, a, LIGHT_COLS WAITING_IN RUN_WHERE RUN_ORDER "LIMIT $7", p, 7, light_row, &v,
				       &m);
		if (rc)
			return rc;
		if (m) /* v is NULL for no rows */
			memcpy(all + got, v, m * sizeof *v);
		got += m;
	}
	*out = all;
	*n = got;
	return 0;
}

int fl_store_next(db_conn_t *c, arena_t *a, int64_t office_id, const char *day, int64_t zone_id, int64_t desk_id,
		  int64_t cut, fl_ticket_t *out)
{
	if (!zone_id) {
		/* Sent to the desk, in any zone: few, read in the order's SQL twin. */
		db_param_t p[] = {DB_INT(office_id), DB_TEXT(day), DB_INT(desk_id), DB_INT(cut)};
		return db_query_item(c, a,
				     LIGHT_COLS WAITING_IN "AND target_desk_id = $3 AND (" ORDER_CLASS
							   ") <> 3 " ORDER_BY "LIMIT 1",
				     p, 4, light_row, out);
	}
	/* The first of the first three runs (never an early appointment) not sent to another desk. */
	for (int k = 0; k < 3; k++) {
		int64_t group, after, upto;
		run_bounds(k, cut, &group, &after, &upto);
		db_param_t p[] = {DB_INT(office_id), DB_TEXT(day), DB_INT(zone_id), DB_INT(group),
				  DB_INT(after),     DB_INT(upto), DB_INT(desk_id)};
		int rc =
			db_query_item(c, a,
				      LIGHT_COLS WAITING_IN RUN_WHERE "AND (target_desk_id IS NULL OR target_desk_id = "
								      "$7) " RUN_ORDER "LIMIT 1",
				      p, 7, light_row, out);
		if (rc != ERR_NOT_FOUND)
			return rc;
	}
	return ERR_NOT_FOUND;
}

int fl_store_active(db_conn_t *c, arena_t *a, int64_t office_id, const char *day, fl_ticket_t **out, size_t *n)
{
	db_param_t p[] = {DB_INT(office_id), DB_TEXT(day)};
	return DB_QUERY_ROWS(c, a,
			     "SELECT " TICKET_COLS TICKET_FROM
			     "WHERE t.office_id = $1 AND t.day = $2 AND t.status IN ('called', 'in_service', 'parked') "
			     "ORDER BY t.last_called_at DESC, t.id LIMIT 500",
			     p, 2, ticket_row, out, n);
}

int fl_store_desk_current(db_conn_t *c, arena_t *a, int64_t desk_id, fl_ticket_t *out)
{
	db_param_t p[] = {DB_INT(desk_id)};
	return db_query_item(c, a,
			     "SELECT " TICKET_COLS TICKET_FROM
			     "WHERE t.desk_id = $1 AND t.status IN ('called', 'in_service') ORDER BY t.id DESC LIMIT 1",
			     p, 1, ticket_row, out);
}

int fl_store_stale(db_conn_t *c, arena_t *a, const char *today, int64_t **ids, size_t *n)
{
	db_param_t p[] = {DB_TEXT(today)};
	return DB_QUERY_ROWS(c, a,
			     "SELECT id FROM floor_tickets WHERE day < $1 AND status IN ('waiting', 'transferred', "
			     "'called', 'in_service', 'parked') ORDER BY id LIMIT 1000",
			     p, 1, db_fill_int, ids, n);
}

/* ---------------------------------------------------------------- numbering, quotas */

int fl_store_next_seq(db_conn_t *c, int64_t office_id, int64_t zone_id, const char *day, bool walk_in, int64_t *seq,
		      int64_t *walk_ins)
{
	db_param_t p[] = {DB_INT(office_id), DB_INT(zone_id), DB_TEXT(day), DB_INT(walk_in ? 1 : 0)};
	int64_t v[2];
	/* One statement: the row lock (PostgreSQL) or the write lock (SQLite) orders concurrent
	 * issuers, so no two tickets get one number and the quota counts committed tickets. */
	int rc = db_query_ints(c,
			       "INSERT INTO floor_counters (office_id, zone_id, day, last_seq, walk_ins) "
			       "VALUES ($1, $2, $3, 1, $4) ON CONFLICT (office_id, zone_id, day) DO UPDATE SET "
			       "last_seq = floor_counters.last_seq + 1, walk_ins = floor_counters.walk_ins + $4 "
			       "RETURNING last_seq, walk_ins",
			       p, 4, v, 2);
	if (!rc) {
		*seq = v[0];
		*walk_ins = v[1];
	}
	return rc;
}

int fl_store_walk_ins(db_conn_t *c, int64_t office_id, int64_t zone_id, const char *day, int64_t *n)
{
	db_param_t p[] = {DB_INT(office_id), DB_INT(zone_id), DB_TEXT(day)};
	int rc = db_query_int(c,
			      "SELECT walk_ins FROM floor_counters WHERE office_id = $1 AND zone_id = $2 AND day = $3",
			      p, 3, n);
	if (rc == ERR_NOT_FOUND) {
		*n = 0;
		rc = 0;
	}
	return rc;
}

int fl_store_zone_get(db_conn_t *c, int64_t zone_id, int64_t *quota, bool *closed)
{
	db_param_t p[] = {DB_INT(zone_id)};
	int64_t v[2];
	int rc = db_query_ints(c, "SELECT COALESCE(quota, -1), closed FROM floor_zones WHERE zone_id = $1", p, 1, v, 2);
	if (!rc) {
		*quota = v[0];
		*closed = v[1] != 0;
	}
	return rc;
}

int fl_store_zone_set(db_conn_t *c, int64_t zone_id, int64_t quota, bool closed, int64_t now, const char *by)
{
	db_param_t p[] = {DB_INT(zone_id), quota >= 0 ? DB_INT(quota) : DB_NULLP, DB_INT(closed ? 1 : 0), DB_INT(now),
			  DB_TEXT(by)};
	int64_t rc = db_exec(c,
			     "INSERT INTO floor_zones (zone_id, quota, closed, updated_at, updated_by) "
			     "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (zone_id) DO UPDATE SET quota = $2, closed = $3, "
			     "updated_at = $4, updated_by = $5",
			     p, 5);
	return rc < 0 ? (int)rc : 0;
}

/* ---------------------------------------------------------------- desk sessions */

static void session_row(db_res_t *r, void *item, arena_t *a)
{
	fl_session_t *s = item;
	s->id = db_res_int(r, 0);
	s->desk_id = db_res_int(r, 1);
	s->user_id = db_res_int(r, 2);
	s->user_email = db_res_astr(r, 3, a);
	s->zones = db_res_astr(r, 4, a);
	s->opened_at = db_res_int(r, 5);
}

#define SESSION_COLS "SELECT id, desk_id, COALESCE(user_id, 0), user_email, zones, opened_at FROM floor_desk_sessions "

int fl_store_sessions(db_conn_t *c, arena_t *a, int64_t office_id, fl_session_t **out, size_t *n)
{
	db_param_t p[] = {DB_INT(office_id)};
	return DB_QUERY_ROWS(c, a, SESSION_COLS "WHERE office_id = $1 AND closed_at IS NULL ORDER BY desk_id, id", p, 1,
			     session_row, out, n);
}

int fl_store_session_of(db_conn_t *c, arena_t *a, int64_t user_id, fl_session_t *out)
{
	db_param_t p[] = {DB_INT(user_id)};
	return db_query_item(c, a, SESSION_COLS "WHERE user_id = $1 AND closed_at IS NULL ORDER BY id DESC LIMIT 1", p,
			     1, session_row, out);
}

int fl_store_session_open(db_conn_t *c, int64_t office_id, int64_t desk_id, int64_t user_id, const char *email,
			  const char *zones, int64_t now, int64_t *id)
{
	db_param_t p[] = {DB_INT(office_id), DB_INT(desk_id), opt_id(user_id),
			  DB_TEXT(email),    DB_TEXT(zones),  DB_INT(now)};
	return db_query_int(c,
			    "INSERT INTO floor_desk_sessions (office_id, desk_id, user_id, user_email, zones, "
			    "opened_at) "
			    "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
			    p, 6, id);
}

int fl_store_session_close(db_conn_t *c, int64_t user_id, int64_t desk_id, int64_t now)
{
	db_param_t p[] = {DB_INT(user_id), DB_INT(desk_id), DB_INT(now)};
	int64_t rc = db_exec(c,
			     "UPDATE floor_desk_sessions SET closed_at = $3 WHERE closed_at IS NULL AND "
			     "(user_id = $1 OR desk_id = $2)",
			     p, 3);
	return rc < 0 ? (int)rc : 0;
}

int fl_store_sessions_close_before(db_conn_t *c, int64_t before)
{
	db_param_t p[] = {DB_INT(before)};
	int64_t rc =
		db_exec(c, "UPDATE floor_desk_sessions SET closed_at = $1 WHERE closed_at IS NULL AND opened_at < $1",
			p, 1);
	return rc < 0 ? (int)rc : 0;
}

int fl_store_desks_open(db_conn_t *c, int64_t office_id, int64_t zone_id, int64_t *n)
{
	/* zones is a comma list of ids: match one whole, at either end or between commas. */
	char z[32];
	snprintf(z, sizeof z, "%lld", (long long)zone_id);
	db_param_t q[] = {DB_INT(office_id), DB_TEXT(z)};
	return db_query_int(c,
			    "SELECT COUNT(DISTINCT desk_id) FROM floor_desk_sessions WHERE office_id = $1 AND "
			    "closed_at IS NULL AND (',' || zones || ',') LIKE ('%,' || $2 || ',%')",
			    q, 2, n);
}

int fl_store_service_mean(db_conn_t *c, int64_t office_id, int64_t zone_id, const char *day, int64_t sample,
			  int64_t *mean_s, int64_t *n)
{
	db_param_t p[] = {DB_INT(office_id), DB_INT(zone_id), DB_TEXT(day), DB_INT(sample)};
	int64_t v[2];
	int rc = db_query_ints(c,
			       "SELECT COALESCE(SUM(s), 0), COUNT(*) FROM (SELECT finished_at - started_at AS s FROM "
			       "floor_tickets WHERE office_id = $1 AND zone_id = $2 AND day = $3 AND status = 'done' "
			       "AND started_at IS NOT NULL ORDER BY finished_at DESC LIMIT $4) recent",
			       p, 4, v, 2);
	if (!rc) {
		*n = v[1];
		*mean_s = v[1] ? v[0] / v[1] : 0;
	}
	return rc;
}

int fl_store_zone_counts(db_conn_t *c, int64_t office_id, int64_t zone_id, const char *day, int64_t *served,
			 int64_t *no_shows)
{
	db_param_t p[] = {DB_INT(office_id), DB_INT(zone_id), DB_TEXT(day)};
	int64_t v[2];
	int rc = db_query_ints(c,
			       "SELECT COALESCE(SUM(CASE WHEN status = 'done' THEN 1 ELSE 0 END), 0), "
			       "COALESCE(SUM(CASE WHEN status = 'no_show' THEN 1 ELSE 0 END), 0) FROM floor_tickets "
			       "WHERE office_id = $1 AND zone_id = $2 AND day = $3",
			       p, 3, v, 2);
	if (!rc) {
		*served = v[0];
		*no_shows = v[1];
	}
	return rc;
}

/* ---------------------------------------------------------------- calls */

int fl_store_call_add(db_conn_t *c, int64_t office_id, int64_t ticket_id, const char *number, const char *desk,
		      const char *zone, int64_t at, int64_t *id)
{
	db_param_t p[] = {DB_INT(office_id), DB_INT(ticket_id), DB_TEXT(number),
			  DB_TEXT(desk),     DB_TEXT(zone),     DB_INT(at)};
	return db_query_int(c,
			    "INSERT INTO floor_calls (office_id, ticket_id, number, desk, zone, at) "
			    "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
			    p, 6, id);
}

static void call_row(db_res_t *r, void *item, arena_t *a)
{
	fl_call_t *x = item;
	x->id = db_res_int(r, 0);
	x->number = db_res_astr(r, 1, a);
	x->desk = db_res_astr(r, 2, a);
	x->zone = db_res_astr(r, 3, a);
	x->at = db_res_int(r, 4);
}

int fl_store_calls(db_conn_t *c, arena_t *a, int64_t office_id, int64_t since, int limit, fl_call_t **out, size_t *n)
{
	db_param_t p[] = {DB_INT(office_id), DB_INT(since), DB_INT(limit)};
	return DB_QUERY_ROWS(c, a,
			     "SELECT id, number, desk, zone, at FROM floor_calls WHERE office_id = $1 AND at >= $2 "
			     "ORDER BY id DESC LIMIT $3",
			     p, 3, call_row, out, n);
}

/* ---------------------------------------------------------------- announcements */

typedef struct {
	arena_t *a;
	const unsigned char **wav;
	size_t *len;
} blob_ud_t;

static int blob_row(db_res_t *r, void *ud)
{
	blob_ud_t *b = ud;
	size_t n = 0;
	const void *p = db_res_blob(r, 0, &n);
	unsigned char *copy = arena_alloc(b->a, n ? n : 1);
	if (n)
		memcpy(copy, p, n);
	*b->wav = copy;
	*b->len = n;
	return 0;
}

int fl_store_audio_get(db_conn_t *c, arena_t *a, const char *key, const unsigned char **wav, size_t *len)
{
	db_param_t p[] = {DB_TEXT(key)};
	blob_ud_t ud = {a, wav, len};
	return db_query_one(c, "SELECT wav FROM floor_audio WHERE k = $1", p, 1, blob_row, &ud);
}

int fl_store_audio_put(db_conn_t *c, const char *key, const unsigned char *wav, size_t len, int64_t now)
{
	db_param_t p[] = {DB_TEXT(key), DB_BLOB(wav, len), DB_INT(now)};
	int64_t rc =
		db_exec(c,
			"INSERT INTO floor_audio (k, wav, created_at) VALUES ($1, $2, $3) ON CONFLICT (k) DO NOTHING",
			p, 3);
	return rc < 0 ? (int)rc : 0;
}

/* ---------------------------------------------------------------- floor.h */

int floor_waiting_count(db_conn_t *c, const char *office, int64_t *n)
{
	db_param_t p[] = {DB_TEXT(office)};
	return db_query_int(c,
			    "SELECT COUNT(*) FROM floor_tickets t JOIN offices o ON o.id = t.office_id "
			    "WHERE o.code = $1 AND t.status IN ('waiting', 'transferred')",
			    p, 1, n);
}

/* store.c — every SQL statement of the booking capability (migrations/004_booking.sql, and the
 * seat counters of slots). One dialect for SQLite and PostgreSQL (docs/internals/db.md). Nothing
 * here begins or commits: booking.c runs each change in one transaction. */
#include "booking/internal.h"

#include "base/err.h"
#include "base/str.h"
#include "view/i18n.h"

#include <string.h>

static const char *adup(arena_t *a, const char *s)
{
	return arena_strdup(a, s ? s : "");
}

/* ---------------------------------------------------------------- seats */

int bk_store_seat_take(db_conn_t *c, int64_t slot_id, bool staff, bool *staff_seat)
{
	db_param_t p[] = {DB_INT(slot_id)};
	int64_t n;
	db_touch(c); /* free seats change: availability kept in memory is dropped on commit */
	if (staff) {
		n = db_exec(c,
			    "UPDATE slots SET staff_booked = staff_booked + 1 "
			    "WHERE id = $1 AND active = 1 AND staff_booked < staff_capacity",
			    p, 1);
		if (n < 0)
			return (int)n;
		if (n == 1) {
			*staff_seat = true;
			return 0;
		}
	}
	n = db_exec(c, "UPDATE slots SET booked = booked + 1 WHERE id = $1 AND active = 1 AND booked < capacity", p, 1);
	if (n < 0)
		return (int)n;
	*staff_seat = false;
	return n == 1 ? 0 : ERR_CONFLICT;
}

int bk_store_seat_give(db_conn_t *c, int64_t slot_id, bool staff_seat)
{
	db_param_t p[] = {DB_INT(slot_id)};
	db_touch(c);
	int64_t n =
		db_exec(c,
			staff_seat
				? "UPDATE slots SET staff_booked = staff_booked - 1 WHERE id = $1 AND staff_booked > 0"
				: "UPDATE slots SET booked = booked - 1 WHERE id = $1 AND booked > 0",
			p, 1);
	return n < 0 ? (int)n : 0;
}

int bk_store_slot_at(db_conn_t *c, int64_t office_id, const char *channel, int64_t start_at, int64_t *slot_id)
{
	db_param_t p[] = {DB_INT(office_id), DB_TEXT(channel), DB_INT(start_at)};
	return db_query_int(c,
			    "SELECT id FROM slots WHERE office_id = $1 AND channel = $2 AND start_at = $3 AND active = "
			    "1 "
			    "ORDER BY id LIMIT 1",
			    p, 3, slot_id);
}

/* ---------------------------------------------------------------- holds */

int bk_store_hold_insert(db_conn_t *c, const bk_hold_t *h)
{
	db_param_t p[] = {DB_INT(h->slot_id),    DB_TEXT(h->token_hash),  DB_INT(h->staff ? 1 : 0), DB_INT(h->now),
			  DB_INT(h->expires_at), DB_INT(h->procedure_id), DB_TEXT(h->channel),      DB_TEXT(h->client)};
	int64_t n =
		db_exec(c,
			"INSERT INTO holds (slot_id, token_hash, staff, created_at, expires_at, procedure_id, channel, "
			"client) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
			p, 8);
	return n < 0 ? (int)n : 0;
}

static void fill_hold(db_res_t *r, void *item, arena_t *a)
{
	bk_hold_t *h = item;
	*h = (bk_hold_t){0};
	h->slot_id = db_res_int(r, 0);
	h->staff = db_res_int(r, 1) != 0;
	h->procedure_id = db_res_int(r, 2);
	h->channel = adup(a, db_res_text(r, 3));
	h->client = adup(a, db_res_text(r, 4));
	h->expires_at = db_res_int(r, 5);
}

int bk_store_hold_claim(db_conn_t *c, arena_t *a, const char *token_hash, int64_t now, bk_hold_t *out)
{
	db_param_t p[] = {DB_TEXT(token_hash), DB_INT(now)};
	/* token_hash is unique: one row at most, read to its end by db_query_item. */
	return db_query_item(c, a,
			     "DELETE FROM holds WHERE token_hash = $1 AND expires_at > $2 "
			     "RETURNING slot_id, staff, procedure_id, channel, client, expires_at",
			     p, 2, fill_hold, out);
}

int bk_store_hold_drop(db_conn_t *c, const char *token_hash, int64_t *slot_id, bool *staff)
{
	db_param_t p[] = {DB_TEXT(token_hash)};
	arena_t *a = arena_new();
	bk_hold_t h;
	int rc = db_query_item(c, a,
			       "DELETE FROM holds WHERE token_hash = $1 "
			       "RETURNING slot_id, staff, procedure_id, channel, client, expires_at",
			       p, 1, fill_hold, &h);
	if (!rc) {
		*slot_id = h.slot_id;
		*staff = h.staff;
	}
	arena_free(a);
	return rc;
}

int bk_store_holds_expire(db_conn_t *c, int64_t slot_id, int64_t now, int64_t delay, int *n)
{
	db_param_t p[] = {DB_INT(now), DB_INT(slot_id)};
	arena_t *a = arena_new();
	bk_hold_t *v = NULL;
	size_t nv = 0;
	int rc = DB_QUERY_ROWS(c, a,
			       "DELETE FROM holds WHERE id IN (SELECT id FROM holds WHERE expires_at <= $1 "
			       "AND (CAST($2 AS BIGINT) = 0 OR slot_id = $2) ORDER BY id LIMIT 500) "
			       "RETURNING slot_id, staff, procedure_id, channel, client, expires_at",
			       p, 2, fill_hold, &v, &nv);
	for (size_t i = 0; !rc && i < nv; i++)
		rc = delay > 0 ? bk_store_seat_return_add(c, v[i].slot_id, v[i].staff, v[i].expires_at + delay)
			       : bk_store_seat_give(c, v[i].slot_id, v[i].staff);
	if (!rc && n)
		*n = (int)nv;
	arena_free(a);
	return rc;
}

int bk_store_holds_of(db_conn_t *c, const char *client, int64_t now, int64_t *n)
{
	db_param_t p[] = {DB_TEXT(client), DB_INT(now)};
	return db_query_int(c, "SELECT COUNT(*) FROM holds WHERE client = $1 AND expires_at > $2", p, 2, n);
}

int bk_store_quota_add(db_conn_t *c, const char *k, int64_t now)
{
	db_param_t p[] = {DB_TEXT(k), DB_INT(now)};
	int64_t n = db_exec(c, "INSERT INTO booking_quota (k, at) VALUES ($1, $2)", p, 2);
	return n < 0 ? (int)n : 0;
}

int bk_store_quota_count(db_conn_t *c, const char *k, int64_t since, int64_t *n)
{
	db_param_t p[] = {DB_TEXT(k), DB_INT(since)};
	return db_query_int(c, "SELECT COUNT(*) FROM booking_quota WHERE k = $1 AND at > $2", p, 2, n);
}

/* ---------------------------------------------------------------- limits */

int bk_store_lock_keys(db_conn_t *c, const char *const *keys, size_t n, int64_t now)
{
	for (size_t i = 0; i < n; i++) {
		db_param_t p[] = {DB_TEXT(keys[i]), DB_INT(now)};
		int64_t rc = db_exec(c,
				     "INSERT INTO booking_locks (k, at) VALUES ($1, $2) "
				     "ON CONFLICT (k) DO UPDATE SET at = excluded.at",
				     p, 2);
		if (rc < 0)
			return (int)rc;
	}
	return 0;
}

int bk_store_count_active(db_conn_t *c, const char *column, const char *value, int64_t now, int64_t *n)
{
	const char *sql;
#define ACTIVE " AND status IN ('booked', 'checked_in', 'called', 'in_service') AND end_at > $2"
	if (str_eq(column, "id_number"))
		sql = "SELECT COUNT(*) FROM appointments WHERE id_number = $1" ACTIVE;
	else if (str_eq(column, "email"))
		sql = "SELECT COUNT(*) FROM appointments WHERE email_key = $1" ACTIVE;
	else if (str_eq(column, "phone"))
		sql = "SELECT COUNT(*) FROM appointments WHERE phone = $1" ACTIVE;
	else
		return ERR_INVALID;
#undef ACTIVE
	db_param_t p[] = {DB_TEXT(value), DB_INT(now)};
	return db_query_int(c, sql, p, 2, n);
}

/* ---------------------------------------------------------------- appointments */

int bk_store_appt_insert(db_conn_t *c, const bk_row_t *r, int64_t *id)
{
	db_param_t p[] = {
		DB_TEXT(r->code),
		DB_TEXT(r->token_hash),
		DB_OPT(r->slot_id), /* 0: no slot (booking_demo_at) */
		DB_INT(r->office_id),
		DB_INT(r->procedure_id),
		DB_TEXT(r->channel),
		DB_INT(r->start_at),
		DB_INT(r->end_at),
		DB_TEXT(r->name),
		DB_TEXT(r->id_type),
		DB_TEXT(r->id_number),
		DB_TEXT(r->email ? r->email : ""),
		DB_TEXT(r->phone ? r->phone : ""),
		/* lang is one of ca, es, en (the column's CHECK): a further language goes in language,
		 * with its fallback in lang (migrations/booking/005_language.sql). */
		DB_TEXT(i18n_langs[i18n_index(r->lang)]),
		DB_TEXT(r->email_key ? r->email_key : ""),
		DB_OPT(r->digital_confidence),
		DB_OPT(r->booked_by_user_id),
		DB_TEXT(r->booked_by),
		DB_INT(r->staff_seat ? 1 : 0),
		DB_INT(r->now),
		DB_TEXT(str_eq(i18n_langs[i18n_index(r->lang)], r->lang) ? "" : r->lang),
	};
	return db_query_int(
		c,
		"INSERT INTO appointments (code, token_hash, slot_id, office_id, procedure_id, channel, start_at, "
		"end_at, status, name, id_type, id_number, email, phone, lang, email_key, digital_confidence, "
		"booked_by_user_id, booked_by, staff_seat, sequence, created_at, updated_at, language) "
		"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'booked', $9, $10, $11, $12, $13, $14, $15, $16, $17, "
		"$18, $19, 0, $20, $20, $21) RETURNING id",
		p, sizeof p / sizeof p[0], id);
}

#define APPT_COLS                                                                                                      \
	"id, code, slot_id, office_id, procedure_id, channel, status, start_at, end_at, name, id_type, id_number, "    \
	"email, phone, CASE WHEN language <> '' THEN language ELSE lang END, digital_confidence, booked_by_user_id, "  \
	"booked_by, staff_seat, sequence, created_at, "                                                                \
	"updated_at, cancelled_at, checked_in_at, called_at, served_at, done_at, token_hash"

static void appt_row(db_res_t *res, arena_t *a, booking_t *b, char token_hash[65])
{
	memset(b, 0, sizeof *b);
	b->id = db_res_int(res, 0);
	b->code = adup(a, db_res_text(res, 1));
	b->slot_id = db_res_int(res, 2);
	b->office_id = db_res_int(res, 3);
	b->procedure_id = db_res_int(res, 4);
	b->channel = adup(a, db_res_text(res, 5));
	b->status = adup(a, db_res_text(res, 6));
	b->start_at = db_res_int(res, 7);
	b->end_at = db_res_int(res, 8);
	b->name = adup(a, db_res_text(res, 9));
	b->id_type = adup(a, db_res_text(res, 10));
	b->id_number = adup(a, db_res_text(res, 11));
	b->email = adup(a, db_res_text(res, 12));
	b->phone = adup(a, db_res_text(res, 13));
	b->lang = adup(a, db_res_text(res, 14));
	b->digital_confidence = (int)db_res_int(res, 15);
	b->booked_by_user_id = db_res_int(res, 16);
	b->booked_by = adup(a, db_res_text(res, 17));
	b->staff_seat = db_res_int(res, 18) != 0;
	b->sequence = (int)db_res_int(res, 19);
	b->created_at = db_res_int(res, 20);
	b->updated_at = db_res_int(res, 21);
	b->cancelled_at = db_res_int(res, 22);
	b->checked_in_at = db_res_int(res, 23);
	b->called_at = db_res_int(res, 24);
	b->served_at = db_res_int(res, 25);
	b->done_at = db_res_int(res, 26);
	if (token_hash)
		db_res_copy(res, 27, token_hash, 65);
}

static void appt_fill(db_res_t *res, void *item, arena_t *a)
{
	appt_row(res, a, item, NULL);
}

typedef struct {
	arena_t *a;
	booking_t *out;
	char *token_hash;
} appt_one_t;

static int appt_one_row(db_res_t *res, void *ud)
{
	appt_one_t *x = ud;
	appt_row(res, x->a, x->out, x->token_hash);
	return 0;
}

static int appt_one(db_conn_t *c, arena_t *a, const char *sql, const db_param_t *p, booking_t *out, char token_hash[65])
{
	return db_query_one(c, sql, p, 1, appt_one_row, &(appt_one_t){a, out, token_hash});
}

int bk_store_appt_by_code(db_conn_t *c, arena_t *a, const char *code, booking_t *out, char token_hash[65])
{
	db_param_t p[] = {DB_TEXT(code)};
	return appt_one(c, a, "SELECT " APPT_COLS " FROM appointments WHERE code = $1", p, out, token_hash);
}

int bk_store_appt_by_id(db_conn_t *c, arena_t *a, int64_t id, booking_t *out)
{
	db_param_t p[] = {DB_INT(id)};
	return appt_one(c, a, "SELECT " APPT_COLS " FROM appointments WHERE id = $1", p, out, NULL);
}

int64_t bk_store_appt_status(db_conn_t *c, int64_t id, const char *from, const char *to, const char *stamp, int64_t now)
{
	/* The stamp column comes from this fixed list, never from input. */
	const char *sql;
#define SET(col) "UPDATE appointments SET status = $3, updated_at = $4" col " WHERE id = $1 AND status = $2"
	if (!stamp)
		sql = SET("");
	else if (str_eq(stamp, "cancelled_at"))
		sql = SET(", cancelled_at = $4");
	else if (str_eq(stamp, "checked_in_at"))
		sql = SET(", checked_in_at = $4");
	else if (str_eq(stamp, "called_at"))
		sql = SET(", called_at = $4");
	else if (str_eq(stamp, "served_at"))
		sql = SET(", served_at = $4");
	else if (str_eq(stamp, "done_at"))
		sql = SET(", done_at = $4");
	else
		return ERR_INVALID;
#undef SET
	db_param_t p[] = {DB_INT(id), DB_TEXT(from), DB_TEXT(to), DB_INT(now)};
	return db_exec(c, sql, p, 4);
}

int bk_store_appt_move(db_conn_t *c, int64_t id, int64_t slot_id, int64_t office_id, int64_t start_at, int64_t end_at,
		       bool staff_seat, int64_t now)
{
	db_param_t p[] = {DB_INT(id),       DB_INT(slot_id), DB_INT(office_id),
			  DB_INT(start_at), DB_INT(end_at),  DB_INT(staff_seat ? 1 : 0),
			  DB_INT(now)};
	int64_t n =
		db_exec(c,
			"UPDATE appointments SET slot_id = $2, office_id = $3, start_at = $4, end_at = $5, "
			"staff_seat = $6, sequence = sequence + 1, updated_at = $7 WHERE id = $1 AND status = 'booked'",
			p, 7);
	if (n < 0)
		return (int)n;
	return n == 1 ? 0 : ERR_CONFLICT;
}

int bk_store_list(db_conn_t *c, arena_t *a, int64_t office_id, int64_t from_at, int64_t to_at, const char *channel,
		  booking_t **out, size_t *n)
{
	db_param_t p[] = {DB_INT(office_id), DB_INT(from_at), DB_INT(to_at), DB_TEXT(channel ? channel : "")};
	return DB_QUERY_ROWS(c, a,
			     "SELECT " APPT_COLS
			     " FROM appointments WHERE (CAST($1 AS BIGINT) = 0 OR office_id = $1) AND start_at >= $2 "
			     "AND start_at < $3 AND ($4 = '' OR channel = $4) ORDER BY start_at, id LIMIT 2000",
			     p, 4, appt_fill, out, n);
}

/* ---------------------------------------------------------------- the citizen record */

int bk_store_appt_person(db_conn_t *c, int64_t id, int64_t person_id)
{
	db_param_t p[] = {DB_INT(id), DB_INT(person_id)};
	return db_exec_one(c, "UPDATE appointments SET person_id = $2 WHERE id = $1", p, 2);
}

int bk_store_person_of(db_conn_t *c, int64_t id, int64_t *person_id)
{
	db_param_t p[] = {DB_INT(id)};
	*person_id = 0;
	return db_query_int(c, "SELECT COALESCE(person_id, 0) FROM appointments WHERE id = $1", p, 1, person_id);
}

int bk_store_by_person(db_conn_t *c, arena_t *a, int64_t person_id, booking_t **out, size_t *n)
{
	db_param_t p[] = {DB_INT(person_id)};
	return DB_QUERY_ROWS(c, a,
			     "SELECT " APPT_COLS " FROM appointments WHERE person_id = $1 "
			     "ORDER BY start_at DESC, id DESC LIMIT 500",
			     p, 1, appt_fill, out, n);
}

int bk_store_erase_person(db_conn_t *c, int64_t person_id)
{
	db_param_t p[] = {DB_INT(person_id)};
	int64_t n = db_exec(c,
			    "UPDATE appointments SET name = '', id_number = '', email = '', phone = '' "
			    "WHERE person_id = $1",
			    p, 1);
	return n < 0 ? (int)n : 0;
}

int bk_store_due_no_shows(db_conn_t *c, arena_t *a, int64_t before, int64_t **ids, size_t *n)
{
	db_param_t p[] = {DB_INT(before)};
	return DB_QUERY_ROWS(c, a,
			     "SELECT id FROM appointments WHERE status = 'booked' AND channel = 'in_person' AND "
			     "start_at <= $1 ORDER BY "
			     "start_at, id "
			     "LIMIT 500",
			     p, 1, db_fill_int, ids, n);
}

/* ---------------------------------------------------------------- history */

int bk_store_event_add(db_conn_t *c, int64_t appt_id, int64_t at, const char *from, const char *to, const char *actor)
{
	db_param_t p[] = {DB_INT(appt_id), DB_INT(at), DB_TEXT(from ? from : ""), DB_TEXT(to), DB_TEXT(actor)};
	int64_t n = db_exec(c,
			    "INSERT INTO appointment_events (appointment_id, at, from_state, to_state, actor) "
			    "VALUES ($1, $2, $3, $4, $5)",
			    p, 5);
	return n < 0 ? (int)n : 0;
}

static void event_fill(db_res_t *res, void *item, arena_t *a)
{
	booking_event_t *e = item;
	e->at = db_res_int(res, 0);
	e->from_state = adup(a, db_res_text(res, 1));
	e->to_state = adup(a, db_res_text(res, 2));
	e->actor = adup(a, db_res_text(res, 3));
}

int bk_store_events(db_conn_t *c, arena_t *a, int64_t appt_id, booking_event_t **out, size_t *n)
{
	db_param_t p[] = {DB_INT(appt_id)};
	return DB_QUERY_ROWS(c, a,
			     "SELECT at, from_state, to_state, actor FROM appointment_events WHERE appointment_id = $1 "
			     "ORDER BY id LIMIT 1000",
			     p, 1, event_fill, out, n);
}

/* ---------------------------------------------------------------- seat returns */

int bk_store_seat_return_add(db_conn_t *c, int64_t slot_id, bool staff_seat, int64_t at)
{
	db_param_t p[] = {DB_INT(slot_id), DB_INT(staff_seat ? 1 : 0), DB_INT(at)};
	int64_t n = db_exec(c, "INSERT INTO seat_returns (slot_id, staff_seat, return_at) VALUES ($1, $2, $3)", p, 3);
	return n < 0 ? (int)n : 0;
}

typedef struct {
	int64_t slot_id;
	bool staff_seat;
} seat_row_t;

static void fill_seat(db_res_t *r, void *item, arena_t *a)
{
	seat_row_t *s = item;
	s->slot_id = db_res_int(r, 0);
	s->staff_seat = db_res_int(r, 1) != 0;
}

int bk_store_seat_returns_due(db_conn_t *c, int64_t now, int *n)
{
	db_param_t p[] = {DB_INT(now)};
	arena_t *a = arena_new();
	seat_row_t *v = NULL;
	size_t nv = 0;
	/* The rows are read to the end before the seats are given back on the same connection. */
	int rc =
		DB_QUERY_ROWS(c, a,
			      "DELETE FROM seat_returns WHERE id IN (SELECT id FROM seat_returns WHERE return_at <= $1 "
			      "ORDER BY id LIMIT 500) RETURNING slot_id, staff_seat",
			      p, 1, fill_seat, &v, &nv);
	for (size_t i = 0; !rc && i < nv; i++)
		rc = bk_store_seat_give(c, v[i].slot_id, v[i].staff_seat);
	if (!rc && n)
		*n = (int)nv;
	arena_free(a);
	return rc;
}

/* ---------------------------------------------------------------- proof of work, purge */

int bk_store_pow_use(db_conn_t *c, const char *challenge, int64_t expires_at)
{
	db_param_t p[] = {DB_TEXT(challenge), DB_INT(expires_at)};
	int64_t n =
		db_exec(c, "INSERT INTO pow_used (challenge, expires_at) VALUES ($1, $2) ON CONFLICT DO NOTHING", p, 2);
	if (n < 0)
		return (int)n;
	return n == 1 ? 0 : ERR_CONFLICT;
}

int bk_store_popular(db_conn_t *c, arena_t *a, int64_t since, int limit, int64_t **ids, size_t *n)
{
	db_param_t p[] = {DB_INT(since), DB_INT(limit)};
	return DB_QUERY_ROWS(c, a,
			     "SELECT procedure_id FROM appointments WHERE created_at >= $1 GROUP BY procedure_id "
			     "ORDER BY COUNT(*) DESC, procedure_id LIMIT $2",
			     p, 2, db_fill_int, ids, n);
}

int bk_store_hold_result_add(db_conn_t *c, const char *token_hash, int64_t appt_id, const char *sealed,
			     int64_t expires_at)
{
	db_param_t p[] = {DB_TEXT(token_hash), DB_INT(appt_id), DB_TEXT(sealed), DB_INT(expires_at)};
	return db_exec_one(c,
			   "INSERT INTO hold_results (token_hash, appointment_id, sealed, expires_at) VALUES ($1, $2, "
			   "$3, $4)",
			   p, 4);
}

int bk_store_hold_result(db_conn_t *c, arena_t *a, const char *token_hash, int64_t now, int64_t *appt_id,
			 const char **sealed)
{
	db_param_t p[] = {DB_TEXT(token_hash), DB_INT(now)};
	int rc = db_query_int(c, "SELECT appointment_id FROM hold_results WHERE token_hash = $1 AND expires_at > $2", p,
			      2, appt_id);
	if (!rc)
		rc = db_query_str(c, a, "SELECT sealed FROM hold_results WHERE token_hash = $1 AND expires_at > $2", p,
				  2, sealed);
	return rc;
}

int bk_store_purge(db_conn_t *c, int64_t now)
{
	db_param_t p[] = {DB_INT(now)};
	int64_t n = db_exec(c, "DELETE FROM pow_used WHERE expires_at <= $1", p, 1);
	if (n < 0)
		return (int)n;
	n = db_exec(c, "DELETE FROM hold_results WHERE expires_at <= $1", p, 1);
	if (n < 0)
		return (int)n;
	db_param_t q[] = {DB_INT(now - 86400)};
	n = db_exec(c, "DELETE FROM booking_locks WHERE at < $1", q, 1);
	if (n < 0)
		return (int)n;
	n = db_exec(c, "DELETE FROM booking_quota WHERE at < $1", q, 1);
	return n < 0 ? (int)n : 0;
}

/* ---------------------------------------------------------------- the same person, retention */

int bk_store_contacts(db_conn_t *c, arena_t *a, const booking_t *b, int limit, booking_t **out, size_t *n)
{
	db_param_t p[] = {DB_INT(b->id), DB_TEXT(b->id_number ? b->id_number : ""), DB_TEXT(b->email ? b->email : ""),
			  DB_TEXT(b->phone ? b->phone : ""), DB_INT(limit)};
	return DB_QUERY_ROWS(c, a,
			     "SELECT " APPT_COLS
			     " FROM appointments WHERE id <> $1 AND ((id_number <> '' AND id_number = $2) "
			     "OR (email <> '' AND email = $3) OR (phone <> '' AND phone = $4)) "
			     "ORDER BY start_at DESC, id DESC LIMIT $5",
			     p, 5, appt_fill, out, n);
}

int bk_store_purge_personal(db_conn_t *c, int64_t ended_before, int64_t now, int *n)
{
	db_param_t p[] = {DB_INT(ended_before), DB_INT(now)};
	int64_t r = db_exec(c,
			    "UPDATE appointments SET name = '', id_number = '', email = '', phone = '', "
			    "digital_confidence = NULL, updated_at = $2 "
			    "WHERE (name <> '' OR id_number <> '' OR email <> '' OR phone <> '') "
			    "AND (end_at < $1 OR (status = 'cancelled' AND end_at < $2))",
			    p, 2);
	if (r < 0)
		return (int)r;
	*n = (int)r;
	return 0;
}

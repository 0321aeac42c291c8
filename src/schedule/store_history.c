/* store_history.c — the SQL of history.c: the rules that offer appointments, and past slots. */
#include "schedule/internal.h"

#include "core/demo.h"

static void rule_fill(db_res_t *r, void *item, arena_t *a)
{
	sched_history_rule_t *x = item;
	x->id = db_res_int(r, 0);
	x->office_id = db_res_int(r, 1);
	x->channel = db_res_astr(r, 2, a);
	x->weekdays = db_res_astr(r, 3, a);
	x->start_min = (int)db_res_int(r, 4);
	x->end_min = (int)db_res_int(r, 5);
	x->slot_min = (int)db_res_int(r, 6);
	x->capacity = db_res_null(r, 7) ? -1 : (int)db_res_int(r, 7);
	x->staff_share = (int)db_res_int(r, 8);
}

int sched_store_history_rules(db_conn_t *c, arena_t *a, sched_history_rule_t **out, size_t *n)
{
	return DB_QUERY_ROWS(c, a,
			     "SELECT id, office_id, channel, weekdays, start_min, end_min, slot_min, capacity, "
			     "staff_share FROM availability_rules WHERE active = 1 AND channel IN ('in_person', "
			     "'phone', 'video') ORDER BY id",
			     NULL, 0, rule_fill, out, n);
}

demo_batch_t *sched_store_history_batch(db_conn_t *c)
{
	return demo_batch_new(c,
			      "INSERT INTO slots (rule_id, office_id, channel, day, start_at, end_at, capacity, "
			      "staff_capacity, booked, staff_booked, release_at) VALUES ",
			      "($, $, $, $, $, $, $, $, $, $, $)");
}

int sched_store_history_slot(demo_batch_t *b, const sched_history_slot_t *s)
{
	db_param_t p[] = {DB_INT(s->rule_id),  DB_INT(s->office_id),    DB_TEXT(s->channel),  DB_TEXT(s->day),
			  DB_INT(s->start_at), DB_INT(s->end_at),       DB_INT(s->capacity),  DB_INT(s->staff_capacity),
			  DB_INT(s->booked),   DB_INT(s->staff_booked), DB_INT(s->release_at)};
	return demo_batch_add(b, p);
}

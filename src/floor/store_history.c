/* store_history.c — the SQL of history.c: the zones that number tickets, and past tickets
 * written as they ended. */
#include "floor/internal.h"

#include "core/demo.h"

static void zone_fill(db_res_t *r, void *item, arena_t *a)
{
	fl_history_zone_t *z = item;
	z->office_id = db_res_int(r, 0);
	z->id = db_res_int(r, 1);
	z->office = db_res_astr(r, 2, a);
	z->kind = db_res_astr(r, 3, a);
	z->letter = db_res_astr(r, 4, a);
}

int fl_store_history_zones(db_conn_t *c, arena_t *a, fl_history_zone_t **out, size_t *n)
{
	return DB_QUERY_ROWS(c, a,
			     "SELECT o.id, z.id, o.code, z.kind, z.letter FROM zones z JOIN offices o ON o.id = "
			     "z.office_id WHERE z.kind <> 'welcome' ORDER BY o.code, z.code",
			     NULL, 0, zone_fill, out, n);
}

demo_batch_t *fl_store_history_batch(db_conn_t *c)
{
	return demo_batch_new(c,
			      "INSERT INTO floor_tickets (office_id, number_zone_id, zone_id, day, seq, number, "
			      "token_hash, status, channel, procedure_id, age_band, gender, lang, arrived_at, "
			      "issued_at, called_at, last_called_at, started_at, finished_at, mode) VALUES ",
			      "($, $, $, $, $, $, $, $, $, (SELECT id FROM procedures WHERE code = $), $, $, $, $, $, "
			      "$, $, $, "
			      "$, $)");
}

int fl_store_history_add(demo_batch_t *b, const fl_history_t *t)
{
#define AT(x) ((x) ? DB_INT(x) : DB_NULLP)
	db_param_t p[] =
		{DB_INT(t->office_id), DB_INT(t->zone_id),    DB_INT(t->zone_id),     DB_TEXT(t->day),
		 DB_INT(t->seq),       DB_TEXT(t->number),    DB_TEXT(t->token_hash), DB_TEXT(t->status),
		 DB_TEXT(t->channel),  DB_TEXT(t->procedure), DB_TEXT(t->age_band),   DB_TEXT(t->gender),
		 DB_TEXT(t->lang),     DB_INT(t->issued_at),  DB_INT(t->issued_at),   DB_INT(t->called_at),
		 DB_INT(t->called_at), AT(t->started_at),     AT(t->finished_at),     DB_TEXT(t->mode ? t->mode : "")};
#undef AT
	return demo_batch_add(b, p);
}

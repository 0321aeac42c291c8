/* store_history.c — the SQL of history.c: past appointments written as they ended. */
#include "booking/internal.h"

#include "core/demo.h"

demo_batch_t *bk_store_history_batch(db_conn_t *c)
{
	return demo_batch_new(c,
			      "INSERT INTO appointments (code, token_hash, office_id, procedure_id, channel, start_at, "
			      "end_at, status, name, id_type, id_number, lang, booked_by, created_at, updated_at, "
			      "cancelled_at, checked_in_at, called_at, served_at, done_at) VALUES ",
			      "($, $, (SELECT id FROM offices WHERE code = $), (SELECT id FROM procedures WHERE code = "
			      "$), "
			      "$, $, $, $, $, 'passport', $, $, $, $, $, $, $, $, $, $)");
}

int bk_store_history_add(demo_batch_t *b, const bk_history_t *h, int64_t now)
{
#define AT(x) ((x) ? DB_INT(x) : DB_NULLP)
	db_param_t p[] = {DB_TEXT(h->code),      DB_TEXT(h->token_hash),
			  DB_TEXT(h->office),    DB_TEXT(h->procedure),
			  DB_TEXT(h->channel),   DB_INT(h->start_at),
			  DB_INT(h->end_at),     DB_TEXT(h->status),
			  DB_TEXT(h->name),      DB_TEXT(h->id_number),
			  DB_TEXT(h->lang),      DB_TEXT(h->booked_by),
			  DB_INT(h->created_at), DB_INT(now),
			  AT(h->cancelled_at),   AT(h->checked_in_at),
			  AT(h->called_at),      AT(h->served_at),
			  AT(h->done_at)};
#undef AT
	return demo_batch_add(b, p);
}

typedef struct {
	booking_remote_fn fn;
	void *ud;
} each_t;

static int remote_row(db_res_t *r, void *ud)
{
	each_t *e = ud;
	return e->fn(db_res_int(r, 0), db_res_text(r, 1), db_res_int(r, 2), db_res_text(r, 3), e->ud);
}

int booking_history_remote(db_conn_t *c, booking_remote_fn fn, void *ud)
{
	each_t e = {fn, ud};
	return db_query_each(c,
			     "SELECT id, channel, start_at, status FROM appointments WHERE token_hash LIKE 'history:%' "
			     "AND channel IN ('phone', 'video') ORDER BY start_at, id",
			     NULL, 0, remote_row, &e);
}

/* store_history.c — the SQL of history.c: certificates of the past days, as erased ones are kept
 * (no holder, an empty document). */
#include "padro/internal.h"

#include "core/demo.h"

demo_batch_t *pd_store_history_batch(db_conn_t *c)
{
	return demo_batch_new(c,
			      "INSERT INTO padro_volants (code, kind, lang, holder, holders, sha256, channel, "
			      "confirmed_by, issued_at, pdf) VALUES ",
			      "($, $, $, $, $, $, $, $, $, $)");
}

int pd_store_history_add(demo_batch_t *b, const pd_volant_t *v)
{
	db_param_t p[] = {DB_TEXT(v->code),           DB_TEXT(v->kind),         DB_TEXT(v->lang),
			  DB_TEXT(v->holder),         DB_INT(v->holders),       DB_TEXT(v->sha256),
			  DB_TEXT(v->channel),        DB_TEXT(v->confirmed_by), DB_INT(v->issued_at),
			  DB_BLOB(v->pdf, v->pdf_len)};
	return demo_batch_add(b, p);
}

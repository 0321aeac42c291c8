/* store_history.c — the SQL of history.c: past cases and call-back attempts as they ended. */
#include "remote/internal.h"

#include "core/demo.h"

void rm_store_history_batches(db_conn_t *c, demo_batch_t **attempts, demo_batch_t **cases)
{
	*attempts = demo_batch_new(c, "INSERT INTO remote_attempts (appointment_id, at, actor, outcome) VALUES ",
				   "($, $, $, $)");
	*cases = demo_batch_new(c,
				"INSERT INTO remote_cases (appointment_id, informer, assigned_by, assigned_at, "
				"citizen_seen_at, outcome_at, outcome_by, done_how, updated_at) VALUES ",
				"($, $, $, $, $, $, $, $, $)");
}

int rm_store_history_attempt(demo_batch_t *b, int64_t appt, int64_t at, const char *actor, const char *outcome)
{
	db_param_t p[] = {DB_INT(appt), DB_INT(at), DB_TEXT(actor), DB_TEXT(outcome)};
	return demo_batch_add(b, p);
}

int rm_store_history_case(demo_batch_t *b, const rm_history_t *h)
{
#define AT(x) ((x) ? DB_INT(x) : DB_NULLP)
	db_param_t p[] = {DB_INT(h->appointment_id),
			  DB_TEXT(h->informer),
			  DB_TEXT(h->informer),
			  DB_INT(h->assigned_at),
			  AT(h->citizen_seen_at),
			  AT(h->outcome_at),
			  DB_TEXT(h->outcome_at ? h->informer : ""),
			  DB_TEXT(h->done_how ? h->done_how : ""),
			  DB_INT(h->assigned_at)};
#undef AT
	return demo_batch_add(b, p);
}

/* store_history.c — the SQL of history.c: past cases and call-back attempts as they ended. */
#include "remote/internal.h"

int rm_store_history_attempt(db_conn_t *c, int64_t appt, int64_t at, const char *actor, const char *outcome)
{
	db_param_t p[] = {DB_INT(appt), DB_INT(at), DB_TEXT(actor), DB_TEXT(outcome)};
	int64_t r =
		db_exec(c, "INSERT INTO remote_attempts (appointment_id, at, actor, outcome) VALUES ($1, $2, $3, $4)",
			p, 4);
	return r < 0 ? (int)r : 0;
}

int rm_store_history_case(db_conn_t *c, const rm_history_t *h)
{
#define AT(x) ((x) ? DB_INT(x) : DB_NULLP)
	db_param_t p[] = {DB_INT(h->appointment_id),
			  DB_TEXT(h->informer),
			  DB_INT(h->assigned_at),
			  AT(h->citizen_seen_at),
			  AT(h->outcome_at),
			  DB_TEXT(h->outcome_at ? h->informer : ""),
			  DB_TEXT(h->done_how ? h->done_how : "")};
#undef AT
	int64_t r =
		db_exec(c,
			"INSERT INTO remote_cases (appointment_id, informer, assigned_by, assigned_at, "
			"citizen_seen_at, outcome_at, outcome_by, done_how, updated_at) VALUES ($1, $2, $2, $3, $4, "
			"$5, $6, $7, $3)",
			p, 7);
	return r < 0 ? (int)r : 0;
}

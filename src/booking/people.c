/* people.c — appointments and the citizen record (people/people.h): each new appointment is linked
 * to its person, a person's timeline shows their appointments, and an erasure blanks the personal
 * fields of theirs (times, services, channels and states stay for the figures). */
#include "booking/internal.h"

#include "app.h"
#include "base/str.h"
#include "people/people.h"
#include "view/i18n.h"

int bk_link_person(booking_ctx_t *ctx, int64_t appt_id, const bk_person_t *p)
{
	people_input_t in = {p->name, p->id_number, p->email, p->phone, p->lang};
	int64_t person = 0;
	int rc = people_link(ctx->c, ctx->a, &in, ctx->now, &person);
	if (!rc && person)
		rc = bk_store_appt_person(ctx->c, appt_id, person);
	return rc;
}

int64_t booking_person_of(booking_ctx_t *ctx, int64_t appt_id)
{
	int64_t person = 0;
	return bk_store_person_of(ctx->c, appt_id, &person) ? 0 : person;
}

int bk_timeline(app_t *app, db_conn_t *c, cap_tl_t *tl)
{
	for (size_t i = 0; i < tl->nids; i++) {
		booking_t *v;
		size_t n;
		int rc = bk_store_by_person(c, tl->a, tl->ids[i], &v, &n);
		for (size_t k = 0; !rc && k < n; k++) {
			catalog_procedure_t pr;
			rc = catalog_procedure_by_id(c, tl->a, v[k].procedure_id, &pr);
			if (rc)
				break;
			cap_tl_entry_t *e = cap_tl_add(tl);
			e->at = v[k].start_at;
			e->kind = "appointment";
			e->ref = v[k].code;
			e->status = i18n_get(tl->lang, arena_printf(tl->a, "cita_status_%s", v[k].status));
			e->summary =
				arena_printf(tl->a, "%s · %s", catalog_procedure_name(&pr, tl->lang),
					     i18n_get(tl->lang, arena_printf(tl->a, "cita_ch_short_%s", v[k].channel)));
			e->href = arena_printf(tl->a, "/staff/cita/%s", v[k].code);
			if (tl->full)
				e->detail = arena_printf(tl->a, "%s · %s · %s · %s", v[k].name, v[k].id_number,
							 v[k].email, v[k].phone);
		}
		if (rc)
			return rc;
	}
	return 0;
}

int bk_erase(app_t *app, db_conn_t *c, const int64_t *ids, size_t n, int64_t now)
{
	return cap_erase_each(c, ids, n, bk_store_erase_person);
}

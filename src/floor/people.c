/* people.c — tickets and the citizen record (people/people.h): a person's tickets in their
 * timeline, linking to the ticket's staff page, and an erasure that blanks the free texts of
 * theirs (numbers, times, zones and outcomes stay for the figures). */
#include "floor/internal.h"

#include "app.h"
#include "base/text.h"
#include "view/i18n.h"

int fl_timeline(app_t *app, db_conn_t *c, cap_tl_t *tl)
{
	(void)app;
	for (size_t i = 0; i < tl->nids; i++) {
		fl_ticket_t *v;
		size_t n;
		int rc = fl_store_by_person(c, tl->a, tl->ids[i], &v, &n);
		if (rc)
			return rc;
		for (size_t k = 0; k < n; k++) {
			const char *what = "";
			if (v[k].procedure_id) {
				catalog_procedure_t pr;
				if ((rc = catalog_procedure_by_id(c, tl->a, v[k].procedure_id, &pr)) != 0)
					return rc;
				what = arena_printf(tl->a, " · %s", catalog_procedure_name(&pr, tl->lang));
			}
			cap_tl_entry_t *e = cap_tl_add(tl);
			e->at = v[k].issued_at;
			e->kind = "ticket";
			e->ref = v[k].number;
			e->status = i18n_get(tl->lang, arena_printf(tl->a, "fl_status_%s", v[k].status));
			e->summary = arena_printf(tl->a, "%s · %s%s", v[k].number, v[k].office_code, what);
			e->href = arena_printf(tl->a, "/floor/tickets/%lld", (long long)v[k].id);
			if (tl->full)
				e->detail =
					arena_printf(tl->a, "%s\n%s\n%s", v[k].note, v[k].referred, v[k].outcome_notes);
		}
	}
	return 0;
}

int fl_erase(app_t *app, db_conn_t *c, const int64_t *ids, size_t n, int64_t now)
{
	(void)app, (void)now;
	for (size_t i = 0; i < n; i++) {
		int rc = fl_store_erase_person(c, ids[i]);
		if (rc)
			return rc;
	}
	return 0;
}

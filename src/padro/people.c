/* people.c — certificates and the citizen record (people/people.h): a person's certificates in
 * their timeline, linking to the certificate's verification page, and an erasure that blanks
 * the masked holder and the stored document (the kind, time, channel and SHA-256 stay). */
#include "padro/internal.h"

#include "app.h"
#include "view/i18n.h"

int pd_timeline(app_t *app, db_conn_t *c, cap_tl_t *tl)
{
	(void)app;
	for (size_t i = 0; i < tl->nids; i++) {
		pd_volant_t *v;
		size_t n;
		int rc = pd_store_volants_by_person(c, tl->a, tl->ids[i], &v, &n);
		if (rc)
			return rc;
		for (size_t k = 0; k < n; k++) {
			cap_tl_entry_t *e = cap_tl_add(tl);
			e->at = v[k].issued_at;
			e->kind = "certificate";
			e->ref = v[k].code;
			e->status = "";
			e->summary = arena_printf(tl->a, "%s · %s",
						  i18n_get(tl->lang, arena_printf(tl->a, "pd_kind_%s", v[k].kind)),
						  v[k].channel);
			e->href = arena_printf(tl->a, "/verify/%s", v[k].code);
			if (tl->full)
				e->detail = arena_printf(tl->a, "%s · %s · %s", v[k].holder, v[k].confirmed_by,
							 v[k].sha256);
		}
	}
	return 0;
}

int pd_erase(app_t *app, db_conn_t *c, const int64_t *ids, size_t n, int64_t now)
{
	return cap_erase_each(c, ids, n, pd_store_erase_person);
}

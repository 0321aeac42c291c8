/* document.c — the certificate itself, drawn on the shared A4 page (render/page.h): the city's
 * band and logo, the kind, the address, the holders with their ID, birth and registration dates,
 * the issue date and time, and the verification code with the QR code of its page. */
#include "padro/internal.h"

#include "base/err.h"
#include "base/str.h"
#include "base/tz.h"
#include "render/page.h"
#include "view/i18n.h"

#include <string.h>

typedef struct {
	const pd_issue_t *in;
	const pd_household_t *h;
	const char *vcode, *url;
	int64_t issued_at;
} doc_t;

static const char *id_label(page_t *p, const pd_person_t *x)
{
	return arena_printf(p->a, "%s %s", page_tr(p, arena_printf(p->a, "pd_idtype_%s", x->id_type)), x->id_number);
}

static void holder(page_t *p, const pd_person_t *x)
{
	const char *name = arena_printf(p->a, "%s %s", x->given_name, x->surnames);
	page_line(p, PAGE_FONT " Bold 12", page_esc(p, name), 2);
	const char *vars[] = {"id",    id_label(p, x),
			      "born",  pd_date_show(p->a, x->birth_date),
			      "since", pd_date_show(p->a, x->registered_on),
			      NULL};
	page_line(p, PAGE_FONT " 10", page_esc(p, i18n_subst(p->a, page_tr(p, "pd_doc_holder_line"), vars)), 8);
}

static void draw(page_t *p, void *ud)
{
	doc_t *d = ud;
	bool collective = str_eq(d->in->kind, "collective");
	page_band(p, d->in->city, d->in->logo, d->in->logo_len);
	p->y = PAGE_TOP;
	page_line(p, PAGE_FONT " Bold 18",
		  page_esc(p, page_tr(p, collective ? "pd_doc_title_collective" : "pd_doc_title_individual")), 8);
	page_line(p, PAGE_FONT " 11",
		  page_esc(p, page_tr(p, collective ? "pd_doc_intro_collective" : "pd_doc_intro_individual")), 8);
	page_field(p, "pd_doc_address", d->h->address);
	const char *where =
		*d->h->district ? arena_printf(p->a, "%s · %s", d->h->postcode, d->h->district) : d->h->postcode;
	page_line(p, PAGE_FONT " 11", page_esc(p, where), 12);
	page_line(p, PAGE_FONT " Bold 9", page_esc(p, page_tr(p, collective ? "pd_doc_holders" : "pd_doc_holder")), 4);
	if (collective)
		for (size_t i = 0; i < d->h->n; i++)
			holder(p, &d->h->people[i]);
	else
		holder(p, &d->h->people[d->h->self]);

	tz_local_t lt;
	const tz_t *z = tz_get(d->in->tz && *d->in->tz ? d->in->tz : "Europe/Madrid");
	tz_local(z ? z : tz_utc(), d->issued_at, &lt);
	char date[TZ_DATE_LEN], hm[TZ_HHMM_LEN];
	tz_date_format(lt.day, date);
	tz_hhmm_format(lt.minute, hm);
	const char *vars[] = {"date", pd_date_show(p->a, date), "time", hm, NULL};
	p->y += 6;
	page_field(p, "pd_doc_issued", i18n_subst(p->a, page_tr(p, "pd_doc_issued_at"), vars));

	/* The verification code and the QR code of its page, side by side. */
	double qr = 34 * PT_PER_MM, top = p->y + 4;
	if (top + qr > PAGE_H - PAGE_MARGIN - 30) {
		cairo_show_page(p->cr);
		top = PAGE_MARGIN;
	}
	page_qr_aside(p, d->url, top, qr);
	p->y = top;
	page_line(p, PAGE_FONT " Bold 9", page_esc(p, page_tr(p, "pd_doc_vcode")), 2);
	page_line(p, "DejaVu Sans Mono Bold 15", page_esc(p, pd_vcode_group(p->a, d->vcode)), 6);
	const char *uv[] = {"url", d->url, NULL};
	page_line(p, PAGE_FONT " 9", page_esc(p, i18n_subst(p->a, page_tr(p, "pd_doc_verify_at"), uv)), 4);
	p->width = PAGE_W - 2 * PAGE_MARGIN;
	page_footer(p, page_esc(p, page_tr(p, "pd_doc_footer")));
}

int pd_document(const pd_issue_t *in, const pd_household_t *h, const char *vcode, const char *verify_url,
		int64_t issued_at, bool png, unsigned char **out, size_t *len)
{
	doc_t d = {in, h, vcode, verify_url, issued_at};
	arena_t *a = arena_new();
	const char *title = arena_printf(a, "%s %s", i18n_get(in->lang, "pd_doc_title_individual"), vcode);
	if (str_eq(in->kind, "collective"))
		title = arena_printf(a, "%s %s", i18n_get(in->lang, "pd_doc_title_collective"), vcode);
	int rc = page_render(png ? PAGE_PNG : PAGE_PDF, 110, title, in->lang, draw, &d, out, len);
	arena_free(a);
	return rc;
}

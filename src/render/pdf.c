/* pdf.c — the appointment receipt: one A4 page (render/page.h: cairo, pango, the QR code of the
 * manage link). */
#include "render/pdf.h"
#include "render/page.h"

#include "base/arena.h"
#include "base/err.h"
#include "base/str.h"
#include "view/i18n.h"
#include "view/vmodel.h"

#include <string.h>

#define MARGIN PAGE_MARGIN
#define FONT PAGE_FONT

/* Where it happens: the phone instructions, the video and upload links, or the office. */
static void draw_where(page_t *p, const json_t *m, const char *channel)
{
	const json_t *office = json_object_get(m, "office");
	if (str_eq(channel, "phone")) {
		const char *pv[] = {"phone", json_string_value(json_object_get(m, "phone")), NULL};
		page_line(p, FONT " 11", page_esc(p, i18n_subst(p->a, page_tr(p, "mail_phone_instructions"), pv)), 8);
	} else if (str_eq(channel, "video")) {
		page_line(p, FONT " 11", page_esc(p, page_tr(p, "mail_video_instructions")), 8);
	} else {
		page_field(p, "mail_office", json_string_value(json_object_get(office, "name")));
		page_field(p, "pdf_address", json_string_value(json_object_get(office, "address")));
		page_field(p, "mail_office_phone", json_string_value(json_object_get(office, "phone")));
		page_field(p, "mail_accessibility", json_string_value(json_object_get(office, "accessibility")));
	}
}

/* The documents to bring (in person) or to have ready. */
static void draw_documents(page_t *p, const json_t *m, bool in_person)
{
	const json_t *docs = json_object_get(m, "documents");
	if (json_array_size(docs))
		page_line(p, FONT " Bold 11", page_esc(p, page_tr(p, in_person ? "mail_bring" : "mail_have_ready")), 3);
	size_t i;
	const json_t *d;
	json_array_foreach (docs, i, d) {
		if (json_is_string(d))
			page_line(p, FONT " 11", arena_printf(p->a, "•  %s", page_esc(p, json_string_value(d))), 2);
	}
	if (in_person)
		page_line(p, FONT " 11", page_esc(p, page_tr(p, "mail_bring_id")), 2);
}

static void draw(page_t *p, void *ud)
{
	const json_t *m = ud;
	cairo_t *cr = p->cr;
	const char *city = json_string_value(json_object_get(m, "city_name"));
	if (!city)
		city = json_string_value(json_object_get(m, "city"));
	const char *channel = json_string_value(json_object_get(m, "channel"));
	const json_t *service = json_object_get(m, "service");
	const char *manage = json_string_value(json_object_get(m, "manage_url"));

	page_band(p, city, NULL, 0);

	p->y = 34 * PT_PER_MM;
	page_line(p, FONT " Bold 16", page_esc(p, page_tr(p, "pdf_title")), 10);
	page_line(p, FONT " Bold 10", page_esc(p, page_tr(p, "mail_code")), 2);
	page_line(p, "DejaVu Sans Mono Bold 32", page_esc(p, json_string_value(json_object_get(m, "code"))), 12);

	/* The QR code sits right of the details. */
	double qr_size = 36 * PT_PER_MM, qr_top = p->y;
	p->width = PAGE_W - 2 * MARGIN - qr_size - 6 * PT_PER_MM;
	if (manage && *manage) {
		page_qr(cr, manage, PAGE_W - MARGIN - qr_size, qr_top, qr_size);
		page_text_at(p, PAGE_W - MARGIN - qr_size, qr_top + qr_size + 2, qr_size, FONT " 8",
			     page_esc(p, page_tr(p, "pdf_qr_caption")));
	}

	const char *date, *date_short, *time_s;
	vmodel_when(p->a, m, p->lang, &date, &date_short, &time_s);
	const char *vars[] = {"date", date, "time", time_s, NULL};
	page_field(p, "mail_service", json_string_value(json_object_get(service, "name")));
	if (*date)
		page_field(p, "mail_when", i18n_subst(p->a, page_tr(p, "mail_when_format"), vars));
	page_field(p, "mail_channel",
		   page_tr(p, str_eq(channel, "phone")   ? "mail_channel_phone"
			      : str_eq(channel, "video") ? "mail_channel_video"
							 : "mail_channel_in_person"));
	page_field(p, "pdf_name", json_string_value(json_object_get(m, "name")));
	draw_where(p, m, channel);
	if (p->y < qr_top + qr_size + 12 * PT_PER_MM)
		p->y = qr_top + qr_size + 12 * PT_PER_MM;
	p->width = PAGE_W - 2 * MARGIN;

	draw_documents(p, m, !str_eq(channel, "phone") && !str_eq(channel, "video"));
	p->y += 10;
	if (manage && *manage) {
		page_line(p, FONT " Bold 11", page_esc(p, page_tr(p, "mail_manage")), 3);
		page_line(p, FONT " 10", page_esc(p, manage), 10);
	}
	page_footer(p, page_esc(p, page_tr(p, "pdf_footer")));
}

int pdf_receipt(const json_t *m, const char *lang, unsigned char **out, size_t *len)
{
	const char *code = json_string_value(json_object_get(m, "code"));
	if (!json_is_object(m) || !code || !*code)
		return ERR_INVALID;
	if (!i18n_supported(lang))
		lang = i18n_langs[0];
	arena_t *a = arena_new();
	const char *title = arena_printf(a, "%s %s", i18n_get(lang, "pdf_title"), code);
	int rc = page_render(PAGE_PDF, 0, title, lang, draw, (void *)m, out, len);
	arena_free(a);
	return rc;
}

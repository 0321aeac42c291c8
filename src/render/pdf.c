/* pdf.c — the documents of pdf.h, drawn with the kit of page.h: the appointment receipt, the
 * readable document and the floor's ticket.
 *
 * The receipt is one A4 page: text laid out by pango (so long names wrap and any script renders)
 * and a QR code of the manage link. The font is DejaVu Sans (Debian fonts-dejavu-core), which
 * also covers Arabic; Chinese comes from fontconfig's fallback (fonts-wqy-microhei,
 * install-deps.sh). The receipt's language is pango's too, so shaping and the choice of CJK glyphs
 * follow it, and a right-to-left language lays the page out mirrored: text from the right
 * margin, the QR code on the left.
 *
 * Every document here is a tagged PDF (cairo's structure tags: a Document of headings,
 * paragraphs and the QR code as a figure), so screen readers read it in order instead of guessing
 * from the drawing. A cancelled appointment's receipt says so at the top and offers neither the
 * QR code nor the documents to bring. */
#include "render/pdf.h"
#include "render/page.h"

#include "base/err.h"
#include "base/str.h"
#include "view/i18n.h"
#include "view/vmodel.h"

#include <stdio.h>

/* Draws the tagged, directed PDF of w × h points (0: A4) with draw(p, m) under title. */
static int render_pdf(double w, double h, const char *title, const char *lang, const json_t *m,
		      void (*draw)(page_t *p, void *ud), unsigned char **out, size_t *len)
{
	page_doc_t d = {.w = w, .h = h, .title = title, .lang = lang, .tagged = true, .directed = true};
	return page_render_doc(&d, draw, (void *)m, out, len);
}

static const char *jstr(const json_t *m, const char *k)
{
	const char *s = json_string_value(json_object_get(m, k));
	return s ? s : "";
}

/* ---------------------------------------------------------------- the appointment receipt */

/* The band that says the appointment is cancelled, in words (not by colour alone). */
static void draw_cancelled(page_t *p)
{
	const char *font = PAGE_FONT " Bold 16", *text = page_esc(p, page_tr(p, "pdf_cancelled"));
	double h = page_text_height(p, p->width - 16, font, text);
	cairo_set_source_rgb(p->cr, 0x8a / 255.0, 0x10 / 255.0, 0x10 / 255.0);
	cairo_set_line_width(p->cr, 3);
	double x = page_col_x(p, p->width);
	cairo_rectangle(p->cr, x, p->y, p->width, h + 16);
	cairo_stroke(p->cr);
	page_text_as(p, "H2", x + 8, p->y + 8, p->width - 16, font, text);
	page_ink(p);
	p->y += h + 24;
	page_line(p, PAGE_FONT " 11", page_esc(p, page_tr(p, "pdf_cancelled_note")), 10);
}

/* Where it happens: the phone instructions, the video and upload links, or the office. */
static void draw_where(page_t *p, const json_t *m, const char *channel)
{
	const json_t *office = json_object_get(m, "office");
	if (str_eq(channel, "phone")) {
		const char *pv[] = {"phone", json_string_value(json_object_get(m, "phone")), NULL};
		page_line(p, PAGE_FONT " 11", page_esc(p, i18n_subst(p->a, page_tr(p, "mail_phone_instructions"), pv)),
			  8);
	} else if (str_eq(channel, "video")) {
		const char *video = json_string_value(json_object_get(m, "video_url"));
		page_line(p, PAGE_FONT " 11",
			  page_esc(p, page_tr(p, video ? "mail_video_instructions" : "mail_video_no_link")),
			  video ? 3 : 8);
		if (video)
			page_line(p, PAGE_FONT " Bold 10", page_esc(p, video), 8);
	} else {
		page_field(p, "mail_office", json_string_value(json_object_get(office, "name")));
		page_field(p, "pdf_address", json_string_value(json_object_get(office, "address")));
		page_field(p, "mail_office_phone", json_string_value(json_object_get(office, "phone")));
		page_field(p, "mail_accessibility", json_string_value(json_object_get(office, "accessibility")));
	}
	const char *docs = json_string_value(json_object_get(m, "docs_url"));
	if (docs) {
		page_line(p, PAGE_FONT " 11", page_esc(p, page_tr(p, "mail_docs_link")), 3);
		page_line(p, PAGE_FONT " Bold 10", page_esc(p, docs), 8);
	}
}

/* The documents to bring (in person) or to have ready. */
static void draw_documents(page_t *p, const json_t *m, bool in_person)
{
	const json_t *docs = json_object_get(m, "documents");
	if (json_array_size(docs))
		page_line(p, PAGE_FONT " Bold 11",
			  page_esc(p, page_tr(p, in_person ? "mail_bring" : "mail_have_ready")), 3);
	size_t i;
	const json_t *d;
	json_array_foreach (docs, i, d) {
		const char *doc = json_string_value(d);
		if (doc)
			page_line(p, PAGE_FONT " 11", arena_printf(p->a, "•  %s", page_value(p, doc)), 2);
	}
	if (in_person)
		page_line(p, PAGE_FONT " 11", page_esc(p, page_tr(p, "mail_bring_id")), 2);
}

static void draw_receipt(page_t *p, void *ud)
{
	const json_t *m = ud;
	const char *city = json_string_value(json_object_get(m, "city_name"));
	if (!city)
		city = json_string_value(json_object_get(m, "city"));
	const char *channel = json_string_value(json_object_get(m, "channel"));
	const json_t *service = json_object_get(m, "service");
	const char *manage = json_string_value(json_object_get(m, "manage_url"));

	bool cancelled = str_eq(json_string_value(json_object_get(m, "status")), "cancelled");
	if (cancelled)
		manage = NULL; /* nothing left to manage: no QR code, no link */
	page_band(p, city, NULL, 0);

	p->y = PAGE_TOP;
	page_block(p, "H1", PAGE_FONT " Bold 16", page_esc(p, page_tr(p, "pdf_title")), 10);
	if (cancelled)
		draw_cancelled(p);
	page_block(p, "H2", PAGE_FONT " Bold 10", page_esc(p, page_tr(p, "mail_code")), 2);
	page_line(p, "DejaVu Sans Mono Bold 32", page_esc(p, jstr(m, "code")), 12);

	/* The QR code sits after the details: on the right, or on the left right to left. */
	double qr_size = 36 * PT_PER_MM, qr_top = p->y;
	if (manage && *manage) {
		double qr_x = page_qr_aside(p, manage, qr_top, qr_size);
		page_text_as(p, "Caption", qr_x, qr_top + qr_size + 2, qr_size, PAGE_FONT " 8",
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
	if (!cancelled)
		draw_where(p, m, channel);
	if (manage && *manage && p->y < qr_top + qr_size + 12 * PT_PER_MM)
		p->y = qr_top + qr_size + 12 * PT_PER_MM;
	p->width = PAGE_W - 2 * PAGE_MARGIN;

	if (!cancelled)
		draw_documents(p, m, !str_eq(channel, "phone") && !str_eq(channel, "video"));
	p->y += 10;
	if (manage && *manage) {
		page_block(p, "H2", PAGE_FONT " Bold 11", page_esc(p, page_tr(p, "mail_manage")), 3);
		page_line(p, PAGE_FONT " 10", page_value(p, manage), 10);
	}
	page_footer(p, page_esc(p, page_tr(p, cancelled ? "pdf_cancelled_footer" : "pdf_footer")));
}

int pdf_receipt(const json_t *m, const char *lang, unsigned char **out, size_t *len)
{
	const char *code = json_string_value(json_object_get(m, "code"));
	if (!json_is_object(m) || !code || !*code)
		return ERR_INVALID;
	if (!i18n_supported(lang))
		lang = i18n_default();
	char title[128];
	snprintf(title, sizeof title, "%s %s", i18n_get(lang, "pdf_title"), code);
	return render_pdf(0, 0, title, lang, m, draw_receipt, out, len);
}

/* ---------------------------------------------------------------- a readable document */

static void draw_document(page_t *p, void *ud)
{
	const json_t *doc = ud;
	page_band(p, json_string_value(json_object_get(doc, "city")), NULL, 0);
	p->y = PAGE_TOP;
	page_block(p, "H1", PAGE_FONT " Bold 16", page_esc(p, jstr(doc, "title")), 4);
	page_line(p, PAGE_FONT " 10", page_esc(p, jstr(doc, "subtitle")), 12);
	size_t i, j;
	const json_t *sec, *item;
	json_array_foreach (json_object_get(doc, "sections"), i, sec) {
		page_block(p, "H2", PAGE_FONT " Bold 13", page_esc(p, jstr(sec, "heading")), 6);
		json_array_foreach (json_object_get(sec, "rows"), j, item) {
			const char *v = jstr(item, "value");
			if (!*v)
				continue;
			page_block(p, "H3", PAGE_FONT " Bold 9", page_esc(p, jstr(item, "label")), 1);
			page_line(p, PAGE_FONT " 11", page_esc(p, v), 6);
		}
		json_array_foreach (json_object_get(sec, "paragraphs"), j, item)
			page_line(p, PAGE_FONT " 10", page_esc(p, json_string_value(item)), 5);
		p->y += 8;
	}
	const char *footer = json_string_value(json_object_get(doc, "footer"));
	if (footer)
		page_line(p, PAGE_FONT " 8", page_esc(p, footer), 0);
}

int pdf_document(const json_t *doc, unsigned char **out, size_t *len)
{
	const char *title = json_string_value(json_object_get(doc, "title"));
	if (!json_is_object(doc) || !title)
		return ERR_INVALID;
	return render_pdf(0, 0, title, i18n_default(), doc, draw_document, out, len);
}

/* ---------------------------------------------------------------- the floor's ticket */

#define TICKET_W (80 * PT_PER_MM)
#define TICKET_H (150 * PT_PER_MM)
#define TICKET_MARGIN (5 * PT_PER_MM)

static void draw_ticket(page_t *p, void *ud)
{
	const json_t *m = ud;
	cairo_t *cr = p->cr;
	double x = TICKET_MARGIN, w = TICKET_W - 2 * TICKET_MARGIN;
	p->width = w;
	p->y = TICKET_MARGIN;
	cairo_set_source_rgb(cr, 0, 0, 0);
	p->y += page_text_at(p, x, p->y, w, PAGE_FONT " Bold 11", page_esc(p, jstr(m, "city"))) + 1;
	p->y += page_text_at(p, x, p->y, w, PAGE_FONT " 10", page_esc(p, jstr(m, "office"))) + 4 * PT_PER_MM;
	/* The zone's band, in its colour, with the number large on it. */
	double band = 30 * PT_PER_MM;
	page_colour(cr, jstr(m, "colour"));
	cairo_rectangle(cr, x, p->y, w, band);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 1, 1, 1);
	page_text_at(p, x + 3 * PT_PER_MM, p->y + 2 * PT_PER_MM, w - 6 * PT_PER_MM, PAGE_FONT " Bold 11",
		     page_esc(p, jstr(m, "zone")));
	page_text_as(p, "H1", x + 3 * PT_PER_MM, p->y + 8 * PT_PER_MM, w - 6 * PT_PER_MM, "DejaVu Sans Mono Bold 44",
		     page_esc(p, jstr(m, "number")));
	p->y += band + 4 * PT_PER_MM;
	cairo_set_source_rgb(cr, 0, 0, 0);
	size_t i;
	const json_t *l;
	json_array_foreach (json_object_get(m, "lines"), i, l) {
		p->y += page_text_at(p, x, p->y, w, PAGE_FONT " 9", page_esc(p, jstr(l, "label")));
		p->y += page_text_at(p, x, p->y, w, PAGE_FONT " Bold 12", page_esc(p, jstr(l, "value"))) +
			2 * PT_PER_MM;
	}
	const char *url = jstr(m, "url");
	if (*url) {
		double qr = 34 * PT_PER_MM;
		page_qr(cr, url, x + (w - qr) / 2, p->y, qr);
		p->y += qr + 1;
		page_text_at(p, x, p->y, w, PAGE_FONT " 8", page_esc(p, jstr(m, "caption")));
	}
}

int pdf_ticket(const json_t *m, const char *lang, unsigned char **out, size_t *len)
{
	const char *number = json_string_value(json_object_get(m, "number"));
	if (!json_is_object(m) || !number || !*number)
		return ERR_INVALID;
	return render_pdf(TICKET_W, TICKET_H, number, lang, m, draw_ticket, out, len);
}

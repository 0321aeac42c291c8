/* pdf.c — the appointment receipt: one A4 page drawn with cairo, text laid out by pango (so
 * long names wrap and any script renders), and a QR code of the manage link (libqrencode). The
 * font is DejaVu Sans (Debian fonts-dejavu-core), found through fontconfig, which also covers
 * Arabic; Chinese comes from fontconfig's fallback (fonts-wqy-microhei, install-deps.sh). The
 * receipt's language is pango's too, so shaping and the choice of CJK glyphs follow it, and a
 * right-to-left language lays the page out mirrored: text from the right margin, the QR code on
 * the left. */
#include "render/pdf.h"
#include "render/lock.h"

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/mem.h"
#include "base/str.h"
#include "view/i18n.h"
#include "view/vmodel.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <qrencode.h>
#include <stdio.h>
#include <string.h>

#define PT_PER_MM (72.0 / 25.4)
#define PAGE_W (210 * PT_PER_MM)
#define PAGE_H (297 * PT_PER_MM)
#define MARGIN (18 * PT_PER_MM)
#define FONT "DejaVu Sans"
#define PDF_MAX (8 << 20)

/* One font map for the process, made on first use (pango's default one is per thread, so every
 * worker thread would load the fonts again and keep them until exit); receipts are rare, so one
 * at a time. */

static cairo_status_t write_cb(void *ud, const unsigned char *data, unsigned int len)
{
	return buf_append(ud, data, len) ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

typedef struct {
	cairo_t *cr;
	PangoContext *pc;
	arena_t *a;
	const char *lang;
	bool rtl;     /* the language is written right to left */
	double y;     /* next line's top */
	double width; /* text column width */
} page_t;

/* Where a column of width starts so that it sits against the margin the language starts from. */
static double col_x(const page_t *p, double width)
{
	return p->rtl ? PAGE_W - MARGIN - width : MARGIN;
}

static const char *esc(page_t *p, const char *s)
{
	char *e = g_markup_escape_text(s ? s : "", -1);
	char *o = arena_strdup(p->a, e);
	g_free(e);
	return o;
}

/* A value from the appointment (a name, an address, a procedure's name kept in another
 * language) as markup in a directional isolate: its own text decides its direction, so an
 * English sentence in an Arabic receipt keeps its full stop at its end. */
static const char *value(page_t *p, const char *s)
{
	return arena_printf(p->a, "\u2068%s\u2069", esc(p, s));
}

static const char *tr(page_t *p, const char *key)
{
	return i18n_get(p->lang, key);
}

static PangoLayout *layout_for(page_t *p, double width, const char *font, const char *markup)
{
	PangoLayout *l = pango_layout_new(p->pc);
	PangoFontDescription *fd = pango_font_description_from_string(font);
	pango_layout_set_font_description(l, fd);
	pango_layout_set_width(l, (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	/* Every paragraph in the page's direction (a line of Latin letters in an Arabic receipt, a
	 * code or a name, still starts at the right), set against its starting margin. */
	pango_layout_set_auto_dir(l, FALSE);
	pango_layout_set_alignment(l, p->rtl ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
	pango_layout_set_markup(l, markup, -1);
	pango_font_description_free(fd);
	return l;
}

static double layout_height(PangoLayout *l)
{
	int w, h;
	pango_layout_get_size(l, &w, &h);
	return (double)h / PANGO_SCALE;
}

/* Lays out markup at (x, y) in width; returns its height. */
static double text_at(page_t *p, double x, double y, double width, const char *font, const char *markup)
{
	PangoLayout *l = layout_for(p, width, font, markup);
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, l);
	double h = layout_height(l);
	g_object_unref(l);
	return h;
}

/* The next block of the flow; a block that would run into the footer starts a new page (long
 * lists of documents or accessibility notes). */
static void line(page_t *p, const char *font, const char *markup, double after)
{
	PangoLayout *l = layout_for(p, p->width, font, markup);
	double h = layout_height(l);
	if (p->y + h > PAGE_H - MARGIN - 24) {
		cairo_show_page(p->cr);
		p->y = MARGIN;
		p->width = PAGE_W - 2 * MARGIN;
		pango_layout_set_width(l, (int)(p->width * PANGO_SCALE));
		h = layout_height(l);
	}
	cairo_move_to(p->cr, col_x(p, p->width), p->y);
	pango_cairo_show_layout(p->cr, l);
	g_object_unref(l);
	p->y += h + after;
}

/* A label over its value. */
static void field(page_t *p, const char *label_key, const char *text)
{
	if (!text || !*text)
		return;
	line(p, FONT " Bold 9", esc(p, tr(p, label_key)), 1);
	line(p, FONT " 12", value(p, text), 8);
}

static void draw_qr(cairo_t *cr, const char *url, double x, double y, double size)
{
	QRcode *q = QRcode_encodeString(url, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!q)
		return;
	int n = q->width + 8; /* a 4-module quiet zone each side */
	double m = size / n;
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_rectangle(cr, x, y, size, size);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	for (int r = 0; r < q->width; r++)
		for (int c = 0; c < q->width; c++)
			if (q->data[r * q->width + c] & 1)
				cairo_rectangle(cr, x + (c + 4) * m, y + (r + 4) * m, m, m);
	cairo_fill(cr);
	QRcode_free(q);
}

/* The band with the city's name across the top, then the text colour. */
static void band(page_t *p, const char *city)
{
	cairo_set_source_rgb(p->cr, 0xa3 / 255.0, 0x11 / 255.0, 0x1d / 255.0);
	cairo_rectangle(p->cr, 0, 0, PAGE_W, 26 * PT_PER_MM);
	cairo_fill(p->cr);
	cairo_set_source_rgb(p->cr, 1, 1, 1);
	text_at(p, MARGIN, 9 * PT_PER_MM, PAGE_W - 2 * MARGIN, FONT " Bold 18", esc(p, city ? city : ""));
	cairo_set_source_rgb(p->cr, 0x1b / 255.0, 0x1f / 255.0, 0x24 / 255.0);
}

/* Where it happens: the phone instructions, the video and upload links, or the office. */
static void draw_where(page_t *p, const json_t *m, const char *channel)
{
	const json_t *office = json_object_get(m, "office");
	if (str_eq(channel, "phone")) {
		const char *pv[] = {"phone", json_string_value(json_object_get(m, "phone")), NULL};
		line(p, FONT " 11", esc(p, i18n_subst(p->a, tr(p, "mail_phone_instructions"), pv)), 8);
	} else if (str_eq(channel, "video")) {
		const char *video = json_string_value(json_object_get(m, "video_url"));
		line(p, FONT " 11", esc(p, tr(p, video ? "mail_video_instructions" : "mail_video_no_link")),
		     video ? 3 : 8);
		if (video)
			line(p, FONT " Bold 10", esc(p, video), 8);
	} else {
		field(p, "mail_office", json_string_value(json_object_get(office, "name")));
		field(p, "pdf_address", json_string_value(json_object_get(office, "address")));
		field(p, "mail_office_phone", json_string_value(json_object_get(office, "phone")));
		field(p, "mail_accessibility", json_string_value(json_object_get(office, "accessibility")));
	}
	const char *docs = json_string_value(json_object_get(m, "docs_url"));
	if (docs) {
		line(p, FONT " 11", esc(p, tr(p, "mail_docs_link")), 3);
		line(p, FONT " Bold 10", esc(p, docs), 8);
	}
}

/* The documents to bring (in person) or to have ready. */
static void draw_documents(page_t *p, const json_t *m, bool in_person)
{
	const json_t *docs = json_object_get(m, "documents");
	if (json_array_size(docs))
		line(p, FONT " Bold 11", esc(p, tr(p, in_person ? "mail_bring" : "mail_have_ready")), 3);
	size_t i;
	const json_t *d;
	json_array_foreach (docs, i, d) {
		if (json_is_string(d))
			line(p, FONT " 11", arena_printf(p->a, "•  %s", value(p, json_string_value(d))), 2);
	}
	if (in_person)
		line(p, FONT " 11", esc(p, tr(p, "mail_bring_id")), 2);
}

static void draw(page_t *p, const json_t *m)
{
	cairo_t *cr = p->cr;
	const char *city = json_string_value(json_object_get(m, "city_name"));
	if (!city)
		city = json_string_value(json_object_get(m, "city"));
	const char *channel = json_string_value(json_object_get(m, "channel"));
	const json_t *service = json_object_get(m, "service");
	const char *manage = json_string_value(json_object_get(m, "manage_url"));

	band(p, city);

	p->y = 34 * PT_PER_MM;
	line(p, FONT " Bold 16", esc(p, tr(p, "pdf_title")), 10);
	line(p, FONT " Bold 10", esc(p, tr(p, "mail_code")), 2);
	line(p, "DejaVu Sans Mono Bold 32", esc(p, json_string_value(json_object_get(m, "code"))), 12);

	/* The QR code sits after the details: on the right, or on the left right to left. */
	double qr_size = 36 * PT_PER_MM, qr_top = p->y;
	double qr_x = p->rtl ? MARGIN : PAGE_W - MARGIN - qr_size;
	p->width = PAGE_W - 2 * MARGIN - qr_size - 6 * PT_PER_MM;
	if (manage && *manage) {
		draw_qr(cr, manage, qr_x, qr_top, qr_size);
		text_at(p, qr_x, qr_top + qr_size + 2, qr_size, FONT " 8", esc(p, tr(p, "pdf_qr_caption")));
	}

	const char *date, *date_short, *time_s;
	vmodel_when(p->a, m, p->lang, &date, &date_short, &time_s);
	const char *vars[] = {"date", date, "time", time_s, NULL};
	field(p, "mail_service", json_string_value(json_object_get(service, "name")));
	if (*date)
		field(p, "mail_when", i18n_subst(p->a, tr(p, "mail_when_format"), vars));
	field(p, "mail_channel",
	      tr(p, str_eq(channel, "phone")   ? "mail_channel_phone"
		    : str_eq(channel, "video") ? "mail_channel_video"
					       : "mail_channel_in_person"));
	field(p, "pdf_name", json_string_value(json_object_get(m, "name")));
	draw_where(p, m, channel);
	if (p->y < qr_top + qr_size + 12 * PT_PER_MM)
		p->y = qr_top + qr_size + 12 * PT_PER_MM;
	p->width = PAGE_W - 2 * MARGIN;

	draw_documents(p, m, !str_eq(channel, "phone") && !str_eq(channel, "video"));
	p->y += 10;
	if (manage && *manage) {
		line(p, FONT " Bold 11", esc(p, tr(p, "mail_manage")), 3);
		line(p, FONT " 10", value(p, manage), 10);
	}
	text_at(p, MARGIN, PAGE_H - MARGIN - 10, PAGE_W - 2 * MARGIN, FONT " 8", esc(p, tr(p, "pdf_footer")));
}

/* Draws one document of w × h points with draw(p, m) under title, into a new PDF buffer. */
static int render_doc(double w, double h, const char *title, const char *lang, const json_t *m,
		      void (*draw_fn)(page_t *, const json_t *), unsigned char **out, size_t *len)
{
	buf_t b;
	buf_init(&b, PDF_MAX);
	PangoFontMap *font_map = render_lock();
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(write_cb, &b, w, h);
	arena_t *a = arena_new();
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "Finestreta");
	cairo_t *cr = cairo_create(s);
	PangoContext *pc = pango_font_map_create_context(font_map);
	bool rtl = strcmp(i18n_dir(lang), "rtl") == 0;
	PangoLanguage *pl = pango_language_from_string(i18n_tag(lang));
	pango_context_set_language(pc, pl);
	pango_context_set_base_dir(pc, rtl ? PANGO_DIRECTION_RTL : PANGO_DIRECTION_LTR);
	pango_cairo_update_context(cr, pc);
	page_t p = {.cr = cr, .pc = pc, .a = a, .lang = lang, .rtl = rtl, .width = w - 2 * MARGIN};
	draw_fn(&p, m);
	cairo_show_page(cr);
	g_object_unref(pc);
	cairo_destroy(cr);
	cairo_surface_finish(s);
	cairo_status_t st = cairo_surface_status(s);
	cairo_surface_destroy(s);
	render_unlock();
	arena_free(a);
	if (st != CAIRO_STATUS_SUCCESS || b.len == 0) {
		buf_free(&b);
		return st == CAIRO_STATUS_WRITE_ERROR ? ERR_TOO_BIG : ERR_IO;
	}
	*out = (unsigned char *)buf_detach(&b, len);
	return 0;
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
	return render_doc(PAGE_W, PAGE_H, title, lang, m, draw, out, len);
}

/* ---------------------------------------------------------------- a readable document */

static void draw_document(page_t *p, const json_t *doc)
{
	const char *city = json_string_value(json_object_get(doc, "city"));
	band(p, city);
	p->y = 34 * PT_PER_MM;
	line(p, FONT " Bold 16", esc(p, json_string_value(json_object_get(doc, "title"))), 4);
	line(p, FONT " 10", esc(p, json_string_value(json_object_get(doc, "subtitle"))), 12);
	size_t i, j;
	const json_t *sec, *item;
	json_array_foreach (json_object_get(doc, "sections"), i, sec) {
		line(p, FONT " Bold 13", esc(p, json_string_value(json_object_get(sec, "heading"))), 6);
		json_array_foreach (json_object_get(sec, "rows"), j, item) {
			const char *v = json_string_value(json_object_get(item, "value"));
			if (!v || !*v)
				continue;
			line(p, FONT " Bold 9", esc(p, json_string_value(json_object_get(item, "label"))), 1);
			line(p, FONT " 11", esc(p, v), 6);
		}
		json_array_foreach (json_object_get(sec, "paragraphs"), j, item)
			line(p, FONT " 10", esc(p, json_string_value(item)), 5);
		p->y += 8;
	}
	const char *footer = json_string_value(json_object_get(doc, "footer"));
	if (footer)
		line(p, FONT " 8", esc(p, footer), 0);
}

int pdf_document(const json_t *doc, unsigned char **out, size_t *len)
{
	const char *title = json_string_value(json_object_get(doc, "title"));
	if (!json_is_object(doc) || !title)
		return ERR_INVALID;
	return render_doc(PAGE_W, PAGE_H, title, i18n_default(), doc, draw_document, out, len);
}

/* ---------------------------------------------------------------- the floor's ticket */

#define TICKET_W (80 * PT_PER_MM)
#define TICKET_H (150 * PT_PER_MM)
#define TICKET_MARGIN (5 * PT_PER_MM)

static const char *jstr(const json_t *m, const char *k)
{
	const char *s = json_string_value(json_object_get(m, k));
	return s ? s : "";
}

/* "#rrggbb" → cairo's source colour; black for anything else. */
static void set_hex(cairo_t *cr, const char *hex)
{
	unsigned v = 0;
	bool ok = hex && strlen(hex) == 7 && hex[0] == '#';
	for (int i = 1; ok && i < 7; i++) {
		int d = str_hexval(hex[i]);
		ok = d >= 0;
		v = v << 4 | (unsigned)(d < 0 ? 0 : d);
	}
	if (!ok)
		v = 0;
	cairo_set_source_rgb(cr, (v >> 16) / 255.0, ((v >> 8) & 0xff) / 255.0, (v & 0xff) / 255.0);
}

static void draw_ticket(page_t *p, const json_t *m)
{
	cairo_t *cr = p->cr;
	double x = TICKET_MARGIN, w = TICKET_W - 2 * TICKET_MARGIN;
	p->width = w;
	p->y = TICKET_MARGIN;
	cairo_set_source_rgb(cr, 0, 0, 0);
	p->y += text_at(p, x, p->y, w, FONT " Bold 11", esc(p, jstr(m, "city"))) + 1;
	p->y += text_at(p, x, p->y, w, FONT " 10", esc(p, jstr(m, "office"))) + 4 * PT_PER_MM;
	/* The zone's band, in its colour, with the number large on it. */
	double band = 30 * PT_PER_MM;
	set_hex(cr, jstr(m, "colour"));
	cairo_rectangle(cr, x, p->y, w, band);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 1, 1, 1);
	text_at(p, x + 3 * PT_PER_MM, p->y + 2 * PT_PER_MM, w - 6 * PT_PER_MM, FONT " Bold 11",
		esc(p, jstr(m, "zone")));
	text_at(p, x + 3 * PT_PER_MM, p->y + 8 * PT_PER_MM, w - 6 * PT_PER_MM, "DejaVu Sans Mono Bold 44",
		esc(p, jstr(m, "number")));
	p->y += band + 4 * PT_PER_MM;
	cairo_set_source_rgb(cr, 0, 0, 0);
	size_t i;
	const json_t *l;
	json_array_foreach (json_object_get(m, "lines"), i, l) {
		p->y += text_at(p, x, p->y, w, FONT " 9", esc(p, jstr(l, "label")));
		p->y += text_at(p, x, p->y, w, FONT " Bold 12", esc(p, jstr(l, "value"))) + 2 * PT_PER_MM;
	}
	const char *url = jstr(m, "url");
	if (*url) {
		double qr = 34 * PT_PER_MM;
		draw_qr(cr, url, x + (w - qr) / 2, p->y, qr);
		p->y += qr + 1;
		text_at(p, x, p->y, w, FONT " 8", esc(p, jstr(m, "caption")));
	}
}

int pdf_ticket(const json_t *m, const char *lang, unsigned char **out, size_t *len)
{
	const char *number = json_string_value(json_object_get(m, "number"));
	if (!json_is_object(m) || !number || !*number)
		return ERR_INVALID;
	if (!i18n_supported(lang))
		lang = i18n_default();
	return render_doc(TICKET_W, TICKET_H, number, lang, m, draw_ticket, out, len);
}

char *qr_svg(const char *text)
{
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!q)
		return NULL;
	int n = q->width + 8;
	buf_t b;
	buf_init(&b, 1 << 20);
	int rc = buf_printf(&b,
			    "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
			    "shape-rendering=\"crispEdges\">"
			    "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
			    n, n, n, n);
	for (int r = 0; !rc && r < q->width; r++)
		for (int c = 0; !rc && c < q->width; c++)
			if (q->data[r * q->width + c] & 1)
				rc = buf_printf(&b, "M%d %dh1v1h-1z", c + 4, r + 4);
	if (!rc)
		rc = buf_puts(&b, "\"/></svg>");
	QRcode_free(q);
	if (rc) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

/* page.c — see page.h: the drawing kit of the documents (the page, its text flow, QR codes, the
 * city's band and the footer), and the one lock and font map of src/render. */
#include "render/page.h"
#include "render/lock.h"
#include "render/pdf.h"

#include "base/buf.h"
#include "base/err.h"
#include "base/str.h"
#include "view/i18n.h"

#include <cairo-pdf.h>
#include <pthread.h>
#include <qrencode.h>
#include <string.h>

#define DOC_MAX (8 << 20)
#define BAND_H (26 * PT_PER_MM)

/* One font map for the process, made on first use (pango's default one is per thread, so every
 * worker thread would load the fonts again and keep them until exit); documents are rare, so one
 * at a time. */
static pthread_mutex_t page_mu = PTHREAD_MUTEX_INITIALIZER;
static PangoFontMap *font_map;

PangoFontMap *render_lock(void)
{
	pthread_mutex_lock(&page_mu);
	if (!font_map)
		font_map = pango_cairo_font_map_new();
	return font_map;
}

void render_unlock(void)
{
	pthread_mutex_unlock(&page_mu);
}

static cairo_status_t write_cb(void *ud, const unsigned char *data, unsigned int len)
{
	return buf_append(ud, data, len) ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

/* ---------------------------------------------------------------- text */

const char *page_esc(page_t *p, const char *s)
{
	char *e = g_markup_escape_text(s ? s : "", -1);
	char *o = arena_strdup(p->a, e);
	g_free(e);
	return o;
}

const char *page_value(page_t *p, const char *s)
{
	return p->directed ? arena_printf(p->a, "\u2068%s\u2069", page_esc(p, s)) : page_esc(p, s);
}

const char *page_tr(page_t *p, const char *key)
{
	return i18n_get(p->lang, key);
}

void page_ink(page_t *p)
{
	cairo_set_source_rgb(p->cr, 0x1b / 255.0, 0x1f / 255.0, 0x24 / 255.0);
}

void page_colour(cairo_t *cr, const char *hex)
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

static PangoLayout *layout_for(page_t *p, double width, const char *font, const char *markup)
{
	PangoLayout *l = pango_layout_new(p->pc);
	PangoFontDescription *fd = pango_font_description_from_string(font);
	pango_layout_set_font_description(l, fd);
	pango_layout_set_width(l, (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	if (p->directed) {
		/* Every paragraph in the page's direction (a line of Latin letters in an Arabic receipt,
		 * a code or a name, still starts at the right), set against its starting margin. */
		pango_layout_set_auto_dir(l, FALSE);
		pango_layout_set_alignment(l, p->rtl ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
	}
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

/* Shows l at (x, y), as structure element tag on a tagged page. */
static void show_as(page_t *p, const char *tag, PangoLayout *l, double x, double y)
{
	if (p->tagged)
		cairo_tag_begin(p->cr, tag, NULL);
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, l);
	if (p->tagged)
		cairo_tag_end(p->cr, tag);
}

double page_text_height(page_t *p, double width, const char *font, const char *markup)
{
	PangoLayout *l = layout_for(p, width, font, markup);
	double h = layout_height(l);
	g_object_unref(l);
	return h;
}

double page_text_as(page_t *p, const char *tag, double x, double y, double width, const char *font, const char *markup)
{
	PangoLayout *l = layout_for(p, width, font, markup);
	show_as(p, tag, l, x, y);
	double h = layout_height(l);
	g_object_unref(l);
	return h;
}

double page_text_at(page_t *p, double x, double y, double width, const char *font, const char *markup)
{
	return page_text_as(p, "P", x, y, width, font, markup);
}

double page_col_x(const page_t *p, double width)
{
	return p->rtl ? PAGE_W - PAGE_MARGIN - width : PAGE_MARGIN;
}

/* ---------------------------------------------------------------- the flow */

void page_block(page_t *p, const char *tag, const char *font, const char *markup, double after)
{
	PangoLayout *l = layout_for(p, p->width, font, markup);
	double h = layout_height(l);
	if (p->y + h > PAGE_H - PAGE_MARGIN - 24) {
		cairo_show_page(p->cr);
		p->y = PAGE_MARGIN;
		p->width = PAGE_W - 2 * PAGE_MARGIN;
		pango_layout_set_width(l, (int)(p->width * PANGO_SCALE));
		h = layout_height(l);
	}
	show_as(p, tag, l, page_col_x(p, p->width), p->y);
	g_object_unref(l);
	p->y += h + after;
}

void page_line(page_t *p, const char *font, const char *markup, double after)
{
	page_block(p, "P", font, markup, after);
}

void page_field(page_t *p, const char *label_key, const char *value)
{
	if (!value || !*value)
		return;
	page_block(p, "H2", PAGE_FONT " Bold 9", page_esc(p, page_tr(p, label_key)), 1);
	page_line(p, PAGE_FONT " 12", page_value(p, value), 8);
}

/* ---------------------------------------------------------------- QR codes */

static QRcode *qr_encode(const char *text)
{
	return QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
}

#define QR_QUIET 4 /* modules of quiet zone each side */

void page_qr(cairo_t *cr, const char *text, double x, double y, double size)
{
	QRcode *q = qr_encode(text);
	if (!q)
		return;
	double m = size / (q->width + 2 * QR_QUIET);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_rectangle(cr, x, y, size, size);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	for (int r = 0; r < q->width; r++)
		for (int c = 0; c < q->width; c++)
			if (q->data[r * q->width + c] & 1)
				cairo_rectangle(cr, x + (c + QR_QUIET) * m, y + (r + QR_QUIET) * m, m, m);
	cairo_fill(cr);
	QRcode_free(q);
}

void page_qr_figure(page_t *p, const char *text, double x, double y, double size)
{
	if (p->tagged)
		cairo_tag_begin(p->cr, "Figure", NULL);
	page_qr(p->cr, text, x, y, size);
	if (p->tagged)
		cairo_tag_end(p->cr, "Figure");
}

double page_qr_aside(page_t *p, const char *text, double top, double size)
{
	double x = p->rtl ? PAGE_MARGIN : PAGE_W - PAGE_MARGIN - size;
	p->width = PAGE_W - 2 * PAGE_MARGIN - size - 6 * PT_PER_MM;
	page_qr_figure(p, text, x, top, size);
	return x;
}

char *qr_svg(const char *text)
{
	QRcode *q = qr_encode(text);
	if (!q)
		return NULL;
	int n = q->width + 2 * QR_QUIET;
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
				rc = buf_printf(&b, "M%d %dh1v1h-1z", c + QR_QUIET, r + QR_QUIET);
	if (!rc)
		rc = buf_puts(&b, "\"/></svg>");
	QRcode_free(q);
	if (rc) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

/* ---------------------------------------------------------------- the band and the footer */

typedef struct {
	const unsigned char *d;
	size_t n, off;
} png_src_t;

static cairo_status_t read_cb(void *ud, unsigned char *data, unsigned int len)
{
	png_src_t *s = ud;
	if (s->n - s->off < len)
		return CAIRO_STATUS_READ_ERROR;
	memcpy(data, s->d + s->off, len);
	s->off += len;
	return CAIRO_STATUS_SUCCESS;
}

/* The logo scaled to the band's height less a margin, at (x, y); its drawn width, or 0 when the
 * bytes are not a PNG cairo can read. */
static double draw_logo(cairo_t *cr, const unsigned char *png, size_t len, double x, double y, double h)
{
	if (!png || len < 8 || memcmp(png, "\x89PNG\r\n\x1a\n", 8) != 0)
		return 0;
	png_src_t src = {png, len, 0};
	cairo_surface_t *img = cairo_image_surface_create_from_png_stream(read_cb, &src);
	double w = 0;
	int iw = cairo_image_surface_get_width(img), ih = cairo_image_surface_get_height(img);
	if (cairo_surface_status(img) == CAIRO_STATUS_SUCCESS && iw > 0 && ih > 0) {
		double s = h / ih;
		w = iw * s;
		cairo_save(cr);
		cairo_translate(cr, x, y);
		cairo_scale(cr, s, s);
		cairo_set_source_surface(cr, img, 0, 0);
		cairo_paint(cr);
		cairo_restore(cr);
	}
	cairo_surface_destroy(img);
	return w;
}

void page_band(page_t *p, const char *city, const unsigned char *logo_png, size_t logo_len)
{
	cairo_t *cr = p->cr;
	cairo_set_source_rgb(cr, 0xa3 / 255.0, 0x11 / 255.0, 0x1d / 255.0);
	cairo_rectangle(cr, 0, 0, PAGE_W, BAND_H);
	cairo_fill(cr);
	double x = PAGE_MARGIN;
	double w = draw_logo(cr, logo_png, logo_len, x, 5 * PT_PER_MM, BAND_H - 10 * PT_PER_MM);
	if (w > 0)
		x += w + 5 * PT_PER_MM;
	cairo_set_source_rgb(cr, 1, 1, 1);
	page_text_at(p, x, 9 * PT_PER_MM, PAGE_W - PAGE_MARGIN - x, PAGE_FONT " Bold 18", page_esc(p, city));
	page_ink(p);
}

void page_footer(page_t *p, const char *markup)
{
	page_text_at(p, PAGE_MARGIN, PAGE_H - PAGE_MARGIN - 10, PAGE_W - 2 * PAGE_MARGIN, PAGE_FONT " 8", markup);
}

/* ---------------------------------------------------------------- rendering */

/* Draws on surface s (PDF or image, scaled by scale). */
static void draw_on(cairo_surface_t *s, double scale, const page_doc_t *d, void (*draw)(page_t *p, void *ud), void *ud)
{
	cairo_t *cr = cairo_create(s);
	if (scale != 1) {
		cairo_scale(cr, scale, scale);
		cairo_set_source_rgb(cr, 1, 1, 1);
		cairo_paint(cr);
	}
	PangoContext *pc = pango_font_map_create_context(font_map);
	bool rtl = d->directed && strcmp(i18n_dir(d->lang), "rtl") == 0;
	if (d->directed) {
		pango_context_set_language(pc, pango_language_from_string(i18n_tag(d->lang)));
		pango_context_set_base_dir(pc, rtl ? PANGO_DIRECTION_RTL : PANGO_DIRECTION_LTR);
	}
	pango_cairo_update_context(cr, pc);
	arena_t *a = arena_new();
	page_t p = {.cr = cr,
		    .pc = pc,
		    .a = a,
		    .lang = d->lang,
		    .width = d->w - 2 * PAGE_MARGIN,
		    .tagged = d->tagged,
		    .directed = d->directed,
		    .rtl = rtl};
	if (d->tagged)
		cairo_tag_begin(cr, "Document", NULL);
	draw(&p, ud);
	if (d->tagged)
		cairo_tag_end(cr, "Document");
	cairo_show_page(cr);
	arena_free(a);
	g_object_unref(pc);
	cairo_destroy(cr);
}

int page_render_doc(const page_doc_t *doc, void (*draw)(page_t *p, void *ud), void *ud, unsigned char **out,
		    size_t *len)
{
	page_doc_t d = *doc;
	if (!i18n_supported(d.lang))
		d.lang = i18n_default();
	if (d.w <= 0 || d.h <= 0) {
		d.w = PAGE_W;
		d.h = PAGE_H;
	}
	buf_t b;
	buf_init(&b, DOC_MAX);
	cairo_status_t st;
	render_lock();
	if (d.fmt == PAGE_PNG) {
		double scale = (d.dpi > 0 ? d.dpi : 150) / 72.0;
		cairo_surface_t *s =
			cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)(d.w * scale), (int)(d.h * scale));
		draw_on(s, scale, &d, draw, ud);
		cairo_surface_flush(s);
		st = cairo_surface_write_to_png_stream(s, write_cb, &b);
		cairo_surface_destroy(s);
	} else {
		cairo_surface_t *s = cairo_pdf_surface_create_for_stream(write_cb, &b, d.w, d.h);
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, d.title ? d.title : "");
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "Finestreta");
		draw_on(s, 1, &d, draw, ud);
		cairo_surface_finish(s);
		st = cairo_surface_status(s);
		cairo_surface_destroy(s);
	}
	render_unlock();
	if (st != CAIRO_STATUS_SUCCESS || b.len == 0) {
		buf_free(&b);
		return st == CAIRO_STATUS_WRITE_ERROR ? ERR_TOO_BIG : ERR_IO;
	}
	*out = (unsigned char *)buf_detach(&b, len);
	return 0;
}

int page_render(page_format_t fmt, double dpi, const char *title, const char *lang, void (*draw)(page_t *p, void *ud),
		void *ud, unsigned char **out, size_t *len)
{
	page_doc_t d = {.fmt = fmt, .dpi = dpi, .title = title, .lang = lang};
	return page_render_doc(&d, draw, ud, out, len);
}

/* LeakSanitizer (the ASan build of `make check`) asks the program for its suppressions: fontconfig
 * leaks a few bytes while parsing its own configuration files, which no call of ours can free.
 * Without the sanitizer nothing calls this. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n";
}

/* Pango matches fonts on a thread of its own, which keeps the font map (and through it cairo's
 * font faces) alive for a moment after the last render: cairo's static data can only be reset
 * once the font map is gone, so this waits for it (a second at the most). */
void pdf_shutdown(void)
{
	pthread_mutex_lock(&page_mu);
	if (font_map) {
		GWeakRef gone;
		g_weak_ref_init(&gone, font_map);
		g_object_unref(font_map);
		font_map = NULL;
		for (int i = 0; i < 1000; i++) {
			GObject *still = g_weak_ref_get(&gone);
			if (!still)
				break;
			g_object_unref(still);
			g_usleep(1000);
		}
		g_weak_ref_clear(&gone);
	}
	cairo_debug_reset_static_data();
	pthread_mutex_unlock(&page_mu);
}

/* page.h — what the printable documents of src/render/ share (the receipt in pdf.c, the padró
 * certificate in volant.c): one A4 page drawn with cairo, text laid out by pango in DejaVu Sans
 * (Debian fonts-dejavu-core, found through fontconfig), QR codes drawn as vector rectangles
 * (libqrencode), the city's band, and the flow of blocks that starts a new page before the
 * footer. Not for other folders: they use pdf.h.
 *
 * Drawing is serialised by one process-wide lock (fontconfig and font maps are process-wide):
 * page_render takes it around the whole document. Strings made while drawing come from the
 * page's arena. */
#ifndef FIN_RENDER_PAGE_H
#define FIN_RENDER_PAGE_H

#include "base/arena.h"

#include <cairo.h>
#include <pango/pangocairo.h>
#include <stdbool.h>
#include <stddef.h>

#define PT_PER_MM (72.0 / 25.4)
#define PAGE_W (210 * PT_PER_MM)
#define PAGE_H (297 * PT_PER_MM)
#define PAGE_MARGIN (18 * PT_PER_MM)
#define PAGE_FONT "DejaVu Sans"

typedef struct {
	cairo_t *cr;
	PangoContext *pc;
	arena_t *a;
	const char *lang;
	double y;     /* next line's top */
	double width; /* text column width */
} page_t;

/* The output of page_render. */
typedef enum { PAGE_PDF, PAGE_PNG } page_format_t;

/* Draws one document with draw(p, ud) on A4 pages and writes it into *out (new buffer, free()):
 * a PDF (title and creator in its metadata), or for PAGE_PNG the first page as a PNG image of
 * dpi dots per inch (for screens and kiosk printers). 0, ERR_TOO_BIG past the size cap, or
 * ERR_IO. */
int page_render(page_format_t fmt, double dpi, const char *title, const char *lang, void (*draw)(page_t *p, void *ud),
		void *ud, unsigned char **out, size_t *len);

/* s escaped for pango markup (arena). */
const char *page_esc(page_t *p, const char *s);
/* The translation of key in the page's language (borrowed). */
const char *page_tr(page_t *p, const char *key);
/* Lays out markup at (x, y) in width; returns its height. */
double page_text_at(page_t *p, double x, double y, double width, const char *font, const char *markup);
/* The next block of the flow at p->y, then after points of space; a block that would run into
 * the footer starts a new page. */
void page_line(page_t *p, const char *font, const char *markup, double after);
/* A label (i18n key) over its value; nothing when value is NULL or empty. */
void page_field(page_t *p, const char *label_key, const char *value);
/* The QR code of text in a size × size square at (x, y), with its quiet zone. */
void page_qr(cairo_t *cr, const char *text, double x, double y, double size);
/* The coloured band at the top with the city's name, and its logo (PNG bytes; may be NULL) at
 * the left when it decodes. */
void page_band(page_t *p, const char *city, const unsigned char *logo_png, size_t logo_len);
/* The small print at the bottom of the current page. */
void page_footer(page_t *p, const char *markup);

#endif

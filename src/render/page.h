/* page.h — the drawing kit of every printable document: the receipt, ticket and readable
 * document of pdf.c, the padró certificate (padro/document.c) and whatever document comes next.
 * Pages are drawn with cairo, text laid out by pango in DejaVu Sans (Debian fonts-dejavu-core,
 * found through fontconfig), QR codes drawn as vector rectangles (libqrencode); the kit gives the
 * city's band, the footer, and the flow of blocks that starts a new page before the footer.
 *
 * A document is drawn by page_render (an A4 page as it always was: PDF or PNG) or page_render_doc
 * (any page size, and optionally a tagged PDF laid out in its language's direction). On a tagged
 * page every block is a structure element ("P" unless said) so screen readers read it in order;
 * on a directed page pango knows the language, every paragraph runs in its direction and a right
 * to left language is mirrored (text set against the right margin). Plain pages, as page_render
 * draws them, are neither.
 *
 * Drawing is serialised by one process-wide lock (render/lock.h: fontconfig and font maps are
 * process-wide): the render functions take it around the whole document. Strings made while
 * drawing come from the page's arena. */
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
#define PAGE_TOP (34 * PT_PER_MM) /* where the flow starts under the band */

typedef struct {
	cairo_t *cr;
	PangoContext *pc;
	arena_t *a;
	const char *lang;
	double y;      /* next line's top */
	double width;  /* text column width */
	bool tagged;   /* blocks are structure elements of a tagged PDF */
	bool directed; /* laid out in the language's direction */
	bool rtl;      /* directed, and the language is written right to left */
} page_t;

/* The output of page_render. */
typedef enum { PAGE_PDF, PAGE_PNG } page_format_t;

/* Draws one document with draw(p, ud) on A4 pages and writes it into *out (new buffer, free()):
 * a PDF (title and creator in its metadata), or for PAGE_PNG the first page as a PNG image of
 * dpi dots per inch (for screens and kiosk printers). 0, ERR_TOO_BIG past the size cap, or
 * ERR_IO. A plain page: neither tagged nor directed. */
int page_render(page_format_t fmt, double dpi, const char *title, const char *lang, void (*draw)(page_t *p, void *ud),
		void *ud, unsigned char **out, size_t *len);

/* What page_render_doc draws. */
typedef struct {
	page_format_t fmt;
	double dpi;        /* PAGE_PNG: dots per inch (0: 150) */
	double w, h;       /* the page's size in points (0: A4) */
	const char *title; /* the PDF's title (NULL: none) */
	const char *lang;  /* a language not offered: the default one */
	bool tagged;       /* a tagged PDF: the document a "Document" of structure elements */
	bool directed;     /* laid out in lang's direction, pango told the language */
} page_doc_t;

/* page_render for any page size and kind of page; p->width starts as the page's width less two
 * PAGE_MARGINs. */
int page_render_doc(const page_doc_t *d, void (*draw)(page_t *p, void *ud), void *ud, unsigned char **out, size_t *len);

/* s escaped for pango markup (arena). */
const char *page_esc(page_t *p, const char *s);
/* A value given by the document's data (a name, an address) as markup: escaped, and on a directed
 * page in a directional isolate, so that its own text decides its direction (an English sentence
 * in an Arabic receipt keeps its full stop at its end). */
const char *page_value(page_t *p, const char *s);
/* The translation of key in the page's language (borrowed). */
const char *page_tr(page_t *p, const char *key);
/* Sets the text colour of the page (dark grey). */
void page_ink(page_t *p);
/* "#rrggbb" as cairo's source colour; black for anything else. */
void page_colour(cairo_t *cr, const char *hex);

/* The height markup takes in width. */
double page_text_height(page_t *p, double width, const char *font, const char *markup);
/* Lays out markup at (x, y) in width; returns its height. */
double page_text_at(page_t *p, double x, double y, double width, const char *font, const char *markup);
/* page_text_at as structure element tag ("P", "H1", "Caption"…) of a tagged page. */
double page_text_as(page_t *p, const char *tag, double x, double y, double width, const char *font, const char *markup);
/* Where a column of width starts so that it sits against the margin the language starts from. */
double page_col_x(const page_t *p, double width);

/* The next block of the flow at p->y, then after points of space; a block that would run into
 * the footer starts a new page. */
void page_line(page_t *p, const char *font, const char *markup, double after);
/* page_line as structure element tag. */
void page_block(page_t *p, const char *tag, const char *font, const char *markup, double after);
/* A label (i18n key) over its value: a small heading ("H2") over a paragraph (page_value);
 * nothing when value is NULL or empty. */
void page_field(page_t *p, const char *label_key, const char *value);

/* The QR code of text in a size × size square at (x, y), with its quiet zone. */
void page_qr(cairo_t *cr, const char *text, double x, double y, double size);
/* page_qr as a "Figure" of a tagged page. */
void page_qr_figure(page_t *p, const char *text, double x, double y, double size);
/* page_qr_figure at the top of a size × size square against the margin the language ends at
 * (the right one, the left one right to left), the text column narrowed to leave it 6 mm clear;
 * returns the square's x. The caller sets p->width back when the flow has passed it. */
double page_qr_aside(page_t *p, const char *text, double top, double size);
/* The coloured band at the top with the city's name, and its logo (PNG bytes; may be NULL) at
 * the left when it decodes; then the text colour (page_ink). */
void page_band(page_t *p, const char *city, const unsigned char *logo_png, size_t logo_len);
/* The small print at the bottom of the current page. */
void page_footer(page_t *p, const char *markup);

#endif

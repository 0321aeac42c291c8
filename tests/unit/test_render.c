/* test_render.c — the drawing kit of src/render/page.h that every document uses: plain pages
 * (page_render) against tagged, directed ones (page_render_doc), right to left mirroring, the
 * flow's new page, the page size of PNGs, colours, escaping and QR codes; and that pdf.h's
 * documents come out as tagged PDFs. Run from the repository root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "base/err.h"
#include "base/log.h"
#include "render/page.h"
#include "render/pdf.h"
#include "view/i18n.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool has(const unsigned char *d, size_t n, const char *s)
{
	return memmem(d, n, s, strlen(s)) != NULL;
}

/* ---------------------------------------------------------------- tagged or plain */

static void draw_blocks(page_t *p, void *ud)
{
	(void)ud;
	page_band(p, "Vilamar <&>", NULL, 0);
	p->y = PAGE_TOP;
	page_block(p, "H1", PAGE_FONT " Bold 16", page_esc(p, "Títol"), 4);
	page_field(p, "pdf_name", "Anna Puig");
	page_qr_figure(p, "https://example.cat/x", PAGE_MARGIN, p->y, 30 * PT_PER_MM);
	page_footer(p, page_esc(p, "peu"));
}

static void test_tagged_and_plain(void **state)
{
	(void)state;
	unsigned char *out;
	size_t len;
	page_doc_t d = {.title = "T", .lang = "ca", .tagged = true, .directed = true};
	assert_int_equal(page_render_doc(&d, draw_blocks, NULL, &out, &len), 0);
	assert_memory_equal(out, "%PDF-", 5);
	assert_true(has(out, len, "/StructTreeRoot"));
	assert_true(has(out, len, "/S /Document"));
	assert_true(has(out, len, "/S /H1"));
	assert_true(has(out, len, "/S /H2")); /* page_field's label */
	assert_true(has(out, len, "/S /Figure"));
	free(out);

	/* page_render draws the same blocks on a plain page: no structure at all. */
	assert_int_equal(page_render(PAGE_PDF, 0, "T", "ca", draw_blocks, NULL, &out, &len), 0);
	assert_memory_equal(out, "%PDF-", 5);
	assert_false(has(out, len, "/StructTreeRoot"));
	assert_false(has(out, len, "/S /Figure"));
	free(out);
}

/* ---------------------------------------------------------------- direction */

typedef struct {
	bool rtl, directed;
	double col_x, qr_x, width_after_qr;
	char value[64], esc[64];
} seen_t;

static void draw_observe(page_t *p, void *ud)
{
	seen_t *s = ud;
	s->rtl = p->rtl;
	s->directed = p->directed;
	s->col_x = page_col_x(p, 100);
	snprintf(s->value, sizeof s->value, "%s", page_value(p, "a<b"));
	snprintf(s->esc, sizeof s->esc, "%s", page_esc(p, "a<b"));
	s->qr_x = page_qr_aside(p, "https://example.cat/q", PAGE_TOP, 36 * PT_PER_MM);
	s->width_after_qr = p->width;
}

/* What a page of lang drawn as d (NULL: by page_render) says of its direction. */
static void expect_direction(const page_doc_t *d, const char *lang, bool directed, bool rtl)
{
	unsigned char *out;
	size_t len;
	seen_t s = {0};
	if (d)
		assert_int_equal(page_render_doc(d, draw_observe, &s, &out, &len), 0);
	else
		assert_int_equal(page_render(PAGE_PDF, 0, NULL, lang, draw_observe, &s, &out, &len), 0);
	free(out);
	double qr = 36 * PT_PER_MM;
	assert_int_equal(s.directed, directed);
	assert_int_equal(s.rtl, rtl);
	/* Text against the right margin and the QR code on the left, right to left. */
	assert_true(fabs(s.col_x - (rtl ? PAGE_W - PAGE_MARGIN - 100 : PAGE_MARGIN)) < 1e-9);
	assert_true(fabs(s.qr_x - (rtl ? PAGE_MARGIN : PAGE_W - PAGE_MARGIN - qr)) < 1e-9);
	assert_true(fabs(s.width_after_qr - (PAGE_W - 2 * PAGE_MARGIN - qr - 6 * PT_PER_MM)) < 1e-9);
	assert_string_equal(s.esc, "a&lt;b");
	assert_string_equal(s.value, directed ? "\u2068a&lt;b\u2069" : "a&lt;b");
}

static void test_direction(void **state)
{
	(void)state;
	page_doc_t d = {.lang = "ar", .tagged = true, .directed = true};
	expect_direction(&d, "ar", true, true);
	d.lang = "ca";
	expect_direction(&d, "ca", true, false);
	/* A plain page in Arabic stays as page_render always drew: not mirrored, no isolates. */
	expect_direction(NULL, "ar", false, false);
}

/* ---------------------------------------------------------------- the flow */

typedef struct {
	double y_after, width_after, expected_h;
} flow_t;

static void draw_flow(page_t *p, void *ud)
{
	flow_t *f = ud;
	const char *m = page_esc(p, "Una línia que no hi cap");
	f->expected_h = page_text_height(p, PAGE_W - 2 * PAGE_MARGIN, PAGE_FONT " 12", m);
	p->width = 100;
	p->y = PAGE_H - PAGE_MARGIN - 30; /* the block would run into the footer */
	page_line(p, PAGE_FONT " 12", m, 5);
	f->y_after = p->y;
	f->width_after = p->width;
}

static void test_flow_new_page(void **state)
{
	(void)state;
	unsigned char *out;
	size_t len;
	flow_t f = {0};
	assert_int_equal(page_render(PAGE_PDF, 0, "flow", "ca", draw_flow, &f, &out, &len), 0);
	assert_true(has(out, len, "/Count 2"));
	free(out);
	assert_true(f.expected_h > 0);
	assert_true(fabs(f.width_after - (PAGE_W - 2 * PAGE_MARGIN)) < 1e-9);
	assert_true(fabs(f.y_after - (PAGE_MARGIN + f.expected_h + 5)) < 1e-9);
}

typedef struct {
	double wide, narrow;
} heights_t;

static void draw_heights(page_t *p, void *ud)
{
	heights_t *h = ud;
	const char *m = page_esc(p, "Plaça de la Vila 1, 08999 Vilamar, entrada pel carrer de darrere");
	h->wide = page_text_height(p, 400, PAGE_FONT " 12", m);
	h->narrow = page_text_height(p, 60, PAGE_FONT " 12", m);
}

static void test_text_height(void **state)
{
	(void)state;
	unsigned char *out;
	size_t len;
	heights_t h = {0};
	assert_int_equal(page_render(PAGE_PDF, 0, NULL, "ca", draw_heights, &h, &out, &len), 0);
	free(out);
	assert_true(h.wide > 0);
	assert_true(h.narrow > 2 * h.wide); /* wrapped over several lines */
}

/* ---------------------------------------------------------------- PNG size */

static void draw_nothing(page_t *p, void *ud)
{
	(void)p;
	(void)ud;
}

static uint32_t be32(const unsigned char *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static void test_png_size(void **state)
{
	(void)state;
	unsigned char *out;
	size_t len;
	assert_int_equal(page_render(PAGE_PNG, 110, NULL, "ca", draw_nothing, NULL, &out, &len), 0);
	assert_true(len > 24);
	assert_memory_equal(out, "\x89PNG\r\n\x1a\n", 8);
	assert_int_equal(be32(out + 16), (uint32_t)(PAGE_W * 110 / 72.0));
	assert_int_equal(be32(out + 20), (uint32_t)(PAGE_H * 110 / 72.0));
	free(out);
	page_doc_t d = {.fmt = PAGE_PNG, .dpi = 72, .w = 80 * PT_PER_MM, .h = 150 * PT_PER_MM, .lang = "ca"};
	assert_int_equal(page_render_doc(&d, draw_nothing, NULL, &out, &len), 0);
	assert_int_equal(be32(out + 16), 226);
	assert_int_equal(be32(out + 20), 425);
	free(out);
}

/* ---------------------------------------------------------------- colours and QR codes */

static void assert_source(cairo_t *cr, double r, double g, double b)
{
	double sr, sg, sb, sa;
	assert_int_equal(cairo_pattern_get_rgba(cairo_get_source(cr), &sr, &sg, &sb, &sa), CAIRO_STATUS_SUCCESS);
	assert_true(fabs(sr - r) < 1e-9 && fabs(sg - g) < 1e-9 && fabs(sb - b) < 1e-9);
}

static void test_colour(void **state)
{
	(void)state;
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1);
	cairo_t *cr = cairo_create(s);
	page_colour(cr, "#1d6fA3");
	assert_source(cr, 0x1d / 255.0, 0x6f / 255.0, 0xa3 / 255.0);
	const char *bad[] = {"#1d6fa", "#1d6fa30", "1d6fa3x", "#zz6fa3", "", NULL};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		cairo_set_source_rgb(cr, 1, 1, 1);
		page_colour(cr, bad[i]);
		assert_source(cr, 0, 0, 0);
	}
	cairo_destroy(cr);
	cairo_surface_destroy(s);
}

static void test_qr_svg(void **state)
{
	(void)state;
	char *svg = qr_svg("hello");
	assert_non_null(svg);
	/* Version 1 (21 modules) and a quiet zone of 4 each side. */
	assert_non_null(strstr(svg, "viewBox=\"0 0 29 29\""));
	assert_non_null(strstr(svg, "M4 4h1v1h-1z")); /* the finder pattern's corner */
	assert_string_equal(svg + strlen(svg) - 9, "\"/></svg>");
	free(svg);
	char big[3001];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = 0;
	assert_null(qr_svg(big)); /* more than a QR code holds */
}

/* ---------------------------------------------------------------- pdf.h's documents */

static void test_documents_are_tagged(void **state)
{
	(void)state;
	unsigned char *out;
	size_t len;
	json_t *t = json_pack("{s:s,s:s,s:s,s:s,s:s}", "city", "Vilamar", "number", "A042", "colour", "#1d6fa3", "zone",
			      "Padró", "url", "https://example.cat/floor/t/1");
	assert_int_equal(pdf_ticket(t, "ar", &out, &len), 0);
	assert_true(has(out, len, "/StructTreeRoot"));
	assert_true(has(out, len, "/S /H1")); /* the number */
	free(out);
	json_decref(t);

	json_t *doc = json_pack("{s:s,s:s,s:[{s:s,s:[{s:s,s:s}]}]}", "city", "Vilamar", "title", "Dades", "sections",
				"heading", "Secció", "rows", "label", "Nom", "value", "Anna");
	assert_int_equal(pdf_document(doc, &out, &len), 0);
	assert_true(has(out, len, "/S /H3")); /* a row's label */
	free(out);
	json_object_del(doc, "title");
	assert_int_equal(pdf_document(doc, &out, &len), ERR_INVALID);
	json_decref(doc);
}

static int global_setup(void **state)
{
	(void)state;
	log_set_quiet(1);
	char err[512];
	if (i18n_configure("ca,es,en,ar", "en", err, sizeof err) || i18n_load("locale", err, sizeof err)) {
		fprintf(stderr, "i18n: %s\n", err);
		return -1;
	}
	return 0;
}

static int global_teardown(void **state)
{
	(void)state;
	pdf_shutdown();
	i18n_unload();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tagged_and_plain), cmocka_unit_test(test_direction),
		cmocka_unit_test(test_flow_new_page),    cmocka_unit_test(test_text_height),
		cmocka_unit_test(test_png_size),         cmocka_unit_test(test_colour),
		cmocka_unit_test(test_qr_svg),           cmocka_unit_test(test_documents_are_tagged),
	};
	return cmocka_run_group_tests_name("render", tests, global_setup, global_teardown);
}

/* pdf.h — printable documents (cairo + pango, QR codes with libqrencode): the appointment
 * receipt, the floor's ticket.
 *
 * Ownership: the model is borrowed; *out is a new buffer (free()). Errors: 0 or a negative code
 * from base/err.h (ERR_INVALID when the model has no code). */
#ifndef FIN_PDF_H
#define FIN_PDF_H

#include <jansson.h>
#include <stddef.h>

/* src/render/pdf.h: the appointment receipt as a PDF (cairo + pango), new buffer.
 * One A4 page in lang: the city name, the appointment code, service, channel, date and time,
 * the office address or the phone/video instructions, the documents to bring, the manage URL and
 * its QR code. The city name is the model's member "city" when present. */
int pdf_receipt(const json_t *appointment_model, const char *lang, unsigned char **out, size_t *len);

/* A readable document of one or more A4 pages (the data-protection export of a person, …), every
 * text already in its language and shown as plain text (markup in it is not interpreted):
 *   {"city", "title", "subtitle", "footer",
 *    "sections": [{"heading", "rows": [{"label", "value"}], "paragraphs": ["…"]}]}
 * Rows with an empty value are left out. ERR_INVALID without a title; ERR_TOO_BIG past 8 MiB. */
int pdf_document(const json_t *doc, unsigned char **out, size_t *len);

/* The monthly figures report: A4 pages with the city's band, a title, the headline figures and
 * every figure as tables (this month, the month before, the change), and bar charts each followed
 * by its numbers as a table; tagged (headings, tables, figures). Every text is already in its
 * language (lang only picks the document's language):
 *   {"city", "title", "subtitle", "footer", "sections_title",
 *    "columns": {"label", "value", "previous", "change"},            the figure tables' headers
 *    "headline": {"title", "rows": [{"label", "value", "previous"}]},  integers
 *    "charts": [{"title", "description", "kind": "stacked"|"bars", "label_header",
 *                "labels": ["…"], "series": [{"name", "values": [integers, one per label]}]}],
 *    "sections": [{"title", "rows": [{"label", "value", "previous"}]}]}
 * "stacked": vertical bars per label with the series stacked; "bars": horizontal bars per label,
 * one per series. At most 8 series and 400 labels per chart (a chart past that is left out).
 * ERR_INVALID without a title; ERR_TOO_BIG past 8 MiB. */
int pdf_report(const json_t *model, const char *lang, unsigned char **out, size_t *len);

/* A numbered ticket of the office floor, sized for an 80 mm thermal receipt printer (one page,
 * 80 × 150 mm, 5 mm margins). The model gives the texts already in lang: city, office, number
 * (large, on a band in the zone's colour "#rrggbb"), zone (its name, on the band), lines
 * [{label, value}] (people ahead, estimated wait, the time…), url (as a QR code) and caption
 * (under it). ERR_INVALID without a number. */
int pdf_ticket(const json_t *ticket_model, const char *lang, unsigned char **out, size_t *len);

/* The QR code of text as a small SVG document (new string, free()), or NULL when it does not
 * fit a QR code. */
char *qr_svg(const char *text);

/* Releases the fonts and caches loaded for receipts (at exit, so leak checkers see a clean
 * process). A later pdf_receipt loads them again. */
void pdf_shutdown(void);

#endif

/* pdf.h — printable documents (cairo + pango, QR codes with libqrencode).
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

/* Releases the fonts and caches loaded for receipts (at exit, so leak checkers see a clean
 * process). A later pdf_receipt loads them again. */
void pdf_shutdown(void);

#endif

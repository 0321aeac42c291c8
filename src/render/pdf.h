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

/* Releases the fonts and caches loaded for receipts (at exit, so leak checkers see a clean
 * process). A later pdf_receipt loads them again. */
void pdf_shutdown(void);

#endif

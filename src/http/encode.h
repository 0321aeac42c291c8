/* encode.h — content codings: which one a client accepts (Accept-Encoding), and gzip (zlib) and
 * Brotli (libbrotlienc) compression of a body.
 *
 * Static files are compressed once when they are loaded (statics.c, the strongest settings);
 * HTML, JSON and other text answers are compressed as they are sent (reply.c, quick settings).
 * Event streams are never compressed: they leave through sse.c, not through these.
 *
 * Ownership: encode_compress returns a new buffer (free()). */
#ifndef FIN_ENCODE_H
#define FIN_ENCODE_H

#include <stdbool.h>
#include <stddef.h>

typedef enum { ENC_IDENTITY = 0, ENC_GZIP = 1, ENC_BR = 2 } enc_t;
#define ENC_COUNT 3
#define ENC_BIT(e) (1u << (e))

/* The Content-Encoding token of e ("gzip", "br"), or NULL for identity. */
const char *encode_name(enc_t e);
/* The suffix that tells an entity tag of e's representation from the others ("", "-gz", "-br"). */
const char *encode_etag_suffix(enc_t e);

/* The coding to send, among ENC_IDENTITY and the codings in `offered` (ENC_BIT set), for the
 * Accept-Encoding value ae (NULL when the request had none).
 *
 * Each listed coding gets its q-value (1 when none is given; "x-gzip" counts as gzip); a coding
 * not listed gets the q of "*" when listed, else 0 — except identity, which is acceptable
 * (after every coding the client lists) unless "identity;q=0" (or "*;q=0" without an identity
 * entry) says otherwise. The coding with
 * the highest q above 0 wins, Brotli before gzip before identity on a tie. No header, an empty
 * header or a header that refuses everything gets identity: the server never answers 406. A
 * malformed element is ignored, the rest still counts. */
enc_t encode_choose(const char *ae, unsigned offered);

/* Whether answers of this Content-Type are worth compressing (text, JSON, SVG, JavaScript;
 * never text/event-stream). ctype may carry parameters ("; charset=utf-8"). */
bool encode_type_compressible(const char *ctype);

/* Compresses in[0..n) with e (ENC_GZIP or ENC_BR). best: the strongest setting (static files,
 * once); otherwise a quick one (answers, every time). Returns 0 with a new buffer in *out and
 * its length in *outn, or ERR_INVALID when the result would not be smaller than the input (send
 * it as it is) or e is not a compression. */
int encode_compress(enc_t e, bool best, const void *in, size_t n, char **out, size_t *outn);

#endif

/* statics.h — the files under static/, loaded into memory at start.
 *
 * Each file is served under its plain name and under a fingerprinted name carrying a hash of its
 * content ("style.css" and "style.3fa1c2d9e0.css"); pages link the fingerprinted one, which can
 * be cached forever. Only files found at start are ever served, so no request path can reach
 * outside the folder.
 *
 * Text files (CSS, JavaScript, SVG, JSON…) are also compressed at load, with gzip and Brotli at
 * their strongest settings, and each compressed form that is smaller is kept beside the file:
 * a request picks one by its Accept-Encoding (http/encode.h) at no cost. Each form has its own
 * entity tag (the content hash, then "-gz" or "-br"), as a cache must tell them apart. */
#ifndef FIN_STATICS_H
#define FIN_STATICS_H

#include "http/encode.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

typedef struct statics statics_t;

/* One form of a file: its bytes and quoted entity tag. data is NULL for a compressed form that
 * is not kept (the file is not text, or compressing did not make it smaller). */
typedef struct {
	const char *data;
	size_t size;
	const char *etag;
} static_form_t;

typedef struct {
	static_form_t form[ENC_COUNT]; /* by enc_t; form[ENC_IDENTITY] is the file as it is */
	unsigned codings;              /* ENC_BIT of each compressed form kept */
	bool compressible;             /* text: answers about it vary with Accept-Encoding */
	const char *ctype;
	time_t mtime;
	bool fingerprinted; /* the name asked for was the fingerprinted one */
} static_file_t;

/* NULL with a message in err when dir cannot be read. A missing dir is an empty set. */
statics_t *statics_load(const char *dir, char *err, size_t errlen);
void statics_free(statics_t *s);
/* name is the path below /static/. Returns false when unknown. The forms are borrowed until
 * statics_free. */
bool statics_find(const statics_t *s, const char *name, static_file_t *out);
/* {"style_css": "/static/style.3fa1c2d9e0.css", ...}: plain names with '.', '/' and '-' as '_'.
 * Borrowed. */
json_t *statics_assets(const statics_t *s);

#endif

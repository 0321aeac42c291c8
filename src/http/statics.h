/* statics.h — the files under static/, loaded into memory at start.
 *
 * Each file is served under its plain name and under a fingerprinted name carrying a hash of its
 * content ("style.css" and "style.3fa1c2d9e0.css"); pages link the fingerprinted one, which can
 * be cached forever. Only files found at start are ever served, so no request path can reach
 * outside the folder. */
#ifndef FIN_STATICS_H
#define FIN_STATICS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

typedef struct statics statics_t;

typedef struct {
	const char *data;
	size_t size;
	const char *ctype;
	const char *etag; /* quoted */
	time_t mtime;
	bool fingerprinted; /* the name asked for was the fingerprinted one */
} static_file_t;

/* NULL with a message in err when dir cannot be read. A missing dir is an empty set. */
statics_t *statics_load(const char *dir, char *err, size_t errlen);
void statics_free(statics_t *s);
/* name is the path below /static/. Returns false when unknown. */
bool statics_find(const statics_t *s, const char *name, static_file_t *out);
/* {"style_css": "/static/style.3fa1c2d9e0.css", ...}: plain names with '.', '/' and '-' as '_'.
 * Borrowed. */
json_t *statics_assets(const statics_t *s);

#endif

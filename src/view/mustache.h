/* mustache.h — a Mustache engine: escaping by default, sections, inverted sections, partials,
 * comments, set delimiters, and inheritance (parents {{<name}} and blocks {{$name}}).
 * It passes the official spec (comments, delimiters, interpolation, inverted, partials,
 * sections, ~inheritance).
 *
 * Ownership: mustache_compile returns a new template (mustache_free releases it); it is
 * immutable afterwards, so one compiled template may be rendered from many threads at once.
 * Context values (jansson) are borrowed. */
#ifndef FIN_MUSTACHE_H
#define FIN_MUSTACHE_H

#include "base/buf.h"

#include <jansson.h>
#include <stddef.h>

typedef struct mustache_tpl mustache_tpl;

/* Finds the compiled template for a partial or parent by name; returns NULL when unknown (which
 * renders as empty, as the spec asks). The result is borrowed and must outlive the render. */
typedef const mustache_tpl *(*mustache_loader_fn)(void *ud, const char *name);

/* Compiles src[0..len). On a syntax error returns NULL and writes "line N: message" into err. */
mustache_tpl *mustache_compile(const char *src, size_t len, char *err, size_t errlen);
void mustache_free(mustache_tpl *t);

/* Renders with a context stack: ctx[0] is the bottom (looked up last), ctx[n-1] the top.
 * Appends to out. Returns 0, ERR_TOO_BIG when out's cap is hit, or ERR_INVALID when partial
 * nesting passes a depth limit (recursion guard). */
int mustache_render(const mustache_tpl *t, json_t *const *ctx, size_t n, mustache_loader_fn loader,
		    void *ud, buf_t *out);

#endif

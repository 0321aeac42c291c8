/* mustache.h — a Mustache engine: escaping by default, sections, inverted sections, partials,
 * comments, set delimiters, and inheritance (parents {{<name}} and blocks {{$name}}).
 * It passes the official spec (comments, delimiters, interpolation, inverted, partials,
 * sections, ~inheritance).
 *
 * Ownership: mustache_compile returns a new template (mustache_free releases it); it is
 * immutable afterwards, so one compiled template may be rendered from many threads at once.
 * Context values (jansson) are borrowed.
 *
 * Values: strings as they are; integers in decimal; reals in the shortest form that reads back
 * as the same double (1.21 -> "1.21", 3.0 -> "3"); true and false as words; null, objects and
 * arrays as nothing. Sections treat missing, null, false, [] and "" as falsey (0 and {} are
 * truthy). Names are looked up from the top of the context stack down; the parts of a dotted
 * name after the first go through objects only.
 * Whitespace is the spec's: standalone tag lines vanish; a standalone partial, parent or block
 * indents every line it expands to, except blank ones (no trailing blanks). */
#ifndef FIN_MUSTACHE_H
#define FIN_MUSTACHE_H

#include "base/buf.h"

#include <jansson.h>
#include <stddef.h>

typedef struct mustache_tpl mustache_tpl;

/* Finds the compiled template for a partial or parent by name; returns NULL when unknown (which
 * renders as empty, as the spec asks). The result is borrowed and must outlive the render. */
typedef const mustache_tpl *(*mustache_loader_fn)(void *ud, const char *name);

/* Compiles src[0..len). On a syntax error returns NULL and writes "line N: message" into err.
 * err may be NULL (errlen 0). Sections, parents and blocks nested more than 100 deep are an
 * error too. */
mustache_tpl *mustache_compile(const char *src, size_t len, char *err, size_t errlen);
void mustache_free(mustache_tpl *t);

/* Renders with a context stack: ctx[0] is the bottom (looked up last), ctx[n-1] the top.
 * Appends to out. Returns 0, ERR_TOO_BIG when out's cap is hit, or ERR_INVALID when partial
 * nesting passes a depth limit (recursion guard). The limit is 100 partials, parents and block
 * overrides expanded inside each other (and 2000 nested lists of any kind, which bounds the
 * C stack). On failure out keeps what was written before it, so a
 * caller discards out. Allocates nothing beyond out's growth. */
int mustache_render(const mustache_tpl *t, json_t *const *ctx, size_t n, mustache_loader_fn loader, void *ud,
		    buf_t *out);

#endif

/* view.h — the template registry: every .html file under templates/ is compiled once at start and
 * rendered by name ("home/index" for templates/home/index.html). Partials and parents are looked
 * up in the same registry, so a page extends the layout with {{<layout/base}}.
 *
 * The registry is immutable after view_new, so renders run from any thread. */
#ifndef FIN_VIEW_H
#define FIN_VIEW_H

#include "base/buf.h"
#include "view/mustache.h"

#include <jansson.h>
#include <stddef.h>

typedef struct view view_t;

/* Compiles every template under dir. NULL with "FILE: line N: message" in err on a syntax error. */
view_t *view_new(const char *dir, char *err, size_t errlen);
void view_free(view_t *v);
/* Number of templates compiled. */
size_t view_count(const view_t *v);
/* Compiles every DIR/SUB/…/NAME<suffix> file (files of at most max_size bytes) and hands each to
 * add(ud, "SUB/…/NAME", template), which takes both (the name is a new string). 0, or an error
 * with "FILE: problem" in err (the templates handed over so far stay with add's owner). */
typedef void (*view_add_fn)(void *ud, char *name, mustache_tpl *t);
int view_compile_dir(const char *dir, const char *suffix, size_t max_size, view_add_fn add, void *ud, char *err,
		     size_t errlen);
/* Renders template name with a context stack (see mustache_render). ERR_NOT_FOUND for an
 * unknown name. */
int view_render(const view_t *v, const char *name, json_t *const *ctx, size_t n, buf_t *out);

#endif

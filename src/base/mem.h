/* mem.h — allocation that never returns NULL.
 *
 * Out of memory is not recoverable in a server that must not half-write data, so these abort
 * with a message instead (as Redis' zmalloc does). Everything returned is new and owned by the
 * caller, released with free(). */
#ifndef FIN_MEM_H
#define FIN_MEM_H

#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a new string. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The length vsnprintf would write for fmt and ap (ap is left unused); aborts on a bad format. */
size_t xvlen(const char *fmt, va_list ap);

#endif

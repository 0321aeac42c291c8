/* router.h — matches a path against route patterns with {name} parameters and a {*} tail.
 *
 * Patterns are split into segments once, when added. Matching walks the table in order; the
 * first route whose pattern matches wins (so list literal routes before parameterised ones when
 * they overlap). */
#ifndef FIN_ROUTER_H
#define FIN_ROUTER_H

#include "http/http.h"

typedef enum { ROUTE_FOUND, ROUTE_NO_PATH, ROUTE_NO_METHOD } route_result_t;

void router_add(const http_route_t *routes, size_t n);
void router_clear(void);
/* On ROUTE_FOUND sets *out and fills params (arena). On ROUTE_NO_METHOD writes the allowed
 * methods into *allowed (http_method_t bits). */
route_result_t router_match(arena_t *a, http_method_t method, const char *path, const http_route_t **out,
			    kv_list_t *params, unsigned *allowed);
/* "GET, HEAD, POST" for a bit set (static buffer per call site: caller gives it). */
void router_allow_header(unsigned methods, char *out, size_t n);

#endif

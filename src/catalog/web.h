/* web.h — what the catalogue's HTTP files share: the route tables of the public API (api.c) and
 * of the pages (pages*.c), and the pages' common view-model pieces (pages.c). */
#ifndef FIN_CATALOG_WEB_H
#define FIN_CATALOG_WEB_H

#include "catalog/internal.h"
#include "http/form.h"
#include "http/http.h"

#include <jansson.h>

#define CAT_ROLES (ROLE_ADMIN | ROLE_COORDINATOR)

extern const http_route_t cat_api_routes[];
extern const http_route_t cat_page_routes[];   /* organisations (pages.c) */
extern const http_route_t cat_office_routes[]; /* offices, zones, desks (pages_offices.c) */
extern const http_route_t cat_proc_routes[];   /* procedures (pages_procs.c) */

/* Every value of a repeated form field (checkboxes) as a list, or as a comma list (arena). */
void cat_form_list(http_req_t *r, const char *name, cat_list_t *l);
const char *cat_form_commas(http_req_t *r, const char *name);
/* Marks the fields of errs on the form m and appends their summary entries ("Label: message")
 * to summary, in the order the fields stand on the forms. */
void cat_form_errors(form_t *m, const fielderr_t *errs, json_t *summary);
/* Options for a select or a group of checkboxes: [{value, label, on, id}]; the labels are the
 * translations of label_prefix + value, selected is a comma list, ids are id_prefix-value. New. */
json_t *cat_options(http_req_t *r, const char *const *values, size_t n, const char *label_prefix, const char *selected,
		    const char *id_prefix);
/* A page model with the notice of ?saved=WHAT, and with the error summary (taken; may be NULL or
 * empty). New. */
json_t *cat_page_model(http_req_t *r, json_t *summary);
/* After a committed change (its audit record went in with it: http_tx_audit): the bus
 * announcement (catalog_changed) and the 303 to location. */
void cat_changed(http_req_t *r, const char *what, const char *code, const char *location);

#endif

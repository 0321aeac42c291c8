/* web.h — what the people capability's web files share (cap.c, pages*.c, api.c): the roles, the
 * reason every view of a record must give, and the route tables. */
#ifndef FIN_PEOPLE_WEB_H
#define FIN_PEOPLE_WEB_H

#include "http/form.h"
#include "http/http.h"
#include "people/internal.h"

#include <jansson.h>

/* Person-facing staff see and edit records; the data-protection rights (export, erasure, undoing
 * a merge) are the coordinators' and the administrators'. */
#define PE_ROLES ROLE_PEOPLE
#define PE_RIGHTS (ROLE_ADMIN | ROLE_COORDINATOR)

/* The reason a request gives for seeing a person's data: ?reason=CODE (attending, request,
 * rights, correction, other) and &note= (required with other), as "CODE" or "CODE: note" (arena),
 * or NULL when missing or not valid. */
const char *pe_reason(http_req_t *r);
/* Writes the audit record of a view (action "people.view", "people.export", …) of the person
 * with the reason. false when it could not be written: the caller answers 503 (no view without
 * its record). */
bool pe_audit_view(http_req_t *r, const char *action, int64_t person_id, const char *reason);

/* The language ("lang"), age band ("age") and gender ("gender") pickers of the record forms:
 * [{value, label, on}] with cur selected (age and gender start with "unknown"). New. */
json_t *pe_options(http_req_t *r, const char *what, const char *cur);
/* The field errors of pe_fields_check into the form, each with its field's label. */
void pe_fields_errs(http_req_t *r, form_t *fm, const fielderr_t *e);

extern const http_route_t pe_page_routes[];
extern const http_route_t pe_record_routes[];
extern const http_route_t pe_api_routes[];

#endif

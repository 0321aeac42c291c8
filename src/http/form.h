/* form.h — the model of an HTML form being shown again: each field's value, checkbox state and
 * error message, and the error summary at the top of the page (templates/layout/form_errors.html)
 * whose entries link to the fields by id ("PREFIX-FIELD").
 *
 * The model lives in the request's arena and in jansson values: f and summary are new references
 * owned by the form_t until the caller moves them out (form_into, or taking f itself). */
#ifndef FIN_FORM_H
#define FIN_FORM_H

#include "http/http.h"

#include <jansson.h>
#include <stdbool.h>

typedef struct {
	http_req_t *r;
	const char *prefix; /* id prefix of the form's fields: "o" gives o-code (borrowed) */
	json_t *f;          /* field → {v, err, on} */
	json_t *summary;    /* [{id, label, msg}]; NULL until the first form_err */
	int storage;        /* the first storage failure of a look-up (form_lookup), or 0 */
} form_t;

/* Reading a posted form (arena strings). A field trimmed, "" when absent; a textarea (CRLF → LF,
 * trimmed); a checkbox (present, not empty and not "0"); every non-empty value of a repeated
 * field (checkboxes of one name), in order, as an array of *n. */
const char *form_str(http_req_t *r, const char *name);
const char *form_text(http_req_t *r, const char *name);
bool form_check(http_req_t *r, const char *name);
const char **form_values(http_req_t *r, const char *name, size_t *n);

form_t form_new(http_req_t *r, const char *prefix);
/* Drops f and summary (either may have been moved out and set to NULL). */
void form_free(form_t *m);
/* The {v, err, on} object of field, created on first use. Borrowed. */
json_t *form_field(form_t *m, const char *field);
/* v NULL shows as empty. */
void form_val(form_t *m, const char *field, const char *v);
void form_on(form_t *m, const char *field, bool on);
/* A summary entry {id: PREFIX-FIELD, label, msg}; label and msg are already translated. New. */
json_t *form_item(const form_t *m, const char *field, const char *label, const char *msg);
/* An error on a field (the first one wins) and its summary entry "Label: message"; label_key is
 * translated. */
void form_err(form_t *m, const char *field, const char *label_key, const char *msg);
bool form_bad(const form_t *m);
/* The result rc of a look-up that checks a field (does this office exist?): ERR_NOT_FOUND is the
 * field's error (form_err), any other failure is storage's, kept for form_failed. Returns rc. */
int form_lookup(form_t *m, int rc, const char *field, const char *label_key, const char *msg);
/* When a look-up failed in storage: answers 503, frees the form and returns true (the handler
 * returns). Call it before form_bad, so that a storage failure is not shown as a bad field. */
bool form_failed(form_t *m);
/* Moves the form into the page model as f and, when there are errors, has_errors and errors;
 * then frees the form. */
void form_into(form_t *m, json_t *model);

#endif

/* fielderr.h — which fields of a form or a JSON body are wrong, and why: the one field-error
 * type that validation fills and pages (http/form.h) and the API (http/kit.h) render.
 *
 * A reason is an i18n key ("err_cat_code", "booking_err_email"); a field is the form field's or
 * JSON member's name. Both are borrowed (usually static strings). Nothing here allocates: the
 * list has a fixed capacity, and entries past it are dropped (the first ones are the ones a
 * person reads). */
#ifndef FIN_FIELDERR_H
#define FIN_FIELDERR_H

#include <stdbool.h>
#include <stddef.h>

#define FIELDERR_MAX 64

typedef struct {
	const char *field;
	const char *key; /* i18n key of the message */
} fielderr_item_t;

typedef struct {
	fielderr_item_t e[FIELDERR_MAX];
	size_t n;
} fielderr_t;

/* Appends (field, key), also when field already has one (the CLI lists every problem). */
void fielderr_add(fielderr_t *e, const char *field, const char *key);
/* Whether field has an error; the key of its first one, or NULL. */
bool fielderr_has(const fielderr_t *e, const char *field);
const char *fielderr_get(const fielderr_t *e, const char *field);

#endif

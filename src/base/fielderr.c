/* fielderr.c — see fielderr.h. */
#include "base/fielderr.h"

#include "base/str.h"

void fielderr_add(fielderr_t *e, const char *field, const char *key)
{
	if (e->n < FIELDERR_MAX)
		e->e[e->n++] = (fielderr_item_t){field, key};
}

const char *fielderr_get(const fielderr_t *e, const char *field)
{
	for (size_t i = 0; e && i < e->n; i++)
		if (str_eq(e->e[i].field, field))
			return e->e[i].key;
	return NULL;
}

bool fielderr_has(const fielderr_t *e, const char *field)
{
	return fielderr_get(e, field) != NULL;
}

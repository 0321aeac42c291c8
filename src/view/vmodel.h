/* vmodel.h — reading view models (jansson objects) the way templates do: a member by dotted
 * path, and the local date and time of an appointment-shaped model.
 *
 * The appointment model (built by booking_model, read by mail composition and the PDF receipt)
 * has start (ISO 8601 with offset), tz, and start_local {long, date, time}; any member may be
 * missing. Strings returned are borrowed from the model or the translations, or allocated from
 * the arena given. */
#ifndef FIN_VIEW_VMODEL_H
#define FIN_VIEW_VMODEL_H

#include "base/arena.h"

#include <jansson.h>

/* A string member of obj by dotted path ("office.address" through objects), or "". */
const char *vmodel_str(const json_t *obj, const char *path);

/* The model's local date in lang as messages show it, long ("dilluns, 6 d'abril de 2026", or
 * "dilluns 06/04/2026" when the model has no start_local.long) and short ("06/04/2026", in the
 * order lang writes it: date_short), and its time ("09:30"): from start_local, else worked out
 * from start and tz (Europe/Madrid when absent). "" when unknown. lang: a loaded language (else
 * the default's words). */
void vmodel_when(arena_t *a, const json_t *model, const char *lang, const char **date_long, const char **date_short,
		 const char **time);

#endif

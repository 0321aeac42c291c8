/* json.c — see json.h. */
#include "base/json.h"

#include "base/log.h"

#include <stdarg.h>
#include <stdlib.h>

json_t *jpack_at(const char *file, int line, const char *fmt, ...)
{
	json_error_t err;
	va_list ap;
	va_start(ap, fmt);
	json_t *v = json_vpack_ex(&err, 0, fmt, ap);
	va_end(ap);
	if (!v) {
		log_error("%s:%d: jpack(\"%s\"): %s", file, line, fmt, err.text);
		abort();
	}
	return v;
}

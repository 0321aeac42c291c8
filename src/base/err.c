#include "base/err.h"

#include <stdarg.h>
#include <stdio.h>

void err_set(char *err, size_t errlen, const char *fmt, ...)
{
	if (!err || !errlen)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

const char *err_name(int code)
{
	switch (code) {
	case ERR_OK: return "ok";
	case ERR_INVALID: return "invalid";
	case ERR_TOO_BIG: return "too_big";
	case ERR_NOT_FOUND: return "not_found";
	case ERR_IO: return "io";
	case ERR_DB: return "db";
	case ERR_CONFLICT: return "conflict";
	case ERR_PERM: return "forbidden";
	case ERR_BUSY: return "busy";
	case ERR_UNAVAILABLE: return "unavailable";
	default: return "error";
	}
}

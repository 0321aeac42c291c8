/* err.h — error codes shared by every module.
 *
 * Functions that can fail return 0 on success or one of these negative codes (or NULL for
 * pointers). Allocation failure is not an error code: it aborts (see mem.h), so call sites stay
 * short. */
#ifndef FIN_ERR_H
#define FIN_ERR_H

enum {
	ERR_OK = 0,
	ERR_INVALID = -2, /* malformed input */
	ERR_TOO_BIG = -3, /* a hard size cap was hit */
	ERR_NOT_FOUND = -4,
	ERR_IO = -5,       /* file or socket error */
	ERR_DB = -6,       /* storage failure */
	ERR_CONFLICT = -7, /* unique constraint, full slot, state clash */
	ERR_PERM = -8,     /* not allowed */
	ERR_BUSY = -9,     /* locked, rate limited, try later */
	ERR_UNAVAILABLE = -10,
};

/* A short English name for an error code ("invalid", "too_big", ...). Static storage. */
const char *err_name(int code);

#include <stddef.h>

/* Writes a message into err[errlen] (the err/errlen pair many functions take); nothing when err
 * is NULL or errlen 0. */
void err_set(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif

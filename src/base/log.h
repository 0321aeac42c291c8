/* log.h — the error log, on stderr, one line per event, safe from any thread.
 *
 * Every line is written escaped, whatever its arguments hold: a control character (newline,
 * carriage return, ESC, the C1 controls), a bidirectional override or isolate, a byte that is
 * not UTF-8 and the backslash itself are written as \n, \r, \t, \\ or \xHH / \u{HHHH}. A client's
 * path, user agent or e-mail address can then neither forge a second line nor reach the
 * terminal of whoever reads the log. */
#ifndef FIN_LOG_H
#define FIN_LOG_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Quiet mode drops info lines (tests, CLI commands). */
void log_set_quiet(int quiet);

/* A line that may repeat on every request (a database outage): at most one per `period`
 * seconds per limiter; the lines dropped in between are counted and the next line written says
 * how many ("(12 alike not shown)"). A limiter is static storage, zero-initialised. */
typedef struct {
	atomic_int_least64_t next; /* monotonic seconds before which lines are dropped */
	atomic_int dropped;
} log_limit_t;
void log_error_limited(log_limit_t *l, int period, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The escaping above into out[n] (always NUL-terminated, cut on a whole escape). For tests and
 * for text quoted elsewhere. Returns out. */
char *log_escape(const char *in, char *out, size_t n);

#endif

/* log.h — the error log, on stderr, one line per event, safe from any thread. */
#ifndef FIN_LOG_H
#define FIN_LOG_H

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Quiet mode drops info lines (tests, CLI commands). */
void log_set_quiet(int quiet);

#endif

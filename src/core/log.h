/* Logging and the die/error/BUG discipline (after git).
 *
 * Logs go to stderr as one line each. They must never carry personal data:
 * no names, e-mail addresses, IP addresses, tokens or raw request paths that
 * might hold them. Log route names, status codes and counts instead. */
#ifndef OVI_LOG_H
#define OVI_LOG_H

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Report an error and return -1, so callers can `return error(...)`. */
int error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Unrecoverable condition caused by the environment (bad config, no memory). */
_Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A broken invariant: a bug in Ovi itself. */
#define BUG(...) bug_fl(__FILE__, __LINE__, __VA_ARGS__)
_Noreturn void bug_fl(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Silence info-level logs (tests). */
void log_set_quiet(int quiet);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* skiff's own log: errors to stderr (plain text) and to the --log file (text or JSON lines). */
#ifndef SKIFF_LOG_H
#define SKIFF_LOG_H

#include <stdbool.h>

#include "skiff/error.h"

typedef enum { SK_LOG_ERROR = 0, SK_LOG_WARNING, SK_LOG_INFO, SK_LOG_DEBUG } sk_log_level;
typedef enum { SK_LOG_TEXT = 0, SK_LOG_JSON } sk_log_format;

/* Open the --log file (append, O_CLOEXEC, 0644); NULL = stderr only. */
int sk_log_init(const char *path, sk_log_format format, bool debug, sk_error **err);
void sk_log_close(void);

/* The fd of the log file (-1 if none): the container init keeps it, CLOEXEC, to
 * report failures that happen inside it. */
int sk_log_fd(void);
/* Re-point logging at an already open fd (used inside the container init). */
void sk_log_set_fd(int fd);

void sk_log(sk_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define sk_debug(...) sk_log(SK_LOG_DEBUG, __VA_ARGS__)
#define sk_warn(...) sk_log(SK_LOG_WARNING, __VA_ARGS__)

/* Report an error (every error of the chain): "skiff: <path>: <msg>: <strerror>" on
 * stderr, and one level=error entry a line in the log file. The root cause is
 * the last line written. */
void sk_log_report(const sk_error *e);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one error type of skiff: errno, message, and the config path it concerns. */
#ifndef SKIFF_ERROR_H
#define SKIFF_ERROR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * Functions that can fail return int (0 on success, -1 on failure) and take
 * `sk_error **err` as their last parameter. On failure they set *err (when
 * err is not NULL) and return -1. Errors are passed up, never exit()ed on.
 *
 * An error may carry a chain (`next`) of further errors: config validation
 * reports every problem it finds, not only the first.
 */
typedef struct sk_error {
  int errnum;            /* errno value, 0 if none */
  char *path;            /* config path it concerns ("linux.resources.memory.limit"), or NULL */
  char *msg;             /* what failed, on what, why (without the strerror text) */
  struct sk_error *next; /* further errors (validation), or NULL */
} sk_error;

/* Create an error; returns -1 so callers can `return sk_error_set(err, ...)`.
 * errnum 0 = no errno text. path may be NULL. If *err is already set, the new
 * error is appended to its chain. */
int sk_error_set(sk_error **err, int errnum, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int sk_error_setv(sk_error **err, int errnum, const char *path, const char *fmt, va_list ap);

/* Shorthand: error with the current errno. */
#define sk_error_errno(err, ...) sk_error_set((err), errno, NULL, __VA_ARGS__)

/* Prefix context to the message of every error in the chain: "creating container: <old>". */
void sk_error_prefix(sk_error *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "path: msg: strerror(errnum)" for one error (not the chain). Caller frees. */
char *sk_error_format(const sk_error *e);

/* Number of errors in the chain. */
int sk_error_count(const sk_error *e);

void sk_error_free(sk_error *e);
static inline void sk_error_freep(sk_error **e) {
  if (*e) sk_error_free(*e);
  *e = 0;
}
#define _cleanup_error_ __attribute__((cleanup(sk_error_freep)))

#endif

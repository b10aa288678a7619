/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small helpers shared by every part of skiff: cleanup attributes, fd and file helpers. */
#ifndef SKIFF_UTIL_H
#define SKIFF_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "skiff/error.h"

static inline void sk_freep(void *p) { free(*(void **)p); }
static inline void sk_closep(int *fd) {
  if (*fd >= 0) close(*fd);
  *fd = -1;
}
static inline void sk_fclosep(FILE **f) {
  if (*f) fclose(*f);
  *f = NULL;
}
#define _cleanup_free_ __attribute__((cleanup(sk_freep)))
#define _cleanup_close_ __attribute__((cleanup(sk_closep)))
#define _cleanup_fclose_ __attribute__((cleanup(sk_fclosep)))

/* Take ownership out of a cleanup variable. */
#define sk_steal_ptr(pp)                                                                           \
  ({                                                                                               \
    __typeof__(*(pp)) _p = *(pp);                                                                  \
    *(pp) = NULL;                                                                                  \
    _p;                                                                                            \
  })
static inline int sk_steal_fd(int *fd) {
  int r = *fd;
  *fd = -1;
  return r;
}

#define SK_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation that aborts on OOM (the only exit path below main, as runc/crun do). */
void *sk_xmalloc(size_t n);
void *sk_xcalloc(size_t n, size_t m);
void *sk_xrealloc(void *p, size_t n);
char *sk_xstrdup(const char *s);
char *sk_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Read a whole file (at most max bytes, 0 = no limit). NUL-terminated; *len excludes the NUL. */
int sk_read_file(const char *path, char **out, size_t *len, size_t max, sk_error **err);
/* Read a whole file relative to dirfd. */
int sk_read_file_at(int dirfd, const char *path, char **out, size_t *len, size_t max, sk_error **err);
/* Write a file atomically: temp file ".<name>.XXXXXX" in the same directory + rename. */
int sk_write_file_atomic(const char *path, const void *data, size_t len, int mode, sk_error **err);
/* write() all of buf, retrying on EINTR / short writes. Returns 0 or -1 (errno set). */
int sk_write_all(int fd, const void *buf, size_t len);

#endif

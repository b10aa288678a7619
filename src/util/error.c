/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skiff/error.h"
#include "skiff/util.h"

int sk_error_setv(sk_error **err, int errnum, const char *path, const char *fmt, va_list ap) {
  if (!err) return -1;
  sk_error *e = sk_xcalloc(1, sizeof(*e));
  e->errnum = errnum;
  e->path = path ? sk_xstrdup(path) : NULL;
  if (vasprintf(&e->msg, fmt, ap) < 0) abort();
  sk_error **tail = err;
  while (*tail) tail = &(*tail)->next;
  *tail = e;
  return -1;
}

int sk_error_set(sk_error **err, int errnum, const char *path, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  sk_error_setv(err, errnum, path, fmt, ap);
  va_end(ap);
  return -1;
}

void sk_error_prefix(sk_error *e, const char *fmt, ...) {
  char *pre;
  va_list ap;
  va_start(ap, fmt);
  if (vasprintf(&pre, fmt, ap) < 0) abort();
  va_end(ap);
  for (; e; e = e->next) {
    char *m = sk_xasprintf("%s: %s", pre, e->msg);
    free(e->msg);
    e->msg = m;
  }
  free(pre);
}

char *sk_error_format(const sk_error *e) {
  if (!e) return sk_xstrdup("unknown error");
  const char *p = e->path ? e->path : "";
  const char *ps = e->path ? ": " : "";
  if (e->errnum) return sk_xasprintf("%s%s%s: %s", p, ps, e->msg, strerror(e->errnum));
  return sk_xasprintf("%s%s%s", p, ps, e->msg);
}

int sk_error_count(const sk_error *e) {
  int n = 0;
  for (; e; e = e->next) n++;
  return n;
}

void sk_error_free(sk_error *e) {
  while (e) {
    sk_error *n = e->next;
    free(e->path);
    free(e->msg);
    free(e);
    e = n;
  }
}

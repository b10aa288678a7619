/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Allocation that aborts on OOM. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skiff/util.h"

static void oom(void) {
  static const char m[] = "skiff: out of memory\n";
  if (write(2, m, sizeof(m) - 1) < 0) { /* nothing left to do */
  }
  abort();
}

void *sk_xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) oom();
  return p;
}

void *sk_xcalloc(size_t n, size_t m) {
  void *p = calloc(n ? n : 1, m ? m : 1);
  if (!p) oom();
  return p;
}

void *sk_xrealloc(void *p, size_t n) {
  p = realloc(p, n ? n : 1);
  if (!p) oom();
  return p;
}

char *sk_xstrdup(const char *s) {
  char *p = strdup(s ? s : "");
  if (!p) oom();
  return p;
}

char *sk_xasprintf(const char *fmt, ...) {
  char *s;
  va_list ap;
  va_start(ap, fmt);
  int r = vasprintf(&s, fmt, ap);
  va_end(ap);
  if (r < 0) oom();
  return s;
}

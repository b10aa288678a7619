/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Whole-file reads and atomic writes. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "skiff/util.h"

int sk_write_all(int fd, const void *buf, size_t len) {
  const char *p = buf;
  while (len > 0) {
    ssize_t w = write(fd, p, len);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += w;
    len -= (size_t)w;
  }
  return 0;
}

int sk_read_file_at(int dirfd, const char *path, char **out, size_t *len, size_t max,
                    sk_error **err) {
  _cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return sk_error_set(err, errno, NULL, "open %s", path);
  size_t cap = 4096, n = 0;
  _cleanup_free_ char *buf = sk_xmalloc(cap + 1);
  for (;;) {
    if (n == cap) {
      cap *= 2;
      buf = sk_xrealloc(buf, cap + 1);
    }
    ssize_t r = read(fd, buf + n, cap - n);
    if (r < 0) {
      if (errno == EINTR) continue;
      return sk_error_set(err, errno, NULL, "read %s", path);
    }
    if (r == 0) break;
    n += (size_t)r;
    if (max && n > max) return sk_error_set(err, EFBIG, NULL, "read %s: larger than %zu bytes", path, max);
  }
  buf[n] = '\0';
  if (len) *len = n;
  *out = sk_steal_ptr(&buf);
  return 0;
}

int sk_read_file(const char *path, char **out, size_t *len, size_t max, sk_error **err) {
  return sk_read_file_at(AT_FDCWD, path, out, len, max, err);
}

int sk_write_file_atomic(const char *path, const void *data, size_t len, int mode, sk_error **err) {
  _cleanup_free_ char *d1 = sk_xstrdup(path), *d2 = sk_xstrdup(path);
  const char *dir = dirname(d1), *base = basename(d2);
  _cleanup_free_ char *tmp = sk_xasprintf("%s/.%s.XXXXXX", dir, base);
  _cleanup_close_ int fd = mkostemp(tmp, O_CLOEXEC);
  if (fd < 0) return sk_error_set(err, errno, NULL, "create temporary file %s", tmp);
  if (fchmod(fd, (mode_t)mode) < 0 || sk_write_all(fd, data, len) < 0) {
    int e = errno;
    unlink(tmp);
    return sk_error_set(err, e, NULL, "write %s", tmp);
  }
  if (rename(tmp, path) < 0) {
    int e = errno;
    unlink(tmp);
    return sk_error_set(err, e, NULL, "rename %s to %s", tmp, path);
  }
  return 0;
}

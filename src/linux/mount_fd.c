/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Mounting by file descriptor (open_tree, mount_setattr, move_mount): a destination resolved
 * once inside the rootfs cannot be redirected by a symlink swapped in later. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rootfs_internal.h"
#include "skiff/path.h"
#include "skiff/util.h"

int sk_rootfs_mkdest(int rootfd, const char *path, bool dir, sk_error **err) {
  int fd = sk_path_open_in_root(rootfd, path, O_PATH, 0, NULL);
  if (fd >= 0) return fd;
  if (errno != ENOENT) return sk_error_set(err, errno, NULL, "open \"%s\" inside the rootfs", path);

  _cleanup_free_ char *d1 = sk_xstrdup(path), *d2 = sk_xstrdup(path);
  const char *parent = dirname(d1), *base = basename(d2);
  if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0 || strcmp(base, "/") == 0)
    return sk_error_set(err, ENOENT, NULL, "open \"%s\" inside the rootfs", path);
  _cleanup_close_ int pfd = sk_path_mkdirs_in_root(rootfd, parent, 0755, err);
  if (pfd < 0) return -1;
  if (dir) {
    if (mkdirat(pfd, base, 0755) < 0 && errno != EEXIST)
      return sk_error_set(err, errno, NULL, "create directory \"%s\" inside the rootfs", path);
    _cleanup_close_ int dfd = openat(pfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd >= 0) (void)fchmod(dfd, 0755);
  } else {
    _cleanup_close_ int ffd =
        openat(pfd, base, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644);
    if (ffd < 0 && errno != EEXIST && errno != ELOOP)
      return sk_error_set(err, errno, NULL, "create file \"%s\" inside the rootfs", path);
    if (ffd >= 0) (void)fchmod(ffd, 0644);
  }
  fd = sk_path_open_in_root(rootfd, path, O_PATH, 0, err);
  return fd;
}

int sk_rootfs_setattr(int fd, bool recursive, uint64_t set, uint64_t clr, uint64_t propagation,
                      const char *what, sk_error **err) {
  if (!set && !clr && !propagation) return 0;
  struct mount_attr a = {.attr_set = set, .attr_clr = clr, .propagation = propagation};
  if (mount_setattr(fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &a, sizeof(a)) < 0)
    return sk_error_set(err, errno, NULL, "set the mount attributes of %s%s", what,
                        errno == EPERM ? " (a flag locked by the host cannot be cleared inside "
                                         "a user namespace)"
                                       : "");
  return 0;
}

int sk_rootfs_attach(int mfd, int destfd, const char *what, sk_error **err) {
  if (move_mount(mfd, "", destfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return sk_error_set(err, errno, NULL, "attach the mount onto %s", what);
  return 0;
}

int sk_rootfs_bind_fd(int srcfd, int destfd, bool recursive, uint64_t set, uint64_t clr,
                      const char *what, sk_error **err) {
  _cleanup_close_ int mfd = open_tree(srcfd, "",
                                      OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH |
                                          (recursive ? AT_RECURSIVE : 0));
  if (mfd < 0) return sk_error_set(err, errno, NULL, "clone the mount for %s", what);
  if (sk_rootfs_setattr(mfd, false, set, clr, 0, what, err) < 0) return -1;
  return sk_rootfs_attach(mfd, destfd, what, err);
}

char *sk_mount_source_path(const char *source, const sk_rootfs_ctx *ctx) {
  if (source[0] == '/' || !ctx->bundle) return sk_xstrdup(source);
  return sk_xasprintf("%s/%s", ctx->bundle, source);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.readonlyPaths (bound onto themselves read-only) and linux.maskedPaths (an empty
 * read-only tmpfs over a directory, /dev/null over anything else), after pivot. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "rootfs_internal.h"
#include "skiff/path.h"
#include "skiff/util.h"

int sk_rootfs_readonly_paths(const oci_config *cfg, int rootfd, sk_error **err) {
  if (!cfg->linux) return 0;
  for (size_t i = 0; i < cfg->linux->readonly_paths_len; i++) {
    const char *path = cfg->linux->readonly_paths[i];
    _cleanup_free_ char *p = sk_xasprintf("linux.readonlyPaths[%zu]", i);
    if (!path || path[0] != '/')
      return sk_error_set(err, EINVAL, p, "\"%s\": must be an absolute path", path ? path : "");
    _cleanup_close_ int fd = sk_path_open_in_root(rootfd, path, O_PATH, 0, NULL);
    if (fd < 0) {
      if (errno == ENOENT) continue;
      return sk_error_set(err, errno, p, "\"%s\": open", path);
    }
    /* Recursively: a submount must not stay writable. nosuid/nodev/noexec are kept. */
    _cleanup_close_ int m =
        open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
    if (m < 0) return sk_error_set(err, errno, p, "\"%s\": clone the mount", path);
    if (sk_rootfs_setattr(m, true, MOUNT_ATTR_RDONLY, 0, 0, path, err) < 0 ||
        sk_rootfs_attach(m, fd, path, err) < 0) {
      sk_rootfs_error_path(*err, p);
      return -1;
    }
  }
  return 0;
}

/* An empty read-only tmpfs, detached, ready to be attached. */
static int empty_tmpfs(sk_error **err) {
  _cleanup_close_ int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
  if (fs < 0) return sk_error_set(err, errno, NULL, "fsopen tmpfs");
  if (fsconfig(fs, FSCONFIG_SET_STRING, "size", "0", 0) < 0 ||
      fsconfig(fs, FSCONFIG_SET_STRING, "nr_inodes", "1", 0) < 0 ||
      fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return sk_error_set(err, errno, NULL, "create an empty tmpfs");
  int m = fsmount(fs, FSMOUNT_CLOEXEC,
                  MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
  if (m < 0) return sk_error_set(err, errno, NULL, "fsmount an empty tmpfs");
  return m;
}

int sk_rootfs_masked_paths(const oci_config *cfg, int rootfd, sk_error **err) {
  if (!cfg->linux || cfg->linux->masked_paths_len == 0) return 0;
  _cleanup_close_ int null = sk_path_open_in_root(rootfd, "/dev/null", O_PATH, 0, NULL);
  struct stat nst;
  bool null_ok =
      null >= 0 && fstat(null, &nst) == 0 && S_ISCHR(nst.st_mode) && nst.st_rdev == makedev(1, 3);
  for (size_t i = 0; i < cfg->linux->masked_paths_len; i++) {
    const char *path = cfg->linux->masked_paths[i];
    _cleanup_free_ char *p = sk_xasprintf("linux.maskedPaths[%zu]", i);
    if (!path || path[0] != '/')
      return sk_error_set(err, EINVAL, p, "\"%s\": must be an absolute path", path ? path : "");
    _cleanup_close_ int fd = sk_path_open_in_root(rootfd, path, O_PATH, 0, NULL);
    if (fd < 0) {
      if (errno == ENOENT) continue; /* nothing to mask */
      return sk_error_set(err, errno, p, "\"%s\": open", path);
    }
    struct stat st;
    if (fstat(fd, &st) < 0) return sk_error_set(err, errno, p, "\"%s\": stat", path);
    if (S_ISDIR(st.st_mode)) {
      _cleanup_close_ int m = empty_tmpfs(err);
      if (m < 0 || sk_rootfs_attach(m, fd, path, err) < 0) {
        sk_rootfs_error_path(*err, p);
        return -1;
      }
    } else {
      if (!null_ok)
        return sk_error_set(err, ENODEV, p,
                            "\"%s\": cannot mask: /dev/null inside the container is not the null "
                            "device",
                            path);
      if (sk_rootfs_bind_fd(null, fd, false, MOUNT_ATTR_RDONLY, 0, path, err) < 0) {
        sk_rootfs_error_path(*err, p);
        return -1;
      }
    }
  }
  return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* /dev/console: the container's terminal bound onto it (config-linux.md, default devices). */
#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rootfs_internal.h"
#include "skiff/path.h"
#include "skiff/rootfs.h"
#include "skiff/util.h"

int sk_rootfs_bind_console(int pty_fd, sk_error **err) {
  struct stat st;
  if (fstat(pty_fd, &st) < 0 || !S_ISCHR(st.st_mode))
    return sk_error_set(err, errno ? errno : ENOTTY, "process.terminal",
                        "the console fd is not a terminal device");
  _cleanup_close_ int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0) return sk_error_set(err, errno, "process.terminal", "open /");
  _cleanup_close_ int dest = sk_rootfs_mkdest(rootfd, "/dev/console", false, err);
  if (dest < 0) goto fail;
  if (sk_rootfs_bind_fd(pty_fd, dest, false, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, 0,
                        "/dev/console", err) < 0)
    goto fail;
  return 0;
fail:
  sk_rootfs_error_path(*err, "process.terminal");
  sk_error_prefix(*err, "set up /dev/console");
  return -1;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container's filesystem view: propagation, rootfs bind, mounts[], /dev, pivot_root
 * (sk_rootfs_setup), then sysctl, readonly/masked paths, read-only root and the root's
 * propagation (sk_rootfs_finalize). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rootfs_internal.h"
#include "skiff/rootfs.h"
#include "skiff/util.h"

void sk_rootfs_error_path(sk_error *e, const char *cfgpath) {
  for (; e; e = e->next)
    if (!e->path) e->path = sk_xstrdup(cfgpath);
}

/* linux.rootfsPropagation -> MS_* (| MS_REC); 0 when absent; -1 when invalid. */
static long root_propagation(const oci_config *cfg) {
  static const struct {
    const char *name;
    long flags;
  } props[] = {
      {"shared", MS_SHARED},
      {"slave", MS_SLAVE},
      {"private", MS_PRIVATE},
      {"unbindable", MS_UNBINDABLE},
      {"rshared", MS_SHARED | MS_REC},
      {"rslave", MS_SLAVE | MS_REC},
      {"rprivate", MS_PRIVATE | MS_REC},
      {"runbindable", MS_UNBINDABLE | MS_REC},
  };
  const char *v = cfg->linux ? cfg->linux->rootfs_propagation : NULL;
  if (!v || !*v) return 0;
  for (size_t i = 0; i < SK_ARRAY_SIZE(props); i++)
    if (strcmp(v, props[i].name) == 0) return props[i].flags;
  return -1;
}

static int bad_propagation(const oci_config *cfg, sk_error **err) {
  return sk_error_set(err, EINVAL, "linux.rootfsPropagation",
                      "\"%s\": must be one of shared, slave, private, unbindable (or rshared, "
                      "rslave, rprivate, runbindable)",
                      cfg->linux->rootfs_propagation);
}

static int do_pivot(const sk_rootfs_ctx *ctx, int rootfd, sk_error **err) {
  if (ctx->no_pivot) {
    /* For roots on ramfs, where pivot_root is not possible. */
    if (fchdir(rootfd) < 0) return sk_error_set(err, errno, "root.path", "chdir to the rootfs");
    if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
      return sk_error_set(err, errno, "root.path", "move the rootfs onto / (--no-pivot)");
    if (chroot(".") < 0) return sk_error_set(err, errno, "root.path", "chroot to the rootfs");
  } else {
    _cleanup_close_ int oldroot = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (oldroot < 0) return sk_error_set(err, errno, "root.path", "open the old root");
    if (fchdir(rootfd) < 0) return sk_error_set(err, errno, "root.path", "chdir to the rootfs");
    if (syscall(SYS_pivot_root, ".", ".") < 0)
      return sk_error_set(err, errno, "root.path", "pivot_root into \"%s\"%s", ctx->rootfs,
                          errno == EINVAL ? " (on a ramfs/initramfs root, use --no-pivot)" : "");
    /* The old root is now stacked on "/": make its whole tree private so nothing of what
     * follows reaches the host (the new root's mounts keep their propagation), then detach
     * it. */
    if (sk_rootfs_setattr(oldroot, true, 0, 0, MS_PRIVATE, "the old root", err) < 0) {
      sk_rootfs_error_path(*err, "root.path");
      return -1;
    }
    if (umount2(".", MNT_DETACH) < 0)
      return sk_error_set(err, errno, "root.path", "detach the old root");
  }
  if (chdir("/") < 0) return sk_error_set(err, errno, "root.path", "chdir to the new /");
  return 0;
}

int sk_rootfs_setup(const oci_config *cfg, const sk_rootfs_ctx *ctx, sk_error **err) {
  if (!ctx->rootfs || ctx->rootfs[0] != '/')
    return sk_error_set(err, EINVAL, "root.path", "the rootfs must be an absolute path");
  long prop = root_propagation(cfg);
  if (prop < 0) return bad_propagation(cfg, err);

  /* Nothing done here may propagate back to the host: every mount a slave of the host's
   * (or private, when the root is to be private anyway). */
  unsigned long start = (prop & (MS_PRIVATE | MS_UNBINDABLE)) ? MS_PRIVATE : MS_SLAVE;
  if (mount(NULL, "/", NULL, MS_REC | start, NULL) < 0)
    return sk_error_set(err, errno, "root.path", "make / recursively %s in the new mount namespace",
                        start == MS_PRIVATE ? "private" : "slave");
  /* pivot_root needs the new root to be a mount point. */
  if (mount(ctx->rootfs, ctx->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
    return sk_error_set(err, errno, "root.path", "\"%s\": bind the rootfs onto itself%s",
                        ctx->rootfs, errno == ENOENT ? " (it must be an existing directory)" : "");
  _cleanup_close_ int rootfd = open(ctx->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0) return sk_error_set(err, errno, "root.path", "\"%s\": open", ctx->rootfs);

  if (sk_rootfs_do_mounts(cfg, ctx, rootfd, err) < 0) return -1;
  return sk_rootfs_setup_dev(cfg, ctx, rootfd, err);
}

int sk_rootfs_pivot(const sk_rootfs_ctx *ctx, sk_error **err) {
  _cleanup_close_ int rootfd = open(ctx->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0) return sk_error_set(err, errno, "root.path", "\"%s\": open", ctx->rootfs);
  return do_pivot(ctx, rootfd, err);
}

int sk_rootfs_finalize(const oci_config *cfg, const sk_rootfs_ctx *ctx, sk_error **err) {
  long prop = root_propagation(cfg);
  if (prop < 0) return bad_propagation(cfg, err);
  if (sk_rootfs_apply_sysctl(cfg, ctx, err) < 0) return -1;
  _cleanup_close_ int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0) return sk_error_set(err, errno, "root.path", "open the new /");
  if (sk_rootfs_readonly_paths(cfg, rootfd, err) < 0) return -1;
  if (sk_rootfs_masked_paths(cfg, rootfd, err) < 0) return -1;
  if (cfg->root && cfg->root->readonly &&
      sk_rootfs_setattr(rootfd, false, MOUNT_ATTR_RDONLY, 0, 0, "/", err) < 0) {
    sk_rootfs_error_path(*err, "root.readonly");
    return -1;
  }
  if (prop && sk_rootfs_setattr(rootfd, prop & MS_REC, 0, 0, (uint64_t)prop & ~(uint64_t)MS_REC,
                                "/", err) < 0) {
    sk_rootfs_error_path(*err, "linux.rootfsPropagation");
    return -1;
  }
  return 0;
}

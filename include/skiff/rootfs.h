/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container's filesystem view, built inside the container's mount namespace by its init. */
#ifndef SKIFF_ROOTFS_H
#define SKIFF_ROOTFS_H

#include <stdbool.h>
#include <sys/types.h>

#include "skiff/error.h"

#include "skiff/oci.h"

typedef struct sk_rootfs_ctx {
  const char *rootfs;   /* absolute host path of root.path */
  const char *bundle;   /* absolute bundle dir (relative mount sources are relative to it) */
  bool no_pivot;        /* --no-pivot: MS_MOVE + chroot instead of pivot_root */
  bool in_userns;       /* the container has its own user namespace: devices are bind-mounted */
  int ns_flags;         /* CLONE_NEW* flags of the namespaces the container has (new or joined) */
  /* Optional (NULL = none): per mounts[] index, a detached mount made on the host side by
   * sk_rootfs_prepare_idmapped(), or -1. The init attaches it instead of cloning the source. */
  const int *mount_fds;
} sk_rootfs_ctx;

/* Step 1, in the container's new mount namespace, with the container's credentials, before pivot:
 * root propagation, rootfs bind onto itself, mounts[] in order (destinations resolved inside the
 * rootfs, never following a symlink out of it), /dev (default devices, pts/ptmx, the fd/std* and
 * core links), linux.devices. Errors name the config path: "mounts[2].destination: ...". */
int sk_rootfs_setup(const oci_config *cfg, const sk_rootfs_ctx *ctx, sk_error **err);

/* Then (the create-time hooks run in between): pivot_root into the rootfs (or MS_MOVE+chroot
 * with no_pivot), the old root detached, and chdir("/"). */
int sk_rootfs_pivot(const sk_rootfs_ctx *ctx, sk_error **err);

/* Step 2, after pivot and after the terminal/console has been set up: linux.sysctl (refusing
 * sysctls not namespaced for ctx->ns_flags), readonlyPaths, maskedPaths, root.readonly,
 * linux.rootfsPropagation applied to the new root. */
int sk_rootfs_finalize(const oci_config *cfg, const sk_rootfs_ctx *ctx, sk_error **err);

/* Between the two steps, when process.terminal is set: bind the container's terminal (`pty_fd`,
 * an open fd of the pty's secondary side, on the container's devpts) onto /dev/console, created
 * as an empty file when missing. */
int sk_rootfs_bind_console(int pty_fd, sk_error **err);

/* Host side (full privileges), once the container's user namespace exists and is mapped, before
 * the init runs sk_rootfs_setup: idmapping a mount needs CAP_SYS_ADMIN over the source's
 * filesystem, which the init no longer has inside its user namespace. For every mounts[] bind
 * with idmap/ridmap, fds[i] = a detached clone of the source, idmapped through the mount's own
 * uidMappings/gidMappings or else through userns_fd (the container's user namespace, -1 = none);
 * fds[i] = -1 for the other entries. fds has cfg->mounts_len slots; the caller passes them to
 * the init (ctx->mount_fds) and closes them. */
int sk_rootfs_prepare_idmapped(const oci_config *cfg, const sk_rootfs_ctx *ctx, int userns_fd,
                               int *fds, sk_error **err);

/* Every mount option name skiff accepts in mounts[].options, sorted, NULL-terminated
 * (`skiff features` mountOptions). */
const char *const *sk_mount_option_names(void);

#endif

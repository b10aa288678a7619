/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container's filesystem view, built inside the container's mount namespace by its init. */
#ifndef SKIFF_ROOTFS_H
#define SKIFF_ROOTFS_H

#include <stdbool.h>
#include <sys/types.h>

#include "skiff/error.h"
#include "skiff/oci.h"

typedef struct sk_rootfs_ctx {
  const char *rootfs; /* absolute host path of root.path */
  const char *bundle; /* absolute bundle dir (relative mount sources are relative to it) */
  bool no_pivot;      /* --no-pivot: MS_MOVE + chroot instead of pivot_root */
  bool in_userns;     /* the container has its own user namespace: devices are bind-mounted */
  int ns_flags;       /* CLONE_NEW* flags of the namespaces the container has (new or joined) */
} sk_rootfs_ctx;

/* Step 1, in the container's new mount namespace, with the container's credentials, before pivot:
 * root propagation, rootfs bind onto itself, mounts[] in order (destinations resolved inside the
 * rootfs, never following a symlink out of it), /dev (default devices, pts/ptmx, the fd/std* and
 * core links), linux.devices; then pivot_root (or MS_MOVE+chroot) with the old root detached,
 * and chdir("/"). Errors name the config path: "mounts[2].destination: ...". */
int sk_rootfs_setup(const oci_config *cfg, const sk_rootfs_ctx *ctx, sk_error **err);

/* Step 2, after pivot and after the terminal/console has been set up: linux.sysctl (refusing
 * sysctls not namespaced for ctx->ns_flags), readonlyPaths, maskedPaths, root.readonly,
 * linux.rootfsPropagation applied to the new root. */
int sk_rootfs_finalize(const oci_config *cfg, const sk_rootfs_ctx *ctx, sk_error **err);

/* Every mount option name skiff accepts in mounts[].options, sorted, NULL-terminated
 * (`skiff features` mountOptions). */
const char *const *sk_mount_option_names(void);

#endif

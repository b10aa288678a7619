/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared between the files of src/linux that build the container's filesystem view. */
#ifndef SKIFF_LINUX_ROOTFS_INTERNAL_H
#define SKIFF_LINUX_ROOTFS_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "skiff/error.h"
#include "skiff/oci.h"
#include "skiff/rootfs.h"

/* Mount options of one mounts[] entry, as parsed by sk_mount_opts_parse(). */
#define SK_MAX_PROPAGATION 8
typedef struct sk_mount_opts {
  unsigned long flags;           /* MS_* for mount(2) of a new filesystem */
  uint64_t attr_set, attr_clr;   /* mount_setattr() on the top mount (bind mounts) */
  uint64_t rattr_set, rattr_clr; /* mount_setattr(AT_RECURSIVE) (every mount type) */
  unsigned long propagation[SK_MAX_PROPAGATION]; /* MS_SHARED... (| MS_REC), in order */
  size_t propagation_len;
  bool bind, rbind, remount, tmpcopyup, idmap, ridmap;
  char *data; /* unknown options, comma-joined (filesystem data), or NULL */
} sk_mount_opts;

/* Parse options[]; errors name `cfgpath` ("mounts[3].options[1]"). */
int sk_mount_opts_parse(char *const *options, size_t n, sk_mount_opts *out, const char *cfgpath,
                        sk_error **err);
void sk_mount_opts_free(sk_mount_opts *o);

/* Set the config path of every error of the chain that has none. */
void sk_rootfs_error_path(sk_error *e, const char *cfgpath);

/* Open (creating it when missing: a directory when `dir`, else an empty file) the mount
 * destination `path` inside the root; returns an O_PATH fd. Parents are created 0755. */
int sk_rootfs_mkdest(int rootfd, const char *path, bool dir, sk_error **err);

/* Attach the detached mount `mfd` (open_tree/fsmount) onto the O_PATH fd `destfd`. */
int sk_rootfs_attach(int mfd, int destfd, const char *what, sk_error **err);

/* mount_setattr() on the mount at fd (AT_EMPTY_PATH), recursively or not. */
int sk_rootfs_setattr(int fd, bool recursive, uint64_t set, uint64_t clr, uint64_t propagation,
                      const char *what, sk_error **err);

/* Bind `srcfd` (any fd: O_PATH is fine) onto `destfd`, recursive or not, with mount attributes
 * set/cleared on the top mount before it becomes visible. */
int sk_rootfs_bind_fd(int srcfd, int destfd, bool recursive, uint64_t set, uint64_t clr,
                      const char *what, sk_error **err);

/* Idmap the detached mount mfd as mounts[] entry m asks (mount_idmap.c): through the mount's
 * own uidMappings/gidMappings, else through userns_fd (the container's user namespace, -1 =
 * none: an error). */
int sk_idmap_apply(int mfd, const oci_mount *m, bool recursive, int userns_fd, const char *cfgpath,
                   sk_error **err);

/* The host path of a bind source: absolute, or relative to the bundle. Caller frees. */
char *sk_mount_source_path(const char *source, const sk_rootfs_ctx *ctx);

/* Copy the tree under the directory fd `from` into the directory fd `to` (tmpcopyup). */
int sk_copy_tree(int from, int to, sk_error **err);

/* mounts[] in order (mounts.c). rootfd is an O_PATH fd of the rootfs. */
int sk_rootfs_do_mounts(const oci_config *cfg, const sk_rootfs_ctx *ctx, int rootfd,
                        sk_error **err);

/* A cgroup / cgroup2 mount at destfd (mount_cgroup.c). */
int sk_mount_cgroup(const oci_mount *m, const sk_mount_opts *o, const sk_rootfs_ctx *ctx,
                    int rootfd, const char *dest, const char *cfgpath, sk_error **err);

/* /dev: default devices, links, linux.devices (devices.c). */
int sk_rootfs_setup_dev(const oci_config *cfg, const sk_rootfs_ctx *ctx, int rootfd,
                        sk_error **err);

/* linux.sysctl (sysctl.c), after pivot. */
int sk_rootfs_apply_sysctl(const oci_config *cfg, const sk_rootfs_ctx *ctx, sk_error **err);
/* Whether sysctl `key` may be set with the namespaces in ns_flags; sets *why when not. */
bool sk_sysctl_allowed(const char *key, int ns_flags, const char **why);

/* readonlyPaths and maskedPaths (masked.c), after pivot, rootfd = the new "/". */
int sk_rootfs_readonly_paths(const oci_config *cfg, int rootfd, sk_error **err);
int sk_rootfs_masked_paths(const oci_config *cfg, int rootfd, sk_error **err);

#endif

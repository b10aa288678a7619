/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Private to src/cgroup: the handle, the backends, and the file helpers they share. */
#ifndef SKIFF_CGROUP_INTERNAL_H
#define SKIFF_CGROUP_INTERNAL_H

#include "skiff/cgroup.h"

/* The container's directory in one hierarchy. */
typedef struct {
  char *mount; /* where the hierarchy is mounted: /sys/fs/cgroup/memory */
  char *ctrls; /* its controllers, "cpu,cpuacct"; "" for cgroup2 */
  char *rel;   /* the container's cgroup below the mount, without a leading '/' */
  int created; /* how many trailing components of rel skiff created (0: all existed) */
} sk_cg_dir;

struct sk_cgroup;

typedef struct {
  const char *name;
  /* After mkdir of a level (made: skiff created it): v1 fills cpuset, v2 enables controllers. */
  int (*prepare)(const sk_cg_dir *d, const char *parent, const char *dir, bool made,
                 sk_error **err);
  int (*apply)(struct sk_cgroup *cg, const oci_config *cfg, sk_error **err);
  /* Freeze or thaw, and wait until the kernel got there (at most SK_CG_FREEZE_MS). */
  int (*freeze)(struct sk_cgroup *cg, bool frozen, sk_error **err);
} sk_cg_backend;

/* How long freeze waits for every process to be frozen (or thawed). */
#define SK_CG_FREEZE_MS 5000

struct sk_cgroup {
  sk_cgroup_layout layout;
  const sk_cg_backend *be;
  sk_cg_dir *dirs;
  size_t n;
  bool updating; /* apply called by sk_cgroup_update: only what the config names */
};

extern const sk_cg_backend sk_cg_backend_v1; /* legacy and hybrid */
extern const sk_cg_backend sk_cg_backend_v2; /* unified */

/* The directory of the hierarchy with controller ctrl (v1), or NULL when it is not mounted. */
sk_cg_dir *sk_cg_find(struct sk_cgroup *cg, const char *ctrl);
/* Whether d's hierarchy has controller ctrl. */
bool sk_cg_has_ctrl(const sk_cg_dir *d, const char *ctrl);
/* Write val to the file at path; errors name cfgpath (may be NULL). */
int sk_cg_write_path(const char *path, const char *val, const char *cfgpath, sk_error **err);
/* Whether the container's directory in d has file. */
bool sk_cg_has(const sk_cg_dir *d, const char *file);
/* Write a value to a file of the container's directory; errors name cfgpath (may be NULL). */
int sk_cg_write(const sk_cg_dir *d, const char *file, const char *cfgpath, sk_error **err,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Read a file of the container's directory (whole, NUL-terminated). */
int sk_cg_read(const sk_cg_dir *d, const char *file, char **out, sk_error **err);

/* ---- device rules (devices.c): one ordered list for v1 and v2; a later rule overrides ---- */
enum { SK_DEV_M = 1, SK_DEV_R = 2, SK_DEV_W = 4, SK_DEV_RWM = 7 }; /* = BPF_DEVCG_ACC_* */
typedef struct {
  bool allow;
  char type;            /* 'a' (every device), 'c', 'b' */
  int64_t major, minor; /* -1: any */
  unsigned access;      /* SK_DEV_* bits */
  char field[48];       /* the config path it came from, for errors */
} sk_dev_rule;
typedef struct {
  sk_dev_rule *rules;
  size_t n;
} sk_dev_rules;
/* Deny all, linux.resources.devices, the default devices, linux.devices; rules is malloc'd. */
int sk_cg_device_rules(const oci_config *cfg, sk_dev_rules *out, sk_error **err);
/* A rule as v1's devices.allow/deny take it: "c 1:3 rwm", "b 7:* r", "a". */
char *sk_cg_device_rule_v1(const sk_dev_rule *r);
/* v2: compile the rules into a BPF_PROG_TYPE_CGROUP_DEVICE program and attach it to the
 * container's cgroup (BPF_F_ALLOW_MULTI), then detach the programs attached before. */
int sk_cg_v2_devices(const sk_cg_dir *d, const sk_dev_rules *rules, sk_error **err);
/* The ids of the device programs attached to the cgroup open at cfd (at most cap). */
int sk_cg_v2_device_progs(int cfd, uint32_t *ids, size_t cap, size_t *n, sk_error **err);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container's cgroup: one interface, one backend per host layout. */
#ifndef SKIFF_CGROUP_H
#define SKIFF_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "skiff/error.h"
#include "skiff/oci.h"

/*
 * Layouts (sk_cgroup_detect):
 *   legacy   /sys/fs/cgroup is a tmpfs with one cgroup v1 hierarchy per controller (set)
 *   hybrid   the same, plus a cgroup2 mount at /sys/fs/cgroup/unified: controllers are
 *            driven through v1; the process also joins the unified hierarchy (same path)
 *   unified  /sys/fs/cgroup is cgroup2 (CGROUP2_SUPER_MAGIC): one tree, v2 files
 * The systemd driver (--systemd-cgroup) would be a fourth backend; it is refused up front.
 *
 * Where the container's cgroup is (linux.cgroupsPath), in every hierarchy:
 *   absolute "/a/b"  a/b below the hierarchy's root (the root this mount namespace and
 *                    cgroup namespace see)
 *   relative "a/b"   a/b below the cgroup skiff itself runs in (as runc does)
 *   absent           /skiff/<container id>
 * "." components are dropped; ".." components, the root itself, and newlines or tabs are
 * refused. Missing directories are created. What skiff created is recorded (the state's
 * cgroupPath, sk_cgroup_save) so that sk_cgroup_remove removes the container's directory
 * and the parents skiff made once they are empty -- never a directory that existed before
 * (except /skiff of the default path, skiff's own: removed once empty).
 */
typedef enum {
  SK_CGROUP_LEGACY = 1,
  SK_CGROUP_HYBRID,
  SK_CGROUP_UNIFIED,
} sk_cgroup_layout;

typedef struct sk_cgroup sk_cgroup;

/* The host's layout, from statfs of /sys/fs/cgroup and /sys/fs/cgroup/unified. */
int sk_cgroup_detect(sk_cgroup_layout *out, sk_error **err);
const char *sk_cgroup_layout_name(sk_cgroup_layout l);

/* Resolve linux.cgroupsPath (see above) for container id, create the directories in every
 * hierarchy and set linux.resources. Errors name the config path of the cause; on failure
 * nothing made is left behind. */
int sk_cgroup_create(const oci_config *cfg, const char *id, sk_cgroup **out, sk_error **err);

/* Move pid into the container's cgroup in every hierarchy (cgroup.procs). */
int sk_cgroup_join(sk_cgroup *cg, pid_t pid, sk_error **err);

/* Set linux.resources (done by sk_cgroup_create; again for `update`). */
int sk_cgroup_apply(sk_cgroup *cg, const oci_config *cfg, sk_error **err);

/* The processes in the container's cgroup (host pids), sorted. *pids is malloc'd. */
int sk_cgroup_pids(sk_cgroup *cg, pid_t **pids, size_t *n, sk_error **err);

/* Freeze (true) or thaw (false) every process of the cgroup. */
int sk_cgroup_freeze(sk_cgroup *cg, bool frozen, sk_error **err);

/* SIGKILL what is left in the cgroup (only where skiff created the container's directory),
 * then remove the directories skiff created (retrying while the cgroup empties). */
int sk_cgroup_remove(sk_cgroup *cg, sk_error **err);

/* An opaque string for the state (what the cgroup is, what skiff created), and back. */
char *sk_cgroup_save(const sk_cgroup *cg);
int sk_cgroup_load(const char *saved, sk_cgroup **out, sk_error **err);

void sk_cgroup_free(sk_cgroup *cg);
static inline void sk_cgroup_freep(sk_cgroup **cg) {
  if (*cg) sk_cgroup_free(*cg);
  *cg = NULL;
}
#define _cleanup_cgroup_ __attribute__((cleanup(sk_cgroup_freep)))

/* ---- update, statistics and OOM events (update, events) ---- */

/* Set the linux.resources of cfg on a live container: only what it names (devices only when
 * it has linux.resources.devices). With memory.checkBeforeUpdate, a memory limit below the
 * current usage is refused. */
int sk_cgroup_update(sk_cgroup *cg, const oci_config *cfg, sk_error **err);

/* One memory counter as runc's events print it. */
typedef struct {
  uint64_t limit, usage, max, failcnt;
} sk_cg_mem_entry;

/* A line of a blkio / io.stat file: "8:0 Read 4096". */
typedef struct {
  uint64_t major, minor;
  char op[16];
  uint64_t value;
} sk_cg_blkio_entry;

/* The blkio lists of runc's events, in this order (sk_cg_blkio_names). */
enum {
  SK_BLKIO_SERVICE_BYTES,
  SK_BLKIO_SERVICED,
  SK_BLKIO_QUEUED,
  SK_BLKIO_SERVICE_TIME,
  SK_BLKIO_WAIT_TIME,
  SK_BLKIO_MERGED,
  SK_BLKIO_TIME,
  SK_BLKIO_SECTORS,
  SK_BLKIO_N
};
extern const char *const sk_cg_blkio_names[SK_BLKIO_N]; /* "ioServiceBytesRecursive", ... */

typedef struct {
  char *key;
  uint64_t value;
} sk_cg_stat_kv;

typedef struct {
  char page_size[16]; /* "2MB" */
  uint64_t usage, max, failcnt;
} sk_cg_hugetlb;

/* What the container's cgroup counted so far; times in nanoseconds, sizes in bytes; an
 * unlimited limit is UINT64_MAX. Whatever a controller lacks stays 0 / empty. */
typedef struct {
  uint64_t cpu_total, cpu_kernel, cpu_user;
  uint64_t *percpu;
  size_t percpu_len;
  uint64_t periods, throttled_periods, throttled_time;
  uint64_t mem_cache;
  sk_cg_mem_entry mem_usage, mem_swap, mem_kernel, mem_kernel_tcp;
  sk_cg_stat_kv *mem_raw; /* memory.stat */
  size_t mem_raw_len;
  uint64_t pids_current, pids_limit;
  sk_cg_blkio_entry *blkio[SK_BLKIO_N];
  size_t blkio_len[SK_BLKIO_N];
  sk_cg_hugetlb *hugetlb;
  size_t hugetlb_len;
} sk_cgroup_stats;

int sk_cgroup_stats_read(sk_cgroup *cg, sk_cgroup_stats *out, sk_error **err);
void sk_cgroup_stats_free(sk_cgroup_stats *s);

/* OOM kills in the container's cgroup: a pollable fd (v1: an eventfd registered on
 * memory.oom_control; v2: inotify on memory.events), and how many kills happened since the
 * last call (non-blocking; 0 when none). */
typedef struct sk_cgroup_oom sk_cgroup_oom;
int sk_cgroup_oom_open(sk_cgroup *cg, sk_cgroup_oom **out, sk_error **err);
int sk_cgroup_oom_fd(const sk_cgroup_oom *w);
int sk_cgroup_oom_read(sk_cgroup_oom *w, uint64_t *n, sk_error **err);
void sk_cgroup_oom_close(sk_cgroup_oom *w);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgroup v2 (unified layout): one tree, v2 file names, controllers enabled level by level.
 * Written against the kernel's cgroup-v2 documentation; not yet run on a v2 host (the
 * features list says v2 false until it is). Device rules need an eBPF program on v2, which
 * skiff does not load yet: a config with linux.resources.devices is refused rather than run
 * without them. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "skiff/util.h"

#define R "linux.resources."

static int refuse(const char *field, const char *why, sk_error **err) {
  return sk_error_set(err, ENOTSUP, field, "not available with cgroup v2: %s", why);
}

/* A limit: a number, or "max" for a negative one (unlimited). */
static int write_limit(const sk_cg_dir *d, const char *file, const char *field, int64_t v,
                       sk_error **err) {
  if (v < 0) return sk_cg_write(d, file, field, err, "max");
  return sk_cg_write(d, file, field, err, "%" PRId64, v);
}

/* v1's memory+swap limit becomes v2's swap-only limit. */
static int memory(const sk_cg_dir *d, const oci_memory *m, sk_error **err) {
  if (m->has_limit && write_limit(d, "memory.max", R "memory.limit", m->limit, err) < 0) return -1;
  if (m->has_reservation &&
      write_limit(d, "memory.low", R "memory.reservation", m->reservation, err) < 0)
    return -1;
  if (m->has_swap) {
    if (m->swap < 0) {
      if (sk_cg_write(d, "memory.swap.max", R "memory.swap", err, "max") < 0) return -1;
    } else if (!m->has_limit || m->limit < 0 || m->swap < m->limit) {
      return sk_error_set(err, EINVAL, R "memory.swap",
                          "%" PRId64 " needs a memory.limit no larger than it (swap is the limit of "
                          "memory plus swap)",
                          m->swap);
    } else if (sk_cg_write(d, "memory.swap.max", R "memory.swap", err, "%" PRId64, m->swap - m->limit) < 0) {
      return -1;
    }
  }
  if (m->has_swappiness) return refuse(R "memory.swappiness", "there is no per-cgroup swappiness", err);
  if (m->has_disable_oom_killer && m->disable_oom_killer)
    return refuse(R "memory.disableOOMKiller", "the OOM killer cannot be disabled per cgroup", err);
  if (m->has_kernel || m->has_kernel_tcp)
    return refuse(m->has_kernel ? R "memory.kernel" : R "memory.kernelTCP",
                  "kernel memory is part of memory.max", err);
  return 0;
}

static int cpu(const sk_cg_dir *d, const oci_cpu *c, sk_error **err) {
  if (c->has_shares) {
    /* shares 2..262144 onto weight 1..10000 */
    uint64_t s = c->shares < 2 ? 2 : c->shares > 262144 ? 262144 : c->shares;
    if (sk_cg_write(d, "cpu.weight", R "cpu.shares", err, "%" PRIu64, 1 + (s - 2) * 9999 / 262142) < 0)
      return -1;
  }
  if (c->has_quota || c->has_period) {
    uint64_t period = c->has_period ? c->period : 100000;
    if (c->has_quota && c->quota > 0
            ? sk_cg_write(d, "cpu.max", R "cpu.quota", err, "%" PRId64 " %" PRIu64, c->quota, period) < 0
            : sk_cg_write(d, "cpu.max", R "cpu.period", err, "max %" PRIu64, period) < 0)
      return -1;
  }
  if (c->has_burst && sk_cg_write(d, "cpu.max.burst", R "cpu.burst", err, "%" PRIu64, c->burst) < 0)
    return -1;
  if (c->has_idle && sk_cg_write(d, "cpu.idle", R "cpu.idle", err, "%" PRId64, c->idle) < 0) return -1;
  if (c->has_realtime_runtime || c->has_realtime_period)
    return refuse(c->has_realtime_runtime ? R "cpu.realtimeRuntime" : R "cpu.realtimePeriod",
                  "no realtime budget per cgroup", err);
  if (c->cpus && sk_cg_write(d, "cpuset.cpus", R "cpu.cpus", err, "%s", c->cpus) < 0) return -1;
  if (c->mems && sk_cg_write(d, "cpuset.mems", R "cpu.mems", err, "%s", c->mems) < 0) return -1;
  return 0;
}

static int io_max(const sk_cg_dir *d, const char *key, const char *field,
                  const oci_throttle_device *t, size_t n, sk_error **err) {
  for (size_t i = 0; i < n; i++) {
    _cleanup_free_ char *p = sk_xasprintf("%s[%zu]", field, i);
    if (sk_cg_write(d, "io.max", p, err, "%" PRId64 ":%" PRId64 " %s=%" PRIu64, t[i].major,
                    t[i].minor, key, t[i].rate) < 0)
      return -1;
  }
  return 0;
}

/* blkio weight 10..1000 onto io.weight 1..10000 */
static unsigned io_weight(unsigned w) {
  if (w < 10) w = 10;
  if (w > 1000) w = 1000;
  return 1 + (w - 10) * 9999 / 990;
}

static int block_io(const sk_cg_dir *d, const oci_block_io *b, sk_error **err) {
  if (b->has_weight &&
      sk_cg_write(d, "io.weight", R "blockIO.weight", err, "default %u", io_weight(b->weight)) < 0)
    return -1;
  if (b->has_leaf_weight) return refuse(R "blockIO.leafWeight", "no leaf weights", err);
  for (size_t i = 0; i < b->weight_device_len; i++) {
    const oci_weight_device *w = &b->weight_device[i];
    _cleanup_free_ char *p = sk_xasprintf(R "blockIO.weightDevice[%zu]", i);
    if (w->has_weight && sk_cg_write(d, "io.weight", p, err, "%" PRId64 ":%" PRId64 " %u", w->major,
                                     w->minor, io_weight(w->weight)) < 0)
      return -1;
  }
  return io_max(d, "rbps", R "blockIO.throttleReadBpsDevice", b->throttle_read_bps_device,
                b->throttle_read_bps_device_len, err) < 0 ||
                 io_max(d, "wbps", R "blockIO.throttleWriteBpsDevice", b->throttle_write_bps_device,
                        b->throttle_write_bps_device_len, err) < 0 ||
                 io_max(d, "riops", R "blockIO.throttleReadIOPSDevice", b->throttle_read_iops_device,
                        b->throttle_read_iops_device_len, err) < 0 ||
                 io_max(d, "wiops", R "blockIO.throttleWriteIOPSDevice",
                        b->throttle_write_iops_device, b->throttle_write_iops_device_len, err) < 0
             ? -1
             : 0;
}

static int apply(struct sk_cgroup *cg, const oci_config *cfg, sk_error **err) {
  const oci_resources *r = cfg->linux ? cfg->linux->resources : NULL;
  if (!r) return 0;
  const sk_cg_dir *d = &cg->dirs[0];
  if (r->devices_len)
    return refuse(R "devices", "device rules need an eBPF program, which skiff does not load yet",
                  err);
  if (r->memory && memory(d, r->memory, err) < 0) return -1;
  if (r->cpu && cpu(d, r->cpu, err) < 0) return -1;
  if (r->pids && write_limit(d, "pids.max", R "pids.limit", r->pids->limit > 0 ? r->pids->limit : -1, err) < 0)
    return -1;
  if (r->block_io && block_io(d, r->block_io, err) < 0) return -1;
  for (size_t i = 0; i < r->hugepage_limits_len; i++) {
    _cleanup_free_ char *p = sk_xasprintf(R "hugepageLimits[%zu]", i);
    _cleanup_free_ char *f = sk_xasprintf("hugetlb.%s.max", r->hugepage_limits[i].page_size);
    if (sk_cg_write(d, f, p, err, "%" PRIu64, r->hugepage_limits[i].limit) < 0) return -1;
  }
  if (r->network) return refuse(R "network", "net_cls and net_prio are v1 controllers", err);
  for (size_t i = 0; i < r->rdma_len; i++) {
    const oci_rdma *x = &r->rdma[i];
    _cleanup_free_ char *p = sk_xasprintf(R "rdma.%s", x->key);
    _cleanup_free_ char *h = x->has_hca_handles ? sk_xasprintf(" hca_handle=%u", x->hca_handles) : sk_xstrdup("");
    _cleanup_free_ char *o = x->has_hca_objects ? sk_xasprintf(" hca_object=%u", x->hca_objects) : sk_xstrdup("");
    if (sk_cg_write(d, "rdma.max", p, err, "%s%s%s", x->key, h, o) < 0) return -1;
  }
  for (size_t i = 0; i < r->unified_len; i++) {
    const char *k = r->unified[i].key;
    _cleanup_free_ char *p = sk_xasprintf(R "unified.%s", k);
    if (!*k || strchr(k, '/') || k[0] == '.')
      return sk_error_set(err, EINVAL, p, "not a file name of the container's cgroup");
    if (sk_cg_write(d, k, p, err, "%s", r->unified[i].value) < 0) return -1;
  }
  return 0;
}

/* Enable in parent, for its children, every controller it has (v2: a child only has the
 * files of the controllers its parent's cgroup.subtree_control lists). */
static int prepare(const sk_cg_dir *d, const char *parent, const char *dir, bool made,
                   sk_error **err) {
  (void)d, (void)dir, (void)made;
  _cleanup_free_ char *cpath = sk_xasprintf("%s/cgroup.controllers", parent);
  _cleanup_free_ char *spath = sk_xasprintf("%s/cgroup.subtree_control", parent);
  _cleanup_free_ char *have = NULL, *on = NULL;
  if (sk_read_file(cpath, &have, NULL, 0, err) < 0 || sk_read_file(spath, &on, NULL, 0, err) < 0)
    return -1;
  for (char *save = NULL, *c = strtok_r(have, " \n", &save); c; c = strtok_r(NULL, " \n", &save)) {
    _cleanup_free_ char *padded = sk_xasprintf(" %s ", on);
    padded[strcspn(padded, "\n")] = ' ';
    _cleanup_free_ char *word = sk_xasprintf(" %s ", c);
    if (strstr(padded, word)) continue;
    _cleanup_free_ char *plus = sk_xasprintf("+%s", c);
    if (sk_cg_write_path(spath, plus, "linux.cgroupsPath", err) < 0) return -1;
  }
  return 0;
}

/* cgroup.freeze, then wait (SK_CG_FREEZE_MS) for "frozen 1"/"frozen 0" in cgroup.events. */
static int freeze(struct sk_cgroup *cg, bool frozen, sk_error **err) {
  const sk_cg_dir *d = &cg->dirs[0];
  if (sk_cg_write(d, "cgroup.freeze", NULL, err, "%d", frozen) < 0) return -1;
  const char *want = frozen ? "frozen 1" : "frozen 0";
  long waited_us = 0, step_us = 100;
  while (waited_us <= SK_CG_FREEZE_MS * 1000L) {
    _cleanup_free_ char *ev = NULL;
    if (sk_cg_read(d, "cgroup.events", &ev, err) < 0) return -1;
    if (strstr(ev, want)) return 0;
    nanosleep(&(struct timespec){.tv_nsec = step_us * 1000}, NULL);
    waited_us += step_us;
    if (step_us < 10000) step_us *= 2;
  }
  return sk_error_set(err, ETIMEDOUT, NULL,
                      "the container's cgroup %s/%s did not become %s within %d ms (a process may "
                      "be stuck in the kernel, e.g. on I/O)",
                      d->mount, d->rel, frozen ? "frozen" : "thawed", SK_CG_FREEZE_MS);
}

const sk_cg_backend sk_cg_backend_v2 = {"v2", prepare, apply, freeze};

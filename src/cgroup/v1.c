/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgroup v1 (legacy and hybrid layouts): one hierarchy per controller set, v1 file names.
 *
 * Devices: the rule list of devices.c, each written to devices.allow or devices.deny. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "skiff/log.h"
#include "skiff/util.h"

#define R "linux.resources."

/* The directory of controller ctrl, or an error naming the field that needs it. */
static sk_cg_dir *need(struct sk_cgroup *cg, const char *ctrl, const char *field, sk_error **err) {
  sk_cg_dir *d = sk_cg_find(cg, ctrl);
  if (!d)
    sk_error_set(err, ENOTSUP, field,
                 "needs the \"%s\" cgroup controller, which is not mounted as cgroup v1 on this host",
                 ctrl);
  return d;
}

/* A file the controller may lack (kernel version or configuration). */
static int need_file(const sk_cg_dir *d, const char *file, const char *field, sk_error **err) {
  if (sk_cg_has(d, file)) return 0;
  return sk_error_set(err, ENOTSUP, field, "this kernel's %s controller has no %s", d->ctrls, file);
}

/* A number of a v1 file; "-1"-like huge values as they are. */
static uint64_t read_u64(const sk_cg_dir *d, const char *file) {
  _cleanup_free_ char *text = NULL;
  if (sk_cg_read(d, file, &text, NULL) < 0) return 0;
  return strtoull(text, NULL, 10);
}

/* memory.limit_in_bytes may never exceed memory.memsw.limit_in_bytes, and each write is
 * checked against the other's current value: a limit raised above the current memory+swap
 * limit needs memsw first, anything else the limit first (so update can raise or lower
 * both). */
static int memory_limits(const sk_cg_dir *d, const oci_memory *m, sk_error **err) {
  bool swap = m->has_swap && sk_cg_has(d, "memory.memsw.limit_in_bytes");
  if (m->has_swap && !swap)
    sk_warn(R "memory.swap: ignored: this kernel does not account swap (no "
              "memory.memsw.limit_in_bytes; boot with swapaccount=1)");
  bool swap_first = swap && m->has_limit &&
                    (m->limit < 0 || (uint64_t)m->limit > read_u64(d, "memory.memsw.limit_in_bytes"));
  if (swap_first && sk_cg_write(d, "memory.memsw.limit_in_bytes", R "memory.swap", err, "%" PRId64,
                                m->swap) < 0)
    return -1;
  if (m->has_limit &&
      sk_cg_write(d, "memory.limit_in_bytes", R "memory.limit", err, "%" PRId64, m->limit) < 0) {
    if (!err || !*err) return -1;
    if ((*err)->errnum == EINVAL && !swap)
      sk_error_prefix(*err, "the limit may not exceed the memory+swap limit (%" PRIu64
                            "): give memory.swap too",
                      read_u64(d, "memory.memsw.limit_in_bytes"));
    else if ((*err)->errnum == EBUSY)
      sk_error_prefix(*err, "the container uses more memory than %" PRId64
                            " and the kernel could not reclaim enough of it",
                      m->limit);
    return -1;
  }
  if (swap && !swap_first &&
      sk_cg_write(d, "memory.memsw.limit_in_bytes", R "memory.swap", err, "%" PRId64, m->swap) < 0)
    return -1;
  return 0;
}

static int memory(struct sk_cgroup *cg, const oci_memory *m, sk_error **err) {
  sk_cg_dir *d = need(cg, "memory", R "memory", err);
  if (!d) return -1;
  if (m->has_limit && m->has_swap && m->swap != -1 && m->limit != -1 && m->swap < m->limit)
    return sk_error_set(err, EINVAL, R "memory.swap",
                        "%" PRId64 " is below memory.limit %" PRId64
                        " (swap is the limit of memory plus swap)",
                        m->swap, m->limit);
  if (memory_limits(d, m, err) < 0) return -1;
  if (m->has_reservation && sk_cg_write(d, "memory.soft_limit_in_bytes", R "memory.reservation",
                                        err, "%" PRId64, m->reservation) < 0)
    return -1;
  if (m->has_kernel)
    sk_warn(R "memory.kernel: ignored: kernel memory limits are deprecated (and gone from Linux "
              "5.16 on)");
  if (m->has_kernel_tcp &&
      (need_file(d, "memory.kmem.tcp.limit_in_bytes", R "memory.kernelTCP", err) < 0 ||
       sk_cg_write(d, "memory.kmem.tcp.limit_in_bytes", R "memory.kernelTCP", err, "%" PRId64,
                   m->kernel_tcp) < 0))
    return -1;
  if (m->has_swappiness) {
    if (m->swappiness > 100)
      return sk_error_set(err, EINVAL, R "memory.swappiness", "%" PRIu64 " is not in 0..100",
                          m->swappiness);
    if (sk_cg_write(d, "memory.swappiness", R "memory.swappiness", err, "%" PRIu64, m->swappiness) < 0)
      return -1;
  }
  if (m->has_disable_oom_killer && m->disable_oom_killer &&
      sk_cg_write(d, "memory.oom_control", R "memory.disableOOMKiller", err, "1") < 0)
    return -1;
  if (m->has_use_hierarchy &&
      sk_cg_write(d, "memory.use_hierarchy", R "memory.useHierarchy", err, "%d", m->use_hierarchy) < 0)
    return -1;
  return 0;
}

/* A realtime budget: the parents skiff made start with none (cpu.rt_runtime_us 0), and a
 * child's can't exceed its parent's; give them the container's, top down. */
static int rt_parents(const sk_cg_dir *d, const oci_cpu *c, sk_error **err) {
  _cleanup_free_ char *path = sk_xasprintf("%s/%s", d->mount, d->rel);
  size_t ends[64];
  int n = 0;
  for (char *p = path + strlen(d->mount) + 1; *p && n < 64; p++)
    if (*p == '/') ends[n++] = (size_t)(p - path);
  /* ends[] are the parents of the leaf; the last created-1 of them are skiff's */
  for (int i = n - (d->created - 1); i < n; i++) {
    if (i < 0) continue;
    path[ends[i]] = 0;
    _cleanup_free_ char *period = sk_xasprintf("%s/cpu.rt_period_us", path);
    _cleanup_free_ char *runtime = sk_xasprintf("%s/cpu.rt_runtime_us", path);
    _cleanup_free_ char *pv = sk_xasprintf("%" PRIu64, c->realtime_period);
    _cleanup_free_ char *rv = sk_xasprintf("%" PRId64, c->realtime_runtime);
    if ((c->has_realtime_period && sk_cg_write_path(period, pv, R "cpu.realtimePeriod", err) < 0) ||
        (c->has_realtime_runtime && sk_cg_write_path(runtime, rv, R "cpu.realtimeRuntime", err) < 0))
      return -1;
    path[ends[i]] = '/';
  }
  return 0;
}

static int cpu(struct sk_cgroup *cg, const oci_cpu *c, sk_error **err) {
  bool cpu_ctrl = c->has_shares || c->has_quota || c->has_period || c->has_burst ||
                  c->has_realtime_runtime || c->has_realtime_period || c->has_idle;
  if (cpu_ctrl) {
    sk_cg_dir *d = need(cg, "cpu", R "cpu", err);
    if (!d) return -1;
    if (c->has_shares &&
        sk_cg_write(d, "cpu.shares", R "cpu.shares", err, "%" PRIu64, c->shares) < 0)
      return -1;
    if (c->has_period &&
        sk_cg_write(d, "cpu.cfs_period_us", R "cpu.period", err, "%" PRIu64, c->period) < 0)
      return -1;
    if (c->has_quota &&
        sk_cg_write(d, "cpu.cfs_quota_us", R "cpu.quota", err, "%" PRId64, c->quota) < 0)
      return -1;
    if (c->has_burst && (need_file(d, "cpu.cfs_burst_us", R "cpu.burst", err) < 0 ||
                         sk_cg_write(d, "cpu.cfs_burst_us", R "cpu.burst", err, "%" PRIu64, c->burst) < 0))
      return -1;
    if ((c->has_realtime_period || c->has_realtime_runtime) &&
        (need_file(d, "cpu.rt_runtime_us", R "cpu.realtimeRuntime", err) < 0 ||
         rt_parents(d, c, err) < 0))
      return -1;
    if (c->has_realtime_period &&
        (need_file(d, "cpu.rt_period_us", R "cpu.realtimePeriod", err) < 0 ||
         sk_cg_write(d, "cpu.rt_period_us", R "cpu.realtimePeriod", err, "%" PRIu64,
                     c->realtime_period) < 0))
      return -1;
    if (c->has_realtime_runtime &&
        (need_file(d, "cpu.rt_runtime_us", R "cpu.realtimeRuntime", err) < 0 ||
         sk_cg_write(d, "cpu.rt_runtime_us", R "cpu.realtimeRuntime", err, "%" PRId64,
                     c->realtime_runtime) < 0)) {
      sk_error_prefix(*err, "(the parent cgroups need a realtime budget of their own)");
      return -1;
    }
    if (c->has_idle && (need_file(d, "cpu.idle", R "cpu.idle", err) < 0 ||
                        sk_cg_write(d, "cpu.idle", R "cpu.idle", err, "%" PRId64, c->idle) < 0))
      return -1;
  }
  if (c->cpus || c->mems) {
    sk_cg_dir *d = need(cg, "cpuset", c->cpus ? R "cpu.cpus" : R "cpu.mems", err);
    if (!d) return -1;
    if (c->cpus && sk_cg_write(d, "cpuset.cpus", R "cpu.cpus", err, "%s", c->cpus) < 0) return -1;
    if (c->mems && sk_cg_write(d, "cpuset.mems", R "cpu.mems", err, "%s", c->mems) < 0) return -1;
  }
  return 0;
}

/* The file of a blkio setting: CFQ's name, else BFQ's. */
static const char *blkio_file(const sk_cg_dir *d, const char *cfq, const char *bfq) {
  return sk_cg_has(d, cfq) || !bfq ? cfq : bfq;
}

static int throttle(const sk_cg_dir *d, const char *file, const char *field,
                    const oci_throttle_device *t, size_t n, sk_error **err) {
  for (size_t i = 0; i < n; i++) {
    _cleanup_free_ char *p = sk_xasprintf("%s[%zu]", field, i);
    if (need_file(d, file, p, err) < 0 ||
        sk_cg_write(d, file, p, err, "%" PRId64 ":%" PRId64 " %" PRIu64, t[i].major, t[i].minor,
                    t[i].rate) < 0)
      return -1;
  }
  return 0;
}

static int block_io(struct sk_cgroup *cg, const oci_block_io *b, sk_error **err) {
  sk_cg_dir *d = need(cg, "blkio", R "blockIO", err);
  if (!d) return -1;
  if (b->has_weight) {
    const char *f = blkio_file(d, "blkio.weight", "blkio.bfq.weight");
    if (need_file(d, f, R "blockIO.weight", err) < 0 ||
        sk_cg_write(d, f, R "blockIO.weight", err, "%u", b->weight) < 0)
      return -1;
  }
  if (b->has_leaf_weight && (need_file(d, "blkio.leaf_weight", R "blockIO.leafWeight", err) < 0 ||
                             sk_cg_write(d, "blkio.leaf_weight", R "blockIO.leafWeight", err, "%u",
                                         b->leaf_weight) < 0))
    return -1;
  for (size_t i = 0; i < b->weight_device_len; i++) {
    const oci_weight_device *w = &b->weight_device[i];
    _cleanup_free_ char *p = sk_xasprintf(R "blockIO.weightDevice[%zu]", i);
    const char *f = blkio_file(d, "blkio.weight_device", "blkio.bfq.weight_device");
    if (w->has_weight && (need_file(d, f, p, err) < 0 ||
                          sk_cg_write(d, f, p, err, "%" PRId64 ":%" PRId64 " %u", w->major,
                                      w->minor, w->weight) < 0))
      return -1;
    if (w->has_leaf_weight &&
        (need_file(d, "blkio.leaf_weight_device", p, err) < 0 ||
         sk_cg_write(d, "blkio.leaf_weight_device", p, err, "%" PRId64 ":%" PRId64 " %u", w->major,
                     w->minor, w->leaf_weight) < 0))
      return -1;
  }
  return throttle(d, "blkio.throttle.read_bps_device", R "blockIO.throttleReadBpsDevice",
                  b->throttle_read_bps_device, b->throttle_read_bps_device_len, err) < 0 ||
                 throttle(d, "blkio.throttle.write_bps_device", R "blockIO.throttleWriteBpsDevice",
                          b->throttle_write_bps_device, b->throttle_write_bps_device_len, err) < 0 ||
                 throttle(d, "blkio.throttle.read_iops_device", R "blockIO.throttleReadIOPSDevice",
                          b->throttle_read_iops_device, b->throttle_read_iops_device_len, err) < 0 ||
                 throttle(d, "blkio.throttle.write_iops_device", R "blockIO.throttleWriteIOPSDevice",
                          b->throttle_write_iops_device, b->throttle_write_iops_device_len, err) < 0
             ? -1
             : 0;
}

static int hugetlb(struct sk_cgroup *cg, const oci_resources *r, sk_error **err) {
  sk_cg_dir *d = need(cg, "hugetlb", R "hugepageLimits", err);
  if (!d) return -1;
  for (size_t i = 0; i < r->hugepage_limits_len; i++) {
    const oci_hugepage_limit *h = &r->hugepage_limits[i];
    _cleanup_free_ char *p = sk_xasprintf(R "hugepageLimits[%zu]", i);
    _cleanup_free_ char *f = sk_xasprintf("hugetlb.%s.limit_in_bytes", h->page_size);
    if (need_file(d, f, p, err) < 0 || sk_cg_write(d, f, p, err, "%" PRIu64, h->limit) < 0) return -1;
    /* the reservations too, where the kernel accounts them (5.7 on) */
    _cleanup_free_ char *rsvd = sk_xasprintf("hugetlb.%s.rsvd.limit_in_bytes", h->page_size);
    if (sk_cg_has(d, rsvd) && sk_cg_write(d, rsvd, p, err, "%" PRIu64, h->limit) < 0) return -1;
  }
  return 0;
}

static int network(struct sk_cgroup *cg, const oci_network *n, sk_error **err) {
  if (n->has_class_id) {
    sk_cg_dir *d = need(cg, "net_cls", R "network.classID", err);
    if (!d || sk_cg_write(d, "net_cls.classid", R "network.classID", err, "%u", n->class_id) < 0)
      return -1;
  }
  if (n->priorities_len) {
    sk_cg_dir *d = need(cg, "net_prio", R "network.priorities", err);
    if (!d) return -1;
    for (size_t i = 0; i < n->priorities_len; i++) {
      _cleanup_free_ char *p = sk_xasprintf(R "network.priorities[%zu]", i);
      if (sk_cg_write(d, "net_prio.ifpriomap", p, err, "%s %u", n->priorities[i].name,
                      n->priorities[i].priority) < 0)
        return -1;
    }
  }
  return 0;
}

static int rdma(struct sk_cgroup *cg, const oci_resources *r, sk_error **err) {
  sk_cg_dir *d = need(cg, "rdma", R "rdma", err);
  if (!d) return -1;
  for (size_t i = 0; i < r->rdma_len; i++) {
    const oci_rdma *x = &r->rdma[i];
    _cleanup_free_ char *p = sk_xasprintf(R "rdma.%s", x->key);
    _cleanup_free_ char *h = x->has_hca_handles ? sk_xasprintf(" hca_handle=%u", x->hca_handles)
                                                : sk_xstrdup("");
    _cleanup_free_ char *o = x->has_hca_objects ? sk_xasprintf(" hca_object=%u", x->hca_objects)
                                                : sk_xstrdup("");
    if (sk_cg_write(d, "rdma.max", p, err, "%s%s%s", x->key, h, o) < 0) return -1;
  }
  return 0;
}

static int devices(struct sk_cgroup *cg, const oci_config *cfg, sk_error **err) {
  sk_cg_dir *d = need(cg, "devices", R "devices", err);
  if (!d) return -1;
  sk_dev_rules l;
  if (sk_cg_device_rules(cfg, &l, err) < 0) return -1;
  _cleanup_free_ sk_dev_rule *rules = l.rules;
  for (size_t i = 0; i < l.n; i++) {
    _cleanup_free_ char *rule = sk_cg_device_rule_v1(&rules[i]);
    if (sk_cg_write(d, rules[i].allow ? "devices.allow" : "devices.deny", rules[i].field, err, "%s",
                    rule) < 0)
      return -1;
  }
  return 0;
}

static int apply(struct sk_cgroup *cg, const oci_config *cfg, sk_error **err) {
  if (!cfg->linux) return 0;
  const oci_resources *r = cfg->linux->resources;
  if (r && r->unified_len)
    return sk_error_set(err, ENOTSUP, R "unified",
                        "cgroup v2 files cannot be set on this host: its cgroups are v1 (%s layout)",
                        sk_cgroup_layout_name(cg->layout));
  /* Always when the controller is there: default deny is the point. */
  /* An update rewrites them only when it has a list of its own. */
  if (((!cg->updating && sk_cg_find(cg, "devices")) || (r && r->devices)) &&
      devices(cg, cfg, err) < 0)
    return -1;
  if (!r) return 0;
  if (r->memory && memory(cg, r->memory, err) < 0) return -1;
  if (r->cpu && cpu(cg, r->cpu, err) < 0) return -1;
  if (r->pids) {
    sk_cg_dir *d = need(cg, "pids", R "pids", err);
    if (!d) return -1;
    if (r->pids->limit > 0
            ? sk_cg_write(d, "pids.max", R "pids.limit", err, "%" PRId64, r->pids->limit) < 0
            : sk_cg_write(d, "pids.max", R "pids.limit", err, "max") < 0)
      return -1;
  }
  if (r->block_io && block_io(cg, r->block_io, err) < 0) return -1;
  if (r->hugepage_limits_len && hugetlb(cg, r, err) < 0) return -1;
  if (r->network && network(cg, r->network, err) < 0) return -1;
  if (r->rdma_len && rdma(cg, r, err) < 0) return -1;
  return 0;
}

/* cpuset: a new v1 cpuset cgroup starts with no cpus and no memory nodes, and nothing can join
 * it; give it its parent's (linux.resources.cpu narrows them afterwards). */
static int prepare(const sk_cg_dir *d, const char *parent, const char *dir, bool made,
                   sk_error **err) {
  if (!made || !sk_cg_has_ctrl(d, "cpuset")) return 0;
  static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};
  for (size_t i = 0; i < SK_ARRAY_SIZE(files); i++) {
    _cleanup_free_ char *from = sk_xasprintf("%s/%s", parent, files[i]);
    _cleanup_free_ char *to = sk_xasprintf("%s/%s", dir, files[i]);
    _cleanup_free_ char *val = NULL;
    if (sk_read_file(from, &val, NULL, 0, err) < 0) return -1;
    val[strcspn(val, "\n")] = 0;
    if (*val && sk_cg_write_path(to, val, NULL, err) < 0) return -1;
  }
  return 0;
}

/* freezer.state: FROZEN or THAWED, waiting until the kernel got there (SK_CG_FREEZE_MS).
 * Reading the file moves FREEZING on to FROZEN once every task is frozen; writing FROZEN again
 * retries the tasks that were busy (forking, in a system call), so it is rewritten now and
 * then while the cgroup stays FREEZING. */
static int freeze(struct sk_cgroup *cg, bool frozen, sk_error **err) {
  sk_cg_dir *d = sk_cg_find(cg, "freezer");
  if (!d) return sk_error_set(err, ENOTSUP, NULL, "the freezer cgroup controller is not mounted");
  const char *want = frozen ? "FROZEN" : "THAWED";
  _cleanup_free_ char *now = NULL;
  long waited_us = 0, step_us = 100, last_write_us = -1000000;
  while (waited_us <= SK_CG_FREEZE_MS * 1000L) {
    if (waited_us - last_write_us >= 100000) {
      if (sk_cg_write(d, "freezer.state", NULL, err, "%s", want) < 0) return -1;
      last_write_us = waited_us;
    }
    free(now);
    now = NULL;
    if (sk_cg_read(d, "freezer.state", &now, err) < 0) return -1;
    if (strncmp(now, want, strlen(want)) == 0) return 0;
    nanosleep(&(struct timespec){.tv_nsec = step_us * 1000}, NULL);
    waited_us += step_us;
    if (step_us < 10000) step_us *= 2;
  }
  if (now) now[strcspn(now, "\n")] = 0;
  return sk_error_set(err, ETIMEDOUT, NULL,
                      "the container's cgroup %s/%s did not become %s within %d ms (freezer.state "
                      "is %s: a process may be stuck in the kernel, e.g. on I/O)",
                      d->mount, d->rel, want, SK_CG_FREEZE_MS, now ? now : "?");
}

const sk_cg_backend sk_cg_backend_v1 = {"v1", prepare, apply, freeze};

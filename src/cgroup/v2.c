/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgroup v2 (unified layout): one tree, v2 file names.
 *
 * linux.resources on cgroup v2 -- THE place where the v1 -> v2 conversions are written down
 * (the OCI fields are v1's; runc and crun convert them the same way):
 *
 *   memory.limit          memory.max                     -1: "max"
 *   memory.reservation    memory.low                     -1: "max" (as runc)
 *   memory.swap           memory.swap.max = swap - limit (OCI's swap is memory+swap, v2's
 *                         is swap alone); -1: "max"; 0: not set; swap below limit, or swap
 *                         without a limit: an error. No memory.swap.max (no swap accounting):
 *                         a warning, not set (as on v1)
 *   cpu.shares            cpu.weight = 1 + (shares - 2) * 9999 / 262142 (2..262144 onto
 *                         1..10000, clamped; 0: not set)
 *   cpu.quota, cpu.period cpu.max "QUOTA PERIOD"; quota -1 (or 0): "max"; only one of them
 *                         given: the other is kept from cpu.max (period default 100000)
 *   cpu.burst             cpu.max.burst
 *   cpu.idle              cpu.idle
 *   cpu.cpus, cpu.mems    cpuset.cpus, cpuset.mems
 *   pids.limit            pids.max (0 or -1: "max")
 *   blockIO.weight        io.bfq.weight "default W" when BFQ is there (same 10..1000 scale);
 *                         else io.weight "default 1 + (W - 10) * 9999 / 990" (onto 1..10000)
 *   blockIO.weightDevice  the same per device: "MAJ:MIN W"
 *   blockIO.throttle*     io.max "MAJ:MIN rbps=N" (wbps, riops, wiops); rate 0: "max"
 *   hugepageLimits        hugetlb.SIZE.max, and hugetlb.SIZE.rsvd.max where the kernel has it
 *   rdma                  rdma.max "DEV hca_handle=N hca_object=N"
 *   unified               KEY written with VALUE in the container's cgroup, last (so it
 *                         overrides the conversions). KEY must be a file name of that
 *                         directory: no '/', not "", "." or ".."; the file must exist.
 *   devices               a BPF_PROG_TYPE_CGROUP_DEVICE program from devices.c's rule list
 *                         (v2_devices.c); always, the default is deny
 *
 * v1 only, a warning on the --log (not set, not an error: what runc does):
 * memory.kernel, memory.kernelTCP, memory.swappiness, memory.disableOOMKiller (true),
 * memory.useHierarchy (false; v2 is always hierarchical), cpu.realtimeRuntime/Period (no
 * realtime group budget on v2), blockIO.leafWeight (also per device), network.classID and
 * network.priorities (net_cls, net_prio).
 *
 * Controllers: a child only has the files of the controllers its parent lists in
 * cgroup.subtree_control. skiff enables, from the hierarchy's root down to the container's
 * parent, only what the config needs: memory and pids always (accounting, stats and OOM
 * events; skipped where the host has none), cpu, cpuset, io, hugetlb, rdma when a field of
 * theirs is set, and the controller a unified key names ("io.max" -> io). A controller a
 * field needs but the host does not offer is an error naming the field. A parent holding
 * processes cannot enable controllers for its children (cgroup v2's no-internal-processes
 * rule): that is an error saying so, not a half-applied config. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "skiff/log.h"
#include "skiff/util.h"

#define R "linux.resources."

/* ---- controllers ---- */

static const char *const controllers[] = {"memory", "pids",    "cpu",  "cpuset",
                                          "io",     "hugetlb", "rdma", "misc"};
enum {
  C_MEMORY = 1 << 0,
  C_PIDS = 1 << 1,
  C_CPU = 1 << 2,
  C_CPUSET = 1 << 3,
  C_IO = 1 << 4,
  C_HUGETLB = 1 << 5,
  C_RDMA = 1 << 6,
  C_MISC = 1 << 7
};
#define C_BASE (C_MEMORY | C_PIDS) /* enabled when there, needed or not */

typedef struct {
  unsigned mask;
  const char *field[SK_ARRAY_SIZE(controllers)]; /* the field that needs it; NULL: C_BASE */
  char *owned[SK_ARRAY_SIZE(controllers)];
} needs;

static void need(needs *n, unsigned c, const char *field) {
  for (size_t i = 0; i < SK_ARRAY_SIZE(controllers); i++)
    if (c == 1u << i && !n->field[i]) {
      n->mask |= c;
      n->owned[i] = sk_xstrdup(field);
      n->field[i] = n->owned[i];
    }
}

static void needs_free(needs *n) {
  for (size_t i = 0; i < SK_ARRAY_SIZE(controllers); i++)
    free(n->owned[i]);
}

/* The controller of a unified key ("io.max" -> io), 0 for core files (cgroup.*). */
static unsigned key_controller(const char *key) {
  size_t l = strcspn(key, ".");
  for (size_t i = 0; i < SK_ARRAY_SIZE(controllers); i++)
    if (strlen(controllers[i]) == l && strncmp(key, controllers[i], l) == 0) return 1u << i;
  return 0;
}

static void needed(const oci_resources *r, needs *n) {
  const oci_cpu *c = r->cpu;
  if (r->memory) need(n, C_MEMORY, R "memory");
  if (r->pids) need(n, C_PIDS, R "pids.limit");
  if (c && (c->has_shares || c->has_quota || c->has_period || c->has_burst || c->has_idle))
    need(n, C_CPU, R "cpu");
  if (c && (c->cpus || c->mems)) need(n, C_CPUSET, c->cpus ? R "cpu.cpus" : R "cpu.mems");
  const oci_block_io *b = r->block_io;
  if (b && (b->has_weight || b->weight_device_len || b->throttle_read_bps_device_len ||
            b->throttle_write_bps_device_len || b->throttle_read_iops_device_len ||
            b->throttle_write_iops_device_len))
    need(n, C_IO, R "blockIO");
  if (r->hugepage_limits_len) need(n, C_HUGETLB, R "hugepageLimits");
  if (r->rdma_len) need(n, C_RDMA, R "rdma");
  for (size_t i = 0; i < r->unified_len; i++) {
    unsigned k = key_controller(r->unified[i].key);
    _cleanup_free_ char *f = sk_xasprintf(R "unified.%s", r->unified[i].key);
    if (k) need(n, k, f);
  }
}

/* Whether the space-separated list has word. */
static bool has_word(const char *list, const char *word) {
  size_t wl = strlen(word);
  for (const char *p = list; (p = strstr(p, word)); p += wl)
    if ((p == list || p[-1] == ' ') && (p[wl] == 0 || p[wl] == ' ' || p[wl] == '\n')) return true;
  return false;
}

/* Whether the cgroup at path holds processes and is not the root (which is exempt from the
 * no-internal-processes rule; it alone has no cgroup.type). */
static bool holds_processes(const char *path) {
  _cleanup_free_ char *type = sk_xasprintf("%s/cgroup.type", path);
  _cleanup_free_ char *ppath = sk_xasprintf("%s/cgroup.procs", path);
  _cleanup_free_ char *procs = NULL;
  return access(type, F_OK) == 0 && sk_read_file(ppath, &procs, NULL, 0, NULL) == 0 && *procs;
}

/* A controller could not be enabled at path (e): a base one is left out with a warning, one
 * a field needs fails. */
static int not_enabled(needs *n, size_t i, sk_error *e, sk_error **err) {
  if (!n->field[i]) {
    sk_warn("cgroup v2: the %s controller is not enabled for the container: %s: no %s accounting",
            controllers[i], e->msg, controllers[i]);
    sk_error_free(e);
    n->mask &= ~(1u << i);
    return 0;
  }
  if (err && !*err)
    *err = e;
  else
    sk_error_free(e);
  return -1;
}

/* Enable the controllers of n in cgroup.subtree_control of every level from the hierarchy's
 * root down to the container's parent (top down: a level can only enable what its parent
 * enabled). */
static int enable(const sk_cg_dir *d, needs *n, sk_error **err) {
  _cleanup_free_ char *path = sk_xstrdup(d->mount);
  for (const char *p = d->rel;;) {
    _cleanup_free_ char *have = NULL, *on = NULL;
    _cleanup_free_ char *cpath = sk_xasprintf("%s/cgroup.controllers", path);
    _cleanup_free_ char *spath = sk_xasprintf("%s/cgroup.subtree_control", path);
    if (sk_read_file(cpath, &have, NULL, 0, err) < 0 || sk_read_file(spath, &on, NULL, 0, err) < 0)
      return -1;
    bool busy = holds_processes(path);
    for (size_t i = 0; i < SK_ARRAY_SIZE(controllers); i++) {
      if (!(n->mask & (1u << i)) || has_word(on, controllers[i])) continue;
      sk_error *e = NULL;
      const char *field = n->field[i] ? n->field[i] : "linux.cgroupsPath";
      if (!has_word(have, controllers[i]))
        sk_error_set(&e, ENOTSUP, field,
                     "needs the cgroup v2 \"%s\" controller, which %s does not offer (its "
                     "cgroup.controllers: %.*s)",
                     controllers[i], path, (int)strcspn(have, "\n"), have);
      else if (busy) /* even a threaded controller (pids) would make the children unusable */
        sk_error_set(&e, EBUSY, field,
                     "%s holds processes, so it cannot enable the %s controller for the "
                     "container's cgroup below it (cgroup v2's no-internal-processes rule); put "
                     "the container where no parent has processes",
                     path, controllers[i]);
      else {
        _cleanup_free_ char *plus = sk_xasprintf("+%s", controllers[i]);
        sk_cg_write_path(spath, plus, field, &e);
      }
      if (e && not_enabled(n, i, e, err) < 0) return -1;
    }
    size_t l = strcspn(p, "/");
    if (!p[l]) return 0; /* p is the container's own directory: not in it */
    char *np = sk_xasprintf("%s/%.*s", path, (int)l, p);
    free(path);
    path = np;
    p += l + 1;
  }
}

/* ---- resources ---- */

/* A file the kernel may lack (version, configuration, controller not there). */
static int need_file(const sk_cg_dir *d, const char *file, const char *field, sk_error **err) {
  if (sk_cg_has(d, file)) return 0;
  return sk_error_set(err, ENOTSUP, field,
                      "the container's cgroup v2 directory has no %s (not in this kernel)", file);
}

/* A limit: a number, or "max" for a negative one (unlimited). */
static int write_limit(const sk_cg_dir *d, const char *file, const char *field, int64_t v,
                       sk_error **err) {
  if (v < 0) return sk_cg_write(d, file, field, err, "max");
  return sk_cg_write(d, file, field, err, "%" PRId64, v);
}

static void v1_only(const char *field, const char *why) {
  sk_warn("%s: ignored on cgroup v2 (a cgroup v1 setting): %s", field, why);
}

static int memory(const sk_cg_dir *d, const oci_memory *m, sk_error **err) {
  if (m->has_limit && write_limit(d, "memory.max", R "memory.limit", m->limit, err) < 0) return -1;
  if (m->has_reservation &&
      write_limit(d, "memory.low", R "memory.reservation", m->reservation, err) < 0)
    return -1;
  if (m->has_swap && m->swap != 0) {
    int64_t v = -1;
    if (m->swap >= 0) {
      if (!m->has_limit || m->limit <= 0)
        return sk_error_set(
            err, EINVAL, R "memory.swap",
            "%" PRId64 " needs a memory.limit (swap is the limit of memory plus swap)", m->swap);
      if (m->swap < m->limit)
        return sk_error_set(err, EINVAL, R "memory.swap",
                            "%" PRId64 " is below memory.limit %" PRId64
                            " (swap is the limit of memory plus swap)",
                            m->swap, m->limit);
      v = m->swap - m->limit;
    }
    if (!sk_cg_has(d, "memory.swap.max"))
      sk_warn(R "memory.swap: ignored: this kernel does not account swap (no memory.swap.max; "
                "boot with swapaccount=1)");
    else if (write_limit(d, "memory.swap.max", R "memory.swap", v, err) < 0)
      return -1;
  }
  if (m->has_kernel) v1_only(R "memory.kernel", "kernel memory is part of memory.max");
  if (m->has_kernel_tcp) v1_only(R "memory.kernelTCP", "kernel memory is part of memory.max");
  if (m->has_swappiness) v1_only(R "memory.swappiness", "there is no per-cgroup swappiness");
  if (m->has_disable_oom_killer && m->disable_oom_killer)
    v1_only(R "memory.disableOOMKiller", "the OOM killer cannot be disabled per cgroup");
  if (m->has_use_hierarchy && !m->use_hierarchy)
    v1_only(R "memory.useHierarchy", "cgroup v2 is always hierarchical");
  return 0;
}

static int cpu(const sk_cg_dir *d, const oci_cpu *c, sk_error **err) {
  if (c->has_shares && c->shares) {
    uint64_t s = c->shares < 2 ? 2 : c->shares > 262144 ? 262144 : c->shares;
    if (sk_cg_write(d, "cpu.weight", R "cpu.shares", err, "%" PRIu64, 1 + (s - 2) * 9999 / 262142) <
        0)
      return -1;
  }
  if (c->has_quota || c->has_period) {
    /* the one not given: as cpu.max has it now */
    _cleanup_free_ char *now = NULL;
    char quota[32] = "max";
    uint64_t period = 100000;
    if (sk_cg_read(d, "cpu.max", &now, err) < 0) return -1;
    sscanf(now, "%31s %" SCNu64, quota, &period);
    if (c->has_quota) {
      if (c->quota > 0)
        snprintf(quota, sizeof(quota), "%" PRId64, c->quota);
      else
        snprintf(quota, sizeof(quota), "max");
    }
    if (c->has_period) period = c->period;
    if (sk_cg_write(d, "cpu.max", c->has_quota ? R "cpu.quota" : R "cpu.period", err, "%s %" PRIu64,
                    quota, period) < 0)
      return -1;
  }
  if (c->has_burst &&
      (need_file(d, "cpu.max.burst", R "cpu.burst", err) < 0 ||
       sk_cg_write(d, "cpu.max.burst", R "cpu.burst", err, "%" PRIu64, c->burst) < 0))
    return -1;
  if (c->has_idle && (need_file(d, "cpu.idle", R "cpu.idle", err) < 0 ||
                      sk_cg_write(d, "cpu.idle", R "cpu.idle", err, "%" PRId64, c->idle) < 0))
    return -1;
  if (c->has_realtime_runtime)
    v1_only(R "cpu.realtimeRuntime", "no realtime group budget on cgroup v2");
  if (c->has_realtime_period)
    v1_only(R "cpu.realtimePeriod", "no realtime group budget on cgroup v2");
  if (c->cpus && sk_cg_write(d, "cpuset.cpus", R "cpu.cpus", err, "%s", c->cpus) < 0) return -1;
  if (c->mems && sk_cg_write(d, "cpuset.mems", R "cpu.mems", err, "%s", c->mems) < 0) return -1;
  return 0;
}

static int io_max(const sk_cg_dir *d, const char *key, const char *field,
                  const oci_throttle_device *t, size_t n, sk_error **err) {
  for (size_t i = 0; i < n; i++) {
    _cleanup_free_ char *p = sk_xasprintf("%s[%zu]", field, i);
    _cleanup_free_ char *rate = t[i].rate ? sk_xasprintf("%" PRIu64, t[i].rate) : sk_xstrdup("max");
    if (need_file(d, "io.max", p, err) < 0 ||
        sk_cg_write(d, "io.max", p, err, "%" PRId64 ":%" PRId64 " %s=%s", t[i].major, t[i].minor,
                    key, rate) < 0)
      return -1;
  }
  return 0;
}

/* A blkio weight (10..1000) for BFQ (the same scale) or io.weight (1..10000). */
static int io_weight(const sk_cg_dir *d, const char *dev, unsigned w, const char *field,
                     sk_error **err) {
  if (sk_cg_has(d, "io.bfq.weight"))
    return sk_cg_write(d, "io.bfq.weight", field, err, "%s %u", dev, w);
  if (w < 10) w = 10;
  if (w > 1000) w = 1000;
  return need_file(d, "io.weight", field, err) < 0
             ? -1
             : sk_cg_write(d, "io.weight", field, err, "%s %u", dev, 1 + (w - 10) * 9999 / 990);
}

static int block_io(const sk_cg_dir *d, const oci_block_io *b, sk_error **err) {
  if (b->has_weight && b->weight && io_weight(d, "default", b->weight, R "blockIO.weight", err) < 0)
    return -1;
  if (b->has_leaf_weight) v1_only(R "blockIO.leafWeight", "no leaf weights");
  for (size_t i = 0; i < b->weight_device_len; i++) {
    const oci_weight_device *w = &b->weight_device[i];
    _cleanup_free_ char *p = sk_xasprintf(R "blockIO.weightDevice[%zu]", i);
    _cleanup_free_ char *dev = sk_xasprintf("%" PRId64 ":%" PRId64, w->major, w->minor);
    if (w->has_weight && io_weight(d, dev, w->weight, p, err) < 0) return -1;
    if (w->has_leaf_weight) v1_only(p, "no leaf weights");
  }
  return io_max(d, "rbps", R "blockIO.throttleReadBpsDevice", b->throttle_read_bps_device,
                b->throttle_read_bps_device_len, err) < 0 ||
                 io_max(d, "wbps", R "blockIO.throttleWriteBpsDevice", b->throttle_write_bps_device,
                        b->throttle_write_bps_device_len, err) < 0 ||
                 io_max(d, "riops", R "blockIO.throttleReadIOPSDevice",
                        b->throttle_read_iops_device, b->throttle_read_iops_device_len, err) < 0 ||
                 io_max(d, "wiops", R "blockIO.throttleWriteIOPSDevice",
                        b->throttle_write_iops_device, b->throttle_write_iops_device_len, err) < 0
             ? -1
             : 0;
}

static int hugetlb(const sk_cg_dir *d, const oci_resources *r, sk_error **err) {
  for (size_t i = 0; i < r->hugepage_limits_len; i++) {
    const oci_hugepage_limit *h = &r->hugepage_limits[i];
    _cleanup_free_ char *p = sk_xasprintf(R "hugepageLimits[%zu]", i);
    _cleanup_free_ char *f = sk_xasprintf("hugetlb.%s.max", h->page_size);
    _cleanup_free_ char *rsvd = sk_xasprintf("hugetlb.%s.rsvd.max", h->page_size);
    if (need_file(d, f, p, err) < 0 || sk_cg_write(d, f, p, err, "%" PRIu64, h->limit) < 0)
      return -1;
    if (sk_cg_has(d, rsvd) && sk_cg_write(d, rsvd, p, err, "%" PRIu64, h->limit) < 0) return -1;
  }
  return 0;
}

static int unified(const sk_cg_dir *d, const oci_resources *r, sk_error **err) {
  for (size_t i = 0; i < r->unified_len; i++) {
    const char *k = r->unified[i].key;
    _cleanup_free_ char *p = sk_xasprintf(R "unified.%s", k);
    if (!*k || strchr(k, '/') || strcmp(k, ".") == 0 || strcmp(k, "..") == 0)
      return sk_error_set(
          err, EINVAL, p,
          "\"%s\" is not a file name of the container's cgroup (no '/', not . or ..)", k);
    if (!sk_cg_has(d, k))
      return sk_error_set(err, ENOENT, p,
                          "the container's cgroup has no file \"%s\" (a controller this kernel "
                          "lacks, or a misspelt name)",
                          k);
    if (sk_cg_write(d, k, p, err, "%s", r->unified[i].value) < 0) return -1;
  }
  return 0;
}

static int apply(struct sk_cgroup *cg, const oci_config *cfg, sk_error **err) {
  if (!cfg->linux) return 0;
  const oci_resources *r = cfg->linux->resources;
  const sk_cg_dir *d = &cg->dirs[0];
  needs n = {.mask = C_BASE};
  if (r) needed(r, &n);
  int ret = enable(d, &n, err);
  needs_free(&n);
  if (ret < 0) return -1;
  /* Always at create: default deny is the point; an update only with a list of its own
   * (the new program goes on before the old one comes off). */
  if (!cg->updating || (r && r->devices)) {
    sk_dev_rules l;
    if (sk_cg_device_rules(cfg, &l, err) < 0) return -1;
    ret = sk_cg_v2_devices(d, &l, err);
    free(l.rules);
    if (ret < 0) return -1;
  }
  if (!r) return 0;
  if (r->memory && memory(d, r->memory, err) < 0) return -1;
  if (r->cpu && cpu(d, r->cpu, err) < 0) return -1;
  if (r->pids &&
      write_limit(d, "pids.max", R "pids.limit", r->pids->limit > 0 ? r->pids->limit : -1, err) < 0)
    return -1;
  if (r->block_io && block_io(d, r->block_io, err) < 0) return -1;
  if (hugetlb(d, r, err) < 0) return -1;
  if (r->network && r->network->has_class_id)
    v1_only(R "network.classID", "net_cls is a v1 controller");
  if (r->network && r->network->priorities_len)
    v1_only(R "network.priorities", "net_prio is a v1 controller");
  for (size_t i = 0; i < r->rdma_len; i++) {
    const oci_rdma *x = &r->rdma[i];
    _cleanup_free_ char *p = sk_xasprintf(R "rdma.%s", x->key);
    _cleanup_free_ char *h =
        x->has_hca_handles ? sk_xasprintf(" hca_handle=%u", x->hca_handles) : sk_xstrdup("");
    _cleanup_free_ char *o =
        x->has_hca_objects ? sk_xasprintf(" hca_object=%u", x->hca_objects) : sk_xstrdup("");
    if (sk_cg_write(d, "rdma.max", p, err, "%s%s%s", x->key, h, o) < 0) return -1;
  }
  return unified(d, r, err);
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

/* No prepare step: apply enables the controllers (also for update). */
const sk_cg_backend sk_cg_backend_v2 = {"v2", NULL, apply, freeze};

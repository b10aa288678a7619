/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container cgroup's counters (events --stats): cpu, memory, pids, blkio/io and hugetlb,
 * from the v1 files of each controller's hierarchy or from the one v2 directory, in the units
 * runc's events print (nanoseconds, bytes). A file the kernel lacks leaves its counters 0. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "skiff/util.h"

const char *const sk_cg_blkio_names[SK_BLKIO_N] = {
    "ioServiceBytesRecursive", "ioServicedRecursive", "ioQueueRecursive", "ioServiceTimeRecursive",
    "ioWaitTimeRecursive",     "ioMergedRecursive",   "ioTimeRecursive",  "sectorsRecursive",
};

/* A file of one number ("max" = unlimited = UINT64_MAX); false when it is missing. */
static bool read_num(const sk_cg_dir *d, const char *file, uint64_t *v) {
  _cleanup_free_ char *text = NULL;
  if (!d || sk_cg_read(d, file, &text, NULL) < 0) return false;
  *v = strncmp(text, "max", 3) == 0 ? UINT64_MAX : strtoull(text, NULL, 10);
  return true;
}

/* The value of "key value" lines (cpu.stat, memory.events, cpuacct.stat); 0 when absent. */
static uint64_t keyed(const char *text, const char *key) {
  size_t kl = strlen(key);
  for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
    if (strncmp(p, key, kl) == 0 && p[kl] == ' ') return strtoull(p + kl + 1, NULL, 10);
  return 0;
}

static char *read_text(const sk_cg_dir *d, const char *file) {
  char *text = NULL;
  if (!d || sk_cg_read(d, file, &text, NULL) < 0) return sk_xstrdup("");
  return text;
}

static void raw_stats(const sk_cg_dir *d, sk_cgroup_stats *s) {
  _cleanup_free_ char *text = read_text(d, "memory.stat");
  char *save = NULL;
  for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    char *sp = strchr(line, ' ');
    if (!sp) continue;
    *sp = 0;
    s->mem_raw = sk_xrealloc(s->mem_raw, (s->mem_raw_len + 1) * sizeof(*s->mem_raw));
    s->mem_raw[s->mem_raw_len++] = (sk_cg_stat_kv){sk_xstrdup(line), strtoull(sp + 1, NULL, 10)};
  }
}

static uint64_t raw_value(const sk_cgroup_stats *s, const char *key) {
  for (size_t i = 0; i < s->mem_raw_len; i++)
    if (strcmp(s->mem_raw[i].key, key) == 0) return s->mem_raw[i].value;
  return 0;
}

static void add_blkio(sk_cgroup_stats *s, int list, uint64_t major, uint64_t minor, const char *op,
                      uint64_t value) {
  s->blkio[list] =
      sk_xrealloc(s->blkio[list], (s->blkio_len[list] + 1) * sizeof(sk_cg_blkio_entry));
  sk_cg_blkio_entry *e = &s->blkio[list][s->blkio_len[list]++];
  *e = (sk_cg_blkio_entry){.major = major, .minor = minor, .value = value};
  snprintf(e->op, sizeof(e->op), "%s", op);
}

/* The hugepage sizes of d: the <size> of each hugetlb.<size>.<suffix>. */
static void hugetlb_sizes(const sk_cg_dir *d, const char *suffix, sk_cgroup_stats *s) {
  if (!d) return;
  _cleanup_free_ char *path = sk_xasprintf("%s/%s", d->mount, d->rel);
  DIR *dir = opendir(path);
  if (!dir) return;
  size_t sl = strlen(suffix);
  for (struct dirent *de; (de = readdir(dir));) {
    const char *n = de->d_name;
    size_t l = strlen(n);
    if (strncmp(n, "hugetlb.", 8) != 0 || l < 8 + sl || strcmp(n + l - sl, suffix) != 0) continue;
    size_t ps = l - 8 - sl;
    if (ps == 0 || ps >= sizeof(s->hugetlb->page_size) || memchr(n + 8, '.', ps)) continue;
    s->hugetlb = sk_xrealloc(s->hugetlb, (s->hugetlb_len + 1) * sizeof(*s->hugetlb));
    sk_cg_hugetlb *h = &s->hugetlb[s->hugetlb_len++];
    *h = (sk_cg_hugetlb){0};
    memcpy(h->page_size, n + 8, ps);
  }
  closedir(dir);
}

/* ---- v1 ---- */

static void mem_entry_v1(const sk_cg_dir *d, const char *prefix, sk_cg_mem_entry *e) {
  static const char *const files[] = {"limit_in_bytes", "usage_in_bytes", "max_usage_in_bytes",
                                      "failcnt"};
  uint64_t *dst[] = {&e->limit, &e->usage, &e->max, &e->failcnt};
  for (size_t i = 0; i < SK_ARRAY_SIZE(files); i++) {
    _cleanup_free_ char *f = sk_xasprintf("%s.%s", prefix, files[i]);
    read_num(d, f, dst[i]);
  }
}

/* "8:0 Read 4096" lines; "Total N" lines skipped. false when the file had no entry. */
static bool blkio_v1(const sk_cg_dir *d, const char *file, int list, sk_cgroup_stats *s) {
  _cleanup_free_ char *text = read_text(d, file);
  size_t before = s->blkio_len[list];
  char *save = NULL;
  for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    uint64_t ma, mi, v;
    char op[16] = "";
    int n = sscanf(line, "%" SCNu64 ":%" SCNu64 " %15s %" SCNu64, &ma, &mi, op, &v);
    if (n == 4)
      add_blkio(s, list, ma, mi, op, v);
    else if (n == 3)
      add_blkio(s, list, ma, mi, "", strtoull(op, NULL, 10)); /* time, sectors */
  }
  return s->blkio_len[list] > before;
}

static void stats_v1(struct sk_cgroup *cg, sk_cgroup_stats *s) {
  const sk_cg_dir *acct = sk_cg_find(cg, "cpuacct");
  read_num(acct, "cpuacct.usage", &s->cpu_total);
  _cleanup_free_ char *percpu = read_text(acct, "cpuacct.usage_percpu");
  for (char *p = percpu, *end;; p = end) {
    uint64_t v = strtoull(p, &end, 10);
    if (end == p) break;
    s->percpu = sk_xrealloc(s->percpu, (s->percpu_len + 1) * sizeof(uint64_t));
    s->percpu[s->percpu_len++] = v;
  }
  _cleanup_free_ char *times = read_text(acct, "cpuacct.stat");
  long hz = sysconf(_SC_CLK_TCK);
  uint64_t tick = hz > 0 ? 1000000000ull / (uint64_t)hz : 10000000ull;
  s->cpu_user = keyed(times, "user") * tick;
  s->cpu_kernel = keyed(times, "system") * tick;
  _cleanup_free_ char *cpu = read_text(sk_cg_find(cg, "cpu"), "cpu.stat");
  s->periods = keyed(cpu, "nr_periods");
  s->throttled_periods = keyed(cpu, "nr_throttled");
  s->throttled_time = keyed(cpu, "throttled_time");

  const sk_cg_dir *mem = sk_cg_find(cg, "memory");
  if (mem) {
    mem_entry_v1(mem, "memory", &s->mem_usage);
    mem_entry_v1(mem, "memory.memsw", &s->mem_swap);
    mem_entry_v1(mem, "memory.kmem", &s->mem_kernel);
    mem_entry_v1(mem, "memory.kmem.tcp", &s->mem_kernel_tcp);
    raw_stats(mem, s);
    s->mem_cache = raw_value(s, "cache");
  }

  const sk_cg_dir *pids = sk_cg_find(cg, "pids");
  read_num(pids, "pids.current", &s->pids_current);
  if (read_num(pids, "pids.max", &s->pids_limit) && s->pids_limit == UINT64_MAX) s->pids_limit = 0;

  const sk_cg_dir *blk = sk_cg_find(cg, "blkio");
  if (blk) {
    /* CFQ's files when the device's scheduler fills them, else the throttle layer's. */
    if (!blkio_v1(blk, "blkio.io_service_bytes_recursive", SK_BLKIO_SERVICE_BYTES, s))
      blkio_v1(blk, "blkio.throttle.io_service_bytes_recursive", SK_BLKIO_SERVICE_BYTES, s);
    if (!blkio_v1(blk, "blkio.io_serviced_recursive", SK_BLKIO_SERVICED, s))
      blkio_v1(blk, "blkio.throttle.io_serviced_recursive", SK_BLKIO_SERVICED, s);
    blkio_v1(blk, "blkio.io_queued_recursive", SK_BLKIO_QUEUED, s);
    blkio_v1(blk, "blkio.io_service_time_recursive", SK_BLKIO_SERVICE_TIME, s);
    blkio_v1(blk, "blkio.io_wait_time_recursive", SK_BLKIO_WAIT_TIME, s);
    blkio_v1(blk, "blkio.io_merged_recursive", SK_BLKIO_MERGED, s);
    blkio_v1(blk, "blkio.time_recursive", SK_BLKIO_TIME, s);
    blkio_v1(blk, "blkio.sectors_recursive", SK_BLKIO_SECTORS, s);
  }

  const sk_cg_dir *huge = sk_cg_find(cg, "hugetlb");
  hugetlb_sizes(huge, ".limit_in_bytes", s);
  for (size_t i = 0; i < s->hugetlb_len; i++) {
    sk_cg_hugetlb *h = &s->hugetlb[i];
    _cleanup_free_ char *u = sk_xasprintf("hugetlb.%s.usage_in_bytes", h->page_size);
    _cleanup_free_ char *m = sk_xasprintf("hugetlb.%s.max_usage_in_bytes", h->page_size);
    _cleanup_free_ char *f = sk_xasprintf("hugetlb.%s.failcnt", h->page_size);
    read_num(huge, u, &h->usage);
    read_num(huge, m, &h->max);
    read_num(huge, f, &h->failcnt);
  }
}

/* ---- v2 ---- */

/* io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0" per device. */
static void io_v2(const sk_cg_dir *d, sk_cgroup_stats *s) {
  static const struct {
    const char *key, *op;
    int list;
  } keys[] = {{"rbytes", "Read", SK_BLKIO_SERVICE_BYTES},
              {"wbytes", "Write", SK_BLKIO_SERVICE_BYTES},
              {"rios", "Read", SK_BLKIO_SERVICED},
              {"wios", "Write", SK_BLKIO_SERVICED}};
  _cleanup_free_ char *text = read_text(d, "io.stat");
  char *save = NULL;
  for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    uint64_t ma, mi;
    if (sscanf(line, "%" SCNu64 ":%" SCNu64, &ma, &mi) != 2) continue;
    for (size_t k = 0; k < SK_ARRAY_SIZE(keys); k++) {
      _cleanup_free_ char *pat = sk_xasprintf(" %s=", keys[k].key);
      const char *at = strstr(line, pat);
      if (at) add_blkio(s, keys[k].list, ma, mi, keys[k].op, strtoull(at + strlen(pat), NULL, 10));
    }
  }
}

static uint64_t sum_limit(uint64_t a, uint64_t b) {
  return a == UINT64_MAX || b == UINT64_MAX || a + b < a ? UINT64_MAX : a + b;
}

static void stats_v2(struct sk_cgroup *cg, sk_cgroup_stats *s) {
  const sk_cg_dir *d = &cg->dirs[0];
  _cleanup_free_ char *cpu = read_text(d, "cpu.stat");
  s->cpu_total = keyed(cpu, "usage_usec") * 1000;
  s->cpu_user = keyed(cpu, "user_usec") * 1000;
  s->cpu_kernel = keyed(cpu, "system_usec") * 1000;
  s->periods = keyed(cpu, "nr_periods");
  s->throttled_periods = keyed(cpu, "nr_throttled");
  s->throttled_time = keyed(cpu, "throttled_usec") * 1000;

  if (read_num(d, "memory.current", &s->mem_usage.usage)) {
    read_num(d, "memory.max", &s->mem_usage.limit);
    read_num(d, "memory.peak", &s->mem_usage.max);
    _cleanup_free_ char *ev = read_text(d, "memory.events");
    s->mem_usage.failcnt = keyed(ev, "max");
    /* as v1 counts it: memory plus swap */
    uint64_t swap = 0, swap_max = 0;
    if (read_num(d, "memory.swap.current", &swap) && read_num(d, "memory.swap.max", &swap_max)) {
      s->mem_swap.usage = s->mem_usage.usage + swap;
      s->mem_swap.limit = sum_limit(s->mem_usage.limit, swap_max);
      _cleanup_free_ char *sev = read_text(d, "memory.swap.events");
      s->mem_swap.failcnt = keyed(sev, "max");
    }
    raw_stats(d, s);
    s->mem_cache = raw_value(s, "file");
  }

  read_num(d, "pids.current", &s->pids_current);
  if (read_num(d, "pids.max", &s->pids_limit) && s->pids_limit == UINT64_MAX) s->pids_limit = 0;

  io_v2(d, s);

  hugetlb_sizes(d, ".current", s);
  for (size_t i = 0; i < s->hugetlb_len; i++) {
    sk_cg_hugetlb *h = &s->hugetlb[i];
    _cleanup_free_ char *u = sk_xasprintf("hugetlb.%s.current", h->page_size);
    _cleanup_free_ char *e = sk_xasprintf("hugetlb.%s.events", h->page_size);
    read_num(d, u, &h->usage);
    _cleanup_free_ char *ev = read_text(d, e);
    h->failcnt = keyed(ev, "max");
  }
}

int sk_cgroup_stats_read(sk_cgroup *cg, sk_cgroup_stats *out, sk_error **err) {
  *out = (sk_cgroup_stats){0};
  _cleanup_free_ char *probe = sk_xasprintf("%s/%s", cg->dirs[0].mount, cg->dirs[0].rel);
  if (access(probe, F_OK) < 0)
    return sk_error_set(err, errno, NULL, "the container's cgroup %s is gone", probe);
  if (cg->layout == SK_CGROUP_UNIFIED)
    stats_v2(cg, out);
  else
    stats_v1(cg, out);
  return 0;
}

void sk_cgroup_stats_free(sk_cgroup_stats *s) {
  free(s->percpu);
  for (size_t i = 0; i < s->mem_raw_len; i++)
    free(s->mem_raw[i].key);
  free(s->mem_raw);
  for (int i = 0; i < SK_BLKIO_N; i++)
    free(s->blkio[i]);
  free(s->hugetlb);
  *s = (sk_cgroup_stats){0};
}

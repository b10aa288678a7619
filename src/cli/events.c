/* SPDX-License-Identifier: GPL-2.0-or-later */
/* skiff events [--stats] [--interval D] <container-id>: the container cgroup's statistics as
 * runc prints them ({"type":"stats","id":...,"data":{cpu, memory, pids, blkio, hugetlb}}),
 * once (--stats) or every --interval along with {"type":"oom","id":...} events, one JSON
 * object a line, until the container stops. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "skiff/cgroup.h"
#include "skiff/jsongen.h"
#include "skiff/log.h"
#include "skiff/state.h"
#include "skiff/util.h"

const sk_cmd_info sk_info_events = {
    "events", "display container events such as OOM notifications and stats",
    "[command options] <container-id>",
    "Print container events (stats, oom) as JSON objects, one a line, every --interval;\n"
    "--stats prints the statistics once and exits."};

/* A Go duration ("5s", "500ms", "1m30s", "1.5h"): a sequence of decimal numbers, each with a
 * unit ns, us (µs), ms, s, m or h. In nanoseconds. */
static int parse_duration(const char *s, int64_t *out, sk_error **err) {
  static const struct {
    const char *unit;
    double ns;
  } units[] = {{"ns", 1},   {"us", 1e3}, {"\xc2\xb5s", 1e3}, {"\xce\xbcs", 1e3},
               {"ms", 1e6}, {"s", 1e9},  {"m", 60e9},        {"h", 3600e9}};
  double total = 0;
  const char *p = s;
  if (*p == '+') p++;
  if (strcmp(p, "0") == 0) goto bad; /* a valid duration, but no interval */
  while (*p) {
    /* digits and a point only (strtod would take hex, exponents, inf) */
    size_t nl = strspn(p, "0123456789.");
    char *end = NULL;
    errno = 0;
    double v = nl ? strtod(p, &end) : -1;
    if (v < 0 || end != p + nl || errno) goto bad;
    size_t best = 0, bestlen = 0;
    for (size_t i = 0; i < SK_ARRAY_SIZE(units); i++) {
      size_t l = strlen(units[i].unit);
      if (strncmp(end, units[i].unit, l) == 0 && l > bestlen) best = i, bestlen = l;
    }
    if (!bestlen) goto bad;
    total += v * units[best].ns;
    p = end + bestlen;
  }
  if (total < 1 || total > 9.2e18) goto bad;
  *out = (int64_t)total;
  return 0;
bad:
  return sk_error_set(err, EINVAL, NULL,
                      "--interval \"%s\" is not a duration greater than 0 (a number and a unit: "
                      "ns, us, ms, s, m, h; e.g. 5s, 500ms, 1m30s)",
                      s);
}

/* ---- JSON ---- */

static void u64(yajl_gen g, uint64_t v) {
  char buf[24];
  int n = snprintf(buf, sizeof(buf), "%" PRIu64, v);
  yajl_gen_number(g, buf, (size_t)n);
}

/* key: v, left out when 0 unless always (Go's omitempty, as runc's types have it) */
static void kv_u64(yajl_gen g, const char *key, uint64_t v, bool always) {
  if (!v && !always) return;
  sk_jg_key(g, key);
  u64(g, v);
}

static void mem_entry(yajl_gen g, const char *key, const sk_cg_mem_entry *e) {
  sk_jg_key(g, key);
  yajl_gen_map_open(g);
  kv_u64(g, "limit", e->limit, true);
  kv_u64(g, "usage", e->usage, false);
  kv_u64(g, "max", e->max, false);
  kv_u64(g, "failcnt", e->failcnt, true);
  yajl_gen_map_close(g);
}

static void cpu_json(yajl_gen g, const sk_cgroup_stats *s) {
  sk_jg_key(g, "cpu");
  yajl_gen_map_open(g);
  sk_jg_key(g, "usage");
  yajl_gen_map_open(g);
  kv_u64(g, "total", s->cpu_total, false);
  if (s->percpu_len) {
    sk_jg_key(g, "percpu");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < s->percpu_len; i++)
      u64(g, s->percpu[i]);
    yajl_gen_array_close(g);
  }
  kv_u64(g, "kernel", s->cpu_kernel, true);
  kv_u64(g, "user", s->cpu_user, true);
  yajl_gen_map_close(g);
  sk_jg_key(g, "throttling");
  yajl_gen_map_open(g);
  kv_u64(g, "periods", s->periods, false);
  kv_u64(g, "throttledPeriods", s->throttled_periods, false);
  kv_u64(g, "throttledTime", s->throttled_time, false);
  yajl_gen_map_close(g);
  yajl_gen_map_close(g);
}

static void memory_json(yajl_gen g, const sk_cgroup_stats *s) {
  sk_jg_key(g, "memory");
  yajl_gen_map_open(g);
  kv_u64(g, "cache", s->mem_cache, false);
  mem_entry(g, "usage", &s->mem_usage);
  mem_entry(g, "swap", &s->mem_swap);
  mem_entry(g, "kernel", &s->mem_kernel);
  mem_entry(g, "kernelTCP", &s->mem_kernel_tcp);
  if (s->mem_raw_len) {
    sk_jg_key(g, "raw");
    yajl_gen_map_open(g);
    for (size_t i = 0; i < s->mem_raw_len; i++)
      kv_u64(g, s->mem_raw[i].key, s->mem_raw[i].value, true);
    yajl_gen_map_close(g);
  }
  yajl_gen_map_close(g);
}

static void blkio_json(yajl_gen g, const sk_cgroup_stats *s) {
  sk_jg_key(g, "blkio");
  yajl_gen_map_open(g);
  for (int l = 0; l < SK_BLKIO_N; l++) {
    if (!s->blkio_len[l]) continue;
    sk_jg_key(g, sk_cg_blkio_names[l]);
    yajl_gen_array_open(g);
    for (size_t i = 0; i < s->blkio_len[l]; i++) {
      const sk_cg_blkio_entry *e = &s->blkio[l][i];
      yajl_gen_map_open(g);
      kv_u64(g, "major", e->major, false);
      kv_u64(g, "minor", e->minor, false);
      if (*e->op) sk_jg_kv_str(g, "op", e->op);
      kv_u64(g, "value", e->value, false);
      yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
  }
  yajl_gen_map_close(g);
}

static char *stats_event(const char *id, const sk_cgroup_stats *s) {
  yajl_gen g = sk_jg_new(NULL);
  yajl_gen_map_open(g);
  sk_jg_kv_str(g, "type", "stats");
  sk_jg_kv_str(g, "id", id);
  sk_jg_key(g, "data");
  yajl_gen_map_open(g);
  cpu_json(g, s);
  memory_json(g, s);
  sk_jg_key(g, "pids");
  yajl_gen_map_open(g);
  kv_u64(g, "current", s->pids_current, false);
  kv_u64(g, "limit", s->pids_limit, false);
  yajl_gen_map_close(g);
  blkio_json(g, s);
  sk_jg_key(g, "hugetlb");
  yajl_gen_map_open(g);
  for (size_t i = 0; i < s->hugetlb_len; i++) {
    sk_jg_key(g, s->hugetlb[i].page_size);
    yajl_gen_map_open(g);
    kv_u64(g, "usage", s->hugetlb[i].usage, false);
    kv_u64(g, "max", s->hugetlb[i].max, false);
    kv_u64(g, "failcnt", s->hugetlb[i].failcnt, true);
    yajl_gen_map_close(g);
  }
  yajl_gen_map_close(g);
  sk_jg_key(g, "intel_rdt");
  yajl_gen_map_open(g);
  yajl_gen_map_close(g);
  yajl_gen_map_close(g);
  yajl_gen_map_close(g);
  return sk_jg_finish(g);
}

static int print_stats(sk_cgroup *cg, const char *id, sk_error **err) {
  sk_cgroup_stats s;
  if (sk_cgroup_stats_read(cg, &s, err) < 0) return -1;
  _cleanup_free_ char *json = stats_event(id, &s);
  sk_cgroup_stats_free(&s);
  printf("%s\n", json);
  return sk_cli_flush_stdout("the stats event", err);
}

static int print_oom(const char *id, sk_error **err) {
  yajl_gen g = sk_jg_new(NULL);
  yajl_gen_map_open(g);
  sk_jg_kv_str(g, "type", "oom");
  sk_jg_kv_str(g, "id", id);
  yajl_gen_map_close(g);
  _cleanup_free_ char *json = sk_jg_finish(g);
  printf("%s\n", json);
  return sk_cli_flush_stdout("the oom event", err);
}

/* ---- the stream ---- */

static int64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static int oom_events(sk_cgroup_oom *w, const char *id, sk_error **err) {
  uint64_t n = 0;
  if (!w || sk_cgroup_oom_read(w, &n, err) < 0) return w ? -1 : 0;
  return n ? print_oom(id, err) : 0;
}

/* Stats every interval and OOM events as they come, until the init exits. */
static int stream(sk_cgroup *cg, const sk_state *st, int64_t interval, sk_error **err) {
  _cleanup_close_ int pfd = (int)syscall(SYS_pidfd_open, st->pid, 0);
  if (pfd < 0 || sk_proc_start_time(st->pid) != st->pid_start) return 0; /* it just stopped */
  sk_cgroup_oom *w = NULL;
  _cleanup_error_ sk_error *werr = NULL;
  if (sk_cgroup_oom_open(cg, &w, &werr) < 0) {
    _cleanup_free_ char *msg = sk_error_format(werr);
    sk_warn("%s: no oom events", msg);
  }
  int ret = 0;
  int64_t next = now_ns();
  for (;;) {
    if (now_ns() >= next) {
      _cleanup_error_ sk_error *serr = NULL;
      if (print_stats(cg, st->id, &serr) < 0 && sk_proc_start_time(st->pid) == st->pid_start) {
        *err = sk_steal_ptr(&serr);
        ret = -1;
        break;
      }
      next += interval;
      if (next < now_ns()) next = now_ns() + interval;
    }
    struct pollfd p[2] = {{.fd = pfd, .events = POLLIN},
                          {.fd = w ? sk_cgroup_oom_fd(w) : -1, .events = POLLIN}};
    int64_t wait_ms = (next - now_ns() + 999999) / 1000000;
    int r = poll(p, 2, wait_ms < 0 ? 0 : wait_ms > INT32_MAX ? INT32_MAX : (int)wait_ms);
    if (r < 0 && errno != EINTR) {
      ret = sk_error_errno(err, "poll for the container's events");
      break;
    }
    if (r > 0 && (p[1].revents & POLLIN) && oom_events(w, st->id, err) < 0) {
      ret = -1;
      break;
    }
    if (r > 0 && p[0].revents) {
      /* stopped: an OOM kill that ended it is reported first */
      ret = oom_events(w, st->id, err);
      break;
    }
  }
  sk_cgroup_oom_close(w);
  return ret;
}

int sk_cmd_events(sk_cli *cli, int argc, char **argv, sk_error **err) {
  const char *interval = "5s";
  bool stats = false;
  const sk_option opts[] = {
      {"interval", 0, SK_OPT_STRING, &interval, "DURATION",
       "interval between stats events (default 5s)"},
      {"stats", 0, SK_OPT_BOOL, &stats, NULL, "print the container's statistics once"},
  };
  const char *id = NULL;
  int r = SK_CLI_PARSE_ID(&sk_info_events, opts, argc, argv, &id, err);
  if (r != SK_OPTS_OK) return r < 0 ? -1 : 0;
  int64_t every = 0;
  if (parse_duration(interval, &every, err) < 0) return -1;
  sk_state *st = NULL;
  if (sk_state_read(cli->g.root, id, &st, err) < 0) return -1;
  _cleanup_cgroup_ sk_cgroup *cg = NULL;
  if (sk_state_refresh(st) == SK_STATUS_STOPPED)
    r = sk_error_set(err, ESRCH, NULL, "container %s is not running", id);
  else if (!st->cgroup_path)
    r = sk_error_set(err, ENOENT, NULL, "container %s has no cgroup recorded in its state", id);
  else if (sk_cgroup_load(st->cgroup_path, &cg, err) < 0)
    r = -1;
  else
    r = stats ? print_stats(cg, id, err) : stream(cg, st, every, err);
  sk_state_free(st);
  return r < 0 ? -1 : 0;
}

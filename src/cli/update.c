/* SPDX-License-Identifier: GPL-2.0-or-later */
/* skiff update [options] <container-id>: new linux.resources for a container, from an OCI
 * LinuxResources JSON (--resources FILE, - for stdin) and runc's per-resource options, which
 * override the file's values. Sizes take runc's units: 512m, 1g, 100k, 1.5g, -1 = unlimited. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "skiff/oci.h"
#include "skiff/util.h"

#define R "linux.resources."

const sk_cmd_info sk_info_update = {
    "update", "update the resource limits of a container", "[command options] <container-id>",
    "Update the resource limits of a running container, from an OCI LinuxResources JSON\n"
    "(--resources FILE, or - for stdin) or from the individual options."};

typedef struct update_opts {
  const char *resources, *memory, *memory_swap, *memory_reservation, *kernel_memory,
      *kernel_memory_tcp, *cpu_quota, *cpu_period, *cpu_rt_period, *cpu_rt_runtime, *cpu_shares,
      *cpuset_cpus, *cpuset_mems, *pids_limit, *blkio_weight, *l3_cache_schema, *mem_bw_schema;
} update_opts;

/* runc's sizes: a decimal number (a fraction allowed), then an optional unit k, m, g, t or p
 * (powers of 1024, any case), optionally followed by "b" or "ib"; "-1" is unlimited. */
static int parse_size(const char *s, const char *flag, const char *field, int64_t *out,
                      sk_error **err) {
  if (strcmp(s, "-1") == 0) {
    *out = -1;
    return 0;
  }
  char *end = NULL;
  errno = 0;
  size_t nl = strspn(s, "0123456789."); /* strtod would take hex, exponents, inf */
  double v = isdigit((unsigned char)*s) ? strtod(s, &end) : -1;
  if (end != s + nl) v = -1;
  const char *units = "kmgtp";
  double mult = 1;
  if (end && *end == ' ') end++;
  if (end && *end && strchr(units, tolower((unsigned char)*end))) {
    for (const char *p = units; *p != tolower((unsigned char)*end); p++)
      mult *= 1024;
    mult *= 1024;
    end++;
    if (tolower((unsigned char)*end) == 'i') end++;
  }
  if (end && tolower((unsigned char)*end) == 'b') end++;
  if (v < 0 || !end || *end || errno || !isfinite(v * mult) || v * mult >= 9.2e18)
    return sk_error_set(err, EINVAL, field,
                        "--%s \"%s\" is not a size (bytes, or a number with a unit k, m, g, t, p "
                        "such as 512m or 1g; -1 for unlimited)",
                        flag, s);
  *out = (int64_t)(v * mult);
  return 0;
}

static int parse_int(const char *s, const char *flag, const char *field, bool is_signed, int64_t lo,
                     uint64_t hi, uint64_t *out, sk_error **err) {
  char *end = NULL;
  errno = 0;
  bool neg = *s == '-';
  uint64_t v = neg ? (uint64_t)strtoll(s, &end, 10) : strtoull(s, &end, 10);
  if (!*s || *end || errno || (neg && (!is_signed || (int64_t)v < lo)) || (!neg && v > hi))
    return sk_error_set(err, EINVAL, field, "--%s \"%s\" is not %s number%s", flag, s,
                        is_signed ? "a" : "a non-negative", hi < UINT64_MAX / 2 ? " in range" : "");
  *out = v;
  return 0;
}

static int read_resources(const char *file, oci_resources **out, sk_error **err) {
  if (!file) {
    *out = sk_xcalloc(1, sizeof(oci_resources));
    return 0;
  }
  _cleanup_free_ char *json = NULL;
  size_t len = 0;
  const char *what = strcmp(file, "-") == 0 ? "/dev/stdin" : file;
  if (sk_read_file(what, &json, &len, OCI_CONFIG_MAX_SIZE + 1, err) < 0) {
    sk_error_prefix(*err, "reading the resources (--resources)");
    return -1;
  }
  return oci_resources_parse(json, len, strcmp(file, "-") == 0 ? "stdin" : file, out, err);
}

#define NEW(p) ((p) ? (p) : ((p) = sk_xcalloc(1, sizeof(*(p)))))

static int apply_flags(const update_opts *u, oci_resources *r, sk_error **err) {
  /* an object only for options given: an empty one would be applied (pids.limit 0 = max) */
  oci_memory m0 = {0}, *m = &m0;
  oci_cpu c0 = {0}, *c = &c0;
  oci_pids p0 = {0}, *p = &p0;
  oci_block_io b0 = {0}, *b = &b0;
  if (u->memory || u->memory_swap || u->memory_reservation || u->kernel_memory ||
      u->kernel_memory_tcp)
    m = NEW(r->memory);
  if (u->cpu_quota || u->cpu_period || u->cpu_rt_period || u->cpu_rt_runtime || u->cpu_shares ||
      u->cpuset_cpus || u->cpuset_mems)
    c = NEW(r->cpu);
  if (u->pids_limit) p = NEW(r->pids);
  if (u->blkio_weight) b = NEW(r->block_io);
  const struct {
    const char *val, *flag, *field;
    int64_t *dst;
    bool *has;
  } sizes[] = {
      {u->memory, "memory", R "memory.limit", &m->limit, &m->has_limit},
      {u->memory_swap, "memory-swap", R "memory.swap", &m->swap, &m->has_swap},
      {u->memory_reservation, "memory-reservation", R "memory.reservation", &m->reservation,
       &m->has_reservation},
      {u->kernel_memory, "kernel-memory", R "memory.kernel", &m->kernel, &m->has_kernel},
      {u->kernel_memory_tcp, "kernel-memory-tcp", R "memory.kernelTCP", &m->kernel_tcp,
       &m->has_kernel_tcp},
  };
  for (size_t i = 0; i < SK_ARRAY_SIZE(sizes); i++)
    if (sizes[i].val) {
      if (parse_size(sizes[i].val, sizes[i].flag, sizes[i].field, sizes[i].dst, err) < 0) return -1;
      *sizes[i].has = true;
    }
  const struct {
    const char *val, *flag, *field;
    void *dst;
    bool *has;
    bool is_signed;
    int width;
  } nums[] = {
      {u->cpu_quota, "cpu-quota", R "cpu.quota", &c->quota, &c->has_quota, true, 8},
      {u->cpu_period, "cpu-period", R "cpu.period", &c->period, &c->has_period, false, 8},
      {u->cpu_rt_period, "cpu-rt-period", R "cpu.realtimePeriod", &c->realtime_period,
       &c->has_realtime_period, false, 8},
      {u->cpu_rt_runtime, "cpu-rt-runtime", R "cpu.realtimeRuntime", &c->realtime_runtime,
       &c->has_realtime_runtime, true, 8},
      {u->cpu_shares, "cpu-shares", R "cpu.shares", &c->shares, &c->has_shares, false, 8},
      {u->pids_limit, "pids-limit", R "pids.limit", &p->limit, NULL, true, 8},
      {u->blkio_weight, "blkio-weight", R "blockIO.weight", &b->weight, &b->has_weight, false, 2},
  };
  for (size_t i = 0; i < SK_ARRAY_SIZE(nums); i++) {
    if (!nums[i].val) continue;
    uint64_t v = 0;
    if (parse_int(nums[i].val, nums[i].flag, nums[i].field, nums[i].is_signed, INT64_MIN,
                  nums[i].width == 2  ? UINT16_MAX
                  : nums[i].is_signed ? INT64_MAX
                                      : UINT64_MAX,
                  &v, err) < 0)
      return -1;
    if (nums[i].width == 2)
      *(uint16_t *)nums[i].dst = (uint16_t)v;
    else
      memcpy(nums[i].dst, &v, sizeof(v));
    if (nums[i].has) *nums[i].has = true;
  }
  if (u->cpuset_cpus) free(c->cpus), c->cpus = sk_xstrdup(u->cpuset_cpus);
  if (u->cpuset_mems) free(c->mems), c->mems = sk_xstrdup(u->cpuset_mems);
  return 0;
}

int sk_cmd_update(sk_cli *cli, int argc, char **argv, sk_error **err) {
  update_opts u = {0};
  const sk_option opts[] = {
      {"resources", 'r', SK_OPT_STRING, &u.resources, "FILE",
       "OCI LinuxResources JSON file, - for stdin"},
      {"memory", 0, SK_OPT_STRING, &u.memory, "BYTES", "memory limit (e.g. 512m)"},
      {"memory-swap", 0, SK_OPT_STRING, &u.memory_swap, "BYTES",
       "memory + swap limit, -1 = unlimited"},
      {"memory-reservation", 0, SK_OPT_STRING, &u.memory_reservation, "BYTES", "memory soft limit"},
      {"kernel-memory", 0, SK_OPT_STRING, &u.kernel_memory, "BYTES",
       "kernel memory limit (cgroup v1, deprecated)"},
      {"kernel-memory-tcp", 0, SK_OPT_STRING, &u.kernel_memory_tcp, "BYTES",
       "kernel TCP buffer limit (cgroup v1)"},
      {"cpu-quota", 0, SK_OPT_STRING, &u.cpu_quota, "US", "CPU CFS quota per period"},
      {"cpu-period", 0, SK_OPT_STRING, &u.cpu_period, "US", "CPU CFS period"},
      {"cpu-rt-period", 0, SK_OPT_STRING, &u.cpu_rt_period, "US", "CPU realtime period"},
      {"cpu-rt-runtime", 0, SK_OPT_STRING, &u.cpu_rt_runtime, "US",
       "CPU realtime runtime per period"},
      {"cpu-shares", 0, SK_OPT_STRING, &u.cpu_shares, "N", "CPU shares (relative weight)"},
      {"cpuset-cpus", 0, SK_OPT_STRING, &u.cpuset_cpus, "LIST", "CPUs allowed (e.g. 0-3,5)"},
      {"cpuset-mems", 0, SK_OPT_STRING, &u.cpuset_mems, "LIST", "memory nodes allowed"},
      {"pids-limit", 0, SK_OPT_STRING, &u.pids_limit, "N", "maximum number of processes"},
      {"blkio-weight", 0, SK_OPT_STRING, &u.blkio_weight, "N", "block IO weight (10-1000)"},
      {"l3-cache-schema", 0, SK_OPT_STRING, &u.l3_cache_schema, "SCHEMA",
       "Intel RDT L3 cache schema"},
      {"mem-bw-schema", 0, SK_OPT_STRING, &u.mem_bw_schema, "SCHEMA",
       "Intel RDT memory bandwidth schema"},
  };
  const char *id = NULL;
  int r = SK_CLI_PARSE_ID(&sk_info_update, opts, argc, argv, &id, err);
  if (r != SK_OPTS_OK) return r < 0 ? -1 : 0;
  if (u.l3_cache_schema || u.mem_bw_schema)
    return sk_error_set(err, ENOTSUP, "linux.intelRdt",
                        "--%s: Intel RDT (resctrl) is not supported by skiff",
                        u.l3_cache_schema ? "l3-cache-schema" : "mem-bw-schema");
  _cleanup_oci_resources_ oci_resources *res = NULL;
  if (read_resources(u.resources, &res, err) < 0 || apply_flags(&u, res, err) < 0) return -1;
  return sk_container_update(&cli->g, id, res, err) < 0 ? -1 : 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* skiff update [options] <container-id> (not implemented yet) */
#include "commands.h"
#include "skiff/util.h"

const sk_cmd_info sk_info_update = {
    "update", "update the resource limits of a container", "[command options] <container-id>",
    "Update the resource limits of a running container, from an OCI LinuxResources JSON\n"
    "(--resources FILE, or - for stdin) or from the individual options."};

typedef struct update_opts {
  const char *resources, *memory, *memory_swap, *memory_reservation, *kernel_memory,
      *kernel_memory_tcp, *cpu_quota, *cpu_period, *cpu_rt_period, *cpu_rt_runtime, *cpu_shares,
      *cpuset_cpus, *cpuset_mems, *pids_limit, *blkio_weight, *l3_cache_schema, *mem_bw_schema;
} update_opts;

int sk_cmd_update(sk_cli *cli, int argc, char **argv, sk_error **err) {
  (void)cli;
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
  return sk_cli_not_implemented("update", err);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The schema of config.json (runtime-spec v1.3.0, schema/config-schema.json,
 * config-linux.json, defs.json, defs-linux.json) as field tables. Constraints
 * (types, enums, minimum/maximum, required) are the schema's; a few checks
 * the spec text states (absolute paths, rlimit/namespace uniqueness, rate
 * required) are added and marked so.
 */
#include <stddef.h>
#include <stdint.h>

#include "schema.h"

/* ---- enumerations ---------------------------------------------------------------------- */

const char *const OCI_NAMESPACE_TYPES[] = {"mount", "pid",    "network", "uts", "ipc",
                                           "user",  "cgroup", "time",    NULL};
const char *const OCI_ROOTFS_PROPAGATIONS[] = {"private", "shared", "slave", "unbindable", NULL};
const char *const OCI_SECCOMP_ACTIONS[] = {"SCMP_ACT_KILL",        "SCMP_ACT_KILL_PROCESS",
                                           "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",
                                           "SCMP_ACT_ERRNO",       "SCMP_ACT_TRACE",
                                           "SCMP_ACT_ALLOW",       "SCMP_ACT_LOG",
                                           "SCMP_ACT_NOTIFY",      NULL};
const char *const OCI_SECCOMP_OPERATORS[] = {"SCMP_CMP_NE",        "SCMP_CMP_LT", "SCMP_CMP_LE",
                                             "SCMP_CMP_EQ",        "SCMP_CMP_GE", "SCMP_CMP_GT",
                                             "SCMP_CMP_MASKED_EQ", NULL};
const char *const OCI_SECCOMP_ARCHES[] = {
    "SCMP_ARCH_X86",         "SCMP_ARCH_X86_64",      "SCMP_ARCH_X32",     "SCMP_ARCH_ARM",
    "SCMP_ARCH_AARCH64",     "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K",    "SCMP_ARCH_MIPS",
    "SCMP_ARCH_MIPS64",      "SCMP_ARCH_MIPS64N32",   "SCMP_ARCH_MIPSEL",  "SCMP_ARCH_MIPSEL64",
    "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",         "SCMP_ARCH_PPC64",   "SCMP_ARCH_PPC64LE",
    "SCMP_ARCH_S390",        "SCMP_ARCH_S390X",       "SCMP_ARCH_SH",      "SCMP_ARCH_SHEB",
    "SCMP_ARCH_PARISC",      "SCMP_ARCH_PARISC64",    "SCMP_ARCH_RISCV64", NULL};
const char *const OCI_SECCOMP_FLAGS[] = {"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
                                         "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
                                         "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", NULL};
const char *const OCI_SCHEDULER_POLICIES[] = {"SCHED_OTHER",    "SCHED_FIFO", "SCHED_RR",
                                              "SCHED_BATCH",    "SCHED_ISO",  "SCHED_IDLE",
                                              "SCHED_DEADLINE", NULL};
const char *const OCI_SCHEDULER_FLAGS[] = {"SCHED_FLAG_RESET_ON_FORK",  "SCHED_FLAG_RECLAIM",
                                           "SCHED_FLAG_DL_OVERRUN",     "SCHED_FLAG_KEEP_POLICY",
                                           "SCHED_FLAG_KEEP_PARAMS",    "SCHED_FLAG_UTIL_CLAMP_MIN",
                                           "SCHED_FLAG_UTIL_CLAMP_MAX", NULL};
const char *const OCI_IOPRIO_CLASSES[] = {"IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE",
                                          NULL};
const char *const OCI_MEMORY_POLICY_MODES[] = {
    "MPOL_DEFAULT",   "MPOL_BIND",           "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE",
    "MPOL_PREFERRED", "MPOL_PREFERRED_MANY", "MPOL_LOCAL",      NULL};
const char *const OCI_MEMORY_POLICY_FLAGS[] = {"MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES",
                                               "MPOL_F_STATIC_NODES", NULL};
const char *const OCI_PERSONALITY_DOMAINS[] = {"LINUX", "LINUX32", NULL};
static const char *const DEVICE_CGROUP_TYPES[] = {"a", "c", "b", NULL};

/* ---- field constructors ---------------------------------------------------------------- */

#define HAS(T, f) offsetof(T, has_##f)
#define NUM(k, T, f, kd, w, lo, hi, hoff, req)                                                     \
  {                                                                                                \
    .key = k, .kind = kd, .width = w, .min = lo, .max = hi, .off = offsetof(T, f),                 \
    .has_off = hoff, .required = req                                                               \
  }
/* optional integers (with has_<field>) */
#define I64(k, T, f) NUM(k, T, f, OCI_K_INT, 8, INT64_MIN, INT64_MAX, HAS(T, f), false)
#define I32(k, T, f) NUM(k, T, f, OCI_K_INT, 4, INT32_MIN, INT32_MAX, HAS(T, f), false)
#define U64(k, T, f) NUM(k, T, f, OCI_K_UINT, 8, 0, UINT64_MAX, HAS(T, f), false)
#define U32(k, T, f) NUM(k, T, f, OCI_K_UINT, 4, 0, UINT32_MAX, HAS(T, f), false)
#define U16(k, T, f) NUM(k, T, f, OCI_K_UINT, 2, 0, UINT16_MAX, HAS(T, f), false)
#define IRANGE(k, T, f, w, lo, hi) NUM(k, T, f, OCI_K_INT, w, lo, hi, HAS(T, f), false)
#define URANGE(k, T, f, w, hi) NUM(k, T, f, OCI_K_UINT, w, 0, hi, HAS(T, f), false)
/* required integers (no has_<field>) */
#define I64R(k, T, f) NUM(k, T, f, OCI_K_INT, 8, INT64_MIN, INT64_MAX, 0, true)
#define U64R(k, T, f) NUM(k, T, f, OCI_K_UINT, 8, 0, UINT64_MAX, 0, true)
#define U32R(k, T, f) NUM(k, T, f, OCI_K_UINT, 4, 0, UINT32_MAX, 0, true)
#define BOOL(k, T, f)                                                                              \
  { .key = k, .kind = OCI_K_BOOL, .off = offsetof(T, f), .has_off = HAS(T, f) }
#define BOOLR(k, T, f)                                                                             \
  { .key = k, .kind = OCI_K_BOOL, .off = offsetof(T, f), .required = true }
#define STR_(k, T, f, req, en, ck)                                                                 \
  {                                                                                                \
    .key = k, .kind = OCI_K_STRING, .off = offsetof(T, f), .required = req, .enums = en,           \
    .check = ck                                                                                    \
  }
#define STR(k, T, f) STR_(k, T, f, false, NULL, NULL)
#define STRR(k, T, f) STR_(k, T, f, true, NULL, NULL)
#define ENUM(k, T, f, en) STR_(k, T, f, false, en, NULL)
#define ENUMR(k, T, f, en) STR_(k, T, f, true, en, NULL)
#define CHECKED(k, T, f, ck) STR_(k, T, f, false, NULL, ck)
#define CHECKEDR(k, T, f, ck) STR_(k, T, f, true, NULL, ck)
#define LIST_(k, T, f, kd, sub, en, ck, mi)                                                        \
  {                                                                                                \
    .key = k, .kind = kd, .off = offsetof(T, f), .len_off = offsetof(T, f##_len), .type = sub,     \
    .enums = en, .check = ck, .min_items = mi                                                      \
  }
#define STRS(k, T, f) LIST_(k, T, f, OCI_K_STRINGS, NULL, NULL, NULL, 0)
#define ENUMS(k, T, f, en) LIST_(k, T, f, OCI_K_STRINGS, NULL, en, NULL, 0)
#define CHECKEDS(k, T, f, ck) LIST_(k, T, f, OCI_K_STRINGS, NULL, NULL, ck, 0)
#define U32S(k, T, f) LIST_(k, T, f, OCI_K_UINT32S, NULL, NULL, NULL, 0)
#define OBJS(k, T, f, sub) LIST_(k, T, f, OCI_K_OBJECTS, &sub, NULL, NULL, 0)
#define KV(k, T, f) LIST_(k, T, f, OCI_K_KV, NULL, NULL, NULL, 0)
#define OBJMAP(k, T, f, sub) LIST_(k, T, f, OCI_K_OBJMAP, &sub, NULL, NULL, 0)
#define OBJ(k, T, f, sub)                                                                          \
  { .key = k, .kind = OCI_K_OBJECT, .off = offsetof(T, f), .type = &sub }
#define TYPE(nm, T, tbl, fn)                                                                       \
  {                                                                                                \
    .name = nm, .size = sizeof(T), .fields = tbl, .nfields = sizeof(tbl) / sizeof(tbl[0]),         \
    .validate = fn                                                                                 \
  }

/* ---- common (defs.json) ---------------------------------------------------------------- */

static const oci_field id_mapping_fields[] = {
    U32R("containerID", oci_id_mapping, container_id),
    U32R("hostID", oci_id_mapping, host_id),
    U32R("size", oci_id_mapping, size),
};
static const oci_type id_mapping_type = TYPE("IDMapping", oci_id_mapping, id_mapping_fields, NULL);

static const oci_field mount_fields[] = {
    STRR("destination", oci_mount, destination),
    STR("source", oci_mount, source),
    STR("type", oci_mount, type),
    STRS("options", oci_mount, options),
    OBJS("uidMappings", oci_mount, uid_mappings, id_mapping_type),
    OBJS("gidMappings", oci_mount, gid_mappings, id_mapping_type),
};
static const oci_type mount_type = TYPE("Mount", oci_mount, mount_fields, NULL);

static const oci_field root_fields[] = {
    STRR("path", oci_root, path),
    BOOL("readonly", oci_root, readonly),
};
static const oci_type root_type = TYPE("root", oci_root, root_fields, NULL);

static const oci_field hook_fields[] = {
    /* spec text: path MUST be absolute */
    CHECKEDR("path", oci_hook, path, oci_check_absolute),
    STRS("args", oci_hook, args),
    STRS("env", oci_hook, env),
    IRANGE("timeout", oci_hook, timeout, 8, 1, INT64_MAX),
};
static const oci_type hook_type = TYPE("Hook", oci_hook, hook_fields, NULL);

static const oci_field hooks_fields[] = {
    OBJS("prestart", oci_hooks, prestart, hook_type),
    OBJS("createRuntime", oci_hooks, create_runtime, hook_type),
    OBJS("createContainer", oci_hooks, create_container, hook_type),
    OBJS("startContainer", oci_hooks, start_container, hook_type),
    OBJS("poststart", oci_hooks, poststart, hook_type),
    OBJS("poststop", oci_hooks, poststop, hook_type),
};
static const oci_type hooks_type = TYPE("hooks", oci_hooks, hooks_fields, NULL);

/* ---- process --------------------------------------------------------------------------- */

static const oci_field console_size_fields[] = {
    U64R("height", oci_console_size, height),
    U64R("width", oci_console_size, width),
};
static const oci_type console_size_type =
    TYPE("consoleSize", oci_console_size, console_size_fields, NULL);

static const oci_field user_fields[] = {
    U32("uid", oci_user, uid),           U32("gid", oci_user, gid),
    U32("umask", oci_user, umask),       U32S("additionalGids", oci_user, additional_gids),
    STR("username", oci_user, username),
};
static const oci_type user_type = TYPE("user", oci_user, user_fields, NULL);

static const oci_field rlimit_fields[] = {
    CHECKEDR("type", oci_rlimit, type, oci_check_rlimit),
    U64R("hard", oci_rlimit, hard),
    U64R("soft", oci_rlimit, soft),
};
static const oci_type rlimit_type = TYPE("rlimit", oci_rlimit, rlimit_fields, NULL);

static const oci_field capabilities_fields[] = {
    CHECKEDS("bounding", oci_capabilities, bounding, oci_check_capability),
    CHECKEDS("effective", oci_capabilities, effective, oci_check_capability),
    CHECKEDS("inheritable", oci_capabilities, inheritable, oci_check_capability),
    CHECKEDS("permitted", oci_capabilities, permitted, oci_check_capability),
    CHECKEDS("ambient", oci_capabilities, ambient, oci_check_capability),
};
static const oci_type capabilities_type =
    TYPE("capabilities", oci_capabilities, capabilities_fields, NULL);

static const oci_field scheduler_fields[] = {
    ENUMR("policy", oci_scheduler, policy, OCI_SCHEDULER_POLICIES),
    I32("nice", oci_scheduler, nice),
    I32("priority", oci_scheduler, priority),
    ENUMS("flags", oci_scheduler, flags, OCI_SCHEDULER_FLAGS),
    U64("runtime", oci_scheduler, runtime),
    U64("deadline", oci_scheduler, deadline),
    U64("period", oci_scheduler, period),
};
static const oci_type scheduler_type = TYPE("scheduler", oci_scheduler, scheduler_fields, NULL);

static const oci_field io_priority_fields[] = {
    ENUMR("class", oci_io_priority, class, OCI_IOPRIO_CLASSES),
    I32("priority", oci_io_priority, priority),
};
static const oci_type io_priority_type =
    TYPE("ioPriority", oci_io_priority, io_priority_fields, NULL);

static const oci_field exec_cpu_affinity_fields[] = {
    CHECKED("initial", oci_exec_cpu_affinity, initial, oci_check_cpu_list),
    CHECKED("final", oci_exec_cpu_affinity, final, oci_check_cpu_list),
};
static const oci_type exec_cpu_affinity_type =
    TYPE("execCPUAffinity", oci_exec_cpu_affinity, exec_cpu_affinity_fields, NULL);

static const oci_field process_fields[] = {
    BOOL("terminal", oci_process, terminal),
    OBJ("consoleSize", oci_process, console_size, console_size_type),
    OBJ("user", oci_process, user, user_type),
    /* spec text: cwd MUST be absolute */
    CHECKEDR("cwd", oci_process, cwd, oci_check_absolute),
    STRS("env", oci_process, env),
    STRS("args", oci_process, args),
    STR("commandLine", oci_process, command_line),
    OBJS("rlimits", oci_process, rlimits, rlimit_type),
    STR("apparmorProfile", oci_process, apparmor_profile),
    OBJ("capabilities", oci_process, capabilities, capabilities_type),
    BOOL("noNewPrivileges", oci_process, no_new_privileges),
    /* spec text: oomScoreAdj is in the kernel's range */
    IRANGE("oomScoreAdj", oci_process, oom_score_adj, 4, -1000, 1000),
    OBJ("scheduler", oci_process, scheduler, scheduler_type),
    STR("selinuxLabel", oci_process, selinux_label),
    OBJ("ioPriority", oci_process, io_priority, io_priority_type),
    OBJ("execCPUAffinity", oci_process, exec_cpu_affinity, exec_cpu_affinity_type),
};
const oci_type oci_process_type =
    TYPE("process", oci_process, process_fields, oci_validate_process);

/* ---- linux ----------------------------------------------------------------------------- */

static const oci_field namespace_fields[] = {
    ENUMR("type", oci_namespace, type, OCI_NAMESPACE_TYPES),
    /* spec text: path MUST be absolute */
    CHECKED("path", oci_namespace, path, oci_check_absolute),
};
static const oci_type namespace_type = TYPE("namespace", oci_namespace, namespace_fields, NULL);

static const oci_field time_offset_fields[] = {
    I64("secs", oci_time_offset, secs),
    U32("nanosecs", oci_time_offset, nanosecs),
};
static const oci_type time_offset_type =
    TYPE("timeOffset", oci_time_offset, time_offset_fields, NULL);

static const oci_field time_offsets_fields[] = {
    OBJ("boottime", oci_time_offsets, boottime, time_offset_type),
    OBJ("monotonic", oci_time_offsets, monotonic, time_offset_type),
};
static const oci_type time_offsets_type =
    TYPE("timeOffsets", oci_time_offsets, time_offsets_fields, NULL);

static const oci_field device_fields[] = {
    CHECKEDR("type", oci_device, type, oci_check_device_type),
    STRR("path", oci_device, path),
    I64("major", oci_device, major),
    I64("minor", oci_device, minor),
    URANGE("fileMode", oci_device, file_mode, 4, 0777),
    U32("uid", oci_device, uid),
    U32("gid", oci_device, gid),
};
static const oci_type device_type = TYPE("Device", oci_device, device_fields, NULL);

static const oci_field net_device_fields[] = {
    STR("name", oci_net_device, name),
};
static const oci_type net_device_type = TYPE("NetDevice", oci_net_device, net_device_fields, NULL);

static const oci_field device_cgroup_fields[] = {
    BOOLR("allow", oci_device_cgroup, allow),
    ENUM("type", oci_device_cgroup, type, DEVICE_CGROUP_TYPES),
    I64("major", oci_device_cgroup, major),
    I64("minor", oci_device_cgroup, minor),
    CHECKED("access", oci_device_cgroup, access, oci_check_cgroup_access),
};
static const oci_type device_cgroup_type =
    TYPE("DeviceCgroup", oci_device_cgroup, device_cgroup_fields, NULL);

static const oci_field memory_fields[] = {
    I64("limit", oci_memory, limit),
    I64("reservation", oci_memory, reservation),
    I64("swap", oci_memory, swap),
    I64("kernel", oci_memory, kernel),
    I64("kernelTCP", oci_memory, kernel_tcp),
    U64("swappiness", oci_memory, swappiness),
    BOOL("disableOOMKiller", oci_memory, disable_oom_killer),
    BOOL("useHierarchy", oci_memory, use_hierarchy),
    BOOL("checkBeforeUpdate", oci_memory, check_before_update),
};
static const oci_type memory_type = TYPE("memory", oci_memory, memory_fields, NULL);

static const oci_field cpu_fields[] = {
    U64("shares", oci_cpu, shares),
    I64("quota", oci_cpu, quota),
    U64("burst", oci_cpu, burst),
    U64("period", oci_cpu, period),
    I64("realtimeRuntime", oci_cpu, realtime_runtime),
    U64("realtimePeriod", oci_cpu, realtime_period),
    STR("cpus", oci_cpu, cpus),
    STR("mems", oci_cpu, mems),
    I64("idle", oci_cpu, idle),
};
static const oci_type cpu_type = TYPE("cpu", oci_cpu, cpu_fields, NULL);

static const oci_field pids_fields[] = {
    I64R("limit", oci_pids, limit),
};
static const oci_type pids_type = TYPE("pids", oci_pids, pids_fields, NULL);

static const oci_field weight_device_fields[] = {
    I64R("major", oci_weight_device, major),
    I64R("minor", oci_weight_device, minor),
    U16("weight", oci_weight_device, weight),
    U16("leafWeight", oci_weight_device, leaf_weight),
};
static const oci_type weight_device_type =
    TYPE("blockIODeviceWeight", oci_weight_device, weight_device_fields, NULL);

static const oci_field throttle_device_fields[] = {
    I64R("major", oci_throttle_device, major), I64R("minor", oci_throttle_device, minor),
    U64R("rate", oci_throttle_device, rate), /* spec text: REQUIRED */
};
static const oci_type throttle_device_type =
    TYPE("blockIODeviceThrottle", oci_throttle_device, throttle_device_fields, NULL);

static const oci_field block_io_fields[] = {
    U16("weight", oci_block_io, weight),
    U16("leafWeight", oci_block_io, leaf_weight),
    OBJS("weightDevice", oci_block_io, weight_device, weight_device_type),
    OBJS("throttleReadBpsDevice", oci_block_io, throttle_read_bps_device, throttle_device_type),
    OBJS("throttleWriteBpsDevice", oci_block_io, throttle_write_bps_device, throttle_device_type),
    OBJS("throttleReadIOPSDevice", oci_block_io, throttle_read_iops_device, throttle_device_type),
    OBJS("throttleWriteIOPSDevice", oci_block_io, throttle_write_iops_device, throttle_device_type),
};
static const oci_type block_io_type = TYPE("blockIO", oci_block_io, block_io_fields, NULL);

static const oci_field hugepage_limit_fields[] = {
    CHECKEDR("pageSize", oci_hugepage_limit, page_size, oci_check_page_size),
    U64R("limit", oci_hugepage_limit, limit),
};
static const oci_type hugepage_limit_type =
    TYPE("hugepageLimit", oci_hugepage_limit, hugepage_limit_fields, NULL);

static const oci_field interface_priority_fields[] = {
    STRR("name", oci_interface_priority, name),
    U32R("priority", oci_interface_priority, priority),
};
static const oci_type interface_priority_type =
    TYPE("NetworkInterfacePriority", oci_interface_priority, interface_priority_fields, NULL);

static const oci_field network_fields[] = {
    U32("classID", oci_network, class_id),
    OBJS("priorities", oci_network, priorities, interface_priority_type),
};
static const oci_type network_type = TYPE("network", oci_network, network_fields, NULL);

static const oci_field rdma_fields[] = {
    U32("hcaHandles", oci_rdma, hca_handles),
    U32("hcaObjects", oci_rdma, hca_objects),
};
static const oci_type rdma_type = TYPE("Rdma", oci_rdma, rdma_fields, NULL);

static const oci_field resources_fields[] = {
    OBJS("devices", oci_resources, devices, device_cgroup_type),
    OBJ("memory", oci_resources, memory, memory_type),
    OBJ("cpu", oci_resources, cpu, cpu_type),
    OBJ("pids", oci_resources, pids, pids_type),
    OBJ("blockIO", oci_resources, block_io, block_io_type),
    OBJS("hugepageLimits", oci_resources, hugepage_limits, hugepage_limit_type),
    OBJ("network", oci_resources, network, network_type),
    OBJMAP("rdma", oci_resources, rdma, rdma_type),
    KV("unified", oci_resources, unified),
};
static const oci_type resources_type = TYPE("resources", oci_resources, resources_fields, NULL);
const oci_type *const oci_resources_type = &resources_type;

static const oci_field intel_rdt_fields[] = {
    STR("closID", oci_intel_rdt, clos_id),
    STRS("schemata", oci_intel_rdt, schemata),
    STR("l3CacheSchema", oci_intel_rdt, l3_cache_schema),
    CHECKED("memBwSchema", oci_intel_rdt, mem_bw_schema, oci_check_mem_bw),
    BOOL("enableMonitoring", oci_intel_rdt, enable_monitoring),
};
static const oci_type intel_rdt_type = TYPE("intelRdt", oci_intel_rdt, intel_rdt_fields, NULL);

static const oci_field memory_policy_fields[] = {
    ENUM("mode", oci_memory_policy, mode, OCI_MEMORY_POLICY_MODES),
    STR("nodes", oci_memory_policy, nodes),
    ENUMS("flags", oci_memory_policy, flags, OCI_MEMORY_POLICY_FLAGS),
};
static const oci_type memory_policy_type =
    TYPE("memoryPolicy", oci_memory_policy, memory_policy_fields, NULL);

static const oci_field seccomp_arg_fields[] = {
    U32R("index", oci_seccomp_arg, index),
    U64R("value", oci_seccomp_arg, value),
    U64("valueTwo", oci_seccomp_arg, value_two),
    ENUMR("op", oci_seccomp_arg, op, OCI_SECCOMP_OPERATORS),
};
static const oci_type seccomp_arg_type =
    TYPE("SyscallArg", oci_seccomp_arg, seccomp_arg_fields, NULL);

static const oci_field syscall_fields[] = {
    {.key = "names",
     .kind = OCI_K_STRINGS,
     .required = true,
     .off = offsetof(oci_syscall, names),
     .len_off = offsetof(oci_syscall, names_len),
     .min_items = 1},
    ENUMR("action", oci_syscall, action, OCI_SECCOMP_ACTIONS),
    U32("errnoRet", oci_syscall, errno_ret),
    OBJS("args", oci_syscall, args, seccomp_arg_type),
};
static const oci_type syscall_type = TYPE("Syscall", oci_syscall, syscall_fields, NULL);

static const oci_field seccomp_fields[] = {
    ENUMR("defaultAction", oci_seccomp, default_action, OCI_SECCOMP_ACTIONS),
    U32("defaultErrnoRet", oci_seccomp, default_errno_ret),
    ENUMS("architectures", oci_seccomp, architectures, OCI_SECCOMP_ARCHES),
    ENUMS("flags", oci_seccomp, flags, OCI_SECCOMP_FLAGS),
    STR("listenerPath", oci_seccomp, listener_path),
    STR("listenerMetadata", oci_seccomp, listener_metadata),
    OBJS("syscalls", oci_seccomp, syscalls, syscall_type),
};
static const oci_type seccomp_type = TYPE("seccomp", oci_seccomp, seccomp_fields, NULL);

static const oci_field personality_fields[] = {
    ENUM("domain", oci_personality, domain, OCI_PERSONALITY_DOMAINS),
    STRS("flags", oci_personality, flags),
};
static const oci_type personality_type =
    TYPE("personality", oci_personality, personality_fields, NULL);

static const oci_field linux_fields[] = {
    OBJS("namespaces", oci_linux, namespaces, namespace_type),
    OBJS("uidMappings", oci_linux, uid_mappings, id_mapping_type),
    OBJS("gidMappings", oci_linux, gid_mappings, id_mapping_type),
    OBJ("timeOffsets", oci_linux, time_offsets, time_offsets_type),
    OBJS("devices", oci_linux, devices, device_type),
    OBJMAP("netDevices", oci_linux, net_devices, net_device_type),
    STR("cgroupsPath", oci_linux, cgroups_path),
    OBJ("resources", oci_linux, resources, resources_type),
    ENUM("rootfsPropagation", oci_linux, rootfs_propagation, OCI_ROOTFS_PROPAGATIONS),
    OBJ("seccomp", oci_linux, seccomp, seccomp_type),
    KV("sysctl", oci_linux, sysctl),
    /* spec text: masked and readonly paths MUST be absolute */
    CHECKEDS("maskedPaths", oci_linux, masked_paths, oci_check_absolute),
    CHECKEDS("readonlyPaths", oci_linux, readonly_paths, oci_check_absolute),
    STR("mountLabel", oci_linux, mount_label),
    OBJ("intelRdt", oci_linux, intel_rdt, intel_rdt_type),
    OBJ("memoryPolicy", oci_linux, memory_policy, memory_policy_type),
    OBJ("personality", oci_linux, personality, personality_type),
};
static const oci_type linux_type = TYPE("linux", oci_linux, linux_fields, oci_validate_linux);

/* ---- config ---------------------------------------------------------------------------- */

static const oci_field config_fields[] = {
    CHECKEDR("ociVersion", oci_config, oci_version, oci_check_version),
    OBJ("root", oci_config, root, root_type),
    OBJS("mounts", oci_config, mounts, mount_type),
    OBJ("process", oci_config, process, oci_process_type),
    STR("hostname", oci_config, hostname),
    STR("domainname", oci_config, domainname),
    OBJ("hooks", oci_config, hooks, hooks_type),
    KV("annotations", oci_config, annotations),
    OBJ("linux", oci_config, linux, linux_type),
};
const oci_type oci_config_type = TYPE("config", oci_config, config_fields, NULL);

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The C model of config.json (OCI runtime-spec v1.3.0, Linux platform), and
 * the parser / encoder / validator of it.
 *
 * Conventions (every consumer relies on them):
 * - Field names are the JSON keys in snake_case (rootfsPropagation -> rootfs_propagation).
 * - Arrays of objects: `T *xs; size_t xs_len;` (structs by value). String arrays:
 *   `char **xs; size_t xs_len;`, also NULL-terminated.
 * - Maps of strings (annotations, sysctl, unified): `oci_kv *xs; size_t xs_len;`.
 *   Maps of objects (netDevices, rdma): array of structs whose first member
 *   `char *key` is the map key.
 * - An absent array or map is NULL; a present one (even empty `[]`) is non-NULL.
 * - Optional scalars (numbers and booleans) have a companion `bool has_<field>`;
 *   required scalars have none. Optional objects are pointers, NULL when absent.
 *   Optional strings are NULL when absent.
 * - Enumerated values (namespace type, seccomp action, ...) are kept as the
 *   JSON strings; after a successful parse they are guaranteed to be one of
 *   the values the spec lists (see the OCI_* value lists below).
 * - A successfully parsed config is validated: every type, range, enum and
 *   required field of the schema holds (see oci_config_parse).
 *
 * Non-Linux platform objects (solaris, windows, vm, zos, freebsd) are accepted
 * and ignored, like any unknown field.
 */
#ifndef SKIFF_OCI_H
#define SKIFF_OCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "skiff/error.h"

/* GNU C predefines `linux` as 1; the config model has a field of that name. */
#ifdef linux
#undef linux
#endif

typedef struct {
  char *key;
  char *value;
} oci_kv;

/* ---- common ---------------------------------------------------------------------------- */

typedef struct {
  uint32_t container_id; /* containerID, required */
  uint32_t host_id;      /* hostID, required */
  uint32_t size;         /* required */
} oci_id_mapping;

typedef struct {
  char *destination; /* required */
  char *source;
  char *type;
  char **options;
  size_t options_len;
  oci_id_mapping *uid_mappings;
  size_t uid_mappings_len;
  oci_id_mapping *gid_mappings;
  size_t gid_mappings_len;
} oci_mount;

typedef struct {
  char *path; /* required */
  bool readonly;
  bool has_readonly;
} oci_root;

/* ---- process --------------------------------------------------------------------------- */

typedef struct {
  uint64_t height; /* required */
  uint64_t width;  /* required */
} oci_console_size;

typedef struct {
  uint32_t uid; /* 0 when absent */
  bool has_uid;
  uint32_t gid; /* 0 when absent */
  bool has_gid;
  uint32_t umask;
  bool has_umask;
  uint32_t *additional_gids;
  size_t additional_gids_len;
  char *username;
} oci_user;

typedef struct {
  char *type;    /* required, "RLIMIT_[A-Z]+" */
  uint64_t hard; /* required */
  uint64_t soft; /* required */
} oci_rlimit;

typedef struct {
  char **bounding; /* each "CAP_[A-Z0-9_]+" */
  size_t bounding_len;
  char **effective;
  size_t effective_len;
  char **inheritable;
  size_t inheritable_len;
  char **permitted;
  size_t permitted_len;
  char **ambient;
  size_t ambient_len;
} oci_capabilities;

typedef struct {
  char *policy; /* required, one of OCI_SCHEDULER_POLICIES */
  int32_t nice;
  bool has_nice;
  int32_t priority;
  bool has_priority;
  char **flags; /* each one of OCI_SCHEDULER_FLAGS */
  size_t flags_len;
  uint64_t runtime;
  bool has_runtime;
  uint64_t deadline;
  bool has_deadline;
  uint64_t period;
  bool has_period;
} oci_scheduler;

typedef struct {
  char *class; /* required, one of OCI_IOPRIO_CLASSES */
  int32_t priority;
  bool has_priority;
} oci_io_priority;

typedef struct {
  char *initial; /* cpu list, "^[0-9, -]*$" */
  char *final;
} oci_exec_cpu_affinity;

typedef struct {
  bool terminal;
  bool has_terminal;
  oci_console_size *console_size;
  oci_user *user;
  char *cwd; /* required */
  char **env;
  size_t env_len;
  char **args; /* required (non-empty) unless command_line */
  size_t args_len;
  char *command_line;
  oci_rlimit *rlimits;
  size_t rlimits_len;
  char *apparmor_profile;
  oci_capabilities *capabilities;
  bool no_new_privileges;
  bool has_no_new_privileges;
  int32_t oom_score_adj; /* -1000..1000 */
  bool has_oom_score_adj;
  oci_scheduler *scheduler;
  char *selinux_label;
  oci_io_priority *io_priority;
  oci_exec_cpu_affinity *exec_cpu_affinity;
} oci_process;

/* ---- hooks ----------------------------------------------------------------------------- */

typedef struct {
  char *path; /* required */
  char **args;
  size_t args_len;
  char **env;
  size_t env_len;
  int64_t timeout; /* seconds, >= 1 */
  bool has_timeout;
} oci_hook;

typedef struct {
  oci_hook *prestart; /* deprecated */
  size_t prestart_len;
  oci_hook *create_runtime;
  size_t create_runtime_len;
  oci_hook *create_container;
  size_t create_container_len;
  oci_hook *start_container;
  size_t start_container_len;
  oci_hook *poststart;
  size_t poststart_len;
  oci_hook *poststop;
  size_t poststop_len;
} oci_hooks;

/* ---- linux ----------------------------------------------------------------------------- */

typedef struct {
  char *type; /* required, one of OCI_NAMESPACE_TYPES; unique in the array */
  char *path;
} oci_namespace;

typedef struct {
  int64_t secs;
  bool has_secs;
  uint32_t nanosecs;
  bool has_nanosecs;
} oci_time_offset;

typedef struct {
  oci_time_offset *boottime;
  oci_time_offset *monotonic;
} oci_time_offsets;

typedef struct {
  char *type; /* required, one of "c" "b" "u" "p" */
  char *path; /* required */
  int64_t major;
  bool has_major;
  int64_t minor;
  bool has_minor;
  uint32_t file_mode; /* 0..0777 */
  bool has_file_mode;
  uint32_t uid;
  bool has_uid;
  uint32_t gid;
  bool has_gid;
} oci_device;

typedef struct {
  char *key;  /* the interface name on the host (map key) */
  char *name; /* the name in the container, NULL = same */
} oci_net_device;

typedef struct {
  bool allow; /* required */
  char *type; /* "a" "c" "b", NULL = all */
  int64_t major;
  bool has_major;
  int64_t minor;
  bool has_minor;
  char *access; /* "rwm" subset */
} oci_device_cgroup;

typedef struct {
  int64_t limit;
  bool has_limit;
  int64_t reservation;
  bool has_reservation;
  int64_t swap;
  bool has_swap;
  int64_t kernel;
  bool has_kernel;
  int64_t kernel_tcp; /* kernelTCP */
  bool has_kernel_tcp;
  uint64_t swappiness;
  bool has_swappiness;
  bool disable_oom_killer; /* disableOOMKiller */
  bool has_disable_oom_killer;
  bool use_hierarchy;
  bool has_use_hierarchy;
  bool check_before_update;
  bool has_check_before_update;
} oci_memory;

typedef struct {
  uint64_t shares;
  bool has_shares;
  int64_t quota;
  bool has_quota;
  uint64_t burst;
  bool has_burst;
  uint64_t period;
  bool has_period;
  int64_t realtime_runtime;
  bool has_realtime_runtime;
  uint64_t realtime_period;
  bool has_realtime_period;
  char *cpus;
  char *mems;
  int64_t idle;
  bool has_idle;
} oci_cpu;

typedef struct {
  int64_t limit; /* required */
} oci_pids;

typedef struct {
  int64_t major; /* required */
  int64_t minor; /* required */
  uint16_t weight;
  bool has_weight;
  uint16_t leaf_weight;
  bool has_leaf_weight;
} oci_weight_device;

typedef struct {
  int64_t major; /* required */
  int64_t minor; /* required */
  uint64_t rate; /* required (the spec text requires it; the schema does not) */
} oci_throttle_device;

typedef struct {
  uint16_t weight;
  bool has_weight;
  uint16_t leaf_weight;
  bool has_leaf_weight;
  oci_weight_device *weight_device;
  size_t weight_device_len;
  oci_throttle_device *throttle_read_bps_device;
  size_t throttle_read_bps_device_len;
  oci_throttle_device *throttle_write_bps_device;
  size_t throttle_write_bps_device_len;
  oci_throttle_device *throttle_read_iops_device; /* throttleReadIOPSDevice */
  size_t throttle_read_iops_device_len;
  oci_throttle_device *throttle_write_iops_device;
  size_t throttle_write_iops_device_len;
} oci_block_io;

typedef struct {
  char *page_size; /* required, "^[1-9][0-9]*[KMG]B$" */
  uint64_t limit;  /* required */
} oci_hugepage_limit;

typedef struct {
  char *name;        /* required */
  uint32_t priority; /* required */
} oci_interface_priority;

typedef struct {
  uint32_t class_id; /* classID */
  bool has_class_id;
  oci_interface_priority *priorities;
  size_t priorities_len;
} oci_network;

typedef struct {
  char *key; /* the device name (map key) */
  uint32_t hca_handles;
  bool has_hca_handles;
  uint32_t hca_objects;
  bool has_hca_objects;
} oci_rdma;

typedef struct {
  oci_device_cgroup *devices;
  size_t devices_len;
  oci_memory *memory;
  oci_cpu *cpu;
  oci_pids *pids;
  oci_block_io *block_io; /* blockIO */
  oci_hugepage_limit *hugepage_limits;
  size_t hugepage_limits_len;
  oci_network *network;
  oci_rdma *rdma;
  size_t rdma_len;
  oci_kv *unified;
  size_t unified_len;
} oci_resources;

typedef struct {
  char *clos_id; /* closID */
  char **schemata;
  size_t schemata_len;
  char *l3_cache_schema;
  char *mem_bw_schema; /* "^MB:[^\n]*$" */
  bool enable_monitoring;
  bool has_enable_monitoring;
} oci_intel_rdt;

typedef struct {
  char *mode; /* one of OCI_MEMORY_POLICY_MODES */
  char *nodes;
  char **flags; /* each one of OCI_MEMORY_POLICY_FLAGS */
  size_t flags_len;
} oci_memory_policy;

typedef struct {
  uint32_t index; /* required */
  uint64_t value; /* required */
  uint64_t value_two;
  bool has_value_two;
  char *op; /* required, one of OCI_SECCOMP_OPERATORS */
} oci_seccomp_arg;

typedef struct {
  char **names; /* required, at least one */
  size_t names_len;
  char *action; /* required, one of OCI_SECCOMP_ACTIONS */
  uint32_t errno_ret;
  bool has_errno_ret;
  oci_seccomp_arg *args;
  size_t args_len;
} oci_syscall;

typedef struct {
  char *default_action; /* required, one of OCI_SECCOMP_ACTIONS */
  uint32_t default_errno_ret;
  bool has_default_errno_ret;
  char **architectures; /* each one of OCI_SECCOMP_ARCHES */
  size_t architectures_len;
  char **flags; /* each one of OCI_SECCOMP_FLAGS */
  size_t flags_len;
  char *listener_path;
  char *listener_metadata;
  oci_syscall *syscalls;
  size_t syscalls_len;
} oci_seccomp;

typedef struct {
  char *domain; /* "LINUX" or "LINUX32" */
  char **flags;
  size_t flags_len;
} oci_personality;

typedef struct {
  oci_namespace *namespaces;
  size_t namespaces_len;
  oci_id_mapping *uid_mappings;
  size_t uid_mappings_len;
  oci_id_mapping *gid_mappings;
  size_t gid_mappings_len;
  oci_time_offsets *time_offsets;
  oci_device *devices;
  size_t devices_len;
  oci_net_device *net_devices;
  size_t net_devices_len;
  char *cgroups_path;
  oci_resources *resources;
  char *rootfs_propagation; /* one of private shared slave unbindable */
  oci_seccomp *seccomp;
  oci_kv *sysctl;
  size_t sysctl_len;
  char **masked_paths;
  size_t masked_paths_len;
  char **readonly_paths;
  size_t readonly_paths_len;
  char *mount_label;
  oci_intel_rdt *intel_rdt;
  oci_memory_policy *memory_policy;
  oci_personality *personality;
} oci_linux;

/* ---- config ---------------------------------------------------------------------------- */

typedef struct {
  char *oci_version; /* required, "1.x.y" */
  oci_root *root;    /* required for Linux configs */
  oci_mount *mounts;
  size_t mounts_len;
  oci_process *process;
  char *hostname;
  char *domainname;
  oci_hooks *hooks;
  oci_kv *annotations;
  size_t annotations_len;
  oci_linux *linux;
} oci_config;

/* ---- enumerations of the spec (NULL-terminated lists) ---------------------------------- */

extern const char *const OCI_NAMESPACE_TYPES[];
extern const char *const OCI_ROOTFS_PROPAGATIONS[];
extern const char *const OCI_SECCOMP_ACTIONS[];
extern const char *const OCI_SECCOMP_OPERATORS[];
extern const char *const OCI_SECCOMP_ARCHES[];
extern const char *const OCI_SECCOMP_FLAGS[];
extern const char *const OCI_SCHEDULER_POLICIES[];
extern const char *const OCI_SCHEDULER_FLAGS[];
extern const char *const OCI_IOPRIO_CLASSES[];
extern const char *const OCI_MEMORY_POLICY_MODES[];
extern const char *const OCI_MEMORY_POLICY_FLAGS[];
extern const char *const OCI_PERSONALITY_DOMAINS[];

/* ---- entry points ---------------------------------------------------------------------- */

/* Largest config.json / process.json accepted (bytes). */
#define OCI_CONFIG_MAX_SIZE (64u * 1024 * 1024)

/*
 * Parse and validate a config. On failure *err holds one error per problem
 * found (syntax errors: one error whose message names line:column; otherwise
 * every type/range/enum/required problem, each with its JSON path in ->path,
 * e.g. "linux.namespaces[1].type"), and *out is untouched.
 */
int oci_config_parse(const char *json, size_t len, oci_config **out, sk_error **err);
int oci_config_load(const char *path, oci_config **out, sk_error **err);
void oci_config_free(oci_config *c);

/* The `process` object alone (exec --process), with the same rules as config.process. */
int oci_process_parse(const char *json, size_t len, oci_process **out, sk_error **err);
int oci_process_load(const char *path, oci_process **out, sk_error **err);
void oci_process_free(oci_process *p);

/* linux.resources alone (update --resources): the same rules as in a config; problems are
 * named by their path in a config ("linux.resources.memory.limit"). */
int oci_resources_parse(const char *json, size_t len, const char *what, oci_resources **out,
                        sk_error **err);
void oci_resources_free(oci_resources *r);
/* What src sets replaces dst's (scalars and strings one by one, objects field by field, arrays
 * and maps as a whole); what moves is taken out of src. */
void oci_resources_merge(oci_resources *dst, oci_resources *src);

/* Encode back to JSON (compact, only the fields that are present). Caller frees. */
char *oci_config_to_json(const oci_config *c);
char *oci_process_to_json(const oci_process *p);

/* Cleanup helpers. */
static inline void oci_config_freep(oci_config **c) {
  if (*c) oci_config_free(*c);
  *c = NULL;
}
static inline void oci_process_freep(oci_process **p) {
  if (*p) oci_process_free(*p);
  *p = NULL;
}
#define _cleanup_oci_config_ __attribute__((cleanup(oci_config_freep)))
#define _cleanup_oci_process_ __attribute__((cleanup(oci_process_freep)))
static inline void oci_resources_freep(oci_resources **r) {
  if (*r) oci_resources_free(*r);
  *r = NULL;
}
#define _cleanup_oci_resources_ __attribute__((cleanup(oci_resources_freep)))

/* Small lookups for consumers. */
/* true if s is in the NULL-terminated list. */
bool oci_str_in(const char *s, const char *const *list);
/* The namespace entry of that type, or NULL. */
const oci_namespace *oci_config_namespace(const oci_config *c, const char *type);

#endif

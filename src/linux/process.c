/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The process attributes other than user and capabilities (caps.c): session keyring,
 * oom_score_adj, rlimits, personality, I/O priority, scheduler, CPU affinity, LSM exec labels,
 * no_new_privs. Each applies to the calling process (the container init or a `skiff exec`
 * process, before it execs); init.c orders them.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "skiff/log.h"
#include "skiff/process.h"
#include "skiff/util.h"

int sk_proc_session_keyring(const char *id, bool no_new_keyring, sk_error **err) {
  if (no_new_keyring) return 0;
  if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, id) >= 0) return 0;
  if (errno == ENOSYS) {
    sk_debug("no keyrings in this kernel: the container keeps the caller's session keyring");
    return 0;
  }
  return sk_error_set(err, errno, NULL,
                      "join a new session keyring \"%s\" (keyctl); --no-new-keyring keeps the "
                      "caller's",
                      id);
}

/* Write a short string to a /proc file of this process. */
static int write_proc(const char *path, const char *s) {
  _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = write(fd, s, strlen(s));
  return n == (ssize_t)strlen(s) ? 0 : -1;
}

int sk_proc_oom_score_adj(const oci_process *p, sk_error **err) {
  if (!p->has_oom_score_adj) return 0;
  char buf[16];
  snprintf(buf, sizeof(buf), "%d", (int)p->oom_score_adj);
  if (write_proc("/proc/self/oom_score_adj", buf) < 0)
    return sk_error_set(err, errno, "process.oomScoreAdj",
                        "write %s to /proc/self/oom_score_adj%s", buf,
                        errno == EACCES ? " (lowering it needs CAP_SYS_RESOURCE)" : "");
  return 0;
}

static const struct {
  const char *name;
  int resource;
} rlimit_types[] = {
    {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_CORE", RLIMIT_CORE},
    {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_NPROC", RLIMIT_NPROC},
    {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_STACK", RLIMIT_STACK},
};

int sk_proc_rlimits(const oci_process *p, sk_error **err) {
  for (size_t i = 0; i < p->rlimits_len; i++) {
    const oci_rlimit *r = &p->rlimits[i];
    _cleanup_free_ char *at = sk_xasprintf("process.rlimits[%zu]", i);
    int res = -1;
    for (size_t k = 0; k < SK_ARRAY_SIZE(rlimit_types); k++)
      if (strcmp(rlimit_types[k].name, r->type) == 0) res = rlimit_types[k].resource;
    if (res < 0) return sk_error_set(err, EINVAL, at, "%s is not an rlimit type", r->type);
    if (r->soft > r->hard)
      return sk_error_set(err, EINVAL, at, "%s: the soft limit %llu is above the hard limit %llu",
                          r->type, (unsigned long long)r->soft, (unsigned long long)r->hard);
    struct rlimit l = {.rlim_cur = (rlim_t)r->soft, .rlim_max = (rlim_t)r->hard};
    if (setrlimit((__rlimit_resource_t)res, &l) < 0)
      return sk_error_set(err, errno, at, "setrlimit(%s, soft %llu, hard %llu)%s", r->type,
                          (unsigned long long)r->soft, (unsigned long long)r->hard,
                          errno == EPERM ? " (raising a hard limit needs CAP_SYS_RESOURCE)" : "");
  }
  return 0;
}

int sk_proc_personality(const oci_personality *pers, sk_error **err) {
  if (!pers) return 0;
  if (pers->flags_len)
    return sk_error_set(err, EINVAL, "linux.personality.flags[0]",
                        "\"%s\": the spec defines no personality flags", pers->flags[0]);
  unsigned long dom = pers->domain && strcmp(pers->domain, "LINUX32") == 0 ? PER_LINUX32 : PER_LINUX;
  if (personality(dom) < 0)
    return sk_error_set(err, errno, "linux.personality.domain", "personality(%s)",
                        pers->domain ? pers->domain : "LINUX");
  return 0;
}

/* linux/ioprio.h is not in every libc's kernel headers: the ABI values. */
#define SK_IOPRIO_WHO_PROCESS 1
#define SK_IOPRIO_CLASS_SHIFT 13

int sk_proc_io_priority(const oci_process *p, sk_error **err) {
  const oci_io_priority *io = p->io_priority;
  if (!io) return 0;
  int cls = strcmp(io->class, "IOPRIO_CLASS_RT") == 0   ? 1
            : strcmp(io->class, "IOPRIO_CLASS_BE") == 0 ? 2
            : strcmp(io->class, "IOPRIO_CLASS_IDLE") == 0
                ? 3
                : 0;
  if (!cls) return sk_error_set(err, EINVAL, "process.ioPriority.class", "unknown class %s", io->class);
  int prio = io->has_priority ? io->priority : 0;
  if (prio < 0 || prio > 7)
    return sk_error_set(err, EINVAL, "process.ioPriority.priority", "%d is not in 0..7", prio);
  if (syscall(SYS_ioprio_set, SK_IOPRIO_WHO_PROCESS, 0, cls << SK_IOPRIO_CLASS_SHIFT | prio) < 0)
    return sk_error_set(err, errno, "process.ioPriority", "ioprio_set(%s, %d)", io->class, prio);
  return 0;
}

/* struct sched_attr of sched_setattr(2), with the utilization clamps (SCHED_ATTR_SIZE_VER1). */
struct sk_sched_attr {
  uint32_t size;
  uint32_t sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime;
  uint64_t sched_deadline;
  uint64_t sched_period;
  uint32_t sched_util_min;
  uint32_t sched_util_max;
};

static const char *const sched_policies[] = {"SCHED_OTHER", "SCHED_FIFO", "SCHED_RR",
                                             "SCHED_BATCH", "SCHED_ISO",  "SCHED_IDLE",
                                             "SCHED_DEADLINE"}; /* by number */
static const char *const sched_flags[] = {
    "SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM",        "SCHED_FLAG_DL_OVERRUN",
    "SCHED_FLAG_KEEP_POLICY",   "SCHED_FLAG_KEEP_PARAMS",    "SCHED_FLAG_UTIL_CLAMP_MIN",
    "SCHED_FLAG_UTIL_CLAMP_MAX"}; /* by bit */

int sk_proc_scheduler(const oci_process *p, sk_error **err) {
  const oci_scheduler *s = p->scheduler;
  if (!s) return 0;
  struct sk_sched_attr a;
  memset(&a, 0, sizeof(a));
  a.size = sizeof(a);
  a.sched_policy = UINT32_MAX;
  for (uint32_t i = 0; i < SK_ARRAY_SIZE(sched_policies); i++)
    if (strcmp(s->policy, sched_policies[i]) == 0) a.sched_policy = i;
  if (a.sched_policy == UINT32_MAX)
    return sk_error_set(err, EINVAL, "process.scheduler.policy", "unknown policy %s", s->policy);
  for (size_t i = 0; i < s->flags_len; i++) {
    size_t bit = SK_ARRAY_SIZE(sched_flags);
    for (size_t k = 0; k < SK_ARRAY_SIZE(sched_flags); k++)
      if (strcmp(s->flags[i], sched_flags[k]) == 0) bit = k;
    if (bit == SK_ARRAY_SIZE(sched_flags))
      return sk_error_set(err, EINVAL, "process.scheduler.flags", "unknown flag %s", s->flags[i]);
    a.sched_flags |= UINT64_C(1) << bit;
  }
  a.sched_nice = s->has_nice ? s->nice : 0;
  a.sched_priority = s->has_priority ? (uint32_t)s->priority : 0;
  a.sched_runtime = s->has_runtime ? s->runtime : 0;
  a.sched_deadline = s->has_deadline ? s->deadline : 0;
  a.sched_period = s->has_period ? s->period : 0;
  if (syscall(SYS_sched_setattr, 0, &a, 0) < 0)
    return sk_error_set(err, errno, "process.scheduler", "sched_setattr(%s, nice %d, priority %u)",
                        s->policy, a.sched_nice, a.sched_priority);
  return 0;
}

/* "0-3, 7" into a cpu set; -1 when it isn't a list of CPUs this libc can name. */
static int parse_cpu_list(const char *list, cpu_set_t *set) {
  CPU_ZERO(set);
  const char *s = list;
  int n = 0;
  while (*s) {
    while (*s == ' ' || *s == ',')
      s++;
    if (!*s) break;
    char *end;
    unsigned long lo = strtoul(s, &end, 10), hi = lo;
    if (end == s) return -1;
    s = end;
    while (*s == ' ')
      s++;
    if (*s == '-') {
      s++;
      hi = strtoul(s, &end, 10);
      if (end == s) return -1;
      s = end;
    }
    if (hi < lo || hi >= CPU_SETSIZE) return -1;
    for (unsigned long c = lo; c <= hi; c++, n++)
      CPU_SET(c, set);
  }
  return n ? 0 : -1;
}

int sk_proc_cpu_affinity(const oci_process *p, bool final, sk_error **err) {
  const oci_exec_cpu_affinity *a = p->exec_cpu_affinity;
  const char *list = !a ? NULL : final ? a->final : a->initial;
  if (!list || !*list) return 0;
  const char *at = final ? "process.execCPUAffinity.final" : "process.execCPUAffinity.initial";
  cpu_set_t set;
  if (parse_cpu_list(list, &set) < 0)
    return sk_error_set(err, EINVAL, at, "\"%s\" is not a list of CPUs (0..%d)", list,
                        CPU_SETSIZE - 1);
  if (sched_setaffinity(0, sizeof(set), &set) < 0)
    return sk_error_set(err, errno, at, "sched_setaffinity(\"%s\")", list);
  return 0;
}

static bool apparmor_enabled(void) {
  char buf[4] = "";
  _cleanup_close_ int fd = open("/sys/module/apparmor/parameters/enabled", O_RDONLY | O_CLOEXEC);
  return fd >= 0 && read(fd, buf, 1) == 1 && buf[0] == 'Y';
}

static bool selinux_enabled(void) {
  struct stat st;
  return stat("/sys/fs/selinux/enforce", &st) == 0;
}

int sk_proc_lsm_labels(const oci_process *p, sk_error **err) {
  /* Both take effect at the next execve: the trampoline's, which then execs the program in the
   * same domain (the profile must allow that exec, as it allows any the program makes). */
  if (p->apparmor_profile && *p->apparmor_profile) {
    if (!apparmor_enabled())
      return sk_error_set(err, EINVAL, "process.apparmorProfile",
                          "\"%s\" asked but AppArmor is not enabled on this host",
                          p->apparmor_profile);
    _cleanup_free_ char *cmd = sk_xasprintf("exec %s", p->apparmor_profile);
    if (write_proc("/proc/self/attr/apparmor/exec", cmd) < 0 &&
        write_proc("/proc/self/attr/exec", cmd) < 0)
      return sk_error_set(err, errno, "process.apparmorProfile", "set the profile \"%s\"",
                          p->apparmor_profile);
  }
  if (p->selinux_label && *p->selinux_label) {
    if (!selinux_enabled())
      return sk_error_set(err, EINVAL, "process.selinuxLabel",
                          "\"%s\" asked but SELinux is not enabled on this host", p->selinux_label);
    if (write_proc("/proc/self/attr/exec", p->selinux_label) < 0)
      return sk_error_set(err, errno, "process.selinuxLabel", "set the label \"%s\"",
                          p->selinux_label);
  }
  return 0;
}

int sk_proc_no_new_privs(const oci_process *p, sk_error **err) {
  if (!p->no_new_privileges) return 0;
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return sk_error_set(err, errno, "process.noNewPrivileges", "prctl(PR_SET_NO_NEW_PRIVS)");
  return 0;
}

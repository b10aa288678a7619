/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.namespaces: which to create, which to join, uid/gid maps and time offsets. */
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "skiff/namespaces.h"
#include "skiff/oci.h"
#include "skiff/util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* Indexed by SK_NS_*; the order is the order namespaces are joined in (user first: joining the
 * others needs the capabilities the user namespace gives). */
static const struct {
  const char *type; /* spec name */
  const char *proc; /* /proc/PID/ns/ name */
  int flag;
} ns_table[SK_NS_COUNT] = {
    [SK_NS_USER] = {"user", "user", CLONE_NEWUSER},
    [SK_NS_MNT] = {"mount", "mnt", CLONE_NEWNS},
    [SK_NS_PID] = {"pid", "pid", CLONE_NEWPID},
    [SK_NS_NET] = {"network", "net", CLONE_NEWNET},
    [SK_NS_IPC] = {"ipc", "ipc", CLONE_NEWIPC},
    [SK_NS_UTS] = {"uts", "uts", CLONE_NEWUTS},
    [SK_NS_CGROUP] = {"cgroup", "cgroup", CLONE_NEWCGROUP},
    [SK_NS_TIME] = {"time", "time", CLONE_NEWTIME},
};

static int ns_index(const char *type) {
  for (int i = 0; i < SK_NS_COUNT; i++)
    if (strcmp(ns_table[i].type, type) == 0) return i;
  return -1;
}

int sk_ns_flag(const char *type) {
  int i = ns_index(type);
  return i < 0 ? 0 : ns_table[i].flag;
}

const char *sk_ns_type_name(int i) { return ns_table[i].type; }
const char *sk_ns_proc_name(int i) { return ns_table[i].proc; }

void sk_ns_plan_close(sk_ns_plan *plan) {
  for (int i = 0; i < SK_NS_COUNT; i++) {
    if (plan->join_fds[i] >= 0) close(plan->join_fds[i]);
    plan->join_fds[i] = -1;
  }
}

int sk_ns_plan_make(const oci_config *cfg, sk_ns_plan *plan, sk_error **err) {
  memset(plan, 0, sizeof(*plan));
  for (int i = 0; i < SK_NS_COUNT; i++) plan->join_fds[i] = -1;
  const oci_linux *lx = cfg->linux;
  if (!lx) return 0;
  char where[64];
  for (size_t n = 0; n < lx->namespaces_len; n++) {
    const oci_namespace *ns = &lx->namespaces[n];
    snprintf(where, sizeof(where), "linux.namespaces[%zu]", n);
    int i = ns_index(ns->type);
    if (i < 0)
      sk_error_set(err, EINVAL, where, "unknown namespace type \"%s\"", ns->type);
    else if ((plan->new_flags | plan->join_flags) & ns_table[i].flag)
      sk_error_set(err, EINVAL, where, "namespace \"%s\" is listed twice", ns->type);
    else if (ns->path && *ns->path) {
      int fd = open(ns->path, O_RDONLY | O_CLOEXEC);
      if (fd < 0) {
        sk_error_set(err, errno, where, "open namespace path %s", ns->path);
        continue;
      }
      plan->join_fds[i] = fd;
      plan->join_flags |= ns_table[i].flag;
      /* It must really be a namespace of that type: setns with the type checks it. */
      struct stat st;
      int type;
      if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (type = ioctl(fd, NS_GET_NSTYPE)) < 0) {
        sk_error_set(err, EINVAL, where, "%s is not a namespace file (expected /proc/PID/ns/%s)",
                     ns->path, ns_table[i].proc);
      } else if (type != ns_table[i].flag) {
        int k = 0;
        while (k < SK_NS_COUNT && ns_table[k].flag != type)
          k++;
        sk_error_set(err, EINVAL, where, "%s is a%s %s namespace, not a %s one", ns->path,
                     k < SK_NS_COUNT && ns_table[k].type[0] == 'i' ? "n" : "",
                     k < SK_NS_COUNT ? ns_table[k].type : "different", ns_table[i].type);
      }
    } else {
      plan->new_flags |= ns_table[i].flag;
    }
  }
  if (lx->time_offsets && !(plan->new_flags & CLONE_NEWTIME))
    sk_error_set(err, EINVAL, "linux.timeOffsets",
                 "time offsets need a new time namespace: add {\"type\": \"time\"} to linux.namespaces");
  plan->time_offsets = lx->time_offsets != NULL;
  if ((lx->uid_mappings_len || lx->gid_mappings_len) && !(plan->new_flags & CLONE_NEWUSER))
    sk_error_set(err, EINVAL, "linux.uidMappings",
                 "uid/gid mappings need a new user namespace: add {\"type\": \"user\"} to "
                 "linux.namespaces, or remove the mappings");
  if ((plan->new_flags & CLONE_NEWUSER) && (!lx->uid_mappings_len || !lx->gid_mappings_len))
    sk_error_set(err, EINVAL, "linux.uidMappings",
                 "a new user namespace needs linux.uidMappings and linux.gidMappings");
  if (*err) {
    sk_ns_plan_close(plan);
    return -1;
  }
  /*
   * One clone() creates every new namespace at once when nothing must be joined first. Joining
   * needs a first stage: it setns()es (user namespace first), unshare()s the new ones, and
   * forks the init, because a new or joined pid namespace, and a new time namespace with
   * offsets, only apply to children.
   */
  plan->two_stage = plan->join_flags != 0 || plan->time_offsets;
  return 0;
}

int sk_ns_join(const sk_ns_plan *plan, int mask, sk_error **err) {
  for (int i = 0; i < SK_NS_COUNT; i++) {
    if (plan->join_fds[i] < 0 || !(ns_table[i].flag & mask)) continue;
    if (setns(plan->join_fds[i], ns_table[i].flag) < 0)
      return sk_error_set(err, errno, "linux.namespaces", "join the %s namespace", ns_table[i].type);
  }
  return 0;
}

static int write_map(pid_t pid, const char *file, const oci_id_mapping *m, size_t n,
                     const char *path, sk_error **err) {
  char buf[4096];
  size_t len = 0;
  for (size_t i = 0; i < n; i++) {
    int w = snprintf(buf + len, sizeof(buf) - len, "%u %u %u\n", m[i].container_id, m[i].host_id,
                     m[i].size);
    if (w < 0 || (size_t)w >= sizeof(buf) - len)
      return sk_error_set(err, E2BIG, path, "too many mappings for %s", file);
    len += (size_t)w;
  }
  char proc[64];
  snprintf(proc, sizeof(proc), "/proc/%d/%s", pid, file);
  _cleanup_close_ int fd = open(proc, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return sk_error_set(err, errno, path, "open %s", proc);
  /* The kernel takes the whole map in one write(). */
  if (write(fd, buf, len) != (ssize_t)len)
    return sk_error_set(err, errno, path,
                        "write %s (mappings must not overlap, and the host ids must exist)", proc);
  return 0;
}

int sk_ns_write_id_maps(pid_t pid, const oci_config *cfg, sk_error **err) {
  const oci_linux *lx = cfg->linux;
  if (write_map(pid, "uid_map", lx->uid_mappings, lx->uid_mappings_len, "linux.uidMappings", err) < 0)
    return -1;
  return write_map(pid, "gid_map", lx->gid_mappings, lx->gid_mappings_len, "linux.gidMappings", err);
}

int sk_ns_write_time_offsets(const oci_config *cfg, sk_error **err) {
  const oci_time_offsets *t = cfg->linux->time_offsets;
  char buf[256];
  size_t len = 0;
  const struct {
    const char *name;
    const oci_time_offset *o;
  } clocks[] = {{"monotonic", t->monotonic}, {"boottime", t->boottime}};
  for (size_t i = 0; i < SK_ARRAY_SIZE(clocks); i++) {
    if (!clocks[i].o) continue;
    len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s %lld %u\n", clocks[i].name,
                            (long long)clocks[i].o->secs, clocks[i].o->nanosecs);
  }
  _cleanup_close_ int fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write(fd, buf, len) != (ssize_t)len)
    return sk_error_set(err, errno, "linux.timeOffsets", "write /proc/self/timens_offsets");
  return 0;
}

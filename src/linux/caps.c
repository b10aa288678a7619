/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * From root to the configured user and capabilities (process.user, process.capabilities).
 *
 * The order is what the kernel allows: the bounding set can only shrink while CAP_SETPCAP is
 * effective (so first); the uid change clears the permitted set unless PR_SET_KEEPCAPS is on,
 * and needs CAP_SETUID/CAP_SETGID (so keepcaps, then groups, gid, uid); the final sets are set
 * afterwards (effective was cleared by the uid change), and an ambient capability can only be
 * raised once it is both permitted and inheritable (so last).
 *
 * What survives the exec is the kernel's business, as with any exec: for uid 0 the new
 * permitted set is inheritable | bounding; for another uid only the ambient set (and what stays
 * inheritable). The trampoline's execve (exec.c) and the program's give the same result, since
 * neither file carries capabilities and the rules are idempotent.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "skiff/log.h"
#include "skiff/process.h"
#include "skiff/util.h"

/* Indexed by capability number (linux/capability.h). */
static const char *const cap_names[] = {
    "CAP_CHOWN",          "CAP_DAC_OVERRIDE",     "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",         "CAP_FSETID",           "CAP_KILL",
    "CAP_SETGID",         "CAP_SETUID",           "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",      "CAP_NET_RAW",          "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",      "CAP_SYS_MODULE",       "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",     "CAP_SYS_PTRACE",       "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",      "CAP_SYS_BOOT",         "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",   "CAP_SYS_TIME",         "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",          "CAP_LEASE",            "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",  "CAP_SETFCAP",          "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",      "CAP_SYSLOG",           "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",  "CAP_AUDIT_READ",       "CAP_PERFMON",
    "CAP_BPF",            "CAP_CHECKPOINT_RESTORE",
};

const char *sk_cap_name(unsigned int cap) {
  return cap < SK_ARRAY_SIZE(cap_names) ? cap_names[cap] : NULL;
}

int sk_cap_from_name(const char *name) {
  for (size_t i = 0; i < SK_ARRAY_SIZE(cap_names); i++)
    if (strcmp(cap_names[i], name) == 0) return (int)i;
  return -1;
}

/* The highest capability number the running kernel knows (it answers EINVAL past it). */
static unsigned int kernel_last_cap(void) {
  unsigned int n = 0;
  while (n < 63 && prctl(PR_CAPBSET_READ, n + 1, 0, 0, 0) >= 0)
    n++;
  return n;
}

enum { BND, EFF, INH, PRM, AMB, NSETS };
static const char *const set_names[NSETS] = {"bounding", "effective", "inheritable", "permitted",
                                             "ambient"};

static char **set_list(const oci_capabilities *c, int set, size_t *len) {
  switch (set) {
  case BND: *len = c->bounding_len; return c->bounding;
  case EFF: *len = c->effective_len; return c->effective;
  case INH: *len = c->inheritable_len; return c->inheritable;
  case PRM: *len = c->permitted_len; return c->permitted;
  default: *len = c->ambient_len; return c->ambient;
  }
}

/* One set of the config as a mask; names skiff or the kernel doesn't know are warnings. */
static uint64_t set_mask(const oci_capabilities *c, int set, unsigned int last) {
  size_t n;
  char **names = set_list(c, set, &n);
  uint64_t m = 0;
  for (size_t i = 0; i < n; i++) {
    int cap = sk_cap_from_name(names[i]);
    if (cap < 0 || (unsigned int)cap > last) {
      sk_warn("process.capabilities.%s[%zu]: %s is not a capability %s: ignored", set_names[set],
              i, names[i], cap < 0 ? "skiff knows" : "the running kernel knows");
      continue;
    }
    m |= UINT64_C(1) << cap;
  }
  return m;
}

/* want & avail; a warning for each capability of want that can't be granted. */
static uint64_t grantable(int set, uint64_t want, uint64_t avail, const char *why) {
  for (unsigned int cap = 0; cap < 64; cap++)
    if ((want & ~avail) >> cap & 1) {
      const char *name = sk_cap_name(cap);
      sk_warn("process.capabilities.%s: %s can't be granted (%s): left out", set_names[set],
              name ? name : "?", why);
    }
  return want & avail;
}

typedef struct {
  uint64_t eff, prm, inh;
} cap_sets;

static int caps_get(cap_sets *s) {
  struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
  struct __user_cap_data_struct d[2];
  memset(d, 0, sizeof(d));
  if (syscall(SYS_capget, &h, d) < 0) return -1;
  s->eff = d[0].effective | (uint64_t)d[1].effective << 32;
  s->prm = d[0].permitted | (uint64_t)d[1].permitted << 32;
  s->inh = d[0].inheritable | (uint64_t)d[1].inheritable << 32;
  return 0;
}

static int caps_set(const cap_sets *s) {
  struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
  struct __user_cap_data_struct d[2] = {
      {(uint32_t)s->eff, (uint32_t)s->prm, (uint32_t)s->inh},
      {(uint32_t)(s->eff >> 32), (uint32_t)(s->prm >> 32), (uint32_t)(s->inh >> 32)},
  };
  return (int)syscall(SYS_capset, &h, d);
}

static bool setgroups_denied(void) {
  _cleanup_close_ int fd = open("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);
  char buf[8] = "";
  return fd >= 0 && read(fd, buf, sizeof(buf) - 1) >= 4 && strncmp(buf, "deny", 4) == 0;
}

/* setgroups, setresgid, setresuid to process.user (uid/gid 0 when not given). */
static int switch_user(const oci_user *u, sk_error **err) {
  uid_t uid = u ? u->uid : 0;
  gid_t gid = u ? u->gid : 0;
  size_t ngroups = u ? u->additional_gids_len : 0;
  if (setgroups_denied()) {
    if (ngroups)
      sk_warn("process.user.additionalGids: setgroups is denied in this user namespace "
              "(/proc/self/setgroups): the groups are not set");
  } else if (setgroups(ngroups, ngroups ? (const gid_t *)u->additional_gids : NULL) < 0) {
    return sk_error_set(err, errno, "process.user.additionalGids", "setgroups (%zu groups)",
                        ngroups);
  }
  if (setresgid(gid, gid, gid) < 0)
    return sk_error_set(err, errno, "process.user.gid",
                        "setresgid(%u) (is it mapped in the user namespace?)", (unsigned int)gid);
  if (setresuid(uid, uid, uid) < 0)
    return sk_error_set(err, errno, "process.user.uid",
                        "setresuid(%u) (is it mapped in the user namespace?)", (unsigned int)uid);
  return 0;
}

int sk_proc_drop_privileges(const oci_process *p, sk_error **err) {
  const oci_capabilities *c = p->capabilities;
  uint64_t want[NSETS] = {0};
  if (c) {
    unsigned int last = kernel_last_cap();
    for (int s = 0; s < NSETS; s++)
      want[s] = set_mask(c, s, last);
    cap_sets held;
    if (caps_get(&held) < 0) return sk_error_errno(err, "read the capabilities held (capget)");
    uint64_t bset = 0;
    for (unsigned int cap = 0; cap <= last; cap++) {
      int in = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
      if (in == 1 && !(want[BND] >> cap & 1) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
        const char *name = sk_cap_name(cap);
        return sk_error_set(err, errno, "process.capabilities.bounding",
                            "drop %s from the bounding set", name ? name : "a capability");
      }
      if (in == 1 && want[BND] >> cap & 1) bset |= UINT64_C(1) << cap;
    }
    grantable(BND, want[BND], bset, "not in skiff's bounding set");
    /* What the kernel lets capset() give after the uid change: permitted and effective out of
     * the permitted set kept; inheritable out of that and the bounding set; ambient out of
     * permitted and inheritable. */
    want[PRM] = grantable(PRM, want[PRM], held.prm, "skiff doesn't hold it");
    want[EFF] = grantable(EFF, want[EFF], want[PRM], "not in the permitted set");
    want[INH] = grantable(INH, want[INH], held.prm & bset, "not held or not in the bounding set");
    want[AMB] = grantable(AMB, want[AMB], want[PRM] & want[INH],
                          "not both permitted and inheritable");
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
      return sk_error_errno(err, "keep the capabilities across the uid change (PR_SET_KEEPCAPS)");
  }
  if (switch_user(p->user, err) < 0) return -1;
  umask(p->user && p->user->has_umask ? (mode_t)p->user->umask : 022);
  if (!c) return 0;
  if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0) return sk_error_errno(err, "PR_SET_KEEPCAPS off");
  cap_sets fin = {.eff = want[EFF], .prm = want[PRM], .inh = want[INH]};
  if (caps_set(&fin) < 0)
    return sk_error_set(err, errno, "process.capabilities",
                        "set the effective, permitted and inheritable sets (capset)");
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && want[AMB])
    return sk_error_set(err, errno, "process.capabilities.ambient",
                        "ambient capabilities (needs Linux 4.3)");
  for (unsigned int cap = 0; cap < 64; cap++)
    if (want[AMB] >> cap & 1 && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0) {
      const char *name = sk_cap_name(cap);
      return sk_error_set(err, errno, "process.capabilities.ambient", "raise %s",
                          name ? name : "a capability");
    }
  return 0;
}

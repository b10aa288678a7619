/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.seccomp: the config's filter compiled with libseccomp by skiff before it clones (or
 * found in the cache of compiled filters), and loaded by the process itself (the container's
 * init, or a process `skiff exec` adds). */
#ifndef SKIFF_SECCOMP_H
#define SKIFF_SECCOMP_H

#include <linux/filter.h>
#include <stdbool.h>
#include <sys/types.h>

#include "skiff/error.h"
#include "skiff/oci.h"
#include "skiff/sync.h"

/* A compiled filter: the BPF program and the seccomp(2) flags to load it with. */
typedef struct sk_seccomp_filter {
  struct sock_filter *insns;
  unsigned short len;
  unsigned int flags; /* SECCOMP_FILTER_FLAG_*: the config's flags, NEW_LISTENER with notify */
} sk_seccomp_filter;

/* In the parent, before the init or exec'd process is cloned: compile sc (libseccomp, then
 * exported as BPF), or take the program from the cache in state_root (NULL: no cache; the
 * environment variable SKIFF_SECCOMP_CACHE=0 also turns it off). Every error names the config
 * path ("linux.seccomp.syscalls[3].action: ..."). Unknown syscall names are skipped (debug log
 * line). */
int sk_seccomp_prepare(const oci_seccomp *sc, const char *state_root, sk_seccomp_filter **out,
                       sk_error **err);
void sk_seccomp_filter_free(sk_seccomp_filter *f);
static inline void sk_seccomp_filter_freep(sk_seccomp_filter **f) {
  sk_seccomp_filter_free(*f);
  *f = NULL;
}
#define _cleanup_seccomp_filter_ __attribute__((cleanup(sk_seccomp_filter_freep)))

/* In the process itself: load f with seccomp(2). no_new_privs is process.noNewPrivileges: when
 * false (it is not set here), loading needs CAP_SYS_ADMIN (the init still has it at that
 * point). *notify_fd is the filter's listener (close-on-exec) when f has one, else -1. */
int sk_seccomp_install(const sk_seccomp_filter *f, bool no_new_privs, int *notify_fd,
                       sk_error **err);

/* Whether sc has an SCMP_ACT_NOTIFY rule (the filter then has a listener for listenerPath). */
bool sk_seccomp_notifies(const oci_seccomp *sc);

/* The container process state (config-linux.md) the agent at listenerPath receives. */
typedef struct {
  const char *id;
  const char *bundle;
  const char *status;  /* "creating" for the init, "running" for `skiff exec` */
  pid_t container_pid; /* the init */
  pid_t pid;           /* the process whose filter it is */
} sk_seccomp_agent_info;

/* In the parent, instead of waiting for SK_SYNC_READY: when the process's filter notifies, first
 * take its listener (SK_SYNC_SECCOMP_FD) and send it to the agent at linux.seccomp.listenerPath
 * with the container process state (one connection, one message, fds ["seccompFd"]). */
int sk_seccomp_expect_ready(int sync_fd, const oci_config *cfg, const sk_seccomp_agent_info *info,
                            sk_sync_msg *m, sk_error **err);

/* Compile only (no load): the same checks and errors. For tests and measurements. */
int sk_seccomp_check(const oci_seccomp *sc, sk_error **err);

/* What this build supports, for `skiff features` (NULL-terminated lists of spec names). */
const char *const *sk_seccomp_actions(void);
const char *const *sk_seccomp_operators(void);
const char *const *sk_seccomp_archs(void); /* known to the linked libseccomp */
const char *const *sk_seccomp_known_flags(void);
/* Flags the linked libseccomp and the running kernel can apply; fills out (>= 8 slots),
 * NULL-terminated. */
void sk_seccomp_supported_flags(const char **out);

#endif

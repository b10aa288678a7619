/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.seccomp: the config's filter compiled with libseccomp and loaded into the calling
 * process (the container's init, or a process `skiff exec` adds). */
#ifndef SKIFF_SECCOMP_H
#define SKIFF_SECCOMP_H

#include <stdbool.h>
#include <sys/types.h>

#include "skiff/error.h"
#include "skiff/oci.h"
#include "skiff/sync.h"

/* Compile sc and load it into the calling process; every error names the config path
 * ("linux.seccomp.syscalls[3].action: ..."). no_new_privs is process.noNewPrivileges: when
 * false, the filter is loaded without setting it, which needs CAP_SYS_ADMIN (the init still
 * has it at that point). Unknown syscall names are skipped (debug log line). */
int sk_seccomp_load(const oci_seccomp *sc, bool no_new_privs, int *notify_fd, sk_error **err);
/* ... *notify_fd is the filter's listener (close-on-exec) when it has SCMP_ACT_NOTIFY rules,
 * else -1. */

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

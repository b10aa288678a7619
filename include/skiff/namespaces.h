/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Which namespaces a container gets, and how: new ones, joined ones, uid/gid maps, time offsets. */
#ifndef SKIFF_NAMESPACES_H
#define SKIFF_NAMESPACES_H

#include <stdbool.h>
#include <sys/types.h>

#include "skiff/error.h"

#include "skiff/oci.h"

enum { SK_NS_USER = 0, SK_NS_MNT, SK_NS_PID, SK_NS_NET, SK_NS_IPC, SK_NS_UTS, SK_NS_CGROUP, SK_NS_TIME, SK_NS_COUNT };

typedef struct sk_ns_plan {
  int new_flags;            /* CLONE_NEW* flags of the namespaces to create */
  int join_flags;           /* CLONE_NEW* flags of the namespaces joined through a path */
  int join_fds[SK_NS_COUNT]; /* fds of the namespaces to join, -1 if none (CLOEXEC) */
  bool two_stage;           /* needs a first child that joins/unshares and forks the init */
  bool time_offsets;        /* linux.timeOffsets must be written before the init enters */
} sk_ns_plan;

/* The CLONE_NEW* flag of a spec namespace type ("pid", "network", ...), 0 if unknown. */
int sk_ns_flag(const char *type);
/* The spec name of SK_NS_* index i, and its /proc/PID/ns/ file name. */
const char *sk_ns_type_name(int i);
const char *sk_ns_proc_name(int i);

/* Read linux.namespaces, open every namespace path (from the host, before anything is created),
 * and decide the way to spawn. Errors name linux.namespaces[i]. */
int sk_ns_plan_make(const oci_config *cfg, sk_ns_plan *plan, sk_error **err);
void sk_ns_plan_close(sk_ns_plan *plan);

/* In the child: setns into every joined namespace whose flag is in `mask`, user namespace first. */
int sk_ns_join(const sk_ns_plan *plan, int mask, sk_error **err);

/* From the parent: write /proc/PID/{uid_map,gid_map} from linux.uidMappings/gidMappings. */
int sk_ns_write_id_maps(pid_t pid, const oci_config *cfg, sk_error **err);

/* In the first stage, after unshare(CLONE_NEWTIME): write /proc/self/timens_offsets. */
int sk_ns_write_time_offsets(const oci_config *cfg, sk_error **err);

#endif

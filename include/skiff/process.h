/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The process attributes of config.md ("process") and config-linux.md ("personality"), applied
 * by the container init (and a `skiff exec` process) to itself. Each function is one step of
 * the ordered list in src/linux/init.c, which says where and why it runs. Errors carry the config
 * path they concern ("process.rlimits[2]"); capabilities that can't be granted are warnings.
 */
#ifndef SKIFF_PROCESS_H
#define SKIFF_PROCESS_H

#include <stdbool.h>

#include "skiff/error.h"
#include "skiff/oci.h"

/* ---- capabilities (caps.c) --------------------------------------------------------------- */

/* The name of capability number cap ("CAP_CHOWN" for 0), or NULL past the last one skiff knows
 * (the list `skiff features` prints). */
const char *sk_cap_name(unsigned int cap);
/* The number of a capability name, or -1 when skiff doesn't know it. */
int sk_cap_from_name(const char *name);

/* Give up root's privileges the way the config says, in this order: drop the bounding
 * capabilities not listed (needs CAP_SETPCAP), keep the permitted set across the uid change,
 * setgroups (process.user.additionalGids; skipped where setgroups is denied in the user
 * namespace), setresgid, setresuid, umask (0022 when not given), then the effective,
 * permitted and inheritable sets and the ambient set. Without process.capabilities the
 * capabilities are left to the kernel's uid rules. Capabilities unknown to skiff or to the
 * running kernel, or not held, are logged as warnings and left out. */
int sk_proc_drop_privileges(const oci_process *p, sk_error **err);

/* ---- the rest (process.c) ------------------------------------------------------------------ */

/* Unless no_new_keyring, join a new session keyring named after the container id. */
int sk_proc_session_keyring(const char *id, bool no_new_keyring, sk_error **err);
/* process.oomScoreAdj into /proc/self/oom_score_adj (untouched when not set). */
int sk_proc_oom_score_adj(const oci_process *p, sk_error **err);
/* process.rlimits: setrlimit for each; soft above hard is an error naming the entry. */
int sk_proc_rlimits(const oci_process *p, sk_error **err);
/* linux.personality: domain LINUX or LINUX32 (no flags are defined by the spec). */
int sk_proc_personality(const oci_personality *pers, sk_error **err);
/* process.ioPriority: ioprio_set of this process. */
int sk_proc_io_priority(const oci_process *p, sk_error **err);
/* process.scheduler: sched_setattr of this process. */
int sk_proc_scheduler(const oci_process *p, sk_error **err);
/* process.execCPUAffinity.initial (final = false) or .final: sched_setaffinity; nothing when
 * not set or empty. */
int sk_proc_cpu_affinity(const oci_process *p, bool final, sk_error **err);
/* process.apparmorProfile / process.selinuxLabel for the next execve (/proc/self/attr/...);
 * an error naming the field when the host's LSM isn't enabled. */
int sk_proc_lsm_labels(const oci_process *p, sk_error **err);
/* process.noNewPrivileges: PR_SET_NO_NEW_PRIVS. */
int sk_proc_no_new_privs(const oci_process *p, sk_error **err);

#endif

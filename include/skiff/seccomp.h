/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.seccomp: the config's filter compiled with libseccomp and loaded into the calling
 * process (the container's init, or a process `skiff exec` adds). */
#ifndef SKIFF_SECCOMP_H
#define SKIFF_SECCOMP_H

#include <stdbool.h>

#include "skiff/error.h"
#include "skiff/oci.h"

/* Compile sc and load it into the calling process; every error names the config path
 * ("linux.seccomp.syscalls[3].action: ..."). no_new_privs is process.noNewPrivileges: when
 * false, the filter is loaded without setting it, which needs CAP_SYS_ADMIN (the init still
 * has it at that point). Unknown syscall names are skipped (debug log line). */
int sk_seccomp_load(const oci_seccomp *sc, bool no_new_privs, sk_error **err);

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

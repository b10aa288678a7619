/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Starting the user's program in the container (init and exec share it). */
#ifndef SKIFF_EXEC_H
#define SKIFF_EXEC_H

#include "skiff/error.h"

/* A sealed memfd holding the exec trampoline (CLOEXEC). Returns the fd or -1. */
int sk_exec_trampoline_fd(sk_error **err);

/* exec `path` with argv/envp, through the trampoline when tramp_fd >= 0. Returns only on
 * failure (-1, errno set). If the trampoline runs but its exec of `path` fails, it sends the
 * error (an SK_SYNC_ERROR message) on report_fd (the init's end of the sync socket; -1: none),
 * or, when nobody reads it any more, writes it on stderr; then it exits 127. */
int sk_exec_program(int tramp_fd, int report_fd, const char *path, char *const argv[],
                    char *const envp[]);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Private to src/linux: the init's entry point and helpers shared with spawn.c. */
#ifndef SKIFF_LINUX_INIT_STEPS_H
#define SKIFF_LINUX_INIT_STEPS_H

#include "skiff/init.h"

/* Run every setup step, report READY, wait for start, exec the user's program.
 * Returns an exit status only on failure (after reporting the error to the parent). */
int sk_init_main(sk_init_ctx *ctx);

/* In a new or joined user namespace: become its root (uid/gid 0, no supplementary groups). */
int sk_init_become_root(sk_error **err);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Spawning the container init and the ordered list of steps it runs before the user's program. */
#ifndef SKIFF_INIT_H
#define SKIFF_INIT_H

#include <stdbool.h>
#include <sys/types.h>

#include "skiff/error.h"
#include "skiff/namespaces.h"

#include "skiff/oci.h"

typedef struct sk_init_ctx {
  const oci_config *cfg;
  const char *bundle;  /* absolute */
  const char *rootfs;  /* absolute */
  const char *id;
  sk_ns_plan ns;
  int sync_fd;         /* the init's end of the sync socketpair */
  int fifo_fd;         /* exec.fifo opened O_RDWR: the init blocks reading it until `start`;
                          -1 for `run`, which releases the init over sync_fd instead */
  int status_fd;       /* with fifo_fd: exec.status opened O_RDWR, where the init writes why it
                          failed after `start` released it (startContainer hooks); `start` reads
                          it until the init's exec closes it. -1 = none */
  bool exec;           /* `skiff exec`: join a running container (ns.join_*), no rootfs setup;
                          the process waits on sync_fd (GO) like `run` */
  bool no_pivot;
  bool no_new_keyring;
  int preserve_fds;    /* fds 3 .. 3+preserve_fds-1 reach the container */
  int listen_fds;      /* socket activation: the first listen_fds of those are LISTEN_FDS */
  int console_fd;      /* process.terminal: where the pty's primary side goes (the caller's
                          --console-socket, or a socketpair to a foreground run), else -1 */
  const struct sk_seccomp_filter *seccomp; /* linux.seccomp compiled by the parent, or NULL */
  int lock_fd;         /* the parent's state lock (a flock on the state dir): the child closes
                          its copy first thing, or the lock would live as long as the init */
  /* Filled by the init itself. */
  int *mount_fds;      /* in a user namespace: per mounts[] index, a mount the parent idmapped
                          on the host side (SK_SYNC_MOUNT_FDS), or -1 */
  char *exec_path;     /* args[0] resolved on the container's PATH */
  char **env;          /* process.env, plus LISTEN_FDS/LISTEN_PID with socket activation */
  int tramp_fd;        /* the exec trampoline's sealed memfd (exec.c) */
  int tty_fd;          /* the pty's secondary side, until it becomes fds 0-2 (-1: no terminal) */
} sk_init_ctx;

/* In the parent: start the init (through a first stage when ctx->ns.two_stage). *first is the
 * pid of the process cloned (the init itself in one stage, the first stage otherwise). The init
 * waits on sync_fd (see sync.h for the protocol). */
int sk_init_spawn(sk_init_ctx *ctx, pid_t *first, sk_error **err);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Private to src/container: what create, run, start, kill and delete share. */
#ifndef SKIFF_CONTAINER_INTERNAL_H
#define SKIFF_CONTAINER_INTERNAL_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "skiff/cgroup.h"
#include "skiff/container.h"
#include "skiff/state.h"

#include "skiff/oci.h"

/* A container being created: everything the parent holds until it exits (create) or the
 * container ends (run). */
typedef struct sk_building {
  sk_container_dir *dir;
  oci_config *cfg;
  char *bundle;
  char *rootfs;
  pid_t pid;      /* host pid of the init, 0 until known */
  int sync_fd;    /* parent end, -1 when closed */
  int console_peer; /* foreground run with a terminal: our end of the pty's way out, or -1 */
  int master;     /* ... and the pty's primary side once received, or -1 */
  sk_state *state;
  sk_cgroup *cgroup; /* the container's cgroup once made, or NULL */
} sk_building;

/* Set up the container up to READY (init blocked before the user's program). With
 * via_fifo, the init waits on <dir>/exec.fifo for `start`; otherwise on the sync socket
 * (sk_build_release). On failure, everything made is undone. */
int sk_build(const sk_globals *g, const sk_create_opts *o, bool via_fifo, sk_building *b,
             sk_error **err);
/* Release an init that waits on the sync socket; returns once it exec'd the user's program
 * (or with the error of the exec). */
int sk_build_release(sk_building *b, sk_error **err);
/* Write the --pid-file: decimal host pid, no newline, temp + rename. */
int sk_write_pid_file(const char *path, pid_t pid, sk_error **err);
/* Undo a container: kill its init (if alive), remove its state dir. Closes b. */
void sk_build_abort(sk_building *b);
/* The same once its create-time hooks ran (a failure then goes on as runtime.md's lifecycle
 * says, steps 12 and 13): sk_build_abort, then the poststop hooks (warnings only), so that what
 * prestart/createRuntime hooks set up can be undone. */
void sk_build_destroy(sk_building *b);
void sk_build_close(sk_building *b);

/* NOTIFY_SOCKET (notify.c). create: the notify dir, its bind mount and the env of the program.
 * start: the bound socket (-2 when there is nothing to do), then the proxy until READY=1. */
int sk_notify_prepare(sk_building *b, sk_error **err);
int sk_notify_listen(sk_container_dir *dir, sk_error **err);
int sk_notify_forward(int fd, pid_t pid, sk_error **err);

/* The signals a foreground run or exec blocks and passes on to its process (SIGCHLD and
 * SIGWINCH it handles itself; faults stay its own). */
void sk_forwarded_signals(sigset_t *set);

/* Load the state of an existing container (locked), with the live status. */
int sk_load(const sk_globals *g, const char *id, sk_container_dir **dir, sk_state **st,
            sk_error **err);
/* Destroy a stopped container: remove its cgroup and its state, then run the poststop hooks. */
int sk_destroy(sk_container_dir *dir, sk_state *st, sk_error **err);
/* The part of the config the state keeps (config_json): hooks, linux.resources and
 * linux.devices, as a config. Caller frees. */
char *sk_kept_config(const oci_config *cfg);

/* SIGKILL the init (verified by start time) and wait up to timeout_ms for it to die. */
int sk_kill_and_wait(sk_state *st, int timeout_ms, sk_error **err);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* process.terminal: the container's pty, the console socket protocol, and the foreground proxy. */
#ifndef SKIFF_TERMINAL_H
#define SKIFF_TERMINAL_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "skiff/error.h"

#include "skiff/oci.h"

/* Host side, before the init exists: connect to the caller's --console-socket (an AF_UNIX
 * stream socket it listens on). Close-on-exec. */
int sk_console_connect(const char *path, sk_error **err);

/* In the init, after pivot_root: a pty from the container's own devpts (/dev/ptmx), sized
 * from process.consoleSize, its secondary side bound over /dev/console (for the container's
 * init, not for an exec'd process); the primary side is
 * sent over console_sock (one message, one SCM_RIGHTS fd, the pty's name as payload) and
 * closed. Returns the secondary side's fd (close-on-exec). */
int sk_terminal_setup(const oci_process *p, int console_sock, bool bind_console, sk_error **err);

/* In the init, just before the user's program: a new session with the pty as its controlling
 * terminal and as fds 0, 1 and 2. Closes tty_fd. */
int sk_terminal_attach(int tty_fd, sk_error **err);

/* The receiving end of the console socket protocol: the one fd of the next message. */
int sk_terminal_recv_master(int sock, sk_error **err);

/* Foreground `run` with a terminal: copy between our stdio and the pty's primary side (stdin
 * in raw mode when it is a terminal, window size followed on SIGWINCH), forward the other
 * signals of `set` (blocked by the caller) to `init`, reap children as subreaper, and return
 * the init's wait status once it has exited. master may be -1 (no terminal: signals only). */
int sk_terminal_proxy(int master, pid_t init, const sigset_t *set);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The channel between skiff (the parent) and the container init it spawned. */
#ifndef SKIFF_SYNC_H
#define SKIFF_SYNC_H

#include <stdint.h>
#include <sys/types.h>

#include "skiff/error.h"

/*
 * A SOCK_SEQPACKET socketpair: every message is one packet, so no framing is needed and a peer
 * that dies shows up as EOF. Messages are a type and an optional payload.
 */
typedef enum {
  SK_SYNC_GO = 1,       /* parent -> init: continue (maps written, cgroup joined) */
  SK_SYNC_NEED_MAPS,    /* init -> parent: in its new user namespace, waiting for uid/gid maps */
  SK_SYNC_PID,          /* first stage -> parent: payload = host pid (int32) of the real init */
  SK_SYNC_READY,        /* init -> parent: set up, blocked before the user's program */
  SK_SYNC_ERROR,        /* init -> parent: payload = serialised sk_error */
  SK_SYNC_HOOKS,        /* init -> parent: run hooks of the given phase (payload = phase) */
  SK_SYNC_HOOKS_DONE,   /* parent -> init */
  SK_SYNC_MOUNT_FDS,    /* parent -> init: payload = uint32 mounts[] indexes; the detached
                           mounts themselves ride along as SCM_RIGHTS, in the same order */
  SK_SYNC_SECCOMP_FD,   /* init -> parent: the seccomp notify listener (SCM_RIGHTS), for the
                           agent at linux.seccomp.listenerPath; before READY */
} sk_sync_type;

typedef struct sk_sync_msg {
  uint32_t type;
  uint32_t len;
  char data[8192];
} sk_sync_msg;

/* Make the socketpair (both ends CLOEXEC). fds[0] parent, fds[1] child. */
int sk_sync_pair(int fds[2], sk_error **err);
int sk_sync_send(int fd, sk_sync_type type, const void *data, uint32_t len, sk_error **err);
/* Receive one message; EOF (the peer died) is an error with errnum EPIPE. */
int sk_sync_recv(int fd, sk_sync_msg *m, sk_error **err);
/* Wait for a message of type `want`; an SK_SYNC_ERROR from the peer becomes *err (its root cause). */
int sk_sync_expect(int fd, sk_sync_type want, sk_sync_msg *m, sk_error **err);

/* Limit of fds in one message (the kernel's SCM_MAX_FD is 253). */
#define SK_SYNC_MAX_FDS 253

/* Any unix socket: one message with up to SK_SYNC_MAX_FDS fds (SCM_RIGHTS). Receiving takes
 * at most max fds (close-on-exec; extra ones are closed) and fails with EPROTO when the data or
 * the fds were truncated. Both return the bytes of data, or -1 with errno. */
ssize_t sk_sendmsg_fds(int sock, const void *buf, size_t len, const int *fds, size_t n);
ssize_t sk_recvmsg_fds(int sock, void *buf, size_t len, int *fds, size_t max, size_t *n);

/* Connect to a caller's listening AF_UNIX stream socket (close-on-exec); `option` names it in
 * errors ("--console-socket"). */
int sk_unix_connect(const char *path, const char *option, sk_error **err);

/* Send a pidfd of pid over the caller's --pidfd-socket (one message, one fd). */
int sk_send_pidfd(const char *path, pid_t pid, sk_error **err);

/* A message carrying n (<= SK_SYNC_MAX_FDS) file descriptors. */
int sk_sync_send_fds(int fd, sk_sync_type type, const void *data, uint32_t len, const int *fds,
                     size_t n, sk_error **err);
/* sk_sync_expect that also takes the fds that came with the message (close-on-exec) into
 * fds[0..*n-1]; fds has SK_SYNC_MAX_FDS slots. */
int sk_sync_expect_fds(int fd, sk_sync_type want, sk_sync_msg *m, int *fds, size_t *n,
                       sk_error **err);

/* The error carried by an SK_SYNC_ERROR message, appended to *err; returns -1. */
int sk_sync_decode_error(const sk_sync_msg *m, sk_error **err);

/* Send an error (the whole chain) to the peer. Never fails loudly: best effort. */
void sk_sync_send_error(int fd, const sk_error *e);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Spawning the container init without re-executing skiff: the init is a clone of this process,
 * so no binary is copied or exec'd before the user's program.
 *
 * One stage (the usual case: every namespace new): clone3() with all CLONE_NEW* flags at once.
 * Two stages (a namespace joined through a path, or time offsets): a first child setns()es into
 * the joined namespaces (user first), unshare()s the new ones, writes time offsets, and forks the
 * init as a sibling (CLONE_PARENT), because pid and time namespaces only apply to children.
 */
#include <errno.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "init_steps.h"
#include "skiff/init.h"
#include "skiff/sync.h"
#include "skiff/util.h"

static pid_t clone3_fork(uint64_t flags, int exit_signal) {
  struct clone_args args;
  memset(&args, 0, sizeof(args));
  args.flags = flags;
  args.exit_signal = (uint64_t)exit_signal;
  return (pid_t)syscall(SYS_clone3, &args, sizeof(args));
}

/* In the first stage; never returns. */
static void first_stage(sk_init_ctx *ctx) {
  _cleanup_error_ sk_error *err = NULL;
  sk_sync_msg m;
  const sk_ns_plan *p = &ctx->ns;

  if (sk_ns_join(p, p->join_flags, &err) < 0) goto fail;
  /* A new cgroup namespace comes later, from the init, once it is in its cgroup. */
  int now = p->new_flags & ~CLONE_NEWCGROUP;
  if (now && unshare(now) < 0) {
    sk_error_set(&err, errno, "linux.namespaces", "create the new namespaces (unshare)");
    goto fail;
  }
  if (p->new_flags & CLONE_NEWUSER) {
    if (sk_sync_send(ctx->sync_fd, SK_SYNC_NEED_MAPS, NULL, 0, &err) < 0 ||
        sk_sync_expect(ctx->sync_fd, SK_SYNC_GO, &m, &err) < 0)
      goto fail;
  }
  if ((p->new_flags | p->join_flags) & CLONE_NEWUSER) {
    if (sk_init_become_root(&err) < 0) goto fail;
  }
  if (p->time_offsets && sk_ns_write_time_offsets(ctx->cfg, &err) < 0) goto fail;

  pid_t pid = clone3_fork(CLONE_PARENT, 0);
  if (pid < 0) {
    sk_error_errno(&err, "fork the container init");
    goto fail;
  }
  if (pid == 0) _exit(sk_init_main(ctx));
  int32_t hostpid = pid;
  if (sk_sync_send(ctx->sync_fd, SK_SYNC_PID, &hostpid, sizeof(hostpid), &err) < 0) goto fail;
  _exit(0);
fail:
  sk_sync_send_error(ctx->sync_fd, err);
  _exit(1);
}

int sk_init_spawn(sk_init_ctx *ctx, pid_t *first, sk_error **err) {
  /* Not the cgroup namespace yet: its root is the cgroup the init is in when it is made, and
   * that must be the container's (step_wait_parent). */
  uint64_t flags = ctx->ns.two_stage ? 0 : (uint64_t)(ctx->ns.new_flags & ~CLONE_NEWCGROUP);
  pid_t pid = clone3_fork(flags, SIGCHLD);
  if (pid < 0) {
    if (errno == EINVAL || errno == EPERM || errno == ENOSPC || errno == EUSERS)
      return sk_error_set(err, errno, "linux.namespaces",
                          "create the container's namespaces (clone3): the kernel refused");
    return sk_error_errno(err, "create the container init (clone3)");
  }
  if (pid == 0) {
    /* Nothing of the host binary may be reachable through /proc/PID/exe from the container
     * while skiff code runs in it (CVE-2019-5736): not dumpable until the final execve. */
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    /* flock belongs to the open file, which the clone shares: drop our reference so the
     * lock goes when the parent exits, not when the init execs. */
    if (ctx->lock_fd >= 0) close(ctx->lock_fd);
    if (ctx->ns.two_stage) first_stage(ctx);
    /* One stage joining namespaces: an exec into a container without a pid or time
     * namespace of its own (those only apply to children). */
    if (ctx->ns.join_flags) {
      _cleanup_error_ sk_error *err = NULL;
      if (sk_ns_join(&ctx->ns, ctx->ns.join_flags, &err) < 0 ||
          ((ctx->ns.join_flags & CLONE_NEWUSER) && sk_init_become_root(&err) < 0)) {
        sk_sync_send_error(ctx->sync_fd, err);
        _exit(1);
      }
    }
    _exit(sk_init_main(ctx));
  }
  *first = pid;
  return 0;
}

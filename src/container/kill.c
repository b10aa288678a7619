/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kill: a signal to the container's init (verified by its start time, sent through a pidfd). */
#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"
#include "skiff/util.h"

int sk_container_kill(const sk_globals *g, const char *id, int signo, bool all, sk_error **err) {
  sk_container_dir *dir = NULL;
  sk_state *st = NULL;
  int ret = -1;
  if (sk_load(g, id, &dir, &st, err) < 0) return -1;
  if (st->status == SK_STATUS_STOPPED) {
    /* runc: with --all, a container that is not running is not an error. */
    if (all) ret = 0;
    else sk_error_set(err, ESRCH, NULL, "container not running");
    goto out;
  }
  {
    _cleanup_close_ int pfd = (int)syscall(SYS_pidfd_open, st->pid, 0);
    if (pfd < 0 || sk_proc_start_time(st->pid) != st->pid_start) {
      sk_error_set(err, ESRCH, NULL, "container not running");
      goto out;
    }
    if (syscall(SYS_pidfd_send_signal, pfd, signo, NULL, 0) < 0) {
      sk_error_set(err, errno, NULL, "send signal %d to the container init (pid %d)", signo, st->pid);
      goto out;
    }
  }
  ret = 0;
out:
  sk_state_free(st);
  sk_state_close_dir(dir);
  return ret;
}

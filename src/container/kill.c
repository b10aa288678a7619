/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kill: a signal to the container's init (verified by its start time, sent through a pidfd). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"
#include "skiff/util.h"

/* --all for a container without a cgroup (state from before cgroups): every process in the
 * init's pid namespace (the container's own; with a shared pid namespace, only the init is
 * known to be the container's). */
static void signal_pidns(const sk_state *st, int signo) {
  if (st->shared_pidns) return;
  char path[64], mine[64], other[64];
  snprintf(path, sizeof(path), "/proc/%d/ns/pid", st->pid);
  ssize_t n = readlink(path, mine, sizeof(mine) - 1);
  if (n <= 0) return;
  mine[n] = 0;
  DIR *d = opendir("/proc");
  if (!d) return;
  struct dirent *de;
  while ((de = readdir(d))) {
    char *end;
    long pid = strtol(de->d_name, &end, 10);
    if (*end || pid <= 0 || pid == st->pid) continue;
    snprintf(path, sizeof(path), "/proc/%ld/ns/pid", pid);
    n = readlink(path, other, sizeof(other) - 1);
    if (n <= 0) continue;
    other[n] = 0;
    if (strcmp(mine, other) == 0) kill((pid_t)pid, signo);
  }
  closedir(d);
}

int sk_signal_cgroup(const sk_state *st, int signo, sk_error **err) {
  _cleanup_cgroup_ sk_cgroup *cg = NULL;
  if (sk_cgroup_load(st->cgroup_path, &cg, err) < 0) return -1;
  return sk_cgroup_signal(cg, signo, st->pid, err);
}

/* A frozen v1 task dies of SIGKILL only once thawed: thaw a paused container after it (as runc
 * does); other signals wait for resume. */
static int thaw_killed(sk_container_dir *dir, sk_state *st, sk_error **err) {
  _cleanup_cgroup_ sk_cgroup *cg = NULL;
  if (sk_cgroup_load(st->cgroup_path, &cg, err) < 0 || sk_cgroup_freeze(cg, false, err) < 0)
    return -1;
  st->status = SK_STATUS_RUNNING;
  return sk_state_save(dir, st, err);
}

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
  /* runc 1.2+: SIGKILL to a container without a pid namespace of its own kills every process
   * of its cgroup (the init's death would not take the others along). */
  if (signo == SIGKILL && st->shared_pidns && st->cgroup_path) all = true;
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
    /* The init first: a signal that kills it takes the rest of its pid namespace along. */
    if (all && st->cgroup_path && sk_signal_cgroup(st, signo, err) < 0) goto out;
    if (all && !st->cgroup_path) signal_pidns(st, signo);
    if (!all && signo == SIGKILL && st->status == SK_STATUS_PAUSED && thaw_killed(dir, st, err) < 0)
      goto out;
  }
  ret = 0;
out:
  sk_state_free(st);
  sk_state_close_dir(dir);
  return ret;
}

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

/* --all: every process of the container's cgroup. SIGKILL is sent to a frozen cgroup, so that
 * nothing forks away from it meanwhile (the signal lands when the cgroup thaws). */
static int signal_cgroup(const sk_state *st, int signo, sk_error **err) {
  _cleanup_cgroup_ sk_cgroup *cg = NULL;
  if (sk_cgroup_load(st->cgroup_path, &cg, err) < 0) return -1;
  _cleanup_error_ sk_error *ferr = NULL;
  bool frozen = signo == SIGKILL && sk_cgroup_freeze(cg, true, &ferr) == 0;
  _cleanup_free_ pid_t *pids = NULL;
  size_t n = 0;
  int r = sk_cgroup_pids(cg, &pids, &n, err);
  for (size_t i = 0; r == 0 && i < n; i++)
    if (pids[i] != st->pid && kill(pids[i], signo) < 0 && errno != ESRCH)
      r = sk_error_set(err, errno, NULL, "send signal %d to pid %d of the container", signo, pids[i]);
  if (frozen && sk_cgroup_freeze(cg, false, r < 0 ? NULL : err) < 0) r = -1;
  return r;
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
    if (all && st->cgroup_path && signal_cgroup(st, signo, err) < 0) goto out;
    if (all && !st->cgroup_path) signal_pidns(st, signo);
  }
  ret = 0;
out:
  sk_state_free(st);
  sk_state_close_dir(dir);
  return ret;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A signal to every process of the container's cgroup (kill --all). */
#include <errno.h>
#include <signal.h>

#include "internal.h"
#include "skiff/util.h"

/* The container's cgroup2 directory (v2, or the unified one of a hybrid host) if it has
 * cgroup.kill (Linux 5.14+). */
static const sk_cg_dir *kill_file(sk_cgroup *cg) {
  for (size_t i = 0; i < cg->n; i++)
    if (!*cg->dirs[i].ctrls && sk_cg_has(&cg->dirs[i], "cgroup.kill")) return &cg->dirs[i];
  return NULL;
}

int sk_cgroup_signal(sk_cgroup *cg, int signo, pid_t skip, sk_error **err) {
  const sk_cg_dir *k = signo == SIGKILL ? kill_file(cg) : NULL;
  /* A v1 host may have no freezer hierarchy: then nothing was frozen, nothing to thaw. */
  bool freezer = cg->layout == SK_CGROUP_UNIFIED || sk_cg_find(cg, "freezer");
  if (k) {
    if (sk_cg_write(k, "cgroup.kill", NULL, err, "1") < 0) return -1;
    return freezer ? sk_cgroup_freeze(cg, false, err) : 0;
  }
  /* SIGKILL one by one: frozen meanwhile where it freezes (a no-op when paused already); a
   * cgroup that does not freeze in time is thawed again and signalled all the same. */
  freezer = freezer && signo == SIGKILL && sk_cgroup_freeze(cg, true, NULL) == 0;
  _cleanup_free_ pid_t *pids = NULL;
  size_t n = 0;
  int r = sk_cgroup_pids(cg, &pids, &n, err);
  for (size_t i = 0; r == 0 && i < n; i++)
    if (pids[i] != skip && kill(pids[i], signo) < 0 && errno != ESRCH)
      r = sk_error_set(err, errno, NULL, "send signal %d to pid %d of the container", signo,
                       pids[i]);
  if (freezer && sk_cgroup_freeze(cg, false, r < 0 ? NULL : err) < 0) r = -1;
  return r;
}

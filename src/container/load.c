/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Finding an existing container, killing it, and removing what it left. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "skiff/hooks.h"
#include "skiff/log.h"
#include "skiff/util.h"

int sk_load(const sk_globals *g, const char *id, sk_container_dir **dir, sk_state **st,
            sk_error **err) {
  if (sk_state_validate_id(id, err) < 0) return -1;
  if (sk_state_open_dir(g->root, id, dir, err) < 0) return -1;
  if (sk_state_load(*dir, st, err) < 0) {
    sk_state_close_dir(*dir);
    *dir = NULL;
    return -1;
  }
  sk_container_refresh(g->root, *st);
  return 0;
}

static int pidfd_open_(pid_t pid) { return (int)syscall(SYS_pidfd_open, pid, 0); }

int sk_kill_and_wait(sk_state *st, int timeout_ms, sk_error **err) {
  if (st->pid <= 0) return 0;
  _cleanup_close_ int pfd = pidfd_open_(st->pid);
  /* The pid is ours only if its start time still matches (it may have been reused). */
  if (pfd < 0 || sk_proc_start_time(st->pid) != st->pid_start) return 0;
  if (syscall(SYS_pidfd_send_signal, pfd, SIGKILL, NULL, 0) < 0 && errno != ESRCH)
    return sk_error_set(err, errno, NULL, "kill the container init (pid %d)", st->pid);
  struct pollfd p = {.fd = pfd, .events = POLLIN};
  int r;
  do {
    r = poll(&p, 1, timeout_ms);
  } while (r < 0 && errno == EINTR);
  if (r == 0)
    return sk_error_set(err, ETIMEDOUT, NULL,
                        "the container init (pid %d) did not die within %d ms of SIGKILL (is it "
                        "in uninterruptible sleep, or frozen?)",
                        st->pid, timeout_ms);
  return 0;
}

int sk_destroy(sk_container_dir *dir, sk_state *st, sk_error **err) {
  /* The cgroup first: if it can't go, the state stays, and delete can be tried again. */
  if (st->cgroup_path) {
    _cleanup_cgroup_ sk_cgroup *cg = NULL;
    if (sk_cgroup_load(st->cgroup_path, &cg, err) < 0 || sk_cgroup_remove(cg, err) < 0) {
      sk_state_close_dir(dir);
      return -1;
    }
  }
  /* poststop: once the container is deleted (runtime.md, lifecycle 13); failures are warnings. */
  if (sk_state_remove_dir(dir, err) < 0) return -1;
  sk_hooks_run_kept(st, SK_HOOK_POSTSTOP, SK_STATUS_STOPPED);
  return 0;
}

void sk_poststart_failed(const sk_globals *g, const char *id) {
  _cleanup_error_ sk_error *e = NULL;
  if (sk_container_delete(g, id, true, &e) < 0) {
    sk_error_prefix(e, "a poststart hook failed; stopping and deleting container %s", id);
    sk_log_report(e);
  }
}

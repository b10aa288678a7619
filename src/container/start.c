/* SPDX-License-Identifier: GPL-2.0-or-later */
/* start: release the init blocked on exec.fifo; return once it runs the program (after the
 * startContainer hooks) and the poststart hooks ran. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include "internal.h"
#include "skiff/hooks.h"
#include "skiff/util.h"

/* Once released, the init runs the startContainer hooks and execs the program: its end of
 * exec.status closes then (close-on-exec). What it wrote there before is why it failed. */
static int wait_exec(int status, const char *id, sk_error **err) {
  char buf[4096];
  size_t n = 0;
  for (;;) {
    struct pollfd p = {.fd = status, .events = POLLIN};
    if (poll(&p, 1, -1) < 0) {
      if (errno == EINTR) continue;
      return sk_error_set(err, errno, NULL, "container %s: wait for the init on exec.status", id);
    }
    ssize_t r = read(status, buf + n, sizeof(buf) - 1 - n);
    if (r < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (r <= 0 || (n += (size_t)r) == sizeof(buf) - 1) break;
  }
  if (!n) return 0;
  buf[n] = 0;
  return sk_error_set(err, 0, NULL, "container %s did not start: %s", id, buf);
}

int sk_container_start(const sk_globals *g, const char *id, sk_error **err) {
  sk_container_dir *dir = NULL;
  sk_state *st = NULL;
  int ret = -1;
  _cleanup_close_ int notify = -1;
  _cleanup_cgroup_ sk_cgroup *cg = NULL;
  if (sk_load(g, id, &dir, &st, err) < 0) return -1;
  switch (st->status) {
  case SK_STATUS_CREATED:
    break;
  case SK_STATUS_STOPPED:
    sk_error_set(err, 0, NULL, "cannot start a container that has stopped");
    goto out;
  default:
    sk_error_set(err, 0, NULL, "cannot start an already %s container", sk_status_name(st->status));
    goto out;
  }
  /* The program may notify as soon as it runs: listen first. */
  notify = sk_notify_listen(dir, err);
  if (notify == -1) goto out;
  /* To tell an init the OOM killer took from one that exec'd the program (both close
   * exec.status): its cgroup's OOM kills. */
  if (st->cgroup_path) sk_cgroup_load(st->cgroup_path, &cg, NULL);
  {
    /* Opened first, while the init holds its end: we then see it close. Missing in the state of
     * a container created by an older skiff: nothing to wait for. */
    _cleanup_close_ int status = openat(dir->dirfd, "exec.status", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    /* Non-blocking: the init holds the fifo open; ENXIO means nobody waits on it any more. */
    _cleanup_close_ int fd = openat(dir->dirfd, "exec.fifo", O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
      sk_error_set(err, errno, NULL, "container %s: open exec.fifo (the init is not waiting)", id);
      goto out;
    }
    long long oom_base = sk_oom_count(cg);
    if (write(fd, "0", 1) != 1) {
      sk_error_set(err, errno, NULL, "container %s: release the init through exec.fifo", id);
      goto out;
    }
    unlinkat(dir->dirfd, "exec.fifo", 0);
    unlinkat(dir->dirfd, "exec.status", 0);
    int r = status >= 0 ? wait_exec(status, id, err) : 0;
    if (sk_oom_explain(cg, oom_base, err) < 0) {
      /* Nothing is left of it: kill what may be left of the init, remove cgroup and state. */
      sk_kill_and_wait(st, 1000, NULL);
      sk_destroy(dir, st, NULL);
      dir = NULL;
      goto out;
    }
    if (r < 0) goto out;
  }
  st->status = SK_STATUS_RUNNING;
  ret = sk_state_save(dir, st, err);
  /* Not holding the lock while the program starts up, nor while the poststart hooks run (they
   * may well call skiff on this container). */
  sk_state_close_dir(dir);
  dir = NULL;
  if (ret == 0 && notify >= 0) ret = sk_notify_forward(notify, st->pid, err);
  if (ret == 0 && sk_hooks_run_kept_strict(st, SK_HOOK_POSTSTART, SK_STATUS_RUNNING, err) < 0) {
    sk_poststart_failed(g, id);
    ret = -1;
  }
out:
  sk_state_free(st);
  sk_state_close_dir(dir);
  return ret;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* start: release the init blocked on exec.fifo; return at once. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "internal.h"
#include "skiff/util.h"

int sk_container_start(const sk_globals *g, const char *id, sk_error **err) {
  sk_container_dir *dir = NULL;
  sk_state *st = NULL;
  int ret = -1;
  _cleanup_close_ int notify = -1;
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
  {
    /* Non-blocking: the init holds the fifo open; ENXIO means nobody waits on it any more. */
    _cleanup_close_ int fd = openat(dir->dirfd, "exec.fifo", O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
      sk_error_set(err, errno, NULL, "container %s: open exec.fifo (the init is not waiting)", id);
      goto out;
    }
    if (write(fd, "0", 1) != 1) {
      sk_error_set(err, errno, NULL, "container %s: release the init through exec.fifo", id);
      goto out;
    }
  }
  unlinkat(dir->dirfd, "exec.fifo", 0);
  st->status = SK_STATUS_RUNNING;
  ret = sk_state_save(dir, st, err);
  if (ret == 0 && notify >= 0) {
    /* Not holding the lock while the program starts up. */
    sk_state_close_dir(dir);
    dir = NULL;
    ret = sk_notify_forward(notify, st->pid, err);
  }
out:
  sk_state_free(st);
  sk_state_close_dir(dir);
  return ret;
}

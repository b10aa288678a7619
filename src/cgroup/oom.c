/* SPDX-License-Identifier: GPL-2.0-or-later */
/* OOM kills in the container's cgroup, as a pollable fd.
 *   v1: an eventfd registered for memory.oom_control through cgroup.event_control; the kernel
 *       adds 1 to it per OOM in the cgroup (and signals it once more when the cgroup goes:
 *       not counted when memory.oom_control is gone).
 *   v2: inotify on memory.events (modified whenever one of its counters moves); the count is
 *       its oom_kill field, compared with the last one read. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "internal.h"
#include "skiff/util.h"

struct sk_cgroup_oom {
  int fd;         /* eventfd (v1) or inotify fd (v2) */
  int control;    /* v1: memory.oom_control, open while registered */
  char *ctl_path; /* v1: its path (gone with the cgroup) */
  char *events;   /* v2: path of memory.events */
  uint64_t kills; /* v2: oom_kill when last read */
};

static uint64_t oom_kills(const char *path) {
  _cleanup_free_ char *text = NULL;
  if (sk_read_file(path, &text, NULL, 0, NULL) < 0) return 0;
  const char *p = strstr(text, "oom_kill ");
  if (p && (p == text || p[-1] == '\n')) return strtoull(p + 9, NULL, 10);
  return 0;
}

static int open_v1(struct sk_cgroup *cg, sk_cgroup_oom *w, sk_error **err) {
  const sk_cg_dir *d = sk_cg_find(cg, "memory");
  if (!d) return sk_error_set(err, ENOTSUP, NULL, "the memory cgroup controller is not mounted");
  w->ctl_path = sk_xasprintf("%s/%s/memory.oom_control", d->mount, d->rel);
  w->control = open(w->ctl_path, O_RDONLY | O_CLOEXEC);
  if (w->control < 0) return sk_error_errno(err, "open %s", w->ctl_path);
  w->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (w->fd < 0) return sk_error_errno(err, "eventfd for the OOM notifications");
  if (sk_cg_write(d, "cgroup.event_control", NULL, err, "%d %d", w->fd, w->control) < 0) {
    sk_error_prefix(*err, "register for OOM notifications");
    return -1;
  }
  return 0;
}

static int open_v2(struct sk_cgroup *cg, sk_cgroup_oom *w, sk_error **err) {
  const sk_cg_dir *d = &cg->dirs[0];
  w->events = sk_xasprintf("%s/%s/memory.events", d->mount, d->rel);
  w->fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  if (w->fd < 0) return sk_error_errno(err, "inotify for the OOM notifications");
  if (inotify_add_watch(w->fd, w->events, IN_MODIFY) < 0)
    return sk_error_errno(err, "watch %s (is the memory controller enabled for the container?)",
                          w->events);
  w->kills = oom_kills(w->events);
  return 0;
}

int sk_cgroup_oom_open(sk_cgroup *cg, sk_cgroup_oom **out, sk_error **err) {
  sk_cgroup_oom *w = sk_xcalloc(1, sizeof(*w));
  w->fd = w->control = -1;
  if ((cg->layout == SK_CGROUP_UNIFIED ? open_v2 : open_v1)(cg, w, err) < 0) {
    sk_cgroup_oom_close(w);
    return -1;
  }
  *out = w;
  return 0;
}

int sk_cgroup_oom_fd(const sk_cgroup_oom *w) {
  return w->fd;
}

int sk_cgroup_oom_read(sk_cgroup_oom *w, uint64_t *n, sk_error **err) {
  *n = 0;
  if (!w->events) {
    uint64_t v;
    if (read(w->fd, &v, sizeof(v)) == (ssize_t)sizeof(v))
      *n = v;
    else if (errno != EAGAIN)
      return sk_error_errno(err, "read the OOM eventfd");
    return 0;
  }
  char buf[4096];
  while (read(w->fd, buf, sizeof(buf)) > 0) {
  }
  uint64_t kills = oom_kills(w->events);
  if (kills > w->kills) *n = kills - w->kills;
  w->kills = kills;
  return 0;
}

void sk_cgroup_oom_close(sk_cgroup_oom *w) {
  if (!w) return;
  if (w->fd >= 0) close(w->fd);
  if (w->control >= 0) close(w->control);
  free(w->events);
  free(w->ctl_path);
  free(w);
}

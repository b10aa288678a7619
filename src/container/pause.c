/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pause and resume: the container's cgroup frozen and thawed; "paused" is what the freezer
 * says, whoever froze it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "internal.h"
#include "skiff/util.h"

/* Whether the init still waits for `start` (create made exec.fifo, start removes it). */
static bool waits_for_start(const char *root, const char *id) {
  _cleanup_free_ char *fifo = sk_xasprintf("%s/%s/exec.fifo", root, id);
  return access(fifo, F_OK) == 0;
}

sk_status sk_container_refresh(const char *root, sk_state *s) {
  sk_status was = s->status;
  if (sk_state_refresh(s) == SK_STATUS_STOPPED || s->status == SK_STATUS_CREATING ||
      !s->cgroup_path)
    return s->status;
  _cleanup_cgroup_ sk_cgroup *cg = NULL;
  bool frozen = false;
  _cleanup_error_ sk_error *ignored = NULL;
  if (sk_cgroup_load(s->cgroup_path, &cg, &ignored) < 0 ||
      sk_cgroup_frozen(cg, &frozen, &ignored) < 0)
    return s->status; /* unreadable: what was recorded */
  if (frozen)
    s->status = SK_STATUS_PAUSED;
  else if (was == SK_STATUS_PAUSED)
    s->status = waits_for_start(root, s->id) ? SK_STATUS_CREATED : SK_STATUS_RUNNING;
  return s->status;
}

/* The container's cgroup, or an error saying why it cannot be frozen. */
static int load_cgroup(const sk_state *st, const char *what, sk_cgroup **cg, sk_error **err) {
  if (!st->cgroup_path)
    return sk_error_set(err, ENOTSUP, NULL,
                        "cannot %s container %s: its state records no cgroup (made by an older "
                        "skiff?)",
                        what, st->id);
  return sk_cgroup_load(st->cgroup_path, cg, err);
}

int sk_container_pause(const sk_globals *g, const char *id, sk_error **err) {
  sk_container_dir *dir = NULL;
  sk_state *st = NULL;
  _cleanup_cgroup_ sk_cgroup *cg = NULL;
  int ret = -1;
  if (sk_load(g, id, &dir, &st, err) < 0) return -1;
  /* runc pauses a created container too (its init then stays frozen across start). */
  if (st->status != SK_STATUS_RUNNING && st->status != SK_STATUS_CREATED) {
    sk_error_set(err, 0, NULL, "cannot pause container %s: it is %s: container not running", id,
                 sk_status_name(st->status));
    goto out;
  }
  if (load_cgroup(st, "pause", &cg, err) < 0) goto out;
  if (sk_cgroup_freeze(cg, true, err) < 0) {
    sk_error_prefix(*err, "pause container %s", id);
    goto out;
  }
  sk_status before = st->status;
  st->status = SK_STATUS_PAUSED;
  if (sk_state_save(dir, st, err) < 0) {
    /* Not recorded: not paused either. */
    st->status = before;
    sk_cgroup_freeze(cg, false, NULL);
    goto out;
  }
  ret = 0;
out:
  sk_state_free(st);
  sk_state_close_dir(dir);
  return ret;
}

int sk_container_resume(const sk_globals *g, const char *id, sk_error **err) {
  sk_container_dir *dir = NULL;
  sk_state *st = NULL;
  _cleanup_cgroup_ sk_cgroup *cg = NULL;
  int ret = -1;
  if (sk_load(g, id, &dir, &st, err) < 0) return -1;
  if (st->status != SK_STATUS_PAUSED) {
    sk_error_set(err, 0, NULL, "cannot resume container %s: it is %s: container not paused", id,
                 sk_status_name(st->status));
    goto out;
  }
  if (load_cgroup(st, "resume", &cg, err) < 0) goto out;
  if (sk_cgroup_freeze(cg, false, err) < 0) {
    sk_error_prefix(*err, "resume container %s", id);
    goto out;
  }
  st->status = waits_for_start(g->root, id) ? SK_STATUS_CREATED : SK_STATUS_RUNNING;
  ret = sk_state_save(dir, st, err);
out:
  sk_state_free(st);
  sk_state_close_dir(dir);
  return ret;
}

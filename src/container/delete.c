/* SPDX-License-Identifier: GPL-2.0-or-later */
/* delete: remove a stopped container; --force kills a running one first. */
#include <errno.h>
#include <signal.h>

#include "internal.h"
#include "skiff/util.h"

int sk_container_delete(const sk_globals *g, const char *id, bool force, sk_error **err) {
  sk_container_dir *dir = NULL;
  sk_state *st = NULL;
  _cleanup_error_ sk_error *lerr = NULL;
  if (sk_state_validate_id(id, err) < 0) return -1;
  if (sk_state_open_dir(g->root, id, &dir, &lerr) < 0) {
    if (lerr->errnum == ENOENT && force) return 0; /* runc: nothing to delete is fine with -f */
    *err = sk_steal_ptr(&lerr);
    return -1;
  }
  if (sk_state_load(dir, &st, &lerr) < 0) {
    /* A state dir without state.json (a create that died before writing it; a create in
     * progress holds the lock we now have): --force removes what is there. */
    if (lerr->errnum == ENOENT && force) return sk_state_remove_dir(dir, err);
    sk_state_close_dir(dir);
    *err = sk_steal_ptr(&lerr);
    return -1;
  }
  sk_state_refresh(st);
  int ret = -1;
  switch (st->status) {
  case SK_STATUS_STOPPED:
    break;
  case SK_STATUS_CREATED: /* never started: nothing of the user's ran; kill it, as runc does */
    if (sk_kill_and_wait(st, 10000, err) < 0) goto out;
    break;
  default:
    if (!force) {
      sk_error_set(err, 0, NULL, "cannot delete container %s that is not stopped: %s", id,
                   sk_status_name(st->status));
      goto out;
    }
    /* Paused: all of it killed while frozen (nothing runs on), then thawed, so that it dies. */
    if (st->status == SK_STATUS_PAUSED && sk_signal_cgroup(st, SIGKILL, err) < 0) goto out;
    if (sk_kill_and_wait(st, 10000, err) < 0) goto out;
  }
  ret = sk_destroy(dir, st, err);
  dir = NULL;
out:
  sk_state_free(st);
  if (dir) sk_state_close_dir(dir);
  return ret;
}

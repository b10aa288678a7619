/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Whether the container's cgroup is frozen: the source of the "paused" status. */
#include <string.h>

#include "internal.h"
#include "skiff/util.h"

int sk_cgroup_frozen(sk_cgroup *cg, bool *frozen, sk_error **err) {
  *frozen = false;
  if (cg->layout == SK_CGROUP_UNIFIED) {
    const sk_cg_dir *d = &cg->dirs[0];
    _cleanup_free_ char *want = NULL, *ev = NULL;
    if (sk_cg_read(d, "cgroup.freeze", &want, err) < 0 ||
        sk_cg_read(d, "cgroup.events", &ev, err) < 0)
      return -1;
    *frozen = want[0] == '1' || strstr(ev, "frozen 1") != NULL;
    return 0;
  }
  const sk_cg_dir *d = sk_cg_find(cg, "freezer");
  if (!d) return 0; /* no freezer: never paused */
  _cleanup_free_ char *st = NULL;
  if (sk_cg_read(d, "freezer.state", &st, err) < 0) return -1;
  *frozen = strncmp(st, "THAWED", 6) != 0;
  return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* update: new linux.resources on a live container's cgroup. */
#include <errno.h>
#include <inttypes.h>

#include "internal.h"

/* memory.checkBeforeUpdate: no limit below what the container already uses. */
static int check_memory(struct sk_cgroup *cg, const oci_memory *m, sk_error **err) {
  if (!m || !m->has_check_before_update || !m->check_before_update || !m->has_limit || m->limit < 0)
    return 0;
  sk_cgroup_stats s;
  if (sk_cgroup_stats_read(cg, &s, err) < 0) return -1;
  uint64_t used = s.mem_usage.usage;
  sk_cgroup_stats_free(&s);
  if ((uint64_t)m->limit < used)
    return sk_error_set(err, EBUSY, "linux.resources.memory.limit",
                        "%" PRId64 " is below the container's current memory usage (%" PRIu64
                        " bytes) and memory.checkBeforeUpdate is set: free memory in the "
                        "container or give a larger limit",
                        m->limit, used);
  return 0;
}

int sk_cgroup_update(sk_cgroup *cg, const oci_config *cfg, sk_error **err) {
  const oci_resources *r = cfg->linux ? cfg->linux->resources : NULL;
  if (!r) return 0;
  const oci_memory *m = r->memory;
  /* before anything is written (a backend may set the limit before it sees the swap) */
  if (m && m->has_limit && m->has_swap && m->limit >= 0 && m->swap >= 0 && m->swap < m->limit)
    return sk_error_set(err, EINVAL, "linux.resources.memory.swap",
                        "%" PRId64 " is below memory.limit %" PRId64
                        " (swap is the limit of memory plus swap)",
                        m->swap, m->limit);
  if (check_memory(cg, r->memory, err) < 0) return -1;
  cg->updating = true;
  int ret = cg->be->apply(cg, cfg, err);
  cg->updating = false;
  return ret;
}

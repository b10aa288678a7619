/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A container whose init the OOM killer took while it started: said plainly, not as the
 * broken pipe or early EOF through which skiff noticed it. */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "internal.h"
#include "skiff/log.h"
#include "skiff/util.h"

long long sk_oom_count(sk_cgroup *cg) {
  long long n;
  if (!cg || sk_cgroup_oom_kills(cg, &n, NULL) < 0) return -1;
  return n;
}

/* Whether the OOM kills rose since before; *limit: the cgroup's memory limit (-1: none). */
static bool oom_since(sk_cgroup *cg, long long before, long long *limit) {
  long long now = sk_oom_count(cg);
  *limit = -1;
  if (before < 0 || now <= before) return false;
  sk_cgroup_memory_limit(cg, limit, NULL);
  return true;
}

int sk_oom_explain(sk_cgroup *cg, long long before, sk_error **err) {
  long long limit;
  if (!oom_since(cg, before, &limit)) return 0;
  if (err) sk_error_freep(err); /* what skiff saw of it: EOF, a broken pipe */
  if (limit < 0)
    return sk_error_set(err, 0, "linux.resources.memory.limit",
                        "the container was killed by the OOM killer while starting (it has no "
                        "memory limit of its own: a parent cgroup's limit, or the host's memory, "
                        "is too small to start it)");
  return sk_error_set(err, 0, "linux.resources.memory.limit",
                      "the container was killed by the OOM killer while starting (limit %lld "
                      "bytes is too small to start it; raise it)",
                      limit);
}

void sk_oom_warn(sk_cgroup *cg, long long before) {
  long long limit;
  if (!oom_since(cg, before, &limit)) return;
  _cleanup_free_ char *msg =
      limit < 0 ? sk_xstrdup("the container was killed by the OOM killer (it has no memory limit "
                             "of its own)")
                : sk_xasprintf("linux.resources.memory.limit: the container was killed by the OOM "
                               "killer (limit %lld bytes)",
                               limit);
  /* Not only in the log: the caller sees just the exit status 137 otherwise. */
  dprintf(STDERR_FILENO, "skiff: warning: %s\n", msg);
  sk_warn("%s", msg);
}

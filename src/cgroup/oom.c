/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The memory controller's counters: OOM kills and the limit (see include/skiff/cgroup.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "skiff/util.h"

/* The text of the memory controller's file of the container (v1 or v2 name); *text stays NULL
 * when there is none (no memory controller, an older kernel). */
static int read_memory_file(struct sk_cgroup *cg, const char *v1, const char *v2, char **text,
                            sk_error **err) {
  bool unified = cg->layout == SK_CGROUP_UNIFIED;
  const sk_cg_dir *d = unified ? (cg->n ? &cg->dirs[0] : NULL) : sk_cg_find(cg, "memory");
  const char *file = unified ? v2 : v1;
  *text = NULL;
  if (!d || !sk_cg_has(d, file)) return 0;
  return sk_cg_read(d, file, text, err);
}

/* The value of "key N" in a flat-keyed file's text; -1 when the key is missing. */
static long long keyed_value(const char *text, const char *key) {
  size_t kl = strlen(key);
  for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
    if (strncmp(p, key, kl) == 0 && p[kl] == ' ') return strtoll(p + kl + 1, NULL, 10);
  return -1;
}

int sk_cgroup_oom_kills(sk_cgroup *cg, long long *out, sk_error **err) {
  _cleanup_free_ char *text = NULL;
  *out = 0;
  if (read_memory_file(cg, "memory.oom_control", "memory.events", &text, err) < 0) return -1;
  long long v = text ? keyed_value(text, "oom_kill") : -1;
  if (v > 0) *out = v; /* v1 before Linux 4.13: no counter */
  return 0;
}

int sk_cgroup_memory_limit(sk_cgroup *cg, long long *out, sk_error **err) {
  _cleanup_free_ char *text = NULL;
  *out = -1;
  if (read_memory_file(cg, "memory.limit_in_bytes", "memory.max", &text, err) < 0) return -1;
  if (!text) return 0;
  char *end;
  errno = 0;
  long long v = strtoll(text, &end, 10);
  /* "max" (v2), or v1's "unlimited" (the largest multiple of the page size) */
  if (end != text && errno == 0 && v < (1LL << 62)) *out = v;
  return 0;
}

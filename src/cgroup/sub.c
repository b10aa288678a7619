/* SPDX-License-Identifier: GPL-2.0-or-later */
/* exec --cgroup: a process in a sub-cgroup of the container's cgroup (runc's option). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "skiff/util.h"

#define OPT "--cgroup"

/* path below the container's cgroup: relative, no "." or ".." components, not empty. */
static int check_path(const char *spec, const char *path, sk_error **err) {
  if (strpbrk(path, "\n\t"))
    return sk_error_set(err, EINVAL, NULL, OPT " %s: newlines and tabs are not allowed", spec);
  const char *p = path;
  size_t n = 0;
  while (*p) {
    while (*p == '/')
      p++;
    size_t l = strcspn(p, "/");
    if (l == 0) break;
    if ((l == 1 && p[0] == '.') || (l == 2 && strncmp(p, "..", 2) == 0))
      return sk_error_set(err, EINVAL, NULL,
                          OPT " %s: \".\" and \"..\" are not allowed: give a path below the "
                              "container's cgroup",
                          spec);
    n++;
    p += l;
  }
  if (n == 0)
    return sk_error_set(err, EINVAL, NULL, OPT " %s: no path below the container's cgroup", spec);
  return 0;
}

/* Put path below dir's rel (replacing an earlier spec's). */
static void descend(sk_cg_dir *d, const char *base, const char *path) {
  while (*path == '/')
    path++;
  free(d->rel);
  d->rel = sk_xasprintf("%s/%s", base, path);
  size_t l = strlen(d->rel);
  while (l && d->rel[l - 1] == '/')
    d->rel[--l] = 0;
}

static sk_cgroup *copy(const sk_cgroup *cg) {
  sk_cgroup *c = sk_xcalloc(1, sizeof(*c));
  c->layout = cg->layout;
  c->be = cg->be;
  c->n = cg->n;
  c->dirs = sk_xcalloc(cg->n, sizeof(*c->dirs));
  for (size_t i = 0; i < cg->n; i++)
    c->dirs[i] = (sk_cg_dir){.mount = sk_xstrdup(cg->dirs[i].mount),
                             .ctrls = sk_xstrdup(cg->dirs[i].ctrls),
                             .rel = sk_xstrdup(cg->dirs[i].rel),
                             .created = 0};
  return c;
}

/* Apply one spec, "PATH" or "CTRL[,CTRL...]:PATH", to c (whose dirs still match cg's). */
static int apply_spec(const sk_cgroup *cg, sk_cgroup *c, const char *spec, sk_error **err) {
  const char *colon = strchr(spec, ':');
  const char *path = colon ? colon + 1 : spec;
  if (check_path(spec, path, err) < 0) return -1;
  if (!colon) {
    for (size_t i = 0; i < c->n; i++)
      descend(&c->dirs[i], cg->dirs[i].rel, path);
    return 0;
  }
  if (cg->layout == SK_CGROUP_UNIFIED)
    return sk_error_set(
        err, EINVAL, NULL,
        OPT " %s: controllers can only be named with cgroup v1; give the path alone", spec);
  _cleanup_free_ char *ctrls = sk_xasprintf("%.*s", (int)(colon - spec), spec);
  char *save = NULL;
  for (char *t = strtok_r(ctrls, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
    size_t i = 0;
    while (i < c->n && !sk_cg_has_ctrl(&cg->dirs[i], t))
      i++;
    if (i == c->n)
      return sk_error_set(err, ENOENT, NULL,
                          OPT " %s: no cgroup v1 hierarchy of controller \"%s\" on this host", spec,
                          t);
    descend(&c->dirs[i], cg->dirs[i].rel, path);
  }
  return 0;
}

int sk_cgroup_sub(const sk_cgroup *cg, char *const *specs, sk_cgroup **out, sk_error **err) {
  sk_cgroup *c = copy(cg);
  for (char *const *s = specs; s && *s; s++)
    if (apply_spec(cg, c, *s, err) < 0) goto fail;
  /* The directories must exist: exec makes none. */
  for (size_t i = 0; i < c->n; i++) {
    _cleanup_free_ char *p = sk_xasprintf("%s/%s", c->dirs[i].mount, c->dirs[i].rel);
    struct stat sb;
    int e = stat(p, &sb) < 0 ? errno : S_ISDIR(sb.st_mode) ? 0 : ENOTDIR;
    if (e) {
      sk_error_set(err, e, NULL, OPT ": the sub-cgroup %s does not exist (create it first)", p);
      goto fail;
    }
  }
  /* A new v1 cpuset cgroup starts without cpus or memory nodes: nothing can join it. */
  sk_cg_dir *cs = c->layout == SK_CGROUP_UNIFIED ? NULL : sk_cg_find(c, "cpuset");
  for (int k = 0; cs && k < 2; k++) {
    const char *f = k ? "cpuset.mems" : "cpuset.cpus";
    _cleanup_free_ char *v = NULL;
    if (sk_cg_read(cs, f, &v, NULL) == 0 && (v[0] == '\n' || !v[0])) {
      sk_error_set(err, ENOSPC, NULL,
                   OPT
                   ": the sub-cgroup %s/%s has an empty %s: nothing can join it until it is set",
                   cs->mount, cs->rel, f);
      goto fail;
    }
  }
  *out = c;
  return 0;
fail:
  sk_cgroup_free(c);
  return -1;
}

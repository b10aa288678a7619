/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The layout-independent part: finding the hierarchies, the container's path in each,
 * creating, joining, listing, removing, and the state string. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include <linux/magic.h>

#include "internal.h"
#include "skiff/util.h"

#define CG_ROOT "/sys/fs/cgroup"
#define CG_UNIFIED CG_ROOT "/unified"
#define CG_PATH "linux.cgroupsPath"

const char *sk_cgroup_layout_name(sk_cgroup_layout l) {
  switch (l) {
  case SK_CGROUP_LEGACY: return "legacy";
  case SK_CGROUP_HYBRID: return "hybrid";
  case SK_CGROUP_UNIFIED: return "unified";
  }
  return "?";
}

int sk_cgroup_detect(sk_cgroup_layout *out, sk_error **err) {
  struct statfs s;
  if (statfs(CG_ROOT, &s) < 0) return sk_error_errno(err, "statfs %s", CG_ROOT);
  if (s.f_type == CGROUP2_SUPER_MAGIC) {
    *out = SK_CGROUP_UNIFIED;
    return 0;
  }
  if (s.f_type != TMPFS_MAGIC)
    return sk_error_set(err, ENOTSUP, NULL,
                        "%s is neither cgroup2 nor a tmpfs of cgroup v1 hierarchies (f_type 0x%lx)",
                        CG_ROOT, (unsigned long)s.f_type);
  *out = statfs(CG_UNIFIED, &s) == 0 && s.f_type == CGROUP2_SUPER_MAGIC ? SK_CGROUP_HYBRID
                                                                        : SK_CGROUP_LEGACY;
  return 0;
}

/* ---- files ---- */

static char *dir_path(const sk_cg_dir *d) {
  return *d->rel ? sk_xasprintf("%s/%s", d->mount, d->rel) : sk_xstrdup(d->mount);
}

bool sk_cg_has(const sk_cg_dir *d, const char *file) {
  _cleanup_free_ char *p = sk_xasprintf("%s/%s/%s", d->mount, d->rel, file);
  return access(p, F_OK) == 0;
}

int sk_cg_write_path(const char *path, const char *val, const char *cfgpath, sk_error **err) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return sk_error_set(err, errno, cfgpath, "open %s", path);
  ssize_t n = write(fd, val, strlen(val));
  int e = errno;
  close(fd);
  if (n < 0) return sk_error_set(err, e, cfgpath, "write \"%s\" to %s", val, path);
  return 0;
}

int sk_cg_write(const sk_cg_dir *d, const char *file, const char *cfgpath, sk_error **err,
                const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *val = NULL;
  int n = vasprintf(&val, fmt, ap);
  va_end(ap);
  if (n < 0) abort();
  _cleanup_free_ char *v = val;
  _cleanup_free_ char *p = sk_xasprintf("%s/%s/%s", d->mount, d->rel, file);
  return sk_cg_write_path(p, v, cfgpath, err);
}

int sk_cg_read(const sk_cg_dir *d, const char *file, char **out, sk_error **err) {
  _cleanup_free_ char *p = sk_xasprintf("%s/%s/%s", d->mount, d->rel, file);
  return sk_read_file(p, out, NULL, 0, err);
}

/* ---- hierarchies ---- */

/* Whether the comma-separated list has word (of length wl). */
static bool in_listn(const char *list, const char *word, size_t wl) {
  for (const char *p = list; *p;) {
    const char *e = strchrnul(p, ',');
    if ((size_t)(e - p) == wl && strncmp(p, word, wl) == 0) return true;
    p = *e ? e + 1 : e;
  }
  return false;
}

static bool in_list(const char *list, const char *word) { return in_listn(list, word, strlen(word)); }

/* Same controllers, in any order. */
static bool same_set(const char *a, const char *b) {
  int na = 0, nb = 0;
  for (const char *p = a; *p; p++)
    na += *p == ',';
  for (const char *p = b; *p; p++)
    nb += *p == ',';
  if (na != nb || (!*a) != (!*b)) return false;
  for (const char *p = a; *p;) {
    const char *e = strchrnul(p, ',');
    if (!in_listn(b, p, (size_t)(e - p))) return false;
    p = *e ? e + 1 : e;
  }
  return true;
}

bool sk_cg_has_ctrl(const sk_cg_dir *d, const char *ctrl) {
  return *d->ctrls && in_list(d->ctrls, ctrl);
}

sk_cg_dir *sk_cg_find(struct sk_cgroup *cg, const char *ctrl) {
  for (size_t i = 0; i < cg->n; i++)
    if (sk_cg_has_ctrl(&cg->dirs[i], ctrl)) return &cg->dirs[i];
  return NULL;
}

/* The controllers the kernel knows (/proc/cgroups), comma-separated with commas around. */
static char *known_controllers(sk_error **err) {
  _cleanup_free_ char *text = NULL;
  if (sk_read_file("/proc/cgroups", &text, NULL, 0, err) < 0) return NULL;
  size_t cap = strlen(text) + 2, len = 1;
  char *out = sk_xcalloc(cap, 1);
  out[0] = ',';
  for (char *save = NULL, *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    if (line[0] == '#') continue;
    size_t l = strcspn(line, "\t ");
    memcpy(out + len, line, l);
    len += l;
    out[len++] = ',';
  }
  out[len] = 0;
  return out;
}

/* Keep the controller names of a v1 mount's super options ("rw,cpu,cpuacct" -> "cpu,cpuacct"). */
static char *v1_controllers(const char *opts, const char *known) {
  char *out = sk_xcalloc(strlen(opts) + 1, 1);
  for (const char *p = opts; *p;) {
    const char *e = strchrnul(p, ',');
    _cleanup_free_ char *w = sk_xasprintf(",%.*s,", (int)(e - p), p);
    if (strstr(known, w)) {
      if (*out) strcat(out, ",");
      strncat(out, p, (size_t)(e - p));
    }
    p = *e ? e + 1 : e;
  }
  return out;
}

/* The cgroup skiff runs in, in the hierarchy of ctrls ("" = v2), from /proc/self/cgroup. */
static char *own_cgroup(const char *ctrls, sk_error **err) {
  _cleanup_free_ char *text = NULL;
  if (sk_read_file("/proc/self/cgroup", &text, NULL, 0, err) < 0) return NULL;
  for (char *save = NULL, *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    char *c1 = strchr(line, ':');
    char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (!c2) continue;
    *c2 = 0;
    if (*ctrls ? same_set(c1 + 1, ctrls) : (strncmp(line, "0:", 2) == 0 && !c1[1]))
      return sk_xstrdup(c2 + 1);
  }
  sk_error_set(err, ENOENT, CG_PATH, "skiff's own cgroup in hierarchy \"%s\" is not in /proc/self/cgroup",
               *ctrls ? ctrls : "v2");
  return NULL;
}

static void add_dir(struct sk_cgroup *cg, const char *mount, const char *ctrls, const char *root) {
  for (size_t i = 0; i < cg->n; i++)
    if (strcmp(cg->dirs[i].ctrls, ctrls) == 0) return; /* mounted twice: the first one */
  cg->dirs = sk_xrealloc(cg->dirs, (cg->n + 1) * sizeof(*cg->dirs));
  /* rel holds the mount's root for now (for relative paths); resolved later. */
  cg->dirs[cg->n++] = (sk_cg_dir){.mount = sk_xstrdup(mount), .ctrls = sk_xstrdup(ctrls),
                                  .rel = sk_xstrdup(root), .created = 0};
}

/* The hierarchies of the layout, from /proc/self/mountinfo. */
static int find_hierarchies(struct sk_cgroup *cg, sk_error **err) {
  _cleanup_free_ char *known = known_controllers(err);
  if (!known) return -1;
  _cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
  if (!f) return sk_error_errno(err, "open /proc/self/mountinfo");
  _cleanup_free_ char *line = NULL;
  size_t cap = 0;
  while (getline(&line, &cap, f) > 0) {
    /* id parent maj:min root mountpoint opts [optional...] - fstype source superopts */
    char root[PATH_MAX], mnt[PATH_MAX], fstype[64], super[1024];
    const char *sep = strstr(line, " - ");
    if (!sep || sscanf(line, "%*s %*s %*s %4095s %4095s", root, mnt) != 2 ||
        sscanf(sep + 3, "%63s %*s %1023s", fstype, super) != 2)
      continue;
    if (strcmp(fstype, "cgroup2") == 0) {
      if ((cg->layout == SK_CGROUP_UNIFIED && strcmp(mnt, CG_ROOT) == 0) ||
          (cg->layout == SK_CGROUP_HYBRID && strcmp(mnt, CG_UNIFIED) == 0))
        add_dir(cg, mnt, "", root);
    } else if (strcmp(fstype, "cgroup") == 0 && cg->layout != SK_CGROUP_UNIFIED &&
               strncmp(mnt, CG_ROOT "/", sizeof(CG_ROOT)) == 0) {
      _cleanup_free_ char *ctrls = v1_controllers(super, known);
      if (*ctrls) add_dir(cg, mnt, ctrls, root); /* named hierarchies (name=systemd): not ours */
    }
  }
  if (cg->n == 0)
    return sk_error_set(err, ENOENT, NULL, "no cgroup hierarchy mounted under %s (%s layout)", CG_ROOT,
                        sk_cgroup_layout_name(cg->layout));
  return 0;
}

/* cgroupsPath, cleaned: components joined by '/', no leading '/'; "." dropped. */
static int clean_path(const char *in, char **out, sk_error **err) {
  if (strpbrk(in, "\n\t"))
    return sk_error_set(err, EINVAL, CG_PATH, "\"%s\": newlines and tabs are not allowed", in);
  char *o = sk_xcalloc(strlen(in) + 1, 1);
  for (const char *p = in; *p;) {
    while (*p == '/')
      p++;
    size_t l = strcspn(p, "/");
    if (l == 0) break;
    if (l == 2 && strncmp(p, "..", 2) == 0) {
      free(o);
      return sk_error_set(err, EINVAL, CG_PATH, "\"%s\": \"..\" is not allowed", in);
    }
    if (!(l == 1 && *p == '.')) {
      if (*o) strcat(o, "/");
      strncat(o, p, l);
    }
    p += l;
  }
  if (!*o) {
    free(o);
    return sk_error_set(err, EINVAL, CG_PATH, "\"%s\" is the root cgroup: give the container a cgroup of its own", in);
  }
  *out = o;
  return 0;
}

/* Each dir's rel (holding the mount's root) becomes the container's path below the mount. */
static int resolve(struct sk_cgroup *cg, const char *cgpath, const char *id, sk_error **err) {
  _cleanup_free_ char *given = cgpath ? sk_xstrdup(cgpath) : sk_xasprintf("/skiff/%s", id);
  _cleanup_free_ char *clean = NULL;
  if (clean_path(given, &clean, err) < 0) return -1;
  for (size_t i = 0; i < cg->n; i++) {
    sk_cg_dir *d = &cg->dirs[i];
    char *rel;
    if (given[0] == '/') {
      rel = sk_xstrdup(clean);
    } else {
      _cleanup_free_ char *own = own_cgroup(d->ctrls, err);
      if (!own) return -1;
      size_t rl = strcmp(d->rel, "/") == 0 ? 0 : strlen(d->rel);
      if (strncmp(own, d->rel, rl) != 0 || (own[rl] != '/' && own[rl] != 0))
        return sk_error_set(err, ENOENT, CG_PATH,
                            "\"%s\" is relative to skiff's own cgroup %s, which is not below %s "
                            "(the root of %s)",
                            given, own, d->rel, d->mount);
      const char *o = own + rl;
      while (*o == '/')
        o++;
      rel = *o ? sk_xasprintf("%s/%s", o, clean) : sk_xstrdup(clean);
    }
    free(d->rel);
    d->rel = rel;
  }
  return 0;
}

static const sk_cg_backend *backend(sk_cgroup_layout l) {
  return l == SK_CGROUP_UNIFIED ? &sk_cg_backend_v2 : &sk_cg_backend_v1;
}

/* rmdir path and the count-1 levels above it (what we made, deepest first). */
static void unmake(char *path, int count) {
  for (int k = 0; k < count; k++) {
    if (rmdir(path) < 0) return;
    char *slash = strrchr(path, '/');
    if (!slash) return;
    *slash = 0;
  }
}

/* mkdir every missing level of d->rel; count what we made. On failure, what we made is gone. */
static int make_dirs(const sk_cgroup *cg, sk_cg_dir *d, sk_error **err) {
  _cleanup_free_ char *path = sk_xstrdup(d->mount);
  int levels = 0, first_made = 0; /* 1-based level of the first directory we made */
  for (const char *p = d->rel; *p;) {
    size_t l = strcspn(p, "/");
    _cleanup_free_ char *parent = sk_xstrdup(path);
    char *np = sk_xasprintf("%s/%.*s", path, (int)l, p);
    free(path);
    path = np;
    levels++;
    bool now = mkdir(path, 0755) == 0;
    if (!now && errno != EEXIST) {
      sk_error_set(err, errno, CG_PATH, "create the cgroup %s", path);
      unmake(parent, d->created);
      d->created = 0;
      return -1;
    }
    if (now && !first_made) first_made = levels;
    /* everything below a level we made is ours too */
    d->created = first_made ? levels - first_made + 1 : 0;
    if (cg->be->prepare && cg->be->prepare(d, parent, path, now, err) < 0) {
      unmake(path, d->created);
      d->created = 0;
      return -1;
    }
    p += l;
    while (*p == '/')
      p++;
  }
  return 0;
}

int sk_cgroup_create(const oci_config *cfg, const char *id, sk_cgroup **out, sk_error **err) {
  sk_cgroup *cg = sk_xcalloc(1, sizeof(*cg));
  const oci_linux *lx = cfg->linux;
  if (sk_cgroup_detect(&cg->layout, err) < 0) goto fail;
  cg->be = backend(cg->layout);
  if (find_hierarchies(cg, err) < 0 || resolve(cg, lx ? lx->cgroups_path : NULL, id, err) < 0)
    goto fail;
  for (size_t i = 0; i < cg->n; i++) {
    /* ENOENT: a parent went away meanwhile (another container's delete removed it empty). */
    int r, tries = 0;
    sk_error *e = NULL;
    while ((r = make_dirs(cg, &cg->dirs[i], &e)) < 0 && e->errnum == ENOENT && ++tries < 5)
      sk_error_freep(&e);
    if (r < 0) {
      if (err && !*err) *err = e;
      else sk_error_free(e);
      goto undo;
    }
    /* /skiff of the default path is skiff's own, whichever container made it: it goes with
     * the last container in it. */
    if (!(lx && lx->cgroups_path) && cg->dirs[i].created == 1) cg->dirs[i].created = 2;
  }
  if (sk_cgroup_apply(cg, cfg, err) < 0) goto undo;
  *out = cg;
  return 0;
undo:
  sk_cgroup_remove(cg, NULL);
fail:
  sk_cgroup_free(cg);
  return -1;
}

int sk_cgroup_apply(sk_cgroup *cg, const oci_config *cfg, sk_error **err) {
  return cg->be->apply(cg, cfg, err);
}

int sk_cgroup_freeze(sk_cgroup *cg, bool frozen, sk_error **err) {
  if (cg->be->freeze(cg, frozen, err) == 0) return 0;
  if (frozen) {
    _cleanup_error_ sk_error *ignored = NULL;
    bool thawed = cg->be->freeze(cg, false, &ignored) == 0;
    if (err && *err)
      sk_error_prefix(*err, "freeze (%s)",
                      thawed ? "thawed again" : "and thawing again failed too");
  }
  return -1;
}

int sk_cgroup_join(sk_cgroup *cg, pid_t pid, sk_error **err) {
  for (size_t i = 0; i < cg->n; i++)
    if (sk_cg_write(&cg->dirs[i], "cgroup.procs", CG_PATH, err, "%d", pid) < 0) {
      sk_error_prefix(*err, "join pid %d to the container's cgroup", pid);
      return -1;
    }
  return 0;
}

static int cmp_pid(const void *a, const void *b) {
  pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
  return (x > y) - (x < y);
}

static void kill_all(const sk_cg_dir *d);

/* Append the pids of cgroup.procs at path and of every cgroup below it (sub-cgroups made by
 * exec --cgroup or by the container itself). */
static int collect_pids(const char *path, pid_t **pids, size_t *n, size_t *cap, sk_error **err) {
  _cleanup_free_ char *procs = sk_xasprintf("%s/cgroup.procs", path);
  _cleanup_free_ char *text = NULL;
  if (sk_read_file(procs, &text, NULL, 0, err) < 0) return -1;
  for (char *p = text, *end; *p; p = end) {
    long v = strtol(p, &end, 10);
    if (end == p) break;
    if (*n == *cap) *pids = sk_xrealloc(*pids, (*cap = *cap ? 2 * *cap : 16) * sizeof(pid_t));
    (*pids)[(*n)++] = (pid_t)v;
  }
  DIR *dir = opendir(path);
  if (!dir) return 0;
  struct dirent *de;
  int r = 0;
  while (r == 0 && (de = readdir(dir)))
    if (de->d_type == DT_DIR && strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
      _cleanup_free_ char *sub = sk_xasprintf("%s/%s", path, de->d_name);
      _cleanup_error_ sk_error *gone = NULL; /* a sub-cgroup removed meanwhile */
      if (collect_pids(sub, pids, n, cap, &gone) < 0 && gone->errnum != ENOENT) {
        if (err && !*err) *err = sk_steal_ptr(&gone);
        r = -1;
      }
    }
  closedir(dir);
  return r;
}

static int read_pids(const sk_cg_dir *d, pid_t **pids, size_t *n, sk_error **err) {
  *pids = NULL;
  *n = 0;
  size_t cap = 0;
  _cleanup_free_ char *path = dir_path(d);
  if (collect_pids(path, pids, n, &cap, err) < 0) return -1;
  if (*n) qsort(*pids, *n, sizeof(pid_t), cmp_pid);
  return 0;
}

/* Remove every cgroup below path, deepest first (their processes are being killed). */
static void remove_children(const sk_cg_dir *d, const char *path) {
  DIR *dir = opendir(path);
  if (!dir) return;
  struct dirent *de;
  while ((de = readdir(dir)))
    if (de->d_type == DT_DIR && strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
      _cleanup_free_ char *sub = sk_xasprintf("%s/%s", path, de->d_name);
      remove_children(d, sub);
      for (int i = 0; i < 200 && rmdir(sub) < 0 && errno == EBUSY; i++) {
        if (i % 20 == 0) kill_all(d);
        nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
      }
    }
  closedir(dir);
}

int sk_cgroup_pids(sk_cgroup *cg, pid_t **pids, size_t *n, sk_error **err) {
  const sk_cg_dir *d = sk_cg_find(cg, "pids");
  if (!d) d = sk_cg_find(cg, "freezer");
  if (!d) d = &cg->dirs[0];
  return read_pids(d, pids, n, err);
}

static void kill_all(const sk_cg_dir *d) {
  _cleanup_free_ pid_t *pids = NULL;
  size_t n = 0;
  if (read_pids(d, &pids, &n, NULL) < 0) return;
  for (size_t i = 0; i < n; i++)
    kill(pids[i], SIGKILL);
}

/* rmdir, retrying for a while when the cgroup still has (dying) processes. */
static int rmdir_wait(const sk_cg_dir *d, const char *path) {
  for (int i = 0; i < 200; i++) {
    if (rmdir(path) == 0 || errno == ENOENT) return 0;
    if (errno != EBUSY) return -1;
    if (i % 20 == 0) kill_all(d);
    nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
  }
  return -1;
}

int sk_cgroup_remove(sk_cgroup *cg, sk_error **err) {
  int ret = 0;
  if (!cg->dirs) return 0;
  /* Thaw first: a frozen cgroup would keep its processes (and so the directory). Only a
   * cgroup skiff made: one that existed before is not skiff's to thaw. */
  const sk_cg_dir *fz = cg->layout == SK_CGROUP_UNIFIED ? &cg->dirs[0] : sk_cg_find(cg, "freezer");
  if (fz && fz->created > 0) {
    _cleanup_error_ sk_error *ignored = NULL;
    cg->be->freeze(cg, false, &ignored);
  }
  for (size_t i = 0; i < cg->n; i++) {
    const sk_cg_dir *d = &cg->dirs[i];
    if (d->created <= 0) continue;
    kill_all(d);
    _cleanup_free_ char *path = dir_path(d);
    remove_children(d, path);
    if (rmdir_wait(d, path) < 0) {
      ret = sk_error_set(err, errno, NULL, "remove the container's cgroup %s", path);
      continue;
    }
    /* The parents skiff made, while they are empty (another container may share them). */
    char *slash = strrchr(path, '/');
    if (slash) *slash = 0;
    unmake(path, d->created - 1);
  }
  return ret;
}

char *sk_cgroup_save(const sk_cgroup *cg) {
  size_t len = 32;
  for (size_t i = 0; i < cg->n; i++)
    len += strlen(cg->dirs[i].mount) + strlen(cg->dirs[i].ctrls) + strlen(cg->dirs[i].rel) + 32;
  char *s = sk_xcalloc(len, 1);
  size_t off = (size_t)snprintf(s, len, "%s\n", sk_cgroup_layout_name(cg->layout));
  for (size_t i = 0; i < cg->n; i++)
    off += (size_t)snprintf(s + off, len - off, "%d\t%s\t%s\t%s\n", cg->dirs[i].created,
                            cg->dirs[i].mount, cg->dirs[i].ctrls, cg->dirs[i].rel);
  return s;
}

int sk_cgroup_load(const char *saved, sk_cgroup **out, sk_error **err) {
  sk_cgroup *cg = sk_xcalloc(1, sizeof(*cg));
  _cleanup_free_ char *text = sk_xstrdup(saved);
  char *save = NULL;
  const char *first = strtok_r(text, "\n", &save);
  for (sk_cgroup_layout l = SK_CGROUP_LEGACY; first && l <= SK_CGROUP_UNIFIED; l++)
    if (strcmp(first, sk_cgroup_layout_name(l)) == 0) cg->layout = l;
  if (!cg->layout) goto bad;
  cg->be = backend(cg->layout);
  for (char *line = strtok_r(NULL, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    char *f[4], *s2 = NULL;
    f[0] = strtok_r(line, "\t", &s2);
    for (int k = 1; k < 4; k++)
      f[k] = f[k - 1] ? strsep(&s2, "\t") : NULL;
    if (!f[3]) goto bad;
    cg->dirs = sk_xrealloc(cg->dirs, (cg->n + 1) * sizeof(*cg->dirs));
    cg->dirs[cg->n++] = (sk_cg_dir){.created = atoi(f[0]), .mount = sk_xstrdup(f[1]),
                                    .ctrls = sk_xstrdup(f[2]), .rel = sk_xstrdup(f[3])};
  }
  if (cg->n == 0) goto bad;
  *out = cg;
  return 0;
bad:
  sk_cgroup_free(cg);
  return sk_error_set(err, EINVAL, NULL, "the state's cgroupPath is not one skiff wrote");
}

void sk_cgroup_free(sk_cgroup *cg) {
  if (!cg) return;
  for (size_t i = 0; i < cg->n; i++) {
    free(cg->dirs[i].mount);
    free(cg->dirs[i].ctrls);
    free(cg->dirs[i].rel);
  }
  free(cg->dirs);
  free(cg);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mounts[] of type cgroup/cgroup2: the container sees its own cgroups only.
 * cgroup v2 host: cgroup2 mounted (with a cgroup namespace), else a bind of the container's
 * own cgroup directory. v1/hybrid host: a tmpfs with, per hierarchy, the container's own
 * cgroup directory (a fresh mount with a cgroup namespace, else a bind). */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "rootfs_internal.h"
#include "skiff/log.h"
#include "skiff/path.h"
#include "skiff/util.h"

/* One cgroup mount of the host (or of the mount namespace we are in). */
typedef struct {
  char root[4096];
  char mountpoint[4096];
  char fstype[32];
  char super[1024];
} cg_mount;

/* Undo the octal escapes of /proc/self/mountinfo (\040 for a space...). */
static void unescape(char *s) {
  char *w = s;
  for (char *r = s; *r; r++) {
    if (r[0] == '\\' && r[1] >= '0' && r[1] <= '7' && r[2] >= '0' && r[2] <= '7' && r[3] >= '0' &&
        r[3] <= '7') {
      *w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
      r += 3;
    } else {
      *w++ = *r;
    }
  }
  *w = '\0';
}

/* Whether the comma list `super` holds every controller of the comma list `ctrls`. */
static bool has_controllers(const char *super, const char *ctrls) {
  _cleanup_free_ char *c = sk_xstrdup(ctrls);
  char *save = NULL;
  for (char *t = strtok_r(c, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
    bool found = false;
    _cleanup_free_ char *s = sk_xstrdup(super);
    char *save2 = NULL;
    for (char *u = strtok_r(s, ",", &save2); u; u = strtok_r(NULL, ",", &save2))
      if (strcmp(t, u) == 0) found = true;
    if (!found) return false;
  }
  return true;
}

/* Find the mount of the hierarchy with controllers `ctrls` ("" = the v2 hierarchy). */
static bool find_cg_mount(const char *ctrls, cg_mount *out) {
  _cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
  if (!f) return false;
  _cleanup_free_ char *line = NULL;
  size_t cap = 0;
  while (getline(&line, &cap, f) > 0) {
    char *sep = strstr(line, " - ");
    if (!sep) continue;
    cg_mount c;
    if (sscanf(line, "%*s %*s %*s %4095s %4095s", c.root, c.mountpoint) != 2) continue;
    if (sscanf(sep + 3, "%31s %*s %1023s", c.fstype, c.super) != 2) continue;
    bool v2 = strcmp(c.fstype, "cgroup2") == 0;
    if (*ctrls ? (strcmp(c.fstype, "cgroup") != 0 || !has_controllers(c.super, ctrls)) : !v2)
      continue;
    unescape(c.root);
    unescape(c.mountpoint);
    *out = c;
    return true;
  }
  return false;
}

static int bind_own(const char *src, int dirfd, const char *name, const sk_mount_opts *o,
                    const char *cfgpath, sk_error **err) {
  _cleanup_close_ int srcfd = open(src, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (srcfd < 0) {
    sk_debug("%s: cgroup %s: cannot open %s (%s): skipped", cfgpath, name, src, strerror(errno));
    return 0;
  }
  _cleanup_close_ int destfd = sk_rootfs_mkdest(dirfd, name, true, err);
  if (destfd < 0) return -1;
  uint64_t set =
      o->attr_set | o->rattr_set | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
  return sk_rootfs_bind_fd(srcfd, destfd, false, set, o->attr_clr & ~set, name, err);
}

/* Mount a fresh cgroup(2) of controllers `ctrls` onto name in dirfd: in a cgroup namespace its
 * root is the container's own cgroup. */
static int fresh_mount(int dirfd, const char *name, const char *ctrls, const sk_mount_opts *o,
                       sk_error **err) {
  _cleanup_close_ int destfd = sk_rootfs_mkdest(dirfd, name, true, err);
  if (destfd < 0) return -1;
  char target[64];
  snprintf(target, sizeof(target), "/proc/self/fd/%d", destfd);
  bool v2 = !*ctrls;
  unsigned long flags = (o->flags & MS_RDONLY) | MS_NOSUID | MS_NODEV | MS_NOEXEC;
  if (mount(v2 ? "cgroup2" : "cgroup", target, v2 ? "cgroup2" : "cgroup", flags,
            v2 ? NULL : ctrls) < 0)
    return sk_error_set(err, errno, NULL, "mount cgroup hierarchy \"%s\"", v2 ? "v2" : ctrls);
  return 0;
}

/* The container's own directory of hierarchy `ctrls` ("" = v2) on this host, or NULL. */
static char *own_dir(const char *ctrls, const char *cgpath, cg_mount *cm) {
  if (!find_cg_mount(ctrls, cm)) return NULL;
  size_t rl = strlen(cm->root);
  if (strcmp(cm->root, "/") == 0) rl = 0;
  if (strncmp(cgpath, cm->root, rl) != 0 || (cgpath[rl] != '/' && cgpath[rl] != '\0')) return NULL;
  return sk_xasprintf("%s%s", cm->mountpoint, cgpath + rl);
}

static int mount_v2(const sk_mount_opts *o, const sk_rootfs_ctx *ctx, int rootfd, const char *dest,
                    const char *cfgpath, sk_error **err) {
  if (ctx->ns_flags & CLONE_NEWCGROUP) {
    if (fresh_mount(rootfd, dest, "", o, err) < 0) {
      sk_rootfs_error_path(*err, cfgpath);
      return -1;
    }
    return 0;
  }
  /* No cgroup namespace: bind the container's own cgroup, never the whole hierarchy. */
  _cleanup_fclose_ FILE *f = fopen("/proc/self/cgroup", "re");
  if (!f) return sk_error_set(err, errno, cfgpath, "open /proc/self/cgroup");
  _cleanup_free_ char *line = NULL;
  size_t cap = 0;
  while (getline(&line, &cap, f) > 0) {
    line[strcspn(line, "\n")] = '\0';
    if (strncmp(line, "0::", 3) != 0) continue;
    cg_mount cm;
    _cleanup_free_ char *src = own_dir("", line + 3, &cm);
    if (!src) break;
    if (bind_own(src, rootfd, dest, o, cfgpath, err) < 0) {
      sk_rootfs_error_path(*err, cfgpath);
      return -1;
    }
    return 0;
  }
  return sk_error_set(err, ENOENT, cfgpath,
                      "cannot find the container's cgroup v2 directory from /proc/self/cgroup");
}

static int mount_v1(const sk_mount_opts *o, const sk_rootfs_ctx *ctx, int rootfd, const char *dest,
                    const char *cfgpath, sk_error **err) {
  _cleanup_close_ int destfd = sk_rootfs_mkdest(rootfd, dest, true, err);
  if (destfd < 0) {
    sk_rootfs_error_path(*err, cfgpath);
    return -1;
  }
  char target[64];
  snprintf(target, sizeof(target), "/proc/self/fd/%d", destfd);
  unsigned long flags = (o->flags & ~(unsigned long)MS_RDONLY) | MS_NOSUID | MS_NODEV | MS_NOEXEC;
  if (mount("tmpfs", target, "tmpfs", flags, "mode=755") < 0)
    return sk_error_set(err, errno, cfgpath, "mount the tmpfs for the cgroup hierarchies on \"%s\"",
                        dest);
  _cleanup_close_ int dirfd = sk_path_open_in_root(rootfd, dest, O_PATH | O_DIRECTORY, 0, err);
  if (dirfd < 0) {
    sk_rootfs_error_path(*err, cfgpath);
    return -1;
  }
  _cleanup_fclose_ FILE *f = fopen("/proc/self/cgroup", "re");
  if (!f) return sk_error_set(err, errno, cfgpath, "open /proc/self/cgroup");
  _cleanup_free_ char *line = NULL;
  size_t cap = 0;
  while (getline(&line, &cap, f) > 0) {
    line[strcspn(line, "\n")] = '\0';
    char *c1 = strchr(line, ':');
    char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (!c2) continue;
    *c2 = '\0';
    const char *ctrls = c1 + 1, *cgpath = c2 + 1;
    cg_mount cm;
    if (!find_cg_mount(ctrls, &cm)) {
      sk_debug("%s: cgroup hierarchy \"%s\": not mounted on the host: skipped", cfgpath, ctrls);
      continue;
    }
    const char *slash = strrchr(cm.mountpoint, '/');
    const char *name = slash ? slash + 1 : cm.mountpoint;
    if (!*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) continue;
    bool done = false;
    if (ctx->ns_flags & CLONE_NEWCGROUP) {
      /* In a cgroup namespace a fresh mount's root is the container's own cgroup. */
      _cleanup_error_ sk_error *ferr = NULL;
      done = fresh_mount(dirfd, name, ctrls, o, &ferr) == 0;
      if (!done) sk_debug("%s: %s: %s: binding instead", cfgpath, name, ferr->msg);
    }
    if (!done) {
      _cleanup_free_ char *src = own_dir(ctrls, cgpath, &cm);
      if (!src) {
        sk_debug("%s: cgroup hierarchy \"%s\" (%s): the container's directory is not visible: "
                 "skipped",
                 cfgpath, ctrls, cgpath);
        continue;
      }
      if (bind_own(src, dirfd, name, o, cfgpath, err) < 0) {
        sk_rootfs_error_path(*err, cfgpath);
        return -1;
      }
    }
    /* Co-mounted controllers ("cpu,cpuacct") are also reachable by each name. */
    if (strchr(name, ',')) {
      _cleanup_free_ char *names = sk_xstrdup(name);
      char *save = NULL;
      for (char *t = strtok_r(names, ",", &save); t; t = strtok_r(NULL, ",", &save))
        if (symlinkat(name, dirfd, t) < 0 && errno != EEXIST)
          return sk_error_set(err, errno, cfgpath, "symlink %s/%s", dest, t);
    }
  }
  if (o->flags & MS_RDONLY)
    return sk_rootfs_setattr(dirfd, false, MOUNT_ATTR_RDONLY, 0, 0, dest, err);
  return 0;
}

int sk_mount_cgroup(const oci_mount *m, const sk_mount_opts *o, const sk_rootfs_ctx *ctx,
                    int rootfd, const char *dest, const char *cfgpath, sk_error **err) {
  (void)m;
  struct statfs sfs;
  if (statfs("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC)
    return mount_v2(o, ctx, rootfd, dest, cfgpath, err);
  return mount_v1(o, ctx, rootfd, dest, cfgpath, err);
}

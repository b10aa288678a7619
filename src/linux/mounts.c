/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mounts[]: each entry mounted in order onto a destination resolved inside the rootfs. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "rootfs_internal.h"
#include "skiff/log.h"
#include "skiff/path.h"
#include "skiff/util.h"

#ifndef MQUEUE_MAGIC
#define MQUEUE_MAGIC 0x19800202 /* from the kernel's ipc/mqueue.c */
#endif

/* The only files under /proc a mounts[] entry may cover (anything else there is how a
 * container escapes: /proc/self/attr, /proc/sys/kernel/core_pattern, ...). */
static const char *const proc_allowed[] = {
    "cpuinfo", "diskstats", "meminfo",  "stat",    "swaps",
    "uptime",  "loadavg",   "slabinfo", "net/dev", "sys/kernel/ns_last_pid",
    NULL,
};

static bool is_type(const char *type, const char *name) {
  return type && strcmp(type, name) == 0;
}

static bool on_procfs(int fd) {
  struct statfs sfs;
  return fstatfs(fd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC;
}

/* Refuse to mount over procfs except the files of proc_allowed (and proc over /proc). */
/* The path the kernel gives for fd (in our mount namespace), or false. */
static bool fd_path(int fd, char *buf, size_t size) {
  char link[64];
  snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
  ssize_t n = readlink(link, buf, size - 1);
  if (n < 0) return false;
  buf[n] = '\0';
  return true;
}

static int check_proc_dest(int rootfd, int destfd, const char *type, bool bind, const char *dest,
                           const char *cfgpath, sk_error **err) {
  if (!on_procfs(destfd)) return 0;
  char real[4096], root[4096];
  if (!fd_path(destfd, real, sizeof(real)) || !fd_path(rootfd, root, sizeof(root)))
    return sk_error_set(err, errno, cfgpath, "\"%s\": find the mount point", dest);
  size_t rl = strcmp(root, "/") == 0 ? 0 : strlen(root);
  const char *in = real;
  if (strncmp(real, root, rl) == 0 && (real[rl] == '/' || !real[rl])) in = real + rl;
  if (strcmp(in, "/proc") == 0 && !bind && is_type(type, "proc")) return 0;
  if (strncmp(in, "/proc/", 6) == 0)
    for (size_t i = 0; proc_allowed[i]; i++)
      if (strcmp(in + 6, proc_allowed[i]) == 0) return 0;
  return sk_error_set(err, EPERM, cfgpath,
                      "\"%s\" (%s) is inside procfs: only /proc/{cpuinfo,diskstats,meminfo,stat,"
                      "swaps,uptime,loadavg,slabinfo,net/dev,sys/kernel/ns_last_pid} may be "
                      "mounted over; choose another destination",
                      dest, in);
}

static char *with_label(const oci_config *cfg, const char *type, const char *data) {
  const char *label = cfg->linux ? cfg->linux->mount_label : NULL;
  if (!label || !*label || is_type(type, "proc") || is_type(type, "sysfs") ||
      access("/sys/fs/selinux/enforce", F_OK) < 0)
    return data ? sk_xstrdup(data) : NULL;
  if (data) return sk_xasprintf("%s,context=\"%s\"", data, label);
  return sk_xasprintf("context=\"%s\"", label);
}

static const char *mount_hint(int e, bool bind) {
  switch (e) {
  case ENODEV:
    return ": the kernel does not know this filesystem type (see /proc/filesystems)";
  case EINVAL:
    return bind ? "" : ": check the type and the filesystem options (data) given";
  case ENOENT:
    return ": the source does not exist";
  case EPERM:
    return ": not permitted (in a user namespace only some filesystems can be mounted)";
  default:
    return "";
  }
}

static int apply_propagation(int fd, const sk_mount_opts *o, const char *dest, sk_error **err) {
  for (size_t i = 0; i < o->propagation_len; i++) {
    unsigned long p = o->propagation[i];
    if (sk_rootfs_setattr(fd, p & MS_REC, 0, 0, p & ~(unsigned long)MS_REC, dest, err) < 0)
      return -1;
  }
  return 0;
}

static int bind_mount(size_t i, const oci_mount *m, const sk_mount_opts *o,
                      const sk_rootfs_ctx *ctx, int rootfd, const char *source, const char *cfgpath,
                      sk_error **err) {
  const char *dest = m->destination;
  _cleanup_free_ char *srcpath = NULL;
  _cleanup_free_ char *p_src = sk_xasprintf("%s.source", cfgpath);
  _cleanup_free_ char *p_dst = sk_xasprintf("%s.destination", cfgpath);
  if (!source || !*source)
    return sk_error_set(err, EINVAL, p_src, "a bind mount needs a source path");
  srcpath = sk_mount_source_path(source, ctx);
  _cleanup_close_ int srcfd = open(srcpath, O_PATH | O_CLOEXEC);
  if (srcfd < 0)
    return sk_error_set(err, errno, p_src, "\"%s\": open the bind source%s", srcpath,
                        errno == ENOENT ? " (create it on the host or fix the path)" : "");
  struct stat st;
  if (fstat(srcfd, &st) < 0) return sk_error_set(err, errno, p_src, "\"%s\": stat", srcpath);

  _cleanup_close_ int destfd = sk_rootfs_mkdest(rootfd, dest, S_ISDIR(st.st_mode), err);
  if (destfd < 0) {
    sk_rootfs_error_path(*err, p_dst);
    return -1;
  }
  if (check_proc_dest(rootfd, destfd, "bind", true, dest, p_dst, err) < 0) return -1;

  _cleanup_close_ int mfd = -1;
  if (ctx->mount_fds && ctx->mount_fds[i] >= 0) {
    /* Prepared (idmapped) on the host side by sk_rootfs_prepare_idmapped. */
    mfd = fcntl(ctx->mount_fds[i], F_DUPFD_CLOEXEC, 3);
    if (mfd < 0) return sk_error_set(err, errno, cfgpath, "duplicate the prepared mount fd");
  } else {
    mfd = open_tree(srcfd, "",
                    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH |
                        (o->rbind ? AT_RECURSIVE : 0));
    if (mfd < 0) return sk_error_set(err, errno, p_src, "\"%s\": clone the bind source", srcpath);
    if (o->idmap) {
      _cleanup_close_ int usfd =
          ctx->in_userns ? open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC) : -1;
      if (ctx->in_userns && usfd < 0)
        return sk_error_set(err, errno, cfgpath, "open /proc/self/ns/user");
      if (sk_idmap_apply(mfd, m, o->ridmap, usfd, cfgpath, err) < 0) return -1;
    }
  }
  if (sk_rootfs_setattr(mfd, false, o->attr_set, o->attr_clr, 0, dest, err) < 0 ||
      sk_rootfs_setattr(mfd, true, o->rattr_set, o->rattr_clr, 0, dest, err) < 0 ||
      sk_rootfs_attach(mfd, destfd, dest, err) < 0 || apply_propagation(mfd, o, dest, err) < 0) {
    sk_rootfs_error_path(*err, cfgpath);
    return -1;
  }
  return 0;
}

static int fs_mount(const oci_config *cfg, const oci_mount *m, const sk_mount_opts *o, int rootfd,
                    const char *cfgpath, sk_error **err) {
  const char *dest = m->destination;
  _cleanup_free_ char *p_dst = sk_xasprintf("%s.destination", cfgpath);
  _cleanup_close_ int destfd = sk_rootfs_mkdest(rootfd, dest, true, err);
  if (destfd < 0) {
    sk_rootfs_error_path(*err, p_dst);
    return -1;
  }
  if (check_proc_dest(rootfd, destfd, m->type, false, dest, p_dst, err) < 0) return -1;
  _cleanup_close_ int underfd = -1;
  if (o->tmpcopyup) {
    if (!is_type(m->type, "tmpfs"))
      return sk_error_set(err, EINVAL, cfgpath, "tmpcopyup is only for type tmpfs, not \"%s\"",
                          m->type);
    underfd = openat(destfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (underfd < 0) return sk_error_set(err, errno, p_dst, "\"%s\": open for tmpcopyup", dest);
  }
  _cleanup_free_ char *data = with_label(cfg, m->type, o->data);
  char target[64];
  snprintf(target, sizeof(target), "/proc/self/fd/%d", destfd);
  const char *source = m->source && *m->source ? m->source : m->type;
  if (mount(source, target, m->type, o->flags, data) < 0) {
    int e = errno;
    return sk_error_set(err, e, cfgpath, "mount %s \"%s\" on \"%s\" (options \"%s\")%s", m->type,
                        source, dest, data ? data : "", mount_hint(e, false));
  }
  _cleanup_close_ int newfd = sk_path_open_in_root(rootfd, dest, O_PATH | O_DIRECTORY, 0, err);
  if (newfd < 0) {
    sk_rootfs_error_path(*err, p_dst);
    return -1;
  }
  if (o->tmpcopyup) {
    _cleanup_close_ int tfd = openat(newfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (tfd < 0 || sk_copy_tree(underfd, tfd, err) < 0) {
      if (tfd < 0) sk_error_set(err, errno, NULL, "open the new tmpfs");
      sk_rootfs_error_path(*err, cfgpath);
      return -1;
    }
  }
  if (sk_rootfs_setattr(newfd, true, o->rattr_set, o->rattr_clr, 0, dest, err) < 0 ||
      apply_propagation(newfd, o, dest, err) < 0) {
    sk_rootfs_error_path(*err, cfgpath);
    return -1;
  }
  return 0;
}

#ifndef ST_NOSYMFOLLOW
#define ST_NOSYMFOLLOW 0x2000
#endif

/* The per-mount flags of the mount at fd that mount(2) with MS_REMOUNT would otherwise clear
 * (and, in a user namespace, must keep when the host locked them), minus those the options
 * clear. */
static unsigned long kept_mount_flags(int fd, const sk_mount_opts *o) {
  struct statvfs sv;
  if (fstatvfs(fd, &sv) < 0) return 0;
  static const struct {
    unsigned long st, ms;
    uint64_t attr;
  } map[] = {
      {ST_NOSUID, MS_NOSUID, MOUNT_ATTR_NOSUID},
      {ST_NODEV, MS_NODEV, MOUNT_ATTR_NODEV},
      {ST_NOEXEC, MS_NOEXEC, MOUNT_ATTR_NOEXEC},
      {ST_NODIRATIME, MS_NODIRATIME, MOUNT_ATTR_NODIRATIME},
      {ST_NOSYMFOLLOW, MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW},
  };
  unsigned long keep = 0;
  for (size_t i = 0; i < SK_ARRAY_SIZE(map); i++)
    if ((sv.f_flag & map[i].st) && !(o->attr_clr & map[i].attr)) keep |= map[i].ms;
  if (!(o->attr_clr & MOUNT_ATTR__ATIME)) {
    if (sv.f_flag & ST_NOATIME)
      keep |= MS_NOATIME;
    else if (!(sv.f_flag & ST_RELATIME))
      keep |= MS_STRICTATIME;
  }
  return keep;
}

/* "remount": change an earlier mount at the destination (per-mount flags of a bind, else the
 * filesystem's flags and data). */
static int remount(const oci_mount *m, const sk_mount_opts *o, bool bind, int rootfd,
                   const char *cfgpath, sk_error **err) {
  const char *dest = m->destination;
  _cleanup_free_ char *p_dst = sk_xasprintf("%s.destination", cfgpath);
  _cleanup_close_ int fd = sk_path_open_in_root(rootfd, dest, O_PATH, 0, err);
  if (fd < 0) {
    sk_rootfs_error_path(*err, p_dst);
    return -1;
  }
  if (bind) {
    if (sk_rootfs_setattr(fd, false, o->attr_set, o->attr_clr, 0, dest, err) < 0) goto fail;
  } else {
    char target[64];
    snprintf(target, sizeof(target), "/proc/self/fd/%d", fd);
    unsigned long flags = MS_REMOUNT | o->flags | kept_mount_flags(fd, o);
    if (mount(NULL, target, m->type, flags, o->data) < 0)
      return sk_error_set(
          err, errno, cfgpath, "remount \"%s\" (options \"%s\")%s", dest, o->data ? o->data : "",
          errno == EINVAL ? ": is it a mount point, with a valid type and data?" : "");
  }
  if (sk_rootfs_setattr(fd, true, o->rattr_set, o->rattr_clr, 0, dest, err) < 0 ||
      apply_propagation(fd, o, dest, err) < 0)
    goto fail;
  return 0;
fail:
  sk_rootfs_error_path(*err, cfgpath);
  return -1;
}

/* Whether a destination names the root itself ("/", "//", "/.", "a/.."): mounting over it would
 * hide the rootfs the later entries resolve in. */
static bool is_root_dest(const char *d) {
  _cleanup_free_ char *c = sk_xstrdup(d);
  int depth = 0;
  char *save = NULL;
  for (char *t = strtok_r(c, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
    if (strcmp(t, ".") == 0) continue;
    if (strcmp(t, "..") == 0)
      depth = depth > 0 ? depth - 1 : 0;
    else
      depth++;
  }
  return depth == 0;
}

static int mount_one(const oci_config *cfg, size_t i, const sk_rootfs_ctx *ctx, int rootfd,
                     sk_error **err) {
  const oci_mount *m = &cfg->mounts[i];
  _cleanup_free_ char *cfgpath = sk_xasprintf("mounts[%zu]", i);
  if (!m->destination || !*m->destination) {
    _cleanup_free_ char *p = sk_xasprintf("%s.destination", cfgpath);
    return sk_error_set(err, EINVAL, p, "missing: give the path inside the container");
  }
  if (is_root_dest(m->destination)) {
    _cleanup_free_ char *p = sk_xasprintf("%s.destination", cfgpath);
    return sk_error_set(err, EINVAL, p,
                        "\"%s\" is the container's root: set it with root.path, not mounts",
                        m->destination);
  }
  sk_mount_opts o;
  if (sk_mount_opts_parse(m->options, m->options_len, &o, cfgpath, err) < 0) return -1;
  int r;
  const char *type = m->type;
  if (o.remount) {
    r = remount(m, &o, o.bind || is_type(type, "bind"), rootfd, cfgpath, err);
  } else if (o.bind || is_type(type, "bind")) {
    r = bind_mount(i, m, &o, ctx, rootfd, m->source, cfgpath, err);
  } else if (is_type(type, "cgroup") || is_type(type, "cgroup2")) {
    r = sk_mount_cgroup(m, &o, ctx, rootfd, m->destination, cfgpath, err);
  } else if ((is_type(type, "sysfs") && ctx->in_userns && !(ctx->ns_flags & CLONE_NEWNET)) ||
             (is_type(type, "mqueue") && ctx->in_userns && !(ctx->ns_flags & CLONE_NEWIPC))) {
    /* In a user namespace, sysfs needs its own network namespace and mqueue its own IPC
     * namespace: bind the host's instead, never suid, with devices or executables. */
    const char *host = is_type(type, "sysfs") ? "/sys" : "/dev/mqueue";
    sk_debug("mounts[%zu]: %s in a user namespace without its namespace: rbind %s", i, type, host);
    o.bind = o.rbind = true;
    o.attr_set |= MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
    o.attr_clr &= ~(uint64_t)(MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
    if (o.flags & MS_RDONLY) o.rattr_set |= MOUNT_ATTR_RDONLY;
    struct statfs sfs;
    if (is_type(type, "mqueue") && (statfs(host, &sfs) < 0 || sfs.f_type != MQUEUE_MAGIC)) {
      sk_warn("mounts[%zu]: mqueue cannot be mounted in a user namespace without its own IPC "
              "namespace, and the host has none at /dev/mqueue to bind: skipped (add an \"ipc\" "
              "namespace to linux.namespaces)",
              i);
      r = 0;
    } else {
      r = bind_mount(i, m, &o, ctx, rootfd, host, cfgpath, err);
    }
  } else if (!type || !*type) {
    _cleanup_free_ char *p = sk_xasprintf("%s.type", cfgpath);
    r = sk_error_set(err, EINVAL, p,
                     "missing: give a filesystem type (see /proc/filesystems), or the \"bind\" "
                     "option for a bind mount");
  } else if (o.idmap) {
    r = sk_error_set(err, EINVAL, cfgpath,
                     "idmap/ridmap apply to bind mounts only, not to type \"%s\"", type);
  } else {
    r = fs_mount(cfg, m, &o, rootfd, cfgpath, err);
  }
  sk_mount_opts_free(&o);
  return r;
}

int sk_rootfs_do_mounts(const oci_config *cfg, const sk_rootfs_ctx *ctx, int rootfd,
                        sk_error **err) {
  for (size_t i = 0; i < cfg->mounts_len; i++)
    if (mount_one(cfg, i, ctx, rootfd, err) < 0) return -1;
  return 0;
}

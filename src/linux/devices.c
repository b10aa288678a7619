/* SPDX-License-Identifier: GPL-2.0-or-later */
/* /dev: the default devices of the spec, the /dev links, and linux.devices. Device nodes are
 * made with mknod, or bind-mounted from the host's when in a user namespace. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "rootfs_internal.h"
#include "skiff/log.h"
#include "skiff/path.h"
#include "skiff/util.h"

typedef struct {
  const char *path;
  mode_t type; /* S_IFCHR, S_IFBLK, S_IFIFO */
  dev_t rdev;
  mode_t mode;
  uid_t uid;
  gid_t gid;
} dev_spec;

static const dev_spec default_devices[] = {
    {"/dev/null", S_IFCHR, 0, 0666, 0, 0},    {"/dev/zero", S_IFCHR, 0, 0666, 0, 0},
    {"/dev/full", S_IFCHR, 0, 0666, 0, 0},    {"/dev/random", S_IFCHR, 0, 0666, 0, 0},
    {"/dev/urandom", S_IFCHR, 0, 0666, 0, 0}, {"/dev/tty", S_IFCHR, 0, 0666, 0, 0},
};
static const unsigned default_majmin[][2] = {{1, 3}, {1, 5}, {1, 7}, {1, 8}, {1, 9}, {5, 0}};

/* link, target, what must exist inside the root for the link to be made (runtime-linux.md:
 * "if the source file exists after processing mounts"). */
static const char *const dev_links[][3] = {
    {"/dev/fd", "/proc/self/fd", "/proc/self/fd"},
    {"/dev/stdin", "/proc/self/fd/0", "/proc/self/fd"},
    {"/dev/stdout", "/proc/self/fd/1", "/proc/self/fd"},
    {"/dev/stderr", "/proc/self/fd/2", "/proc/self/fd"},
    {"/dev/core", "/proc/kcore", "/proc/kcore"},
};

static bool same_device(const struct stat *st, const dev_spec *d) {
  return (st->st_mode & S_IFMT) == d->type && (d->type == S_IFIFO || st->st_rdev == d->rdev);
}

/* Bind the host's node of the same path (user namespace: mknod is not allowed). */
static int bind_host_node(int pfd, const char *base, const dev_spec *d, sk_error **err) {
  _cleanup_close_ int src = open(d->path, O_PATH | O_CLOEXEC);
  if (src < 0)
    return sk_error_set(err, errno, NULL,
                        "open the host's %s to bind it (mknod is not allowed in a user namespace)",
                        d->path);
  struct stat st;
  if (fstat(src, &st) < 0 || !same_device(&st, d))
    return sk_error_set(err, ENODEV, NULL,
                        "the host's %s is not the device asked for: cannot bind it in a user "
                        "namespace",
                        d->path);
  _cleanup_close_ int f =
      openat(pfd, base, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
  if (f < 0 && errno != ENXIO && errno != EEXIST)
    return sk_error_set(err, errno, NULL, "create the mount point %s", d->path);
  _cleanup_close_ int dst = openat(pfd, base, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (dst < 0) return sk_error_set(err, errno, NULL, "open the mount point %s", d->path);
  return sk_rootfs_bind_fd(src, dst, false, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, 0, d->path, err);
}

/* Create one device node at d->path inside the root. `replace`: an existing different file is
 * replaced (default devices); else it is an error (linux.devices, as the spec asks). */
static int make_device(int rootfd, const dev_spec *d, bool in_userns, bool replace,
                       sk_error **err) {
  _cleanup_free_ char *d1 = sk_xstrdup(d->path), *d2 = sk_xstrdup(d->path);
  const char *parent = dirname(d1), *base = basename(d2);
  if (!*base || strcmp(base, "/") == 0 || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
    return sk_error_set(err, EINVAL, NULL, "\"%s\" does not name a file", d->path);
  _cleanup_close_ int pfd = sk_path_mkdirs_in_root(rootfd, parent, 0755, err);
  if (pfd < 0) return -1;

  struct stat st;
  if (fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0) {
    if (same_device(&st, d) && !in_userns) goto set_owner;
    if (!replace && !(in_userns && S_ISREG(st.st_mode) && st.st_size == 0))
      return sk_error_set(err, EEXIST, NULL,
                          "\"%s\" already exists in the rootfs and is not the device asked for",
                          d->path);
    if (!(in_userns && S_ISREG(st.st_mode)) && unlinkat(pfd, base, 0) < 0)
      return sk_error_set(err, errno, NULL, "replace the existing \"%s\"", d->path);
  }
  if (in_userns && d->type != S_IFIFO) return bind_host_node(pfd, base, d, err);
  if (mknodat(pfd, base, d->type | (d->mode & 07777), d->rdev) < 0)
    return sk_error_set(err, errno, NULL, "mknod \"%s\"", d->path);
set_owner:
  if (!in_userns && fchownat(pfd, base, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0)
    return sk_error_set(err, errno, NULL, "chown \"%s\" to %u:%u", d->path, d->uid, d->gid);
  /* After chown (which drops set-id bits), and whatever the umask. */
  if (fchmodat(pfd, base, d->mode & 07777, AT_SYMLINK_NOFOLLOW) < 0)
    return sk_error_set(err, errno, NULL, "chmod \"%s\"", d->path);
  return 0;
}

static bool device_listed(const oci_config *cfg, const char *path) {
  if (!cfg->linux) return false;
  for (size_t i = 0; i < cfg->linux->devices_len; i++)
    if (cfg->linux->devices[i].path && strcmp(cfg->linux->devices[i].path, path) == 0) return true;
  return false;
}

static int config_device(const oci_device *cd, size_t i, const sk_rootfs_ctx *ctx, int rootfd,
                         sk_error **err) {
  char p[64];
  dev_spec d = {0};
  snprintf(p, sizeof(p), "linux.devices[%zu].path", i);
  if (!cd->path || cd->path[0] != '/')
    return sk_error_set(err, EINVAL, p, "\"%s\": must be an absolute path",
                        cd->path ? cd->path : "");
  d.path = cd->path;
  snprintf(p, sizeof(p), "linux.devices[%zu].type", i);
  const char *t = cd->type ? cd->type : "";
  if (strcmp(t, "c") == 0 || strcmp(t, "u") == 0)
    d.type = S_IFCHR;
  else if (strcmp(t, "b") == 0)
    d.type = S_IFBLK;
  else if (strcmp(t, "p") == 0)
    d.type = S_IFIFO;
  else
    return sk_error_set(err, EINVAL, p, "\"%s\": must be one of c, b, u, p", t);
  if (d.type != S_IFIFO) {
    if (!cd->has_major || !cd->has_minor || cd->major < 0 || cd->minor < 0 || cd->major > 0xfff ||
        cd->minor > 0xfffff) {
      snprintf(p, sizeof(p), "linux.devices[%zu]", i);
      return sk_error_set(err, EINVAL, p,
                          "major and minor are required for a %s device, and must be within "
                          "0..4095 and 0..1048575",
                          t);
    }
    d.rdev = makedev((unsigned)cd->major, (unsigned)cd->minor);
  }
  d.mode = cd->has_file_mode ? (cd->file_mode & 07777) : 0666;
  d.uid = cd->has_uid ? cd->uid : 0;
  d.gid = cd->has_gid ? cd->gid : 0;
  if (make_device(rootfd, &d, ctx->in_userns, false, err) < 0) {
    snprintf(p, sizeof(p), "linux.devices[%zu].path", i);
    sk_rootfs_error_path(*err, p);
    return -1;
  }
  return 0;
}

/* Whether `path` exists inside the root on a procfs. */
static bool exists_on_proc(int rootfd, const char *path) {
  _cleanup_close_ int fd = sk_path_open_in_root(rootfd, path, O_PATH, 0, NULL);
  struct statfs sfs;
  return fd >= 0 && fstatfs(fd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC;
}

/* A symlink inside the root, unless something is there already. */
static int make_link(int rootfd, const char *path, const char *target, bool replace,
                     sk_error **err) {
  _cleanup_free_ char *d1 = sk_xstrdup(path), *d2 = sk_xstrdup(path);
  _cleanup_close_ int pfd = sk_path_mkdirs_in_root(rootfd, dirname(d1), 0755, err);
  if (pfd < 0) return -1;
  const char *base = basename(d2);
  struct stat st;
  if (fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0) {
    if (!replace || S_ISLNK(st.st_mode) || S_ISDIR(st.st_mode)) return 0;
    if (unlinkat(pfd, base, 0) < 0)
      return sk_error_set(err, errno, NULL, "replace \"%s\" with a symlink", path);
  }
  if (symlinkat(target, pfd, base) < 0 && errno != EEXIST)
    return sk_error_set(err, errno, NULL, "symlink \"%s\" -> \"%s\"", path, target);
  return 0;
}

/* Whether mounts[] binds something (the host's /dev, typically) onto /dev: then nothing is
 * created there, or it would be created in the host's /dev. */
static bool dev_is_bind(const oci_config *cfg) {
  for (size_t i = 0; i < cfg->mounts_len; i++) {
    const oci_mount *m = &cfg->mounts[i];
    const char *d = m->destination ? m->destination : "";
    while (*d == '/')
      d++;
    size_t n = strcspn(d, "/");
    if (n != 3 || strncmp(d, "dev", 3) != 0 || strspn(d + 3, "/") != strlen(d + 3)) continue;
    bool bind = m->type && strcmp(m->type, "bind") == 0;
    for (size_t j = 0; j < m->options_len; j++)
      if (strcmp(m->options[j], "bind") == 0 || strcmp(m->options[j], "rbind") == 0) bind = true;
    if (bind) return true;
  }
  return false;
}

int sk_rootfs_setup_dev(const oci_config *cfg, const sk_rootfs_ctx *ctx, int rootfd,
                        sk_error **err) {
  if (dev_is_bind(cfg)) {
    sk_debug("mounts[] binds onto /dev: no device nodes or links are created there");
    return 0;
  }
  for (size_t i = 0; i < SK_ARRAY_SIZE(default_devices); i++) {
    dev_spec d = default_devices[i];
    if (device_listed(cfg, d.path)) continue;
    d.rdev = makedev(default_majmin[i][0], default_majmin[i][1]);
    if (make_device(rootfd, &d, ctx->in_userns, true, err) < 0) {
      sk_error_prefix(*err, "default device");
      return -1;
    }
  }
  /* /dev/ptmx: the container's devpts multiplexer. */
  if (!device_listed(cfg, "/dev/ptmx") && make_link(rootfd, "/dev/ptmx", "pts/ptmx", true, err) < 0)
    return -1;
  for (size_t i = 0; i < SK_ARRAY_SIZE(dev_links); i++)
    if (exists_on_proc(rootfd, dev_links[i][2]) &&
        make_link(rootfd, dev_links[i][0], dev_links[i][1], false, err) < 0)
      return -1;
  if (cfg->linux)
    for (size_t i = 0; i < cfg->linux->devices_len; i++)
      if (config_device(&cfg->linux->devices[i], i, ctx, rootfd, err) < 0) return -1;
  return 0;
}

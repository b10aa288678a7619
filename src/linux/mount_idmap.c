/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The user namespace an idmapped mount maps through: the mount's own uidMappings/gidMappings
 * (a helper user namespace made for it), else the container's user namespace. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rootfs_internal.h"
#include "skiff/rootfs.h"
#include "skiff/util.h"

static char *format_map(const oci_id_mapping *m, size_t n) {
  char *s = sk_xstrdup("");
  for (size_t i = 0; i < n; i++) {
    char *t = sk_xasprintf("%s%u %u %u\n", s, m[i].container_id, m[i].host_id, m[i].size);
    free(s);
    s = t;
  }
  return s;
}

static int write_proc(const char *pid, const char *file, const char *data, sk_error **err) {
  _cleanup_free_ char *p = sk_xasprintf("/proc/%s/%s", pid, file);
  _cleanup_close_ int fd = open(p, O_WRONLY | O_CLOEXEC);
  if (fd < 0 || sk_write_all(fd, data, strlen(data)) < 0)
    return sk_error_set(err, errno, NULL, "write the helper user namespace's %s", file);
  return 0;
}

/* A user namespace with the given mappings, held by a short-lived child. The child reports
 * its pid as /proc (still the host's, before pivot) sees it: our own pid namespace may differ
 * from /proc's. */
static int helper_userns(const oci_mount *m, sk_error **err) {
  int ready[2], hold[2];
  if (pipe2(ready, O_CLOEXEC) < 0) return sk_error_set(err, errno, NULL, "pipe");
  if (pipe2(hold, O_CLOEXEC) < 0) {
    close(ready[0]);
    close(ready[1]);
    return sk_error_set(err, errno, NULL, "pipe");
  }
  pid_t pid = (pid_t)syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL, NULL, NULL);
  if (pid < 0) {
    int e = errno;
    close(ready[0]), close(ready[1]), close(hold[0]), close(hold[1]);
    return sk_error_set(err, e, NULL, "create a user namespace for the mount's mappings");
  }
  if (pid == 0) {
    char self[32] = "";
    close(ready[0]);
    close(hold[1]);
    ssize_t n = readlink("/proc/self", self, sizeof(self) - 1);
    if (n > 0 && write(ready[1], self, (size_t)n) < 0) _exit(1);
    close(ready[1]);
    char c;
    while (read(hold[0], &c, 1) < 0 && errno == EINTR) {
    }
    _exit(0);
  }
  close(ready[1]);
  close(hold[0]);
  int ret = -1;
  char procpid[32] = "";
  ssize_t n;
  while ((n = read(ready[0], procpid, sizeof(procpid) - 1)) < 0 && errno == EINTR) {
  }
  close(ready[0]);
  if (n <= 0) {
    sk_error_set(err, EIO, NULL, "the helper user namespace process did not start");
  } else {
    procpid[n] = '\0';
    _cleanup_free_ char *um = format_map(m->uid_mappings, m->uid_mappings_len);
    _cleanup_free_ char *gm = format_map(m->gid_mappings, m->gid_mappings_len);
    if (write_proc(procpid, "uid_map", um, err) == 0 &&
        write_proc(procpid, "gid_map", gm, err) == 0) {
      _cleanup_free_ char *p = sk_xasprintf("/proc/%s/ns/user", procpid);
      ret = open(p, O_RDONLY | O_CLOEXEC);
      if (ret < 0) sk_error_set(err, errno, NULL, "open %s", p);
    }
  }
  close(hold[1]);
  while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
  }
  return ret;
}

/* The user namespace the mount maps through: its own mappings (a helper namespace), else
 * `userns_fd` (the container's, or -1 when there is none). Returns a new fd. */
static int mapping_userns(const oci_mount *m, int userns_fd, const char *cfgpath, sk_error **err) {
  bool own = m->uid_mappings_len > 0 || m->gid_mappings_len > 0;
  if (own && (m->uid_mappings_len == 0 || m->gid_mappings_len == 0))
    return sk_error_set(err, EINVAL, cfgpath,
                        "uidMappings and gidMappings must be given together for an idmapped "
                        "mount");
  if (own) {
    int fd = helper_userns(m, err);
    if (fd < 0) sk_rootfs_error_path(*err, cfgpath);
    return fd;
  }
  if (userns_fd < 0)
    return sk_error_set(err, EINVAL, cfgpath,
                        "idmap without uidMappings/gidMappings needs the container to have a "
                        "user namespace: add mappings to the mount or a user namespace to "
                        "linux.namespaces");
  int fd = fcntl(userns_fd, F_DUPFD_CLOEXEC, 3);
  if (fd < 0) return sk_error_set(err, errno, cfgpath, "duplicate the user namespace fd");
  return fd;
}

int sk_idmap_apply(int mfd, const oci_mount *m, bool recursive, int userns_fd, const char *cfgpath,
                   sk_error **err) {
  _cleanup_close_ int usfd = mapping_userns(m, userns_fd, cfgpath, err);
  if (usfd < 0) return -1;
  struct mount_attr a = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)usfd};
  if (mount_setattr(mfd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &a, sizeof(a)) < 0)
    return sk_error_set(err, errno, cfgpath, "idmap the bind of \"%s\"%s",
                        m->source ? m->source : "",
                        errno == EINVAL  ? " (the filesystem does not support idmapped mounts)"
                        : errno == EPERM ? " (needs CAP_SYS_ADMIN over the source filesystem: "
                                           "inside a user namespace, have the runtime prepare it "
                                           "on the host with sk_rootfs_prepare_idmapped)"
                                         : "");
  return 0;
}

int sk_rootfs_prepare_idmapped(const oci_config *cfg, const sk_rootfs_ctx *ctx, int userns_fd,
                               int *fds, sk_error **err) {
  for (size_t i = 0; i < cfg->mounts_len; i++)
    fds[i] = -1;
  for (size_t i = 0; i < cfg->mounts_len; i++) {
    const oci_mount *m = &cfg->mounts[i];
    _cleanup_free_ char *cfgpath = sk_xasprintf("mounts[%zu]", i);
    sk_mount_opts o;
    if (sk_mount_opts_parse(m->options, m->options_len, &o, cfgpath, err) < 0) goto fail;
    bool want = o.idmap && (o.bind || (m->type && strcmp(m->type, "bind") == 0));
    bool rec = o.rbind, ridmap = o.ridmap;
    sk_mount_opts_free(&o);
    if (!want || !m->source || !*m->source) continue;
    _cleanup_free_ char *src = sk_mount_source_path(m->source, ctx);
    _cleanup_close_ int srcfd = open(src, O_PATH | O_CLOEXEC);
    if (srcfd < 0) {
      _cleanup_free_ char *p = sk_xasprintf("%s.source", cfgpath);
      sk_error_set(err, errno, p, "\"%s\": open the bind source", src);
      goto fail;
    }
    int mfd = open_tree(
        srcfd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | (rec ? AT_RECURSIVE : 0));
    if (mfd < 0) {
      sk_error_set(err, errno, cfgpath, "\"%s\": clone the bind source", src);
      goto fail;
    }
    fds[i] = mfd;
    if (sk_idmap_apply(mfd, m, ridmap, userns_fd, cfgpath, err) < 0) goto fail;
  }
  return 0;
fail:
  for (size_t i = 0; i < cfg->mounts_len; i++)
    if (fds[i] >= 0) close(fds[i]), fds[i] = -1;
  return -1;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The user namespace an idmapped mount maps through: the mount's own uidMappings/gidMappings
 * (a helper user namespace made for it), else the container's user namespace. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rootfs_internal.h"
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

int sk_idmap_userns_fd(const oci_mount *m, const sk_rootfs_ctx *ctx, const char *cfgpath,
                       sk_error **err) {
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
  if (!ctx->in_userns)
    return sk_error_set(err, EINVAL, cfgpath,
                        "idmap without uidMappings/gidMappings needs the container to have a "
                        "user namespace: add mappings to the mount or a user namespace to "
                        "linux.namespaces");
  int fd = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return sk_error_set(err, errno, cfgpath, "open /proc/self/ns/user");
  return fd;
}

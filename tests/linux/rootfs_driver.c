/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test helper: build a container's filesystem view from a bundle without the lifecycle.
 *
 *   rootfs_driver [--no-pivot] [--prepare-idmap] [--console] BUNDLE CMD [ARG...]
 *   rootfs_driver --mount-options        (prints sk_mount_option_names(), one a line)
 *
 * Loads BUNDLE/config.json, unshares the namespaces of linux.namespaces (paths are ignored;
 * mount and pid always), maps the user namespace with linux.uidMappings/gidMappings,
 * forks the container's pid 1, which calls sk_rootfs_setup, sk_rootfs_pivot and
 * sk_rootfs_finalize and execs CMD.
 * --prepare-idmap: the parent makes the idmapped mounts (sk_rootfs_prepare_idmapped) once the
 * user namespace is mapped, and passes them to the child over a socket, as the runtime does.
 * --console: after setup, a pty is opened on the container's devpts and bound to /dev/console.
 * Errors are printed "rootfs_driver: <config path>: <message>: <strerror>", exit status 125.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "skiff/log.h"
#include "skiff/oci.h"
#include "skiff/rootfs.h"
#include "skiff/util.h"

/* Until the real log lands (and then the real one wins: this one is weak). */
__attribute__((weak)) void sk_log(sk_log_level level, const char *fmt, ...) {
  if (level == SK_LOG_DEBUG && !getenv("SKIFF_TEST_DEBUG")) return;
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "rootfs_driver: debug: ");
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

static int report(sk_error *e) {
  for (; e; e = e->next) {
    char *s = sk_error_format(e);
    fprintf(stderr, "rootfs_driver: %s\n", s);
    free(s);
  }
  return 125;
}

static int ns_flag(const char *type) {
  static const struct {
    const char *name;
    int flag;
  } t[] = {{"mount", CLONE_NEWNS},     {"pid", CLONE_NEWPID},     {"uts", CLONE_NEWUTS},
           {"ipc", CLONE_NEWIPC},      {"network", CLONE_NEWNET}, {"user", CLONE_NEWUSER},
           {"cgroup", CLONE_NEWCGROUP}};
  for (size_t i = 0; i < SK_ARRAY_SIZE(t); i++)
    if (strcmp(type, t[i].name) == 0) return t[i].flag;
  return 0;
}

static void write_map(pid_t pid, const char *file, const oci_id_mapping *m, size_t n) {
  char path[64], buf[4096] = "";
  snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
  for (size_t i = 0; i < n; i++)
    snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%u %u %u\n", m[i].container_id,
             m[i].host_id, m[i].size);
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write(fd, buf, strlen(buf)) < 0) perror(path);
  if (fd >= 0) close(fd);
}

/* Send the valid fds of fds[0..n) with their indexes; at least one byte is always sent. */
static int send_fds(int sock, const int *fds, size_t n) {
  int32_t idx[200];
  int sendfds[200];
  size_t k = 0;
  for (size_t i = 0; i < n && k < 200; i++)
    if (fds && fds[i] >= 0) idx[k] = (int32_t)i, sendfds[k++] = fds[i];
  char byte = 'x';
  struct iovec iov[2] = {{&byte, 1}, {idx, k * sizeof(int32_t)}};
  union {
    char buf[CMSG_SPACE(sizeof(sendfds))];
    struct cmsghdr align;
  } u;
  struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 2};
  if (k) {
    msg.msg_control = u.buf;
    msg.msg_controllen = CMSG_SPACE(k * sizeof(int));
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(k * sizeof(int));
    memcpy(CMSG_DATA(c), sendfds, k * sizeof(int));
  }
  return sendmsg(sock, &msg, 0) < 0 ? -1 : 0;
}

/* Receive what send_fds sent into fds[0..n) (-1 elsewhere). */
static int recv_fds(int sock, int *fds, size_t n) {
  int32_t idx[200];
  char byte;
  struct iovec iov[2] = {{&byte, 1}, {idx, sizeof(idx)}};
  union {
    char buf[CMSG_SPACE(200 * sizeof(int))];
    struct cmsghdr align;
  } u;
  struct msghdr msg = {
      .msg_iov = iov, .msg_iovlen = 2, .msg_control = u.buf, .msg_controllen = sizeof(u.buf)};
  ssize_t r = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
  if (r < 1) return -1;
  for (size_t i = 0; i < n; i++)
    fds[i] = -1;
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  if (c && c->cmsg_type == SCM_RIGHTS) {
    size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    int got[200];
    memcpy(got, CMSG_DATA(c), k * sizeof(int));
    for (size_t j = 0; j < k; j++)
      if ((size_t)idx[j] < n) fds[idx[j]] = got[j];
  }
  return 0;
}

static int wait_status(pid_t pid) {
  int st;
  while (waitpid(pid, &st, 0) < 0)
    if (errno != EINTR) return 125;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int main(int argc, char **argv) {
  bool no_pivot = false, prepare = false, console = false;
  int i = 1;
  for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
    if (strcmp(argv[i], "--no-pivot") == 0) no_pivot = true;
    if (strcmp(argv[i], "--prepare-idmap") == 0) prepare = true;
    if (strcmp(argv[i], "--console") == 0) console = true;
    if (strcmp(argv[i], "--mount-options") == 0) {
      for (const char *const *n = sk_mount_option_names(); *n; n++)
        puts(*n);
      return 0;
    }
  }
  if (argc - i < 2) {
    fprintf(stderr, "usage: rootfs_driver [--no-pivot] BUNDLE CMD [ARG...]\n");
    return 2;
  }
  char bundle[PATH_MAX], rootfs[PATH_MAX];
  if (!realpath(argv[i], bundle)) {
    perror(argv[i]);
    return 125;
  }
  char **cmd = argv + i + 1;
  _cleanup_error_ sk_error *err = NULL;
  _cleanup_oci_config_ oci_config *cfg = NULL;
  _cleanup_free_ char *cfgpath = sk_xasprintf("%s/config.json", bundle);
  if (oci_config_load(cfgpath, &cfg, &err) < 0) return report(err);
  _cleanup_free_ char *rp = cfg->root->path[0] == '/'
                                ? sk_xstrdup(cfg->root->path)
                                : sk_xasprintf("%s/%s", bundle, cfg->root->path);
  if (!realpath(rp, rootfs)) {
    perror(rp);
    return 125;
  }

  int flags = CLONE_NEWNS | CLONE_NEWPID;
  if (cfg->linux)
    for (size_t n = 0; n < cfg->linux->namespaces_len; n++)
      flags |= ns_flag(cfg->linux->namespaces[n].type);
  sk_rootfs_ctx ctx = {.rootfs = rootfs,
                       .bundle = bundle,
                       .no_pivot = no_pivot,
                       .in_userns = flags & CLONE_NEWUSER,
                       .ns_flags = flags};

  int sync[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sync) < 0) return 125;
  _cleanup_free_ int *mount_fds = sk_xcalloc(cfg->mounts_len + 1, sizeof(int));
  pid_t child = fork();
  if (child < 0) return 125;
  if (child == 0) {
    close(sync[1]);
    if (unshare(flags) < 0) {
      perror("unshare");
      _exit(125);
    }
    /* The parent wrote the id maps (and maybe made the idmapped mounts). */
    if (recv_fds(sync[0], mount_fds, cfg->mounts_len) < 0) _exit(125);
    if (prepare) ctx.mount_fds = mount_fds;
    if ((flags & CLONE_NEWUSER) && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)) {
      perror("setresuid");
      _exit(125);
    }
    pid_t init = fork(); /* pid 1 of the new pid namespace */
    if (init < 0) _exit(125);
    if (init == 0) {
      if (sk_rootfs_setup(cfg, &ctx, &err) < 0 || sk_rootfs_pivot(&ctx, &err) < 0) _exit(report(err));
      if (console) {
        int ptm = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
        char *name = ptm >= 0 && unlockpt(ptm) == 0 ? ptsname(ptm) : NULL;
        int pts = name ? open(name, O_RDWR | O_NOCTTY | O_CLOEXEC) : -1;
        if (pts < 0) {
          perror("open a pty in the container");
          _exit(125);
        }
        if (sk_rootfs_bind_console(pts, &err) < 0) _exit(report(err));
      }
      if (sk_rootfs_finalize(cfg, &ctx, &err) < 0) _exit(report(err));
      execvp(cmd[0], cmd);
      perror(cmd[0]);
      _exit(127);
    }
    _exit(wait_status(init));
  }
  close(sync[0]);
  /* Wait for the unshare: the child's user namespace differs from ours. */
  if (flags & CLONE_NEWUSER) {
    char a[64], b[64], p[64];
    ssize_t la = readlink("/proc/self/ns/user", a, sizeof(a) - 1);
    snprintf(p, sizeof(p), "/proc/%d/ns/user", (int)child);
    for (int tries = 0; tries < 5000; tries++) {
      ssize_t lb = readlink(p, b, sizeof(b) - 1);
      if (la > 0 && lb > 0 && (lb != la || memcmp(a, b, (size_t)la) != 0)) break;
      usleep(1000);
    }
    if (cfg->linux) {
      write_map(child, "uid_map", cfg->linux->uid_mappings, cfg->linux->uid_mappings_len);
      write_map(child, "gid_map", cfg->linux->gid_mappings, cfg->linux->gid_mappings_len);
    }
  }
  for (size_t n = 0; n < cfg->mounts_len; n++)
    mount_fds[n] = -1;
  if (prepare) {
    char p[64];
    snprintf(p, sizeof(p), "/proc/%d/ns/user", (int)child);
    _cleanup_close_ int userns = (flags & CLONE_NEWUSER) ? open(p, O_RDONLY | O_CLOEXEC) : -1;
    if (sk_rootfs_prepare_idmapped(cfg, &ctx, userns, mount_fds, &err) < 0) {
      kill(child, SIGKILL);
      wait_status(child);
      return report(err);
    }
  }
  if (send_fds(sync[1], mount_fds, cfg->mounts_len) < 0) return 125;
  for (size_t n = 0; n < cfg->mounts_len; n++)
    if (mount_fds[n] >= 0) close(mount_fds[n]);
  close(sync[1]);
  return wait_status(child);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NOTIFY_SOCKET (sd_notify) for containers, as runc proxies it. When skiff runs with
 * NOTIFY_SOCKET set, `create` makes <state>/notify/ and binds it into the container at
 * /run/notify, with NOTIFY_SOCKET=/run/notify/notify.sock in the program's environment.
 * `start` (with NOTIFY_SOCKET set in its own environment) binds the datagram socket there
 * before it releases the program, passes every message on to the host's socket, and returns
 * once the program said READY=1 (or died). go-runc and podman strip NOTIFY_SOCKET from the
 * runtime's environment, so for them none of this happens.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "internal.h"
#include "skiff/util.h"

#define NOTIFY_DIR "notify"
#define NOTIFY_IN_CONTAINER "/run/notify"

/* The host's socket, when it is a path we can reach (not an abstract one). */
static const char *host_socket(void) {
  const char *s = getenv("NOTIFY_SOCKET");
  return s && s[0] == '/' && strlen(s) < sizeof(((struct sockaddr_un *)0)->sun_path) ? s : NULL;
}

static char **strv_append(char **v, size_t *n, char *s) {
  v = sk_xrealloc(v, (*n + 2) * sizeof(char *));
  v[(*n)++] = s;
  v[*n] = NULL;
  return v;
}

int sk_notify_prepare(sk_building *b, sk_error **err) {
  if (!host_socket()) return 0;
  if (mkdirat(b->dir->dirfd, NOTIFY_DIR, 0755) < 0)
    return sk_error_errno(err, "NOTIFY_SOCKET: create the notify directory in the state directory");
  /* The program may run as any user: the socket's directory lets everyone in. */
  if (fchmodat(b->dir->dirfd, NOTIFY_DIR, 0777, 0) < 0)
    return sk_error_errno(err, "NOTIFY_SOCKET: chmod the notify directory");
  oci_config *c = b->cfg;
  c->mounts = sk_xrealloc(c->mounts, (c->mounts_len + 1) * sizeof(*c->mounts));
  oci_mount *m = &c->mounts[c->mounts_len++];
  memset(m, 0, sizeof(*m));
  m->destination = sk_xstrdup(NOTIFY_IN_CONTAINER);
  m->source = sk_xasprintf("%s/" NOTIFY_DIR, b->dir->path);
  m->type = sk_xstrdup("bind");
  static const char *const opts[] = {"bind", "nosuid", "nodev", "noexec"};
  for (size_t i = 0; i < SK_ARRAY_SIZE(opts); i++)
    m->options = strv_append(m->options, &m->options_len, sk_xstrdup(opts[i]));
  oci_process *p = c->process;
  for (size_t i = 0; i < p->env_len; i++)
    if (strncmp(p->env[i], "NOTIFY_SOCKET=", 14) == 0) {
      free(p->env[i]);
      p->env[i] = sk_xstrdup("NOTIFY_SOCKET=" NOTIFY_IN_CONTAINER "/notify.sock");
      return 0;
    }
  p->env = strv_append(p->env, &p->env_len, sk_xstrdup("NOTIFY_SOCKET=" NOTIFY_IN_CONTAINER "/notify.sock"));
  return 0;
}

int sk_notify_listen(sk_container_dir *dir, sk_error **err) {
  struct stat st;
  if (!host_socket() || fstatat(dir->dirfd, NOTIFY_DIR, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
      !S_ISDIR(st.st_mode))
    return -2; /* nothing to do */
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  int n = snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/" NOTIFY_DIR "/notify.sock", dir->path);
  if (n < 0 || (size_t)n >= sizeof(sa.sun_path))
    return sk_error_set(err, ENAMETOOLONG, NULL, "NOTIFY_SOCKET: the state path is too long");
  unlink(sa.sun_path);
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(sa.sun_path, 0777) < 0) {
    int e = errno;
    if (fd >= 0) close(fd);
    return sk_error_set(err, e, NULL, "NOTIFY_SOCKET: bind %s", sa.sun_path);
  }
  return fd;
}

static bool says_ready(const char *msg, size_t len) {
  for (size_t i = 0; i < len;) {
    size_t e = i;
    while (e < len && msg[e] != '\n')
      e++;
    if (e - i == 7 && memcmp(msg + i, "READY=1", 7) == 0) return true;
    i = e + 1;
  }
  return false;
}

int sk_notify_forward(int fd, pid_t pid, sk_error **err) {
  const char *host = host_socket();
  struct sockaddr_un to = {.sun_family = AF_UNIX};
  memcpy(to.sun_path, host, strlen(host) + 1);
  _cleanup_close_ int out = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  _cleanup_close_ int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (out < 0 || pfd < 0) return sk_error_errno(err, "NOTIFY_SOCKET: prepare the proxy");
  for (;;) {
    struct pollfd p[2] = {{.fd = fd, .events = POLLIN}, {.fd = pfd, .events = POLLIN}};
    if (poll(p, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return sk_error_errno(err, "NOTIFY_SOCKET: wait for the container");
    }
    if (p[0].revents & POLLIN) {
      char buf[4096];
      ssize_t r = recv(fd, buf, sizeof(buf), 0);
      if (r > 0) {
        if (sendto(out, buf, (size_t)r, MSG_NOSIGNAL, (struct sockaddr *)&to, sizeof(to)) < 0)
          return sk_error_set(err, errno, NULL, "NOTIFY_SOCKET: pass a message on to %s", host);
        if (says_ready(buf, (size_t)r)) return 0;
      }
      continue;
    }
    if (p[1].revents) return 0; /* the program ended without READY=1 */
  }
}

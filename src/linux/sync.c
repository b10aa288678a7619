/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Parent <-> init messages over a SOCK_SEQPACKET socketpair. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>

#include "skiff/sync.h"
#include "skiff/util.h"

int sk_sync_pair(int fds[2], sk_error **err) {
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0)
    return sk_error_errno(err, "create the sync socketpair");
  return 0;
}

int sk_sync_send(int fd, sk_sync_type type, const void *data, uint32_t len, sk_error **err) {
  sk_sync_msg m = {.type = type, .len = len};
  if (len > sizeof(m.data)) len = m.len = sizeof(m.data);
  if (len) memcpy(m.data, data, len);
  ssize_t w;
  do {
    w = send(fd, &m, offsetof(sk_sync_msg, data) + len, MSG_NOSIGNAL);
  } while (w < 0 && errno == EINTR);
  if (w < 0) return sk_error_errno(err, "send to the container init");
  return 0;
}

int sk_sync_recv(int fd, sk_sync_msg *m, sk_error **err) {
  ssize_t r;
  do {
    r = recv(fd, m, sizeof(*m), 0);
  } while (r < 0 && errno == EINTR);
  if (r < 0) return sk_error_errno(err, "receive from the container init");
  if (r == 0)
    return sk_error_set(err, EPIPE, NULL, "the container init exited before it was set up");
  if ((size_t)r < offsetof(sk_sync_msg, data) || m->len != (size_t)r - offsetof(sk_sync_msg, data))
    return sk_error_set(err, EPROTO, NULL, "malformed message from the container init");
  return 0;
}

/* Error wire format: for each error of the chain: "errnum\0path\0msg\0" (path may be empty). */
void sk_sync_send_error(int fd, const sk_error *e) {
  char buf[sizeof(((sk_sync_msg *)0)->data)];
  size_t n = 0;
  for (; e; e = e->next) {
    int w = snprintf(buf + n, sizeof(buf) - n, "%d%c%s%c%s", e->errnum, 0, e->path ? e->path : "",
                     0, e->msg ? e->msg : "");
    if (w < 0 || (size_t)w + 1 >= sizeof(buf) - n) break;
    n += (size_t)w + 1;
  }
  sk_sync_send(fd, SK_SYNC_ERROR, buf, (uint32_t)n, NULL);
}

int sk_sync_decode_error(const sk_sync_msg *m, sk_error **err) {
  size_t i = 0;
  int count = 0;
  while (i < m->len) {
    const char *num = m->data + i;
    size_t l1 = strnlen(num, m->len - i);
    if (i + l1 + 1 >= m->len) break;
    const char *path = num + l1 + 1;
    size_t l2 = strnlen(path, m->len - i - l1 - 1);
    if (i + l1 + l2 + 2 >= m->len) break;
    const char *msg = path + l2 + 1;
    size_t l3 = strnlen(msg, m->len - i - l1 - l2 - 2);
    char msgbuf[sizeof(m->data)];
    memcpy(msgbuf, msg, l3);
    msgbuf[l3] = 0;
    sk_error_set(err, atoi(num), *path ? path : NULL, "%s", msgbuf);
    count++;
    i += l1 + l2 + l3 + 3;
  }
  if (!count) sk_error_set(err, 0, NULL, "the container init failed (no reason given)");
  return -1;
}

int sk_sync_expect(int fd, sk_sync_type want, sk_sync_msg *m, sk_error **err) {
  if (sk_sync_recv(fd, m, err) < 0) return -1;
  if (m->type == SK_SYNC_ERROR) return sk_sync_decode_error(m, err);
  if (m->type != (uint32_t)want)
    return sk_error_set(err, EPROTO, NULL, "unexpected message %u from the container init (wanted %d)",
                        m->type, want);
  return 0;
}

ssize_t sk_sendmsg_fds(int sock, const void *buf, size_t len, const int *fds, size_t n) {
  if (n > SK_SYNC_MAX_FDS) return errno = E2BIG, -1;
  struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
  union {
    char buf[CMSG_SPACE(sizeof(int) * SK_SYNC_MAX_FDS)];
    struct cmsghdr align;
  } ctl;
  memset(&ctl, 0, sizeof(ctl));
  struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
  if (n) {
    mh.msg_control = ctl.buf;
    mh.msg_controllen = CMSG_SPACE(sizeof(int) * n);
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * n);
    memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
  }
  ssize_t w;
  do {
    w = sendmsg(sock, &mh, MSG_NOSIGNAL);
  } while (w < 0 && errno == EINTR);
  return w;
}

ssize_t sk_recvmsg_fds(int sock, void *buf, size_t len, int *fds, size_t max, size_t *n) {
  *n = 0;
  struct iovec iov = {.iov_base = buf, .iov_len = len};
  union {
    char buf[CMSG_SPACE(sizeof(int) * SK_SYNC_MAX_FDS)];
    struct cmsghdr align;
  } ctl;
  struct msghdr mh = {
      .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf)};
  ssize_t r;
  do {
    r = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
  } while (r < 0 && errno == EINTR);
  if (r < 0) return r;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < k; i++) {
      int got;
      memcpy(&got, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
      if (*n < max) fds[(*n)++] = got;
      else close(got);
    }
  }
  if (mh.msg_flags & (MSG_CTRUNC | MSG_TRUNC)) {
    for (size_t i = 0; i < *n; i++)
      close(fds[i]);
    *n = 0;
    return errno = EPROTO, -1;
  }
  return r;
}

int sk_sync_send_fds(int fd, sk_sync_type type, const void *data, uint32_t len, const int *fds,
                     size_t n, sk_error **err) {
  sk_sync_msg m = {.type = type, .len = len};
  if (len > sizeof(m.data)) len = m.len = sizeof(m.data);
  if (len) memcpy(m.data, data, len);
  if (sk_sendmsg_fds(fd, &m, offsetof(sk_sync_msg, data) + len, fds, n) < 0)
    return sk_error_errno(err, "send file descriptors to the container init");
  return 0;
}

int sk_sync_expect_fds(int fd, sk_sync_type want, sk_sync_msg *m, int *fds, size_t *n,
                       sk_error **err) {
  ssize_t r = sk_recvmsg_fds(fd, m, sizeof(*m), fds, SK_SYNC_MAX_FDS, n);
  if (r < 0) return sk_error_errno(err, "receive from the parent");
  if (r == 0) return sk_error_set(err, EPIPE, NULL, "the peer exited");
  if ((size_t)r < offsetof(sk_sync_msg, data) || m->len != (size_t)r - offsetof(sk_sync_msg, data))
    return sk_error_set(err, EPROTO, NULL, "malformed message with file descriptors");
  if (m->type == SK_SYNC_ERROR) return sk_sync_decode_error(m, err);
  if (m->type != (uint32_t)want)
    return sk_error_set(err, EPROTO, NULL, "unexpected message %u (wanted %d)", m->type, want);
  return 0;
}

int sk_unix_connect(const char *path, const char *option, sk_error **err) {
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  if (strlen(path) >= sizeof(sa.sun_path))
    return sk_error_set(err, ENAMETOOLONG, NULL, "%s %s: the path is too long", option, path);
  memcpy(sa.sun_path, path, strlen(path) + 1);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return sk_error_set(err, errno, NULL, "%s: create a socket", option);
  if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
    int e = errno;
    close(fd);
    return sk_error_set(err, e, NULL, "%s %s: connect (is the caller listening on it?)", option,
                        path);
  }
  return fd;
}

int sk_send_pidfd(const char *path, pid_t pid, sk_error **err) {
  int sock = sk_unix_connect(path, "--pidfd-socket", err);
  if (sock < 0) return -1;
  int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
  int r = 0;
  if (pfd < 0) r = sk_error_set(err, errno, NULL, "--pidfd-socket: pidfd_open(%d)", (int)pid);
  else if (sk_sendmsg_fds(sock, "pidfd", 5, &pfd, 1) < 0)
    r = sk_error_set(err, errno, NULL, "--pidfd-socket %s: send the pidfd", path);
  if (pfd >= 0) close(pfd);
  close(sock);
  return r;
}

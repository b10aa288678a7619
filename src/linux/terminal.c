/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * process.terminal. The pty comes from the container's devpts (so its name is valid inside),
 * allocated by the init after pivot_root. Its primary side leaves the container at once: over
 * the caller's --console-socket (containerd, conmon), or over an internal socketpair to a
 * foreground `skiff run`, which copies between it and its own stdio.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "skiff/rootfs.h"
#include "skiff/sync.h"
#include "skiff/terminal.h"
#include "skiff/util.h"

int sk_console_connect(const char *path, sk_error **err) {
  return sk_unix_connect(path, "--console-socket", err);
}

int sk_terminal_recv_master(int sock, sk_error **err) {
  char name[4096];
  int fds[SK_SYNC_MAX_FDS];
  size_t n;
  ssize_t r = sk_recvmsg_fds(sock, name, sizeof(name), fds, SK_SYNC_MAX_FDS, &n);
  if (r < 0) return sk_error_errno(err, "receive the container's pty");
  if (n == 1) return fds[0];
  for (size_t i = 0; i < n; i++)
    close(fds[i]);
  return sk_error_set(err, EPROTO, "process.terminal", "the container init sent %zu fds, not a pty", n);
}

int sk_terminal_setup(const oci_process *p, int console_sock, bool bind_console, sk_error **err) {
  _cleanup_close_ int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0)
    return sk_error_set(err, errno, "process.terminal",
                        "open /dev/ptmx in the container (is devpts mounted on /dev/pts?)");
  int unlock = 0;
  unsigned int n;
  if (ioctl(master, TIOCSPTLCK, &unlock) < 0 || ioctl(master, TIOCGPTN, &n) < 0)
    return sk_error_set(err, errno, "process.terminal", "unlock the pty");
  /* The peer by fd, not by a path lookup in a filesystem the container controls. */
  int tty = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (tty < 0) return sk_error_set(err, errno, "process.terminal", "open the pty's secondary side");
  if (p->console_size) {
    struct winsize ws = {.ws_row = (unsigned short)p->console_size->height,
                         .ws_col = (unsigned short)p->console_size->width};
    if (ioctl(tty, TIOCSWINSZ, &ws) < 0) {
      sk_error_set(err, errno, "process.consoleSize", "set the terminal size");
      goto fail;
    }
  }
  /* The user's program owns its terminal, as on a login. */
  if (p->user && p->user->has_uid) {
    if (fchown(tty, p->user->uid, (gid_t)-1) < 0) {
      sk_error_set(err, errno, "process.user.uid", "chown the terminal");
      goto fail;
    }
  }
  if (bind_console && sk_rootfs_bind_console(tty, err) < 0) goto fail;
  char name[32];
  snprintf(name, sizeof(name), "/dev/pts/%u", n);
  if (sk_sendmsg_fds(console_sock, name, strlen(name), &master, 1) < 0) {
    sk_error_set(err, errno, "process.terminal", "send the pty over the console socket");
    goto fail;
  }
  return tty;
fail:
  close(tty);
  return -1;
}

int sk_terminal_attach(int tty_fd, sk_error **err) {
  int r = 0;
  if (setsid() < 0) r = sk_error_errno(err, "start a session for the terminal (setsid)");
  else if (ioctl(tty_fd, TIOCSCTTY, 0) < 0)
    r = sk_error_set(err, errno, "process.terminal", "make the pty the controlling terminal");
  for (int i = 0; r == 0 && i < 3; i++)
    if (dup2(tty_fd, i) < 0) r = sk_error_set(err, errno, "process.terminal", "make the pty fd %d", i);
  close(tty_fd);
  return r;
}

/* ---- the foreground proxy ------------------------------------------------------------- */

static void copy_size(int master) {
  struct winsize ws;
  if (master >= 0 && ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0) ioctl(master, TIOCSWINSZ, &ws);
}

/* Copy what is there; false at EOF or error (EIO: every secondary side is closed). */
static bool pump(int from, int to) {
  char buf[16384];
  ssize_t r = read(from, buf, sizeof(buf));
  if (r < 0 && (errno == EINTR || errno == EAGAIN)) return true;
  if (r <= 0) return false;
  return sk_write_all(to, buf, (size_t)r) == 0;
}

int sk_terminal_proxy(int master, pid_t init, const sigset_t *set) {
  _cleanup_close_ int sfd = signalfd(-1, set, SFD_CLOEXEC);
  struct termios saved;
  bool raw = false;
  if (master >= 0) {
    if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0) {
      struct termios t = saved;
      cfmakeraw(&t);
      raw = tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0;
      copy_size(master);
    }
    fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
  }
  bool in_open = master >= 0, out_open = master >= 0;
  int status = -1;
  while (status < 0) {
    struct pollfd pf[3] = {{.fd = sfd, .events = POLLIN},
                           {.fd = in_open ? STDIN_FILENO : -1, .events = POLLIN},
                           {.fd = out_open ? master : -1, .events = POLLIN}};
    if (poll(pf, 3, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (pf[2].revents) out_open = pump(master, STDOUT_FILENO);
    if (pf[1].revents) in_open = pump(STDIN_FILENO, master);
    if (!pf[0].revents) continue;
    struct signalfd_siginfo si;
    if (read(sfd, &si, sizeof(si)) != sizeof(si)) continue;
    int sig = (int)si.ssi_signo;
    if (sig == SIGWINCH) {
      copy_size(master);
    } else if (sig != SIGCHLD) {
      kill(init, sig);
    } else {
      int ws;
      pid_t pid;
      while ((pid = waitpid(-1, &ws, WNOHANG)) > 0)
        if (pid == init) status = ws;
    }
  }
  /* What the program wrote last is still in the pty. */
  while (out_open && pump(master, STDOUT_FILENO)) {
    struct pollfd pf = {.fd = master, .events = POLLIN};
    if (poll(&pf, 1, 0) <= 0) break;
  }
  if (raw) tcsetattr(STDIN_FILENO, TCSANOW, &saved);
  return status < 0 ? (255 << 8) : status;
}

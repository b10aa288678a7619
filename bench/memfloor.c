/* SPDX-License-Identifier: GPL-2.0-or-later */
/* memfloor PROCS PROGRAM [ARGS...]: fork; the child joins the cgroup whose cgroup.procs file is
 * PROCS (writing "0": itself) and execs PROGRAM; exit with its status (128+signal when killed).
 * The least any runtime must do to start a program in a memory cgroup, so that bench.py can
 * show what the kernel charges the cgroup for that alone (the "floor" row). Static and tiny:
 * what the child faults in after joining is a few pages of its stack. */
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  pid_t p = fork();
  if (p < 0) return 2;
  if (p == 0) {
    int fd = open(argv[1], O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, "0", 1) != 1) _exit(2);
    close(fd);
    execv(argv[2], argv + 2);
    _exit(127);
  }
  int st;
  if (waitpid(p, &st, 0) < 0) return 2;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* maxrss CMD ARGS...: run CMD, print its peak RSS in KiB (wait4's ru_maxrss) and the CPU time
 * (user + system, microseconds, of CMD and the children it reaped) on fd $MAXRSS_FD, exit with
 * its status. A tiny static launcher, so that the RSS it reports is CMD's, not the forking
 * parent's (exec records the old image's high-water mark too). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  pid_t p = fork();
  if (p == 0) {
    execvp(argv[1], argv + 1);
    _exit(127);
  }
  int st;
  struct rusage ru;
  if (wait4(p, &st, 0, &ru) < 0) return 2;
  const char *fd = getenv("MAXRSS_FD");
  long cpu = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000L + ru.ru_utime.tv_usec +
             ru.ru_stime.tv_usec;
  dprintf(fd ? atoi(fd) : 3, "%ld %ld\n", ru.ru_maxrss, cpu);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A static probe copied into test rootfses by seccomp.bats: make raw syscalls, print results.
 *   sc-probe NR [ARG0 [ARG1 ...]] ...   one syscall per group, groups separated by "--"
 * prints, per syscall, "ok" or "errno=N" on a line of its own. Numbers are decimal or 0x hex. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv) {
  int i = 1;
  while (i < argc) {
    long nr = strtol(argv[i++], NULL, 0), a[6] = {0};
    int n = 0;
    while (i < argc && strcmp(argv[i], "--") != 0 && n < 6)
      a[n++] = (long)strtoull(argv[i++], NULL, 0);
    if (i < argc && strcmp(argv[i], "--") == 0) i++;
    errno = 0;
    long r = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
    if (r < 0)
      printf("errno=%d\n", errno);
    else
      printf("ok\n");
    fflush(stdout);
  }
  return 0;
}

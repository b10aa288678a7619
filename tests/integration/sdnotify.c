/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sdnotify MESSAGE: send MESSAGE to $NOTIFY_SOCKET (a datagram unix socket), as sd_notify does.
 * Built static by the tests and copied into a test rootfs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv) {
  const char *path = getenv("NOTIFY_SOCKET");
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  if (argc != 2 || !path || strlen(path) >= sizeof(sa.sun_path)) {
    fprintf(stderr, "usage: NOTIFY_SOCKET=PATH sdnotify MESSAGE\n");
    return 2;
  }
  strcpy(sa.sun_path, path);
  int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
  if (fd < 0 || sendto(fd, argv[1], strlen(argv[1]), 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
    perror("sdnotify");
    return 1;
  }
  return 0;
}

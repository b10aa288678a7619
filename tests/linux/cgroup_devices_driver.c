/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Test helper of src/cgroup/v2_devices.c (run by tests/integration/cgroup.bats under cgroup v2):
 *
 *   cgroup_devices_driver MOUNT REL [allow|deny TYPE MAJOR MINOR ACCESS]...
 *
 * attaches the program of the rules given (MAJOR/MINOR -1: any) to the cgroup MOUNT/REL the
 * way skiff does (replacing what is attached there), then prints the ids of the device
 * programs attached to it, one a line. Exit status 1 with the error on stderr. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcntl.h>
#include <unistd.h>

#include "../../src/cgroup/internal.h"
#include "skiff/util.h"

int main(int argc, char **argv) {
  if (argc < 3 || (argc - 3) % 5) {
    fprintf(stderr, "usage: %s MOUNT REL [allow|deny TYPE MAJOR MINOR ACCESS]...\n", argv[0]);
    return 2;
  }
  sk_dev_rules l = {.rules = sk_xcalloc((size_t)(argc - 3) / 5 + 1, sizeof(sk_dev_rule))};
  for (int i = 3; i < argc; i += 5) {
    sk_dev_rule *r = &l.rules[l.n++];
    r->allow = strcmp(argv[i], "allow") == 0;
    r->type = argv[i + 1][0];
    r->major = atoll(argv[i + 2]);
    r->minor = atoll(argv[i + 3]);
    for (const char *p = argv[i + 4]; *p; p++)
      r->access |= *p == 'r' ? SK_DEV_R : *p == 'w' ? SK_DEV_W : *p == 'm' ? SK_DEV_M : 0;
    snprintf(r->field, sizeof(r->field), "rule %d", (i - 3) / 5);
  }
  sk_cg_dir d = {.mount = argv[1], .ctrls = (char *)"", .rel = argv[2]};
  sk_error *err = NULL;
  int ret = sk_cg_v2_devices(&d, &l, &err);
  free(l.rules);
  if (ret == 0) {
    _cleanup_free_ char *path = sk_xasprintf("%s/%s", argv[1], argv[2]);
    _cleanup_close_ int cfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    uint32_t ids[64];
    size_t n = 0;
    ret = sk_cg_v2_device_progs(cfd, ids, 64, &n, &err);
    for (size_t i = 0; ret == 0 && i < n; i++)
      printf("%u\n", ids[i]);
  }
  if (ret < 0) {
    _cleanup_free_ char *msg = sk_error_format(err);
    fprintf(stderr, "%s\n", msg);
    sk_error_free(err);
    return 1;
  }
  return 0;
}

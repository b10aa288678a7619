/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A test driver for the state library (src/state/state.c), built by state-lib.bats
 * against the libskiff-core.a next to $SKIFF:
 *   state-tool create ROOT ID PID HOLD   create + save (status created), hold the lock HOLD s
 *   state-tool open ROOT ID HOLD         lock, print "locked", hold HOLD s
 *   state-tool remove ROOT ID [HOLD]     lock, print "locked", wait HOLD s, remove
 *   state-tool status ROOT ID STATUS     lock + load + set status + save
 * Errors: "state-tool: <message>" on stderr, exit 1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "skiff/state.h"
#include "skiff/util.h"

static int fail(sk_error *e) {
  char *m = sk_error_format(e);
  fprintf(stderr, "state-tool: %s\n", m);
  free(m);
  sk_error_free(e);
  return 1;
}

int main(int argc, char **argv) {
  sk_error *err = NULL;
  sk_container_dir *d = NULL;
  if (argc < 4) return 2;
  const char *cmd = argv[1], *root = argv[2], *id = argv[3];
  if (strcmp(cmd, "create") == 0 && argc == 6) {
    if (sk_state_create_dir(root, id, &d, &err) < 0) return fail(err);
    sk_state s = {0};
    s.id = (char *)id;
    s.oci_version = (char *)"1.3.0";
    s.bundle = (char *)"/b";
    s.rootfs = (char *)"/b/rootfs";
    s.pid = atoi(argv[4]);
    s.pid_start = sk_proc_start_time(s.pid);
    s.created = sk_state_now();
    s.owner = (char *)"";
    s.status = SK_STATUS_CREATED;
    char *ann[] = {(char *)"k", (char *)"v \"quoted\"", NULL};
    s.annotations = ann;
    int r = sk_state_save(d, &s, &err);
    free(s.created);
    if (r < 0) return fail(err);
    printf("created\n");
    fflush(stdout);
    sleep((unsigned)atoi(argv[5]));
    sk_state_close_dir(d);
    return 0;
  }
  if (strcmp(cmd, "open") == 0 && argc == 5) {
    if (sk_state_open_dir(root, id, &d, &err) < 0) return fail(err);
    printf("locked\n");
    fflush(stdout);
    sleep((unsigned)atoi(argv[4]));
    sk_state_close_dir(d);
    return 0;
  }
  if (strcmp(cmd, "remove") == 0) {
    if (sk_state_open_dir(root, id, &d, &err) < 0) return fail(err);
    printf("locked\n");
    fflush(stdout);
    if (argc > 4) sleep((unsigned)atoi(argv[4]));
    return sk_state_remove_dir(d, &err) < 0 ? fail(err) : 0;
  }
  if (strcmp(cmd, "status") == 0 && argc == 5) {
    sk_state *s = NULL;
    if (sk_state_open_dir(root, id, &d, &err) < 0 || sk_state_load(d, &s, &err) < 0)
      return fail(err);
    if (strcmp(argv[4], "running") == 0) s->status = SK_STATUS_RUNNING;
    if (strcmp(argv[4], "stopped") == 0) s->status = SK_STATUS_STOPPED;
    int r = sk_state_save(d, s, &err);
    sk_state_free(s);
    sk_state_close_dir(d);
    return r < 0 ? fail(err) : 0;
  }
  return 2;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Lifecycle entry points not built yet: each fails with "not implemented yet". */
#include <errno.h>

#include "skiff/container.h"

#define NOT_YET(err, what) sk_error_set((err), 0, NULL, "%s: not implemented yet", (what))

int sk_container_create(const sk_globals *g, const sk_create_opts *o, sk_error **err) {
  (void)g, (void)o;
  return NOT_YET(err, "create");
}
int sk_container_start(const sk_globals *g, const char *id, sk_error **err) {
  (void)g, (void)id;
  return NOT_YET(err, "start");
}
int sk_container_run(const sk_globals *g, const sk_create_opts *o, int *st, sk_error **err) {
  (void)g, (void)o, (void)st;
  return NOT_YET(err, "run");
}
int sk_container_kill(const sk_globals *g, const char *id, int signo, bool all, sk_error **err) {
  (void)g, (void)id, (void)signo, (void)all;
  return NOT_YET(err, "kill");
}
int sk_container_delete(const sk_globals *g, const char *id, bool force, sk_error **err) {
  (void)g, (void)id, (void)force;
  return NOT_YET(err, "delete");
}
int sk_container_exec(const sk_globals *g, const sk_exec_opts *o, int *st, sk_error **err) {
  (void)g, (void)o, (void)st;
  return NOT_YET(err, "exec");
}

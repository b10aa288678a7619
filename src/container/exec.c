/* SPDX-License-Identifier: GPL-2.0-or-later */
/* exec: a new process in a running container (the exec issue builds it). */
#include "internal.h"

int sk_container_exec(const sk_globals *g, const sk_exec_opts *o, int *st, sk_error **err) {
  (void)g, (void)o, (void)st;
  return sk_error_set(err, 0, NULL, "exec: not implemented yet");
}

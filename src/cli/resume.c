/* SPDX-License-Identifier: GPL-2.0-or-later */
/* skiff resume <container-id> (not implemented yet: fails with exit 1) */
#include "commands.h"
#include "skiff/util.h"

static const sk_cmd_info info = {"resume", "<container-id>",
                                 "Resume all processes of a paused container (thaw its cgroup)."};

int sk_cmd_resume(sk_cli *cli, int argc, char **argv, sk_error **err) {
  (void)cli;
  _cleanup_free_ char **pos = NULL;
  int npos = 0;
  int r = sk_cli_parse(&info, NULL, 0, argc, argv, 0, 1, 1, &pos, &npos, err);
  if (r != SK_OPTS_OK) return r < 0 ? -1 : 0;
  if (sk_cli_check_id(pos[0], err) < 0) return -1;
  return sk_cli_not_implemented("resume", err);
}

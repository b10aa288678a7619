/* SPDX-License-Identifier: GPL-2.0-or-later */
/* skiff start <container-id> */
#include "commands.h"
#include "skiff/util.h"

static const sk_cmd_info info = {"start", "<container-id>",
                                 "Run the user process of a created container (see 'create')."};

int sk_cmd_start(sk_cli *cli, int argc, char **argv, sk_error **err) {
  _cleanup_free_ char **pos = NULL;
  int npos = 0;
  int r = sk_cli_parse(&info, NULL, 0, argc, argv, 0, 1, 1, &pos, &npos, err);
  if (r != SK_OPTS_OK) return r < 0 ? -1 : 0;
  if (sk_cli_check_id(pos[0], err) < 0) return -1;
  return sk_container_start(&cli->g, pos[0], err) < 0 ? -1 : 0;
}

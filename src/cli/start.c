/* SPDX-License-Identifier: GPL-2.0-or-later */
/* skiff start <container-id> */
#include "commands.h"
#include "skiff/util.h"

const sk_cmd_info sk_info_start = {"start", "execute the user process of a created container",
                                   "<container-id>",
                                   "Run the user process of a created container (see 'create')."};

int sk_cmd_start(sk_cli *cli, int argc, char **argv, sk_error **err) {
  const char *id = NULL;
  int r = sk_cli_parse_id(&sk_info_start, NULL, 0, argc, argv, &id, err);
  if (r != SK_OPTS_OK) return r < 0 ? -1 : 0;
  return sk_container_start(&cli->g, id, err) < 0 ? -1 : 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* skiff pause <container-id> */
#include "commands.h"

const sk_cmd_info sk_info_pause = {
    "pause", "pause all processes of the container", "<container-id>",
    "Suspend all processes of a running (or created) container: freeze its cgroup and wait\n"
    "until every process is frozen. If that fails, the container is thawed again. The status\n"
    "is \"paused\" until `resume`. SIGKILL (kill, delete --force) still ends a paused container."};

int sk_cmd_pause(sk_cli *cli, int argc, char **argv, sk_error **err) {
  const char *id = NULL;
  int r = sk_cli_parse_id(&sk_info_pause, NULL, 0, argc, argv, &id, err);
  if (r != SK_OPTS_OK) return r < 0 ? -1 : 0;
  return sk_container_pause(&cli->g, id, err) < 0 ? -1 : 0;
}

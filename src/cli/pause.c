/* SPDX-License-Identifier: GPL-2.0-or-later */
/* skiff pause <container-id> (not implemented yet: fails with exit 1) */
#include "commands.h"

const sk_cmd_info sk_info_pause = {"pause", "pause all processes of the container",
                                   "<container-id>",
                                   "Suspend all processes of the container (freeze its cgroup)."};

int sk_cmd_pause(sk_cli *cli, int argc, char **argv, sk_error **err) {
  (void)cli;
  return sk_cli_not_implemented_id(&sk_info_pause, argc, argv, err);
}

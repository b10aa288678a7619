/* SPDX-License-Identifier: GPL-2.0-or-later */
/* skiff resume <container-id> (not implemented yet: fails with exit 1) */
#include "commands.h"

const sk_cmd_info sk_info_resume = {
    "resume", "resume all processes that have been paused", "<container-id>",
    "Resume all processes of a paused container (thaw its cgroup)."};

int sk_cmd_resume(sk_cli *cli, int argc, char **argv, sk_error **err) {
  (void)cli;
  return sk_cli_not_implemented_id(&sk_info_resume, argc, argv, err);
}

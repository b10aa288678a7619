/* SPDX-License-Identifier: GPL-2.0-or-later */
/* skiff resume <container-id> */
#include "commands.h"

const sk_cmd_info sk_info_resume = {
    "resume", "resume all processes that have been paused", "<container-id>",
    "Resume all processes of a paused container: thaw its cgroup and wait until it is thawed.\n"
    "Signals sent to the container while it was paused act now."};

int sk_cmd_resume(sk_cli *cli, int argc, char **argv, sk_error **err) {
  const char *id = NULL;
  int r = sk_cli_parse_id(&sk_info_resume, NULL, 0, argc, argv, &id, err);
  if (r != SK_OPTS_OK) return r < 0 ? -1 : 0;
  return sk_container_resume(&cli->g, id, err) < 0 ? -1 : 0;
}

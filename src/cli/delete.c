/* SPDX-License-Identifier: GPL-2.0-or-later */
/* skiff delete [--force] <container-id> */
#include "commands.h"
#include "skiff/util.h"

const sk_cmd_info sk_info_delete = {
    "delete", "delete any resources held by the container", "[command options] <container-id>",
    "Delete the container's state and resources. A running container is refused unless\n"
    "--force, which kills it first. 'delete --force' of an unknown id succeeds."};

int sk_cmd_delete(sk_cli *cli, int argc, char **argv, sk_error **err) {
  bool force = false;
  const sk_option opts[] = {
      {"force", 'f', SK_OPT_BOOL, &force, NULL,
       "kill the container (SIGKILL) if it is still running, then delete it"},
  };
  const char *id = NULL;
  int r = SK_CLI_PARSE_ID(&sk_info_delete, opts, argc, argv, &id, err);
  if (r != SK_OPTS_OK) return r < 0 ? -1 : 0;
  return sk_container_delete(&cli->g, id, force, err) < 0 ? -1 : 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* skiff delete [--force] <container-id> */
#include "commands.h"
#include "skiff/util.h"

static const sk_cmd_info info = {
    "delete", "[command options] <container-id>",
    "Delete the container's state and resources. A running container is refused unless\n"
    "--force, which kills it first. 'delete --force' of an unknown id succeeds."};

int sk_cmd_delete(sk_cli *cli, int argc, char **argv, sk_error **err) {
  bool force = false;
  const sk_option opts[] = {
      {"force", 'f', SK_OPT_BOOL, &force, NULL,
       "kill the container (SIGKILL) if it is still running, then delete it"},
  };
  _cleanup_free_ char **pos = NULL;
  int npos = 0;
  int r = SK_CLI_PARSE(&info, opts, argc, argv, 0, 1, 1, &pos, &npos, err);
  if (r != SK_OPTS_OK) return r < 0 ? -1 : 0;
  if (sk_cli_check_id(pos[0], err) < 0) return -1;
  return sk_container_delete(&cli->g, pos[0], force, err) < 0 ? -1 : 0;
}

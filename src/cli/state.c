/* SPDX-License-Identifier: GPL-2.0-or-later */
/* skiff state <container-id>: the OCI state JSON on stdout. */
#include <stdio.h>

#include "commands.h"
#include "skiff/state.h"
#include "skiff/util.h"

const sk_cmd_info sk_info_state = {
    "state", "output the state of a container (JSON)", "<container-id>",
    "Print the state of the container as JSON (ociVersion, id, pid, status, bundle, rootfs,\n"
    "created, annotations, owner). pid is 0 and status \"stopped\" once the init has exited."};

int sk_cmd_state(sk_cli *cli, int argc, char **argv, sk_error **err) {
  const char *id = NULL;
  int r = sk_cli_parse_id(&sk_info_state, NULL, 0, argc, argv, &id, err);
  if (r != SK_OPTS_OK) return r < 0 ? -1 : 0;
  sk_state *s = NULL;
  if (sk_state_read(cli->g.root, id, &s, err) < 0) return -1;
  sk_container_refresh(cli->g.root, s);
  free(s->owner);
  s->owner = sk_xstrdup(""); /* runc leaves owner empty in state */
  _cleanup_free_ char *json = sk_state_to_json(s, true);
  sk_state_free(s);
  printf("%s\n", json);
  return sk_cli_flush_stdout("state", err);
}

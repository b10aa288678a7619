/* SPDX-License-Identifier: GPL-2.0-or-later */
/* skiff create [options] <container-id> */
#include "commands.h"
#include "skiff/util.h"

const sk_cmd_info sk_info_create = {
    "create", "create a container", "[command options] <container-id>",
    "Create a container from the bundle (config.json + rootfs) and leave its init waiting:\n"
    "'skiff start' runs the user process. The container id must be unique within the root."};

int sk_cmd_create(sk_cli *cli, int argc, char **argv, sk_error **err) {
  sk_create_opts o = {.bundle = "."};
  bool detach = false; /* go-runc may send it; create is always detached */
  const sk_option opts[] = {
      SK_CREATE_OPTIONS(o),
      {"detach", 'd', SK_OPT_BOOL, &detach, NULL, NULL},
  };
  int r = SK_CLI_PARSE_ID(&sk_info_create, opts, argc, argv, &o.id, err);
  if (r != SK_OPTS_OK) return r < 0 ? -1 : 0;
  if (sk_container_create(&cli->g, &o, err) < 0) return -1;
  return 0;
}

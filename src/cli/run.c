/* SPDX-License-Identifier: GPL-2.0-or-later */
/* skiff run [options] <container-id>: create + start, in the foreground unless --detach. */
#include "commands.h"
#include "skiff/util.h"

const sk_cmd_info sk_info_run = {
    "run", "create and run a container", "[command options] <container-id>",
    "Create and start a container from the bundle. In the foreground (the default) skiff\n"
    "waits for the container, forwards signals to it, exits with its exit status (128+N\n"
    "when killed by signal N) and deletes it unless --keep. --detach returns once started."};

int sk_cmd_run(sk_cli *cli, int argc, char **argv, sk_error **err) {
  sk_create_opts o = {.bundle = "."};
  const sk_option opts[] = {
      SK_CREATE_OPTIONS(o),
      {"detach", 'd', SK_OPT_BOOL, &o.detach, NULL, "detach from the container's process"},
      {"keep", 0, SK_OPT_BOOL, &o.keep, NULL, "do not delete the container after it exits"},
      {"no-subreaper", 0, SK_OPT_BOOL, &o.no_subreaper, NULL,
       "do not make skiff a subreaper of the container's processes"},
  };
  int r = SK_CLI_PARSE_ID(&sk_info_run, opts, argc, argv, &o.id, err);
  if (r != SK_OPTS_OK) return r < 0 ? -1 : 0;
  int status = 0;
  if (sk_container_run(&cli->g, &o, &status, err) < 0) return -1;
  return status;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* skiff ps [--format table|json] <container-id> [ps options] (not implemented yet) */
#include <string.h>

#include "commands.h"
#include "skiff/util.h"

const sk_cmd_info sk_info_ps = {
    "ps", "show the processes running inside the container",
    "[command options] <container-id> [ps options]",
    "Show the processes of the container: --format json prints a JSON array of host pids,\n"
    "table runs ps(1) (default options -ef) filtered to the container's processes.\n"
    "Options must precede the container id; what follows it goes to ps(1)."};

int sk_cmd_ps(sk_cli *cli, int argc, char **argv, sk_error **err) {
  (void)cli;
  const char *format = "table";
  const sk_option opts[] = {
      {"format", 'f', SK_OPT_STRING, &format, "table|json", "output format (default table)"},
  };
  _cleanup_free_ char **pos = NULL;
  int npos = 0;
  int r = SK_CLI_PARSE(&sk_info_ps, opts, argc, argv, SK_OPTS_STOP_AT_ARG, 1, -1, &pos, &npos, err);
  if (r != SK_OPTS_OK) return r < 0 ? -1 : 0;
  if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)
    return sk_error_set(err, 0, NULL, "invalid format \"%s\": use table or json", format);
  if (sk_cli_check_id(pos[0], err) < 0) return -1;
  return sk_cli_not_implemented("ps", err);
}

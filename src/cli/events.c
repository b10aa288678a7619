/* SPDX-License-Identifier: GPL-2.0-or-later */
/* skiff events [--stats] [--interval D] <container-id> (not implemented yet) */
#include "commands.h"
#include "skiff/util.h"

static const sk_cmd_info info = {
    "events", "[command options] <container-id>",
    "Print container events (stats, oom) as JSON objects, one a line, every --interval;\n"
    "--stats prints the statistics once and exits."};

int sk_cmd_events(sk_cli *cli, int argc, char **argv, sk_error **err) {
  (void)cli;
  const char *interval = "5s";
  bool stats = false;
  const sk_option opts[] = {
      {"interval", 0, SK_OPT_STRING, &interval, "DURATION",
       "interval between stats events (default 5s)"},
      {"stats", 0, SK_OPT_BOOL, &stats, NULL, "print the container's statistics once"},
  };
  _cleanup_free_ char **pos = NULL;
  int npos = 0;
  int r = SK_CLI_PARSE(&info, opts, argc, argv, 0, 1, 1, &pos, &npos, err);
  if (r != SK_OPTS_OK) return r < 0 ? -1 : 0;
  if (sk_cli_check_id(pos[0], err) < 0) return -1;
  return sk_cli_not_implemented("events", err);
}

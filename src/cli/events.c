/* SPDX-License-Identifier: GPL-2.0-or-later */
/* skiff events [--stats] [--interval D] <container-id> (not implemented yet) */
#include "commands.h"
#include "skiff/util.h"

const sk_cmd_info sk_info_events = {
    "events", "display container events such as OOM notifications and stats",
    "[command options] <container-id>",
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
  const char *id = NULL;
  int r = SK_CLI_PARSE_ID(&sk_info_events, opts, argc, argv, &id, err);
  if (r != SK_OPTS_OK) return r < 0 ? -1 : 0;
  return sk_cli_not_implemented("events", err);
}

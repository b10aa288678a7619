/* SPDX-License-Identifier: GPL-2.0-or-later */
/* skiff kill [--all] <container-id> [signal] */
#include "commands.h"
#include "skiff/signals.h"
#include "skiff/util.h"

#include <signal.h>

const sk_cmd_info sk_info_kill = {
    "kill", "send a signal to the container's init process",
    "[command options] <container-id> [signal]",
    "Send a signal (default SIGTERM) to the container's init process. The signal is a\n"
    "number or a name, with or without SIG, in any case (9, KILL, SIGkill, RTMIN+3).\n"
    "Options must precede the container id."};

int sk_cmd_kill(sk_cli *cli, int argc, char **argv, sk_error **err) {
  bool all = false;
  const sk_option opts[] = {
      {"all", 'a', SK_OPT_BOOL, &all, NULL,
       "send the signal to every process of the container (its cgroup)"},
  };
  _cleanup_free_ char **pos = NULL;
  int npos = 0;
  int r =
      SK_CLI_PARSE(&sk_info_kill, opts, argc, argv, SK_OPTS_STOP_AT_ARG, 1, 2, &pos, &npos, err);
  if (r != SK_OPTS_OK) return r < 0 ? -1 : 0;
  if (sk_cli_check_id(pos[0], err) < 0) return -1;
  int signo = SIGTERM;
  if (npos > 1 && sk_signal_parse(pos[1], &signo, err) < 0) return -1;
  return sk_container_kill(&cli->g, pos[0], signo, all, err) < 0 ? -1 : 0;
}

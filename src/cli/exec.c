/* SPDX-License-Identifier: GPL-2.0-or-later */
/* skiff exec [options] <container-id> [--] <command> [args...] */
#include <string.h>

#include "commands.h"
#include "skiff/util.h"

const sk_cmd_info sk_info_exec = {
    "exec", "execute a new process inside the container",
    "[command options] <container-id> [--] <command> [args...]",
    "Run a new process in a running container: the command line, or a full OCI process\n"
    "JSON with --process. Options must precede the container id. Exits with the status of\n"
    "the process in the foreground, 0 with --detach once it started, 255 when skiff fails."};

int sk_cmd_exec(sk_cli *cli, int argc, char **argv, sk_error **err) {
  sk_exec_opts o = {0};
  sk_strv env = {0}, gids = {0}, caps = {0}, cgroups = {0};
  const sk_option opts[] = {
      {"process", 'p', SK_OPT_STRING, &o.process_file, "FILE",
       "OCI process JSON (args, env, cwd, user, ...); the command line is then ignored"},
      {"tty", 't', SK_OPT_BOOL, &o.tty, NULL, "allocate a pseudo-terminal"},
      {"console-socket", 0, SK_OPT_STRING, &o.console_socket, "PATH",
       "AF_UNIX socket to which the pty master is sent (with --tty --detach)"},
      {"pidfd-socket", 0, SK_OPT_STRING, &o.pidfd_socket, "PATH",
       "AF_UNIX socket to which a pidfd of the process is sent"},
      {"detach", 'd', SK_OPT_BOOL, &o.detach, NULL, "detach from the process once it started"},
      {"pid-file", 0, SK_OPT_STRING, &o.pid_file, "PATH",
       "write the host pid of the process to PATH"},
      {"cwd", 0, SK_OPT_STRING, &o.cwd, "DIR", "working directory in the container"},
      {"env", 'e', SK_OPT_LIST, &env, "KEY=VALUE", "set an environment variable"},
      {"user", 'u', SK_OPT_STRING, &o.user, "UID[:GID]", "user (and group) to run as"},
      {"additional-gids", 'g', SK_OPT_LIST, &gids, "GID", "additional group id"},
      {"cap", 'c', SK_OPT_LIST, &caps, "CAP", "add a capability (e.g. CAP_NET_ADMIN)"},
      {"no-new-privs", 0, SK_OPT_BOOL, &o.no_new_privs, NULL, "set no_new_privs for the process"},
      {"process-label", 0, SK_OPT_STRING, &o.process_label, "LABEL",
       "SELinux label of the process"},
      {"apparmor", 0, SK_OPT_STRING, &o.apparmor, "PROFILE", "AppArmor profile of the process"},
      {"preserve-fds", 0, SK_OPT_INT, &o.preserve_fds, "N",
       "pass N additional fds (3 .. 3+N-1) into the process"},
      {"ignore-paused", 0, SK_OPT_BOOL, &o.ignore_paused, NULL,
       "allow exec in a paused container (the process starts paused)"},
      {"cgroup", 0, SK_OPT_LIST, &cgroups, "[CONTROLLER[,CONTROLLER...]:]PATH",
       "run the process in this existing sub-cgroup of the container's (v1: of these controllers)"},
  };
  _cleanup_free_ char **pos = NULL;
  int npos = 0;
  int ret = -1;
  int r =
      SK_CLI_PARSE(&sk_info_exec, opts, argc, argv, SK_OPTS_STOP_AT_ARG, 1, -1, &pos, &npos, err);
  if (r != SK_OPTS_OK) {
    ret = r < 0 ? -1 : 0;
    goto out;
  }
  o.id = pos[0];
  if (sk_cli_check_id(o.id, err) < 0) goto out;
  char **args = pos + 1;
  if (args[0] && strcmp(args[0], "--") == 0) args++;
  if (!o.process_file && !args[0]) {
    sk_error_set(err, 0, NULL,
                 "exec: no command given: pass it after the container id, or use --process FILE");
    goto out;
  }
  o.args = args[0] ? args : NULL;
  o.env = env.v;
  o.additional_gids = gids.v;
  o.caps = caps.v;
  o.cgroups = cgroups.v;
  /* From here on a failure is a runtime error: exit 255 (runc; contract §5). */
  cli->error_exit = 255;
  int status = 0;
  if (sk_container_exec(&cli->g, &o, &status, err) == 0) ret = status;
out:
  sk_strv_clear(&env);
  sk_strv_clear(&gids);
  sk_strv_clear(&caps);
  sk_strv_clear(&cgroups);
  return ret;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* skiff restore [options] <container-id> (not implemented yet)
 *
 * go-runc sends `-no-subreaper` with one dash; podman probes `restore --lsm-mount-context`
 * without a value and looks for "flag needs an argument" (the option parser's wording). */
#include "commands.h"
#include "criu-options.h"
#include "skiff/util.h"

const sk_cmd_info sk_info_restore = {
    "restore", "restore a container from a checkpoint (not implemented yet)",
    "[command options] <container-id>",
    "Restore a container from a CRIU checkpoint (like create/run). Not implemented yet."};

int sk_cmd_restore(sk_cli *cli, int argc, char **argv, sk_error **err) {
  (void)cli;
  sk_criu_opts c = {0};
  sk_create_opts o = {.bundle = "."};
  const char *lsm_profile = NULL, *lsm_mount_context = NULL;
  bool tcp_close = false;
  const sk_option opts[] = {
      SK_CRIU_OPTIONS(c),
      SK_CREATE_OPTIONS(o),
      {"detach", 'd', SK_OPT_BOOL, &o.detach, NULL, "detach from the container's process"},
      {"no-subreaper", 0, SK_OPT_BOOL, &o.no_subreaper, NULL,
       "do not make skiff a subreaper of the container's processes"},
      {"tcp-close", 0, SK_OPT_BOOL, &tcp_close, NULL, "close established TCP connections"},
      {"lsm-profile", 0, SK_OPT_STRING, &lsm_profile, "TYPE:NAME",
       "LSM profile of the restored process (apparmor:NAME or selinux:LABEL)"},
      {"lsm-mount-context", 0, SK_OPT_STRING, &lsm_mount_context, "CONTEXT",
       "SELinux mount context of the restored container's mounts"},
  };
  int r = SK_CLI_PARSE_ID(&sk_info_restore, opts, argc, argv, &o.id, err);
  sk_strv_clear(&c.empty_ns);
  if (r != SK_OPTS_OK) return r < 0 ? -1 : 0;
  return sk_cli_not_implemented("restore", err);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* skiff checkpoint [options] <container-id> (not implemented yet)
 *
 * podman probes checkpoint support with `R checkpoint --help` and takes exit 0 as "supported"
 * (contract §11.10). Until checkpointing works, `checkpoint --help` prints the help and then
 * fails with exit 1 and "checkpoint: not implemented yet", so podman does not offer it. */
#include "commands.h"
#include "criu-options.h"
#include "skiff/util.h"

const sk_cmd_info sk_info_checkpoint = {
    "checkpoint", "checkpoint a running container (not implemented yet)",
    "[command options] <container-id>",
    "Checkpoint a running container with CRIU. Not implemented yet: this command (and its\n"
    "--help) exits 1, which tells callers that probe it that checkpointing is unsupported."};

int sk_cmd_checkpoint(sk_cli *cli, int argc, char **argv, sk_error **err) {
  (void)cli;
  sk_criu_opts c = {0};
  const char *parent_path = NULL, *page_server = NULL;
  bool leave_running = false, pre_dump = false, tcp_skip_in_flight = false, link_remap = false;
  int status_fd = -1;
  const sk_option opts[] = {
      SK_CRIU_OPTIONS(c),
      {"parent-path", 0, SK_OPT_STRING, &parent_path, "DIR",
       "previous (pre-dump) images, relative to --image-path"},
      {"leave-running", 0, SK_OPT_BOOL, &leave_running, NULL,
       "leave the container running after the checkpoint"},
      {"pre-dump", 0, SK_OPT_BOOL, &pre_dump, NULL, "dump the memory only, leave it running"},
      {"page-server", 0, SK_OPT_STRING, &page_server, "ADDR:PORT",
       "send the pages to a CRIU page server"},
      {"status-fd", 0, SK_OPT_INT, &status_fd, "FD",
       "fd to which a \\0 is written when lazy pages are ready"},
      {"tcp-skip-in-flight", 0, SK_OPT_BOOL, &tcp_skip_in_flight, NULL,
       "skip in-flight TCP connections"},
      {"link-remap", 0, SK_OPT_BOOL, &link_remap, NULL, "allow one to link unlinked files back"},
  };
  const char *id = NULL;
  int r = SK_CLI_PARSE_ID(&sk_info_checkpoint, opts, argc, argv, &id, err);
  sk_strv_clear(&c.empty_ns);
  if (r < 0) return -1;
  /* r == SK_OPTS_HELP: the help is printed; fail anyway (see the top of the file). */
  return sk_cli_not_implemented("checkpoint", err);
}

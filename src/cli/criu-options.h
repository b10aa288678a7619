/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Options shared by checkpoint and restore (private to src/cli). */
#ifndef SKIFF_CLI_CRIU_OPTIONS_H
#define SKIFF_CLI_CRIU_OPTIONS_H

#include "options.h"

typedef struct sk_criu_opts {
  const char *image_path, *work_path, *manage_cgroups_mode;
  bool tcp_established, ext_unix_sk, shell_job, file_locks, lazy_pages, auto_dedup;
  sk_strv empty_ns;
} sk_criu_opts;

#define SK_CRIU_OPTIONS(c)                                                                          \
  {"image-path",    0,     SK_OPT_STRING,                                                           \
   &(c).image_path, "DIR", "directory of the checkpoint images (default ./checkpoint)"},            \
      {"work-path",    0,     SK_OPT_STRING,                                                        \
       &(c).work_path, "DIR", "directory for CRIU's logs and work files"},                          \
      {"tcp-established",    0,    SK_OPT_BOOL,                                                     \
       &(c).tcp_established, NULL, "handle established TCP connections"},                           \
      {"ext-unix-sk", 0, SK_OPT_BOOL, &(c).ext_unix_sk, NULL, "handle external unix sockets"},      \
      {"shell-job", 0, SK_OPT_BOOL, &(c).shell_job, NULL, "handle a shell job"},                    \
      {"file-locks", 0, SK_OPT_BOOL, &(c).file_locks, NULL, "handle file locks"},                   \
      {"lazy-pages", 0, SK_OPT_BOOL, &(c).lazy_pages, NULL, "use userfaultfd lazy page migration"}, \
      {"auto-dedup",    0,    SK_OPT_BOOL,                                                          \
       &(c).auto_dedup, NULL, "deduplicate memory pages against the parent image"},                 \
      {"manage-cgroups-mode",                                                                       \
       0,                                                                                           \
       SK_OPT_STRING,                                                                               \
       &(c).manage_cgroups_mode,                                                                    \
       "soft|full|strict|ignore",                                                                   \
       "how CRIU handles cgroups"},                                                                 \
  {                                                                                                 \
    "empty-ns", 0, SK_OPT_LIST, &(c).empty_ns, "NS",                                                \
        "create namespace NS empty instead of checkpointing it (e.g. network)"                      \
  }

#endif

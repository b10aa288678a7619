/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The commands of the CLI (private to src/cli): one file each, dispatched by cli.c. */
#ifndef SKIFF_CLI_COMMANDS_H
#define SKIFF_CLI_COMMANDS_H

#include <errno.h>

#include "options.h"
#include "skiff/container.h"
#include "skiff/error.h"

typedef struct sk_cli {
  sk_globals g;
  /* Exit status for a runtime error of the running command: 1, or 255 for exec. */
  int error_exit;
} sk_cli;

/* A command: argv[0] is its first argument (not its name). Returns the exit status
 * (>= 0) on success, or -1 with *err set; cli.c reports the error and exits with
 * cli->error_exit. Usage errors are errors too (exit 1). */
typedef int (*sk_cmd_fn)(sk_cli *cli, int argc, char **argv, sk_error **err);

typedef struct sk_command {
  const sk_cmd_info *info;
  sk_cmd_fn run;
} sk_command;

extern const sk_cmd_info sk_info_checkpoint;
extern const sk_cmd_info sk_info_create;
extern const sk_cmd_info sk_info_delete;
extern const sk_cmd_info sk_info_events;
extern const sk_cmd_info sk_info_exec;
extern const sk_cmd_info sk_info_features;
extern const sk_cmd_info sk_info_kill;
extern const sk_cmd_info sk_info_list;
extern const sk_cmd_info sk_info_pause;
extern const sk_cmd_info sk_info_ps;
extern const sk_cmd_info sk_info_restore;
extern const sk_cmd_info sk_info_resume;
extern const sk_cmd_info sk_info_run;
extern const sk_cmd_info sk_info_spec;
extern const sk_cmd_info sk_info_start;
extern const sk_cmd_info sk_info_state;
extern const sk_cmd_info sk_info_update;

int sk_cmd_create(sk_cli *, int, char **, sk_error **);
int sk_cmd_start(sk_cli *, int, char **, sk_error **);
int sk_cmd_run(sk_cli *, int, char **, sk_error **);
int sk_cmd_state(sk_cli *, int, char **, sk_error **);
int sk_cmd_kill(sk_cli *, int, char **, sk_error **);
int sk_cmd_delete(sk_cli *, int, char **, sk_error **);
int sk_cmd_exec(sk_cli *, int, char **, sk_error **);
int sk_cmd_list(sk_cli *, int, char **, sk_error **);
int sk_cmd_ps(sk_cli *, int, char **, sk_error **);
int sk_cmd_pause(sk_cli *, int, char **, sk_error **);
int sk_cmd_resume(sk_cli *, int, char **, sk_error **);
int sk_cmd_update(sk_cli *, int, char **, sk_error **);
int sk_cmd_events(sk_cli *, int, char **, sk_error **);
int sk_cmd_spec(sk_cli *, int, char **, sk_error **);
int sk_cmd_features(sk_cli *, int, char **, sk_error **);
int sk_cmd_checkpoint(sk_cli *, int, char **, sk_error **);
int sk_cmd_restore(sk_cli *, int, char **, sk_error **);

/* Parse a command's options; on --help returns SK_OPTS_HELP. Then checks that there are
 * between min and max positional arguments (max -1 = any): "<cmd>: requires exactly one
 * argument (the container id)" style errors. */
int sk_cli_parse(const sk_cmd_info *info, const sk_option *opts, size_t nopts, int argc,
                 char **argv, unsigned flags, int min, int max, char ***pos, int *npos,
                 sk_error **err);

/* Parse a command whose one positional argument is the container id: *id is set (and
 * validated) when the result is SK_OPTS_OK. */
int sk_cli_parse_id(const sk_cmd_info *info, const sk_option *opts, size_t nopts, int argc,
                    char **argv, const char **id, sk_error **err);
#define SK_CLI_PARSE_ID(info, opts, argc, argv, id, err)                                           \
  sk_cli_parse_id((info), (opts), SK_ARRAY_SIZE(opts), (argc), (argv), (id), (err))

/* A command of a capability not built yet that takes only the container id. */
int sk_cli_not_implemented_id(const sk_cmd_info *info, int argc, char **argv, sk_error **err);

/* Validate a container id. */
int sk_cli_check_id(const char *id, sk_error **err);

/* Flush stdout; a failed write is an error ("cannot write <what> to stdout"). */
int sk_cli_flush_stdout(const char *what, sk_error **err);

/* "<command>: not implemented yet" (the CLI side of a capability not built yet). */
int sk_cli_not_implemented(const char *command, sk_error **err);

/* The options shared by create, run (and, in part, restore), stored in an sk_create_opts. */
#define SK_CREATE_OPTIONS(o)                                                                        \
  {                                                                                                 \
      "bundle",      'b',                                                                           \
      SK_OPT_STRING, &(o).bundle,                                                                   \
      "DIR",         "path to the root of the bundle directory (default: the current directory)"},  \
      {"console-socket",                                                                            \
       0,                                                                                           \
       SK_OPT_STRING,                                                                               \
       &(o).console_socket,                                                                         \
       "PATH",                                                                                      \
       "AF_UNIX socket to which the pty master of the container is sent (terminal: true)"},         \
      {"pidfd-socket",    0,      SK_OPT_STRING,                                                    \
       &(o).pidfd_socket, "PATH", "AF_UNIX socket to which a pidfd of the container init is sent"}, \
      {"pid-file",    0,      SK_OPT_STRING,                                                        \
       &(o).pid_file, "PATH", "write the host pid of the container init to PATH"},                  \
      {"no-pivot",                                                                                  \
       0,                                                                                           \
       SK_OPT_BOOL,                                                                                 \
       &(o).no_pivot,                                                                               \
       NULL,                                                                                        \
       "do not use pivot_root to enter the rootfs (unsafe; for a rootfs on a ramdisk)"},            \
      {"no-new-keyring",    0,    SK_OPT_BOOL,                                                      \
       &(o).no_new_keyring, NULL, "do not create a new session keyring for the container"},         \
  {                                                                                                 \
    "preserve-fds", 0, SK_OPT_INT, &(o).preserve_fds, "N",                                          \
        "pass N additional fds (3 .. 3+N-1) into the container"                                     \
  }

#define SK_CLI_PARSE(info, opts, argc, argv, flags, min, max, pos, npos, err)                      \
  sk_cli_parse((info), (opts), SK_ARRAY_SIZE(opts), (argc), (argv), (flags), (min), (max), (pos),  \
               (npos), (err))

#endif

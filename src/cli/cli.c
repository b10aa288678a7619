/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The entry of the CLI: global options, --version, --help, command dispatch, error exit. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "skiff/cli.h"
#include "skiff/log.h"
#include "skiff/state.h"
#include "skiff/util.h"

static const sk_command commands[] = {
    {&sk_info_checkpoint, sk_cmd_checkpoint},
    {&sk_info_create, sk_cmd_create},
    {&sk_info_delete, sk_cmd_delete},
    {&sk_info_events, sk_cmd_events},
    {&sk_info_exec, sk_cmd_exec},
    {&sk_info_features, sk_cmd_features},
    {&sk_info_kill, sk_cmd_kill},
    {&sk_info_list, sk_cmd_list},
    {&sk_info_pause, sk_cmd_pause},
    {&sk_info_ps, sk_cmd_ps},
    {&sk_info_restore, sk_cmd_restore},
    {&sk_info_resume, sk_cmd_resume},
    {&sk_info_run, sk_cmd_run},
    {&sk_info_spec, sk_cmd_spec},
    {&sk_info_start, sk_cmd_start},
    {&sk_info_state, sk_cmd_state},
    {&sk_info_update, sk_cmd_update},
};

typedef struct global_opts {
  const char *root, *log, *log_format, *rootless, *criu;
  bool debug, systemd_cgroup, help, version;
} global_opts;

#define GLOBAL_OPTIONS(o)                                                                            \
  {                                                                                                  \
    {"root",    0,     SK_OPT_STRING,                                                                \
     &(o).root, "DIR", "state directory (default /run/skiff as root, else $XDG_RUNTIME_DIR/skiff)"}, \
        {"log", 0, SK_OPT_STRING, &(o).log, "PATH", "append skiff's log to PATH (default stderr)"},  \
        {"log-format",    0,           SK_OPT_STRING,                                                \
         &(o).log_format, "text|json", "format of the --log file (default text)"},                   \
        {"debug", 0, SK_OPT_BOOL, &(o).debug, NULL, "log debug messages too"},                       \
        {"systemd-cgroup",                                                                           \
         0,                                                                                          \
         SK_OPT_BOOL,                                                                                \
         &(o).systemd_cgroup,                                                                        \
         NULL,                                                                                       \
         "manage cgroups through systemd (cgroupsPath is slice:prefix:name)"},                       \
        {"rootless",        0,                                                                       \
         SK_OPT_STRING,     &(o).rootless,                                                           \
         "true|false|auto", "rootless container handling (default auto)"},                           \
        {"criu", 0, SK_OPT_STRING, &(o).criu, "PATH", NULL},                                         \
        {"help", 'h', SK_OPT_BOOL, &(o).help, NULL, "show this help"},                               \
        {"version", 'v', SK_OPT_BOOL, &(o).version, NULL, "print the version"},                      \
  }

static void print_version(void) {
  printf("skiff version %s\nspec: %s\nlibseccomp: %s\nyajl: %s\nlibcap: %s\n", SKIFF_VERSION,
         SKIFF_SPEC_VERSION, SKIFF_LIBSECCOMP_VERSION, SKIFF_YAJL_VERSION, SKIFF_LIBCAP_VERSION);
}

static void print_global_help(void) {
  global_opts o = {0};
  const sk_option opts[] = GLOBAL_OPTIONS(o);
  printf("NAME:\n   skiff - an OCI container runtime (runc-compatible command line)\n\n"
         "USAGE:\n   skiff [global options] command [command options] [arguments...]\n\n"
         "VERSION:\n   %s\n\nCOMMANDS:\n",
         SKIFF_VERSION);
  for (size_t i = 0; i < SK_ARRAY_SIZE(commands); i++)
    printf("   %-11s %s\n", commands[i].info->name, commands[i].info->summary);
  printf("   %-11s %s\n", "help", "show the help of skiff or of a command");
  printf("\nGLOBAL OPTIONS (before the command):\n");
  sk_opts_print_table(opts, SK_ARRAY_SIZE(opts), false);
  printf("\nRun 'skiff COMMAND --help' for the options of a command.\n");
}

static const sk_command *find_command(const char *name) {
  for (size_t i = 0; i < SK_ARRAY_SIZE(commands); i++)
    if (strcmp(commands[i].info->name, name) == 0) return &commands[i];
  return NULL;
}

static int parse_rootless(const char *v, int *out, sk_error **err) {
  if (!v || strcmp(v, "auto") == 0) return *out = -1, 0;
  if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0) return *out = 1, 0;
  if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0) return *out = 0, 0;
  return sk_error_set(err, 0, NULL, "invalid value \"%s\" for --rootless: use true, false or auto",
                      v);
}

/* --root made absolute (runc does the same), or the default root. */
static char *resolve_root(const char *root) {
  if (!root) return sk_state_default_root();
  if (root[0] == '/') return sk_xstrdup(root);
  _cleanup_free_ char *cwd = getcwd(NULL, 0);
  if (!cwd) return sk_xstrdup(root);
  return sk_xasprintf("%s/%s", cwd, root);
}

static int fail(sk_error *e, int code) {
  sk_log_report(e);
  sk_error_free(e);
  return code;
}

int sk_cli_main(int argc, char **argv) {
  global_opts o = {0};
  const sk_option opts[] = GLOBAL_OPTIONS(o);
  const sk_cmd_info info = {"", "", "", NULL};
  sk_error *err = NULL;
  _cleanup_free_ char **pos = NULL;
  int npos = 0;
  if (argc < 1) return 1;
  if (sk_opts_parse(&info, opts, SK_ARRAY_SIZE(opts), argc - 1, argv + 1,
                    SK_OPTS_STOP_AT_ARG | SK_OPTS_NO_HELP, &pos, &npos, &err) < 0) {
    /* Still log the failure to a --log file given before the bad option: containerd
     * expects an error entry there for every failure. */
    bool json = o.log_format && strcmp(o.log_format, "json") == 0;
    if (o.log) (void)sk_log_init(o.log, json ? SK_LOG_JSON : SK_LOG_TEXT, false, NULL);
    return fail(err, 1);
  }
  if (o.version) {
    print_version();
    return 0;
  }
  if (o.help || npos == 0) {
    print_global_help();
    return 0;
  }

  sk_log_format fmt = SK_LOG_TEXT;
  if (o.log_format && strcmp(o.log_format, "json") == 0)
    fmt = SK_LOG_JSON;
  else if (o.log_format && strcmp(o.log_format, "text") != 0) {
    sk_error_set(&err, 0, NULL, "invalid log-format \"%s\": use text or json", o.log_format);
    return fail(err, 1);
  }
  if (sk_log_init(o.log, fmt, o.debug, &err) < 0) return fail(err, 1);

  _cleanup_free_ char *root = resolve_root(o.root);
  sk_cli cli = {.error_exit = 1};
  cli.g.root = root;
  cli.g.log_path = o.log;
  cli.g.log_json = fmt == SK_LOG_JSON;
  cli.g.debug = o.debug;
  cli.g.systemd_cgroup = o.systemd_cgroup;
  if (parse_rootless(o.rootless, &cli.g.rootless, &err) < 0) return fail(err, 1);

  const char *name = pos[0];
  if (strcmp(name, "help") == 0) {
    if (npos < 2) {
      print_global_help();
      return 0;
    }
    const sk_command *c = find_command(pos[1]);
    if (!c) {
      sk_error_set(&err, 0, NULL, "unknown command \"%s\" (see 'skiff --help')", pos[1]);
      return fail(err, 1);
    }
    char help[] = "--help";
    char *hargv[] = {help, NULL};
    int r = c->run(&cli, 1, hargv, &err);
    return r < 0 ? fail(err, cli.error_exit) : r;
  }
  const sk_command *c = find_command(name);
  if (!c) {
    sk_error_set(&err, 0, NULL, "unknown command \"%s\" (see 'skiff --help')", name);
    return fail(err, 1);
  }
  sk_debug("command %s, root %s", name, root);
  int r = c->run(&cli, npos - 1, pos + 1, &err);
  int code = r < 0 ? fail(err, cli.error_exit) : r;
  sk_log_close();
  return code;
}

int sk_cli_parse(const sk_cmd_info *info, const sk_option *opts, size_t nopts, int argc,
                 char **argv, unsigned flags, int min, int max, char ***pos, int *npos,
                 sk_error **err) {
  int r = sk_opts_parse(info, opts, nopts, argc, argv, flags, pos, npos, err);
  if (r != SK_OPTS_OK) return r;
  if (*npos < min || (max >= 0 && *npos > max)) {
    int n = *npos;
    free(*pos);
    *pos = NULL;
    if (min == max)
      return sk_error_set(err, 0, NULL,
                          "\"%s\" requires exactly %d argument(s), got %d (usage: skiff %s %s)",
                          info->name, min, n, info->name, info->usage);
    if (n < min)
      return sk_error_set(err, 0, NULL,
                          "\"%s\" requires at least %d argument(s), got %d (usage: skiff %s %s)",
                          info->name, min, n, info->name, info->usage);
    return sk_error_set(err, 0, NULL,
                        "\"%s\" accepts at most %d argument(s), got %d (usage: skiff %s %s)",
                        info->name, max, n, info->name, info->usage);
  }
  return SK_OPTS_OK;
}

int sk_cli_check_id(const char *id, sk_error **err) {
  return sk_state_validate_id(id, err);
}

int sk_cli_not_implemented(const char *command, sk_error **err) {
  return sk_error_set(err, 0, NULL, "%s: not implemented yet", command);
}

int sk_cli_flush_stdout(const char *what, sk_error **err) {
  if (fflush(stdout) == 0 && !ferror(stdout)) return 0;
  return sk_error_errno(err, "cannot write %s to stdout", what);
}

int sk_cli_parse_id(const sk_cmd_info *info, const sk_option *opts, size_t nopts, int argc,
                    char **argv, const char **id, sk_error **err) {
  _cleanup_free_ char **pos = NULL;
  int npos = 0;
  int r = sk_cli_parse(info, opts, nopts, argc, argv, 0, 1, 1, &pos, &npos, err);
  if (r != SK_OPTS_OK) return r;
  if (!pos || !pos[0]) return sk_error_set(err, EINVAL, NULL, "%s requires a container id", info->name);
  if (sk_cli_check_id(pos[0], err) < 0) return -1;
  *id = pos[0];
  return SK_OPTS_OK;
}

int sk_cli_not_implemented_id(const sk_cmd_info *info, int argc, char **argv, sk_error **err) {
  const char *id = NULL;
  int r = sk_cli_parse_id(info, NULL, 0, argc, argv, &id, err);
  if (r != SK_OPTS_OK) return r < 0 ? -1 : 0;
  return sk_cli_not_implemented(info->name, err);
}

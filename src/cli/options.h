/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The table-driven option parser of the CLI (private to src/cli).
 *
 * Accepted forms, as Go's flag packages accept them (callers depend on it):
 *   --name value   --name=value   -name value   -name=value   (string, int, list)
 *   --name  --name=true|false  -name                             (bool)
 *   -x value  -x=value  -xyz (several one-letter bools)          (short aliases)
 * "--" ends the options. Unless SK_OPTS_STOP_AT_ARG, options may follow positional
 * arguments (they are permuted out of the way, as runc does). */
#ifndef SKIFF_CLI_OPTIONS_H
#define SKIFF_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "skiff/error.h"

typedef enum {
  SK_OPT_BOOL,   /* bool *                                      */
  SK_OPT_STRING, /* const char ** (points into argv)             */
  SK_OPT_INT,    /* int * (decimal, >= 0)                        */
  SK_OPT_LIST,   /* sk_strv * (repeatable; each use appends)     */
} sk_opt_type;

/* A growable NULL-terminated string vector (for repeatable options). */
typedef struct sk_strv {
  char **v; /* NULL-terminated, or NULL when empty */
  size_t n;
} sk_strv;
void sk_strv_push(sk_strv *s, const char *str);
void sk_strv_clear(sk_strv *s);

typedef struct sk_option {
  const char *name; /* long name, without dashes */
  char short_name;  /* one-letter alias, or 0 */
  sk_opt_type type;
  void *dest;
  const char *arg;  /* placeholder in the help ("PATH"), NULL for bools */
  const char *help; /* one line; NULL hides the option from --help */
} sk_option;

/* What a command is, for its --help. */
typedef struct sk_cmd_info {
  const char *name;        /* "create" */
  const char *summary;     /* one line, for NAME and the global help */
  const char *usage;       /* "[command options] <container-id>" */
  const char *description; /* one or more lines */
} sk_cmd_info;

enum {
  SK_OPTS_STOP_AT_ARG = 1 << 0, /* the first positional argument ends the options */
  SK_OPTS_NO_HELP = 1 << 1,     /* --help/-h are not options here (the global parser) */
};

typedef enum {
  SK_OPTS_OK = 0,
  SK_OPTS_HELP = 1, /* --help/-h was given; the help is already printed */
} sk_opts_result;

/* Parse argv[0..argc-1] (argv[0] is the first argument, not the command name).
 * Positional arguments are stored in *pos (NULL-terminated, pointing into argv), their
 * count in *npos. Returns SK_OPTS_OK, SK_OPTS_HELP, or -1 with *err set. */
int sk_opts_parse(const sk_cmd_info *info, const sk_option *opts, size_t nopts, int argc,
                  char **argv, unsigned flags, char ***pos, int *npos, sk_error **err);

/* Print the help of a command (usage, description, options) on stdout. */
void sk_opts_print_help(const sk_cmd_info *info, const sk_option *opts, size_t nopts);

/* Print the options of a table, indented, on stdout; with_help adds --help, -h. */
void sk_opts_print_table(const sk_option *opts, size_t nopts, bool with_help);

#endif

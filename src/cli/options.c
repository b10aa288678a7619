/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Table-driven option parsing: long, single-dash long, short, bool=value, repeatable. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "skiff/util.h"

void sk_strv_push(sk_strv *s, const char *str) {
  s->v = sk_xrealloc(s->v, (s->n + 2) * sizeof(char *));
  s->v[s->n++] = sk_xstrdup(str);
  s->v[s->n] = NULL;
}

void sk_strv_clear(sk_strv *s) {
  for (size_t i = 0; i < s->n; i++)
    free(s->v[i]);
  free(s->v);
  s->v = NULL;
  s->n = 0;
}

static const sk_option *find_long(const sk_option *opts, size_t n, const char *name, size_t len) {
  for (size_t i = 0; i < n; i++)
    if (strlen(opts[i].name) == len && strncmp(opts[i].name, name, len) == 0) return &opts[i];
  return NULL;
}

static const sk_option *find_short(const sk_option *opts, size_t n, char c) {
  for (size_t i = 0; i < n; i++)
    if (opts[i].short_name && opts[i].short_name == c) return &opts[i];
  return NULL;
}

static int parse_bool_value(const char *v, bool *out) {
  static const char *const yes[] = {"1", "t", "T", "true", "TRUE", "True"};
  static const char *const no[] = {"0", "f", "F", "false", "FALSE", "False"};
  for (size_t i = 0; i < SK_ARRAY_SIZE(yes); i++)
    if (strcmp(v, yes[i]) == 0) return *out = true, 0;
  for (size_t i = 0; i < SK_ARRAY_SIZE(no); i++)
    if (strcmp(v, no[i]) == 0) return *out = false, 0;
  return -1;
}

static int set_value(const sk_option *o, const char *given, const char *val, sk_error **err) {
  switch (o->type) {
  case SK_OPT_BOOL: {
    bool b = true;
    if (val && parse_bool_value(val, &b) < 0)
      return sk_error_set(err, 0, NULL,
                          "invalid boolean value \"%s\" for option %s (use true or false)", val,
                          given);
    *(bool *)o->dest = b;
    return 0;
  }
  case SK_OPT_STRING:
    *(const char **)o->dest = val;
    return 0;
  case SK_OPT_INT: {
    char *end = NULL;
    errno = 0;
    long v = strtol(val, &end, 10);
    if (errno || end == val || *end || v < 0 || v > INT_MAX)
      return sk_error_set(err, 0, NULL,
                          "invalid value \"%s\" for option %s: expected a non-negative integer",
                          val, given);
    *(int *)o->dest = (int)v;
    return 0;
  }
  case SK_OPT_LIST:
    sk_strv_push((sk_strv *)o->dest, val);
    return 0;
  }
  return -1;
}

/* "-xyz": several one-letter bool options at once. All or nothing. */
static bool set_short_bools(const sk_option *opts, size_t n, const char *body) {
  for (const char *c = body; *c; c++) {
    const sk_option *o = find_short(opts, n, *c);
    if (!o || o->type != SK_OPT_BOOL) return false;
  }
  for (const char *c = body; *c; c++)
    *(bool *)find_short(opts, n, *c)->dest = true;
  return true;
}

static bool is_help(const char *body, size_t len) {
  return (len == 4 && strncmp(body, "help", 4) == 0) || (len == 1 && body[0] == 'h');
}

int sk_opts_parse(const sk_cmd_info *info, const sk_option *opts, size_t nopts, int argc,
                  char **argv, unsigned flags, char ***pos, int *npos, sk_error **err) {
  _cleanup_free_ char **p = sk_xcalloc((size_t)argc + 1, sizeof(char *));
  int np = 0;
  bool only_pos = false;
  for (int i = 0; i < argc; i++) {
    char *a = argv[i];
    if (only_pos || a[0] != '-' || a[1] == '\0') {
      p[np++] = a;
      if (flags & SK_OPTS_STOP_AT_ARG) only_pos = true;
      continue;
    }
    if (strcmp(a, "--") == 0) {
      only_pos = true;
      continue;
    }
    bool dbl = a[1] == '-';
    const char *body = a + (dbl ? 2 : 1);
    const char *eq = strchr(body, '=');
    size_t len = eq ? (size_t)(eq - body) : strlen(body);
    const char *val = eq ? eq + 1 : NULL;
    _cleanup_free_ char *given = sk_xasprintf("%.*s", (int)(body - a + (ptrdiff_t)len), a);

    if (!(flags & SK_OPTS_NO_HELP) && is_help(body, len)) {
      sk_opts_print_help(info, opts, nopts);
      return SK_OPTS_HELP;
    }
    const sk_option *o = len == 1 ? find_short(opts, nopts, body[0]) : NULL;
    if (!o) o = find_long(opts, nopts, body, len);
    if (!o && !dbl && !eq && len > 1 && set_short_bools(opts, nopts, body)) continue;
    if (!o) {
      bool named = info && info->name && *info->name;
      return sk_error_set(err, 0, NULL, "unknown option %s (see 'skiff %s%s--help')", given,
                          named ? info->name : "", named ? " " : "");
    }
    if (o->type != SK_OPT_BOOL && !val) {
      if (i + 1 >= argc) return sk_error_set(err, 0, NULL, "flag needs an argument: %s", given);
      val = argv[++i];
    }
    if (set_value(o, given, val, err) < 0) return -1;
  }
  p[np] = NULL;
  *npos = np;
  *pos = sk_steal_ptr(&p);
  return SK_OPTS_OK;
}

static char *left_column(const sk_option *o) {
  const char *arg = o->type == SK_OPT_BOOL ? "" : (o->arg ? o->arg : "value");
  const char *sp = *arg ? " " : "";
  if (o->short_name)
    return sk_xasprintf("--%s%s%s, -%c%s%s", o->name, sp, arg, o->short_name, sp, arg);
  return sk_xasprintf("--%s%s%s", o->name, sp, arg);
}

void sk_opts_print_table(const sk_option *opts, size_t nopts, bool with_help) {
  size_t width = with_help ? strlen("--help, -h") : 0;
  for (size_t i = 0; i < nopts; i++) {
    if (!opts[i].help) continue;
    _cleanup_free_ char *l = left_column(&opts[i]);
    if (strlen(l) > width) width = strlen(l);
  }
  for (size_t i = 0; i < nopts; i++) {
    if (!opts[i].help) continue;
    _cleanup_free_ char *l = left_column(&opts[i]);
    printf("   %-*s  %s%s\n", (int)width, l, opts[i].help,
           opts[i].type == SK_OPT_LIST ? " (repeatable)" : "");
  }
  if (with_help) printf("   %-*s  %s\n", (int)width, "--help, -h", "show this help");
}

void sk_opts_print_help(const sk_cmd_info *info, const sk_option *opts, size_t nopts) {
  printf("NAME:\n   skiff %s - %s\n\nUSAGE:\n   skiff %s %s\n", info->name, info->summary,
         info->name, info->usage);
  if (info->description) {
    printf("\nDESCRIPTION:\n");
    for (const char *l = info->description; *l;) {
      const char *nl = strchr(l, '\n');
      int n = nl ? (int)(nl - l) : (int)strlen(l);
      printf("   %.*s\n", n, l);
      l += n + (nl ? 1 : 0);
    }
  }
  printf("\nOPTIONS:\n");
  sk_opts_print_table(opts, nopts, true);
}

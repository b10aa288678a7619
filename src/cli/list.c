/* SPDX-License-Identifier: GPL-2.0-or-later */
/* skiff list [--format table|json] [--quiet] */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "skiff/log.h"
#include "skiff/state.h"
#include "skiff/util.h"

const sk_cmd_info sk_info_list = {
    "list", "list containers started by skiff with the given root", "[command options]",
    "List the containers under the state root: a table (ID PID STATUS BUNDLE CREATED OWNER),\n"
    "--format json (an array of state objects, null when there is none) or --quiet (ids)."};

/* User name of uid from /etc/passwd (no NSS: the binary is static), or "#<uid>". */
static char *user_name(uid_t uid) {
  _cleanup_free_ char *pw = NULL;
  if (sk_read_file("/etc/passwd", &pw, NULL, 4 << 20, NULL) == 0) {
    char *save = NULL;
    for (char *line = strtok_r(pw, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
      char *name = line, *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
      if (!c2) continue;
      char *end;
      unsigned long u = strtoul(c2 + 1, &end, 10);
      if (end != c2 + 1 && *end == ':' && u == uid)
        return sk_xasprintf("%.*s", (int)(c1 - name), name);
    }
  }
  return sk_xasprintf("#%u", (unsigned)uid);
}

/* Load, refresh, and fill the owner of every container; unreadable ones are skipped. */
static sk_state **load_all(const char *root, char **ids, size_t *n) {
  size_t count = 0;
  while (ids[count])
    count++;
  sk_state **all = sk_xcalloc(count + 1, sizeof(*all)); // NOLINT(bugprone-sizeof-expression): an array of pointers
  *n = 0;
  for (size_t i = 0; i < count; i++) {
    sk_error *e = NULL;
    sk_state *s = NULL;
    if (sk_state_read(root, ids[i], &s, &e) < 0) {
      if (e && e->errnum != ENOENT) sk_warn("list: skipping %s: %s", ids[i], e->msg);
      sk_error_free(e);
      continue;
    }
    sk_container_refresh(root, s);
    _cleanup_free_ char *dir = sk_xasprintf("%s/%s", root, ids[i]);
    struct stat st;
    free(s->owner);
    s->owner = stat(dir, &st) == 0 ? user_name(st.st_uid) : sk_xstrdup("");
    all[(*n)++] = s;
  }
  return all;
}

static void print_table(sk_state **all, size_t n) {
  const char *hdr[] = {"ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"};
  char *cells[6];
  int w[6];
  for (int c = 0; c < 6; c++)
    w[c] = (int)strlen(hdr[c]);
  for (size_t i = 0; i < n; i++) {
    int lens[6] = {(int)strlen(all[i]->id),
                   10,
                   (int)strlen(sk_status_name(all[i]->status)),
                   all[i]->bundle ? (int)strlen(all[i]->bundle) : 0,
                   all[i]->created ? (int)strlen(all[i]->created) : 0,
                   (int)strlen(all[i]->owner)};
    for (int c = 0; c < 6; c++)
      if (lens[c] > w[c]) w[c] = lens[c];
  }
  for (int c = 0; c < 6; c++)
    w[c] = w[c] + 1 < 12 ? 12 : w[c] + 1;
  for (int c = 0; c < 5; c++)
    printf("%-*s", w[c], hdr[c]);
  printf("%s\n", hdr[5]);
  for (size_t i = 0; i < n; i++) {
    sk_state *s = all[i];
    cells[0] = sk_xstrdup(s->id);
    cells[1] = sk_xasprintf("%d", s->status == SK_STATUS_STOPPED ? 0 : (int)s->pid);
    cells[2] = sk_xstrdup(sk_status_name(s->status));
    cells[3] = sk_xstrdup(s->bundle ? s->bundle : "");
    cells[4] = sk_xstrdup(s->created ? s->created : "");
    cells[5] = sk_xstrdup(s->owner);
    for (int c = 0; c < 5; c++)
      printf("%-*s", w[c], cells[c]);
    printf("%s\n", cells[5]);
    for (int c = 0; c < 6; c++)
      free(cells[c]);
  }
}

static void print_json(sk_state **all, size_t n) {
  if (n == 0) {
    printf("null\n");
    return;
  }
  /* The generator would add separators between raw documents; join them ourselves. */
  fputc('[', stdout);
  for (size_t i = 0; i < n; i++) {
    _cleanup_free_ char *one = sk_state_to_json(all[i], false);
    printf("%s%s", i ? "," : "", one);
  }
  printf("]\n");
}

int sk_cmd_list(sk_cli *cli, int argc, char **argv, sk_error **err) {
  const char *format = "table";
  bool quiet = false;
  const sk_option opts[] = {
      {"format", 'f', SK_OPT_STRING, &format, "table|json", "output format (default table)"},
      {"quiet", 'q', SK_OPT_BOOL, &quiet, NULL, "print the container ids only"},
  };
  _cleanup_free_ char **pos = NULL;
  int npos = 0;
  int r = SK_CLI_PARSE(&sk_info_list, opts, argc, argv, 0, 0, 0, &pos, &npos, err);
  if (r != SK_OPTS_OK) return r < 0 ? -1 : 0;
  bool json = strcmp(format, "json") == 0;
  if (!json && strcmp(format, "table") != 0)
    return sk_error_set(err, 0, NULL, "invalid format \"%s\": use table or json", format);
  char **ids = NULL;
  if (sk_state_list_ids(cli->g.root, &ids, err) < 0) return -1;
  size_t n = 0;
  sk_state **all = load_all(cli->g.root, ids, &n);
  if (quiet)
    for (size_t i = 0; i < n; i++)
      printf("%s\n", all[i]->id);
  else if (json)
    print_json(all, n);
  else
    print_table(all, n);
  for (size_t i = 0; i < n; i++)
    sk_state_free(all[i]);
  free(all);
  for (char **i = ids; *i; i++)
    free(*i);
  free(ids);
  return sk_cli_flush_stdout("list", err);
}

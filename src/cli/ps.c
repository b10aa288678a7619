/* SPDX-License-Identifier: GPL-2.0-or-later */
/* skiff ps [--format table|json] <container-id> [ps options]: the processes of the container's
 * cgroup, as host pids (json) or as ps(1) prints them (table: its header and their rows). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commands.h"
#include "skiff/cgroup.h"
#include "skiff/state.h"
#include "skiff/util.h"

const sk_cmd_info sk_info_ps = {
    "ps", "show the processes running inside the container",
    "[command options] <container-id> [ps options]",
    "Show the processes of the container: --format json prints a JSON array of host pids,\n"
    "table runs ps(1) (default options -ef) filtered to the container's processes.\n"
    "Options must precede the container id; what follows it goes to ps(1)."};

/* Run ps with args (NULL-terminated, args[0] = "ps"); its whole output in *out. */
static int run_ps(char **args, char **out, sk_error **err) {
  int p[2];
  if (pipe2(p, O_CLOEXEC) < 0) return sk_error_errno(err, "pipe for ps");
  pid_t pid = fork();
  if (pid < 0) {
    close(p[0]);
    close(p[1]);
    return sk_error_errno(err, "fork ps");
  }
  if (pid == 0) {
    dup2(p[1], STDOUT_FILENO);
    execvp("ps", args);
    fprintf(stderr, "skiff: ps: exec ps: %s\n", strerror(errno));
    _exit(127);
  }
  close(p[1]);
  size_t len = 0, cap = 4096;
  char *buf = sk_xmalloc(cap);
  ssize_t n;
  while ((n = read(p[0], buf + len, cap - len - 1)) != 0) {
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    len += (size_t)n;
    if (cap - len < 2) buf = sk_xrealloc(buf, cap *= 2);
  }
  buf[len] = 0;
  close(p[0]);
  int st;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
    free(buf);
    return sk_error_set(err, 0, NULL, "ps failed (exit status %d)", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  }
  *out = buf;
  return 0;
}

/* Field number (0-based) of "PID" in ps's header line, or -1. */
static int pid_column(const char *header) {
  int col = 0;
  for (const char *p = header; *p;) {
    while (*p == ' ' || *p == '\t')
      p++;
    if (!*p) break;
    size_t l = strcspn(p, " \t");
    if (l == 3 && strncmp(p, "PID", 3) == 0) return col;
    col++;
    p += l;
  }
  return -1;
}

static bool field_in(const char *line, int col, const pid_t *pids, size_t n) {
  const char *p = line;
  for (int c = 0;; c++) {
    while (*p == ' ' || *p == '\t')
      p++;
    if (!*p) return false;
    if (c == col) break;
    p += strcspn(p, " \t");
  }
  char *end;
  long v = strtol(p, &end, 10);
  if (end == p) return false;
  for (size_t i = 0; i < n; i++)
    if (pids[i] == v) return true;
  return false;
}

static int print_table(char **ps_args, int nargs, const pid_t *pids, size_t n, sk_error **err) {
  _cleanup_free_ char **args = sk_xcalloc((size_t)nargs + 3, sizeof(char *));
  args[0] = "ps";
  if (nargs == 0) args[1] = "-ef";
  for (int i = 0; i < nargs; i++)
    args[i + 1] = ps_args[i];
  _cleanup_free_ char *text = NULL;
  if (run_ps(args, &text, err) < 0) return -1;
  char *save = NULL;
  char *header = strtok_r(text, "\n", &save);
  int col = header ? pid_column(header) : -1;
  if (col < 0) return sk_error_set(err, 0, NULL, "no PID column in the output of ps");
  printf("%s\n", header);
  for (char *line = strtok_r(NULL, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
    if (field_in(line, col, pids, n)) printf("%s\n", line);
  return 0;
}

int sk_cmd_ps(sk_cli *cli, int argc, char **argv, sk_error **err) {
  const char *format = "table";
  const sk_option opts[] = {
      {"format", 'f', SK_OPT_STRING, &format, "table|json", "output format (default table)"},
  };
  _cleanup_free_ char **pos = NULL;
  int npos = 0;
  int r = SK_CLI_PARSE(&sk_info_ps, opts, argc, argv, SK_OPTS_STOP_AT_ARG, 1, -1, &pos, &npos, err);
  if (r != SK_OPTS_OK) return r < 0 ? -1 : 0;
  if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)
    return sk_error_set(err, 0, NULL, "invalid format \"%s\": use table or json", format);
  if (sk_cli_check_id(pos[0], err) < 0) return -1;
  sk_state *st = NULL;
  if (sk_state_read(cli->g.root, pos[0], &st, err) < 0) return -1;
  _cleanup_cgroup_ sk_cgroup *cg = NULL;
  _cleanup_free_ pid_t *pids = NULL;
  size_t n = 0;
  if (!st->cgroup_path)
    r = sk_error_set(err, ENOENT, NULL, "container %s has no cgroup recorded in its state", pos[0]);
  else
    r = sk_cgroup_load(st->cgroup_path, &cg, err) < 0 || sk_cgroup_pids(cg, &pids, &n, err) < 0 ? -1 : 0;
  sk_state_free(st);
  if (r < 0) return -1;
  if (strcmp(format, "table") == 0) {
    fflush(stdout);
    return print_table(pos + 1, npos - 1, pids, n, err) < 0 ? -1 : 0;
  }
  putchar('[');
  for (size_t i = 0; i < n; i++)
    printf("%s%d", i ? "," : "", pids[i]);
  printf("]\n");
  return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container lifecycle, as the CLI calls it. The CLI parses flags; this layer acts. */
#ifndef SKIFF_CONTAINER_H
#define SKIFF_CONTAINER_H

#include <stdbool.h>

#include "skiff/error.h"
#include "skiff/oci.h"

/* Global options (before the command). */
typedef struct sk_globals {
  const char *root;      /* state root (already defaulted) */
  const char *log_path;  /* --log or NULL */
  bool log_json;         /* --log-format json */
  bool debug;            /* --debug */
  bool systemd_cgroup;   /* --systemd-cgroup */
  int rootless;          /* --rootless: -1 auto, 0 false, 1 true */
} sk_globals;

/* create / run / restore options. */
typedef struct sk_create_opts {
  const char *id;
  const char *bundle;         /* as given (default "."); made absolute by the runtime */
  const char *pid_file;       /* or NULL */
  const char *console_socket; /* or NULL */
  const char *pidfd_socket;   /* or NULL */
  bool no_pivot;
  bool no_new_keyring;
  int preserve_fds;
  /* run only */
  bool detach;
  bool keep;
  bool no_subreaper;
} sk_create_opts;

/* exec options: either process_file (an OCI process JSON) or args + the flags. */
typedef struct sk_exec_opts {
  const char *id;
  const char *process_file;
  char **args; /* NULL-terminated, may be NULL with process_file */
  const char *console_socket;
  const char *pidfd_socket;
  const char *pid_file;
  const char *cwd;
  char **env;  /* NULL-terminated "K=V" */
  const char *user;            /* uid[:gid] */
  char **additional_gids;      /* NULL-terminated */
  char **caps;                 /* NULL-terminated */
  const char *process_label;
  const char *apparmor;
  const char *cgroup;
  bool tty;
  bool detach;
  bool no_new_privs;
  bool ignore_paused;
  int preserve_fds;
} sk_exec_opts;

int sk_container_create(const sk_globals *g, const sk_create_opts *o, sk_error **err);
int sk_container_start(const sk_globals *g, const char *id, sk_error **err);
/* run: create + start, and in the foreground wait; *exit_status = status of the init
 * (128+N for signal N). Detached: *exit_status = 0 after start. */
int sk_container_run(const sk_globals *g, const sk_create_opts *o, int *exit_status, sk_error **err);
int sk_container_kill(const sk_globals *g, const char *id, int signo, bool all, sk_error **err);
int sk_container_delete(const sk_globals *g, const char *id, bool force, sk_error **err);
/* update: set the resources upd names (linux.resources of a config) on the container's cgroup
 * and keep them in its state; upd is consumed (what it set moves into the state's copy). */
int sk_container_update(const sk_globals *g, const char *id, oci_resources *upd, sk_error **err);
/* exec: *exit_status as for run. */
int sk_container_exec(const sk_globals *g, const sk_exec_opts *o, int *exit_status, sk_error **err);

#endif

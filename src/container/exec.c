/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * exec: a new process in a running container. It is spawned like the container's init (the
 * same clone, the same ordered steps in src/linux/init.c, those marked for exec), but joins
 * every namespace of the init instead of making any, and does no rootfs setup. No re-exec of
 * skiff and no mount is made per exec.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"
#include "skiff/init.h"
#include "skiff/log.h"
#include "skiff/oci.h"
#include "skiff/seccomp.h"
#include "skiff/sync.h"
#include "skiff/terminal.h"
#include "skiff/util.h"

static void free_strv(char **v, size_t n) {
  for (size_t i = 0; i < n; i++)
    free(v[i]);
  free(v);
}

static char **dup_strv(char *const *v, size_t *n) {
  size_t k = 0;
  while (v && v[k])
    k++;
  char **r = sk_xcalloc(k + 1, sizeof(char *));
  for (size_t i = 0; i < k; i++)
    r[i] = sk_xstrdup(v[i]);
  *n = k;
  return r;
}

/* env += extra, a later KEY= replacing an earlier one (as the process would read it). */
static void merge_env(oci_process *p, char *const *extra) {
  for (; extra && *extra; extra++) {
    size_t kl = strcspn(*extra, "=");
    size_t i = 0;
    while (i < p->env_len && !(strncmp(p->env[i], *extra, kl) == 0 && p->env[i][kl] == '='))
      i++;
    if (i == p->env_len) {
      p->env = sk_xrealloc(p->env, (p->env_len + 2) * sizeof(char *));
      p->env[p->env_len++] = NULL;
      p->env[p->env_len] = NULL;
    }
    free(p->env[i]);
    p->env[i] = sk_xstrdup(*extra);
  }
}

static void add_cap(char ***set, size_t *n, const char *cap) {
  *set = sk_xrealloc(*set, (*n + 2) * sizeof(char *));
  (*set)[(*n)++] = sk_xstrdup(cap);
  (*set)[*n] = NULL;
}

static int parse_id(const char *s, uint32_t *out) {
  char *end;
  errno = 0;
  unsigned long v = strtoul(s, &end, 10);
  if (errno || end == s || *end || v > UINT32_MAX) return -1;
  *out = (uint32_t)v;
  return 0;
}

/* The process to run: --process FILE as it is, or the container's process with the command
 * line's args, env, cwd, user, groups, caps, tty and no-new-privs over it (as runc does). */
static int make_process(oci_config *cfg, const sk_exec_opts *o, sk_error **err) {
  if (o->process_file) {
    oci_process *p = NULL;
    if (oci_process_load(o->process_file, &p, err) < 0) {
      sk_error_prefix(*err, "--process %s", o->process_file);
      return -1;
    }
    oci_process_free(cfg->process);
    cfg->process = p;
    return 0;
  }
  oci_process *p = cfg->process;
  free_strv(p->args, p->args_len);
  p->args = dup_strv(o->args, &p->args_len);
  merge_env(p, o->env);
  if (o->cwd) {
    free(p->cwd);
    p->cwd = sk_xstrdup(o->cwd);
  }
  p->terminal = o->tty;
  if (o->no_new_privs) p->no_new_privileges = p->has_no_new_privileges = true;
  if (o->user) {
    if (!p->user) p->user = sk_xcalloc(1, sizeof(*p->user));
    _cleanup_free_ char *u = sk_xstrdup(o->user);
    char *g = strchr(u, ':');
    if (g) *g++ = '\0';
    if (parse_id(u, &p->user->uid) < 0 || (g && parse_id(g, &p->user->gid) < 0))
      return sk_error_set(err, EINVAL, NULL, "--user %s: expected UID[:GID] (numbers)", o->user);
    p->user->has_uid = true;
    if (g) p->user->has_gid = true;
  }
  for (char **g = o->additional_gids; g && *g; g++) {
    if (!p->user) p->user = sk_xcalloc(1, sizeof(*p->user));
    uint32_t gid;
    if (parse_id(*g, &gid) < 0)
      return sk_error_set(err, EINVAL, NULL, "--additional-gids %s: expected a number", *g);
    p->user->additional_gids =
        sk_xrealloc(p->user->additional_gids, (p->user->additional_gids_len + 1) * sizeof(uint32_t));
    p->user->additional_gids[p->user->additional_gids_len++] = gid;
  }
  for (char **c = o->caps; c && *c; c++) {
    if (!p->capabilities) p->capabilities = sk_xcalloc(1, sizeof(*p->capabilities));
    oci_capabilities *k = p->capabilities;
    add_cap(&k->bounding, &k->bounding_len, *c);
    add_cap(&k->effective, &k->effective_len, *c);
    add_cap(&k->permitted, &k->permitted_len, *c);
  }
  if (o->apparmor) {
    free(p->apparmor_profile);
    p->apparmor_profile = sk_xstrdup(o->apparmor);
  }
  if (o->process_label) {
    free(p->selinux_label);
    p->selinux_label = sk_xstrdup(o->process_label);
  }
  if (!p->args_len)
    return sk_error_set(err, EINVAL, "process.args", "exec: no command given");
  return 0;
}

/* Every namespace of the init that is not already ours, to be joined (user first). */
static int plan_join(pid_t pid, sk_ns_plan *plan, sk_error **err) {
  memset(plan, 0, sizeof(*plan));
  for (int i = 0; i < SK_NS_COUNT; i++)
    plan->join_fds[i] = -1;
  for (int i = 0; i < SK_NS_COUNT; i++) {
    char theirs[64], mine[64];
    snprintf(theirs, sizeof(theirs), "/proc/%d/ns/%s", pid, sk_ns_proc_name(i));
    snprintf(mine, sizeof(mine), "/proc/self/ns/%s", sk_ns_proc_name(i));
    struct stat a, b;
    if (stat(mine, &b) < 0) continue; /* a namespace type this kernel lacks */
    int fd = open(theirs, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &a) < 0) {
      int e = errno;
      if (fd >= 0) close(fd);
      sk_ns_plan_close(plan);
      return sk_error_set(err, e, NULL, "open the container's %s namespace (%s)",
                          sk_ns_type_name(i), theirs);
    }
    if (a.st_ino == b.st_ino && a.st_dev == b.st_dev) {
      close(fd);
      continue;
    }
    plan->join_fds[i] = fd;
    plan->join_flags |= sk_ns_flag(sk_ns_type_name(i));
  }
  /* A pid or time namespace applies to children only: join in a first stage, then fork. */
  plan->two_stage = (plan->join_flags & (CLONE_NEWPID | sk_ns_flag("time"))) != 0;
  return 0;
}

static int check_status(const sk_state *st, const sk_exec_opts *o, sk_error **err) {
  if (st->status == SK_STATUS_RUNNING || (st->status == SK_STATUS_PAUSED && o->ignore_paused))
    return 0;
  if (st->status == SK_STATUS_PAUSED)
    return sk_error_set(err, EBUSY, NULL,
                        "cannot exec in a paused container: container not running (resume it, or "
                        "pass --ignore-paused)");
  return sk_error_set(err, ESRCH, NULL, "cannot exec in a %s container: container not running",
                      sk_status_name(st->status));
}

/* The runc rules for a terminal and --console-socket. */
static int check_terminal(const sk_exec_opts *o, bool tty, sk_error **err) {
  if (tty && o->detach && !o->console_socket)
    return sk_error_set(err, EINVAL, NULL,
                        "cannot allocate tty if skiff will detach without setting console socket");
  if (o->console_socket && (!tty || !o->detach))
    return sk_error_set(err, EINVAL, NULL,
                        "cannot use console socket if skiff will not detach or allocate tty");
  return 0;
}

typedef struct exec_run {
  sk_init_ctx ctx;
  int sync_fd;      /* parent end */
  int console;      /* our copy of the process's console fd */
  int console_peer; /* foreground tty: our end of the pty's way out */
  int master;
  pid_t pid;
  sk_cgroup *cgroup; /* the container's, or NULL */
  pid_t init_pid; /* the container's */
} exec_run;

static void exec_run_close(exec_run *x) {
  sk_closep(&x->sync_fd);
  sk_closep(&x->console);
  sk_closep(&x->console_peer);
  sk_closep(&x->master);
  sk_ns_plan_close(&x->ctx.ns);
  sk_cgroup_freep(&x->cgroup);
}

/* Spawn the process and let it exec; returns once the program runs (or with its error). */
static int spawn(exec_run *x, const sk_exec_opts *o, sk_error **err) {
  int fds[2];
  if (x->ctx.cfg->process->terminal) {
    if (o->console_socket) {
      x->console = sk_console_connect(o->console_socket, err);
      if (x->console < 0) return -1;
    } else {
      int pair[2];
      if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0)
        return sk_error_errno(err, "create the terminal socketpair");
      x->console_peer = pair[0];
      x->console = pair[1];
    }
  }
  x->ctx.console_fd = x->console;
  if (sk_sync_pair(fds, err) < 0) return -1;
  x->sync_fd = fds[0];
  x->ctx.sync_fd = fds[1];
  pid_t first;
  int r = sk_init_spawn(&x->ctx, &first, err);
  close(fds[1]);
  sk_closep(&x->console);
  if (r < 0) return -1;
  sk_sync_msg m;
  if (x->ctx.ns.two_stage) {
    int ws;
    r = sk_sync_expect(x->sync_fd, SK_SYNC_PID, &m, err);
    if (r < 0) kill(first, SIGKILL);
    waitpid(first, &ws, 0);
    if (r < 0) return -1;
    x->pid = *(int32_t *)m.data;
  } else {
    x->pid = first;
  }
  /* Into the container's cgroup before the process goes on. */
  sk_seccomp_agent_info agent = {.id = x->ctx.id, .bundle = x->ctx.bundle, .status = "running",
                                 .container_pid = x->init_pid, .pid = x->pid};
  if ((x->cgroup && sk_cgroup_join(x->cgroup, x->pid, err) < 0) ||
      sk_sync_send(x->sync_fd, SK_SYNC_GO, NULL, 0, err) < 0 ||
      sk_seccomp_expect_ready(x->sync_fd, x->ctx.cfg, &agent, &m, err) < 0)
    return -1;
  if (x->console_peer >= 0 && (x->master = sk_terminal_recv_master(x->console_peer, err)) < 0)
    return -1;
  if (sk_sync_send(x->sync_fd, SK_SYNC_GO, NULL, 0, err) < 0) return -1;
  /* Its end of the socket closes on a successful exec (the trampoline's too). */
  _cleanup_error_ sk_error *eof = NULL;
  if (sk_sync_recv(x->sync_fd, &m, &eof) == 0 && m.type == SK_SYNC_ERROR)
    return sk_sync_decode_error(&m, err);
  return 0;
}

int sk_container_exec(const sk_globals *g, const sk_exec_opts *o, int *exit_st, sk_error **err) {
  sk_container_dir *dir = NULL;
  sk_state *st = NULL;
  _cleanup_oci_config_ oci_config *cfg = NULL;
  _cleanup_seccomp_filter_ sk_seccomp_filter *filter = NULL;
  exec_run x = {.sync_fd = -1, .console = -1, .console_peer = -1, .master = -1};
  x.ctx = (sk_init_ctx){.fifo_fd = -1, .sync_fd = -1, .tramp_fd = -1, .lock_fd = -1,
                        .console_fd = -1, .tty_fd = -1, .exec = true};
  for (int i = 0; i < SK_NS_COUNT; i++)
    x.ctx.ns.join_fds[i] = -1;
  sigset_t set, old;
  int ret = -1;
  *exit_st = 0;

  if (sk_load(g, o->id, &dir, &st, err) < 0) return -1;
  if (check_status(st, o, err) < 0) goto out;
  if (o->cgroups && o->cgroups[0] && !st->cgroup_path) {
    sk_error_set(err, ENOTSUP, NULL, "--cgroup %s: the container's state records no cgroup",
                 o->cgroups[0]);
    goto out;
  }
  if (st->cgroup_path && sk_cgroup_load(st->cgroup_path, &x.cgroup, err) < 0) goto out;
  if (o->cgroups && o->cgroups[0]) {
    sk_cgroup *sub = NULL;
    if (sk_cgroup_sub(x.cgroup, o->cgroups, &sub, err) < 0) goto out;
    sk_cgroup_free(x.cgroup);
    x.cgroup = sub;
  }
  {
    _cleanup_free_ char *path = sk_xasprintf("%s/config.json", st->bundle);
    if (oci_config_load(path, &cfg, err) < 0) {
      sk_error_prefix(*err, "the container's config (%s)", path);
      goto out;
    }
  }
  if (!cfg->process) cfg->process = sk_xcalloc(1, sizeof(*cfg->process));
  if (make_process(cfg, o, err) < 0 || check_terminal(o, cfg->process->terminal, err) < 0)
    goto out;
  for (int fd = 3; fd < 3 + o->preserve_fds; fd++)
    if (fcntl(fd, F_GETFD) < 0 || fd == sk_log_fd()) {
      sk_error_set(err, EBADF, NULL, "unable to stat preserved-fd %d (of --preserve-fds %d)", fd - 3,
                   o->preserve_fds);
      goto out;
    }
  if (plan_join(st->pid, &x.ctx.ns, err) < 0) goto out;
  /* The container's linux.seccomp, compiled (or found in the cache) before the clone. */
  if (cfg->linux && cfg->linux->seccomp &&
      sk_seccomp_prepare(cfg->linux->seccomp, g->root, &filter, err) < 0)
    goto out;
  x.ctx.seccomp = filter;
  x.ctx.cfg = cfg;
  x.ctx.bundle = st->bundle;
  x.ctx.rootfs = st->rootfs;
  x.ctx.id = st->id;
  x.init_pid = st->pid;
  x.ctx.preserve_fds = o->preserve_fds;
  x.ctx.no_new_keyring = st->no_new_keyring; /* as created (runc: the container's config) */
  x.ctx.lock_fd = dir->dirfd;
  if (st->status == SK_STATUS_PAUSED) {
    /* --ignore-paused: the process freezes as it joins the cgroup and goes on once resumed;
     * `resume` needs the container's lock meanwhile. */
    sk_state_close_dir(dir);
    dir = NULL;
    x.ctx.lock_fd = -1;
  }

  /* Signals arriving from now on are the process's (foreground). */
  sk_forwarded_signals(&set);
  sigprocmask(SIG_BLOCK, &set, &old);
  if (spawn(&x, o, err) < 0 ||
      (o->pidfd_socket && sk_send_pidfd(o->pidfd_socket, x.pid, err) < 0) ||
      (o->pid_file && sk_write_pid_file(o->pid_file, x.pid, err) < 0)) {
    if (x.pid > 0) kill(x.pid, SIGKILL), waitpid(x.pid, NULL, 0);
    sigprocmask(SIG_SETMASK, &old, NULL);
    goto out;
  }
  /* Don't hold the container's lock while the process runs. */
  sk_state_close_dir(dir);
  dir = NULL;
  ret = 0;
  if (!o->detach) {
    int ws = sk_terminal_proxy(x.master, x.pid, &set);
    *exit_st = WIFEXITED(ws) ? WEXITSTATUS(ws) : WIFSIGNALED(ws) ? 128 + WTERMSIG(ws) : 255;
  }
  sigprocmask(SIG_SETMASK, &old, NULL);
out:
  exec_run_close(&x);
  sk_state_free(st);
  if (dir) sk_state_close_dir(dir);
  return ret;
}

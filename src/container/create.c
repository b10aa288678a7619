/* SPDX-License-Identifier: GPL-2.0-or-later */
/* create: everything up to the init blocked before the user's program; then skiff exits. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <sched.h>
#include <unistd.h>

#include "internal.h"
#include "skiff/hooks.h"
#include "skiff/init.h"
#include "skiff/log.h"
#include "skiff/oci.h"
#include "skiff/rootfs.h"
#include "skiff/seccomp.h"
#include "skiff/sync.h"
#include "skiff/terminal.h"
#include "skiff/util.h"

int sk_write_pid_file(const char *path, pid_t pid, sk_error **err) {
  char buf[32];
  int n = snprintf(buf, sizeof(buf), "%d", pid);
  if (sk_write_file_atomic(path, buf, (size_t)n, 0644, err) < 0) {
    sk_error_prefix(*err, "write the pid file %s", path);
    return -1;
  }
  return 0;
}

static char *abs_path(const char *p, sk_error **err) {
  char *r = realpath(p, NULL);
  if (!r) sk_error_set(err, errno, NULL, "resolve %s", p);
  return r;
}

/* systemd socket activation meant for us (LISTEN_PID is our pid): fds 3 .. 3+n-1 go to the
 * container, before the --preserve-fds ones. */
static int listen_fds(void) {
  const char *pid = getenv("LISTEN_PID"), *n = getenv("LISTEN_FDS");
  if (!pid || !n || atol(pid) != (long)getpid()) return 0;
  int k = atoi(n);
  return k > 0 && k < 4096 ? k : 0;
}

/* Every --preserve-fds fd must exist: the caller meant to pass it. skiff's own --log file may
 * sit in that range when the caller left a gap: it is not the caller's, and must not be passed. */
static int check_preserved(int n, sk_error **err) {
  for (int fd = 3; fd < 3 + n; fd++) {
    int e = fd == sk_log_fd() ? EBADF : fcntl(fd, F_GETFD) < 0 ? errno : 0;
    if (e)
      return sk_error_set(err, e, NULL, "unable to stat preserved-fd %d (of --preserve-fds %d)",
                          fd - 3, n);
  }
  return 0;
}

void sk_build_close(sk_building *b) {
  sk_closep(&b->sync_fd);
  sk_closep(&b->console_peer);
  sk_closep(&b->master);
  if (b->dir) sk_state_close_dir(b->dir);
  b->dir = NULL;
  oci_config_free(b->cfg);
  b->cfg = NULL;
  sk_state_free(b->state);
  b->state = NULL;
  sk_cgroup_freep(&b->cgroup);
  free(b->bundle);
  free(b->rootfs);
  b->bundle = b->rootfs = NULL;
}

void sk_build_abort(sk_building *b) {
  if (b->pid > 0) {
    kill(b->pid, SIGKILL);
    waitpid(b->pid, NULL, 0);
  }
  if (b->cgroup) sk_cgroup_remove(b->cgroup, NULL);
  if (b->dir) {
    sk_state_remove_dir(b->dir, NULL);
    b->dir = NULL;
  }
  sk_build_close(b);
}

static int make_state(const sk_create_opts *o, sk_building *b) {
  sk_state *s = sk_xcalloc(1, sizeof(*s));
  s->id = sk_xstrdup(o->id);
  s->oci_version = sk_xstrdup(b->cfg->oci_version);
  s->bundle = sk_xstrdup(b->bundle);
  s->rootfs = sk_xstrdup(b->rootfs);
  s->pid = b->pid;
  s->pid_start = sk_proc_start_time(b->pid);
  s->created = sk_state_now();
  s->owner = sk_xstrdup("");
  s->status = SK_STATUS_CREATED;
  size_t n = b->cfg->annotations_len;
  s->annotations = sk_xcalloc(2 * n + 1, sizeof(char *));
  for (size_t i = 0; i < n; i++) {
    s->annotations[2 * i] = sk_xstrdup(b->cfg->annotations[i].key);
    s->annotations[2 * i + 1] = sk_xstrdup(b->cfg->annotations[i].value);
  }
  bool pidns = false;
  if (b->cfg->linux)
    for (size_t i = 0; i < b->cfg->linux->namespaces_len; i++)
      if (strcmp(b->cfg->linux->namespaces[i].type, "pid") == 0 && !b->cfg->linux->namespaces[i].path)
        pidns = true; /* its own: a joined one is shared with its other members */
  s->shared_pidns = !pidns;
  s->cgroup_path = b->cgroup ? sk_cgroup_save(b->cgroup) : NULL;
  s->config_json = sk_kept_config(b->cfg);
  b->state = s;
  return 0;
}

/* The state for a hook run by the init, sent over the sync socket (as one message). */
static int send_state(sk_building *b, sk_sync_type type, sk_status status, sk_error **err) {
  _cleanup_free_ char *json = sk_hooks_state_json(b->state, status);
  size_t len = strlen(json);
  if (len > sizeof(((sk_sync_msg *)0)->data))
    return sk_error_set(err, E2BIG, "hooks",
                        "the container's state (%zu bytes, with its annotations) is too large to "
                        "pass to the hooks run in the container (at most %zu)",
                        len, sizeof(((sk_sync_msg *)0)->data));
  return sk_sync_send(b->sync_fd, type, json, (uint32_t)len, err);
}

/* The init paused before pivot_root (init.c, step_create_hooks): prestart, then createRuntime,
 * here in the runtime's namespaces; then the init runs createContainer with the state we send. */
static int create_hooks(sk_building *b, bool *started, sk_error **err) {
  sk_sync_msg m;
  if (sk_sync_expect(b->sync_fd, SK_SYNC_HOOKS, &m, err) < 0) return -1;
  *started = true;
  _cleanup_free_ char *json = sk_hooks_state_json(b->state, SK_STATUS_CREATING);
  if (sk_hooks_run(b->cfg, SK_HOOK_PRESTART, json, err) < 0 ||
      sk_hooks_run(b->cfg, SK_HOOK_CREATE_RUNTIME, json, err) < 0)
    return -1;
  if (!sk_hooks_count(b->cfg, SK_HOOK_CREATE_CONTAINER))
    return sk_sync_send(b->sync_fd, SK_SYNC_HOOKS_DONE, NULL, 0, err);
  return send_state(b, SK_SYNC_HOOKS_DONE, SK_STATUS_CREATING, err);
}

void sk_build_destroy(sk_building *b) {
  _cleanup_free_ char *json = sk_hooks_state_json(b->state, SK_STATUS_STOPPED);
  _cleanup_oci_config_ oci_config *cfg = sk_steal_ptr(&b->cfg);
  sk_build_abort(b);
  sk_hooks_run_warn(cfg, SK_HOOK_POSTSTOP, json);
}

/* process.terminal and --console-socket go together when skiff detaches (runc's rules). */
static int check_terminal(const oci_config *c, const sk_create_opts *o, bool detached,
                          sk_error **err) {
  if (c->process->terminal && detached && !o->console_socket)
    return sk_error_set(err, EINVAL, "process.terminal",
                        "cannot allocate tty if skiff will detach without setting console socket: "
                        "pass --console-socket, or set process.terminal to false");
  if (o->console_socket && (!c->process->terminal || !detached))
    return sk_error_set(err, EINVAL, NULL,
                        "cannot use console socket if skiff will not detach or allocate tty: "
                        "drop --console-socket, or set process.terminal (and run --detach)");
  return 0;
}

/* Checks that need only the config, before anything is made. */
static int check_config(const oci_config *c, sk_error **err) {
  if (!c->process) sk_error_set(err, EINVAL, "process", "missing: the container has nothing to run");
  if (!c->root || !c->root->path)
    sk_error_set(err, EINVAL, "root.path", "missing: the container needs a root filesystem");
  bool mnt = false;
  if (c->linux)
    for (size_t i = 0; i < c->linux->namespaces_len; i++)
      if (strcmp(c->linux->namespaces[i].type, "mount") == 0) mnt = true;
  if (!mnt)
    sk_error_set(err, EINVAL, "linux.namespaces",
                 "no mount namespace: skiff will not change the host's mounts; add {\"type\": "
                 "\"mount\"} to linux.namespaces");
  return *err ? -1 : 0;
}

/* A container with a user namespace: its init can't idmap mounts of host filesystems, so we do,
 * through its user namespace, and pass the detached mounts on (init.c, step_mount_fds). */
static int send_mount_fds(sk_building *b, sk_error **err) {
  size_t len = b->cfg->mounts_len;
  _cleanup_free_ int *fds = sk_xcalloc(len ? len : 1, sizeof(int));
  _cleanup_free_ char *nspath = sk_xasprintf("/proc/%d/ns/user", b->pid);
  _cleanup_close_ int userns = open(nspath, O_RDONLY | O_CLOEXEC);
  if (userns < 0) return sk_error_set(err, errno, NULL, "open the container's user namespace (%s)", nspath);
  sk_rootfs_ctx rctx = {.rootfs = b->rootfs, .bundle = b->bundle, .in_userns = true};
  if (sk_rootfs_prepare_idmapped(b->cfg, &rctx, userns, fds, err) < 0) return -1;
  uint32_t idx[SK_SYNC_MAX_FDS];
  int send[SK_SYNC_MAX_FDS];
  size_t n = 0;
  int r = 0;
  for (size_t i = 0; i < len; i++) {
    if (fds[i] < 0) continue;
    if (n == SK_SYNC_MAX_FDS) {
      r = sk_error_set(err, E2BIG, "mounts", "more than %d idmapped mounts", SK_SYNC_MAX_FDS);
      break;
    }
    idx[n] = (uint32_t)i;
    send[n++] = fds[i];
  }
  if (r == 0)
    r = sk_sync_send_fds(b->sync_fd, SK_SYNC_MOUNT_FDS, idx, (uint32_t)(n * sizeof(uint32_t)), send, n, err);
  for (size_t i = 0; i < len; i++)
    if (fds[i] >= 0) close(fds[i]);
  return r;
}

/* The container's cgroup, with the init in it. Rootless without linux.resources, a cgroup
 * skiff may not make is no error (as with runc): the container stays in skiff's cgroup. */
static int make_cgroup(const sk_globals *g, const char *id, sk_building *b, sk_error **err) {
  _cleanup_error_ sk_error *e = NULL;
  if (sk_cgroup_create(b->cfg, id, &b->cgroup, &e) == 0) return sk_cgroup_join(b->cgroup, b->pid, err);
  bool rootless = g->rootless == 1 || (g->rootless == -1 && geteuid() != 0);
  bool denied = e->errnum == EACCES || e->errnum == EPERM || e->errnum == EROFS;
  if (rootless && denied && !(b->cfg->linux && b->cfg->linux->resources)) {
    _cleanup_free_ char *msg = sk_error_format(e);
    sk_warn("%s: rootless, the container stays in skiff's cgroup", msg);
    return 0;
  }
  *err = sk_steal_ptr(&e);
  return -1;
}

int sk_build(const sk_globals *g, const sk_create_opts *o, bool via_fifo, sk_building *b,
             sk_error **err) {
  memset(b, 0, sizeof(*b));
  b->sync_fd = b->console_peer = b->master = -1;
  sk_init_ctx ctx = {.fifo_fd = -1, .status_fd = -1, .sync_fd = -1, .tramp_fd = -1,
                     .lock_fd = -1, .console_fd = -1, .tty_fd = -1};
  _cleanup_close_ int console = -1; /* our copy of the init's console fd */
  int fds[2] = {-1, -1};
  _cleanup_close_ int fifo = -1, status = -1;
  bool hooks = false; /* the create-time hooks started: a failure from here on runs poststop */
  sk_sync_msg m;

  if (sk_state_validate_id(o->id, err) < 0 || check_preserved(listen_fds() + o->preserve_fds, err) < 0)
    return -1;
  if (g->systemd_cgroup)
    return sk_error_set(err, ENOTSUP, NULL,
                        "--systemd-cgroup: the systemd cgroup driver is not implemented yet; "
                        "run without it (cgroupfs)");
  b->bundle = abs_path(o->bundle ? o->bundle : ".", err);
  if (!b->bundle) {
    sk_error_prefix(*err, "bundle");
    return -1;
  }
  _cleanup_free_ char *cfg_path = sk_xasprintf("%s/config.json", b->bundle);
  if (oci_config_load(cfg_path, &b->cfg, err) < 0 || check_config(b->cfg, err) < 0 ||
      check_terminal(b->cfg, o, via_fifo, err) < 0)
    goto fail;
  {
    const char *rp = b->cfg->root->path;
    _cleanup_free_ char *r = rp[0] == '/' ? sk_xstrdup(rp) : sk_xasprintf("%s/%s", b->bundle, rp);
    struct stat st;
    if (stat(r, &st) < 0 || !S_ISDIR(st.st_mode)) {
      sk_error_set(err, errno ? errno : ENOTDIR, "root.path",
                   "the root filesystem %s is missing or not a directory", r);
      goto fail;
    }
    b->rootfs = abs_path(r, err);
    if (!b->rootfs) goto fail;
  }
  if (sk_state_create_dir(g->root, o->id, &b->dir, err) < 0 || sk_notify_prepare(b, err) < 0)
    goto fail;
  if (via_fifo) {
    if (mkfifoat(b->dir->dirfd, "exec.fifo", 0600) < 0) {
      sk_error_errno(err, "create exec.fifo in the state directory");
      goto fail;
    }
    /* O_RDWR: does not block now; the init's read blocks until `start` writes. */
    fifo = openat(b->dir->dirfd, "exec.fifo", O_RDWR | O_CLOEXEC);
    if (fifo < 0) {
      sk_error_errno(err, "open exec.fifo");
      goto fail;
    }
    /* Where the init tells `start` that it failed after its release (init.c). */
    if (mkfifoat(b->dir->dirfd, "exec.status", 0600) < 0 ||
        (status = openat(b->dir->dirfd, "exec.status", O_RDWR | O_CLOEXEC)) < 0) {
      sk_error_errno(err, "create exec.status in the state directory");
      goto fail;
    }
  }
  if (sk_ns_plan_make(b->cfg, &ctx.ns, err) < 0 || sk_sync_pair(fds, err) < 0) goto fail;
  ctx.cfg = b->cfg;
  ctx.bundle = b->bundle;
  ctx.rootfs = b->rootfs;
  ctx.id = o->id;
  ctx.sync_fd = fds[1];
  ctx.fifo_fd = fifo;
  ctx.status_fd = status;
  if (b->cfg->process->terminal) {
    if (o->console_socket) {
      console = sk_console_connect(o->console_socket, err);
      if (console < 0) goto fail;
    } else {
      int pair[2];
      if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0) {
        sk_error_errno(err, "create the terminal socketpair");
        goto fail;
      }
      b->console_peer = pair[0];
      console = pair[1];
    }
  }
  ctx.console_fd = console;
  ctx.no_pivot = o->no_pivot;
  ctx.no_new_keyring = o->no_new_keyring;
  ctx.listen_fds = listen_fds();
  ctx.preserve_fds = ctx.listen_fds + o->preserve_fds;
  ctx.lock_fd = b->dir->dirfd;
  b->sync_fd = fds[0];

  pid_t first;
  int r = sk_init_spawn(&ctx, &first, err);
  close(fds[1]);
  sk_closep(&console); /* the init has its own */
  if (r < 0) goto fail;
  if (!ctx.ns.two_stage) b->pid = first;
  if (ctx.ns.new_flags & CLONE_NEWUSER) {
    if (sk_sync_expect(b->sync_fd, SK_SYNC_NEED_MAPS, &m, err) < 0 ||
        sk_ns_write_id_maps(first, b->cfg, err) < 0 ||
        sk_sync_send(b->sync_fd, SK_SYNC_GO, NULL, 0, err) < 0) {
      if (ctx.ns.two_stage) kill(first, SIGKILL), waitpid(first, NULL, 0);
      goto fail;
    }
  }
  if (ctx.ns.two_stage) {
    int st;
    r = sk_sync_expect(b->sync_fd, SK_SYNC_PID, &m, err);
    if (r < 0) kill(first, SIGKILL);
    waitpid(first, &st, 0);
    if (r < 0) goto fail;
    b->pid = *(int32_t *)m.data;
  }
  if (((ctx.ns.new_flags | ctx.ns.join_flags) & CLONE_NEWUSER) && send_mount_fds(b, err) < 0)
    goto fail;
  sk_ns_plan_close(&ctx.ns);
  /* The init joins its cgroup before it goes on with its setup: everything it does from
   * here on, and the user's program, is accounted and limited. */
  if (make_cgroup(g, o->id, b, err) < 0) goto fail;
  make_state(o, b);
  bool pause = sk_hooks_count(b->cfg, SK_HOOK_PRESTART) ||
               sk_hooks_count(b->cfg, SK_HOOK_CREATE_RUNTIME) ||
               sk_hooks_count(b->cfg, SK_HOOK_CREATE_CONTAINER);
  sk_seccomp_agent_info agent = {.id = o->id, .bundle = b->bundle, .status = "creating",
                                 .container_pid = b->pid, .pid = b->pid};
  if (sk_sync_send(b->sync_fd, SK_SYNC_GO, NULL, 0, err) < 0 ||
      (pause && create_hooks(b, &hooks, err) < 0) ||
      sk_seccomp_expect_ready(b->sync_fd, b->cfg, &agent, &m, err) < 0)
    goto fail;
  if (o->pidfd_socket && sk_send_pidfd(o->pidfd_socket, b->pid, err) < 0) goto fail;
  /* The init waits for the state its startContainer hooks will read (init.c). */
  if (sk_hooks_count(b->cfg, SK_HOOK_START_CONTAINER) &&
      send_state(b, SK_SYNC_HOOKS, SK_STATUS_CREATED, err) < 0)
    goto fail;
  /* Sent before READY: already queued. */
  if (b->console_peer >= 0 && (b->master = sk_terminal_recv_master(b->console_peer, err)) < 0)
    goto fail;
  if (sk_state_save(b->dir, b->state, err) < 0) goto fail;
  return 0;
fail:
  sk_ns_plan_close(&ctx.ns);
  if (hooks && b->state)
    sk_build_destroy(b);
  else
    sk_build_abort(b);
  return -1;
}

int sk_build_release(sk_building *b, sk_error **err) {
  sk_sync_msg m;
  if (sk_sync_send(b->sync_fd, SK_SYNC_GO, NULL, 0, err) < 0) return -1;
  /* The init's end is close-on-exec: EOF means the user's program is running. */
  _cleanup_error_ sk_error *eof = NULL;
  if (sk_sync_recv(b->sync_fd, &m, &eof) == 0 && m.type == SK_SYNC_ERROR)
    return sk_sync_decode_error(&m, err);
  return 0;
}

int sk_container_create(const sk_globals *g, const sk_create_opts *o, sk_error **err) {
  sk_building b;
  if (sk_build(g, o, true, &b, err) < 0) return -1;
  if (o->pid_file && sk_write_pid_file(o->pid_file, b.pid, err) < 0) {
    sk_build_destroy(&b);
    return -1;
  }
  sk_build_close(&b);
  return 0;
}

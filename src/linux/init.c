/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The container init: the ordered list of what happens between clone() and the user's program.
 * Each step says why it sits where it does. Every failure is sent to the parent (which reports
 * it and cleans up) with the config path it concerns.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "init_steps.h"
#include "skiff/exec.h"
#include "skiff/hooks.h"
#include "skiff/oci.h"
#include "skiff/process.h"
#include "skiff/rootfs.h"
#include "skiff/seccomp.h"
#include "skiff/sync.h"
#include "skiff/terminal.h"
#include "skiff/util.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

int sk_init_become_root(sk_error **err) {
  if (setresgid(0, 0, 0) < 0) return sk_error_errno(err, "setresgid(0) in the user namespace");
  /* setgroups may be denied in the user namespace ("deny" in /proc/PID/setgroups): fine. */
  if (setgroups(0, NULL) < 0 && errno != EPERM) return sk_error_errno(err, "setgroups");
  if (setresuid(0, 0, 0) < 0) return sk_error_errno(err, "setresuid(0) in the user namespace");
  return 0;
}

/* Step: the single-stage init in a new user namespace waits for the parent to write its
 * uid/gid maps, then becomes root there. Before everything else: nothing works unmapped. */
static int step_user_namespace(sk_init_ctx *ctx, sk_error **err) {
  if (ctx->ns.two_stage || !(ctx->ns.new_flags & CLONE_NEWUSER)) return 0;
  sk_sync_msg m;
  if (sk_sync_send(ctx->sync_fd, SK_SYNC_NEED_MAPS, NULL, 0, err) < 0 ||
      sk_sync_expect(ctx->sync_fd, SK_SYNC_GO, &m, err) < 0)
    return -1;
  return sk_init_become_root(err);
}

/* Step: in a user namespace the init can't idmap host mounts any more (that needs
 * CAP_SYS_ADMIN over the source's filesystem); the parent did it and sends them here. */
static int step_mount_fds(sk_init_ctx *ctx, sk_error **err) {
  if (!((ctx->ns.new_flags | ctx->ns.join_flags) & CLONE_NEWUSER)) return 0;
  sk_sync_msg m;
  int fds[SK_SYNC_MAX_FDS];
  size_t n = 0;
  if (sk_sync_expect_fds(ctx->sync_fd, SK_SYNC_MOUNT_FDS, &m, fds, &n, err) < 0) return -1;
  size_t len = ctx->cfg->mounts_len;
  ctx->mount_fds = sk_xcalloc(len ? len : 1, sizeof(int));
  for (size_t i = 0; i < len; i++)
    ctx->mount_fds[i] = -1;
  for (size_t k = 0; k < n; k++) {
    uint32_t idx;
    if ((k + 1) * sizeof(idx) > m.len) return sk_error_set(err, EPROTO, NULL, "mount fds: bad index list");
    memcpy(&idx, m.data + k * sizeof(idx), sizeof(idx));
    if (idx >= len) return sk_error_set(err, EPROTO, NULL, "mount fds: index out of range");
    ctx->mount_fds[idx] = fds[k];
  }
  return 0;
}

/* Step: wait until the parent has put us in the container's cgroup, so that everything from
 * here on (mounts, the user's program) is accounted to it; then a new cgroup namespace, rooted
 * at that cgroup. */
static int step_wait_parent(sk_init_ctx *ctx, sk_error **err) {
  sk_sync_msg m;
  if (sk_sync_expect(ctx->sync_fd, SK_SYNC_GO, &m, err) < 0) return -1;
  if (!ctx->exec && (ctx->ns.new_flags & CLONE_NEWCGROUP) && unshare(CLONE_NEWCGROUP) < 0)
    return sk_error_set(err, errno, "linux.namespaces", "create the cgroup namespace (unshare)");
  return 0;
}

/* Step (exec only: the spec says it is not for the init): execCPUAffinity.initial, the CPUs
 * the process runs on before it moves into the container's cgroup, so first. */
static int step_cpu_initial(sk_init_ctx *ctx, sk_error **err) {
  return sk_proc_cpu_affinity(ctx->cfg->process, false, err);
}

/* Step: a session keyring of the container's own (named after its id), so it doesn't share the
 * caller's keys; right after the cgroup, as root of the container, before anything else. */
static int step_keyring(sk_init_ctx *ctx, sk_error **err) {
  return sk_proc_session_keyring(ctx->id, ctx->no_new_keyring, err);
}

/* Step: oomScoreAdj; lowering it needs CAP_SYS_RESOURCE, so long before the privileges go,
 * and early so that the setup below is already covered by it. */
static int step_oom_score_adj(sk_init_ctx *ctx, sk_error **err) {
  return sk_proc_oom_score_adj(ctx->cfg->process, err);
}

/* Step: hostname and domainname; needs the uts namespace, nothing else. */
static int step_hostname(sk_init_ctx *ctx, sk_error **err) {
  const oci_config *c = ctx->cfg;
  bool uts = (ctx->ns.new_flags | ctx->ns.join_flags) & CLONE_NEWUTS;
  if ((c->hostname || c->domainname) && !uts)
    return sk_error_set(err, EINVAL, c->hostname ? "hostname" : "domainname",
                        "setting it needs a uts namespace: add {\"type\": \"uts\"} to linux.namespaces");
  if (c->hostname && sethostname(c->hostname, strlen(c->hostname)) < 0)
    return sk_error_set(err, errno, "hostname", "sethostname(\"%s\")", c->hostname);
  if (c->domainname && setdomainname(c->domainname, strlen(c->domainname)) < 0)
    return sk_error_set(err, errno, "domainname", "setdomainname(\"%s\")", c->domainname);
  return 0;
}

static sk_rootfs_ctx rootfs_ctx(const sk_init_ctx *ctx) {
  sk_rootfs_ctx r = {
      .rootfs = ctx->rootfs,
      .bundle = ctx->bundle,
      .no_pivot = ctx->no_pivot,
      .in_userns = ((ctx->ns.new_flags | ctx->ns.join_flags) & CLONE_NEWUSER) != 0,
      .ns_flags = ctx->ns.new_flags | ctx->ns.join_flags,
      .mount_fds = ctx->mount_fds,
  };
  return r;
}

/* Step: mounts, /dev, devices. In the new mount namespace, as (namespaced) root. */
static int step_rootfs(sk_init_ctx *ctx, sk_error **err) {
  sk_rootfs_ctx r = rootfs_ctx(ctx);
  return sk_rootfs_setup(ctx->cfg, &r, err);
}

/* Step: the create-time hooks, "after the runtime environment has been created but before
 * pivot_root" (config.md). We pause while the parent runs prestart and createRuntime in the
 * runtime namespaces; it sends back the state, and we run createContainer here, in the
 * container's namespaces, their paths still resolving in the host's tree (not pivoted yet). */
static int step_create_hooks(sk_init_ctx *ctx, sk_error **err) {
  if (!sk_hooks_count(ctx->cfg, SK_HOOK_PRESTART) && !sk_hooks_count(ctx->cfg, SK_HOOK_CREATE_RUNTIME) &&
      !sk_hooks_count(ctx->cfg, SK_HOOK_CREATE_CONTAINER))
    return 0;
  uint32_t phase = SK_HOOK_CREATE_RUNTIME;
  sk_sync_msg m;
  if (sk_sync_send(ctx->sync_fd, SK_SYNC_HOOKS, &phase, sizeof(phase), err) < 0 ||
      sk_sync_expect(ctx->sync_fd, SK_SYNC_HOOKS_DONE, &m, err) < 0)
    return -1;
  _cleanup_free_ char *state = sk_xcalloc(1, m.len + 1);
  memcpy(state, m.data, m.len);
  return sk_hooks_run(ctx->cfg, SK_HOOK_CREATE_CONTAINER, state, err);
}

/* Step: pivot_root into the rootfs, once the create-time hooks ran. */
static int step_pivot(sk_init_ctx *ctx, sk_error **err) {
  sk_rootfs_ctx r = rootfs_ctx(ctx);
  return sk_rootfs_pivot(&r, err);
}

/* Step: the terminal, from the container's devpts: after pivot_root (so the pty is the
 * container's and /dev/console can be bound), before the finalize step may make / read-only. */
static int step_terminal(sk_init_ctx *ctx, sk_error **err) {
  if (!ctx->cfg->process->terminal) return 0;
  ctx->tty_fd = sk_terminal_setup(ctx->cfg->process, ctx->console_fd, !ctx->exec, err);
  sk_closep(&ctx->console_fd);
  return ctx->tty_fd < 0 ? -1 : 0;
}

/* Step: sysctl, masked and read-only paths, read-only root: after everything that still needs
 * to write into the rootfs or /proc (the console in the process issue). */
static int step_rootfs_finalize(sk_init_ctx *ctx, sk_error **err) {
  sk_rootfs_ctx r = rootfs_ctx(ctx);
  return sk_rootfs_finalize(ctx->cfg, &r, err);
}

static const char *env_get(char **env, size_t n, const char *key) {
  size_t kl = strlen(key);
  for (size_t i = 0; i < n; i++)
    if (strncmp(env[i], key, kl) == 0 && env[i][kl] == '=') return env[i] + kl + 1;
  return NULL;
}

static bool is_executable(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* Step: the working directory, inside the container (after pivot, so it can't name a host path;
 * checked again after chdir against a leaked fd or a symlink out: CVE-2024-21626). */
static int step_cwd(sk_init_ctx *ctx, sk_error **err) {
  const oci_process *p = ctx->cfg->process;
  const char *cwd = p->cwd && *p->cwd ? p->cwd : "/";
  if (cwd[0] != '/')
    return sk_error_set(err, EINVAL, "process.cwd", "\"%s\" is not an absolute path", cwd);
  if (chdir(cwd) < 0)
    return sk_error_set(err, errno, "process.cwd", "chdir to \"%s\" in the container", cwd);
  char buf[4096];
  if (!getcwd(buf, sizeof(buf)))
    return sk_error_set(err, errno, "process.cwd",
                        "\"%s\" is outside the container's root filesystem", cwd);
  return 0;
}

/* Step: find args[0] now, so that a missing program fails `create`, not `start` (as runc does). */
static int step_resolve_exec(sk_init_ctx *ctx, sk_error **err) {
  const oci_process *p = ctx->cfg->process;
  if (!p->args_len || !p->args[0] || !*p->args[0])
    return sk_error_set(err, EINVAL, "process.args", "no program to run: process.args is empty");
  const char *a0 = p->args[0];
  if (strchr(a0, '/')) {
    struct stat st;
    if (stat(a0, &st) < 0)
      return sk_error_set(err, errno, "process.args", "exec: \"%s\": stat %s", a0, a0);
    if (!S_ISREG(st.st_mode) || access(a0, X_OK) < 0)
      return sk_error_set(err, EACCES, "process.args", "exec: \"%s\": not an executable file", a0);
    ctx->exec_path = sk_xstrdup(a0);
    return 0;
  }
  const char *path = env_get(p->env, p->env_len, "PATH");
  _cleanup_free_ char *dirs = sk_xstrdup(path ? path : DEFAULT_PATH);
  char *save = NULL;
  for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
    _cleanup_free_ char *cand = sk_xasprintf("%s/%s", *d ? d : ".", a0);
    if (is_executable(cand)) {
      ctx->exec_path = sk_steal_ptr(&cand);
      return 0;
    }
  }
  return sk_error_set(err, ENOENT, "process.args", "exec: \"%s\": executable file not found in $PATH",
                      a0);
}

/* Step: the sealed memfd the user's program is started from (exec.c says why). Before the fd
 * step, which sees it close-on-exec like every fd of ours. */
static int step_trampoline(sk_init_ctx *ctx, sk_error **err) {
  ctx->tramp_fd = sk_exec_trampoline_fd(err);
  return ctx->tramp_fd < 0 ? -1 : 0;
}

/* Step: the terminal becomes the session's controlling terminal and fds 0-2; before the fd
 * step, so nothing of ours is left open after it. */
static int step_stdio(sk_init_ctx *ctx, sk_error **err) {
  if (ctx->tty_fd < 0) return 0;
  int fd = ctx->tty_fd;
  ctx->tty_fd = -1;
  return sk_terminal_attach(fd, err);
}

/* Step: linux.personality (LINUX32: uname -m says i686). Any time before the exec; here with
 * the other attributes of the process. */
static int step_personality(sk_init_ctx *ctx, sk_error **err) {
  return sk_proc_personality(ctx->cfg->linux ? ctx->cfg->linux->personality : NULL, err);
}

/* Step: ioPriority; the real-time class needs CAP_SYS_ADMIN: before the privileges go. */
static int step_io_priority(sk_init_ctx *ctx, sk_error **err) {
  return sk_proc_io_priority(ctx->cfg->process, err);
}

/* Step: scheduler; real-time policies and a negative nice need CAP_SYS_NICE: before the
 * privileges go, after the setup that shouldn't run under a real-time policy. */
static int step_scheduler(sk_init_ctx *ctx, sk_error **err) {
  return sk_proc_scheduler(ctx->cfg->process, err);
}

/* Step: rlimits; raising a hard limit needs CAP_SYS_RESOURCE (before the privileges go), and a
 * low RLIMIT_NOFILE or RLIMIT_AS must not hamper the setup above (so late). */
static int step_rlimits(sk_init_ctx *ctx, sk_error **err) {
  return sk_proc_rlimits(ctx->cfg->process, err);
}

/* Step: apparmorProfile / selinuxLabel for the coming exec. While still root: the init is
 * not dumpable, so once it changes uid its /proc/self/attr files are out of its reach. */
static int step_lsm(sk_init_ctx *ctx, sk_error **err) {
  return sk_proc_lsm_labels(ctx->cfg->process, err);
}

/* Step: bounding set, user (groups, gid, uid, umask), capabilities: after everything that
 * needs root; caps.c says why in this order. */
static int step_privileges(sk_init_ctx *ctx, sk_error **err) {
  return sk_proc_drop_privileges(ctx->cfg->process, err);
}

/* Step: no fd of skiff's reaches the container (CVE-2024-21626): everything from 3 + preserved
 * on is close-on-exec; the preserved ones (3 .. 3+N-1) are passed on as they are. Just before
 * the seccomp filter may be loaded (early), so close_range and fcntl needn't be in the profile
 * (runtime-tools' default profile has neither). No later step opens an fd that could escape
 * this: theirs are O_CLOEXEC and closed again, the seccomp listener is close-on-exec. */
static int step_fds(sk_init_ctx *ctx, sk_error **err) {
  unsigned int first = 3 + (unsigned int)ctx->preserve_fds;
  if (syscall(SYS_close_range, first, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
    return sk_error_errno(err, "mark skiff's file descriptors close-on-exec");
  for (int fd = 3; fd < (int)first; fd++) {
    int fl = fcntl(fd, F_GETFD);
    if (fl >= 0 && fcntl(fd, F_SETFD, fl & ~FD_CLOEXEC) < 0)
      return sk_error_set(err, errno, NULL, "pass preserved fd %d", fd);
  }
  return 0;
}

/* Step (exec only): execCPUAffinity.final, the CPUs once in the container's cgroup. The spec
 * means after the exec; the program is started through the trampoline, so it is set just
 * before (the affinity is kept across execve: the same result for the program). */
static int step_cpu_final(sk_init_ctx *ctx, sk_error **err) {
  return sk_proc_cpu_affinity(ctx->cfg->process, true, err);
}

/* Step: noNewPrivileges, last before READY (after it only the wait for start and the exec). */
static int step_no_new_privs(sk_init_ctx *ctx, sk_error **err) {
  return sk_proc_no_new_privs(ctx->cfg->process, err);
}

/* Step: linux.seccomp, loaded as late as the kernel allows, so that the filter confines as
 * little of skiff as possible. With noNewPrivileges: last (late), after the no_new_privs step,
 * right before READY and the exec. Without it, loading needs CAP_SYS_ADMIN, so it is loaded
 * just before the privileges step drops it (early), and the profile must also allow that step's
 * syscalls (capset, setresuid, setgroups, prctl); the fd step runs before it. Either way, what
 * still runs under the filter must be allowed by it (real profiles do): send/recv on the sync
 * socket or read on exec.fifo, fcntl, execveat of the trampoline's memfd, and in the
 * trampoline fcntl, execve, sendto/write and exit_group. One function, two rows of the table;
 * exactly one of them loads. */
static int load_seccomp(sk_init_ctx *ctx, bool late, sk_error **err) {
  bool nnp = ctx->cfg->process->no_new_privileges;
  if (!ctx->seccomp || nnp != late) return 0;
  _cleanup_close_ int listener = -1;
  /* The program was compiled by the parent before the clone (sk_seccomp_prepare). */
  if (sk_seccomp_install(ctx->seccomp, nnp, &listener, err) < 0) return -1;
  /* SCMP_ACT_NOTIFY: the parent hands the listener to the agent (it can reach listenerPath). */
  return listener < 0 ? 0
                      : sk_sync_send_fds(ctx->sync_fd, SK_SYNC_SECCOMP_FD, NULL, 0, &listener, 1, err);
}
static int step_seccomp_early(sk_init_ctx *ctx, sk_error **err) { return load_seccomp(ctx, false, err); }
static int step_seccomp_late(sk_init_ctx *ctx, sk_error **err) { return load_seccomp(ctx, true, err); }

/* Step: the program's environment. With socket activation, LISTEN_FDS and LISTEN_PID are
 * rewritten for the program (its pid as it sees it: 1 in its own pid namespace). */
static int step_env(sk_init_ctx *ctx, sk_error **err) {
  (void)err;
  const oci_process *p = ctx->cfg->process;
  if (!ctx->listen_fds) {
    ctx->env = p->env;
    return 0;
  }
  size_t n = 0;
  ctx->env = sk_xcalloc(p->env_len + 4, sizeof(char *));
  for (size_t i = 0; i < p->env_len; i++)
    if (strncmp(p->env[i], "LISTEN_FDS=", 11) != 0 && strncmp(p->env[i], "LISTEN_PID=", 11) != 0 &&
        strncmp(p->env[i], "LISTEN_FDNAMES=", 15) != 0)
      ctx->env[n++] = p->env[i];
  ctx->env[n++] = sk_xasprintf("LISTEN_FDS=%d", ctx->listen_fds);
  ctx->env[n++] = sk_xasprintf("LISTEN_PID=%d", (int)getpid());
  const char *names = getenv("LISTEN_FDNAMES");
  if (names) ctx->env[n++] = sk_xasprintf("LISTEN_FDNAMES=%s", names);
  return 0;
}

typedef int (*step_fn)(sk_init_ctx *, sk_error **);
/* Which processes a step is for: the container's init, and/or a process `skiff exec` adds. */
enum { INIT = 1, EXEC = 2, BOTH = INIT | EXEC };
static const struct {
  const char *what;
  step_fn fn;
  unsigned int who;
} steps[] = {
    {"map the user namespace", step_user_namespace, INIT},
    {"receive the idmapped mounts", step_mount_fds, INIT},
    {"set the initial CPU affinity", step_cpu_initial, EXEC},
    {"wait for the cgroup", step_wait_parent, BOTH},
    {"join a session keyring", step_keyring, BOTH},
    {"set oom_score_adj", step_oom_score_adj, BOTH},
    {"set the hostname", step_hostname, INIT},
    {"set up the root filesystem", step_rootfs, INIT},
    {"run the create-time hooks", step_create_hooks, INIT},
    {"pivot into the root filesystem", step_pivot, INIT},
    {"set up the terminal", step_terminal, BOTH},
    {"finish the root filesystem", step_rootfs_finalize, INIT},
    {"enter the working directory", step_cwd, BOTH},
    {"find the program", step_resolve_exec, BOTH},
    {"set the environment", step_env, BOTH},
    {"prepare the exec trampoline", step_trampoline, BOTH},
    {"attach the terminal", step_stdio, BOTH},
    {"set the personality", step_personality, BOTH},
    {"set the I/O priority", step_io_priority, BOTH},
    {"set the scheduler", step_scheduler, BOTH},
    {"set the rlimits", step_rlimits, BOTH},
    {"set the LSM labels", step_lsm, BOTH},
    {"close skiff's file descriptors", step_fds, BOTH},
    {"load the seccomp filter (no noNewPrivileges: with CAP_SYS_ADMIN)", step_seccomp_early, BOTH},
    {"drop privileges (bounding set, user, capabilities)", step_privileges, BOTH},
    {"set the final CPU affinity", step_cpu_final, EXEC},
    {"set no_new_privs", step_no_new_privs, BOTH},
    {"load the seccomp filter (noNewPrivileges)", step_seccomp_late, BOTH},
};

static int wait_for_start(sk_init_ctx *ctx, sk_error **err) {
  if (ctx->fifo_fd < 0) {
    sk_sync_msg m;
    return sk_sync_expect(ctx->sync_fd, SK_SYNC_GO, &m, err);
  }
  char c;
  ssize_t r;
  do {
    r = read(ctx->fifo_fd, &c, 1);
  } while (r < 0 && errno == EINTR);
  if (r != 1) return sk_error_errno(err, "wait for start on exec.fifo");
  return 0;
}

/* With startContainer hooks, the parent sends the state they read (status created) right after
 * READY; we keep it until `start`. */
static int recv_start_state(sk_init_ctx *ctx, char **state, sk_error **err) {
  *state = NULL;
  if (ctx->exec || !sk_hooks_count(ctx->cfg, SK_HOOK_START_CONTAINER)) return 0;
  sk_sync_msg m;
  if (sk_sync_expect(ctx->sync_fd, SK_SYNC_HOOKS, &m, err) < 0) return -1;
  *state = sk_xcalloc(1, m.len + 1);
  memcpy(*state, m.data, m.len);
  return 0;
}

/* A failure after `start` released us: `run` hears it on the sync socket, `start` on
 * exec.status (which otherwise just closes when we exec). */
static void report_start_failure(sk_init_ctx *ctx, const sk_error *err) {
  sk_sync_send_error(ctx->sync_fd, err);
  if (ctx->fifo_fd >= 0 && ctx->status_fd >= 0) {
    _cleanup_free_ char *msg = sk_error_format(err);
    (void)sk_write_all(ctx->status_fd, msg, strlen(msg));
  }
}

int sk_init_main(sk_init_ctx *ctx) {
  _cleanup_error_ sk_error *err = NULL;
  /* The parent blocked the signals it forwards; the user's program starts with none blocked. */
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);

  unsigned int who = ctx->exec ? EXEC : INIT;
  for (size_t i = 0; i < SK_ARRAY_SIZE(steps); i++) {
    if ((steps[i].who & who) && steps[i].fn(ctx, &err) < 0) {
      sk_sync_send_error(ctx->sync_fd, err);
      return 1;
    }
  }
  _cleanup_free_ char *start_state = NULL;
  if (sk_sync_send(ctx->sync_fd, SK_SYNC_READY, NULL, 0, &err) < 0 ||
      recv_start_state(ctx, &start_state, &err) < 0 || wait_for_start(ctx, &err) < 0) {
    sk_sync_send_error(ctx->sync_fd, err);
    return 1;
  }
  /* startContainer: in the container, after `start`, just before the program (config.md). */
  if (start_state && sk_hooks_run(ctx->cfg, SK_HOOK_START_CONTAINER, start_state, &err) < 0) {
    report_start_failure(ctx, err);
    return 1;
  }
  const oci_process *p = ctx->cfg->process;
  sk_exec_program(ctx->tramp_fd, ctx->sync_fd, ctx->exec_path, p->args,
                  ctx->env ? ctx->env : (char *[]){NULL});
  /* Only `run` still listens (its sync socket closes on a successful exec). */
  sk_error_set(&err, errno, "process.args", "exec \"%s\"", ctx->exec_path);
  sk_sync_send_error(ctx->sync_fd, err);
  _cleanup_free_ char *msg = sk_error_format(err);
  dprintf(2, "skiff: %s\n", msg);
  return 127;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Running OCI hooks: fork, a clean child (stdin = the state, no fds or signal state of ours),
 * execve of the hook's path, wait with the hook's timeout. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/close_range.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "skiff/hooks.h"
#include "skiff/log.h"
#include "skiff/signals.h"
#include "skiff/util.h"

static const char *const phase_names[] = {
    [SK_HOOK_PRESTART] = "prestart",
    [SK_HOOK_CREATE_RUNTIME] = "createRuntime",
    [SK_HOOK_CREATE_CONTAINER] = "createContainer",
    [SK_HOOK_START_CONTAINER] = "startContainer",
    [SK_HOOK_POSTSTART] = "poststart",
    [SK_HOOK_POSTSTOP] = "poststop",
};

static const oci_hook *phase_hooks(const oci_config *cfg, sk_hook_phase ph, size_t *n) {
  const oci_hooks *h = cfg ? cfg->hooks : NULL;
  *n = 0;
  if (!h) return NULL;
  switch (ph) {
  case SK_HOOK_PRESTART:
    *n = h->prestart_len;
    return h->prestart;
  case SK_HOOK_CREATE_RUNTIME:
    *n = h->create_runtime_len;
    return h->create_runtime;
  case SK_HOOK_CREATE_CONTAINER:
    *n = h->create_container_len;
    return h->create_container;
  case SK_HOOK_START_CONTAINER:
    *n = h->start_container_len;
    return h->start_container;
  case SK_HOOK_POSTSTART:
    *n = h->poststart_len;
    return h->poststart;
  case SK_HOOK_POSTSTOP:
    *n = h->poststop_len;
    return h->poststop;
  }
  return NULL;
}

size_t sk_hooks_count(const oci_config *cfg, sk_hook_phase ph) {
  size_t n;
  phase_hooks(cfg, ph, &n);
  return n;
}

/* A pipe that already holds all of data, its write end closed: the hook reads it at its pace
 * and we never block on (or get SIGPIPE from) a hook that does not read. */
static int stdin_pipe(const char *data, sk_error **err) {
  int p[2];
  size_t len = strlen(data);
  if (pipe2(p, O_CLOEXEC) < 0) return sk_error_errno(err, "create the hooks' stdin pipe");
  int cap = fcntl(p[1], F_GETPIPE_SZ);
  if (cap >= 0 && (size_t)cap < len && fcntl(p[1], F_SETPIPE_SZ, (int)len) < 0) {
    sk_error_set(err, errno, NULL, "the state (%zu bytes) does not fit in the hooks' stdin pipe", len);
    close(p[0]), close(p[1]);
    return -1;
  }
  if (sk_write_all(p[1], data, len) < 0) {
    sk_error_errno(err, "write the state to the hooks' stdin pipe");
    close(p[0]), close(p[1]);
    return -1;
  }
  close(p[1]);
  return p[0];
}

/* In the forked child: only async-signal-safe calls. Never returns. */
static void hook_child(const char *path, char *const argv[], char *const envp[], int in, int report) {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  struct sigaction dfl = {.sa_handler = SIG_DFL};
  for (int sig = 1; sig < NSIG; sig++)
    if (sig != SIGKILL && sig != SIGSTOP) sigaction(sig, &dfl, NULL);
  if (in == 0 ? fcntl(0, F_SETFD, 0) < 0 : dup2(in, 0) < 0) goto fail;
  /* Every other fd of ours (report included) is gone at execve. */
  if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) < 0) goto fail;
  execve(path, argv, envp);
fail:;
  int e = errno;
  if (write(report, &e, sizeof(e)) < 0) _exit(127);
  _exit(127);
}

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for the hook; with a timeout, SIGKILL it on expiry. 1 = timed out, 0 = *wstatus set. */
static int wait_hook(pid_t pid, const oci_hook *h, int *wstatus, sk_error **err) {
  if (h->has_timeout) {
    _cleanup_close_ int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (pfd < 0) {
      sk_error_errno(err, "pidfd_open of the hook (pid %d)", pid);
      kill(pid, SIGKILL);
      waitpid(pid, NULL, 0);
      return -1;
    }
    /* A timeout of centuries is no timeout: capped, not overflowed. */
    long long ms = h->timeout > LLONG_MAX / 4000 ? LLONG_MAX / 4 : h->timeout * 1000;
    long long deadline = now_ms() + ms;
    for (;;) {
      long long left = deadline - now_ms();
      struct pollfd p = {.fd = pfd, .events = POLLIN};
      int r = left > 0 ? poll(&p, 1, left > 1000000000 ? 1000000000 : (int)left) : 0;
      if (r < 0 && errno == EINTR) continue;
      if (r > 0) break;
      if (r == 0 && left > 0) continue; /* a capped wait of a very long timeout */
      kill(pid, SIGKILL);
      waitpid(pid, NULL, 0);
      return 1;
    }
  }
  while (waitpid(pid, wstatus, 0) < 0)
    if (errno != EINTR) return sk_error_errno(err, "wait for the hook (pid %d)", pid);
  return 0;
}

static int run_one(const oci_hook *h, const char *where, const char *state_json, sk_error **err) {
  _cleanup_free_ char **argv = sk_xcalloc(h->args_len + 2, sizeof(char *));
  _cleanup_free_ char **envp = sk_xcalloc(h->env_len + 1, sizeof(char *));
  for (size_t i = 0; i < h->args_len; i++)
    argv[i] = h->args[i];
  if (!h->args_len) argv[0] = h->path; /* no args: argv[0] is the path, as execv's callers do */
  for (size_t i = 0; i < h->env_len; i++)
    envp[i] = h->env[i];

  _cleanup_close_ int in = stdin_pipe(state_json, err);
  if (in < 0) goto fail;
  int rep[2];
  if (pipe2(rep, O_CLOEXEC) < 0) {
    sk_error_errno(err, "create a pipe for the hook");
    goto fail;
  }
  fflush(stdout);
  fflush(stderr);
  /* Our caller may have left SIGCHLD ignored: children would then be reaped unwaited, their
   * status lost. Only then is it changed: setting SIGCHLD to SIG_DFL would also drop a pending
   * one (that of the container's init, which a foreground run still has to see). */
  struct sigaction dfl = {.sa_handler = SIG_DFL}, old;
  sigaction(SIGCHLD, NULL, &old);
  bool ign = old.sa_handler == SIG_IGN;
  if (ign) sigaction(SIGCHLD, &dfl, NULL);
  pid_t pid = fork();
  if (pid < 0) {
    sk_error_errno(err, "fork for the hook");
    if (ign) sigaction(SIGCHLD, &old, NULL);
    close(rep[0]), close(rep[1]);
    goto fail;
  }
  if (pid == 0) hook_child(h->path, argv, envp, in, rep[1]);
  close(rep[1]);
  sk_closep(&in);
  int st = 0, e = 0;
  int r = wait_hook(pid, h, &st, err);
  if (ign) sigaction(SIGCHLD, &old, NULL);
  ssize_t got = read(rep[0], &e, sizeof(e));
  close(rep[0]);
  if (r < 0) goto fail;
  if (r == 1) {
    sk_error_set(err, 0, NULL, "timed out after %llds", (long long)h->timeout);
  } else if (got == (ssize_t)sizeof(e)) {
    sk_error_set(err, e, NULL, "exec \"%s\"", h->path);
  } else if (WIFEXITED(st) && WEXITSTATUS(st) != 0) {
    sk_error_set(err, 0, NULL, "\"%s\" exited with status %d", h->path, WEXITSTATUS(st));
  } else if (WIFSIGNALED(st)) {
    const char *name = sk_signal_name(WTERMSIG(st));
    sk_error_set(err, 0, NULL, "\"%s\" was killed by signal %d%s%s%s", h->path, WTERMSIG(st),
                 name ? " (" : "", name ? name : "", name ? ")" : "");
  } else {
    return 0;
  }
fail:
  for (sk_error *x = *err; x; x = x->next)
    if (!x->path) x->path = sk_xstrdup(where);
  return -1;
}

int sk_hooks_run(const oci_config *cfg, sk_hook_phase ph, const char *state_json, sk_error **err) {
  size_t n;
  const oci_hook *hooks = phase_hooks(cfg, ph, &n);
  for (size_t i = 0; i < n; i++) {
    _cleanup_free_ char *where = sk_xasprintf("hooks.%s[%zu]", phase_names[ph], i);
    sk_debug("running %s: %s", where, hooks[i].path);
    if (run_one(&hooks[i], where, state_json, err) < 0) return -1;
  }
  return 0;
}

void sk_hooks_run_warn(const oci_config *cfg, sk_hook_phase ph, const char *state_json) {
  size_t n;
  const oci_hook *hooks = phase_hooks(cfg, ph, &n);
  for (size_t i = 0; i < n; i++) {
    _cleanup_free_ char *where = sk_xasprintf("hooks.%s[%zu]", phase_names[ph], i);
    _cleanup_error_ sk_error *e = NULL;
    sk_debug("running %s: %s", where, hooks[i].path);
    if (run_one(&hooks[i], where, state_json, &e) < 0) {
      _cleanup_free_ char *msg = sk_error_format(e);
      sk_warn("%s (ignored: a %s hook's failure is a warning)", msg, phase_names[ph]);
    }
  }
}

char *sk_hooks_state_json(const sk_state *st, sk_status status) {
  sk_state s = *st;
  s.status = status;
  if (status == SK_STATUS_STOPPED) s.pid = 0;
  return sk_state_to_json(&s, true);
}

char *sk_hooks_to_state(const oci_config *cfg) {
  if (!cfg->hooks) return NULL;
  /* root: the parser wants it on Linux. */
  oci_config only = {.oci_version = cfg->oci_version, .root = cfg->root, .hooks = cfg->hooks};
  return oci_config_to_json(&only);
}

int sk_hooks_from_state(const sk_state *st, oci_config **out, sk_error **err) {
  *out = NULL;
  if (!st->config_json) return 0;
  if (oci_config_parse(st->config_json, strlen(st->config_json), out, err) < 0) {
    sk_error_prefix(*err, "the hooks kept in the state of container %s", st->id);
    return -1;
  }
  return 0;
}

int sk_hooks_run_kept_strict(const sk_state *st, sk_hook_phase ph, sk_status status,
                             sk_error **err) {
  _cleanup_oci_config_ oci_config *cfg = NULL;
  if (sk_hooks_from_state(st, &cfg, err) < 0) return -1;
  if (!sk_hooks_count(cfg, ph)) return 0;
  _cleanup_free_ char *json = sk_hooks_state_json(st, status);
  return sk_hooks_run(cfg, ph, json, err);
}

void sk_hooks_run_kept(const sk_state *st, sk_hook_phase ph, sk_status status) {
  _cleanup_oci_config_ oci_config *cfg = NULL;
  _cleanup_error_ sk_error *e = NULL;
  if (sk_hooks_from_state(st, &cfg, &e) < 0) {
    _cleanup_free_ char *msg = sk_error_format(e);
    sk_warn("%s: the %s hooks were not run", msg, phase_names[ph]);
    return;
  }
  if (!sk_hooks_count(cfg, ph)) return;
  _cleanup_free_ char *json = sk_hooks_state_json(st, status);
  sk_hooks_run_warn(cfg, ph, json);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* run: create + start; in the foreground, forward signals, wait, exit with the init's status. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"
#include "skiff/hooks.h"
#include "skiff/log.h"
#include "skiff/terminal.h"
#include "skiff/util.h"

void sk_forwarded_signals(sigset_t *set) {
  sigfillset(set);
  sigdelset(set, SIGKILL);
  sigdelset(set, SIGSTOP);
  /* Faults are ours, not the container's. */
  sigdelset(set, SIGSEGV);
  sigdelset(set, SIGBUS);
  sigdelset(set, SIGILL);
  sigdelset(set, SIGFPE);
  sigdelset(set, SIGABRT);
  sigdelset(set, SIGTRAP);
  sigdelset(set, SIGSYS);
}

static int exit_status(int wstatus) {
  if (WIFEXITED(wstatus)) return WEXITSTATUS(wstatus);
  if (WIFSIGNALED(wstatus)) return 128 + WTERMSIG(wstatus);
  return 255;
}

int sk_container_run(const sk_globals *g, const sk_create_opts *o, int *exit_st, sk_error **err) {
  sk_building b;
  sigset_t set, old;
  *exit_st = 0;
  if (o->detach) {
    /* Detached: like create + start, the init stays blocked on exec.fifo until released. */
    if (sk_container_create(g, o, err) < 0) return -1;
    return sk_container_start(g, o->id, err);
  }
  if (!o->no_subreaper) prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  sk_forwarded_signals(&set);
  sigprocmask(SIG_BLOCK, &set, &old);
  int r = sk_build(g, o, false, &b, err);
  if (r == 0 && o->pid_file) r = sk_write_pid_file(o->pid_file, b.pid, err);
  if (r == 0) {
    b.state->status = SK_STATUS_RUNNING;
    r = sk_state_save(b.dir, b.state, err);
  }
  if (r == 0) r = sk_build_release(&b, err);
  if (r < 0) {
    if (b.dir) sk_build_destroy(&b); /* built (sk_build undoes its own failures) */
    sigprocmask(SIG_SETMASK, &old, NULL);
    return -1;
  }
  close(b.sync_fd);
  b.sync_fd = -1;
  /* Don't hold the container's lock while it runs: state/kill/exec must get in. */
  sk_container_dir *dir = sk_steal_ptr(&b.dir);
  sk_state_close_dir(dir);
  if (sk_hooks_run_kept_strict(b.state, SK_HOOK_POSTSTART, SK_STATUS_RUNNING, err) < 0) {
    sk_poststart_failed(g, o->id);
    /* Reap the init (we are its parent) killed by the delete. */
    while (waitpid(b.pid, NULL, 0) < 0 && errno == EINTR) {
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    b.pid = 0;
    sk_build_close(&b);
    return -1;
  }
  /* Forward signals (the terminal's size for SIGWINCH), copy the terminal, reap as subreaper. */
  int wst = sk_terminal_proxy(b.master, b.pid, &set);
  *exit_st = exit_status(wst);
  if (WIFSIGNALED(wst) && WTERMSIG(wst) == SIGKILL) sk_oom_warn(b.cgroup, b.oom_base);
  sigprocmask(SIG_SETMASK, &old, NULL);
  b.pid = 0;
  if (!o->keep) {
    _cleanup_error_ sk_error *derr = NULL;
    if (sk_container_delete(g, o->id, true, &derr) < 0) sk_log_report(derr);
  }
  sk_build_close(&b);
  return 0;
}

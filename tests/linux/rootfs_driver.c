/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test helper: build a container's filesystem view from a bundle without the lifecycle.
 *
 *   rootfs_driver [--no-pivot] [--host-mountinfo FILE] BUNDLE CMD [ARG...]
 *
 * Loads BUNDLE/config.json, unshares the namespaces of linux.namespaces (paths are ignored;
 * mount, pid, uts, ipc always), maps the user namespace with linux.uidMappings/gidMappings,
 * forks the container's pid 1, which calls sk_rootfs_setup + sk_rootfs_finalize and execs CMD.
 * Errors are printed "rootfs_driver: <config path>: <message>: <strerror>", exit status 125.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "skiff/log.h"
#include "skiff/oci.h"
#include "skiff/rootfs.h"
#include "skiff/util.h"

/* Until the real log lands (and then the real one wins: this one is weak). */
__attribute__((weak)) void sk_log(sk_log_level level, const char *fmt, ...) {
  if (level == SK_LOG_DEBUG && !getenv("SKIFF_TEST_DEBUG")) return;
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "rootfs_driver: debug: ");
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

static int report(sk_error *e) {
  for (; e; e = e->next) {
    char *s = sk_error_format(e);
    fprintf(stderr, "rootfs_driver: %s\n", s);
    free(s);
  }
  return 125;
}

static int ns_flag(const char *type) {
  static const struct {
    const char *name;
    int flag;
  } t[] = {{"mount", CLONE_NEWNS},     {"pid", CLONE_NEWPID},     {"uts", CLONE_NEWUTS},
           {"ipc", CLONE_NEWIPC},      {"network", CLONE_NEWNET}, {"user", CLONE_NEWUSER},
           {"cgroup", CLONE_NEWCGROUP}};
  for (size_t i = 0; i < SK_ARRAY_SIZE(t); i++)
    if (strcmp(type, t[i].name) == 0) return t[i].flag;
  return 0;
}

static void write_map(pid_t pid, const char *file, const oci_id_mapping *m, size_t n) {
  char path[64], buf[4096] = "";
  snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
  for (size_t i = 0; i < n; i++)
    snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%u %u %u\n", m[i].container_id,
             m[i].host_id, m[i].size);
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write(fd, buf, strlen(buf)) < 0) perror(path);
  if (fd >= 0) close(fd);
}

static int wait_status(pid_t pid) {
  int st;
  while (waitpid(pid, &st, 0) < 0)
    if (errno != EINTR) return 125;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int main(int argc, char **argv) {
  bool no_pivot = false;
  int i = 1;
  for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++)
    if (strcmp(argv[i], "--no-pivot") == 0) no_pivot = true;
  if (argc - i < 2) {
    fprintf(stderr, "usage: rootfs_driver [--no-pivot] BUNDLE CMD [ARG...]\n");
    return 2;
  }
  char bundle[PATH_MAX], rootfs[PATH_MAX];
  if (!realpath(argv[i], bundle)) {
    perror(argv[i]);
    return 125;
  }
  char **cmd = argv + i + 1;
  _cleanup_error_ sk_error *err = NULL;
  _cleanup_oci_config_ oci_config *cfg = NULL;
  _cleanup_free_ char *cfgpath = sk_xasprintf("%s/config.json", bundle);
  if (oci_config_load(cfgpath, &cfg, &err) < 0) return report(err);
  _cleanup_free_ char *rp = cfg->root->path[0] == '/'
                                ? sk_xstrdup(cfg->root->path)
                                : sk_xasprintf("%s/%s", bundle, cfg->root->path);
  if (!realpath(rp, rootfs)) {
    perror(rp);
    return 125;
  }

  int flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC;
  if (cfg->linux)
    for (size_t n = 0; n < cfg->linux->namespaces_len; n++)
      flags |= ns_flag(cfg->linux->namespaces[n].type);
  sk_rootfs_ctx ctx = {.rootfs = rootfs,
                       .bundle = bundle,
                       .no_pivot = no_pivot,
                       .in_userns = flags & CLONE_NEWUSER,
                       .ns_flags = flags};

  int sync[2];
  if (pipe(sync) < 0) return 125;
  pid_t child = fork();
  if (child < 0) return 125;
  if (child == 0) {
    close(sync[1]);
    if (unshare(flags) < 0) {
      perror("unshare");
      _exit(125);
    }
    char c;
    if (read(sync[0], &c, 1) != 1) _exit(125); /* the parent wrote the id maps */
    if ((flags & CLONE_NEWUSER) && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)) {
      perror("setresuid");
      _exit(125);
    }
    pid_t init = fork(); /* pid 1 of the new pid namespace */
    if (init < 0) _exit(125);
    if (init == 0) {
      if (sk_rootfs_setup(cfg, &ctx, &err) < 0 || sk_rootfs_finalize(cfg, &ctx, &err) < 0)
        _exit(report(err));
      execvp(cmd[0], cmd);
      perror(cmd[0]);
      _exit(127);
    }
    _exit(wait_status(init));
  }
  close(sync[0]);
  /* Wait for the unshare: the child's user namespace differs from ours. */
  if (flags & CLONE_NEWUSER) {
    char a[64], b[64], p[64];
    ssize_t la = readlink("/proc/self/ns/user", a, sizeof(a) - 1);
    snprintf(p, sizeof(p), "/proc/%d/ns/user", (int)child);
    for (int tries = 0; tries < 5000; tries++) {
      ssize_t lb = readlink(p, b, sizeof(b) - 1);
      if (la > 0 && lb > 0 && (lb != la || memcmp(a, b, (size_t)la) != 0)) break;
      usleep(1000);
    }
    if (cfg->linux) {
      write_map(child, "uid_map", cfg->linux->uid_mappings, cfg->linux->uid_mappings_len);
      write_map(child, "gid_map", cfg->linux->gid_mappings, cfg->linux->gid_mappings_len);
    }
  }
  if (write(sync[1], "x", 1) != 1) return 125;
  close(sync[1]);
  return wait_status(child);
}

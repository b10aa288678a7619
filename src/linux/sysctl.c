/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.sysctl: written to /proc/sys inside the container, only for sysctls that belong to a
 * namespace the container has (so they cannot change the host). Per the kernel's
 * Documentation/admin-guide/sysctl and namespaces(7): the IPC namespace owns the System V IPC
 * limits and fs.mqueue.*, the UTS namespace the host and domain names, the network namespace
 * net.*. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rootfs_internal.h"
#include "skiff/util.h"

static const char *const ipc_sysctls[] = {
    "kernel.msgmax",      "kernel.msgmnb",      "kernel.msgmni",      "kernel.sem",
    "kernel.shmall",      "kernel.shmmax",      "kernel.shmmni",      "kernel.shm_rmid_forced",
    "kernel.msg_next_id", "kernel.sem_next_id", "kernel.shm_next_id", NULL,
};

static bool in_list(const char *key, const char *const *list) {
  for (size_t i = 0; list[i]; i++)
    if (strcmp(key, list[i]) == 0) return true;
  return false;
}

/* The key with '/' as separator: dots become slashes unless the key already uses slashes
 * (then dots are part of names, e.g. an interface "eth0.100"), as sysctl(8) does. */
static char *key_path(const char *key) {
  char *p = sk_xstrdup(key);
  if (!strchr(p, '/'))
    for (char *c = p; *c; c++)
      if (*c == '.') *c = '/';
  return p;
}

bool sk_sysctl_allowed(const char *key, int ns_flags, const char **why) {
  _cleanup_free_ char *dotted = sk_xstrdup(key);
  for (char *c = dotted; *c; c++)
    if (*c == '/') *c = '.';
  if (in_list(dotted, ipc_sysctls) || strncmp(dotted, "fs.mqueue.", 10) == 0) {
    if (ns_flags & CLONE_NEWIPC) return true;
    *why = "belongs to the IPC namespace, and the container does not have its own: add an "
           "\"ipc\" namespace to linux.namespaces";
    return false;
  }
  if (strcmp(dotted, "kernel.hostname") == 0 || strcmp(dotted, "kernel.domainname") == 0) {
    if (ns_flags & CLONE_NEWUTS) return true;
    *why = "belongs to the UTS namespace, and the container does not have its own: add an "
           "\"uts\" namespace to linux.namespaces";
    return false;
  }
  if (strncmp(dotted, "net.", 4) == 0) {
    if (ns_flags & CLONE_NEWNET) return true;
    *why = "belongs to the network namespace, and the container does not have its own: add a "
           "\"network\" namespace to linux.namespaces";
    return false;
  }
  *why = "is not namespaced: setting it would change the host; set it on the host instead";
  return false;
}

/* Every component a plain name: no "", ".", "..". */
static bool valid_path(const char *p) {
  if (!*p || *p == '/') return false;
  _cleanup_free_ char *c = sk_xstrdup(p);
  char *save = NULL;
  size_t n = 0;
  for (char *t = strtok_r(c, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
    if (strcmp(t, ".") == 0 || strcmp(t, "..") == 0) return false;
    n++;
  }
  return n > 0 && !strstr(p, "//") && p[strlen(p) - 1] != '/';
}

static int write_sysctl(int sysfd, const char *key, const char *value, const char *cfgpath,
                        sk_error **err) {
  _cleanup_free_ char *rel = key_path(key);
  if (!valid_path(rel)) return sk_error_set(err, EINVAL, cfgpath, "not a valid sysctl name");
  struct open_how how = {.flags = O_WRONLY | O_TRUNC | O_CLOEXEC,
                         .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS |
                                    RESOLVE_NO_XDEV};
  int fd = (int)syscall(SYS_openat2, sysfd, rel, &how, sizeof(how));
  if (fd < 0 && errno == ENOSYS)
    fd = openat(sysfd, rel, O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return sk_error_set(err, errno, cfgpath, "open /proc/sys/%s%s", rel,
                        errno == ENOENT ? " (no such sysctl in this kernel)" : "");
  int r = sk_write_all(fd, value, strlen(value));
  int e = errno;
  close(fd);
  if (r < 0)
    return sk_error_set(err, e, cfgpath, "write \"%s\" to /proc/sys/%s%s", value, rel,
                        e == EINVAL ? " (the kernel refused this value)" : "");
  return 0;
}

int sk_rootfs_apply_sysctl(const oci_config *cfg, const sk_rootfs_ctx *ctx, sk_error **err) {
  if (!cfg->linux || cfg->linux->sysctl_len == 0) return 0;
  /* Validate every key before writing any. */
  int bad = 0;
  for (size_t i = 0; i < cfg->linux->sysctl_len; i++) {
    const char *key = cfg->linux->sysctl[i].key ? cfg->linux->sysctl[i].key : "";
    const char *why = NULL;
    if (!sk_sysctl_allowed(key, ctx->ns_flags, &why)) {
      _cleanup_free_ char *p = sk_xasprintf("linux.sysctl.%s", key);
      sk_error_set(err, EPERM, p, "refused: this sysctl %s", why);
      bad++;
    }
  }
  if (bad) return -1;
  _cleanup_close_ int sysfd = open("/proc/sys", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  struct statfs sfs;
  if (sysfd < 0 || fstatfs(sysfd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC) {
    _cleanup_free_ char *p = sk_xasprintf("linux.sysctl.%s", cfg->linux->sysctl[0].key);
    return sk_error_set(err, sysfd < 0 ? errno : ENOENT, p,
                        "/proc/sys is not procfs inside the container: add a proc mount on "
                        "/proc to mounts");
  }
  for (size_t i = 0; i < cfg->linux->sysctl_len; i++) {
    const oci_kv *kv = &cfg->linux->sysctl[i];
    _cleanup_free_ char *p = sk_xasprintf("linux.sysctl.%s", kv->key);
    if (write_sysctl(sysfd, kv->key, kv->value ? kv->value : "", p, err) < 0) return -1;
  }
  return 0;
}

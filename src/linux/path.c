/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Resolving paths inside a hostile root: openat2(RESOLVE_IN_ROOT), or a component walk. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "skiff/path.h"
#include "skiff/util.h"

#define MAX_SYMLINKS 40

static bool openat2_missing;

static int sys_openat2(int dirfd, const char *path, int flags, mode_t mode, uint64_t resolve) {
  struct open_how how = {.flags = (uint64_t)flags,
                         .mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
                         .resolve = resolve};
  return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
}

/* Split off the first component of *rest (skipping slashes); returns false at the end. */
static bool next_component(const char **rest, char *buf, size_t bufsz) {
  const char *p = *rest;
  while (*p == '/')
    p++;
  if (!*p) return false;
  size_t n = strcspn(p, "/");
  if (n >= bufsz) n = bufsz - 1; /* longer than NAME_MAX: openat fails with ENAMETOOLONG anyway */
  memcpy(buf, p, n);
  buf[n] = '\0';
  *rest = p + strcspn(p, "/");
  return true;
}

static bool only_slashes(const char *p) {
  while (*p == '/')
    p++;
  return *p == '\0';
}

/*
 * The walk used where openat2 is missing. Keeps a stack of directory fds from the root down,
 * so ".." never climbs above the root; symlinks are read and their target resolved inside the
 * root (an absolute target restarts at the root). Returns -1 with errno set.
 */
static int walk_in_root(int rootfd, const char *path, int flags, mode_t mode) {
  int stack[PATH_MAX / 2];
  size_t depth = 0;
  int links = 0, ret = -1, saved = 0;
  _cleanup_free_ char *pending = sk_xstrdup(path); /* what remains to resolve */
  const char *rest = pending;
  char name[NAME_MAX + 2];

  stack[0] = fcntl(rootfd, F_DUPFD_CLOEXEC, 3);
  if (stack[0] < 0) return -1;
  for (;;) {
    if (!next_component(&rest, name, sizeof(name))) {
      /* The path named a directory on the stack itself ("/", "a/..", "."). */
      ret = openat(stack[depth], ".", (flags & ~(O_CREAT | O_EXCL)) | O_CLOEXEC, mode);
      saved = errno;
      break;
    }
    bool last = only_slashes(rest);
    if (strcmp(name, ".") == 0) continue;
    if (strcmp(name, "..") == 0) {
      if (depth > 0) close(stack[depth--]);
      if (last) {
        ret = openat(stack[depth], ".", (flags & ~(O_CREAT | O_EXCL)) | O_CLOEXEC, mode);
        saved = errno;
        break;
      }
      continue;
    }
    struct stat st;
    if (fstatat(stack[depth], name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
      if (errno == ENOENT && last && (flags & O_CREAT)) {
        ret = openat(stack[depth], name, flags | O_NOFOLLOW | O_CLOEXEC, mode);
        saved = errno;
        break;
      }
      saved = errno;
      break;
    }
    if (S_ISLNK(st.st_mode) && !(last && (flags & O_NOFOLLOW))) {
      if (++links > MAX_SYMLINKS) {
        saved = ELOOP;
        break;
      }
      char target[PATH_MAX];
      ssize_t n = readlinkat(stack[depth], name, target, sizeof(target) - 1);
      if (n < 0) {
        saved = errno;
        break;
      }
      target[n] = '\0';
      if (target[0] == '/')
        while (depth > 0)
          close(stack[depth--]);
      char *np = sk_xasprintf("%s/%s", target, rest);
      free(pending);
      pending = np;
      rest = pending;
      continue;
    }
    if (last) {
      ret = openat(stack[depth], name, flags | O_NOFOLLOW | O_CLOEXEC, mode);
      saved = errno;
      break;
    }
    if (!S_ISDIR(st.st_mode)) {
      saved = ENOTDIR;
      break;
    }
    if (depth + 1 >= SK_ARRAY_SIZE(stack)) {
      saved = ENAMETOOLONG;
      break;
    }
    int fd = openat(stack[depth], name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
      saved = errno;
      break;
    }
    stack[++depth] = fd;
  }
  for (size_t i = 0; i <= depth; i++)
    close(stack[i]);
  errno = saved;
  return ret;
}

int sk_path_open_in_root(int rootfd, const char *path, int flags, mode_t mode, sk_error **err) {
  int fd = -1;
  if (!openat2_missing) {
    for (int tries = 0; tries < 16; tries++) {
      fd = sys_openat2(rootfd, path, flags | O_CLOEXEC, mode,
                       RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
      if (fd >= 0 || errno != EAGAIN) break;
    }
    if (fd < 0 && errno == ENOSYS) openat2_missing = true;
  }
  if (openat2_missing) fd = walk_in_root(rootfd, path, flags, mode);
  if (fd < 0) return sk_error_set(err, errno, NULL, "open \"%s\" inside the rootfs", path);
  if (flags & O_CREAT) {
    /* umask must not change the mode asked for. */
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 07777) != (mode & 07777) &&
        !(flags & O_PATH))
      (void)fchmod(fd, mode & 07777);
  }
  return fd;
}

int sk_path_mkdirs_in_root(int rootfd, const char *path, mode_t mode, sk_error **err) {
  const char *rest = path;
  char name[NAME_MAX + 2];
  _cleanup_free_ char *prefix = sk_xstrdup("/");
  _cleanup_close_ int cur = fcntl(rootfd, F_DUPFD_CLOEXEC, 3);
  if (cur < 0) return sk_error_set(err, errno, NULL, "duplicate the rootfs fd");

  while (next_component(&rest, name, sizeof(name))) {
    char *np = sk_xasprintf("%s%s%s", prefix, prefix[strlen(prefix) - 1] == '/' ? "" : "/", name);
    free(prefix);
    prefix = np;
    int fd = sk_path_open_in_root(rootfd, prefix, O_PATH | O_DIRECTORY, 0, NULL);
    if (fd < 0 && errno == ENOENT && strcmp(name, "..") != 0 && strcmp(name, ".") != 0) {
      if (mkdirat(cur, name, mode) < 0 && errno != EEXIST)
        return sk_error_set(err, errno, NULL, "create directory \"%s\" inside the rootfs", prefix);
      /* Set the mode explicitly: the umask must not change it. */
      _cleanup_close_ int dfd = openat(cur, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (dfd >= 0) (void)fchmod(dfd, mode);
      fd = sk_path_open_in_root(rootfd, prefix, O_PATH | O_DIRECTORY, 0, NULL);
    }
    if (fd < 0) {
      if (errno == ENOENT)
        return sk_error_set(err, errno, NULL,
                            "create directory \"%s\" inside the rootfs: a dangling symlink is in "
                            "the way",
                            prefix);
      return sk_error_set(err, errno, NULL, "open directory \"%s\" inside the rootfs", prefix);
    }
    close(cur);
    cur = fd;
  }
  return sk_steal_fd(&cur);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tmpcopyup: copy a directory tree (files, directories, symlinks, devices, fifos) with modes,
 * owners and times, never following a symlink. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rootfs_internal.h"
#include "skiff/util.h"

#define MAX_DEPTH 128

static int copy_file(int from, int to, const char *name, const struct stat *st, sk_error **err) {
  _cleanup_close_ int in = openat(from, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (in < 0) return sk_error_set(err, errno, NULL, "tmpcopyup: open %s", name);
  _cleanup_close_ int out =
      openat(to, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (out < 0) return sk_error_set(err, errno, NULL, "tmpcopyup: create %s", name);
  off_t left = st->st_size;
  while (left > 0) {
    ssize_t n = sendfile(out, in, NULL, left > (1 << 30) ? (1 << 30) : (size_t)left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return sk_error_set(err, errno, NULL, "tmpcopyup: copy %s", name);
    if (n == 0) break;
    left -= n;
  }
  return 0;
}

static int copy_dir(int from, int to, int depth, sk_error **err);

static int copy_entry(int from, int to, const char *name, int depth, sk_error **err) {
  struct stat st;
  if (fstatat(from, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return sk_error_set(err, errno, NULL, "tmpcopyup: stat %s", name);
  if (S_ISDIR(st.st_mode)) {
    if (mkdirat(to, name, 0700) < 0)
      return sk_error_set(err, errno, NULL, "tmpcopyup: mkdir %s", name);
    _cleanup_close_ int sfd = openat(from, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    _cleanup_close_ int dfd = openat(to, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (sfd < 0 || dfd < 0) return sk_error_set(err, errno, NULL, "tmpcopyup: open %s", name);
    if (copy_dir(sfd, dfd, depth + 1, err) < 0) return -1;
  } else if (S_ISREG(st.st_mode)) {
    if (copy_file(from, to, name, &st, err) < 0) return -1;
  } else if (S_ISLNK(st.st_mode)) {
    char target[PATH_MAX];
    ssize_t n = readlinkat(from, name, target, sizeof(target) - 1);
    if (n < 0) return sk_error_set(err, errno, NULL, "tmpcopyup: readlink %s", name);
    target[n] = '\0';
    if (symlinkat(target, to, name) < 0)
      return sk_error_set(err, errno, NULL, "tmpcopyup: symlink %s", name);
  } else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) || S_ISFIFO(st.st_mode)) {
    if (mknodat(to, name, st.st_mode, st.st_rdev) < 0)
      return sk_error_set(err, errno, NULL, "tmpcopyup: mknod %s", name);
  } else {
    return 0; /* sockets: nothing to copy */
  }
  if (fchownat(to, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0 && errno != EPERM &&
      errno != EINVAL)
    return sk_error_set(err, errno, NULL, "tmpcopyup: chown %s", name);
  if (!S_ISLNK(st.st_mode) && fchmodat(to, name, st.st_mode & 07777, AT_SYMLINK_NOFOLLOW) < 0)
    return sk_error_set(err, errno, NULL, "tmpcopyup: chmod %s", name);
  struct timespec ts[2] = {st.st_atim, st.st_mtim};
  (void)utimensat(to, name, ts, AT_SYMLINK_NOFOLLOW);
  return 0;
}

static int copy_dir(int from, int to, int depth, sk_error **err) {
  if (depth > MAX_DEPTH)
    return sk_error_set(err, ELOOP, NULL, "tmpcopyup: directories nested deeper than %d",
                        MAX_DEPTH);
  int dfd = fcntl(from, F_DUPFD_CLOEXEC, 3);
  if (dfd < 0) return sk_error_set(err, errno, NULL, "tmpcopyup: dup");
  DIR *d = fdopendir(dfd);
  if (!d) {
    close(dfd);
    return sk_error_set(err, errno, NULL, "tmpcopyup: read directory");
  }
  int ret = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    if (copy_entry(from, to, e->d_name, depth, err) < 0) {
      ret = -1;
      break;
    }
  }
  closedir(d);
  return ret;
}

int sk_copy_tree(int from, int to, sk_error **err) {
  if (copy_dir(from, to, 0, err) < 0) return -1;
  struct stat st;
  if (fstat(from, &st) == 0) {
    (void)fchmod(to, st.st_mode & 07777);
    (void)fchown(to, st.st_uid, st.st_gid);
  }
  return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sk_path_open_in_root / sk_path_mkdirs_in_root, with openat2 and with the component walk used
 * where openat2 is missing: symlinks and ".." never leave the root. */
#include "../../src/linux/path.c"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

static int failures;

#define CHECK(cond, ...)                                                                           \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      failures++;                                                                                  \
      fprintf(stderr, "FAIL %s:%d (%s): ", __FILE__, __LINE__,                                     \
              openat2_missing ? "walk" : "openat2");                                               \
      fprintf(stderr, __VA_ARGS__);                                                                \
      fputc('\n', stderr);                                                                         \
    }                                                                                              \
  } while (0)

static bool same_file(int fd, const char *path) {
  struct stat a, b;
  return fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

static void expect_in_root(int rootfd, const char *root, const char *path, const char *want) {
  char full[4096];
  snprintf(full, sizeof(full), "%s/%s", root, want);
  int fd = sk_path_open_in_root(rootfd, path, O_PATH, 0, NULL);
  CHECK(fd >= 0 && same_file(fd, full), "%s should resolve to %s (errno %d)", path, want,
        fd < 0 ? errno : 0);
  if (fd >= 0) close(fd);
}

static void run(const char *root) {
  int rootfd = open(root, O_PATH | O_DIRECTORY);
  expect_in_root(rootfd, root, "/etc/marker", "etc/marker");
  expect_in_root(rootfd, root, "evil/marker", "etc/marker");
  expect_in_root(rootfd, root, "/evil/marker", "etc/marker");
  expect_in_root(rootfd, root, "../../../../etc/marker", "etc/marker");
  expect_in_root(rootfd, root, "a/b/../../../../etc/marker", "etc/marker");
  expect_in_root(rootfd, root, "up/etc/marker", "etc/marker");
  expect_in_root(rootfd, root, "rel/c", "a/b/c");
  expect_in_root(rootfd, root, "/", ".");
  expect_in_root(rootfd, root, "..", ".");
  expect_in_root(rootfd, root, "a/..", ".");
  expect_in_root(rootfd, root, "tomarker", "etc/marker");

  sk_error *err = NULL;
  int fd = sk_path_open_in_root(rootfd, "loop1/x", O_PATH, 0, &err);
  CHECK(fd < 0 && errno == ELOOP, "a symlink loop gives ELOOP (errno %d)", errno);
  CHECK(err && strstr(err->msg, "loop1/x"), "the error names the path");
  sk_error_free(err);
  err = NULL;

  fd = sk_path_open_in_root(rootfd, "nope/x", O_PATH, 0, NULL);
  CHECK(fd < 0 && errno == ENOENT, "a missing path gives ENOENT");

  /* mkdir -p through a symlink pointing at /etc lands in <root>/etc. */
  char want[4096];
  fd = sk_path_mkdirs_in_root(rootfd, "evil/new/dir", 0750, &err);
  snprintf(want, sizeof(want), "%s/etc/new/dir", root);
  CHECK(fd >= 0 && same_file(fd, want), "mkdirs through evil -> /etc creates inside the root");
  struct stat st;
  CHECK(stat(want, &st) == 0 && (st.st_mode & 07777) == 0750, "mkdirs mode 0750 despite umask");
  CHECK(access("/etc/new/dir", F_OK) < 0, "nothing created in the host's /etc");
  if (fd >= 0) close(fd);
  sk_error_free(err);
  err = NULL;

  /* O_CREAT through a symlinked parent. */
  fd = sk_path_open_in_root(rootfd, "evil/created", O_WRONLY | O_CREAT | O_EXCL, 0640, NULL);
  snprintf(want, sizeof(want), "%s/etc/created", root);
  CHECK(fd >= 0 && same_file(fd, want), "O_CREAT through evil -> /etc creates inside the root");
  CHECK(stat(want, &st) == 0 && (st.st_mode & 07777) == 0640, "created file mode 0640");
  if (fd >= 0) close(fd);
  unlink(want);
  snprintf(want, sizeof(want), "%s/etc/new/dir", root);
  rmdir(want);
  snprintf(want, sizeof(want), "%s/etc/new", root);
  rmdir(want);
  close(rootfd);
}

int main(void) {
  char root[] = "/tmp/skiff-path-test.XXXXXX";
  if (!mkdtemp(root)) return 1;
  umask(077);
  char cmd[8192];
  snprintf(cmd, sizeof(cmd),
           "cd %s && mkdir -p etc a/b/c && touch etc/marker && ln -s /etc evil && "
           "ln -s ../../.. up && ln -s loop2 loop1 && ln -s loop1 loop2 && ln -s a/b rel && "
           "ln -s evil/../etc/marker tomarker",
           root);
  if (system(cmd) != 0) return 1;
  run(root);
  openat2_missing = true;
  run(root);
  snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
  if (system(cmd) != 0) return 1;
  if (failures)
    fprintf(stderr, "%d failures\n", failures);
  else
    printf("path_test: all passed (openat2 and component walk)\n");
  return failures ? 1 : 0;
}

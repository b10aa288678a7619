/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sk_mount_opts_parse: option names -> mount(2) flags, mount_setattr attributes (plain and
 * recursive), propagation, skiff's own options, and filesystem data. */
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

#include "../../src/linux/rootfs_internal.h"
#include "skiff/rootfs.h"

static int failures;
#define CHECK(cond, what)                                                                          \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      failures++;                                                                                  \
      fprintf(stderr, "FAIL line %d: %s\n", __LINE__, what);                                       \
    }                                                                                              \
  } while (0)

static sk_mount_opts parse(char **opts, size_t n) {
  sk_mount_opts o;
  sk_error *err = NULL;
  if (sk_mount_opts_parse(opts, n, &o, "mounts[0]", &err) < 0) {
    failures++;
    fprintf(stderr, "FAIL: parse failed: %s\n", err->msg);
    sk_error_free(err);
  }
  return o;
}

int main(void) {
  {
    char *v[] = {"nosuid", "nodev", "noexec", "ro", "mode=755", "size=65536k", "strictatime"};
    sk_mount_opts o = parse(v, 7);
    CHECK(o.flags == (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY | MS_STRICTATIME), "ms flags");
    CHECK(o.attr_set == (MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC |
                         MOUNT_ATTR_RDONLY | MOUNT_ATTR_STRICTATIME),
          "attrs set");
    CHECK(o.attr_clr == MOUNT_ATTR__ATIME, "atime cleared before being set");
    CHECK(o.data && strcmp(o.data, "mode=755,size=65536k") == 0, "unknown options are data");
    CHECK(!o.bind && !o.rbind && !o.tmpcopyup && o.propagation_len == 0, "nothing else");
    sk_mount_opts_free(&o);
  }
  {
    char *v[] = {"rbind", "rro", "rnosuid", "rw", "suid", "rprivate", "shared"};
    sk_mount_opts o = parse(v, 7);
    CHECK(o.bind && o.rbind, "rbind is a recursive bind");
    CHECK(o.rattr_set == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID), "recursive attrs");
    CHECK(o.attr_clr == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID), "rw, suid clear");
    CHECK(!(o.flags & (MS_RDONLY | MS_NOSUID)), "rw, suid clear the ms flags");
    CHECK(o.propagation_len == 2 && o.propagation[0] == (MS_PRIVATE | MS_REC) &&
              o.propagation[1] == MS_SHARED,
          "propagation in order");
    CHECK(o.data == NULL, "no data");
    sk_mount_opts_free(&o);
  }
  {
    char *v[] = {"nosuid", "suid", "ro", "rw", "noatime", "relatime", "rnoatime", "rrw", "rro"};
    sk_mount_opts o = parse(v, 9);
    CHECK(!(o.flags & (MS_NOSUID | MS_RDONLY)), "the last of a pair wins (ms)");
    CHECK((o.flags & MS_RELATIME) && !(o.flags & MS_NOATIME), "atime: last wins");
    CHECK((o.attr_set & MOUNT_ATTR__ATIME) == MOUNT_ATTR_RELATIME, "attr atime relatime");
    CHECK((o.rattr_set & MOUNT_ATTR__ATIME) == MOUNT_ATTR_NOATIME, "rattr atime noatime");
    CHECK((o.rattr_set & MOUNT_ATTR_RDONLY) && !(o.rattr_clr & MOUNT_ATTR_RDONLY), "rro after rrw");
    sk_mount_opts_free(&o);
  }
  {
    char *v[] = {"bind", "idmap", "tmpcopyup", "remount", "defaults", "", "ridmap", "nosymfollow"};
    sk_mount_opts o = parse(v, 8);
    CHECK(o.bind && !o.rbind && o.idmap && o.ridmap && o.tmpcopyup && o.remount, "own options");
    CHECK(o.flags == MS_NOSYMFOLLOW && o.attr_set == MOUNT_ATTR_NOSYMFOLLOW, "nosymfollow");
    CHECK(o.data == NULL, "defaults and empty options are not data");
    sk_mount_opts_free(&o);
  }
  {
    char *v[] = {"mode=755", "bad\noption"};
    sk_mount_opts o;
    sk_error *err = NULL;
    CHECK(sk_mount_opts_parse(v, 2, &o, "mounts[3]", &err) < 0, "a newline is refused");
    CHECK(err && err->path && strcmp(err->path, "mounts[3].options[1]") == 0, "error path");
    sk_error_free(err);
  }
  {
    const char *const *names = sk_mount_option_names();
    size_t n = 0;
    for (; names[n]; n++)
      if (n && strcmp(names[n - 1], names[n]) >= 0) CHECK(0, "names sorted and unique");
    CHECK(n >= 60, "at least the 60 names of the spec and runc");
    const char *want[] = {"rro", "tmpcopyup", "idmap",    "ridmap", "nosymfollow", "rnosymfollow",
                          "acl", "iversion",  "lazytime", "silent", "loud",        "ratime"};
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
      char *one[] = {(char *)want[i]};
      sk_mount_opts o = parse(one, 1);
      CHECK(o.data == NULL, want[i]);
      sk_mount_opts_free(&o);
    }
  }
  if (failures)
    fprintf(stderr, "%d failures\n", failures);
  else
    printf("mount_options_test: all passed\n");
  return failures ? 1 : 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mounts[].options: one table from option names to mount(2) flags, mount attributes,
 * propagation and skiff's own options; unknown options become filesystem data. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "rootfs_internal.h"
#include "skiff/rootfs.h"
#include "skiff/util.h"

typedef enum {
  OPT_FLAG,   /* set ms (and attr on bind mounts) */
  OPT_CLEAR,  /* clear ms (and attr) */
  OPT_ATIME,  /* set the atime mode (ms flag, attr value of MOUNT_ATTR__ATIME) */
  OPT_RFLAG,  /* recursive: set attr with AT_RECURSIVE */
  OPT_RCLEAR, /* recursive: clear attr */
  OPT_RATIME, /* recursive atime mode */
  OPT_PROP,   /* propagation */
  OPT_BIND,
  OPT_RBIND,
  OPT_REMOUNT,
  OPT_TMPCOPYUP,
  OPT_IDMAP,
  OPT_RIDMAP,
  OPT_NOOP,
} opt_kind;

typedef struct {
  const char *name;
  opt_kind kind;
  unsigned long ms;
  uint64_t attr;
} opt_def;

/* Sorted by name (sk_mount_option_names() returns them in this order). */
static const opt_def options[] = {
    {"acl", OPT_FLAG, MS_POSIXACL, 0},
    {"async", OPT_CLEAR, MS_SYNCHRONOUS, 0},
    {"atime", OPT_ATIME, 0, MOUNT_ATTR_RELATIME},
    {"bind", OPT_BIND, MS_BIND, 0},
    {"defaults", OPT_NOOP, 0, 0},
    {"dev", OPT_CLEAR, MS_NODEV, MOUNT_ATTR_NODEV},
    {"diratime", OPT_CLEAR, MS_NODIRATIME, MOUNT_ATTR_NODIRATIME},
    {"dirsync", OPT_FLAG, MS_DIRSYNC, 0},
    {"exec", OPT_CLEAR, MS_NOEXEC, MOUNT_ATTR_NOEXEC},
    {"idmap", OPT_IDMAP, 0, 0},
    {"iversion", OPT_FLAG, MS_I_VERSION, 0},
    {"lazytime", OPT_FLAG, MS_LAZYTIME, 0},
    {"loud", OPT_CLEAR, MS_SILENT, 0},
    {"mand", OPT_FLAG, MS_MANDLOCK, 0},
    {"noacl", OPT_CLEAR, MS_POSIXACL, 0},
    {"noatime", OPT_ATIME, MS_NOATIME, MOUNT_ATTR_NOATIME},
    {"nodev", OPT_FLAG, MS_NODEV, MOUNT_ATTR_NODEV},
    {"nodiratime", OPT_FLAG, MS_NODIRATIME, MOUNT_ATTR_NODIRATIME},
    {"noexec", OPT_FLAG, MS_NOEXEC, MOUNT_ATTR_NOEXEC},
    {"noiversion", OPT_CLEAR, MS_I_VERSION, 0},
    {"nolazytime", OPT_CLEAR, MS_LAZYTIME, 0},
    {"nomand", OPT_CLEAR, MS_MANDLOCK, 0},
    {"norelatime", OPT_ATIME, 0, MOUNT_ATTR_RELATIME},
    {"nostrictatime", OPT_ATIME, 0, MOUNT_ATTR_RELATIME},
    {"nosuid", OPT_FLAG, MS_NOSUID, MOUNT_ATTR_NOSUID},
    {"nosymfollow", OPT_FLAG, MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW},
    {"private", OPT_PROP, MS_PRIVATE, 0},
    {"ratime", OPT_RATIME, 0, MOUNT_ATTR_RELATIME},
    {"rbind", OPT_RBIND, MS_BIND | MS_REC, 0},
    {"rdev", OPT_RCLEAR, 0, MOUNT_ATTR_NODEV},
    {"rdiratime", OPT_RCLEAR, 0, MOUNT_ATTR_NODIRATIME},
    {"relatime", OPT_ATIME, MS_RELATIME, MOUNT_ATTR_RELATIME},
    {"remount", OPT_REMOUNT, MS_REMOUNT, 0},
    {"rexec", OPT_RCLEAR, 0, MOUNT_ATTR_NOEXEC},
    {"ridmap", OPT_RIDMAP, 0, 0},
    {"rnoatime", OPT_RATIME, 0, MOUNT_ATTR_NOATIME},
    {"rnodev", OPT_RFLAG, 0, MOUNT_ATTR_NODEV},
    {"rnodiratime", OPT_RFLAG, 0, MOUNT_ATTR_NODIRATIME},
    {"rnoexec", OPT_RFLAG, 0, MOUNT_ATTR_NOEXEC},
    {"rnorelatime", OPT_RATIME, 0, MOUNT_ATTR_RELATIME},
    {"rnostrictatime", OPT_RATIME, 0, MOUNT_ATTR_RELATIME},
    {"rnosuid", OPT_RFLAG, 0, MOUNT_ATTR_NOSUID},
    {"rnosymfollow", OPT_RFLAG, 0, MOUNT_ATTR_NOSYMFOLLOW},
    {"ro", OPT_FLAG, MS_RDONLY, MOUNT_ATTR_RDONLY},
    {"rprivate", OPT_PROP, MS_PRIVATE | MS_REC, 0},
    {"rrelatime", OPT_RATIME, 0, MOUNT_ATTR_RELATIME},
    {"rro", OPT_RFLAG, 0, MOUNT_ATTR_RDONLY},
    {"rrw", OPT_RCLEAR, 0, MOUNT_ATTR_RDONLY},
    {"rshared", OPT_PROP, MS_SHARED | MS_REC, 0},
    {"rslave", OPT_PROP, MS_SLAVE | MS_REC, 0},
    {"rstrictatime", OPT_RATIME, 0, MOUNT_ATTR_STRICTATIME},
    {"rsuid", OPT_RCLEAR, 0, MOUNT_ATTR_NOSUID},
    {"rsymfollow", OPT_RCLEAR, 0, MOUNT_ATTR_NOSYMFOLLOW},
    {"runbindable", OPT_PROP, MS_UNBINDABLE | MS_REC, 0},
    {"rw", OPT_CLEAR, MS_RDONLY, MOUNT_ATTR_RDONLY},
    {"shared", OPT_PROP, MS_SHARED, 0},
    {"silent", OPT_FLAG, MS_SILENT, 0},
    {"slave", OPT_PROP, MS_SLAVE, 0},
    {"strictatime", OPT_ATIME, MS_STRICTATIME, MOUNT_ATTR_STRICTATIME},
    {"suid", OPT_CLEAR, MS_NOSUID, MOUNT_ATTR_NOSUID},
    {"symfollow", OPT_CLEAR, MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW},
    {"sync", OPT_FLAG, MS_SYNCHRONOUS, 0},
    {"tmpcopyup", OPT_TMPCOPYUP, 0, 0},
    {"unbindable", OPT_PROP, MS_UNBINDABLE, 0},
};

static int cmp_def(const void *key, const void *elem) {
  return strcmp(key, ((const opt_def *)elem)->name);
}

static const opt_def *find_option(const char *name) {
  return bsearch(name, options, SK_ARRAY_SIZE(options), sizeof(options[0]), cmp_def);
}

const char *const *sk_mount_option_names(void) {
  static const char *names[SK_ARRAY_SIZE(options) + 1];
  if (!names[0])
    for (size_t i = 0; i < SK_ARRAY_SIZE(options); i++)
      names[i] = options[i].name;
  return names;
}

static void set_atime(uint64_t *set, uint64_t *clr, uint64_t mode) {
  *clr |= MOUNT_ATTR__ATIME;
  *set = (*set & ~(uint64_t)MOUNT_ATTR__ATIME) | mode;
}

static void append_data(char **data, const char *opt) {
  if (!*data) {
    *data = sk_xstrdup(opt);
    return;
  }
  char *n = sk_xasprintf("%s,%s", *data, opt);
  free(*data);
  *data = n;
}

int sk_mount_opts_parse(char *const *opts, size_t n, sk_mount_opts *o, const char *cfgpath,
                        sk_error **err) {
  memset(o, 0, sizeof(*o));
  for (size_t i = 0; i < n; i++) {
    const char *name = opts[i];
    if (!name || !*name) continue;
    const opt_def *d = find_option(name);
    if (!d) {
      if (strchr(name, '\n')) {
        _cleanup_free_ char *p = sk_xasprintf("%s.options[%zu]", cfgpath, i);
        sk_mount_opts_free(o);
        return sk_error_set(err, EINVAL, p, "mount option contains a newline");
      }
      append_data(&o->data, name);
      continue;
    }
    switch (d->kind) {
    case OPT_FLAG:
      o->flags |= d->ms;
      o->attr_set |= d->attr;
      o->attr_clr &= ~d->attr;
      break;
    case OPT_CLEAR:
      o->flags &= ~d->ms;
      o->attr_clr |= d->attr;
      o->attr_set &= ~d->attr;
      break;
    case OPT_ATIME:
      o->flags &= ~(unsigned long)(MS_NOATIME | MS_RELATIME | MS_STRICTATIME);
      o->flags |= d->ms;
      set_atime(&o->attr_set, &o->attr_clr, d->attr);
      break;
    case OPT_RFLAG:
      o->rattr_set |= d->attr;
      o->rattr_clr &= ~d->attr;
      break;
    case OPT_RCLEAR:
      o->rattr_clr |= d->attr;
      o->rattr_set &= ~d->attr;
      break;
    case OPT_RATIME:
      set_atime(&o->rattr_set, &o->rattr_clr, d->attr);
      break;
    case OPT_PROP:
      if (o->propagation_len < SK_MAX_PROPAGATION) o->propagation[o->propagation_len++] = d->ms;
      break;
    case OPT_BIND:
      o->bind = true;
      break;
    case OPT_RBIND:
      o->bind = o->rbind = true;
      break;
    case OPT_REMOUNT:
      o->remount = true;
      break;
    case OPT_TMPCOPYUP:
      o->tmpcopyup = true;
      break;
    case OPT_IDMAP:
      o->idmap = true;
      break;
    case OPT_RIDMAP:
      o->idmap = o->ridmap = true;
      break;
    case OPT_NOOP:
      break;
    }
  }
  return 0;
}

void sk_mount_opts_free(sk_mount_opts *o) {
  free(o->data);
  o->data = NULL;
}

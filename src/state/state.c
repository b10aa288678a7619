/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Container state on disk: <root>/<id>/state.json, a flock on <root>/<id> per container. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "skiff/jsongen.h"
#include "skiff/state.h"
#include "skiff/util.h"

#define STATE_FILE "state.json"
#define STATE_MAX (16u << 20) /* state.json is ours, but stay bounded */

const char *sk_status_name(sk_status s) {
  switch (s) {
  case SK_STATUS_CREATING:
    return "creating";
  case SK_STATUS_CREATED:
    return "created";
  case SK_STATUS_RUNNING:
    return "running";
  case SK_STATUS_PAUSED:
    return "paused";
  case SK_STATUS_STOPPED:
    return "stopped";
  }
  return "unknown";
}

static int status_from_name(const char *n, sk_status *out) {
  for (int s = SK_STATUS_CREATING; s <= SK_STATUS_STOPPED; s++)
    if (strcmp(sk_status_name((sk_status)s), n) == 0) return *out = (sk_status)s, 0;
  return -1;
}

/* True when this process is in the initial user namespace (uid_map is the identity). */
static bool in_initial_userns(void) {
  _cleanup_free_ char *map = NULL;
  if (sk_read_file("/proc/self/uid_map", &map, NULL, 4096, NULL) < 0) return true;
  unsigned long a, b, c;
  return sscanf(map, "%lu %lu %lu", &a, &b, &c) == 3 && a == 0 && b == 0 && c == 4294967295UL;
}

char *sk_state_default_root(void) {
  const char *xdg = getenv("XDG_RUNTIME_DIR");
  /* Real root ignores XDG_RUNTIME_DIR; so does root in a user namespace whose $USER is
   * root (a rootful container engine running nested). Everyone else uses it. */
  bool honor = xdg && *xdg;
  if (honor && geteuid() == 0) {
    const char *user = getenv("USER");
    honor = !in_initial_userns() && !(user && strcmp(user, "root") == 0);
  }
  return honor ? sk_xasprintf("%s/skiff", xdg) : sk_xstrdup("/run/skiff");
}

char *sk_state_now(void) {
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  char buf[32];
  strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  return sk_xasprintf("%s.%09ldZ", buf, ts.tv_nsec);
}

int sk_state_validate_id(const char *id, sk_error **err) {
  bool ok = id && *id && strcmp(id, ".") != 0 && strcmp(id, "..") != 0 && strlen(id) <= NAME_MAX;
  for (const char *p = id; ok && *p; p++)
    ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
         *p == '_' || *p == '+' || *p == '-' || *p == '.';
  if (!ok)
    return sk_error_set(err, 0, NULL,
                        "invalid container ID format \"%s\": use letters, digits, '_', '+', '-' "
                        "and '.' only (not \".\" or \"..\")",
                        id ? id : "");
  return 0;
}

/* mkdir -p root; the directories it creates are 0700. */
static int ensure_root(const char *root, sk_error **err) {
  _cleanup_free_ char *p = sk_xstrdup(root);
  for (char *s = p + 1;; s++) {
    if (*s != '/' && *s != '\0') continue;
    char c = *s;
    *s = '\0';
    if (mkdir(p, 0700) < 0 && errno != EEXIST)
      return sk_error_set(err, errno, NULL, "cannot create the state root %s (--root)", p);
    *s = c;
    if (!c) break;
  }
  return 0;
}

static sk_container_dir *new_handle(const char *root, const char *id, int dirfd) {
  sk_container_dir *d = sk_xcalloc(1, sizeof(*d));
  d->root = sk_xstrdup(root);
  d->id = sk_xstrdup(id);
  d->path = sk_xasprintf("%s/%s", root, id);
  d->dirfd = dirfd;
  return d;
}

static int lock_fd(int fd, const char *path, sk_error **err) {
  while (flock(fd, LOCK_EX) < 0)
    if (errno != EINTR) return sk_error_set(err, errno, NULL, "cannot lock %s", path);
  return 0;
}

int sk_state_create_dir(const char *root, const char *id, sk_container_dir **out, sk_error **err) {
  if (sk_state_validate_id(id, err) < 0 || ensure_root(root, err) < 0) return -1;
  /* Build and lock a private directory, then move it into place without replacing
   * anything: the container dir never exists unlocked. */
  _cleanup_free_ char *tmp = sk_xasprintf("%s/.new-XXXXXX", root);
  if (!mkdtemp(tmp)) return sk_error_set(err, errno, NULL, "cannot create a directory in %s", root);
  _cleanup_close_ int fd = open(tmp, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (fd < 0 || chmod(tmp, 0711) < 0 || lock_fd(fd, tmp, err) < 0) {
    int e = errno;
    rmdir(tmp);
    return sk_error_set(err, e, NULL, "cannot prepare the state directory %s", tmp);
  }
  _cleanup_free_ char *dst = sk_xasprintf("%s/%s", root, id);
  int r = renameat2(AT_FDCWD, tmp, AT_FDCWD, dst, RENAME_NOREPLACE);
  int e = errno;
  if (r < 0) rmdir(tmp);
  if (r < 0 && (e == EINVAL || e == ENOSYS)) {
    /* A file system without RENAME_NOREPLACE: mkdir, then lock (a short unlocked window). */
    sk_closep(&fd);
    r = mkdir(dst, 0711);
    e = errno;
    if (r == 0) {
      fd = open(dst, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
      if (fd < 0) return sk_error_set(err, errno, NULL, "cannot open %s", dst);
      if (lock_fd(fd, dst, err) < 0) return -1;
    }
  }
  if (r < 0) {
    if (e == EEXIST || e == ENOTEMPTY)
      return sk_error_set(err, EEXIST, NULL, "container with given ID already exists: %s", id);
    return sk_error_set(err, e, NULL, "cannot create the state directory %s", dst);
  }
  *out = new_handle(root, id, sk_steal_fd(&fd));
  return 0;
}

static int not_exist(const char *id, sk_error **err) {
  return sk_error_set(err, ENOENT, NULL, "container %s does not exist", id);
}

/* Open <root>/<id> (a directory, not a symlink); *path is set for messages. */
static int open_container(const char *root, const char *id, char **path, sk_error **err) {
  if (sk_state_validate_id(id, err) < 0) return -1;
  *path = sk_xasprintf("%s/%s", root, id);
  int fd = open(*path, O_DIRECTORY | O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd >= 0) return fd;
  if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP) return not_exist(id, err);
  return sk_error_set(err, errno, NULL, "cannot open the state of container %s (%s)", id, *path);
}

int sk_state_open_dir(const char *root, const char *id, sk_container_dir **out, sk_error **err) {
  _cleanup_free_ char *path = NULL;
  _cleanup_close_ int fd = open_container(root, id, &path, err);
  if (fd < 0 || lock_fd(fd, path, err) < 0) return -1;
  struct stat st;
  /* Deleted while we waited for the lock. */
  if (fstat(fd, &st) < 0 || st.st_nlink == 0) return not_exist(id, err);
  *out = new_handle(root, id, sk_steal_fd(&fd));
  return 0;
}

/* Remove everything inside dirfd (not crossing into other file systems). */
static int remove_contents(int dirfd, sk_error **err) {
  int dup_fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 3);
  if (dup_fd < 0) return sk_error_set(err, errno, NULL, "dup");
  DIR *dir = fdopendir(dup_fd);
  if (!dir) {
    close(dup_fd);
    return sk_error_set(err, errno, NULL, "fdopendir");
  }
  rewinddir(dir);
  struct stat self;
  int r = fstat(dirfd, &self);
  struct dirent *de;
  while (r == 0 && (de = readdir(dir))) {
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
    struct stat st;
    if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) continue;
    if (S_ISDIR(st.st_mode)) {
      if (st.st_dev != self.st_dev) {
        r = sk_error_set(err, EBUSY, NULL, "%s is a mount point", de->d_name);
        break;
      }
      int sub = openat(dirfd, de->d_name, O_DIRECTORY | O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
      if (sub < 0) continue;
      r = remove_contents(sub, err);
      close(sub);
      if (r == 0 && unlinkat(dirfd, de->d_name, AT_REMOVEDIR) < 0 && errno != ENOENT)
        r = sk_error_set(err, errno, NULL, "cannot remove %s", de->d_name);
    } else if (unlinkat(dirfd, de->d_name, 0) < 0 && errno != ENOENT) {
      r = sk_error_set(err, errno, NULL, "cannot remove %s", de->d_name);
    }
  }
  closedir(dir);
  return r;
}

int sk_state_remove_dir(sk_container_dir *d, sk_error **err) {
  int r = remove_contents(d->dirfd, err);
  if (r == 0 && rmdir(d->path) < 0 && errno != ENOENT)
    r = sk_error_set(err, errno, NULL, "cannot remove the state directory %s", d->path);
  if (r < 0) sk_error_prefix(*err, "deleting the state of container %s", d->id);
  sk_state_close_dir(d);
  return r;
}

void sk_state_close_dir(sk_container_dir *d) {
  if (!d) return;
  if (d->dirfd >= 0) close(d->dirfd); /* releases the lock */
  free(d->root);
  free(d->id);
  free(d->path);
  free(d);
}

static char *state_to_storage(const sk_state *s) {
  yajl_gen g = sk_jg_new(NULL);
  yajl_gen_map_open(g);
  sk_jg_kv_str(g, "id", s->id);
  sk_jg_kv_str(g, "ociVersion", s->oci_version);
  sk_jg_kv_str(g, "bundle", s->bundle);
  sk_jg_kv_str(g, "rootfs", s->rootfs);
  sk_jg_kv_int(g, "pid", s->pid);
  sk_jg_kv_int(g, "pidStart", (long long)s->pid_start);
  sk_jg_kv_str(g, "created", s->created);
  sk_jg_kv_str(g, "owner", s->owner);
  sk_jg_kv_str(g, "status", sk_status_name(s->status));
  sk_jg_key(g, "annotations");
  yajl_gen_map_open(g);
  for (char **a = s->annotations; a && a[0] && a[1]; a += 2)
    sk_jg_kv_str(g, a[0], a[1]);
  yajl_gen_map_close(g);
  sk_jg_kv_str(g, "cgroupPath", s->cgroup_path);
  sk_jg_kv_str(g, "config", s->config_json);
  sk_jg_kv_bool(g, "sharedPidns", s->shared_pidns);
  sk_jg_kv_bool(g, "noNewKeyring", s->no_new_keyring);
  yajl_gen_map_close(g);
  return sk_jg_finish(g);
}

int sk_state_save(sk_container_dir *d, const sk_state *s, sk_error **err) {
  _cleanup_free_ char *json = state_to_storage(s);
  _cleanup_free_ char *path = sk_xasprintf("%s/" STATE_FILE, d->path);
  if (sk_write_file_atomic(path, json, strlen(json), 0600, err) < 0) {
    sk_error_prefix(*err, "saving the state of container %s", d->id);
    return -1;
  }
  return 0;
}

static char *get_str(yajl_val root, const char *key) {
  const char *path[] = {key, NULL};
  yajl_val v = yajl_tree_get(root, path, yajl_t_string);
  return v ? sk_xstrdup(YAJL_GET_STRING(v)) : NULL;
}

static long long get_int(yajl_val root, const char *key) {
  const char *path[] = {key, NULL};
  yajl_val v = yajl_tree_get(root, path, yajl_t_number);
  return v && YAJL_IS_INTEGER(v) ? YAJL_GET_INTEGER(v) : 0;
}

static int parse_storage(const char *id, const char *json, sk_state **out, sk_error **err) {
  char ebuf[256] = "";
  yajl_val root = yajl_tree_parse(json, ebuf, sizeof(ebuf));
  if (!root || !YAJL_IS_OBJECT(root)) {
    if (root) yajl_tree_free(root);
    return sk_error_set(err, 0, NULL,
                        "the state of container %s is corrupt (%s): delete it with "
                        "'skiff delete --force %s'",
                        id, *ebuf ? ebuf : "not a JSON object", id);
  }
  sk_state *s = sk_xcalloc(1, sizeof(*s));
  s->id = get_str(root, "id");
  if (!s->id) s->id = sk_xstrdup(id);
  s->oci_version = get_str(root, "ociVersion");
  s->bundle = get_str(root, "bundle");
  s->rootfs = get_str(root, "rootfs");
  s->pid = (pid_t)get_int(root, "pid");
  s->pid_start = (uint64_t)get_int(root, "pidStart");
  s->created = get_str(root, "created");
  s->owner = get_str(root, "owner");
  _cleanup_free_ char *status = get_str(root, "status");
  if (!status || status_from_name(status, &s->status) < 0) s->status = SK_STATUS_STOPPED;
  const char *apath[] = {"annotations", NULL};
  yajl_val ann = yajl_tree_get(root, apath, yajl_t_object);
  if (ann && ann->u.object.len) {
    size_t n = ann->u.object.len, k = 0;
    s->annotations = sk_xcalloc(2 * n + 1, sizeof(char *));
    for (size_t i = 0; i < n; i++) {
      if (!YAJL_IS_STRING(ann->u.object.values[i])) continue;
      s->annotations[k++] = sk_xstrdup(ann->u.object.keys[i]);
      s->annotations[k++] = sk_xstrdup(YAJL_GET_STRING(ann->u.object.values[i]));
    }
  }
  s->cgroup_path = get_str(root, "cgroupPath");
  s->config_json = get_str(root, "config");
  const char *ppath[] = {"sharedPidns", NULL};
  s->shared_pidns = YAJL_IS_TRUE(yajl_tree_get(root, ppath, yajl_t_true));
  const char *kpath[] = {"noNewKeyring", NULL};
  s->no_new_keyring = YAJL_IS_TRUE(yajl_tree_get(root, kpath, yajl_t_true));
  yajl_tree_free(root);
  *out = s;
  return 0;
}

static int load_at(int dirfd, const char *id, sk_state **out, sk_error **err) {
  _cleanup_free_ char *json = NULL;
  sk_error *e = NULL;
  if (sk_read_file_at(dirfd, STATE_FILE, &json, NULL, STATE_MAX, &e) < 0) {
    bool missing = e->errnum == ENOENT || e->errnum == ENOTDIR;
    sk_error_free(e);
    if (missing) return not_exist(id, err);
    return sk_error_set(err, errno, NULL, "cannot read the state of container %s", id);
  }
  return parse_storage(id, json, out, err);
}

int sk_state_load(sk_container_dir *d, sk_state **out, sk_error **err) {
  return load_at(d->dirfd, d->id, out, err);
}

int sk_state_read(const char *root, const char *id, sk_state **out, sk_error **err) {
  _cleanup_free_ char *path = NULL;
  _cleanup_close_ int fd = open_container(root, id, &path, err);
  return fd < 0 ? -1 : load_at(fd, id, out, err);
}

void sk_state_free(sk_state *s) {
  if (!s) return;
  free(s->id);
  free(s->oci_version);
  free(s->bundle);
  free(s->rootfs);
  free(s->created);
  free(s->owner);
  for (char **a = s->annotations; a && *a; a++)
    free(*a);
  free(s->annotations);
  free(s->cgroup_path);
  free(s->config_json);
  free(s);
}

/* Fields 3 (state) and 22 (starttime) of /proc/PID/stat. */
static int proc_stat(pid_t pid, char *state, uint64_t *start) {
  if (pid <= 0) return -1;
  char path[64];
  snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
  _cleanup_free_ char *buf = NULL;
  if (sk_read_file(path, &buf, NULL, 8192, NULL) < 0) return -1;
  char *p = strrchr(buf, ')'); /* comm may contain anything, but ends at the last ')' */
  if (!p || p[1] != ' ') return -1;
  p += 2;
  *state = *p;
  for (int field = 3; field < 22; field++) {
    p = strchr(p, ' ');
    if (!p) return -1;
    p++;
  }
  char *end;
  errno = 0;
  unsigned long long v = strtoull(p, &end, 10);
  if (errno || end == p) return -1;
  *start = v;
  return 0;
}

uint64_t sk_proc_start_time(pid_t pid) {
  char st;
  uint64_t start;
  return proc_stat(pid, &st, &start) < 0 ? 0 : start;
}

sk_status sk_state_refresh(sk_state *s) {
  if (s->status == SK_STATUS_CREATING) return s->status;
  bool alive = false;
  char st;
  uint64_t start;
  if (s->status != SK_STATUS_STOPPED && proc_stat(s->pid, &st, &start) == 0)
    alive = st != 'Z' && st != 'X' && (s->pid_start == 0 || start == s->pid_start);
  if (!alive) {
    s->status = SK_STATUS_STOPPED;
    s->pid = 0;
  }
  return s->status;
}

char *sk_state_to_json(const sk_state *s, bool pretty) {
  yajl_gen g = sk_jg_new(pretty ? "  " : NULL);
  yajl_gen_map_open(g);
  sk_jg_kv_str(g, "ociVersion", s->oci_version ? s->oci_version : "");
  sk_jg_kv_str(g, "id", s->id);
  sk_jg_kv_int(g, "pid", s->status == SK_STATUS_STOPPED ? 0 : s->pid);
  sk_jg_kv_str(g, "status", sk_status_name(s->status));
  sk_jg_kv_str(g, "bundle", s->bundle ? s->bundle : "");
  sk_jg_kv_str(g, "rootfs", s->rootfs ? s->rootfs : "");
  sk_jg_kv_str(g, "created", s->created ? s->created : "0001-01-01T00:00:00Z");
  if (s->annotations && s->annotations[0]) {
    sk_jg_key(g, "annotations");
    yajl_gen_map_open(g);
    for (char **a = s->annotations; a[0] && a[1]; a += 2)
      sk_jg_kv_str(g, a[0], a[1]);
    yajl_gen_map_close(g);
  }
  sk_jg_kv_str(g, "owner", s->owner ? s->owner : "");
  yajl_gen_map_close(g);
  return sk_jg_finish(g);
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int sk_state_list_ids(const char *root, char ***out, sk_error **err) {
  size_t n = 0, cap = 8;
  char **ids = sk_xcalloc(cap + 1, sizeof(char *));
  DIR *dir = opendir(root);
  if (!dir) {
    if (errno == ENOENT) return *out = ids, 0;
    int e = errno;
    free(ids);
    return sk_error_set(err, e, NULL, "cannot list the state root %s", root);
  }
  struct dirent *de;
  while ((de = readdir(dir))) {
    if (de->d_name[0] == '.') continue; /* ".", "..", and dirs being created */
    struct stat st;
    if (fstatat(dirfd(dir), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode))
      continue;
    if (sk_state_validate_id(de->d_name, NULL) < 0) continue;
    if (n == cap) {
      cap *= 2;
      ids = sk_xrealloc(ids, (cap + 1) * sizeof(char *));
    }
    ids[n++] = sk_xstrdup(de->d_name);
  }
  closedir(dir);
  ids[n] = NULL;
  qsort(ids, n, sizeof(char *), cmp_str);
  *out = ids;
  return 0;
}

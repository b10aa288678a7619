/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The cache of compiled seccomp filters: compiling a real profile (several hundred syscalls,
 * three architectures) with libseccomp costs milliseconds, loading a ready BPF program
 * microseconds. Containers of one engine nearly always share a profile, so skiff keeps the
 * programs it compiled in <state root>/.seccomp:cache/, one file a program, named by the hash
 * of its key.
 *
 * The key (seccomp.c) is the whole profile in a canonical form (field by field, independent
 * of the JSON's layout) plus everything else the program depends on: skiff's version and
 * cache format, the libseccomp version, the kernel's seccomp API level, the native
 * architecture and the load flags. A file is used only when its stored key equals ours byte
 * for byte (the hash only finds it) and its checksum is right; anything else is a miss.
 *
 * What is loaded into a container must not come from someone else: the directory is used
 * only when it is ours (the effective uid) and neither group- nor world-writable, and an
 * entry only when it is a regular file of ours, not a symlink, writable by us alone. A new
 * entry is written to a temporary file and renamed into place, so a reader sees a whole file
 * or none. The cache holds at most SK_SECCOMP_CACHE_MAX entries: beyond that, the least
 * recently used go (a hit refreshes the entry's mtime).
 *
 * File layout: a fixed header (magic, key length, instruction count, seccomp(2) flags,
 * checksum = FNV-1a 64 of the header with the checksum field zero and of the rest), the key,
 * then the instructions (struct sock_filter, native byte order: the architecture is in the
 * key). Not fsync'ed: the state root is normally a tmpfs, and a torn file fails the checksum.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "skiff/log.h"
#include "skiff/util.h"

#define DIR_NAME ".seccomp:cache"
#define MAGIC "SKBPF001"
#define MAX_INSNS 4096U /* the kernel's BPF_MAXINSNS for classic BPF */
#define MAX_KEY (1U << 20)
#define TMP_PREFIX ".tmp-"
#define TMP_STALE_SECONDS 60

typedef struct {
  char magic[8];
  uint32_t key_len;
  uint32_t insn_count;
  uint32_t flags;
  uint32_t reserved;
  uint64_t checksum;
} cache_hdr;

void sk_seccomp_buf_add(sk_seccomp_buf *b, const void *p, size_t n) {
  if (n == 0) return;
  if (b->len + n > b->cap) {
    b->cap = (b->len + n) * 2 + 256;
    b->data = sk_xrealloc(b->data, b->cap);
  }
  memcpy(b->data + b->len, p, n);
  b->len += n;
}

void sk_seccomp_buf_u64(sk_seccomp_buf *b, uint64_t v) {
  sk_seccomp_buf_add(b, &v, sizeof(v));
}

void sk_seccomp_buf_str(sk_seccomp_buf *b, const char *s) {
  uint32_t n = s ? (uint32_t)strlen(s) : UINT32_MAX;
  sk_seccomp_buf_add(b, &n, sizeof(n));
  if (s) sk_seccomp_buf_add(b, s, n);
}

uint64_t sk_seccomp_fnv(uint64_t h, const void *data, size_t len) {
  const unsigned char *p = data;
  for (size_t i = 0; i < len; i++) {
    h ^= p[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}

static uint64_t checksum_of(const cache_hdr *h, const void *body, size_t len) {
  cache_hdr c = *h;
  c.checksum = 0;
  return sk_seccomp_fnv(sk_seccomp_fnv(SK_SECCOMP_FNV_SEED, &c, sizeof(c)), body, len);
}

static void name_of(const sk_seccomp_buf *key, char name[17]) {
  snprintf(name, 17, "%016llx",
           (unsigned long long)sk_seccomp_fnv(SK_SECCOMP_FNV_SEED, key->data, key->len));
}

/* The cache directory, created when `create`; -1 when absent (*usable stays true) or refused
 * (*usable = false, with a warning saying why and what to do). */
static int open_dir(const char *root, bool create, bool *usable) {
  _cleanup_free_ char *path = sk_xasprintf("%s/" DIR_NAME, root);
  *usable = true;
  if (create && mkdir(path, 0700) < 0 && errno != EEXIST) {
    sk_debug("seccomp cache: cannot create %s: %s", path, strerror(errno));
    return -1;
  }
  int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) {
      sk_debug("seccomp cache: miss (no %s yet)", path);
    } else {
      *usable = false;
      sk_warn("seccomp cache %s: cannot open it (%s): not used, the profile is compiled each "
              "time; remove it (skiff makes it again)",
              path, strerror(errno));
    }
    return -1;
  }
  struct stat st;
  const char *why = NULL;
  char buf[96];
  if (fstat(fd, &st) < 0) {
    why = strerror(errno);
  } else if (st.st_uid != geteuid()) {
    snprintf(buf, sizeof(buf), "owned by uid %u, not by skiff's uid %u", (unsigned)st.st_uid,
             (unsigned)geteuid());
    why = buf;
  } else if (st.st_mode & 022) {
    snprintf(buf, sizeof(buf), "writable by group or others (mode %04o)",
             (unsigned)(st.st_mode & 07777));
    why = buf;
  }
  if (why) {
    *usable = false;
    sk_warn("seccomp cache %s: refused, %s: not used, the profile is compiled each time; "
            "remove it or make it skiff's own with mode 0700",
            path, why);
    close(fd);
    return -1;
  }
  return fd;
}

static int read_all(int fd, void *buf, size_t len) {
  size_t got = 0;
  while (got < len) {
    ssize_t r = pread(fd, (char *)buf + got, len - got, (off_t)got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return -1;
    got += (size_t)r;
  }
  return 0;
}

/* Why the entry in buf (size bytes) is not a valid one for key, or NULL. *other = valid, but
 * another key's (a hash collision). */
static const char *check_entry(const unsigned char *buf, size_t size, const sk_seccomp_buf *key,
                               bool *other) {
  cache_hdr h;
  *other = false;
  if (size < sizeof(h)) return "shorter than its header";
  memcpy(&h, buf, sizeof(h));
  if (memcmp(h.magic, MAGIC, sizeof(h.magic)) != 0) return "not a skiff seccomp cache entry";
  if (h.insn_count == 0 || h.insn_count > MAX_INSNS || h.key_len > MAX_KEY ||
      size != sizeof(h) + h.key_len + (size_t)h.insn_count * sizeof(struct sock_filter))
    return "its size does not match its header";
  if (checksum_of(&h, buf + sizeof(h), size - sizeof(h)) != h.checksum) return "bad checksum";
  if (h.key_len != key->len || memcmp(buf + sizeof(h), key->data, key->len) != 0) *other = true;
  return NULL;
}

int sk_seccomp_cache_get(const char *root, const sk_seccomp_buf *key, sk_seccomp_filter *f,
                         bool *usable) {
  _cleanup_close_ int dfd = open_dir(root, false, usable);
  if (dfd < 0) return 0;
  char name[17];
  name_of(key, name);
  _cleanup_close_ int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    if (errno == ENOENT)
      sk_debug("seccomp cache: miss (%s)", name);
    else
      sk_warn("seccomp cache: cannot open %s/" DIR_NAME "/%s (%s): removed, compiled again", root,
              name, strerror(errno));
    if (errno != ENOENT) unlinkat(dfd, name, 0);
    return 0;
  }
  struct stat st;
  const char *bad = NULL;
  bool other = false;
  _cleanup_free_ unsigned char *buf = NULL;
  size_t max = sizeof(cache_hdr) + MAX_KEY + MAX_INSNS * sizeof(struct sock_filter);
  if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
    bad = "not a regular file";
  } else if (st.st_uid != geteuid() || (st.st_mode & 022)) {
    bad = "not skiff's own, or writable by others";
  } else if ((size_t)st.st_size > max) {
    bad = "too large";
  } else {
    buf = sk_xmalloc((size_t)st.st_size + 1);
    bad = read_all(fd, buf, (size_t)st.st_size) < 0
              ? "cannot be read"
              : check_entry(buf, (size_t)st.st_size, key, &other);
  }
  if (bad) {
    sk_warn("seccomp cache: %s/" DIR_NAME "/%s is corrupt (%s): removed, the profile is "
            "compiled again",
            root, name, bad);
    unlinkat(dfd, name, 0);
    return 0;
  }
  if (other) {
    sk_debug("seccomp cache: %s holds another profile (same hash): compiled", name);
    return 0;
  }
  cache_hdr h;
  memcpy(&h, buf, sizeof(h));
  size_t n = (size_t)h.insn_count * sizeof(struct sock_filter);
  f->insns = sk_xmalloc(n);
  memcpy(f->insns, buf + sizeof(h) + h.key_len, n);
  f->len = (unsigned short)h.insn_count;
  f->flags = h.flags;
  futimens(fd, NULL); /* recently used: the last to be evicted */
  sk_debug("seccomp cache: hit (%s, %u instructions)", name, h.insn_count);
  return 1;
}

typedef struct {
  char name[17];
  struct timespec mtime;
} entry;

static int older_first(const void *a, const void *b) {
  const struct timespec *x = &((const entry *)a)->mtime, *y = &((const entry *)b)->mtime;
  if (x->tv_sec != y->tv_sec) return x->tv_sec < y->tv_sec ? -1 : 1;
  return x->tv_nsec < y->tv_nsec ? -1 : x->tv_nsec > y->tv_nsec;
}

/* Make room for one more entry: remove the least recently used beyond the cap, and temporary
 * files a crashed skiff left behind. */
static void evict(int dfd) {
  int fd = dup(dfd);
  DIR *d = fd < 0 ? NULL : fdopendir(fd);
  if (!d) {
    if (fd >= 0) close(fd);
    return;
  }
  entry *es = NULL;
  size_t n = 0, cap = 0;
  struct dirent *de;
  time_t now = time(NULL);
  while ((de = readdir(d))) {
    struct stat st;
    if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) continue;
    if (strncmp(de->d_name, TMP_PREFIX, strlen(TMP_PREFIX)) == 0) {
      if (now - st.st_mtime > TMP_STALE_SECONDS) unlinkat(dfd, de->d_name, 0);
      continue;
    }
    if (de->d_name[0] == '.' || strlen(de->d_name) != 16) continue;
    if (n == cap) es = sk_xrealloc(es, (cap = cap * 2 + 64) * sizeof(*es));
    memcpy(es[n].name, de->d_name, 17);
    es[n++].mtime = st.st_mtim;
  }
  closedir(d);
  if (n >= SK_SECCOMP_CACHE_MAX) {
    qsort(es, n, sizeof(*es), older_first);
    for (size_t i = 0; i <= n - SK_SECCOMP_CACHE_MAX; i++) {
      sk_debug("seccomp cache: evicted %s (least recently used of %zu)", es[i].name, n);
      unlinkat(dfd, es[i].name, 0);
    }
  }
  free(es);
}

void sk_seccomp_cache_put(const char *root, const sk_seccomp_buf *key, const sk_seccomp_filter *f) {
  bool usable;
  _cleanup_close_ int dfd = open_dir(root, true, &usable);
  if (dfd < 0) return;
  evict(dfd);
  char name[17];
  name_of(key, name);
  cache_hdr h = {.key_len = (uint32_t)key->len, .insn_count = f->len, .flags = f->flags};
  memcpy(h.magic, MAGIC, sizeof(h.magic));
  sk_seccomp_buf body = {0};
  sk_seccomp_buf_add(&body, key->data, key->len);
  sk_seccomp_buf_add(&body, f->insns, (size_t)f->len * sizeof(struct sock_filter));
  h.checksum = checksum_of(&h, body.data, body.len);
  _cleanup_free_ char *tmp = sk_xasprintf(TMP_PREFIX "%d-%s", (int)getpid(), name);
  int fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  bool ok =
      fd >= 0 && sk_write_all(fd, &h, sizeof(h)) == 0 && sk_write_all(fd, body.data, body.len) == 0;
  if (fd >= 0 && close(fd) < 0) ok = false;
  if (ok && renameat(dfd, tmp, dfd, name) == 0) {
    sk_debug("seccomp cache: stored %s (%u instructions)", name, (unsigned)f->len);
  } else {
    sk_debug("seccomp cache: cannot store %s: %s", name, strerror(errno));
    if (fd >= 0) unlinkat(dfd, tmp, 0);
  }
  free(body.data);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* skiff spec [--bundle DIR] [--rootless]: write a default config.json. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "skiff/jsongen.h"
#include "skiff/util.h"

const sk_cmd_info sk_info_spec = {
    "spec", "create a new specification file (config.json)", "[command options]",
    "Write a default config.json into the bundle directory: runs 'sh' in ./rootfs with a\n"
    "terminal, a small capability set and the usual namespaces and mounts. Edit it, or\n"
    "set process.terminal to false to run without a console socket. --rootless writes a\n"
    "config for an unprivileged user (a user namespace mapping the current uid and gid)."};

static const char *const default_caps[] = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"};
static const char *const masked_paths[] = {
    "/proc/acpi",          "/proc/asound",     "/proc/kcore",       "/proc/keys",
    "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
    "/sys/firmware",       "/proc/scsi"};
static const char *const readonly_paths[] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                                             "/proc/sysrq-trigger"};

typedef struct mount_def {
  const char *dst, *type, *src;
  const char *const *opts; /* NULL-terminated, or NULL */
} mount_def;

#define OPTS(...) ((const char *const[]){__VA_ARGS__, NULL})

static void gen_mount(yajl_gen g, const mount_def *m) {
  yajl_gen_map_open(g);
  sk_jg_kv_str(g, "destination", m->dst);
  sk_jg_kv_str(g, "type", m->type);
  sk_jg_kv_str(g, "source", m->src);
  if (m->opts) sk_jg_kv_strv(g, "options", m->opts, -1);
  yajl_gen_map_close(g);
}

static void gen_id_mapping(yajl_gen g, const char *key, unsigned id) {
  sk_jg_key(g, key);
  yajl_gen_array_open(g);
  yajl_gen_map_open(g);
  sk_jg_kv_int(g, "containerID", 0);
  sk_jg_kv_int(g, "hostID", id);
  sk_jg_kv_int(g, "size", 1);
  yajl_gen_map_close(g);
  yajl_gen_array_close(g);
}

static void gen_process(yajl_gen g) {
  sk_jg_key(g, "process");
  yajl_gen_map_open(g);
  sk_jg_kv_bool(g, "terminal", true);
  sk_jg_key(g, "user");
  yajl_gen_map_open(g);
  sk_jg_kv_int(g, "uid", 0);
  sk_jg_kv_int(g, "gid", 0);
  yajl_gen_map_close(g);
  sk_jg_kv_strv(g, "args", (const char *const[]){"sh"}, 1);
  sk_jg_kv_strv(
      g, "env",
      (const char *const[]){"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                            "TERM=xterm"},
      2);
  sk_jg_kv_str(g, "cwd", "/");
  sk_jg_key(g, "capabilities");
  yajl_gen_map_open(g);
  const char *sets[] = {"bounding", "effective", "permitted", "ambient"};
  for (size_t i = 0; i < SK_ARRAY_SIZE(sets); i++)
    sk_jg_kv_strv(g, sets[i], default_caps, (long)SK_ARRAY_SIZE(default_caps));
  yajl_gen_map_close(g);
  sk_jg_key(g, "rlimits");
  yajl_gen_array_open(g);
  yajl_gen_map_open(g);
  sk_jg_kv_str(g, "type", "RLIMIT_NOFILE");
  sk_jg_kv_int(g, "hard", 1024);
  sk_jg_kv_int(g, "soft", 1024);
  yajl_gen_map_close(g);
  yajl_gen_array_close(g);
  sk_jg_kv_bool(g, "noNewPrivileges", true);
  yajl_gen_map_close(g);
}

static void gen_mounts(yajl_gen g, bool rootless) {
  const mount_def mounts[] = {
      {"/proc", "proc", "proc", NULL},
      {"/dev", "tmpfs", "tmpfs", OPTS("nosuid", "strictatime", "mode=755", "size=65536k")},
      {"/dev/pts", "devpts", "devpts",
       rootless ? OPTS("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620")
                : OPTS("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5")},
      {"/dev/shm", "tmpfs", "shm", OPTS("nosuid", "noexec", "nodev", "mode=1777", "size=65536k")},
      {"/dev/mqueue", "mqueue", "mqueue", OPTS("nosuid", "noexec", "nodev")},
      /* Without a network namespace of its own a rootless container cannot mount sysfs. */
      rootless
          ? (mount_def){"/sys", "none", "/sys", OPTS("rbind", "nosuid", "noexec", "nodev", "ro")}
          : (mount_def){"/sys", "sysfs", "sysfs", OPTS("nosuid", "noexec", "nodev", "ro")},
      {"/sys/fs/cgroup", "cgroup", "cgroup", OPTS("nosuid", "noexec", "nodev", "relatime", "ro")},
  };
  sk_jg_key(g, "mounts");
  yajl_gen_array_open(g);
  for (size_t i = 0; i < SK_ARRAY_SIZE(mounts); i++)
    gen_mount(g, &mounts[i]);
  yajl_gen_array_close(g);
}

static void gen_linux(yajl_gen g, bool rootless) {
  sk_jg_key(g, "linux");
  yajl_gen_map_open(g);
  if (rootless) {
    gen_id_mapping(g, "uidMappings", (unsigned)geteuid());
    gen_id_mapping(g, "gidMappings", (unsigned)getegid());
  } else {
    sk_jg_key(g, "resources");
    yajl_gen_map_open(g);
    sk_jg_key(g, "devices");
    yajl_gen_array_open(g);
    yajl_gen_map_open(g);
    sk_jg_kv_bool(g, "allow", false);
    sk_jg_kv_str(g, "access", "rwm");
    yajl_gen_map_close(g);
    yajl_gen_array_close(g);
    yajl_gen_map_close(g);
  }
  const char *ns_root[] = {"pid", "network", "ipc", "uts", "mount", "cgroup"};
  const char *ns_rootless[] = {"pid", "ipc", "uts", "mount", "cgroup", "user"};
  const char **ns = rootless ? ns_rootless : ns_root;
  sk_jg_key(g, "namespaces");
  yajl_gen_array_open(g);
  for (size_t i = 0; i < SK_ARRAY_SIZE(ns_root); i++) {
    yajl_gen_map_open(g);
    sk_jg_kv_str(g, "type", ns[i]);
    yajl_gen_map_close(g);
  }
  yajl_gen_array_close(g);
  sk_jg_kv_strv(g, "maskedPaths", masked_paths, (long)SK_ARRAY_SIZE(masked_paths));
  sk_jg_kv_strv(g, "readonlyPaths", readonly_paths, (long)SK_ARRAY_SIZE(readonly_paths));
  yajl_gen_map_close(g);
}

/* The default config.json, tab-indented. Caller frees. */
static char *default_spec(bool rootless) {
  yajl_gen g = sk_jg_new("\t");
  yajl_gen_map_open(g);
  sk_jg_kv_str(g, "ociVersion", SKIFF_SPEC_VERSION);
  gen_process(g);
  sk_jg_key(g, "root");
  yajl_gen_map_open(g);
  sk_jg_kv_str(g, "path", "rootfs");
  sk_jg_kv_bool(g, "readonly", true);
  yajl_gen_map_close(g);
  sk_jg_kv_str(g, "hostname", "skiff");
  gen_mounts(g, rootless);
  gen_linux(g, rootless);
  yajl_gen_map_close(g);
  return sk_jg_finish(g);
}

int sk_cmd_spec(sk_cli *cli, int argc, char **argv, sk_error **err) {
  (void)cli;
  const char *bundle = NULL;
  bool rootless = false;
  const sk_option opts[] = {
      {"bundle", 'b', SK_OPT_STRING, &bundle, "DIR",
       "write config.json into DIR (default: the current directory)"},
      {"rootless", 0, SK_OPT_BOOL, &rootless, NULL, "a config for a rootless container"},
  };
  _cleanup_free_ char **pos = NULL;
  int npos = 0;
  int r = SK_CLI_PARSE(&sk_info_spec, opts, argc, argv, 0, 0, 0, &pos, &npos, err);
  if (r != SK_OPTS_OK) return r < 0 ? -1 : 0;
  _cleanup_free_ char *path =
      bundle ? sk_xasprintf("%s/config.json", bundle) : sk_xstrdup("config.json");
  _cleanup_free_ char *json = default_spec(rootless);
  _cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
  if (fd < 0) {
    if (errno == EEXIST)
      return sk_error_set(err, 0, NULL, "File config.json exists. Remove it first");
    return sk_error_set(err, errno, NULL, "cannot create %s", path);
  }
  if (sk_write_all(fd, json, strlen(json)) < 0 || sk_write_all(fd, "\n", 1) < 0 ||
      close(sk_steal_fd(&fd)) < 0) {
    int e = errno;
    unlink(path);
    return sk_error_set(err, e, NULL, "cannot write %s", path);
  }
  return 0;
}

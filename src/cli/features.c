/* SPDX-License-Identifier: GPL-2.0-or-later */
/* skiff features: what this build of skiff implements, as runtime-spec features.md JSON.
 *
 * THE place to declare support: every known item is listed below with `on` = whether skiff
 * implements it *now*. Only items that are on are printed (an empty list means "none";
 * callers such as CRI-O and containerd trust this document). Flip an item on in the change
 * that implements it. */
#include <stdio.h>

#include "commands.h"
#include "skiff/jsongen.h"
#include "skiff/process.h"
#include "skiff/rootfs.h"
#include "skiff/seccomp.h"
#include "skiff/util.h"

typedef struct feature {
  const char *name;
  bool on;
} feature;

static const feature hooks[] = {
    {"prestart", true},       {"createRuntime", true}, {"createContainer", true},
    {"startContainer", true}, {"poststart", true},     {"poststop", true},
};

static const feature namespaces[] = {
    {"cgroup", true}, {"ipc", true},  {"mount", true}, {"network", true},
    {"pid", true},    {"time", true}, {"user", true},  {"uts", true},
};

/* linux.cgroup */
static const feature cgroup[] = {
    {"v1", true}, {"v2", true}, {"systemd", false}, {"systemdUser", false}, {"rdma", true},
};

/* { "enabled": bool } objects under linux */
static const feature linux_enabled[] = {
    {"apparmor", false},
    {"selinux", false},
    {"intelRdt", false},
};
static const bool idmap_mounts = true;   /* linux.mountExtensions.idmap.enabled */
static const bool net_devices = false;   /* linux.netDevices.enabled */
static const bool checkpointing = false; /* checkpoint/restore (CRIU) */

/* Config annotations skiff interprets that an engine should not let users set. */
static const char *const unsafe_annotations[] = {NULL};

static void gen_list(yajl_gen g, const char *key, const feature *f, size_t n) {
  sk_jg_key(g, key);
  yajl_gen_array_open(g);
  for (size_t i = 0; i < n; i++)
    if (f[i].on) sk_jg_str(g, f[i].name);
  yajl_gen_array_close(g);
}

static void gen_enabled(yajl_gen g, const char *key, bool on) {
  sk_jg_key(g, key);
  yajl_gen_map_open(g);
  sk_jg_kv_bool(g, "enabled", on);
  yajl_gen_map_close(g);
}

static void gen_strv(yajl_gen g, const char *key, const char *const *v) {
  sk_jg_key(g, key);
  yajl_gen_array_open(g);
  for (; *v; v++)
    sk_jg_str(g, *v);
  yajl_gen_array_close(g);
}

/* linux.seccomp: what src/seccomp implements with the linked libseccomp on this kernel. */
static void gen_seccomp(yajl_gen g) {
  sk_jg_key(g, "seccomp");
  yajl_gen_map_open(g);
  sk_jg_kv_bool(g, "enabled", true);
  gen_strv(g, "actions", sk_seccomp_actions());
  gen_strv(g, "operators", sk_seccomp_operators());
  gen_strv(g, "archs", sk_seccomp_archs());
  gen_strv(g, "knownFlags", sk_seccomp_known_flags());
  const char *supported[8];
  sk_seccomp_supported_flags(supported);
  gen_strv(g, "supportedFlags", supported);
  yajl_gen_map_close(g);
}

static char *features_json(void) {
  yajl_gen g = sk_jg_new("    ");
  yajl_gen_map_open(g);
  sk_jg_kv_str(g, "ociVersionMin", "1.0.0");
  sk_jg_kv_str(g, "ociVersionMax", SKIFF_SPEC_VERSION);
  gen_list(g, "hooks", hooks, SK_ARRAY_SIZE(hooks));
  /* Mount options: exactly what the mount code parses (src/linux/mount_options.c). */
  sk_jg_key(g, "mountOptions");
  yajl_gen_array_open(g);
  for (const char *const *o = sk_mount_option_names(); *o; o++)
    sk_jg_str(g, *o);
  yajl_gen_array_close(g);
  sk_jg_key(g, "linux");
  yajl_gen_map_open(g);
  gen_list(g, "namespaces", namespaces, SK_ARRAY_SIZE(namespaces));
  /* Capabilities: every name the init applies (src/linux/caps.c). */
  sk_jg_key(g, "capabilities");
  yajl_gen_array_open(g);
  for (unsigned int c = 0; sk_cap_name(c); c++)
    sk_jg_str(g, sk_cap_name(c));
  yajl_gen_array_close(g);
  sk_jg_key(g, "cgroup");
  yajl_gen_map_open(g);
  for (size_t i = 0; i < SK_ARRAY_SIZE(cgroup); i++)
    sk_jg_kv_bool(g, cgroup[i].name, cgroup[i].on);
  yajl_gen_map_close(g);
  gen_seccomp(g);
  for (size_t i = 0; i < SK_ARRAY_SIZE(linux_enabled); i++)
    gen_enabled(g, linux_enabled[i].name, linux_enabled[i].on);
  sk_jg_key(g, "mountExtensions");
  yajl_gen_map_open(g);
  gen_enabled(g, "idmap", idmap_mounts);
  yajl_gen_map_close(g);
  gen_enabled(g, "netDevices", net_devices);
  yajl_gen_map_close(g);
  sk_jg_key(g, "annotations");
  yajl_gen_map_open(g);
  sk_jg_kv_str(g, "io.github.seccomp.libseccomp.version", SKIFF_LIBSECCOMP_VERSION);
  sk_jg_kv_str(g, "org.opencontainers.runc.checkpoint.enabled", checkpointing ? "true" : "false");
  sk_jg_kv_str(g, "org.skiff.version", SKIFF_VERSION);
  sk_jg_kv_str(g, "org.skiff.checkpoint.enabled", checkpointing ? "true" : "false");
  yajl_gen_map_close(g);
  sk_jg_kv_strv(g, "potentiallyUnsafeConfigAnnotations", unsafe_annotations, -1);
  yajl_gen_map_close(g);
  return sk_jg_finish(g);
}

const sk_cmd_info sk_info_features = {
    "features", "show the enabled features (JSON)", "",
    "Print what this build of skiff implements as JSON (runtime-spec features.md):\n"
    "supported OCI versions, hooks, mount options, namespaces, capabilities, cgroup, LSMs."};

int sk_cmd_features(sk_cli *cli, int argc, char **argv, sk_error **err) {
  (void)cli;
  _cleanup_free_ char **pos = NULL;
  int npos = 0;
  int r = sk_cli_parse(&sk_info_features, NULL, 0, argc, argv, 0, 0, 0, &pos, &npos, err);
  if (r != SK_OPTS_OK) return r < 0 ? -1 : 0;
  _cleanup_free_ char *json = features_json();
  printf("%s\n", json);
  return sk_cli_flush_stdout("the features", err);
}

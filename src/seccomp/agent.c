/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SCMP_ACT_NOTIFY: the filter's listener goes to the seccomp agent listening at
 * linux.seccomp.listenerPath, with the container process state (config-linux.md). The process
 * that loaded the filter is already in the container's mount namespace, where that host path
 * can't be reached: it sends the listener to skiff over the sync socket, and skiff connects.
 */
#include <errno.h>
#include <string.h>

#include "skiff/jsongen.h"
#include "skiff/seccomp.h"
#include "skiff/util.h"

static char *process_state_json(const oci_config *cfg, const sk_seccomp_agent_info *in) {
  yajl_gen g = sk_jg_new(NULL);
  yajl_gen_map_open(g);
  sk_jg_kv_str(g, "ociVersion", SKIFF_SPEC_VERSION);
  const char *const fds[] = {"seccompFd", NULL};
  sk_jg_kv_strv(g, "fds", fds, -1);
  sk_jg_kv_int(g, "pid", in->pid);
  if (cfg->linux->seccomp->listener_metadata)
    sk_jg_kv_str(g, "metadata", cfg->linux->seccomp->listener_metadata);
  sk_jg_key(g, "state");
  yajl_gen_map_open(g);
  sk_jg_kv_str(g, "ociVersion", SKIFF_SPEC_VERSION);
  sk_jg_kv_str(g, "id", in->id);
  sk_jg_kv_str(g, "status", in->status);
  sk_jg_kv_int(g, "pid", in->container_pid);
  sk_jg_kv_str(g, "bundle", in->bundle);
  sk_jg_key(g, "annotations");
  yajl_gen_map_open(g);
  for (size_t i = 0; i < cfg->annotations_len; i++)
    sk_jg_kv_str(g, cfg->annotations[i].key, cfg->annotations[i].value);
  yajl_gen_map_close(g);
  yajl_gen_map_close(g);
  yajl_gen_map_close(g);
  return sk_jg_finish(g);
}

static int send_to_agent(const oci_config *cfg, const sk_seccomp_agent_info *in, int listener,
                         sk_error **err) {
  const char *path = cfg->linux->seccomp->listener_path;
  _cleanup_close_ int sock = sk_unix_connect(path, "linux.seccomp.listenerPath", err);
  if (sock < 0) return -1;
  _cleanup_free_ char *json = process_state_json(cfg, in);
  if (sk_sendmsg_fds(sock, json, strlen(json), &listener, 1) < 0)
    return sk_error_set(err, errno, "linux.seccomp.listenerPath",
                        "send the seccomp listener to the agent at %s", path);
  return 0;
}

int sk_seccomp_expect_ready(int sync_fd, const oci_config *cfg, const sk_seccomp_agent_info *info,
                            sk_sync_msg *m, sk_error **err) {
  if (cfg->linux && cfg->linux->seccomp && cfg->linux->seccomp->listener_path &&
      sk_seccomp_notifies(cfg->linux->seccomp)) {
    int fds[SK_SYNC_MAX_FDS];
    size_t n = 0;
    if (sk_sync_expect_fds(sync_fd, SK_SYNC_SECCOMP_FD, m, fds, &n, err) < 0) return -1;
    int r = n == 1 ? send_to_agent(cfg, info, fds[0], err)
                   : sk_error_set(err, EPROTO, NULL, "seccomp listener: %zu fds", n);
    for (size_t i = 0; i < n; i++)
      close(fds[i]);
    if (r < 0) return -1;
  }
  return sk_sync_expect(sync_fd, SK_SYNC_READY, m, err);
}

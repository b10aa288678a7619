/* SPDX-License-Identifier: GPL-2.0-or-later */
/* update: new linux.resources on a created, running or paused container; and the part of the
 * config the state keeps for later commands (hooks, linux.resources, linux.devices). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "skiff/oci.h"
#include "skiff/util.h"

char *sk_kept_config(const oci_config *cfg) {
  if (!cfg->hooks && (!cfg->linux || (!cfg->linux->resources && !cfg->linux->devices))) return NULL;
  oci_linux lx = {0};
  if (cfg->linux) {
    lx.resources = cfg->linux->resources;
    lx.devices = cfg->linux->devices;
    lx.devices_len = cfg->linux->devices_len;
  }
  /* root: the parser wants it on Linux. */
  oci_config only = {.oci_version = cfg->oci_version,
                     .root = cfg->root,
                     .hooks = cfg->hooks,
                     .linux = cfg->linux ? &lx : NULL};
  return oci_config_to_json(&only);
}

/* The kept config of the state, or an empty one (a state written before skiff kept it). */
static int kept(const sk_state *st, oci_config **out, sk_error **err) {
  if (st->config_json) {
    if (oci_config_parse(st->config_json, strlen(st->config_json), out, err) < 0) {
      sk_error_prefix(*err, "the config kept in the state of container %s", st->id);
      return -1;
    }
  } else {
    *out = sk_xcalloc(1, sizeof(oci_config));
    (*out)->oci_version = sk_xstrdup(st->oci_version);
    /* the parser wants a root on Linux */
    (*out)->root = sk_xcalloc(1, sizeof(oci_root));
    (*out)->root->path = sk_xstrdup(st->rootfs);
  }
  oci_config *c = *out;
  if (!c->linux) c->linux = sk_xcalloc(1, sizeof(oci_linux));
  if (!c->linux->resources) c->linux->resources = sk_xcalloc(1, sizeof(oci_resources));
  return 0;
}

/* Settings written together: memory limit and swap (v1 orders them, v2 derives swap.max from
 * both), CFS quota and period (v2's cpu.max holds both). What the update lacks of a pair comes
 * from the kept resources. */
static void pair_up(oci_resources *u, const oci_resources *k) {
  const oci_memory *km = k->memory;
  oci_memory *m = u->memory;
  if (m && km && (m->has_limit || m->has_swap)) {
    if (!m->has_limit && km->has_limit) m->limit = km->limit, m->has_limit = true;
    if (!m->has_swap && km->has_swap) m->swap = km->swap, m->has_swap = true;
  }
  if (m && km && !m->has_check_before_update && km->has_check_before_update)
    m->check_before_update = km->check_before_update, m->has_check_before_update = true;
  const oci_cpu *kc = k->cpu;
  oci_cpu *c = u->cpu;
  if (c && kc && (c->has_quota || c->has_period)) {
    if (!c->has_quota && kc->has_quota) c->quota = kc->quota, c->has_quota = true;
    if (!c->has_period && kc->has_period) c->period = kc->period, c->has_period = true;
  }
}

int sk_container_update(const sk_globals *g, const char *id, oci_resources *upd, sk_error **err) {
  sk_container_dir *dir = NULL;
  sk_state *st = NULL;
  if (sk_load(g, id, &dir, &st, err) < 0) return -1;
  int ret = -1;
  _cleanup_oci_config_ oci_config *cfg = NULL;
  _cleanup_cgroup_ sk_cgroup *cg = NULL;
  if (st->status == SK_STATUS_STOPPED || st->status == SK_STATUS_CREATING) {
    sk_error_set(err, ESRCH, NULL, "container %s is not running (%s): nothing to update", id,
                 sk_status_name(st->status));
    goto out;
  }
  if (!st->cgroup_path) {
    sk_error_set(err, ENOENT, NULL, "container %s has no cgroup recorded in its state", id);
    goto out;
  }
  if (kept(st, &cfg, err) < 0 || sk_cgroup_load(st->cgroup_path, &cg, err) < 0) goto out;
  pair_up(upd, cfg->linux->resources);
  /* only the update, with linux.devices for a new device list (v1 allows those anew) */
  oci_linux lx = {
      .resources = upd, .devices = cfg->linux->devices, .devices_len = cfg->linux->devices_len};
  oci_config apply = {.oci_version = cfg->oci_version, .linux = &lx};
  if (sk_cgroup_update(cg, &apply, err) < 0) goto out;
  oci_resources_merge(cfg->linux->resources, upd);
  free(st->config_json);
  st->config_json = sk_kept_config(cfg);
  ret = sk_state_save(dir, st, err);
out:
  sk_state_free(st);
  sk_state_close_dir(dir);
  return ret;
}

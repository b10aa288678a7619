/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the config parser (src/oci/):
 *  - fixtures/full.json sets every field of the model (checked against the field tables); it
 *    is parsed, encoded, reparsed, and the encoding must equal the fixture as JSON, field by
 *    field; a sample of the parsed values is checked in C;
 *  - fixtures/process.json goes through oci_process_parse and back;
 *  - malformed configs and processes give the intended error: its JSON path and a key phrase of
 *    its message; several problems are all reported; syntax errors name line and column;
 *  - unknown fields and other platforms' objects are ignored; ociVersion 1.x.y only;
 *  - the runtime-spec's schema test documents and enumerations, when the spec is at hand.
 *
 * Usage: test_config FIXTURE_DIR [SPEC_DIR...] (the first SPEC_DIR with schema/ in it is used).
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "../../src/oci/schema.h"
#include "skiff/oci.h"
#include "skiff/util.h"

static int checks, failures;
static const char *fixture_dir;

#define CHECK(cond, ...)                                                                           \
  do {                                                                                             \
    checks++;                                                                                      \
    if (!(cond)) {                                                                                 \
      failures++;                                                                                  \
      fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                                         \
      fprintf(stderr, __VA_ARGS__);                                                                \
      fputc('\n', stderr);                                                                         \
    }                                                                                              \
  } while (0)

#define STREQ(a, b) ((a) && (b) && strcmp((a), (b)) == 0)

/* ---- helpers --------------------------------------------------------------------------- */

/* (noinline: gcc 12 -O3 takes the result for a pointer to the local it came through) */
__attribute__((noinline)) static char *read_path(const char *path, size_t *len) {
  char *buf = NULL;
  sk_error *err = NULL;
  if (sk_read_file(path, &buf, len, 0, &err) < 0) {
    fprintf(stderr, "cannot read %s: %s\n", path, err ? err->msg : "?");
    exit(1);
  }
  return buf;
}

static char *fixture(const char *name, size_t *len) {
  _cleanup_free_ char *path = sk_xasprintf("%s/%s", fixture_dir, name);
  return read_path(path, len);
}

/* The JSON of the cases is written with ' for " (no case needs a real '). Caller frees. */
static char *dq(const char *s) {
  char *r = sk_xstrdup(s);
  for (char *p = r; *p; p++)
    if (*p == '\'') *p = '"';
  return r;
}

static void dump_errors(const sk_error *e) {
  for (; e; e = e->next)
    fprintf(stderr, "    got [%s] %s\n", e->path ? e->path : "(no path)", e->msg);
}

/* An error of the chain at exactly `path` (NULL: an error without a path) whose message has
 * `phrase`. */
static bool has_error(const sk_error *e, const char *path, const char *phrase) {
  for (; e; e = e->next) {
    bool at = path ? e->path && strcmp(e->path, path) == 0 : e->path == NULL;
    if (at && strstr(e->msg, phrase)) return true;
  }
  return false;
}

/* Parse json (a config, or a process) that must fail; returns the errors (caller frees). On
 * failure the output pointer must be left as it was. */
static sk_error *parse_fails(bool process, const char *json, size_t len, const char *what) {
  static char sentinel;
  sk_error *err = NULL;
  int r;
  if (process) {
    oci_process *p = (oci_process *)(void *)&sentinel;
    r = oci_process_parse(json, len, &p, &err);
    CHECK(r < 0 && p == (oci_process *)(void *)&sentinel, "%s: process parse should fail", what);
    if (r == 0) oci_process_free(p);
  } else {
    oci_config *c = (oci_config *)(void *)&sentinel;
    r = oci_config_parse(json, len, &c, &err);
    CHECK(r < 0 && c == (oci_config *)(void *)&sentinel, "%s: config parse should fail", what);
    if (r == 0) oci_config_free(c);
  }
  CHECK(r == 0 || err, "%s: a failed parse sets an error", what);
  return err;
}

static oci_config *parse_ok(const char *json, const char *what) {
  oci_config *c = NULL;
  sk_error *err = NULL;
  int r = oci_config_parse(json, strlen(json), &c, &err);
  CHECK(r == 0 && c && !err, "%s: should parse", what);
  if (r < 0) dump_errors(err);
  sk_error_free(err);
  return r == 0 ? c : NULL;
}

static yajl_val tree_of(const char *json, const char *what) {
  char ebuf[256] = "";
  yajl_val v = yajl_tree_parse(json, ebuf, sizeof(ebuf));
  CHECK(v, "%s: not JSON: %s", what, ebuf);
  return v;
}

/* Canonical comparison: objects as sets of keys (order free), arrays in order, numbers by their
 * text. Reports the first difference with its path. */
static bool json_same(yajl_val a, yajl_val b, const char *path) {
  if (!a || !b || a->type != b->type) {
    fprintf(stderr, "    differ at %s: type %d vs %d\n", *path ? path : "(top)",
            a ? (int)a->type : -1, b ? (int)b->type : -1);
    return false;
  }
  if (YAJL_IS_STRING(a) || YAJL_IS_NUMBER(a)) {
    const char *x = YAJL_IS_STRING(a) ? YAJL_GET_STRING(a) : YAJL_GET_NUMBER(a);
    const char *y = YAJL_IS_STRING(b) ? YAJL_GET_STRING(b) : YAJL_GET_NUMBER(b);
    if (strcmp(x, y) == 0) return true;
    fprintf(stderr, "    differ at %s: %s vs %s\n", path, x, y);
    return false;
  }
  if (YAJL_IS_ARRAY(a)) {
    if (a->u.array.len != b->u.array.len) {
      fprintf(stderr, "    differ at %s: %zu vs %zu items\n", path, a->u.array.len, b->u.array.len);
      return false;
    }
    for (size_t i = 0; i < a->u.array.len; i++) {
      _cleanup_free_ char *p = sk_xasprintf("%s[%zu]", path, i);
      if (!json_same(a->u.array.values[i], b->u.array.values[i], p)) return false;
    }
    return true;
  }
  if (YAJL_IS_OBJECT(a)) {
    if (a->u.object.len != b->u.object.len) {
      fprintf(stderr, "    differ at %s: %zu vs %zu keys\n", *path ? path : "(top)",
              a->u.object.len, b->u.object.len);
      return false;
    }
    for (size_t i = 0; i < a->u.object.len; i++) {
      const char *k = a->u.object.keys[i];
      _cleanup_free_ char *p = *path ? sk_xasprintf("%s.%s", path, k) : sk_xstrdup(k);
      const char *kp[] = {k, NULL};
      if (!json_same(a->u.object.values[i], yajl_tree_get(b, kp, yajl_t_any), p)) return false;
    }
    return true;
  }
  return true; /* true, false, null */
}

/* ---- full.json: every field of the model ----------------------------------------------- */

/* Which fields of which tables full.json sets (the tables of src/oci/schema.c). */
static struct {
  const oci_type *type;
  uint64_t seen;
} cover[64];
static size_t ncover;

static size_t cover_slot(const oci_type *t) {
  for (size_t i = 0; i < ncover; i++)
    if (cover[i].type == t) return i;
  if (ncover == SK_ARRAY_SIZE(cover)) abort();
  cover[ncover].type = t;
  return ncover++;
}

static void cover_walk(const oci_type *t, yajl_val v) {
  size_t s = cover_slot(t);
  if (!YAJL_IS_OBJECT(v)) return;
  for (size_t k = 0; k < v->u.object.len; k++) {
    const oci_field *f = NULL;
    for (size_t i = 0; i < t->nfields && !f; i++)
      if (strcmp(t->fields[i].key, v->u.object.keys[k]) == 0) f = &t->fields[i];
    CHECK(f, "full.json: %s has %s, which the model does not know", t->name, v->u.object.keys[k]);
    if (!f) continue;
    cover[s].seen |= UINT64_C(1) << (f - t->fields);
    yajl_val val = v->u.object.values[k];
    if (f->kind == OCI_K_OBJECT) cover_walk(f->type, val);
    for (size_t i = 0; f->kind == OCI_K_OBJECTS && YAJL_IS_ARRAY(val) && i < val->u.array.len; i++)
      cover_walk(f->type, val->u.array.values[i]);
    for (size_t i = 0; f->kind == OCI_K_OBJMAP && YAJL_IS_OBJECT(val) && i < val->u.object.len; i++)
      cover_walk(f->type, val->u.object.values[i]);
  }
}

/* Every field of every table reachable from t was seen (each table once). */
static void cover_report(const oci_type *t, const oci_type **done, size_t *ndone) {
  for (size_t i = 0; i < *ndone; i++)
    if (done[i] == t) return;
  done[(*ndone)++] = t;
  uint64_t seen = cover[cover_slot(t)].seen;
  for (size_t i = 0; i < t->nfields; i++) {
    CHECK(seen & (UINT64_C(1) << i), "full.json never sets %s.%s", t->name, t->fields[i].key);
    if (t->fields[i].type) cover_report(t->fields[i].type, done, ndone);
  }
}

static void check_full_values(const oci_config *c) {
  CHECK(STREQ(c->oci_version, "1.3.0"), "ociVersion");
  CHECK(c->root && STREQ(c->root->path, "rootfs") && c->root->has_readonly && c->root->readonly,
        "root");
  CHECK(c->mounts_len == 3, "3 mounts");
  const oci_mount *m = &c->mounts[1];
  CHECK(STREQ(m->destination, "/data") && STREQ(m->source, "/srv/data") && STREQ(m->type, "bind"),
        "mounts[1]");
  CHECK(m->options_len == 3 && STREQ(m->options[2], "idmap") && m->options[3] == NULL,
        "mounts[1].options, NULL-terminated");
  CHECK(m->uid_mappings_len == 1 && m->uid_mappings[0].host_id == 100000 &&
            m->uid_mappings[0].size == 65536,
        "mounts[1].uidMappings");
  CHECK(m->gid_mappings_len == 2 && m->gid_mappings[1].container_id == 70000 &&
            m->gid_mappings[1].host_id == 300000 && m->gid_mappings[1].size == 1,
        "mounts[1].gidMappings");
  CHECK(c->mounts[2].options && c->mounts[2].options_len == 0 && !c->mounts[2].source &&
            !c->mounts[0].uid_mappings,
        "empty array present, absent ones NULL");

  const oci_process *p = c->process;
  CHECK(p && p->has_terminal && p->terminal, "process.terminal");
  CHECK(p->console_size && p->console_size->height == 25 && p->console_size->width == 80,
        "consoleSize");
  CHECK(p->user && p->user->has_uid && p->user->uid == 1000 && p->user->gid == 1001 &&
            p->user->has_umask && p->user->umask == 18,
        "user");
  CHECK(p->user->additional_gids_len == 3 && p->user->additional_gids[2] == UINT32_MAX,
        "additionalGids");
  CHECK(STREQ(p->user->username, "alice"), "username");
  CHECK(p->args_len == 3 && STREQ(p->args[2], "echo \"quoted\" \\ back\tslash \xc3\xa9t\xc3\xa9 "
                                              "\xe2\x98\x83"),
        "args with escapes and UTF-8: %s", p->args_len == 3 ? p->args[2] : "?");
  CHECK(STREQ(p->command_line, "sh -c true"), "commandLine");
  CHECK(p->env_len == 3 && STREQ(p->env[2], "EMPTY=") && !p->env[3], "env");
  CHECK(STREQ(p->cwd, "/home/alice"), "cwd");
  CHECK(p->rlimits_len == 2 && STREQ(p->rlimits[1].type, "RLIMIT_CORE") &&
            p->rlimits[1].hard == UINT64_MAX && p->rlimits[1].soft == 0,
        "rlimits (uint64 max)");
  CHECK(STREQ(p->apparmor_profile, "skiff-default"), "apparmorProfile");
  CHECK(p->capabilities && p->capabilities->bounding_len == 3 &&
            STREQ(p->capabilities->bounding[2], "CAP_NET_BIND_SERVICE") &&
            p->capabilities->inheritable && p->capabilities->inheritable_len == 0 &&
            p->capabilities->ambient_len == 1,
        "capabilities");
  CHECK(p->has_no_new_privileges && p->no_new_privileges, "noNewPrivileges");
  CHECK(p->has_oom_score_adj && p->oom_score_adj == -1000, "oomScoreAdj");
  const oci_scheduler *s = p->scheduler;
  CHECK(s && STREQ(s->policy, "SCHED_DEADLINE") && s->has_nice && s->nice == -20 &&
            s->has_priority && s->priority == 0 && s->flags_len == 2 && s->runtime == 10000000 &&
            s->deadline == 20000000 && s->has_period && s->period == 30000000,
        "scheduler");
  CHECK(STREQ(p->selinux_label, "system_u:system_r:container_t:s0:c1,c2"), "selinuxLabel");
  CHECK(p->io_priority && STREQ(p->io_priority->class, "IOPRIO_CLASS_BE") &&
            p->io_priority->priority == 4,
        "ioPriority");
  CHECK(p->exec_cpu_affinity && STREQ(p->exec_cpu_affinity->initial, "0-3, 7") &&
            STREQ(p->exec_cpu_affinity->final, "4"),
        "execCPUAffinity");

  CHECK(STREQ(c->hostname, "skiff-full") && STREQ(c->domainname, "example.org"), "names");
  const oci_hooks *h = c->hooks;
  CHECK(h && h->prestart_len == 1 && h->prestart[0].args_len == 2 && h->prestart[0].has_timeout &&
            h->prestart[0].timeout == 1,
        "hooks.prestart");
  CHECK(h->create_runtime_len == 2 && !h->create_runtime[0].has_timeout &&
            h->create_runtime[1].timeout == INT64_MAX,
        "hooks.createRuntime");
  CHECK(h->create_container_len == 1 && h->start_container_len == 1 && h->poststart_len == 1 &&
            h->poststop_len == 1 && STREQ(h->poststop[0].path, "/usr/bin/poststop"),
        "other hooks");
  CHECK(c->annotations_len == 3 && STREQ(c->annotations[1].key, "com.example.empty") &&
            STREQ(c->annotations[1].value, ""),
        "annotations");

  const oci_linux *l = c->linux;
  CHECK(l && l->namespaces_len == 8 && STREQ(l->namespaces[1].type, "network") &&
            STREQ(l->namespaces[1].path, "/var/run/netns/skiff") && !l->namespaces[0].path,
        "namespaces");
  CHECK(oci_config_namespace(c, "time") == &l->namespaces[7] && !oci_config_namespace(c, "x"),
        "oci_config_namespace");
  CHECK(l->uid_mappings_len == 2 && l->uid_mappings[1].size == 65535 && l->gid_mappings_len == 1,
        "id mappings");
  CHECK(l->time_offsets && l->time_offsets->boottime->secs == -86400 &&
            l->time_offsets->boottime->nanosecs == 999999999 &&
            l->time_offsets->monotonic->secs == INT64_MAX &&
            l->time_offsets->monotonic->has_nanosecs,
        "timeOffsets");
  CHECK(l->devices_len == 4 && STREQ(l->devices[0].type, "c") && l->devices[0].major == 10 &&
            l->devices[0].minor == 229 && l->devices[0].file_mode == 0666 &&
            l->devices[1].uid == UINT32_MAX && !l->devices[3].has_major &&
            !l->devices[3].has_file_mode,
        "devices");
  CHECK(l->net_devices_len == 2 && STREQ(l->net_devices[0].key, "eth0") &&
            !l->net_devices[0].name && STREQ(l->net_devices[1].name, "eth1"),
        "netDevices");
  CHECK(STREQ(l->cgroups_path, "/skiff/full"), "cgroupsPath");
  const oci_resources *r = l->resources;
  CHECK(r && r->devices_len == 4 && !r->devices[0].allow && !r->devices[0].type &&
            r->devices[2].major == -1 && STREQ(r->devices[1].access, "rw"),
        "resources.devices");
  CHECK(r->memory && r->memory->limit == 536870912 && r->memory->swap == -1 &&
            r->memory->has_kernel && r->memory->kernel == 0 && r->memory->swappiness == 60 &&
            r->memory->has_disable_oom_killer && !r->memory->disable_oom_killer &&
            r->memory->check_before_update,
        "memory");
  CHECK(r->cpu && r->cpu->quota == INT64_MIN && r->cpu->shares == 1024 &&
            STREQ(r->cpu->cpus, "0-3") && r->cpu->idle == 1,
        "cpu (int64 min)");
  CHECK(r->pids && r->pids->limit == 32768, "pids");
  const oci_block_io *b = r->block_io;
  CHECK(b && b->weight == 500 && b->leaf_weight == 300 && b->weight_device_len == 2 &&
            b->weight_device[0].weight == 65535 && !b->weight_device[1].has_weight &&
            b->throttle_write_iops_device_len == 1 &&
            b->throttle_write_iops_device[0].rate == 300 &&
            b->throttle_read_bps_device[0].rate == 104857600,
        "blockIO");
  CHECK(r->hugepage_limits_len == 3 && STREQ(r->hugepage_limits[2].page_size, "64KB") &&
            r->hugepage_limits[2].limit == UINT64_MAX,
        "hugepageLimits");
  CHECK(r->network && r->network->class_id == 1048577 && r->network->priorities_len == 2 &&
            r->network->priorities[1].priority == 1000,
        "network");
  CHECK(r->rdma_len == 3 && STREQ(r->rdma[0].key, "mlx5_1") && r->rdma[0].hca_handles == 3 &&
            !r->rdma[1].has_hca_handles && r->rdma[1].hca_objects == 1,
        "rdma");
  CHECK(r->unified_len == 3 && STREQ(r->unified[1].value, "default 100"), "unified");
  CHECK(STREQ(l->rootfs_propagation, "slave"), "rootfsPropagation");
  const oci_seccomp *sc = l->seccomp;
  CHECK(sc && STREQ(sc->default_action, "SCMP_ACT_ERRNO") && sc->default_errno_ret == 38 &&
            sc->architectures_len == 4 && sc->flags_len == 2 &&
            STREQ(sc->listener_path, "/run/seccomp-agent.sock") && sc->syscalls_len == 4,
        "seccomp");
  CHECK(sc->syscalls[1].has_errno_ret && sc->syscalls[1].errno_ret == 1 &&
            !sc->syscalls[0].has_errno_ret && sc->syscalls[2].args_len == 2 &&
            sc->syscalls[2].args[1].value == UINT64_MAX &&
            sc->syscalls[2].args[1].value_two == 255 && !sc->syscalls[2].args[0].has_value_two &&
            STREQ(sc->syscalls[2].args[1].op, "SCMP_CMP_MASKED_EQ"),
        "seccomp.syscalls");
  CHECK(l->sysctl_len == 2 && STREQ(l->sysctl[0].key, "net.ipv4.ip_forward"), "sysctl");
  CHECK(l->masked_paths_len == 3 && l->readonly_paths_len == 2 && !l->readonly_paths[2],
        "masked/readonly paths");
  CHECK(STREQ(l->mount_label, "system_u:object_r:container_file_t:s0:c1,c2"), "mountLabel");
  CHECK(l->intel_rdt && STREQ(l->intel_rdt->clos_id, "guaranteed_group") &&
            l->intel_rdt->schemata_len == 2 && STREQ(l->intel_rdt->mem_bw_schema, "MB:0=20;1=70") &&
            l->intel_rdt->enable_monitoring,
        "intelRdt");
  CHECK(l->memory_policy && STREQ(l->memory_policy->mode, "MPOL_INTERLEAVE") &&
            STREQ(l->memory_policy->nodes, "0-1,3") && l->memory_policy->flags_len == 1,
        "memoryPolicy");
  CHECK(l->personality && STREQ(l->personality->domain, "LINUX32") && l->personality->flags &&
            l->personality->flags_len == 0,
        "personality");
}

/* fixture -> parse -> encode: the encoding equals the fixture as JSON, and is stable. */
static void test_full(void) {
  size_t len;
  _cleanup_free_ char *json = fixture("full.json", &len);
  oci_config *c = NULL;
  sk_error *err = NULL;
  CHECK(oci_config_parse(json, len, &c, &err) == 0, "full.json parses");
  dump_errors(err);
  sk_error_free(err);
  if (!c) return;
  check_full_values(c);

  yajl_val want = tree_of(json, "full.json");
  cover_walk(&oci_config_type, want);
  const oci_type *done[64];
  size_t ndone = 0;
  cover_report(&oci_config_type, done, &ndone);

  _cleanup_free_ char *enc = oci_config_to_json(c);
  yajl_val got = tree_of(enc, "encoded full.json");
  CHECK(want && got && json_same(want, got, ""), "full.json round-trips through the encoder");

  /* the process alone encodes as the fixture's process object */
  _cleanup_free_ char *penc = oci_process_to_json(c->process);
  yajl_val pgot = tree_of(penc, "encoded process");
  const char *pk[] = {"process", NULL};
  CHECK(pgot && json_same(yajl_tree_get(want, pk, yajl_t_object), pgot, "process"),
        "oci_process_to_json of config.process");

  oci_config *c2 = parse_ok(enc, "encoded full.json");
  if (c2) {
    check_full_values(c2);
    _cleanup_free_ char *enc2 = oci_config_to_json(c2);
    CHECK(STREQ(enc, enc2), "encoding is stable (encode, parse, encode gives the same text)");
    oci_config_free(c2);
  }
  yajl_tree_free(want);
  yajl_tree_free(got);
  yajl_tree_free(pgot);
  oci_config_free(c);

  /* the same through oci_config_load */
  _cleanup_free_ char *path = sk_xasprintf("%s/full.json", fixture_dir);
  CHECK(oci_config_load(path, &c, NULL) == 0 && c && c->linux && c->linux->seccomp,
        "oci_config_load(full.json)");
  oci_config_free(c);
}

/* ---- process.json ---------------------------------------------------------------------- */

static void test_process(void) {
  size_t len;
  _cleanup_free_ char *json = fixture("process.json", &len);
  oci_process *p = NULL;
  sk_error *err = NULL;
  CHECK(oci_process_parse(json, len, &p, &err) == 0 && p, "process.json parses");
  dump_errors(err);
  sk_error_free(err);
  if (!p) return;
  CHECK(p->has_terminal && !p->terminal, "terminal false is present");
  CHECK(p->console_size && p->console_size->height == 0 && p->console_size->width == UINT64_MAX,
        "consoleSize");
  CHECK(p->user && p->user->uid == 0 && p->user->has_uid && p->user->gid == UINT32_MAX &&
            p->user->umask == 63 && p->user->additional_gids && p->user->additional_gids_len == 0 &&
            !p->user->username,
        "user");
  CHECK(p->args_len == 1 && STREQ(p->args[0], "/usr/bin/env") && !p->command_line, "args");
  CHECK(p->env_len == 2 && STREQ(p->env[1], "LANG=C.UTF-8"), "env");
  CHECK(STREQ(p->cwd, "/"), "cwd");
  CHECK(p->rlimits_len == 1 && p->rlimits[0].hard == 256 && p->rlimits[0].soft == 128, "rlimits");
  CHECK(p->capabilities && p->capabilities->bounding_len == 1 && p->capabilities->effective &&
            p->capabilities->effective_len == 0 && !p->capabilities->inheritable &&
            !p->capabilities->ambient,
        "capabilities");
  CHECK(p->has_no_new_privileges && !p->no_new_privileges, "noNewPrivileges false is present");
  CHECK(p->has_oom_score_adj && p->oom_score_adj == 1000, "oomScoreAdj 1000");
  CHECK(p->scheduler && STREQ(p->scheduler->policy, "SCHED_OTHER") && p->scheduler->nice == 19 &&
            !p->scheduler->has_priority && !p->scheduler->flags,
        "scheduler");
  CHECK(STREQ(p->selinux_label, ""), "empty selinuxLabel is present");
  CHECK(p->io_priority && STREQ(p->io_priority->class, "IOPRIO_CLASS_IDLE") &&
            !p->io_priority->has_priority,
        "ioPriority");
  CHECK(p->exec_cpu_affinity && !p->exec_cpu_affinity->initial &&
            STREQ(p->exec_cpu_affinity->final, ""),
        "execCPUAffinity");

  _cleanup_free_ char *enc = oci_process_to_json(p);
  yajl_val want = tree_of(json, "process.json"), got = tree_of(enc, "encoded process.json");
  CHECK(want && got && json_same(want, got, ""), "process.json round-trips through the encoder");
  yajl_tree_free(want);
  yajl_tree_free(got);
  oci_process_free(p);

  p = NULL;
  CHECK(oci_process_parse(enc, strlen(enc), &p, NULL) == 0, "the encoded process parses again");
  _cleanup_free_ char *enc2 = p ? oci_process_to_json(p) : NULL;
  CHECK(STREQ(enc, enc2), "process encoding is stable");
  oci_process_free(p);

  _cleanup_free_ char *path = sk_xasprintf("%s/process.json", fixture_dir);
  p = NULL;
  CHECK(oci_process_load(path, &p, NULL) == 0 && p && p->rlimits_len == 1, "oci_process_load");
  oci_process_free(p);
}

/* ---- malformed documents --------------------------------------------------------------- */

typedef struct {
  const char *json; /* ' for " */
  const char *path; /* the error's JSON path; NULL: about the whole document */
  const char *phrase;
} bad_case;

#define V "'ociVersion':'1.3.0'"
#define R "'root':{'path':'rootfs'}"
#define C(rest) "{" V "," R "," rest "}"
#define PROC(body) C("'process':{" body "}")
#define P(more) PROC("'cwd':'/','args':['sh']," more)
#define L(body) C("'linux':{" body "}")
#define RES(body) L("'resources':{" body "}")
#define SEC(body) L("'seccomp':{'defaultAction':'SCMP_ACT_ALLOW'," body "}")
#define HOOKS(body) C("'hooks':{" body "}")
/* 64 characters: values longer than that are cut in messages */
#define X64 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
#define ONE_SYSCALL(more) SEC("'syscalls':[{'names':['read'],'action':'SCMP_ACT_ALLOW'," more "}]")

static const bad_case bad_configs[] = {
    /* the document: syntax (line and column), top-level type, limits */
    {"", NULL, "JSON syntax error at line 1, column 1 (1:1): parse error: premature EOF"},
    {"{]", NULL, "line 1, column 2 (1:2): parse error: invalid object key"},
    {"{\n  'ociVersion': '1.3.0',\n  'root': {'path': 'r'},,\n}", NULL, "line 3, column 25 (3:25)"},
    {"{'ociVersion':'1.3.0',\n'root':{'path':\n", NULL,
     "line 3, column 1 (3:1): parse error: premature EOF"},
    {"{\n 'a': [1,]}", NULL, "line 2, column 10 (2:10)"},
    {"{} x", NULL, "line 1, column 4 (1:4): parse error: trailing garbage"},
    {C("'x':1") "{}", NULL, "trailing garbage"},
    {"{'a': tru}", NULL, "line 1, column 10 (1:10): lexical error"},
    {"{'a': 'x\ny'}", NULL,
     "line 1, column 9 (1:9): lexical error: invalid character inside string"},
    {"/* c */ {}", NULL, "comments are not enabled"},
    {"{'a':'\xff'}", NULL, "invalid bytes in UTF8 string"},
    {"{'ociVersion':'1.3.0','root':{'path':'r\\u0000'}}", NULL,
     "line 1, column 38 (1:38): string contains a NUL character"},
    {"{'a\\u0000':1}", NULL, "NUL character"},
    {"{'a' 'b'}", NULL,
     "line 1, column 6 (1:6): parse error: object key and value must be separated"},
    {"{'a':1 'bc'}", NULL, "line 1, column 8 (1:8): parse error: after key and value"},
    {"{'a':'x'23}", NULL, "line 1, column 9 (1:9): parse error: after key and value"},
    {"{'a':[1 2]}", NULL, "line 1, column 9 (1:9): parse error: after array element"},
    {"{'a':1,23}", NULL, "line 1, column 8 (1:8): parse error: invalid object key"},
    {"[]", NULL, "config: expected a JSON object, got array"},
    {"'config.json'", NULL, "expected a JSON object, got string"},
    {"null", NULL, "expected a JSON object, got null"},
    {"42", NULL, "expected a JSON object, got integer"},
    /* ociVersion */
    {"{" R "}", "ociVersion", "missing required field"},
    {"{'ociVersion':'2.0.0'," R "}", "ociVersion", "\"2.0.0\" is not a supported ociVersion"},
    {"{'ociVersion':'0.9.0'," R "}", "ociVersion", "not a supported ociVersion"},
    {"{'ociVersion':'1.0'," R "}", "ociVersion", "use a version of the form 1.x.y"},
    {"{'ociVersion':'v1.0.0'," R "}", "ociVersion", "not a supported ociVersion"},
    {"{'ociVersion':'1.0.0.0'," R "}", "ociVersion", "not a supported ociVersion"},
    {"{'ociVersion':'10.0.0'," R "}", "ociVersion", "not a supported ociVersion"},
    {"{'ociVersion':''," R "}", "ociVersion", "not a supported ociVersion"},
    {"{'ociVersion':1," R "}", "ociVersion", "expected string, got integer"},
    {"{'ociVersion':null," R "}", "ociVersion", "expected string, got null"},
    /* root */
    {"{" V "}", "root", "missing required field (required on Linux)"},
    {"{" V ",'windows':{},'linux':{}}", "root", "missing required field"},
    {"{" V ",'root':{}}", "root.path", "missing required field"},
    {"{" V ",'root':{'path':null}}", "root.path", "expected string, got null"},
    {"{" V ",'root':{'path':'r','readonly':'yes'}}", "root.readonly",
     "expected boolean, got string"},
    {"{" V ",'root':['rootfs']}", "root", "expected object, got array"},
    /* mounts */
    {C("'mounts':[{'source':'x'}]"), "mounts[0].destination", "missing required field"},
    {C("'mounts':{}"), "mounts", "expected array, got object"},
    {C("'mounts':['/a']"), "mounts[0]", "expected object, got string"},
    {C("'mounts':[{'destination':'/a'},{'destination':'/b','options':['ro',1]}]"),
     "mounts[1].options[1]", "expected string, got integer"},
    {C("'mounts':[{'destination':'/a','uidMappings':[{'containerID':0,'hostID':0,'size':-1}]}]"),
     "mounts[0].uidMappings[0].size", "-1 is out of range 0..4294967295"},
    {C("'mounts':[{'destination':'/a','uidMappings':[{'containerID':4294967296,'hostID':0,"
       "'size':1}]}]"),
     "mounts[0].uidMappings[0].containerID", "4294967296 is out of range 0..4294967295"},
    {C("'mounts':[{'destination':'/a','gidMappings':[{'containerID':0,'size':1}]}]"),
     "mounts[0].gidMappings[0].hostID", "missing required field"},
    /* process */
    {C("'process':[]"), "process", "expected object, got array"},
    {C("'process':{'args':['sh']}"), "process.cwd", "missing required field"},
    {PROC("'cwd':'home','args':['sh']"), "process.cwd", "\"home\" is not an absolute path"},
    {PROC("'cwd':'/'"), "process.args", "missing required field (the program to run"},
    {PROC("'cwd':'/','args':[]"), "process.args", "must have at least 1 item"},
    {P("'commandLine':['sh']"), "process.commandLine", "expected string, got array"},
    {P("'terminal':1"), "process.terminal", "expected boolean, got integer"},
    {P("'consoleSize':{'width':80}"), "process.consoleSize.height", "missing required field"},
    {P("'consoleSize':{'height':1,'width':-1}"), "process.consoleSize.width",
     "-1 is out of range 0..18446744073709551615"},
    {P("'consoleSize':{'height':18446744073709551616,'width':1}"), "process.consoleSize.height",
     "18446744073709551616 is out of range"},
    {P("'user':{'uid':'0'}"), "process.user.uid", "expected integer, got string"},
    {P("'user':{'gid':4294967296}"), "process.user.gid",
     "4294967296 is out of range 0..4294967295"},
    {P("'user':{'umask':1.5}"), "process.user.umask", "expected integer, got non-integer number"},
    {P("'user':{'umask':1e3}"), "process.user.umask", "expected integer, got non-integer number"},
    {P("'user':{'additionalGids':[1,-5]}"), "process.user.additionalGids[1]",
     "-5 is out of range 0..4294967295"},
    {P("'user':{'additionalGids':'5'}"), "process.user.additionalGids",
     "expected array, got string"},
    {P("'user':{'username':7}"), "process.user.username", "expected string, got integer"},
    {P("'env':'PATH=/bin'"), "process.env", "expected array, got string"},
    {P("'env':['A=1',null]"), "process.env[1]", "expected string, got null"},
    {P("'rlimits':[{'type':'RLIMIT_nofile','hard':1,'soft':1}]"), "process.rlimits[0].type",
     "\"RLIMIT_nofile\" is not an rlimit type"},
    {P("'rlimits':[{'type':'RLIMIT_FOO','hard':1,'soft':1}]"), "process.rlimits[0].type",
     "is not an rlimit Linux knows"},
    {P("'rlimits':[{'type':'RLIMIT_CORE','soft':1}]"), "process.rlimits[0].hard",
     "missing required field"},
    {P("'rlimits':[{'type':'RLIMIT_CORE','hard':1,'soft':1},{'type':'RLIMIT_NOFILE','hard':1,"
       "'soft':1},{'type':'RLIMIT_CORE','hard':2,'soft':2}]"),
     "process.rlimits[2].type", "duplicate rlimit RLIMIT_CORE (also at rlimits[0])"},
    {P("'capabilities':{'bounding':['chown']}"), "process.capabilities.bounding[0]",
     "\"chown\" is not a capability name"},
    {P("'capabilities':{'ambient':['CAP_KILL','CAP_']}"), "process.capabilities.ambient[1]",
     "is not a capability name"},
    {P("'capabilities':{'effective':'CAP_KILL'}"), "process.capabilities.effective",
     "expected array, got string"},
    {P("'noNewPrivileges':'true'"), "process.noNewPrivileges", "expected boolean, got string"},
    {P("'oomScoreAdj':1001"), "process.oomScoreAdj", "1001 is out of range -1000..1000"},
    {P("'oomScoreAdj':-1001"), "process.oomScoreAdj", "-1001 is out of range -1000..1000"},
    {P("'apparmorProfile':false"), "process.apparmorProfile", "expected string, got boolean"},
    {P("'scheduler':{'policy':'SCHED_FOO'}"), "process.scheduler.policy",
     "\"SCHED_FOO\" is not one of SCHED_OTHER, SCHED_FIFO, SCHED_RR"},
    {P("'scheduler':{'nice':1}"), "process.scheduler.policy", "missing required field"},
    {P("'scheduler':{'policy':'SCHED_RR','flags':['SCHED_FLAG_FOO']}"),
     "process.scheduler.flags[0]", "is not one of SCHED_FLAG_RESET_ON_FORK"},
    {P("'scheduler':{'policy':'SCHED_RR','priority':2147483648}"), "process.scheduler.priority",
     "2147483648 is out of range -2147483648..2147483647"},
    {P("'ioPriority':{'class':'IOPRIO_CLASS_NONE'}"), "process.ioPriority.class",
     "is not one of IOPRIO_CLASS_RT, IOPRIO_CLASS_BE, IOPRIO_CLASS_IDLE"},
    {P("'ioPriority':{'priority':1}"), "process.ioPriority.class", "missing required field"},
    {P("'execCPUAffinity':{'initial':'0-3;7'}"), "process.execCPUAffinity.initial",
     "is not a CPU list"},
    /* hooks */
    {HOOKS("'prestart':[{'path':'hook'}]"), "hooks.prestart[0].path", "is not an absolute path"},
    {HOOKS("'poststop':[{'path':'/h','timeout':0}]"), "hooks.poststop[0].timeout",
     "0 is out of range 1..9223372036854775807"},
    {HOOKS("'poststart':[{'path':'/h','timeout':1.5}]"), "hooks.poststart[0].timeout",
     "expected integer, got non-integer number"},
    {HOOKS("'createRuntime':[{'args':['x']}]"), "hooks.createRuntime[0].path",
     "missing required field"},
    {HOOKS("'createContainer':[{'path':'/h','env':[1]}]"), "hooks.createContainer[0].env[0]",
     "expected string, got integer"},
    {HOOKS("'startContainer':{'path':'/h'}"), "hooks.startContainer", "expected array, got object"},
    {C("'hooks':[]"), "hooks", "expected object, got array"},
    /* annotations, hostname, domainname */
    {C("'annotations':{'a':'1','b':2}"), "annotations.b", "expected string, got integer"},
    {C("'annotations':['a']"), "annotations", "expected object, got array"},
    {C("'hostname':5"), "hostname", "expected string, got integer"},
    {C("'domainname':true"), "domainname", "expected string, got boolean"},
    /* linux */
    {C("'linux':[]"), "linux", "expected object, got array"},
    {L("'namespaces':[{'type':'net'}]"), "linux.namespaces[0].type",
     "\"net\" is not one of mount, pid, network, uts, ipc, user, cgroup, time"},
    {L("'namespaces':[{'path':'/proc/1/ns/pid'}]"), "linux.namespaces[0].type",
     "missing required field"},
    {L("'namespaces':[{'type':'pid'},{'type':'uts'},{'type':'pid'}]"), "linux.namespaces[2].type",
     "duplicate namespace type pid (also at namespaces[0])"},
    {L("'namespaces':[{'type':'network','path':'run/netns/x'}]"), "linux.namespaces[0].path",
     "is not an absolute path"},
    {L("'uidMappings':[{'hostID':0,'size':1}]"), "linux.uidMappings[0].containerID",
     "missing required field"},
    {L("'gidMappings':[{'containerID':0,'hostID':0,'size':'1'}]"), "linux.gidMappings[0].size",
     "expected integer, got string"},
    {L("'timeOffsets':{'boottime':{'nanosecs':-1}}"), "linux.timeOffsets.boottime.nanosecs",
     "-1 is out of range 0..4294967295"},
    {L("'timeOffsets':{'monotonic':{'secs':'1'}}"), "linux.timeOffsets.monotonic.secs",
     "expected integer, got string"},
    {L("'devices':[{'type':'x','path':'/dev/x'}]"), "linux.devices[0].type",
     "\"x\" is not a device type (c, b, u or p)"},
    {L("'devices':[{'type':'cc','path':'/dev/x'}]"), "linux.devices[0].type", "not a device type"},
    {L("'devices':[{'type':'c'}]"), "linux.devices[0].path", "missing required field"},
    {L("'devices':[{'type':'c','path':'/dev/x','fileMode':512}]"), "linux.devices[0].fileMode",
     "512 is out of range 0..511"},
    {L("'netDevices':{'eth0':{'name':23}}"), "linux.netDevices.eth0.name",
     "expected string, got integer"},
    {L("'netDevices':['eth0']"), "linux.netDevices", "expected object, got array"},
    {L("'netDevices':{'eth0':'eth1'}"), "linux.netDevices.eth0", "expected object, got string"},
    {L("'cgroupsPath':[]"), "linux.cgroupsPath", "expected string, got array"},
    {L("'mountLabel':1"), "linux.mountLabel", "expected string, got integer"},
    {L("'rootfsPropagation':'rprivate'"), "linux.rootfsPropagation",
     "\"rprivate\" is not one of private, shared, slave, unbindable"},
    {L("'sysctl':{'net.ipv4.ip_forward':1}"), "linux.sysctl.net.ipv4.ip_forward",
     "expected string, got integer"},
    {L("'maskedPaths':['/proc/kcore','proc/keys']"), "linux.maskedPaths[1]",
     "is not an absolute path"},
    {L("'readonlyPaths':['sys']"), "linux.readonlyPaths[0]", "is not an absolute path"},
    {L("'intelRdt':{'memBwSchema':'L3:0=f'}"), "linux.intelRdt.memBwSchema",
     "is not a memory bandwidth schema"},
    {L("'intelRdt':{'memBwSchema':'MB:0=20\\n1=70'}"), "linux.intelRdt.memBwSchema",
     "is not a memory bandwidth schema"},
    {L("'intelRdt':{'enableMonitoring':'yes'}"), "linux.intelRdt.enableMonitoring",
     "expected boolean, got string"},
    {L("'intelRdt':{'schemata':'L3:0=f'}"), "linux.intelRdt.schemata",
     "expected array, got string"},
    {L("'memoryPolicy':{'mode':'MPOL_FOO'}"), "linux.memoryPolicy.mode",
     "is not one of MPOL_DEFAULT, MPOL_BIND"},
    {L("'memoryPolicy':{'mode':'MPOL_BIND','flags':['MPOL_F_FOO']}"), "linux.memoryPolicy.flags[0]",
     "is not one of MPOL_F_NUMA_BALANCING"},
    {L("'personality':{'domain':'LINUX64'}"), "linux.personality.domain",
     "\"LINUX64\" is not one of LINUX, LINUX32"},
    {L("'personality':{'flags':1}"), "linux.personality.flags", "expected array, got integer"},
    /* how values and keys are shown in messages and paths */
    {L("'rootfsPropagation':'sl\\'ave\\\\'"), "linux.rootfsPropagation",
     "\"sl\\\"ave\\\\\" is not one of"},
    {L("'rootfsPropagation':'a\\u0001\\t'"), "linux.rootfsPropagation",
     "\"a\\x01\\x09\" is not one of"},
    {PROC("'args':['sh'],'cwd':'" X64 "tail'"), "process.cwd",
     "\"" X64 "\"... is not an absolute path"},
    {C("'annotations':{'a\\u0001b':1}"), "annotations.a?b", "expected string"},
    {C("'annotations':{'" X64 X64 "tail':1}"), "annotations." X64 X64 "...", "expected string"},
    /* linux.resources */
    {RES("'devices':[{'access':'rwm'}]"), "linux.resources.devices[0].allow",
     "missing required field"},
    {RES("'devices':[{'allow':null}]"), "linux.resources.devices[0].allow",
     "expected boolean, got null"},
    {RES("'devices':[{'allow':true,'type':'u'}]"), "linux.resources.devices[0].type",
     "\"u\" is not one of a, c, b"},
    {RES("'devices':[{'allow':true,'access':'rwx'}]"), "linux.resources.devices[0].access",
     "is not a device access"},
    {RES("'memory':{'limit':'1G'}"), "linux.resources.memory.limit",
     "expected integer, got string"},
    {RES("'memory':{'limit':9223372036854775808}"), "linux.resources.memory.limit",
     "9223372036854775808 is out of range -9223372036854775808..9223372036854775807"},
    {RES("'memory':{'swap':-9223372036854775809}"), "linux.resources.memory.swap", "out of range"},
    {RES("'memory':{'swappiness':-1}"), "linux.resources.memory.swappiness",
     "-1 is out of range 0..18446744073709551615"},
    {RES("'memory':{'disableOOMKiller':0}"), "linux.resources.memory.disableOOMKiller",
     "expected boolean, got integer"},
    {RES("'cpu':{'shares':1.0}"), "linux.resources.cpu.shares", "non-integer number"},
    {RES("'cpu':{'quota':18446744073709551615}"), "linux.resources.cpu.quota", "out of range"},
    {RES("'cpu':{'cpus':3}"), "linux.resources.cpu.cpus", "expected string, got integer"},
    {RES("'pids':{}"), "linux.resources.pids.limit", "missing required field"},
    {RES("'pids':{'limit':null}"), "linux.resources.pids.limit", "expected integer, got null"},
    {RES("'pids':{'limit':true}"), "linux.resources.pids.limit", "expected integer, got boolean"},
    {RES("'blockIO':{'weight':65536}"), "linux.resources.blockIO.weight",
     "65536 is out of range 0..65535"},
    {RES("'blockIO':{'weightDevice':[{'minor':0,'weight':10}]}"),
     "linux.resources.blockIO.weightDevice[0].major", "missing required field"},
    {RES("'blockIO':{'throttleReadBpsDevice':[{'major':8,'minor':0}]}"),
     "linux.resources.blockIO.throttleReadBpsDevice[0].rate", "missing required field"},
    {RES("'blockIO':{'throttleWriteIOPSDevice':[{'major':8,'minor':0,'rate':-1}]}"),
     "linux.resources.blockIO.throttleWriteIOPSDevice[0].rate", "out of range"},
    {RES("'hugepageLimits':[{'pageSize':'64kB','limit':1}]"),
     "linux.resources.hugepageLimits[0].pageSize", "\"64kB\" is not a hugepage size"},
    {RES("'hugepageLimits':[{'pageSize':'02MB','limit':1}]"),
     "linux.resources.hugepageLimits[0].pageSize", "is not a hugepage size"},
    {RES("'hugepageLimits':[{'pageSize':'2MB'}]"), "linux.resources.hugepageLimits[0].limit",
     "missing required field"},
    {RES("'network':{'classID':-1}"), "linux.resources.network.classID",
     "-1 is out of range 0..4294967295"},
    {RES("'network':{'priorities':[{'priority':1}]}"), "linux.resources.network.priorities[0].name",
     "missing required field"},
    {RES("'rdma':{'mlx5_1':{'hcaHandles':'not a uint32'}}"),
     "linux.resources.rdma.mlx5_1.hcaHandles", "expected integer, got string"},
    {RES("'rdma':[]"), "linux.resources.rdma", "expected object, got array"},
    {RES("'unified':{'memory.max':1}"), "linux.resources.unified.memory.max",
     "expected string, got integer"},
    /* linux.seccomp */
    {L("'seccomp':{}"), "linux.seccomp.defaultAction", "missing required field"},
    {L("'seccomp':{'defaultAction':'SCMP_ACT_FOO'}"), "linux.seccomp.defaultAction",
     "\"SCMP_ACT_FOO\" is not one of SCMP_ACT_KILL, SCMP_ACT_KILL_PROCESS"},
    {SEC("'defaultErrnoRet':-1"), "linux.seccomp.defaultErrnoRet", "out of range 0..4294967295"},
    {SEC("'architectures':['SCMP_ARCH_Z80']"), "linux.seccomp.architectures[0]",
     "is not one of SCMP_ARCH_X86, SCMP_ARCH_X86_64"},
    {SEC("'flags':['SECCOMP_FILTER_FLAG_FOO']"), "linux.seccomp.flags[0]",
     "is not one of SECCOMP_FILTER_FLAG_TSYNC"},
    {SEC("'listenerPath':1"), "linux.seccomp.listenerPath", "expected string, got integer"},
    {SEC("'syscalls':[{'names':[],'action':'SCMP_ACT_ALLOW'}]"), "linux.seccomp.syscalls[0].names",
     "must have at least 1 item"},
    {SEC("'syscalls':[{'names':null,'action':'SCMP_ACT_ALLOW'}]"),
     "linux.seccomp.syscalls[0].names", "expected array, got null"},
    {SEC("'syscalls':[{'action':'SCMP_ACT_ALLOW'}]"), "linux.seccomp.syscalls[0].names",
     "missing required field"},
    {SEC("'syscalls':[{'names':['read']}]"), "linux.seccomp.syscalls[0].action",
     "missing required field"},
    {ONE_SYSCALL("'errnoRet':'EPERM'"), "linux.seccomp.syscalls[0].errnoRet",
     "expected integer, got string"},
    {ONE_SYSCALL("'args':[{'index':0,'value':1,'op':'SCMP_CMP_FOO'}]"),
     "linux.seccomp.syscalls[0].args[0].op", "is not one of SCMP_CMP_NE"},
    {ONE_SYSCALL("'args':[{'value':1,'op':'SCMP_CMP_EQ'}]"),
     "linux.seccomp.syscalls[0].args[0].index", "missing required field"},
    {ONE_SYSCALL("'args':[{'index':0,'value':1,'valueTwo':-2,'op':'SCMP_CMP_EQ'}]"),
     "linux.seccomp.syscalls[0].args[0].valueTwo", "-2 is out of range"},
};

/* Malformed processes for oci_process_parse: paths are relative to the process object. */
static const bad_case bad_processes[] = {
    {"{'args':['sh']}", "cwd", "missing required field"},
    {"{'cwd':'.','args':['sh']}", "cwd", "\".\" is not an absolute path"},
    {"{'cwd':'/','args':[]}", "args", "must have at least 1 item"},
    {"{'cwd':'/'}", "args", "missing required field"},
    {"{'cwd':'/','args':['sh'],'user':{'uid':-1}}", "user.uid", "-1 is out of range"},
    {"{'cwd':'/','args':['sh'],'rlimits':[{'type':'RLIMIT_AS','hard':1,'soft':1},"
     "{'type':'RLIMIT_AS','hard':1,'soft':1}]}",
     "rlimits[1].type", "duplicate rlimit RLIMIT_AS (also at rlimits[0])"},
    {"{'cwd':'/','args':['sh'],'oomScoreAdj':'0'}", "oomScoreAdj", "expected integer, got string"},
    {"[]", NULL, "process: expected a JSON object, got array"},
    {"{'cwd':'/',", NULL, "process: JSON syntax error at line 1, column 12 (1:12)"},
};

static void run_bad_cases(bool process, const bad_case *cases, size_t n) {
  for (size_t i = 0; i < n; i++) {
    _cleanup_free_ char *json = dq(cases[i].json);
    _cleanup_free_ char *what = sk_xasprintf("%s case %zu (%s)", process ? "process" : "config", i,
                                             cases[i].path ? cases[i].path : cases[i].phrase);
    sk_error *err = parse_fails(process, json, strlen(json), what);
    bool ok = has_error(err, cases[i].path, cases[i].phrase);
    CHECK(ok, "%s: want [%s] ...%s...\n    json %s", what,
          cases[i].path ? cases[i].path : "(no path)", cases[i].phrase, json);
    if (!ok) dump_errors(err);
    sk_error_free(err);
  }
}

/* A config whose annotations hold n non-string values (n problems), then `more` fields. */
static char *bad_annotations(int n, const char *more) {
  char *s = sk_xstrdup("{'ociVersion':'1.3.0','root':{'path':'r'},'annotations':{");
  for (int i = 0; i < n; i++) {
    char *next = sk_xasprintf("%s%s'k%d':%d", s, i ? "," : "", i, i);
    free(s);
    s = next;
  }
  char *all = sk_xasprintf("%s}%s%s}", s, more ? "," : "", more ? more : "");
  free(s);
  s = dq(all);
  free(all);
  return s;
}

/* Several problems in one document: every one is reported, each at its path. */
static void test_many_problems(void) {
  _cleanup_free_ char *json =
      dq(C("'hostname':1,'mounts':[{}],"
           "'process':{'cwd':'rel','args':['sh'],'oomScoreAdj':5000},"
           "'linux':{'namespaces':[{'type':'bogus'}],'resources':{'pids':{}},"
           "'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','flags':[1]}}"));
  sk_error *err = parse_fails(false, json, strlen(json), "seven problems");
  CHECK(sk_error_count(err) == 7, "seven problems give seven errors (got %d)", sk_error_count(err));
  CHECK(has_error(err, "hostname", "expected string"), "hostname reported");
  CHECK(has_error(err, "mounts[0].destination", "missing"), "mounts reported");
  CHECK(has_error(err, "process.cwd", "absolute"), "process.cwd reported");
  CHECK(has_error(err, "process.oomScoreAdj", "out of range"), "oomScoreAdj reported");
  CHECK(has_error(err, "linux.namespaces[0].type", "not one of"), "namespace reported");
  CHECK(has_error(err, "linux.resources.pids.limit", "missing"), "pids reported");
  CHECK(has_error(err, "linux.seccomp.flags[0]", "expected string"), "seccomp flag reported");
  for (const sk_error *e = err; e; e = e->next)
    CHECK(e->errnum == 0 && e->path, "validation errors have a path and no errno");
  sk_error_free(err);

  /* many problems: the first OCI_MAX_ERRORS, then a note */
  _cleanup_free_ char *big = bad_annotations(150, NULL);
  err = parse_fails(false, big, strlen(big), "150 problems");
  CHECK(sk_error_count(err) == OCI_MAX_ERRORS + 1, "150 problems: %d errors kept then a note",
        OCI_MAX_ERRORS);
  CHECK(has_error(err, "annotations.k99", "expected string") &&
            has_error(err, NULL, "too many problems; stopped after 100") &&
            !has_error(err, "annotations.k100", "expected string"),
        "the cap note");
  sk_error_free(err);
}

/* Regression (found while writing these tests): past the error cap problems were no longer
 * counted, so a later object's cross-field check ran on fields its decoding had left NULL. */
static void test_error_cap_regression(void) {
  static const char *const tails[] = {
      "'process':{'cwd':'/','args':['a'],'rlimits':[{'type':'x','hard':1,'soft':1},"
      "{'type':'y','hard':1,'soft':1}]}",
      "'linux':{'namespaces':[{'type':'x'},{'type':'y'}]}",
  };
  for (size_t t = 0; t < SK_ARRAY_SIZE(tails); t++) {
    _cleanup_free_ char *json = bad_annotations(OCI_MAX_ERRORS + 1, tails[t]);
    sk_error *err = parse_fails(false, json, strlen(json), "errors past the cap");
    CHECK(has_error(err, NULL, "too many problems"), "past the cap: no crash, the note");
    sk_error_free(err);
  }
}

/* The errors are appended to what *err already holds; err may be NULL. */
static void test_error_chain(void) {
  _cleanup_free_ char *json = dq(C("'hostname':1,'domainname':2"));
  sk_error *err = NULL;
  sk_error_set(&err, EIO, NULL, "earlier");
  oci_config *c = NULL;
  CHECK(oci_config_parse(json, strlen(json), &c, &err) < 0 && !c, "two problems");
  CHECK(sk_error_count(err) == 3 && err->errnum == EIO && STREQ(err->next->path, "hostname") &&
            STREQ(err->next->next->path, "domainname"),
        "appended to the chain the caller had");
  sk_error_free(err);
  CHECK(oci_config_parse(json, strlen(json), &c, NULL) < 0 && !c, "err NULL: fails all the same");
  CHECK(oci_config_parse("{", 1, &c, NULL) < 0 && !c, "err NULL: a syntax error");
  oci_process *p = NULL;
  CHECK(oci_process_parse("{}", 2, &p, NULL) < 0 && !p, "err NULL: a process");
}

static void test_document_limits(void) {
  /* nesting: 64 levels are fine (in an unknown field), 65 are not */
  for (int depth = 64; depth <= 65; depth++) {
    size_t n = (size_t)depth - 1; /* the top-level object is one level */
    char *json = sk_xcalloc(1, 2 * n + 64);
    strcpy(json, "{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"r\"},\"x\":");
    size_t at = strlen(json);
    memset(json + at, '[', n);
    memset(json + at + n, ']', n);
    strcpy(json + at + 2 * n, "}");
    sk_error *err = NULL;
    oci_config *c = NULL;
    int r = oci_config_parse(json, strlen(json), &c, &err);
    if (depth == 64) {
      CHECK(r == 0, "64 levels of nesting are accepted");
    } else {
      _cleanup_free_ char *where = sk_xasprintf("column %zu", at + n);
      CHECK(r < 0 && has_error(err, NULL, "nested deeper than 64 levels") &&
                strstr(err->msg, where),
            "65 levels are refused, at the 65th opening bracket (%s)", where);
    }
    oci_config_free(c);
    sk_error_free(err);
    free(json);
  }

  /* size */
  size_t big = OCI_CONFIG_MAX_SIZE + 1;
  char *json = sk_xmalloc(big);
  memset(json, ' ', big);
  sk_error *err = parse_fails(false, json, big, "too large");
  CHECK(err && err->errnum == EFBIG && strstr(err->msg, "too large"), "64 MiB + 1 is too large");
  sk_error_free(err);
  free(json);

  /* no input */
  err = parse_fails(false, NULL, 0, "NULL");
  CHECK(err && err->errnum == EINVAL && strstr(err->msg, "no input"), "NULL input");
  sk_error_free(err);
  err = parse_fails(true, NULL, 0, "NULL process");
  CHECK(err && err->errnum == EINVAL, "NULL process input");
  sk_error_free(err);

  /* a length shorter than the text: only that much is parsed */
  const char *cut = "{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"r\"}}garbage";
  oci_config *c = NULL;
  CHECK(oci_config_parse(cut, strlen(cut) - 7, &c, NULL) == 0, "len bounds the input");
  oci_config_free(c);
}

/* ---- what is accepted ------------------------------------------------------------------ */

static void test_versions(void) {
  static const char *const good[] = {"1.0.0",         "1.0.2-dev", "1.3.0",
                                     "1.2.1+build.5", "1.10.100",  "1.0.0-rc.1"};
  for (size_t i = 0; i < SK_ARRAY_SIZE(good); i++) {
    _cleanup_free_ char *json =
        sk_xasprintf("{\"ociVersion\":\"%s\",\"root\":{\"path\":\"r\"}}", good[i]);
    oci_config *c = parse_ok(json, good[i]);
    CHECK(c && STREQ(c->oci_version, good[i]), "ociVersion %s accepted and kept", good[i]);
    oci_config_free(c);
  }
}

static void test_unknown_fields(void) {
  _cleanup_free_ char *with = dq(
      "{'ociVersion':'1.3.0','x-top':{'deep':[1,{'a':null}]},'root':{'path':'r','extra':1},"
      "'process':{'cwd':'/','args':['sh'],'newField':true,'user':{'uid':1,'sid':'S-1-5'}},"
      "'linux':{'futureThing':{},'resources':{'memory':{'limit':1,'newKnob':'x'}},"
      "'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['a'],"
      "'action':'SCMP_ACT_LOG','comment':'x'}]}},"
      "'vm':{'hypervisor':{'path':'/h'},'kernel':{'path':'/k'}},'windows':{'layerFolders':['c']},"
      "'solaris':{'milestone':'x'},'zos':{},'freebsd':{'jail':{'vnet':'disable'}},"
      "'hooks':{'prestart':[],'future':[{'path':'relative'}]}}");
  _cleanup_free_ char *without =
      dq("{'ociVersion':'1.3.0','root':{'path':'r'},"
         "'process':{'cwd':'/','args':['sh'],'user':{'uid':1}},"
         "'linux':{'resources':{'memory':{'limit':1}},"
         "'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['a'],"
         "'action':'SCMP_ACT_LOG'}]}},'hooks':{'prestart':[]}}");
  oci_config *a = parse_ok(with, "unknown fields");
  oci_config *b = parse_ok(without, "the same without them");
  if (a && b) {
    _cleanup_free_ char *ea = oci_config_to_json(a);
    _cleanup_free_ char *eb = oci_config_to_json(b);
    CHECK(STREQ(ea, eb), "unknown fields are ignored:\n    %s\n    %s", ea, eb);
  }
  oci_config_free(a);
  oci_config_free(b);

  /* a config for another platform needs no root */
  static const char *const others[] = {"windows", "vm", "solaris", "zos", "freebsd"};
  for (size_t i = 0; i < SK_ARRAY_SIZE(others); i++) {
    _cleanup_free_ char *json = sk_xasprintf("{\"ociVersion\":\"1.3.0\",\"%s\":{}}", others[i]);
    oci_config *c = parse_ok(json, others[i]);
    CHECK(c && !c->root && !c->linux, "a %s config needs no root", others[i]);
    oci_config_free(c);
  }

  /* the same in a process */
  _cleanup_free_ char *p = dq("{'cwd':'/','args':['sh'],'x':[{}],'user':{'y':null}}");
  oci_process *proc = NULL;
  CHECK(oci_process_parse(p, strlen(p), &proc, NULL) == 0 && proc && proc->user &&
            !proc->user->has_uid,
        "unknown fields of a process are ignored");
  oci_process_free(proc);
}

static void test_null_duplicates_empty(void) {
  /* null is absent, except where a field is required */
  _cleanup_free_ char *json =
      dq(C("'hostname':null,'process':null,'mounts':null,"
           "'linux':{'sysctl':null,'resources':{'memory':{'limit':null}}}"));
  oci_config *c = parse_ok(json, "nulls");
  CHECK(c && !c->hostname && !c->process && !c->mounts && c->linux && !c->linux->sysctl &&
            c->linux->resources->memory && !c->linux->resources->memory->has_limit,
        "null means absent");
  oci_config_free(c);

  /* a duplicate key: the last one wins (and the first one's memory is not lost) */
  _cleanup_free_ char *dup = dq(
      C("'hostname':'a','hostname':'b','linux':{'namespaces':[{'type':'pid'}],"
        "'namespaces':[{'type':'ipc'},{'type':'uts'}]},'root':{'path':'x','readonly':true,"
        "'readonly':null},'process':{'cwd':'/','args':['a'],'user':{'uid':1},'user':{'gid':2}}"));
  c = parse_ok(dup, "duplicate keys");
  CHECK(c && STREQ(c->hostname, "b"), "duplicate hostname: the last wins");
  CHECK(c && c->linux->namespaces_len == 2 && STREQ(c->linux->namespaces[0].type, "ipc"),
        "duplicate namespaces: the last wins");
  CHECK(c && STREQ(c->root->path, "x") && !c->root->has_readonly,
        "duplicate root (the later root object wins) and readonly then null: absent");
  CHECK(c && c->process->user && !c->process->user->has_uid && c->process->user->gid == 2,
        "duplicate user: the last wins");
  oci_config_free(c);

  /* empty arrays and maps are present, not absent */
  _cleanup_free_ char *empty =
      dq(C("'mounts':[],'annotations':{},'process':{'cwd':'/',"
           "'args':['a'],'env':[]},'linux':{'namespaces':[],'sysctl':{}}"));
  c = parse_ok(empty, "empty arrays");
  CHECK(c && c->mounts && c->mounts_len == 0 && c->annotations && c->annotations_len == 0 &&
            c->process->env && c->process->env_len == 0 && c->process->env[0] == NULL &&
            c->linux->namespaces && c->linux->sysctl,
        "empty arrays and maps are non-NULL with length 0");
  _cleanup_free_ char *enc = c ? oci_config_to_json(c) : NULL;
  CHECK(enc && strstr(enc, "\"mounts\":[]") && strstr(enc, "\"annotations\":{}") &&
            strstr(enc, "\"env\":[]"),
        "and they are encoded: %s", enc ? enc : "");
  oci_config_free(c);

  /* commandLine instead of args */
  _cleanup_free_ char *cl = dq(PROC("'cwd':'/','commandLine':'cmd /c dir'"));
  c = parse_ok(cl, "commandLine without args");
  CHECK(c && !c->process->args && STREQ(c->process->command_line, "cmd /c dir"), "commandLine");
  oci_config_free(c);
}

static void test_encoding(void) {
  /* compact, the model's field order, only present fields */
  const char *in = "{\"root\" : {\"readonly\":false, \"path\": \"rootfs\"},\n"
                   "  \"ociVersion\": \"1.0.0\", \"hostname\": \"a\\\"b\\\\c\\nd\\u00e9\\u0001\"}";
  oci_config *c = parse_ok(in, "encoding input");
  _cleanup_free_ char *enc = c ? oci_config_to_json(c) : NULL;
  const char *want = "{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"rootfs\",\"readonly\":false},"
                     "\"hostname\":\"a\\\"b\\\\c\\nd\xc3\xa9\\u0001\"}";
  CHECK(STREQ(enc, want), "encoding:\n    got  %s\n    want %s", enc ? enc : "(null)", want);
  CHECK(c && STREQ(c->hostname, "a\"b\\c\nd\xc3\xa9\x01"), "escapes decoded");
  oci_config_free(c);

  CHECK(oci_config_to_json(NULL) == NULL && oci_process_to_json(NULL) == NULL,
        "encoding NULL gives NULL");
  oci_config_free(NULL);
  oci_process_free(NULL);

  /* a model built in C encodes too (the runtime's own configs, e.g. `spec`) */
  oci_root root = {.path = "/"};
  oci_config made = {.oci_version = "1.3.0", .root = &root, .hostname = "h"};
  _cleanup_free_ char *menc = oci_config_to_json(&made);
  CHECK(STREQ(menc, "{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"/\"},\"hostname\":\"h\"}"),
        "a hand-made config: %s", menc ? menc : "(null)");

  CHECK(oci_str_in("pid", OCI_NAMESPACE_TYPES) && !oci_str_in("net", OCI_NAMESPACE_TYPES) &&
            !oci_str_in(NULL, OCI_NAMESPACE_TYPES),
        "oci_str_in");
}

static void test_load_errors(void) {
  oci_config *c = NULL;
  sk_error *err = NULL;
  CHECK(oci_config_load("/nonexistent/skiff/config.json", &c, &err) < 0 && !c, "missing file");
  CHECK(err && err->errnum == ENOENT && strstr(err->msg, "reading the config"),
        "missing file: ENOENT, reading the config");
  sk_error_free(err);
  err = NULL;
  oci_process *p = NULL;
  CHECK(oci_process_load("/nonexistent/skiff/process.json", &p, &err) < 0 && !p && err &&
            err->errnum == ENOENT && strstr(err->msg, "reading the process"),
        "missing process file");
  sk_error_free(err);
  err = NULL;

  char tmp[] = "/tmp/skiff-test-config-XXXXXX";
  int fd = mkstemp(tmp);
  CHECK(fd >= 0, "mkstemp");
  if (fd < 0) return;
  const char *bad = "{\n  \"ociVersion\": \"1.3.0\"\n  \"root\": {}\n}\n";
  CHECK(write(fd, bad, strlen(bad)) == (ssize_t)strlen(bad), "write");
  close(fd);
  CHECK(oci_config_load(tmp, &c, &err) < 0, "a config file with a syntax error");
  _cleanup_free_ char *want = sk_xasprintf("%s: JSON syntax error at line 3, column 3", tmp);
  CHECK(err && strstr(err->msg, want), "the message names the file, line and column: %s",
        err ? err->msg : "(none)");
  sk_error_free(err);
  unlink(tmp);
}

/* ---- the runtime-spec's own schema tests and enumerations ------------------------------ */

static char *find_spec(int argc, char **argv) {
  for (int i = 2; i < argc; i++) {
    _cleanup_free_ char *p = sk_xasprintf("%s/schema/defs-linux.json", argv[i]);
    if (access(p, R_OK) == 0) return sk_xstrdup(argv[i]);
  }
  return NULL;
}

static const char *const OTHER_PLATFORMS[] = {"freebsd", "zos", "windows", "solaris", "vm", NULL};

static bool other_platform_file(const char *name) {
  for (const char *const *p = OTHER_PLATFORMS; *p; p++)
    if (strncmp(name, *p, strlen(*p)) == 0 && name[strlen(*p)] == '-') return true;
  return false;
}

/* The text of a config file with its ociVersion replaced. Caller frees. */
static char *with_version(const char *path, const char *version) {
  size_t len;
  char *text = read_path(path, &len);
  const char *key = strstr(text, "\"ociVersion\"");
  const char *open = key ? strchr(key + 12, '"') : NULL;
  const char *close = open ? strchr(open + 1, '"') : NULL;
  char *out = close ? sk_xasprintf("%.*s\"%s%s", (int)(open - text), text, version, close)
                    : sk_xstrdup(text);
  free(text);
  return out;
}

/* The errors expected of the spec's bad documents that skiff knows. */
static const bad_case spec_bad[] = {
    {"invalid-json.json", NULL, "JSON syntax error at line 1, column 2"},
    {"linux-hugepage.json", "linux.resources.hugepageLimits[0].pageSize", "not a hugepage size"},
    {"linux-netdevice.json", "linux.netDevices.eth0.name", "expected string"},
    {"linux-rdma.json", "linux.resources.rdma.mlx5_1.hcaHandles", "expected integer"},
};

static void test_spec_documents(const char *spec) {
  static const char *const kinds[] = {"good", "bad"};
  int seen = 0;
  for (size_t k = 0; k < 2; k++) {
    _cleanup_free_ char *dir = sk_xasprintf("%s/schema/test/config/%s", spec, kinds[k]);
    DIR *d = opendir(dir);
    CHECK(d, "%s exists", dir);
    if (!d) continue;
    struct dirent *de;
    while ((de = readdir(d))) {
      size_t n = strlen(de->d_name);
      if (n < 6 || strcmp(de->d_name + n - 5, ".json") != 0) continue;
      _cleanup_free_ char *path = sk_xasprintf("%s/%s", dir, de->d_name);
      oci_config *c = NULL;
      sk_error *err = NULL;
      int r = oci_config_load(path, &c, &err);
      seen++;
      if (r < 0 && k == 0 && sk_error_count(err) == 1 && has_error(err, "ociVersion", "\"0.")) {
        /* a pre-1.0 example: refused for its version alone; the rest must parse as 1.3.0 */
        sk_error_free(err);
        err = NULL;
        _cleanup_free_ char *text = with_version(path, "1.3.0");
        r = oci_config_parse(text, strlen(text), &c, &err);
      }
      /* skiff ignores other platforms' objects: their bad documents are fine here */
      if (k == 0 || other_platform_file(de->d_name)) {
        CHECK(r == 0, "spec %s/%s parses", kinds[k], de->d_name);
        if (r < 0) dump_errors(err);
      } else {
        CHECK(r < 0, "spec bad/%s is refused", de->d_name);
        for (size_t i = 0; i < SK_ARRAY_SIZE(spec_bad); i++)
          if (strcmp(spec_bad[i].json, de->d_name) == 0) {
            CHECK(has_error(err, spec_bad[i].path, spec_bad[i].phrase), "spec bad/%s: [%s] %s",
                  de->d_name, spec_bad[i].path ? spec_bad[i].path : "(no path)",
                  spec_bad[i].phrase);
            if (!has_error(err, spec_bad[i].path, spec_bad[i].phrase)) dump_errors(err);
          }
      }
      if (c) {
        /* what parsed encodes and parses again */
        _cleanup_free_ char *enc = oci_config_to_json(c);
        oci_config *again = NULL;
        CHECK(!c->root || oci_config_parse(enc, strlen(enc), &again, NULL) == 0,
              "spec %s re-parses after encoding", de->d_name);
        oci_config_free(again);
      }
      oci_config_free(c);
      sk_error_free(err);
    }
    closedir(d);
  }
  CHECK(seen >= 5, "the spec's schema test documents were found (%d)", seen);
}

/* skiff's value lists equal the spec schema's enumerations. */
static void check_enum(yajl_val doc, const char *file, const char *const *path,
                       const char *const *list) {
  yajl_val e = yajl_tree_get(doc, (const char **)path, yajl_t_array);
  CHECK(e, "%s: no enum at %s", file, path[1]);
  if (!e) return;
  size_t n = 0;
  while (list[n])
    n++;
  CHECK(e->u.array.len == n, "%s %s: %zu values in the spec, %zu in skiff", file, path[1],
        e->u.array.len, n);
  for (size_t i = 0; i < e->u.array.len; i++) {
    const char *v = YAJL_GET_STRING(e->u.array.values[i]);
    CHECK(v && oci_str_in(v, list), "%s %s: skiff lacks %s", file, path[1], v ? v : "?");
  }
}

static void test_spec_enums(const char *spec) {
  _cleanup_free_ char *dl = sk_xasprintf("%s/schema/defs-linux.json", spec);
  _cleanup_free_ char *cs = sk_xasprintf("%s/schema/config-schema.json", spec);
  size_t len;
  _cleanup_free_ char *dtext = read_path(dl, &len);
  _cleanup_free_ char *ctext = read_path(cs, &len);
  yajl_val defs = tree_of(dtext, dl), conf = tree_of(ctext, cs);
  if (!defs || !conf) return;
  static const struct {
    const char *name;
    const char *const *list;
  } enums[] = {
      {"NamespaceType", OCI_NAMESPACE_TYPES},
      {"RootfsPropagation", OCI_ROOTFS_PROPAGATIONS},
      {"SeccompAction", OCI_SECCOMP_ACTIONS},
      {"SeccompOperators", OCI_SECCOMP_OPERATORS},
      {"SeccompArch", OCI_SECCOMP_ARCHES},
      {"SeccompFlag", OCI_SECCOMP_FLAGS},
      {"SchedulerPolicy", OCI_SCHEDULER_POLICIES},
      {"SchedulerFlag", OCI_SCHEDULER_FLAGS},
      {"MemoryPolicyMode", OCI_MEMORY_POLICY_MODES},
      {"MemoryPolicyFlag", OCI_MEMORY_POLICY_FLAGS},
      {"PersonalityDomain", OCI_PERSONALITY_DOMAINS},
  };
  for (size_t i = 0; i < SK_ARRAY_SIZE(enums); i++) {
    const char *const path[] = {"definitions", enums[i].name, "enum", NULL};
    check_enum(defs, "defs-linux.json", path, enums[i].list);
  }
  const char *const io[] = {"properties", "process", "properties", "ioPriority",
                            "properties", "class",   "enum",       NULL};
  check_enum(conf, "config-schema.json", io, OCI_IOPRIO_CLASSES);
  yajl_tree_free(defs);
  yajl_tree_free(conf);
}

/* ---- linux.resources alone (update) ---------------------------------------------------- */

static void test_resources(void) {
  const char *base = "{\"memory\": {\"limit\": 100, \"swap\": 200, \"checkBeforeUpdate\": true},"
                     " \"cpu\": {\"shares\": 5, \"cpus\": \"0-1\"}, \"pids\": {\"limit\": 7},"
                     " \"devices\": [{\"allow\": false}], \"unified\": {\"a\": \"1\"}}";
  const char *upd = "{\"memory\": {\"limit\": 50}, \"cpu\": {\"cpus\": \"1\", \"quota\": -1},"
                    " \"blockIO\": {\"weight\": 300}, \"unified\": {\"b\": \"2\"}}";
  oci_resources *a = NULL, *b = NULL;
  sk_error *err = NULL;
  CHECK(oci_resources_parse(base, strlen(base), "base", &a, &err) == 0 && a, "resources parse");
  CHECK(oci_resources_parse(upd, strlen(upd), "upd", &b, &err) == 0 && b, "update parse");
  if (!a || !b) {
    sk_error_free(err);
    oci_resources_free(a);
    oci_resources_free(b);
    return;
  }
  oci_resources_merge(a, b);
  CHECK(a->memory->limit == 50 && a->memory->has_swap && a->memory->swap == 200 &&
            a->memory->check_before_update,
        "merge: memory field by field");
  CHECK(a->cpu->shares == 5 && STREQ(a->cpu->cpus, "1") && a->cpu->has_quota && a->cpu->quota == -1,
        "merge: cpu field by field, strings replaced");
  CHECK(a->pids && a->pids->limit == 7, "merge: what the update lacks stays");
  CHECK(a->block_io && a->block_io->has_weight && a->block_io->weight == 300 && !b->block_io,
        "merge: a new object moves");
  CHECK(a->devices_len == 1, "merge: an absent list stays");
  CHECK(a->unified_len == 1 && STREQ(a->unified[0].key, "b") && !b->unified,
        "merge: a map is replaced as a whole");
  oci_resources_free(a);
  oci_resources_free(b);

  /* errors are named by their path in a config */
  const char *bad = "{\"memory\": {\"limit\": \"x\"}, \"pids\": {}}";
  a = NULL;
  CHECK(oci_resources_parse(bad, strlen(bad), "bad", &a, &err) < 0 && err, "bad resources fail");
  CHECK(err && STREQ(err->path, "linux.resources.memory.limit") && err->next &&
            STREQ(err->next->path, "linux.resources.pids.limit"),
        "bad resources: paths %s, %s", err ? err->path : "-",
        err && err->next ? err->next->path : "-");
  sk_error_free(err);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s FIXTURE_DIR [SPEC_DIR...]\n", argv[0]);
    return 2;
  }
  fixture_dir = argv[1];

  test_full();
  test_process();
  run_bad_cases(false, bad_configs, SK_ARRAY_SIZE(bad_configs));
  run_bad_cases(true, bad_processes, SK_ARRAY_SIZE(bad_processes));
  test_many_problems();
  test_error_cap_regression();
  test_error_chain();
  test_document_limits();
  test_versions();
  test_unknown_fields();
  test_null_duplicates_empty();
  test_encoding();
  test_load_errors();
  test_resources();

  _cleanup_free_ char *spec = find_spec(argc, argv);
  if (spec) {
    test_spec_documents(spec);
    test_spec_enums(spec);
  } else {
    printf("note: runtime-spec reference not found; its schema tests were not run\n");
  }

  printf("%zu malformed configs, %zu malformed processes; %d checks, %d failed\n",
         SK_ARRAY_SIZE(bad_configs), SK_ARRAY_SIZE(bad_processes), checks, failures);
  return failures ? 1 : 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgroup v2 devices: the rule list of devices.c compiled by hand into eBPF instructions
 * (a BPF_PROG_TYPE_CGROUP_DEVICE program), loaded and attached with bpf(2). No libbpf.
 *
 * The kernel runs the program on every open and mknod of a device node with a context of
 * (access_type = access bits << 16 | device type, major, minor) and allows the access when
 * it returns 1. The program checks the rules from the last to the first; the first that
 * matches decides (so a later rule overrides an earlier one, as writing them in order to
 * v1's devices.allow/deny does). A rule matches when its type (or "a"), major and minor
 * (or any) match and:
 *   allow: it grants every access bit asked for (an open for rw needs a rule with r and w);
 *   deny:  it denies any of the bits asked for.
 * No rule matched: deny (the list starts with "deny everything" anyway).
 *
 * Attached with BPF_F_ALLOW_MULTI (programs of the parents still run, and all must allow).
 * Replacing (update): the new program is attached before the old ones are detached, so
 * there is no moment without rules. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/bpf.h>

#include "internal.h"
#include "skiff/util.h"

#define FIELD "linux.resources.devices"

typedef struct {
  struct bpf_insn *v;
  size_t n, cap;
} prog;

static void prog_free(prog *p) {
  free(p->v);
}

static size_t emit(prog *p, uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
  if (p->n == p->cap) p->v = sk_xrealloc(p->v, (p->cap = p->cap ? 2 * p->cap : 64) * sizeof(*p->v));
  p->v[p->n] =
      (struct bpf_insn){.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm};
  return p->n++;
}

/* Registers: r1 the context; r3 the device type, r4 the access bits asked for, r5 major,
 * r6 minor; r7 scratch; r0 the verdict. */
enum { R0 = 0, R1 = 1, R2 = 2, R3 = 3, R4 = 4, R5 = 5, R6 = 6, R7 = 7 };

/* Returns whether the rule matches everything (what comes before it is unreachable). */
static bool emit_rule(prog *p, const sk_dev_rule *r) {
  size_t skips[4], ns = 0; /* jumps to the next rule, patched below */
  if (r->type != 'a')
    skips[ns++] = emit(p, BPF_JMP32 | BPF_JNE | BPF_K, R3, 0, 0,
                       r->type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK);
  if (r->major >= 0)
    skips[ns++] = emit(p, BPF_JMP32 | BPF_JNE | BPF_K, R5, 0, 0, (int32_t)(uint32_t)r->major);
  if (r->minor >= 0)
    skips[ns++] = emit(p, BPF_JMP32 | BPF_JNE | BPF_K, R6, 0, 0, (int32_t)(uint32_t)r->minor);
  if ((r->access & SK_DEV_RWM) != SK_DEV_RWM) {
    emit(p, BPF_ALU64 | BPF_MOV | BPF_X, R7, R4, 0, 0);
    if (r->allow) { /* asks for a bit the rule does not grant: not this rule */
      emit(p, BPF_ALU64 | BPF_AND | BPF_K, R7, 0, 0, (int32_t)(~r->access & SK_DEV_RWM));
      skips[ns++] = emit(p, BPF_JMP | BPF_JNE | BPF_K, R7, 0, 0, 0);
    } else { /* asks for none of the bits the rule denies: not this rule */
      emit(p, BPF_ALU64 | BPF_AND | BPF_K, R7, 0, 0, (int32_t)r->access);
      skips[ns++] = emit(p, BPF_JMP | BPF_JEQ | BPF_K, R7, 0, 0, 0);
    }
  }
  emit(p, BPF_ALU64 | BPF_MOV | BPF_K, R0, 0, 0, r->allow ? 1 : 0);
  emit(p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
  for (size_t i = 0; i < ns; i++)
    p->v[skips[i]].off = (int16_t)(p->n - skips[i] - 1);
  return ns == 0;
}

static void compile(const sk_dev_rules *rules, prog *p) {
  emit(p, BPF_LDX | BPF_MEM | BPF_W, R2, R1, offsetof(struct bpf_cgroup_dev_ctx, access_type), 0);
  emit(p, BPF_ALU64 | BPF_MOV | BPF_X, R3, R2, 0, 0);
  emit(p, BPF_ALU64 | BPF_AND | BPF_K, R3, 0, 0, 0xffff);
  emit(p, BPF_ALU64 | BPF_MOV | BPF_X, R4, R2, 0, 0);
  emit(p, BPF_ALU64 | BPF_RSH | BPF_K, R4, 0, 0, 16);
  emit(p, BPF_LDX | BPF_MEM | BPF_W, R5, R1, offsetof(struct bpf_cgroup_dev_ctx, major), 0);
  emit(p, BPF_LDX | BPF_MEM | BPF_W, R6, R1, offsetof(struct bpf_cgroup_dev_ctx, minor), 0);
  for (size_t i = rules->n; i-- > 0;)
    if (emit_rule(p, &rules->rules[i])) return; /* the verifier refuses unreachable code */
  emit(p, BPF_ALU64 | BPF_MOV | BPF_K, R0, 0, 0, 0);
  emit(p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

static int sys_bpf(int cmd, union bpf_attr *attr) {
  return (int)syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

static int load(const prog *p, sk_error **err) {
  static char log[16384];
  union bpf_attr a;
  memset(&a, 0, sizeof(a));
  a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  a.insns = (uint64_t)(uintptr_t)p->v;
  a.insn_cnt = (uint32_t)p->n;
  a.license = (uint64_t)(uintptr_t) "GPL";
  int fd = sys_bpf(BPF_PROG_LOAD, &a);
  if (fd >= 0) return fd;
  int e = errno;
  if (e == EPERM || e == ENOSYS)
    return sk_error_set(
        err, e, FIELD,
        "load the device rules' eBPF program (%zu instructions): cgroup v2 needs "
        "one, and bpf(2) needs CAP_SYS_ADMIN (or CAP_BPF) in the host's user namespace",
        p->n);
  a.log_buf = (uint64_t)(uintptr_t)log;
  a.log_size = sizeof(log);
  a.log_level = 1;
  log[0] = 0;
  fd = sys_bpf(BPF_PROG_LOAD, &a);
  if (fd >= 0) return fd;      /* loads with a log: fine */
  log[strcspn(log, "\n")] = 0; /* the first line says why */
  return sk_error_set(err, e, FIELD,
                      "the kernel refused the device rules' eBPF program (%zu instructions): %s",
                      p->n, log);
}

int sk_cg_v2_device_progs(int cfd, uint32_t *ids, size_t cap, size_t *n, sk_error **err) {
  union bpf_attr q;
  memset(&q, 0, sizeof(q));
  q.query.target_fd = (uint32_t)cfd;
  q.query.attach_type = BPF_CGROUP_DEVICE;
  q.query.prog_ids = (uint64_t)(uintptr_t)ids;
  q.query.prog_cnt = (uint32_t)cap;
  if (sys_bpf(BPF_PROG_QUERY, &q) < 0)
    return sk_error_set(err, errno, FIELD, "query the eBPF device programs attached to the cgroup");
  *n = q.query.prog_cnt < cap ? q.query.prog_cnt : cap;
  return 0;
}

int sk_cg_v2_devices(const sk_cg_dir *d, const sk_dev_rules *rules, sk_error **err) {
  __attribute__((cleanup(prog_free))) prog p = {0};
  compile(rules, &p);
  _cleanup_close_ int pfd = load(&p, err);
  if (pfd < 0) return -1;
  _cleanup_free_ char *path = sk_xasprintf("%s/%s", d->mount, d->rel);
  _cleanup_close_ int cfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (cfd < 0) return sk_error_set(err, errno, FIELD, "open the container's cgroup %s", path);

  /* What is attached now (an update's earlier program), to detach after the new one is on. */
  uint32_t old[64];
  size_t nold = 0;
  if (sk_cg_v2_device_progs(cfd, old, SK_ARRAY_SIZE(old), &nold, err) < 0) {
    sk_error_prefix(*err, "%s", path);
    return -1;
  }

  union bpf_attr a;
  memset(&a, 0, sizeof(a));
  a.target_fd = (uint32_t)cfd;
  a.attach_bpf_fd = (uint32_t)pfd;
  a.attach_type = BPF_CGROUP_DEVICE;
  a.attach_flags = BPF_F_ALLOW_MULTI;
  if (sys_bpf(BPF_PROG_ATTACH, &a) < 0)
    return sk_error_set(err, errno, FIELD, "attach the device rules' eBPF program to %s%s", path,
                        errno == EPERM ? " (a program attached there without BPF_F_ALLOW_MULTI?)"
                                       : "");
  for (size_t i = 0; i < nold; i++) {
    union bpf_attr g;
    memset(&g, 0, sizeof(g));
    g.prog_id = old[i];
    _cleanup_close_ int ofd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &g);
    if (ofd < 0) {
      if (errno == ENOENT) continue; /* gone meanwhile */
      return sk_error_set(err, errno, FIELD, "open the earlier eBPF device program %u of %s",
                          old[i], path);
    }
    memset(&a, 0, sizeof(a));
    a.target_fd = (uint32_t)cfd;
    a.attach_bpf_fd = (uint32_t)ofd;
    a.attach_type = BPF_CGROUP_DEVICE;
    if (sys_bpf(BPF_PROG_DETACH, &a) < 0 && errno != ENOENT)
      return sk_error_set(err, errno, FIELD, "detach the earlier eBPF device program %u from %s",
                          old[i], path);
  }
  return 0;
}

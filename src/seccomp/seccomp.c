/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * linux.seccomp (config-linux.md "Seccomp") compiled with libseccomp.
 *
 * The config was validated by the parser: every action, operator, architecture and flag is
 * one of the names the spec lists. What remains to check here is what the spec leaves to the
 * runtime: names this libseccomp or kernel can't do, errnoRet on an action that has no errno,
 * argument indexes. Syscall names libseccomp doesn't know (a newer profile, another arch's
 * names) are skipped with a debug line, as profiles are shared between architectures.
 *
 * Where the time goes: compiling a real profile takes libseccomp milliseconds, loading the
 * program microseconds. So skiff compiles in the parent, before it clones the init (or the
 * process `skiff exec` adds), exports the program as BPF, and keeps it in a cache on disk
 * (cache.c) for the next container with the same profile; the child only calls seccomp(2)
 * with the ready program, as late as it can (init.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "skiff/log.h"
#include "skiff/seccomp.h"
#include "skiff/util.h"

#define P "linux.seccomp"

/* The kernel caps SECCOMP_RET_ERRNO data at MAX_ERRNO; SECCOMP_RET_TRACE data is 16 bits. */
#define MAX_ERRNO_RET 4095U
#define MAX_TRACE_RET 0xffffU

static void scmp_ctx_releasep(scmp_filter_ctx *c) {
  if (*c) seccomp_release(*c);
  *c = NULL;
}
#define _cleanup_scmp_ __attribute__((cleanup(scmp_ctx_releasep)))

/* ---- names ----------------------------------------------------------------------------- */

static const char *const action_names[] = {"SCMP_ACT_KILL",        "SCMP_ACT_KILL_PROCESS",
                                           "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",
                                           "SCMP_ACT_ERRNO",       "SCMP_ACT_TRACE",
                                           "SCMP_ACT_ALLOW",       "SCMP_ACT_LOG",
                                           "SCMP_ACT_NOTIFY",      NULL};

static const struct {
  const char *name;
  enum scmp_compare op;
} operators[] = {
    {"SCMP_CMP_NE", SCMP_CMP_NE},
    {"SCMP_CMP_LT", SCMP_CMP_LT},
    {"SCMP_CMP_LE", SCMP_CMP_LE},
    {"SCMP_CMP_EQ", SCMP_CMP_EQ},
    {"SCMP_CMP_GE", SCMP_CMP_GE},
    {"SCMP_CMP_GT", SCMP_CMP_GT},
    {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
};
static const char *const operator_names[] = {"SCMP_CMP_NE",        "SCMP_CMP_LT", "SCMP_CMP_LE",
                                             "SCMP_CMP_EQ",        "SCMP_CMP_GE", "SCMP_CMP_GT",
                                             "SCMP_CMP_MASKED_EQ", NULL};

/* The spec's architectures this libseccomp knows (LoongArch, m68k and SuperH came in 2.6). */
#define ARCH(a)                                                                                    \
  { #a, a }
static const struct {
  const char *name;
  uint32_t arch;
} arches[] = {
    ARCH(SCMP_ARCH_X86),         ARCH(SCMP_ARCH_X86_64),      ARCH(SCMP_ARCH_X32),
    ARCH(SCMP_ARCH_ARM),         ARCH(SCMP_ARCH_AARCH64),     ARCH(SCMP_ARCH_MIPS),
    ARCH(SCMP_ARCH_MIPS64),      ARCH(SCMP_ARCH_MIPS64N32),   ARCH(SCMP_ARCH_MIPSEL),
    ARCH(SCMP_ARCH_MIPSEL64),    ARCH(SCMP_ARCH_MIPSEL64N32), ARCH(SCMP_ARCH_PPC),
    ARCH(SCMP_ARCH_PPC64),       ARCH(SCMP_ARCH_PPC64LE),     ARCH(SCMP_ARCH_S390),
    ARCH(SCMP_ARCH_S390X),       ARCH(SCMP_ARCH_PARISC),      ARCH(SCMP_ARCH_PARISC64),
    ARCH(SCMP_ARCH_RISCV64),
#ifdef SCMP_ARCH_LOONGARCH64
    ARCH(SCMP_ARCH_LOONGARCH64),
#endif
#ifdef SCMP_ARCH_M68K
    ARCH(SCMP_ARCH_M68K),
#endif
#ifdef SCMP_ARCH_SH
    ARCH(SCMP_ARCH_SH),          ARCH(SCMP_ARCH_SHEB),
#endif
};
static const char *arch_names[SK_ARRAY_SIZE(arches) + 1];

static const char *const known_flags[] = {"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
                                          "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
                                          "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", NULL};

/* Each flag is a seccomp(2) flag, usable from libseccomp API level `api` (seccomp_api_get(3):
 * 2 = TSYNC, 3 = LOG, 4 = SSB, probed on the running kernel). WAIT_KILLABLE_RECV has no
 * API level before libseccomp 2.6: known, not supported by this build. */
static const struct {
  const char *name;
  unsigned int bit;
  unsigned int api;
} flags[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC, 2},
    {"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG, 3},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW, 4},
};

const char *const *sk_seccomp_actions(void) {
  return action_names;
}
const char *const *sk_seccomp_operators(void) {
  return operator_names;
}
const char *const *sk_seccomp_known_flags(void) {
  return known_flags;
}
const char *const *sk_seccomp_archs(void) {
  for (size_t i = 0; i < SK_ARRAY_SIZE(arches); i++)
    arch_names[i] = arches[i].name;
  return arch_names;
}
void sk_seccomp_supported_flags(const char **out) {
  unsigned int api = seccomp_api_get();
  size_t n = 0;
  for (size_t i = 0; i < SK_ARRAY_SIZE(flags); i++)
    if (api >= flags[i].api) out[n++] = flags[i].name;
  out[n] = NULL;
}

/* ---- compiling ------------------------------------------------------------------------- */

/* The actions without data (SCMP_ACT_KILL is libseccomp's name of KILL_THREAD). */
static const struct {
  const char *name;
  uint32_t action;
} plain_actions[] = {
    {"SCMP_ACT_KILL", SCMP_ACT_KILL},
    {"SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS},
    {"SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD},
    {"SCMP_ACT_TRAP", SCMP_ACT_TRAP},
    {"SCMP_ACT_ALLOW", SCMP_ACT_ALLOW},
    {"SCMP_ACT_LOG", SCMP_ACT_LOG},
};

/* An action with its errno (errnoRet or defaultErrnoRet). `path` names the action field,
 * `errpath` the errno field, for the errors. */
static int action_of(const char *name, bool has_ret, uint32_t ret, bool listener, const char *path,
                     const char *errpath, uint32_t *out, sk_error **err) {
  bool takes_ret = strcmp(name, "SCMP_ACT_ERRNO") == 0 || strcmp(name, "SCMP_ACT_TRACE") == 0;
  if (has_ret && !takes_ret)
    return sk_error_set(err, EINVAL, errpath,
                        "%s takes no errno (only SCMP_ACT_ERRNO and "
                        "SCMP_ACT_TRACE do)",
                        name);
  if (!has_ret) ret = EPERM; /* the spec's default */
  if (strcmp(name, "SCMP_ACT_ERRNO") == 0) {
    if (ret > MAX_ERRNO_RET)
      return sk_error_set(err, ERANGE, errpath, "%u is not an errno (at most %u)", ret,
                          MAX_ERRNO_RET);
    *out = SCMP_ACT_ERRNO(ret);
    return 0;
  }
  if (strcmp(name, "SCMP_ACT_TRACE") == 0) {
    if (ret > MAX_TRACE_RET)
      return sk_error_set(err, ERANGE, errpath, "%u does not fit SECCOMP_RET_DATA (16 bits)", ret);
    *out = SCMP_ACT_TRACE(ret);
    return 0;
  }
  if (strcmp(name, "SCMP_ACT_NOTIFY") == 0) {
    /* The listener is handed to the agent at listenerPath by the parent (agent.c). */
    if (!listener)
      return sk_error_set(err, EINVAL, path, "SCMP_ACT_NOTIFY needs linux.seccomp.listenerPath");
    *out = SCMP_ACT_NOTIFY;
    return 0;
  }
  for (size_t i = 0; i < SK_ARRAY_SIZE(plain_actions); i++)
    if (strcmp(plain_actions[i].name, name) == 0) {
      *out = plain_actions[i].action;
      return 0;
    }
  return sk_error_set(err, EINVAL, path, "unknown seccomp action \"%s\"", name);
}

static int arch_of(const char *name, const char *path, uint32_t *out, sk_error **err) {
  for (size_t i = 0; i < SK_ARRAY_SIZE(arches); i++)
    if (strcmp(arches[i].name, name) == 0) {
      *out = arches[i].arch;
      return 0;
    }
  return sk_error_set(err, ENOTSUP, path, "architecture \"%s\" is unknown to libseccomp %s", name,
                      SKIFF_LIBSECCOMP_VERSION);
}

static int flag_of(const char *name, const char *path, unsigned int *out, sk_error **err) {
  for (size_t i = 0; i < SK_ARRAY_SIZE(flags); i++)
    if (strcmp(flags[i].name, name) == 0) {
      if (seccomp_api_get() < flags[i].api)
        return sk_error_set(err, ENOTSUP, path, "%s is not supported by this kernel", name);
      *out = flags[i].bit;
      return 0;
    }
  return sk_error_set(err, ENOTSUP, path, "%s is not supported by this build (libseccomp %s)", name,
                      SKIFF_LIBSECCOMP_VERSION);
}

/* The seccomp(2) flags: the config's, and NEW_LISTENER for a notifying filter (with TSYNC too,
 * the kernel wants TSYNC_ESRCH: a thread it can't sync fails the load instead of returning the
 * thread's id where the listener would be). */
static int load_flags(const oci_seccomp *sc, unsigned int *out, sk_error **err) {
  *out = 0;
  for (size_t i = 0; i < sc->flags_len; i++) {
    _cleanup_free_ char *path = sk_xasprintf(P ".flags[%zu]", i);
    unsigned int bit = 0;
    if (flag_of(sc->flags[i], path, &bit, err) < 0) return -1;
    *out |= bit;
  }
  if (sk_seccomp_notifies(sc)) {
    *out |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
    if (*out & SECCOMP_FILTER_FLAG_TSYNC) *out |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
  }
  return 0;
}

/* The comparisons of syscalls[i].args; *dup = some argument is compared more than once. */
static int conds_of(const oci_syscall *s, size_t i, struct scmp_arg_cmp *c, bool *dup,
                    sk_error **err) {
  bool seen[6] = {false};
  *dup = false;
  for (size_t j = 0; j < s->args_len; j++) {
    const oci_seccomp_arg *a = &s->args[j];
    _cleanup_free_ char *path = sk_xasprintf(P ".syscalls[%zu].args[%zu]", i, j);
    if (a->index >= 6) {
      _cleanup_free_ char *ip = sk_xasprintf("%s.index", path);
      return sk_error_set(err, EINVAL, ip, "%u is not a syscall argument (0 to 5)", a->index);
    }
    size_t k = 0;
    while (k < SK_ARRAY_SIZE(operators) && strcmp(operators[k].name, a->op) != 0)
      k++;
    if (k == SK_ARRAY_SIZE(operators)) {
      _cleanup_free_ char *op = sk_xasprintf("%s.op", path);
      return sk_error_set(err, EINVAL, op, "unknown seccomp operator \"%s\"", a->op);
    }
    /* SCMP_CMP_MASKED_EQ: (arg & value) == valueTwo; the others compare with value. */
    c[j] = (struct scmp_arg_cmp){
        .arg = a->index, .op = operators[k].op, .datum_a = a->value, .datum_b = a->value_two};
    if (seen[a->index]) *dup = true;
    seen[a->index] = true;
  }
  return 0;
}

/* Native syscall numbers are below this (x86-64: ~470 in 2025; new ones are numbered the same on
 * every architecture since 424). */
#define NR_LIMIT 1024

/* Which native syscall numbers the profile names, for the ENOSYS rule. */
typedef struct {
  bool named[NR_LIMIT];
  int max;
} named_set;

static void mark_named(named_set *ns, const char *name) {
  int nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_NATIVE, name);
  if (nr < 0 || nr >= NR_LIMIT) return;
  ns->named[nr] = true;
  if (nr > ns->max) ns->max = nr;
}

static int add_rule(scmp_filter_ctx ctx, uint32_t action, int nr, const struct scmp_arg_cmp *c,
                    size_t n, bool dup) {
  if (!dup) return seccomp_rule_add_array(ctx, action, nr, (unsigned int)n, c);
  /* libseccomp takes one comparison per argument in a rule: several on the same argument
   * become one rule each (matching any of them). */
  for (size_t k = 0; k < n; k++) {
    int r = seccomp_rule_add_array(ctx, action, nr, 1, &c[k]);
    if (r < 0) return r;
  }
  return 0;
}

static int add_syscalls(scmp_filter_ctx ctx, const oci_seccomp *sc, uint32_t def, named_set *ns,
                        sk_error **err) {
  for (size_t i = 0; i < sc->syscalls_len; i++) {
    const oci_syscall *s = &sc->syscalls[i];
    _cleanup_free_ char *ap = sk_xasprintf(P ".syscalls[%zu].action", i);
    _cleanup_free_ char *ep = sk_xasprintf(P ".syscalls[%zu].errnoRet", i);
    uint32_t action = 0;
    if (action_of(s->action, s->has_errno_ret, s->errno_ret, sc->listener_path != NULL, ap, ep,
                  &action, err) < 0)
      return -1;
    struct scmp_arg_cmp c[s->args_len ? s->args_len : 1];
    bool dup;
    if (conds_of(s, i, c, &dup, err) < 0) return -1;
    for (size_t j = 0; j < s->names_len; j++) {
      const char *name = s->names[j];
      int nr = seccomp_syscall_resolve_name(name);
      if (nr == __NR_SCMP_ERROR) {
        sk_debug(P ".syscalls[%zu].names[%zu]: unknown syscall \"%s\", skipped", i, j, name);
        continue;
      }
      mark_named(ns, name);
      /* A rule that does what the default does changes nothing (and libseccomp refuses it). */
      if (action == def) continue;
      int r = add_rule(ctx, action, nr, c, s->args_len, dup);
      if (r == -EEXIST) {
        sk_debug(P ".syscalls[%zu].names[%zu]: \"%s\" already has a rule, skipped", i, j, name);
      } else if (r < 0) {
        _cleanup_free_ char *np = sk_xasprintf(P ".syscalls[%zu].names[%zu]", i, j);
        return sk_error_set(err, -r, np, "add the rule for \"%s\"", name);
      }
    }
  }
  return 0;
}

/*
 * The ENOSYS rule. A profile lists the syscalls its author knew of; with an errno default, every
 * syscall newer than the profile fails with that errno, usually EPERM. But programs probe new
 * syscalls and fall back to old ones only on ENOSYS ("the kernel doesn't have it"): glibc 2.34+
 * tries clone3 before clone for every thread and fork, and takes EPERM as a real failure. So:
 * - a syscall the profile doesn't name, with a number above the highest one it names, is
 *   taken as newer than the profile and returns ENOSYS (as it would on an older kernel);
 * - clone3 returns ENOSYS whenever the profile doesn't name it, whatever its number.
 * Only for SCMP_ACT_ERRNO defaults (KILL or TRAP defaults are meant to be fatal; LOG and ALLOW
 * ones let everything through anyway) and only for native numbers: libseccomp translates the
 * rule to the filter's other architectures by name.
 */
static int add_enosys(scmp_filter_ctx ctx, const oci_seccomp *sc, uint32_t def, const named_set *ns,
                      sk_error **err) {
  if (strcmp(sc->default_action, "SCMP_ACT_ERRNO") != 0 || def == SCMP_ACT_ERRNO(ENOSYS)) return 0;
  for (int nr = 0; nr < NR_LIMIT; nr++) {
    if (ns->named[nr]) continue;
    char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
    bool known = name != NULL, clone3 = name && strcmp(name, "clone3") == 0;
    free(name);
    if (nr <= ns->max && !clone3) continue;
    if (!known) continue; /* not a syscall libseccomp knows of */
    int r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), nr, 0);
    if (r < 0 && r != -EEXIST)
      return sk_error_set(err, -r, P ".defaultAction", "add the ENOSYS rule for syscall %d", nr);
  }
  return 0;
}

/* The filter in a libseccomp context; the flags are checked by load_flags. */
static int compile(const oci_seccomp *sc, scmp_filter_ctx *out, sk_error **err) {
  uint32_t def = 0;
  /* A notifying default would stop the init's own next syscall (sending the listener out)
   * before any agent could answer it. */
  if (strcmp(sc->default_action, "SCMP_ACT_NOTIFY") == 0)
    return sk_error_set(err, EINVAL, P ".defaultAction",
                        "SCMP_ACT_NOTIFY can't be the default (the runtime's own syscalls "
                        "after the filter would wait for an agent that has no listener yet)");
  if (action_of(sc->default_action, sc->has_default_errno_ret, sc->default_errno_ret, false,
                P ".defaultAction", P ".defaultErrnoRet", &def, err) < 0)
    return -1;
  if (sc->listener_metadata && !sc->listener_path)
    return sk_error_set(err, EINVAL, P ".listenerMetadata", "set without listenerPath");
  _cleanup_scmp_ scmp_filter_ctx ctx = seccomp_init(def);
  if (!ctx) return sk_error_set(err, ENOMEM, P, "seccomp_init");
  /* A binary tree of syscall numbers instead of a list: for podman's profile 1426 instructions
   * instead of 1144, but the kernel loads it in less than half the time (on load it runs the
   * filter for every syscall number to find those always allowed, in log(n) steps instead of
   * up to n), and the syscalls it filters take fewer steps. libseccomp < 2.5 has no such
   * option: the list then. */
  (void)seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
  for (size_t i = 0; i < sc->architectures_len; i++) {
    _cleanup_free_ char *path = sk_xasprintf(P ".architectures[%zu]", i);
    uint32_t arch = 0;
    if (arch_of(sc->architectures[i], path, &arch, err) < 0) return -1;
    int r = seccomp_arch_add(ctx, arch);
    if (r < 0 && r != -EEXIST) /* the native one is in already */
      return sk_error_set(err, -r, path, "add architecture %s", sc->architectures[i]);
  }
  named_set *ns = sk_xcalloc(1, sizeof(*ns));
  ns->max = -1;
  int r = add_syscalls(ctx, sc, def, ns, err);
  if (r == 0) r = add_enosys(ctx, sc, def, ns, err);
  free(ns);
  if (r < 0) return -1;
  *out = sk_steal_ptr(&ctx);
  return 0;
}

int sk_seccomp_check(const oci_seccomp *sc, sk_error **err) {
  _cleanup_scmp_ scmp_filter_ctx ctx = NULL;
  unsigned int fl;
  return load_flags(sc, &fl, err) < 0 ? -1 : compile(sc, &ctx, err);
}

bool sk_seccomp_notifies(const oci_seccomp *sc) {
  for (size_t i = 0; sc && i < sc->syscalls_len; i++)
    if (strcmp(sc->syscalls[i].action, "SCMP_ACT_NOTIFY") == 0) return true;
  return false;
}

/* ---- the program: compiled or cached in the parent, loaded in the child ------------------ */

/* What compile() generates: bump when it changes, so that no cached program of an older
 * skiff build with the same version is taken. */
#define CACHE_FORMAT 2

/* The cache key (cache.c): everything the program depends on, the profile field by field. */
static void key_of(const oci_seccomp *sc, unsigned int load_flags, sk_seccomp_buf *k) {
  const struct scmp_version *v = seccomp_version();
  sk_seccomp_buf_str(k, "skiff " SKIFF_VERSION " seccomp");
  sk_seccomp_buf_u64(k, CACHE_FORMAT);
  sk_seccomp_buf_u64(k, ((uint64_t)v->major << 32) | ((uint64_t)v->minor << 16) | v->micro);
  sk_seccomp_buf_u64(k, seccomp_api_get());
  sk_seccomp_buf_u64(k, seccomp_arch_native());
  sk_seccomp_buf_u64(k, load_flags);
  sk_seccomp_buf_str(k, sc->default_action);
  sk_seccomp_buf_u64(k, sc->has_default_errno_ret);
  sk_seccomp_buf_u64(k, sc->default_errno_ret);
  /* The paths themselves don't change the program; whether they are set decides errors. */
  sk_seccomp_buf_u64(k, sc->listener_path != NULL);
  sk_seccomp_buf_u64(k, sc->listener_metadata != NULL);
  sk_seccomp_buf_u64(k, sc->architectures_len);
  for (size_t i = 0; i < sc->architectures_len; i++)
    sk_seccomp_buf_str(k, sc->architectures[i]);
  sk_seccomp_buf_u64(k, sc->flags_len);
  for (size_t i = 0; i < sc->flags_len; i++)
    sk_seccomp_buf_str(k, sc->flags[i]);
  sk_seccomp_buf_u64(k, sc->syscalls_len);
  for (size_t i = 0; i < sc->syscalls_len; i++) {
    const oci_syscall *s = &sc->syscalls[i];
    sk_seccomp_buf_str(k, s->action);
    sk_seccomp_buf_u64(k, s->has_errno_ret);
    sk_seccomp_buf_u64(k, s->errno_ret);
    sk_seccomp_buf_u64(k, s->names_len);
    for (size_t j = 0; j < s->names_len; j++)
      sk_seccomp_buf_str(k, s->names[j]);
    sk_seccomp_buf_u64(k, s->args_len);
    for (size_t j = 0; j < s->args_len; j++) {
      sk_seccomp_buf_u64(k, s->args[j].index);
      sk_seccomp_buf_str(k, s->args[j].op);
      sk_seccomp_buf_u64(k, s->args[j].value);
      sk_seccomp_buf_u64(k, s->args[j].value_two);
    }
  }
}

/* The context's BPF program (seccomp_export_bpf writes it to an fd: a memfd here). */
static int export_bpf(scmp_filter_ctx ctx, sk_seccomp_filter *f, sk_error **err) {
  _cleanup_close_ int fd = memfd_create("skiff-seccomp", MFD_CLOEXEC);
  if (fd < 0) return sk_error_set(err, errno, P, "create a memfd for the BPF program");
  int r = seccomp_export_bpf(ctx, fd);
  if (r < 0) return sk_error_set(err, -r, P, "generate the BPF program");
  off_t size = lseek(fd, 0, SEEK_END);
  size_t n = size > 0 ? (size_t)size / sizeof(struct sock_filter) : 0;
  if (n == 0 || n * sizeof(struct sock_filter) != (size_t)size)
    return sk_error_set(err, EPROTO, P, "libseccomp generated a BPF program of %lld bytes",
                        (long long)size);
  if (n > BPF_MAXINSNS)
    return sk_error_set(err, E2BIG, P,
                        "the filter has %zu BPF instructions, more than the kernel takes (%d): "
                        "fewer rules or architectures",
                        n, BPF_MAXINSNS);
  f->insns = sk_xmalloc((size_t)size);
  if (pread(fd, f->insns, (size_t)size, 0) != size)
    return sk_error_set(err, errno ? errno : EIO, P, "read the BPF program back");
  f->len = (unsigned short)n;
  return 0;
}

void sk_seccomp_filter_free(sk_seccomp_filter *f) {
  if (!f) return;
  free(f->insns);
  free(f);
}

int sk_seccomp_prepare(const oci_seccomp *sc, const char *state_root, sk_seccomp_filter **out,
                       sk_error **err) {
  *out = NULL;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  unsigned int fl;
  if (load_flags(sc, &fl, err) < 0) return -1;
  const char *env = getenv("SKIFF_SECCOMP_CACHE");
  bool cache = state_root && !(env && strcmp(env, "0") == 0);
  sk_seccomp_filter *f = sk_xcalloc(1, sizeof(*f));
  sk_seccomp_buf key = {0};
  int r = 0;
  bool hit = false;
  if (cache) {
    key_of(sc, fl, &key);
    hit = sk_seccomp_cache_get(state_root, &key, f, &cache) == 1 && f->flags == fl;
    if (hit) goto done;
    free(f->insns);
    f->insns = NULL;
  }
  {
    _cleanup_scmp_ scmp_filter_ctx ctx = NULL;
    r = compile(sc, &ctx, err) < 0 || export_bpf(ctx, f, err) < 0 ? -1 : 0;
  }
  f->flags = fl;
  if (r == 0 && cache) sk_seccomp_cache_put(state_root, &key, f);
done:
  free(key.data);
  if (r < 0) {
    sk_seccomp_filter_free(f);
    return -1;
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  sk_debug("seccomp: %u BPF instructions %s in %.3f ms", (unsigned)f->len,
           hit ? "from the cache" : "compiled",
           (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
  *out = f;
  return 0;
}

int sk_seccomp_install(const sk_seccomp_filter *f, bool no_new_privs, int *notify_fd,
                       sk_error **err) {
  *notify_fd = -1;
  struct sock_fprog prog = {.len = f->len, .filter = f->insns};
  long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, f->flags, &prog);
  if (r < 0 && errno == EACCES && !no_new_privs)
    return sk_error_set(err, EACCES, P,
                        "load the filter: without process.noNewPrivileges this "
                        "needs CAP_SYS_ADMIN");
  if (r < 0)
    return sk_error_set(err, errno, P, "load the filter (seccomp(2), flags %#x)", f->flags);
  /* The kernel made the listener close-on-exec. */
  if (f->flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) *notify_fd = (int)r;
  return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container's device rules, one ordered list for both backends (v1 writes them to
 * devices.allow/deny, v2 compiles them into an eBPF program, v2_devices.c).
 *
 * The list: "deny everything", then linux.resources.devices in order, then what the
 * container needs to work in any case: mknod of any node (creating one grants no access by
 * itself), the spec's default devices (/dev/null, zero, full, random, urandom, tty, ptmx,
 * the pts pseudo terminals) and the devices of linux.devices, read, write and mknod.
 * Nothing else: no /dev/net/tun, no /dev/fuse, no block device unless the config names it.
 * A later rule overrides an earlier one for what it matches. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "skiff/util.h"

static const struct {
  char type;
  int64_t major, minor; /* -1: any */
  unsigned access;
} default_devices[] = {
    {'c', -1, -1, SK_DEV_M},    {'b', -1, -1, SK_DEV_M}, /* mknod, no access */
    {'c', 1, 3, SK_DEV_RWM},    {'c', 1, 5, SK_DEV_RWM},
    {'c', 1, 7, SK_DEV_RWM},                             /* null zero full */
    {'c', 1, 8, SK_DEV_RWM},    {'c', 1, 9, SK_DEV_RWM}, /* random urandom */
    {'c', 5, 0, SK_DEV_RWM},    {'c', 5, 2, SK_DEV_RWM}, /* tty ptmx */
    {'c', 136, -1, SK_DEV_RWM},                          /* /dev/pts/N */
};

static void add(sk_dev_rules *l, sk_dev_rule r) {
  l->rules = sk_xrealloc(l->rules, (l->n + 1) * sizeof(*l->rules));
  l->rules[l->n++] = r;
}

/* "rwm" (any subset, any order; empty or absent: all three) into SK_DEV_* bits. */
static int parse_access(const char *s, unsigned *out, const char *field, sk_error **err) {
  *out = 0;
  if (!s || !*s) {
    *out = SK_DEV_RWM;
    return 0;
  }
  for (const char *p = s; *p; p++) {
    switch (*p) {
    case 'r':
      *out |= SK_DEV_R;
      break;
    case 'w':
      *out |= SK_DEV_W;
      break;
    case 'm':
      *out |= SK_DEV_M;
      break;
    default:
      return sk_error_set(err, EINVAL, field,
                          "access \"%s\": only the letters r, w and m are allowed", s);
    }
  }
  return 0;
}

int sk_cg_device_rules(const oci_config *cfg, sk_dev_rules *out, sk_error **err) {
  sk_dev_rules l = {0};
  add(&l, (sk_dev_rule){.allow = false,
                        .type = 'a',
                        .major = -1,
                        .minor = -1,
                        .access = SK_DEV_RWM,
                        .field = "linux.resources.devices"});
  const oci_resources *r = cfg->linux ? cfg->linux->resources : NULL;
  for (size_t i = 0; r && i < r->devices_len; i++) {
    const oci_device_cgroup *x = &r->devices[i];
    sk_dev_rule d = {.allow = x->allow,
                     .type = x->type && *x->type ? x->type[0] : 'a',
                     .major = x->has_major ? x->major : -1,
                     .minor = x->has_minor ? x->minor : -1};
    snprintf(d.field, sizeof(d.field), "linux.resources.devices[%zu]", i);
    if (!strchr("acb", d.type) || (x->type && x->type[0] && x->type[1])) {
      sk_error_set(err, EINVAL, d.field, "type \"%s\": not one of a, c, b", x->type);
      goto fail;
    }
    if ((x->has_major && (x->major < 0 || x->major > UINT32_MAX)) ||
        (x->has_minor && (x->minor < 0 || x->minor > UINT32_MAX))) {
      sk_error_set(err, EINVAL, d.field, "major %" PRId64 " / minor %" PRId64 " out of range",
                   x->major, x->minor);
      goto fail;
    }
    if (parse_access(x->access, &d.access, d.field, err) < 0) goto fail;
    if (d.type == 'a') d.major = d.minor = -1; /* "a" is every device, whatever the numbers */
    add(&l, d);
  }
  for (size_t i = 0; i < SK_ARRAY_SIZE(default_devices); i++)
    add(&l, (sk_dev_rule){.allow = true,
                          .type = default_devices[i].type,
                          .major = default_devices[i].major,
                          .minor = default_devices[i].minor,
                          .access = default_devices[i].access,
                          .field = "linux.resources.devices"});
  for (size_t i = 0; cfg->linux && i < cfg->linux->devices_len; i++) {
    const oci_device *x = &cfg->linux->devices[i];
    char type = x->type[0] == 'u' ? 'c' : x->type[0];
    if (type == 'p') continue; /* a fifo is no device */
    sk_dev_rule d = {
        .allow = true, .type = type, .major = x->major, .minor = x->minor, .access = SK_DEV_RWM};
    snprintf(d.field, sizeof(d.field), "linux.devices[%zu]", i);
    add(&l, d);
  }
  *out = l;
  return 0;
fail:
  free(l.rules);
  return -1;
}

char *sk_cg_device_rule_v1(const sk_dev_rule *r) {
  if (r->type == 'a') return sk_xstrdup("a");
  char ma[24] = "*", mi[24] = "*";
  if (r->major >= 0) snprintf(ma, sizeof(ma), "%" PRId64, r->major);
  if (r->minor >= 0) snprintf(mi, sizeof(mi), "%" PRId64, r->minor);
  return sk_xasprintf("%c %s:%s %s%s%s", r->type, ma, mi, r->access & SK_DEV_R ? "r" : "",
                      r->access & SK_DEV_W ? "w" : "", r->access & SK_DEV_M ? "m" : "");
}

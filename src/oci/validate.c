/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Checks beyond types and ranges: string shapes the schema gives as patterns,
 * rules the spec text states (absolute paths, unique rlimits and namespaces,
 * args or commandLine), and the supported ociVersion.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "skiff/util.h"

bool oci_str_in(const char *s, const char *const *list) {
  if (!s) return false;
  for (; *list; list++)
    if (strcmp(s, *list) == 0) return true;
  return false;
}

/* true if s is non-empty and made of chars of `set` only */
static bool all_in(const char *s, const char *set) {
  return *s && strspn(s, set) == strlen(s);
}

static const char *skip_digits(const char *s) {
  const char *p = s;
  while (isdigit((unsigned char)*p))
    p++;
  return p == s ? NULL : p;
}

const char *oci_check_version(const char *s) {
  /* 1.<minor>.<patch>, optionally followed by a pre-release or build suffix (1.0.2-dev) */
  const char *p = s[0] == '1' && s[1] == '.' ? skip_digits(s + 2) : NULL;
  p = p && *p == '.' ? skip_digits(p + 1) : NULL;
  if (p && (*p == 0 || *p == '-' || *p == '+')) return NULL;
  return "is not a supported ociVersion: skiff implements runtime-spec 1.x (up "
         "to " SKIFF_SPEC_VERSION "); use a version of the form 1.x.y";
}

const char *oci_check_absolute(const char *s) {
  return s[0] == '/' ? NULL : "is not an absolute path (it must start with /)";
}

static const char *const RLIMITS[] = {"RLIMIT_AS",
                                      "RLIMIT_CORE",
                                      "RLIMIT_CPU",
                                      "RLIMIT_DATA",
                                      "RLIMIT_FSIZE",
                                      "RLIMIT_LOCKS",
                                      "RLIMIT_MEMLOCK",
                                      "RLIMIT_MSGQUEUE",
                                      "RLIMIT_NICE",
                                      "RLIMIT_NOFILE",
                                      "RLIMIT_NPROC",
                                      "RLIMIT_RSS",
                                      "RLIMIT_RTPRIO",
                                      "RLIMIT_RTTIME",
                                      "RLIMIT_SIGPENDING",
                                      "RLIMIT_STACK",
                                      NULL};

const char *oci_check_rlimit(const char *s) {
  if (strncmp(s, "RLIMIT_", 7) != 0 || !all_in(s + 7, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    return "is not an rlimit type (RLIMIT_ followed by capital letters, e.g. RLIMIT_NOFILE)";
  if (!oci_str_in(s, RLIMITS))
    return "is not an rlimit Linux knows (RLIMIT_AS, RLIMIT_CORE, RLIMIT_CPU, RLIMIT_DATA, "
           "RLIMIT_FSIZE, RLIMIT_LOCKS, RLIMIT_MEMLOCK, RLIMIT_MSGQUEUE, RLIMIT_NICE, "
           "RLIMIT_NOFILE, RLIMIT_NPROC, RLIMIT_RSS, RLIMIT_RTPRIO, RLIMIT_RTTIME, "
           "RLIMIT_SIGPENDING, RLIMIT_STACK)";
  return NULL;
}

const char *oci_check_capability(const char *s) {
  if (strncmp(s, "CAP_", 4) == 0 && all_in(s + 4, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"))
    return NULL;
  return "is not a capability name (CAP_ followed by capital letters, digits or _, e.g. "
         "CAP_CHOWN)";
}

const char *oci_check_cpu_list(const char *s) {
  return strspn(s, "0123456789, -") == strlen(s)
             ? NULL
             : "is not a CPU list (digits, commas, spaces and dashes, e.g. \"0-3,7\")";
}

const char *oci_check_page_size(const char *s) {
  const char *p = s[0] != '0' ? skip_digits(s) : NULL;
  if (p && (p[0] == 'K' || p[0] == 'M' || p[0] == 'G') && p[1] == 'B' && p[2] == 0) return NULL;
  return "is not a hugepage size (a number without leading zero followed by KB, MB or GB, e.g. "
         "\"2MB\")";
}

const char *oci_check_device_type(const char *s) {
  return (s[0] && s[1] == 0 && strchr("cbup", s[0])) ? NULL : "is not a device type (c, b, u or p)";
}

const char *oci_check_cgroup_access(const char *s) {
  return strspn(s, "rwm") == strlen(s) ? NULL
                                       : "is not a device access (a combination of r, w and m)";
}

const char *oci_check_mem_bw(const char *s) {
  return strncmp(s, "MB:", 3) == 0 && !strchr(s, '\n')
             ? NULL
             : "is not a memory bandwidth schema (a single line starting with \"MB:\")";
}

void oci_validate_process(const void *obj, const char *path, oci_errors *e) {
  const oci_process *p = obj;
  if (!p->command_line && p->args_len == 0) {
    _cleanup_free_ char *at = oci_path_key(path, "args");
    oci_fail(e, at,
             p->args ? "must have at least 1 item (the program to run)"
                     : "missing required field (the program to run; or give commandLine)");
  }
  for (size_t i = 0; i < p->rlimits_len; i++)
    for (size_t j = 0; j < i; j++)
      if (strcmp(p->rlimits[i].type, p->rlimits[j].type) == 0) {
        _cleanup_free_ char *at = sk_xasprintf("%s%srlimits[%zu].type", path, *path ? "." : "", i);
        oci_fail(e, at, "duplicate rlimit %s (also at rlimits[%zu])", p->rlimits[i].type, j);
        break;
      }
}

void oci_validate_linux(const void *obj, const char *path, oci_errors *e) {
  const oci_linux *l = obj;
  for (size_t i = 0; i < l->namespaces_len; i++)
    for (size_t j = 0; j < i; j++)
      if (strcmp(l->namespaces[i].type, l->namespaces[j].type) == 0) {
        _cleanup_free_ char *at = sk_xasprintf("%s.namespaces[%zu].type", path, i);
        oci_fail(e, at, "duplicate namespace type %s (also at namespaces[%zu])",
                 l->namespaces[i].type, j);
        break;
      }
}

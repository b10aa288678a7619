/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Signal names <-> numbers. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "skiff/signals.h"
#include "skiff/util.h"

static const struct {
  const char *name; /* with SIG */
  int signo;
} signals[] = {
    {"SIGHUP", SIGHUP},       {"SIGINT", SIGINT},       {"SIGQUIT", SIGQUIT},
    {"SIGILL", SIGILL},       {"SIGTRAP", SIGTRAP},     {"SIGABRT", SIGABRT},
    {"SIGIOT", SIGIOT},       {"SIGBUS", SIGBUS},       {"SIGFPE", SIGFPE},
    {"SIGKILL", SIGKILL},     {"SIGUSR1", SIGUSR1},     {"SIGSEGV", SIGSEGV},
    {"SIGUSR2", SIGUSR2},     {"SIGPIPE", SIGPIPE},     {"SIGALRM", SIGALRM},
    {"SIGTERM", SIGTERM},     {"SIGSTKFLT", SIGSTKFLT}, {"SIGCHLD", SIGCHLD},
    {"SIGCLD", SIGCHLD},      {"SIGCONT", SIGCONT},     {"SIGSTOP", SIGSTOP},
    {"SIGTSTP", SIGTSTP},     {"SIGTTIN", SIGTTIN},     {"SIGTTOU", SIGTTOU},
    {"SIGURG", SIGURG},       {"SIGXCPU", SIGXCPU},     {"SIGXFSZ", SIGXFSZ},
    {"SIGVTALRM", SIGVTALRM}, {"SIGPROF", SIGPROF},     {"SIGWINCH", SIGWINCH},
    {"SIGIO", SIGIO},         {"SIGPOLL", SIGPOLL},     {"SIGPWR", SIGPWR},
    {"SIGSYS", SIGSYS},
};

/* Strict decimal in [min, max]. */
static int parse_num(const char *s, long min, long max, int *out) {
  if (!*s) return -1;
  for (const char *p = s; *p; p++)
    if (*p < '0' || *p > '9') return -1;
  errno = 0;
  long v = strtol(s, NULL, 10);
  if (errno || v < min || v > max) return -1;
  *out = (int)v;
  return 0;
}

/* "RTMIN", "RTMIN+N", "RTMAX", "RTMAX-N" (already without SIG). */
static int parse_rt(const char *s, int *signo) {
  int base, sign, n = 0;
  if (strncasecmp(s, "RTMIN", 5) == 0)
    base = SIGRTMIN, sign = 1;
  else if (strncasecmp(s, "RTMAX", 5) == 0)
    base = SIGRTMAX, sign = -1;
  else
    return -1;
  s += 5;
  if (*s) {
    if (*s != (sign > 0 ? '+' : '-')) return -1;
    if (parse_num(s + 1, 0, SIGRTMAX - SIGRTMIN, &n) < 0) return -1;
  }
  *signo = base + sign * n;
  return 0;
}

int sk_signal_parse(const char *s, int *signo, sk_error **err) {
  if (parse_num(s, 1, SIGRTMAX, signo) == 0) return 0;
  const char *name = strncasecmp(s, "SIG", 3) == 0 ? s + 3 : s;
  for (size_t i = 0; i < SK_ARRAY_SIZE(signals); i++)
    if (strcasecmp(name, signals[i].name + 3) == 0) return *signo = signals[i].signo, 0;
  if (parse_rt(name, signo) == 0) return 0;
  return sk_error_set(
      err, 0, NULL, "invalid signal \"%s\": use a number (1-%d) or a name such as KILL or SIGTERM",
      s, SIGRTMAX);
}

const char *sk_signal_name(int signo) {
  for (size_t i = 0; i < SK_ARRAY_SIZE(signals); i++)
    if (signals[i].signo == signo) return signals[i].name;
  return NULL;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* skiff's own log: errors as plain text on stderr, and entries (logrus-style text or JSON
 * lines with level, msg, time) in the --log file. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "skiff/log.h"
#include "skiff/util.h"

static int log_fd = -1;
static bool log_own_fd; /* opened by sk_log_init, closed by sk_log_close */
static sk_log_format log_format = SK_LOG_TEXT;
static bool log_debug;

static const char *const level_names[] = {"error", "warning", "info", "debug"};

int sk_log_init(const char *path, sk_log_format format, bool debug, sk_error **err) {
  log_format = format;
  log_debug = debug;
  if (!path) return 0;
  int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    return sk_error_set(err, errno, NULL, "cannot open the log file %s (--log): check the path",
                        path);
  sk_log_close();
  log_fd = fd;
  log_own_fd = true;
  return 0;
}

void sk_log_close(void) {
  if (log_own_fd && log_fd >= 0) close(log_fd);
  log_fd = -1;
  log_own_fd = false;
}

int sk_log_fd(void) {
  return log_fd;
}

void sk_log_set_fd(int fd) {
  if (fd != log_fd) sk_log_close();
  log_fd = fd;
  log_own_fd = false; /* the caller owns it now */
}

/* RFC 3339, second precision, local zone ("Z" for UTC), as logrus writes it. */
static void now_rfc3339(char *buf, size_t len) {
  time_t t = time(NULL);
  struct tm tm;
  localtime_r(&t, &tm);
  size_t n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
  long off = tm.tm_gmtoff;
  if (off == 0) {
    snprintf(buf + n, len - n, "Z");
    return;
  }
  char sign = off < 0 ? '-' : '+';
  if (off < 0) off = -off;
  snprintf(buf + n, len - n, "%c%02ld:%02ld", sign, off / 3600, (off / 60) % 60);
}

/* Length of the valid UTF-8 sequence at s (0 if invalid). */
static size_t utf8_len(const unsigned char *s) {
  size_t n;
  unsigned min;
  unsigned cp;
  if (s[0] < 0x80) return 1;
  if ((s[0] & 0xe0) == 0xc0)
    n = 2, min = 0x80, cp = s[0] & 0x1f;
  else if ((s[0] & 0xf0) == 0xe0)
    n = 3, min = 0x800, cp = s[0] & 0x0f;
  else if ((s[0] & 0xf8) == 0xf0)
    n = 4, min = 0x10000, cp = s[0] & 0x07;
  else
    return 0;
  for (size_t i = 1; i < n; i++) {
    if ((s[i] & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (s[i] & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

/* Append s quoted: JSON string rules (json) or logrus' quoting (text). Invalid UTF-8
 * becomes U+FFFD so the line stays valid JSON. */
static void append_quoted(char **out, size_t *len, size_t *cap, const char *s) {
#define PUT(str, n)                                                                                \
  do {                                                                                             \
    if (*len + (n) + 1 > *cap) {                                                                   \
      *cap = (*len + (n) + 1) * 2;                                                                 \
      *out = sk_xrealloc(*out, *cap);                                                              \
    }                                                                                              \
    memcpy(*out + *len, (str), (n));                                                               \
    *len += (n);                                                                                   \
    (*out)[*len] = '\0';                                                                           \
  } while (0)
  PUT("\"", 1);
  const unsigned char *p = (const unsigned char *)s;
  while (*p) {
    char esc[8];
    size_t n = utf8_len(p);
    if (*p == '"' || *p == '\\') {
      esc[0] = '\\', esc[1] = (char)*p;
      PUT(esc, 2);
    } else if (*p == '\n') {
      PUT("\\n", 2);
    } else if (*p == '\t') {
      PUT("\\t", 2);
    } else if (*p == '\r') {
      PUT("\\r", 2);
    } else if (*p < 0x20 || *p == 0x7f) {
      snprintf(esc, sizeof(esc), "\\u%04x", *p);
      PUT(esc, 6);
    } else if (n == 0) {
      PUT("\\ufffd", 6);
      n = 1;
    } else {
      PUT(p, n);
    }
    p += n ? n : 1;
  }
  PUT("\"", 1);
#undef PUT
}

/* One log line for the --log file or stderr. Caller frees. */
static char *format_entry(sk_log_level level, const char *msg, sk_log_format format) {
  char ts[64];
  now_rfc3339(ts, sizeof(ts));
  size_t qlen = 0, qcap = 64;
  _cleanup_free_ char *q = sk_xmalloc(qcap);
  q[0] = '\0';
  append_quoted(&q, &qlen, &qcap, msg);
  if (format == SK_LOG_JSON)
    return sk_xasprintf("{\"level\":\"%s\",\"msg\":%s,\"time\":\"%s\"}\n", level_names[level], q,
                        ts);
  return sk_xasprintf("time=\"%s\" level=%s msg=%s\n", ts, level_names[level], q);
}

static void emit(sk_log_level level, const char *msg) {
  if (log_fd >= 0) {
    _cleanup_free_ char *line = format_entry(level, msg, log_format);
    (void)sk_write_all(log_fd, line, strlen(line));
  } else if (log_debug) {
    /* Without --log only --debug puts debug lines and warnings on stderr: on success
     * skiff must stay silent there (it is the container's stderr). */
    _cleanup_free_ char *line = format_entry(level, msg, SK_LOG_TEXT);
    (void)sk_write_all(STDERR_FILENO, line, strlen(line));
  }
}

void sk_log(sk_log_level level, const char *fmt, ...) {
  if (level == SK_LOG_DEBUG && !log_debug) return;
  int saved = errno;
  char *msg;
  va_list ap;
  va_start(ap, fmt);
  if (vasprintf(&msg, fmt, ap) < 0) msg = NULL;
  va_end(ap);
  if (msg) {
    if (level == SK_LOG_ERROR) {
      char *l = sk_xasprintf("skiff: %s\n", msg);
      (void)sk_write_all(STDERR_FILENO, l, strlen(l));
      free(l);
    }
    emit(level, msg);
  }
  free(msg);
  errno = saved;
}

void sk_log_report(const sk_error *e) {
  if (!e) return;
  int saved = errno;
  size_t total = 0, cap = 0;
  char *all = NULL;
  for (const sk_error *i = e; i; i = i->next) {
    _cleanup_free_ char *m = sk_error_format(i);
    char *l = sk_xasprintf("skiff: %s\n", m);
    (void)sk_write_all(STDERR_FILENO, l, strlen(l));
    free(l);
    if (log_fd >= 0 && log_format == SK_LOG_TEXT) emit(SK_LOG_ERROR, m);
    /* JSON: one entry with every error, "; "-joined: podman reads the file as one object,
     * containerd keeps the last level=error entry. */
    size_t ml = strlen(m);
    if (total + ml + 3 > cap) {
      cap = (total + ml + 3) * 2;
      all = sk_xrealloc(all, cap);
    }
    if (total) memcpy(all + total, "; ", 2), total += 2; // NOLINT(bugprone-not-null-terminated-result): the NUL comes next
    memcpy(all + total, m, ml + 1);
    total += ml;
  }
  if (log_fd >= 0 && log_format == SK_LOG_JSON) emit(SK_LOG_ERROR, all);
  free(all);
  errno = saved;
}

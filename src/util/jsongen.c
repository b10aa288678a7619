/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Thin helpers over yajl_gen. */
#include <string.h>

#include "skiff/jsongen.h"
#include "skiff/util.h"

yajl_gen sk_jg_new(const char *indent) {
  yajl_gen g = yajl_gen_alloc(NULL);
  if (!g) abort();
  if (indent) {
    yajl_gen_config(g, yajl_gen_beautify, 1);
    yajl_gen_config(g, yajl_gen_indent_string, indent);
  }
  return g;
}

char *sk_jg_finish(yajl_gen g) {
  const unsigned char *buf;
  size_t len;
  yajl_gen_get_buf(g, &buf, &len);
  char *out = sk_xmalloc(len + 1);
  memcpy(out, buf, len);
  out[len] = '\0';
  yajl_gen_free(g);
  return out;
}

void sk_jg_str(yajl_gen g, const char *s) {
  if (!s)
    yajl_gen_null(g);
  else
    yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}
void sk_jg_int(yajl_gen g, long long v) {
  yajl_gen_integer(g, v);
}
void sk_jg_bool(yajl_gen g, bool v) {
  yajl_gen_bool(g, v);
}
void sk_jg_key(yajl_gen g, const char *key) {
  sk_jg_str(g, key);
}

void sk_jg_kv_str(yajl_gen g, const char *key, const char *v) {
  sk_jg_key(g, key);
  sk_jg_str(g, v);
}
void sk_jg_kv_int(yajl_gen g, const char *key, long long v) {
  sk_jg_key(g, key);
  sk_jg_int(g, v);
}
void sk_jg_kv_bool(yajl_gen g, const char *key, bool v) {
  sk_jg_key(g, key);
  sk_jg_bool(g, v);
}

void sk_jg_kv_strv(yajl_gen g, const char *key, const char *const *v, long n) {
  sk_jg_key(g, key);
  yajl_gen_array_open(g);
  for (long i = 0; v && (n < 0 ? v[i] != NULL : i < n); i++)
    sk_jg_str(g, v[i]);
  yajl_gen_array_close(g);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The encoder: C structs -> JSON (compact), driven by the field tables; only present fields. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "skiff/util.h"

#define AT(obj, off) ((const void *)((const char *)(obj) + (off)))

static void gen_str(yajl_gen g, const char *s) {
  yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

static void gen_number(yajl_gen g, const oci_field *f, const void *src) {
  char buf[32];
  int n;
  if (f->kind == OCI_K_INT) {
    int64_t v;
    switch (f->width) {
    case 1:
      v = *(const int8_t *)src; // NOLINT(bugprone-signed-char-misuse): an int8 field, signed by design
      break;
    case 2:
      v = *(const int16_t *)src;
      break;
    case 4:
      v = *(const int32_t *)src;
      break;
    default:
      v = *(const int64_t *)src;
      break;
    }
    n = snprintf(buf, sizeof(buf), "%" PRId64, v);
  } else {
    uint64_t v;
    switch (f->width) {
    case 1:
      v = *(const uint8_t *)src;
      break;
    case 2:
      v = *(const uint16_t *)src;
      break;
    case 4:
      v = *(const uint32_t *)src;
      break;
    default:
      v = *(const uint64_t *)src;
      break;
    }
    n = snprintf(buf, sizeof(buf), "%" PRIu64, v);
  }
  yajl_gen_number(g, buf, (size_t)n);
}

static void encode_field(yajl_gen g, const oci_field *f, const void *obj) {
  const void *src = AT(obj, f->off);
  size_t n = f->len_off ? *(const size_t *)AT(obj, f->len_off) : 0;
  switch (f->kind) {
  case OCI_K_STRING: {
    const char *s = *(char *const *)src;
    if (!s) return;
    gen_str(g, f->key);
    gen_str(g, s);
    return;
  }
  case OCI_K_BOOL:
  case OCI_K_INT:
  case OCI_K_UINT:
    if (f->has_off && !*(const bool *)AT(obj, f->has_off)) return;
    gen_str(g, f->key);
    if (f->kind == OCI_K_BOOL)
      yajl_gen_bool(g, *(const bool *)src);
    else
      gen_number(g, f, src);
    return;
  case OCI_K_OBJECT: {
    const void *sub = *(void *const *)src;
    if (!sub) return;
    gen_str(g, f->key);
    oci_encode_object(g, f->type, sub);
    return;
  }
  default:
    break;
  }

  const void *arr = *(void *const *)src;
  if (!arr) return;
  gen_str(g, f->key);
  bool is_map = f->kind == OCI_K_KV || f->kind == OCI_K_OBJMAP;
  if (is_map)
    yajl_gen_map_open(g);
  else
    yajl_gen_array_open(g);
  for (size_t i = 0; i < n; i++) {
    switch (f->kind) {
    case OCI_K_STRINGS: {
      const char *s = ((char *const *)arr)[i];
      if (s)
        gen_str(g, s);
      else
        yajl_gen_null(g);
      break;
    }
    case OCI_K_UINT32S: {
      const oci_field item = {.kind = OCI_K_UINT, .width = 4};
      gen_number(g, &item, (const uint32_t *)arr + i);
      break;
    }
    case OCI_K_KV: {
      const oci_kv *kv = (const oci_kv *)arr + i;
      gen_str(g, kv->key ? kv->key : "");
      if (kv->value)
        gen_str(g, kv->value);
      else
        yajl_gen_null(g);
      break;
    }
    case OCI_K_OBJECTS:
    case OCI_K_OBJMAP: {
      const void *elem = (const char *)arr + i * f->type->size;
      if (f->kind == OCI_K_OBJMAP) {
        const char *key = *(char *const *)elem;
        gen_str(g, key ? key : "");
      }
      oci_encode_object(g, f->type, elem);
      break;
    }
    default:
      break;
    }
  }
  if (is_map)
    yajl_gen_map_close(g);
  else
    yajl_gen_array_close(g);
}

void oci_encode_object(yajl_gen g, const oci_type *t, const void *obj) {
  yajl_gen_map_open(g);
  for (size_t i = 0; i < t->nfields; i++)
    encode_field(g, &t->fields[i], obj);
  yajl_gen_map_close(g);
}

char *oci_encode_root(const oci_type *t, const void *obj) {
  if (!obj) return NULL;
  yajl_gen g = yajl_gen_alloc(NULL);
  if (!g) abort();
  oci_encode_object(g, t, obj);
  const unsigned char *buf;
  size_t len;
  char *out = NULL;
  if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok) {
    out = sk_xmalloc(len + 1);
    memcpy(out, buf, len);
    out[len] = 0;
  }
  yajl_gen_free(g);
  return out;
}

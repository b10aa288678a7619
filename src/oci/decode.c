/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The generic decoder: JSON text -> yajl tree (with a syntax pre-pass that
 * knows line:column and limits nesting), then tree -> C structs, driven by
 * the field tables of schema.c. Every problem is recorded with its JSON path;
 * decoding goes on after a problem so that all of them are reported.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "schema.h"
#include "skiff/util.h"

/* Deeper than any config.json needs; keeps the recursive tree free bounded. */
#define OCI_MAX_DEPTH 64

void oci_fail(oci_errors *e, const char *path, const char *fmt, ...) {
  /* Every problem is counted, even past the cap: an object's cross-field validator runs only
   * when decoding it added none, and relies on its fields then being set. */
  e->count++;
  if (e->count > OCI_MAX_ERRORS + 1) return;
  if (e->count == OCI_MAX_ERRORS + 1) {
    sk_error_set(&e->list, 0, NULL, "too many problems; stopped after %d", OCI_MAX_ERRORS);
    return;
  }
  va_list ap;
  va_start(ap, fmt);
  sk_error_setv(&e->list, 0, path && *path ? path : NULL, fmt, ap);
  va_end(ap);
}

/* ---- messages and paths ---------------------------------------------------------------- */

char *oci_quote(const char *s) {
  const size_t max = 64;
  size_t n = strlen(s), i, o = 0;
  char *q = sk_xmalloc(max * 4 + 8);
  q[o++] = '"';
  for (i = 0; i < n && i < max; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') {
      q[o++] = '\\';
      q[o++] = (char)c;
    } else if (c < 0x20 || c == 0x7f) {
      o += (size_t)snprintf(q + o, 5, "\\x%02x", c);
    } else {
      q[o++] = (char)c;
    }
  }
  q[o++] = '"';
  if (i < n) {
    memcpy(q + o, "...", 3);
    o += 3;
  }
  q[o] = 0;
  return q;
}

/* Map keys become part of paths: keep them printable and short. */
static char *printable_key(const char *key) {
  size_t n = strnlen(key, 128);
  char *k = sk_xmalloc(n + 4);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)key[i];
    k[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
  }
  strcpy(k + n, key[n] ? "..." : "");
  return k;
}

char *oci_path_key(const char *path, const char *key) {
  _cleanup_free_ char *k = printable_key(key);
  return *path ? sk_xasprintf("%s.%s", path, k) : sk_xstrdup(k);
}

char *oci_path_index(const char *path, size_t i) {
  return sk_xasprintf("%s[%zu]", path, i);
}

const char *oci_json_type_name(yajl_val v) {
  if (!v || YAJL_IS_NULL(v)) return "null";
  if (YAJL_IS_STRING(v)) return "string";
  if (YAJL_IS_NUMBER(v)) {
    const char *r = YAJL_GET_NUMBER(v);
    return strpbrk(r, ".eE") ? "non-integer number" : "integer";
  }
  if (YAJL_IS_OBJECT(v)) return "object";
  if (YAJL_IS_ARRAY(v)) return "array";
  return "boolean";
}

static const char *kind_name(oci_kind k) {
  switch (k) {
  case OCI_K_STRING:
    return "string";
  case OCI_K_BOOL:
    return "boolean";
  case OCI_K_INT:
  case OCI_K_UINT:
    return "integer";
  case OCI_K_OBJECT:
  case OCI_K_KV:
  case OCI_K_OBJMAP:
    return "object";
  default:
    return "array";
  }
}

static void fail_type(oci_errors *e, const char *path, const char *want, yajl_val v) {
  oci_fail(e, path, "expected %s, got %s", want, oci_json_type_name(v));
}

/* ---- syntax pass ----------------------------------------------------------------------- */

typedef struct {
  unsigned depth;
  const char *why;
} scan_state;

static int scan_open(void *ctx) {
  scan_state *s = ctx;
  if (++s->depth > OCI_MAX_DEPTH) {
    s->why = "objects and arrays nested deeper than 64 levels";
    return 0;
  }
  return 1;
}
static int scan_close(void *ctx) {
  ((scan_state *)ctx)->depth--;
  return 1;
}
static int scan_string(void *ctx, const unsigned char *s, size_t len) {
  if (memchr(s, 0, len)) {
    ((scan_state *)ctx)->why = "string contains a NUL character (\\u0000)";
    return 0;
  }
  return 1;
}
static int scan_null(void *ctx) {
  return ctx != NULL;
}
static int scan_bool(void *ctx, int b) {
  return ctx != NULL || b;
}
static int scan_number(void *ctx, const char *s, size_t len) {
  return ctx != NULL || s || len;
}

static const yajl_callbacks scan_callbacks = {
    .yajl_null = scan_null,
    .yajl_boolean = scan_bool,
    .yajl_number = scan_number,
    .yajl_string = scan_string,
    .yajl_start_map = scan_open,
    .yajl_map_key = scan_string,
    .yajl_end_map = scan_close,
    .yajl_start_array = scan_open,
    .yajl_end_array = scan_close,
};

static void line_col(const char *json, size_t off, size_t *line, size_t *col) {
  *line = 1;
  *col = 1;
  for (size_t i = 0; i < off; i++) {
    if (json[i] == '\n') {
      (*line)++;
      *col = 1;
    } else {
      (*col)++;
    }
  }
}

static bool number_or_word(char c) {
  return isalnum((unsigned char)c) || (c && strchr("+-.", c));
}

/* Where the token that ends at offset `end` starts: yajl has consumed all of the offending token
 * when it reports a parse error or its callback refuses a value. (Except after a map's value:
 * there it steps back by the token's length, to the token's start, or into a string past its
 * opening quote.) */
static size_t token_start(const char *json, size_t end) {
  if (end == 0) return 0;
  size_t i = end - 1;
  if (json[i] == '"') {
    /* a string: back to the quote that no (odd run of) backslash escapes */
    while (i-- > 0) {
      size_t bs = 0;
      while (bs < i && json[i - 1 - bs] == '\\')
        bs++;
      if (json[i] == '"' && bs % 2 == 0) return i;
    }
    return 0;
  }
  while (i > 0 && number_or_word(json[i]) && number_or_word(json[i - 1]))
    i--;
  return i;
}

int oci_json_tree(const char *json, size_t len, const char *what, yajl_val *out, sk_error **err) {
  if (len > OCI_CONFIG_MAX_SIZE)
    return sk_error_set(err, EFBIG, NULL, "%s is too large (%zu bytes, at most %u)", what, len,
                        OCI_CONFIG_MAX_SIZE);
  scan_state st = {0};
  yajl_handle h = yajl_alloc(&scan_callbacks, NULL, &st);
  if (!h) abort();
  yajl_status s = yajl_parse(h, (const unsigned char *)json, len);
  bool at_end = false;
  if (s == yajl_status_ok) {
    s = yajl_complete_parse(h);
    at_end = true;
  }
  if (s != yajl_status_ok) {
    size_t off = at_end ? len : yajl_get_bytes_consumed(h), line, col;
    if (off > len) off = len;
    char *why = NULL;
    if (s == yajl_status_client_canceled) {
      why = sk_xstrdup(st.why ? st.why : "rejected");
    } else {
      unsigned char *ye = yajl_get_error(h, 0, NULL, 0);
      why = sk_xstrdup(ye ? (const char *)ye : "invalid JSON");
      if (ye) yajl_free_error(h, ye);
      why[strcspn(why, "\n")] = 0;
    }
    /* Point at the offending token: a lexical error's offset is at the bad byte already; after
     * a parse error or a refused value it is past the token; what only the end of the input
     * shows (premature EOF) is at the end (yajl's count there is of the final, empty chunk). */
    if (at_end)
      off = len;
    else if (strstr(why, "after key and value"))
      off = off >= 2 && json[off - 2] == '"' ? off - 2 : off; /* rewound: see token_start */
    else if (strncmp(why, "lexical", 7) != 0)
      off = token_start(json, off);
    line_col(json, off, &line, &col);
    yajl_free(h);
    sk_error_set(err, 0, NULL, "%s: JSON syntax error at line %zu, column %zu (%zu:%zu): %s", what,
                 line, col, line, col, why);
    free(why);
    return -1;
  }
  yajl_free(h);

  _cleanup_free_ char *copy = sk_xmalloc(len + 1);
  memcpy(copy, json, len);
  copy[len] = 0;
  char ebuf[256] = "";
  yajl_val tree = yajl_tree_parse(copy, ebuf, sizeof(ebuf));
  if (!tree) {
    ebuf[strcspn(ebuf, "\n")] = 0;
    return sk_error_set(err, 0, NULL, "%s: JSON syntax error: %s", what, ebuf);
  }
  *out = tree;
  return 0;
}

/* ---- scalars --------------------------------------------------------------------------- */

static void store_int(void *dst, unsigned width, uint64_t v) {
  switch (width) {
  case 1:
    *(uint8_t *)dst = (uint8_t)v;
    break;
  case 2:
    *(uint16_t *)dst = (uint16_t)v;
    break;
  case 4:
    *(uint32_t *)dst = (uint32_t)v;
    break;
  default:
    *(uint64_t *)dst = v;
    break;
  }
}

/* Returns 0 and stores the value, or records the problem and returns -1. */
static int decode_number(const oci_field *f, yajl_val v, void *dst, const char *path,
                         oci_errors *e) {
  if (!YAJL_IS_NUMBER(v) || strpbrk(YAJL_GET_NUMBER(v), ".eE")) {
    fail_type(e, path, "integer", v);
    return -1;
  }
  const char *raw = YAJL_GET_NUMBER(v);
  bool range_ok;
  uint64_t bits;
  char *end;
  errno = 0;
  if (f->kind == OCI_K_INT) {
    long long x = strtoll(raw, &end, 10);
    range_ok = errno == 0 && *end == 0 && x >= f->min && x <= (int64_t)f->max;
    bits = (uint64_t)x;
  } else {
    bool neg = raw[0] == '-';
    unsigned long long x = strtoull(neg ? raw + 1 : raw, &end, 10);
    range_ok = errno == 0 && *end == 0 && x <= f->max && (!neg || x == 0);
    bits = neg ? 0 : x;
  }
  if (!range_ok) {
    char shown[48];
    snprintf(shown, sizeof(shown), "%.40s%s", raw, strlen(raw) > 40 ? "..." : "");
    if (f->kind == OCI_K_INT)
      oci_fail(e, path, "%s is out of range %" PRId64 "..%" PRId64, shown, f->min, (int64_t)f->max);
    else
      oci_fail(e, path, "%s is out of range 0..%" PRIu64, shown, f->max);
    return -1;
  }
  store_int(dst, f->width, bits);
  return 0;
}

/* A string value with the field's enum / check; returns a copy or NULL (problem recorded). */
static char *decode_string(const oci_field *f, yajl_val v, const char *path, oci_errors *e) {
  if (!YAJL_IS_STRING(v)) {
    fail_type(e, path, "string", v);
    return NULL;
  }
  const char *s = YAJL_GET_STRING(v);
  if (f->enums && !oci_str_in(s, f->enums)) {
    size_t n = 0;
    for (const char *const *p = f->enums; *p; p++)
      n += strlen(*p) + 2;
    _cleanup_free_ char *list = sk_xcalloc(1, n + 1);
    for (const char *const *p = f->enums; *p; p++) {
      if (p != f->enums) strcat(list, ", ");
      strcat(list, *p);
    }
    _cleanup_free_ char *q = oci_quote(s);
    oci_fail(e, path, "%s is not one of %s", q, list);
    return NULL;
  }
  const char *why = f->check ? f->check(s) : NULL;
  if (why) {
    _cleanup_free_ char *q = oci_quote(s);
    oci_fail(e, path, "%s %s", q, why);
    return NULL;
  }
  return sk_xstrdup(s);
}

/* ---- fields ---------------------------------------------------------------------------- */

#define AT(obj, off) ((void *)((char *)(obj) + (off)))

static void decode_object_value(const oci_type *t, yajl_val v, void *obj, const char *path,
                                oci_errors *e) {
  if (!YAJL_IS_OBJECT(v)) {
    fail_type(e, path, "object", v);
    return;
  }
  oci_decode_object(t, v, obj, path, e);
}

static void decode_field(const oci_field *f, yajl_val v, void *obj, const char *path,
                         oci_errors *e) {
  void *dst = AT(obj, f->off);
  size_t n = 0;
  if (f->kind >= OCI_K_STRINGS) {
    bool is_map = f->kind == OCI_K_KV || f->kind == OCI_K_OBJMAP;
    if (is_map ? !YAJL_IS_OBJECT(v) : !YAJL_IS_ARRAY(v)) {
      fail_type(e, path, is_map ? "object" : "array", v);
      return;
    }
    n = is_map ? v->u.object.len : v->u.array.len;
    if (n < f->min_items) {
      oci_fail(e, path, "must have at least %zu item%s", f->min_items, f->min_items > 1 ? "s" : "");
      return;
    }
    *(size_t *)AT(obj, f->len_off) = n;
  }

  switch (f->kind) {
  case OCI_K_STRING:
    *(char **)dst = decode_string(f, v, path, e);
    return;
  case OCI_K_BOOL:
    if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v)) {
      fail_type(e, path, "boolean", v);
      return;
    }
    *(bool *)dst = YAJL_IS_TRUE(v);
    break;
  case OCI_K_INT:
  case OCI_K_UINT:
    if (decode_number(f, v, dst, path, e) < 0) return;
    break;
  case OCI_K_OBJECT: {
    if (!YAJL_IS_OBJECT(v)) {
      fail_type(e, path, "object", v);
      return;
    }
    void *sub = sk_xcalloc(1, f->type->size);
    *(void **)dst = sub;
    oci_decode_object(f->type, v, sub, path, e);
    return;
  }
  case OCI_K_STRINGS: {
    char **a = sk_xcalloc(n + 1, sizeof(char *));
    *(char ***)dst = a;
    for (size_t i = 0; i < n; i++) {
      _cleanup_free_ char *p = oci_path_index(path, i);
      a[i] = decode_string(f, v->u.array.values[i], p, e);
    }
    return;
  }
  case OCI_K_UINT32S: {
    uint32_t *a = sk_xcalloc(n ? n : 1, sizeof(uint32_t));
    *(uint32_t **)dst = a;
    oci_field item = {.kind = OCI_K_UINT, .width = 4, .max = UINT32_MAX};
    for (size_t i = 0; i < n; i++) {
      _cleanup_free_ char *p = oci_path_index(path, i);
      decode_number(&item, v->u.array.values[i], &a[i], p, e);
    }
    return;
  }
  case OCI_K_OBJECTS: {
    char *a = sk_xcalloc(n ? n : 1, f->type->size);
    *(void **)dst = a;
    for (size_t i = 0; i < n; i++) {
      _cleanup_free_ char *p = oci_path_index(path, i);
      decode_object_value(f->type, v->u.array.values[i], a + i * f->type->size, p, e);
    }
    return;
  }
  case OCI_K_KV: {
    oci_kv *a = sk_xcalloc(n ? n : 1, sizeof(oci_kv));
    *(oci_kv **)dst = a;
    oci_field item = {.kind = OCI_K_STRING};
    for (size_t i = 0; i < n; i++) {
      _cleanup_free_ char *p = oci_path_key(path, v->u.object.keys[i]);
      a[i].key = sk_xstrdup(v->u.object.keys[i]);
      a[i].value = decode_string(&item, v->u.object.values[i], p, e);
    }
    return;
  }
  case OCI_K_OBJMAP: {
    char *a = sk_xcalloc(n ? n : 1, f->type->size);
    *(void **)dst = a;
    for (size_t i = 0; i < n; i++) {
      _cleanup_free_ char *p = oci_path_key(path, v->u.object.keys[i]);
      void *elem = a + i * f->type->size;
      *(char **)elem = sk_xstrdup(v->u.object.keys[i]);
      decode_object_value(f->type, v->u.object.values[i], elem, p, e);
    }
    return;
  }
  }
  if (f->has_off) *(bool *)AT(obj, f->has_off) = true;
}

void oci_decode_object(const oci_type *t, yajl_val v, void *obj, const char *path, oci_errors *e) {
  uint64_t seen = 0;
  int before = e->count;
  for (size_t k = 0; k < v->u.object.len; k++) {
    const char *key = v->u.object.keys[k];
    yajl_val val = v->u.object.values[k];
    size_t i;
    for (i = 0; i < t->nfields; i++)
      if (strcmp(t->fields[i].key, key) == 0) break;
    if (i == t->nfields) continue; /* unknown fields are ignored (spec) */
    const oci_field *f = &t->fields[i];
    if (seen & (UINT64_C(1) << i)) oci_free_field(f, obj); /* duplicate key: the last wins */
    seen |= UINT64_C(1) << i;
    _cleanup_free_ char *p = oci_path_key(path, key);
    if (YAJL_IS_NULL(val)) {
      /* null means absent (as Go's encoding/json has it), except where required */
      if (f->required) fail_type(e, p, kind_name(f->kind), val);
      continue;
    }
    decode_field(f, val, obj, p, e);
  }
  for (size_t i = 0; i < t->nfields; i++) {
    if (!t->fields[i].required || (seen & (UINT64_C(1) << i))) continue;
    _cleanup_free_ char *p = oci_path_key(path, t->fields[i].key);
    oci_fail(e, p, "missing required field");
  }
  if (t->validate && e->count == before) t->validate(obj, path, e);
}

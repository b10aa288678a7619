/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The table-driven description of config.json: one field table per object of
 * the schema. The decoder, encoder and free function of src/oci/ all walk it.
 * Private to src/oci/.
 */
#ifndef SKIFF_OCI_SCHEMA_H
#define SKIFF_OCI_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "skiff/error.h"
#include "skiff/oci.h"

typedef enum {
  OCI_K_STRING,  /* char * */
  OCI_K_BOOL,    /* bool */
  OCI_K_INT,     /* signed integer of `width` bytes, min..max */
  OCI_K_UINT,    /* unsigned integer of `width` bytes, 0..max */
  OCI_K_OBJECT,  /* T * (NULL when absent) */
  OCI_K_STRINGS, /* char ** + len, NULL-terminated */
  OCI_K_UINT32S, /* uint32_t * + len */
  OCI_K_OBJECTS, /* T * + len (array of structs) */
  OCI_K_KV,      /* oci_kv * + len (map of strings) */
  OCI_K_OBJMAP,  /* T * + len, T starts with `char *key` (map of objects) */
} oci_kind;

/* A check on a string value: NULL if fine, else the reason (a static string). */
typedef const char *(*oci_check_fn)(const char *s);

struct oci_type;

typedef struct oci_field {
  const char *key; /* JSON key */
  oci_kind kind;
  uint8_t width; /* INT / UINT: bytes of the C field */
  bool required;
  size_t off;                  /* offset of the value */
  size_t has_off;              /* offset of has_<field>, 0 = none (required scalars) */
  size_t len_off;              /* arrays and maps: offset of <field>_len */
  int64_t min;                 /* INT */
  uint64_t max;                /* INT / UINT */
  size_t min_items;            /* arrays */
  const struct oci_type *type; /* OBJECT / OBJECTS / OBJMAP */
  const char *const *enums;    /* STRING / STRINGS items: allowed values */
  oci_check_fn check;          /* STRING / STRINGS items: further check */
} oci_field;

/* The problems found so far: count is all of them; list holds at most OCI_MAX_ERRORS, then one
 * "too many" note. */
#define OCI_MAX_ERRORS 100
typedef struct oci_errors {
  sk_error *list;
  int count;
} oci_errors;
/* Record a problem at a JSON path (path "" = the document). */
void oci_fail(oci_errors *e, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Cross-field checks of one decoded object; path is its JSON path. */
typedef void (*oci_validate_fn)(const void *obj, const char *path, oci_errors *e);

typedef struct oci_type {
  const char *name;
  size_t size;
  const oci_field *fields;
  size_t nfields;
  oci_validate_fn validate;
} oci_type;

/* The tables (schema.c). */
extern const oci_type oci_config_type;
extern const oci_type oci_process_type;
extern const oci_type *const oci_resources_type; /* linux.resources alone (update) */

/* decode.c: decode a JSON object into a zeroed struct of `type`; errors appended.
 * Returns the number of errors added. */
void oci_decode_object(const oci_type *type, yajl_val v, void *obj, const char *path,
                       oci_errors *e);
/* decode.c: check the syntax of json and parse it into a tree. */
int oci_json_tree(const char *json, size_t len, const char *what, yajl_val *out, sk_error **err);
/* "object", "string", ... */
const char *oci_json_type_name(yajl_val v);
/* A quoted, escaped, truncated copy of an untrusted string, for messages. Caller frees. */
char *oci_quote(const char *s);

/* encode.c */
void oci_encode_object(yajl_gen g, const oci_type *type, const void *obj);
char *oci_encode_root(const oci_type *type, const void *obj);

/* free.c: free what the fields of obj own (not obj itself); one field alone. */
void oci_free_fields(const oci_type *type, void *obj);
void oci_free_field(const oci_field *f, void *obj);

/* validate.c: the string checks and per-object validators used by the tables. */
const char *oci_check_version(const char *s);
const char *oci_check_absolute(const char *s);
const char *oci_check_rlimit(const char *s);
const char *oci_check_capability(const char *s);
const char *oci_check_cpu_list(const char *s);
const char *oci_check_page_size(const char *s);
const char *oci_check_device_type(const char *s);
const char *oci_check_cgroup_access(const char *s);
const char *oci_check_mem_bw(const char *s);
void oci_validate_process(const void *obj, const char *path, oci_errors *e);
void oci_validate_linux(const void *obj, const char *path, oci_errors *e);
/* "a.b" / "b": the path of a child; "a[3]": of an item. Caller frees. */
char *oci_path_key(const char *path, const char *key);
char *oci_path_index(const char *path, size_t i);

#endif

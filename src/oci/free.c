/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Freeing a decoded config, driven by the field tables. */
#include <stdlib.h>

#include "schema.h"

#define AT(obj, off) ((void *)((char *)(obj) + (off)))

void oci_free_field(const oci_field *f, void *obj) {
  void *dst = AT(obj, f->off);
  size_t n = f->len_off ? *(size_t *)AT(obj, f->len_off) : 0;
  switch (f->kind) {
  case OCI_K_STRING:
    free(*(char **)dst);
    *(char **)dst = NULL;
    return;
  case OCI_K_BOOL:
  case OCI_K_INT:
  case OCI_K_UINT:
    if (f->has_off) *(bool *)AT(obj, f->has_off) = false;
    return;
  case OCI_K_OBJECT: {
    void *sub = *(void **)dst;
    if (sub) oci_free_fields(f->type, sub);
    free(sub);
    break;
  }
  case OCI_K_STRINGS: {
    char **a = *(char ***)dst;
    for (size_t i = 0; a && i < n; i++)
      free(a[i]);
    free(a);
    break;
  }
  case OCI_K_UINT32S:
    free(*(void **)dst);
    break;
  case OCI_K_KV: {
    oci_kv *a = *(oci_kv **)dst;
    for (size_t i = 0; a && i < n; i++) {
      free(a[i].key);
      free(a[i].value);
    }
    free(a);
    break;
  }
  case OCI_K_OBJECTS:
  case OCI_K_OBJMAP: {
    char *a = *(char **)dst;
    for (size_t i = 0; a && i < n; i++) {
      void *elem = a + i * f->type->size;
      if (f->kind == OCI_K_OBJMAP) free(*(char **)elem);
      oci_free_fields(f->type, elem);
    }
    free(a);
    break;
  }
  }
  *(void **)dst = NULL;
  if (f->len_off) *(size_t *)AT(obj, f->len_off) = 0;
}

void oci_free_fields(const oci_type *t, void *obj) {
  for (size_t i = 0; i < t->nfields; i++)
    oci_free_field(&t->fields[i], obj);
}

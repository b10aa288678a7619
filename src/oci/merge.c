/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Merging one decoded object into another (update: new linux.resources over the kept ones),
 * driven by the field tables. */
#include <stdlib.h>
#include <string.h>

#include "schema.h"

#define AT(obj, off) ((void *)((char *)(obj) + (off)))

/* What src sets replaces dst's: scalars and strings one by one, objects field by field,
 * arrays and maps as a whole. What moves is taken out of src. */
static void merge_fields(const oci_type *t, void *dst, void *src) {
  for (size_t i = 0; i < t->nfields; i++) {
    const oci_field *f = &t->fields[i];
    void *d = AT(dst, f->off), *s = AT(src, f->off);
    switch (f->kind) {
    case OCI_K_BOOL:
    case OCI_K_INT:
    case OCI_K_UINT:
      if (f->has_off && !*(bool *)AT(src, f->has_off)) continue;
      memcpy(d, s, f->kind == OCI_K_BOOL ? sizeof(bool) : f->width);
      if (f->has_off) *(bool *)AT(dst, f->has_off) = true;
      continue;
    case OCI_K_OBJECT:
      if (!*(void **)s) continue;
      if (*(void **)d) {
        merge_fields(f->type, *(void **)d, *(void **)s);
        continue;
      }
      break;
    default:
      if (!*(void **)s) continue;
      break;
    }
    /* a pointer (and its length) moves */
    oci_free_field(f, dst);
    *(void **)d = *(void **)s;
    *(void **)s = NULL;
    if (f->len_off) {
      *(size_t *)AT(dst, f->len_off) = *(size_t *)AT(src, f->len_off);
      *(size_t *)AT(src, f->len_off) = 0;
    }
  }
}

void oci_resources_merge(oci_resources *dst, oci_resources *src) {
  merge_fields(oci_resources_type, dst, src);
}

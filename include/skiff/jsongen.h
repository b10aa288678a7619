/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Thin helpers over yajl_gen for the JSON skiff prints or stores (state, spec, features). */
#ifndef SKIFF_JSONGEN_H
#define SKIFF_JSONGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <yajl/yajl_gen.h>

/* A generator; indent NULL = compact, else beautified with that indent string. */
yajl_gen sk_jg_new(const char *indent);
/* The text generated so far (NUL-terminated copy, caller frees); frees the generator. */
char *sk_jg_finish(yajl_gen g);

void sk_jg_str(yajl_gen g, const char *s); /* NULL -> null */
void sk_jg_int(yajl_gen g, long long v);
void sk_jg_bool(yajl_gen g, bool v);
void sk_jg_key(yajl_gen g, const char *key);
void sk_jg_kv_str(yajl_gen g, const char *key, const char *v);
void sk_jg_kv_int(yajl_gen g, const char *key, long long v);
void sk_jg_kv_bool(yajl_gen g, const char *key, bool v);
/* key: [ "a", "b", ... ] from a NULL-terminated array or n entries (n < 0: NULL-terminated). */
void sk_jg_kv_strv(yajl_gen g, const char *key, const char *const *v, long n);

#endif

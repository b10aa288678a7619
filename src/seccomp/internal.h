/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by seccomp.c (compiling) and cache.c (the compiled programs kept on disk). */
#ifndef SKIFF_SECCOMP_INTERNAL_H
#define SKIFF_SECCOMP_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "skiff/seccomp.h"

/* A growing byte string: the cache key. */
typedef struct {
  unsigned char *data;
  size_t len, cap;
} sk_seccomp_buf;

void sk_seccomp_buf_add(sk_seccomp_buf *b, const void *p, size_t n);
/* A string as its length (4 bytes) and bytes, so that no two sequences of strings give the
 * same key; NULL is length 0xffffffff. */
void sk_seccomp_buf_str(sk_seccomp_buf *b, const char *s);
void sk_seccomp_buf_u64(sk_seccomp_buf *b, uint64_t v);

/* 64-bit FNV-1a of data, continuing from h (start with SK_SECCOMP_FNV_SEED). */
#define SK_SECCOMP_FNV_SEED 0xcbf29ce484222325ULL
uint64_t sk_seccomp_fnv(uint64_t h, const void *data, size_t len);

/*
 * The cache: <state root>/.seccomp:cache/<16 hex digits of the key's hash>, one compiled
 * program a file. A file is used only when its whole key equals ours (not just the hash) and
 * its checksum is right; the directory only when it is ours and nobody else can write to it.
 * Lookups and stores never fail the container: a problem is a warning (or a debug line) and
 * the profile is compiled as if there were no cache.
 */

/* The cached program for key into *f (insns malloc'd): 1 = hit, 0 = miss (absent, corrupt:
 * then removed, or the cache is unusable: then *usable is false). */
int sk_seccomp_cache_get(const char *root, const sk_seccomp_buf *key, sk_seccomp_filter *f,
                         bool *usable);
/* Store f for key (tmp file + rename), evicting the oldest entries beyond the cap. */
void sk_seccomp_cache_put(const char *root, const sk_seccomp_buf *key, const sk_seccomp_filter *f);

/* Entries kept at most. */
#define SK_SECCOMP_CACHE_MAX 64

#endif

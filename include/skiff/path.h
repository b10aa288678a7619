/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Resolving paths inside a hostile root without following symlinks out of it. */
#ifndef SKIFF_PATH_H
#define SKIFF_PATH_H

#include <sys/types.h>

#include "skiff/error.h"

/* Open `path` (absolute or relative, interpreted inside the root) under rootfd, as if rootfd were
 * "/": symlinks and ".." are resolved inside it (openat2 RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS,
 * or an equivalent component walk where openat2 is missing). flags as for openat (O_CLOEXEC added). */
int sk_path_open_in_root(int rootfd, const char *path, int flags, mode_t mode, sk_error **err);

/* Like mkdir -p inside the root; returns an O_PATH|O_DIRECTORY fd of the last directory. */
int sk_path_mkdirs_in_root(int rootfd, const char *path, mode_t mode, sk_error **err);

#endif

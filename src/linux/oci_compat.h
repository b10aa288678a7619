/* SPDX-License-Identifier: GPL-2.0-or-later */
/* TEMPORARY: the config model types the rootfs code uses, until include/skiff/oci.h is merged. */
#ifndef SKIFF_LINUX_OCI_COMPAT_H
#define SKIFF_LINUX_OCI_COMPAT_H

#if __has_include("skiff/oci.h")
#include "skiff/oci.h"
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#undef linux

typedef struct {
  char *key;
  char *value;
} oci_kv;

typedef struct oci_id_mapping {
  uint32_t container_id;
  uint32_t host_id;
  uint32_t size;
} oci_id_mapping;

typedef struct oci_root {
  char *path;
  bool readonly;
} oci_root;

typedef struct oci_mount {
  char *destination;
  char *type;
  char *source;
  char **options;
  size_t options_len;
  oci_id_mapping *uid_mappings;
  size_t uid_mappings_len;
  oci_id_mapping *gid_mappings;
  size_t gid_mappings_len;
} oci_mount;

typedef struct oci_device {
  char *type;
  char *path;
  int64_t major;
  bool has_major;
  int64_t minor;
  bool has_minor;
  uint32_t file_mode;
  bool has_file_mode;
  uint32_t uid;
  bool has_uid;
  uint32_t gid;
  bool has_gid;
} oci_device;

typedef struct oci_linux {
  oci_device *devices;
  size_t devices_len;
  char **masked_paths;
  size_t masked_paths_len;
  char **readonly_paths;
  size_t readonly_paths_len;
  oci_kv *sysctl;
  size_t sysctl_len;
  char *rootfs_propagation;
  char *mount_label;
} oci_linux;

typedef struct oci_config {
  oci_root *root;
  oci_mount *mounts;
  size_t mounts_len;
  oci_linux *linux;
} oci_config;
#endif

#endif

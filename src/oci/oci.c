/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Temporary stub of the config model entry points (the parser follows). */
#include <stdlib.h>

#include "skiff/oci.h"
#include "skiff/util.h"

int oci_config_parse(const char *json, size_t len, oci_config **out, sk_error **err) {
  (void)json, (void)len, (void)out;
  return sk_error_set(err, 0, NULL, "config parser not implemented yet");
}
int oci_config_load(const char *path, oci_config **out, sk_error **err) {
  (void)out;
  return sk_error_set(err, 0, path, "config parser not implemented yet");
}
void oci_config_free(oci_config *c) {
  free(c);
}
int oci_process_parse(const char *json, size_t len, oci_process **out, sk_error **err) {
  (void)json, (void)len, (void)out;
  return sk_error_set(err, 0, NULL, "process parser not implemented yet");
}
int oci_process_load(const char *path, oci_process **out, sk_error **err) {
  (void)out;
  return sk_error_set(err, 0, path, "process parser not implemented yet");
}
void oci_process_free(oci_process *p) {
  free(p);
}
char *oci_config_to_json(const oci_config *c) {
  (void)c;
  return NULL;
}
char *oci_process_to_json(const oci_process *p) {
  (void)p;
  return NULL;
}
bool oci_str_in(const char *s, const char *const *list) {
  (void)s, (void)list;
  return false;
}
const oci_namespace *oci_config_namespace(const oci_config *c, const char *type) {
  (void)c, (void)type;
  return NULL;
}

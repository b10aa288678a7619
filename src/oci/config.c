/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Entry points of the config model: parse / load / free / encode a config or a process. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "skiff/util.h"

/* Platform objects other than linux: a config for one of them needs no root. */
static const char *const OTHER_PLATFORMS[] = {"solaris", "windows", "vm", "zos", "freebsd", NULL};

static void append_errors(sk_error **err, sk_error *list) {
  if (!err) {
    sk_error_free(list);
    return;
  }
  while (*err)
    err = &(*err)->next;
  *err = list;
}

/* base: the JSON path of the object in a config ("" for the config itself). */
static void *parse_at(const oci_type *t, const char *base, const char *json, size_t len,
                      const char *what, sk_error **err) {
  yajl_val tree = NULL;
  if (!json) return sk_error_set(err, EINVAL, NULL, "%s: no input", what), NULL;
  if (oci_json_tree(json, len, what, &tree, err) < 0) return NULL;
  if (!YAJL_IS_OBJECT(tree)) {
    sk_error_set(err, 0, NULL, "%s: expected a JSON object, got %s", what,
                 oci_json_type_name(tree));
    yajl_tree_free(tree);
    return NULL;
  }
  oci_errors e = {0};
  void *obj = sk_xcalloc(1, t->size);
  oci_decode_object(t, tree, obj, base, &e);
  if (t == &oci_config_type && !((oci_config *)obj)->root) {
    bool other = false;
    for (size_t i = 0; i < tree->u.object.len; i++)
      other = other || oci_str_in(tree->u.object.keys[i], OTHER_PLATFORMS);
    if (((oci_config *)obj)->linux || !other)
      oci_fail(&e, "root", "missing required field (required on Linux)");
  }
  yajl_tree_free(tree);
  if (e.list) {
    oci_free_fields(t, obj);
    free(obj);
    append_errors(err, e.list);
    return NULL;
  }
  return obj;
}

static void *parse_root(const oci_type *t, const char *json, size_t len, const char *what,
                        sk_error **err) {
  return parse_at(t, "", json, len, what, err);
}

int oci_config_parse(const char *json, size_t len, oci_config **out, sk_error **err) {
  oci_config *c = parse_root(&oci_config_type, json, len, "config", err);
  if (!c) return -1;
  *out = c;
  return 0;
}

int oci_process_parse(const char *json, size_t len, oci_process **out, sk_error **err) {
  oci_process *p = parse_root(&oci_process_type, json, len, "process", err);
  if (!p) return -1;
  *out = p;
  return 0;
}

static int load(const char *path, char **buf, size_t *len, const char *what, sk_error **err) {
  if (sk_read_file(path, buf, len, OCI_CONFIG_MAX_SIZE + 1, err) < 0) {
    if (err && *err) sk_error_prefix(*err, "reading the %s", what);
    return -1;
  }
  return 0;
}

int oci_config_load(const char *path, oci_config **out, sk_error **err) {
  _cleanup_free_ char *buf = NULL;
  size_t len = 0;
  if (load(path, &buf, &len, "config", err) < 0) return -1;
  oci_config *c = parse_root(&oci_config_type, buf, len, path, err);
  if (!c) return -1;
  *out = c;
  return 0;
}

int oci_process_load(const char *path, oci_process **out, sk_error **err) {
  _cleanup_free_ char *buf = NULL;
  size_t len = 0;
  if (load(path, &buf, &len, "process", err) < 0) return -1;
  oci_process *p = parse_root(&oci_process_type, buf, len, path, err);
  if (!p) return -1;
  *out = p;
  return 0;
}

int oci_resources_parse(const char *json, size_t len, const char *what, oci_resources **out,
                        sk_error **err) {
  oci_resources *r = parse_at(oci_resources_type, "linux.resources", json, len, what, err);
  if (!r) return -1;
  *out = r;
  return 0;
}

void oci_resources_free(oci_resources *r) {
  if (!r) return;
  oci_free_fields(oci_resources_type, r);
  free(r);
}

void oci_config_free(oci_config *c) {
  if (!c) return;
  oci_free_fields(&oci_config_type, c);
  free(c);
}

void oci_process_free(oci_process *p) {
  if (!p) return;
  oci_free_fields(&oci_process_type, p);
  free(p);
}

char *oci_config_to_json(const oci_config *c) {
  return oci_encode_root(&oci_config_type, c);
}

char *oci_process_to_json(const oci_process *p) {
  return oci_encode_root(&oci_process_type, p);
}

const oci_namespace *oci_config_namespace(const oci_config *c, const char *type) {
  if (!c || !c->linux) return NULL;
  for (size_t i = 0; i < c->linux->namespaces_len; i++)
    if (c->linux->namespaces[i].type && strcmp(c->linux->namespaces[i].type, type) == 0)
      return &c->linux->namespaces[i];
  return NULL;
}

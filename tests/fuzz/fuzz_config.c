/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target of the config parser. Each input is parsed both as a config
 * (oci_config_parse) and as a process (oci_process_parse). What parses is encoded, and the
 * encoding must parse again and encode to the same text; what fails must say why. Besides
 * crashes, leaks and sanitizer reports, a broken round trip is a finding (abort).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skiff/oci.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void finding(const char *what, const char *a, const char *b) {
  fprintf(stderr, "fuzz_config: %s\n  %s\n  %s\n", what, a ? a : "", b ? b : "");
  abort();
}

/* The two documents, behind one interface. */
typedef struct {
  const char *name;
  void *(*parse)(const char *json, size_t len, sk_error **err);
  char *(*encode)(const void *doc);
  void (*free)(void *doc);
} doc_kind;

static void *parse_config(const char *json, size_t len, sk_error **err) {
  oci_config *c = NULL;
  if (oci_config_parse(json, len, &c, err) < 0 && c) finding("a failed parse set its output", 0, 0);
  return c;
}
static char *encode_config(const void *c) {
  return oci_config_to_json(c);
}
static void free_config(void *c) {
  oci_config_free(c);
}
static void *parse_process(const char *json, size_t len, sk_error **err) {
  oci_process *p = NULL;
  if (oci_process_parse(json, len, &p, err) < 0 && p)
    finding("a failed parse set its output", 0, 0);
  return p;
}
static char *encode_process(const void *p) {
  return oci_process_to_json(p);
}
static void free_process(void *p) {
  oci_process_free(p);
}

static const doc_kind config_kind = {"config", parse_config, encode_config, free_config};
static const doc_kind process_kind = {"process", parse_process, encode_process, free_process};

/* A failed parse: at least one error, each with a message that formats. */
static void check_errors(sk_error *err) {
  if (!err) finding("a parse failed without an error", NULL, NULL);
  for (const sk_error *e = err; e; e = e->next) {
    char *s = sk_error_format(e);
    if (!e->msg || !s || !*s) finding("an error without a message", e->path, NULL);
    free(s);
  }
  sk_error_free(err);
}

/* encode -> parse -> encode gives the same text */
static void round_trip(const doc_kind *k, const void *doc) {
  char *enc = k->encode(doc);
  if (!enc) finding(k->name, "does not encode", NULL);
  sk_error *err = NULL;
  void *again = k->parse(enc, strlen(enc), &err);
  if (!again) finding(k->name, "encoding does not parse", err ? err->msg : NULL);
  char *enc2 = k->encode(again);
  if (!enc2 || strcmp(enc, enc2) != 0) finding(k->name, enc, enc2);
  free(enc2);
  free(enc);
  k->free(again);
}

static void one(const doc_kind *k, const char *json, size_t len) {
  sk_error *err = NULL;
  void *doc = k->parse(json, len, &err);
  if (!doc) {
    check_errors(err);
    return;
  }
  if (err) finding(k->name, "parsed with errors", err->msg);
  if (k == &process_kind) {
    round_trip(k, doc);
  } else {
    const oci_config *c = doc;
    /* A config of another platform has no root; its platform object is not kept, so its
     * encoding is not a complete config: only configs with a root must parse again. */
    if (c->root) round_trip(k, doc);
    /* config.process follows the rules of a process alone */
    if (c->process) round_trip(&process_kind, c->process);
  }
  k->free(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  one(&config_kind, (const char *)data, size);
  one(&process_kind, (const char *)data, size);
  return 0;
}

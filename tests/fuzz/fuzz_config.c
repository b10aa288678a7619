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
static void process_round_trip(const oci_process *p) {
  char *enc = oci_process_to_json(p);
  if (!enc) finding("a parsed process does not encode", NULL, NULL);
  oci_process *again = NULL;
  sk_error *err = NULL;
  if (oci_process_parse(enc, strlen(enc), &again, &err) < 0)
    finding("an encoded process does not parse", enc, err ? err->msg : NULL);
  char *enc2 = oci_process_to_json(again);
  if (!enc2 || strcmp(enc, enc2) != 0) finding("process encoding is not stable", enc, enc2);
  free(enc2);
  free(enc);
  oci_process_free(again);
}

static void config_round_trip(const oci_config *c) {
  char *enc = oci_config_to_json(c);
  if (!enc) finding("a parsed config does not encode", NULL, NULL);
  /* A config of another platform has no root; its platform object is not kept, so its
   * encoding is not a complete config: only configs with a root must parse again. */
  if (c->root) {
    oci_config *again = NULL;
    sk_error *err = NULL;
    if (oci_config_parse(enc, strlen(enc), &again, &err) < 0)
      finding("an encoded config does not parse", enc, err ? err->msg : NULL);
    char *enc2 = oci_config_to_json(again);
    if (!enc2 || strcmp(enc, enc2) != 0) finding("config encoding is not stable", enc, enc2);
    free(enc2);
    oci_config_free(again);
  }
  free(enc);
  /* config.process follows the rules of a process alone */
  if (c->process) process_round_trip(c->process);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *json = (const char *)data;
  sk_error *err = NULL;
  oci_config *c = NULL;
  if (oci_config_parse(json, size, &c, &err) == 0) {
    if (err) finding("a config parsed with errors", err->msg, NULL);
    config_round_trip(c);
    oci_config_free(c);
  } else {
    if (c) finding("a failed config parse set its output", NULL, NULL);
    check_errors(err);
  }

  err = NULL;
  oci_process *p = NULL;
  if (oci_process_parse(json, size, &p, &err) == 0) {
    if (err) finding("a process parsed with errors", err->msg, NULL);
    process_round_trip(p);
    oci_process_free(p);
  } else {
    if (p) finding("a failed process parse set its output", NULL, NULL);
    check_errors(err);
  }
  return 0;
}

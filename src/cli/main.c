/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Placeholder until the CLI lands. */
#include <stdio.h>

#include "skiff/cli.h"

int sk_cli_main(int argc, char **argv) {
  (void)argc, (void)argv;
  fprintf(stderr, "skiff: not implemented yet\n");
  return 1;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "skiff/cli.h"

int main(int argc, char **argv) { return sk_cli_main(argc, argv); }

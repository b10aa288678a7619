/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef SKIFF_CLI_H
#define SKIFF_CLI_H

/* Parse global options and the command, run it, return the process exit status. */
int sk_cli_main(int argc, char **argv);

#endif

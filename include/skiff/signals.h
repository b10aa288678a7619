/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Signal names and numbers (kill's argument, stop signals of the lifecycle). */
#ifndef SKIFF_SIGNALS_H
#define SKIFF_SIGNALS_H

#include "skiff/error.h"

/* Parse a signal: a number (1..SIGRTMAX), or a name with or without "SIG", in any
 * case ("KILL", "sigterm", "SIGRTMIN+3", "RTMAX-1"). Sets *signo. */
int sk_signal_parse(const char *s, int *signo, sk_error **err);

/* "SIGTERM" for 15; "SIGRTMIN+N" names are not returned (NULL for unknown numbers). */
const char *sk_signal_name(int signo);

#endif

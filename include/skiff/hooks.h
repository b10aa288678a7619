/* SPDX-License-Identifier: GPL-2.0-or-later */
/* OCI hooks (config.md "POSIX-platform Hooks"): running one phase's programs, with the state. */
#ifndef SKIFF_HOOKS_H
#define SKIFF_HOOKS_H

#include <stdbool.h>
#include <stddef.h>

#include "skiff/error.h"
#include "skiff/oci.h"
#include "skiff/state.h"

/* The phases, in lifecycle order. Who runs each, and where:
 *   prestart, createRuntime  create: skiff (runtime namespaces), the init paused before pivot_root
 *   createContainer          create: the init (container namespaces), before pivot_root
 *   startContainer           start/run: the init, after pivot_root, just before the program
 *   poststart                start/run: skiff, once the program runs; a failure stops and
 *                            destroys the container (runtime.md lifecycle 9: on to step 12)
 *   poststop                 delete (and a failed create): skiff; failure is a warning */
typedef enum {
  SK_HOOK_PRESTART = 0,
  SK_HOOK_CREATE_RUNTIME,
  SK_HOOK_CREATE_CONTAINER,
  SK_HOOK_START_CONTAINER,
  SK_HOOK_POSTSTART,
  SK_HOOK_POSTSTOP,
} sk_hook_phase;

/* How many hooks the config has for that phase (0 when there are no hooks at all). */
size_t sk_hooks_count(const oci_config *cfg, sk_hook_phase ph);

/* Run the phase's hooks in order, each with state_json on its stdin, its stdout and stderr ours,
 * no fd of ours and no blocked or ignored signal, exactly its env. Stops at the first failure:
 * "hooks.createRuntime[1]: timed out after 2s" (a hook past its timeout is SIGKILLed). */
int sk_hooks_run(const oci_config *cfg, sk_hook_phase ph, const char *state_json, sk_error **err);
/* The same for poststop: a failure is logged as a warning, the next hooks still run. */
void sk_hooks_run_warn(const oci_config *cfg, sk_hook_phase ph, const char *state_json);

/* The state JSON a hook reads (as `skiff state` prints it), with that status (pid 0 for
 * stopped). Caller frees. */
char *sk_hooks_state_json(const sk_state *st, sk_status status);

/* What `start` and `delete` need of the config, kept in the state (state->config_json), so
 * that a later change of config.json does not affect the container (runtime.md, lifecycle 2):
 * a config holding only ociVersion and hooks; NULL without hooks. Caller frees. */
char *sk_hooks_to_state(const oci_config *cfg);
/* ... and back: *out = NULL when the state keeps no hooks. */
int sk_hooks_from_state(const sk_state *st, oci_config **out, sk_error **err);
/* Run the phase's hooks kept in the state (poststart, poststop), with the state at that status;
 * warnings only. */
void sk_hooks_run_kept(const sk_state *st, sk_hook_phase ph, sk_status status);
/* The same, stopping at the first failure (poststart): "hooks.poststart[0]: ...". */
int sk_hooks_run_kept_strict(const sk_state *st, sk_hook_phase ph, sk_status status,
                             sk_error **err);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Container state on disk: <root>/<id>/state.json, one lock per container. */
#ifndef SKIFF_STATE_H
#define SKIFF_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "skiff/error.h"

typedef enum {
  SK_STATUS_CREATING = 0,
  SK_STATUS_CREATED,
  SK_STATUS_RUNNING,
  SK_STATUS_PAUSED,
  SK_STATUS_STOPPED,
} sk_status;

const char *sk_status_name(sk_status s);

/* What skiff remembers of a container between invocations. */
typedef struct sk_state {
  char *id;
  char *oci_version;  /* config's ociVersion */
  char *bundle;       /* absolute */
  char *rootfs;       /* absolute */
  pid_t pid;          /* host pid of the init, 0 if none */
  uint64_t pid_start; /* starttime (field 22 of /proc/PID/stat) of the init, to detect reuse */
  char *created;      /* RFC 3339 with nanoseconds, UTC */
  char *owner;        /* user name, "" in state */
  sk_status status;   /* the status stored; see sk_state_refresh for the live one */
  char **annotations; /* key, value, key, value, ..., NULL */
  char *cgroup_path;  /* what the cgroup layer needs to find the cgroup again (opaque to state) */
  char *config_json;  /* unused by state itself: extra JSON the runtime stores (e.g. hooks), may be
                         NULL */
  bool shared_pidns;  /* the container has no private pid namespace */
  /* Created with --no-new-keyring: exec'd processes join no new session keyring either. */
  bool no_new_keyring;
} sk_state;

/* Default state root: /run/skiff for real root, $XDG_RUNTIME_DIR/skiff otherwise. Caller frees. */
char *sk_state_default_root(void);

/* The current time as `created` wants it: RFC 3339, UTC, nanoseconds. Caller frees. */
char *sk_state_now(void);

/* Container ids: non-empty, [A-Za-z0-9_+.-], not "." or "..". */
int sk_state_validate_id(const char *id, sk_error **err);

/* A handle on <root>/<id> with the container's lock held (flock on the dir fd).
 * Commands on the same id serialize; different ids never block each other. */
typedef struct sk_container_dir {
  char *root;
  char *id;
  char *path; /* <root>/<id> */
  int dirfd;  /* O_DIRECTORY|O_CLOEXEC, holds the flock */
} sk_container_dir;

/* Create <root>/<id> atomically (mkdir; EEXIST -> "container with given ID already
 * exists"), creating root (0700) if needed, and lock it. */
int sk_state_create_dir(const char *root, const char *id, sk_container_dir **out, sk_error **err);
/* Open and lock an existing container dir. Missing -> errnum ENOENT,
 * "container <id> does not exist". */
int sk_state_open_dir(const char *root, const char *id, sk_container_dir **out, sk_error **err);
/* Remove the container dir and everything in it, then free the handle. */
int sk_state_remove_dir(sk_container_dir *d, sk_error **err);
void sk_state_close_dir(sk_container_dir *d);

/* state.json inside the dir (written atomically). */
int sk_state_save(sk_container_dir *d, const sk_state *s, sk_error **err);
int sk_state_load(sk_container_dir *d, sk_state **out, sk_error **err);
void sk_state_free(sk_state *s);
/* Read <root>/<id>/state.json without taking the lock (state.json is replaced atomically):
 * for `state` and `list`, which must not wait for a long-running command on the container.
 * Missing -> errnum ENOENT, "container <id> does not exist". */
int sk_state_read(const char *root, const char *id, sk_state **out, sk_error **err);

/* Live status: a stored created/running/paused container whose init is dead (or whose pid
 * now belongs to another process, by start time) is stopped, with pid 0. */
sk_status sk_state_refresh(sk_state *s);

/* starttime of /proc/PID/stat (field 22), 0 if the process does not exist. */
uint64_t sk_proc_start_time(pid_t pid);

/* The OCI state JSON of runtime.md (+ runc's rootfs, created, owner). Caller frees. */
char *sk_state_to_json(const sk_state *s, bool pretty);

/* Each container id under root, sorted; NULL-terminated. Missing root = empty list. */
int sk_state_list_ids(const char *root, char ***out, sk_error **err);

#endif

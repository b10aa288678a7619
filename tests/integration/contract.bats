#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The parts of the runtime CLI contract (shared/reference/runtime-cli-contract.md) that
# containerd (go-runc), conmon/podman and CRI-O depend on, on real containers. Each point is
# asserted once; those asserted elsewhere are listed here with their place:
#   pid file: host pid, no newline          lifecycle.bats "create: the init waits...",
#                                           exec.bats "exec --detach: ...", and below
#   pid file only on success                lifecycle.bats "--bundle defaults ...",
#                                           exec.bats "exec: errors exit 255 ...",
#                                           failure.bats "--pid-file in a directory ..."
#   JSON log lines: level, msg, time        log.bats "--log-format json: one JSON object ..."
#   root cause as the last error line       failure.bats (every case: one error line, its cause)
#   state fields, created RFC 3339 ns       state.bats "state of a running container ...",
#                                           "stale detection ..." (pid 0 when stopped)
#   list --format json fields               state.bats "list: table, json ...", and below
#   silent stdout/stderr on success         below (every call go-runc makes); log.bats, cli.bats
#   "does not exist"                        lifecycle.bats "delete: ...", state.bats; below for
#                                           every command taking an id
#   "container not running"                 lifecycle.bats "state: stopped after ...",
#                                           exec.bats
#   delete --force of an unknown id: 0      lifecycle.bats "delete: ..."; below, a state dir
#                                           without state.json
#   -no-subreaper (one dash)                cli.bats "restore: single-dash ..."; below on run
#   --opt=value                             cli.bats "option forms ..."; below on a container
#   kill -a, signal names without SIG       cli.bats (parsing), lifecycle.bats "kill: ...";
#                                           below on a container
#   default root without --root             state.bats (the path); below, a container there

load helpers

# A busybox bundle in $B running CMD... (the pid namespace's init), without the ambient
# capabilities of `skiff spec` (not inheritable: each would be a warning in the log).
bundle() {
	B="$TEST_TMP/bundle"
	make_bundle "$B" "$@"
	jq 'del(.process.capabilities.ambient)' "$B/config.json" >"$B/c" && mv "$B/c" "$B/config.json"
}

# silent NAME ARGS...: skiff ARGS with stdin from /dev/null, stdout and stderr into
# $TEST_TMP/NAME.out and NAME.err; fails (printing them) unless it exits 0 with an empty stderr.
silent() {
	local name="$1"
	shift
	local rc=0
	timeout 20 "$SKIFF" "$@" </dev/null >"$TEST_TMP/$name.out" 2>"$TEST_TMP/$name.err" || rc=$?
	if [ $rc -ne 0 ] || [ -s "$TEST_TMP/$name.err" ]; then
		echo "skiff $*: exit $rc, stderr: $(cat "$TEST_TMP/$name.err")"
		return 1
	fi
}

# pid_file_ok FILE: only decimal digits, no newline, the pid of a live process.
pid_file_ok() {
	grep -qxE '[0-9]+' "$1" && [ "$(wc -l <"$1")" -eq 0 ] && [ -d "/proc/$(cat "$1")" ]
}

# cgroups_ok: skiff manages cgroups of this host's kind (ps needs the container's cgroup).
cgroups_ok() {
	local kind=v1
	[ -f /sys/fs/cgroup/cgroup.controllers ] && kind=v2
	"$SKIFF" features | jq -e --arg k "$kind" '.linux.cgroup[$k] == true' >/dev/null
}

@test "contract: every call go-runc makes is silent on success but for the JSON asked; log stays empty; pid files" {
	bundle sleep 1000
	local id=go-runc-1 P="$TEST_TMP/pids" L="$TEST_TMP/log.json"
	mkdir -p "$P"
	G=(--root "$ROOT" --log "$L" --log-format json)
	silent create "${G[@]}" create --bundle "$B" --pid-file "$P/init.pid" "$id"
	[ ! -s "$TEST_TMP/create.out" ]
	pid_file_ok "$P/init.pid"
	pid="$(cat "$P/init.pid")"
	silent start "${G[@]}" start "$id"
	[ ! -s "$TEST_TMP/start.out" ]
	# state: exactly one JSON document, as runc's fields.
	silent state "${G[@]}" state "$id"
	jq -e --arg id "$id" --argjson pid "$pid" --arg b "$B" '
		.id == $id and .status == "running" and .pid == $pid and .bundle == $b and
		.rootfs == ($b + "/rootfs") and .ociVersion == "1.3.0" and (.created | type) == "string"' \
		"$TEST_TMP/state.out"
	# list --format=json: one line, an array with the same fields.
	silent list "${G[@]}" list --format=json
	[ "$(wc -l <"$TEST_TMP/list.out")" -eq 1 ]
	jq -e --arg id "$id" --argjson pid "$pid" '
		length == 1 and .[0].id == $id and .[0].status == "running" and .[0].pid == $pid and
		(.[0] | has("bundle") and has("rootfs") and has("created") and has("owner"))' "$TEST_TMP/list.out"
	# ps --format json: an array of host pids (go-runc decodes stdout and stderr together).
	if cgroups_ok; then
		silent ps "${G[@]}" ps --format json "$id"
		jq -e --argjson pid "$pid" 'type == "array" and index($pid) != null' "$TEST_TMP/ps.out"
	fi
	# exec --process FILE --detach --pid-file (the shim's form).
	jq '.process | .args = ["sleep", "1000"] | .terminal = false' "$B/config.json" >"$TEST_TMP/process.json"
	silent exec "${G[@]}" exec --process "$TEST_TMP/process.json" --detach --pid-file "$P/e1.pid" "$id"
	[ ! -s "$TEST_TMP/exec.out" ]
	pid_file_ok "$P/e1.pid"
	[ "$(readlink "/proc/$(cat "$P/e1.pid")/ns/pid")" = "$(readlink "/proc/$pid/ns/pid")" ]
	# Written through a temp file and a rename: nothing but the two pid files is left.
	[ "$(ls -A "$P" | tr '\n' ' ')" = "e1.pid init.pid " ]
	silent kill "${G[@]}" kill "$id" 9
	[ ! -s "$TEST_TMP/kill.out" ]
	wait_for sh -c "'$SKIFF' --root '$ROOT' state $id | jq -e '.status == \"stopped\" and .pid == 0' >/dev/null"
	silent delete "${G[@]}" delete "$id"
	[ ! -s "$TEST_TMP/delete.out" ]
	[ ! -e "$ROOT/$id" ]
	# Not a line in the log: no error, no warning.
	cat "$L"
	[ ! -s "$L" ]
}

@test "contract: --opt=value forms, -no-subreaper, kill -a and signal names without SIG, on a container" {
	bundle sh -c 'trap "echo usr1 >/tmp/got" USR1; echo ready >/tmp/ready; while :; do sleep 0.1; done'
	jq '.root.readonly = false' "$B/config.json" >"$B/c" && mv "$B/c" "$B/config.json"
	local id=forms-1
	silent run "--root=$ROOT" "--log=$TEST_TMP/log.json" --log-format=json run -d -no-subreaper \
		"--bundle=$B" "--pid-file=$TEST_TMP/pid" "$id"
	pid_file_ok "$TEST_TMP/pid"
	pid="$(cat "$TEST_TMP/pid")"
	[ "$(skiff state "$id" | jq .pid)" = "$pid" ]
	wait_for test -e "/proc/$pid/root/tmp/ready"
	# kill -a with a name without SIG: the init's trap runs.
	silent kill "--root=$ROOT" kill -a "$id" USR1
	wait_for test -e "/proc/$pid/root/tmp/got"
	[ "$(cat "/proc/$pid/root/tmp/got")" = usr1 ]
	# ... and a lower-case name without SIG ends it.
	silent kill2 "--root=$ROOT" kill -a "$id" kill
	wait_for sh -c "'$SKIFF' --root '$ROOT' state $id | jq -e '.status == \"stopped\"' >/dev/null"
	silent delete "--root=$ROOT" delete -f "$id"
	[ ! -e "$ROOT/$id" ]
	cat "$TEST_TMP/log.json"
	[ ! -s "$TEST_TMP/log.json" ]
}

@test "contract: \"does not exist\" from every command that takes a container id" {
	for cmd in state start "kill" "delete" "exec" ps pause resume events update; do
		args=("$cmd")
		case "$cmd" in
		exec) args+=(nosuch-1 true) ;;
		update) args+=(--memory 64m nosuch-1) ;;
		*) args+=(nosuch-1) ;;
		esac
		run timeout 10 "$SKIFF" --root "$ROOT" "${args[@]}"
		echo "$cmd: $status $output"
		[ "$status" -ne 0 ]
		[[ "$output" == *"does not exist"* || "$output" == *"not implemented yet"* ]]
	done
}

@test "contract: delete --force removes a state dir that lacks state.json; without --force it is left" {
	mkdir -p "$ROOT/half-1" "$ROOT/half-2"
	echo junk >"$ROOT/half-1/exec.fifo.tmp"
	run skiff delete half-2
	[ "$status" -eq 1 ]
	[[ "$output" == *"container half-2 does not exist"* ]]
	[ -d "$ROOT/half-2" ]
	run --separate-stderr skiff delete --force half-1
	[ "$status" -eq 0 ]
	[ -z "$output" ] && [ -z "$stderr" ]
	[ ! -e "$ROOT/half-1" ]
	run skiff delete --force half-2
	[ "$status" -eq 0 ]
	[ ! -e "$ROOT/half-2" ]
	run skiff delete --force never-was-1
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

# The default root: podman passes no --root, so every call must find the container at the
# same default. Uses the host's /run/skiff, with an id of its own, removed in teardown.
eval "helpers_$(declare -f teardown)"
teardown() {
	if [ -n "${DEF_ID:-}" ]; then
		"$SKIFF" delete --force "$DEF_ID" >/dev/null 2>&1 || true
		rm -rf "/run/skiff/$DEF_ID"
		[ -z "${DEF_MADE_ROOT:-}" ] || rmdir /run/skiff 2>/dev/null || true
	fi
	helpers_teardown
}

@test "contract: without --root, create, state, list, kill and delete all use /run/skiff" {
	[ "$(id -u)" = 0 ] || skip "needs root"
	grep -qE '^ +0 +0 +4294967295$' /proc/self/uid_map || skip "not in the initial user namespace"
	bundle sleep 1000
	[ -d /run/skiff ] || DEF_MADE_ROOT=1
	DEF_ID="contract-clients-$$-$BATS_TEST_NUMBER"
	silent create create --bundle "$B" --pid-file "$TEST_TMP/pid" "$DEF_ID"
	pid="$(cat "$TEST_TMP/pid")"
	[ "$(jq -r .id "/run/skiff/$DEF_ID/state.json")" = "$DEF_ID" ]
	# XDG_RUNTIME_DIR does not move real root's default.
	run env XDG_RUNTIME_DIR="$TEST_TMP/xdg" "$SKIFF" state "$DEF_ID"
	[ "$(jq .pid <<<"$output")" = "$pid" ]
	"$SKIFF" list -q | grep -qx "$DEF_ID"
	silent start start "$DEF_ID"
	silent kill kill "$DEF_ID" KILL
	wait_for sh -c "'$SKIFF' state $DEF_ID | jq -e '.status == \"stopped\"' >/dev/null"
	silent delete delete "$DEF_ID"
	[ ! -e "/run/skiff/$DEF_ID" ]
	[ ! -e "$TEST_TMP/xdg" ]
}

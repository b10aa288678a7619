# SPDX-License-Identifier: GPL-2.0-or-later
# Shared helpers of the integration tests (bats). Load with `load helpers`.
#
# Every test gets its own temp dir ($TEST_TMP) and state root ($ROOT); `skiff` runs the
# binary under test ($SKIFF) with --root "$ROOT". teardown force-deletes whatever the test
# left in $ROOT and removes the temp dir, also when the test failed.

bats_require_minimum_version 1.5.0

SKIFF="${SKIFF:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)/build/skiff}"

setup() {
	TEST_TMP="$(mktemp -d "${BATS_TMPDIR:-/tmp}/skiff-test.XXXXXX")"
	ROOT="$TEST_TMP/root"
	export TEST_TMP ROOT
}

teardown() {
	[ -n "${TMUX_SESSION:-}" ] && tmux kill-session -t "$TMUX_SESSION" 2>/dev/null
	if [ -d "$ROOT" ]; then
		local id
		for id in $("$SKIFF" --root "$ROOT" list -q 2>/dev/null); do
			"$SKIFF" --root "$ROOT" delete --force "$id" >/dev/null 2>&1 || true
		done
	fi
	[ -n "${TEST_PIDS:-}" ] && kill -9 $TEST_PIDS 2>/dev/null || true
	rm -rf "$TEST_TMP"
}

# wait_for COMMAND...: until it succeeds, at most 5 s.
wait_for() {
	local i
	for i in $(seq 50); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# skiff with the test's state root.
skiff() {
	"$SKIFF" --root "$ROOT" "$@"
}

# A static busybox (package busybox-static), installed when missing.
ensure_busybox() {
	if [ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1; then
		return 0
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq busybox-static >/dev/null 2>&1 ||
		{ apt-get update -qq >/dev/null 2>&1 &&
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq busybox-static >/dev/null 2>&1; }
	[ -x /bin/busybox ] || skip "busybox-static is not available"
}

# make_bundle DIR [cmd args...]: a busybox bundle in DIR whose config.json (from
# `skiff spec`) runs the command (default: sh) without a terminal.
make_bundle() {
	local dir="$1"
	shift
	ensure_busybox
	mkdir -p "$dir"/rootfs/{bin,proc,dev,sys,tmp,etc,root}
	cp /bin/busybox "$dir/rootfs/bin/busybox"
	if [ "$(id -u)" = 0 ]; then
		chroot "$dir/rootfs" /bin/busybox --install -s /bin
	else
		local a
		for a in $(/bin/busybox --list); do ln -sf busybox "$dir/rootfs/bin/$a"; done
	fi
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' \
		>"$dir/rootfs/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$dir/rootfs/etc/group"
	"$SKIFF" spec --bundle "$dir"
	[ $# -gt 0 ] || set -- sh
	jq '.process.terminal = false | .process.args = $ARGS.positional' --args -- "$@" \
		<"$dir/config.json" >"$dir/config.json.new"
	mv "$dir/config.json.new" "$dir/config.json"
}

# Field 22 (starttime) of /proc/PID/stat.
proc_start_time() {
	sed 's/.*) //' "/proc/$1/stat" | awk '{ print $20 }'
}

# make_state ID STATUS PID [PIDSTART] [ANNOTATIONS-JSON]: a hand-made container state dir
# in $ROOT, in the format of src/state/state.c (what the lifecycle writes).
make_state() {
	local id="$1" status="$2" pid="$3" start="${4:-0}" ann="${5:-{\}}"
	mkdir -p "$ROOT/$id"
	jq -n --arg id "$id" --arg status "$status" --argjson pid "$pid" --argjson start "$start" \
		--arg bundle "$TEST_TMP/bundle-$id" --argjson ann "$ann" \
		'{id: $id, ociVersion: "1.3.0", bundle: $bundle, rootfs: ($bundle + "/rootfs"),
		  pid: $pid, pidStart: $start, created: "2026-01-02T03:04:05.123456789Z", owner: "",
		  status: $status, annotations: $ann, cgroupPath: null, config: null,
		  sharedPidns: false}' >"$ROOT/$id/state.json"
}

# A process that stays alive during the test (killed by teardown); sets $BG_PID.
start_sleeper() {
	sleep 1000 &
	BG_PID=$!
	TEST_PIDS="${TEST_PIDS:-} $BG_PID"
}

# A zombie: a child of a process that never reaps it; sets $ZOMBIE_PID and waits for it.
start_zombie() {
	local out="$TEST_TMP/zombie.pid"
	(
		sh -c "echo \$\$ > $out; exit 0" &
		exec sleep 1000
	) &
	TEST_PIDS="${TEST_PIDS:-} $!"
	local i
	for i in $(seq 50); do
		[ -s "$out" ] && ZOMBIE_PID="$(cat "$out")" &&
			[ "$(sed 's/.*) //' "/proc/$ZOMBIE_PID/stat" 2>/dev/null | cut -d' ' -f1)" = Z ] && return 0
		sleep 0.1
	done
	return 1
}

# RFC 3339 with a zone.
RFC3339_RE='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$'

# validate_schema SCHEMA_FILE DOCUMENT: against the runtime-spec schema (skips without it).
validate_schema() {
	local d dir=""
	for d in "$BATS_TEST_DIRNAME/../../../shared/reference" /work/shared/reference; do
		[ -f "$d/oci-runtime-spec/schema/$1" ] && dir="$d/oci-runtime-spec/schema" && break
	done
	[ -n "$dir" ] || skip "runtime-spec schema not found"
	run python3 "$BATS_TEST_DIRNAME/validate-schema.py" "$dir" "$1" "$2"
	[ "$status" -ne 77 ] || skip "python3-jsonschema not installed"
	echo "$output"
	[ "$status" -eq 0 ]
}

# assert_parsed: the last `run` got past option parsing, whatever the command did next
# (so parsing tests hold both before and after the lifecycle is built).
assert_parsed() {
	if [[ "$output" =~ (unknown option|flag needs an argument|requires\ exactly|requires\ at\ least|accepts\ at\ most|invalid\ boolean|invalid\ value|invalid\ container\ ID|unknown\ command) ]]; then
		echo "not parsed: $output"
		return 1
	fi
}

# lifecycle_built: true once `create` does more than say "not implemented yet".
lifecycle_built() {
	! "$SKIFF" --root "$TEST_TMP/probe-root" create --bundle "$TEST_TMP/no-bundle" probe 2>&1 |
		grep -q "create: not implemented yet"
}

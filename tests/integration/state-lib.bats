#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The state library itself: atomic creation, per-container locks, removal, round trip.
# Drives it through state-tool.c, built here against the libskiff-core.a beside $SKIFF.

load helpers

setup_file() {
	local dir lib cc=cc flags=()
	dir="$(dirname "$SKIFF")"
	lib="$dir/libskiff-core.a"
	[ -f "$lib" ] || return 0
	if nm "$lib" 2>/dev/null | grep -q __asan_report; then
		cc=clang
		flags=(-fsanitize=address,undefined)
	fi
	export STATE_TOOL="$BATS_FILE_TMPDIR/state-tool"
	$cc -std=gnu11 -D_GNU_SOURCE "${flags[@]}" -I"$BATS_TEST_DIRNAME/../../include" \
		-I/usr/include/yajl -o "$STATE_TOOL" "$BATS_TEST_DIRNAME/state-tool.c" "$lib" \
		-lyajl -lseccomp -lcap
}

need_tool() {
	[ -x "${STATE_TOOL:-}" ] || skip "libskiff-core.a not found next to $SKIFF"
}

@test "create: state dir and state.json; skiff state reads it" {
	need_tool
	start_sleeper
	run "$STATE_TOOL" create "$ROOT/sub/dir" c1 "$BG_PID" 0
	[ "$status" -eq 0 ]
	[ "$(stat -c %a "$ROOT/sub/dir")" = 700 ]
	run "$SKIFF" --root "$ROOT/sub/dir" state c1
	[ "$status" -eq 0 ]
	echo "$output" | jq -e --argjson p "$BG_PID" '.status == "created" and .pid == $p and
		.annotations == {"k": "v \"quoted\""} and .bundle == "/b"'
	[[ "$(echo "$output" | jq -r .created)" =~ ^[0-9-]{10}T[0-9:]{8}\.[0-9]{9}Z$ ]]
	run "$STATE_TOOL" status "$ROOT/sub/dir" c1 running
	[ "$status" -eq 0 ]
	run "$SKIFF" --root "$ROOT/sub/dir" state c1
	echo "$output" | jq -e '.status == "running"'
	# no temporary dirs or files left behind
	[ "$(ls -A "$ROOT/sub/dir")" = c1 ]
	[ "$(ls -A "$ROOT/sub/dir/c1")" = state.json ]
}

@test "create: an existing id is refused" {
	need_tool
	"$STATE_TOOL" create "$ROOT" c1 1 0
	run "$STATE_TOOL" create "$ROOT" c1 1 0
	[ "$status" -eq 1 ]
	[[ "$output" == *"container with given ID already exists"* ]]
	[ "$(ls -A "$ROOT")" = c1 ]
}

@test "create: invalid id refused" {
	need_tool
	run "$STATE_TOOL" create "$ROOT" ../x 1 0
	[ "$status" -eq 1 ]
	[[ "$output" == *"invalid container ID format"* ]]
}

@test "concurrent creates of one id: exactly one wins" {
	need_tool
	for i in $(seq 8); do "$STATE_TOOL" create "$ROOT" c1 1 0 >"$TEST_TMP/out.$i" 2>&1 & done
	wait
	[ "$(cat "$TEST_TMP"/out.* | grep -c '^created$')" -eq 1 ]
	[ "$(cat "$TEST_TMP"/out.* | grep -c 'already exists')" -eq 7 ]
	[ "$(ls -A "$ROOT")" = c1 ]
}

@test "lock: commands on one id serialize, other ids do not wait" {
	need_tool
	"$STATE_TOOL" create "$ROOT" c1 1 0
	"$STATE_TOOL" create "$ROOT" c2 1 0
	"$STATE_TOOL" open "$ROOT" c1 2 >"$TEST_TMP/holder" &
	holder=$!
	for i in $(seq 50); do [ -s "$TEST_TMP/holder" ] && break; sleep 0.05; done
	start=$(date +%s%N)
	"$STATE_TOOL" open "$ROOT" c2 0
	other=$(( ($(date +%s%N) - start) / 1000000 ))
	start=$(date +%s%N)
	"$STATE_TOOL" open "$ROOT" c1 0
	same=$(( ($(date +%s%N) - start) / 1000000 ))
	wait $holder
	echo "other id: ${other}ms, same id: ${same}ms"
	[ "$other" -lt 1000 ]
	[ "$same" -ge 1000 ]
	# state (no lock) does not wait either
	"$STATE_TOOL" open "$ROOT" c1 2 >"$TEST_TMP/holder2" &
	for i in $(seq 50); do [ -s "$TEST_TMP/holder2" ] && break; sleep 0.05; done
	start=$(date +%s%N)
	"$SKIFF" --root "$ROOT" state c1 >/dev/null
	"$SKIFF" --root "$ROOT" list >/dev/null
	[ $(( ($(date +%s%N) - start) / 1000000 )) -lt 1000 ]
	wait
}

@test "remove: the dir goes; a command waiting on the lock then sees 'does not exist'" {
	need_tool
	"$STATE_TOOL" create "$ROOT" c1 1 3 >"$TEST_TMP/holder" &
	for i in $(seq 50); do [ -s "$TEST_TMP/holder" ] && break; sleep 0.05; done
	# waits for the creator, then removes
	run "$STATE_TOOL" remove "$ROOT" c1
	[ "$status" -eq 0 ]
	wait
	[ ! -e "$ROOT/c1" ]
	run "$STATE_TOOL" open "$ROOT" c1 0
	[ "$status" -eq 1 ]
	[[ "$output" == *"container c1 does not exist"* ]]
	run "$SKIFF" --root "$ROOT" state c1
	[[ "$output" == *"does not exist"* ]]
}

@test "remove: a waiter blocked on the lock gets 'does not exist'" {
	need_tool
	"$STATE_TOOL" create "$ROOT" c1 1 0
	"$STATE_TOOL" remove "$ROOT" c1 2 >"$TEST_TMP/remover" &
	for i in $(seq 50); do [ -s "$TEST_TMP/remover" ] && break; sleep 0.05; done
	run "$STATE_TOOL" open "$ROOT" c1 0
	wait
	[ "$status" -eq 1 ]
	[[ "$output" == *"container c1 does not exist"* ]]
	[ ! -e "$ROOT/c1" ]
}

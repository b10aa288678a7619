#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# state and list on hand-made state dirs (the lifecycle writes them the same way).

load helpers

@test "state of an unknown id: 'does not exist', exit 1, nothing on stdout" {
	run --separate-stderr skiff state nosuch
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[[ "$stderr" == *"container nosuch does not exist"* ]]
}

@test "state of a running container: OCI state JSON" {
	start_sleeper
	make_state c1 running "$BG_PID" "$(proc_start_time "$BG_PID")" '{"a":"b","x.y":"z"}'
	run --separate-stderr skiff state c1
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	echo "$output" | jq -e --argjson pid "$BG_PID" --arg b "$TEST_TMP/bundle-c1" '
		.ociVersion == "1.3.0" and .id == "c1" and .status == "running" and .pid == $pid and
		.bundle == $b and .rootfs == ($b + "/rootfs") and .owner == "" and
		.annotations == {"a": "b", "x.y": "z"}'
	created="$(echo "$output" | jq -r .created)"
	[[ "$created" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}Z$ ]]
}

@test "state: annotations omitted when empty; keys as runc has them" {
	start_sleeper
	make_state c1 created "$BG_PID" "$(proc_start_time "$BG_PID")"
	run skiff state c1
	[ "$status" -eq 0 ]
	echo "$output" | jq -e 'has("annotations") | not'
	echo "$output" | jq -e '.status == "created"'
	[ "$(echo "$output" | jq -c 'keys')" = '["bundle","created","id","ociVersion","owner","pid","rootfs","status"]' ]
}

@test "stale detection: dead pid -> stopped, pid 0" {
	sh -c 'exit 0' &
	dead=$!
	wait $dead || true
	make_state c1 running "$dead" 12345
	run skiff state c1
	[ "$status" -eq 0 ]
	echo "$output" | jq -e '.status == "stopped" and .pid == 0'
}

@test "stale detection: pid reused by another process (start time differs) -> stopped" {
	start_sleeper
	make_state c1 running "$BG_PID" 1
	run skiff state c1
	echo "$output" | jq -e '.status == "stopped" and .pid == 0'
	make_state c2 paused "$BG_PID" "$(proc_start_time "$BG_PID")"
	run skiff state c2
	echo "$output" | jq -e --argjson p "$BG_PID" '.status == "paused" and .pid == $p'
}

@test "stale detection: a zombie init is stopped" {
	start_zombie
	make_state c1 running "$ZOMBIE_PID" "$(proc_start_time "$ZOMBIE_PID")"
	run skiff state c1
	echo "$output" | jq -e '.status == "stopped" and .pid == 0'
}

@test "stored stopped stays stopped with pid 0" {
	start_sleeper
	make_state c1 stopped "$BG_PID" "$(proc_start_time "$BG_PID")"
	run skiff state c1
	echo "$output" | jq -e '.status == "stopped" and .pid == 0'
}

@test "corrupt state.json: clear error" {
	mkdir -p "$ROOT/c1"
	echo '{not json' >"$ROOT/c1/state.json"
	run skiff state c1
	[ "$status" -eq 1 ]
	[[ "$output" == *"state of container c1 is corrupt"* ]]
}

@test "list: missing root is not an error; json is null when empty" {
	run skiff list
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^ID\ +PID\ +STATUS\ +BUNDLE\ +CREATED\ +OWNER$ ]]
	[ "${#lines[@]}" -eq 1 ]
	run skiff list --format json
	[ "$status" -eq 0 ]
	[ "$output" = null ]
	run skiff list -q
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	mkdir -p "$ROOT"
	run skiff list --format=json
	[ "$output" = null ]
}

@test "list: table, json (one line, with owner) and quiet" {
	start_sleeper
	make_state b2 running "$BG_PID" "$(proc_start_time "$BG_PID")"
	make_state a1 running 999999999 5
	mkdir -p "$ROOT/.new-xyz" # a dir being created is not listed
	run skiff list
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	[[ "${lines[1]}" =~ ^a1\ +0\ +stopped\ +$TEST_TMP/bundle-a1\ +2026-01-02T03:04:05.123456789Z\ +root$ ]]
	[[ "${lines[2]}" =~ ^b2\ +$BG_PID\ +running\ + ]]
	run skiff list -f json
	[ "${#lines[@]}" -eq 1 ]
	echo "$output" | jq -e --argjson p "$BG_PID" '
		length == 2 and .[0].id == "a1" and .[0].status == "stopped" and .[0].pid == 0 and
		.[1].id == "b2" and .[1].status == "running" and .[1].pid == $p and .[1].owner == "root"'
	run skiff list --quiet
	[ "$output" = "$(printf 'a1\nb2')" ]
}

@test "list: invalid format" {
	run skiff list --format xml
	[ "$status" -eq 1 ]
	[[ "$output" == *'invalid format "xml"'* ]]
}

@test "default root: /run/skiff for real root, ignoring XDG_RUNTIME_DIR" {
	[ "$(id -u)" = 0 ] || skip "needs root"
	grep -qE '^ +0 +0 +4294967295$' /proc/self/uid_map || skip "not in the initial user namespace"
	run env XDG_RUNTIME_DIR="$TEST_TMP/xdg" "$SKIFF" --debug list -q
	[ "$status" -eq 0 ]
	[[ "$output" == *"root /run/skiff"* ]]
}

@test "default root: \$XDG_RUNTIME_DIR/skiff for an unprivileged user" {
	[ "$(id -u)" = 0 ] || skip "needs root to switch user"
	command -v setpriv >/dev/null || skip "setpriv missing"
	mkdir -p "$TEST_TMP/xdg"
	chown 65534:65534 "$TEST_TMP/xdg"
	chmod 755 "$TEST_TMP"
	# a copy the unprivileged user can reach, wherever the tree is checked out
	cp "$SKIFF" "$TEST_TMP/skiff"
	chmod 755 "$TEST_TMP/skiff"
	run setpriv --reuid 65534 --regid 65534 --clear-groups env XDG_RUNTIME_DIR="$TEST_TMP/xdg" "$TEST_TMP/skiff" --debug list -q
	[ "$status" -eq 0 ]
	[[ "$output" == *"root $TEST_TMP/xdg/skiff"* ]]
}

@test "relative --root is made absolute" {
	cd "$TEST_TMP"
	run "$SKIFF" --root rel --debug list
	[ "$status" -eq 0 ]
	[[ "$output" == *"root $TEST_TMP/rel"* ]]
}

@test "state output validates against the runtime-spec state schema" {
	start_sleeper
	make_state c1 running "$BG_PID" "$(proc_start_time "$BG_PID")" '{"a":"b"}'
	skiff state c1 >"$TEST_TMP/s.json"
	validate_schema state-schema.json "$TEST_TMP/s.json"
}

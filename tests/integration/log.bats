#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# --log / --log-format / --debug: what containerd and podman parse (contract §10).

load helpers

@test "--log-format json: one JSON object a line with level, msg, time; error also on stderr" {
	log="$TEST_TMP/log.json"
	run --separate-stderr "$SKIFF" --root "$ROOT" --log "$log" --log-format json state c1
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[ "$stderr" = "skiff: container c1 does not exist: No such file or directory" ]
	[ "$(wc -l <"$log")" -eq 1 ]
	jq -e '.level == "error" and .msg == "container c1 does not exist: No such file or directory" and
		(.time | type) == "string"' "$log"
	[ "$(jq -c 'keys' "$log")" = '["level","msg","time"]' ]
	[[ "$(jq -r .time "$log")" =~ $RFC3339_RE ]]
	# appended, never truncated; --log-format=json form
	run "$SKIFF" --root="$ROOT" --log="$log" --log-format=json state nosuch
	[ "$status" -eq 1 ]
	[ "$(wc -l <"$log")" -eq 2 ]
	jq -s -e '.[1].level == "error" and (.[1].msg | contains("does not exist"))' "$log"
}

@test "--log-format json escapes quotes, backslashes, control characters and bad UTF-8" {
	log="$TEST_TMP/log.json"
	run "$SKIFF" --root "$ROOT" --log "$log" --log-format json frob$'\x01\\"\xff'
	[ "$status" -eq 1 ]
	jq -e '.level == "error"' "$log"
	jq -r .msg "$log" | grep -q 'unknown command "frob.\\".*"'
}

@test "--log text format: logrus-style lines" {
	log="$TEST_TMP/log.txt"
	run "$SKIFF" --root "$ROOT" --log "$log" checkpoint c1
	[ "$status" -eq 1 ]
	[ "$output" = "skiff: checkpoint: not implemented yet" ]
	grep -Eq '^time="[^"]+" level=error msg="checkpoint: not implemented yet"$' "$log"
	run "$SKIFF" --root "$ROOT" --log "$log" state c1
	tail -1 "$log" | grep -Eq '^time="[^"]+" level=error msg="container c1 does not exist: No such file or directory"$'
}

@test "--debug adds debug lines to the log; without --debug there are none" {
	log="$TEST_TMP/log.json"
	run "$SKIFF" --root "$ROOT" --log "$log" --log-format json --debug list
	[ "$status" -eq 0 ]
	jq -s -e 'length >= 1 and all(.[]; .level == "debug")' "$log"
	rm "$log"
	run "$SKIFF" --root "$ROOT" --log "$log" --log-format json list
	[ ! -s "$log" ]
}

@test "success writes nothing on stderr, even with --log" {
	run --separate-stderr "$SKIFF" --root "$ROOT" --log "$TEST_TMP/l" --log-format json list -q
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ ! -s "$TEST_TMP/l" ]
}

@test "invalid --log-format: 'invalid log-format', exit 1" {
	run "$SKIFF" --log-format xml list
	[ "$status" -eq 1 ]
	[[ "$output" == *"invalid log-format"* ]]
}

@test "unwritable --log: clear error" {
	run "$SKIFF" --log "$TEST_TMP/no/such/dir/log" list
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot open the log file"* ]]
}

@test "a bad global option after --log still leaves an error entry in the log" {
	log="$TEST_TMP/log.json"
	run "$SKIFF" --log "$log" --log-format json --frob list
	[ "$status" -eq 1 ]
	jq -e '.level == "error" and (.msg | contains("unknown option --frob"))' "$log"
}

@test "--log file: created 0644, appended to, never truncated" {
	log="$TEST_TMP/new.log"
	(umask 022 && "$SKIFF" --log "$log" --log-format json state nosuch) || true
	[ "$(stat -c %a "$log")" = 644 ]
	echo '{"level":"info","msg":"earlier","time":"2026-01-01T00:00:00Z"}' >"$TEST_TMP/keep.log"
	"$SKIFF" --log "$TEST_TMP/keep.log" --log-format json state nosuch || true
	[ "$(jq -s -r '.[0].msg' "$TEST_TMP/keep.log")" = earlier ]
	[ "$(jq -s -r '.[1].level' "$TEST_TMP/keep.log")" = error ]
}

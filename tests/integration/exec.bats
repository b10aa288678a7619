#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# skiff exec: a new process in a running container, in all of its namespaces, with the
# command line's args/env/cwd/user or a --process file; exit status; --detach and --pid-file;
# --tty; the errors callers match; and many execs leave nothing behind.

load helpers

# A running container $ID from a busybox bundle in $B (sleeping), with extra config filter.
running() {
	B="$TEST_TMP/bundle" ID="ex$BATS_TEST_NUMBER"
	make_bundle "$B" sleep 1000
	if [ -n "${1:-}" ]; then
		jq "$1" "$B/config.json" >"$B/c" && mv "$B/c" "$B/config.json"
	fi
	skiff run -d --bundle "$B" --pid-file "$TEST_TMP/pid" "$ID" </dev/null >/dev/null 2>&1
	PID="$(cat "$TEST_TMP/pid")"
}

NS="pid mnt net ipc uts user cgroup time"

@test "exec: the process is in every namespace of the container's init" {
	chmod 755 "$TEST_TMP"
	running '.linux.namespaces += [{"type":"user"},{"type":"time"}]
		| .linux.uidMappings=[{"containerID":0,"hostID":100000,"size":65536}]
		| .linux.gidMappings=[{"containerID":0,"hostID":100000,"size":65536}]'
	run skiff exec "$ID" sh -c 'for n in pid mnt net ipc uts user cgroup time; do echo "$n $(readlink /proc/self/ns/$n)"; done; echo self=$$; cat /proc/self/uid_map'
	echo "$output"
	[ "$status" -eq 0 ]
	local n
	for n in $NS; do
		[ "$(awk -v n=$n '$1 == n {print $2}' <<<"$output")" = "$(readlink /proc/$PID/ns/$n)" ]
	done
	# Not the init: a new pid in the container's pid namespace.
	echo "$output" | grep -Eq '^self=([2-9]|[0-9]{2,})$'
	echo "$output" | grep -Eq '^ *0 +100000 +65536'
	# The container's root: its /etc/passwd, not the host's.
	run skiff exec "$ID" cat /proc/1/cmdline
	[ "$output" = "$(printf 'sleep\0001000')" ] || [ "$(tr '\0' ' ' <<<"$output")" = "sleep 1000 " ]
}

@test "exec: exit status, 128+N for a signal; stdio passed through" {
	running
	run skiff exec "$ID" sh -c 'exit 42'
	[ "$status" -eq 42 ]
	run skiff exec "$ID" sh -c 'kill -KILL $$'
	[ "$status" -eq 137 ]
	echo piped | skiff exec "$ID" sh -c 'read l; echo "out:$l"; echo "err:$l" >&2' >"$TEST_TMP/o" 2>"$TEST_TMP/e"
	[ "$(cat "$TEST_TMP/o")" = out:piped ]
	[ "$(cat "$TEST_TMP/e")" = err:piped ]
}

@test "exec: --env merges over the container's env, --cwd, args after --" {
	running '.process.env = ["PATH=/bin:/usr/bin", "KEEP=1", "OVER=old"]'
	run skiff exec --env OVER=new -e NEW=2 --cwd /tmp "$ID" -- sh -c 'echo "$KEEP $OVER $NEW $(pwd)"'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "1 new 2 /tmp" ]
}

@test "exec: --process FILE runs that process object" {
	running
	cat >"$TEST_TMP/proc.json" <<-'EOF'
		{"terminal": false, "cwd": "/dev", "args": ["sh", "-c", "echo from-process-file $(pwd) $X"],
		 "env": ["PATH=/bin", "X=y"], "user": {"uid": 0, "gid": 0}}
	EOF
	run skiff exec --process "$TEST_TMP/proc.json" "$ID"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "from-process-file /dev y" ]
	echo '{"cwd": 5}' >"$TEST_TMP/bad.json"
	run skiff exec --process "$TEST_TMP/bad.json" "$ID"
	[ "$status" -eq 255 ]
	[[ "$output" == *"cwd"* ]]
}

@test "exec --detach: returns once started; --pid-file has the host pid; the process runs on" {
	running
	skiff exec -d --pid-file "$TEST_TMP/epid" "$ID" sh -c 'sleep 0.5; echo done > /dev/shm/done' </dev/null >/dev/null 2>&1
	epid="$(cat "$TEST_TMP/epid")"
	[ "$(wc -l <"$TEST_TMP/epid")" -eq 0 ]
	[ -d "/proc/$epid" ]
	[ "$(readlink /proc/$epid/ns/pid)" = "$(readlink /proc/$PID/ns/pid)" ]
	wait_for skiff exec "$ID" test -e /dev/shm/done
}

@test "exec: errors exit 255 with the text callers match, and write no pid file" {
	running
	run skiff exec --pid-file "$TEST_TMP/p1" "$ID" no-such-command
	echo "$output"
	[ "$status" -eq 255 ]
	[[ "$output" == *'"no-such-command": executable file not found in $PATH'* ]]
	[ ! -e "$TEST_TMP/p1" ]
	run skiff exec "$ID" /etc/passwd
	[ "$status" -eq 255 ]
	[[ "$output" == *"/etc/passwd"* ]]
	run skiff exec nosuch true
	[ "$status" -eq 255 ]
	[[ "$output" == *"does not exist"* ]]
	skiff kill "$ID" KILL
	wait_for sh -c "! $SKIFF --root $ROOT state $ID | grep -q running"
	run skiff exec "$ID" true
	[ "$status" -eq 255 ]
	[[ "$output" == *"container not running"* ]]
	# Not started yet: refused too.
	skiff create --bundle "$B" created1 </dev/null >/dev/null 2>&1
	run skiff exec created1 true
	[ "$status" -eq 255 ]
	[[ "$output" == *"container not running"* ]]
	# A terminal when detaching needs a console socket.
	run skiff exec -d -t "$ID" true
	[ "$status" -eq 255 ]
}

@test "exec --tty: the process has a pty (foreground proxy, and through --console-socket)" {
	running
	run skiff exec -t "$ID" sh -c 'tty; [ -t 0 ] && echo tty-stdin'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"/dev/pts/"* ]]
	[[ "$output" == *"tty-stdin"* ]]
	SOCK="$TEST_TMP/c.sock" OUT="$TEST_TMP/c.out"
	timeout 30 python3 "$BATS_TEST_DIRNAME/console-receiver.py" "$SOCK" "$OUT" &
	TEST_PIDS="${TEST_PIDS:-} $!"
	wait_for test -e "$OUT.ready"
	skiff exec -d -t --console-socket "$SOCK" "$ID" sh -c 'tty; echo via-socket' </dev/null >/dev/null 2>&1
	wait_for grep -q via-socket "$OUT"
	grep -q 'fds=1 tty=True messages=1' "$OUT.meta"
	# /dev/console stays the container's (an exec does not rebind it).
	grep -q '^/dev/pts/' "$OUT"
}

@test "exec: 100 execs in a row leave no process, zombie, fd or mount behind" {
	running
	local mounts_before fds_before
	mounts_before="$(wc -l </proc/self/mountinfo)"
	fds_before="$(ls /proc/$PID/fd | wc -l)"
	for i in $(seq 100); do
		"$SKIFF" --root "$ROOT" exec "$ID" true || { echo "exec $i failed"; return 1; }
	done
	[ "$(wc -l </proc/self/mountinfo)" -eq "$mounts_before" ]
	[ "$(ls /proc/$PID/fd | wc -l)" -eq "$fds_before" ]
	# Only the init (and this ps) in the container; no zombie children of ours.
	run skiff exec "$ID" ps -o pid,stat,comm
	echo "$output"
	[ "$(echo "$output" | grep -vc PID)" -eq 2 ]
	[ -z "$(ps -o stat= --ppid $$ | grep Z || true)" ]
}

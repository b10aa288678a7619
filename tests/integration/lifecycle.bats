#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The lifecycle of runtime.md and the caller contract: create leaves the init blocked before
# the user's program, start releases it, run waits and passes the exit status on, state follows
# every step, kill and delete, --pid-file, --bundle, stdio, signal forwarding, the subreaper.

load helpers

# bundle [cmd args...]: a busybox bundle in $B running the command, with $B/out bound at /out
# (the container writes its observations there).
bundle() {
	B="$TEST_TMP/bundle"
	make_bundle "$B" "$@"
	mkdir -p "$B/out" "$B/rootfs/out"
	jq --arg d "$B/out" '.mounts += [{"destination":"/out","type":"bind","source":$d,"options":["rbind"]}]' \
		"$B/config.json" >"$B/c" && mv "$B/c" "$B/config.json"
}

# The init holds the caller's stdio until the program exits: a create or run --detach under
# `run` (a command substitution) would wait for it. These send it to files instead.
quiet() { "$@" </dev/null >"$TEST_TMP/stdout" 2>"$TEST_TMP/stderr"; }

status_of() { skiff state "$1" | jq -r .status; }
is_status() { [ "$(status_of "$1")" = "$2" ]; }

@test "create: the init waits before the user's program; start releases it and returns at once" {
	bundle sh -c 'echo started > /out/marker; sleep 1000'
	quiet skiff create --bundle "$B" --pid-file "$TEST_TMP/pid" c1
	[ ! -s "$TEST_TMP/stdout" ] && [ ! -s "$TEST_TMP/stderr" ]
	# --pid-file: the host pid, no newline; state says the same pid.
	[ "$(wc -l <"$TEST_TMP/pid")" -eq 0 ]
	pid="$(cat "$TEST_TMP/pid")"
	[ "$(skiff state c1 | jq .pid)" = "$pid" ]
	is_status c1 created
	[ -d "/proc/$pid" ]
	sleep 0.3
	[ ! -e "$B/out/marker" ] # the user's program has not run
	# start returns at once even though the program runs on.
	SECONDS=0
	run timeout 10 "$SKIFF" --root "$ROOT" start c1
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$SECONDS" -lt 3 ]
	wait_for test -e "$B/out/marker"
	is_status c1 running
	[ "$(skiff state c1 | jq .pid)" = "$pid" ]
	# The init became the user's program (same pid).
	[ "$(cat /proc/$pid/comm)" = sh ] || [ "$(cat /proc/$pid/comm)" = sleep ]
	run skiff start c1
	[ "$status" -ne 0 ]
	[[ "$output" == *"running"* ]]
}

@test "state follows the container: created, running, stopped when the init exits on its own" {
	bundle sh -c 'read x < /out/go; exit 0'
	mkfifo "$B/out/go"
	quiet skiff create --bundle "$B" c2
	is_status c2 created
	skiff start c2
	is_status c2 running
	echo go >"$B/out/go"
	wait_for is_status c2 stopped
	[ "$(skiff state c2 | jq .pid)" = 0 ]
	run skiff start c2
	[ "$status" -ne 0 ]
	[[ "$output" == *"stopped"* ]]
	skiff delete c2
	[ ! -e "$ROOT/c2" ]
}

@test "state: stopped after the init is killed from outside" {
	bundle sleep 1000
	quiet skiff run --detach --bundle "$B" --pid-file "$TEST_TMP/pid" c3
	is_status c3 running
	kill -9 "$(cat "$TEST_TMP/pid")"
	wait_for is_status c3 stopped
	run skiff kill c3 KILL
	[ "$status" -ne 0 ]
	[[ "$output" == *"container not running"* ]]
	# --all on a stopped container is not an error (runc).
	skiff kill --all c3 KILL
	skiff delete c3
}

@test "kill: default SIGTERM; names with and without SIG and numbers reach the container" {
	bundle sh -c 'trap "echo usr1 >> /out/sigs" USR1; trap "echo hup >> /out/sigs" HUP;
		trap "echo int >> /out/sigs" INT; trap "echo term >> /out/sigs; exit 3" TERM;
		echo ready > /out/ready; while :; do sleep 0.05; done'
	quiet skiff run -d --bundle "$B" k1
	wait_for test -e "$B/out/ready"
	skiff kill k1 USR1
	wait_for grep -qx usr1 "$B/out/sigs"
	skiff kill k1 SIGHUP
	wait_for grep -qx hup "$B/out/sigs"
	skiff kill k1 2
	wait_for grep -qx int "$B/out/sigs"
	is_status k1 running
	skiff kill k1
	wait_for grep -qx term "$B/out/sigs"
	wait_for is_status k1 stopped
	[ "$(cat "$B/out/sigs" | tr '\n' ' ')" = "usr1 hup int term " ]
	run skiff kill k1 NOSUCHSIG
	[ "$status" -ne 0 ]
}

@test "delete: refuses a running container, --force kills it, unknown ids" {
	bundle sleep 1000
	quiet skiff run -d --bundle "$B" --pid-file "$TEST_TMP/pid" d1
	pid="$(cat "$TEST_TMP/pid")"
	run skiff delete d1
	[ "$status" -ne 0 ]
	[[ "$output" == *"not stopped"* ]]
	[ -d "/proc/$pid" ]
	skiff delete --force d1
	[ ! -d "/proc/$pid" ] || [ "$(awk '/^State/ {print $2}' /proc/$pid/status)" = Z ]
	[ ! -e "$ROOT/d1" ]
	run skiff delete d1
	[ "$status" -eq 1 ]
	[[ "$output" == *"does not exist"* ]]
	run skiff delete --force d1
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run skiff state d1
	[ "$status" -eq 1 ]
	[[ "$output" == *"does not exist"* ]]
	run skiff kill d1
	[ "$status" -eq 1 ]
	[[ "$output" == *"does not exist"* ]]
}

@test "delete of a created container kills the waiting init; the program never runs" {
	bundle sh -c 'echo ran > /out/marker'
	quiet skiff create --bundle "$B" --pid-file "$TEST_TMP/pid" d2
	pid="$(cat "$TEST_TMP/pid")"
	skiff delete d2
	[ ! -e "$ROOT/d2" ]
	wait_for test ! -d "/proc/$pid" || [ "$(awk '/^State/ {print $2}' /proc/$pid/status)" = Z ]
	[ ! -e "$B/out/marker" ]
}

@test "run: exits with the program's status, 128+N when a signal ends it" {
	bundle sh -c 'exit 42'
	run skiff run --bundle "$B" r1
	[ "$status" -eq 42 ]
	[ ! -e "$ROOT/r1" ] # run deletes what it made
	jq '.process.args = ["sh","-c","echo ready > /out/ready; sleep 1000"]' "$B/config.json" >"$B/c" && mv "$B/c" "$B/config.json"
	"$SKIFF" --root "$ROOT" run --bundle "$B" r2 </dev/null >/dev/null 2>&1 &
	runpid=$!
	TEST_PIDS="$runpid"
	wait_for test -e "$B/out/ready"
	skiff kill r2 KILL
	wait "$runpid" || st=$?
	[ "${st:-0}" -eq 137 ]
	wait_for test ! -e "$ROOT/r2"
}

@test "run: stdio is skiff's own 0-2, passed through" {
	bundle sh -c 'read line; echo "out:$line"; echo "err:$line" >&2; readlink /proc/self/fd/0'
	echo hello | skiff run --bundle "$B" io1 >"$TEST_TMP/o" 2>"$TEST_TMP/e"
	[ "$(head -1 "$TEST_TMP/o")" = "out:hello" ]
	[ "$(cat "$TEST_TMP/e")" = "err:hello" ]
	# stdin was a pipe of the caller's: the container has it (pipe:[...]), stdout the file.
	sed -n 2p "$TEST_TMP/o" | grep -q '^pipe:\['
}

@test "run: forwards signals to the container and passes its status on" {
	bundle sh -c 'trap "echo got-usr1 > /out/usr1" USR1; trap "exit 5" TERM; echo ready > /out/ready; while :; do sleep 0.05; done'
	"$SKIFF" --root "$ROOT" run --bundle "$B" fwd </dev/null >/dev/null 2>&1 &
	runpid=$!
	TEST_PIDS="$runpid"
	wait_for test -e "$B/out/ready"
	kill -USR1 "$runpid"
	wait_for test -e "$B/out/usr1"
	kill -TERM "$runpid"
	wait "$runpid" || st=$?
	[ "${st:-0}" -eq 5 ]
}

@test "run --keep leaves a stopped container to delete; run --detach returns after start" {
	bundle true
	skiff run --keep --bundle "$B" keep1
	is_status keep1 stopped
	skiff delete keep1
	jq '.process.args = ["sh","-c","sleep 0.5; echo done > /out/done"]' "$B/config.json" >"$B/c" && mv "$B/c" "$B/config.json"
	SECONDS=0
	quiet skiff run --detach --bundle "$B" det1
	[ "$SECONDS" -lt 2 ]
	[ ! -e "$B/out/done" ]
	wait_for test -e "$B/out/done"
	wait_for is_status det1 stopped
}

@test "--bundle defaults to the current directory; the pid file is only written on success" {
	bundle sleep 1000
	cd "$B"
	quiet skiff create --pid-file "$TEST_TMP/pid" cwd1
	[ "$(skiff state cwd1 | jq -r .bundle)" = "$B" ]
	skiff delete --force cwd1
	# A failing create writes no pid file.
	jq '.process.args = ["/no/such/program"]' "$B/config.json" >"$B/c" && mv "$B/c" "$B/config.json"
	run skiff create --pid-file "$TEST_TMP/pid2" cwd2
	[ "$status" -ne 0 ]
	[ ! -e "$TEST_TMP/pid2" ]
	[ ! -e "$ROOT/cwd2" ]
	# --no-new-keyring is accepted.
	jq '.process.args = ["true"]' "$B/config.json" >"$B/c" && mv "$B/c" "$B/config.json"
	skiff run --no-new-keyring nk1
}

@test "create: the init is a child of the caller's subreaper, and nothing of skiff stays beside it" {
	bundle sleep 1000
	cat >"$TEST_TMP/reaper.py" <<-'EOF'
		import ctypes, os, subprocess, sys
		ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
		subprocess.run(sys.argv[1:], check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
		pid = int(open(os.environ["PIDFILE"]).read())
		ppid = [l.split()[1] for l in open("/proc/%d/status" % pid) if l.startswith("PPid:")][0]
		kids = open("/proc/%d/task/%d/children" % (os.getpid(), os.getpid())).read().split()
		print(ppid == str(os.getpid()), kids == [str(pid)])
	EOF
	run env PIDFILE="$TEST_TMP/pid" python3 "$TEST_TMP/reaper.py" "$SKIFF" --root "$ROOT" create --bundle "$B" --pid-file "$TEST_TMP/pid" sr1
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "True True" ]
	# With a joined namespace (two stages) the same holds.
	skiff delete --force sr1
	start_sleeper
	jq --arg p "/proc/$BG_PID/ns/net" '.linux.namespaces |= map(if .type == "network" then .path = $p else . end)' \
		"$B/config.json" >"$B/c" && mv "$B/c" "$B/config.json"
	run env PIDFILE="$TEST_TMP/pid" python3 "$TEST_TMP/reaper.py" "$SKIFF" --root "$ROOT" create --bundle "$B" --pid-file "$TEST_TMP/pid" sr2
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "True True" ]
}

@test "commands on one container serialize; a created container's lock is free for start" {
	bundle sleep 1000
	quiet skiff create --bundle "$B" l1
	# The init must not hold the state lock (it would block start until the program runs).
	run timeout 5 "$SKIFF" --root "$ROOT" start l1
	[ "$status" -eq 0 ]
	run timeout 5 "$SKIFF" --root "$ROOT" kill l1 KILL
	[ "$status" -eq 0 ]
	wait_for is_status l1 stopped
	run timeout 5 "$SKIFF" --root "$ROOT" delete l1
	[ "$status" -eq 0 ]
}

@test "list shows containers with their status and pid" {
	bundle sleep 1000
	quiet skiff create --bundle "$B" --pid-file "$TEST_TMP/p1" ls1
	quiet skiff run -d --bundle "$B" --pid-file "$TEST_TMP/p2" ls2
	run skiff list --format json
	[ "$status" -eq 0 ]
	[ "$(jq -r '.[] | select(.id=="ls1") | .status' <<<"$output")" = created ]
	[ "$(jq -r '.[] | select(.id=="ls2") | .status' <<<"$output")" = running ]
	[ "$(jq -r '.[] | select(.id=="ls2") | .pid' <<<"$output")" = "$(cat "$TEST_TMP/p2")" ]
	[ "$(skiff list -q | sort | tr '\n' ' ')" = "ls1 ls2 " ]
}

@test "kill --all: every process of the container's pid namespace gets the signal" {
	bundle sh -c 'trap "echo init >> /out/sigs" USR1
		(trap "echo child >> /out/sigs" USR1; while :; do sleep 0.05; done) &
		echo ready > /out/ready; while :; do sleep 0.05; done'
	quiet skiff run -d --bundle "$B" all1
	wait_for test -e "$B/out/ready"
	skiff kill all1 USR1
	wait_for grep -qx init "$B/out/sigs"
	sleep 0.3
	[ "$(grep -c child "$B/out/sigs")" -eq 0 ]
	skiff kill --all all1 USR1
	wait_for grep -qx child "$B/out/sigs"
	wait_for sh -c "[ \$(grep -c init \"$B/out/sigs\") -eq 2 ]"
	skiff kill --all all1 KILL
	wait_for is_status all1 stopped
}

@test "socket activation: LISTEN_FDS meant for skiff go to the container, LISTEN_PID rewritten" {
	bundle sh -c 'echo "fds=$LISTEN_FDS pid=$LISTEN_PID"; cat <&3; cat <&4; cat <&5; ls /proc/self/fd | tr "\n" " "'
	echo one >"$TEST_TMP/f3"
	echo two >"$TEST_TMP/f4"
	echo three >"$TEST_TMP/f5"
	# fds 3-4 by activation, then one --preserve-fds (5); 6 is not passed.
	run sh -c 'exec 3<"$1/f3" 4<"$1/f4" 5<"$1/f5" 6<"$1/f5"; LISTEN_PID=$$ LISTEN_FDS=2 exec "$2" --root "$3" run --preserve-fds 1 --bundle "$4" act1' \
		sh "$TEST_TMP" "$SKIFF" "$ROOT" "$B"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(echo $output)" = "fds=2 pid=1 one two three 0 1 2 3 4 5 6" ] # 6: ls's own dir fd
	# LISTEN_PID of another process: not ours, nothing passed.
	run sh -c 'exec 3<"$1/f3"; LISTEN_PID=1 LISTEN_FDS=1 exec "$2" --root "$3" run --bundle "$4" act2' \
		sh "$TEST_TMP" "$SKIFF" "$ROOT" "$B"
	echo "$output"
	[[ "$output" == *"fds= pid="* ]]
}

@test "--pidfd-socket: create and exec send a pidfd of the new process" {
	bundle sleep 1000
	timeout 20 python3 "$BATS_TEST_DIRNAME/pidfd-receiver.py" "$TEST_TMP/p.sock" "$TEST_TMP/p.out" &
	TEST_PIDS="${TEST_PIDS:-} $!"
	wait_for test -e "$TEST_TMP/p.out.ready"
	quiet skiff create --pidfd-socket "$TEST_TMP/p.sock" --pid-file "$TEST_TMP/pid" --bundle "$B" pfd1
	wait_for test -s "$TEST_TMP/p.out"
	cat "$TEST_TMP/p.out"
	grep -qx "fds=1 pid=$(cat "$TEST_TMP/pid") link=anon_inode:\[pidfd\]" "$TEST_TMP/p.out"
	skiff start pfd1
	rm -f "$TEST_TMP/p.sock" "$TEST_TMP/p.out" "$TEST_TMP/p.out.ready"
	timeout 20 python3 "$BATS_TEST_DIRNAME/pidfd-receiver.py" "$TEST_TMP/p.sock" "$TEST_TMP/p.out" &
	TEST_PIDS="${TEST_PIDS:-} $!"
	wait_for test -e "$TEST_TMP/p.out.ready"
	quiet skiff exec -d --pidfd-socket "$TEST_TMP/p.sock" --pid-file "$TEST_TMP/epid" pfd1 sleep 100
	wait_for test -s "$TEST_TMP/p.out"
	grep -qx "fds=1 pid=$(cat "$TEST_TMP/epid") link=anon_inode:\[pidfd\]" "$TEST_TMP/p.out"
}

@test "NOTIFY_SOCKET: messages reach the host's socket; start returns after READY=1" {
	command -v cc >/dev/null || skip "no C compiler to build the sd_notify client"
	bundle sh -c 'echo "$NOTIFY_SOCKET" > /out/env; sleep 0.5; /sdnotify STATUS=starting; sleep 0.5; /sdnotify READY=1; sleep 1000'
	cc -static -O2 -o "$B/rootfs/sdnotify" "$BATS_TEST_DIRNAME/sdnotify.c"
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
open(sys.argv[2] + ".ready", "w").close()
with open(sys.argv[2], "w") as o:
    for _ in range(2):
        o.write(s.recv(4096).decode() + "\n"); o.flush()
' "$TEST_TMP/host.sock" "$TEST_TMP/host.out" &
	TEST_PIDS="${TEST_PIDS:-} $!"
	wait_for test -e "$TEST_TMP/host.out.ready"
	NOTIFY_SOCKET="$TEST_TMP/host.sock" quiet skiff create --bundle "$B" nfy1
	SECONDS=0
	NOTIFY_SOCKET="$TEST_TMP/host.sock" timeout 20 "$SKIFF" --root "$ROOT" start nfy1
	[ "$SECONDS" -ge 1 ] # it waited for READY=1
	[ "$(cat "$B/out/env")" = /run/notify/notify.sock ]
	wait_for grep -qx READY=1 "$TEST_TMP/host.out"
	[ "$(head -1 "$TEST_TMP/host.out")" = STATUS=starting ]
	# Without NOTIFY_SOCKET, start does not wait.
	quiet skiff create --bundle "$B" nfy2
	[ ! -e "$ROOT/nfy2/notify" ]
}

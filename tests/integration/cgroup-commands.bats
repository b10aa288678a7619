#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The commands that act on the container's cgroup, on every layout (v1 and hybrid on the
# host, v2 in the tests/vm guest): pause and resume (read back from v1 freezer.state or v2
# cgroup.events, and from a counter that stops), kill and delete --force of a paused
# container, kill --all, exec --cgroup, and the cgroup namespace with its cgroup mount.
#
# Every test works below its own /$CG in each hierarchy and removes it in teardown, also on
# failure. Cgroups that existed before are never written to.

load cgroup-helpers

# V2=1 on cgroup v2 (the guest), empty on v1/hybrid (which needs the freezer and pids hierarchies).
cg_host_ok() {
	case "$(layout)" in
	v2) V2=1 ;;
	v1)
		V2=
		[ -d /sys/fs/cgroup/freezer ] || skip "no v1 freezer hierarchy"
		[ -d /sys/fs/cgroup/pids ] || skip "no v1 pids hierarchy"
		;;
	*) skip "/sys/fs/cgroup is neither cgroup2 nor a tmpfs of v1 hierarchies" ;;
	esac
	export V2
}

# The container's directory ($CG/c, or $1 below the hierarchy) that lists its processes.
procs_dir() { if [ -n "$V2" ]; then echo "/sys/fs/cgroup/${1:-$CG/c}"; else echo "/sys/fs/cgroup/pids/${1:-$CG/c}"; fi; }

# What the kernel says of the container's freezer: "frozen" or "thawed" (FREEZING: "freezing").
freezer() {
	if [ -n "$V2" ]; then
		grep -q '^frozen 1$' "/sys/fs/cgroup/$CG/c/cgroup.events" && echo frozen || echo thawed
	else
		case "$(cat "/sys/fs/cgroup/freezer/$CG/c/freezer.state")" in
		FROZEN) echo frozen ;; THAWED) echo thawed ;; *) echo freezing ;;
		esac
	fi
}

# A container c1 whose init counts in /out/n (20 a second).
COUNTER='i=0; while :; do i=$((i+1)); echo $i > /out/n; sleep 0.05; done'
run_counter() {
	bundle sh -c "$COUNTER"
	timeout 10 "$SKIFF" --root "$ROOT" run -d --bundle "$B" --pid-file "$TEST_TMP/pid" c1 \
		</dev/null >/dev/null 2>"$TEST_TMP/stderr" || { cat "$TEST_TMP/stderr"; false; }
	wait_for test -s "$B/out/n"
	PID="$(cat "$TEST_TMP/pid")"
}

# The counter does not move for a second.
stands_still() {
	local a b
	a="$(cat "$B/out/n")"
	sleep 1
	b="$(cat "$B/out/n")"
	[ "$a" = "$b" ] || { echo "counter moved: $a -> $b"; return 1; }
}

moves() {
	MOVES_FROM="$(cat "$B/out/n")"
	wait_for counter_moved
}
counter_moved() { [ "$(cat "$B/out/n")" != "$MOVES_FROM" ]; }

# gone PID: the process is no more (a zombie not yet reaped counts as gone).
gone() { [ ! -e "/proc/$1" ] || [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" = Z ]; }

# mksub NAME: a sub-cgroup of the container's cgroup in every hierarchy (v1 cpuset: its
# parent's cpus and memory nodes, without which nothing can join it).
mksub() {
	local h
	for h in $(hierarchies); do
		mkdir "$h/$CG/c/$1"
		if [ -f "$h/$CG/c/cpuset.cpus" ] && [ -z "$V2" ]; then
			cat "$h/$CG/c/cpuset.cpus" >"$h/$CG/c/$1/cpuset.cpus"
			cat "$h/$CG/c/cpuset.mems" >"$h/$CG/c/$1/cpuset.mems"
		fi
	done
}

# none_left: no directory of this test in any hierarchy.
none_left() {
	local h
	for h in $(hierarchies); do
		[ ! -e "$h/$CG" ] || { echo "left: $h/$CG"; return 1; }
	done
}

@test "pause: the container's processes stop (freezer frozen, counter still), state says paused; resume: they go on" {
	run_counter
	# a child too: the whole cgroup freezes, not only the init
	timeout 10 "$SKIFF" --root "$ROOT" exec -d --pid-file "$TEST_TMP/xpid" c1 sh -c 'while :; do echo x >> /out/x; sleep 0.05; done'
	wait_for test -s "$B/out/x"
	timeout 10 "$SKIFF" --root "$ROOT" pause c1
	[ "$(freezer)" = frozen ]
	stands_still
	x1="$(wc -c <"$B/out/x")"
	sleep 0.3
	[ "$(wc -c <"$B/out/x")" = "$x1" ]
	[ -d "/proc/$PID" ]
	[ "$(status_of c1)" = paused ]
	skiff state c1 | jq -e --argjson p "$PID" '.pid == $p'
	skiff list --format json | jq -e '.[] | select(.id == "c1") | .status == "paused"'
	skiff list | grep -E '^c1 +[0-9]+ +paused '
	jq -e '.status == "paused"' "$ROOT/c1/state.json"
	timeout 10 "$SKIFF" --root "$ROOT" resume c1
	[ "$(freezer)" = thawed ]
	moves
	x2="$(wc -c <"$B/out/x")"
	wait_for eval '[ "$(wc -c <"$B/out/x")" -gt "$x2" ]'
	[ "$(status_of c1)" = running ]
	jq -e '.status == "running"' "$ROOT/c1/state.json"
}

@test "pause/resume: errors as runc (not running, not paused, stopped, unknown), exec into a paused one" {
	run_counter
	run timeout 10 "$SKIFF" --root "$ROOT" resume c1
	[ "$status" -eq 1 ]
	[[ "$output" == *"container not paused"* ]]
	[ "$(freezer)" = thawed ]
	timeout 10 "$SKIFF" --root "$ROOT" pause c1
	run timeout 10 "$SKIFF" --root "$ROOT" pause c1
	[ "$status" -eq 1 ]
	[[ "$output" == *"container not running"* ]]
	[ "$(freezer)" = frozen ]
	run timeout 10 "$SKIFF" --root "$ROOT" exec c1 true
	[ "$status" -eq 255 ]
	[[ "$output" == *"paused"* ]]
	[[ "$output" == *"--ignore-paused"* ]]
	[ "$(freezer)" = frozen ]
	run timeout 10 "$SKIFF" --root "$ROOT" start c1
	[ "$status" -eq 1 ]
	timeout 10 "$SKIFF" --root "$ROOT" resume c1
	timeout 10 "$SKIFF" --root "$ROOT" kill c1 KILL
	wait_for eval '[ "$(status_of c1)" = stopped ]'
	run timeout 10 "$SKIFF" --root "$ROOT" pause c1
	[ "$status" -eq 1 ]
	[[ "$output" == *"container not running"* ]]
	run timeout 10 "$SKIFF" --root "$ROOT" resume c1
	[ "$status" -eq 1 ]
	[[ "$output" == *"container not paused"* ]]
	run timeout 10 "$SKIFF" --root "$ROOT" pause nosuch
	[ "$status" -eq 1 ]
	[[ "$output" == *"does not exist"* ]]
	run timeout 10 "$SKIFF" --root "$ROOT" resume nosuch
	[ "$status" -eq 1 ]
	[[ "$output" == *"does not exist"* ]]
}

@test "exec --ignore-paused: the process starts once the container is resumed" {
	run_counter
	timeout 10 "$SKIFF" --root "$ROOT" pause c1
	(
		timeout -s KILL 20 "$SKIFF" --root "$ROOT" exec --ignore-paused c1 sh -c 'echo ran > /out/ran'
		echo $? >"$TEST_TMP/rc"
	) </dev/null >/dev/null 2>&1 3>&- &
	sleep 1
	[ ! -e "$B/out/ran" ]
	[ "$(status_of c1)" = paused ]
	timeout -s KILL 10 "$SKIFF" --root "$ROOT" resume c1
	wait_for test -s "$B/out/ran"
	wait_for test -s "$TEST_TMP/rc"
	[ "$(cat "$TEST_TMP/rc")" = 0 ]
}

@test "pause: status follows the freezer, whoever froze it" {
	run_counter
	if [ -n "$V2" ]; then echo 1 >"/sys/fs/cgroup/$CG/c/cgroup.freeze"; else echo FROZEN >"/sys/fs/cgroup/freezer/$CG/c/freezer.state"; fi
	wait_for eval '[ "$(freezer)" = frozen ]'
	[ "$(status_of c1)" = paused ]
	timeout 10 "$SKIFF" --root "$ROOT" resume c1
	moves
	timeout 10 "$SKIFF" --root "$ROOT" pause c1
	if [ -n "$V2" ]; then echo 0 >"/sys/fs/cgroup/$CG/c/cgroup.freeze"; else echo THAWED >"/sys/fs/cgroup/freezer/$CG/c/freezer.state"; fi
	[ "$(status_of c1)" = running ]
	moves
}

@test "pause: a created container pauses, resumes to created, and then starts" {
	bundle sh -c "$COUNTER"
	timeout 10 "$SKIFF" --root "$ROOT" create --bundle "$B" c1 </dev/null >/dev/null 2>"$TEST_TMP/stderr" || { cat "$TEST_TMP/stderr"; false; }
	timeout 10 "$SKIFF" --root "$ROOT" pause c1
	[ "$(freezer)" = frozen ]
	[ "$(status_of c1)" = paused ]
	timeout 10 "$SKIFF" --root "$ROOT" resume c1
	[ "$(status_of c1)" = created ]
	timeout 10 "$SKIFF" --root "$ROOT" start c1
	wait_for test -s "$B/out/n"
	moves
}

@test "kill: SIGKILL ends a paused container (thawed so that it dies); another signal waits for resume" {
	bundle sh -c 'trap "echo term >> /out/log" TERM; echo up > /out/up; while :; do sleep 0.05; done'
	timeout 10 "$SKIFF" --root "$ROOT" run -d --bundle "$B" --pid-file "$TEST_TMP/pid" c1 </dev/null >/dev/null 2>"$TEST_TMP/stderr" || { cat "$TEST_TMP/stderr"; false; }
	wait_for test -s "$B/out/up"
	pid="$(cat "$TEST_TMP/pid")"
	timeout 10 "$SKIFF" --root "$ROOT" pause c1
	timeout 10 "$SKIFF" --root "$ROOT" kill c1 TERM
	sleep 0.5
	[ ! -e "$B/out/log" ]
	[ "$(status_of c1)" = paused ]
	timeout 10 "$SKIFF" --root "$ROOT" resume c1
	wait_for grep -q term "$B/out/log"
	timeout 10 "$SKIFF" --root "$ROOT" pause c1
	timeout 10 "$SKIFF" --root "$ROOT" kill c1 KILL
	wait_for gone "$pid"
	wait_for eval '[ "$(status_of c1)" = stopped ]'
	[ "$(freezer)" = thawed ]
	timeout 10 "$SKIFF" --root "$ROOT" delete c1
	none_left
}

@test "delete --force of a paused container leaves no cgroup, no state and no process" {
	bundle sh -c 'sleep 1001 & sleep 1002 & echo up > /out/up; wait'
	# no pid namespace: the init's death does not take the others along
	set_config '.linux.namespaces |= map(select(.type != "pid"))'
	timeout 10 "$SKIFF" --root "$ROOT" run -d --bundle "$B" c1 </dev/null >/dev/null 2>"$TEST_TMP/stderr" || { cat "$TEST_TMP/stderr"; false; }
	wait_for test -s "$B/out/up"
	procs="$(procs_dir)/cgroup.procs"
	wait_for eval '[ "$(wc -l <"$procs")" -ge 3 ]'
	pids="$(cat "$procs")"
	timeout 10 "$SKIFF" --root "$ROOT" pause c1
	[ "$(freezer)" = frozen ]
	timeout 20 "$SKIFF" --root "$ROOT" delete --force c1
	for p in $pids; do wait_for gone "$p" || { echo "alive: $p"; false; }; done
	[ ! -e "$ROOT/c1" ]
	none_left
}

@test "kill --all: every process of the cgroup, also of a paused one and of a sub-cgroup" {
	bundle sh -c 'sleep 1001 & sleep 1002 & echo up > /out/up; wait'
	set_config '.linux.namespaces |= map(select(.type != "pid"))'
	timeout 10 "$SKIFF" --root "$ROOT" run -d --bundle "$B" c1 </dev/null >/dev/null 2>"$TEST_TMP/stderr" || { cat "$TEST_TMP/stderr"; false; }
	wait_for test -s "$B/out/up"
	mksub sub
	timeout 10 "$SKIFF" --root "$ROOT" exec -d --cgroup sub --pid-file "$TEST_TMP/xpid" c1 sleep 1003
	xpid="$(cat "$TEST_TMP/xpid")"
	grep -qx "$xpid" "$(procs_dir)/sub/cgroup.procs"
	# ps sees the sub-cgroup's process too
	skiff ps --format json c1 | jq -e --argjson p "$xpid" 'index($p) != null and length == 4'
	pids="$(cat "$(procs_dir)/cgroup.procs") $xpid"
	timeout 10 "$SKIFF" --root "$ROOT" pause c1
	timeout 10 "$SKIFF" --root "$ROOT" kill --all c1 KILL
	for p in $pids; do wait_for gone "$p" || { echo "alive: $p"; false; }; done
	wait_for eval '[ "$(status_of c1)" = stopped ]'
	timeout 10 "$SKIFF" --root "$ROOT" delete c1
	none_left
}

@test "kill KILL without a pid namespace of its own reaches every process of the cgroup (runc 1.2)" {
	bundle sh -c 'sleep 1001 & sleep 1002 & echo up > /out/up; wait'
	set_config '.linux.namespaces |= map(select(.type != "pid"))'
	timeout 10 "$SKIFF" --root "$ROOT" run -d --bundle "$B" c1 </dev/null >/dev/null 2>"$TEST_TMP/stderr" || { cat "$TEST_TMP/stderr"; false; }
	wait_for test -s "$B/out/up"
	procs="$(procs_dir)/cgroup.procs"
	wait_for eval '[ "$(wc -l <"$procs")" -ge 3 ]'
	pids="$(cat "$procs")"
	timeout 10 "$SKIFF" --root "$ROOT" kill c1 KILL
	for p in $pids; do wait_for gone "$p" || { echo "alive: $p"; false; }; done
	wait_for eval '[ "$(status_of c1)" = stopped ]'
}

@test "kill --all KILL uses cgroup.kill where the container has one" {
	bundle sh -c 'sleep 1001 & echo up > /out/up; wait'
	timeout 10 "$SKIFF" --root "$ROOT" run -d --bundle "$B" c1 </dev/null >/dev/null 2>"$TEST_TMP/stderr" || { cat "$TEST_TMP/stderr"; false; }
	wait_for test -s "$B/out/up"
	if [ -n "$V2" ]; then d="/sys/fs/cgroup/$CG/c"; else d="/sys/fs/cgroup/unified/$CG/c"; fi
	[ -f "$d/cgroup.kill" ] || skip "no cgroup.kill (Linux < 5.14 or no cgroup2 directory)"
	pids="$(cat "$d/cgroup.procs")"
	# strace shows the write when it is there; otherwise the effect alone
	if command -v strace >/dev/null; then
		# (LeakSanitizer does not work under ptrace: off for an ASan build)
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -e trace=openat -o "$TEST_TMP/trace" "$SKIFF" --root "$ROOT" kill --all c1 KILL
		grep -q "$CG/c/cgroup.kill" "$TEST_TMP/trace"
	else
		timeout 10 "$SKIFF" --root "$ROOT" kill --all c1 KILL
	fi
	for p in $pids; do wait_for gone "$p" || { echo "alive: $p"; false; }; done
	wait_for eval '[ "$(status_of c1)" = stopped ]'
}

@test "exec --cgroup: the process joins an existing sub-cgroup; a missing one or .. is refused" {
	bundle sleep 1000
	timeout 10 "$SKIFF" --root "$ROOT" run -d --bundle "$B" c1 </dev/null >/dev/null 2>"$TEST_TMP/stderr" || { cat "$TEST_TMP/stderr"; false; }
	mksub sub
	timeout 10 "$SKIFF" --root "$ROOT" exec -d --cgroup sub --pid-file "$TEST_TMP/xpid" c1 sleep 999
	xpid="$(cat "$TEST_TMP/xpid")"
	n=0
	while IFS=: read -r id ctrls path; do
		[[ "$ctrls" == name=* ]] && continue
		[ "$path" = "/$CG/c/sub" ] || { echo "$id:$ctrls:$path"; false; }
		n=$((n + 1))
	done <"/proc/$xpid/cgroup"
	[ "$n" -eq "$(hierarchies | wc -l)" ]
	run timeout 10 "$SKIFF" --root "$ROOT" exec --cgroup nosuch c1 true
	[ "$status" -eq 255 ]
	[[ "$output" == *"nosuch"*"does not exist"* ]]
	run timeout 10 "$SKIFF" --root "$ROOT" exec --cgroup ../x c1 true
	[ "$status" -eq 255 ]
	[[ "$output" == *'".."'* ]]
	if [ -z "$V2" ]; then
		# v1: only the hierarchies of the controllers named
		timeout 10 "$SKIFF" --root "$ROOT" exec -d --cgroup memory,pids:sub --pid-file "$TEST_TMP/ypid" c1 sleep 998
		ypid="$(cat "$TEST_TMP/ypid")"
		grep -q ":memory:/$CG/c/sub\$" "/proc/$ypid/cgroup"
		grep -q ":pids:/$CG/c/sub\$" "/proc/$ypid/cgroup"
		grep -q ":freezer:/$CG/c\$" "/proc/$ypid/cgroup"
		run timeout 10 "$SKIFF" --root "$ROOT" exec --cgroup nosuchctrl:sub c1 true
		[ "$status" -eq 255 ]
		[[ "$output" == *nosuchctrl* ]]
	else
		run timeout 10 "$SKIFF" --root "$ROOT" exec --cgroup memory:sub c1 true
		[ "$status" -eq 255 ]
		[[ "$output" == *"cgroup v1"* ]]
	fi
	# delete removes the sub-cgroups too
	timeout 10 "$SKIFF" --root "$ROOT" delete --force c1
	none_left
}

@test "cgroup namespace: the container's cgroup mount shows its own cgroup as the root, read-only" {
	bundle sh -c 'echo up > /out/up; sleep 1000'
	timeout 10 "$SKIFF" --root "$ROOT" run -d --bundle "$B" --pid-file "$TEST_TMP/pid" c1 </dev/null >/dev/null 2>"$TEST_TMP/stderr" || { cat "$TEST_TMP/stderr"; false; }
	wait_for test -s "$B/out/up"
	pid="$(cat "$TEST_TMP/pid")"
	run timeout 10 "$SKIFF" --root "$ROOT" exec c1 cat /proc/self/cgroup
	[ "$status" -eq 0 ]
	for l in "${lines[@]}"; do [[ "$l" == *name=* ]] || [ "${l##*:}" = / ] || { echo "$l"; false; }; done
	if [ -n "$V2" ]; then
		dirs=/sys/fs/cgroup
		run timeout 10 "$SKIFF" --root "$ROOT" exec c1 stat -f -c %t /sys/fs/cgroup
		[ "$output" = 63677270 ] # CGROUP2_SUPER_MAGIC (busybox has no name for it)
	else
		dirs="/sys/fs/cgroup/memory /sys/fs/cgroup/pids /sys/fs/cgroup/freezer"
	fi
	for d in $dirs; do
		# the root it sees holds the init (pid 1 in its pid namespace): the container's cgroup
		run timeout 10 "$SKIFF" --root "$ROOT" exec c1 cat "$d/cgroup.procs"
		[ "$status" -eq 0 ]
		[[ " ${lines[*]} " == *" 1 "* ]]
		# nothing of the host above it: the container's cgroup has no sub-cgroups
		run timeout 10 "$SKIFF" --root "$ROOT" exec c1 find "$d" -mindepth 1 -type d
		[ -z "$output" ]
		run timeout 10 "$SKIFF" --root "$ROOT" exec c1 mkdir "$d/x"
		[ "$status" -ne 0 ]
		[[ "$output" == *"Read-only file system"* ]]
	done
	[ ! -e "$(procs_dir)/x" ]
	# read-only from the kernel's view: the options of every cgroup mount (and the tmpfs on v1)
	opts="$(grep -E ' /sys/fs/cgroup(/[a-z_,=]+)? ' "/proc/$pid/mountinfo" | awk '{print $5, $6}')"
	echo "$opts"
	[ "$(wc -l <<<"$opts")" -ge "$(hierarchies | wc -l)" ]
	[ -z "$(grep -v ' ro,' <<<"$opts")" ]
}

@test "cgroup namespace: a cgroup mount configured rw lets the container make a sub-cgroup of its own" {
	bundle sh -c 'echo up > /out/up; sleep 1000'
	set_config '(.mounts[] | select(.type == "cgroup") | .options) |= (map(select(. != "ro")) + ["rw"])'
	timeout 10 "$SKIFF" --root "$ROOT" run -d --bundle "$B" c1 </dev/null >/dev/null 2>"$TEST_TMP/stderr" || { cat "$TEST_TMP/stderr"; false; }
	wait_for test -s "$B/out/up"
	if [ -n "$V2" ]; then d=/sys/fs/cgroup; else d=/sys/fs/cgroup/pids; fi
	timeout 10 "$SKIFF" --root "$ROOT" exec c1 mkdir "$d/inner"
	# on the host: below the container's cgroup, nowhere else
	[ -d "$(procs_dir)/inner" ]
	timeout 10 "$SKIFF" --root "$ROOT" delete --force c1
	none_left
}

#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# linux.resources.memory.limit at its edges: a limit too small to start the container is said
# plainly (the OOM killer took the init while starting) and leaves nothing behind; a limit
# that suffices is what the kernel holds; a program the OOM killer takes later is reported.
# On cgroup v1 / hybrid hosts and on cgroup v2.

load cgroup-helpers

cg_host_ok() { :; }

# memfile: the container's memory limit file (v1 memory.limit_in_bytes, v2 memory.max).
memfile() {
	if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
		echo "/sys/fs/cgroup/$CG/c/memory.max"
	else
		echo "/sys/fs/cgroup/memory/$CG/c/memory.limit_in_bytes"
	fi
}

# bundle [cmd args...]: the shared one; on v2 without device rules (not what is tested here,
# and skiff may refuse them there for now).
eval "$(declare -f bundle | sed '1s/bundle/shared_bundle/')"
bundle() {
	shared_bundle "$@"
	[ "$(stat -f -c %T /sys/fs/cgroup)" != cgroup2fs ] || set_config 'del(.linux.resources.devices)'
}

# nothing_left ID: no state directory, no cgroup directory in any hierarchy, no process.
nothing_left() {
	[ ! -e "$ROOT/$1" ] || { echo "state dir left: $ROOT/$1"; return 1; }
	[ -z "$(skiff list -q)" ] || { echo "listed: $(skiff list -q)"; return 1; }
	none_left
}

OOM_MSG='linux.resources.memory.limit: the container was killed by the OOM killer while starting (limit [0-9]* bytes is too small to start it; raise it)'

@test "cgroup-memory: run with a limit too small to start says so, and leaves nothing behind" {
	bundle /bin/true
	set_config '.linux.resources.memory = {limit: 65536}'
	fails timeout 20 "$SKIFF" --root "$ROOT" run --bundle "$B" m1
	echo "$output"
	grep -qx "skiff: $OOM_MSG" <<<"$output"
	nothing_left m1
}

@test "cgroup-memory: create (and run --detach) with a limit too small to start: the same" {
	bundle sleep 100
	set_config '.linux.resources.memory = {limit: 65536}'
	fails timeout 20 "$SKIFF" --root "$ROOT" create --bundle "$B" m2
	echo "$output"
	grep -qx "skiff: $OOM_MSG" <<<"$output"
	nothing_left m2
	fails timeout 20 "$SKIFF" --root "$ROOT" run -d --bundle "$B" m3
	grep -qx "skiff: $OOM_MSG" <<<"$output"
	nothing_left m3
}

@test "cgroup-memory: a limit that lets create through but not the program's start: start says so, nothing left" {
	bundle /bin/true
	# The smallest limit (in 8 KiB steps) at which create gets through; below it create fails
	# with the plain message (checked on the way).
	local lim created=
	for lim in $(seq $((64 * 1024)) 8192 $((1024 * 1024))); do
		set_config --argjson l "$lim" '.linux.resources.memory = {limit: $l}'
		if quiet timeout 20 "$SKIFF" --root "$ROOT" create --bundle "$B" s$lim; then
			created=s$lim
			break
		fi
		grep -qx "skiff: $OOM_MSG" "$TEST_TMP/stderr"
		nothing_left s$lim
	done
	[ -n "$created" ]
	echo "create got through at $lim bytes"
	if quiet timeout 20 "$SKIFF" --root "$ROOT" start "$created"; then
		skip "start got through at the first limit create got through ($lim bytes): a kill after the exec is the program's"
	fi
	cat "$TEST_TMP/stderr"
	grep -qx "skiff: $OOM_MSG" "$TEST_TMP/stderr"
	nothing_left "$created"
}

@test "cgroup-memory: a sufficient limit is what the kernel holds, and the program runs" {
	bundle sh -c 'echo ran > /out/ran; sleep 100'
	set_config '.linux.resources.memory = {limit: 16777216}'
	quiet timeout 20 "$SKIFF" --root "$ROOT" run -d --bundle "$B" m4
	[ "$(cat "$(memfile)")" = 16777216 ]
	wait_for test -s "$B/out/ran"
	[ "$(cat "$B/out/ran")" = ran ]
	[ "$(status_of m4)" = running ]
	quiet skiff delete --force m4
	nothing_left m4
	# /bin/true in the foreground, at a limit of a few MiB
	set_config '.process.args = ["/bin/true"] | .linux.resources.memory = {limit: 4194304}'
	quiet timeout 20 "$SKIFF" --root "$ROOT" run --bundle "$B" m5
	nothing_left m5
}

@test "cgroup-memory: a program the OOM killer takes once running: exit status 137 and a warning" {
	# dd allocates its 64 MiB block: far over the 16 MiB limit
	bundle dd if=/dev/zero of=/dev/null bs=64M count=1
	set_config '.linux.resources.memory = {limit: 16777216, swap: 16777216}'
	run -137 timeout 20 "$SKIFF" --root "$ROOT" run --bundle "$B" m6 </dev/null
	echo "$output"
	grep -q "skiff: warning: linux.resources.memory.limit: the container was killed by the OOM killer (limit 16777216 bytes)" <<<"$output"
	nothing_left m6
}

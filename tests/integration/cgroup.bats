#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# cgroups (cgroup v1 and hybrid hosts): where the container's cgroup is (linux.cgroupsPath),
# that the init and exec'd processes join it before any of the user's code runs,
# linux.resources read back from the cgroup files, the devices cgroup, delete and failed
# creates removing what skiff made (and only that), kill --all and ps.
#
# Every test works below its own /$CG in each hierarchy and removes it in teardown, also on
# failure. Cgroups that existed before are never written to.

load cgroup-helpers

@test "cgroup: the init is in /\$CG/c of every hierarchy while created (before the user's program); inside its cgroup namespace it is /" {
	bundle sh -c 'cat /proc/self/cgroup > /out/inside; sleep 1000'
	quiet timeout 10 "$SKIFF" --root "$ROOT" create --bundle "$B" --pid-file "$TEST_TMP/pid" c1
	pid="$(cat "$TEST_TMP/pid")"
	# from the host: every controller hierarchy (and the unified one on hybrid hosts)
	n=0
	while IFS=: read -r id ctrls path; do
		[[ "$ctrls" == name=* ]] && continue
		[ "$path" = "/$CG/c" ] || { echo "$id:$ctrls:$path"; false; }
		n=$((n + 1))
	done <"/proc/$pid/cgroup"
	[ "$n" -eq "$(hierarchies | wc -l)" ]
	grep -qx "$pid" "/sys/fs/cgroup/memory/$CG/c/cgroup.procs"
	# the state records it
	skiff state c1 >/dev/null
	jq -e '.cgroupPath | test("memory")' "$ROOT/c1/state.json"
	timeout 10 "$SKIFF" --root "$ROOT" start c1
	wait_for test -s "$B/out/inside"
	# the spec's default config has a cgroup namespace: rooted at the container's cgroup
	run grep -v name= "$B/out/inside"
	for l in "${lines[@]}"; do [ "${l##*:}" = / ] || { echo "$l"; false; }; done
}

@test "cgroup: without a cgroup namespace the container sees its full path" {
	bundle sh -c 'cat /proc/self/cgroup > /out/inside; sleep 1000'
	set_config '.linux.namespaces |= map(select(.type != "cgroup"))'
	quiet timeout 10 "$SKIFF" --root "$ROOT" run -d --bundle "$B" c1
	wait_for test -s "$B/out/inside"
	grep -q ":memory:/$CG/c\$" "$B/out/inside"
}

@test "cgroup: without cgroupsPath the container is in /skiff/<id>; delete removes it" {
	bundle sleep 1000
	set_config 'del(.linux.cgroupsPath)'
	id="cgdefault-$$-$RANDOM"
	quiet timeout 10 "$SKIFF" --root "$ROOT" create --bundle "$B" --pid-file "$TEST_TMP/pid" "$id"
	grep -q ":memory:/skiff/$id\$" "/proc/$(cat "$TEST_TMP/pid")/cgroup"
	[ -d "/sys/fs/cgroup/pids/skiff/$id" ]
	timeout 10 "$SKIFF" --root "$ROOT" delete "$id"
	for h in $(hierarchies); do [ ! -e "$h/skiff/$id" ]; done
}

@test "cgroup: a relative cgroupsPath is below skiff's own cgroup" {
	bundle sleep 1000
	set_config '.linux.cgroupsPath = "rel/c"'
	# skiff runs in /$CG/parent of every hierarchy (a cgroup of this test)
	script="set -e"
	for h in $(hierarchies); do
		for d in "$h/$CG" "$h/$CG/parent"; do
			mkdir "$d"
			if [ -f "$h/cpuset.cpus" ]; then
				cat "$h/cpuset.cpus" >"$d/cpuset.cpus"
				cat "$h/cpuset.mems" >"$d/cpuset.mems"
			fi
		done
		script="$script; echo \$\$ > $h/$CG/parent/cgroup.procs"
	done
	run timeout 10 sh -c "$script; exec \"\$0\" --root \"\$1\" create --bundle \"\$2\" --pid-file \"\$3\" c1 </dev/null >/dev/null 2>&1" \
		"$SKIFF" "$ROOT" "$B" "$TEST_TMP/pid"
	[ "$status" -eq 0 ]
	grep -q ":pids:/$CG/parent/rel/c\$" "/proc/$(cat "$TEST_TMP/pid")/cgroup"
	grep -q ":memory:/$CG/parent/rel/c\$" "/proc/$(cat "$TEST_TMP/pid")/cgroup"
	timeout 10 "$SKIFF" --root "$ROOT" delete c1
	# rel/c went, the parent (not skiff's) stays
	[ ! -e "/sys/fs/cgroup/pids/$CG/parent/rel" ]
	[ -d "/sys/fs/cgroup/pids/$CG/parent" ]
}

@test "cgroup: cgroupsPath with .., the root, or --systemd-cgroup is refused, naming the field" {
	bundle true
	for p in "/a/../b" "/" "//"; do
		set_config --arg p "$p" '.linux.cgroupsPath = $p'
		fails timeout 10 "$SKIFF" --root "$ROOT" run --bundle "$B" c1
		[[ "$output" == *"linux.cgroupsPath: "* ]] || { echo "$p: $output"; false; }
	done
	run timeout 10 "$SKIFF" --root "$ROOT" --systemd-cgroup run --bundle "$B" c1
	[ "$status" -eq 1 ]
	[[ "$output" == *"--systemd-cgroup"* ]]
	none_left
}

@test "cgroup: memory, cpu, cpuset and pids resources are set (read back from the cgroup files)" {
	bundle sleep 1000
	set_config '.linux.resources += {
		memory: {limit: 67108864, reservation: 33554432, swap: 134217728, swappiness: 10,
		         disableOOMKiller: true},
		cpu: {shares: 512, quota: 25000, period: 50000, cpus: "0", mems: "0"},
		pids: {limit: 42}}'
	quiet timeout 10 "$SKIFF" --root "$ROOT" create --bundle "$B" c1
	[ "$(cgfile memory memory.limit_in_bytes)" = 67108864 ]
	[ "$(cgfile memory memory.soft_limit_in_bytes)" = 33554432 ]
	if [ -e "/sys/fs/cgroup/memory/$CG/c/memory.memsw.limit_in_bytes" ]; then
		[ "$(cgfile memory memory.memsw.limit_in_bytes)" = 134217728 ]
	fi
	[ "$(cgfile memory memory.swappiness)" = 10 ]
	grep -qx "oom_kill_disable 1" "/sys/fs/cgroup/memory/$CG/c/memory.oom_control"
	[ "$(cgfile cpu cpu.shares)" = 512 ]
	[ "$(cgfile cpu cpu.cfs_quota_us)" = 25000 ]
	[ "$(cgfile cpu cpu.cfs_period_us)" = 50000 ]
	[ "$(cgfile cpuset cpuset.cpus)" = 0 ]
	[ "$(cgfile cpuset cpuset.mems)" = 0 ]
	[ "$(cgfile pids pids.max)" = 42 ]
	# -1 / no limit: unlimited
	timeout 10 "$SKIFF" --root "$ROOT" delete c1
	set_config '.linux.resources = {memory: {limit: -1}, pids: {limit: -1}}'
	quiet timeout 10 "$SKIFF" --root "$ROOT" create --bundle "$B" c1
	[ "$(cgfile pids pids.max)" = max ]
	[ "$(cgfile memory memory.limit_in_bytes)" -gt 1000000000000 ]
}

@test "cgroup: the pids limit holds in the container" {
	bundle sh -c 'for i in 1 2 3 4 5 6 7 8; do sleep 1000 & done; wait'
	set_config '.linux.resources.pids = {limit: 4}'
	fails timeout 10 "$SKIFF" --root "$ROOT" run --bundle "$B" c1
	[[ "$output" == *"fork"*"Resource temporarily unavailable"* ]]
}

@test "cgroup: blockIO throttling is set per device" {
	bundle sleep 1000
	dev="$(cat /sys/block/*/dev | head -1)"
	maj="${dev%:*}" min="${dev#*:}"
	set_config --argjson maj "$maj" --argjson min "$min" '.linux.resources.blockIO = {
		weight: 500,
		throttleReadBpsDevice: [{major: $maj, minor: $min, rate: 1048576}],
		throttleWriteBpsDevice: [{major: $maj, minor: $min, rate: 2097152}],
		throttleReadIOPSDevice: [{major: $maj, minor: $min, rate: 100}],
		throttleWriteIOPSDevice: [{major: $maj, minor: $min, rate: 200}]}'
	quiet timeout 10 "$SKIFF" --root "$ROOT" create --bundle "$B" c1
	# CFQ's files, or BFQ's (blkio.bfq.weight on this kernel)
	w=blkio.weight
	[ -e "/sys/fs/cgroup/blkio/$CG/c/$w" ] || w=blkio.bfq.weight
	[[ "$(cgfile blkio $w)" == *500 ]]
	[ "$(cgfile blkio blkio.throttle.read_bps_device)" = "$dev 1048576" ]
	[ "$(cgfile blkio blkio.throttle.write_bps_device)" = "$dev 2097152" ]
	[ "$(cgfile blkio blkio.throttle.read_iops_device)" = "$dev 100" ]
	[ "$(cgfile blkio blkio.throttle.write_iops_device)" = "$dev 200" ]
}

@test "cgroup: a resource this host cannot set fails create with the field's path, and leaves no cgroup" {
	bundle sleep 1000
	check() { # FILTER EXPECTED-IN-STDERR
		set_config "$1"
		fails timeout 10 "$SKIFF" --root "$ROOT" create --bundle "$B" c1
		[[ "$output" == *"$2"* ]] || { echo "$1: $output"; false; }
		none_left
		[ ! -e "$ROOT/c1" ]
		set_config 'del(.linux.resources.unified, .linux.resources.memory, .linux.resources.network,
			.linux.resources.hugepageLimits, .linux.resources.blockIO, .linux.resources.cpu)'
	}
	check '.linux.resources.unified = {"memory.max": "1000000"}' "linux.resources.unified: "
	check '.linux.resources.memory = {swappiness: 101}' "linux.resources.memory.swappiness: "
	check '.linux.resources.memory = {limit: 100000000, swap: 50000000}' "linux.resources.memory.swap: "
	check '.linux.resources.cpu = {cpus: "4095"}' "linux.resources.cpu.cpus: "
	if [ ! -d /sys/fs/cgroup/net_cls ] && ! grep -q ' - cgroup .*net_cls' /proc/self/mountinfo; then
		check '.linux.resources.network = {classID: 1048577}' "linux.resources.network.classID: "
	fi
	if ! grep -q ' - cgroup .*hugetlb' /proc/self/mountinfo; then
		check '.linux.resources.hugepageLimits = [{pageSize: "2MB", limit: 0}]' "linux.resources.hugepageLimits: "
	fi
}

@test "cgroup: a create failing after the cgroup was made (in the init) removes it" {
	bundle /nonexistent-program
	fails timeout 10 "$SKIFF" --root "$ROOT" create --bundle "$B" c1
	[[ "$output" == *nonexistent-program* ]]
	none_left
	[ ! -e "$ROOT/c1" ]
	# the same for run in the foreground
	fails timeout 10 "$SKIFF" --root "$ROOT" run --bundle "$B" c1
	none_left
}

@test "cgroup: devices: deny by default; the default devices and linux.devices are allowed" {
	bundle sh -c '
		echo x > /dev/null && echo null-ok >> /out/log
		head -c 1 /dev/urandom >/dev/null && echo urandom-ok >> /out/log
		mknod /dev/mem-test c 1 1 && echo mknod-ok >> /out/log
		(: < /dev/mem-test) 2>/out/mem-err || echo mem-denied >> /out/log
		(: < /dev/tun-like) 2>/out/tun-err; echo tun-tried >> /out/log
		echo end >> /out/log; sleep 1000'
	# mknod needs CAP_MKNOD (not in the default set); the devices cgroup decides the rest
	set_config '.linux.resources.devices = [{allow: false, access: "rwm"}] |
		.linux.devices = [{path: "/dev/tun-like", type: "c", major: 10, minor: 200}] |
		.process.capabilities |= with_entries(.value += ["CAP_MKNOD"])'
	quiet timeout 10 "$SKIFF" --root "$ROOT" run -d --bundle "$B" c1
	wait_for grep -q end "$B/out/log"
	cat "$B/out/log"
	grep -qx null-ok "$B/out/log"
	grep -qx urandom-ok "$B/out/log"
	grep -qx mknod-ok "$B/out/log"
	grep -qx mem-denied "$B/out/log"
	grep -q "not permitted" "$B/out/mem-err"
	# allowed: whatever the driver says, not the cgroup's EPERM
	grep -qx tun-tried "$B/out/log"
	if grep -q "not permitted" "$B/out/tun-err"; then false; fi
	list="$(cgfile devices devices.list)"
	echo "$list"
	[[ "$list" != *"a *:* rwm"* ]]
	grep -qx 'c 1:3 rwm' <<<"$list"
	grep -qx 'c 136:\* rwm' <<<"$list"
	grep -qx 'c 10:200 rwm' <<<"$list"
	if grep -q 'c 1:1 ' <<<"$list"; then false; fi
}

@test "cgroup: devices rules apply in order (an allow after the deny-all)" {
	bundle sleep 1000
	set_config '.linux.resources.devices = [{allow: false, access: "rwm"},
		{allow: true, type: "c", major: 10, minor: 200, access: "rw"},
		{allow: true, type: "b", major: 7, access: "r"}]'
	quiet timeout 10 "$SKIFF" --root "$ROOT" create --bundle "$B" c1
	list="$(cgfile devices devices.list)"
	grep -qx 'c 10:200 rw' <<<"$list"
	grep -qx 'b 7:\* r' <<<"$list"
}

@test "cgroup: exec'd processes join the container's cgroup" {
	bundle sleep 1000
	quiet timeout 10 "$SKIFF" --root "$ROOT" run -d --bundle "$B" c1
	quiet timeout 10 "$SKIFF" --root "$ROOT" exec -d --pid-file "$TEST_TMP/xpid" c1 sleep 999
	xpid="$(cat "$TEST_TMP/xpid")"
	grep -q ":memory:/$CG/c\$" "/proc/$xpid/cgroup"
	grep -qx "$xpid" "/sys/fs/cgroup/pids/$CG/c/cgroup.procs"
	run timeout 10 "$SKIFF" --root "$ROOT" exec c1 cat /proc/self/cgroup
	[ "$status" -eq 0 ]
	grep -q ':memory:/$' <<<"$output"
}

@test "cgroup: kill --all reaches every process of the cgroup, also without a pid namespace" {
	bundle sh -c 'sleep 1001 & sleep 1002 & (sleep 1003 & wait) & echo up > /out/up; wait'
	set_config '.linux.namespaces |= map(select(.type != "pid"))'
	quiet timeout 10 "$SKIFF" --root "$ROOT" run -d --bundle "$B" --pid-file "$TEST_TMP/pid" c1
	wait_for test -s "$B/out/up"
	quiet timeout 10 "$SKIFF" --root "$ROOT" exec -d c1 sleep 1004
	procs="/sys/fs/cgroup/pids/$CG/c/cgroup.procs"
	wait_for test "$(wc -l <"$procs")" -ge 6
	timeout 10 "$SKIFF" --root "$ROOT" kill --all c1 KILL
	wait_for test ! -s "$procs"
	wait_for test "$(status_of c1)" = stopped
	timeout 10 "$SKIFF" --root "$ROOT" delete c1
	none_left
}

@test "cgroup: kill --all with another signal, and on a stopped container" {
	bundle sh -c 'trap "echo term-init >> /out/log" TERM; (trap "echo term-child >> /out/log; exit" TERM; while :; do sleep 0.1; done) & echo up > /out/up; while :; do sleep 0.1; done'
	quiet timeout 10 "$SKIFF" --root "$ROOT" run -d --bundle "$B" c1
	wait_for test -s "$B/out/up"
	timeout 10 "$SKIFF" --root "$ROOT" kill --all c1 TERM
	wait_for grep -q term-child "$B/out/log"
	wait_for grep -q term-init "$B/out/log"
	timeout 10 "$SKIFF" --root "$ROOT" kill c1 KILL
	wait_for test "$(status_of c1)" = stopped
	run timeout 10 "$SKIFF" --root "$ROOT" kill --all c1 KILL
	[ "$status" -eq 0 ]
}

@test "cgroup: ps lists the container's processes (json: host pids; table: ps -ef rows)" {
	bundle sh -c 'sleep 1001 & echo up > /out/up; wait'
	quiet timeout 10 "$SKIFF" --root "$ROOT" run -d --bundle "$B" --pid-file "$TEST_TMP/pid" c1
	wait_for test -s "$B/out/up"
	pid="$(cat "$TEST_TMP/pid")"
	run timeout 10 "$SKIFF" --root "$ROOT" ps --format json c1
	[ "$status" -eq 0 ]
	expected="$(sort -n "/sys/fs/cgroup/pids/$CG/c/cgroup.procs" | jq -sc .)"
	[ "$output" = "$expected" ]
	echo "$output" | jq -e --argjson p "$pid" 'length == 2 and index($p) != null'
	run timeout 10 "$SKIFF" --root "$ROOT" ps c1
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == UID*PID*PPID*CMD ]]
	[ "${#lines[@]}" -eq 3 ]
	[[ "$output" == *"sleep 1001"* ]]
	# ps options after the id
	run timeout 10 "$SKIFF" --root "$ROOT" ps c1 -o pid,comm
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *PID*COMMAND* ]]
	[ "${#lines[@]}" -eq 3 ]
	[[ "$output" == *"$pid sh"* ]]
}

@test "cgroup: delete removes the container's directories and the parents skiff made, not a parent that existed" {
	bundle sleep 1000
	set_config --arg cg "/$CG/a/b/c" '.linux.cgroupsPath = $cg'
	mkdir "/sys/fs/cgroup/memory/$CG" # exists before: not skiff's
	quiet timeout 10 "$SKIFF" --root "$ROOT" create --bundle "$B" c1
	[ -d "/sys/fs/cgroup/pids/$CG/a/b/c" ]
	[ -d "/sys/fs/cgroup/memory/$CG/a/b/c" ]
	jq -r .cgroupPath "$ROOT/c1/state.json"
	# a second container sharing /$CG/a keeps it alive
	cp -a "$B" "$TEST_TMP/b2"
	B="$TEST_TMP/b2" set_config --arg cg "/$CG/a/d" '.linux.cgroupsPath = $cg'
	quiet timeout 10 "$SKIFF" --root "$ROOT" create --bundle "$TEST_TMP/b2" c2
	# c2 made only d: a (c1's) stays
	timeout 10 "$SKIFF" --root "$ROOT" delete --force c2
	[ ! -e "/sys/fs/cgroup/pids/$CG/a/d" ]
	[ -d "/sys/fs/cgroup/pids/$CG/a/b/c" ]
	timeout 10 "$SKIFF" --root "$ROOT" delete --force c1
	[ ! -e "/sys/fs/cgroup/pids/$CG" ]
	[ ! -e "/sys/fs/cgroup/memory/$CG/a" ]
	[ -d "/sys/fs/cgroup/memory/$CG" ]
	rmdir "/sys/fs/cgroup/memory/$CG"
	none_left
}

@test "cgroup: a running container's delete --force and a foreground run's end remove the cgroup" {
	bundle sh -c 'sleep 1001 & wait'
	quiet timeout 10 "$SKIFF" --root "$ROOT" run -d --bundle "$B" c1
	[ -d "/sys/fs/cgroup/memory/$CG/c" ]
	timeout 10 "$SKIFF" --root "$ROOT" delete --force c1
	none_left
	rm -rf "$B"
	bundle true
	run timeout 10 "$SKIFF" --root "$ROOT" run --bundle "$B" c2 </dev/null
	[ "$status" -eq 0 ]
	none_left
}

@test "cgroup: realtimeRuntime gives the parents skiff made a budget, so SCHED_FIFO works in the container" {
	[ -e /sys/fs/cgroup/cpu/cpu.rt_runtime_us ] || skip "no realtime group scheduling"
	bundle sh -c 'cut -d" " -f41 /proc/self/stat > /out/policy; sleep 1000'
	set_config --arg cg "/$CG/a/c" '.linux.cgroupsPath = $cg |
		.linux.resources.cpu = {realtimeRuntime: 20000, realtimePeriod: 1000000} |
		.process.scheduler = {policy: "SCHED_FIFO", priority: 10}'
	quiet timeout 10 "$SKIFF" --root "$ROOT" run -d --bundle "$B" c1
	wait_for test -s "$B/out/policy"
	[ "$(cat "$B/out/policy")" = 1 ] # SCHED_FIFO
	[ "$(cgfile cpu cpu.rt_runtime_us "$CG/a/c")" = 20000 ]
	[ "$(cgfile cpu cpu.rt_runtime_us "$CG/a")" = 20000 ]
	[ "$(cgfile cpu cpu.rt_runtime_us "$CG")" = 20000 ]
	timeout 10 "$SKIFF" --root "$ROOT" delete --force c1
	none_left
}

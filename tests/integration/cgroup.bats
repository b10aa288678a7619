#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# cgroups: where the container's cgroup is (linux.cgroupsPath), that the init and exec'd
# processes join it before any of the user's code runs, linux.resources read back from the
# cgroup files, the device rules (tried inside the container), delete and failed creates
# removing what skiff made (and only that), kill --all and ps.
#
# Layout-aware: on a cgroup v1 or hybrid host (LAYOUT=v1) the tests read the v1 files; under
# cgroup v2 (LAYOUT=v2: the tests/vm guest, `tests/vm/run.sh bats tests/integration/cgroup.bats`)
# the v2 files. What a layout can't do is skipped with the reason.
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
	grep -qx "$pid" "$(cgdir memory)/cgroup.procs"
	# the state records it
	skiff state c1 >/dev/null
	jq -e --arg cg "$CG/c" '.cgroupPath | contains($cg)' "$ROOT/c1/state.json"
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
	in_cg "$B/out/inside" "/$CG/c"
}

@test "cgroup: without cgroupsPath the container is in /skiff/<id>; delete removes it" {
	bundle sleep 1000
	set_config 'del(.linux.cgroupsPath)'
	id="cgdefault-$$-$RANDOM"
	quiet timeout 10 "$SKIFF" --root "$ROOT" create --bundle "$B" --pid-file "$TEST_TMP/pid" "$id"
	in_cg "/proc/$(cat "$TEST_TMP/pid")/cgroup" "/skiff/$id"
	[ -d "$(cgdir pids "skiff/$id")" ]
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
			mkdir -p "$d"
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
	v2 || grep -q ":pids:/$CG/parent/rel/c\$" "/proc/$(cat "$TEST_TMP/pid")/cgroup"
	in_cg "/proc/$(cat "$TEST_TMP/pid")/cgroup" "/$CG/parent/rel/c"
	timeout 10 "$SKIFF" --root "$ROOT" delete c1
	# rel/c went, the parent (not skiff's) stays
	[ ! -e "$(cgdir pids "$CG/parent/rel")" ]
	[ -d "$(cgdir pids "$CG/parent")" ]
	v2 || return 0
	# v2: the parent holds skiff's process, so it can't enable a controller for the container
	# (no-internal-processes): fine without resources (a warning), an error naming the field
	# that needs one
	set_config '.linux.resources.memory = {limit: 67108864}'
	run timeout 10 sh -c "$script; exec \"\$0\" --root \"\$1\" create --bundle \"\$2\" c1 </dev/null >/dev/null" \
		"$SKIFF" "$ROOT" "$B"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"linux.resources.memory: "*"holds processes"*"no-internal-processes"* ]]
	[ ! -e "$(cgdir pids "$CG/parent/rel")" ]
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
	quiet timeout 10 "$SKIFF" --root "$ROOT" --log "$TEST_TMP/log" create --bundle "$B" c1
	cat "$TEST_TMP/log"
	if v1; then
		[ "$(cgfile memory memory.limit_in_bytes)" = 67108864 ]
		[ "$(cgfile memory memory.soft_limit_in_bytes)" = 33554432 ]
		if [ -e "$(cgdir memory)/memory.memsw.limit_in_bytes" ]; then
			[ "$(cgfile memory memory.memsw.limit_in_bytes)" = 134217728 ]
		fi
		[ "$(cgfile memory memory.swappiness)" = 10 ]
		grep -qx "oom_kill_disable 1" "$(cgdir memory)/memory.oom_control"
		[ "$(cgfile cpu cpu.shares)" = 512 ]
		[ "$(cgfile cpu cpu.cfs_quota_us)" = 25000 ]
		[ "$(cgfile cpu cpu.cfs_period_us)" = 50000 ]
	else
		[ "$(cgfile memory memory.max)" = 67108864 ]
		[ "$(cgfile memory memory.low)" = 33554432 ]
		# v2's swap.max is swap alone: (memory+swap) - memory
		if [ -e "$(cgdir memory)/memory.swap.max" ]; then
			[ "$(cgfile memory memory.swap.max)" = 67108864 ]
		fi
		# v1 only: a warning each, not set
		grep -q 'level=warning msg="linux.resources.memory.swappiness: ignored on cgroup v2' "$TEST_TMP/log"
		grep -q 'level=warning msg="linux.resources.memory.disableOOMKiller: ignored on cgroup v2' "$TEST_TMP/log"
		# shares 2..262144 onto weight 1..10000: 1 + (512 - 2) * 9999 / 262142
		[ "$(cgfile cpu cpu.weight)" = 20 ]
		[ "$(cgfile cpu cpu.max)" = "25000 50000" ]
		# only the controllers the config needs are enabled for the container
		[ "$(tr ' ' '\n' <"/sys/fs/cgroup/$CG/cgroup.subtree_control" | sort | xargs)" = "cpu cpuset memory pids" ]
		[ -z "$(cat "$(cgdir memory)/cgroup.subtree_control")" ]
	fi
	[ "$(cgfile cpuset cpuset.cpus)" = 0 ]
	[ "$(cgfile cpuset cpuset.mems)" = 0 ]
	[ "$(cgfile pids pids.max)" = 42 ]
	# -1 / no limit: unlimited
	timeout 10 "$SKIFF" --root "$ROOT" delete c1
	set_config '.linux.resources = {memory: {limit: -1, swap: -1}, pids: {limit: -1}, cpu: {quota: -1}}'
	quiet timeout 10 "$SKIFF" --root "$ROOT" create --bundle "$B" c1
	[ "$(cgfile pids pids.max)" = max ]
	if v1; then
		[ "$(cgfile memory memory.limit_in_bytes)" -gt 1000000000000 ]
		[ "$(cgfile cpu cpu.cfs_quota_us)" = -1 ]
	else
		[ "$(cgfile memory memory.max)" = max ]
		[ ! -e "$(cgdir memory)/memory.swap.max" ] || [ "$(cgfile memory memory.swap.max)" = max ]
		[ "$(cgfile cpu cpu.max)" = "max 100000" ]
		# no cpuset field: no cpuset controller
		[ "$(tr ' ' '\n' <"/sys/fs/cgroup/$CG/cgroup.subtree_control" | sort | xargs)" = "cpu memory pids" ]
	fi
}

@test "cgroup: cpu burst and idle, hugepage limits (incl. rsvd), swap equal to the limit" {
	bundle sleep 1000
	if v1; then
		[ -e /sys/fs/cgroup/cpu/cpu.cfs_burst_us ] || skip "this kernel's v1 cpu controller has no cfs_burst_us"
		[ -e /sys/fs/cgroup/cpu/cpu.idle ] || skip "this kernel's v1 cpu controller has no cpu.idle"
	fi
	set_config '.linux.resources += {memory: {limit: 67108864, swap: 67108864},
		cpu: {quota: 20000, period: 100000, burst: 5000, idle: 1}}'
	# the smallest huge page size, as OCI spells it ("2MB"), where there is a hugetlb controller
	size="$(ls /sys/kernel/mm/hugepages 2>/dev/null | sed -n 's/^hugepages-\([0-9]*\)kB$/\1/p' | sort -n | head -1)"
	hp=
	if [ -z "$size" ]; then
		echo "# no huge pages on this kernel: hugepageLimits not tried" >&3
	elif v1 && [ ! -d /sys/fs/cgroup/hugetlb ]; then
		echo "# no v1 hugetlb hierarchy on this host: hugepageLimits not tried (the error is tested below)" >&3
	else
		if [ "$size" -ge 1024 ]; then hp="$((size / 1024))MB"; else hp="${size}KB"; fi
		set_config --arg ps "$hp" '.linux.resources.hugepageLimits = [{pageSize: $ps, limit: 4194304}]'
	fi
	quiet timeout 10 "$SKIFF" --root "$ROOT" create --bundle "$B" c1
	if v1; then
		[ "$(cgfile cpu cpu.cfs_burst_us)" = 5000 ]
		[ "$(cgfile cpu cpu.idle)" = 1 ]
		[ -z "$hp" ] || [ "$(cgfile hugetlb "hugetlb.$hp.limit_in_bytes")" = 4194304 ]
		[ ! -e "$(cgdir memory)/memory.memsw.limit_in_bytes" ] ||
			[ "$(cgfile memory memory.memsw.limit_in_bytes)" = 67108864 ]
	else
		[ "$(cgfile cpu cpu.max.burst)" = 5000 ]
		[ "$(cgfile cpu cpu.idle)" = 1 ]
		[ -z "$hp" ] || [ "$(cgfile hugetlb "hugetlb.$hp.max")" = 4194304 ]
		[ -z "$hp" ] || [ ! -e "$(cgdir hugetlb)/hugetlb.$hp.rsvd.max" ] ||
			[ "$(cgfile hugetlb "hugetlb.$hp.rsvd.max")" = 4194304 ]
		# swap = limit: no swap at all
		[ ! -e "$(cgdir memory)/memory.swap.max" ] || [ "$(cgfile memory memory.swap.max)" = 0 ]
	fi
}

@test "cgroup v2: unified keys are written last; path escapes and missing files are refused; on v1 unified is refused" {
	bundle sleep 1000
	if v1; then
		set_config '.linux.resources.unified = {"memory.max": "1000000"}'
		fails timeout 10 "$SKIFF" --root "$ROOT" create --bundle "$B" c1
		[[ "$output" == *"linux.resources.unified: "*"cgroup v2 files cannot be set on this host"* ]]
		none_left
		skip "the rest needs cgroup v2 (this host is v1/hybrid)"
	fi
	# memory.high, pids.max over pids.limit, and io.* needs the io controller
	set_config '.linux.resources += {pids: {limit: 10},
		unified: {"memory.high": "50000000", "pids.max": "7", "io.weight": "default 300"}}'
	quiet timeout 10 "$SKIFF" --root "$ROOT" create --bundle "$B" c1
	[ "$(cgfile memory memory.high)" = 49999872 ] || [ "$(cgfile memory memory.high)" = 50000000 ]
	[ "$(cgfile pids pids.max)" = 7 ]
	grep -qw io "/sys/fs/cgroup/$CG/cgroup.subtree_control"
	if [ -e "$(cgdir io)/io.weight" ]; then [ "$(head -1 "$(cgdir io)/io.weight")" = "default 300" ]; fi
	timeout 10 "$SKIFF" --root "$ROOT" delete c1
	for k in "../c2/memory.max" "/memory.max" ".." "." "" "memory.nosuchfile"; do
		set_config --arg k "$k" '.linux.resources = {unified: {($k): "1"}}'
		fails timeout 10 "$SKIFF" --root "$ROOT" create --bundle "$B" c1
		[[ "$output" == *"linux.resources.unified.$k: "* ]] || { echo "$k: $output"; false; }
		none_left
	done
}

@test "cgroup v2: v1-only fields give a warning on the log, not an error" {
	v2 || skip "v1-only fields are set on this v1/hybrid host (the other tests read them back)"
	bundle sleep 1000
	set_config '.linux.resources += {
		memory: {limit: 67108864, kernel: 67108864, kernelTCP: 1048576, swappiness: 0, useHierarchy: false},
		cpu: {realtimeRuntime: 1000, realtimePeriod: 1000000},
		blockIO: {leafWeight: 300},
		network: {classID: 1048577, priorities: [{name: "lo", priority: 1}]}}'
	quiet timeout 10 "$SKIFF" --root "$ROOT" --log "$TEST_TMP/log" create --bundle "$B" c1
	cat "$TEST_TMP/log"
	for f in memory.kernel memory.kernelTCP memory.swappiness memory.useHierarchy cpu.realtimeRuntime \
		cpu.realtimePeriod blockIO.leafWeight network.classID network.priorities; do
		grep -q "level=warning msg=\"linux.resources.$f: ignored on cgroup v2" "$TEST_TMP/log" ||
			{ echo "no warning for $f"; false; }
	done
	[ "$(cgfile memory memory.max)" = 67108864 ]
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
	if v2; then
		cat "$(cgdir io)/io.max"
		[ "$(cgfile io io.max)" = "$dev rbps=1048576 wbps=2097152 riops=100 wiops=200" ]
		# BFQ's weight has blkio's scale; io.weight (io.cost) 1..10000: 1 + (500 - 10) * 9999 / 990
		if [ -e "$(cgdir io)/io.bfq.weight" ]; then
			[ "$(head -1 "$(cgdir io)/io.bfq.weight")" = "default 500" ]
		else
			[ "$(head -1 "$(cgdir io)/io.weight")" = "default 4950" ]
		fi
		return 0
	fi
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
	if v1; then
		check '.linux.resources.unified = {"memory.max": "1000000"}' "linux.resources.unified: "
		check '.linux.resources.memory = {swappiness: 101}' "linux.resources.memory.swappiness: "
	else
		check '.linux.resources.memory = {swap: 50000000}' "linux.resources.memory.swap: "
		check '.linux.resources.blockIO = {throttleReadBpsDevice: [{major: 4095, minor: 1, rate: 1}]}' \
			"linux.resources.blockIO.throttleReadBpsDevice[0]: "
	fi
	check '.linux.resources.memory = {limit: 100000000, swap: 50000000}' "linux.resources.memory.swap: "
	check '.linux.resources.cpu = {cpus: "4095"}' "linux.resources.cpu.cpus: "
	if v1 && [ ! -d /sys/fs/cgroup/net_cls ] && ! grep -q ' - cgroup .*net_cls' /proc/self/mountinfo; then
		check '.linux.resources.network = {classID: 1048577}' "linux.resources.network.classID: "
	fi
	if v1 && ! grep -q ' - cgroup .*hugetlb' /proc/self/mountinfo; then
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
	v1 || return 0 # v2: an eBPF program, nothing to read back but its effect (above)
	list="$(cgfile devices devices.list)"
	echo "$list"
	[[ "$list" != *"a *:* rwm"* ]]
	grep -qx 'c 1:3 rwm' <<<"$list"
	grep -qx 'c 136:\* rwm' <<<"$list"
	grep -qx 'c 10:200 rwm' <<<"$list"
	if grep -q 'c 1:1 ' <<<"$list"; then false; fi
}

@test "cgroup: devices rules apply in order (a later rule overrides an earlier one)" {
	[ -e /dev/fuse ] || modprobe fuse 2>/dev/null || true
	[ -e /sys/module/fuse ] || skip "no fuse module (the test opens /dev/fuse, 10:229)"
	bundle sh -c '
		mknod /dev/fuse-test c 10 229
		(exec 3</dev/fuse-test) 2>/out/r-err && echo r-ok >> /out/log
		(exec 3>/dev/fuse-test) 2>/out/w-err || echo w-denied >> /out/log
		(exec 3<>/dev/fuse-test) 2>/out/rw-err || echo rw-denied >> /out/log
		(exec 3</dev/blk-test) 2>/out/b-err; echo b-tried >> /out/log
		(exec 3>/dev/blk-test) 2>/out/bw-err || echo bw-denied >> /out/log
		echo end >> /out/log; sleep 1000'
	# fuse: rw, then w taken away again; block 240:* (no driver): r only
	set_config '.linux.resources.devices = [{allow: false, access: "rwm"},
		{allow: true, type: "c", major: 10, minor: 229, access: "rw"},
		{allow: false, type: "c", major: 10, minor: 229, access: "w"},
		{allow: true, type: "b", major: 240, access: "r"}] |
		.linux.devices = [{path: "/dev/blk-test", type: "b", major: 240, minor: 200}] |
		.linux.resources.devices += [{allow: false, type: "b", major: 240, minor: 200, access: "w"}] |
		.process.capabilities |= with_entries(.value += ["CAP_MKNOD"])'
	quiet timeout 10 "$SKIFF" --root "$ROOT" run -d --bundle "$B" c1
	wait_for grep -q end "$B/out/log"
	cat "$B/out/log" "$B"/out/*-err
	grep -qx r-ok "$B/out/log"
	grep -qx w-denied "$B/out/log"
	grep -q "not permitted" "$B/out/w-err"
	grep -qx rw-denied "$B/out/log"
	# linux.devices come after linux.resources.devices: 240:200 is rwm again (the driver answers,
	# not the cgroup)
	grep -qx b-tried "$B/out/log"
	if grep -q "not permitted" "$B/out/b-err" "$B/out/bw-err"; then false; fi
	if v1; then
		list="$(cgfile devices devices.list)"
		grep -qx 'c 10:229 r' <<<"$list"
		grep -qx 'b 240:\* r' <<<"$list"
		grep -qx 'b 240:200 rwm' <<<"$list"
	fi
}

@test "cgroup v2: a new device program replaces the old one (one attached, the new rules hold)" {
	v2 || skip "cgroup v2 only (this host's devices cgroup is v1: no eBPF program)"
	drv="$(dirname "$SKIFF")/tests/linux/cgroup_devices_driver"
	[ -x "$drv" ] || skip "no $drv (built with the tests of the build directory)"
	mkdir -p "/sys/fs/cgroup/$CG/d"
	try() { # what a process of $CG/d may open
		sh -c 'echo $$ > "$1/cgroup.procs" && exec sh -c "true </dev/null && echo null-ok; true </dev/zero && echo zero-ok; true"' \
			sh "/sys/fs/cgroup/$CG/d" 2>&1
	}
	run "$drv" /sys/fs/cgroup "$CG/d" deny a -1 -1 rwm allow c 1 3 rw
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	first="${lines[0]}"
	out="$(try)"
	echo "$out"
	[[ "$out" == *null-ok* && "$out" != *zero-ok* ]]
	run "$drv" /sys/fs/cgroup "$CG/d" deny a -1 -1 rwm allow c 1 5 r
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[ "${lines[0]}" != "$first" ]
	out="$(try)"
	echo "$out"
	[[ "$out" != *null-ok* && "$out" == *zero-ok* ]]
}

@test "cgroup: exec'd processes join the container's cgroup" {
	bundle sleep 1000
	quiet timeout 10 "$SKIFF" --root "$ROOT" run -d --bundle "$B" c1
	quiet timeout 10 "$SKIFF" --root "$ROOT" exec -d --pid-file "$TEST_TMP/xpid" c1 sleep 999
	xpid="$(cat "$TEST_TMP/xpid")"
	in_cg "/proc/$xpid/cgroup" "/$CG/c"
	grep -qx "$xpid" "$(cgdir pids)/cgroup.procs"
	run timeout 10 "$SKIFF" --root "$ROOT" exec c1 cat /proc/self/cgroup
	[ "$status" -eq 0 ]
	in_cg <(echo "$output") /
}

@test "cgroup: kill --all reaches every process of the cgroup, also without a pid namespace" {
	bundle sh -c 'sleep 1001 & sleep 1002 & (sleep 1003 & wait) & echo up > /out/up; wait'
	set_config '.linux.namespaces |= map(select(.type != "pid"))'
	quiet timeout 10 "$SKIFF" --root "$ROOT" run -d --bundle "$B" --pid-file "$TEST_TMP/pid" c1
	wait_for test -s "$B/out/up"
	quiet timeout 10 "$SKIFF" --root "$ROOT" exec -d c1 sleep 1004
	procs="$(cgdir pids)/cgroup.procs"
	wait_for test "$(wc -l <"$procs")" -ge 6
	timeout 10 "$SKIFF" --root "$ROOT" kill --all c1 KILL
	wait_for test ! -s "$procs"
	wait_for status_is c1 stopped
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
	wait_for status_is c1 stopped
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
	expected="$(sort -n "$(cgdir pids)/cgroup.procs" | jq -sc .)"
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
	# exists before: not skiff's (v1: only in the memory hierarchy)
	mkdir "$(cgdir memory "$CG")"
	quiet timeout 10 "$SKIFF" --root "$ROOT" create --bundle "$B" c1
	[ -d "$(cgdir pids "$CG/a/b/c")" ]
	[ -d "$(cgdir memory "$CG/a/b/c")" ]
	jq -r .cgroupPath "$ROOT/c1/state.json"
	# a second container sharing /$CG/a keeps it alive
	cp -a "$B" "$TEST_TMP/b2"
	B="$TEST_TMP/b2" set_config --arg cg "/$CG/a/d" '.linux.cgroupsPath = $cg'
	quiet timeout 10 "$SKIFF" --root "$ROOT" create --bundle "$TEST_TMP/b2" c2
	# c2 made only d: a (c1's) stays
	timeout 10 "$SKIFF" --root "$ROOT" delete --force c2
	[ ! -e "$(cgdir pids "$CG/a/d")" ]
	[ -d "$(cgdir pids "$CG/a/b/c")" ]
	timeout 10 "$SKIFF" --root "$ROOT" delete --force c1
	v2 || [ ! -e "$(cgdir pids "$CG")" ]
	[ ! -e "$(cgdir memory "$CG/a")" ]
	[ -d "$(cgdir memory "$CG")" ]
	rmdir "$(cgdir memory "$CG")"
	none_left
}

@test "cgroup: a running container's delete --force and a foreground run's end remove the cgroup" {
	bundle sh -c 'sleep 1001 & wait'
	quiet timeout 10 "$SKIFF" --root "$ROOT" run -d --bundle "$B" c1
	[ -d "$(cgdir memory)" ]
	timeout 10 "$SKIFF" --root "$ROOT" delete --force c1
	none_left
	rm -rf "$B"
	bundle true
	run timeout 10 "$SKIFF" --root "$ROOT" run --bundle "$B" c2 </dev/null
	[ "$status" -eq 0 ]
	none_left
}

@test "cgroup: realtimeRuntime gives the parents skiff made a budget, so SCHED_FIFO works in the container" {
	v1 || skip "cgroup v2 has no realtime group budget (a warning: see the v1-only fields test)"
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

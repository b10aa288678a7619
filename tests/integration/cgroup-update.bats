#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# update and events, on cgroup v1/hybrid hosts and on cgroup v2 (tests/vm): update's new
# linux.resources read back from the kernel's cgroup files, the state keeping them, the
# errors naming the field; events --stats checked against the cgroup files, and the event
# stream (stats at the interval, an oom event, the end when the container stops).
#
# Every test works below its own /$CG and removes it in teardown, also on failure.

load cgroup-helpers

# v1/hybrid (V=1) or v2 (V=2); called by setup.
cg_host_ok() {
	case "$(stat -f -c %T /sys/fs/cgroup)" in
	tmpfs) V=1 ;;
	cgroup2fs) V=2 ;;
	*) skip "no cgroup v1 or v2 at /sys/fs/cgroup" ;;
	esac
	export V
}

# v2 device rules need an eBPF program, which skiff may not load yet (then it refuses them).
v2_devices() {
	[ "$V" = 2 ] && ! "$SKIFF" features | jq -e '.linux.cgroup.v2' >/dev/null 2>&1 &&
		return 1
	return 0
}

# bundle [cmd args...]: a busybox bundle in $B, cgroupsPath /$CG/c (on v2 without the spec's
# device rule while skiff refuses device rules there).
bundle() {
	B="$TEST_TMP/bundle"
	make_bundle "$B" "$@"
	set_config --arg cg "/$CG/c" '.linux.cgroupsPath = $cg'
	v2_devices || set_config 'del(.linux.resources.devices)'
}

# cgfile V1-CONTROLLER FILE: the container's file (v2: the one directory, any controller).
cgfile() {
	if [ "$V" = 2 ]; then
		cat "/sys/fs/cgroup/$CG/c/$2"
	else
		cat "/sys/fs/cgroup/$1/$CG/c/$2"
	fi
}
has_cgfile() { [ -e "/sys/fs/cgroup/$([ "$V" = 2 ] || echo "$1/")$CG/c/$2" ]; }

run_sleeper() {
	bundle sleep 1000
	[ $# -eq 0 ] || set_config "$@"
	timeout 10 "$SKIFF" --root "$ROOT" run -d --bundle "$B" c1 </dev/null >/dev/null
}

@test "update: runc's options set memory, cpu, cpuset and pids (read back from the cgroup files)" {
	run_sleeper '.linux.resources = {memory: {limit: 67108864, swap: 134217728}, pids: {limit: 20}}'
	skiff update --memory 256m --memory-swap 512M --memory-reservation 100m \
		--cpu-quota 20000 --cpu-period 100000 --cpu-shares 512 --cpuset-cpus 0 --cpuset-mems 0 \
		--pids-limit 30 c1
	if [ "$V" = 1 ]; then
		[ "$(cgfile memory memory.limit_in_bytes)" = 268435456 ]
		if has_cgfile memory memory.memsw.limit_in_bytes; then
			[ "$(cgfile memory memory.memsw.limit_in_bytes)" = 536870912 ]
		fi
		[ "$(cgfile memory memory.soft_limit_in_bytes)" = 104857600 ]
		[ "$(cgfile cpu cpu.cfs_quota_us)" = 20000 ]
		[ "$(cgfile cpu cpu.cfs_period_us)" = 100000 ]
		[ "$(cgfile cpu cpu.shares)" = 512 ]
	else
		[ "$(cgfile memory memory.max)" = 268435456 ]
		[ "$(cgfile memory memory.swap.max)" = 268435456 ] # swap alone: 512m - 256m
		[ "$(cgfile memory memory.low)" = 104857600 ]
		[ "$(cgfile cpu cpu.max)" = "20000 100000" ]
		# shares 512 on the weight scale 1..10000
		[ "$(cgfile cpu cpu.weight)" = "$((1 + (512 - 2) * 9999 / 262142))" ]
	fi
	[ "$(cgfile cpuset cpuset.cpus)" = 0 ]
	[ "$(cgfile cpuset cpuset.mems)" = 0 ]
	[ "$(cgfile pids pids.max)" = 30 ]
	# the state keeps them: the merged resources (what the update did not name stays)
	jq -r .config "$ROOT/c1/state.json" | jq -e '.linux.resources |
		.memory.limit == 268435456 and .memory.swap == 536870912 and .pids.limit == 30 and
		.cpu.quota == 20000 and .cpu.cpus == "0"'
	# the container still runs
	[ "$(skiff state c1 | jq -r .status)" = running ]
}

@test "update: memory limits raised and lowered in either order, and unlimited again" {
	run_sleeper '.linux.resources.memory = {limit: 67108864, swap: 67108864}'
	lim() { if [ "$V" = 1 ]; then cgfile memory memory.limit_in_bytes; else cgfile memory memory.max; fi; }
	# raise both above the current memory+swap limit (v1: memsw has to go first)
	skiff update --memory 1g --memory-swap 2g c1
	[ "$(lim)" = 1073741824 ]
	if [ "$V" = 1 ] && has_cgfile memory memory.memsw.limit_in_bytes; then
		[ "$(cgfile memory memory.memsw.limit_in_bytes)" = 2147483648 ]
	fi
	# lower both (v1: the limit has to go first)
	skiff update --memory 32m --memory-swap 48m c1
	[ "$(lim)" = 33554432 ]
	if [ "$V" = 1 ] && has_cgfile memory memory.memsw.limit_in_bytes; then
		[ "$(cgfile memory memory.memsw.limit_in_bytes)" = 50331648 ]
	fi
	[ "$V" = 1 ] || [ "$(cgfile memory memory.swap.max)" = 16777216 ]
	# only the limit: the kept swap (48m) still bounds it
	fails skiff update --memory 64m c1
	[[ "$output" == *"linux.resources.memory.swap: "* ]]
	[ "$(lim)" = 33554432 ]
	# unlimited
	skiff update --memory -1 --memory-swap -1 c1
	if [ "$V" = 1 ]; then [ "$(lim)" -gt 1000000000000 ]; else [ "$(lim)" = max ]; fi
}

@test "update --resources FILE and - (stdin); the options override the file" {
	run_sleeper
	cat >"$TEST_TMP/res.json" <<-'EOF'
		{"memory": {"limit": 100000000}, "pids": {"limit": 12}, "cpu": {"shares": 300}}
	EOF
	skiff update --resources "$TEST_TMP/res.json" --pids-limit 13 c1
	[ "$(cgfile pids pids.max)" = 13 ]
	if [ "$V" = 1 ]; then
		[ "$(cgfile memory memory.limit_in_bytes)" = 99999744 ] # the kernel rounds to pages
		[ "$(cgfile cpu cpu.shares)" = 300 ]
	else
		[ "$(cgfile memory memory.max)" = 99999744 ]
	fi
	echo '{"pids": {"limit": 7}, "cpu": {"quota": 30000, "period": 60000}}' | skiff update -r - c1
	[ "$(cgfile pids pids.max)" = 7 ]
	if [ "$V" = 1 ]; then
		[ "$(cgfile cpu cpu.cfs_quota_us)" = 30000 ]
		[ "$(cgfile cpu cpu.cfs_period_us)" = 60000 ]
	else
		[ "$(cgfile cpu cpu.max)" = "30000 60000" ]
	fi
	# the quota alone keeps the kept period (v2: both in cpu.max)
	skiff update --cpu-quota 15000 c1
	if [ "$V" = 1 ]; then
		[ "$(cgfile cpu cpu.cfs_quota_us)" = 15000 ]
	else
		[ "$(cgfile cpu cpu.max)" = "15000 60000" ]
	fi
	jq -r .config "$ROOT/c1/state.json" | jq -e '.linux.resources |
		.pids.limit == 7 and .memory.limit == 100000000 and .cpu.quota == 15000 and .cpu.period == 60000'
}

@test "update --blkio-weight sets the block IO weight" {
	run_sleeper
	if [ "$V" = 1 ]; then
		w=blkio.weight
		has_cgfile blkio "$w" || w=blkio.bfq.weight
		has_cgfile blkio "$w" || skip "no blkio weight file on this kernel (no CFQ or BFQ)"
		skiff update --blkio-weight 300 c1
		[[ "$(cgfile blkio $w)" == *300 ]]
	else
		grep -qw io /sys/fs/cgroup/cgroup.controllers || skip "no io controller on this host"
		# the update enables io for the container (only what a config needs is enabled)
		skiff update --blkio-weight 300 c1
		if has_cgfile io io.bfq.weight; then
			grep -qx "default 300" "/sys/fs/cgroup/$CG/c/io.bfq.weight"
		else
			grep -qx "default $((1 + (300 - 10) * 9999 / 990))" "/sys/fs/cgroup/$CG/c/io.weight"
		fi
	fi
}

@test "update: bad values and refused updates name the field; nothing changes" {
	run_sleeper '.linux.resources.pids = {limit: 20}'
	fails skiff update --memory 12zb c1
	[[ "$output" == *"linux.resources.memory.limit: "*"--memory"* ]]
	fails skiff update --pids-limit many c1
	[[ "$output" == *"linux.resources.pids.limit: "* ]]
	fails skiff update --blkio-weight 70000 c1
	[[ "$output" == *"linux.resources.blockIO.weight: "* ]]
	echo '{"memory": {"limit": "big"}}' >"$TEST_TMP/bad.json"
	fails skiff update -r "$TEST_TMP/bad.json" c1
	[[ "$output" == *"linux.resources.memory.limit: "* ]]
	fails skiff update -r "$TEST_TMP/missing.json" c1
	[[ "$output" == *"missing.json"* ]]
	fails skiff update --l3-cache-schema "L3:0=f" c1
	[[ "$output" == *"Intel RDT"* ]]
	fails skiff update --memory-swap 10m --memory 20m c1
	[[ "$output" == *"linux.resources.memory.swap: "* ]]
	[ "$(cgfile pids pids.max)" = 20 ]
	jq -r .config "$ROOT/c1/state.json" | jq -e '.linux.resources.pids.limit == 20 and .linux.resources.memory == null'
	fails skiff update --pids-limit 5 nosuch
	[[ "$output" == *"nosuch"* ]]
}

@test "update: memory.checkBeforeUpdate refuses a limit below the current usage" {
	run_sleeper
	echo '{"memory": {"limit": 4096, "checkBeforeUpdate": true}}' >"$TEST_TMP/r.json"
	fails skiff update -r "$TEST_TMP/r.json" c1
	[[ "$output" == *"linux.resources.memory.limit: 4096 is below the container's current memory usage"* ]]
	if [ "$V" = 1 ]; then
		[ "$(cgfile memory memory.limit_in_bytes)" -gt 1000000000000 ]
	else
		[ "$(cgfile memory memory.max)" = max ]
	fi
	[ "$(skiff state c1 | jq -r .status)" = running ]
}

@test "update works on a created container, and not on a stopped one" {
	bundle sleep 1000
	timeout 10 "$SKIFF" --root "$ROOT" create --bundle "$B" c1 </dev/null >/dev/null
	skiff update --pids-limit 9 c1
	[ "$(cgfile pids pids.max)" = 9 ]
	skiff kill c1 KILL
	wait_for sh -c "[ \"\$(\"$SKIFF\" --root \"$ROOT\" state c1 | jq -r .status)\" = stopped ]"
	fails skiff update --pids-limit 10 c1
	[[ "$output" == *"not running"* ]]
}

@test "update: a new device list replaces the old one (v1; v2 refuses device rules for now)" {
	run_sleeper
	echo '{"devices": [{"allow": false, "access": "rwm"}, {"allow": true, "type": "c", "major": 10, "minor": 200, "access": "rw"}]}' >"$TEST_TMP/d.json"
	if [ "$V" = 2 ]; then
		run skiff update -r "$TEST_TMP/d.json" c1
		if [ "$status" -ne 0 ]; then
			[[ "$output" == *"linux.resources.devices"* ]]
		else # the eBPF program: replaced, /dev/null still allowed
			run skiff exec c1 sh -c 'echo x > /dev/null && echo ok'
			[ "$output" = ok ]
		fi
		return
	fi
	! grep -q "^c 10:200 " "/sys/fs/cgroup/devices/$CG/c/devices.list"
	skiff update -r "$TEST_TMP/d.json" c1
	grep -qx "c 10:200 rw" "/sys/fs/cgroup/devices/$CG/c/devices.list"
	# an update without devices leaves them alone
	skiff update --pids-limit 8 c1
	grep -qx "c 10:200 rw" "/sys/fs/cgroup/devices/$CG/c/devices.list"
	run skiff exec c1 sh -c 'echo x > /dev/null && echo ok'
	[ "$output" = ok ]
}

@test "events --stats: one JSON object in runc's shape, its numbers those of the cgroup files" {
	bundle sh -c 'sleep 1000 & sleep 1000 & wait'
	set_config '.linux.resources = {memory: {limit: 67108864}, pids: {limit: 50}}'
	timeout 10 "$SKIFF" --root "$ROOT" run -d --bundle "$B" c1 </dev/null >/dev/null
	wait_for sh -c "[ \"\$(cat /sys/fs/cgroup/$([ "$V" = 2 ] || echo pids/)$CG/c/pids.current)\" = 3 ]"
	run skiff events --stats c1
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	echo "$output" | jq -e --arg id c1 '.type == "stats" and .id == $id and
		(.data | has("cpu") and has("memory") and has("pids") and has("blkio") and has("hugetlb")) and
		(.data.cpu.usage | has("kernel") and has("user")) and
		(.data.memory.usage | has("limit") and has("failcnt")) and
		(.data.memory.raw | type == "object")'
	echo "$output" | jq -e '.data.pids.current == 3 and .data.pids.limit == 50'
	echo "$output" | jq -e '.data.memory.usage.limit == 67108864'
	echo "$output" | jq -e '.data.cpu.usage.total > 0 and .data.memory.usage.usage > 0'
	if [ "$V" = 1 ]; then
		usage="$(cgfile cpuacct cpuacct.usage)"
		echo "$output" | jq -e --argjson u "$usage" '.data.cpu.usage.total <= $u'
		n="$(wc -w <"/sys/fs/cgroup/cpuacct/$CG/c/cpuacct.usage_percpu")"
		echo "$output" | jq -e --argjson n "$n" '.data.cpu.usage.percpu | length == $n'
		rss="$(awk '$1 == "rss" { print $2 }' "/sys/fs/cgroup/memory/$CG/c/memory.stat")"
		echo "$output" | jq -e --argjson r "$rss" '.data.memory.raw.rss == $r'
	else
		usec="$(awk '$1 == "usage_usec" { print $2 }' "/sys/fs/cgroup/$CG/c/cpu.stat")"
		echo "$output" | jq -e --argjson u "$usec" '.data.cpu.usage.total <= $u * 1000'
		anon="$(awk '$1 == "anon" { print $2 }' "/sys/fs/cgroup/$CG/c/memory.stat")"
		echo "$output" | jq -e --argjson a "$anon" '.data.memory.raw.anon == $a'
	fi
	# the limit after an update
	skiff update --memory 100m c1
	skiff events --stats c1 | jq -e '.data.memory.usage.limit == 104857600'
}

@test "events: stats at the interval, an oom event when a process exceeds the limit, exit 0 when the container stops" {
	# enough time for two stats events, then an allocator that exceeds the limit
	bundle sh -c 'sleep 3; tail /dev/zero'
	set_config '.linux.resources.memory = {limit: 16777216, swap: 16777216}'
	timeout 10 "$SKIFF" --root "$ROOT" run -d --bundle "$B" c1 </dev/null >/dev/null
	run timeout 60 "$SKIFF" --root "$ROOT" events --interval 1s c1
	[ "$status" -eq 0 ]
	printf '%s\n' "${lines[@]}" | jq -c '{type, id}'
	n="$(printf '%s\n' "${lines[@]}" | jq -s '[.[] | select(.type == "stats" and .id == "c1")] | length')"
	[ "$n" -ge 2 ]
	printf '%s\n' "${lines[@]}" | jq -se '[.[] | select(.type == "oom" and .id == "c1")] | length >= 1'
	[ "$(skiff state c1 | jq -r .status)" = stopped ]
}

@test "events: a bad --interval and a stopped container are errors" {
	run_sleeper
	for d in 0 5 1x -1s ""; do
		fails skiff events --interval "$d" c1
		[[ "$output" == *"--interval"* ]] || { echo "$d: $output"; false; }
	done
	# Go durations
	timeout 5 "$SKIFF" --root "$ROOT" events --stats --interval 1m30s c1 | jq -e .data
	timeout 5 "$SKIFF" --root "$ROOT" events --stats --interval 1.5h c1 | jq -e .data
	skiff kill c1 KILL
	wait_for sh -c "[ \"\$(\"$SKIFF\" --root \"$ROOT\" state c1 | jq -r .status)\" = stopped ]"
	fails skiff events --stats c1
	[[ "$output" == *"not running"* ]]
	fails timeout 5 "$SKIFF" --root "$ROOT" events c1
}

@test "update works while the container's cgroup is frozen" {
	run_sleeper '.linux.resources.memory = {limit: 67108864}'
	if [ "$V" = 1 ]; then
		f="/sys/fs/cgroup/freezer/$CG/c/freezer.state"
		echo FROZEN >"$f"
		wait_for grep -qx FROZEN "$f"
	else
		echo 1 >"/sys/fs/cgroup/$CG/c/cgroup.freeze"
		wait_for grep -qx "frozen 1" "/sys/fs/cgroup/$CG/c/cgroup.events"
	fi
	timeout 10 "$SKIFF" --root "$ROOT" update --memory 128m --pids-limit 11 c1
	if [ "$V" = 1 ]; then
		[ "$(cgfile memory memory.limit_in_bytes)" = 134217728 ]
		echo THAWED >"$f"
	else
		[ "$(cgfile memory memory.max)" = 134217728 ]
		echo 0 >"/sys/fs/cgroup/$CG/c/cgroup.freeze"
	fi
	[ "$(cgfile pids pids.max)" = 11 ]
}

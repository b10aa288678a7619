#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The eight namespaces of config-linux.md, new and joined through a path, as the container sees
# them: readlink /proc/self/ns/*, its uid/gid maps, time offsets, hostname and domainname, pid 1.

load helpers

ALL_NS='[{"type":"pid"},{"type":"mount"},{"type":"network"},{"type":"ipc"},{"type":"uts"},
	{"type":"user"},{"type":"cgroup"},{"type":"time"}]'
MAPS='.linux.uidMappings=[{"containerID":0,"hostID":100000,"size":65536}]
	| .linux.gidMappings=[{"containerID":0,"hostID":200000,"size":65536}]'
NS_NAMES="pid mnt net ipc uts user cgroup time"

# bundle DIR JQ-FILTER cmd...: a busybox bundle whose config is changed by the filter.
bundle() {
	local dir="$1" filter="$2"
	shift 2
	make_bundle "$dir" "$@"
	chmod 755 "$TEST_TMP" # the user namespace's root (host uid 100000) must reach the rootfs
	jq "$filter" "$dir/config.json" >"$dir/c" && mv "$dir/c" "$dir/config.json"
}

# The namespace links as a process sees them: "pid:[...] mnt:[...] ...".
ns_of() {
	local n out=""
	for n in $NS_NAMES; do out="$out $(readlink "/proc/$1/ns/$n")"; done
	echo "$out"
}

# The container's view: prints one "name link" line a namespace (pid_for_children and
# time_for_children too: a process sees its own pid/time namespace as the one it was born in).
NS_SCRIPT='for n in pid mnt net ipc uts user cgroup time; do echo "$n $(readlink /proc/self/ns/$n)"; done'

@test "namespaces: all eight new; the container's differ from the host's" {
	bundle "$TEST_TMP/b" ".linux.namespaces=$ALL_NS | $MAPS" sh -c "$NS_SCRIPT; echo pid1=\$\$"
	run skiff run --bundle "$TEST_TMP/b" all8
	echo "$output"
	[ "$status" -eq 0 ]
	local n host inside
	for n in $NS_NAMES; do
		host="$(readlink /proc/self/ns/$n)"
		inside="$(awk -v n=$n '$1 == n {print $2}' <<<"$output")"
		[ -n "$inside" ]
		[ "$inside" != "$host" ] || { echo "$n is the host's: $inside"; return 1; }
	done
	echo "$output" | grep -qx 'pid1=1'
}

@test "namespaces: none asked but mount: the container shares the host's" {
	bundle "$TEST_TMP/b" '.linux.namespaces=[{"type":"mount"}] | del(.hostname, .linux.maskedPaths, .linux.readonlyPaths)
		| .mounts |= map(select(.type != "sysfs" and .type != "cgroup" and .type != "mqueue"))' \
		sh -c "$NS_SCRIPT"
	run skiff run --bundle "$TEST_TMP/b" shared
	echo "$output"
	[ "$status" -eq 0 ]
	local n
	for n in pid net ipc uts user cgroup time; do
		[ "$(awk -v n=$n '$1 == n {print $2}' <<<"$output")" = "$(readlink /proc/self/ns/$n)" ]
	done
	[ "$(awk '$1 == "mnt" {print $2}' <<<"$output")" != "$(readlink /proc/self/ns/mnt)" ]
}

@test "namespaces: user namespace mappings are written from outside; the program is root inside" {
	bundle "$TEST_TMP/b" ".linux.namespaces=$ALL_NS | $MAPS" \
		sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u; id -g; touch /dev/shm/f; stat -c "%u:%g" /dev/shm/f'
	run skiff run --bundle "$TEST_TMP/b" userns
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(sed -n 1p <<<"$output" | tr -s ' ' | sed 's/^ //')" = "0 100000 65536" ]
	[ "$(sed -n 2p <<<"$output" | tr -s ' ' | sed 's/^ //')" = "0 200000 65536" ]
	[ "$(sed -n 3p <<<"$output")" = 0 ]
	[ "$(sed -n 4p <<<"$output")" = 0 ]
	[ "$(sed -n 5p <<<"$output")" = "0:0" ]
}

@test "namespaces: a user namespace without mappings, or mappings without one, is refused" {
	bundle "$TEST_TMP/b" '.linux.namespaces += [{"type":"user"}]' true
	run skiff run --bundle "$TEST_TMP/b" nomaps
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"uidMappings"* ]]
	[ ! -e "$ROOT/nomaps" ]
	bundle "$TEST_TMP/c" "$MAPS" true
	run skiff run --bundle "$TEST_TMP/c" nouserns
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"linux.uidMappings"* ]]
	[ ! -e "$ROOT/nouserns" ]
}

@test "namespaces: joined through a path, the container is in the other one's namespaces" {
	# A holds every namespace (but mount) for B to join.
	bundle "$TEST_TMP/a" ".linux.namespaces=$ALL_NS | $MAPS" sleep 1000
	skiff create --bundle "$TEST_TMP/a" --pid-file "$TEST_TMP/a.pid" nsa </dev/null >/dev/null 2>&1
	apid="$(cat "$TEST_TMP/a.pid")"
	local filter='.linux.namespaces=[{"type":"mount"}] | ' n p
	for n in pid:pid net:network ipc:ipc uts:uts user:user cgroup:cgroup time:time; do
		filter="$filter .linux.namespaces += [{\"type\":\"${n#*:}\",\"path\":\"/proc/$apid/ns/${n%%:*}\"}] |"
	done
	bundle "$TEST_TMP/b" "$filter .hostname = null | .linux.uidMappings = null | .linux.gidMappings = null" \
		sh -c "$NS_SCRIPT; cat /proc/self/uid_map; ps -o pid,comm"
	run skiff run --bundle "$TEST_TMP/b" nsb
	echo "$output"
	[ "$status" -eq 0 ]
	for n in pid net ipc uts user cgroup time; do
		[ "$(awk -v n=$n '$1 == n {print $2}' <<<"$output")" = "$(readlink /proc/$apid/ns/$n)" ]
	done
	[ "$(awk '$1 == "mnt" {print $2}' <<<"$output")" != "$(readlink /proc/$apid/ns/mnt)" ]
	echo "$output" | grep -Eq '^ *0 +100000 +65536'
	# In A's pid namespace, A's init is pid 1 (blocked before its program: still skiff's clone).
	echo "$output" | grep -Eq '^ *1 '
}

@test "namespaces: a path that is not a namespace of that type is refused" {
	bundle "$TEST_TMP/b" '.linux.namespaces |= map(if .type == "network" then .path = "/proc/self/ns/ipc" else . end)' true
	run skiff run --bundle "$TEST_TMP/b" badpath
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"linux.namespaces"* ]]
	[ ! -e "$ROOT/badpath" ]
	bundle "$TEST_TMP/c" '.linux.namespaces |= map(if .type == "network" then .path = "/nonexistent/ns" else . end)' true
	run skiff run --bundle "$TEST_TMP/c" nopath
	[ "$status" -ne 0 ]
	[[ "$output" == *"/nonexistent/ns"* ]]
}

@test "time namespace: timeOffsets shift the container's monotonic and boottime clocks" {
	bundle "$TEST_TMP/b" '.linux.namespaces += [{"type":"time"}] | .linux.timeOffsets = {"monotonic":{"secs":86400,"nanosecs":0},"boottime":{"secs":31536000,"nanosecs":500}}' \
		sh -c 'cat /proc/self/timens_offsets; cut -d" " -f1 /proc/uptime'
	run skiff run --bundle "$TEST_TMP/b" timens
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | grep -Eq '^monotonic +86400 +0$'
	echo "$output" | grep -Eq '^boottime +31536000 +500$'
	local up host
	up="$(tail -1 <<<"$output" | cut -d. -f1)"
	host="$(cut -d. -f1 /proc/uptime)"
	[ "$up" -ge $((host + 31536000 - 5)) ]
	# timeOffsets without a time namespace: refused.
	bundle "$TEST_TMP/c" '.linux.timeOffsets = {"monotonic":{"secs":1}}' true
	run skiff run --bundle "$TEST_TMP/c" notimens
	[ "$status" -ne 0 ]
	[[ "$output" == *"timeOffsets"* ]]
}

@test "uts: hostname and domainname inside; the host's are untouched" {
	local hn dn
	hn="$(hostname)" dn="$(cat /proc/sys/kernel/domainname)"
	bundle "$TEST_TMP/b" '.hostname = "skiff-box" | .domainname = "skiff.test"' \
		sh -c 'hostname; cat /proc/sys/kernel/domainname'
	run skiff run --bundle "$TEST_TMP/b" uts
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'skiff-box\nskiff.test')" ]
	[ "$(hostname)" = "$hn" ]
	[ "$(cat /proc/sys/kernel/domainname)" = "$dn" ]
}

@test "pid namespace: the program is pid 1 and sees only its own processes" {
	bundle "$TEST_TMP/b" '.' sh -c 'echo $$; ps -o pid,comm | wc -l'
	run skiff run --bundle "$TEST_TMP/b" pid1
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(sed -n 1p <<<"$output")" = 1 ]
	[ "$(sed -n 2p <<<"$output")" -le 4 ] # header, sh, ps, wc
}

@test "network namespace: only a loopback, down until configured" {
	bundle "$TEST_TMP/b" '.' sh -c 'ls /sys/class/net; cat /proc/net/dev | tail -n +3 | cut -d: -f1'
	run skiff run --bundle "$TEST_TMP/b" net1
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(echo $output)" = "lo lo" ]
}

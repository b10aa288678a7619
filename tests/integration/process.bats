#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The process attributes of config.md as the container's program sees them: user, groups and
# umask (id, umask), the five capability sets and NoNewPrivs (/proc/self/status), rlimits
# (/proc/self/limits, ulimit), oom_score_adj, personality (uname -m), I/O priority (ionice),
# scheduler (/proc/self/stat), execCPUAffinity (Cpus_allowed_list, for exec), the session
# keyring (/proc/keys), LSM labels on a host without the LSM; and the errors and warnings.

load helpers

# bundle FILTER cmd...: a new busybox bundle in $B whose config is changed by the jq filter
# ("U64MAX" there stands for 2^64-1, which jq can't write).
bundle() {
	local filter="$1"
	shift
	NB=$((${NB:-0} + 1))
	B="$TEST_TMP/b$NB"
	make_bundle "$B" "$@"
	jq "$filter" "$B/config.json" | sed 's/"U64MAX"/18446744073709551615/g' >"$B/c" &&
		mv "$B/c" "$B/config.json"
}

# run_bundle ID [RUN-OPTION...]: skiff run of $B in the foreground (output echoed for failures).
run_bundle() {
	local id="$1"
	shift
	run timeout 20 "$SKIFF" --root "$ROOT" run "$@" --bundle "$B" "$id"
	echo "$output"
}

# run_exec ARG...: skiff exec (output echoed for failures).
run_exec() {
	run timeout 20 "$SKIFF" --root "$ROOT" exec "$@"
	echo "$output"
}

# mask N...: the capability mask of those capability numbers, as /proc/PID/status prints it.
mask() {
	local m=0 n
	for n in "$@"; do m=$((m | (1 << n))); done
	printf '%016x\n' "$m"
}

# The line "Name:<tab>value" of the last output, value only.
field() {
	awk -v k="$1:" '$1 == k {print $2}' <<<"$output"
}

# caps_are BND PRM EFF INH AMB: the five sets of the last output, each given as capability
# numbers ("0 5"; "" for none).
caps_are() {
	local set want i=1
	for set in CapBnd CapPrm CapEff CapInh CapAmb; do
		want="${!i}"
		# shellcheck disable=SC2086
		[ "$(field $set)" = "$(mask $want)" ] || { echo "$set: $(field $set), want $(mask $want)"; return 1; }
		i=$((i + 1))
	done
}

CAPS_SCRIPT='grep -E "^(Cap|NoNewPrivs)" /proc/self/status'

@test "process: user uid, gid, additionalGids and umask; umask 0022 by default" {
	bundle '.process.user = {"uid": 1000, "gid": 1001, "umask": 23, "additionalGids": [10, 20]}' \
		sh -c 'echo "$(id -u) $(id -g) $(id -G)"; umask'
	run_bundle user
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "1000 1001 1001 10 20" ] # id -G: the gid first, then the groups
	[ "${lines[1]}" = "0027" ]
	bundle '.process.user = {"uid": 0, "gid": 0}' sh -c 'id -G; umask'
	run_bundle user2
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "0" ]
	[ "${lines[1]}" = "0022" ]
}

@test "process: capabilities of uid 0 after the exec: bounding, inheritable, ambient; permitted = bounding | inheritable" {
	# CHOWN 0, KILL 5, NET_RAW 13, SYS_ADMIN 21
	local caps='.process.capabilities = {
		"bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW", "CAP_SYS_ADMIN"],
		"effective": ["CAP_CHOWN", "CAP_KILL"], "permitted": ["CAP_CHOWN", "CAP_KILL"],
		"inheritable": ["CAP_KILL"], "ambient": ["CAP_KILL"]}'
	bundle "$caps | .process.noNewPrivileges = false" sh -c "$CAPS_SCRIPT"
	run_bundle caps0
	[ "$status" -eq 0 ]
	# the kernel's rule for root: P' = bounding | inheritable, E' = P'
	caps_are "0 5 13 21" "0 5 13 21" "0 5 13 21" 5 5
	# with no_new_privs the exec can't add to the permitted set: it stays what was set
	bundle "$caps | .process.noNewPrivileges = true" sh -c "$CAPS_SCRIPT"
	run_bundle caps0n
	[ "$status" -eq 0 ]
	caps_are "0 5 13 21" "0 5" "0 5" 5 5
}

@test "process: capabilities of a non-root uid after the exec: only the ambient set stays permitted and effective" {
	bundle '.process.user = {"uid": 1000, "gid": 1000} | .process.capabilities = {
		"bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW"],
		"effective": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW"],
		"permitted": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW"],
		"inheritable": ["CAP_KILL", "CAP_NET_RAW"], "ambient": ["CAP_NET_RAW"]}' sh -c "id -u; $CAPS_SCRIPT"
	run_bundle capsu
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1000 ]
	caps_are "0 5 13" 13 13 "5 13" 13
	# without any ambient capability a non-root uid ends with none
	bundle '.process.user = {"uid": 1000, "gid": 1000} | .process.capabilities = {
		"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"]}' sh -c "$CAPS_SCRIPT"
	run_bundle capsu2
	[ "$status" -eq 0 ]
	caps_are 5 "" "" "" ""
}

@test "process: an unknown CAP_ name is a warning in the log, a name without CAP_ a config error" {
	bundle '.process.capabilities = {"bounding": ["CAP_KILL", "CAP_NO_SUCH_THING"],
		"effective": ["CAP_KILL"], "permitted": ["CAP_KILL"]}' sh -c "$CAPS_SCRIPT"
	run timeout 20 "$SKIFF" --root "$ROOT" --log "$TEST_TMP/log" --log-format json run --bundle "$B" capw
	echo "$output"
	cat "$TEST_TMP/log"
	[ "$status" -eq 0 ]
	[ "$(field CapBnd)" = "$(mask 5)" ]
	jq -e 'select(.level == "warning") | select(.msg | contains("process.capabilities.bounding[1]: CAP_NO_SUCH_THING"))' \
		"$TEST_TMP/log"
	bundle '.process.capabilities = {"effective": ["NET_ADMIN"]}' true
	run_bundle cape
	[ "$status" -ne 0 ]
	[[ "$output" == *"process.capabilities.effective[0]"* ]]
	[ -z "$("$SKIFF" --root "$ROOT" list -q)" ]
}

@test "process: a capability skiff itself lacks is a warning, not an error" {
	local bnd
	bnd="$(awk '$1 == "CapBnd:" {print $2}' /proc/self/status)"
	(((0x$bnd >> 24) & 1)) && skip "the host grants CAP_SYS_RESOURCE: nothing to lack"
	bundle '.process.capabilities = {"bounding": ["CAP_KILL", "CAP_SYS_RESOURCE"],
		"effective": ["CAP_KILL", "CAP_SYS_RESOURCE"], "permitted": ["CAP_KILL", "CAP_SYS_RESOURCE"]}' \
		sh -c "$CAPS_SCRIPT"
	run timeout 20 "$SKIFF" --root "$ROOT" --log "$TEST_TMP/log" run --bundle "$B" lack
	echo "$output"
	cat "$TEST_TMP/log"
	[ "$status" -eq 0 ]
	[ "$(field CapEff)" = "$(mask 5)" ]
	grep -q 'level=warning.*process.capabilities.permitted: CAP_SYS_RESOURCE' "$TEST_TMP/log"
}

@test "process: noNewPrivileges true and false" {
	bundle '.process.noNewPrivileges = true' sh -c "$CAPS_SCRIPT"
	run_bundle nnp1
	[ "$status" -eq 0 ]
	[ "$(field NoNewPrivs)" = 1 ]
	bundle '.process.noNewPrivileges = false' sh -c "$CAPS_SCRIPT"
	run_bundle nnp0
	[ "$status" -eq 0 ]
	[ "$(field NoNewPrivs)" = 0 ]
}

@test "process: rlimits as /proc/self/limits and ulimit show them (a hard limit lowered, unlimited)" {
	bundle '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 100, "hard": 200},
		{"type": "RLIMIT_CORE", "soft": 0, "hard": 4096},
		{"type": "RLIMIT_MSGQUEUE", "soft": 8192, "hard": 8192},
		{"type": "RLIMIT_CPU", "soft": "U64MAX", "hard": "U64MAX"}]' \
		sh -c 'ulimit -n; ulimit -Hn; cat /proc/self/limits'
	run_bundle rl
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 100 ]
	[ "${lines[1]}" = 200 ]
	echo "$output" | grep -Eq '^Max open files +100 +200 +files'
	echo "$output" | grep -Eq '^Max core file size +0 +4096 +bytes'
	echo "$output" | grep -Eq '^Max msgqueue size +8192 +8192 +bytes'
	echo "$output" | grep -Eq '^Max cpu time +unlimited +unlimited +seconds'
}

@test "process: rlimits errors: soft above hard names the entry; an unknown type is a config error" {
	bundle '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 100, "hard": 200},
		{"type": "RLIMIT_CORE", "soft": 10, "hard": 5}]' true
	run_bundle rle
	[ "$status" -ne 0 ]
	[[ "$output" == *"process.rlimits[1]"*"soft limit 10 is above the hard limit 5"* ]]
	[ -z "$("$SKIFF" --root "$ROOT" list -q)" ]
	bundle '.process.rlimits = [{"type": "RLIMIT_FOO", "soft": 1, "hard": 1}]' true
	run_bundle rle2
	[ "$status" -ne 0 ]
	[[ "$output" == *"process.rlimits[0].type"* ]]
}

@test "process: oomScoreAdj, and left alone when not set" {
	local cur want
	cur="$(cat /proc/self/oom_score_adj)"
	want=$((cur + 100 > 1000 ? 1000 : cur + 100))
	bundle ".process.oomScoreAdj = $want" cat /proc/self/oom_score_adj
	run_bundle oom
	[ "$status" -eq 0 ]
	[ "$output" = "$want" ]
	bundle 'del(.process.oomScoreAdj)' cat /proc/self/oom_score_adj
	run_bundle oom2
	[ "$status" -eq 0 ]
	[ "$output" = "$cur" ]
}

@test "process: personality LINUX32 makes uname -m say i686; LINUX leaves it" {
	[ "$(uname -m)" = x86_64 ] || skip "LINUX32 is checked on x86_64 hosts only"
	bundle '.linux.personality = {"domain": "LINUX32"}' uname -m
	run_bundle p32
	[ "$status" -eq 0 ]
	[ "$output" = i686 ]
	bundle '.linux.personality = {"domain": "LINUX"}' uname -m
	run_bundle p64
	[ "$status" -eq 0 ]
	[ "$output" = x86_64 ]
}

@test "process: ioPriority as ionice sees it" {
	bundle '.process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 3}' sh -c 'ionice -p $$'
	run_bundle io
	[ "$status" -eq 0 ]
	[ "$output" = "best-effort: prio 3" ]
	bundle '.process.ioPriority = {"class": "IOPRIO_CLASS_IDLE", "priority": 0}' sh -c 'ionice -p $$'
	run_bundle io2
	[ "$status" -eq 0 ]
	[[ "$output" == idle* ]]
}

# /proc/self/stat of the shell: "nice=<19th field> policy=<41st> rtprio=<40th>".
SCHED_SCRIPT='read -r l </proc/self/stat; set -- ${l#*) }; shift 16; n=$1; shift 21; echo "nice=$n rtprio=$1 policy=$2"'

@test "process: scheduler policy, nice and priority as /proc/self/stat shows them" {
	bundle '.process.scheduler = {"policy": "SCHED_BATCH", "nice": 7}' sh -c "$SCHED_SCRIPT"
	run_bundle sb
	[ "$status" -eq 0 ]
	[ "$output" = "nice=7 rtprio=0 policy=3" ]
	bundle '.process.scheduler = {"policy": "SCHED_FIFO", "priority": 10}' sh -c "$SCHED_SCRIPT"
	run_bundle sf
	if [ "$status" -ne 0 ] && [[ "$output" == *"process.scheduler"*"Operation not permitted"* ]]; then
		skip "real-time scheduling is not allowed here: $output"
	fi
	[ "$status" -eq 0 ]
	[ "$output" = "nice=0 rtprio=10 policy=1" ]
}

@test "process: execCPUAffinity for an exec'd process: initial, then final" {
	[ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs"
	bundle '.' sleep 1000
	skiff run -d --bundle "$B" aff </dev/null >/dev/null 2>&1
	local p='{"cwd": "/", "args": ["grep", "Cpus_allowed_list", "/proc/self/status"], "env": ["PATH=/bin"]}'
	jq '.execCPUAffinity = {"initial": "1"}' <<<"$p" >"$TEST_TMP/p1.json"
	run_exec --process "$TEST_TMP/p1.json" aff
	[ "$status" -eq 0 ]
	[ "$(field Cpus_allowed_list)" = 1 ]
	jq '.execCPUAffinity = {"initial": "1", "final": "0"}' <<<"$p" >"$TEST_TMP/p2.json"
	run_exec --process "$TEST_TMP/p2.json" aff
	[ "$status" -eq 0 ]
	[ "$(field Cpus_allowed_list)" = 0 ]
	jq '.execCPUAffinity = {"final": "3-1"}' <<<"$p" >"$TEST_TMP/p3.json"
	run_exec --process "$TEST_TMP/p3.json" aff
	[ "$status" -ne 0 ]
	[[ "$output" == *"process.execCPUAffinity.final"* ]]
}

@test "process: a session keyring named after the container; none with --no-new-keyring" {
	bundle 'del(.linux.maskedPaths)' cat /proc/keys
	run_bundle keyed
	[ "$status" -eq 0 ]
	echo "$output" | grep -Eq ' keyring +keyed: '
	run_bundle unkeyed --no-new-keyring
	[ "$status" -eq 0 ]
	! echo "$output" | grep -Eq ' keyring +unkeyed: '
}

@test "process: exec joins the container's session keyring, none when created with --no-new-keyring" {
	bundle 'del(.linux.maskedPaths)' sleep 1000
	timeout 20 "$SKIFF" --root "$ROOT" run -d --bundle "$B" keyedx </dev/null >/dev/null 2>&1
	timeout 20 "$SKIFF" --root "$ROOT" run -d --no-new-keyring --bundle "$B" unkeyedx \
		</dev/null >/dev/null 2>&1
	[ "$(jq .noNewKeyring "$ROOT/unkeyedx/state.json")" = true ]
	run_exec keyedx cat /proc/keys
	[ "$status" -eq 0 ]
	echo "$output" | grep -Eq ' keyring +keyedx: '
	run_exec unkeyedx cat /proc/keys
	[ "$status" -eq 0 ]
	! echo "$output" | grep -Eq ' keyring +unkeyedx: '
}

@test "process: apparmorProfile and selinuxLabel on a host without them are errors naming the field" {
	if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ]; then
		bundle '.process.apparmorProfile = "some-profile"' true
		run_bundle aa
		echo "$output"
		[ "$status" -ne 0 ]
		[[ "$output" == *"process.apparmorProfile"*"AppArmor is not enabled"* ]]
	fi
	if [ ! -e /sys/fs/selinux/enforce ]; then
		bundle '.process.selinuxLabel = "system_u:system_r:container_t:s0"' true
		run_bundle se
		echo "$output"
		[ "$status" -ne 0 ]
		[[ "$output" == *"process.selinuxLabel"*"SELinux is not enabled"* ]]
	fi
	[ -z "$("$SKIFF" --root "$ROOT" list -q)" ]
}

@test "process: features lists every capability the init applies" {
	run "$SKIFF" features
	[ "$status" -eq 0 ]
	echo "$output" | jq -e '.linux.capabilities | length == 41 and .[0] == "CAP_CHOWN" and
		.[40] == "CAP_CHECKPOINT_RESTORE" and index("CAP_SYS_ADMIN") != null'
}

@test "process: user and capabilities inside a new user namespace" {
	chmod 755 "$TEST_TMP" # the user namespace's root (host uid 100000) must reach the rootfs
	bundle '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .process.user = {"uid": 1000, "gid": 1000, "additionalGids": [10]}
		| .process.capabilities = {"bounding": ["CAP_KILL", "CAP_NET_RAW"], "permitted": ["CAP_KILL", "CAP_NET_RAW"],
			"effective": ["CAP_KILL"], "inheritable": ["CAP_NET_RAW"], "ambient": ["CAP_NET_RAW"]}' \
		sh -c "echo \$(id -u) \$(id -g) \$(id -G); $CAPS_SCRIPT"
	run_bundle userns
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "1000 1000 1000 10" ]
	caps_are "5 13" 13 13 13 13
}

@test "process: exec --user and --cap: the exec'd process drops to them like the init" {
	bundle '.' sleep 1000
	skiff run -d --bundle "$B" ex </dev/null >/dev/null 2>&1
	run_exec --user 1000:1000 --cap CAP_NET_RAW ex sh -c "id -u; $CAPS_SCRIPT"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1000 ]
	# the container's bounding set (spec default: AUDIT_WRITE 29, KILL 5, NET_BIND_SERVICE 10) + NET_RAW
	[ "$(field CapBnd)" = "$(mask 5 10 13 29)" ]
	[ "$(field CapEff)" = "$(mask)" ]
	run_exec ex sh -c "umask; $CAPS_SCRIPT"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0022 ]
	[ "$(field CapEff)" = "$(mask 5 10 29)" ]
}

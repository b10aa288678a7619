#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# linux.seccomp: errno and kill actions, defaultErrnoRet, argument filters with every operator,
# unknown syscall names, the ENOSYS rule (clone3, syscalls newer than the profile), the filter
# in `skiff exec`, with and without noNewPrivileges, config errors with their path, `skiff
# features`; real profiles (tests/fixtures: podman's and a Docker-like one) with a busybox shell;
# the cache of compiled filters (hits, corrupt and foreign entries, a directory not skiff's, the
# same behaviour without it, the cap). x86-64 syscall numbers throughout (sc-probe makes raw
# syscalls).

load helpers

# x86-64 syscall numbers.
NR_GETPPID=110 NR_GETPGID=121 NR_SCHED_GET_PRIORITY_MAX=146 NR_ADD_KEY=248 NR_CLONE3=435 NR_SET_MEMPOLICY_HOME_NODE=450
NR_CLONE=56 NR_PERSONALITY=135 NR_MOUNT=165 NR_KEYCTL=250 NR_UNSHARE=272 NR_SETNS=308
FIXTURES="$BATS_TEST_DIRNAME/../fixtures"

setup_file() {
	[ "$(uname -m)" = x86_64 ] || skip "the tests use x86-64 syscall numbers"
	cc -static -O2 -o "$BATS_FILE_TMPDIR/sc-probe" "$BATS_TEST_DIRNAME/sc-probe.c"
}

# sbundle SECCOMP-JSON [cmd args...]: a busybox bundle in $B with sc-probe in /bin and
# linux.seccomp set to the JSON (a jq expression; $p is the profile podman_profile or
# docker_profile chose).
sbundle() {
	local sc="$1"
	shift
	[ "$(uname -m)" = x86_64 ] || skip "the tests use x86-64 syscall numbers"
	B="$TEST_TMP/bundle"
	rm -rf "$B"
	make_bundle "$B" "$@"
	cp "$BATS_FILE_TMPDIR/sc-probe" "$B/rootfs/bin/sc-probe"
	local p='{}'
	[ -f "$TEST_TMP/profile.json" ] && p="$(cat "$TEST_TMP/profile.json")"
	jq --argjson p "$p" ".linux.seccomp = ($sc)" "$B/config.json" >"$B/c" && mv "$B/c" "$B/config.json"
}

# podman's profile (containers-common) as linux.seccomp for amd64 and its default
# capabilities (tests/fixtures/seccomp-podman.json), in $TEST_TMP/profile.json.
podman_profile() {
	cp "$FIXTURES/seccomp-podman.json" "$TEST_TMP/profile.json"
}

# The Docker-default-like profile derived from it (tests/fixtures/README.md).
docker_profile() {
	cp "$FIXTURES/seccomp-docker.json" "$TEST_TMP/profile.json"
}

srun() { run timeout 20 "$SKIFF" --root "$ROOT" run --bundle "$B" "c$BATS_TEST_NUMBER"; }

@test "seccomp: a denied syscall fails with the rule's errnoRet (EPERM without one); the rest works" {
	sbundle '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [
		{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 30},
		{names: ["chmod", "fchmodat"], action: "SCMP_ACT_ERRNO"}]}' \
		sh -c 'mkdir /tmp/d; echo mkdir=$?; chmod 700 /tmp; echo chmod=$?; sc-probe '$NR_GETPPID'
			grep Seccomp: /proc/self/status; echo hi'
	srun
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"mkdir: can't create directory '/tmp/d': Read-only file system"* ]]
	[[ "$output" == *"chmod: /tmp: Operation not permitted"* ]]
	[[ "$output" == *mkdir=1* && "$output" == *chmod=1* ]]
	echo "$output" | grep -qx ok
	echo "$output" | grep -Eq '^Seccomp:[[:space:]]+2$'
	echo "$output" | grep -qx hi
}

@test "seccomp: defaultAction SCMP_ACT_ERRNO with defaultErrnoRet; allowed syscalls work" {
	podman_profile
	sbundle '$p | .defaultErrnoRet = 13' sc-probe $NR_ADD_KEY -- $NR_GETPPID
	srun
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'errno=13\nok')" ]
	# Without defaultErrnoRet: EPERM.
	sbundle '$p | del(.defaultErrnoRet)' sc-probe $NR_ADD_KEY
	srun
	[ "$status" -eq 0 ]
	[ "$output" = "errno=1" ]
}

@test "seccomp: KILL, KILL_PROCESS, KILL_THREAD and TRAP end the program with SIGSYS (exit 159)" {
	local a
	for a in SCMP_ACT_KILL SCMP_ACT_KILL_PROCESS SCMP_ACT_KILL_THREAD SCMP_ACT_TRAP; do
		# (not getppid: the shell calls it)
		sbundle '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["sched_get_priority_max"], action: "'$a'"}]}' \
			sh -c "echo before; sc-probe $NR_SCHED_GET_PRIORITY_MAX; echo after=\$?"
		srun
		echo "$a: $status $output"
		[ "$status" -eq 0 ]
		[ "${lines[0]}" = before ]
		echo "$output" | grep -qx "after=159" # the shell saw its child die of SIGSYS
		# The program itself, as the container's init: skiff run exits 128+SIGSYS.
		sbundle '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["getppid"], action: "'$a'"}]}' \
			sc-probe $NR_GETPPID
		srun
		[ "$status" -eq 159 ]
	done
}

@test "seccomp: LOG allows, TRACE without a tracer fails with ENOSYS, ALLOW as the rule of an errno default" {
	sbundle '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [
		{names: ["getppid"], action: "SCMP_ACT_LOG"},
		{names: ["getpgid"], action: "SCMP_ACT_TRACE", errnoRet: 7}]}' \
		sc-probe $NR_GETPPID -- $NR_GETPGID 0
	srun
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'ok\nerrno=38')" ]
}

# argrule OP VALUE VALUETWO: a container whose getpgid fails with errno 99 when arg 0 matches.
argrule() {
	sbundle '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["getpgid"], action: "SCMP_ACT_ERRNO",
		errnoRet: 99, args: [{index: 0, op: "'$1'", value: '$2', valueTwo: '$3'}]}]}' \
		sc-probe $NR_GETPGID $4 -- $NR_GETPGID $5
	srun
	echo "$1 $2 $3 ($4 matches, $5 doesn't): $output"
	[ "$status" -eq 0 ]
	# A pid that doesn't exist: ESRCH (3) when the rule doesn't match.
	[ "$output" = "$(printf 'errno=99\nerrno=3')" ]
	rm -rf "$B"
}

@test "seccomp: args with each of the seven operators match and don't match" {
	argrule SCMP_CMP_EQ 100 0 100 101
	argrule SCMP_CMP_NE 100 0 101 100
	argrule SCMP_CMP_LT 100 0 99 100
	argrule SCMP_CMP_LE 100 0 100 101
	argrule SCMP_CMP_GT 100 0 101 100
	argrule SCMP_CMP_GE 100 0 100 99
	# (arg & value) == valueTwo
	argrule SCMP_CMP_MASKED_EQ 240 80 0x155 0x165
}

@test "seccomp: several args: all must match (different arguments), any (the same argument)" {
	sbundle '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["getpgid"], action: "SCMP_ACT_ERRNO",
		errnoRet: 99, args: [{index: 0, op: "SCMP_CMP_EQ", value: 100}, {index: 1, op: "SCMP_CMP_EQ", value: 5}]},
		{names: ["getppid"], action: "SCMP_ACT_ERRNO", errnoRet: 98,
		args: [{index: 0, op: "SCMP_CMP_LT", value: 10}, {index: 0, op: "SCMP_CMP_GT", value: 20}]}]}' \
		sc-probe $NR_GETPGID 100 5 -- $NR_GETPGID 100 6 -- $NR_GETPGID 101 5 \
		-- $NR_GETPPID 5 -- $NR_GETPPID 15 -- $NR_GETPPID 25
	srun
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'errno=99\nerrno=3\nerrno=3\nerrno=98\nok\nerrno=98')" ]
}

@test "seccomp: unknown syscall names are skipped, with a debug line" {
	sbundle '{defaultAction: "SCMP_ACT_ALLOW", architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
		syscalls: [{names: ["skiff_no_such_syscall", "getppid", "arm_fadvise64_64"],
		action: "SCMP_ACT_ERRNO", errnoRet: 99}]}' sc-probe $NR_GETPPID
	run timeout 20 "$SKIFF" --root "$ROOT" --debug --log "$TEST_TMP/log" run --bundle "$B" c1
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = errno=99 ]
	grep -q 'linux.seccomp.syscalls\[0\].names\[0\]: unknown syscall \\"skiff_no_such_syscall\\", skipped' "$TEST_TMP/log"
}

@test "seccomp: ENOSYS for clone3 and for syscalls newer than the profile when the default is an errno" {
	podman_profile
	# Podman's profile names clone3 (allowed: EINVAL for a zero size) and syscalls up to 448.
	sbundle '$p | .defaultErrnoRet = 1' sc-probe $NR_CLONE3 0 0 -- $NR_SET_MEMPOLICY_HOME_NODE -- $NR_ADD_KEY
	srun
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'errno=22\nerrno=38\nerrno=1')" ]
	# Without clone3 in it: ENOSYS, so that glibc falls back to clone.
	sbundle '$p | .defaultErrnoRet = 1 | .syscalls |= map(.names -= ["clone3"])' \
		sh -c "sc-probe $NR_CLONE3 0 0; sh -c 'echo child'; echo \$(echo subshell)"
	srun
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'errno=38\nchild\nsubshell')" ]
	# Even when the profile names newer syscalls than clone3.
	sbundle '{defaultAction: "SCMP_ACT_ERRNO", syscalls: [{names: ["futex_waitv"], action: "SCMP_ACT_ALLOW"},
		{names: ["execve", "execveat", "fcntl", "read", "write", "sendto", "recvfrom", "exit_group",
		"brk", "arch_prctl", "set_tid_address", "set_robust_list", "rseq", "prlimit64", "mprotect",
		"readlinkat", "readlink", "getrandom", "newfstatat", "fstat", "mmap", "uname", "close",
		"rt_sigprocmask"], action: "SCMP_ACT_ALLOW"}]}' sc-probe $NR_CLONE3 0 0 -- $NR_ADD_KEY
	srun
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'errno=38\nerrno=1')" ]
}

@test "seccomp: skiff exec runs under the container's filter" {
	sbundle '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["getppid"], action: "SCMP_ACT_ERRNO", errnoRet: 99}]}' \
		sleep 1000
	skiff run -d --bundle "$B" c1 </dev/null >/dev/null 2>&1
	run timeout 20 "$SKIFF" --root "$ROOT" exec c1 sh -c "sc-probe $NR_GETPPID; grep Seccomp: /proc/self/status"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = errno=99 ]
	echo "${lines[1]}" | grep -Eq '^Seccomp:[[:space:]]+2$'
}

@test "seccomp: loaded with and without noNewPrivileges (which it doesn't set by itself)" {
	local nnp
	for nnp in true false; do
		sbundle '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["getppid"], action: "SCMP_ACT_ERRNO", errnoRet: 99}]}' \
			sh -c "sc-probe $NR_GETPPID; grep -E '^(NoNewPrivs|Seccomp):' /proc/self/status"
		jq --argjson n $nnp '.process.noNewPrivileges = $n' "$B/config.json" >"$B/c" && mv "$B/c" "$B/config.json"
		srun
		echo "$nnp: $output"
		[ "$status" -eq 0 ]
		[ "${lines[0]}" = errno=99 ]
		echo "$output" | grep -Eq "^NoNewPrivs:[[:space:]]+$([ $nnp = true ] && echo 1 || echo 0)\$"
		echo "$output" | grep -Eq '^Seccomp:[[:space:]]+2$'
		rm -rf "$B"
	done
}

@test "seccomp: without noNewPrivileges, loaded before the privileges go (user 1000, no capabilities)" {
	sbundle '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["getppid"], action: "SCMP_ACT_ERRNO", errnoRet: 99}]}' \
		sh -c "sc-probe $NR_GETPPID; grep -E '^(NoNewPrivs|Seccomp|CapEff):' /proc/self/status; id -u"
	jq '.process.noNewPrivileges = false | .process.user = {uid: 1000, gid: 1000} |
		.process.capabilities = {bounding: [], effective: [], permitted: []}' "$B/config.json" >"$B/c" &&
		mv "$B/c" "$B/config.json"
	srun
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = errno=99 ]
	echo "$output" | grep -Eq '^NoNewPrivs:[[:space:]]+0$'
	echo "$output" | grep -Eq '^Seccomp:[[:space:]]+2$'
	echo "$output" | grep -Eq '^CapEff:[[:space:]]+0+$'
	echo "$output" | grep -qx 1000
}

# runtime-tools' default profile (an allow list from before close_range) without noNewPrivileges:
# skiff's fds are made close-on-exec before the filter is loaded, so a profile needn't allow
# close_range or fcntl, and still none of skiff's fds reaches the program.
@test "seccomp: a profile denying close_range and fcntl, without noNewPrivileges; no fd of skiff's leaks" {
	sbundle '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [
		{names: ["close_range", "fcntl"], action: "SCMP_ACT_ERRNO"}]}' \
		sh -c "ls /proc/self/fd; grep -E '^(NoNewPrivs|Seccomp):' /proc/self/status"
	jq '.process.noNewPrivileges = false' "$B/config.json" >"$B/c" && mv "$B/c" "$B/config.json"
	srun
	echo "$output"
	[ "$status" -eq 0 ]
	# ls sees 0-2 and the fd of the directory it reads; nothing else.
	[ "$(echo "$output" | grep -E '^[0-9]+$' | tr '\n' ' ')" = "0 1 2 3 " ]
	echo "$output" | grep -Eq '^NoNewPrivs:[[:space:]]+0$'
	echo "$output" | grep -Eq '^Seccomp:[[:space:]]+2$'
}

@test "seccomp: podman's profile runs a busybox shell and skiff exec; blocks sethostname and unlisted syscalls" {
	podman_profile
	local script="echo hello | tr a-z A-Z; ls / >/dev/null && echo ls; hostname foo; echo hostname=\$?
		sc-probe $NR_ADD_KEY; grep Seccomp: /proc/self/status; sh -c 'exit 3'; echo sub=\$?"
	local nnp
	for nnp in true false; do
		sbundle '$p' sh -c "$script"
		jq --argjson n $nnp '.process.noNewPrivileges = $n' "$B/config.json" >"$B/c" && mv "$B/c" "$B/config.json"
		srun
		echo "$output"
		[ "$status" -eq 0 ]
		[[ "$output" == *HELLO*ls*"hostname: sethostname: Operation not permitted"*hostname=1* ]]
		echo "$output" | grep -qx 'errno=38' # the profile's defaultErrnoRet (ENOSYS)
		echo "$output" | grep -Eq '^Seccomp:[[:space:]]+2$'
		echo "$output" | grep -qx 'sub=3'
		rm -rf "$B"
	done
	sbundle '$p' sleep 1000
	skiff run -d --bundle "$B" c2 </dev/null >/dev/null 2>&1
	run timeout 20 "$SKIFF" --root "$ROOT" exec c2 sh -c "$script"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *HELLO*ls*hostname=1* ]]
}

@test "seccomp: flags LOG, SPEC_ALLOW and TSYNC are applied" {
	sbundle '{defaultAction: "SCMP_ACT_ALLOW", flags: ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
		"SECCOMP_FILTER_FLAG_TSYNC"], syscalls: [{names: ["getppid"], action: "SCMP_ACT_ERRNO", errnoRet: 99}]}' \
		sc-probe $NR_GETPPID
	srun
	[ "$status" -eq 0 ]
	[ "$output" = errno=99 ]
}

# A seccomp agent on $TEST_TMP/agent.sock answering every notification with errno 77; what it
# received goes to $TEST_TMP/agent/N.json (N-th connection) and the syscall numbers to N.nr.
start_agent() {
	mkdir -p "$TEST_TMP/agent"
	python3 "$BATS_TEST_DIRNAME/seccomp-agent.py" "$TEST_TMP/agent.sock" "$TEST_TMP/agent.ready" \
		"$TEST_TMP/agent" 77 &
	TEST_PIDS="${TEST_PIDS:-} $!"
	wait_for test -e "$TEST_TMP/agent.ready"
}

@test "seccomp: SCMP_ACT_NOTIFY hands the listener and the container process state to the agent" {
	start_agent
	local sc='{defaultAction: "SCMP_ACT_ALLOW", listenerPath: "'"$TEST_TMP"'/agent.sock",
		listenerMetadata: "meta=1", syscalls: [{names: ["getppid"], action: "SCMP_ACT_NOTIFY"}]}'
	sbundle "$sc" sc-probe $NR_GETPPID -- $NR_GETPGID 0 -- $NR_GETPPID
	jq '.annotations = {"a": "b"}' "$B/config.json" >"$B/c" && mv "$B/c" "$B/config.json"
	srun
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'errno=77\nok\nerrno=77')" ]
	[ "$(cat "$TEST_TMP/agent/0.nr")" = "$(printf '%s\n%s' $NR_GETPPID $NR_GETPPID)" ]
	jq . "$TEST_TMP/agent/0.json"
	jq -e --arg b "$B" '.ociVersion == "1.3.0" and .fds == ["seccompFd"] and .metadata == "meta=1" and
		.pid > 1 and .state.pid == .pid and .state.status == "creating" and .state.id == "c'$BATS_TEST_NUMBER'" and
		.state.bundle == $b and .state.annotations == {"a": "b"}' "$TEST_TMP/agent/0.json"
	# skiff exec: a listener of its own, status running, pid the new process.
	sbundle "$sc" sleep 1000
	skiff run -d --bundle "$B" --pid-file "$TEST_TMP/pid" c2 </dev/null >/dev/null 2>&1
	wait_for test -e "$TEST_TMP/agent/1.json"
	run timeout 20 "$SKIFF" --root "$ROOT" exec c2 sc-probe $NR_GETPPID
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = errno=77 ]
	jq -e --argjson p "$(cat "$TEST_TMP/pid")" '.state.status == "running" and .state.pid == $p and
		.pid != $p and .state.id == "c2"' "$TEST_TMP/agent/2.json"
}

@test "seccomp: SCMP_ACT_NOTIFY with SECCOMP_FILTER_FLAG_TSYNC (loaded with TSYNC_ESRCH), from the cache too" {
	start_agent
	sbundle '{defaultAction: "SCMP_ACT_ALLOW", listenerPath: "'"$TEST_TMP"'/agent.sock",
		flags: ["SECCOMP_FILTER_FLAG_TSYNC"], syscalls: [{names: ["getppid"], action: "SCMP_ACT_NOTIFY"}]}' \
		sc-probe $NR_GETPPID
	local i
	for i in 1 2; do
		run timeout 20 "$SKIFF" --root "$ROOT" --debug --log "$TEST_TMP/log" run --bundle "$B" "c$i"
		echo "$output"
		[ "$status" -eq 0 ]
		[ "$output" = errno=77 ]
	done
	grep -qF 'seccomp cache: hit' "$TEST_TMP/log"
}

# bad SECCOMP-JSON EXPECTED: run fails, the message has EXPECTED, nothing is left behind.
bad() {
	sbundle "$1" true
	srun
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"$2"* ]]
	[ -z "$(skiff list -q)" ]
	rm -rf "$B"
}

@test "seccomp: config errors name the path" {
	bad '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["getppid"], action: "SCMP_ACT_ALLOW", errnoRet: 1}]}' \
		'linux.seccomp.syscalls[0].errnoRet: SCMP_ACT_ALLOW takes no errno'
	bad '{defaultAction: "SCMP_ACT_KILL", defaultErrnoRet: 1}' 'linux.seccomp.defaultErrnoRet: SCMP_ACT_KILL takes no errno'
	bad '{defaultAction: "SCMP_ACT_ERRNO", defaultErrnoRet: 5000}' 'linux.seccomp.defaultErrnoRet: 5000 is not an errno'
	bad '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["read"], action: "SCMP_ACT_ERRNO"},
		{names: ["getppid"], action: "SCMP_ACT_ERRNO", args: [{index: 6, value: 1, op: "SCMP_CMP_EQ"}]}]}' \
		'linux.seccomp.syscalls[1].args[0].index: 6 is not a syscall argument'
	bad '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["getppid"], action: "SCMP_ACT_FOO"}]}' \
		'linux.seccomp.syscalls[0].action'
	bad '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["getppid"], action: "SCMP_ACT_ERRNO",
		args: [{index: 0, value: 1, op: "SCMP_CMP_FOO"}]}]}' 'linux.seccomp.syscalls[0].args[0].op'
	bad '{defaultAction: "SCMP_ACT_ALLOW", architectures: ["SCMP_ARCH_FOO"]}' 'linux.seccomp.architectures[0]'
	bad '{defaultAction: "SCMP_ACT_ALLOW", architectures: ["SCMP_ARCH_X86", "SCMP_ARCH_SH"]}' \
		'linux.seccomp.architectures[1]: architecture "SCMP_ARCH_SH" is unknown to libseccomp'
	bad '{defaultAction: "SCMP_ACT_ALLOW", flags: ["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"]}' \
		'linux.seccomp.flags[0]: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV is not supported by this build'
	bad '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["getppid"], action: "SCMP_ACT_NOTIFY"}]}' \
		'linux.seccomp.syscalls[0].action: SCMP_ACT_NOTIFY needs linux.seccomp.listenerPath'
	bad '{defaultAction: "SCMP_ACT_NOTIFY", listenerPath: "/run/agent.sock"}' \
		'linux.seccomp.defaultAction: SCMP_ACT_NOTIFY can'"'"'t be the default'
	bad '{defaultAction: "SCMP_ACT_ALLOW", listenerPath: "'"$TEST_TMP"'/nobody.sock",
		syscalls: [{names: ["getppid"], action: "SCMP_ACT_NOTIFY"}]}' 'linux.seccomp.listenerPath'
	bad '{defaultAction: "SCMP_ACT_ALLOW", listenerMetadata: "x"}' 'linux.seccomp.listenerMetadata: set without listenerPath'
}

@test "features: linux.seccomp lists what this build does" {
	run "$SKIFF" features
	[ "$status" -eq 0 ]
	echo "$output" | jq -e '.linux.seccomp | .enabled == true and
		(.actions | sort) == ["SCMP_ACT_ALLOW","SCMP_ACT_ERRNO","SCMP_ACT_KILL","SCMP_ACT_KILL_PROCESS",
			"SCMP_ACT_KILL_THREAD","SCMP_ACT_LOG","SCMP_ACT_NOTIFY","SCMP_ACT_TRACE","SCMP_ACT_TRAP"] and
		(.operators | length) == 7 and (.archs | index("SCMP_ARCH_X86_64")) != null and
		(.knownFlags | length) == 4 and (.supportedFlags | index("SECCOMP_FILTER_FLAG_LOG")) != null and
		(.supportedFlags | index("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV")) == null'
}

@test "seccomp: the podman fixture is what the installed containers-common profile gives" {
	local f=/usr/share/containers/seccomp.json
	[ -f "$f" ] || skip "$f is missing (package golang-github-containers-common)"
	jq -f "$BATS_TEST_DIRNAME/seccomp-profile.jq" "$f" >"$TEST_TMP/now.json"
	diff <(jq -S . "$FIXTURES/seccomp-podman.json") <(jq -S . "$TEST_TMP/now.json")
}

# What a real profile must let a shell do and what it must block, as sc-probe and busybox
# see it: busybox mount and unshare -m, then raw: unshare(CLONE_NEWNS), mount(NULL, NULL, NULL)
# (EFAULT when seccomp lets it through to the kernel),
# keyctl(KEYCTL_GET_KEYRING_ID, session), clone(CLONE_NEWNS | SIGCHLD).
REAL_SCRIPT="echo hello | tr a-z A-Z; ls / >/dev/null && echo ls; cat /etc/group | grep -c root
	echo; sh -c 'exit 3'; echo sub=\$?
	mount -t tmpfs none /tmp 2>&1; echo mount=\$?; unshare -m true 2>&1; echo unshare=\$?
	sc-probe $NR_UNSHARE 0x20000 -- $NR_MOUNT 0 0 0 -- $NR_KEYCTL 0 0xfffffffffffffffd 0 -- $NR_CLONE 0x20011"

# real_run ID: REAL_SCRIPT in a new container on $B, then in `skiff exec` of a second one; both
# outputs (which must be equal) in $output.
real_run() {
	srun
	echo "run: $output"
	[ "$status" -eq 0 ]
	local first="$output"
	jq '.process.args = ["sleep", "1000"]' "$B/config.json" >"$B/c" && mv "$B/c" "$B/config.json"
	skiff run -d --bundle "$B" "x$1" </dev/null >/dev/null 2>&1
	run timeout 20 "$SKIFF" --root "$ROOT" exec "x$1" sh -c "$REAL_SCRIPT"
	echo "exec: $output"
	[ "$status" -eq 0 ]
	[ "$output" = "$first" ]
}

@test "seccomp: podman's profile: a busybox shell works; mount and unshare fail with EPERM (no CAP_SYS_ADMIN), also under exec" {
	podman_profile
	sbundle '$p' sh -c "$REAL_SCRIPT"
	real_run p
	# Podman's profile allows these and leaves them to the capability checks: EPERM for the
	# namespaces and mount (the raw mount gets as far as reading its NULL arguments); keyctl
	# works.
	[ "$output" = "$(printf 'HELLO\nls\n1\n\nsub=3\n%s\nmount=1\n%s\nunshare=1\nerrno=1\nerrno=14\nok\nerrno=1' \
		'mount: permission denied (are you root?)' \
		'unshare: unshare(0x20000): Operation not permitted')" ]
}

@test "seccomp: the Docker-like profile blocks unshare, mount, keyctl and namespace clones with EPERM even with CAP_SYS_ADMIN, also under exec" {
	local caps='["CAP_SYS_ADMIN", "CAP_KILL", "CAP_AUDIT_WRITE", "CAP_NET_BIND_SERVICE"]'
	docker_profile
	# Without the profile the kernel lets CAP_SYS_ADMIN do all four (a clone child: "ok" twice).
	sbundle 'null' sc-probe $NR_UNSHARE 0x20000 -- $NR_MOUNT 0 0 0 -- $NR_KEYCTL 0 0xfffffffffffffffd 0
	jq --argjson c "$caps" 'del(.linux.seccomp) | .process.capabilities = {bounding: $c, effective: $c, permitted: $c}' \
		"$B/config.json" >"$B/c" && mv "$B/c" "$B/config.json"
	srun
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'ok\nerrno=14\nok')" ]
	sbundle '$p' sh -c "$REAL_SCRIPT"
	jq --argjson c "$caps" '.process.capabilities = {bounding: $c, effective: $c, permitted: $c}' \
		"$B/config.json" >"$B/c" && mv "$B/c" "$B/config.json"
	real_run d
	[ "$output" = "$(printf 'HELLO\nls\n1\n\nsub=3\n%s\nmount=1\n%s\nunshare=1\nerrno=1\nerrno=1\nerrno=1\nerrno=1' \
		'mount: permission denied (are you root?)' \
		'unshare: unshare(0x20000): Operation not permitted')" ]
	# And what it doesn't name: EPERM (Docker's default), clone3 ENOSYS (glibc falls back).
	sbundle '$p' sc-probe $NR_ADD_KEY -- $NR_CLONE3 0 0 -- $NR_PERSONALITY 0xffffffff -- $NR_PERSONALITY 0x0400000
	srun
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'errno=1\nerrno=38\nok\nerrno=1')" ]
}

# The cache of compiled filters, in the test's state root.
CACHE_DIR='.seccomp:cache'

# drun ID: run with --debug into $TEST_TMP/log (warnings and the cache's debug lines).
drun() {
	run timeout 20 "$SKIFF" --root "$ROOT" --debug --log "$TEST_TMP/log" run --bundle "$B" "$1"
	echo "$output"
}
# nlog TEXT: how many log lines have TEXT.
nlog() { grep -cF -- "$1" "$TEST_TMP/log" || true; }

@test "seccomp cache: the first run compiles and stores the program, the next runs and exec take it from the cache" {
	docker_profile
	sbundle '$p' sc-probe $NR_KEYCTL 0 0xfffffffffffffffd 0 -- $NR_GETPPID
	drun c1
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'errno=1\nok')" ]
	[ "$(nlog 'seccomp cache: stored')" -eq 1 ]
	[ "$(nlog 'seccomp cache: hit')" -eq 0 ]
	# <root>/.seccomp:cache is 0700, the entry 0600, named by 16 hex digits.
	[ "$(stat -c %a "$ROOT/$CACHE_DIR")" = 700 ]
	run ls "$ROOT/$CACHE_DIR"
	[ "${#lines[@]}" -eq 1 ]
	[[ "${lines[0]}" =~ ^[0-9a-f]{16}$ ]]
	[ "$(stat -c %a "$ROOT/$CACHE_DIR/${lines[0]}")" = 600 ]
	drun c2
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'errno=1\nok')" ]
	[ "$(nlog 'seccomp cache: hit')" -eq 1 ]
	[ "$(nlog 'seccomp cache: stored')" -eq 1 ]
	# The key is the profile, not the JSON's layout.
	jq -cS . "$B/config.json" >"$B/c" && mv "$B/c" "$B/config.json"
	drun c3
	[ "$output" = "$(printf 'errno=1\nok')" ]
	[ "$(nlog 'seccomp cache: hit')" -eq 2 ]
	# exec too.
	jq '.process.args = ["sleep", "1000"]' "$B/config.json" >"$B/c" && mv "$B/c" "$B/config.json"
	skiff run -d --bundle "$B" c4 </dev/null >/dev/null 2>&1
	run timeout 20 "$SKIFF" --root "$ROOT" --debug --log "$TEST_TMP/log" exec c4 sc-probe $NR_KEYCTL 0 0xfffffffffffffffd 0
	[ "$output" = errno=1 ]
	[ "$(nlog 'seccomp cache: hit')" -eq 3 ] # (c4 itself ran without --log)
	# Another profile: another entry.
	sbundle '$p | .defaultErrnoRet = 13' sc-probe $NR_KEYCTL 0 0xfffffffffffffffd 0
	drun c5
	[ "$output" = errno=13 ]
	[ "$(nlog 'seccomp cache: stored')" -eq 2 ]
	[ "$(ls "$ROOT/$CACHE_DIR" | wc -l)" -eq 2 ]
}

@test "seccomp cache: a corrupted or foreign entry is detected and the profile compiled again" {
	docker_profile
	sbundle '$p' sc-probe $NR_KEYCTL 0 0xfffffffffffffffd 0 -- $NR_GETPPID
	drun c1
	local f
	f="$ROOT/$CACHE_DIR/$(ls "$ROOT/$CACHE_DIR")"
	# One byte of the program changed.
	printf '\xff' | dd of="$f" bs=1 seek=2000 conv=notrunc status=none
	drun c2
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'errno=1\nok')" ]
	[ "$(nlog "is corrupt (bad checksum): removed, the profile is compiled again")" -eq 1 ]
	[ "$(nlog 'seccomp cache: stored')" -eq 2 ]
	drun c3
	[ "$(nlog 'seccomp cache: hit')" -eq 1 ]
	# Cut short.
	truncate -s 100 "$f"
	drun c4
	[ "$output" = "$(printf 'errno=1\nok')" ]
	[ "$(nlog "is corrupt (its size does not match its header)")" -eq 1 ]
	# Not a regular file of ours: a symlink in its place.
	rm "$f"
	ln -s /etc/passwd "$f"
	drun c5
	[ "$output" = "$(printf 'errno=1\nok')" ]
	[ "$(nlog "seccomp cache: cannot open")" -eq 1 ]
	[ -f "$f" ] && [ ! -L "$f" ]
	# A valid entry of another profile under this profile's name (as a hash collision would
	# give): the whole key is compared, the entry is not used.
	local mine other
	sbundle '$p | .defaultErrnoRet = 13' sc-probe $NR_KEYCTL 0 0xfffffffffffffffd 0
	drun c6
	[ "$output" = errno=13 ]
	mine="$(basename "$f")"
	other="$(ls "$ROOT/$CACHE_DIR" | grep -vx "$mine")"
	cp "$f" "$ROOT/$CACHE_DIR/$other"
	drun c7
	[ "$output" = errno=13 ]
	[ "$(nlog 'holds another profile (same hash): compiled')" -eq 1 ]
}

@test "seccomp cache: a cache directory not skiff's alone is refused with a clear message, and the filter still applies" {
	sbundle '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["getppid"], action: "SCMP_ACT_ERRNO", errnoRet: 99}]}' \
		sc-probe $NR_GETPPID
	drun c1
	local d="$ROOT/$CACHE_DIR"
	chmod 0777 "$d"
	drun c2
	[ "$status" -eq 0 ]
	[ "$output" = errno=99 ]
	[ "$(nlog "seccomp cache $d: refused, writable by group or others (mode 0777): not used, the profile is compiled each time; remove it or make it skiff's own with mode 0700")" -eq 1 ]
	[ "$(nlog 'seccomp cache: hit')" -eq 0 ]
	chmod 0770 "$d"
	drun c3
	[ "$(nlog "refused, writable by group or others (mode 0770)")" -eq 1 ]
	chmod 0700 "$d"
	chown 65534 "$d"
	drun c4
	[ "$output" = errno=99 ]
	[ "$(nlog "seccomp cache $d: refused, owned by uid 65534, not by skiff's uid $(id -u)")" -eq 1 ]
	[ "$(nlog 'seccomp cache: hit')" -eq 0 ]
	# A symlink to a directory of ours is not ours either.
	rm -rf "$d"
	mkdir -m 0700 "$TEST_TMP/elsewhere"
	ln -s "$TEST_TMP/elsewhere" "$d"
	drun c5
	[ "$output" = errno=99 ]
	[ "$(nlog "seccomp cache $d: cannot open it")" -eq 1 ]
	[ -z "$(ls "$TEST_TMP/elsewhere")" ]
	# Fixed: used again.
	rm "$d"
	drun c6
	drun c7
	[ "$output" = errno=99 ]
	[ "$(nlog 'seccomp cache: hit')" -eq 1 ]
}

@test "seccomp cache: the same behaviour with and without it (SKIFF_SECCOMP_CACHE=0)" {
	local profile probes='$p'
	probes="sc-probe $NR_GETPPID -- $NR_KEYCTL 0 0xfffffffffffffffd 0 -- $NR_ADD_KEY -- $NR_MOUNT 0 0 0
		-- $NR_UNSHARE 0x20000 -- $NR_SETNS 0 0 -- $NR_CLONE3 0 0 -- $NR_SET_MEMPOLICY_HOME_NODE
		-- $NR_PERSONALITY 0xffffffff -- $NR_PERSONALITY 0x0400000 -- $NR_GETPGID 0"
	for profile in podman docker; do
		"${profile}_profile"
		sbundle '$p' sh -c "$probes; echo; hostname foo; echo hostname=\$?; grep Seccomp: /proc/self/status"
		local out=() i before
		before="$(ls "$ROOT/$CACHE_DIR" 2>/dev/null | wc -l)"
		SKIFF_SECCOMP_CACHE=0 drun "${profile}0" # compiled, not stored
		[ "$status" -eq 0 ]
		out[0]="$output"
		[ "$(ls "$ROOT/$CACHE_DIR" 2>/dev/null | wc -l)" -eq "$before" ]
		drun "${profile}1" # compiled and stored
		out[1]="$output"
		drun "${profile}2" # from the cache
		out[2]="$output"
		for i in 1 2; do
			[ "${out[$i]}" = "${out[0]}" ]
		done
		echo "${out[0]}" | grep -Eq '^Seccomp:[[:space:]]+2$'
	done
	[ "$(nlog 'seccomp cache: stored')" -eq 2 ]
	[ "$(nlog 'seccomp cache: hit')" -eq 2 ]
}

@test "seccomp cache: at most 64 entries, the least recently used go" {
	local i
	for i in $(seq 1 70); do
		sbundle '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["getppid"], action: "SCMP_ACT_ERRNO", errnoRet: '$i'}]}' \
			sc-probe $NR_GETPPID
		drun "c$i"
		[ "$output" = "errno=$i" ]
		# Profile 1 is used again and again: it stays.
		if [ "$i" -gt 1 ]; then
			sbundle '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["getppid"], action: "SCMP_ACT_ERRNO", errnoRet: 1}]}' \
				sc-probe $NR_GETPPID
			drun "r$i"
			[ "$output" = "errno=1" ]
		fi
	done
	[ "$(ls "$ROOT/$CACHE_DIR" | wc -l)" -eq 64 ]
	[ "$(nlog 'seccomp cache: evicted')" -eq 6 ]
	[ "$(nlog 'seccomp cache: hit')" -eq 69 ]
}

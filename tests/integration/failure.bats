#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# A failed create (or run): whatever breaks, in skiff or inside the container's init, skiff
# exits non-zero, names the root cause (config path, what, on what, strerror) in its last line
# on stderr and in the --log file (json and text), and leaves nothing behind: no state dir,
# no mount on the host, no process.

load helpers

# teardown of helpers.bash, run after this file's own cleanup.
eval "helpers_$(declare -f teardown)"
teardown() {
	local m
	for m in ${CLEANUP_MOUNTS:-}; do umount -R -l "$m" 2>/dev/null || true; done
	helpers_teardown
}

# fail_bundle [JQ-FILTER]: $B = a busybox bundle whose program would print "should-not-run",
# with the filter applied to its config; $ID = this test's container id.
fail_bundle() {
	[ "$(id -u)" = 0 ] || skip "needs root"
	BUNDLES=$((${BUNDLES:-0} + 1))
	B="$TEST_TMP/bundle$BUNDLES"
	ID="fail-$BATS_TEST_NUMBER"
	make_bundle "$B" sh -c 'echo should-not-run'
	jq "${1:-.}" "$B/config.json" >"$B/config.json.new"
	mv "$B/config.json.new" "$B/config.json"
}

# re STRING: STRING as an extended regular expression matching only itself.
re() {
	printf '%s' "$1" | sed 's/[][\.*^$+?(){}|]/\\&/g'
}

# leftovers: what a container could leave behind, one comparable text: the entries of the
# state root, the host's mounts at or under the test's temp dir (bundle, rootfs, bind sources),
# the processes of this test (the container init is a clone of skiff, so its command line names
# the test's --root and bundle) and the processes whose working directory is in the temp dir.
leftovers() {
	echo "# state root"
	[ ! -d "$ROOT" ] || find "$ROOT" -mindepth 1 -printf '%P %y\n' | sort
	echo "# mounts"
	awk -v t="$TEST_TMP" 'index($4, t) == 1 || index($5, t) == 1' /proc/self/mountinfo | sort
	echo "# processes"
	local f p a
	for f in /proc/[0-9]*/cmdline; do
		p="${f#/proc/}"
		p="${p%/cmdline}"
		[ "$p" != "$$" ] && [ "$p" != "$BASHPID" ] || continue
		a=()
		mapfile -d '' a 2>/dev/null <"$f" || continue
		[[ "${a[*]}" != *"$TEST_TMP"* ]] || echo "$p ${a[*]}"
	done
	echo "# working directories"
	find /proc -mindepth 2 -maxdepth 2 -name cwd -lname "$TEST_TMP*" 2>/dev/null | sort
}

# skiff_to_file LOG-FORMAT SKIFF-ARGS...: skiff with the log $TEST_TMP/log.FORMAT, stdin from
# /dev/null and stdout to $TEST_TMP/stdout: should a create succeed, its init must not hold
# the pipe `run` reads from, or the test would hang.
skiff_to_file() {
	local fmt="$1"
	shift
	${WRAP+"${WRAP[@]}"} timeout 60 "$SKIFF" --root "$ROOT" --log "$TEST_TMP/log.$fmt" \
		--log-format "$fmt" "$@" </dev/null >"$TEST_TMP/stdout"
}

# check_failure LOG-FORMAT MSG-REGEX SKIFF-ARGS...: `skiff --log L --log-format F SKIFF-ARGS`
# (through the command in the array WRAP, if set) fails, not by a timeout; the last line on
# stderr is exactly "skiff: <message>", the message matching ^MSG-REGEX$; so is the log's only
# error entry; nothing on stdout; the container's program never ran; and leftovers() is what
# it was before.
check_failure() {
	local fmt="$1" want="$2"
	shift 2
	local log="$TEST_TMP/log.$fmt" before after msg line
	rm -f "$log"
	before="$(leftovers)"
	run --separate-stderr skiff_to_file "$fmt" "$@"
	output="$(cat "$TEST_TMP/stdout")"
	after="$(leftovers)"
	echo "--- skiff $* (--log-format $fmt): status $status"
	echo "stdout: $output"
	echo "stderr: $stderr"
	echo "log:" && cat "$log"
	[ "$status" -ne 0 ] && [ "$status" -ne 124 ]
	[ -z "$output" ]
	[[ "$stderr" != *should-not-run* ]]
	[ "${#stderr_lines[@]}" -ge 1 ]
	[[ "${stderr_lines[-1]}" =~ ^skiff:\ $want$ ]]
	if [ "$fmt" = json ]; then
		# only JSON lines (containerd), one error entry (podman reads the file as one object)
		jq -e -s 'all(.[]; type == "object")' "$log" >/dev/null
		[ "$(jq -s '[.[] | select(.level == "error")] | length' "$log")" -eq 1 ]
		msg="$(jq -r 'select(.level == "error") | .msg' "$log")"
	else
		line="$(grep ' level=error msg=' "$log" | tail -1)"
		[[ "$line" =~ ^time=\"[^\"]+\"\ level=error\ msg=\".*\"$ ]]
		msg="${line#* level=error msg=\"}"
		msg="${msg%\"}"
		msg="${msg//\\\"/\"}"
		msg="${msg//\\\\/\\}"
	fi
	echo "log message: $msg"
	[[ "$msg" =~ ^$want$ ]]
	if [ "$before" != "$after" ]; then
		echo "left behind:"
		diff <(echo "$before") <(echo "$after") || true
		return 1
	fi
}

# expect_failure MSG-REGEX SKIFF-ARGS...: check_failure with a JSON log, then a text log.
expect_failure() {
	check_failure json "$@"
	check_failure text "$@"
}

# The leak check sees what a container holds: a created container shows up in every part.
@test "failure: leftovers() sees the state dir and the init of a created container" {
	fail_bundle
	local before
	before="$(leftovers)"
	skiff create --bundle "$B" "$ID" </dev/null >/dev/null 2>&1
	local after
	after="$(leftovers)"
	skiff delete --force "$ID"
	echo "$after"
	[[ "$after" == *"$ID d"* ]]
	[[ "$after" == *"$ID/state.json f"* ]]
	echo "$after" | sed -n '/^# processes/,/^# working/p' | grep -q " create --bundle $B $ID"
	[ "$before" != "$after" ]
	[ "$before" = "$(leftovers)" ]
}

# ---- the bundle and the config, before anything is spawned --------------------------------

@test "failure: config.json is not JSON" {
	fail_bundle
	printf '{"ociVersion": "1.0.2",\n "process": {"args": ["sh"],' >"$B/config.json"
	expect_failure "$(re "$B/config.json"): JSON syntax error at line 2, column 29 \\(2:29\\): parse error: premature EOF" \
		create --bundle "$B" "$ID"
}

@test "failure: config.json with a field of the wrong type" {
	fail_bundle '.process.args = "sh"'
	expect_failure 'process\.args: expected array, got string' create --bundle "$B" "$ID"
}

@test "failure: no config.json in the bundle" {
	fail_bundle
	rm "$B/config.json"
	expect_failure "reading the config: open $(re "$B/config.json"): No such file or directory" \
		create --bundle "$B" "$ID"
}

@test "failure: root.path does not exist" {
	fail_bundle '.root.path = "nowhere"'
	expect_failure "root\\.path: the root filesystem $(re "$B/nowhere") is missing or not a directory: No such file or directory" \
		create --bundle "$B" "$ID"
	expect_failure "root\\.path: the root filesystem $(re "$B/nowhere") is missing or not a directory: No such file or directory" \
		run --bundle "$B" "$ID"
}

@test "failure: an invalid container id" {
	fail_bundle
	expect_failure 'invalid container ID format "a/b": use letters, digits.*' create --bundle "$B" a/b
	expect_failure 'invalid container ID format "\.\.": use letters, digits.*' create --bundle "$B" ..
}

@test "failure: a duplicate id fails and leaves the existing container as it was" {
	fail_bundle
	skiff create --bundle "$B" "$ID" </dev/null >/dev/null 2>&1
	local state pid
	state="$(skiff state "$ID")"
	pid="$(jq .pid <<<"$state")"
	expect_failure "container with given ID already exists: $ID: File exists" create --bundle "$B" "$ID"
	expect_failure "container with given ID already exists: $ID: File exists" run --bundle "$B" "$ID"
	# the first container is untouched: same state, same init, still waiting for start
	[ "$(skiff state "$ID")" = "$state" ]
	[ "$(jq -r .status <<<"$state")" = created ]
	kill -0 "$pid"
	[ -p "$ROOT/$ID/exec.fifo" ]
}

@test "failure: --preserve-fds names an fd that is not open" {
	fail_bundle
	# fd 3 open, fd 4 not, whatever bats and the shell hold
	WRAP=(bash -c 'exec 3</dev/null 4>&- && exec "$@"' _)
	expect_failure 'unable to stat preserved-fd 1 \(of --preserve-fds 2\): Bad file descriptor' \
		create --preserve-fds 2 --bundle "$B" "$ID"
	expect_failure 'unable to stat preserved-fd 1 \(of --preserve-fds 2\): Bad file descriptor' \
		run --preserve-fds 2 --bundle "$B" "$ID"
}

# ---- namespaces: in skiff, in the first stage that joins, while the init waits for its maps ----

@test "failure: a namespace path that does not exist" {
	fail_bundle '.linux.namespaces |= (map(select(.type != "network")) + [{"type": "network", "path": "/nonexistent/netns"}])'
	expect_failure 'linux\.namespaces\[5\]: open namespace path /nonexistent/netns: No such file or directory' \
		create --bundle "$B" "$ID"
}

@test "failure: a namespace path of the wrong type" {
	fail_bundle '.linux.namespaces |= (map(select(.type != "network")) + [{"type": "network", "path": "/proc/self/ns/uts"}])'
	expect_failure 'linux\.namespaces\[5\]: /proc/self/ns/uts is a uts namespace, not a network one: Invalid argument' create --bundle "$B" "$ID"
	expect_failure 'linux\.namespaces\[5\]: /proc/self/ns/uts is a uts namespace, not a network one: Invalid argument' run --bundle "$B" "$ID"
}

@test "failure: uid mappings without a user namespace" {
	fail_bundle '.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
	  | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	expect_failure 'linux\.uidMappings: uid/gid mappings need a new user namespace: add \{"type": "user"\} to linux\.namespaces, or remove the mappings: Invalid argument' \
		create --bundle "$B" "$ID"
}

@test "failure: overlapping uid mappings (uid_map written while the init waits)" {
	fail_bundle '.linux.namespaces += [{"type": "user"}]
	  | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 10}, {"containerID": 5, "hostID": 200000, "size": 10}]
	  | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 10}]'
	expect_failure 'linux\.uidMappings: write /proc/[0-9]+/uid_map \(mappings must not overlap, and the host ids must exist\): Invalid argument' \
		create --bundle "$B" "$ID"
	expect_failure 'linux\.uidMappings: write /proc/[0-9]+/uid_map \(mappings must not overlap, and the host ids must exist\): Invalid argument' \
		run --bundle "$B" "$ID"
}

# ---- inside the init: hostname, mounts, devices, sysctl, cwd, the program ------------------

@test "failure: hostname without a uts namespace" {
	fail_bundle '.hostname = "box" | .linux.namespaces |= map(select(.type != "uts"))'
	expect_failure 'hostname: setting it needs a uts namespace: add \{"type": "uts"\} to linux\.namespaces: Invalid argument' \
		create --bundle "$B" "$ID"
}

@test "failure: a mount of an unknown filesystem type" {
	fail_bundle '.mounts += [{"destination": "/m", "type": "nosuchfs", "source": "x"}]'
	expect_failure 'mounts\[7\]: mount nosuchfs "x" on "/m" \(options ""\): the kernel does not know this filesystem type \(see /proc/filesystems\): No such device' \
		create --bundle "$B" "$ID"
	expect_failure 'mounts\[7\]: mount nosuchfs "x" on "/m" \(options ""\): .*: No such device' \
		run --bundle "$B" "$ID"
}

@test "failure: a bind mount of a missing source" {
	fail_bundle
	jq --arg s "$TEST_TMP/missing" '.mounts += [{"destination": "/m", "type": "bind", "source": $s, "options": ["rbind"]}]' \
		"$B/config.json" >"$B/c" && mv "$B/c" "$B/config.json"
	expect_failure "mounts\\[7\\]\\.source: \"$(re "$TEST_TMP/missing")\": open the bind source \\(create it on the host or fix the path\\): No such file or directory" \
		create --bundle "$B" "$ID"
	[ ! -e "$TEST_TMP/missing" ]
}

@test "failure: a mount destination that cannot be made (under a regular file)" {
	fail_bundle '.mounts += [{"destination": "/etc/passwd/sub", "type": "tmpfs", "source": "tmpfs"}]'
	expect_failure 'mounts\[7\]\.destination: open "/etc/passwd/sub" inside the rootfs: Not a directory' \
		create --bundle "$B" "$ID"
	[ -f "$B/rootfs/etc/passwd" ]
}

@test "failure: a device that cannot be created (read-only /sys)" {
	fail_bundle '.linux.devices = [{"path": "/sys/fuse", "type": "c", "major": 10, "minor": 229}]'
	expect_failure 'linux\.devices\[0\]\.path: mknod "/sys/fuse": Read-only file system' create --bundle "$B" "$ID"
}

@test "failure: a sysctl that is not namespaced" {
	fail_bundle '.linux.sysctl = {"vm.swappiness": "10"}'
	local before
	before="$(cat /proc/sys/vm/swappiness)"
	expect_failure 'linux\.sysctl\.vm\.swappiness: refused: this sysctl is not namespaced: setting it would change the host; set it on the host instead: Operation not permitted' \
		create --bundle "$B" "$ID"
	[ "$(cat /proc/sys/vm/swappiness)" = "$before" ]
}

@test "failure: a net.* sysctl without a network namespace" {
	fail_bundle '.linux.namespaces |= map(select(.type != "network")) | .linux.sysctl = {"net.ipv4.ip_forward": "1"}'
	local before
	before="$(cat /proc/sys/net/ipv4/ip_forward)"
	expect_failure 'linux\.sysctl\.net\.ipv4\.ip_forward: refused: this sysctl belongs to the network namespace, and the container does not have its own: add a "network" namespace to linux\.namespaces: Operation not permitted' \
		create --bundle "$B" "$ID"
	[ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$before" ]
}

@test "failure: a namespaced sysctl that refuses the value" {
	fail_bundle '.linux.sysctl = {"kernel.shmmax": "lots"}'
	expect_failure 'linux\.sysctl\.kernel\.shmmax: write "lots" to /proc/sys/kernel/shmmax \(the kernel refused this value\): Invalid argument' \
		create --bundle "$B" "$ID"
}

@test "failure: a sysctl this kernel does not have" {
	fail_bundle '.linux.sysctl = {"net.ipv4.no_such_knob": "1"}'
	expect_failure 'linux\.sysctl\.net\.ipv4\.no_such_knob: open /proc/sys/net/ipv4/no_such_knob \(no such sysctl in this kernel\): No such file or directory' \
		run --bundle "$B" "$ID"
}

@test "failure: process.cwd that does not exist, or is a file" {
	fail_bundle '.process.cwd = "/no/such/dir"'
	expect_failure 'process\.cwd: chdir to "/no/such/dir" in the container: No such file or directory' \
		create --bundle "$B" "$ID"
	fail_bundle '.process.cwd = "/etc/passwd"'
	expect_failure 'process\.cwd: chdir to "/etc/passwd" in the container: Not a directory' \
		run --bundle "$B" "$ID"
}

@test "failure: exec of a missing binary" {
	fail_bundle '.process.args = ["no-such-program", "arg"]'
	expect_failure 'process\.args: exec: "no-such-program": executable file not found in \$PATH: No such file or directory' \
		create --bundle "$B" "$ID"
	expect_failure 'process\.args: exec: "no-such-program": executable file not found in \$PATH: No such file or directory' \
		run --bundle "$B" "$ID"
	fail_bundle '.process.args = ["/bin/no-such-program"]'
	expect_failure 'process\.args: exec: "/bin/no-such-program": stat /bin/no-such-program: No such file or directory' \
		create --bundle "$B" "$ID"
}

@test "failure: args[0] is not executable" {
	fail_bundle '.process.args = ["/etc/passwd"]'
	expect_failure 'process\.args: exec: "/etc/passwd": not an executable file: Permission denied' \
		create --bundle "$B" "$ID"
	fail_bundle '.process.args = ["/etc"]'
	expect_failure 'process\.args: exec: "/etc": not an executable file: Permission denied' \
		run --bundle "$B" "$ID"
}

@test "failure: run of a program the kernel cannot execute (bad format, missing interpreter)" {
	fail_bundle '.process.args = ["/bin/garbage"]'
	printf '\177ELF not really' >"$B/rootfs/bin/garbage"
	chmod 755 "$B/rootfs/bin/garbage"
	expect_failure 'process\.args: exec "/bin/garbage": Exec format error' run --bundle "$B" "$ID"
	fail_bundle '.process.args = ["/bin/script"]'
	printf '#!/no/such/interpreter\necho should-not-run\n' >"$B/rootfs/bin/script"
	chmod 755 "$B/rootfs/bin/script"
	expect_failure 'process\.args: exec "/bin/script": No such file or directory' run --bundle "$B" "$ID"
}

# ---- after the init is set up ----------------------------------------------------------

@test "failure: --pid-file in a directory that does not exist (the init is killed)" {
	fail_bundle
	expect_failure "write the pid file $(re "$TEST_TMP/nodir/pid"): create temporary file $(re "$TEST_TMP/nodir/").pid\\.[A-Za-z0-9]+: No such file or directory" \
		create --pid-file "$TEST_TMP/nodir/pid" --bundle "$B" "$ID"
	expect_failure "write the pid file $(re "$TEST_TMP/nodir/pid"): create temporary file $(re "$TEST_TMP/nodir/").pid\\.[A-Za-z0-9]+: No such file or directory" \
		run --pid-file "$TEST_TMP/nodir/pid" --bundle "$B" "$ID"
	[ ! -e "$TEST_TMP/nodir" ]
}

# The bundle on a shared mount of the host: mounts made by the init before it failed must not
# propagate back, whatever linux.rootfsPropagation says.
@test "failure: late in the init, with the bundle on a shared host mount: no mount comes back" {
	fail_bundle '.mounts += [{"destination": "/data", "type": "tmpfs", "source": "tmpfs"}]
	  | .linux.sysctl = {"kernel.core_pattern": "|/bin/false"}'
	mount --bind "$B" "$B"
	CLEANUP_MOUNTS="$B"
	mount --make-shared "$B"
	local core
	core="$(cat /proc/sys/kernel/core_pattern)"
	expect_failure 'linux\.sysctl\.kernel\.core_pattern: refused: this sysctl is not namespaced: .*: Operation not permitted' \
		create --bundle "$B" "$ID"
	local p
	for p in shared slave private; do
		jq --arg p "$p" '.linux.rootfsPropagation = $p' "$B/config.json" >"$B/c" && mv "$B/c" "$B/config.json"
		expect_failure 'linux\.sysctl\.kernel\.core_pattern: refused: .*: Operation not permitted' run --bundle "$B" "$ID"
	done
	[ "$(cat /proc/sys/kernel/core_pattern)" = "$core" ]
	[ "$(awk -v t="$TEST_TMP" 'index($5, t) == 1' /proc/self/mountinfo | wc -l)" -eq 1 ]
}

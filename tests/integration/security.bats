#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# What a container must not reach: the host's skiff binary (CVE-2019-5736), skiff's file
# descriptors and the host through its working directory (CVE-2024-21626), host paths through
# symlinked mount destinations, the container's state dir and exec.fifo.

load helpers

# sec_bundle NAME CMD...: $B = a busybox bundle running CMD (the default config of `skiff spec`:
# pid, network, ipc, uts, mount and cgroup namespaces, read-only root); $ID its container id.
sec_bundle() {
	[ "$(id -u)" = 0 ] || skip "needs root"
	B="$TEST_TMP/$1"
	ID="sec-$BATS_TEST_NUMBER-$1"
	shift
	make_bundle "$B" "$@"
}

# set_config JQ-FILTER [jq options...]: change $B/config.json.
set_config() {
	local f="$1"
	shift
	jq "$@" "$f" "$B/config.json" >"$B/config.json.new"
	mv "$B/config.json.new" "$B/config.json"
}

# in_container [skiff run options...]: `skiff run` of $B in the foreground (through the command
# in the array WRAP, with the global options in the array GLOBAL, if set), stdin /dev/null,
# stdout and stderr to files, so that nothing left running can hold a pipe of the test; sets
# $status, $output (stdout) and $stderr.
in_container() {
	status=0
	${WRAP+"${WRAP[@]}"} timeout -k 5 60 "$SKIFF" --root "$ROOT" ${GLOBAL+"${GLOBAL[@]}"} \
		run "$@" --bundle "$B" "$ID" \
		</dev/null >"$TEST_TMP/out" 2>"$TEST_TMP/err" || status=$?
	output="$(cat "$TEST_TMP/out")"
	stderr="$(cat "$TEST_TMP/err")"
	printf 'status %s\nstdout:\n%s\nstderr:\n%s\n' "$status" "$output" "$stderr"
}

# wait_exec PID EXE: up to 10 s for the process PID to have exec'd (its exe is not EXE).
wait_exec() {
	local deadline=$((SECONDS + 10))
	while [ "$(readlink "/proc/$1/exe")" = "$2" ]; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.1
	done
}

# readlink as root without any capability: an ordinary process of the same uid, which the
# ptrace access checks of /proc/PID/exe refuse a non-dumpable process or one with more
# capabilities.
readlink_nocaps() {
	setpriv --inh-caps=-all --bounding-set=-all readlink "$@"
}

# ---- CVE-2019-5736: the host's skiff binary ----------------------------------------------

@test "security: the container's /proc/self/exe and /proc/1/exe are its program, never skiff" {
	sec_bundle exe sh -c 'readlink /proc/self/exe; readlink /proc/1/exe
		for f in /proc/self/exe /proc/1/exe; do
			if (echo x >>"$f") 2>/dev/null; then echo "wrote $f"; else echo "refused $f"; fi
		done
		cat /proc/1/maps; true'
	local sum
	sum="$(sha256sum <"$SKIFF")"
	in_container
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | head -2)" = "/bin/busybox
/bin/busybox" ]
	echo "$output" | grep -qx "refused /proc/self/exe"
	echo "$output" | grep -qx "refused /proc/1/exe"
	[ "$(echo "$output" | grep -c "^wrote")" -eq 0 ]
	# nothing of skiff is mapped in the container's init: not the binary, not the trampoline
	echo "$output" | grep -q ' /bin/busybox$'
	[ "$(echo "$output" | grep -cE "skiff|memfd:")" -eq 0 ]
	[ "$(sha256sum <"$SKIFF")" = "$sum" ]
}

@test "security: a program saying #!/proc/self/exe runs the sealed trampoline, which refuses (126)" {
	sec_bundle shebang /evil arg
	printf '#!/proc/self/exe\necho EVIL-RAN\n' >"$B/rootfs/evil"
	chmod 755 "$B/rootfs/evil"
	cp "$B/rootfs/evil" "$B/rootfs/bin/evil"
	local sum
	sum="$(sha256sum <"$SKIFF")"
	in_container
	[ "$status" -eq 126 ]
	[ "$stderr" = "skiff: refusing to run the runtime's exec trampoline as an interpreter" ]
	[[ "$output" != *EVIL-RAN* ]]
	# found through PATH too
	set_config '.process.args = ["evil"]'
	in_container
	[ "$status" -eq 126 ]
	[ "$stderr" = "skiff: refusing to run the runtime's exec trampoline as an interpreter" ]
	[ "$(sha256sum <"$SKIFF")" = "$sum" ]
	# and the container is gone
	[ -z "$(skiff list -q)" ]
}

@test "security: during create the init (skiff's clone) is out of reach and its exe not writable" {
	command -v setpriv >/dev/null || skip "setpriv (util-linux) is not installed"
	sec_bundle blocked sleep 100
	local sum self pid
	sum="$(sha256sum <"$SKIFF")"
	self="$(readlink -f "$SKIFF")"
	skiff create --bundle "$B" "$ID" </dev/null >/dev/null 2>&1
	pid="$(skiff state "$ID" | jq .pid)"
	# the blocked init still is skiff (a clone, never re-executed) ...
	[ "$(readlink "/proc/$pid/exe")" = "$self" ]
	# ... which a process of the same uid without capabilities cannot reach ...
	run readlink_nocaps "/proc/$pid/exe"
	[ "$status" -ne 0 ]
	[ -z "$output" ]
	# ... and nobody, not even root, can open for writing while it runs
	run bash -c "exec 3>>/proc/$pid/exe"
	[ "$status" -ne 0 ]
	[[ "$output" == *"Text file busy"* ]]
	# once started, the init is the container's busybox, not skiff
	skiff start "$ID"
	wait_exec "$pid" "$self"
	[ "$(readlink "/proc/$pid/exe")" = /bin/busybox ]
	[ "$(sha256sum <"$SKIFF")" = "$sum" ]
}

# The user namespace maps its root to the host's (0 -> 0): becoming root there changes no uid,
# so only skiff's own PR_SET_DUMPABLE makes the init non-dumpable (a change of euid, as with
# 0 -> 100000, would make the kernel drop dumpability by itself and hide a missing one).
@test "security: from the container's user namespace the blocked init's exe is out of reach" {
	command -v nsenter >/dev/null || skip "nsenter (util-linux) is not installed"
	sec_bundle userns sleep 100
	set_config '.linux.namespaces += [{"type": "user"}]
	  | .linux.uidMappings = [{"containerID": 0, "hostID": 0, "size": 65536}]
	  | .linux.gidMappings = [{"containerID": 0, "hostID": 0, "size": 65536}]'
	local self pid
	self="$(readlink -f "$SKIFF")"
	skiff create --bundle "$B" "$ID" </dev/null >/dev/null 2>&1
	pid="$(skiff state "$ID" | jq .pid)"
	[ "$(readlink "/proc/$pid/ns/user")" != "$(readlink /proc/self/ns/user)" ]
	# root of the container's user namespace, same uid and capabilities there as the init, is
	# refused: the init is not dumpable
	run nsenter -t "$pid" -U readlink "/proc/$pid/exe"
	[ "$status" -ne 0 ]
	[ -z "$output" ]
	run nsenter -t "$pid" -U sh -c "exec 3>>/proc/$pid/exe"
	[ "$status" -ne 0 ]
	# control: the started program is dumpable, so the same process reaches it
	skiff start "$ID"
	wait_exec "$pid" "$self"
	run nsenter -t "$pid" -U readlink "/proc/$pid/exe"
	[ "$status" -eq 0 ]
	[ "$output" = /bin/busybox ]
}

# ---- CVE-2024-21626: file descriptors and the working directory --------------------------

@test "security: the container gets fds 0, 1, 2 only, whatever skiff's caller holds open" {
	sec_bundle fds sh -c 'ls /proc/1/fd; true'
	echo five >"$TEST_TMP/f5"
	# bats' fd 3, a file at 5 and a host directory at 6
	export F5="$TEST_TMP/f5"
	WRAP=(bash -c 'exec 5<"$F5" 6<"$TEST_TMP" && exec "$@"' _)
	in_container
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | sort -n | tr '\n' ' ')" = "0 1 2 " ]
	# and skiff's own: its --log file, --debug
	GLOBAL=(--log "$TEST_TMP/log" --log-format json --debug)
	in_container
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | sort -n | tr '\n' ' ')" = "0 1 2 " ]
	[ -s "$TEST_TMP/log" ]
}

@test "security: --preserve-fds N passes exactly fds 3..3+N-1, as they are" {
	sec_bundle preserve sh -c 'ls /proc/1/fd; cat <&3; cat <&4; cat <&5 2>/dev/null || echo no-fd-5; true'
	echo three >"$TEST_TMP/f3"
	echo four >"$TEST_TMP/f4"
	echo five >"$TEST_TMP/f5"
	export F3="$TEST_TMP/f3" F4="$TEST_TMP/f4" F5="$TEST_TMP/f5"
	WRAP=(bash -c 'exec 3<"$F3" 4<"$F4" 5<"$F5" 6<"$TEST_TMP" && exec "$@"' _)
	in_container --preserve-fds 2
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep '^[0-9]*$' | sort -n | tr '\n' ' ')" = "0 1 2 3 4 " ]
	echo "$output" | grep -qx three
	echo "$output" | grep -qx four
	echo "$output" | grep -qx no-fd-5
	[[ "$output" != *five* ]]
}

@test "security: process.cwd through a preserved host directory fd is refused" {
	sec_bundle cwdfd sh -c 'pwd; ls; echo should-not-run'
	set_config '.process.cwd = "/proc/self/fd/3"'
	touch "$TEST_TMP/HOST-MARKER"
	WRAP=(bash -c 'exec 3<"$TEST_TMP" && exec "$@"' _)
	in_container --preserve-fds 1
	[ "$status" -eq 1 ]
	[ "$stderr" = 'skiff: process.cwd: "/proc/self/fd/3" is outside the container'"'"'s root filesystem: No such file or directory' ]
	[ -z "$output" ]
	[ -z "$(skiff list -q)" ]
}

@test "security: process.cwd at /proc/self/fd/N of skiff's own fds never lands outside the root" {
	sec_bundle cwdleak sh -c 'pwd; ls -a; ls -a ..'
	touch "$TEST_TMP/HOST-MARKER" "$B/HOST-MARKER"
	local n
	for n in $(seq 3 20); do
		set_config '.process.cwd = $c' --arg c "/proc/self/fd/$n"
		ID="sec-cwdleak-$n"
		GLOBAL=(--log "$TEST_TMP/log")
		in_container >/dev/null
		# either refused with a process.cwd error, or inside the container's root
		if [ "$status" -ne 0 ]; then
			[[ "$stderr" == "skiff: process.cwd: "* ]] || { echo "fd $n: $stderr"; return 1; }
		else
			echo "fd $n ran: $output"
			[[ "$output" != *HOST-MARKER* ]] && [[ "$output" != *config.json* ]] &&
				[[ "$output" != *state.json* ]] && [[ "$output" == /* ]]
		fi
	done
}

@test "security: process.cwd with .. or through a symlink to a host path stays in the root" {
	sec_bundle cwddots sh -c 'pwd; ls -a'
	touch "$TEST_TMP/HOST-MARKER"
	set_config '.process.cwd = "/../../../../.."'
	in_container
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | head -1)" = / ]
	echo "$output" | grep -qx bin
	[[ "$output" != *HOST-MARKER* ]]
	# an absolute symlink to the host's $TEST_TMP: resolved in the container, where it is empty
	ln -s "$TEST_TMP" "$B/rootfs/hostlink"
	mkdir -p "$B/rootfs$TEST_TMP"
	set_config '.process.cwd = "/hostlink"'
	in_container
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | head -1)" = "$TEST_TMP" ]
	[[ "$output" != *HOST-MARKER* ]]
	# the same to a host path that the rootfs does not have: refused, not followed on the host
	ln -s "$TEST_TMP/only-on-host" "$B/rootfs/hostlink2"
	mkdir "$TEST_TMP/only-on-host"
	set_config '.process.cwd = "/hostlink2"'
	in_container
	[ "$status" -eq 1 ]
	[ "$stderr" = 'skiff: process.cwd: chdir to "/hostlink2" in the container: No such file or directory' ]
}

# ---- mount destinations through symlinks -------------------------------------------------

@test "security: a mount destination through ../ chains and absolute symlinks lands in the root" {
	sec_bundle chain sh -c 'cat /proc/self/mountinfo'
	local target="$TEST_TMP/escape-target"
	mkdir -p "$target" "$B/rootfs$target" "$B/rootfs/a/b/c"
	# relative, from a nested dir, climbing far above the rootfs on the host (in the root, /.. is /)
	ln -s "../../../../../../../../../../..$target" "$B/rootfs/a/b/c/up"
	# absolute, to the host's path
	ln -s "$target" "$B/rootfs/a/abs"
	set_config '.mounts += [{"destination": "/a/b/c/up/m", "type": "tmpfs", "source": "tmpfs"},
	  {"destination": "/a/abs/n", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"]}]'
	in_container
	[ "$status" -eq 0 ]
	echo "$output" | awk -v m="$target/m" '$5 == m' | grep -q ' - tmpfs tmpfs '
	echo "$output" | awk -v m="$target/n" '$5 == m' | grep -q ' - tmpfs tmpfs rw,size=1024k'
	# made inside the rootfs, nothing on the host
	[ -d "$B/rootfs$target/m" ] && [ -d "$B/rootfs$target/n" ]
	[ -z "$(ls -A "$target")" ]
	[ "$(grep -c "$target" /proc/self/mountinfo)" -eq 0 ]
}

@test "security: a mount destination through a dangling symlink is refused, nothing is created" {
	sec_bundle dangling true
	local gone="/skiff-dangling-$BATS_TEST_NUMBER-$$"
	mkdir -p "$B/rootfs/a"
	ln -s "$gone/deeper" "$B/rootfs/a/dangle"
	set_config '.mounts += [{"destination": "/a/dangle/sub", "type": "tmpfs", "source": "tmpfs"}]'
	in_container
	[ "$status" -eq 1 ]
	[ "$stderr" = 'skiff: mounts[7].destination: create directory "/a/dangle" inside the rootfs: a dangling symlink is in the way: No such file or directory' ]
	set_config '.mounts[7].destination = "/a/dangle"'
	in_container
	[ "$status" -eq 1 ]
	[ "$stderr" = 'skiff: mounts[7].destination: open "/a/dangle" inside the rootfs: No such file or directory' ]
	[ ! -e "$gone" ] && [ ! -e "$B/rootfs$gone" ]
	[ -z "$(skiff list -q)" ]
}

@test "security: a file bind through a symlink to a host path binds the file inside the root" {
	sec_bundle filebind sh -c 'cat /etc/conf /etc/conf-rel; cat /proc/self/mountinfo'
	echo PAYLOAD >"$TEST_TMP/payload"
	echo HOST-ORIGINAL >"$TEST_TMP/host-conf"
	mkdir -p "$B/rootfs$TEST_TMP"
	echo IN-ROOT >"$B/rootfs$TEST_TMP/host-conf"
	ln -s "$TEST_TMP/host-conf" "$B/rootfs/etc/conf"
	ln -s "../../../../../../../../..$TEST_TMP/host-conf" "$B/rootfs/etc/conf-rel"
	set_config '.mounts += [{"destination": "/etc/conf", "type": "bind", "source": $p, "options": ["bind", "ro"]},
	  {"destination": "/etc/conf-rel", "type": "bind", "source": $p, "options": ["bind"]}]' --arg p "$TEST_TMP/payload"
	in_container
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | head -2 | tr '\n' ' ')" = "PAYLOAD PAYLOAD " ]
	[ "$(echo "$output" | awk -v m="$TEST_TMP/host-conf" '$5 == m' | wc -l)" -eq 2 ]
	echo "$output" | awk -v m="$TEST_TMP/host-conf" '$5 == m { print $6 }' | grep -q '^ro,'
	# the host's file and the rootfs' file are what they were, and not mounts on the host
	[ "$(cat "$TEST_TMP/host-conf")" = HOST-ORIGINAL ]
	[ "$(cat "$B/rootfs$TEST_TMP/host-conf")" = IN-ROOT ]
	[ "$(grep -c "$TEST_TMP/host-conf" /proc/self/mountinfo)" -eq 0 ]
	# to a file the root does not have: refused, and not created on the host either
	ln -s "$TEST_TMP/host-new" "$B/rootfs/etc/conf2"
	set_config '.mounts += [{"destination": "/etc/conf2", "type": "bind", "source": $p, "options": ["bind"]}]' --arg p "$TEST_TMP/payload"
	in_container
	[ "$status" -eq 1 ]
	[ "$stderr" = 'skiff: mounts[9].destination: open "/etc/conf2" inside the rootfs: No such file or directory' ]
	[ ! -e "$TEST_TMP/host-new" ] && [ ! -e "$B/rootfs$TEST_TMP/host-new" ]
}

# ---- the state dir and exec.fifo -----------------------------------------------------------

@test "security: the container cannot reach its state dir, exec.fifo or skiff's sockets" {
	sec_bundle state sh -c 'ls -l /proc/1/fd /proc/self/fd
		find / -xdev \( -name exec.fifo -o -name state.json \) 2>/dev/null
		ls -ld "$STATE_ROOT" "/proc/1/root$STATE_ROOT" 2>&1
		cat /proc/1/mountinfo
		echo "environ: $(tr "\0" " " </proc/1/environ)"
		echo done'
	set_config '.process.env += ["STATE_ROOT=" + $r]' --arg r "$ROOT"
	skiff create --bundle "$B" "$ID" </dev/null >"$TEST_TMP/out" 2>&1
	[ -p "$ROOT/$ID/exec.fifo" ]
	skiff start "$ID"
	timeout 10 sh -c 'until [ "$("$0" --root "$1" state "$2" | jq -r .status)" = stopped ]; do
		sleep 0.1; done' "$SKIFF" "$ROOT" "$ID"
	output="$(cat "$TEST_TMP/out")"
	echo "$output"
	[[ "$output" != *exec.fifo* ]]
	[[ "$output" != *state.json* ]]
	[[ "$output" != *socket:* ]]
	[[ "$output" != *memfd:* ]]
	# the state root shows up only as what ls could not find (and in the environment we gave)
	[ "$(echo "$output" | grep -F "$ROOT" | grep -v '^environ: ' | grep -cv "No such file or directory")" -eq 0 ]
	[ "$(echo "$output" | grep -F "$ROOT" | grep -c "No such file or directory")" -eq 2 ]
	# the init's environment is the config's, nothing of skiff's
	[ "$(echo "$output" | grep '^environ: ')" = "environ: $(jq -r '.process.env | join(" ")' "$B/config.json") " ]
	# start removed the fifo; only the state is left
	[ "$(ls "$ROOT/$ID")" = state.json ]
}

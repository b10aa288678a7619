#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# podman (through conmon) driving skiff, fully offline.
#
#   bash tests/clients/podman.sh            # SKIFF=path/to/skiff (default: build/skiff)
#
# Everything lives in one temp dir (under /var/tmp, or $SKIFF_CLIENT_TMP): podman's config
# (CONTAINERS_CONF), storage config (CONTAINERS_STORAGE_CONF), --root/--runroot, events log,
# the image (a busybox-static rootfs tar, `podman import`ed). The whole run happens in a private mount namespace with fresh
# tmpfs on /run and /tmp, so skiff's default state root (/run/skiff: podman passes no --root),
# conmon's console sockets and every mount podman makes vanish with it, and in a private pid
# namespace, so no process outlives the test. skiff is called through a wrapper that logs each
# argv; the distinct command lines are printed at the end (and copied to $SKIFF_ARGV_OUT when
# set). Needs root, podman and conmon (installed when missing), busybox-static, python3.
# Prints ok / not ok / skip lines, then "N passed, N failed, N skipped".
# shellcheck disable=SC2317 # functions run from traps
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=tests/clients/lib.sh
. "$HERE/lib.sh"

if [ -z "${SKIFF_CLIENT_INNER:-}" ]; then
	SKIFF="$(realpath "${SKIFF:-$HERE/../../build/skiff}")"
	export SKIFF
	if [ "$(id -u)" != 0 ]; then
		echo "skip - podman client tests (need root)"
		echo "0 passed, 0 failed, 1 skipped"
		exit 0
	fi
	[ -x "$SKIFF" ] || { echo "not ok - no skiff binary at $SKIFF"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
	if ! need_pkgs "podman conmon busybox python3" "podman conmon busybox-static python3"; then
		echo "skip - podman client tests (podman/conmon could not be installed)"
		echo "0 passed, 0 failed, 1 skipped"
		exit 0
	fi
	isolate_and_run "${BASH_SOURCE[0]}" podman
	exit $?
fi

# ---- inside the private mount namespace -------------------------------------------------
START=$SECONDS
fresh_run_and_tmp podman || exit
cd "$T" || exit 1 # conmon writes an `oom` file into its working directory
# While skiff makes no cgroups, its containers stay in the caller's cgroups (here the
# machine's own memory cgroup), and conmon would register its OOM eventfd on that cgroup:
# hide the host's cgroup file systems in this mount namespace until skiff manages cgroups.
if ! cgroups_supported; then
	mount -t tmpfs -o mode=0755 skiff-no-cgroups /sys/fs/cgroup &&
		echo "# skiff makes no cgroups yet: /sys/fs/cgroup hidden (empty tmpfs) in this mount namespace"
fi
ARGV="$T/argv.log"
: >"$ARGV"
make_wrapper "$T/bin" "$SKIFF" "$ARGV"
mkdir -p "$T/hooks" "$T/net" "$T/tmp"

echo "# $(podman --version), $(conmon --version | head -1), skiff $SKIFF_ORIG"
echo "# host cgroups $(host_cgroup_mode); temp dir $T"

cat >"$T/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=$(ulimit -Hn):$(ulimit -Hn)", "nproc=$(ulimit -Hu):$(ulimit -Hu)"]
netns = "none"
cgroups = "no-conmon"
log_driver = "k8s-file"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$T/events.log"
tmp_dir = "$T/tmp"
hooks_dir = ["$T/hooks"]
volume_path = "$T/volumes"
runtime = "skiff"
runtime_supports_json = ["skiff"]
[engine.runtimes]
skiff = ["$T/bin/skiff"]
[network]
network_config_dir = "$T/net"
EOF
cat >"$T/storage.conf" <<EOF
[storage]
driver = "vfs"
graphroot = "$T/storage"
runroot = "$T/runroot"
EOF
export CONTAINERS_CONF="$T/containers.conf" CONTAINERS_STORAGE_CONF="$T/storage.conf"
export CONTAINERS_REGISTRIES_CONF="$T/registries.conf"
: >"$T/registries.conf"
unset XDG_RUNTIME_DIR NOTIFY_SOCKET

# Every container's cgroup goes below /$CGP (unique to this run: podman's default parent
# /libpod_parent is shared by every podman of the machine); none may be left at the end.
CGP="$(basename "$T")"
pm() {
	if [ "$1" = run ]; then
		shift
		set -- run --cgroup-parent "/$CGP" "$@"
	fi
	timeout 60 podman --root "$T/storage" --runroot "$T/runroot" --runtime "$T/bin/skiff" "$@"
}
IMG=localhost/skiff-busybox:latest

inner_cleanup() {
	local id
	pm rm -a -f -t 0 >/dev/null 2>&1
	# Whatever skiff still knows of (podman failed half way): kill and delete it.
	for id in $("$SKIFF" list -q 2>/dev/null); do
		"$SKIFF" kill "$id" KILL 2>/dev/null
		"$SKIFF" delete --force "$id" 2>/dev/null
	done
	cgroups_supported && check_cgroups_removed "$CGP"
	show_argv "$ARGV" "$T"
	echo "# podman client tests took $((SECONDS - START)) s"
	umount_under "$T"
}
trap 'inner_cleanup; summary; exit $?' EXIT
trap 'not_ok "interrupted by a signal"; exit 130' INT TERM HUP

# The image: a busybox-static rootfs tar, imported.
make_rootfs "$T/rootfs"
tar -C "$T/rootfs" -cf "$T/rootfs.tar" .
if out="$(pm import --change CMD=/bin/sh "$T/rootfs.tar" "$IMG" 2>&1)"; then
	ok "podman import of a busybox rootfs tar"
else
	not_ok "podman import of a busybox rootfs tar" "$out"
	exit
fi

# cid NAME: the full container id.
cid() { pm inspect --format '{{.Id}}' "$1" 2>/dev/null; }
# argv_has ID STRING: some logged skiff call for container ID contains STRING.
argv_has() { grep -F -- "$1" "$ARGV" | grep -qF -- "$2"; }
# state_of NAME: podman's status and exit code, e.g. "exited 0".
state_of() { pm inspect --format '{{.State.Status}} {{.State.ExitCode}}' "$1" 2>/dev/null; }

# 1. run + output (the create/start through conmon, --log-format json --log).
# shellcheck disable=SC2016 # expanded in the container
out="$(pm run --name run1 "$IMG" sh -c 'echo hello from $(hostname); cat /proc/1/cmdline | tr "\0" " "; echo' 2>"$T/run1.err")"
rc=$?
id="$(cid run1)"
want="hello from ${id:0:12}"
if [ $rc = 0 ] && [ "$(head -1 <<<"$out")" = "$want" ] && grep -q '^sh -c' <<<"$(tail -1 <<<"$out")" &&
	[ "$(state_of run1)" = "exited 0" ] && argv_has "$id" "--log-format=json --log "; then
	ok "run: output, hostname = short id, the command is pid 1, exited 0, json log passed"
else
	not_ok "run: output, hostname = short id, the command is pid 1, exited 0, json log passed" \
		"rc=$rc out=$out state=$(state_of run1) stderr: $(cat "$T/run1.err")"
fi

# 2. restart of a stopped container: start -a runs it again (a new create on the same id).
out="$(pm start -a run1 2>&1)"
rc=$?
n=$(grep -cF -- "create --bundle" <(grep -F "$id" "$ARGV"))
if [ $rc = 0 ] && [ "$(head -1 <<<"$out")" = "$want" ] && [ "$n" = 2 ] && [ "$(state_of run1)" = "exited 0" ]; then
	ok "start -a of a stopped container runs it again"
else
	not_ok "start -a of a stopped container runs it again" "rc=$rc creates=$n out=$out"
fi
# runs_logged N: the logs hold N runs' first lines (for wait_until: evaluated each time).
runs_logged() { [ "$(pm logs run1 2>/dev/null | grep -c "^$want")" = "$1" ]; }
out="$(pm restart run1 2>&1)" && wait_until 10 runs_logged 3
rc=$?
if [ $rc = 0 ]; then ok "restart of a stopped container (third run logged)"; else not_ok "restart of a stopped container" "$out; logs: $(pm logs run1 2>&1)"; fi
pm rm -f run1 >/dev/null 2>&1

# 3. --rm: output, then the container is gone from podman and from skiff.
out="$(pm run --rm --name rm1 "$IMG" echo removed-after 2>&1)"
rc=$?
if [ $rc = 0 ] && [ "$out" = "removed-after" ] && ! pm container exists rm1 && [ -z "$("$SKIFF" list -q)" ]; then
	ok "run --rm: output, container gone from podman and skiff"
else
	not_ok "run --rm: output, container gone from podman and skiff" "rc=$rc out=$out skiff list: $("$SKIFF" list -q)"
fi

# 4. exit code 7.
pm run --rm "$IMG" sh -c 'exit 7' >/dev/null 2>&1
rc=$?
check "run: exit code 7 reaches podman" test "$rc" = 7

# 5. SIGKILL from outside -> 137.
pm run -d --name k1 "$IMG" sleep 1000 >/dev/null 2>&1
pid="$(pm inspect --format '{{.State.Pid}}' k1 2>/dev/null)"
pm kill -s KILL k1 >/dev/null 2>&1
code="$(pm wait k1 2>&1)"
if [ "$code" = 137 ] && [ -n "$pid" ] && [ "$pid" != 0 ] && ! kill -0 "$pid" 2>/dev/null; then
	ok "kill -s KILL: exit code 137, process gone"
else
	not_ok "kill -s KILL: exit code 137, process gone" "wait=$code pid=$pid"
fi
pm rm -f k1 >/dev/null 2>&1

# logs_have NAME STRING: the container's output (conmon's log) has a line STRING.
logs_have() { pm logs "$1" 2>/dev/null | tr -d '\r' | grep -qx -- "$2"; }

# A long-running container that reports signals: USR1 is logged, TERM ends it with 0. It
# says "ready" once its traps are set.
pm run -d --name d1 "$IMG" sh -c '
	trap "echo got-usr1 >>/tmp/signals; echo got-usr1" USR1
	trap "echo got-term; exit 0" TERM
	hostname >/tmp/marker
	echo ready
	while :; do sleep 0.1; done' >/dev/null 2>&1
d1="$(cid d1)"
d1pid="$(pm inspect --format '{{.State.Pid}}' d1 2>/dev/null)"
wait_until 20 logs_have d1 ready || echo "# d1 did not say ready: $(pm logs d1 2>&1 | tail -3)"

# 6. -d then exec: the exec'd process sees the init's files and pid namespace.
out="$(pm exec d1 sh -c 'cat /tmp/marker; cat /proc/1/cmdline | tr "\0" " "' 2>&1)"
rc=$?
if [ $rc = 0 ] && [ "$(head -1 <<<"$out")" = "${d1:0:12}" ] && grep -q 'trap' <<<"$out" &&
	argv_has "$d1" " exec --pid-file " && [ "$(state_of d1)" = "running 0" ]; then
	ok "run -d, then exec: same filesystem and pid namespace as the init"
else
	not_ok "run -d, then exec: same filesystem and pid namespace as the init" "rc=$rc out=$out"
fi

# 7. exec exit code.
pm exec d1 sh -c 'exit 3' >/dev/null 2>&1
rc=$?
check "exec: exit code 3 reaches podman" test "$rc" = 3

# 8. exec -t: a terminal through conmon's console socket.
out="$(pm exec -t d1 sh -c 'tty; test -t 0 && echo stdin-is-tty' 2>&1 | tr -d '\r')"
rc=$?
if [ $rc = 0 ] && grep -q '^/dev/pts/[0-9]' <<<"$out" && grep -q stdin-is-tty <<<"$out" &&
	argv_has "$d1" "--tty --console-socket"; then
	ok "exec -t: the process has a pty (console socket)"
else
	not_ok "exec -t: the process has a pty (console socket)" "rc=$rc out=$out"
fi

# 9. kill -s USR1: delivered to the container's init (its trap, set before it said "ready",
# writes a file and a line of output; the trap runs once the current sleep ends).
out="$(pm kill -s USR1 d1 2>&1)"
rc=$?
if [ $rc = 0 ] && wait_until 20 logs_have d1 got-usr1 &&
	[ "$(pm exec d1 cat /tmp/signals 2>&1)" = got-usr1 ] && argv_has "$d1" "kill $d1 10"; then
	ok "kill -s USR1: the init's trap ran"
else
	not_ok "kill -s USR1: the init's trap ran" "kill rc=$rc $out; /tmp/signals: $(pm exec d1 cat /tmp/signals 2>&1); logs: $(pm logs d1 2>&1 | tail -3)"
fi

# 10. stop: SIGTERM, the trap exits 0 (no SIGKILL needed).
pm stop -t 20 d1 >/dev/null 2>&1
rc=$?
if [ $rc = 0 ] && [ "$(state_of d1)" = "exited 0" ] && pm logs d1 2>&1 | grep -q got-term &&
	! argv_has "$d1" "kill $d1 9"; then
	ok "stop: SIGTERM reached the init, exit 0"
else
	not_ok "stop: SIGTERM reached the init, exit 0" "rc=$rc state=$(state_of d1) logs=$(pm logs d1 2>&1 | tail -3)"
fi

# 11. rm: gone from podman and skiff; its processes are gone.
pm rm d1 >/dev/null 2>&1
rc=$?
if [ $rc = 0 ] && ! pm container exists d1 && ! "$SKIFF" state "$d1" >/dev/null 2>&1 &&
	! kill -0 "${d1pid:-0}" 2>/dev/null; then
	ok "rm: container gone from podman and skiff"
else
	not_ok "rm: container gone from podman and skiff" "rc=$rc skiff state: $("$SKIFF" state "$d1" 2>&1)"
fi

# 12. run -t: the init gets a pty through conmon's console socket.
out="$(pm run --rm -t --name t1 "$IMG" sh -c 'tty; test -t 1 && echo stdout-is-tty' 2>&1 | tr -d '\r')"
rc=$?
if [ $rc = 0 ] && grep -q '^/dev/pts/0$' <<<"$out" && grep -q stdout-is-tty <<<"$out" &&
	grep -F " create " "$ARGV" | grep -qF -- "--console-socket"; then
	ok "run -t: the init has a pty (console socket)"
else
	not_ok "run -t: the init has a pty (console socket)" "rc=$rc out=$out"
fi

# 13. pause/unpause, freezer state read on the host.
pm run -d --name p1 "$IMG" sh -c 'while :; do date +%s%N >/tmp/tick; sleep 0.05; done' >/dev/null 2>&1
p1pid="$(pm inspect --format '{{.State.Pid}}' p1 2>/dev/null)"
out="$(pm pause p1 2>&1)"
rc=$?
if [ $rc != 0 ] && grep -q "not implemented" <<<"$out"; then
	skip "pause/unpause" "skiff pause: not implemented yet; the freezer check on the host runs once it is"
else
	if [ "$(host_cgroup_mode)" = v1 ]; then
		fz="/sys/fs/cgroup/freezer$(sed -n 's/^[0-9]*:freezer://p' "/proc/$p1pid/cgroup" 2>/dev/null)/freezer.state"
		frozen=FROZEN thawed=THAWED
	else
		fz="/sys/fs/cgroup$(sed -n 's/^0:://p' "/proc/$p1pid/cgroup" 2>/dev/null)/cgroup.freeze"
		frozen=1 thawed=0
	fi
	s1="$(cat "$fz" 2>&1)"
	st1="$(state_of p1)"
	out2="$(pm unpause p1 2>&1)"
	rc2=$?
	s2="$(cat "$fz" 2>&1)"
	if [ $rc = 0 ] && [ $rc2 = 0 ] && [ "$s1" = "$frozen" ] && [ "$s2" = "$thawed" ] &&
		[ "${st1%% *}" = paused ] && [ "$(state_of p1)" = "running 0" ]; then
		ok "pause/unpause: $fz $s1 then $s2"
	else
		not_ok "pause/unpause" "pause rc=$rc $out; unpause rc=$rc2 $out2; $fz: '$s1' then '$s2'; state while paused: $st1"
	fi
fi
pm rm -f -t 0 p1 >/dev/null 2>&1

# 14. --memory 64m read back from the host cgroup (the container's, found through the init's
# /proc/PID/cgroup); 15. OOM kill -> 137.
if ! cgroups_supported; then
	why="skiff features: linux.cgroup.$(host_cgroup_mode) is false (skiff ignores linux.resources)"
	skip "--memory 64m read back from the host cgroup" "$why"
	skip "OOM kill under --memory 16m -> 137" "$why"
else
	pm run -d --name m1 --memory 64m "$IMG" sleep 1000 >/dev/null 2>&1
	mpid="$(pm inspect --format '{{.State.Pid}}' m1 2>/dev/null)"
	if [ "$(host_cgroup_mode)" = v1 ]; then
		mf="/sys/fs/cgroup/memory$(sed -n 's/^[0-9]*:memory://p' "/proc/$mpid/cgroup" 2>/dev/null)/memory.limit_in_bytes"
	else
		mf="/sys/fs/cgroup$(sed -n 's/^0:://p' "/proc/$mpid/cgroup" 2>/dev/null)/memory.max"
	fi
	v="$(cat "$mf" 2>&1)"
	check "--memory 64m: $mf = 67108864" test "$v" = 67108864
	pm rm -f -t 0 m1 >/dev/null 2>&1
	# tail keeps every line of an endless one: its memory grows until the OOM killer ends it.
	# conmon listens on the container's memory cgroup (an eventfd on memory.oom_control, or
	# memory.events) and creates a file `oom` in its working directory (ours) on the event.
	# (podman 4.3 looks for it in the bundle instead, so its OOMKilled stays false here.)
	rm -f "$T/oom"
	pm run --name o1 --memory 16m --memory-swap 16m "$IMG" tail /dev/zero >/dev/null 2>&1
	rc=$?
	oom="$(pm inspect --format '{{.State.ExitCode}} OOMKilled={{.State.OOMKilled}}' o1 2>/dev/null)"
	DETAIL="rc=$rc, podman: $oom, conmon's oom file: $(ls "$T/oom" 2>&1)"
	check "OOM kill under --memory 16m: exit 137, the cgroup's OOM event reached conmon" \
		test "$rc ${oom%% *}" = "137 137" -a -e "$T/oom"
	pm rm -f o1 >/dev/null 2>&1
fi

# 16. podman's default seccomp profile active inside.
out="$(pm run --name s1 "$IMG" sh -c 'grep "^Seccomp:" /proc/self/status' 2>&1)"
s1="$(cid s1)"
sent=no
python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))["linux"].get("seccomp") else 1)' \
	"$T/storage/vfs-containers/$s1/userdata/config.json" 2>/dev/null && sent=yes
pm rm -f s1 >/dev/null 2>&1
if ! grep -q 'Seccomp:' <<<"$out"; then
	not_ok "seccomp: podman's default profile is active inside" "the container did not run: $out"
elif grep -q 'Seccomp:[[:space:]]*2' <<<"$out"; then
	ok "seccomp: podman's default profile is active inside (Seccomp: 2)"
elif ! skiff_feature "f.get('linux',{}).get('seccomp',{}).get('enabled', False)"; then
	skip "seccomp: podman's default profile active inside" \
		"skiff features: linux.seccomp.enabled is false (skiff ignores linux.seccomp; podman sent a profile: $sent; inside: $(tr -s '\t' ' ' <<<"$out"))"
else
	not_ok "seccomp: podman's default profile is active inside" "inside: $out; profile in config.json: $sent"
fi

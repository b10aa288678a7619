# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# Shared by tests/clients/*.sh: results, the argv-logging wrapper, the busybox rootfs,
# cleanup helpers. Sourced, not run.

PASSED=0 FAILED=0 SKIPPED=0

ok() {
	PASSED=$((PASSED + 1))
	echo "ok - $1 [${SECONDS}s]"
}
not_ok() {
	FAILED=$((FAILED + 1))
	echo "not ok - $1"
	shift
	local l
	for l in "$@"; do printf '#   %s\n' "$l"; done
}
skip() {
	SKIPPED=$((SKIPPED + 1))
	echo "skip - $1 (${2:-no reason given})"
}
# check NAME CONDITION-COMMAND... [-- details printed on failure are in $DETAIL]
check() {
	local name="$1"
	shift
	if "$@"; then ok "$name"; else not_ok "$name" "${DETAIL:-}"; fi
	DETAIL=
}
summary() {
	echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
	[ "$FAILED" -eq 0 ]
}

# need CMD...: every command exists, else install the Debian packages given after --.
# need_pkgs "cmd1 cmd2" "pkg1 pkg2"
need_pkgs() {
	local c missing=
	for c in $1; do command -v "$c" >/dev/null 2>&1 || missing=1; done
	[ -z "$missing" ] && return 0
	echo "# installing $2"
	# shellcheck disable=SC2086
	timeout 600 env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $2 \
		>/dev/null 2>&1 ||
		{ timeout 300 apt-get update -qq >/dev/null 2>&1 &&
			timeout 600 env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
				--no-install-recommends $2 >/dev/null 2>&1; }
	for c in $1; do command -v "$c" >/dev/null 2>&1 || return 1; done
}

# make_wrapper DIR SKIFF LOG: DIR/skiff logs its argv (one line, shell-quoted) to LOG and
# execs SKIFF with the arguments unchanged (fds, env and cwd untouched).
make_wrapper() {
	mkdir -p "$1"
	cat >"$1/skiff" <<EOF
#!/bin/bash
{ printf '%q ' "\$@"; echo; } >>'$3'
exec '$2' "\$@"
EOF
	chmod 755 "$1/skiff"
}

# make_rootfs DIR: a busybox-static root filesystem (applets as symlinks, passwd, group).
make_rootfs() {
	local d="$1" a
	mkdir -p "$d"/{bin,etc,proc,sys,dev,tmp,root,run}
	cp /bin/busybox "$d/bin/busybox"
	for a in $(/bin/busybox --list); do
		[ -e "$d/bin/$a" ] || ln -s busybox "$d/bin/$a"
	done
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' \
		>"$d/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$d/etc/group"
	chmod 1777 "$d/tmp"
}

# skiff_feature PYEXPR: true when the expression over `skiff features` (as `f`) holds.
skiff_feature() {
	"$SKIFF" features 2>/dev/null | python3 -c '
import json, sys
f = json.load(sys.stdin)
sys.exit(0 if eval(sys.argv[1]) else 1)' "$1" 2>/dev/null
}

# host_cgroup_mode: v2 (unified) or v1 (legacy/hybrid).
host_cgroup_mode() {
	if [ -f /sys/fs/cgroup/cgroup.controllers ]; then echo v2; else echo v1; fi
}

# cgroups_supported: skiff manages cgroups of the host's kind (asked once, then remembered:
# every check of a run sees the same answer).
cgroups_supported() {
	if [ -z "${CGROUPS_SUPPORTED:-}" ]; then
		CGROUPS_SUPPORTED=no
		skiff_feature "f.get('linux',{}).get('cgroup',{}).get('$(host_cgroup_mode)', False)" &&
			CGROUPS_SUPPORTED=yes
	fi
	[ "$CGROUPS_SUPPORTED" = yes ]
}

# wait_until SECONDS CMD...: poll CMD every 0.1 s.
wait_until() {
	local n=$(($1 * 10))
	shift
	while [ $n -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

# pids_mentioning STRING: pids (not ours) whose command line contains STRING.
pids_mentioning() {
	local p
	for p in /proc/[0-9]*; do
		p=${p#/proc/}
		[ "$p" = $$ ] || [ "$p" = "$BASHPID" ] && continue
		tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline" | grep -qF -- "$1" && echo "$p"
	done
	return 0
}

# umount_under DIR: unmount everything mounted at or below DIR, deepest first.
umount_under() {
	local m
	awk -v d="$1" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo |
		sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
}

# show_argv LOG TMP [IDS-REGEX [EXEC-IDS-REGEX]]: the distinct command lines in LOG, ids
# and temp paths shortened.
show_argv() {
	echo "# command lines sent to skiff (distinct, <ID> = container id, \$T = temp dir):"
	sed -E -e "s#$2#\$T#g" \
		-e "s/\\b(${3:-<none>})\\b/<ID>/g" \
		-e "s/\\b(${4:-<none>})\\b/<EXEC-ID>/g" \
		-e 's/[0-9a-f]{64}/<ID>/g' \
		-e 's/(exec-process-)[0-9]+/\1N/g' \
		-e 's/(runc-process)[0-9]+/\1N/g' \
		-e 's#(conmon-term\.)[A-Za-z0-9]+#\1XXXXXX#g' \
		-e 's#/tmp/conmon-term\.[A-Za-z0-9]+#/tmp/conmon-term.XXXXXX#g' \
		-e 's#(pty)[0-9]+/#\1N/#g' \
		-e 's/ +$//' "$1" | awk '!seen[$0]++ { print "#   " $0 }'
}

# run_isolated SCRIPT NAME: runs SCRIPT again (SKIFF_CLIENT_INNER=1) as pid 1 of a new pid
# namespace in a private mount namespace, and returns its status. When that bash ends, the
# kernel ends every process of the namespace, and its mounts go with the mount namespace.
# INT/TERM/HUP to us are passed to it (its traps clean up and print the summary); after 900 s
# a watchdog does the same, and sends SIGKILL 30 s later.
run_isolated() {
	local upid inner='' n=0 rc wd
	SKIFF_CLIENT_INNER=1 unshare --mount --propagation private --pid --fork --mount-proc -- \
		bash "$1" &
	upid=$!
	while [ -z "$inner" ] && [ $n -lt 100 ] && kill -0 "$upid" 2>/dev/null; do
		inner="$(cat "/proc/$upid/task/$upid/children" 2>/dev/null)"
		inner="${inner%% *}"
		[ -n "$inner" ] || sleep 0.05
		n=$((n + 1))
	done
	INNER_PID="$inner"
	trap '[ -n "$INNER_PID" ] && kill -TERM "$INNER_PID" 2>/dev/null' INT TERM HUP
	(
		trap 'kill "$s" 2>/dev/null; exit 0' TERM
		sleep 900 &
		s=$!
		wait "$s"
		echo "not ok - $2 client tests timed out (900 s)"
		kill -TERM "$inner" 2>/dev/null
		sleep 30 &
		s=$!
		wait "$s"
		kill -KILL "$inner" 2>/dev/null
	) &
	wd=$!
	while :; do
		wait "$upid"
		rc=$?
		kill -0 "$upid" 2>/dev/null || break
	done
	kill -TERM "$wd" 2>/dev/null
	wait "$wd" 2>/dev/null
	trap - INT TERM HUP
	return "$rc"
}

# isolate_and_run SCRIPT NAME: outside: a temp dir $T (not under /tmp: the test gets a
# private /tmp of its own) with a copy of the binary under test (SKIFF may live in /tmp),
# cleaned up on exit with every process that names it; then SCRIPT runs again as pid 1 of
# a private pid and mount namespace, so the kernel ends everything the test started.
isolate_and_run() {
	local script="$1" name="$2"
	T="$(mktemp -d "${SKIFF_CLIENT_TMP:-/var/tmp}/skiff-$name.XXXXXX")"
	export T
	mkdir -p "$T/bin"
	cp "$SKIFF" "$T/bin/skiff.bin"
	SKIFF_ORIG="$SKIFF" SKIFF="$T/bin/skiff.bin"
	export SKIFF SKIFF_ORIG
	# shellcheck disable=SC2317 # called by the EXIT trap
	outer_cleanup() {
		local p
		for p in $(pids_mentioning "$T"); do kill -9 "$p" 2>/dev/null; done
		umount_under "$T"
		[ -z "${SKIFF_ARGV_OUT:-}" ] || cp "$T/argv.log" "$SKIFF_ARGV_OUT"
		rm -rf "$T"
	}
	trap outer_cleanup EXIT
	run_isolated "$script" "$name"
}

# fresh_run_and_tmp NAME: inside, fresh tmpfs on /run and /tmp (a failure is a failed check).
fresh_run_and_tmp() {
	if ! mount -t tmpfs -o mode=0755 "skiff-$1-run" /run ||
		! mount -t tmpfs -o mode=1777 "skiff-$1-tmp" /tmp; then
		not_ok "tmpfs on /run and /tmp in a private mount namespace"
		summary
		return 1
	fi
}

# cgroup_mounts: where the cgroup hierarchies are mounted (v1 controllers, cgroup2).
cgroup_mounts() {
	awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { if ($(i + 1) ~ /^cgroup2?$/) print $5; break } }' \
		/proc/self/mountinfo | sort -u
}

# cgroups_left NAME: every cgroup directory at or below /NAME, in any hierarchy.
cgroups_left() {
	local m
	for m in $(cgroup_mounts); do
		[ -d "$m/$1" ] && find "$m/$1" -type d
	done
	return 0
}

# check_cgroups_removed NAME: a check that the test left no cgroup at or below /NAME (the
# parent of every container's cgroup, unique to this run); whatever is left is then emptied
# (its processes killed) and removed, deepest first. Only ever touches /NAME.
check_cgroups_removed() {
	local left d p n
	[ -n "$1" ] || return 0
	left="$(cgroups_left "$1")"
	if [ -z "$left" ]; then
		ok "no cgroup left under /$1 (every hierarchy)"
		return 0
	fi
	# shellcheck disable=SC2086 # a line each
	not_ok "no cgroup left under /$1 (every hierarchy)" $left
	# shellcheck disable=SC2013 # cgroup paths made by the test: no blanks
	for d in $(sort -r <<<"$left"); do
		[ -f "$d/freezer.state" ] && echo THAWED >"$d/freezer.state" 2>/dev/null
		[ -f "$d/cgroup.freeze" ] && echo 0 >"$d/cgroup.freeze" 2>/dev/null
		for p in $(cat "$d/cgroup.procs" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
		n=50
		until rmdir "$d" 2>/dev/null || [ $n -le 0 ]; do
			sleep 0.1
			n=$((n - 1))
		done
	done
}

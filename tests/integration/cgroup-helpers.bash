# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the cgroup tests (cgroup.bats, cgroup-memory.bats, cgroup-update.bats); load with
# `load cgroup-helpers`. Every test works below its own /$CG in each hierarchy and removes it in
# teardown, also on failure. Cgroups that existed before are never written to.
load helpers

eval "$(declare -f teardown | sed '1s/teardown/helpers_teardown/')"

# v1 (legacy or hybrid: a tmpfs of v1 hierarchies) or v2 (cgroup2 at /sys/fs/cgroup).
layout() {
	case "$(stat -f -c %T /sys/fs/cgroup)" in
	tmpfs) echo v1 ;;
	cgroup2fs) echo v2 ;;
	*) echo none ;;
	esac
}

# cg_host_ok: whether the host's layout suits the file (any v1, hybrid or v2 layout unless a
# file redefines it after loading this one).
cg_host_ok() { [ "$(layout)" != none ] || skip "/sys/fs/cgroup is neither cgroup v1 nor cgroup v2"; }

setup_file() {
	[ "$(id -u)" = 0 ] || skip "needs root"
	cg_host_ok
}

setup() {
	[ "$(id -u)" = 0 ] || skip "needs root"
	LAYOUT="$(layout)"
	cg_host_ok
	TEST_TMP="$(mktemp -d "${BATS_TMPDIR:-/tmp}/skiff-test.XXXXXX")"
	ROOT="$TEST_TMP/root"
	CG="skiff-test-$$-$RANDOM"
	export TEST_TMP ROOT CG LAYOUT
}

v1() { [ "$LAYOUT" = v1 ]; }
v2() { [ "$LAYOUT" = v2 ]; }

# The hierarchies skiff uses: v1 controller mounts, and cgroup2 at unified (hybrid); v2: one.
hierarchies() {
	awk '$9 == "cgroup" && $5 ~ "^/sys/fs/cgroup/" && $NF !~ /name=/ { print $5 }
	     $9 == "cgroup2" && ($5 == "/sys/fs/cgroup/unified" || $5 == "/sys/fs/cgroup") { print $5 }' \
		/proc/self/mountinfo
}

# Kill what is left below /$CG and remove it, deepest first: only directories of this test.
cg_cleanup() {
	local h d
	[ -n "${CG:-}" ] || return 0
	for h in $(hierarchies); do
		[ -d "$h/$CG" ] || continue
		for d in $(find "$h/$CG" -depth -type d); do
			[ -f "$d/freezer.state" ] && echo THAWED >"$d/freezer.state" 2>/dev/null
			[ -f "$d/cgroup.freeze" ] && echo 0 >"$d/cgroup.freeze" 2>/dev/null
			xargs -r kill -9 <"$d/cgroup.procs" 2>/dev/null || true
		done
	done
	for h in $(hierarchies); do
		[ -d "$h/$CG" ] || continue
		for d in $(find "$h/$CG" -depth -type d); do
			for i in $(seq 50); do rmdir "$d" 2>/dev/null && break; sleep 0.1; done
		done
	done
}

teardown() {
	helpers_teardown
	cg_cleanup
}

quiet() { "$@" </dev/null >"$TEST_TMP/stdout" 2>"$TEST_TMP/stderr"; }

# fails CMD...: the command fails (stdio in files: a container that wrongly came up must not
# hold a pipe of the test); its stderr in $output.
fails() {
	if "$@" </dev/null >"$TEST_TMP/stdout" 2>"$TEST_TMP/stderr"; then
		echo "succeeded: $*"
		return 1
	fi
	output="$(cat "$TEST_TMP/stderr")"
}
status_of() { skiff state "$1" | jq -r .status; }
# status_is ID STATUS (for wait_for: evaluated on each try)
status_is() { [ "$(status_of "$1")" = "$2" ]; }

# bundle [cmd args...]: a busybox bundle in $B with $B/out bound at /out, cgroupsPath /$CG/c.
bundle() {
	B="$TEST_TMP/bundle"
	make_bundle "$B" "$@"
	mkdir -p "$B/out" "$B/rootfs/out"
	set_config --arg d "$B/out" --arg cg "/$CG/c" \
		'.mounts += [{"destination":"/out","type":"bind","source":$d,"options":["rbind"]}] |
		 .linux.cgroupsPath = $cg'
}

# set_config [jq options] FILTER: edit $B/config.json.
set_config() {
	jq "$@" "$B/config.json" >"$B/c" && mv "$B/c" "$B/config.json"
}

# cgdir CONTROLLER [PATH]: the container's directory (default $CG/c) in the hierarchy of
# CONTROLLER (v1), or in the one tree (v2).
cgdir() {
	if v1; then echo "/sys/fs/cgroup/$1/${2:-$CG/c}"; else echo "/sys/fs/cgroup/${2:-$CG/c}"; fi
}
# cgfile CONTROLLER FILE [PATH]: a file of the container's cgroup.
cgfile() { cat "$(cgdir "$1" "${3:-}")/$2"; }

# in_cg FILE PATH: the /proc/PID/cgroup copy in FILE puts the process in PATH (v1: the memory
# hierarchy's line; v2: the one line).
in_cg() {
	if v1; then grep -q ":memory:$2\$" "$1"; else grep -qx "0::$2" "$1"; fi
}

# none_left: no directory of this test in any hierarchy.
none_left() {
	local h
	for h in $(hierarchies); do
		[ ! -e "$h/$CG" ] || { echo "left: $h/$CG"; return 1; }
	done
}

# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the cgroup tests (cgroup.bats, cgroup-memory.bats); load with `load cgroup-helpers`.
# Every test works below its own /$CG in each hierarchy and removes it in teardown, also on
# failure. Cgroups that existed before are never written to.
#
# cg_host_ok says whether the host's layout suits the file (v1 or hybrid unless a file
# redefines it after loading this one).
load helpers

eval "$(declare -f teardown | sed '1s/teardown/helpers_teardown/')"

cg_host_ok() { [ "$(stat -f -c %T /sys/fs/cgroup)" = tmpfs ] || skip "not a cgroup v1 or hybrid host"; }

setup_file() {
	[ "$(id -u)" = 0 ] || skip "needs root"
	cg_host_ok
}

setup() {
	[ "$(id -u)" = 0 ] || skip "needs root"
	cg_host_ok
	TEST_TMP="$(mktemp -d "${BATS_TMPDIR:-/tmp}/skiff-test.XXXXXX")"
	ROOT="$TEST_TMP/root"
	CG="skiff-test-$$-$RANDOM"
	export TEST_TMP ROOT CG
}

# The hierarchies skiff uses: v1 controller mounts, and cgroup2 at unified (hybrid) or at
# /sys/fs/cgroup (unified).
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

# cgfile CONTROLLER FILE [PATH]: the container's file in that v1 hierarchy.
cgfile() { cat "/sys/fs/cgroup/$1/${3:-$CG/c}/$2"; }

# none_left: no directory of this test in any hierarchy.
none_left() {
	local h
	for h in $(hierarchies); do
		[ ! -e "$h/$CG" ] || { echo "left: $h/$CG"; return 1; }
	done
}

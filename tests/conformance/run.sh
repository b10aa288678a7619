#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# OCI conformance: the opencontainers/runtime-tools validation programs against a runtime.
#
#   bash tests/conformance/run.sh [--ci] [RUNTIME]
#
# RUNTIME: a path or a command name (runc, crun); default: the built skiff (build/skiff).
#
#  1. fetches Debian's source package golang-github-opencontainers-runtime-tools (trixie, then
#     sid) with `apt-get source`, through a private sources list and private apt lists/cache
#     (the host's apt configuration is never changed),
#  2. builds validation/*/*.go and cmd/runtimetest with golang-go in GOPATH mode
#     (GO111MODULE=off, GOPATH = a private tree + /usr/share/gocode), with tests/conformance/tap
#     standing in for github.com/mndrix/tap-go (not packaged in Debian). Installs the
#     golang-*-dev packages it needs when missing. The programs are cached in
#     $SKIFF_CONFORMANCE_CACHE (default /var/cache/skiff-conformance), keyed on the source
#     version and the TAP writer's hash,
#  3. runs every program (SKIFF_CONFORMANCE_TIMEOUT seconds each, default 120) in a private
#     mount namespace (`unshare -m`) where / is made rshared; the runtime is called through a
#     wrapper with a private --root, and whatever a program left behind is deleted,
#  4. prints each program's result and assertion counts, then the totals.
#
# --ci: assertions listed in tests/conformance/known-failures.txt do not count as failures;
# the last line is "N passed, N failed, N skipped" (programs; a program whose only failures are
# known ones, KNOWN, counts as skipped) and the exit status is non-zero only for failures not
# in that list (or a program that did not finish).
#
# Environment:
#   SKIFF_CONFORMANCE_CACHE     cache directory (default /var/cache/skiff-conformance)
#   SKIFF_CONFORMANCE_TIMEOUT   seconds per program (default 120)
#   SKIFF_CONFORMANCE_ONLY      space-separated program names to run (default: all)
#   SKIFF_CONFORMANCE_HIDE_UNIFIED  1: unmount /sys/fs/cgroup/unified in the private namespace
#                               (crun 1.8 refuses this hybrid layout); default 1 for crun, else 0
#   SKIFF_CONFORMANCE_VERBOSE   1: print every program's whole TAP output
#   SKIFF_CONFORMANCE_OUT       keep each program's output in this directory
set -uo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
SRCPKG=golang-github-opencontainers-runtime-tools
SUITES="trixie sid"
CACHE="${SKIFF_CONFORMANCE_CACHE:-/var/cache/skiff-conformance}"
TIMEOUT="${SKIFF_CONFORMANCE_TIMEOUT:-120}"
GODEPS="golang-go golang-github-blang-semver-dev golang-github-google-uuid-dev
	golang-github-hashicorp-go-multierror-dev golang-github-mrunalp-fileutils-dev
	golang-github-opencontainers-specs-dev golang-github-opencontainers-selinux-dev
	golang-github-sirupsen-logrus-dev golang-gocapability-dev golang-github-urfave-cli-dev
	golang-github-xeipuuv-gojsonschema-dev golang-golang-x-sys-dev dpkg-dev util-linux"

CI=0
RUNTIME=""
for arg in "$@"; do
	case "$arg" in
	--ci) CI=1 ;;
	-h | --help)
		sed -n '3,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'
		exit 0
		;;
	-*)
		echo "run.sh: unknown option $arg (see --help)" >&2
		exit 2
		;;
	*) RUNTIME="$arg" ;;
	esac
done

die() {
	echo "conformance: $*" >&2
	exit 1
}

[ "$(id -u)" = 0 ] || die "needs root (containers, cgroups, mount namespaces); run it with sudo"

# --- the runtime under test
RUNTIME="${RUNTIME:-$REPO/build/skiff}"
case "$RUNTIME" in
*/*) RUNTIME="$(readlink -f "$RUNTIME")" ;;
*) RUNTIME="$(command -v "$RUNTIME")" || die "runtime '$RUNTIME' not found on PATH" ;;
esac
[ -x "$RUNTIME" ] || die "runtime $RUNTIME is not an executable (build skiff first: meson setup build && ninja -C build)"
RT_NAME="$(basename "$RUNTIME")"
HIDE_UNIFIED="${SKIFF_CONFORMANCE_HIDE_UNIFIED:-}"
if [ -z "$HIDE_UNIFIED" ]; then
	if [ "$RT_NAME" = crun ]; then HIDE_UNIFIED=1; else HIDE_UNIFIED=0; fi
fi

# --- build dependencies (Debian packages), installed only when missing
missing=""
for p in $GODEPS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "conformance: installing$missing"
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing >/dev/null ||
		{ apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing >/dev/null; } ||
		die "could not install$missing"
fi

mkdir -p "$CACHE" || die "cannot create the cache directory $CACHE"
exec 9>"$CACHE/.lock"
flock 9 # one build at a time; runs of several runtimes may share the cache

# --- the source: a private apt configuration under $CACHE/apt
APTDIR="$CACHE/apt"
mkdir -p "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial"
: >"$APTDIR/sources.list"
for s in $SUITES; do
	echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $s main" >>"$APTDIR/sources.list"
done
APT_OPTS=(-o "Dir::Etc::sourcelist=$APTDIR/sources.list" -o "Dir::Etc::sourceparts=$APTDIR/none.d"
	-o "Dir::State::Lists=$APTDIR/lists" -o "Dir::Cache=$APTDIR/cache" -o "Debug::NoLocking=1"
	-o "APT::Sandbox::User=root")

# The newest version of the source package in the private index (refreshed once a day).
source_version() {
	apt-cache "${APT_OPTS[@]}" showsrc "$SRCPKG" 2>/dev/null |
		sed -n 's/^Version: //p' | sort -V | tail -1
}
# (apt dates the index files by the archive's Release, so a stamp of our own says when.)
if [ -z "$(find "$APTDIR/updated" -mtime -1 2>/dev/null)" ]; then
	if timeout 300 apt-get "${APT_OPTS[@]}" update >"$APTDIR/update.log" 2>&1; then
		touch "$APTDIR/updated"
	else
		echo "conformance: apt-get update of the private index failed (see $APTDIR/update.log)" >&2
	fi
fi
VERSION="$(source_version)"
TAPHASH="$(cat "$HERE"/tap/*.go | sha256sum | cut -c1-12)"
if [ -n "$VERSION" ]; then
	KEY="$VERSION-tap$TAPHASH"
else
	# Offline with no index: the newest build made with this TAP writer, if any.
	KEY="$(find "$CACHE" -maxdepth 2 -name .built -path "*-tap$TAPHASH/*" -printf '%h\n' 2>/dev/null |
		xargs -r -n1 basename | sort -V | tail -1)"
	[ -n "$KEY" ] || die "no source version known (private apt index missing, see $APTDIR/update.log) and nothing cached"
	echo "conformance: no index, using the cached build $KEY"
fi
BUILD="$CACHE/$KEY"
BIN="$BUILD/bin"

# fetch_source DIR: the unpacked source tree at DIR/tree.
fetch_source() {
	local dir="$1" tree
	rm -rf "$dir" && mkdir -p "$dir" || return 1
	# apt-get source verifies every file against the signed index and unpacks with dpkg-source.
	(cd "$dir" && timeout 600 apt-get "${APT_OPTS[@]}" source "$SRCPKG=$VERSION") >"$dir/fetch.log" 2>&1
	tree="$(find "$dir" -mindepth 1 -maxdepth 1 -type d -name "${SRCPKG}-*" | head -1)"
	if [ -z "$tree" ]; then
		# Some mirrors lack the .dsc; the tarballs apt fetched (and checked against the
		# index's hashes) are unpacked by hand, and debian/patches applied in order.
		local orig debian
		orig="$(ls "$dir"/"${SRCPKG}"_*.orig.tar.* 2>/dev/null | head -1)"
		debian="$(ls "$dir"/"${SRCPKG}"_*.debian.tar.* 2>/dev/null | head -1)"
		[ -n "$orig" ] && [ -n "$debian" ] || { cat "$dir/fetch.log" >&2; return 1; }
		echo "conformance: the .dsc was not fetched; unpacking $(basename "$orig") by hand" >&2
		mkdir "$dir/tree" && tar -C "$dir/tree" --strip-components=1 -xf "$orig" &&
			tar -C "$dir/tree" -xf "$debian" || return 1
		if [ -f "$dir/tree/debian/patches/series" ]; then
			local p
			while read -r p _; do
				case "$p" in '' | '#'*) continue ;; esac
				patch -s -d "$dir/tree" -p1 <"$dir/tree/debian/patches/$p" || return 1
			done <"$dir/tree/debian/patches/series"
		fi
	else
		mv "$tree" "$dir/tree"
	fi
}

build_programs() {
	local gopath="$BUILD/gopath" rt="$BUILD/gopath/src/github.com/opencontainers/runtime-tools"
	rm -rf "$BUILD" && mkdir -p "$BUILD" || return 1
	echo "conformance: fetching $SRCPKG $VERSION (apt-get source, private sources list)"
	fetch_source "$BUILD/src" || return 1
	mkdir -p "$(dirname "$rt")" "$gopath/src/github.com/mndrix/tap-go" "$BIN" || return 1
	mv "$BUILD/src/tree" "$rt" || return 1
	cp "$HERE"/tap/*.go "$gopath/src/github.com/mndrix/tap-go/" || return 1
	echo "conformance: building the validation programs and runtimetest (go $(go env GOVERSION), GOPATH mode)"
	(
		cd "$rt" || exit 1
		export GO111MODULE=off GOPATH="$gopath:/usr/share/gocode" GOCACHE="$CACHE/gocache" \
			GOFLAGS='' CGO_ENABLED=0
		go build -trimpath -ldflags "-s -w" -tags "netgo osusergo" -o "$BIN/runtimetest" ./cmd/runtimetest || exit 1
		mkdir -p "$BIN/validation" || exit 1
		local d
		for d in validation/*/; do
			d="${d%/}"
			[ "$d" = validation/util ] && continue
			go build -trimpath -ldflags "-s -w" -o "$BIN/validation/${d#validation/}" "./$d" || exit 1
		done
	) || return 1
	cp "$rt/rootfs-$(go env GOARCH).tar.gz" "$BIN/" || return 1
	# Only the programs are kept; older builds go.
	rm -rf "$BUILD/gopath" "$BUILD/src"
	find "$CACHE" -mindepth 1 -maxdepth 1 -type d -name '*-tap*' ! -path "$BUILD" -exec rm -rf {} +
	echo "$VERSION" >"$BUILD/.built"
}

if [ ! -f "$BUILD/.built" ]; then
	build_programs || die "building the validation programs failed (files under $BUILD)"
fi
flock -u 9

# --- running
WORK="$(mktemp -d /var/tmp/skiff-conformance.XXXXXX)" || die "mktemp failed"
STATE="$WORK/root"
mkdir -p "$STATE" "$WORK/run" "$WORK/tmp"
# Reachable for containers whose root is another host uid (user namespace tests).
chmod 755 "$WORK" "$WORK/tmp"
cleanup_containers() {
	local id
	for id in $("$RUNTIME" --root "$STATE" list -q 2>/dev/null); do
		timeout 20 "$RUNTIME" --root "$STATE" delete --force "$id" >/dev/null 2>&1
	done
	# cgroups the suite made (runtime-tools' cgroups.AbsCgroupPath and RelCgroupPath), if left
	# behind empty: only these names, deepest first; rmdir never removes a busy cgroup.
	find /sys/fs/cgroup -mindepth 2 -maxdepth 7 -type d \( -name cgrouptest -o -path '*/testdir/cgrouptest/container' \) \
		-printf '%d %p\n' 2>/dev/null | sort -rn | cut -d' ' -f2- | while read -r d; do
		rmdir "$d" 2>/dev/null
		case "$d" in */testdir/cgrouptest*) rmdir "${d%/cgrouptest*}/cgrouptest" "${d%/cgrouptest*}" 2>/dev/null ;; esac
	done
}
finish() {
	cleanup_containers
	rm -rf "$WORK"
}
trap finish EXIT
trap 'exit 130' INT TERM

# The runtime with a private state root.
cat >"$WORK/run/runtime" <<EOF
#!/bin/sh
exec "$RUNTIME" --root "$STATE" "\$@"
EOF
chmod 755 "$WORK/run/runtime"
# The programs read runtimetest and the rootfs tarball from their working directory. A copy:
# runtimetest is copied into each bundle with mrunalp/fileutils, which copies a symlink as is.
cp "$BIN/runtimetest" "$WORK/run/runtimetest"
ln -s "$BIN"/rootfs-*.tar.gz "$WORK/run/"

# The private namespace: / rshared (the propagation tests need a shared root), and
# /sys/fs/cgroup/unified hidden when asked.
INNER='set -e
if [ "$HIDE_UNIFIED" = 1 ] && mountpoint -q /sys/fs/cgroup/unified; then umount -l /sys/fs/cgroup/unified; fi
mount --make-rshared /
exec "$@"'

# known-failure patterns for this runtime: "PROGRAM :: ASSERTION (glob) :: reason"
KNOWN=()
if [ "$CI" = 1 ] && [ -f "$HERE/known-failures.txt" ]; then
	while IFS= read -r line; do
		case "$line" in '' | '#'*) continue ;; esac
		KNOWN+=("$line")
	done <"$HERE/known-failures.txt"
fi
# is_known PROGRAM DESCRIPTION
is_known() {
	local k prog pat
	for k in "${KNOWN[@]+"${KNOWN[@]}"}"; do
		prog="${k%% :: *}"
		pat="${k#* :: }"
		pat="${pat%% :: *}"
		[ "$prog" = "$1" ] || continue
		# shellcheck disable=SC2053 # the pattern is a glob on purpose
		[[ "$2" == $pat ]] && return 0
	done
	return 1
}

PROGRAMS=()
if [ -n "${SKIFF_CONFORMANCE_ONLY:-}" ]; then
	for p in $SKIFF_CONFORMANCE_ONLY; do
		[ -x "$BIN/validation/$p" ] || die "no validation program '$p' (see $BIN/validation)"
		PROGRAMS+=("$p")
	done
else
	for p in "$BIN"/validation/*; do PROGRAMS+=("$(basename "$p")"); done
fi

echo "conformance: $SRCPKG $VERSION, ${#PROGRAMS[@]} programs, runtime $RUNTIME ($("$RUNTIME" --version 2>/dev/null | head -1))"
[ "$HIDE_UNIFIED" = 1 ] && echo "conformance: /sys/fs/cgroup/unified hidden in the private namespace"
[ -n "${SKIFF_CONFORMANCE_OUT:-}" ] && mkdir -p "$SKIFF_CONFORMANCE_OUT"

A_PASS=0 A_FAIL=0 A_SKIP=0 A_KNOWN=0
P_PASS=0 P_FAIL=0 P_SKIP=0
UNEXPECTED=()
START=$SECONDS
for prog in "${PROGRAMS[@]}"; do
	t0=$SECONDS
	out="$(cd "$WORK/run" && TMPDIR="$WORK/tmp" RUNTIME="$WORK/run/runtime" HIDE_UNIFIED="$HIDE_UNIFIED" \
		timeout -k 10 "$TIMEOUT" unshare -m --propagation private sh -c "$INNER" sh \
		"$BIN/validation/$prog" 2>&1)"
	rc=$?
	[ -n "${SKIFF_CONFORMANCE_OUT:-}" ] && printf '%s\n' "$out" >"$SKIFF_CONFORMANCE_OUT/$prog.tap"
	cleanup_containers
	rm -rf "${WORK:?}/tmp/"* 2>/dev/null

	pass=0 fail=0 skip=0 known=0 failed_lines=()
	while IFS= read -r line; do
		case "$line" in
		# TODO: "not expected to work yet" in TAP; counted with the skips.
		"ok "*"# SKIP"* | "ok "*"# skip"* | *"ok "*" # TODO"*) skip=$((skip + 1)) ;;
		"ok "*) pass=$((pass + 1)) ;;
		"not ok "*)
			desc="$(sed -E 's/^not ok [0-9]+ ?-? ?//' <<<"$line")"
			if [ "$CI" = 1 ] && is_known "$prog" "$desc"; then
				known=$((known + 1))
			else
				fail=$((fail + 1))
				failed_lines+=("$desc")
			fi
			;;
		esac
	done <<<"$out"
	A_PASS=$((A_PASS + pass)) A_FAIL=$((A_FAIL + fail + known)) A_SKIP=$((A_SKIP + skip)) A_KNOWN=$((A_KNOWN + known))

	# A program that failed as a whole counts as one failed pseudo-assertion: "(exit N)" when
	# it exits non-zero without a failing assertion (crash, setup error; 124: timed out), and
	# "(error) FIRST LINE" when it reports an error in a YAML block and then plans no test at
	# all ("1..0", which TAP would read as "skip everything": the lifecycle/hook programs do so).
	whole=""
	if [ $rc -ne 0 ] && [ $fail -eq 0 ] && [ $known -eq 0 ]; then
		whole="(exit $rc)"
	elif [ $((pass + fail + skip + known)) -eq 0 ] && grep -qx '1\.\.0' <<<"$out"; then
		whole="$(sed -n 's/^    "error": "//p' <<<"$out" | head -1)"
		[ -n "$whole" ] && whole="(error) ${whole%%\\n*}"
		whole="${whole%\",}"
		whole="${whole%\"}"
	fi
	if [ -n "$whole" ]; then
		A_FAIL=$((A_FAIL + 1))
		if [ "$CI" = 1 ] && is_known "$prog" "$whole"; then
			known=$((known + 1)) A_KNOWN=$((A_KNOWN + 1))
		else
			fail=$((fail + 1))
			failed_lines+=("$whole")
		fi
	fi
	# No assertion, no error, exit 0: a pass (the hook programs report only what goes wrong).
	if [ $fail -gt 0 ]; then
		result=FAIL P_FAIL=$((P_FAIL + 1))
	elif [ $known -gt 0 ]; then
		# Only known failures: not a pass, not a CI failure; counted with the skips.
		result=KNOWN P_SKIP=$((P_SKIP + 1))
	elif [ $skip -gt 0 ] && [ $pass -eq 0 ]; then
		result=SKIP P_SKIP=$((P_SKIP + 1))
	else
		result=PASS P_PASS=$((P_PASS + 1))
	fi
	extra=""
	[ $known -gt 0 ] && extra=", $known known"
	printf '%-5s %-36s %4d ok, %3d not ok, %3d skipped%s (%ds)\n' "$result" "$prog" "$pass" "$fail" "$skip" "$extra" $((SECONDS - t0))
	for d in "${failed_lines[@]+"${failed_lines[@]}"}"; do
		printf '       not ok: %s\n' "$d"
		UNEXPECTED+=("$prog :: $d")
	done
	if [ "${SKIFF_CONFORMANCE_VERBOSE:-0}" = 1 ] || { [ $fail -gt 0 ] && [ "$CI" = 1 ]; }; then
		printf '%s\n' "$out" | sed 's/^/       | /'
	fi
done

echo
echo "conformance: $RT_NAME: assertions: $A_PASS passed, $A_FAIL failed ($A_KNOWN known), $A_SKIP skipped; programs: ${#PROGRAMS[@]} in $((SECONDS - START)) s"
if [ "$CI" = 1 ]; then
	if [ ${#UNEXPECTED[@]} -gt 0 ]; then
		echo "conformance: failures not in tests/conformance/known-failures.txt:"
		printf '  %s\n' "${UNEXPECTED[@]}"
	fi
	echo "$P_PASS passed, $P_FAIL failed, $P_SKIP skipped"
	[ "$P_FAIL" -eq 0 ]
else
	echo "programs: $P_PASS passed, $P_FAIL failed, $P_SKIP skipped"
	[ "$A_FAIL" -eq 0 ] && [ "$P_FAIL" -eq 0 ]
fi

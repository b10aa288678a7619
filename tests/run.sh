#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# THE test command of skiff: bash tests/run.sh
#
#  1. installs what is missing (Debian packages; `apt-get update` only when one is missing),
#  2. builds the static binary with -Dwerror_ci=true (build-test/),
#  3. runs the unit tests (meson test; none yet is fine) and every tests/integration/*.bats
#     against it (env SKIFF = the binary); then tests/integration/cgroup*.bats in a QEMU guest
#     with cgroup v2 (tests/vm/run.sh; SKIFF_VM=0 skips it, SKIFF_VM=1: every file there),
#  3b. runs the real callers (tests/clients/podman.sh, containerd.sh) against the static
#     build, counting their ok/not ok/skip lines; SKIFF_CLIENTS=0 skips them,
#  4. rebuilds with clang, ASan + UBSan (dynamic; build-asan/) and runs the unit and the
#     integration tests again. On by default (the suites are quick); SKIFF_SANITIZE=0 skips it.
#  5. runs the libFuzzer targets (tests/fuzz.sh, when present) for SKIFF_FUZZ_SECONDS
#     (default 30; 0 skips); each target run counts as one test.
#
# Counts passes, failures and skips over everything; the LAST line is exactly
# "N passed, N failed, N skipped". Exit status non-zero if anything failed.
set -uo pipefail

cd "$(dirname "$0")/.."
REPO="$PWD"
PASSED=0 FAILED=0 SKIPPED=0

log() { printf '\n=== %s\n' "$*"; }

. contrib/install-deps.sh

install_missing() {
	skiff_install_deps "$SKIFF_BUILD_DEPS bats busybox-static jq clang libclang-rt-14-dev cppcheck clang-tidy tmux" \
		"python3-jsonschema runc util-linux"
}

# build DIR [meson options...]: configure (once) and build. Counts a failed build as a failure.
build() {
	local dir="$1"
	shift
	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" "$@" || { FAILED=$((FAILED + 1)); return 1; }
	fi
	ninja -C "$dir" || { FAILED=$((FAILED + 1)); return 1; }
}

# unit_tests DIR: meson test; count from its summary (no tests is fine).
unit_tests() {
	local dir="$1" out
	out="$(meson test -C "$dir" --print-errorlogs 2>&1)"
	local rc=$?
	echo "$out"
	if grep -q "No tests defined" <<<"$out"; then return 0; fi
	local ok fail skip xfail upass tout
	ok=$(sed -n 's/^Ok: *\([0-9]*\).*/\1/p' <<<"$out" | tail -1)
	xfail=$(sed -n 's/^Expected Fail: *\([0-9]*\).*/\1/p' <<<"$out" | tail -1)
	fail=$(sed -n 's/^Fail: *\([0-9]*\).*/\1/p' <<<"$out" | tail -1)
	upass=$(sed -n 's/^Unexpected Pass: *\([0-9]*\).*/\1/p' <<<"$out" | tail -1)
	tout=$(sed -n 's/^Timeout: *\([0-9]*\).*/\1/p' <<<"$out" | tail -1)
	skip=$(sed -n 's/^Skipped: *\([0-9]*\).*/\1/p' <<<"$out" | tail -1)
	PASSED=$((PASSED + ${ok:-0} + ${xfail:-0}))
	FAILED=$((FAILED + ${fail:-0} + ${upass:-0} + ${tout:-0}))
	SKIPPED=$((SKIPPED + ${skip:-0}))
	if [ $rc -ne 0 ] && [ -z "$ok$fail" ]; then FAILED=$((FAILED + 1)); fi
}

# integration_tests BINARY: every bats file, TAP counted.
integration_tests() {
	local bin="$1" f out rc p n s
	for f in tests/integration/*.bats; do
		echo "--- $f"
		out="$(SKIFF="$bin" bats --tap "$f" 2>&1)"
		rc=$?
		echo "$out"
		p=$(grep -E '^ok ' <<<"$out" | grep -vcE '^ok [0-9]+ .*# skip')
		s=$(grep -cE '^ok [0-9]+ .*# skip' <<<"$out")
		n=$(grep -cE '^not ok ' <<<"$out")
		PASSED=$((PASSED + p))
		SKIPPED=$((SKIPPED + s))
		FAILED=$((FAILED + n))
		# bats failed without a failing test (syntax error, setup_file...): count it.
		if [ $rc -ne 0 ] && [ "$n" -eq 0 ]; then FAILED=$((FAILED + 1)); fi
	done
}

install_missing

log "static build (gcc, -Dwerror_ci=true): build-test/"
if build build-test -Dwerror_ci=true -Dstatic=true; then
	log "unit tests (static build)"
	unit_tests build-test
	log "integration tests (static build)"
	integration_tests "$REPO/build-test/skiff"
fi

# cgroup v2 (this host's cgroups are v1/hybrid): tests/integration/cgroup*.bats again in a QEMU
# guest with cgroup v2 and every controller (tests/vm/, TCG, a few minutes). On by default;
# SKIFF_VM=0 skips it, SKIFF_VM=1 runs every integration file there (about 45 minutes),
# SKIFF_VM_TESTS picks the files. No kernel or qemu to be had (tests/vm/run.sh exit 77): one
# skip with the reason.
if [ "${SKIFF_VM:-}" != 0 ] && [ -x build-test/skiff ]; then
	if [ "${SKIFF_VM:-}" = 1 ]; then
		vm_files="${SKIFF_VM_TESTS:-tests/integration/*.bats}" vm_timeout=3600
	else
		vm_files="${SKIFF_VM_TESTS:-tests/integration/cgroup*.bats}" vm_timeout=900
	fi
	log "integration tests in a cgroup v2 guest (tests/vm/run.sh bats $vm_files)"
	# shellcheck disable=SC2086 # the file list is a glob
	vm_out="$(SKIFF="$REPO/build-test/skiff" SKIFF_VM_TIMEOUT="${SKIFF_VM_TIMEOUT:-$vm_timeout}" \
		bash tests/vm/run.sh bats --tap $vm_files 2>&1)"
	vm_rc=$?
	echo "$vm_out"
	if [ $vm_rc -eq 77 ]; then
		vm_p=0 vm_n=0 vm_s=1
		echo "skip vm (cgroup v2): $(grep '^skiff-vm: ' <<<"$vm_out" | tail -1)"
	else
		vm_p=$(grep -E '^ok ' <<<"$vm_out" | grep -vcE '^ok [0-9]+ .*# skip')
		vm_s=$(grep -cE '^ok [0-9]+ .*# skip' <<<"$vm_out")
		vm_n=$(grep -cE '^not ok ' <<<"$vm_out")
		# the guest failed without a failing test (boot, timeout, bats error): count it
		if [ $vm_rc -ne 0 ] && [ "$vm_n" -eq 0 ]; then vm_n=1; fi
	fi
	PASSED=$((PASSED + vm_p)) FAILED=$((FAILED + vm_n)) SKIPPED=$((SKIPPED + vm_s))
	echo "vm (cgroup v2): $vm_p passed, $vm_n failed, $vm_s skipped"
elif [ "${SKIFF_VM:-}" = 0 ]; then
	log "cgroup v2 guest skipped (SKIFF_VM=0)"
fi

# Real callers: podman and containerd drive the static build (tests/clients/, about 10 s each);
# their "ok - ", "not ok - " and "skip - " lines count. SKIFF_CLIENTS=0 skips them.
if [ "${SKIFF_CLIENTS:-1}" != 0 ] && [ -x build-test/skiff ]; then
	for client in podman containerd; do
		log "client tests: tests/clients/$client.sh (static build)"
		cl_out="$(SKIFF="$REPO/build-test/skiff" timeout -k 30 1200 bash "tests/clients/$client.sh" 2>&1)"
		cl_rc=$?
		echo "$cl_out"
		cl_n=$(grep -c '^not ok - ' <<<"$cl_out")
		PASSED=$((PASSED + $(grep -c '^ok - ' <<<"$cl_out")))
		SKIPPED=$((SKIPPED + $(grep -c '^skip - ' <<<"$cl_out")))
		FAILED=$((FAILED + cl_n))
		# The script failed without a failing check (crashed, timed out): count it.
		if [ $cl_rc -ne 0 ] && [ "$cl_n" -eq 0 ]; then FAILED=$((FAILED + 1)); fi
	done
fi

# lint NAME COMMAND...: one test; skipped (with the reason) when the tool is missing.
lint() {
	local name="$1"
	shift
	if ! command -v "$name" >/dev/null; then
		echo "skip $name: $name is not installed"
		SKIPPED=$((SKIPPED + 1))
		return
	fi
	local out
	if out="$("$@" 2>&1)"; then
		echo "ok $name"
		PASSED=$((PASSED + 1))
	else
		echo "not ok $name"
		echo "$out" | tail -40
		FAILED=$((FAILED + 1))
	fi
}

if [ "${SKIFF_LINT:-1}" != 0 ] && [ -f build-test/compile_commands.json ]; then
	log "static analysis: cppcheck, clang-tidy (.clang-tidy)"
	lint cppcheck cppcheck --quiet --enable=warning,portability,performance --inline-suppr \
		--error-exitcode=1 -I include -I src/linux --std=c11 --suppress=missingIncludeSystem src
	# run-clang-tidy exits 0 on warnings: fail on any diagnostic it prints.
	tidy() { ! run-clang-tidy -p build-test -quiet 'src/.*\.c$' 2>/dev/null | grep -E '(warning|error):'; }
	lint clang-tidy tidy
fi

if [ "${SKIFF_SANITIZE:-1}" != 0 ]; then
	log "ASan + UBSan build (clang, dynamic): build-asan/"
	if CC=clang build build-asan -Dwerror_ci=true -Dstatic=false -Db_sanitize=address,undefined \
		-Db_lundef=false -Dbuildtype=debug -Dc_args=-fno-sanitize-recover=all; then
		export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:exitcode=99"
		export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=98"
		log "unit tests (sanitizers)"
		unit_tests build-asan
		log "integration tests (sanitizers)"
		integration_tests "$REPO/build-asan/skiff"
	fi
else
	log "sanitizer build skipped (SKIFF_SANITIZE=0)"
fi

# OCI conformance (tests/conformance/run.sh --ci): runtime-tools' validation programs against the
# static build; failures listed in tests/conformance/known-failures.txt don't count. Counted per
# program from its last line. SKIFF_CONFORMANCE=0 skips it.
if [ "${SKIFF_CONFORMANCE:-1}" != 0 ] && [ -x build-test/skiff ]; then
	log "OCI conformance: runtime-tools validation (tests/conformance/run.sh --ci)"
	conf_out="$(bash tests/conformance/run.sh --ci "$REPO/build-test/skiff" 2>&1)"
	conf_rc=$?
	echo "$conf_out"
	conf_last="$(tail -1 <<<"$conf_out")"
	if [[ "$conf_last" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed,\ ([0-9]+)\ skipped$ ]]; then
		PASSED=$((PASSED + BASH_REMATCH[1]))
		FAILED=$((FAILED + BASH_REMATCH[2]))
		SKIPPED=$((SKIPPED + BASH_REMATCH[3]))
		if [ $conf_rc -ne 0 ] && [ "${BASH_REMATCH[2]}" -eq 0 ]; then FAILED=$((FAILED + 1)); fi
	else
		FAILED=$((FAILED + 1))
	fi
fi

if [ -f tests/fuzz.sh ] && [ "${SKIFF_FUZZ_SECONDS:-30}" != 0 ]; then
	log "fuzzing (tests/fuzz.sh, ${SKIFF_FUZZ_SECONDS:-30}s)"
	if bash tests/fuzz.sh "${SKIFF_FUZZ_SECONDS:-30}" >build-fuzz.log 2>&1; then
		PASSED=$((PASSED + 1))
		tail -3 build-fuzz.log
	else
		FAILED=$((FAILED + 1))
		tail -40 build-fuzz.log
	fi
fi

echo
echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
[ "$FAILED" -eq 0 ]

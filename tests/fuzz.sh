#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs the libFuzzer targets of tests/fuzz/: bash tests/fuzz.sh [SECONDS]
#
#  - builds build-fuzz/ (clang, -Dfuzz=true, ASan + UBSan; configured once);
#  - runs each target (tests/fuzz/fuzz_*.c) for SECONDS (default $SKIFF_FUZZ_SECONDS, else 30;
#    0 skips) on its working corpus tests/fuzz/corpus-run/TARGET/ (kept between runs, not in
#    git), seeded from tests/fuzz/seeds/, tests/unit/fixtures/ and, when present, the
#    runtime-spec's schema test documents; a dictionary of the config's keys and values is
#    made from src/oci/schema.c;
#  - prints one line per target: "TARGET: ok, N runs in S s, corpus C inputs" or
#    "TARGET: FAILED (...)" followed by the report; a crashing input is kept in
#    build-fuzz/findings/.
# Exit status 0 if every target ran clean; 1 on a crash, leak, sanitizer report, timeout or a
# failed build. tests/run.sh runs it when SKIFF_FUZZ_SECONDS is not 0 and counts it as one test.
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1
secs="${1:-${SKIFF_FUZZ_SECONDS:-30}}"
build="build-fuzz"

if ! [[ "$secs" =~ ^[0-9]+$ ]]; then
	echo "usage: bash tests/fuzz.sh [SECONDS]" >&2
	exit 2
fi
if [ "$secs" -eq 0 ]; then
	echo "fuzz: skipped (0 seconds)"
	exit 0
fi
if ! command -v clang >/dev/null; then
	echo "fuzz: FAILED: clang not found (Debian: clang libclang-rt-14-dev)"
	exit 1
fi

if [ ! -f "$build/build.ninja" ]; then
	CC=clang meson setup "$build" -Dfuzz=true -Dstatic=false -Dwerror_ci=true \
		-Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debugoptimized \
		-Dc_args=-fno-sanitize-recover=all || {
		echo "fuzz: FAILED: meson setup $build"
		exit 1
	}
fi
targets=()
for src in tests/fuzz/fuzz_*.c; do
	targets+=("$(basename "$src" .c)")
done
ninja -C "$build" "${targets[@]/#/tests/fuzz/}" || {
	echo "fuzz: FAILED: build"
	exit 1
}

# Dictionary: the JSON keys and enumerated values of the model, and JSON's own tokens.
dict="$build/config.dict"
{
	grep -o '"[A-Za-z0-9_]*"' src/oci/schema.c | sort -u | sed 's/"\(.*\)"/"\\"\1\\""/'
	printf '%s\n' '"{"' '"}"' '"["' '"]"' '":"' '","' '"null"' '"true"' '"false"' '"-1"' \
		'"18446744073709551616"' '"9223372036854775808"' '"\\u0000"' '"1.3.0"'
} >"$dict"

seeds=(tests/fuzz/seeds tests/unit/fixtures)
for d in ../shared/reference /work/shared/reference; do
	if [ -d "$d/oci-runtime-spec/schema/test/config" ]; then
		seeds+=("$d/oci-runtime-spec/schema/test/config/good" "$d/oci-runtime-spec/schema/test/config/bad")
		break
	fi
done

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:allocator_may_return_null=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
mkdir -p "$build/findings"
failed=0
for t in "${targets[@]}"; do
	corpus="tests/fuzz/corpus-run/$t"
	log="$build/$t.log"
	mkdir -p "$corpus"
	"$build/tests/fuzz/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-dict="$dict" -artifact_prefix="$build/findings/$t-" -print_final_stats=1 \
		"$corpus" "${seeds[@]}" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1 runs in \2 s/p' "$log" | tail -1)
	inputs=$(find "$corpus" -type f | wc -l)
	if [ $rc -ne 0 ] || grep -qE "^==[0-9]+==ERROR|^SUMMARY: |runtime error:|^$t: " "$log"; then
		failed=1
		echo "$t: FAILED (exit $rc; log $log; inputs kept in $build/findings/)"
		grep -E -A30 "ERROR|runtime error|^$t: " "$log" | head -60
	else
		echo "$t: ok, ${runs:-? runs}, corpus $inputs inputs"
	fi
done
if [ $failed -eq 0 ]; then
	echo "fuzz: ${#targets[@]} target(s) clean, ${secs} s each"
else
	echo "fuzz: FAILED"
fi
exit $failed

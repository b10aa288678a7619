#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The skiff demo: installs what is missing, builds the static binary, and shows it at work:
# `skiff --version`, `skiff spec` into a busybox bundle, `skiff features`, then a container
# from that bundle: `skiff run`, and create / state / start / list / kill / delete.
set -euo pipefail

cd "$(dirname "$0")/.."
. contrib/install-deps.sh
skiff_install_deps "$SKIFF_BUILD_DEPS busybox-static jq" ""

BUILD="${BUILD:-build}"
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

step "meson setup $BUILD && ninja -C $BUILD"
[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" >/dev/null
ninja -C "$BUILD" >/dev/null
SKIFF="$PWD/$BUILD/skiff"
ls -l "$SKIFF"
file "$SKIFF" 2>/dev/null || true

TMP="$(mktemp -d /tmp/skiff-demo.XXXXXX)"
ROOT="$TMP/root"
trap 'rm -rf "$TMP"' EXIT

step "skiff --version"
"$SKIFF" --version

# A bundle: a busybox rootfs and the default config from `skiff spec`.
BUNDLE="$TMP/bundle"
mkdir -p "$BUNDLE"/rootfs/{bin,proc,dev,sys,tmp,etc,root}
cp /bin/busybox "$BUNDLE/rootfs/bin/busybox"
if [ "$(id -u)" = 0 ]; then
	chroot "$BUNDLE/rootfs" /bin/busybox --install -s /bin
else
	for a in $(/bin/busybox --list); do ln -sf busybox "$BUNDLE/rootfs/bin/$a"; done
fi
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$BUNDLE/rootfs/etc/passwd"
printf 'root:x:0:\n' >"$BUNDLE/rootfs/etc/group"

step "skiff spec --bundle $BUNDLE"
"$SKIFF" spec --bundle "$BUNDLE"
jq -c '{ociVersion, args: .process.args, terminal: .process.terminal,
	namespaces: [.linux.namespaces[].type], mounts: [.mounts[].destination]}' "$BUNDLE/config.json"
jq '.process.terminal = false | .process.args = ["sh", "-c", "echo hello from a skiff container; uname -n"]' \
	"$BUNDLE/config.json" >"$BUNDLE/config.json.new" && mv "$BUNDLE/config.json.new" "$BUNDLE/config.json"

step "skiff features"
"$SKIFF" features | jq -c '{ociVersionMin, ociVersionMax, hooks, namespaces: .linux.namespaces, annotations}'

step "skiff --root $ROOT list"
"$SKIFF" --root "$ROOT" list

# ---- the container itself ---------------------------------------------------------------
step "skiff --root $ROOT run --bundle $BUNDLE demo"
"$SKIFF" --root "$ROOT" run --bundle "$BUNDLE" "demo-$$"

# The lifecycle step by step, as containerd and podman drive it.
jq '.process.args = ["sh", "-c", "trap \"echo got SIGTERM, bye; exit 0\" TERM; while :; do sleep 0.1; done"]' \
	"$BUNDLE/config.json" >"$BUNDLE/config.json.new" && mv "$BUNDLE/config.json.new" "$BUNDLE/config.json"
ID="demo2-$$"
step "skiff create --bundle $BUNDLE --pid-file $TMP/pid $ID"
"$SKIFF" --root "$ROOT" create --bundle "$BUNDLE" --pid-file "$TMP/pid" "$ID" </dev/null >"$TMP/out" 2>&1
echo "init pid $(cat "$TMP/pid")"
step "skiff state $ID"
"$SKIFF" --root "$ROOT" state "$ID" | jq -c '{id, status, pid}'
step "skiff start $ID; skiff list"
"$SKIFF" --root "$ROOT" start "$ID"
"$SKIFF" --root "$ROOT" list
step "skiff kill $ID TERM"
"$SKIFF" --root "$ROOT" kill "$ID" TERM
for _ in $(seq 50); do
	[ "$("$SKIFF" --root "$ROOT" state "$ID" | jq -r .status)" = stopped ] && break
	sleep 0.1
done
cat "$TMP/out"
"$SKIFF" --root "$ROOT" state "$ID" | jq -c '{id, status, pid}'
step "skiff delete $ID"
"$SKIFF" --root "$ROOT" delete "$ID"
"$SKIFF" --root "$ROOT" list

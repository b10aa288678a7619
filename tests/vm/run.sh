#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/vm/run.sh CMD [ARG...]: run CMD in a throwaway QEMU guest (TCG, no KVM) with its own
# Debian kernel and cgroup v2 with every controller, in the current directory, and exit with
# CMD's exit status. The guest's root is the host's root, read-only over 9p, under a tmpfs
# overlay: the host's tools are there, and nothing the guest writes reaches the host.
#
#   bash tests/vm/run.sh cat /sys/fs/cgroup/cgroup.controllers
#   SKIFF=$PWD/build/skiff bash tests/vm/run.sh bats tests/integration/namespaces.bats
#
# Environment: PATH, SKIFF and every SKIFF_* variable (but SKIFF_VM_*) are passed to CMD, and
# so are the variables named in SKIFF_VM_ENV. SKIFF_VM_TIMEOUT (seconds, default 900), SKIFF_VM_MEM
# (default 2G), SKIFF_VM_SMP (default 2), SKIFF_VM_CACHE (the kernel, default
# /var/cache/skiff-vm), SKIFF_VM_QUIET=1 (print CMD's output at the end instead of as it
# comes), SKIFF_VM_KEEP=1 (keep the run folder: console log, initramfs, results).
# Exit status: CMD's; 124 on timeout; 125 when the VM could not run CMD; 77 when there is no
# VM to be had here (qemu or the kernel could not be installed or fetched: a skip, not a failure).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
CACHE="${SKIFF_VM_CACHE:-/var/cache/skiff-vm}"
TIMEOUT="${SKIFF_VM_TIMEOUT:-900}"
# The guest's modules: 9p over virtio for the host's root and the results, overlay for the root.
VM_MODULES="virtio_pci 9pnet_virtio 9p overlay"

say() { echo "skiff-vm: $*" >&2; }
fail() {
	say "$*"
	exit 125
}
# No guest to be had on this machine (no qemu, no kernel package): tests/run.sh counts a skip.
unavailable() {
	say "no cgroup v2 guest: $*"
	exit 77
}

[ $# -gt 0 ] || {
	sed -n '3,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" >&2
	exit 2
}

apt_updated=
apt_install() {
	[ -n "$apt_updated" ] || { apt-get update -qq >&2 && apt_updated=1; }
	say "installing $*"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2 ||
		unavailable "apt-get install $* failed"
}

# What the host needs: qemu, a static busybox (the initramfs), kmod (depmod/modprobe -d).
need_tools() {
	local pkgs=()
	command -v qemu-system-x86_64 >/dev/null || pkgs+=(qemu-system-x86)
	dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'ok installed' ||
		pkgs+=(busybox-static)
	command -v depmod >/dev/null || [ -x /sbin/depmod ] || pkgs+=(kmod)
	[ ${#pkgs[@]} -eq 0 ] || apt_install "${pkgs[@]}"
	export PATH="$PATH:/sbin:/usr/sbin"
}

# Sets KVER and KDIR: a Debian kernel unpacked into the cache (never installed on the host:
# `apt-get download` and `dpkg-deb -x`, then depmod on the unpacked tree).
need_kernel() {
	local d
	for d in "$CACHE"/*/boot/vmlinuz-*; do
		[ -f "$d" ] || continue
		KVER="${d##*/vmlinuz-}"
		KDIR="$CACHE/$KVER"
		[ -f "$KDIR/lib/modules/$KVER/modules.dep" ] && return 0
	done
	local pkg
	pkg="$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}' || true)"
	if [ -z "$pkg" ]; then
		apt-get update -qq >&2 && apt_updated=1
		pkg="$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}' || true)"
	fi
	[ -n "$pkg" ] || unavailable "no linux-image-amd64 in apt's lists"
	KVER="${pkg#linux-image-}"
	KDIR="$CACHE/$KVER"
	say "fetching $pkg into $KDIR (unpacked only, not installed)"
	mkdir -p "$CACHE"
	local tmp
	tmp="$(mktemp -d "$CACHE/.fetch.XXXXXX")"
	(cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "$pkg" >&2) || {
		rm -rf "$tmp"
		unavailable "apt-get download $pkg failed (no network or mirror?)"
	}
	dpkg-deb -x "$tmp"/*.deb "$tmp/root"
	[ -f "$tmp/root/boot/vmlinuz-$KVER" ] || fail "$pkg has no boot/vmlinuz-$KVER"
	depmod -b "$tmp/root" "$KVER"
	rm -rf "$tmp/root/usr/share/doc" "$KDIR"
	mv "$tmp/root" "$KDIR"
	rm -rf "$tmp"
}

# make_initramfs DIR OUT: busybox, init.sh, stage2.sh, /dev/console and the modules in order.
make_initramfs() {
	local dir="$1" out="$2" m line
	mkdir -p "$dir"/{bin,dev,proc,sys,modules}
	cp /bin/busybox "$dir/bin/busybox"
	cp "$HERE/init.sh" "$dir/init"
	cp "$HERE/stage2.sh" "$dir/stage2.sh"
	chmod 755 "$dir/init"
	mknod -m 600 "$dir/dev/console" c 5 1
	: >"$dir/modules/order"
	for m in $VM_MODULES; do
		modprobe -d "$KDIR" -S "$KVER" --show-depends "$m" ||
			fail "module $m not found for $KVER"
	done | awk '$1 == "insmod" && !seen[$2]++ {print $2}' | while read -r line; do
		local name="${line##*/}"
		case "$name" in
		*.ko) cp "$line" "$dir/modules/$name" ;;
		*.ko.xz) name="${name%.xz}" && xz -dc "$line" >"$dir/modules/$name" ;;
		*.ko.zst) name="${name%.zst}" && zstd -qdc "$line" >"$dir/modules/$name" ;;
		*) fail "unknown module format: $line" ;;
		esac
		echo "$name" >>"$dir/modules/order"
	done
	(cd "$dir" && find . | busybox cpio -o -H newc 2>/dev/null) | gzip -1 >"$out"
}

# write_cmd FILE CMD...: a bash script that runs CMD here with the passed environment.
write_cmd() {
	local file="$1" v
	shift
	{
		printf 'cd %q || exit 125\n' "$PWD"
		for v in $(compgen -e); do
			case "$v" in
			SKIFF_VM_*) continue ;;
			SKIFF | SKIFF_* | PATH) ;;
			*) [[ " ${SKIFF_VM_ENV:-} " == *" $v "* ]] || continue ;;
			esac
			printf 'export %s=%q\n' "$v" "${!v}"
		done
		printf 'exec'
		printf ' %q' "$@"
		printf '\n'
	} >"$file"
}

need_tools
need_kernel

RUN="$(mktemp -d "${TMPDIR:-/tmp}/skiff-vm.XXXXXX")"
QEMU_PID=
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	[ -z "$QEMU_PID" ] || kill "$QEMU_PID" 2>/dev/null || true
	if [ "${SKIFF_VM_KEEP:-0}" = 1 ]; then say "kept $RUN"; else rm -rf "$RUN"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir "$RUN/results"
make_initramfs "$RUN/initramfs" "$RUN/initramfs.gz"
write_cmd "$RUN/results/cmd" "$@"
printf 'KVER=%q\nMODULES=%q\nWORKDIR=%q\n' "$KVER" "$KDIR/lib/modules/$KVER" "$PWD" >"$RUN/results/vm.env"
: >"$RUN/results/output"

start=$(date +%s.%N)
timeout -k 10 "$TIMEOUT" qemu-system-x86_64 \
	-accel tcg -cpu max -m "${SKIFF_VM_MEM:-2G}" -smp "${SKIFF_VM_SMP:-2}" \
	-nographic -nodefaults -no-reboot -monitor none -serial "file:$RUN/console.log" \
	-kernel "$KDIR/boot/vmlinuz-$KVER" -initrd "$RUN/initramfs.gz" \
	-append "console=ttyS0 quiet loglevel=4 panic=-1 cgroup_no_v1=all" \
	-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
	-virtfs "local,path=$RUN/results,mount_tag=results,security_model=none" \
	</dev/null >"$RUN/qemu.log" 2>&1 &
QEMU_PID=$!
if [ "${SKIFF_VM_QUIET:-0}" != 1 ]; then
	tail -n +1 -F --pid="$QEMU_PID" "$RUN/results/output" 2>/dev/null &
	TAIL_PID=$!
fi
qrc=0
wait "$QEMU_PID" || qrc=$?
QEMU_PID=
[ -z "${TAIL_PID:-}" ] || wait "$TAIL_PID" || true
[ "${SKIFF_VM_QUIET:-0}" != 1 ] || cat "$RUN/results/output"
total=$(echo "$(date +%s.%N) $start" | awk '{printf "%.1f", $1 - $2}')

if [ -f "$RUN/results/status" ]; then
	rc="$(cat "$RUN/results/status")"
	say "kernel $KVER, guest ready after $(cat "$RUN/results/boot-seconds" 2>/dev/null || echo '?') s, total ${total} s, exit status $rc"
	exit "$rc"
fi
if [ "$qrc" = 124 ]; then
	say "timed out after $TIMEOUT s (SKIFF_VM_TIMEOUT); the guest console's end:"
	tail -n 30 "$RUN/console.log" >&2 || true
	exit 124
fi
say "the guest did not report an exit status (qemu exit $qrc, ${total} s); qemu said:"
tail -n 20 "$RUN/qemu.log" >&2 || true
say "the guest console's end:"
tail -n 30 "$RUN/console.log" >&2 || true
exit 125

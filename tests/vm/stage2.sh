# SPDX-License-Identifier: GPL-2.0-or-later
# Stage 2 of the skiff test VM, pid 1 after switch_root into the overlay (tmpfs over the
# host's read-only root): a real root filesystem, so pivot_root and mounts work for containers.
# Run by busybox sh. Mounts what a system has, cgroup2 with every controller enabled, then
# runs /.skiff-vm/results/cmd with bash, its output into results/output and its exit status
# into results/status, and powers off.
B=/.skiff-vm/busybox
R=/.skiff-vm/results
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=dumb LANG=C.UTF-8

off() {
	$B sync
	echo o >/proc/sysrq-trigger
	$B poweroff -f
}

$B mount -t tmpfs -o mode=755 tmpfs /run
$B mkdir -p /dev/pts /dev/shm /dev/mqueue
$B mount -t devpts -o newinstance,ptmxmode=0666,mode=620,gid=5 devpts /dev/pts
$B mount -t tmpfs -o mode=1777 tmpfs /dev/shm
$B mount -t mqueue mqueue /dev/mqueue 2>/dev/null
[ -e /dev/fd ] || $B ln -s /proc/self/fd /dev/fd
[ -e /dev/stdin ] || $B ln -s /proc/self/fd/0 /dev/stdin
[ -e /dev/stdout ] || $B ln -s /proc/self/fd/1 /dev/stdout
[ -e /dev/stderr ] || $B ln -s /proc/self/fd/2 /dev/stderr

# cgroup v2 alone, every controller the kernel has enabled for the children of the root.
$B mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup || echo "skiff-vm: cannot mount cgroup2"
for c in $($B cat /sys/fs/cgroup/cgroup.controllers); do
	echo "+$c" >/sys/fs/cgroup/cgroup.subtree_control || echo "skiff-vm: cannot enable $c"
done
$B mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
$B mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null

$B hostname skiff-vm
$B ip link set lo up

# vm.env (written by run.sh): KVER and MODULES, the guest kernel's full module tree on the host.
# shellcheck disable=SC1091 # written by run.sh
. $R/vm.env
if [ -n "$MODULES" ] && [ -d "$MODULES" ]; then
	$B mkdir -p "/lib/modules/$KVER" && $B mount --bind "$MODULES" "/lib/modules/$KVER"
fi

# Modules the tests want: fuse (/dev/fuse), loop and ext4 for /tmp.
modprobe -q -a fuse loop ext4 2>/dev/null
# /tmp on ext4 (a sparse file in RAM on a loop device) rather than tmpfs: 6.1's tmpfs has no
# idmapped mounts, and the tests make their bundles and mount sources under /tmp.
$B mkdir -p /.skiff-vm/disk /.skiff-vm/host-tmp
# The host's /tmp stays reachable: the working directory may lie below it (a CI clone in /tmp).
$B mount --bind /tmp /.skiff-vm/host-tmp
if $B mount -t tmpfs -o mode=700 tmpfs /.skiff-vm/disk &&
	$B truncate -s 4G /.skiff-vm/disk/tmp.img &&
	mkfs.ext4 -q -F -O ^has_journal /.skiff-vm/disk/tmp.img 2>/dev/null &&
	mount -o loop /.skiff-vm/disk/tmp.img /tmp; then
	$B chmod 1777 /tmp
else
	echo "skiff-vm: /tmp on tmpfs (no ext4 on loop)"
	$B mount -t tmpfs -o mode=1777 tmpfs /tmp
fi

# A working directory below /tmp: the host's copy, bound at the same path in the guest's /tmp.
case "${WORKDIR:-}" in
/tmp/?*)
	$B mkdir -p "$WORKDIR" && $B mount --bind "/.skiff-vm/host-tmp/${WORKDIR#/tmp/}" "$WORKDIR"
	;;
esac

echo "skiff-vm: ready after $($B cut -d' ' -f1 /proc/uptime) s of guest uptime"
$B cut -d' ' -f1 /proc/uptime >$R/boot-seconds
if [ -f $R/cmd ]; then
	bash $R/cmd </dev/null >$R/output 2>&1
	echo $? >$R/status.tmp
	$B mv $R/status.tmp $R/status
else
	echo "skiff-vm: no $R/cmd" >$R/output
	echo 125 >$R/status
fi
off

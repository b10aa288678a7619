#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-or-later
# /init of the skiff test VM's initramfs (stage 1), run by the guest kernel as pid 1.
# Loads the 9p and overlay modules, mounts the host's root (9p, read-only) under a tmpfs
# overlay, mounts the results folder (9p, read-write) into it and switch_roots there, where
# stage2.sh sets up the guest (cgroup2 with every controller, /dev, /tmp) and runs the command.
/bin/busybox --install -s /bin
export PATH=/bin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1

die() {
	echo "skiff-vm init: $*"
	echo o >/proc/sysrq-trigger
	poweroff -f
}

# Modules in dependency order (made by run.sh from modules.dep); built-in ones are absent.
while read -r mod; do
	insmod "/modules/$mod" 2>/dev/null || [ -e "/sys/module/${mod%.ko}" ] ||
		echo "skiff-vm init: insmod $mod failed"
done </modules/order

mkdir -p /host /rw /newroot
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose hostroot /host ||
	die "cannot mount the host's root (9p tag hostroot)"
mount -t tmpfs -o mode=755 tmpfs /rw
mkdir -p /rw/upper /rw/work
mount -t overlay overlay -o lowerdir=/host,upperdir=/rw/upper,workdir=/rw/work /newroot ||
	die "cannot mount the overlay root"

# Our own corner of the new root: busybox, stage 2 and the results folder.
mkdir -p /newroot/.skiff-vm/results
cp /bin/busybox /stage2.sh /newroot/.skiff-vm/
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,cache=none results \
	/newroot/.skiff-vm/results || die "cannot mount the results folder (9p tag results)"

for d in dev proc sys; do
	mount --move "/$d" "/newroot/$d" || die "cannot move /$d into the new root"
done
exec switch_root /newroot /.skiff-vm/busybox sh /.skiff-vm/stage2.sh

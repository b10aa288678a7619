#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Scenarios of the container filesystem view, run through tests/linux/rootfs_driver (as root).
#   tests/linux/rootfs.sh [path/to/rootfs_driver]
# Each scenario builds a bundle (busybox-static rootfs), runs a command inside, and asserts
# what the container saw; failures must name the config path and leave no mount on the host.
set -u

DRIVER=${1:-${DRIVER:-build/tests/linux/rootfs_driver}}
DRIVER=$(realpath "$DRIVER")
BUSYBOX=${BUSYBOX:-/bin/busybox}
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
[ -x "$DRIVER" ] || { echo "no driver at $DRIVER"; exit 1; }
command -v jq >/dev/null || { echo "SKIP: needs jq"; exit 77; }

T=$(mktemp -d /tmp/skiff-rootfs-test.XXXXXX)
chmod 755 "$T"
FAILS=0
PASSES=0
cleanup() {
  # Nothing should be mounted under $T; if something is, it is a bug: report and clean.
  if grep -q " $T" /proc/self/mountinfo; then
    echo "BUG: mounts left under $T:"
    grep " $T" /proc/self/mountinfo
    grep " $T" /proc/self/mountinfo | awk '{print $5}' | sort -r | xargs -r -n1 umount -l
  fi
  rm -rf "$T"
}
trap cleanup EXIT

pass() { PASSES=$((PASSES + 1)); echo "ok - $1"; }
fail() { FAILS=$((FAILS + 1)); echo "not ok - $1"; shift; for l in "$@"; do echo "#   $l"; done; }

# A busybox rootfs, shared by the bundles (read-only use) - per-test rootfs are copies.
mkrootfs() {
  local r=$1
  mkdir -p "$r/bin" "$r/proc" "$r/sys" "$r/dev" "$r/etc" "$r/tmp"
  cp "$BUSYBOX" "$r/bin/busybox"
  for a in $("$BUSYBOX" --list); do [ "$a" = busybox ] || ln -s busybox "$r/bin/$a"; done
  echo "root:x:0:0:root:/:/bin/sh" > "$r/etc/passwd"
}
mkrootfs "$T/base"

BASE='{"ociVersion":"1.0.2","root":{"path":"rootfs"},"process":{"cwd":"/","args":["sh"]},
"mounts":[
 {"destination":"/proc","type":"proc","source":"proc"},
 {"destination":"/dev","type":"tmpfs","source":"tmpfs","options":["nosuid","strictatime","mode=755","size=65536k"]},
 {"destination":"/dev/pts","type":"devpts","source":"devpts","options":["nosuid","noexec","newinstance","ptmxmode=0666","mode=0620"]},
 {"destination":"/dev/shm","type":"tmpfs","source":"shm","options":["nosuid","noexec","nodev","mode=1777","size=65536k"]},
 {"destination":"/dev/mqueue","type":"mqueue","source":"mqueue","options":["nosuid","noexec","nodev"]},
 {"destination":"/sys","type":"sysfs","source":"sysfs","options":["nosuid","noexec","nodev","ro"]}
],
"linux":{"namespaces":[{"type":"pid"},{"type":"mount"},{"type":"ipc"},{"type":"uts"},{"type":"network"}]}}'

# bundle NAME JQ-FILTER: a bundle dir with its own copy of the rootfs; prints its path.
bundle() {
  local b="$T/$1"
  rm -rf "$b"
  mkdir -p "$b"
  cp -a "$T/base" "$b/rootfs"
  echo "$BASE" | jq "${2:-.}" > "$b/config.json" || { echo "bad jq filter for $1" >&2; return 1; }
  echo "$b"
}

host_mounts() { grep -E " ($T|/etc)[/ ]" /proc/self/mountinfo | awk '{print $5}' | sort; }

# run [--no-pivot] BUNDLE CMD...: sets OUT, ERR, RC; checks that the host got no mount.
run() {
  local before after
  before=$(host_mounts)
  OUT=$("$DRIVER" "$@" 2>"$T/stderr")
  RC=$?
  ERR=$(cat "$T/stderr")
  after=$(host_mounts)
  if [ "$before" != "$after" ]; then
    fail "host mount table unchanged after: $*" "before: $before" "after: $after"
  fi
}

expect() { # expect DESC EXTENDED-REGEX TEXT
  if echo "$3" | grep -qE -- "$2"; then pass "$1"; else fail "$1" "wanted /$2/ in:" "$3" "stderr: $ERR"; fi
}
expect_not() {
  if echo "$3" | grep -qE -- "$2"; then fail "$1" "did not want /$2/ in:" "$3"; else pass "$1"; fi
}
expect_rc() { if [ "$RC" = "$2" ]; then pass "$1"; else fail "$1" "exit $RC, wanted $2" "stdout: $OUT" "stderr: $ERR"; fi; }

# mountinfo line of a mount point inside the container: "<mount options> - <type> <source> <super>"
mi() { echo "$OUT" | awk -v m="$1" '$5 == m { s = $6; for (i = 7; i <= NF; i++) s = s " " $i; print s }' | tail -1; }

########## the usual container ##########
B=$(bundle default '.linux.maskedPaths=["/proc/acpi","/proc/kcore","/proc/nonexistent","/etc/secret"]
  | .linux.readonlyPaths=["/proc/sys","/proc/bus","/etc/rodir"]')
echo "top secret" > "$B/rootfs/etc/secret"
mkdir -p "$B/rootfs/etc/rodir"
run "$B" sh -c 'cat /proc/self/mountinfo; echo ===; ls -ln /dev | tail -n +2 | awk "{print \$1, \$3, \$4, \$NF}" | sort -k4;
  echo ===; cat /etc/secret; echo "secret-rc=$?"; ls -A /proc/acpi | wc -l;
  touch /etc/rodir/x 2>&1; echo "rodir-rc=$?"; echo 1 > /proc/sys/kernel/ns_last_pid 2>&1; echo "procsys-rc=$?";
  touch /tmp/rw && echo rootfs-writable'
expect_rc "default: container ran" 0
expect "default: /proc is proc" '^rw,[a-z,]* - proc proc' "$(mi /proc)"
expect "default: /dev is tmpfs nosuid with data" 'nosuid.* - tmpfs tmpfs rw,size=65536k,mode=755' "$(mi /dev)"
expect "default: /dev/pts devpts newinstance" 'nosuid,noexec.* - devpts devpts .*ptmxmode=666' "$(mi /dev/pts)"
expect "default: /dev/shm nosuid,nodev,noexec" 'nosuid,nodev,noexec.* - tmpfs shm' "$(mi /dev/shm)"
expect "default: /dev/mqueue" ' - mqueue mqueue' "$(mi /dev/mqueue)"
expect "default: /sys ro sysfs" '^ro,nosuid,nodev,noexec.* - sysfs sysfs' "$(mi /sys)"
DEV=$(echo "$OUT" | sed -n '/^===$/,/^===$/p' | grep -v ===)
WANT_DEV="lrwxrwxrwx 0 0 /proc/self/fd
crw-rw-rw- 0 0 full
drwxrwxrwt 0 0 mqueue
crw-rw-rw- 0 0 null
lrwxrwxrwx 0 0 pts/ptmx
drwxr-xr-x 0 0 pts
crw-rw-rw- 0 0 random
drwxrwxrwt 0 0 shm
lrwxrwxrwx 0 0 /proc/self/fd/2
lrwxrwxrwx 0 0 /proc/self/fd/0
lrwxrwxrwx 0 0 /proc/self/fd/1
crw-rw-rw- 0 0 tty
crw-rw-rw- 0 0 urandom
crw-rw-rw- 0 0 zero"
[ -e /proc/kcore ] && WANT_DEV="lrwxrwxrwx 0 0 /proc/kcore
$WANT_DEV"
if [ "$(echo "$DEV" | sort)" = "$(echo "$WANT_DEV" | sort)" ]; then pass "default: /dev has exactly the default nodes and links, modes 0666"
else fail "default: /dev has exactly the default nodes and links" "got:" "$DEV"; fi
expect "default: masked file reads empty" '^secret-rc=0' "$(echo "$OUT" | grep -A0 'secret-rc')"
expect_not "default: masked file content hidden" 'top secret' "$OUT"
expect "default: masked dir is empty" '^0$' "$(echo "$OUT" | grep -x '[0-9]*' | head -1)"
expect "default: masked dir is a ro tmpfs" '^ro,nosuid,nodev,noexec.* - tmpfs ' "$(mi /proc/acpi)"
expect "default: readonly path refuses writes" 'Read-only file system' "$OUT"
expect "default: /proc/sys read-only" 'procsys-rc=[1-9]' "$OUT"
expect "default: rootfs stays writable" 'rootfs-writable' "$OUT"
expect "default: old root detached" '^' "$(mi /)"
expect_not "default: no host mount visible" ' /tmp/skiff-rootfs-test' "$(echo "$OUT" | awk '{print $5}')"

########## umask must not change modes; linux.devices ##########
B=$(bundle devices '.linux.devices=[{"path":"/dev/fuse","type":"c","major":10,"minor":229,"fileMode":384,"uid":1,"gid":2},
  {"path":"/dev/sdz","type":"b","major":8,"minor":0,"fileMode":432},
  {"path":"/dev/custom/fifo","type":"p","fileMode":420},
  {"path":"/opt/outside-dev/null2","type":"c","major":1,"minor":3}]')
umask 077
run "$B" sh -c 'ls -ln /dev/fuse /dev/sdz /dev/custom/fifo /opt/outside-dev/null2 /dev/null; ls -ld /dev/custom'
umask 022
expect "devices: char device with mode/uid/gid" '^crw------- +1 1 +2 +10, +229 .*/dev/fuse' "$OUT"
expect "devices: block device 0660" '^brw-rw---- +1 0 +0 +8, +0 .*/dev/sdz' "$OUT"
expect "devices: fifo in a new dir" '^prw-r--r-- .*/dev/custom/fifo' "$OUT"
expect "devices: outside /dev, default mode 0666" '^crw-rw-rw- .*/opt/outside-dev/null2' "$OUT"
expect "devices: umask 077 does not change default devices" '^crw-rw-rw- .*/dev/null' "$OUT"
expect "devices: created dirs are 0755" '^drwxr-xr-x .*/dev/custom' "$OUT"

########## symlinks out of the rootfs stay inside ##########
B=$(bundle escape '.mounts += [{"destination":"/evil/x","type":"tmpfs","source":"tmpfs"},
  {"destination":"/proc/../../../etc/y","type":"tmpfs","source":"tmpfs"},
  {"destination":"/abs/z","type":"tmpfs","source":"tmpfs"}]')
ln -s /etc "$B/rootfs/evil"
ln -s ../../../../../../../etc "$B/rootfs/abs"
run "$B" sh -c 'cat /proc/self/mountinfo'
expect_rc "escape: container ran" 0
expect "escape: /evil/x landed on /etc/x inside" ' - tmpfs' "$(mi /etc/x)"
expect "escape: /proc/../../../etc/y landed on /etc/y inside" ' - tmpfs' "$(mi /etc/y)"
expect "escape: ../../ symlink landed on /etc/z inside" ' - tmpfs' "$(mi /etc/z)"
if [ ! -e /etc/x ] && [ ! -e /etc/y ] && [ ! -e /etc/z ] && [ -d "$B/rootfs/etc/x" ] && [ -d "$B/rootfs/etc/z" ]; then
  pass "escape: host /etc untouched, directories made in the rootfs"
else fail "escape: host /etc untouched" "$(ls -ld /etc/x /etc/y /etc/z 2>&1)"; fi

########## binds: file, relative source, options, propagation, rro ##########
mkdir -p "$T/hostdir/sub" "$T/hostdir2"
echo hello > "$T/hostdir/file"
echo filedata > "$T/hostfile"
B=$(bundle binds ".mounts += [{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"$T/hostdir\",\"options\":[\"rbind\",\"rro\"]},
  {\"destination\":\"/data-ro\",\"type\":\"none\",\"source\":\"$T/hostdir\",\"options\":[\"rbind\",\"ro\",\"nosuid\",\"noexec\"]},
  {\"destination\":\"/etc/hostfile\",\"type\":\"bind\",\"source\":\"$T/hostfile\",\"options\":[\"bind\",\"ro\"]},
  {\"destination\":\"/rel\",\"type\":\"bind\",\"source\":\"reldir\",\"options\":[\"rbind\",\"rw\",\"rshared\"]},
  {\"destination\":\"/t\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"size=1m\",\"mode=700\",\"noatime\",\"nodev\",\"private\"]}]")
mkdir -p "$B/reldir" && echo rel > "$B/reldir/r"
# A submount of the bind source, in a private mount namespace (never on the host).
unshare -m --propagation private sh -c "mount -t tmpfs sub $T/hostdir/sub && exec $DRIVER $B sh -c 'cat /proc/self/mountinfo; cat /etc/hostfile /rel/r;
  touch /data/sub/w 2>&1; echo data-sub-rc=\$?; touch /data-ro/sub/w 2>&1; echo dataro-sub-rc=\$?; touch /data-ro/x 2>&1; echo dataro-rc=\$?; ls -ld /t'" >"$T/out" 2>"$T/stderr"
RC=$?; OUT=$(cat "$T/out"); ERR=$(cat "$T/stderr")
expect_rc "binds: container ran" 0
expect "binds: rro makes /data ro" '^ro,.* - ext4|^ro,' "$(mi /data)"
expect "binds: rro makes the submount ro too" '^ro,.* - tmpfs sub' "$(mi /data/sub)"
expect "binds: rro submount refuses writes" 'data-sub-rc=1' "$OUT"
expect "binds: ro (not rro) leaves the submount writable" 'dataro-sub-rc=0' "$OUT"
expect "binds: ro refuses writes on top" 'dataro-rc=1' "$OUT"
expect "binds: ro,nosuid,noexec on the top mount" '^ro,nosuid,[a-z,]*noexec' "$(mi /data-ro)"
expect "binds: file bind made the destination file" 'filedata' "$OUT"
expect "binds: file bind read-only" '^ro,' "$(mi /etc/hostfile)"
expect "binds: relative source is relative to the bundle" '^rel$' "$OUT"
expect "binds: rshared propagation" 'shared:[0-9]+' "$(echo "$OUT" | awk '$5 == "/rel"')"
expect "binds: tmpfs data and noatime,nodev" 'nodev,noatime - tmpfs tmpfs rw,size=1024k,mode=700' "$(mi /t)"
expect "binds: tmpfs mode 700" '^drwx------ ' "$(echo "$OUT" | grep ' /t$')"
[ ! -e "$T/hostdir/sub/w" ] && [ ! -e "$T/hostdir/x" ] && pass "binds: host dir unchanged" || fail "binds: host dir unchanged"

########## cgroup mounts ##########
CG='.mounts += [{"destination":"/sys/fs/cgroup","type":"cgroup","source":"cgroup","options":["nosuid","noexec","nodev","relatime","ro"]}]'
OWN_MEM=$(sed -n 's/^[0-9]*:memory://p' /proc/self/cgroup)
B=$(bundle cgroup "$CG")
run "$B" sh -c 'cat /proc/self/mountinfo; touch /sys/fs/cgroup/x 2>&1; true'
expect_rc "cgroup: container ran" 0
expect "cgroup: read-only" 'touch: /sys/fs/cgroup/x: Read-only file system' "$OUT"
if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
  expect "cgroup: v2 host: the container's own cgroup2" ' - cgroup2 ' "$(mi /sys/fs/cgroup)"
else
  expect "cgroup: v1 host: a read-only tmpfs holds the hierarchies" '^ro,nosuid,nodev,noexec.* - tmpfs ' "$(mi /sys/fs/cgroup)"
  [ -n "$OWN_MEM" ] && expect "cgroup: v1 memory: only the container's own cgroup ($OWN_MEM), read-only" \
    "^[0-9]+ [0-9]+ [0-9]+:[0-9]+ $OWN_MEM /sys/fs/cgroup/memory ro,nosuid,nodev,noexec" "$(echo "$OUT" | grep ' /sys/fs/cgroup/memory ')"
  expect "cgroup: v1 hierarchies all there" '/sys/fs/cgroup/pids .*/sys/fs/cgroup/cpu ' "$(echo $(echo "$OUT" | awk '{print $5}'))"
fi
B=$(bundle cgroupns "$CG | .linux.namespaces += [{\"type\":\"cgroup\"}]")
run "$B" sh -c 'cat /proc/self/mountinfo'
expect_rc "cgroupns: container ran" 0
expect "cgroupns: hierarchies mounted fresh, rooted at the container's cgroup" '^[0-9]+ [0-9]+ [0-9:]+ / /sys/fs/cgroup/memory ro,' "$(echo "$OUT" | grep ' /sys/fs/cgroup/memory ')"

########## tmpcopyup ##########
B=$(bundle copyup '.mounts += [{"destination":"/opt","type":"tmpfs","source":"tmpfs","options":["tmpcopyup","mode=755"]}]')
mkdir -p "$B/rootfs/opt/dir/deep"
echo payload > "$B/rootfs/opt/dir/deep/f"
chmod 640 "$B/rootfs/opt/dir/deep/f"
chown 12:34 "$B/rootfs/opt/dir/deep/f"
ln -s dir/deep/f "$B/rootfs/opt/link"
run "$B" sh -c 'cat /opt/link; ls -ln /opt/dir/deep/f; echo new > /opt/new; grep " /opt " /proc/self/mountinfo'
expect "tmpcopyup: content copied (through a symlink)" '^payload$' "$OUT"
expect "tmpcopyup: mode and owner kept" '^-rw-r----- +1 12 +34 ' "$OUT"
expect "tmpcopyup: /opt is a tmpfs" ' /opt .* - tmpfs' "$OUT"
[ ! -e "$B/rootfs/opt/new" ] && pass "tmpcopyup: writes stay in the tmpfs" || fail "tmpcopyup: writes stay in the tmpfs"

########## idmapped mount (own mappings, no user namespace) ##########
mkdir -p "$T/idsrc" && touch "$T/idsrc/f" && chown 0:0 "$T/idsrc/f"
B=$(bundle idmap ".mounts += [{\"destination\":\"/idm\",\"type\":\"bind\",\"source\":\"$T/idsrc\",\"options\":[\"bind\",\"idmap\"],
  \"uidMappings\":[{\"containerID\":0,\"hostID\":1234,\"size\":1}],\"gidMappings\":[{\"containerID\":0,\"hostID\":5678,\"size\":1}]}]")
run "$B" sh -c 'ls -ln /idm/f; grep " /idm " /proc/self/mountinfo'
expect "idmap: owners mapped 0->1234, 0->5678" '^-[-rwx]+ +1 1234 +5678 ' "$OUT"
expect "idmap: mountinfo shows idmapped" 'idmapped' "$OUT"

########## sysctl ##########
B=$(bundle sysctl '.linux.sysctl={"net.ipv4.ip_forward":"1","kernel.shmmax":"123456789","kernel.domainname":"example.test","fs.mqueue.msg_max":"20"}')
run "$B" sh -c 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmax /proc/sys/kernel/domainname /proc/sys/fs/mqueue/msg_max'
expect_rc "sysctl: applied" 0
expect "sysctl: values set in the container" '^1 123456789 example.test 20$' "$(echo $OUT)"
expect_not "sysctl: host unchanged" '^example.test$' "$(cat /proc/sys/kernel/domainname)"

########## --no-pivot, rootfsPropagation, root.readonly ##########
B=$(bundle nopivot '.root.readonly=true | .linux.rootfsPropagation="shared"')
run --no-pivot "$B" sh -c 'cat /proc/self/mountinfo; touch /x 2>&1; ls /bin/sh'
expect_rc "no-pivot: container ran" 0
expect "no-pivot: root read-only" 'Read-only file system' "$OUT"
expect "no-pivot: rootfsPropagation shared on /" 'shared:[0-9]+' "$(echo "$OUT" | awk '$5 == "/" && $4 != "/"' | tail -1)"
B=$(bundle pivot-ro '.root.readonly=true | .linux.rootfsPropagation="private"')
run "$B" sh -c 'cat /proc/self/mountinfo; touch /x 2>&1; touch /dev/shm/ok && echo shm-writable'
expect "pivot: root read-only" 'Read-only file system' "$OUT"
expect "pivot: other mounts stay writable" 'shm-writable' "$OUT"
expect "pivot: / is ro" '^ro,' "$(mi /)"
expect_not "pivot: private root has no propagation" 'shared:|master:' "$(echo "$OUT" | awk '$5 == "/"')"

########## the few /proc files that may be covered (lxcfs style) ##########
echo "12345.67 1.00" > "$T/fake-uptime"
B=$(bundle procfile ".mounts += [{\"destination\":\"/proc/uptime\",\"type\":\"bind\",\"source\":\"$T/fake-uptime\",\"options\":[\"bind\",\"ro\"]}]")
run "$B" cat /proc/uptime
expect "proc: /proc/uptime may be covered" '^12345.67 1.00$' "$OUT"

########## remount, /dev/console ##########
B=$(bundle remount '.mounts += [{"destination":"/dev/shm","type":"tmpfs","source":"shm","options":["remount","ro","size=2m"]},
  {"destination":"/sys","type":"bind","source":"none","options":["bind","remount","rw"]}]')
run --console "$B" sh -c 'cat /proc/self/mountinfo; ls -l /dev/console'
expect_rc "remount: container ran" 0
expect "remount: tmpfs remounted ro with new data" '^ro,nosuid,nodev,noexec.* - tmpfs shm ro,size=2048k' "$(mi /dev/shm)"
expect "remount: bind remount rw changes the mount flag only" '^rw,nosuid,nodev,noexec.* - sysfs' "$(mi /sys)"
expect "console: the pty is bound on /dev/console" ' - devpts devpts' "$(mi /dev/console)"
expect "console: /dev/console is a char device" '^crw--w---- .*/dev/console|^crw-' "$OUT"

########## user namespace ##########
B=$(bundle userns '.linux.namespaces=[{"type":"pid"},{"type":"mount"},{"type":"ipc"},{"type":"uts"},{"type":"user"}]
  | .linux.uidMappings=[{"containerID":0,"hostID":100000,"size":65536}] | .linux.gidMappings=[{"containerID":0,"hostID":100000,"size":65536}]
  | .linux.devices=[{"path":"/dev/fuse","type":"c","major":10,"minor":229}]')
chmod 755 "$B"
run "$B" sh -c 'cat /proc/self/mountinfo; ls -l /dev/null /dev/fuse; id -u'
expect_rc "userns: container ran" 0
expect "userns: default devices bound from the host" ' - devtmpfs' "$(mi /dev/null)"
expect "userns: linux.devices bound from the host" ' - devtmpfs' "$(mi /dev/fuse)"
expect "userns: sysfs without netns falls back to a read-only rbind of /sys" '^ro,nosuid,nodev,noexec.* - sysfs' "$(mi /sys)"
B=$(bundle userns-noipc '.linux.namespaces=[{"type":"pid"},{"type":"mount"},{"type":"user"}]
  | .linux.uidMappings=[{"containerID":0,"hostID":100000,"size":65536}] | .linux.gidMappings=[{"containerID":0,"hostID":100000,"size":65536}]')
chmod 755 "$B"
run "$B" sh -c 'cat /proc/self/mountinfo'
expect_rc "userns without ipc: container ran" 0
HOST_MQ=$(awk '$5 == "/dev/mqueue" {print $3}' /proc/self/mountinfo | head -1)
if [ -n "$HOST_MQ" ]; then
  expect "userns without ipc: mqueue falls back to a bind of the host's /dev/mqueue ($HOST_MQ)" "^[0-9]+ [0-9]+ $HOST_MQ / /dev/mqueue rw,nosuid,nodev,noexec" "$(echo "$OUT" | grep ' /dev/mqueue ')"
fi

########## idmapped mounts with a user namespace: prepared on the host side ##########
mkdir -p "$T/idsrc2" && touch "$T/idsrc2/f" "$T/idsrc2/g" && chown 0:0 "$T/idsrc2/f" && chown 3:3 "$T/idsrc2/g"
B=$(bundle userns-idmap ".linux.namespaces=[{\"type\":\"pid\"},{\"type\":\"mount\"},{\"type\":\"user\"}]
  | .linux.uidMappings=[{\"containerID\":0,\"hostID\":100000,\"size\":65536}] | .linux.gidMappings=[{\"containerID\":0,\"hostID\":100000,\"size\":65536}]
  | .mounts += [{\"destination\":\"/own\",\"type\":\"bind\",\"source\":\"$T/idsrc2\",\"options\":[\"bind\",\"idmap\"]},
    {\"destination\":\"/mapped\",\"type\":\"bind\",\"source\":\"$T/idsrc2\",\"options\":[\"rbind\",\"ridmap\"],
     \"uidMappings\":[{\"containerID\":0,\"hostID\":100007,\"size\":10}],\"gidMappings\":[{\"containerID\":0,\"hostID\":100009,\"size\":10}]}]")
chmod 755 "$B"
mkdir "$B/rootfs/own" "$B/rootfs/mapped"  # the rootfs belongs to the host's root: nobody inside
run --prepare-idmap "$B" sh -c 'ls -ln /own /mapped'
expect_rc "userns idmap: prepared on the host side" 0
expect "userns idmap: container mapping: on-disk 0 is root inside" '^-[-rwx]+ +1 0 +0 .* f$' "$(echo "$OUT" | sed -n '/own/,/mapped/p')"
expect "userns idmap: own mapping: on-disk 0 -> 7:9, 3 -> 10:12 inside" '1 7 +9 .* f .*1 10 +12 .* g' "$(echo $(echo "$OUT" | sed -n '/mapped:/,$p'))"
run "$B" sh -c 'ls -ln /own'
expect "userns idmap: without preparation, a clear error from inside the user namespace" \
  'mounts\[6\]: idmap the bind of .*(CAP_SYS_ADMIN|prepare)' "$ERR"

########## features: mount option names ##########
OPTS=$("$DRIVER" --mount-options)
if [ "$OPTS" = "$(echo "$OPTS" | LC_ALL=C sort)" ] && echo "$OPTS" | grep -qx rro && echo "$OPTS" | grep -qx tmpcopyup \
   && echo "$OPTS" | grep -qx idmap && [ "$(echo "$OPTS" | wc -l)" -ge 60 ]; then pass "mount option names: sorted, complete"
else fail "mount option names: sorted, complete" "$OPTS"; fi

########## failures: config path in the message, nothing left on the host ##########
fail_case() { # fail_case NAME JQ-FILTER EXPECTED-ERROR-REGEX [setup-cmd]
  local b
  b=$(bundle "f-$1" "$2") || return
  [ -n "${4:-}" ] && (cd "$b" && eval "$4")
  run "$b" sh -c 'echo should-not-run'
  if [ "$RC" != 0 ] && echo "$ERR" | grep -qE -- "$3" && ! echo "$OUT" | grep -q should-not-run; then
    pass "failure $1: $(echo "$ERR" | tail -1)"
  else
    fail "failure $1" "rc=$RC wanted /$3/" "stderr: $ERR" "stdout: $OUT"
  fi
}
fail_case missing-source ".mounts += [{\"destination\":\"/m\",\"type\":\"bind\",\"source\":\"$T/does-not-exist\",\"options\":[\"rbind\"]}]" \
  '^rootfs_driver: mounts\[6\]\.source: ".*does-not-exist": open the bind source.*No such file or directory'
fail_case bad-fstype '.mounts += [{"destination":"/m","type":"nosuchfs","source":"x"}]' \
  '^rootfs_driver: mounts\[6\]: mount nosuchfs .*No such device'
fail_case bad-data '.mounts += [{"destination":"/m","type":"tmpfs","source":"tmpfs","options":["size=lots"]}]' \
  '^rootfs_driver: mounts\[6\]: mount tmpfs .*size=lots.*Invalid argument'
fail_case bad-device-type '.linux.devices=[{"path":"/dev/x","type":"q","major":1,"minor":1}]' \
  'linux\.devices\[0\]\.type'
fail_case device-exists '.linux.devices=[{"path":"/etc/passwd","type":"c","major":1,"minor":3}]' \
  '^rootfs_driver: linux\.devices\[0\]\.path: "/etc/passwd" already exists'
fail_case sysctl-host '.linux.sysctl={"kernel.pid_max":"40000"}' \
  '^rootfs_driver: linux\.sysctl\.kernel\.pid_max: refused: this sysctl is not namespaced'
fail_case sysctl-nonet '.linux.namespaces=[{"type":"pid"},{"type":"mount"}] | .linux.sysctl={"net.ipv4.ip_forward":"1"}' \
  '^rootfs_driver: linux\.sysctl\.net\.ipv4\.ip_forward: refused: .*network namespace'
fail_case sysctl-unknown '.linux.sysctl={"net.ipv4.no_such_knob":"1"}' \
  '^rootfs_driver: linux\.sysctl\.net\.ipv4\.no_such_knob: open /proc/sys/net/ipv4/no_such_knob \(no such sysctl'
fail_case proc-dest '.mounts += [{"destination":"/proc/sys/kernel/core_pattern","type":"bind","source":"/etc/hostname","options":["bind"]}]' \
  '^rootfs_driver: mounts\[6\]\.destination: "/proc/sys/kernel/core_pattern" .*is inside procfs'
fail_case missing-type '.mounts += [{"destination":"/m","source":"x"}]' \
  '^rootfs_driver: mounts\[6\]\.type: missing'
fail_case idmap-no-userns ".mounts += [{\"destination\":\"/m\",\"type\":\"bind\",\"source\":\"$T/idsrc\",\"options\":[\"bind\",\"idmap\"]}]" \
  '^rootfs_driver: mounts\[6\]: idmap without uidMappings/gidMappings needs .*user namespace'
fail_case tmpcopyup-not-tmpfs '.mounts += [{"destination":"/m","type":"proc","source":"proc","options":["tmpcopyup"]}]' \
  '^rootfs_driver: mounts\[6\]: tmpcopyup is only for type tmpfs'
fail_case root-dest '.mounts += [{"destination":"/tmp/..","type":"tmpfs","source":"tmpfs"}]' \
  '^rootfs_driver: mounts\[6\]\.destination: "/tmp/\.\." is the container.s root'
fail_case remount-missing '.mounts += [{"destination":"/nope","type":"tmpfs","options":["remount","ro"]}]' \
  '^rootfs_driver: mounts\[6\]\.destination: open "/nope" inside the rootfs: No such file'
fail_case dangling-dest '.mounts += [{"destination":"/dangling/x","type":"tmpfs","source":"tmpfs"}]' \
  '^rootfs_driver: mounts\[6\]\.destination: .*dangling' 'ln -s /nowhere/at/all rootfs/dangling'

echo "# $PASSES passed, $FAILS failed"
[ "$FAILS" = 0 ]

#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The container's filesystem view through `skiff run` (the same assertions as
# tests/linux/rootfs.sh, which drives the rootfs code directly): mounts and their options,
# /dev, symlink escapes, masked/readonly paths, rro, tmpcopyup, idmap, sysctl, --no-pivot,
# root.readonly, user namespaces, and failures that name the config path and leave no mount.

if [ -f "$BATS_TEST_DIRNAME/helpers.bash" ]; then
	load helpers
else
	# Minimal stand-ins for tests/integration/helpers.bash.
	SKIFF="${SKIFF:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)/build/skiff}"
	setup() {
		TEST_TMP="$(mktemp -d "${BATS_TMPDIR:-/tmp}/skiff-test.XXXXXX")"
		ROOT="$TEST_TMP/root"
		export TEST_TMP ROOT
	}
	teardown() {
		local id
		for id in $("$SKIFF" --root "$ROOT" list -q 2>/dev/null); do
			"$SKIFF" --root "$ROOT" delete --force "$id" >/dev/null 2>&1 || true
		done
		rm -rf "$TEST_TMP"
	}
	skiff() { "$SKIFF" --root "$ROOT" "$@"; }
fi

# The config every test starts from (then changed with a jq filter).
BASE_CONFIG='{"ociVersion":"1.0.2","root":{"path":"rootfs"},
"process":{"terminal":false,"cwd":"/","args":["sh"],"user":{"uid":0,"gid":0},
  "env":["PATH=/bin"],"capabilities":{"bounding":["CAP_SYS_ADMIN","CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FOWNER","CAP_MKNOD","CAP_SETUID","CAP_SETGID"],
  "effective":["CAP_SYS_ADMIN","CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FOWNER","CAP_MKNOD","CAP_SETUID","CAP_SETGID"],
  "permitted":["CAP_SYS_ADMIN","CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FOWNER","CAP_MKNOD","CAP_SETUID","CAP_SETGID"]}},
"mounts":[
 {"destination":"/proc","type":"proc","source":"proc"},
 {"destination":"/dev","type":"tmpfs","source":"tmpfs","options":["nosuid","strictatime","mode=755","size=65536k"]},
 {"destination":"/dev/pts","type":"devpts","source":"devpts","options":["nosuid","noexec","newinstance","ptmxmode=0666","mode=0620"]},
 {"destination":"/dev/shm","type":"tmpfs","source":"shm","options":["nosuid","noexec","nodev","mode=1777","size=65536k"]},
 {"destination":"/dev/mqueue","type":"mqueue","source":"mqueue","options":["nosuid","noexec","nodev"]},
 {"destination":"/sys","type":"sysfs","source":"sysfs","options":["nosuid","noexec","nodev","ro"]}
],
"linux":{"namespaces":[{"type":"pid"},{"type":"mount"},{"type":"ipc"},{"type":"uts"},{"type":"network"}]}}'

# rootfs_bundle NAME JQ-FILTER: sets $B to a busybox bundle with BASE_CONFIG | filter.
rootfs_bundle() {
	[ "$(id -u)" = 0 ] || skip "needs root"
	B="$TEST_TMP/$1"
	mkdir -p "$B"/rootfs/{bin,proc,dev,sys,tmp,etc}
	chmod 755 "$TEST_TMP" "$B"
	local bb=/bin/busybox a
	[ -x "$bb" ] || skip "busybox-static is not installed"
	cp "$bb" "$B/rootfs/bin/busybox"
	for a in $("$bb" --list); do [ "$a" = busybox ] || ln -sf busybox "$B/rootfs/bin/$a"; done
	echo "root:x:0:0:root:/:/bin/sh" >"$B/rootfs/etc/passwd"
	echo "$BASE_CONFIG" | jq "${2:-.}" >"$B/config.json"
}

host_mounts() { grep -E " ($TEST_TMP|/etc)[/ ]" /proc/self/mountinfo | awk '{print $5}' | sort; }

# in_container [skiff run flags...] -- CMD: runs CMD in the bundle $B; $status/$output as bats run.
in_container() {
	local flags=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do flags+=("$1"); shift; done
	shift
	local cmd="$*"
	jq --arg c "$cmd" '.process.args = ["sh", "-c", $c]' "$B/config.json" >"$B/config.json.new"
	mv "$B/config.json.new" "$B/config.json"
	HOST_BEFORE=$(host_mounts)
	run skiff run "${flags[@]}" --bundle "$B" "rootfs-$BATS_TEST_NUMBER-$RANDOM"
	HOST_AFTER=$(host_mounts)
	if [[ "$output" == *"not implemented yet"* ]]; then
		skip "skiff run: not implemented yet ($output)"
	fi
	echo "$output"
	[ "$HOST_BEFORE" = "$HOST_AFTER" ] || { echo "host mounts changed: $HOST_BEFORE -> $HOST_AFTER"; return 1; }
}

# mountinfo_of MOUNTPOINT: "<options> - <type> <source> <super>" of the last such line in $output.
mountinfo_of() {
	echo "$output" | awk -v m="$1" '$5 == m { s = $6; for (i = 7; i <= NF; i++) s = s " " $i; print s }' | tail -1
}

# expect_failure REGEX: the run failed, said REGEX, ran nothing.
expect_failure() {
	[ "$status" -ne 0 ]
	[[ "$output" != *should-not-run* ]]
	echo "$output" | grep -qE -- "$1"
}

@test "rootfs: the default mounts with their options" {
	rootfs_bundle default
	in_container -- 'cat /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[[ "$(mountinfo_of /proc)" == *" - proc proc "* ]]
	[[ "$(mountinfo_of /dev)" =~ nosuid.*\ -\ tmpfs\ tmpfs\ rw,size=65536k,mode=755 ]]
	[[ "$(mountinfo_of /dev/pts)" =~ nosuid,noexec.*\ -\ devpts\ devpts\ .*ptmxmode=666 ]]
	[[ "$(mountinfo_of /dev/shm)" =~ nosuid,nodev,noexec.*\ -\ tmpfs\ shm ]]
	[[ "$(mountinfo_of /dev/mqueue)" == *" - mqueue mqueue "* ]]
	[[ "$(mountinfo_of /sys)" =~ ^ro,nosuid,nodev,noexec.*\ -\ sysfs ]]
	# the host's mounts are gone (old root detached)
	! echo "$output" | awk '{print $5}' | grep -q "^$TEST_TMP"
}

@test "rootfs: /dev has exactly the default devices and links, mode 0666 whatever the umask" {
	rootfs_bundle dev
	umask 077
	in_container -- 'ls -ln /dev | tail -n +2 | awk "{print \$1, \$NF}" | sort -k2'
	umask 022
	[ "$status" -eq 0 ]
	local want
	want="crw-rw-rw- full
lrwxrwxrwx /proc/self/fd
lrwxrwxrwx /proc/self/fd/0
lrwxrwxrwx /proc/self/fd/1
lrwxrwxrwx /proc/self/fd/2
drwxrwxrwt mqueue
crw-rw-rw- null
drwxr-xr-x pts
lrwxrwxrwx pts/ptmx
crw-rw-rw- random
drwxrwxrwt shm
crw-rw-rw- tty
crw-rw-rw- urandom
crw-rw-rw- zero"
	[ -e /proc/kcore ] && want="$want
lrwxrwxrwx /proc/kcore"
	# (a console, when there is a terminal, is not in this list: terminal is false)
	[ "$(echo "$output" | sort)" = "$(echo "$want" | sort)" ]
}

@test "rootfs: linux.devices with type, numbers, mode and owner" {
	rootfs_bundle devices '.linux.devices=[{"path":"/dev/fuse","type":"c","major":10,"minor":229,"fileMode":384,"uid":1,"gid":2},
	  {"path":"/dev/sdz","type":"b","major":8,"minor":0,"fileMode":432},{"path":"/dev/custom/fifo","type":"p","fileMode":420}]'
	in_container -- 'ls -ln /dev/fuse /dev/sdz /dev/custom/fifo'
	[ "$status" -eq 0 ]
	echo "$output" | grep -qE '^crw------- +1 1 +2 +10, +229 .*/dev/fuse'
	echo "$output" | grep -qE '^brw-rw---- +1 0 +0 +8, +0 .*/dev/sdz'
	echo "$output" | grep -qE '^prw-r--r-- .*/dev/custom/fifo'
}

@test "rootfs: a destination through a symlink out of the rootfs lands inside it" {
	rootfs_bundle escape '.mounts += [{"destination":"/evil/x","type":"tmpfs","source":"tmpfs"},
	  {"destination":"/proc/../../../etc/y","type":"tmpfs","source":"tmpfs"}]'
	ln -s /etc "$B/rootfs/evil"
	in_container -- 'cat /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[[ "$(mountinfo_of /etc/x)" == *" - tmpfs "* ]]
	[[ "$(mountinfo_of /etc/y)" == *" - tmpfs "* ]]
	[ ! -e /etc/x ] && [ ! -e /etc/y ]
	[ -d "$B/rootfs/etc/x" ]
}

@test "rootfs: masked paths read empty, readonly paths refuse writes" {
	rootfs_bundle masked '.linux.maskedPaths=["/proc/acpi","/proc/kcore","/proc/nonexistent","/etc/secret"]
	  | .linux.readonlyPaths=["/proc/sys","/etc/rodir"]'
	echo "top secret" >"$B/rootfs/etc/secret"
	mkdir "$B/rootfs/etc/rodir"
	in_container -- 'cat /etc/secret; ls -A /proc/acpi | wc -l; touch /etc/rodir/x; echo rc=$?; echo 1 > /proc/sys/kernel/ns_last_pid; echo rc=$?; touch /tmp/ok && echo writable'
	[ "$status" -eq 0 ]
	[[ "$output" != *"top secret"* ]]
	echo "$output" | grep -qx 0
	[ "$(echo "$output" | grep -c 'rc=1')" -eq 2 ]
	[[ "$output" == *"Read-only file system"* ]]
	[[ "$output" == *writable* ]]
}

@test "rootfs: bind options, relative source, file bind, tmpfs data" {
	rootfs_bundle binds
	mkdir -p "$TEST_TMP/hostdir/sub" "$B/reldir"
	echo filedata >"$TEST_TMP/hostfile"
	echo rel >"$B/reldir/r"
	jq --arg d "$TEST_TMP/hostdir" --arg f "$TEST_TMP/hostfile" '.mounts += [
	  {"destination":"/data","type":"bind","source":$d,"options":["rbind","rro"]},
	  {"destination":"/data-ro","type":"none","source":$d,"options":["rbind","ro","nosuid","noexec"]},
	  {"destination":"/etc/hostfile","type":"bind","source":$f,"options":["bind","ro"]},
	  {"destination":"/rel","type":"bind","source":"reldir","options":["rbind","rshared"]},
	  {"destination":"/t","type":"tmpfs","source":"tmpfs","options":["size=1m","mode=700","noatime","nodev"]}]' \
	  "$B/config.json" >"$B/c" && mv "$B/c" "$B/config.json"
	in_container -- 'cat /proc/self/mountinfo; cat /etc/hostfile /rel/r; touch /data-ro/x; echo ro-rc=$?'
	[ "$status" -eq 0 ]
	[[ "$(mountinfo_of /data)" == ro,* ]]
	[[ "$(mountinfo_of /data-ro)" =~ ^ro,nosuid,.*noexec ]]
	[[ "$(mountinfo_of /etc/hostfile)" == ro,* ]]
	[[ "$output" == *filedata* ]]
	echo "$output" | grep -qx rel
	echo "$output" | awk '$5 == "/rel"' | grep -qE 'shared:[0-9]+'
	[[ "$(mountinfo_of /t)" == *"nodev,noatime - tmpfs tmpfs rw,size=1024k,mode=700"* ]]
	[[ "$output" == *ro-rc=1* ]]
}

@test "rootfs: rro makes submounts read-only" {
	rootfs_bundle rro
	mkdir -p "$TEST_TMP/hostdir/sub"
	jq --arg d "$TEST_TMP/hostdir" '.mounts += [{"destination":"/data","type":"bind","source":$d,"options":["rbind","rro"]},
	  {"destination":"/data2","type":"bind","source":$d,"options":["rbind","ro"]}]
	  | .process.args = ["sh","-c","grep /data /proc/self/mountinfo; touch /data/sub/x; echo rro-rc=$?; touch /data2/sub/x; echo ro-rc=$?"]' \
	  "$B/config.json" >"$B/c" && mv "$B/c" "$B/config.json"
	run unshare -m --propagation private sh -c "mount -t tmpfs sub $TEST_TMP/hostdir/sub && exec $SKIFF --root $ROOT run --bundle $B rro-$RANDOM"
	[[ "$output" != *"not implemented yet"* ]] || skip "skiff run: not implemented yet"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *rro-rc=1* ]]
	[[ "$output" == *ro-rc=0* ]]
}

@test "rootfs: tmpcopyup copies the directory's content into the tmpfs" {
	rootfs_bundle copyup '.mounts += [{"destination":"/opt","type":"tmpfs","source":"tmpfs","options":["tmpcopyup","mode=755"]}]'
	mkdir -p "$B/rootfs/opt/dir"
	echo payload >"$B/rootfs/opt/dir/f"
	chmod 640 "$B/rootfs/opt/dir/f"
	chown 12:34 "$B/rootfs/opt/dir/f"
	in_container -- 'cat /opt/dir/f; ls -ln /opt/dir/f; echo new > /opt/new'
	[ "$status" -eq 0 ]
	echo "$output" | grep -qx payload
	echo "$output" | grep -qE '^-rw-r----- +1 12 +34 '
	[ ! -e "$B/rootfs/opt/new" ]
}

@test "rootfs: an idmapped mount shows mapped owners" {
	rootfs_bundle idmap
	mkdir -p "$TEST_TMP/idsrc" && touch "$TEST_TMP/idsrc/f"
	jq --arg d "$TEST_TMP/idsrc" '.mounts += [{"destination":"/idm","type":"bind","source":$d,"options":["bind","idmap"],
	  "uidMappings":[{"containerID":0,"hostID":1234,"size":1}],"gidMappings":[{"containerID":0,"hostID":5678,"size":1}]}]' \
	  "$B/config.json" >"$B/c" && mv "$B/c" "$B/config.json"
	in_container -- 'ls -ln /idm/f'
	[ "$status" -eq 0 ]
	echo "$output" | grep -qE '^-[-rwx]+ +1 1234 +5678 '
}

@test "rootfs: an idmapped mount through the container's user namespace" {
	rootfs_bundle userns-idmap '.linux.namespaces=[{"type":"pid"},{"type":"mount"},{"type":"user"}]
	  | .linux.uidMappings=[{"containerID":0,"hostID":100000,"size":65536}] | .linux.gidMappings=[{"containerID":0,"hostID":100000,"size":65536}]'
	mkdir -p "$TEST_TMP/idsrc" "$B/rootfs/idm" && touch "$TEST_TMP/idsrc/f"
	jq --arg d "$TEST_TMP/idsrc" '.mounts += [{"destination":"/idm","type":"bind","source":$d,"options":["bind","idmap"]}]' \
	  "$B/config.json" >"$B/c" && mv "$B/c" "$B/config.json"
	in_container -- 'ls -ln /idm/f'
	[ "$status" -eq 0 ]
	echo "$output" | grep -qE '^-[-rwx]+ +1 0 +0 '
}

@test "rootfs: sysctls of the container's namespaces are applied, not the host's" {
	rootfs_bundle sysctl '.linux.sysctl={"net.ipv4.ip_forward":"1","kernel.shmmax":"123456789","kernel.domainname":"example.test"}'
	in_container -- 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmax /proc/sys/kernel/domainname'
	[ "$status" -eq 0 ]
	[ "$(echo $output)" = "1 123456789 example.test" ]
	[ "$(cat /proc/sys/kernel/domainname)" != example.test ]
}

@test "rootfs: --no-pivot, root.readonly and rootfsPropagation" {
	rootfs_bundle nopivot '.root.readonly=true | .linux.rootfsPropagation="shared"'
	in_container --no-pivot -- 'cat /proc/self/mountinfo; touch /x; touch /dev/shm/ok && echo shm-writable'
	[ "$status" -eq 0 ]
	[[ "$output" == *"Read-only file system"* ]]
	[[ "$output" == *shm-writable* ]]
	echo "$output" | awk '$5 == "/" && $4 != "/"' | tail -1 | grep -qE 'shared:[0-9]+'
}

@test "rootfs: root.readonly with pivot_root and a private root" {
	rootfs_bundle pivot '.root.readonly=true | .linux.rootfsPropagation="private"'
	in_container -- 'cat /proc/self/mountinfo; touch /x'
	[[ "$output" == *"Read-only file system"* ]]
	[[ "$(mountinfo_of /)" == ro,* ]]
	! echo "$output" | awk '$5 == "/"' | grep -qE 'shared:|master:'
}

@test "rootfs: in a user namespace devices are bound and sysfs falls back to a bind of /sys" {
	rootfs_bundle userns '.linux.namespaces=[{"type":"pid"},{"type":"mount"},{"type":"ipc"},{"type":"uts"},{"type":"user"}]
	  | .linux.uidMappings=[{"containerID":0,"hostID":100000,"size":65536}] | .linux.gidMappings=[{"containerID":0,"hostID":100000,"size":65536}]
	  | .linux.devices=[{"path":"/dev/fuse","type":"c","major":10,"minor":229}]'
	in_container -- 'cat /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[[ "$(mountinfo_of /dev/null)" == *" - devtmpfs "* ]]
	[[ "$(mountinfo_of /dev/fuse)" == *" - devtmpfs "* ]]
	[[ "$(mountinfo_of /sys)" =~ ^ro,nosuid,nodev,noexec.*\ -\ sysfs ]]
}

@test "rootfs: failures name the config path and leave no mount on the host" {
	local t="$TEST_TMP"
	# jq filter => expected message
	local cases=(
		".mounts += [{\"destination\":\"/m\",\"type\":\"bind\",\"source\":\"$t/nope\",\"options\":[\"rbind\"]}] => mounts\\[6\\]\\.source: .*nope.*No such file or directory"
		'.mounts += [{"destination":"/m","type":"nosuchfs","source":"x"}] => mounts\[6\]: mount nosuchfs .*No such device'
		'.mounts += [{"destination":"/m","type":"tmpfs","source":"tmpfs","options":["size=lots"]}] => mounts\[6\]: mount tmpfs .*size=lots.*Invalid argument'
		'.linux.devices=[{"path":"/dev/x","type":"q","major":1,"minor":1}] => linux\.devices\[0\]\.type'
		'.linux.devices=[{"path":"/etc/passwd","type":"c","major":1,"minor":3}] => linux\.devices\[0\]\.path: "/etc/passwd" already exists'
		'.linux.sysctl={"kernel.pid_max":"40000"} => linux\.sysctl\.kernel\.pid_max: .*not namespaced'
		'.linux.namespaces=[{"type":"pid"},{"type":"mount"}] | .linux.sysctl={"net.ipv4.ip_forward":"1"} => linux\.sysctl\.net\.ipv4\.ip_forward: .*network namespace'
		'.mounts += [{"destination":"/proc/sys/kernel/core_pattern","type":"bind","source":"/etc/hostname","options":["bind"]}] => mounts\[6\]\.destination: .*inside procfs'
		'.mounts += [{"destination":"/m","source":"x"}] => mounts\[6\]\.type: missing'
		".mounts += [{\"destination\":\"/m\",\"type\":\"bind\",\"source\":\"/tmp\",\"options\":[\"bind\",\"idmap\"]}] => mounts\\[6\\]: idmap without uidMappings/gidMappings"
		'.mounts += [{"destination":"/m","type":"proc","source":"proc","options":["tmpcopyup"]}] => mounts\[6\]: tmpcopyup is only for type tmpfs'
	)
	local c n=0
	for c in "${cases[@]}"; do
		n=$((n + 1))
		rootfs_bundle "fail$n" "${c%% => *}"
		in_container -- 'echo should-not-run'
		expect_failure "${c#* => }"
	done
}

#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# skiff spec: a default config.json that runc accepts; skiff features: features.md JSON.

load helpers

@test "spec writes a valid config.json with runc's keys" {
	run "$SKIFF" spec --bundle "$TEST_TMP"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	jq -e '
		.ociVersion == "1.3.0" and .process.terminal == true and .process.args == ["sh"] and
		.root.path == "rootfs" and
		.process.capabilities.bounding == ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"] and
		([.mounts[].destination] == ["/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/sys/fs/cgroup"]) and
		([.linux.namespaces[].type] | sort) == ["cgroup", "ipc", "mount", "network", "pid", "uts"] and
		(.linux.maskedPaths | index("/proc/kcore")) != null and
		(.linux.readonlyPaths | index("/proc/sys")) != null' "$TEST_TMP/config.json"
}

@test "spec refuses to overwrite config.json" {
	"$SKIFF" spec --bundle "$TEST_TMP"
	echo '{}' >"$TEST_TMP/config.json"
	run "$SKIFF" spec -b "$TEST_TMP"
	[ "$status" -eq 1 ]
	[[ "$output" == *"File config.json exists. Remove it first"* ]]
	[ "$(cat "$TEST_TMP/config.json")" = '{}' ]
}

@test "spec without --bundle writes into the current directory" {
	cd "$TEST_TMP"
	run "$SKIFF" spec
	[ "$status" -eq 0 ]
	jq -e .process "$TEST_TMP/config.json"
}

@test "spec --rootless: user namespace with the current ids, no network ns, sysfs rbind" {
	run "$SKIFF" spec --rootless --bundle "$TEST_TMP"
	[ "$status" -eq 0 ]
	jq -e --argjson u "$(id -u)" --argjson g "$(id -g)" '
		.linux.uidMappings == [{"containerID": 0, "hostID": $u, "size": 1}] and
		.linux.gidMappings == [{"containerID": 0, "hostID": $g, "size": 1}] and
		([.linux.namespaces[].type] | index("user")) != null and
		([.linux.namespaces[].type] | index("network")) == null and
		(.mounts[] | select(.destination == "/sys") | .type == "none" and (.options | index("rbind")) != null) and
		(.linux.resources == null)' "$TEST_TMP/config.json"
}

@test "spec has the same keys as runc spec (plus the cgroup namespace)" {
	command -v runc >/dev/null || skip "runc not installed"
	mkdir "$TEST_TMP/s" "$TEST_TMP/r"
	"$SKIFF" spec --bundle "$TEST_TMP/s"
	(cd "$TEST_TMP/r" && runc spec)
	keys() { jq -r '[paths | map(tostring) | join(".")] | .[]' "$1" | sort -u; }
	diff <(keys "$TEST_TMP/s/config.json" | grep -v '^linux\.namespaces\.5') \
		<(keys "$TEST_TMP/r/config.json")
}

@test "runc accepts skiff's spec: create + state + delete of a busybox bundle" {
	[ "$(id -u)" = 0 ] || skip "needs root"
	command -v runc >/dev/null || skip "runc not installed"
	command -v unshare >/dev/null || skip "unshare missing"
	make_bundle "$TEST_TMP/b" sleep 30
	local rroot="$TEST_TMP/runc" id="skiff-spec-$$-$RANDOM"
	# A private mount namespace, with an empty tmpfs over the cgroup2 part of a hybrid
	# hierarchy (runc 1.1 would otherwise try to use it); runc's cgroups nest in ours.
	run unshare -m sh -c '
		if mountpoint -q /sys/fs/cgroup/unified; then mount -t tmpfs none /sys/fs/cgroup/unified; fi
		runc --root "$1" create --bundle "$2" "$3" || exit 10
		runc --root "$1" state "$3" >"$4/state.out"; r=$?
		runc --root "$1" delete --force "$3" || exit 11
		exit $r' sh "$rroot" "$TEST_TMP/b" "$id" "$TEST_TMP"
	echo "$output"
	[ "$status" -eq 0 ]
	jq -e --arg id "$id" '.id == $id and .status == "created"' "$TEST_TMP/state.out"
}

@test "features: JSON on stdout only, with the features.md shape" {
	run --separate-stderr "$SKIFF" features
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	echo "$output" | jq -e '
		.ociVersionMin == "1.0.0" and .ociVersionMax == "1.3.0" and
		(.hooks | type) == "array" and (.mountOptions | type) == "array" and
		(.linux.namespaces | type) == "array" and (.linux.capabilities | type) == "array" and
		(.linux.cgroup | type) == "object" and (.linux.seccomp.enabled | type) == "boolean" and
		(.linux.apparmor.enabled | type) == "boolean" and (.linux.selinux.enabled | type) == "boolean" and
		(.linux.mountExtensions.idmap.enabled | type) == "boolean" and
		(.annotations | type) == "object" and
		.annotations["org.opencontainers.runc.checkpoint.enabled"] == "false" and
		(.annotations["io.github.seccomp.libseccomp.version"] | test("^[0-9]")) and
		(.potentiallyUnsafeConfigAnnotations | type) == "array"'
}

@test "features: honest (lists what works: namespaces, mount options, idmap; capabilities; cgroup v1 and v2; seccomp, hooks)" {
	run "$SKIFF" features
	[ "$status" -eq 0 ]
	echo "$output" | jq -e '
		(.linux.namespaces | sort) == ["cgroup","ipc","mount","network","pid","time","user","uts"] and
		(.mountOptions | index("rro")) != null and (.mountOptions | index("idmap")) != null and
		(.mountOptions | index("tmpcopyup")) != null and .linux.mountExtensions.idmap.enabled == true and
		.hooks == ["prestart","createRuntime","createContainer","startContainer","poststart","poststop"] and (.linux.capabilities | length) == 41 and .linux.seccomp.enabled == true and
		.linux.cgroup == {"v1": true, "v2": true, "systemd": false, "systemdUser": false, "rdma": true} and
		.annotations["org.opencontainers.runc.checkpoint.enabled"] == "false"'
	run "$SKIFF" features extra
	[ "$status" -eq 1 ]
}

@test "features validates against the runtime-spec features schema" {
	"$SKIFF" features >"$TEST_TMP/f.json"
	validate_schema features-schema.json "$TEST_TMP/f.json"
}

@test "spec output validates against the runtime-spec config schema" {
	"$SKIFF" spec --bundle "$TEST_TMP"
	validate_schema config-schema.json "$TEST_TMP/config.json"
	mkdir "$TEST_TMP/r"
	"$SKIFF" spec --rootless --bundle "$TEST_TMP/r"
	validate_schema config-schema.json "$TEST_TMP/r/config.json"
}

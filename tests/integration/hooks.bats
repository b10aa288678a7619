#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# OCI hooks (config.md "POSIX-platform Hooks", runtime.md lifecycle): each of the six phases at
# its point of create/start/run/delete and in its namespaces, the state on stdin, args and env
# as configured, timeouts, and what a failing hook does to the operation.

load helpers

# The init holds the caller's stdio until the program exits: create and run send it to files.
quiet() { "$@" </dev/null >"$TEST_TMP/stdout" 2>"$TEST_TMP/stderr"; }

# A hook that records what it sees, under $OUT (an env entry of the hook), named by its first
# argument: the phase in $OUT/order, its mount/pid/net namespaces, its stdin, env and args.
write_recorder() {
	cat >"$1" <<'EOF'
#!/bin/sh
p="$1"
echo "$p" >>"$OUT/order"
for n in mnt pid net; do readlink "/proc/self/ns/$n" >"$OUT/$p.$n"; done
cat >"$OUT/$p.stdin"
env >"$OUT/$p.env"
echo "$*" >"$OUT/$p.args"
EOF
	chmod +x "$1"
}

# bundle [cmd args...]: a busybox bundle in $B, with $B/out bound at /out. The recorder is
# $REC on the host (records into $R) and /rec in the rootfs (records into /out = $B/out), for
# startContainer, whose path resolves in the container.
bundle() {
	B="$TEST_TMP/bundle"
	R="$TEST_TMP/rec"
	REC="$TEST_TMP/recorder.sh"
	make_bundle "$B" "$@"
	mkdir -p "$B/out" "$B/rootfs/out" "$R"
	write_recorder "$REC"
	write_recorder "$B/rootfs/rec"
	jq --arg d "$B/out" '.mounts += [{"destination":"/out","type":"bind","source":$d,"options":["rbind"]}]' \
		"$B/config.json" >"$B/c" && mv "$B/c" "$B/config.json"
}

# set_hooks JQ-EXPR: `.hooks = EXPR` in the bundle's config, with $rec, $out, $tmp bound and
# rec(PHASE) = the host's recorder hook for that phase.
set_hooks() {
	jq --arg rec "$REC" --arg out "$R" --arg tmp "$TEST_TMP" \
		"def rec(p): {path: \$rec, args: [\"rec\", p], env: [\"OUT=\" + \$out]}; .hooks = ($1)" \
		"$B/config.json" >"$B/c" && mv "$B/c" "$B/config.json"
}

# All six phases, each a recorder named after its phase.
all_hooks() {
	set_hooks '{
		prestart: [rec("prestart")],
		createRuntime: [rec("createRuntime")],
		createContainer: [rec("createContainer")],
		startContainer: [{path: "/rec", args: ["rec", "startContainer"], env: ["OUT=/out"]}],
		poststart: [rec("poststart")],
		poststop: [rec("poststop")]}'
}

# order: every phase recorded, in order, one line (the startContainer ones are merged in
# by their place: they are recorded in $B/out).
order() { cat "$R/order" | tr '\n' ' '; }

host_ns() { readlink "/proc/self/ns/$1"; }
init_ns() { readlink "/proc/$1/ns/$2"; }

@test "hooks: all six phases over create, start and delete, in order, in their namespaces" {
	bundle sleep 1000
	all_hooks
	quiet skiff create --bundle "$B" c1
	pid="$(skiff state c1 | jq .pid)"
	[ "$(order)" = "prestart createRuntime createContainer " ]
	[ ! -e "$B/out/order" ]
	# Runtime namespace: prestart and createRuntime run in skiff's.
	for p in prestart createRuntime; do
		for n in mnt pid net; do [ "$(cat "$R/$p.$n")" = "$(host_ns $n)" ]; done
	done
	# createContainer: in the container's (its path resolved on the host, before pivot_root).
	for n in mnt pid net; do [ "$(cat "$R/createContainer.$n")" = "$(init_ns "$pid" $n)" ]; done
	[ "$(skiff state c1 | jq -r .status)" = created ]

	run timeout -k 5 10 "$SKIFF" --root "$ROOT" start c1
	[ "$status" -eq 0 ]
	# startContainer ran in the container (its path /rec is the rootfs's), before poststart.
	[ "$(cat "$B/out/order")" = startContainer ]
	for n in mnt pid net; do [ "$(cat "$B/out/startContainer.$n")" = "$(init_ns "$pid" $n)" ]; done
	[ "$(order)" = "prestart createRuntime createContainer poststart " ]
	for n in mnt pid net; do [ "$(cat "$R/poststart.$n")" = "$(host_ns $n)" ]; done
	# poststart: the program runs by then (the init exec'd it: same pid).
	[ "$(cat /proc/$pid/comm)" = sleep ]

	run timeout -k 5 10 "$SKIFF" --root "$ROOT" delete --force c1
	[ "$status" -eq 0 ]
	[ "$(order)" = "prestart createRuntime createContainer poststart poststop " ]
	for n in mnt pid net; do [ "$(cat "$R/poststop.$n")" = "$(host_ns $n)" ]; done
	[ ! -d "$ROOT/c1" ]
}

@test "hooks: with a user namespace too, each phase in its namespaces" {
	bundle sleep 1000
	all_hooks
	sed -i 's|for n in mnt pid net;|for n in mnt pid net user;|' "$REC" "$B/rootfs/rec"
	jq '.linux.namespaces += [{"type":"user"}]
		| .linux.uidMappings=[{"containerID":0,"hostID":100000,"size":65536}]
		| .linux.gidMappings=[{"containerID":0,"hostID":200000,"size":65536}]' \
		"$B/config.json" >"$B/c" && mv "$B/c" "$B/config.json"
	# The container's root (host uid 100000) runs createContainer and startContainer.
	chmod 755 "$TEST_TMP"
	chmod 777 "$R" "$B/out"
	touch "$R/order" && chmod 666 "$R/order"
	quiet skiff create --bundle "$B" u1 || { cat "$TEST_TMP/stderr"; false; }
	pid="$(skiff state u1 | jq .pid)"
	timeout -k 5 10 "$SKIFF" --root "$ROOT" start u1
	for n in mnt pid net user; do
		[ "$(cat "$R/createContainer.$n")" = "$(init_ns "$pid" $n)" ]
		[ "$(cat "$B/out/startContainer.$n")" = "$(init_ns "$pid" $n)" ]
		[ "$(init_ns "$pid" $n)" != "$(host_ns $n)" ]
	done
	timeout -k 5 10 "$SKIFF" --root "$ROOT" delete --force u1
	[ "$(order)" = "prestart createRuntime createContainer poststart poststop " ]
	for n in mnt pid net user; do
		for p in prestart createRuntime poststart poststop; do [ "$(cat "$R/$p.$n")" = "$(host_ns $n)" ]; done
	done
}

@test "hooks: the state on stdin, with the status of each phase" {
	bundle sleep 1000
	all_hooks
	quiet skiff create --bundle "$B" c2
	pid="$(skiff state c2 | jq .pid)"
	timeout -k 5 10 "$SKIFF" --root "$ROOT" start c2
	timeout -k 5 10 "$SKIFF" --root "$ROOT" delete --force c2
	check() { # FILE STATUS PID
		jq -e --arg b "$B" --arg s "$2" --argjson pid "$3" \
			'.id == "c2" and .status == $s and .pid == $pid and .bundle == $b and
			 .ociVersion == "1.3.0" and .rootfs == $b + "/rootfs"' "$1"
	}
	check "$R/prestart.stdin" creating "$pid"
	check "$R/createRuntime.stdin" creating "$pid"
	check "$R/createContainer.stdin" creating "$pid"
	check "$B/out/startContainer.stdin" created "$pid"
	check "$R/poststart.stdin" running "$pid"
	check "$R/poststop.stdin" stopped 0
	validate_schema state-schema.json "$R/createRuntime.stdin"
	validate_schema state-schema.json "$R/poststop.stdin"
}

@test "hooks: run calls all six in order, and deletes with poststop" {
	bundle true
	all_hooks
	run timeout -k 5 20 "$SKIFF" --root "$ROOT" run --bundle "$B" r1 </dev/null
	[ "$status" -eq 0 ]
	[ "$(order)" = "prestart createRuntime createContainer poststart poststop " ]
	[ "$(cat "$B/out/order")" = startContainer ]
	jq -e '.status == "running"' "$R/poststart.stdin"
	[ ! -d "$ROOT/r1" ]
}

@test "hooks: a foreground run whose program ends while poststart runs still sees it end" {
	bundle sh -c 'exit 3'
	set_hooks '{poststart: [{path: "/bin/busybox", args: ["sleep", "1"]}]}'
	run timeout -k 5 20 "$SKIFF" --root "$ROOT" run --bundle "$B" r5 </dev/null
	[ "$status" -eq 3 ]
	[ ! -d "$ROOT/r5" ]
}

@test "hooks: run --detach runs the create and start hooks; delete the poststop ones" {
	bundle sleep 1000
	all_hooks
	quiet timeout -k 5 20 "$SKIFF" --root "$ROOT" run -d --bundle "$B" r2
	[ "$(order)" = "prestart createRuntime createContainer poststart " ]
	[ "$(cat "$B/out/order")" = startContainer ]
	[ "$(skiff state r2 | jq -r .status)" = running ]
	timeout -k 5 10 "$SKIFF" --root "$ROOT" delete --force r2
	[ "$(order)" = "prestart createRuntime createContainer poststart poststop " ]
}

@test "hooks: args (args[0] is argv[0]) and exactly the env given, nothing of skiff's" {
	bundle sleep 1000
	# busybox picks its applet by argv[0]: "sh" only if args[0] reaches it as argv[0].
	set_hooks '{createRuntime: [
		{path: $rec, args: ["rec", "createRuntime", "two words", "x"], env: ["OUT=" + $out, "A=1", "B=b c"]},
		{path: "/bin/busybox", args: ["sh", "-c", "echo \"$0|$1\" > " + $tmp + "/argv0", "zero", "one"]},
		{path: "/bin/busybox", args: ["env"]}]}'
	LEAK_CHECK=leaked quiet skiff create --bundle "$B" c3
	[ "$(cat "$R/createRuntime.args")" = "createRuntime two words x" ]
	grep -qx 'A=1' "$R/createRuntime.env"
	grep -qx 'B=b c' "$R/createRuntime.env"
	! grep -q LEAK_CHECK "$R/createRuntime.env"
	[ "$(cat "$TEST_TMP/argv0")" = "zero|one" ]
	# No env given: an empty environment (`env` prints it on our stdout, create's).
	[ ! -s "$TEST_TMP/stdout" ]
}

@test "hooks: no fd of skiff's, no blocked or ignored signal reaches a hook" {
	bundle sleep 1000
	# The hooks print on their stdout, create's: ls's own fd 3 is the directory it reads.
	set_hooks '{
		createRuntime: [{path: "/bin/busybox", args: ["ls", "/proc/self/fd"]},
			{path: "/bin/busybox", args: ["grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status"]}],
		createContainer: [{path: "/bin/busybox", args: ["ls", "/proc/self/fd"]},
			{path: "/bin/busybox", args: ["grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status"]}]}'
	# Something blocked and ignored in skiff's caller, and an fd open past 2.
	(trap '' USR1; exec 7</dev/null; quiet skiff --log "$TEST_TMP/log" create --bundle "$B" c4)
	grep -q 'SigIgn:.*[1-9a-f]' <(trap '' USR1; cat /proc/self/status) # the trap does reach a child
	cat "$TEST_TMP/stdout"
	[ "$(grep -cx '[0-3]' "$TEST_TMP/stdout")" -eq 8 ]
	[ "$(grep -c . "$TEST_TMP/stdout")" -eq 12 ]
	[ "$(grep -c '^SigBlk:[[:space:]]*0000000000000000$' "$TEST_TMP/stdout")" -eq 2 ]
	[ "$(grep -c '^SigIgn:[[:space:]]*0000000000000000$' "$TEST_TMP/stdout")" -eq 2 ]

	# A foreground run blocks the signals it forwards: its hooks start with none blocked.
	set_hooks '{
		createRuntime: [{path: "/bin/busybox", args: ["grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status"]}],
		poststart: [{path: "/bin/busybox", args: ["grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status"]}]}'
	jq '.process.args = ["true"]' "$B/config.json" >"$B/c" && mv "$B/c" "$B/config.json"
	quiet timeout -k 5 20 "$SKIFF" --root "$ROOT" run --bundle "$B" r4
	cat "$TEST_TMP/stdout"
	[ "$(grep -c '^SigBlk:[[:space:]]*0000000000000000$' "$TEST_TMP/stdout")" -eq 2 ]
	[ "$(grep -c '^SigIgn:[[:space:]]*0000000000000000$' "$TEST_TMP/stdout")" -eq 2 ]
}

@test "hooks: a createRuntime hook past its timeout is killed and fails create; all is undone" {
	bundle sleep 1000
	set_hooks '{createRuntime: [{path: "/bin/busybox", timeout: 1, args: ["sh", "-c",
		"cat > " + $tmp + "/st.json; echo $$ > " + $tmp + "/hook.pid; exec sleep 60"]}],
		createContainer: [rec("createContainer")]}'
	SECONDS=0
	run timeout -k 5 20 "$SKIFF" --root "$ROOT" create --bundle "$B" c5 </dev/null
	[ "$status" -ne 0 ]
	[ "$SECONDS" -lt 10 ]
	[[ "$output" == *"hooks.createRuntime[0]: timed out after 1s"* ]]
	[ ! -d "$ROOT/c5" ]
	[ ! -e "$R/order" ] # createContainer never ran
	pid="$(jq .pid "$TEST_TMP/st.json")"
	[ "$pid" -gt 0 ]
	! kill -0 "$pid" 2>/dev/null         # the init is gone
	! kill -0 "$(cat "$TEST_TMP/hook.pid")" 2>/dev/null # and the hook
}

@test "hooks: a failing createRuntime hook fails create: no state, no process, poststop runs" {
	bundle sleep 1000
	set_hooks '{createRuntime: [
		{path: "/bin/busybox", args: ["sh", "-c", "cat > " + $tmp + "/st.json"]},
		{path: "/bin/busybox", args: ["sh", "-c", "exit 3"]},
		rec("createRuntime")],
		createContainer: [rec("createContainer")],
		poststop: [rec("poststop")]}'
	run timeout -k 5 20 "$SKIFF" --root "$ROOT" create --bundle "$B" c6 </dev/null
	[ "$status" -eq 1 ]
	[[ "$output" == *'hooks.createRuntime[1]: "/bin/busybox" exited with status 3'* ]]
	[ ! -d "$ROOT/c6" ]
	! kill -0 "$(jq .pid "$TEST_TMP/st.json")" 2>/dev/null
	# The later hooks did not run; poststop did (runtime.md: on to steps 12 and 13).
	[ "$(order)" = "poststop " ]
	jq -e '.status == "stopped" and .pid == 0' "$R/poststop.stdin"
}

@test "hooks: a failing prestart or createContainer hook fails create, undone" {
	bundle sleep 1000
	set_hooks '{prestart: [{path: "/bin/busybox", args: ["sh", "-c", "exit 4"]}],
		createRuntime: [rec("createRuntime")]}'
	run timeout -k 5 20 "$SKIFF" --root "$ROOT" create --bundle "$B" c7 </dev/null
	[ "$status" -eq 1 ]
	[[ "$output" == *'hooks.prestart[0]: "/bin/busybox" exited with status 4'* ]]
	[ ! -d "$ROOT/c7" ]
	[ ! -e "$R/order" ]

	set_hooks '{createContainer: [{path: "/bin/busybox", args: ["sh", "-c",
		"cat > " + $tmp + "/st.json; kill -9 $$"]}]}'
	run timeout -k 5 20 "$SKIFF" --root "$ROOT" create --bundle "$B" c7 </dev/null
	[ "$status" -eq 1 ]
	[[ "$output" == *'hooks.createContainer[0]: "/bin/busybox" was killed by signal 9 (SIGKILL)'* ]]
	[ ! -d "$ROOT/c7" ]
	! kill -0 "$(jq .pid "$TEST_TMP/st.json")" 2>/dev/null
}

@test "hooks: a hook's exit status is seen even when skiff's caller ignores SIGCHLD" {
	bundle sleep 1000
	set_hooks '{createContainer: [{path: "/bin/busybox", args: ["sh", "-c", "exit 9"]}]}'
	run timeout -k 5 20 bash -c "trap '' CHLD; exec \"\$0\" --root \"\$1\" create --bundle \"\$2\" c14 </dev/null" \
		"$SKIFF" "$ROOT" "$B"
	[ "$status" -eq 1 ]
	[[ "$output" == *'hooks.createContainer[0]: "/bin/busybox" exited with status 9'* ]]
	[ ! -d "$ROOT/c14" ]
	set_hooks '{createRuntime: [{path: "/bin/busybox", args: ["sh", "-c", "exit 8"]}],
		poststart: [{path: "/bin/busybox", args: ["true"]}]}'
	run timeout -k 5 20 bash -c "trap '' CHLD; exec \"\$0\" --root \"\$1\" create --bundle \"\$2\" c14 </dev/null" \
		"$SKIFF" "$ROOT" "$B"
	[ "$status" -eq 1 ]
	[[ "$output" == *'hooks.createRuntime[0]: "/bin/busybox" exited with status 8'* ]]
}

@test "hooks: the longest timeout the spec allows is no timeout, not an overflow" {
	bundle sleep 1000
	# (jq 1.6 would round it: set by sed)
	set_hooks '{createRuntime: [{path: "/bin/busybox", timeout: 12345, args: ["true"]}]}'
	sed -i 's/"timeout": *12345/"timeout":9223372036854775807/' "$B/config.json"
	grep -q '"timeout":9223372036854775807' "$B/config.json"
	quiet timeout -k 5 20 "$SKIFF" --root "$ROOT" create --bundle "$B" c15
	[ "$(skiff state c15 | jq -r .status)" = created ]
}

@test "hooks: a hook that cannot be executed fails create, naming it" {
	bundle sleep 1000
	set_hooks '{createRuntime: [{path: ($tmp + "/no-such-hook")}]}'
	run timeout -k 5 20 "$SKIFF" --root "$ROOT" create --bundle "$B" c8 </dev/null
	[ "$status" -eq 1 ]
	[[ "$output" == *"hooks.createRuntime[0]: exec \"$TEST_TMP/no-such-hook\": No such file or directory"* ]]
	[ ! -d "$ROOT/c8" ]
}

@test "hooks: a failing startContainer hook fails start; the program never runs" {
	bundle sh -c 'echo ran > /out/ran; sleep 1000'
	set_hooks '{startContainer: [{path: "/bin/sh", args: ["sh", "-c", "exit 5"]}],
		poststart: [rec("poststart")]}'
	quiet skiff create --bundle "$B" c9
	run timeout -k 5 10 "$SKIFF" --root "$ROOT" start c9
	[ "$status" -eq 1 ]
	[[ "$output" == *'hooks.startContainer[0]: "/bin/sh" exited with status 5'* ]]
	[ ! -e "$B/out/ran" ]
	[ ! -e "$R/order" ] # no poststart
	wait_for sh -c "[ \"\$('$SKIFF' --root '$ROOT' state c9 | jq -r .status)\" = stopped ]"
	run timeout -k 5 10 "$SKIFF" --root "$ROOT" delete c9
	[ "$status" -eq 0 ]
}

@test "hooks: a failing startContainer hook fails run, nothing left; poststop runs" {
	bundle sh -c 'echo ran > /out/ran'
	set_hooks '{startContainer: [{path: "/bin/sh", args: ["sh", "-c", "exit 6"]}],
		poststart: [rec("poststart")],
		poststop: [rec("poststop")]}'
	run timeout -k 5 20 "$SKIFF" --root "$ROOT" run --bundle "$B" r3 </dev/null
	[ "$status" -eq 1 ]
	[[ "$output" == *'hooks.startContainer[0]: "/bin/sh" exited with status 6'* ]]
	[ ! -d "$ROOT/r3" ]
	[ ! -e "$B/out/ran" ]
	[ "$(order)" = "poststop " ]
}

@test "hooks: a failing poststart hook is a warning: start succeeds, the next hook runs" {
	bundle sleep 1000
	set_hooks '{poststart: [{path: "/bin/busybox", args: ["sh", "-c", "exit 7"]},
		rec("poststart")]}'
	quiet skiff create --bundle "$B" c10
	run timeout -k 5 10 "$SKIFF" --root "$ROOT" --log "$TEST_TMP/log" --log-format json start c10
	[ "$status" -eq 0 ]
	[ "$(skiff state c10 | jq -r .status)" = running ]
	[ "$(order)" = "poststart " ]
	jq -e 'select(.level == "warning") | .msg | contains("hooks.poststart[0]: \"/bin/busybox\" exited with status 7")' \
		"$TEST_TMP/log"
}

@test "hooks: a failing poststop hook is a warning: delete succeeds, the next hook runs" {
	bundle sleep 1000
	set_hooks '{poststop: [{path: "/bin/busybox", timeout: 1, args: ["sh", "-c", "exec sleep 60"]},
		rec("poststop")]}'
	quiet skiff create --bundle "$B" c11
	run timeout -k 5 20 "$SKIFF" --root "$ROOT" --log "$TEST_TMP/log" --log-format json delete c11
	[ "$status" -eq 0 ]
	[ ! -d "$ROOT/c11" ]
	[ "$(order)" = "poststop " ]
	jq -e 'select(.level == "warning") | .msg | contains("hooks.poststop[0]: timed out after 1s")' \
		"$TEST_TMP/log"
}

@test "hooks: start and delete use the hooks of create time, not an edited config.json" {
	bundle sleep 1000
	set_hooks '{poststart: [rec("poststart")],
		poststop: [rec("poststop")]}'
	quiet skiff create --bundle "$B" c12
	set_hooks '{poststart: [{path: "/bin/false"}], poststop: [{path: "/bin/false"}]}'
	timeout -k 5 10 "$SKIFF" --root "$ROOT" start c12
	timeout -k 5 10 "$SKIFF" --root "$ROOT" delete --force c12
	[ "$(order)" = "poststart poststop " ]
}

@test "hooks: a container without hooks keeps none in its state" {
	bundle sleep 1000
	quiet skiff create --bundle "$B" c13
	[ "$(jq -r .config "$ROOT/c13/state.json" | jq .hooks)" = null ]
	timeout -k 5 10 "$SKIFF" --root "$ROOT" start c13
	[ "$(skiff state c13 | jq -r .status)" = running ]
}

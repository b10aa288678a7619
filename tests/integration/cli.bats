#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Command line: parsing forms, help, version, errors, not-implemented commands.

load helpers

@test "--version: skiff version, spec, libseccomp, yajl, libcap" {
	run "$SKIFF" --version
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^skiff\ version\ [0-9]+\.[0-9]+\.[0-9]+ ]]
	[ "${lines[1]}" = "spec: 1.3.0" ]
	[[ "${lines[2]}" =~ ^libseccomp:\ [0-9] ]]
	[[ "${lines[3]}" =~ ^yajl:\ [0-9] ]]
	[[ "${lines[4]}" =~ ^libcap:\ [0-9] ]]
	run "$SKIFF" -v
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^skiff\ version ]]
}

@test "--help and no command print the global help, exit 0" {
	for a in --help -h ""; do
		run "$SKIFF" $a
		[ "$status" -eq 0 ]
		[[ "$output" == *USAGE* ]]
		[[ "$output" == *"--root"* ]]
		for c in create start run state kill delete exec list ps pause resume update events spec features checkpoint restore; do
			[[ "$output" == *" $c "* ]]
		done
	done
}

@test "every command has --help (usage, description, options), exit 0" {
	for c in create start run state kill delete exec list ps pause resume update events spec features restore; do
		run "$SKIFF" "$c" --help
		[ "$status" -eq 0 ] || { echo "$c: $output"; false; }
		[[ "$output" == *"USAGE:"* ]]
		[[ "$output" == *"OPTIONS:"* ]]
		[[ "$output" == *"--help, -h"* ]]
		run "$SKIFF" "$c" -h
		[ "$status" -eq 0 ]
		run "$SKIFF" help "$c"
		[ "$status" -eq 0 ]
		[[ "$output" == *"skiff $c"* ]]
	done
}

@test "checkpoint --help prints the help but exits 1 while checkpointing is not implemented" {
	run "$SKIFF" checkpoint --help
	[ "$status" -eq 1 ]
	[[ "$output" == *"--image-path"* ]]
	[[ "$output" == *"skiff: checkpoint: not implemented yet"* ]]
}

@test "help shows each command's options" {
	run "$SKIFF" create --help
	for o in "--bundle DIR, -b DIR" --console-socket --pidfd-socket --pid-file --no-pivot --no-new-keyring --preserve-fds; do
		[[ "$output" == *"$o"* ]] || { echo "missing $o"; false; }
	done
	run "$SKIFF" exec --help
	for o in "--process FILE, -p FILE" "--tty, -t" "--env KEY=VALUE, -e" "--user" "--additional-gids" "--cap" --no-new-privs --process-label --apparmor --preserve-fds --ignore-paused --cgroup --cwd --detach --pid-file --console-socket --pidfd-socket; do
		[[ "$output" == *"$o"* ]] || { echo "missing $o"; false; }
	done
	run "$SKIFF" update --help
	for o in --resources --memory --memory-swap --memory-reservation --kernel-memory --kernel-memory-tcp --cpu-quota --cpu-period --cpu-rt-period --cpu-rt-runtime --cpu-shares --cpuset-cpus --cpuset-mems --pids-limit --blkio-weight --l3-cache-schema --mem-bw-schema; do
		[[ "$output" == *"$o "* ]] || { echo "missing $o"; false; }
	done
}

@test "unknown command and unknown option: clear error, exit 1" {
	run "$SKIFF" frobnicate
	[ "$status" -eq 1 ]
	[[ "$output" == *'unknown command "frobnicate"'* ]]
	run "$SKIFF" --frob list
	[ "$status" -eq 1 ]
	[[ "$output" == *"unknown option --frob"* ]]
	run skiff list --frob
	[ "$status" -eq 1 ]
	[[ "$output" == *"unknown option --frob"* ]]
	run skiff create --bundle
	[ "$status" -eq 1 ]
	[[ "$output" == *"flag needs an argument: --bundle"* ]]
}

@test "not implemented commands exit 1 with 'skiff: <command>: not implemented yet'" {
	make_bundle "$TEST_TMP/b" true
	cmds=("pause c1" "resume c1"
		"checkpoint c1" "restore --bundle $TEST_TMP/b c1")
	if ! lifecycle_built; then
		cmds+=("create --bundle $TEST_TMP/b c1" "start c1" "run --bundle $TEST_TMP/b c1"
			"run -d --bundle $TEST_TMP/b c1" "kill c1" "kill c1 9" "delete c1" "delete --force c1")
	fi
	for cmd in "${cmds[@]}"; do
		run skiff $cmd
		[ "$status" -eq 1 ] || { echo "$cmd: status $status: $output"; false; }
		name="${cmd%% *}"
		[[ "$output" == "skiff: $name: not implemented yet" ]] || { echo "$cmd: $output"; false; }
	done
}

@test "exec errors exit 255; exec usage errors exit 1" {
	run skiff exec c1 true
	[ "$status" -eq 255 ]
	[[ "$output" == "skiff: exec: not implemented yet" || "$output" == *"does not exist"* ]]
	run skiff exec c1
	[ "$status" -eq 1 ]
	[[ "$output" == *"no command given"* ]]
	run skiff exec --process "$TEST_TMP/p.json" c1
	[ "$status" -eq 255 ]
}

@test "option forms: --opt value, --opt=value, -opt value, -opt=value, short alias" {
	# spec is real: the bundle option must reach it in every form
	for form in "--bundle D" "--bundle=D" "-bundle D" "-bundle=D" "-b D" "-b=D"; do
		rm -rf "$TEST_TMP/d"
		mkdir "$TEST_TMP/d"
		run "$SKIFF" spec ${form//D/$TEST_TMP/d}
		[ "$status" -eq 0 ] || { echo "$form: $output"; false; }
		[ -f "$TEST_TMP/d/config.json" ]
	done
	# a bundle that does not exist: the lifecycle (when built) fails on it, never the parser
	for form in "--bundle $TEST_TMP/nb" "--bundle=$TEST_TMP/nb" "-bundle $TEST_TMP/nb" "-b $TEST_TMP/nb" "-b=$TEST_TMP/nb"; do
		run skiff create $form c1
		[ "$status" -eq 1 ]
		assert_parsed
	done
	# global options too, both forms
	run "$SKIFF" --root="$ROOT" list
	[ "$status" -eq 0 ]
	run "$SKIFF" -root "$ROOT" list -q
	[ "$status" -eq 0 ]
}

@test "bool options: --b, --b=true, --b=false, bad value" {
	for v in --force --force=true --force=false -f -force -f=1; do
		run skiff delete $v c1
		assert_parsed
	done
	for v in --rootless --rootless=true --rootless=false; do
		rm -f "$TEST_TMP/config.json"
		run "$SKIFF" spec $v --bundle "$TEST_TMP"
		[ "$status" -eq 0 ]
	done
	[ "$(jq '.linux.namespaces | map(.type) | index("user")' "$TEST_TMP/config.json")" = null ]
	run skiff delete --force=maybe c1
	[ "$status" -eq 1 ]
	[[ "$output" == *'invalid boolean value "maybe"'* ]]
}

@test "global --rootless true|false|auto and --systemd-cgroup, --criu, --debug are accepted" {
	for g in --rootless=true --rootless=false "--rootless auto" --systemd-cgroup "--criu /usr/sbin/criu" --debug; do
		run "$SKIFF" --root "$ROOT" $g list -q
		[ "$status" -eq 0 ] || { echo "$g: $output"; false; }
	done
	run "$SKIFF" --rootless=maybe list
	[ "$status" -eq 1 ]
	[[ "$output" == *"--rootless"* ]]
}

@test "options after positional arguments are permuted (create, delete, list)" {
	run skiff create c1 --bundle "$TEST_TMP/nb"
	[ "$status" -eq 1 ]
	assert_parsed
	run skiff delete c1 --force
	assert_parsed
	run skiff list --format json
	[ "$output" = null ]
}

@test "exec, kill and ps stop parsing at the container id" {
	# the command's own options are not taken as skiff options
	run skiff exec c1 ls -la --help
	[ "$status" -eq 255 ]
	assert_parsed
	run skiff exec -e A=1 -e B=2 -u 0:0 -g 1 -g 2 -c CAP_KILL --cwd / -t -d c1 -- sh -c true
	[ "$status" -eq 255 ]
	assert_parsed
	run skiff ps --format table c1 -ef
	[[ "$output" == "skiff: container c1 does not exist"* ]]
	run skiff ps -f json c1 --help
	[[ "$output" == "skiff: container c1 does not exist"* ]]
	run skiff ps --format xml c1
	[[ "$output" == *'invalid format "xml"'* ]]
	run skiff kill -a c1 KILL
	[ "$status" -eq 1 ]
	assert_parsed
	run skiff kill --all c1 9
	assert_parsed
}

@test "kill: signal numbers and names (with or without SIG, any case, RTMIN+n)" {
	for s in 9 15 KILL kill SIGKILL sigterm SigHup TERM USR1 RTMIN RTMIN+3 SIGRTMAX-2 64; do
		run skiff kill c1 "$s"
		assert_parsed
		[[ "$output" != *"invalid signal"* ]] || { echo "$s: $output"; false; }
	done
	for s in 0 65 FOO SIGFOO RTMIN+99 -9 9x ""; do
		run skiff kill c1 "$s"
		[ "$status" -eq 1 ]
		[[ "$output" == *"invalid signal"* ]] || { echo "$s: $output"; false; }
	done
}

@test "restore: single-dash -no-subreaper, --lsm-profile, --lsm-mount-context needs an argument" {
	make_bundle "$TEST_TMP/b" true
	run skiff restore --image-path "$TEST_TMP/i" --work-path "$TEST_TMP/w" --detach \
		--pid-file "$TEST_TMP/p" --no-pivot -no-subreaper --tcp-established --tcp-close \
		--file-locks --lsm-profile=selinux:x --lsm-mount-context=ctx --empty-ns network \
		--manage-cgroups-mode soft --bundle "$TEST_TMP/b" c1
	[ "$status" -eq 1 ]
	[[ "$output" == "skiff: restore: not implemented yet" ]]
	run "$SKIFF" restore --lsm-mount-context
	[ "$status" -ne 0 ]
	[[ "$output" == *"flag needs an argument"* ]]
}

@test "checkpoint accepts the flags go-runc, podman and CRI-O send" {
	run skiff checkpoint --image-path "$TEST_TMP/i" --work-path "$TEST_TMP/w" --parent-path ../p \
		--leave-running --tcp-established --ext-unix-sk --shell-job --page-server 1.2.3.4:5 \
		--file-locks --manage-cgroups-mode=full --empty-ns network --empty-ns ipc --lazy-pages \
		--status-fd 3 --pre-dump c1
	[ "$status" -eq 1 ]
	[[ "$output" == "skiff: checkpoint: not implemented yet" ]]
}

@test "update and events accept their flags" {
	run skiff update --memory 1g --memory-swap -1 --memory-reservation 1m \
		--kernel-memory 1m --kernel-memory-tcp 1m --cpu-quota 1000 --cpu-period 100000 \
		--cpu-rt-period 1 --cpu-rt-runtime 1 --cpu-shares 2 --cpuset-cpus 0 --cpuset-mems 0 \
		--pids-limit 10 --blkio-weight 100 c1 </dev/null
	[ "$status" -eq 1 ]
	[[ "$output" == *"container c1 does not exist"* ]]
	run skiff update --l3-cache-schema L3:0=f --mem-bw-schema MB:0=50 c1
	[ "$status" -eq 1 ]
	[[ "$output" == *"Intel RDT"* ]]
	echo '{"pids": {"limit": 3}}' >"$TEST_TMP/r.json"
	run skiff update -r "$TEST_TMP/r.json" c1
	[[ "$output" == *"container c1 does not exist"* ]]
	run skiff events --interval=5s c1
	[[ "$output" == *"container c1 does not exist"* ]]
	run skiff events --stats c1
	[[ "$output" == *"container c1 does not exist"* ]]
}

@test "create/run accept the flags of go-runc and conmon" {
	run skiff create --bundle "$TEST_TMP/nb" --pid-file "$TEST_TMP/pid" --console-socket "$TEST_TMP/s" \
		--pidfd-socket "$TEST_TMP/pfd" --no-pivot --no-new-keyring --preserve-fds 0 --detach c1
	[ "$status" -eq 1 ]
	assert_parsed
	run skiff run --bundle "$TEST_TMP/nb" -d --keep --no-subreaper --preserve-fds=0 c1
	[ "$status" -eq 1 ]
	assert_parsed
	run skiff create --preserve-fds x c1
	[ "$status" -eq 1 ]
	[[ "$output" == *"--preserve-fds"* ]]
}

@test "wrong number of arguments" {
	run skiff create
	[ "$status" -eq 1 ]
	[[ "$output" == *'"create" requires exactly 1 argument'* ]]
	run skiff state a b
	[ "$status" -eq 1 ]
	run skiff list extra
	[ "$status" -eq 1 ]
	run skiff kill c1 9 extra
	[ "$status" -eq 1 ]
}

@test "invalid container ids are refused with 'invalid container ID format'" {
	for id in . .. a/b "a b" 'a$' '../x' "$(printf 'a\nb')" ""; do
		for cmd in create start state delete kill pause; do
			run skiff $cmd -- "$id"
			[ "$status" -eq 1 ]
			[[ "$output" == *"invalid container ID format"* ]] || { echo "$cmd '$id': $output"; false; }
		done
	done
	for id in a A0 a_b a+b a-b a.b ...; do
		run skiff state "$id"
		[[ "$output" == *"does not exist"* ]] || { echo "'$id': $output"; false; }
	done
}

@test "nothing on stdout or stderr on a silent success (spec)" {
	run "$SKIFF" spec --bundle "$TEST_TMP"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

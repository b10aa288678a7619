#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# process.terminal: the pty from the container's devpts, --console-socket (one message, one
# fd, a terminal), /dev/console, consoleSize, the runc misuse errors, and an interactive
# foreground `skiff run` driven through tmux.

load helpers

RECEIVER="$BATS_TEST_DIRNAME/console-receiver.py"

# tbundle [cmd...]: a bundle with process.terminal on.
tbundle() {
	B="$TEST_TMP/bundle"
	make_bundle "$B" "$@"
	jq '.process.terminal = true' "$B/config.json" >"$B/c" && mv "$B/c" "$B/config.json"
}

# start_receiver: the caller's listening console socket at $SOCK; output in $OUT.
start_receiver() {
	SOCK="$TEST_TMP/console.sock" OUT="$TEST_TMP/console.out"
	timeout 30 python3 "$RECEIVER" "$SOCK" "$OUT" "$@" &
	TEST_PIDS="${TEST_PIDS:-} $!"
	wait_for test -e "$OUT.ready"
}

@test "terminal: --console-socket gets one message with the pty master; the program has the pty as stdio and ctty" {
	tbundle sh -c 'tty; stty size; [ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo all-ttys;
		stat -c "console=%t:%T" /dev/console; stat -c "self=%t:%T" "$(tty)";
		cat /proc/self/stat | cut -d" " -f7; ls /proc/self/fd | tr "\n" " "; echo'
	jq '.process.consoleSize = {"height": 33, "width": 101}' "$B/config.json" >"$B/c" && mv "$B/c" "$B/config.json"
	start_receiver
	skiff create --console-socket "$SOCK" --bundle "$B" --pid-file "$TEST_TMP/pid" t1 </dev/null >"$TEST_TMP/o" 2>&1
	[ ! -s "$TEST_TMP/o" ]
	# Sent before create returned.
	wait_for test -e "$OUT.meta"
	cat "$OUT.meta"
	grep -qx 'name=/dev/pts/0 fds=1 tty=True messages=1' "$OUT.meta"
	skiff start t1
	wait_for grep -q '^0 1 2' "$OUT"
	cat "$OUT"
	grep -q '^/dev/pts/0' "$OUT"
	grep -q '^33 101' "$OUT"
	grep -q '^all-ttys' "$OUT"
	# /dev/console is the same pty (devpts major 136 = 0x88).
	grep -q '^console=88:0' "$OUT"
	grep -q '^self=88:0' "$OUT"
	# tty_nr (field 7 of stat) is non-zero: a controlling terminal.
	[ "$(sed -n 's/\r$//; 7p' "$OUT")" != 0 ]
	# fds: only 0 1 2 (+ ls's own directory fd 3).
	tr -d '\r' <"$OUT" | grep -qE '^0 1 2 3 ?$'
}

@test "terminal: misuse is refused as runc does, and leaves nothing" {
	tbundle true
	run skiff create --bundle "$B" t2
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot allocate tty if skiff will detach without setting console socket"* ]]
	[ ! -e "$ROOT/t2" ]
	run skiff run -d --bundle "$B" t2
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot allocate tty"* ]]
	jq '.process.terminal = false' "$B/config.json" >"$B/c" && mv "$B/c" "$B/config.json"
	run skiff create --console-socket "$TEST_TMP/nosock" --bundle "$B" t3
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot use console socket if skiff will not detach or allocate tty"* ]]
	[ ! -e "$ROOT/t3" ]
	# A socket nobody listens on: a clear error naming it.
	jq '.process.terminal = true' "$B/config.json" >"$B/c" && mv "$B/c" "$B/config.json"
	run skiff create --console-socket "$TEST_TMP/nosock" --bundle "$B" t4
	[ "$status" -eq 1 ]
	[[ "$output" == *"--console-socket $TEST_TMP/nosock: connect"* ]]
	[ ! -e "$ROOT/t4" ]
}

@test "terminal: run --detach with a console socket; input typed on the master reaches the program" {
	tbundle sh -c 'read line; echo "got:$line"'
	start_receiver 'hello\n'
	skiff run -d --console-socket "$SOCK" --bundle "$B" t5 </dev/null >/dev/null 2>&1
	wait_for grep -q 'got:hello' "$OUT"
}

@test "terminal: skiff run of sh is interactive under tmux (keys, window size, exit status)" {
	command -v tmux >/dev/null || skip "tmux is not installed"
	tbundle sh
	local s="skiff-test-$$-$BATS_TEST_NUMBER"
	tmux new-session -d -s "$s" -x 100 -y 30 \
		"$SKIFF --root $ROOT run --bundle $B t6; echo exit=\$? > $TEST_TMP/exit; sleep 30"
	TMUX_SESSION="$s"
	wait_for sh -c "tmux capture-pane -p -t $s | grep -q '/ #'"
	tmux send-keys -t "$s" 'echo hello-$((6*7)); stty size' Enter
	wait_for sh -c "tmux capture-pane -p -t $s | grep -qx '30 100'"
	tmux capture-pane -p -t "$s" | grep -qx 'hello-42'
	tmux resize-window -t "$s" -x 120 -y 40
	sleep 0.3
	tmux send-keys -t "$s" 'stty size' Enter
	wait_for sh -c "tmux capture-pane -p -t $s | grep -qx '40 120'"
	tmux send-keys -t "$s" 'exit 3' Enter
	wait_for test -s "$TEST_TMP/exit"
	[ "$(cat "$TEST_TMP/exit")" = exit=3 ]
	tmux kill-session -t "$s"
	[ ! -e "$ROOT/t6" ]
}

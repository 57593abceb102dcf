#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# tui-fanout-sshd.sh: the wizard's host table with two hosts of a step
# with forks: 2 running at once, through real sshd (sshd-lib.sh): it
# says how many run and how many may, each host's last line of output;
# one host's step opened says how many run beside it; ^C asks to cancel
# them all, and a yes cancels both and starts no more of its hosts.
. "$top_srcdir/tests/tui-lib.sh"
. "$top_srcdir/tests/sshd-lib.sh"
. "$top_srcdir/tests/session-lib.sh"
trap 'sshd_stop; for s in $TUI_NAMES; do tmux -L "$TUI_SOCK-$s" kill-server >/dev/null 2>&1; done; rm -rf "$TMP"' EXIT
unset SSH_AUTH_SOCK SSH_ASKPASS SSH_ASKPASS_REQUIRE

sshd_start 4
W=$TMP/world
mkdir -p "$W" "$TMP/state"
echo 1.0.0 >"$W/version"
: >"$W/hold-node1"
: >"$W/hold-node2"
tui_start f "STEPUP_SSH_CONFIG=$SSH_CONFIG STEPUP_REMOTE_DIR=$TMP/remote" \
    "STEPUP_TEST_WORLD=$W STEPUP_STATE_DIR=$TMP/state" \
    "$STEPUP run $top_srcdir/tests/data/hosts/fanout.yaml"
tui_wait f "Enter: begin the run" || finish
tui_keys f Enter
tui_wait f "Ready to upgrade" || finish
tui_keys f Enter
tui_wait f "To go on, type exactly:" || finish
tui_text f "yes, upgrade to 2.0.0"
tui_keys f Enter
wait_for "$W/held-node1" && wait_for "$W/held-node2" || finish
tui_wait_row f 3 "4 hosts, at most 2 at once: 0/4 done, 2 running, 2 waiting" || finish
tui_wait f "node1 running   agent" || finish
tui_wait f "upgrading node1, waiting for node2" || finish
tui_wait f "node2 running   agent" || finish
tui_keys f Enter
tui_wait f "2 hosts running (at most 2 at once; c cancels them all).  This one, on node1: running" || finish
tui_keys f Escape
tui_wait_row f 3 "4 hosts, at most 2 at once: 0/4 done, 2 running, 2 waiting" || finish
tui_keys f C-c
tui_wait f "Cancel the 2 hosts running now (step 2, \"Upgrade the agent to 2.0.0 (on node1)\", and its" || finish
tui_keys f y
tui_wait f "node1, step 2 (agent): failed: exit 143 (cancelled) on node1" 300 || finish
sql() { sqlite3 -batch -noheader "$TMP/state/journal.db" "$1"; }
n=0
until [ "$(sql "select count(*) from step_states where state = 'failed'")" = 2 ]; do
	n=$((n + 1)); [ $n -lt 300 ] || { fail "not both failed: $(sql "select step, state from step_states")"; break; }
	sleep 0.1
done
for h in node1 node2; do
	[ "$(sql "select reason from step_states where step = 'agent@2.0.0#$h'")" = "exit 143 (cancelled) on $h" ] ||
		fail "$h after the cancel: $(sql "select step, state, reason from step_states")"
	[ "$(sql "select count(*) from events where kind = 'cancel' and step = 'agent@2.0.0#$h'")" = 1 ] ||
		fail "no cancel of $h journaled"
done
# No more of its hosts started.
sleep 1
[ "$(sql "select count(*) from actions where step like 'agent@2.0.0#node3' or step like 'agent@2.0.0#node4'")" = 0 ] ||
	fail "a host started after the cancel: $(sql "select step, attempt from actions")"
[ -e "$W/ran-node3" ] || [ -e "$W/ran-node4" ] && fail "node3 or node4 ran after the cancel"
finish

#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# tui-rollpause-sshd.sh: the wizard's pause of a roll through real sshd
# (sshd-lib.sh, tests/data/hosts/roll.yaml): P while node1 upgrades
# pauses it, said, and batch 1 finishes; batch 2's first step is held,
# saying why and that C continues it; C does, and the step starts; the
# terminal gone while a step is held, stepup leaves.
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
tui_start p "STEPUP_SSH_CONFIG=$SSH_CONFIG STEPUP_REMOTE_DIR=$TMP/remote" \
    "STEPUP_TEST_WORLD=$W STEPUP_STATE_DIR=$TMP/state" \
    "$STEPUP run $top_srcdir/tests/data/hosts/roll.yaml"
tui_wait p "Enter: begin the run" || finish
tui_keys p Enter
tui_wait p "Ready to upgrade" || finish
tui_keys p Enter
tui_wait p "To go on, type exactly:" || finish
tui_text p "yes, upgrade to 2.0.0"
tui_keys p Enter
wait_for "$W/held-node1" || finish
tui_wait p "P pause" || finish
tui_keys p P
tui_wait p "Step 3: roll paused after the batch under way." || finish
: >"$W/release"
tui_wait p "held: roll agents is paused after batch 1 of 3: continue it first (C)." 300 || finish
sql() { sqlite3 -batch -noheader "$TMP/state/journal.db" "$1"; }
[ "$(sql "select state from step_states where step = 'agents~1@2.0.0'")" = passed ] ||
	fail "batch 1 did not finish: $(sql "select step, state from step_states")"
[ -e "$W/drained-node2" ] && fail "node2 was drained while the roll is paused"
[ "$(sql "select count(*) from events where kind = 'roll-pause' and step = 'upgrade@2.0.0#node1'")" = 1 ] ||
	fail "no pause journaled: $(sql "select kind, step, detail from events")"
rm -f "$W/release"
: >"$W/hold-node2"
tui_keys p C
wait_for "$W/drained-node2" || finish
[ "$(sql "select count(*) from events where kind = 'roll-continue' and step = 'drain@2.0.0#node2'")" = 1 ] ||
	fail "no continue journaled: $(sql "select kind, step, detail from events")"

# Paused again in the host table while node2 upgrades, then held before
# batch 3; the terminal goes away (ssh dropped): stepup leaves at once,
# the run paused, instead of reopening the held step's screen forever.
wait_for "$W/held-node2" || finish
tui_wait p "node2, step 7 (upgrade): running." || finish
tui_keys p P
tui_wait p "roll paused after the batch under way." || finish
: >"$W/release"
tui_wait p "held: roll agents is paused after batch 2 of 3: continue it first (C)." 300 || finish
[ -n "$(procs_naming "$STEPUP run $top_srcdir/tests/data/hosts/roll.yaml")" ] ||
	fail "no stepup running before the hangup"
tui_on p kill-server
n=0
while [ -n "$(procs_naming "$STEPUP run $top_srcdir/tests/data/hosts/roll.yaml")" ]; do
	n=$((n + 1))
	[ $n -lt 100 ] || {
		fail "stepup is still there 10 s after its terminal went away"
		kill -KILL $(procs_naming "$STEPUP run $top_srcdir/tests/data/hosts/roll.yaml")
		break
	}
	sleep 0.1
done
[ "$(sql "select status from runs where id = 1")" = paused ] ||
	fail "the run after the hangup: $(sql "select id, status from runs")"
[ -e "$W/drained-node4" ] && fail "node4 was drained while the roll is paused"
finish

#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# tui-leave.sh: leaving and suspending the wizard (issue 15). q, Esc and
# Ctrl-C on the checklist ask before leaving a run under way, and leaving
# prints the exact command that resumes it, --state-dir included; an arrow
# key whose bytes arrive apart is still an arrow, not Esc; Ctrl-Z gives the
# shell back with the terminal as it was while the action goes on, and fg
# redraws the wizard.
. "$top_srcdir/tests/tui-lib.sh"
tui_world
RB=$(realpath "$top_srcdir/tests/data/tui/upgrade.yaml")

tui_start l "$TUI_RUN"
tui_begin l || finish
# An arrow split across packets (Esc, then the rest of the keypad's Down,
# "OB", a moment later) moves down.
tui_keys l Escape
sleep 0.1
tui_text l "OB"
tui_wait l "Tab goes back to where the run is." || finish
tui_capture l | grep -qF "Leave?" && fail "a split arrow was taken for Esc"
tui_keys l Tab
tui_wait l "Enter opens the step" || finish
# q, Esc and Ctrl-C ask; n stays.
for key in q Escape C-c; do
	tui_keys l "$key"
	tui_wait l "Leave? The run is paused and resumes where it is." || finish
	tui_keys l n
	tui_wait_gone l "Leave? The run is paused" || finish
done
tui_keys l Escape
tui_wait l "Leave? The run is paused and resumes where it is." || finish
tui_keys l y
tui_wait l "[exit 1]" || finish
tui_wait l "stepup: paused: run 1 is unfinished; to resume it:"
# The command is one line, however the pane wraps it.
tui_on l capture-pane -p -J -t l | grep -qxF "  stepup run --state-dir $TMP/state $RB" ||
    fail "no resume command: $(tui_on l capture-pane -p -J -t l)"
# That command resumes it.
tui_start r "STEPUP_TEST_WORLD=$TMP/world $STEPUP run --state-dir $TMP/state $RB"
tui_wait r "An unfinished run of this runbook" || finish
tui_wait r "Run       1, 1.0.0 → 2.0.0"
tui_keys r Q
tui_wait r "[exit 1]"

# Ctrl-Z in an interactive shell with job control, during an action.
tui_world
: >"$TMP/world/hold"
tui_start z "sh -i"
tui_wait z "#" 50 || tui_wait z "$" 50
tui_text z "stty -g >$TMP/stty.before; $TUI_RUN"
tui_keys z Enter
tui_begin z || finish
tui_to_confirm z || finish
tui_text z "yes, upgrade to 2.0.0"
tui_keys z Enter
tui_wait z "running (attempt 1)" 300 || finish
n=100
while [ ! -e "$TMP/world/held" ] && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
tui_keys z C-z
tui_wait_gone z "running (attempt 1)" || finish
tui_text z "stty -g >$TMP/stty.after; echo suspended-ok"
tui_keys z Enter
tui_wait z "suspended-ok" || finish
cmp -s "$TMP/stty.before" "$TMP/stty.after" ||
    fail "the terminal is not as it was: $(cat "$TMP/stty.before") / $(cat "$TMP/stty.after")"
# The action goes on meanwhile: released, it ends while stepup is stopped.
: >"$TMP/world/release"
n=100
while [ "$(cat "$TMP/world/version")" != 1.1.0 ] && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
[ "$(cat "$TMP/world/version")" = 1.1.0 ] || fail "the action did not go on while stepup was suspended"
# fg: the wizard is drawn again, and follows the run from where it is.
tui_text z "fg"
tui_keys z Enter
tui_wait z "stepup · Widget  1.0.0 → 2.0.0" || finish
tui_keys z Q
tui_wait z "stepup: " || finish
STEPUP_STATE_DIR=$TMP/state "$STEPUP" show 1 >"$TMP/show" 2>&1
expect_grep "$TMP/show" "install@1.1.0"
finish

# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# tui-wait.sh: a check retried until it passes, in the wizard: the checks
# screen says which attempt and how long is left, the run screen shows
# the last attempt's output, its exit and the time left, and S stops
# waiting (the step then fails, saying so); the checklist shows the
# values a step set, secrets masked.
. "$top_srcdir/tests/tui-lib.sh"
W=$TMP/world
mkdir -p "$W" "$TMP/state"
echo 1.0.0 >"$W/version"; echo 7 >"$W/leader"; echo tok >"$W/token"
echo 1000 >"$W/answers-at"	# the leader never answers
tui_start w "STEPUP_TEST_WORLD=$W STEPUP_STATE_DIR=$TMP/state $STEPUP run $top_srcdir/tests/data/wait/wait.yaml"
tui_wait w "Enter: begin the run" || finish
tui_keys w Enter
tui_wait w "PASS  1. The cluster hands out a session token" || finish
tui_keys w Enter
tui_wait w "2. confirm Ready to upgrade" || finish
tui_keys w Up
tui_wait w "Step 1 passed; it set token=********, leader=node-7" || finish
tui_keys w Tab
tui_wait w "Step 2: ready. An exact phrase to type." || finish
tui_keys w Enter
tui_wait w "To go on, type exactly:" || finish
tui_text w "yes, upgrade"
tui_keys w Enter
# (the attempts go on meanwhile: their numbers are not waited for)
tui_wait w "Waiting until check 4 passes: attempt " 300 || finish
tui_wait w " exited 1, the next in "
tui_wait w "left to wait. o shows its"
tui_keys w o
tui_wait w "waiting until it passes: attempt " 300 || finish
tui_wait w " exited 1, the next in "
tui_wait w "left to wait.  c cancels, S"
tui_capture w | grep -Eq '^ try [0-9]+ *$' || fail "the last attempt's output is not shown: $(tui_capture w)"
tui_wait w "S stop waiting"
tui_keys w S
tui_wait w "failed: the wait ran out (1h00m) after " 300 || finish
tui_wait w "stopped by the operator: exit 1"
[ "$(sqlite3 -batch -noheader "$TMP/state/journal.db" "select count(*) from events where kind = 'note' and detail like 'the operator stopped waiting%'")" = 1 ] ||
	fail "the stop is not journaled"
tui_keys w Q
tui_wait w "[exit 1]" || finish

# A wait that runs out with timeout-means: warn is accepted, and the run
# goes on.
rm -rf "$TMP/state"; mkdir -p "$TMP/state"; echo 1.0.0 >"$W/version"
tui_start r "STEPUP_TEST_WORLD=$W STEPUP_STATE_DIR=$TMP/state $STEPUP run $top_srcdir/tests/data/wait/ranout.yaml"
tui_wait r "Enter: begin the run" || finish
tui_keys r Enter
tui_wait r "PASS  1. The check runs as nobody" || finish
tui_keys r Enter
tui_wait r "2. confirm Ready to upgrade" || finish
tui_keys r Enter
tui_wait r "To go on, type exactly:" || finish
tui_text r "yes, upgrade"
tui_keys r Enter
tui_wait r "A warning: a accepts it and goes on" 300 || finish
tui_keys r a
tui_wait r "done (run 1)" 300 || finish
[ "$(sqlite3 -batch -noheader "$TMP/state/journal.db" "select count(*) from step_states where step = 'synced@2.0.0'
    and state = 'passed' and reason like 'warning accepted (the wait ran out (2s) after % attempts: exit 1)'")" = 1 ] ||
	fail "the accepted wait: $(sqlite3 "$TMP/state/journal.db" "select * from step_states")"
tui_keys r Q
finish

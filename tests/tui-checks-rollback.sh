# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# tui-checks-rollback.sh: a failed check offers what is honest at that
# point. A pre-flight check failing before anything changed (only a task
# before the confirmation was ticked) offers to stop (Q), not to roll back:
# R does nothing there. A verification check failing after the hop's
# action ran offers R, which opens the guided rollback screen.
. "$top_srcdir/tests/tui-lib.sh"
rm -rf "$TMP/world" "$TMP/state"
mkdir -p "$TMP/world" "$TMP/state"
echo 1.0.0 >"$TMP/world/version"
: >"$TMP/world/busy"		# the pre-flight check "quiet" fails
: >"$TMP/world/broken"		# so does the verification "answers"

tui_start c "STEPUP_TEST_WORLD=$TMP/world STEPUP_STATE_DIR=$TMP/state $STEPUP run $top_srcdir/tests/data/tui/checks/gadget.yaml"
tui_wait c "Enter: begin the run" || finish
tui_keys c Enter
tui_wait c "1. manual  Tell the users" || finish
tui_keys c Enter
tui_wait c "t ticks it off" || finish
tui_keys c t
tui_wait c "A note for the journal?" || finish
tui_keys c Enter
tui_wait c "FAIL  3. No job is running" 300 || finish
tui_wait c "Nothing has changed yet" || finish
tui_wait c "Q quit" || finish
tui_capture c | grep -q "R roll back" && fail "a pre-flight failure offers R"
tui_keys c R			# nothing to roll back: not taken
sleep 0.3
tui_capture c | grep -q "Roll back Gadget" && fail "R opened the rollback screen before anything changed"
tui_wait c "FAIL  3. No job is running" || finish

# Fixed, the checks pass; past the confirmation the action runs, and the
# verification fails: now R rolls back.
rm "$TMP/world/busy"
tui_keys c r
tui_wait c "PASS  5. The gadget's name resolves" 300 || finish
tui_keys c Enter
tui_wait c "6. confirm Upgrade the gadget" || finish
tui_keys c Enter
tui_wait c "To go on, type exactly:" || finish
tui_text c "yes, upgrade"
tui_keys c Enter
tui_wait c "FAIL  8. The gadget answers as 2.0.0" 300 || finish
[ "$(cat "$TMP/world/version")" = 2.0.0 ] || fail "the install did not run"
tui_wait c "R roll back" || finish
tui_expect c checks-rollback
tui_keys c R
tui_wait c "Roll back Gadget to 1.0.0 (run 1)" || finish
tui_wait c "Undo: Install 2.0.0" || finish
tui_keys c Escape		# not now: back to the checks
tui_wait c "FAIL  8. The gadget answers as 2.0.0" || finish
tui_keys c Q
tui_wait c "[exit 1]"
finish

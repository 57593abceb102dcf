# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# tui-failing.sh: a failing action and its options: the exit status and
# the runbook's hint and "left behind" text (wrapped), a retry that fails again, a reason
# required to mark it done by hand, and the run going on after it.
. "$top_srcdir/tests/tui-lib.sh"
tui_world
mkdir "$TMP/world/data"	# the migration appends to it: it will fail
: >"$TMP/world/low-disk"	# the last check warns

tui_start f "$TUI_RUN"
tui_begin f || finish
tui_to_confirm f || finish
tui_text f "yes, upgrade to 2.0.0"
tui_keys f Enter
tui_wait f "failed: exit 2 (attempt 1)." 300 || finish
# The hint and what is left behind are wrapped, not cut at the edge.
tui_wait f "Hint: Is $TMP/world/data a file? The migration appends to it."
tui_wait f "Left behind: The data may be half migrated; restore it from the backup, which the backup step left"
tui_wait f " next to the version file, then run this step again."
tui_expect f failing-run
tui_keys f r
tui_wait f "failed: exit 2 (attempt 2)."
tui_keys f m
tui_wait f "Why is it done?"
tui_keys f Enter
tui_wait f "An answer is needed here."
tui_text f "migrated by hand from the backup"
tui_keys f Enter
tui_wait f "PASS  9. The widget reports 2.0.0" 300
tui_keys f Enter
tui_wait f "10. manual  Tell the team"
tui_keys f Enter
tui_wait f "Post in the team channel"
tui_keys f s			# optional: skipped, with a reason
tui_wait f "Why is it skipped?"
tui_text f "nobody is awake"
tui_keys f Enter
tui_wait f "WARN  11. Enough free disk left" || finish
tui_wait f "hint: free some space in $TMP/world"
tui_expect f failing-warn
tui_keys f a			# accepted: the run is done
tui_wait f "done (run 1)"
tui_wait f "!  11. check   Enough free disk left        passed"
tui_keys f Q
tui_wait f "[exit 0]"
STEPUP_STATE_DIR=$TMP/state "$STEPUP" show 1 >"$TMP/show" 2>&1
expect_grep "$TMP/show" "migrated by hand from the backup"
expect_grep "$TMP/show" "attempt 2 (the operator said run)"
finish

# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# tui-pick.sh: a bare `stepup` on a terminal offers the shipped runbooks
# (and, once one was used, its unfinished run first); Enter runs one.
. "$top_srcdir/tests/tui-lib.sh"
tui_world
pick="STEPUP_RUNBOOKS_DIR=$top_srcdir/tests/data/tui STEPUP_TEST_WORLD=$TMP/world STEPUP_STATE_DIR=$TMP/state $STEPUP"

tui_start p "$pick"
tui_wait p "Shipped runbooks" || finish
tui_expect p pick-shipped
tui_keys p Enter
tui_wait p "Enter: answer the runbook" || finish
tui_wait p "Installed  1.0.0"
tui_keys p Enter
tui_wait p "Which site is this?"
tui_keys p Escape
tui_wait p "[exit 1]"

# Begun, then left: it is offered first, to resume.
tui_start q "$TUI_RUN"
tui_begin q || finish
tui_keys q Q
tui_wait q "[exit 1]"
tui_start r "$pick"
tui_wait r "Unfinished runs (Enter resumes)" || finish
tui_wait r "run 1, 1.0.0 → 2.0.0, paused"
tui_keys r Enter
tui_wait r "An unfinished run of this runbook" || finish
# Left by quitting, not by the terminal going away under it: under
# LeakSanitizer a stepup whose terminal is killed while it exits can hang
# in the leak check at exit (seen: it spins, its tracer asleep).
tui_keys r Q
tui_wait r "[exit "
finish

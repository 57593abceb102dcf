#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# tui-gate.sh: the wizard keeps the gate: an action whose `needs` leaves
# out the confirmation waits for it (x does nothing before the phrase is
# typed); a backup that came out empty is marked done only once its
# absence is typed ("no artifact: PATH"; a wrong phrase is said and
# journaled).
. "$top_srcdir/tests/tui-lib.sh"
rm -rf "$TMP/world" "$TMP/state"
mkdir -p "$TMP/world" "$TMP/state"
echo 1.0.0 >"$TMP/world/version"
B=$TMP/world/backup
RUN="STEPUP_TEST_WORLD=$TMP/world STEPUP_STATE_DIR=$TMP/state $STEPUP run $top_srcdir/tests/data/session/gate.yaml"

tui_start g "$RUN"
tui_wait g "Enter: begin the run" || finish
tui_keys g Enter
tui_wait g "PASS  1. The world is there" || finish
tui_keys g Enter
tui_wait g "2. confirm Go" || finish
# Step 3 says needs: []; it still waits for the confirmation, and x
# starts nothing.
tui_keys g Down
tui_wait g 'Step 3 waits for step 2, "Go" (ready).' || finish
tui_keys g Enter
tui_wait g "3. Touch early, needing nothing" || finish
tui_wait g "waiting for an earlier step."
tui_keys g x
sleep 0.5
tui_wait g "waiting for an earlier step."
[ -e "$TMP/world/early" ] && fail "x ran step 3 before the confirmation"
# So does the check of hop 1 (needs: []): opened, it does not run.
tui_keys g Enter
tui_wait g 'Step 3 waits for step 2' || finish
tui_keys g Down Down
tui_wait g 'Step 5 waits for step 2, "Go" (ready).' || finish
tui_keys g Enter
sleep 0.5
[ -e "$TMP/world/lone-1.1.0" ] && fail "opening step 5 ran it before the confirmation"
tui_keys g Escape
tui_keys g Tab
tui_wait g "Step 2: ready" || finish
tui_keys g Enter
tui_wait g "To go on, type exactly:" || finish
tui_text g go
tui_keys g Enter
tui_wait g "Step 3: ready" || finish
tui_keys g Enter
tui_wait g "ready: x runs it now" || finish
tui_keys g s
tui_wait g "Why is it skipped?" || finish
tui_text g "not now"
tui_keys g Enter
# The backup comes out empty: it fails, and m asks why, then for the
# phrase that names what is missing.
tui_wait g "4. Back up the version" || finish
tui_wait g "is empty (attempt 1)." || finish
tui_keys g m
tui_wait g "Why is it done?" || finish
tui_text g "disk was full"
tui_keys g Enter
tui_wait g "Mark done without its artifact" || finish
tui_wait g "so a rollback cannot use it: marking it done"
tui_wait g "To go on without it, type exactly:  no artifact: $B"
tui_text g "no artifact"
tui_keys g Enter
tui_wait g "that is not the phrase: its artifact" || finish
[ "$(sqlite3 "$TMP/state/journal.db" "select state from step_states where step = 'backup'")" = failed ] ||
	fail "a wrong phrase marked it done"
tui_keys g C-u
tui_text g "no artifact: $B"
tui_keys g Enter
# Done: the run goes on to hop 1 by itself.
tui_wait g "passed: exit 0" 300 || finish
tui_wait_gone g "Mark done without its artifact"
q() { sqlite3 "$TMP/state/journal.db" "$1"; }
[ "$(q "select state || ':' || reason from step_states where step = 'backup'")" = "done:disk was full (no artifact: $B)" ] ||
	fail "backup: $(q "select * from step_states where step = 'backup'")"
[ "$(q "select detail from events where step = 'backup' and kind = 'phrase'")" = "did not match: no artifact" ] ||
	fail "the wrong phrase was not journaled: $(q "select kind, detail from events where step = 'backup'")"
[ "$(q "select detail from events where step = 'backup' and kind = 'mark-done'")" = "disk was full; typed: no artifact: $B" ] ||
	fail "mark-done: $(q "select kind, detail from events where step = 'backup'")"
# And nothing ran before the phrase "go": the first start after the
# check is after it.
[ "$(q "select group_concat(kind || ':' || step, ' ') from (select kind, step from events where kind in ('start', 'phrase') order by seq limit 3)")" =   "start:pre phrase:go start:backup" ] ||
	fail "order: $(q "select seq, kind, step from events")"
finish
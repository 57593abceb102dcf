# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# tui-rollback-hop.sh: `stepup rollback` after hop 2 of 2 failed with
# some of its actions done: the rollback screen offers both targets, Tab
# shows the other (only hop 2, back to 1.1.0) with its own phrase, and
# that phrase begins a rollback that undoes only hop 2's done action.
. "$top_srcdir/tests/tui-lib.sh"

RUNBOOK=$top_srcdir/tests/data/values/hops.yaml
mkdir -p "$TMP/world"
echo 1.0.0 >"$TMP/world/version"
: >"$TMP/world/fail-1.2.0"
ENVS="STEPUP_TEST_WORLD=$TMP/world STEPUP_STATE_DIR=$TMP/state"
printf '%s\n' yes quit | env -u TERM STEPUP_TEST_WORLD="$TMP/world" \
    STEPUP_STATE_DIR="$TMP/state" "$STEPUP" run --plain "$RUNBOOK" >"$TMP/up" 2>&1
grep -qF "! 5 failed: exit 3" "$TMP/up" || fail "the upgrade did not fail at 5: $(tail -5 "$TMP/up")"

tui_start h "env $ENVS $STEPUP rollback $RUNBOOK"
tui_wait h "Roll back Hops to 1.0.0 (run 1)" || finish
tui_wait h "Tab: only hop 2 of 2 instead, back to its start (1.1.0)" || finish
tui_wait h "yes, roll back to 1.0.0, the settings made since are lost"
tui_keys h Tab
tui_wait h "Roll back Hops to 1.1.0 (run 1)" || finish
tui_wait h "Only hop 2 of 2 is undone. Tab: back to 1.0.0, where the upgrade started, instead"
tui_wait h "What will be undone, latest first: 2 steps, 0 of them by hand."
tui_expect h rollback-hop
# Narrow, the other target's line wraps: all of it is there, nothing cut.
tui_resize h 60 16
tui_wait h "started, instead" || finish
tui_uncut h 60 16 "the rollback screen"
tui_capture h | grep -q '…$' && fail "a line is cut at 60x16: $(tui_capture h)"
tui_resize h 100 30
tui_wait h "Only hop 2 of 2 is undone. Tab: back to 1.0.0, where the upgrade started, instead" || finish
tui_text h "yes, roll back to 1.1.0"
tui_keys h Enter
tui_wait h "Hops rolled back to 1.1.0: done (run 2)" 300 || finish
tui_wait h "Installed version: 1.1.0, the version restored."
tui_keys h q
tui_wait h "[exit 0]"
printf '%s\n' "install 1.1.0" "migrate 1.1.0" "install 1.2.0" "undo install 1.2.0" "restore to 1.1.0" >"$TMP/want"
cmp -s "$TMP/want" "$TMP/world/log" || fail "what ran: $(cat "$TMP/world/log")"
finish

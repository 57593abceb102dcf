#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# plain-gate.sh: a backup that comes out empty is marked done only with
# its absence typed ("no artifact: PATH"; a wrong phrase is journaled and
# refused), and a later rollback, from the failed step or by `stepup
# rollback` after the run is done, still undoes every done step and says
# that the restore cannot run and why, instead of refusing it all.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/session-lib.sh"

RUNBOOK="$top_srcdir/tests/data/session/gate.yaml"
B=$WORLD/backup

# A. Hop 2 fails after the backup was marked done without it; rolled back.
touch "$WORLD/fail-2.0.0"
stepup_plain "$TMP/a" go "skip not now" "done disk was full" "no artifact: wrong" \
    "done disk was full" "no artifact: $B" rollback "yes, roll back to 1.0.0" \
    tick "tick nothing to restore" run
[ "$status" = 1 ] || fail "A: exited $status (a run rolled back exits 1): $(tail -5 "$TMP/a")"
expect_line "$TMP/a" "! 4 failed: exit 0, but $B is empty"
expect_line "$TMP/a" "? 4 done: its artifact $B was not recorded, so a rollback cannot use it; type \"no artifact: $B\" to mark it done without it [the phrase, or anything else to go back]"
expect_line "$TMP/a" "! 4 that is not the phrase: its artifact $B was not recorded (exit 0, but $B is empty), so a rollback cannot use it: to mark step 4 done without it, type exactly \"no artifact: $B\""
expect_line "$TMP/a" "= 4 done by hand: disk was full (no artifact: $B)"
[ "$(grep -c '^= 4 done by hand' "$TMP/a")" = 1 ] || fail "A: marked done twice"
expect_line "$TMP/a" "! 8 failed: exit 3"
expect_line "$TMP/a" "    4. Restore the backup cannot run: \$STEPUP_ARTIFACT_backup points to nothing"
expect_line "$TMP/a" "         by hand: \$STEPUP_ARTIFACT_backup points to nothing: step backup (Back up the version) did not make $B; it was marked done by hand without it (disk was full (no artifact: $B)). Do by hand what this step would do, or tick it off saying why not."
expect_line "$TMP/a" "    2. Undo: Install 1.1.0"
expect_line "$TMP/a" "== rollback: run 2, 5 steps"
expect_line "$TMP/a" "= done: Gate rolled back, run 2"
expect_line "$TMP/a" "  Installed version: 1.0.0, the version restored."
[ "$(cat "$WORLD/version")" = 1.0.0 ] || fail "A: version $(cat "$WORLD/version")"
[ -e "$WORLD/again" ] || fail "A: the rollback step after the restore did not run"
# Journaled: the wrong phrase, then the acknowledgement with the mark.
[ "$(sql "select detail from events where run = 1 and step = 'backup' and kind = 'phrase'")" = "did not match: no artifact: wrong" ] ||
	fail "A: phrase events: $(sql "select kind, detail from events where run = 1 and step = 'backup'")"
[ "$(sql "select detail from events where run = 1 and step = 'backup' and kind = 'mark-done'")" = "disk was full; typed: no artifact: $B" ] ||
	fail "A: mark-done: $(sql "select kind, detail from events where run = 1 and step = 'backup'")"
[ "$(sql "select state || ':' || reason from step_states where run = 1 and step = 'backup'")" = "done:disk was full (no artifact: $B)" ] ||
	fail "A: state: $(sql "select * from step_states where run = 1 and step = 'backup'")"

# B. The run finishes without its backup; `stepup rollback` afterwards
# undoes both hops and leaves the restore to a human, saying why.
rm -rf "$WORLD" "$STATE"
mkdir -p "$WORLD"
echo 1.0.0 >"$WORLD/version"
stepup_plain "$TMP/b" go "skip not now" "done disk was full" "no artifact: $B" tick ack
[ "$status" = 0 ] || fail "B: the upgrade exited $status: $(tail -5 "$TMP/b")"
[ "$(cat "$WORLD/version")" = 2.0.0 ] || fail "B: version $(cat "$WORLD/version")"
printf '%s\n' "yes, roll back to 1.0.0" tick "tick nothing to restore" run |
	"$STEPUP" rollback "$RUNBOOK" >"$TMP/r" 2>"$TMP/r.err"
status=$?
[ "$status" = 0 ] || fail "B: the rollback exited $status: $(tail -8 "$TMP/r") $(cat "$TMP/r.err")"
expect_line "$TMP/r" "  Rolling back Gate to 1.0.0: 5 steps, latest first; 2 by hand."
expect_line "$TMP/r" "    5. Restore the backup cannot run: \$STEPUP_ARTIFACT_backup points to nothing"
grep -q "cannot be trusted" "$TMP/r" && fail "B: the rollback was refused: $(cat "$TMP/r")"
expect_line "$TMP/r" "= done: Gate rolled back, run 2"
[ "$(cat "$WORLD/version")" = 1.0.0 ] || fail "B: version after the rollback $(cat "$WORLD/version")"
[ "$(sql "select group_concat(step || '=' || state, ' ') from (select step, state from step_states where run = 2 order by step)")" = \
  "again=passed restore=passed rollback-confirm=passed undo:backup=passed undo:install@1.1.0=passed undo:install@2.0.0=passed" ] ||
	fail "B: rollback states: $(sql "select step, state, reason from step_states where run = 2")"
finish

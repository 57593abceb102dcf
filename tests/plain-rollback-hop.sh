#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# plain-rollback-hop.sh: hop 2 of 2 fails after some of its steps ran;
# the rollback offers both targets (the start of the failed hop, and
# where the upgrade started), the phrase typed at its confirmation
# chooses one, the runbook's rollback steps get $STEPUP_ROLLBACK_TO, the
# full rollback's phrase carries the runbook's rollback-warning, and a
# partial rollback interrupted and resumed keeps its target.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/session-lib.sh"
RUNBOOK="$top_srcdir/tests/data/values/hops.yaml"

rollback_plain() {
	out=$1; shift
	printf '%s\n' "$@" | "$STEPUP" rollback --plain "$RUNBOOK" >"$out" 2>"$out.err"
	status=$?
}

# A. Back to the start of hop 2 only: its one done action undone.
: >"$WORLD/fail-1.2.0"
stepup_plain "$TMP/a" yes rollback "yes, roll back" "yes, roll back to 1.1.0"
[ "$status" = 1 ] || fail "A: a rolled-back upgrade exited $status: $(tail -5 "$TMP/a")"
expect_line "$TMP/a" "  Rolling back Hops to 1.0.0: 4 steps, latest first."
expect_line "$TMP/a" "== rollback: or only hop 2 of 2, back to 1.1.0: what will be undone"
expect_line "$TMP/a" "  Rolling back Hops to 1.1.0: 2 steps, latest first."
expect_grep "$TMP/a" "To undo only hop 2 of 2 (1.1.0 -> 1.2.0), back to 1.1.0, type \"yes, roll back to 1.1.0\" instead."
expect_line "$TMP/a" "? 1 confirm: type \"yes, roll back to 1.0.0, the settings made since are lost\" to go on [the phrase, shell, quit]"
expect_line "$TMP/a" "! 1 that is not the phrase: type exactly \"yes, roll back to 1.0.0, the settings made since are lost\" (or \"yes, roll back to 1.1.0\")"
expect_line "$TMP/a" "[3/3] action: Restore the settings"
expect_line "$TMP/a" "  Installed version: 1.1.0, the version restored."
printf '%s\n' "install 1.1.0" "migrate 1.1.0" "install 1.2.0" "undo install 1.2.0" "restore to 1.1.0" >"$TMP/want"
cmp -s "$TMP/want" "$WORLD/log" || fail "A: what ran: $(cat "$WORLD/log")"
[ "$(cat "$WORLD/version")" = 1.1.0 ] || fail "A: version $(cat "$WORLD/version")"
[ "$(sql "select detail from events where run = 2 and kind = 'phrase' and detail like 'typed:%'")" = \
  "typed: yes, roll back to 1.1.0" ] || fail "A: the choice is not journaled: $(sql "select kind, step, detail from events where run = 2")"
# The run records the target chosen: history names it, and so do both
# reports; the rollback's own report lists its own steps.
[ "$(sql "select from_version || ' ' || to_version from runs where id = 2")" = "1.2.0 1.1.0" ] ||
	fail "A: the rollback run's record: $(sql "select * from runs where id = 2")"
"$STEPUP" history "$RUNBOOK" >"$TMP/a.hist" 2>&1 || fail "A: history: $(cat "$TMP/a.hist")"
grep -Eq '^2 .* rollback +1\.2\.0 -> 1\.1\.0 ' "$TMP/a.hist" || fail "A: history: $(cat "$TMP/a.hist")"
"$STEPUP" export --run 1 --date d --host h >"$TMP/a.up" 2>&1 || fail "A: export --run 1: $(cat "$TMP/a.up")"
expect_line "$TMP/a.up" "Rolled back:  by run 2, to 1.1.0"
"$STEPUP" export --run 2 --date d --host h >"$TMP/a.rb" 2>&1 || fail "A: export --run 2: $(cat "$TMP/a.rb")"
expect_grep "$TMP/a.rb" "Rollback report: Hops 1.2.0 → 1.1.0"
expect_line "$TMP/a.rb" "[x] 1. Confirm the rollback"
expect_grep "$TMP/a.rb" "[x] 3. Restore the settings"
grep -q "not reached" "$TMP/a.rb" && fail "A: the rollback's report lists the upgrade's steps: $(cat "$TMP/a.rb")"

# B. Back to where the upgrade started: every done action, the warning typed.
rm -rf "$STATE" "$WORLD/log"; echo 1.0.0 >"$WORLD/version"
stepup_plain "$TMP/b" yes rollback "yes, roll back to 1.0.0, the settings made since are lost"
[ "$status" = 1 ] || fail "B: exited $status: $(tail -5 "$TMP/b")"
printf '%s\n' "install 1.1.0" "migrate 1.1.0" "install 1.2.0" "undo install 1.2.0" \
	"undo migrate 1.1.0" "undo install 1.1.0" "restore to 1.0.0" >"$TMP/want"
cmp -s "$TMP/want" "$WORLD/log" || fail "B: what ran: $(cat "$WORLD/log")"
[ "$(cat "$WORLD/version")" = 1.0.0 ] || fail "B: version $(cat "$WORLD/version")"

# C. A partial rollback stopped by a failure and resumed by stepup
# rollback keeps its target: the same three steps, nothing undone twice.
rm -rf "$STATE" "$WORLD/log"; echo 1.0.0 >"$WORLD/version"
: >"$WORLD/fail-restore"
stepup_plain "$TMP/c1" yes rollback "yes, roll back to 1.1.0" quit
expect_line "$TMP/c1" "! 3 failed: exit 4"
rm -f "$WORLD/fail-restore"
rollback_plain "$TMP/c2" retry
[ "$status" = 0 ] || fail "C: the resumed rollback exited $status: $(tail -5 "$TMP/c2")"
expect_line "$TMP/c2" "[3/3] action: Restore the settings"
expect_line "$TMP/c2" "  Rollback to 1.1.0: every step settled."
[ "$(sql "select to_version from runs where id = 2")" = 1.1.0 ] ||
	fail "C: the resumed rollback's target: $(sql "select * from runs where id = 2")"
printf '%s\n' "install 1.1.0" "migrate 1.1.0" "install 1.2.0" "undo install 1.2.0" "restore to 1.1.0" >"$TMP/want"
cmp -s "$TMP/want" "$WORLD/log" || fail "C: what ran: $(cat "$WORLD/log")"

finish

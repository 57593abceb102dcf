#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# probe-journal.sh: a version probe in a run is a command like any other:
# its "start" is journaled before it runs, its outcome after. The probe
# of the installed version that closes a rollback reads the journal (it
# finds its own start there), and then kills stepup (the journal still
# says it started).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/session-lib.sh"

RUNBOOK="$top_srcdir/tests/data/spawn/probed.yaml"

# upgrade_and_roll_back OUT MARK: the upgrade's hop fails; roll it back,
# with $WORLD/MARK there for the probe at the end of the rollback.
upgrade_and_roll_back() {
	rm -rf "$STATE"
	stepup_plain "$1.up" run run quit
	[ "$status" = 1 ] || fail "the failed upgrade exited $status, want 1: $(tail -3 "$1.up")"
	: >"$WORLD/$2"
	printf '%s\n' "yes, roll back to 1.0.0" quit |
	    "$STEPUP" rollback "$RUNBOOK" >"$1" 2>"$1.err"
	status=$?
}

# The probe, as it runs, finds its start already in the journal.
upgrade_and_roll_back "$TMP/spy" spy
[ "$status" = 0 ] || fail "the rollback exited $status, want 0: $(tail -3 "$TMP/spy")"
expect_line "$TMP/spy" "  Installed version: 1.0.0, the version restored."
head -n 1 "$WORLD/seen" | grep -q '^start probe installed: if \[ -e "$world/kill" \]' ||
	fail "the probe did not find its start in the journal: $(cat "$WORLD/seen")"
# ... and its outcome is journaled after it.
[ "$(sql "select group_concat(kind, ' ') from (select kind from events where run = 2 and step is null order by seq)")" = \
  "begin end start probe" ] ||
	fail "run 2's events: $(sql "select seq, kind, step, detail from events where run = 2")"
[ "$(sql "select detail like '%exit 0, output: 1.0.0%' from events where run = 2 and kind = 'probe'")" = 1 ] ||
	fail "the probe's outcome: $(sql "select detail from events where run = 2 and kind = 'probe'")"
rm "$WORLD/spy"

# Killed in the middle of the probe: the journal says it started.
upgrade_and_roll_back "$TMP/kill" kill
[ "$status" = 137 ] || fail "stepup killed by its probe exited $status, want 137: $(tail -3 "$TMP/kill")"
[ "$(sql "select kind || ' ' || substr(detail, 1, 21) from events where run = 2 order by seq desc limit 1")" = \
  "start probe installed: if [" ] ||
	fail "the last event: $(sql "select seq, kind, step, detail from events where run = 2")"
[ "$(sql "select count(*) from events where run = 2 and kind = 'probe'")" = 0 ] ||
	fail "a probe that never ended has an outcome"
rm "$WORLD/kill"

# Outside a run there is nothing to journal to: stepup plan probes as it
# always did.
expect_status 0 "$STEPUP" plan "$RUNBOOK"
expect_grep "$TMP/out" "1.0.0 -> 2.0.0"
finish

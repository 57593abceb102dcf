#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# plain-boundaries.sh: stepup killed at each durable boundary of starting
# and ending a command (STEPUP_TEST_KILL, stepup(1)), for a check and for
# an action: the command finishes on its own, the next stepup resumes,
# names the step it resumes at, records the outcome once, runs nothing
# twice, and the run ends done.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/session-lib.sh"
RUNBOOK="$top_srcdir/tests/data/session/boundary.yaml"

# ran NAME: how many times $world/NAME.ran says the command ran.
ran() {
	if [ -e "$WORLD/$1.ran" ]; then wc -l <"$WORLD/$1.ran" | tr -d ' '; else echo 0; fi
}

# The boundaries: from their one table (SESSION_BOUNDARIES), each also
# documented in stepup(1).
boundaries=$(sed -n 's/^[[:space:]]*X([A-Z]*, *"\([a-z]*\)".*/\1/p' "$top_srcdir/src/engine/session-int.h")
case " $(echo $boundaries) " in
*" start "*" recorded "*) ;;
*) fail "no boundaries read from src/engine/session-int.h: '$boundaries'" ;;
esac
for at in $boundaries; do
	grep -qx "^\.Cm $at\$" "$top_srcdir/man/stepup.1" || fail "stepup(1) does not document the boundary $at"
done

for step in probe apply@2.0.0; do
	for at in $boundaries; do
		case=$at:$step
		rm -rf "$STATE" "$WORLD"/*.ran
		printf '%s\n' "yes, upgrade" "tick done" >"$TMP/in1"
		(STEPUP_TEST_KILL=$case "$STEPUP" run --plain "$RUNBOOK" <"$TMP/in1" >"$TMP/out1" 2>&1) 2>/dev/null
		st=$?
		[ "$st" = 137 ] || { fail "$case: first stepup exited $st, want 137 (killed): $(tail -5 "$TMP/out1")"; continue; }
		file=$step
		status="$STATE/runs/1/$file.1.status"
		case $at in
		start|started|logged)
			[ -e "$status.pid" ] && fail "$case: a supervisor was forked"
			[ "$(ran "${step%@*}")" = 0 ] || fail "$case: the command ran" ;;
		*)	# It goes on without stepup: let it finish.
			wait_for "$status" ;;
		esac
		# A log and no pid file: it may have run. An action is in doubt
		# (the operator says retry); a read-only check runs again.
		case $case in
		*:probe) printf '%s\n' resume "yes, upgrade" "tick done" >"$TMP/in2" ;;
		logged:*) printf '%s\n' resume retry "tick done" >"$TMP/in2" ;;
		*) printf '%s\n' resume "tick done" >"$TMP/in2" ;;
		esac
		"$STEPUP" run --plain "$RUNBOOK" <"$TMP/in2" >"$TMP/out2" 2>&1
		st=$?
		[ "$st" = 0 ] || fail "$case: resumed stepup exited $st: $(tail -8 "$TMP/out2")"
		grep -q "no such action attempt" "$TMP/out2" && fail "$case: $(grep "no such" "$TMP/out2")"
		# The heading names the step it resumes at.
		case $case in
		recorded:probe) at_step=go ;;
		recorded:*) at_step=tell ;;
		*) at_step=$step ;;
		esac
		grep -q "^== unfinished: run 1, .*, at step $at_step\$" "$TMP/out2" ||
			fail "$case: resume heading does not name $at_step: $(grep unfinished "$TMP/out2")"
		expect_line "$TMP/out2" "= done: Boundary upgraded, run 1"
		case $case in
		logged:probe)
			grep -q "outcome is unknown" "$TMP/out2" && fail "$case: the check was put in doubt"
			[ "$(sql "select count(*) from events where step = 'probe' and kind = 'in-doubt' and detail like '%read-only, it runs again'")" = 1 ] ||
				fail "$case: no in-doubt event saying the check runs again" ;;
		logged:*)
			expect_grep "$TMP/out2" "? 3 action: its outcome is unknown" ;;
		started:*)
			[ "$(sql "select count(*) from events where step = '$step' and kind = 'note' and detail like 'attempt 1 never started:%'")" = 1 ] ||
				fail "$case: no note that attempt 1 never started" ;;
		esac
		for c in probe apply; do
			[ "$(ran $c)" = 1 ] || fail "$case: $c ran $(ran $c) times"
		done
		for s in probe apply@2.0.0; do
			[ "$(sql "select count(*) from actions where step = '$s' and finished = 1")" = 1 ] ||
				fail "$case: $s has $(sql "select count(*) from actions where step = '$s' and finished = 1") recorded outcomes"
			[ "$(sql "select count(*) from events where step = '$s' and kind = 'exit'")" = 1 ] ||
				fail "$case: $s has $(sql "select count(*) from events where step = '$s' and kind = 'exit'") exit events"
			[ "$(sql "select state from step_states where step = '$s'")" = passed ] ||
				fail "$case: $s is $(sql "select state from step_states where step = '$s'")"
		done
	done
done
finish

#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# plain-policy-when.sh: a policy that depends on an answer (a conditional
# required stop) has the question asked before the plan, and the plan
# says which conditional stop it took and why.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/session-lib.sh"
RUNBOOK="$top_srcdir/tests/data/plan/conditional.yaml"

printf '%s\n' 16.0.0 yes | "$STEPUP" run --plain --dry-run "$RUNBOOK" >"$TMP/yes" 2>"$TMP/yes.err"
[ $? = 0 ] || fail "the dry run exited non-zero: $(cat "$TMP/yes.err")"
expect_line "$TMP/yes" "? var big_db: Is the CI database over 100 GB? [yes, no]"
expect_line "$TMP/yes" "== plan: 16.0.0 -> 17.0.0, 3 hops"
expect_line "$TMP/yes" "==   hop 1: 16.0.0 -> 16.3.9 (minor): 16.3.9: a required stop (16.3.x: the newest 16.3 release), taken since big_db is yes: a long batched migration"
# asked before the plan, not after it
q=$(grep -n '^? var big_db' "$TMP/yes" | cut -d: -f1)
pl=$(grep -n '^== plan:' "$TMP/yes" | cut -d: -f1)
[ -n "$q" ] && [ -n "$pl" ] && [ "$q" -lt "$pl" ] || fail "big_db is not asked before the plan: $(cat "$TMP/yes")"

rm -rf "$STATE"
printf '%s\n' 16.0.0 no | "$STEPUP" run --plain --dry-run "$RUNBOOK" >"$TMP/no" 2>"$TMP/no.err"
[ $? = 0 ] || fail "the dry run exited non-zero: $(cat "$TMP/no.err")"
expect_line "$TMP/no" "== plan: 16.0.0 -> 17.0.0, 2 hops"
expect_line "$TMP/no" "==   hop 1: 16.0.0 -> 16.11.2 (minor): 16.11.2: a required stop (16.11.x: the newest 16.11 release)"
grep -q "^== conditional policy" "$TMP/no" && fail "no condition held, yet: $(cat "$TMP/no")"
expect_line "$TMP/yes" "== conditional policy: required-stops: 16.3.x, since big_db is yes"

# Conditional scalar rules: the plan names the values that applied and
# why, and so does each stop they put on the path.
RUNBOOK="$top_srcdir/tests/data/plan/conditional-rules.yaml"
rm -rf "$STATE"
printf '%s\n' 22.05.8 yes | "$STEPUP" run --plain --dry-run "$RUNBOOK" >"$TMP/ha" 2>"$TMP/ha.err"
[ $? = 0 ] || fail "the dry run exited non-zero: $(cat "$TMP/ha.err")"
expect_line "$TMP/ha" "== plan: 22.05.8 -> 24.11.1, 4 hops"
expect_line "$TMP/ha" "== conditional policy: skip-series: 0, since ha is yes"
expect_line "$TMP/ha" "== conditional policy: redeploy-at: 24.05.8, since ha is yes"
expect_line "$TMP/ha" "==   hop 1: 22.05.8 -> 23.02.7 (major): 23.02.7: no series is skipped, since ha is yes"
expect_line "$TMP/ha" "==   hop 3: 23.11.10 -> 24.05.8 (redeploy): 24.05.8: no series is skipped, since ha is yes"
rm -rf "$STATE"
printf '%s\n' 22.05.8 no | "$STEPUP" run --plain --dry-run "$RUNBOOK" >"$TMP/noha" 2>"$TMP/noha.err"
[ $? = 0 ] || fail "the dry run exited non-zero: $(cat "$TMP/noha.err")"
expect_line "$TMP/noha" "== plan: 22.05.8 -> 24.11.1, 2 hops"
grep -q "^== conditional policy" "$TMP/noha" && fail "no condition held, yet: $(cat "$TMP/noha")"

# Resumed, the plan read back from the journal says the same: the
# answers reloaded choose the same policy.
rm -rf "$STATE"
printf '%s\n' 22.05.8 yes | "$STEPUP" run --plain "$RUNBOOK" >"$TMP/begun" 2>&1
expect_line "$TMP/begun" "= paused (end of input): run 1 is unfinished; to resume it: stepup run --plain --state-dir $STATE $(realpath "$RUNBOOK")"
printf '%s\n' resume | "$STEPUP" run --plain "$RUNBOOK" >"$TMP/resumed" 2>&1
expect_line "$TMP/resumed" "= resumed run 1"
expect_line "$TMP/resumed" "== conditional policy: skip-series: 0, since ha is yes"
expect_line "$TMP/resumed" "== conditional policy: redeploy-at: 24.05.8, since ha is yes"
finish

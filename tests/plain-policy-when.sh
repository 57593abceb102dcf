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
finish

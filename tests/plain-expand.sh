#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# plain-expand.sh: $NAMEs in a step's on-failure and title are expanded
# the same way everywhere (steps_text): plain mode's failure, the
# rollback preview, the checklist and the run report's undo titles.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/session-lib.sh"
RUNBOOK="$top_srcdir/tests/data/values/hops.yaml"

: >"$WORLD/fail-1.2.0"
stepup_plain "$TMP/out" yes rollback "yes, roll back to 1.0.0, the settings made since are lost"
[ "$status" = 1 ] || fail "a rolled-back upgrade exited $status: $(tail -5 "$TMP/out")"
expect_line "$TMP/out" "  left behind: The data is half migrated to 1.2.0; 1.1.0 still reads it."
expect_line "$TMP/out" "         if it fails: The data is half migrated to 1.1.0; 1.0.0 still reads it."
grep -F '$STEPUP_HOP' "$TMP/out" | grep -v '^  \$ \|runs: ' >"$TMP/literal"
[ -s "$TMP/literal" ] && fail "left literal: $(cat "$TMP/literal")"

"$STEPUP" export "$RUNBOOK" --run 1 --format txt >"$TMP/report" 2>"$TMP/err" ||
	fail "export --run 1 failed: $(cat "$TMP/err")"
expect_grep "$TMP/report" "[x] 8. Undo: Migrate from 1.0.0 to 1.1.0"
expect_grep "$TMP/report" "[!] 5. Migrate from 1.1.0 to 1.2.0"
grep -qF '$STEPUP_HOP' "$TMP/report" && fail "the report has a literal \$STEPUP_HOP_*: $(grep -F '$STEPUP_HOP' "$TMP/report")"

"$STEPUP" export "$RUNBOOK" --from 1.0.0 --to 1.2.0 --format txt >"$TMP/list" 2>"$TMP/err" ||
	fail "the checklist failed: $(cat "$TMP/err")"
expect_grep "$TMP/list" "If it fails: The data is half migrated to 1.2.0; 1.1.0 still reads it."
finish

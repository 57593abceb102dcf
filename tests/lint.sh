#!/bin/sh
# lint.sh: stepup lint on fixtures: exit statuses, messages at the right
# line:column, warnings, shellcheck findings at the runbook's line, hostile
# files; and every shipped runbook passes.
. "$top_srcdir/tests/lib.sh"

D=$top_srcdir/tests/data/runbooks

# Valid runbooks: exit 0, nothing printed.
expect_status 0 "$STEPUP" lint "$D/full.yaml" "$D/minimal.yaml"
[ -s "$TMP/err" ] && fail "lint of valid runbooks printed: $(cat "$TMP/err")"

# No argument is a usage error.
expect_status 2 "$STEPUP" lint
expect_grep "$TMP/err" "no runbook to check"

# Several files: every one is checked, the status is 2 if any is bad.
printf 'stepup: 1\nprodcut: X\n' >"$TMP/bad.yaml"
expect_status 2 "$STEPUP" lint "$D/minimal.yaml" "$TMP/bad.yaml"
expect_grep "$TMP/err" "$TMP/bad.yaml:2:1: unknown key 'prodcut' in the runbook; did you mean 'product'?"

# Hostile files: one clear message naming the file, status 2, no crash.
printf '' >"$TMP/empty.yaml"
expect_status 2 "$STEPUP" lint "$TMP/empty.yaml"
expect_grep "$TMP/err" "$TMP/empty.yaml: empty file: a runbook starts with 'stepup: 1'"
expect_status 2 "$STEPUP" lint "$TMP"
expect_grep "$TMP/err" "$TMP: is a directory, not a file"
expect_status 2 "$STEPUP" lint "$TMP/missing.yaml"
expect_grep "$TMP/err" "$TMP/missing.yaml: No such file or directory"
finish

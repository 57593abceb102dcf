#!/bin/sh
# cli.sh: --help, --version and usage errors follow GNU conventions, and
# --help lists only commands that exist.
. "$top_srcdir/tests/lib.sh"

expect_status 0 "$STEPUP" --version
expect_grep "$TMP/out" "stepup "
expect_status 0 "$STEPUP" --help
expect_grep "$TMP/out" "Usage: stepup [RUNBOOK]"
cp "$TMP/out" "$TMP/help"
# Every command --help names is one that exists (not "unknown command").
for cmd in $(sed -n 's/^  stepup \([a-z]*\).*/\1/p' "$TMP/help"); do
	"$STEPUP" "$cmd" --help >"$TMP/out" 2>&1 || fail "stepup $cmd --help failed"
	grep -q "unknown command" "$TMP/out" && fail "--help lists $cmd, which is unknown"
done
expect_status 2 "$STEPUP" no-such-command
expect_grep "$TMP/err" "unknown command 'no-such-command'"
expect_grep "$TMP/err" "Try 'stepup --help'"
expect_status 2 "$STEPUP"
finish

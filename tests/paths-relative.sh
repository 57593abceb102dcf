#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# paths-relative.sh: a runbook given by a relative path, from a directory
# that is not its own, works with every command: the runbook's path and
# directory are made absolute once, at load, so that the probe (run in the
# runbook's directory), the actions and the paper checklist all see an
# absolute STEPUP_RUNBOOK_DIR (issue 15).
. "$top_srcdir/tests/lib.sh"

# The issue's case: stepup plan runbooks/demo.yaml, from the runbook's
# parent directory (a path that climbs, ../x, can work by chance).
mkdir -p "$TMP/top/rb"
cp -R "$top_srcdir/tests/data/paths/." "$TMP/top/rb/"
chmod -R u+w "$TMP/top/rb"
RB=rb/relative.yaml
ABS=$(cd "$TMP/top/rb" && pwd -P)
cd "$TMP/top" || exit 1
unset TERM
STEPUP_STATE_DIR="$TMP/state"; export STEPUP_STATE_DIR

expect_status 0 "$STEPUP" lint "$RB"
expect_status 0 "$STEPUP" plan "$RB"
expect_grep "$TMP/out" "Installed 1.0.0 (reported by versions.installed.command)"
expect_status 0 "$STEPUP" plan --json "$RB"
expect_grep "$TMP/out" '"from": "1.0.0"'
expect_status 0 "$STEPUP" export "$RB"
expect_grep "$TMP/out" "export STEPUP_RUNBOOK_DIR=$ABS"
grep -q 'STEPUP_RUNBOOK_DIR=rb' "$TMP/out" && fail "a relative STEPUP_RUNBOOK_DIR: $(grep RUNBOOK_DIR "$TMP/out")"
expect_status 0 "$STEPUP" export --format md "$RB"
expect_grep "$TMP/out" "STEPUP_RUNBOOK_DIR=$ABS"

# A run: the probe finds the version, the action sees the absolute
# directory and runs in it.
printf 'ack\nrun\n' >"$TMP/answers"
expect_status 0 sh -c '"$0" run --plain "$1" <"$2"' "$STEPUP" "$RB" "$TMP/answers"
expect_grep "$TMP/out" "STEPUP_RUNBOOK_DIR=$ABS"
expect_grep "$TMP/out" "= done: Relative upgraded, run 1"
[ "$(cat "$ABS/seen" 2>/dev/null)" = "1.0.0
$ABS" ] || fail "the action's output and directory: $(cat "$ABS/seen" 2>&1)"

# The journal knows the run by the runbook's absolute path, whichever way
# it is named.
expect_status 0 "$STEPUP" history "$RB"
expect_grep "$TMP/out" "1.0.0 -> 1.1.0"
expect_status 0 "$STEPUP" export --run 1 "$RB"
expect_status 0 "$STEPUP" show 1
expect_grep "$TMP/out" "$ABS/relative.yaml"
finish

#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# plain-settled.sh: a run stopped after its last step settled, before its
# end was journaled, is said to be at its last step, not at the start.
. "$top_srcdir/tests/lib.sh"
command -v sqlite3 >/dev/null 2>&1 || { echo "sqlite3 is not installed" >&2; exit 77; }
unset TERM
STEPUP_STATE_DIR="$TMP/state"; export STEPUP_STATE_DIR
mkdir -p "$STEPUP_STATE_DIR"
cat >"$TMP/rb.yaml" <<'EOF2'
stepup: 1
product: Settled
versions:
  scheme: semver
  installed: {command: 'echo 1.0.0'}
  available: [1.0.0, 2.0.0]
prepare:
  - id: go
    confirm: Go
    phrase: go
finish:
  - id: last
    manual: All done
EOF2
printf 'go\ntick\n' | "$STEPUP" run --plain "$TMP/rb.yaml" >"$TMP/out1" 2>&1
expect_grep "$TMP/out1" "= done: Settled upgraded, run 1"
# As if stepup had been killed between the tick and the run's end.
sqlite3 "$STEPUP_STATE_DIR/journal.db" "update runs set status = 'running', ended = null"
printf '' | "$STEPUP" run --plain "$TMP/rb.yaml" >"$TMP/out2" 2>&1
expect_grep "$TMP/out2" "== unfinished: run 1, 1.0.0 -> 2.0.0, begun "
expect_grep "$TMP/out2" ", at step last, every step settled"
finish

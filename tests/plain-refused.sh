#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# plain-refused.sh: every answer plain mode refuses says what was refused
# and why, never an empty "! N"; an answer not offered is never taken for
# another (run is not retry); at a confirmation anything but an offered
# answer is the phrase, right or wrong, and a wrong one is journaled as
# "did not match: TEXT" even when it begins with done, tick, skip or
# accept.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/session-lib.sh"

RUNBOOK=$TMP/refused.yaml
cat >"$RUNBOOK" <<'YAML'
stepup: 1
product: Widget
versions:
  scheme: semver
  installed: {ask: "Which version is installed?"}
  available: [1.0.0, 2.0.0]
vars:
  world: {env: STEPUP_TEST_WORLD}
prepare:
  - id: look
    check: The widget is healthy
    run: test -e "$world/looked" || { touch "$world/looked"; exit 1; }
  - id: go
    confirm: Go on
    phrase: yes, go
hop:
  - id: install
    action: Install it
    run: test -e "$world/installed" || { touch "$world/installed"; exit 1; }
YAML

stepup_plain "$TMP/a" 1.0.0 accept run retry "done deal" tick "skip it" \
    "accept now" "  retry  later" "yes, go" run accept "skip x" frob retry
[ "$status" = 0 ] || fail "the run exits $status: $(tail -5 "$TMP/a")"
# A failed check that is no warning cannot be accepted, nor run as new.
expect_line "$TMP/a" "? 1 check: it failed [retry, shell, quit]"
expect_line "$TMP/a" "! 1 accept refused: step 1 (look) is a check that must pass, not a warning (severity: warn) that may be accepted"
expect_line "$TMP/a" "! 1 run refused: step 1 (look) has run already and is failed: retry runs it again"
expect_line "$TMP/a" "> 1 running (attempt 2)"
# Wrong phrases, whatever word they begin with.
[ "$(grep -cxF '! 2 that is not the phrase: type exactly "yes, go"' "$TMP/a")" = 5 ] ||
	fail "each wrong phrase is not said: $(grep '^! 2' "$TMP/a")"
expect_line "$TMP/a" "= 2 passed: confirmed"
[ "$(sql "select group_concat(detail, '|') from (select detail from events where kind = 'phrase' order by seq)")" = \
  "did not match: done deal|did not match: tick|did not match: skip it|did not match: accept now|did not match:   retry  later|typed: yes, go" ] ||
	fail "phrases journaled: $(sql "select detail from events where kind = 'phrase'")"
# At a failed action: run is not retry; accept and skip say why not.
expect_line "$TMP/a" "? 3 action: it failed [retry, done REASON, shell, rollback, quit]"
expect_line "$TMP/a" "! 3 run refused: step 3 (install@2.0.0) has run already and is failed: retry runs it again"
expect_line "$TMP/a" "! 3 accept refused: accept is not possible on step 3 (action, failed)"
expect_line "$TMP/a" "! 3 skip refused: only an optional step may be skipped"
expect_line "$TMP/a" "! 3 unknown answer \"frob\": answer one of those in brackets"
[ "$(sql "select step || ':' || count(*) from actions group by step order by step")" = \
  "$(printf 'install@2.0.0:2\nlook:2')" ] ||
	fail "attempts: $(sql "select step, attempt from actions")"
# Never an empty refusal.
grep -nE '^! [0-9]+ *$' "$TMP/a" && fail "an empty refusal"
expect_line "$TMP/a" "= done: Widget upgraded, run 1"

finish

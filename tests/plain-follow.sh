#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# plain-follow.sh: plain mode follows a running command on events, not on
# a ticker: it wakes up when the command's log is written to and when its
# supervisor exits (an inotify watch and the exit descriptor, in one
# ppoll), so its output is shown as it comes and a silent command wakes
# nobody up: while the command sleeps, no wait of stepup's times out but
# the short one after each write (output is shown in heaps of 50 ms).
# Counted with strace, never timed.
. "$top_srcdir/tests/lib.sh"
command -v strace >/dev/null 2>&1 || { echo "strace is not installed: skipped"; exit 77; }
strace -o /dev/null true 2>/dev/null || { echo "strace cannot trace here: skipped"; exit 77; }
unset TERM
cat >"$TMP/rb.yaml" <<'YAML'
stepup: 1
product: Follow
versions:
  scheme: semver
  installed: {command: 'echo 1.0.0'}
  available: [1.0.0, 2.0.0]
prepare:
  - id: go
    confirm: Go
    phrase: go
hop:
  - id: slow
    action: A quiet command
    run: "echo first; sleep 1.5; echo second; sleep 1; echo third"
    on-failure: Nothing.
YAML
mkdir -p "$TMP/state"
# Only stepup is traced, not the supervisor it starts (no -f).
printf 'go\n' | ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
    STEPUP_STATE_DIR="$TMP/state" strace -e trace=poll,ppoll -e signal=none \
    -o "$TMP/trace" "$STEPUP" run --plain "$TMP/rb.yaml" >"$TMP/out" 2>&1 ||
	fail "the run failed: $(tail -n 5 "$TMP/out")"
grep -qx "  | first" "$TMP/out" || fail "no line first: $(cat "$TMP/out")"
grep -qx "  | second" "$TMP/out" || fail "no line second: $(cat "$TMP/out")"
grep -qx "  | third" "$TMP/out" || fail "no line third: $(cat "$TMP/out")"
grep -q '^ppoll(' "$TMP/trace" || fail "the command was not followed with ppoll: $(cat "$TMP/trace")"
# (the 200 ms ticker woke it 12 times here)
timeouts=$(grep -c '= 0 (Timeout)' "$TMP/trace")
[ "$timeouts" -le 3 ] || fail "stepup woke up on $timeouts timeouts for three writes: $(grep Timeout "$TMP/trace" | head -5)"
# Three writes and an exit: a few wake-ups, not one per 200 ms.
wakes=$(grep -c '^ppoll(' "$TMP/trace")
[ "$wakes" -le 12 ] || fail "stepup woke up $wakes times for three lines: $(head -20 "$TMP/trace")"
finish

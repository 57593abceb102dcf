#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# tui-quick.sh: the wizard wakes up when a command ends (the supervisor's
# exit descriptor in its poll), not on a ticker: thirty quick actions
# after one confirmation (tests/data/perf/quick.yaml, each a sleep of 0.2 s
# here, so that each ends while the wizard waits), each end seen as a
# hang-up on that descriptor, not after a ticker's timeout; and once
# nothing runs, no wake-up at all. Counted with strace, never timed.
. "$top_srcdir/tests/tui-lib.sh"
command -v strace >/dev/null 2>&1 || { echo "strace is not installed: skipped"; exit 77; }
strace -o /dev/null true 2>/dev/null || { echo "strace cannot trace here: skipped"; exit 77; }
mkdir -p "$TMP/state"
sed 's/run: "true"/run: sleep 0.2/' "$top_srcdir/tests/data/perf/quick.yaml" >"$TMP/quick.yaml"

# LeakSanitizer cannot run under ptrace (see tui-writes.sh). Only the
# wizard is traced, not the supervisors it starts.
tui_start q "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace -e trace=poll -e signal=none -o $TMP/trace env STEPUP_STATE_DIR=$TMP/state $STEPUP run $TMP/quick.yaml"
tui_wait q "Enter: begin the run" || finish
tui_keys q Enter
tui_wait q "1. confirm Go" || finish
tui_keys q Enter
tui_wait q "To go on, type exactly:" || finish
tui_text q go
tui_keys q Enter
tui_wait q "31. Quick action 30" 600 || finish
tui_wait q "passed: exit 0" 100 || finish
sleep 0.5
hups=$(grep -c 'revents=POLLHUP\|revents=POLLIN|POLLHUP' "$TMP/trace")
# (a few may end while it draws, and be seen then)
[ "$hups" -ge 25 ] || fail "the wizard woke up on $hups command ends of 30: $(grep -c ', 100) *= 0 (Timeout)' "$TMP/trace") ticker timeouts"
# Idle (step 32 is by hand): the frame's poll waits without a timeout.
idle=$(grep -c ', [1-9][0-9]*) *= 0 (Timeout)' "$TMP/trace")
sleep 1
[ "$(grep -c ', [1-9][0-9]*) *= 0 (Timeout)' "$TMP/trace")" = "$idle" ] ||
	fail "the idle wizard woke up on a timeout: $(tail -n 3 "$TMP/trace")"
tail -n 1 "$TMP/trace" | grep -q ', -1$\|, -1) \|^poll(.*-1 <unfinished' ||
	fail "the idle wizard's last poll has a timeout: $(tail -n 1 "$TMP/trace")"
tui_keys q Q
tui_wait q "[exit "
finish

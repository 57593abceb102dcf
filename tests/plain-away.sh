#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# plain-away.sh: an action that ends while stepup is not running (killed
# while it ran, the action carrying on) is reported on resume, with its
# outcome, before the run goes on; it is not run again.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/session-lib.sh"

: >"$WORLD/hold"
printf '%s\n' "" tok ack ack "yes, upgrade to 2.0.0" >"$TMP/in"
"$STEPUP" run --plain "$RUNBOOK" <"$TMP/in" >"$TMP/out1" 2>&1 &
pid=$!
wait_for "$WORLD/held"
wait_grep "$TMP/out1" "> 6 running (attempt 1)"
kill -KILL $pid
wait $pid 2>/dev/null
# The action goes on without stepup, and ends.
rm -f "$WORLD/hold"
: >"$WORLD/release"
n=0
while [ ! -e "$STATE/runs/1/install@1.1.0.1.status" ] && [ $n -lt 400 ]; do sleep 0.05; n=$((n + 1)); done
stepup_plain "$TMP/out2" resume tok "tick ok"
[ "$status" = 0 ] || fail "the resumed run exited $status: $(tail -5 "$TMP/out2")"
expect_line "$TMP/out2" "= 6 Install 1.1.0: ended while stepup was not running"
expect_line "$TMP/out2" "= 6 passed: exit 0"
grep -q "> 6 running" "$TMP/out2" && fail "install 1.1.0 ran again"
[ "$(sql "select count(*) from actions where run = 1 and step = 'install@1.1.0'")" = 1 ] ||
	fail "attempts of install@1.1.0: $(sql "select attempt from actions where step = 'install@1.1.0'")"
finish

#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# watch-plain.sh: stepup watch in plain mode streams a run's events as
# lines as the holder journals them (the action's exit only once it has
# ended), writes nothing to the journal, and exits when the run ends: 0
# when it is done; 1, saying the lock is free, when its holder dies.
# A watcher of a finished run prints it and exits at once; plain stepup
# run on a held runbook still exits 4.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/session-lib.sh"

dump() { sqlite3 "$DB" .dump; }

: >"$WORLD/hold"
printf '%s\n' "" tok ack ack "yes, upgrade to 2.0.0" "tick done" >"$TMP/in1"
"$STEPUP" run --plain "$RUNBOOK" <"$TMP/in1" >"$TMP/out1" 2>&1 &
pid=$!
wait_for "$WORLD/held"
wait_grep "$TMP/out1" "> 6 running (attempt 1)"

dump >"$TMP/dump1"
"$STEPUP" watch --plain "$RUNBOOK" >"$TMP/w" 2>"$TMP/w.err" &
wpid=$!
wait_grep "$TMP/w" "start install@1.1.0: attempt 1"
expect_grep "$TMP/w" "stepup: watching run 1 of Widget: held by "
expect_grep "$TMP/w" ", pid $pid, since "
grep -qF "exit install@1.1.0" "$TMP/w" && fail "the exit was streamed before the action ended"
sleep 1
kill -0 $wpid 2>/dev/null || fail "the watcher left while the run goes on: $(cat "$TMP/w.err")"
dump >"$TMP/dump2"
cmp -s "$TMP/dump1" "$TMP/dump2" || fail "the journal changed while only the watcher ran: $(diff "$TMP/dump1" "$TMP/dump2" | head)"

# A second plain stepup run still exits 4.
printf 'resume\n' | "$STEPUP" run --plain "$RUNBOOK" >/dev/null 2>"$TMP/err4"
st=$?
[ "$st" = 4 ] || fail "plain stepup run on a held runbook exited $st, want 4"

: >"$WORLD/release"
wait_grep "$TMP/w" "exit install@1.1.0: exit 0"
wait $pid
st=$?
[ "$st" = 0 ] || fail "the holder exited $st: $(tail "$TMP/out1")"
wait $wpid
st=$?
[ "$st" = 0 ] || fail "the watcher of a done run exited $st: $(tail -3 "$TMP/w")"
expect_grep "$TMP/w" "exit install@2.0.0: exit 0"
expect_grep "$TMP/w" "tick tell: done"
expect_line "$TMP/w" "stepup: run 1 is done"
# Every event once, in order.
n=$(grep -c '^ *[0-9][0-9]* [0-9][0-9]:' "$TMP/w")
[ "$n" = "$(sql 'select count(*) from events where run = 1')" ] ||
	fail "the watcher streamed $n events, the journal has $(sql 'select count(*) from events where run = 1')"
grep '^ *[0-9][0-9]* [0-9][0-9]:' "$TMP/w" | awk '{print $1}' >"$TMP/seqs"
seq 1 "$n" | cmp -s - "$TMP/seqs" || fail "events out of order or twice: $(tr '\n' ' ' <"$TMP/seqs")"

# A finished run: printed, exit 0 at once; by its id too.
"$STEPUP" watch --plain 1 >"$TMP/w2" 2>&1
st=$?
[ "$st" = 0 ] || fail "watching a done run exited $st: $(cat "$TMP/w2")"
expect_line "$TMP/w2" "stepup: run 1 is done"
expect_grep "$TMP/w2" "end: done"

# The holder dies: the watcher says the lock is free, exit 1.
echo 1.0.0 >"$WORLD/version"
rm -f "$WORLD/held" "$WORLD/release"
"$STEPUP" run --plain "$RUNBOOK" <"$TMP/in1" >"$TMP/out3" 2>&1 &
pid=$!
wait_for "$WORLD/held"
wait_grep "$TMP/out3" "> 6 running (attempt 1)"
"$STEPUP" watch --plain >"$TMP/w3" 2>&1 &
wpid=$!
wait_grep "$TMP/w3" "start install@1.1.0: attempt 1"
expect_grep "$TMP/w3" "watching run 2 of Widget"
kill -KILL $pid
wait $pid 2>/dev/null
wait $wpid
st=$?
[ "$st" = 1 ] || fail "the watcher of a run whose holder died exited $st: $(tail -3 "$TMP/w3")"
expect_grep "$TMP/w3" "stepup: the lock is free (its holder's stepup is gone): run 2 can be taken over (resumed)"
: >"$WORLD/release"

# Usage.
"$STEPUP" watch --plain 99 >/dev/null 2>"$TMP/err5"
[ $? = 2 ] || fail "watching no such run: want exit 2"
expect_grep "$TMP/err5" "there is no run 99"
finish

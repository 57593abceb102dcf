#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# plain-kill.sh: the wizard dies mid-action (SIGKILL, then SIGHUP); the
# action goes on, its exit status is kept, and the next stepup resumes at
# the right step. Also: a second stepup while one runs exits 4 naming the
# holder; and a restart while the action still runs follows it.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/session-lib.sh"

# The install action waits for $WORLD/release while $WORLD/hold exists.
: >"$WORLD/hold"
printf '%s\n' "" tok ack ack "yes, upgrade to 2.0.0" >"$TMP/in1"
"$STEPUP" run --plain "$RUNBOOK" <"$TMP/in1" >"$TMP/out1" 2>&1 &
pid=$!
wait_for "$WORLD/held"
wait_grep "$TMP/out1" "> 6 running (attempt 1)"

# A second operator: exit 4, naming the holder (its pid).
printf 'resume\n' | "$STEPUP" run --plain "$RUNBOOK" >"$TMP/out2" 2>"$TMP/err2"
st=$?
[ "$st" = 4 ] || fail "second stepup exited $st, want 4: $(cat "$TMP/err2")"
grep -qF "(pid $pid)" "$TMP/err2" || fail "second stepup did not name pid $pid: $(cat "$TMP/err2")"
grep -qF "holds its lock" "$TMP/err2" || fail "no 'holds its lock': $(cat "$TMP/err2")"
run=$(sql "select id from runs where status = 'running'")
grep -qF "(meanwhile, stepup show $run shows how far run $run has got)" "$TMP/err2" ||
	fail "second stepup did not point to run $run: $(cat "$TMP/err2")"
"$STEPUP" show "$run" >"$TMP/show2" 2>&1 || fail "stepup show $run while it runs: $(cat "$TMP/show2")"

kill -KILL $pid
wait $pid 2>/dev/null
[ "$(sql "select state from step_states where step = 'install@1.1.0'")" = running ] ||
	fail "journal should say running: $(sql "select step, state from step_states")"
# The action outlives the wizard: let it finish, and wait for its status.
: >"$WORLD/release"
n=0
while [ "$(cat "$WORLD/version")" != 1.1.0 ] || ! ls "$STATE"/runs/1/install*.status >/dev/null 2>&1; do
	n=$((n + 1)); [ $n -gt 400 ] && { fail "the action did not finish"; break; }
	sleep 0.05
done
rm -f "$WORLD/hold" "$WORLD/held" "$WORLD/release"

# Restart: the lock of the dead wizard is taken over, the run is resumed,
# the finished action's exit status read, and the run goes on at step 7.
printf '%s\n' resume tok "tick done" >"$TMP/in3"
"$STEPUP" run --plain "$RUNBOOK" <"$TMP/in3" >"$TMP/out3" 2>&1
st=$?
[ "$st" = 0 ] || fail "resumed run exited $st: $(tail -20 "$TMP/out3")"
expect_grep "$TMP/out3" "== unfinished: run 1, 1.0.0 -> 2.0.0, begun"
expect_grep "$TMP/out3" ", at step install@1.1.0"
expect_line "$TMP/out3" "? resume: resume run 1? [resume, abandon REASON, quit]"
expect_line "$TMP/out3" "= resumed run 1"
expect_line "$TMP/out3" "[7/11] action: Install 2.0.0"
grep -q '^\[[1-6]/11\]' "$TMP/out3" && fail "resumed run showed an earlier step: $(cat "$TMP/out3")"
expect_line "$TMP/out3" "= done: Widget upgraded, run 1"
[ "$(sql "select exit_code || ' ' || finished from actions where step = 'install@1.1.0'")" = "0 1" ] ||
	fail "exit status of the orphaned action: $(sql "select * from actions where step = 'install@1.1.0'")"
[ "$(sql "select count(*) from actions where step = 'install@1.1.0'")" = 1 ] ||
	fail "the orphaned action was run again"
[ "$(sql "select count(*) from events where kind = 'lock-takeover'")" = 1 ] ||
	fail "lock takeover not journaled"
[ "$(sql "select count(*) from events where kind = 'resume'")" = 1 ] || fail "resume not journaled"
[ "$(cat "$WORLD/version")" = 2.0.0 ] || fail "version is $(cat "$WORLD/version")"

# SIGHUP (the ssh connection drops): the wizard pauses, the action goes
# on; a restart while it still runs follows it to its end.
echo 1.0.0 >"$WORLD/version"
: >"$WORLD/hold"
"$STEPUP" run --plain "$RUNBOOK" <"$TMP/in1" >"$TMP/out4" 2>&1 &
pid=$!
wait_for "$WORLD/held"
wait_grep "$TMP/out4" "> 6 running (attempt 1)"
kill -HUP $pid
wait $pid
st=$?
[ "$st" = 1 ] || fail "SIGHUP: exit $st, want 1"
expect_line "$TMP/out4" "= paused (signal): run 2 is unfinished; to resume it: stepup run --plain --state-dir $STATE $(realpath "$RUNBOOK")"
[ "$(sql "select status from runs where id = 2")" = paused ] || fail "run 2 not paused"
[ -e "$WORLD/release" ] && fail "test bug"
kill -0 "$(sql "select pid from actions where run = 2 and step = 'install@1.1.0'")" 2>/dev/null ||
	fail "the action died with the wizard"

# Restart while it runs: follow it; release it once followed.
mkfifo "$TMP/fifo"
"$STEPUP" run --plain "$RUNBOOK" <"$TMP/fifo" >"$TMP/out5" 2>&1 &
pid=$!
exec 3>"$TMP/fifo"
printf '%s\n' resume tok >&3
wait_grep "$TMP/out5" "> 6 still running, following its log (attempt 1)"
: >"$WORLD/release"
wait_grep "$TMP/out5" "= 6 passed: exit 0"
printf '%s\n' "tick done" >&3
exec 3>&-
wait $pid
st=$?
[ "$st" = 0 ] || fail "followed run exited $st: $(tail -20 "$TMP/out5")"
expect_line "$TMP/out5" "  | installing 1.1.0 on eu-1"
expect_line "$TMP/out5" "= done: Widget upgraded, run 2"
[ "$(sql "select count(*) from actions where run = 2 and step = 'install@1.1.0'")" = 1 ] ||
	fail "the followed action was run again"
# Two stepups started at once: exactly one runs, the other exits 4
# naming the holder.
echo 1.0.0 >"$WORLD/version"
rm -f "$WORLD/release" "$WORLD/held"
: >"$WORLD/hold"
printf '%s\n' "" tok ack ack "yes, upgrade to 2.0.0" "tick ok" >"$TMP/in6"
"$STEPUP" run --plain "$RUNBOOK" <"$TMP/in6" >"$TMP/out6a" 2>"$TMP/err6a" &
pa=$!
"$STEPUP" run --plain "$RUNBOOK" <"$TMP/in6" >"$TMP/out6b" 2>"$TMP/err6b" &
pb=$!
wait_for "$WORLD/held"
: >"$WORLD/release"
wait $pa; sa=$?
wait $pb; sb=$?
case "$sa $sb" in
"0 4") loser=b; winner=$pa ;;
"4 0") loser=a; winner=$pb ;;
*) fail "two at once exited $sa and $sb, want 0 and 4"; loser=b; winner=$pa ;;
esac
grep -qF "(pid $winner)" "$TMP/err6$loser" || fail "the loser did not name pid $winner: $(cat "$TMP/err6$loser")"
[ "$(sql "select count(*) from runs where id > 2")" = 1 ] || fail "two at once made $(sql "select count(*) from runs where id > 2") runs"
finish

#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# rollpause-sshd.sh: the operator's acts on a roll through real sshd on
# loopback (sshd-lib.sh), in plain mode, on tests/data/hosts/roll.yaml:
# the roll paused during batch 1 (^C while node1 upgrades) lets batch 1
# finish and refuses batch 2, saying why, also after a kill and resume;
# continued, it goes on; the roll's own pause step ticked lets it go on
# too. Two hosts failing at once stop the roll: plain mode asks about
# each in turn, one skipped with a reason (journaled), one retried. A
# host left out within max-fail is asked about while the roll is paused,
# and retried: its later steps and the batch's health check run again.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/sshd-lib.sh"
. "$top_srcdir/tests/session-lib.sh"
RUNBOOK=$top_srcdir/tests/data/hosts/roll.yaml
unset SSH_AUTH_SOCK SSH_ASKPASS SSH_ASKPASS_REQUIRE

sshd_start 4
STEPUP_SSH_CONFIG=$SSH_CONFIG; export STEPUP_SSH_CONFIG
STEPUP_REMOTE_DIR=$TMP/remote; export STEPUP_REMOTE_DIR

# fresh: a new world at 1.0.0 and no journal.
fresh() {
	rm -rf "$STATE" "$STEPUP_REMOTE_DIR" "$WORLD"
	mkdir -p "$WORLD"
	echo 1.0.0 >"$WORLD/version"
}

# pause_in_batch1 RUNBOOK OUT: run it in plain mode with node1's upgrade
# held, pause the roll through ^C's question, release node1; $pid is
# stepup's, fd 3 its answers.
pause_in_batch1() {
	fresh
	: >"$WORLD/hold-node1"
	rm -f "$TMP/p.fifo"
	mkfifo "$TMP/p.fifo"
	"$STEPUP" run --plain "$1" <"$TMP/p.fifo" >"$2" 2>&1 &
	pid=$!
	exec 3>"$TMP/p.fifo"
	printf '%s\n' "yes, upgrade to 2.0.0" >&3
	wait_for "$WORLD/held-node1"
	kill -INT $pid
	wait_grep "$2" "? 3 cancel: cancel the running command? [yes, no, pause: pause the roll after this batch]"
	printf '%s\n' pause >&3
	wait_grep "$2" "= 3 roll paused after the batch under way"
	: >"$WORLD/release"
}

# 1. Paused during batch 1: node1 finishes, its health check runs, batch
# 2 is refused with the reason.
pause_in_batch1 "$RUNBOOK" "$TMP/out1"
wait_grep "$TMP/out1" "? 6 action: it could not start [continue, shell, quit]"
expect_line "$TMP/out1" "! 6 roll agents is paused after batch 1 of 3: continue it first"
expect_line "$TMP/out1" "= 5 passed: exit 0"
[ "$(cat "$WORLD/version-node1")" = 2.0.0 ] || fail "node1 did not finish its batch"
[ -e "$WORLD/drained-node2" ] && fail "node2 was drained while the roll is paused"
[ "$(sql "select step || ': ' || detail from events where kind = 'roll-pause'")" = \
"upgrade@2.0.0#node1: roll agents (Upgrade the agents) paused after batch 1 of 3" ] ||
	fail "the pause event: $(sql "select kind, step, detail from events")"
# Killed there, resumed: still paused; continued, the roll goes on.
kill -KILL $pid
wait $pid 2>/dev/null
exec 3>&-
rm -f "$WORLD/hold-node1" "$WORLD/held-node1" "$WORLD/release"
printf '%s\n' resume continue >"$TMP/in2"
"$STEPUP" run --plain "$RUNBOOK" <"$TMP/in2" >"$TMP/out2" 2>&1
st=$?
[ "$st" = 0 ] || fail "the resumed roll exited $st: $(tail -20 "$TMP/out2")"
expect_line "$TMP/out2" "! 6 roll agents is paused after batch 1 of 3: continue it first"
expect_line "$TMP/out2" "= 6 roll continued"
expect_line "$TMP/out2" "= done: Cluster upgraded, run 1"
for h in node1 node2 node3 node4; do
	[ "$(cat "$WORLD/ran-$h")" = x ] || fail "$h ran $(wc -l <"$WORLD/ran-$h") times"
done
[ "$(sql "select step || ': ' || detail from events where kind = 'roll-continue'")" = \
"drain@2.0.0#node2: roll agents (Upgrade the agents) continued after batch 1 of 3" ] ||
	fail "the continue event: $(sql "select kind, step, detail from events")"
"$STEPUP" show 1 >"$TMP/show" 2>&1 || fail "show: $(cat "$TMP/show")"
grep -q "roll-pause.*upgrade@2.0.0#node1.*paused after batch 1 of 3" "$TMP/show" ||
	fail "show lacks the pause: $(cat "$TMP/show")"

# 2. A roll with a pause step of its own: paused during batch 1, the
# pause step ticked lets it go on (journaled in the same transaction).
sed 's/^    max-fail: 0$/    max-fail: 0\
    pause: true/' "$RUNBOOK" >"$TMP/pause.yaml"
grep -q '^    pause: true$' "$TMP/pause.yaml" || fail "no pause in $TMP/pause.yaml"
pause_in_batch1 "$TMP/pause.yaml" "$TMP/out3"
wait_grep "$TMP/out3" "? 6 manual: tick it off when done"
printf '%s\n' tick >&3
# After a manual step, batch 2's actions ask (as without the pause).
wait_grep "$TMP/out3" "? 7 action: run it? [run, pause, shell, quit]"
printf '%s\n' quit >&3
exec 3>&-
wait $pid
[ "$(sql "select state from step_states where step = 'agents~1~pause@2.0.0'")" = passed ] ||
	fail "the pause step: $(sql "select step, state from step_states")"
[ "$(sql "select step || ': ' || detail from events where kind = 'roll-continue'")" = \
"agents~1~pause@2.0.0: roll agents (Upgrade the agents) continued after batch 1 of 3: its pause step settled" ] ||
	fail "the pause step's continue event: $(sql "select kind, step, detail from events")"

# 3. Two hosts of a batch fail at once (forks 2, max-fail 0): the roll
# stops, plain mode lists both and asks about each in turn; node2 is
# skipped with a reason (its check skipped naming it), node3 retried.
sed 's/^    max-fail: 0$/    max-fail: 0\
    forks: 2/' "$RUNBOOK" >"$TMP/forks.yaml"
grep -q '^    forks: 2$' "$TMP/forks.yaml" || fail "no forks in $TMP/forks.yaml"
fresh
: >"$WORLD/fail-node2"
: >"$WORLD/fail-node3"
rm -f "$TMP/p.fifo"
mkfifo "$TMP/p.fifo"
"$STEPUP" run --plain "$TMP/forks.yaml" <"$TMP/p.fifo" >"$TMP/out4" 2>&1 &
pid=$!
exec 3>"$TMP/p.fifo"
printf '%s\n' "yes, upgrade to 2.0.0" >&3
wait_grep "$TMP/out4" "? 8 action: it failed [retry, skip REASON, done REASON, pause, shell, rollback, quit]"
expect_line "$TMP/out4" "! roll agents stopped in batch 2 of 3: 2 hosts to answer for, one at a time: node2 (8 failed), node3 (9 failed)"
printf '%s\n' "skip node2's disk is broken" >&3
wait_grep "$TMP/out4" "? 9 action: it failed [retry, skip REASON, done REASON, pause, shell, rollback, quit]"
expect_line "$TMP/out4" "= 8 skipped: node2's disk is broken"
expect_line "$TMP/out4" "= 10 skipped: host node2 was skipped at step upgrade@2.0.0#node2 (node2's disk is broken): it is left out of Upgrade the agents"
rm -f "$WORLD/fail-node3"
printf '%s\n' retry >&3
exec 3>&-
wait $pid
st=$?
[ "$st" = 0 ] || fail "the roll with node2 skipped exited $st: $(tail -20 "$TMP/out4")"
expect_line "$TMP/out4" "= done: Cluster upgraded, run 1"
for h in node3 node4; do
	[ "$(cat "$WORLD/version-$h")" = 2.0.0 ] || fail "$h was not upgraded after node2 was skipped"
done
[ -e "$WORLD/version-node2" ] && fail "node2 has a version"
[ "$(sql "select detail from events where kind = 'skip' and step = 'upgrade@2.0.0#node2'")" = "node2's disk is broken" ] ||
	fail "node2's skip: $(sql "select kind, step, detail from events where step like '%node2'")"
[ "$(sql "select state || ': ' || reason from step_states where step = 'verify@2.0.0#node2'")" = \
"skipped: host node2 was skipped at step upgrade@2.0.0#node2 (node2's disk is broken): it is left out of Upgrade the agents" ] ||
	fail "node2's check: $(sql "select step, state, reason from step_states")"
"$STEPUP" show 1 >"$TMP/show4" 2>&1 || fail "show: $(cat "$TMP/show4")"
grep -q "skip.*upgrade@2.0.0#node2.*node2's disk is broken" "$TMP/show4" ||
	fail "show lacks node2's skip: $(cat "$TMP/show4")"

# 4. max-fail 1: node2 fails within it, the roll is paused while node3
# upgrades; at batch 3 plain mode asks about node2, left out: retried,
# its check and the batch's health check run again, then the roll is
# continued.
sed 's/^    max-fail: 0$/    max-fail: 1/' "$RUNBOOK" >"$TMP/mf.yaml"
grep -q '^    max-fail: 1$' "$TMP/mf.yaml" || fail "no max-fail in $TMP/mf.yaml"
fresh
: >"$WORLD/fail-node2"
: >"$WORLD/hold-node3"
rm -f "$TMP/p.fifo"
mkfifo "$TMP/p.fifo"
"$STEPUP" run --plain "$TMP/mf.yaml" <"$TMP/p.fifo" >"$TMP/out5" 2>&1 &
pid=$!
exec 3>"$TMP/p.fifo"
printf '%s\n' "yes, upgrade to 2.0.0" >&3
wait_for "$WORLD/held-node3"
kill -INT $pid
wait_grep "$TMP/out5" "? 10 cancel: cancel the running command? [yes, no, pause: pause the roll after this batch]"
printf '%s\n' pause >&3
wait_grep "$TMP/out5" "= 10 roll paused after the batch under way"
: >"$WORLD/release"
wait_grep "$TMP/out5" "? 7 action: it failed within max-fail: retry takes the host back, continue goes on without it [retry, continue, shell, quit]"
expect_line "$TMP/out5" "! roll agents is paused after batch 2 of 3: 1 host left out within max-fail, one at a time: node2 (7)"
[ "$(sql "select state from step_states where step = 'agents~2@2.0.0'")" = passed ] ||
	fail "batch 2's health check: $(sql "select step, state from step_states")"
rm -f "$WORLD/fail-node2"
printf '%s\n' retry >&3
wait_grep "$TMP/out5" "? 13 action: it could not start [continue, shell, quit]"
expect_line "$TMP/out5" "= 7 passed on node2: exit 0"
[ "$(cat "$WORLD/version-node2")" = 2.0.0 ] || fail "node2 was not upgraded when retried"
for k in verify@2.0.0#node2 agents~2@2.0.0; do
	[ "$(sql "select state from step_states where step = '$k'")" = passed ] ||
		fail "$k after node2's retry: $(sql "select step, state from step_states")"
	[ "$(sql "select count(*) from events where kind = 'note' and step = '$k' and detail = 'waits again: host node2''s step upgrade@2.0.0#node2, failed within max-fail, is retried'")" = 1 ] ||
		fail "no note that $k waits again: $(sql "select kind, step, detail from events where kind = 'note'")"
done
[ "$(sql "select count(*) from events where kind = 'exit' and step = 'agents~2@2.0.0'")" = 2 ] ||
	fail "batch 2's health check did not run again: $(sql "select kind, step from events where kind = 'exit'")"
printf '%s\n' continue >&3
exec 3>&-
wait $pid
st=$?
[ "$st" = 0 ] || fail "the roll with node2 retried exited $st: $(tail -20 "$TMP/out5")"
expect_line "$TMP/out5" "= done: Cluster upgraded, run 1"
[ "$(cat "$WORLD/version-node4")" = 2.0.0 ] || fail "node4 was not upgraded after the roll was continued"
finish

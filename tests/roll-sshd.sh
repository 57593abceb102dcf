#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# roll-sshd.sh: a rolling block over four agents through real sshd on
# loopback (sshd-lib.sh), in plain mode: plan, dry run and export show the
# batches; a whole roll goes canary first, a health check after each
# batch; a failing health check stops the roll before batch 2; max-fail: 1
# leaves one failed host out (its later steps skipped, named) and finishes
# the others, one more failure stops it, and so does a cancel; a check on
# every agent takes max-fail too; a kill mid-batch is resumed
# without running a done host again; the rollback undoes per host.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/sshd-lib.sh"
. "$top_srcdir/tests/session-lib.sh"
RUNBOOK=$top_srcdir/tests/data/hosts/roll.yaml
unset SSH_AUTH_SOCK SSH_ASKPASS SSH_ASKPASS_REQUIRE

sshd_start 4
STEPUP_SSH_CONFIG=$SSH_CONFIG; export STEPUP_SSH_CONFIG
STEPUP_REMOTE_DIR=$TMP/remote; export STEPUP_REMOTE_DIR
printf '%s\n' "yes, upgrade to 2.0.0" >"$TMP/in"
printf '%s\n' "yes, upgrade to 2.0.0" quit >"$TMP/inq"

# fresh: a new world at 1.0.0 and no journal.
fresh() {
	rm -rf "$STATE" "$STEPUP_REMOTE_DIR" "$WORLD"
	mkdir -p "$WORLD"
	echo 1.0.0 >"$WORLD/version"
}

# 0. Plan, dry run and export show the batches.
"$STEPUP" plan "$RUNBOOK" >"$TMP/plan" 2>&1 || fail "plan: $(cat "$TMP/plan")"
expect_line "$TMP/plan" "     steps: roll agents (drain, upgrade, verify; 4 hosts in 3 batches: node1 | node2, node3 | node4; a health check after each; max-fail 0), head"
"$STEPUP" plan --json "$RUNBOOK" >"$TMP/json" 2>&1 || fail "plan --json: $(cat "$TMP/json")"
python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))["hops"][0]["rolls"][0]
assert r["batches"] == [["node1"], ["node2", "node3"], ["node4"]], r
assert r["steps"] == ["drain", "upgrade", "verify"] and r["health"], r
assert r["max_fail"] == 0 and not r["pause"], r' "$TMP/json" ||
	fail "plan --json's roll: $(cat "$TMP/json")"
"$STEPUP" run --plain --dry-run "$RUNBOOK" >"$TMP/dry" 2>&1 ||
	fail "dry run: $(cat "$TMP/dry")"
expect_line "$TMP/dry" "[6/17] action: Drain the agent (on node2)"
expect_line "$TMP/dry" "  in roll agents (Upgrade the agents), batch 2 of 3: node2, node3"
expect_line "$TMP/dry" "[12/17] check: The cluster is healthy (after batch 2 of 3)"
[ -e "$WORLD/ran-node1" ] && fail "the dry run ran something"
"$STEPUP" export "$RUNBOOK" >"$TMP/export" 2>&1 || fail "export: $(cat "$TMP/export")"
expect_line "$TMP/export" "        Batch: roll agents (Upgrade the agents), batch 3 of 3: node4"
expect_line "$TMP/export" "[ ] 16. The cluster is healthy (after batch 3 of 3)"

# 1. A whole roll: node1 alone, its health check, then node2 and node3,
# then node4; each host's steps once, in order, on its host.
fresh
"$STEPUP" run --plain "$RUNBOOK" <"$TMP/in" >"$TMP/out1" 2>&1
st=$?
[ "$st" = 0 ] || fail "the roll exited $st: $(tail -20 "$TMP/out1")"
expect_line "$TMP/out1" "== roll agents (Upgrade the agents), batch 1 of 3: node1"
expect_line "$TMP/out1" "== roll agents (Upgrade the agents), batch 2 of 3: node2, node3"
expect_line "$TMP/out1" "  | upgrading node3 to 2.0.0"
expect_line "$TMP/out1" "= done: Cluster upgraded, run 1"
for h in node1 node2 node3 node4; do
	[ "$(cat "$WORLD/ran-$h")" = x ] || fail "$h ran $(wc -l <"$WORLD/ran-$h") times"
	[ "$(cat "$WORLD/version-$h")" = 2.0.0 ] || fail "$h: $(cat "$WORLD/version-$h")"
done
[ "$(sql "select group_concat(step, ' ') from (select step from events where kind = 'exit' order by seq)")" = \
"drain@2.0.0#node1 upgrade@2.0.0#node1 verify@2.0.0#node1 agents~1@2.0.0 drain@2.0.0#node2 upgrade@2.0.0#node2 verify@2.0.0#node2 drain@2.0.0#node3 upgrade@2.0.0#node3 verify@2.0.0#node3 agents~2@2.0.0 drain@2.0.0#node4 upgrade@2.0.0#node4 verify@2.0.0#node4 agents~3@2.0.0 head@2.0.0" ] ||
	fail "the roll's order: $(sql "select step from events where kind = 'exit' order by seq")"
[ "$(sql "select count(*) from events where kind = 'start' and step = 'upgrade@2.0.0#node4' and detail like '%on node4 through ssh%'")" = 1 ] ||
	fail "node4's upgrade did not run there: $(sql "select step, detail from events where kind = 'start'")"

# 2. The health check fails after the canary: the roll stops before
# batch 2, nothing runs on node2..node4.
fresh
: >"$WORLD/unhealthy"
"$STEPUP" run --plain "$RUNBOOK" <"$TMP/inq" >"$TMP/out2" 2>&1
st=$?
[ "$st" = 1 ] || fail "the unhealthy roll exited $st: $(tail -20 "$TMP/out2")"
expect_line "$TMP/out2" "! 5 failed: exit 1"
[ "$(cat "$WORLD/version-node1")" = 2.0.0 ] || fail "the canary was not upgraded"
for h in node2 node3 node4; do
	[ -e "$WORLD/drained-$h" ] && fail "$h was drained after a failed health check"
done
[ "$(sql "select state from step_states where step = 'agents~1@2.0.0'")" = failed ] ||
	fail "the health check: $(sql "select step, state from step_states")"
rm -f "$WORLD/unhealthy"

# 3. max-fail: 1. node2's upgrade fails: within max-fail, its check after
# it is skipped naming node2, and the roll goes on to node3 and node4.
sed 's/^    max-fail: 0$/    max-fail: 1/' "$RUNBOOK" >"$TMP/mf.yaml"
grep -q '^    max-fail: 1$' "$TMP/mf.yaml" || fail "no max-fail in $TMP/mf.yaml"
fresh
: >"$WORLD/fail-node2"
"$STEPUP" run --plain "$TMP/mf.yaml" <"$TMP/inq" >"$TMP/out3" 2>&1
st=$?
[ "$st" = 0 ] || fail "the roll with one failed host exited $st: $(tail -20 "$TMP/out3")"
expect_line "$TMP/out3" "  | disk full on node2"
expect_line "$TMP/out3" "! 7 failed, within max-fail: exit 4 on node2; the hosts of roll 'agents' failed so far, within its max-fail 1: node2"
expect_line "$TMP/out3" "= 8 skipped: host node2 failed step upgrade@2.0.0#node2, within max-fail: it is left out of Upgrade the agents"
expect_line "$TMP/out3" "= done: Cluster upgraded, run 1"
[ "$(sql "select state from step_states where step = 'upgrade@2.0.0#node2'")" = tolerated ] ||
	fail "node2's upgrade: $(sql "select step, state, reason from step_states")"
[ "$(sql "select state || ': ' || reason from step_states where step = 'verify@2.0.0#node2'")" = \
"skipped: host node2 failed step upgrade@2.0.0#node2, within max-fail: it is left out of Upgrade the agents" ] ||
	fail "node2's check: $(sql "select step, state, reason from step_states")"
[ "$(sql "select count(*) from events where kind = 'skip' and step = 'verify@2.0.0#node2'")" = 1 ] ||
	fail "no skip event for node2's check"
for h in node3 node4; do
	[ "$(cat "$WORLD/version-$h")" = 2.0.0 ] || fail "$h was not upgraded after node2 failed"
done
[ -e "$WORLD/version-node2" ] && fail "node2 has a version"
# The run's report marks node2's failure, though the run is done.
"$STEPUP" export --run 1 >"$TMP/report3" 2>&1 || fail "report: $(cat "$TMP/report3")"
expect_line "$TMP/report3" "[!] 7. Upgrade the agent to 2.0.0 (on node2)"
expect_line "$TMP/report3" "       State: failed, within max-fail"
expect_line "$TMP/report3" "[x] 5. The cluster is healthy"
# One more failure than max-fail stops the roll there.
fresh
: >"$WORLD/fail-node2"
: >"$WORLD/fail-node3"
"$STEPUP" run --plain "$TMP/mf.yaml" <"$TMP/inq" >"$TMP/out4" 2>&1
st=$?
[ "$st" = 1 ] || fail "the roll with two failed hosts exited $st: $(tail -20 "$TMP/out4")"
expect_line "$TMP/out4" "! 10 failed: exit 4 on node3"
[ "$(sql "select state from step_states where step = 'upgrade@2.0.0#node3'")" = failed ] ||
	fail "node3's upgrade: $(sql "select step, state, reason from step_states")"
[ -e "$WORLD/drained-node4" ] && fail "node4 was drained past max-fail"
rm -f "$WORLD/fail-node2" "$WORLD/fail-node3"
# A cancel is the operator's, not a host's failure: never within max-fail.
fresh
: >"$WORLD/hold-node2"
mkfifo "$TMP/c.fifo"
"$STEPUP" run --plain "$TMP/mf.yaml" <"$TMP/c.fifo" >"$TMP/outc" 2>&1 &
pid=$!
exec 3>"$TMP/c.fifo"
printf '%s\n' "yes, upgrade to 2.0.0" >&3
wait_for "$WORLD/held-node2"
kill -INT $pid
wait_grep "$TMP/outc" "? 7 cancel: cancel the running command? [yes, no, pause: pause the roll after this batch]"
printf '%s\n' yes >&3
wait_grep "$TMP/outc" "? 7 action: it failed"
printf '%s\n' quit >&3
exec 3>&-
wait $pid
[ "$(sql "select state from step_states where step = 'upgrade@2.0.0#node2'")" = failed ] ||
	fail "node2's cancelled upgrade: $(sql "select step, state, reason from step_states")"
[ -e "$WORLD/drained-node3" ] && fail "node3 was drained after a cancel"
rm -f "$WORLD/hold-node2" "$WORLD/held-node2"

# A check on every agent outside a roll, max-fail: 1: one host failing
# is said, named, and the run goes on; a second stops it.
awk '/^  - id: go$/ { print "  - id: reachable"; print "    check: The agent answers";
	print "    on: agents"; print "    max-fail: 1";
	print "    run: test ! -e \"$world/down-$STEPUP_HOST\"" } { print }' \
    "$RUNBOOK" >"$TMP/reach.yaml"
grep -q '^    max-fail: 1$' "$TMP/reach.yaml" || fail "no check in $TMP/reach.yaml"
fresh
: >"$WORLD/down-node3"
"$STEPUP" run --plain "$TMP/reach.yaml" <"$TMP/in" >"$TMP/outr" 2>&1
st=$?
[ "$st" = 0 ] || fail "the run with node3 down exited $st: $(tail -20 "$TMP/outr")"
expect_line "$TMP/outr" "! 3 failed, within max-fail: exit 1 on node3; the hosts of step 'reachable' failed so far, within its max-fail 1: node3"
expect_line "$TMP/outr" "= 4 passed on node4: exit 0"
expect_line "$TMP/outr" "= done: Cluster upgraded, run 1"
fresh
: >"$WORLD/down-node2"
: >"$WORLD/down-node3"
"$STEPUP" run --plain "$TMP/reach.yaml" <"$TMP/inq" >"$TMP/outr2" 2>&1
st=$?
[ "$st" = 1 ] || fail "the run with two agents down exited $st: $(tail -20 "$TMP/outr2")"
expect_line "$TMP/outr2" "! 2 failed, within max-fail: exit 1 on node2; the hosts of step 'reachable' failed so far, within its max-fail 1: node2"
expect_line "$TMP/outr2" "! 3 failed: exit 1 on node3"
[ -e "$WORLD/drained-node1" ] && fail "the roll began past the check's max-fail"

# 4. A kill mid-batch (node3's upgrade, batch 2): stepup, its supervisor
# and the ssh client die; node3's command ends there; the resumed run
# reads its status from node3 and runs no done host again.
fresh
: >"$WORLD/hold-node3"
"$STEPUP" run --plain "$RUNBOOK" <"$TMP/in" >"$TMP/out5" 2>&1 &
pid=$!
wait_for "$WORLD/held-node3"
sup=$(cat "$STATE"/runs/1/upgrade*node3*.status.pid 2>/dev/null | cut -d' ' -f1)
[ -n "$sup" ] || fail "no supervisor for node3: $(ls "$STATE/runs/1")"
kill -KILL "$pid"
wait "$pid" 2>/dev/null
kill_tree "$sup"
: >"$WORLD/release"
n=0
until [ -e "$WORLD/version-node3" ]; do
	n=$((n + 1)); [ $n -lt 300 ] || { fail "node3's command did not end"; break; }
	sleep 0.1
done
sleep 0.5
[ -e "$WORLD/drained-node4" ] && fail "node4 was drained before batch 2 was known done"
printf '%s\n' resume >"$TMP/in6"
"$STEPUP" run --plain "$RUNBOOK" <"$TMP/in6" >"$TMP/out6" 2>&1
st=$?
[ "$st" = 0 ] || fail "the resumed roll exited $st: $(tail -20 "$TMP/out6")"
expect_line "$TMP/out6" "= done: Cluster upgraded, run 1"
for h in node1 node2 node3 node4; do
	[ "$(cat "$WORLD/ran-$h")" = x ] || fail "after the kill, $h ran $(wc -l <"$WORLD/ran-$h") times"
	[ "$(cat "$WORLD/drained-$h")" = x ] || fail "after the kill, $h was drained $(wc -l <"$WORLD/drained-$h") times"
	[ "$(sql "select count(*) from actions where step = 'upgrade@2.0.0#$h'")" = 1 ] ||
		fail "$h's attempts after the kill: $(sql "select step, attempt from actions")"
done
[ "$(sql "select count(*) from events where step = 'upgrade@2.0.0#node3' and detail like '%node3 says attempt 1 exited 0%'")" = 1 ] ||
	fail "no note of node3's answer: $(sql "select kind, detail from events where step = 'upgrade@2.0.0#node3'")"
rm -f "$WORLD/hold-node3" "$WORLD/held-node3" "$WORLD/release"

# 5. The rollback undoes each host's steps, latest batch first, on the
# host where each ran.
printf '%s\n' "yes, roll back to 1.0.0" >"$TMP/in7"
"$STEPUP" rollback --plain "$RUNBOOK" <"$TMP/in7" >"$TMP/out7" 2>&1
st=$?
[ "$st" = 0 ] || fail "the rollback exited $st: $(tail -30 "$TMP/out7")"
[ "$(sql "select group_concat(step, ' ') from (select step from events where kind = 'exit' and run = 2 order by seq)")" = \
"undo:head@2.0.0 undo:upgrade@2.0.0#node4 undo:drain@2.0.0#node4 undo:upgrade@2.0.0#node3 undo:drain@2.0.0#node3 undo:upgrade@2.0.0#node2 undo:drain@2.0.0#node2 undo:upgrade@2.0.0#node1 undo:drain@2.0.0#node1" ] ||
	fail "the rollback's order: $(sql "select step from events where kind = 'exit' and run = 2 order by seq")"
for h in node1 node2 node3 node4; do
	[ "$(cat "$WORLD/version-$h")" = 1.0.0 ] || fail "$h after the rollback: $(cat "$WORLD/version-$h")"
	[ -e "$WORLD/drained-$h" ] && fail "$h is still drained"
done
finish

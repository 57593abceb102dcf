#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# rollfork-sshd.sh: a rolling block with forks: 2 over four agents through
# real sshd on loopback (sshd-lib.sh), in plain mode: the plan says how
# many at once; within the batch of three, node1 and node2 run at once
# (each one's command waits for the other's) and never more than two do;
# each host's check after its own upgrade, the health check after the
# whole batch; stepup killed while two hosts of the batch run is resumed
# with each settled by what its host says, none run again; the rollback
# undoes per host; a host failed within max-fail holds back only itself.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/sshd-lib.sh"
. "$top_srcdir/tests/session-lib.sh"
RUNBOOK=$top_srcdir/tests/data/hosts/rollfork.yaml
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
seq_of() {
	sql "select min(seq) from events where kind = '$1' and step = '$2'"
}
# counted: each host's running count at most 2, node1's and node2's 2.
counted() {
	awk '$2 > 2 { bad = 1 } END { exit bad }' "$WORLD/counts" ||
		fail "$1: more than two hosts at once: $(cat "$WORLD/counts")"
	for h in node1 node2; do
		[ "$(awk -v h=$h '$1 == h { print $2 }' "$WORLD/counts")" = 2 ] ||
			fail "$1: $h did not run beside the other: $(cat "$WORLD/counts")"
	done
}

# 0. The plan and the dry run say how many at once.
fresh
"$STEPUP" plan "$RUNBOOK" >"$TMP/plan" 2>&1 || fail "plan: $(cat "$TMP/plan")"
expect_line "$TMP/plan" "     steps: roll agents (upgrade, verify; 4 hosts in 2 batches: node1, node2, node3 | node4; a health check after each; max-fail 0; 2 hosts of a batch at once), head"
"$STEPUP" plan --json "$RUNBOOK" >"$TMP/json" 2>&1 || fail "plan --json: $(cat "$TMP/json")"
python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))["hops"][0]["rolls"][0]
assert r["forks"] == 2, r
assert r["batches"] == [["node1", "node2", "node3"], ["node4"]], r' "$TMP/json" ||
	fail "plan --json's roll: $(cat "$TMP/json")"
# The dry run names the batch's hosts once each, and how many at once.
"$STEPUP" run --plain --dry-run "$RUNBOOK" >"$TMP/dry" 2>&1 </dev/null ||
	fail "dry run: $(cat "$TMP/dry")"
expect_line "$TMP/dry" "  in roll agents (Upgrade the agents), batch 1 of 2: node1, node2, node3"
expect_line "$TMP/dry" "  on host: node3 (through ssh; 2 of the step's 3 hosts at once)"
expect_line "$TMP/dry" "  in roll agents (Upgrade the agents), batch 2 of 2: node4"
[ -e "$WORLD/ran-node1" ] && fail "the dry run ran something"

# 1. A whole run: two hosts of the batch at once, never three.
fresh
"$STEPUP" run --plain "$RUNBOOK" <"$TMP/in" >"$TMP/out1" 2>&1
st=$?
[ "$st" = 0 ] || fail "the run exited $st: $(tail -30 "$TMP/out1")"
expect_line "$TMP/out1" "> 2-4 on 3 hosts, at most 2 at once (forks)"
expect_line "$TMP/out1" "= done: Cluster upgraded, run 1"
for h in node1 node2 node3 node4; do
	[ "$(cat "$WORLD/ran-$h")" = x ] || fail "$h ran $(wc -l <"$WORLD/ran-$h") times"
	[ "$(cat "$WORLD/version-$h")" = 2.0.0 ] || fail "$h: $(cat "$WORLD/version-$h")"
	[ "$(seq_of start "verify@2.0.0#$h")" -gt "$(seq_of exit "upgrade@2.0.0#$h")" ] ||
		fail "$h's check before its upgrade ended"
done
counted "the run"
[ "$(seq_of start 'upgrade@2.0.0#node2')" -lt "$(seq_of exit 'upgrade@2.0.0#node1')" ] ||
	fail "node2 did not start while node1 ran: $(sql "select seq, kind, step from events")"
a=$(seq_of exit 'upgrade@2.0.0#node1') b=$(seq_of exit 'upgrade@2.0.0#node2')
[ "$a" -lt "$b" ] || a=$b
[ "$(seq_of start 'upgrade@2.0.0#node3')" -gt "$a" ] ||
	fail "node3 started beside two: $(sql "select seq, kind, step from events")"
for h in node1 node2 node3; do
	[ "$(seq_of start 'agents~1@2.0.0')" -gt "$(seq_of exit "verify@2.0.0#$h")" ] ||
		fail "the health check before $h's check"
done
[ "$(seq_of start 'upgrade@2.0.0#node4')" -gt "$(seq_of exit 'agents~1@2.0.0')" ] ||
	fail "batch 2 before batch 1's health check"

# 2. stepup killed while node1 and node2 run (their supervisors and ssh
# clients too): the resumed run settles each by what its host says, and
# runs none again.
fresh
: >"$WORLD/hold-node1"
: >"$WORLD/hold-node2"
"$STEPUP" run --plain "$RUNBOOK" <"$TMP/in" >"$TMP/out2" 2>&1 &
pid=$!
wait_for "$WORLD/held-node1"
wait_for "$WORLD/held-node2"
kill -KILL "$pid"
wait "$pid" 2>/dev/null
for h in node1 node2; do
	sup=$(cut -d' ' -f1 "$STATE"/runs/1/upgrade*$h*.status.pid 2>/dev/null)
	[ -n "$sup" ] || fail "no supervisor for $h: $(ls "$STATE/runs/1")"
	kill_tree "$sup"
done
[ "$(sql "select count(*) from step_states where state = 'running'")" = 2 ] ||
	fail "not two running at the kill: $(sql "select step, state from step_states")"
: >"$WORLD/release"
n=0
until [ -e "$WORLD/version-node1" ] && [ -e "$WORLD/version-node2" ]; do
	n=$((n + 1)); [ $n -lt 300 ] || { fail "the hosts' commands did not end"; break; }
	sleep 0.1
done
sleep 0.5
printf '%s\n' resume >"$TMP/in3"
"$STEPUP" run --plain "$RUNBOOK" <"$TMP/in3" >"$TMP/out3" 2>&1
st=$?
[ "$st" = 0 ] || fail "the resumed run exited $st: $(tail -30 "$TMP/out3")"
expect_line "$TMP/out3" "= done: Cluster upgraded, run 1"
for h in node1 node2 node3 node4; do
	[ "$(cat "$WORLD/ran-$h")" = x ] || fail "after the kill, $h ran $(wc -l <"$WORLD/ran-$h") times"
	[ "$(sql "select state from step_states where step = 'upgrade@2.0.0#$h'")" = passed ] ||
		fail "$h after the resume: $(sql "select step, state, reason from step_states")"
	[ "$(sql "select state from step_states where step = 'verify@2.0.0#$h'")" = passed ] ||
		fail "$h's check after the resume: $(sql "select step, state, reason from step_states")"
done
for h in node1 node2; do
	[ "$(sql "select count(*) from events where step = 'upgrade@2.0.0#$h' and detail like '%$h says attempt 1 exited 0%'")" = 1 ] ||
		fail "$h not settled by its host: $(sql "select kind, detail from events where step = 'upgrade@2.0.0#$h'")"
done
rm -f "$WORLD/release"

# 3. The rollback undoes per host: each host's version back to 1.0.0.
printf '%s\n' "yes, roll back to 1.0.0" >"$TMP/in4"
"$STEPUP" rollback --plain "$RUNBOOK" <"$TMP/in4" >"$TMP/out4" 2>&1
st=$?
[ "$st" = 0 ] || fail "the rollback exited $st: $(tail -30 "$TMP/out4")"
for h in node1 node2 node3 node4; do
	[ "$(cat "$WORLD/version-$h")" = 1.0.0 ] || fail "$h after the rollback: $(cat "$WORLD/version-$h")"
	[ "$(sql "select state from step_states where step = 'undo:upgrade@2.0.0#$h'")" = passed ] ||
		fail "$h's undo: $(sql "select step, state from step_states where step like 'undo:%'")"
done
[ "$(cat "$WORLD/version")" = 1.0.0 ] || fail "the head after the rollback: $(cat "$WORLD/version")"

# 4. max-fail: 1. node1's upgrade fails beside node2's: within max-fail,
# node1's check is skipped naming it, node2 and node3 go on to theirs,
# and so does the next batch.
sed 's/^    max-fail: 0$/    max-fail: 1/' "$RUNBOOK" >"$TMP/mf.yaml"
grep -q '^    max-fail: 1$' "$TMP/mf.yaml" || fail "no max-fail in $TMP/mf.yaml"
fresh
: >"$WORLD/fail-node1"
"$STEPUP" run --plain "$TMP/mf.yaml" <"$TMP/inq" >"$TMP/out5" 2>&1
st=$?
[ "$st" = 0 ] || fail "the roll with one failed host exited $st: $(tail -20 "$TMP/out5")"
expect_line "$TMP/out5" "! 2 failed, within max-fail: exit 4 on node1; the hosts of roll 'agents' failed so far, within its max-fail 1: node1"
expect_line "$TMP/out5" "= 5 skipped: host node1 failed step upgrade@2.0.0#node1, within max-fail: it is left out of Upgrade the agents"
expect_line "$TMP/out5" "= done: Cluster upgraded, run 1"
counted "the run with node1 failing"
for h in node2 node3 node4; do
	[ "$(cat "$WORLD/version-$h")" = 2.0.0 ] || fail "$h was not upgraded after node1 failed"
	[ "$(sql "select state from step_states where step = 'verify@2.0.0#$h'")" = passed ] ||
		fail "$h's check after node1 failed: $(sql "select step, state, reason from step_states")"
done
[ -e "$WORLD/version-node1" ] && fail "node1 has a version"
finish

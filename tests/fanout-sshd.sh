#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# fanout-sshd.sh: a step on four agents with forks: 2, through real sshd on
# loopback (sshd-lib.sh), in plain mode: two hosts run at once (each
# pair's commands wait for each other, and none counts more than two
# running), never more; each host's start and end is a line of its own,
# its output prefixed with the host; stepup killed while two run is
# resumed with each of them settled by what its host says, none run
# again, or followed both at once when their supervisors live on; a
# failing host is named, its fellows go on, and the step after
# them waits; an interrupt cancels every host running.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/sshd-lib.sh"
. "$top_srcdir/tests/session-lib.sh"
RUNBOOK=$top_srcdir/tests/data/hosts/fanout.yaml
unset SSH_AUTH_SOCK SSH_ASKPASS SSH_ASKPASS_REQUIRE

sshd_start 4
STEPUP_SSH_CONFIG=$SSH_CONFIG; export STEPUP_SSH_CONFIG
STEPUP_REMOTE_DIR=$TMP/remote; export STEPUP_REMOTE_DIR

# reset: a new world at 1.0.0, no journal.
reset() {
	rm -rf "$STATE" "$WORLD"
	mkdir -p "$WORLD"
	echo 1.0.0 >"$WORLD/version"
}

# 0. The plan says how many at once.
reset
"$STEPUP" plan "$RUNBOOK" >"$TMP/plan" 2>&1 || fail "plan: $(cat "$TMP/plan")"
expect_line "$TMP/plan" "     steps: agent (on 4 hosts: node1, node2, node3, node4; 2 at once), head"
"$STEPUP" run --plain --dry-run "$RUNBOOK" >"$TMP/dry" 2>&1 </dev/null ||
	fail "dry run: $(cat "$TMP/dry")"
expect_line "$TMP/dry" "  on host: node3 (through ssh; 2 of the step's 4 hosts at once)"
[ -e "$WORLD/ran-node1" ] && fail "the dry run ran something"
reset

# 1. A whole run: two at a time, each host once.
printf '%s\n' "yes, upgrade to 2.0.0" >"$TMP/in1"
"$STEPUP" run --plain "$RUNBOOK" <"$TMP/in1" >"$TMP/out1" 2>&1
st=$?
[ "$st" = 0 ] || fail "the run exited $st: $(tail -30 "$TMP/out1")"
expect_line "$TMP/out1" "[2-5/6] action: Upgrade the agent to 2.0.0"
expect_line "$TMP/out1" "> 2-5 on 4 hosts, at most 2 at once (forks)"
for k in 1 2 3 4; do
	h=node$k
	expect_line "$TMP/out1" "> $((k + 1)) running on $h (attempt 1)"
	expect_line "$TMP/out1" "  | $h: $h at 2.0.0"
	expect_line "$TMP/out1" "= $((k + 1)) passed on $h: exit 0"
	[ "$(cat "$WORLD/ran-$h")" = x ] || fail "$h ran $(wc -l <"$WORLD/ran-$h") times"
	[ "$(cat "$WORLD/version-$h")" = 2.0.0 ] || fail "$h: $(cat "$WORLD/version-$h")"
	[ "$(sql "select count(*) || ' ' || exit_code from actions where step = 'agent@2.0.0#$h'")" = "1 0" ] ||
		fail "$h's attempts: $(sql "select step, attempt, exit_code from actions")"
done
expect_line "$TMP/out1" "= 2-5: all 4 hosts passed"
expect_line "$TMP/out1" "= done: Cluster upgraded, run 1"
# Each pair ran at once, and no more than two ever did.
[ "$(sort -u "$WORLD/counts")" = 2 ] || fail "hosts running at once: $(cat "$WORLD/counts")"
# In the journal: node2 started before node1 ended, node3 only after
# one of the first two ended; the head's step after every host.
seq_of() {
	sql "select min(seq) from events where kind = '$1' and step = '$2'"
}
[ "$(seq_of start 'agent@2.0.0#node2')" -lt "$(seq_of exit 'agent@2.0.0#node1')" ] ||
	fail "node2 did not start while node1 ran: $(sql "select seq, kind, step from events")"
a=$(seq_of exit 'agent@2.0.0#node1') b=$(seq_of exit 'agent@2.0.0#node2')
[ "$a" -lt "$b" ] || a=$b
[ "$(seq_of start 'agent@2.0.0#node3')" -gt "$a" ] ||
	fail "node3 started beside two: $(sql "select seq, kind, step from events")"
[ "$(seq_of start 'head@2.0.0')" -gt "$(seq_of exit 'agent@2.0.0#node4')" ] ||
	fail "the head's step did not wait for every host"

# 2. stepup killed while node3 and node4 run (their supervisors and ssh
# clients too): the commands go on and end on the hosts; the resumed run
# settles each by what its host says, and runs none again.
reset
: >"$WORLD/hold-node3"
: >"$WORLD/hold-node4"
"$STEPUP" run --plain "$RUNBOOK" <"$TMP/in1" >"$TMP/out2" 2>&1 &
pid=$!
wait_for "$WORLD/held-node3"
wait_for "$WORLD/held-node4"
kill -KILL "$pid"
wait "$pid" 2>/dev/null
for h in node3 node4; do
	sup=$(cut -d' ' -f1 "$STATE"/runs/1/agent*$h*.status.pid 2>/dev/null)
	[ -n "$sup" ] || fail "no supervisor for $h: $(ls "$STATE/runs/1")"
	kill_tree "$sup"
done
[ "$(sql "select count(*) from step_states where state = 'running'")" = 2 ] ||
	fail "not two running at the kill: $(sql "select step, state from step_states")"
: >"$WORLD/release"
n=0
until [ -e "$WORLD/version-node3" ] && [ -e "$WORLD/version-node4" ]; do
	n=$((n + 1)); [ $n -lt 300 ] || { fail "the hosts' commands did not end"; break; }
	sleep 0.1
done
sleep 0.5
printf '%s\n' resume >"$TMP/in3"
"$STEPUP" run --plain "$RUNBOOK" <"$TMP/in3" >"$TMP/out3" 2>&1
st=$?
[ "$st" = 0 ] || fail "the resumed run exited $st: $(tail -30 "$TMP/out3")"
expect_line "$TMP/out3" "= done: Cluster upgraded, run 1"
# Said, each of them, before the run goes on.
expect_line "$TMP/out3" "= 4 Upgrade the agent to 2.0.0 (on node3): ended while stepup was not running"
expect_line "$TMP/out3" "= 5 passed on node4: exit 0"
for h in node1 node2 node3 node4; do
	[ "$(cat "$WORLD/ran-$h")" = x ] || fail "after the kill, $h ran $(wc -l <"$WORLD/ran-$h") times"
	[ "$(sql "select count(*) from actions where step = 'agent@2.0.0#$h'")" = 1 ] ||
		fail "$h's attempts after the kill: $(sql "select step, attempt from actions")"
	[ "$(sql "select state from step_states where step = 'agent@2.0.0#$h'")" = passed ] ||
		fail "$h after the resume: $(sql "select step, state, reason from step_states")"
done
for h in node3 node4; do
	[ "$(sql "select count(*) from events where step = 'agent@2.0.0#$h' and detail like '%$h says attempt 1 exited 0%'")" = 1 ] ||
		fail "$h not settled by its host: $(sql "select kind, detail from events where step = 'agent@2.0.0#$h'")"
done
rm -f "$WORLD/release"

# 2b. stepup alone killed while node1 and node2 run: their supervisors
# go on; the resumed run follows both at once, then starts the others.
reset
: >"$WORLD/hold-node1"
: >"$WORLD/hold-node2"
"$STEPUP" run --plain "$RUNBOOK" <"$TMP/in1" >"$TMP/out5" 2>&1 &
pid=$!
wait_for "$WORLD/held-node1"
wait_for "$WORLD/held-node2"
kill -KILL "$pid"
wait "$pid" 2>/dev/null
"$STEPUP" run --plain "$RUNBOOK" <"$TMP/in3" >"$TMP/out6" 2>&1 &
pid=$!
wait_grep "$TMP/out6" "> 2-5 on 4 hosts, at most 2 at once (forks): following those still running"
: >"$WORLD/release"
wait "$pid"
st=$?
[ "$st" = 0 ] || fail "the run resumed while two ran exited $st: $(tail -30 "$TMP/out6")"
expect_line "$TMP/out6" "> 2 running on node1 (attempt 1)"
expect_line "$TMP/out6" "> 3 running on node2 (attempt 1)"
expect_line "$TMP/out6" "= 2 passed on node1: exit 0"
expect_line "$TMP/out6" "= 5 passed on node4: exit 0"
expect_line "$TMP/out6" "= 2-5: all 4 hosts passed"
expect_line "$TMP/out6" "= done: Cluster upgraded, run 1"
for h in node1 node2 node3 node4; do
	[ "$(cat "$WORLD/ran-$h")" = x ] || fail "resumed while two ran, $h ran $(wc -l <"$WORLD/ran-$h") times"
done
[ "$(sort -u "$WORLD/counts")" = 2 ] || fail "hosts running at once after the resume: $(cat "$WORLD/counts")"
rm -f "$WORLD/release"

# 3. node3 fails: named on its own line and in the step's; node4, its
# fellow, goes on; the head's step waits.
reset
: >"$WORLD/fail-node3"
printf '%s\n' "yes, upgrade to 2.0.0" quit >"$TMP/in4"
"$STEPUP" run --plain "$RUNBOOK" <"$TMP/in4" >"$TMP/out4" 2>&1
st=$?
[ "$st" = 1 ] || fail "the failed upgrade exited $st: $(tail -30 "$TMP/out4")"
expect_line "$TMP/out4" "! 4 failed: exit 4 on node3"
expect_line "$TMP/out4" "  | node3: disk full on node3"
expect_line "$TMP/out4" "= 5 passed on node4: exit 0"
expect_line "$TMP/out4" "! 2-5: 3 of 4 hosts passed; failed: node3"
expect_line "$TMP/out4" "[4/6] action: Upgrade the agent to 2.0.0 (on node3)"
[ "$(cat "$WORLD/version-node4")" = 2.0.0 ] || fail "node4 was not upgraded"
[ "$(cat "$WORLD/version")" = 1.0.0 ] || fail "the head's step ran with node3 failed"
[ "$(sql "select state from step_states where step = 'agent@2.0.0#node3'")" = failed ] ||
	fail "node3's step: $(sql "select step, state, reason from step_states")"

# 4. An interrupt while node1 and node2 run: asked once, a yes cancels
# both (stopped on their hosts) and starts no more of the hosts.
reset
: >"$WORLD/hold-node1"
: >"$WORLD/hold-node2"
printf '%s\n' "yes, upgrade to 2.0.0" yes quit >"$TMP/in7"
"$STEPUP" run --plain "$RUNBOOK" <"$TMP/in7" >"$TMP/out7" 2>&1 &
pid=$!
wait_for "$WORLD/held-node1"
wait_for "$WORLD/held-node2"
kill -INT "$pid"
wait "$pid"
st=$?
[ "$st" = 1 ] || fail "the cancelled run exited $st: $(tail -30 "$TMP/out7")"
expect_line "$TMP/out7" "? 2 cancel: cancel the 2 commands running (and start no more of these hosts)? [yes, no]"
expect_line "$TMP/out7" "> cancelling every host running: SIGTERM, then SIGKILL"
expect_line "$TMP/out7" "! 2 failed: exit 143 (cancelled) on node1"
expect_line "$TMP/out7" "! 3 failed: exit 143 (cancelled) on node2"
expect_line "$TMP/out7" "! 2-5: 0 of 4 hosts passed; failed: node1, node2"
[ "$(sql "select count(*) from actions where step in ('agent@2.0.0#node3', 'agent@2.0.0#node4')")" = 0 ] ||
	fail "a host started after the cancel: $(sql "select step, attempt from actions")"
[ -e "$WORLD/ran-node3" ] || [ -e "$WORLD/ran-node4" ] && fail "node3 or node4 ran after the cancel"
[ -e "$WORLD/version-node1" ] && fail "node1's command went on after the cancel"
finish

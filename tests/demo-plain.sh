#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# demo-plain.sh: the demo end to end in plain mode, on a real demo cluster
# with its workloads running: the whole upgrade 1.0.0 -> 2.0.0; then, on a
# fresh cluster, the injected failure of the major hop and the guided
# rollback; on a third, an agent made to fail stops the roll of the agents
# at its node, and once healed a retry goes on to the end. The agents are
# upgraded on the demo's nodes, real sshd on loopback (democtl
# start-nodes), through STEPUP_SSH_CONFIG. The database and every node's
# agent are checked afterwards: upgraded, or restored with every row of
# the backup. No workload and no sshd outlives the test.
. "$top_srcdir/tests/lib.sh"

command -v sqlite3 >/dev/null 2>&1 || { echo "sqlite3 missing: skipped"; exit 77; }
need_sshd
ctl="$top_srcdir/runbooks/demo/democtl"
RB="$top_srcdir/runbooks/demo.yaml"
trap 'for d in ok bad fail; do
		"$ctl" -d "$TMP/$d" stop-nodes >/dev/null 2>&1
		"$ctl" -d "$TMP/$d" stop-workloads >/dev/null 2>&1
	done
	rm -rf "$TMP"' EXIT
unset TERM SSH_AUTH_SOCK

expect_line() {
	grep -qxF -- "$2" "$1" || fail "$1 lacks the line '$2': $(tail -c 1500 "$1")"
}
# demo DIR ANSWERS...: a fresh cluster in DIR with its workloads running
# and its nodes up, then stepup on it (run) in plain mode with these
# answers; $status and $TMP/out.
demo() {
	dir=$1; shift
	"$ctl" -d "$dir" init >/dev/null && "$ctl" -d "$dir" start-workloads >/dev/null &&
		"$ctl" -d "$dir" start-nodes >/dev/null ||
		fail "cannot create a demo cluster in $dir"
	run "$dir" "$@"
}
run() {
	dir=$1; shift
	printf '%s\n' "$@" | STEPUP_DEMO_DIR="$dir" \
		STEPUP_SSH_CONFIG="$dir/nodes/ssh_config" "$STEPUP" run --plain \
		--state-dir "$dir.state" "$RB" >"$TMP/out" 2>"$TMP/err"
	status=$?
}
# agents_at DIR V1 V2 V3: the agents of node1..node3 run these versions.
agents_at() {
	got="$(cat "$1/nodes/node1/VERSION") $(cat "$1/nodes/node2/VERSION") $(cat "$1/nodes/node3/VERSION")"
	shift
	[ "$got" = "$*" ] || fail "the agents run $got, want $*"
}
q() {
	sqlite3 -batch -cmd '.timeout 10000' "$1" "$2"
}

# The whole upgrade.
D="$TMP/ok"
demo "$D" "" ack ack ack "tick told myself" accept "yes, upgrade to 2.0.0" "tick nothing else" run
[ "$status" = 0 ] || fail "the upgrade exited $status: $(tail -20 "$TMP/out") $(cat "$TMP/err")"
o="$TMP/out"
expect_line "$o" "== plan: 1.0.0 -> 2.0.0, 3 hops"
expect_line "$o" "==   hop 3: 1.1.0 -> 2.0.0 (major)"
expect_line "$o" "[6/43] check: No workload is running"
expect_line "$o" "  hint: The workloads still write to the database. Acknowledge: right after the confirmation, \"Stop the workloads\" stops them, and the same check then makes sure none is left."
expect_line "$o" "= 6 passed: warning accepted"
expect_line "$o" "? 7 confirm: type \"yes, upgrade to 2.0.0\" to go on [the phrase, shell, quit]"
expect_line "$o" "= 9 passed: exit 0"
expect_line "$o" "  | database and installed release are now at 2.0.0 ($(q "$D/backups/cluster-1.0.0-1.db" 'SELECT count(*) FROM events;') rows)"
# The agents, each on its node: the canary alone, the health check, then
# the rest.
expect_line "$o" "== roll agents (Upgrade the agents), batch 1 of 2: node1"
expect_line "$o" "[13/43] action: Upgrade the agent to 1.0.1 (on node1)"
expect_line "$o" "  | node1: agent upgraded from 1.0.0 to 1.0.1"
expect_line "$o" "[15/43] check: Every agent is up (after batch 1 of 2)"
expect_line "$o" "== roll agents (Upgrade the agents), batch 2 of 2: node2, node3"
expect_line "$o" "  | node3: agent upgraded from 1.1.0 to 2.0.0"
expect_line "$o" "= 39 passed on node3: exit 0"
expect_line "$o" "[41/43] manual: Check nothing outside the cluster writes events.payload"
expect_line "$o" "= 43 passed: exit 0"
# A value the backup step set (outputs), shown and used by the last check.
expect_line "$o" "  set: backup_rows=$(q "$D/backups/cluster-1.0.0-1.db" 'SELECT count(*) FROM events;')"
expect_line "$o" "  | the backup held $(q "$D/backups/cluster-1.0.0-1.db" 'SELECT count(*) FROM events;') rows"
expect_line "$o" "= done: stepup demo cluster upgraded, run 1"
# In the journal, the typed phrase comes before the first action started.
q "$D.state/journal.db" "SELECT kind || ' ' || coalesce(step, '-') FROM events WHERE run = 1 ORDER BY seq;" >"$TMP/ev"
phrase=$(grep -n '^phrase go$' "$TMP/ev" | cut -d: -f1)
stop=$(grep -n '^start stop$' "$TMP/ev" | cut -d: -f1)
[ -n "$phrase" ] && [ -n "$stop" ] && [ "$phrase" -lt "$stop" ] ||
	fail "journal: phrase at ${phrase:-none}, first action at ${stop:-none}: $(tr '\n' ';' <"$TMP/ev")"
# Each agent's upgrade went to its node through ssh, once per hop.
[ "$(q "$D.state/journal.db" "SELECT count(*) FROM events WHERE run = 1 AND kind = 'start'
	AND step LIKE 'agent@%#node_' AND detail LIKE '%on ' || substr(step, -5) || ' through ssh%';")" = 9 ] ||
	fail "the agents' upgrades in the journal: $(q "$D.state/journal.db" "SELECT step, detail FROM events WHERE kind = 'start'")"
# The real cluster: 2.0.0, its schema, every backed-up row, workloads
# writing as 2.0.0.
[ "$("$ctl" -d "$D" version)" = 2.0.0 ] || fail "installed: $("$ctl" -d "$D" version)"
"$ctl" -d "$D" verify 2.0.0 >"$TMP/verify" || fail "verify 2.0.0: $(cat "$TMP/verify")"
[ "$(q "$D/cluster.db" "ATTACH '$D/backups/cluster-1.0.0-1.db' AS b;
	SELECT count(*) FROM b.events WHERE id NOT IN (SELECT id FROM main.events);")" = 0 ] ||
	fail "rows of the backup are missing after the upgrade"
"$ctl" -d "$D" workloads-running >/dev/null || fail "the workloads were not started again"
grep -q "started as release 2.0.0" "$D/run/worker-1.log" || fail "worker 1 is not a 2.0.0 one: $(cat "$D/run/worker-1.log")"
agents_at "$D" 2.0.0 2.0.0 2.0.0
"$ctl" -d "$D" agents-healthy 2.0.0 >"$TMP/healthy" || fail "agents-healthy 2.0.0: $(cat "$TMP/healthy")"
[ "$(q "$D.state/journal.db" 'SELECT status FROM runs WHERE id = 1;')" = done ] ||
	fail "run 1 is $(q "$D.state/journal.db" 'SELECT status FROM runs WHERE id = 1;')"
"$ctl" -d "$D" stop-workloads >/dev/null
"$ctl" -d "$D" stop-nodes >/dev/null

# The injected failure, then the guided rollback on the same cluster.
D="$TMP/bad"
demo "$D" yes ack ack ack "tick told myself" accept "yes, upgrade to 2.0.0" rollback "yes, roll back to 1.0.0"
# The upgrade failed, so stepup says so by its exit status, rollback done.
[ "$status" = 1 ] || fail "the rolled-back upgrade exited $status, want 1: $(tail -20 "$TMP/out") $(cat "$TMP/err")"
o="$TMP/out"
expect_line "$o" "  | democtl: this failure was injected on purpose (the demo's break_hop answer)"
expect_line "$o" "  | democtl: migration 1.1.0 -> 2.0.0 failed and was rolled back: the database is still at 1.1.0"
expect_line "$o" "! 31 failed: exit 1"
expect_line "$o" "? 31 action: it failed [retry, done REASON, shell, rollback, quit]"
expect_line "$o" "== rollback: run 2, 16 steps"
# Every agent set back on its node, latest batch first, each hop in turn.
expect_line "$o" "[2/16] action: Undo: Upgrade the agent to 1.1.0 (on node3)"
expect_line "$o" "[4/16] action: Undo: Upgrade the agent to 1.1.0 (on node1)"
expect_line "$o" "  | node1: agent upgraded from 1.0.1 to 1.0.0"
expect_line "$o" "  | database and installed release are now at 1.0.1 ($(q "$D/backups/cluster-1.0.0-1.db" 'SELECT count(*) FROM events;') rows)"
expect_line "$o" "[13/16] action: Restore the database backup"
expect_line "$o" "= 15 passed: exit 0"
expect_line "$o" "= done: stepup demo cluster rolled back, run 2"
grep -q '^\[3[2-9]/43\]\|^\[4[0-3]/43\]' "$o" && fail "steps after the failed hop ran"
# The real cluster: back at 1.0.0 with every row of the backup, the
# workloads writing again as 1.0.0.
[ "$("$ctl" -d "$D" version)" = 1.0.0 ] || fail "installed: $("$ctl" -d "$D" version)"
"$ctl" -d "$D" verify 1.0.0 >"$TMP/verify" || fail "verify 1.0.0: $(cat "$TMP/verify")"
[ "$(q "$D/cluster.db" "ATTACH '$D/backups/cluster-1.0.0-1.db' AS b;
	SELECT count(*) FROM b.events WHERE id NOT IN (SELECT id FROM main.events);")" = 0 ] ||
	fail "rows of the backup are missing after the rollback"
[ "$(q "$D/cluster.db" 'SELECT version FROM schema_version;')" = 1.0.0 ] || fail "schema version"
"$ctl" -d "$D" workloads-running >/dev/null || fail "the workloads were not started again"
[ "$(q "$D.state/journal.db" 'SELECT status FROM runs WHERE id = 2;')" = done ] ||
	fail "rollback run is $(q "$D.state/journal.db" 'SELECT status FROM runs WHERE id = 2;')"
agents_at "$D" 1.0.0 1.0.0 1.0.0
"$ctl" -d "$D" stop-workloads >/dev/null
"$ctl" -d "$D" stop-nodes >/dev/null

# node2's agent made to fail: the canary node1 upgrades, node2's upgrade
# fails with the reason, and the roll stops there: node3 untouched, the
# wizard asking what to do.
D="$TMP/fail"
"$ctl" -d "$D" init >/dev/null && "$ctl" -d "$D" start-workloads >/dev/null &&
	"$ctl" -d "$D" start-nodes >/dev/null && "$ctl" -d "$D" fail-agent node2 >/dev/null ||
	fail "cannot create a demo cluster in $D"
run "$D" "" ack ack ack "tick told myself" accept "yes, upgrade to 2.0.0" quit
[ "$status" = 1 ] || fail "the run with a failing agent exited $status, want 1: $(tail -20 "$TMP/out")"
o="$TMP/out"
expect_line "$o" "= 13 passed on node1: exit 0"
expect_line "$o" "= 15 passed: exit 0"
expect_line "$o" "  | democtl: this failure was injected on purpose (democtl fail-agent node2)"
expect_line "$o" "  | democtl: node2: the agent's upgrade from 1.0.0 to 1.0.1 failed: the agent is down, still at 1.0.0"
expect_line "$o" "! 16 failed: exit 1 on node2"
expect_line "$o" "! roll agents stopped in batch 2 of 2: 1 host to answer for, one at a time: node2 (16 failed)"
expect_line "$o" "? 16 action: it failed [retry, skip REASON, done REASON, shell, rollback, quit]"
grep -q '^\[1[7-9]/43\]' "$o" && fail "the roll went on past node2's failure"
agents_at "$D" 1.0.1 1.0.0 1.0.0
[ "$(q "$D.state/journal.db" "SELECT count(*) FROM events WHERE step = 'agent@1.0.1#node3';")" = 0 ] ||
	fail "node3's upgrade was journaled"
# Healed, the run is resumed and the failed host retried: to the end.
"$ctl" -d "$D" heal-agent node2 >/dev/null || fail "heal-agent node2"
run "$D" resume retry "tick nothing else" run
[ "$status" = 0 ] || fail "the retried run exited $status: $(tail -20 "$TMP/out") $(cat "$TMP/err")"
expect_line "$TMP/out" "> 16 running (attempt 2)"
expect_line "$TMP/out" "  | node2: agent upgraded from 1.0.0 to 1.0.1"
expect_line "$TMP/out" "= done: stepup demo cluster upgraded, run 1"
agents_at "$D" 2.0.0 2.0.0 2.0.0
"$ctl" -d "$D" stop-workloads >/dev/null
"$ctl" -d "$D" stop-nodes >/dev/null
finish

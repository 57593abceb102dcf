#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# hosts-sshd.sh: a runbook whose steps run `on:` two agents, through real
# sshd on loopback (sshd-lib.sh), in plain mode: plan, dry run and export
# name the hosts; one login a host for the run; each host's command runs
# once, there, with the step's values (a secret too, never on a command
# line), journaled per host; stepup and the host's ssh killed mid-command
# are resolved on resume by what the host says, without running any host
# again; a cut link puts the host's step in doubt, and the resumed run
# reads how it ended from the host; a failed host is named and the rollback
# undoes only where it was done; a host that does not answer, and one
# that wants a password (BatchMode: never asked), are named.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/sshd-lib.sh"
. "$top_srcdir/tests/session-lib.sh"
RUNBOOK=$top_srcdir/tests/data/hosts/cluster.yaml
unset SSH_AUTH_SOCK SSH_ASKPASS SSH_ASKPASS_REQUIRE

sshd_start 3 3
STEPUP_SSH_CONFIG=$SSH_CONFIG; export STEPUP_SSH_CONFIG
STEPUP_REMOTE_DIR=$TMP/remote; export STEPUP_REMOTE_DIR
TOKEN="s3cr'et \$(touch $TMP/pwned)"

# 0. Plan and dry run say the hosts of each step.
"$STEPUP" plan "$RUNBOOK" >"$TMP/plan" 2>&1 || fail "plan: $(cat "$TMP/plan")"
expect_line "$TMP/plan" "     steps: agent (on 2 hosts: node1, node2), head"
printf '%s\n' "$TOKEN" | "$STEPUP" run --plain --dry-run "$RUNBOOK" >"$TMP/dry" 2>&1 ||
	fail "dry run: $(cat "$TMP/dry")"
expect_line "$TMP/dry" "[5/8] action: Upgrade the agent to 2.0.0 (on node2)"
expect_line "$TMP/dry" "  on host: node2 (through ssh)"
[ -e "$WORLD/ran-node1" ] && fail "the dry run ran something"
printf '%s\n' "$TOKEN" | "$STEPUP" export "$RUNBOOK" >"$TMP/export" 2>&1 ||
	fail "export: $(cat "$TMP/export")"
expect_line "$TMP/export" "[ ] 5. Upgrade the agent to 2.0.0 (on node2)"
expect_line "$TMP/export" "       On host: node2: its commands run there, through ssh"
rm -rf "$STATE"

# 1. A whole run: every host's instance runs once, in order, on its host.
printf '%s\n' "$TOKEN" "yes, upgrade to 2.0.0" >"$TMP/in1"
"$STEPUP" run --plain "$RUNBOOK" <"$TMP/in1" >"$TMP/out1" 2>&1
st=$?
[ "$st" = 0 ] || fail "the run exited $st: $(tail -20 "$TMP/out1")"
expect_line "$TMP/out1" "== run 1, 8 steps"
expect_line "$TMP/out1" "[1/8] check: The agent answers (on node1)"
expect_line "$TMP/out1" "[2/8] check: The agent answers (on node2)"
expect_line "$TMP/out1" "[4/8] action: Upgrade the agent to 2.0.0 (on node1)"
expect_line "$TMP/out1" "[5/8] action: Upgrade the agent to 2.0.0 (on node2)"
expect_line "$TMP/out1" "  | upgrading node2 to 2.0.0"
expect_line "$TMP/out1" "= done: Cluster upgraded, run 1"
for h in node1 node2; do
	[ "$(cat "$WORLD/ran-$h")" = x ] || fail "$h ran $(wc -l <"$WORLD/ran-$h") times"
	[ "$(cat "$WORLD/version-$h")" = 2.0.0 ] || fail "$h: $(cat "$WORLD/version-$h")"
	[ "$(cat "$WORLD/token-$h")" = "$TOKEN" ] || fail "$h got the token $(cat "$WORLD/token-$h")"
	[ "$(sql "select state from step_states where step = 'agent@2.0.0#$h'")" = passed ] ||
		fail "$h's step: $(sql "select step, state from step_states")"
	[ "$(sql "select count(*) || ' ' || exit_code from actions where step = 'agent@2.0.0#$h'")" = "1 0" ] ||
		fail "$h's attempts: $(sql "select * from actions where step like 'agent%'")"
	# Three steps on each host, one login: the run's master connection.
	n=$(grep -c "Accepted publickey" "$SSHD_DIR/sshd.${h#node}.log")
	[ "$n" = 1 ] || fail "$n logins to $h, want 1 (connection reuse)"
done
# The masters are closed when the run ends, their directory removed.
[ -e "$STATE/ssh-1" ] && fail "the run's ssh directory is left: $(ls -la "$STATE/ssh-1")"
[ -e "$TMP/pwned" ] && fail "the token ran as a command"
# The start event names the host; the secret is in no journal, no log.
[ "$(sql "select count(*) from events where kind = 'start' and step = 'agent@2.0.0#node2' and detail like '%on node2 through ssh%'")" = 1 ] ||
	fail "no start event on node2: $(sql "select step, detail from events where kind = 'start'")"
grep -rqF "s3cr" "$STATE" && fail "the token is in the state directory"
# Each host's step order: node1's instance settled before node2's.
[ "$(sql "select step from events where kind = 'exit' and step like 'agent%' order by seq")" = "agent@2.0.0#node1
agent@2.0.0#node2" ] || fail "the hosts' order: $(sql "select step from events where kind = 'exit'")"

# 2. A kill mid-command on node2: stepup, its supervisor and the ssh
# client die; node2's command goes on and ends there; the resumed run
# reads its status from node2 and runs no host again.
rm -rf "$STATE" "$WORLD"/ran-* "$WORLD"/version-*
echo 1.0.0 >"$WORLD/version"
: >"$WORLD/hold-node2"
"$STEPUP" run --plain "$RUNBOOK" <"$TMP/in1" >"$TMP/out2" 2>&1 &
pid=$!
wait_for "$WORLD/held-node2"
# The output comes as it is written on the host, before the command ends.
wait_grep "$TMP/out2" "  | upgrading node2 to 2.0.0"
sup=$(cat "$STATE"/runs/1/agent*node2*.status.pid 2>/dev/null | cut -d' ' -f1)
[ -n "$sup" ] || fail "no supervisor for node2: $(ls "$STATE/runs/1")"
kill -KILL "$pid"
wait "$pid" 2>/dev/null
kill_tree "$sup"
: >"$WORLD/release"
n=0
until [ -e "$WORLD/version-node2" ]; do
	n=$((n + 1)); [ $n -lt 300 ] || { fail "node2's command did not end"; break; }
	sleep 0.1
done
sleep 0.5
printf '%s\n' resume "$TOKEN" >"$TMP/in3"
# The state directory spelt otherwise: the same attempts on the hosts.
STEPUP_STATE_DIR=$TMP/./state "$STEPUP" run --plain "$RUNBOOK" <"$TMP/in3" >"$TMP/out3" 2>&1
st=$?
[ "$st" = 0 ] || fail "the resumed run exited $st: $(tail -20 "$TMP/out3")"
expect_line "$TMP/out3" "= done: Cluster upgraded, run 1"
for h in node1 node2; do
	[ "$(cat "$WORLD/ran-$h")" = x ] || fail "after the kill, $h ran $(wc -l <"$WORLD/ran-$h") times"
	[ "$(sql "select count(*) from actions where step = 'agent@2.0.0#$h'")" = 1 ] ||
		fail "$h's attempts after the kill: $(sql "select step, attempt from actions")"
done
[ "$(sql "select state from step_states where step = 'agent@2.0.0#node2'")" = passed ] ||
	fail "node2 after the resume: $(sql "select step, state, reason from step_states")"
expect_status 0 test "$(sql "select count(*) from events where step = 'agent@2.0.0#node2' and detail like '%node2 says attempt 1 exited 0%'")" = 1
# The note says where node2 keeps the output stepup did not get.
where=$(sql "select detail from events where step = 'agent@2.0.0#node2' and detail like '%its output there: %'" |
    sed -n 's/.*its output there: node2:\(.*\))$/\1/p')
case $where in
"$STEPUP_REMOTE_DIR"/*/log) grep -qx "upgrading node2 to 2.0.0" "$where" ||
	fail "node2's log $where: $(cat "$where")" ;;
*) fail "no output path in the note: $(sql "select detail from events where step = 'agent@2.0.0#node2'")" ;;
esac
rm -f "$WORLD/hold-node2" "$WORLD/held-node2" "$WORLD/release"

# 3. The link to node2 is cut mid-command (its ssh client killed) while
# stepup runs: node2 says the command still runs, and the step is in
# doubt, naming the host. Once it has ended there, the resumed run reads
# its exit status from node2 and goes on, node2's command run once.
rm -rf "$STATE" "$WORLD"/ran-* "$WORLD"/version-*
echo 1.0.0 >"$WORLD/version"
: >"$WORLD/hold-node2"
"$STEPUP" run --plain "$RUNBOOK" <"$TMP/in1" >"$TMP/out5" 2>&1 &
pid=$!
wait_for "$WORLD/held-node2"
sup=$(cat "$STATE"/runs/1/agent*node2*.status.pid 2>/dev/null | cut -d' ' -f1)
cli=$(children "$sup")
[ -n "$cli" ] || fail "no ssh client under node2's supervisor"
# shellcheck disable=SC2086 # a pid a word
[ -n "$cli" ] && kill -KILL $cli
wait "$pid"
st=$?
[ "$st" = 1 ] || fail "the run with a cut link exited $st: $(tail -20 "$TMP/out5")"
expect_grep "$TMP/out5" "ssh to node2 ended: killed by SIGKILL; it is still running on node2 (pid "
[ "$(sql "select state from step_states where step = 'agent@2.0.0#node2'")" = in-doubt ] ||
	fail "node2 after the cut: $(sql "select step, state, reason from step_states")"
: >"$WORLD/release"
n=0
until ls "$STEPUP_REMOTE_DIR"/*node2-1/status >/dev/null 2>&1; do
	n=$((n + 1)); [ $n -lt 300 ] || { fail "node2's command did not end"; break; }
	sleep 0.1
done
"$STEPUP" run --plain "$RUNBOOK" <"$TMP/in3" >"$TMP/out6" 2>&1
st=$?
[ "$st" = 0 ] || fail "the run resumed after the cut exited $st: $(tail -20 "$TMP/out6")"
expect_line "$TMP/out6" "= done: Cluster upgraded, run 1"
[ "$(cat "$WORLD/ran-node2")" = x ] || fail "after the cut, node2 ran $(wc -l <"$WORLD/ran-node2") times"
[ "$(sql "select count(*) from actions where step = 'agent@2.0.0#node2'")" = 1 ] ||
	fail "node2's attempts after the cut: $(sql "select step, attempt from actions")"
[ "$(sql "select count(*) from events where step = 'agent@2.0.0#node2' and detail like '%node2 says attempt 1 exited 0%'")" = 1 ] ||
	fail "no note of node2's answer: $(sql "select kind, detail from events where step = 'agent@2.0.0#node2'")"
rm -f "$WORLD/hold-node2" "$WORLD/held-node2" "$WORLD/release"

# 4. node2's upgrade fails: the failure names it; the rollback undoes the
# upgrade on node1 alone, the host where it was done, on node1.
rm -rf "$STATE" "$WORLD"/ran-* "$WORLD"/version-*
echo 1.0.0 >"$WORLD/version"
: >"$WORLD/fail-node2"
printf '%s\n' "$TOKEN" "yes, upgrade to 2.0.0" quit >"$TMP/in7"
"$STEPUP" run --plain "$RUNBOOK" <"$TMP/in7" >"$TMP/out7" 2>&1
st=$?
[ "$st" = 1 ] || fail "the failed upgrade exited $st: $(tail -20 "$TMP/out7")"
expect_line "$TMP/out7" "! 5 failed: exit 4 on node2"
expect_line "$TMP/out7" "  | disk full on node2"
[ "$(cat "$WORLD/version-node1")" = 2.0.0 ] || fail "node1 was not upgraded"
rm -f "$WORLD/fail-node2"
printf '%s\n' "$TOKEN" "yes, roll back to 1.0.0" >"$TMP/in8"
"$STEPUP" rollback --plain "$RUNBOOK" <"$TMP/in8" >"$TMP/out8" 2>&1
st=$?
[ "$st" = 0 ] || fail "the rollback exited $st: $(tail -30 "$TMP/out8")"
expect_grep "$TMP/out8" "Undo: Upgrade the agent to 2.0.0 (on node1)"
grep -qF "(on node2)" "$TMP/out8" && fail "the rollback undid something on node2: $(cat "$TMP/out8")"
[ "$(cat "$WORLD/version-node1")" = 1.0.0 ] || fail "node1 after the rollback: $(cat "$WORLD/version-node1")"
[ "$(sql "select count(*) from events where kind = 'start' and step = 'undo:agent@2.0.0#node1' and detail like '%on node1 through ssh%'")" = 1 ] ||
	fail "the undo did not run on node1: $(sql "select step, detail from events where kind = 'start'")"

# 5. A timeout on a host stops the command there, not only ssh: node1's
# upgrade holds past its timeout; its status on node1 is SIGTERM's.
rm -rf "$STATE" "$STEPUP_REMOTE_DIR" "$WORLD"/ran-* "$WORLD"/version-*
echo 1.0.0 >"$WORLD/version"
sed '/^  - id: agent$/,/^    run:/s/^    on: agents$/    on: agents\n    timeout: 3s/' \
    "$RUNBOOK" >"$TMP/to.yaml"
grep -q '^    timeout: 3s$' "$TMP/to.yaml" || fail "no timeout in $TMP/to.yaml"
: >"$WORLD/hold-node1"
"$STEPUP" run --plain "$TMP/to.yaml" <"$TMP/in7" >"$TMP/out10" 2>&1
st=$?
[ "$st" = 1 ] || fail "the run timed out on node1 exited $st: $(tail -20 "$TMP/out10")"
expect_grep "$TMP/out10" "! 4 failed: exit 143 (timed out) on node1"
[ "$(cat "$STEPUP_REMOTE_DIR"/*agent*node1-1/status)" = 143 ] ||
	fail "node1's status: $(cat "$STEPUP_REMOTE_DIR"/*agent*node1-1/status)"
[ -e "$WORLD/ran-node2" ] && fail "node2 ran after node1 timed out"
rm -f "$WORLD/hold-node1" "$WORLD/held-node1"

# 6. A host that does not answer: its sshd is gone. The check fails
# naming it; nothing ran on the host that answered after it.
rm -rf "$STATE" "$WORLD"/ran-* "$WORLD"/version-*
echo 1.0.0 >"$WORLD/version"
kill "$SSHD_PID_2"
while kill -0 "$SSHD_PID_2" 2>/dev/null; do sleep 0.1; done
"$STEPUP" run --plain "$RUNBOOK" <"$TMP/in1" >"$TMP/out4" 2>&1
st=$?
[ "$st" = 1 ] || fail "with node2 down the run exited $st: $(tail -20 "$TMP/out4")"
expect_grep "$TMP/out4" "ssh to node2 ended: exit 255; node2 cannot be reached through ssh (ssh: connect to host 127.0.0.1 port $SSHD_PORT_2: Connection refused)"
[ "$(sql "select state from step_states where step = 'reachable#node2'")" = failed ] ||
	fail "node2's check: $(sql "select step, state, reason from step_states")"
[ "$(sql "select state from step_states where step = 'reachable#node1'")" = passed ] ||
	fail "node1's check: $(sql "select step, state, reason from step_states")"
[ -e "$WORLD/ran-node1" ] && fail "an action ran while node2's check failed"
# 7. node3 wants a password: through BatchMode it fails at once, never
# asking (the askpass program is not run), and the check names it.
printf '#!/bin/sh\necho asked >>"%s"\necho wrong\n' "$TMP/asked" >"$TMP/askpass"
chmod +x "$TMP/askpass"
sed 's/^  agents: \[node1, node2\]$/  agents: [node3]/' "$RUNBOOK" >"$TMP/pw.yaml"
grep -q 'agents: \[node3\]' "$TMP/pw.yaml" || fail "no node3 in $TMP/pw.yaml"
rm -rf "$STATE"
SSH_ASKPASS=$TMP/askpass SSH_ASKPASS_REQUIRE=force DISPLAY=:0 \
    "$STEPUP" run --plain "$TMP/pw.yaml" <"$TMP/in1" >"$TMP/out9" 2>&1
st=$?
[ "$st" = 1 ] || fail "with node3 wanting a password the run exited $st: $(tail -20 "$TMP/out9")"
expect_grep "$TMP/out9" "node3 cannot be reached through ssh ("
expect_grep "$TMP/out9" "Permission denied"
[ -e "$TMP/asked" ] && fail "ssh asked for node3's password"
[ "$(sql "select state from step_states where step = 'reachable#node3'")" = failed ] ||
	fail "node3's check: $(sql "select step, state, reason from step_states")"
finish

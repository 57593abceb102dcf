#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# demo-nodes.sh: the demo cluster's nodes (democtl start-nodes and the
# rest), as demo.yaml relies on them: one real sshd a node, as the current
# user on 127.0.0.1, reached through the generated ssh_config; each node
# known to the command by its own sshd; agents that upgrade, fail on
# purpose and heal; stop-nodes stopping exactly the daemons it started,
# and again without complaint; a clear refusal without sshd. No sshd
# outlives the test.
. "$top_srcdir/tests/lib.sh"

command -v sqlite3 >/dev/null 2>&1 || { echo "sqlite3 missing: skipped"; exit 77; }
need_sshd
ctl="$top_srcdir/runbooks/demo/democtl"
D="$TMP/cluster"
N="$D/nodes"
unset SSH_AUTH_SOCK
trap '"$ctl" -d "$D" stop-nodes >/dev/null 2>&1
	[ -n "${other:-}" ] && kill "$other" 2>/dev/null
	rm -rf "$TMP"' EXIT

expect_line() {
	grep -qxF -- "$2" "$1" || fail "$1 lacks the line '$2': $(head -c 1500 "$1")"
}
# on NODE COMMAND: run COMMAND on NODE through its sshd.
on() {
	node=$1; shift
	ssh -F "$N/ssh_config" "$node" "$@"
}

"$ctl" -d "$D" init --rows 10 >/dev/null || fail "init"

# No sshd: said clearly, with its package; nothing started.
expect_status 1 env DEMOCTL_SSHD="$TMP/no-sshd" "$ctl" -d "$D" start-nodes
expect_line "$TMP/err" "democtl: no sshd at $TMP/no-sshd: the demo's nodes need OpenSSH's server (Debian: apt-get install openssh-server)"
[ -e "$N/node1/sshd.pid" ] && fail "a node started without sshd"
expect_status 2 "$ctl" -d "$D" start-nodes 0
expect_line "$TMP/err" "democtl: start-nodes: '0' is not a number from 1 to 99"

# Three nodes by default, the runbook's hosts, each an sshd of its own.
expect_status 0 "$ctl" -d "$D" start-nodes
for k in 1 2 3; do
	expect_grep "$TMP/out" "node$k: agent 1.0.0, sshd on 127.0.0.1 port "
done
expect_line "$TMP/out" "the nodes are reached with: ssh -F $N/ssh_config NAME"
[ -d "$N/node4" ] && fail "start-nodes made a fourth node"
"$STEPUP" plan --json --from 1.0.0 "$top_srcdir/runbooks/demo.yaml" >"$TMP/plan" ||
	fail "plan --json: $(cat "$TMP/plan")"
python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))["hops"][0]["rolls"][0]
hosts = [h for b in r["batches"] for h in b]
assert hosts == ["node1", "node2", "node3"], hosts' "$TMP/plan" ||
	fail "the runbook's agents are not democtl's default nodes"
pids=
for k in 1 2 3; do
	pid=$(cat "$N/node$k/sshd.pid") || fail "no pid file for node$k"
	kill -0 "$pid" 2>/dev/null || fail "node$k's sshd (pid $pid) does not run"
	tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "sshd" || fail "pid $pid is not an sshd"
	[ "$(stat -c %U "/proc/$pid")" = "$(id -un)" ] || fail "node$k's sshd does not run as $(id -un)"
	pids="$pids $pid"
	expect_line "$N/node$k/sshd_config" "ListenAddress 127.0.0.1"
	expect_line "$N/ssh_config" "Host node$k"
done
expect_line "$N/ssh_config" "  BatchMode yes"
expect_line "$N/ssh_config" "  StrictHostKeyChecking yes"
[ "$(cut -d' ' -f1 "$N/known_hosts" | tr '\n' ' ')" = "node1 node2 node3 " ] ||
	fail "known_hosts: $(cat "$N/known_hosts")"
expect_status 0 "$ctl" -d "$D" start-nodes
expect_grep "$TMP/out" "node2: already running (sshd pid "

# Each node is a host of its own to what runs there: its sshd names it
# and gives it its directory as HOME.
for k in 1 2 3; do
	out=$(on "node$k" 'echo "$STEPUP_DEMO_NODE $HOME"' 2>"$TMP/err") ||
		fail "ssh node$k: $(cat "$TMP/err")"
	[ "$out" = "node$k $N/node$k" ] || fail "node$k says '$out'"
done

# An agent upgrades on its node only; not outside a node.
on node2 "'$ctl' -d '$D' agent-upgrade 1.0.1" >"$TMP/out" 2>&1 ||
	fail "agent-upgrade on node2: $(cat "$TMP/out")"
expect_line "$TMP/out" "node2: agent upgraded from 1.0.0 to 1.0.1"
[ "$(cat "$N/node2/VERSION")" = 1.0.1 ] || fail "node2's agent: $(cat "$N/node2/VERSION")"
[ "$(cat "$N/node1/VERSION") $(cat "$N/node3/VERSION")" = "1.0.0 1.0.0" ] ||
	fail "another node's agent moved"
on node2 "'$ctl' -d '$D' agent-check 1.0.1" >"$TMP/out" 2>&1 ||
	fail "agent-check on node2: $(cat "$TMP/out")"
on node1 "'$ctl' -d '$D' agent-check 1.0.1" >"$TMP/out" 2>&1 &&
	fail "node1's agent-check passed at 1.0.0"
expect_line "$TMP/out" "FAIL: node1: its agent runs 1.0.0, not 1.0.1"
expect_status 1 env -u STEPUP_DEMO_NODE "$ctl" -d "$D" agent-upgrade 1.0.1
expect_line "$TMP/err" "democtl: this command runs on a demo node, through its sshd (which sets STEPUP_DEMO_NODE): it is not set here"
expect_status 1 "$ctl" -d "$D" agents-healthy 1.0.1
expect_line "$TMP/out" "FAIL: node1: its agent runs 1.0.0, not 1.0.1"
expect_line "$TMP/out" "ok: node2: its agent is up, at 1.0.1"
expect_status 0 "$ctl" -d "$D" agents-healthy

# An agent made to fail: its upgrade fails, it is down and says so, until
# healed; then it upgrades.
expect_status 1 "$ctl" -d "$D" fail-agent node9
expect_line "$TMP/err" "democtl: no node 'node9' in $D (nodes: node1 node2 node3)"
expect_status 0 "$ctl" -d "$D" fail-agent node3
on node3 "'$ctl' -d '$D' agent-upgrade 1.0.1" >"$TMP/out" 2>&1 &&
	fail "node3's agent upgraded though made to fail"
expect_line "$TMP/out" "democtl: this failure was injected on purpose (democtl fail-agent node3)"
expect_line "$TMP/out" "democtl: node3: the agent's upgrade from 1.0.0 to 1.0.1 failed: the agent is down, still at 1.0.0"
[ "$(cat "$N/node3/VERSION")" = 1.0.0 ] || fail "node3's failed agent moved"
expect_status 1 "$ctl" -d "$D" agents-healthy
expect_line "$TMP/out" "FAIL: node3: its agent is down: its upgrade to 1.0.1 failed; heal it with: democtl -d $D heal-agent node3"
expect_status 0 "$ctl" -d "$D" status
expect_grep "$TMP/out" "node3:     agent 1.0.0, down (its upgrade to 1.0.1 failed); sshd on 127.0.0.1 port "
expect_status 0 "$ctl" -d "$D" heal-agent node3
expect_line "$TMP/out" "node3: its agent is up, at 1.0.0"
expect_status 0 "$ctl" -d "$D" agents-healthy
on node3 "'$ctl' -d '$D' agent-upgrade 1.0.1" >"$TMP/out" 2>&1 ||
	fail "node3's healed agent: $(cat "$TMP/out")"

# stop-nodes stops every daemon, and only those: a pid file naming
# another process leaves that process alone. Again, it has nothing to do.
expect_status 0 "$ctl" -d "$D" stop-nodes
expect_line "$TMP/out" "node1: sshd (pid $(echo $pids | cut -d' ' -f1)) stopped"
for p in $pids; do kill -0 "$p" 2>/dev/null && fail "sshd pid $p outlived stop-nodes"; done
for k in 1 2 3; do [ -e "$N/node$k/sshd.pid" ] && fail "node$k's pid file is left"; done
expect_status 0 "$ctl" -d "$D" status
expect_line "$TMP/out" "node1:     agent 1.0.0; sshd stopped"
sleep 300 &
other=$!
echo "$other" >"$N/node1/sshd.pid"
expect_status 0 "$ctl" -d "$D" stop-nodes
expect_line "$TMP/out" "no node's sshd is running"
kill -0 "$other" 2>/dev/null || fail "stop-nodes killed a process it did not start"
kill "$other"
expect_status 1 "$ctl" -d "$D" agents-healthy
expect_line "$TMP/out" "FAIL: node1: its sshd is not running (start it with: democtl -d $D start-nodes)"

# Started again: the same nodes, their agents where they were.
expect_status 0 "$ctl" -d "$D" start-nodes
expect_grep "$TMP/out" "node2: agent 1.0.1, sshd on 127.0.0.1 port "
out=$(on node3 "'$ctl' -d '$D' agent-check 1.0.1" 2>&1) ||
	fail "node3 after a restart: $out"
"$ctl" -d "$D" stop-nodes >/dev/null || fail "stop-nodes"
finish

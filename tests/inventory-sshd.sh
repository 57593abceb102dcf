#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# inventory-sshd.sh: a runbook whose hosts come from an Ansible INI
# inventory beside it (groups and children) or from a command, through
# real sshd on loopback (sshd-lib.sh), in plain mode: plan names the
# hosts; an `on:` naming no group of the inventory is refused when the
# hosts are resolved, naming the step's line, before anything starts;
# --limit narrows a run to one host (only its instances exist and run);
# --inventory replaces the runbook's; a command inventory gives the hosts,
# and one that fails or times out starts nothing (exit 2); the resolved
# hosts are journaled, listed by stepup show and the report, and a run
# resumed after the inventory file changed goes on with its journaled
# hosts and says so, and its rollback undoes it on those hosts.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/sshd-lib.sh"
. "$top_srcdir/tests/session-lib.sh"
unset SSH_AUTH_SOCK SSH_ASKPASS SSH_ASKPASS_REQUIRE

sshd_start 3
STEPUP_SSH_CONFIG=$SSH_CONFIG; export STEPUP_SSH_CONFIG
STEPUP_REMOTE_DIR=$TMP/remote; export STEPUP_REMOTE_DIR
RB=$TMP/rb
mkdir -p "$RB"

# runbook FILE INVENTORY-LINE [ON]: a runbook with that inventory, its
# agent step on ON (default: agents, a group the inventory defines).
runbook() {
	cat >"$1" <<EOF
stepup: 1
product: Cluster
versions:
  scheme: semver
  installed: {command: 'cat "\$world/version"'}
  available: [1.0.0, 2.0.0]
vars:
  world: {env: STEPUP_TEST_WORLD}
$2
prepare:
  - id: go
    confirm: Ready to upgrade
    phrase: yes, upgrade to \$STEPUP_TO
hop:
  - id: agent
    action: Upgrade the agent to \$STEPUP_HOP_TO
    on: ${3:-agents}
    run: |
      echo x >>"\$world/ran-\$STEPUP_HOST"
      if [ -e "\$world/hold-\$STEPUP_HOST" ]; then
        : >"\$world/held-\$STEPUP_HOST"
        while [ ! -e "\$world/release" ]; do sleep 0.1; done
      fi
      echo "\$STEPUP_HOP_TO" >"\$world/version-\$STEPUP_HOST"
    undo: echo 1.0.0 >"\$world/version-\$STEPUP_HOST"
  - id: head
    action: Record the new version on the head node
    run: echo "\$STEPUP_HOP_TO" >"\$world/version"
    undo: echo 1.0.0 >"\$world/version"
EOF
}

cat >"$RB/cluster.ini" <<'EOF'
# managers first, then the workers: agents is both, as children
[managers]
node1

[workers]
node2
node3 ansible_user=ignored

[agents:children]
managers
workers
EOF
runbook "$RB/file.yaml" "inventory: {file: cluster.ini}"
printf '%s\n' "yes, upgrade to 2.0.0" >"$TMP/in"

# A new state directory each time: its run 1 started in the same second
# as the last one's would name the same attempts on the hosts.
reset_world() {
	rm -rf "$STATE" "$WORLD" "$STEPUP_REMOTE_DIR"
	mkdir -p "$WORLD"
	echo 1.0.0 >"$WORLD/version"
}

# 0. Plan names the hosts of the file, its groups' children included.
"$STEPUP" plan "$RB/file.yaml" >"$TMP/plan" 2>&1 || fail "plan: $(cat "$TMP/plan")"
expect_line "$TMP/plan" "Hosts: 3 from $RB/cluster.ini: node1 node2 node3"
expect_line "$TMP/plan" "     steps: agent (on 3 hosts: node1, node2, node3), head"
"$STEPUP" plan --limit workers "$RB/file.yaml" >"$TMP/plan" 2>&1 || fail "plan --limit: $(cat "$TMP/plan")"
expect_line "$TMP/plan" "     steps: agent (on 2 hosts: node2, node3), head"

# 1. An `on:` that names no group of the inventory loads (the hosts are
# known at run time) and is refused when they are resolved, naming the
# step's line and the pattern: exit 2, nothing started, no run journaled.
runbook "$RB/typo.yaml" "inventory: {file: cluster.ini}" agentz
"$STEPUP" lint "$RB/typo.yaml" >"$TMP/lint" 2>&1 || fail "lint refused the deferred on: $(cat "$TMP/lint")"
reset_world
"$STEPUP" run --plain "$RB/typo.yaml" <"$TMP/in" >"$TMP/typo" 2>&1
st=$?
[ "$st" = 2 ] || fail "an on: naming no group exited $st: $(cat "$TMP/typo")"
expect_grep "$TMP/typo" "$RB/typo.yaml:17:9: 'on' of step agent: the host pattern 'agentz' matches no host and no group in the inventory ($RB/cluster.ini)"
ls "$WORLD"/ran-* >/dev/null 2>&1 && fail "a host ran with a bad on:"
[ -e "$DB" ] && [ "$(sql "select count(*) from runs")" != 0 ] && fail "a run was journaled"

# 2. A whole run on the file's hosts, journaled with the run.
reset_world
"$STEPUP" run --plain "$RB/file.yaml" <"$TMP/in" >"$TMP/out1" 2>&1
st=$?
[ "$st" = 0 ] || fail "the run exited $st: $(tail -20 "$TMP/out1")"
expect_line "$TMP/out1" "== hosts: 3, from $RB/cluster.ini: node1 node2 node3"
for h in node1 node2 node3; do
	[ "$(cat "$WORLD/ran-$h" 2>/dev/null)" = x ] || fail "$h did not run once"
done
[ "$(sql "select inventory_source from runs where id = 1")" = "$RB/cluster.ini" ] ||
	fail "the journaled source: $(sql "select inventory_source from runs")"
sql "select inventory from runs where id = 1" >"$TMP/journaled"
expect_line "$TMP/journaled" "[agents:children]"
"$STEPUP" show 1 >"$TMP/show" 2>&1 || fail "show: $(cat "$TMP/show")"
expect_line "$TMP/show" "hosts: 3, from $RB/cluster.ini: node1 node2 node3"
"$STEPUP" export --run 1 >"$TMP/report" 2>&1 || fail "report: $(cat "$TMP/report")"
expect_grep "$TMP/report" "3, from $RB/cluster.ini: node1 node2 node3"

# 3. --limit narrows the run to one host: only its instances exist and
# run; the limit is journaled with the run.
reset_world
"$STEPUP" run --plain --limit node2 "$RB/file.yaml" <"$TMP/in" >"$TMP/out2" 2>&1
st=$?
[ "$st" = 0 ] || fail "the limited run exited $st: $(tail -20 "$TMP/out2")"
expect_line "$TMP/out2" "== hosts: 1, from $RB/cluster.ini, --limit node2: node2"
[ "$(cat "$WORLD/ran-node2" 2>/dev/null)" = x ] || fail "node2 did not run once"
[ -e "$WORLD/ran-node1" ] || [ -e "$WORLD/ran-node3" ] && fail "a host outside the limit ran"
[ "$(sql "select group_concat(step, ' ') from (select step from step_states where step like 'agent%' order by step)")" = "agent@2.0.0#node2" ] ||
	fail "the limited run's steps: $(sql "select step from step_states")"
[ "$(sql "select inventory_limit from runs where id = 1")" = node2 ] ||
	fail "the journaled limit: $(sql "select inventory_limit from runs")"
# A limit that selects nothing is a usage error, before anything.
"$STEPUP" run --plain --limit 'node9*' "$RB/file.yaml" <"$TMP/in" >"$TMP/lim" 2>&1
st=$?
[ "$st" = 2 ] || fail "a limit selecting nothing exited $st: $(cat "$TMP/lim")"
expect_grep "$TMP/lim" "--limit node9*: the host pattern 'node9*' matches no host and no group"

# 4. --inventory replaces the runbook's: another file, one agent.
printf '[agents]\nnode3\n' >"$TMP/other.ini"
reset_world
"$STEPUP" run --plain --inventory "$TMP/other.ini" "$RB/file.yaml" <"$TMP/in" >"$TMP/out4" 2>&1
st=$?
[ "$st" = 0 ] || fail "the run with --inventory exited $st: $(tail -20 "$TMP/out4")"
[ -e "$WORLD/ran-node3" ] && [ ! -e "$WORLD/ran-node1" ] ||
	fail "--inventory: $(ls "$WORLD")"

# 5. A command inventory: one host a line, in the runbook's directory,
# into the runbook's group.
printf 'node1\n# a comment\nnode3\n' >"$RB/hosts.txt"
runbook "$RB/cmd.yaml" "inventory: {command: cat hosts.txt, group: agents}"
reset_world
"$STEPUP" run --plain "$RB/cmd.yaml" <"$TMP/in" >"$TMP/out5" 2>&1
st=$?
[ "$st" = 0 ] || fail "the command inventory's run exited $st: $(tail -20 "$TMP/out5")"
expect_line "$TMP/out5" "== hosts: 2, from the command 'cat hosts.txt': node1 node3"
[ -e "$WORLD/ran-node1" ] && [ -e "$WORLD/ran-node3" ] && [ ! -e "$WORLD/ran-node2" ] ||
	fail "the command's hosts: $(ls "$WORLD")"
# One that fails, and one that takes too long: exit 2, nothing started.
runbook "$RB/cmdfail.yaml" "inventory: {command: 'echo no agents >&2; exit 3'}"
reset_world
"$STEPUP" run --plain "$RB/cmdfail.yaml" <"$TMP/in" >"$TMP/out6" 2>&1
st=$?
[ "$st" = 2 ] || fail "a failing inventory command exited $st: $(cat "$TMP/out6")"
expect_grep "$TMP/out6" "$RB/cmdfail.yaml:9:22: the inventory command exited 3: no agents"
runbook "$RB/cmdslow.yaml" "inventory: {command: sleep 30, timeout: 1s}"
"$STEPUP" run --plain "$RB/cmdslow.yaml" <"$TMP/in" >"$TMP/out7" 2>&1
st=$?
[ "$st" = 2 ] || fail "a slow inventory command exited $st: $(cat "$TMP/out7")"
expect_grep "$TMP/out7" "the inventory command took more than 1 seconds"
ls "$WORLD"/ran-* >/dev/null 2>&1 && fail "a host ran after the inventory failed"
[ -e "$DB" ] && [ "$(sql "select count(*) from runs")" != 0 ] && fail "a run was journaled"

# 6. Killed mid-run, the inventory file changed, resumed: the run goes on
# with the hosts it journaled, and says the inventory changed.
reset_world
cp "$RB/cluster.ini" "$TMP/cluster.ini.orig"
: >"$WORLD/hold-node2"
"$STEPUP" run --plain "$RB/file.yaml" <"$TMP/in" >"$TMP/out8" 2>&1 &
pid=$!
wait_for "$WORLD/held-node2"
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
# node3 leaves the workers, node9 (no such host) joins: neither counts.
printf '[managers]\nnode1\n[workers]\nnode2\nnode9\n[agents:children]\nmanagers\nworkers\n' >"$RB/cluster.ini"
printf '%s\n' resume >"$TMP/in9"
"$STEPUP" run --plain "$RB/file.yaml" <"$TMP/in9" >"$TMP/out9" 2>&1
st=$?
[ "$st" = 0 ] || fail "the resumed run exited $st: $(tail -20 "$TMP/out9")"
expect_line "$TMP/out9" "== hosts: 3, from $RB/cluster.ini: node1 node2 node3"
expect_line "$TMP/out9" "! the inventory ($RB/cluster.ini) changed since run 1 began: run 1 goes on with the 3 host(s) it journaled: node1 node2 node3"
for h in node1 node2 node3; do
	[ "$(cat "$WORLD/ran-$h" 2>/dev/null)" = x ] || fail "after the resume, $h ran $(cat "$WORLD/ran-$h" 2>/dev/null | wc -l) times"
done
[ -e "$WORLD/ran-node9" ] && fail "node9, not in the journaled hosts, ran"
[ "$(sql "select state from step_states where step = 'agent@2.0.0#node3'")" = passed ] ||
	fail "node3 after the resume: $(sql "select step, state from step_states")"
[ "$(sql "select count(*) from events where kind = 'note' and detail like 'the inventory (%) changed since run 1 began%'")" = 1 ] ||
	fail "the change is not journaled: $(sql "select kind, detail from events")"
# 7. Its rollback, the file still changed, undoes the upgrade on exactly
# the journaled hosts: node3 too, and not node9.
printf '%s\n' "yes, roll back to 1.0.0" >"$TMP/in10"
"$STEPUP" rollback --plain "$RB/file.yaml" <"$TMP/in10" >"$TMP/out10" 2>&1
st=$?
[ "$st" = 0 ] || fail "the rollback exited $st: $(tail -30 "$TMP/out10")"
expect_grep "$TMP/out10" "Undo: Upgrade the agent to 2.0.0 (on node3)"
grep -qF "(on node9)" "$TMP/out10" && fail "the rollback went to node9: $(cat "$TMP/out10")"
for h in node1 node2 node3; do
	[ "$(cat "$WORLD/version-$h")" = 1.0.0 ] || fail "$h after the rollback: $(cat "$WORLD/version-$h")"
done
[ "$(sql "select inventory from runs where id = 2")" = "$(sql "select inventory from runs where id = 1")" ] ||
	fail "the rollback run journaled other hosts: $(sql "select id, inventory from runs")"
cp "$TMP/cluster.ini.orig" "$RB/cluster.ini"

finish

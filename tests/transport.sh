#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# transport.sh: a runbook's `transport:` stands in for ssh, in plain mode,
# with no sshd: a stand-in (fake-exec exec HOST -- sh) that runs sh with
# HOME and TMPDIR in a directory of the host's and records its arguments.
# Each host's command runs once, there, journaled per host, the host's
# name one argument; a command's own failure is told from the
# transport's by the host's status file; the transport killed
# mid-command leaves the step in doubt, and the resumed run asks the host
# through the same transport; a host it cannot reach is named.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/session-lib.sh"
unset STEPUP_REMOTE_DIR STEPUP_SSH_CONFIG
HOSTS=$TMP/hosts
FAKE=$TMP/fake-exec
cat >"$FAKE" <<EOS
#!/bin/sh
# One line a call: its arguments, each followed by '|'.
for a in "\$@"; do printf '%s|' "\$a"; done >>"$TMP/args"
echo >>"$TMP/args"
[ "\$1" = exec ] && [ "\$3" = -- ] && [ \$# -ge 4 ] || { echo "fake-exec: usage" >&2; exit 97; }
h=\$2
shift 3
if [ -e "$TMP/down-\$h" ]; then echo "fake-exec: \$h: no such pod" >&2; exit 1; fi
mkdir -p "$HOSTS/\$h/tmp" || exit 1
HOME=$HOSTS/\$h TMPDIR=$HOSTS/\$h/tmp exec "\$@"
EOS
chmod +x "$FAKE"
RUNBOOK=$TMP/pods.yaml
cat >"$RUNBOOK" <<EOS
stepup: 1
product: Pods
versions:
  scheme: semver
  installed: {command: 'cat "\$world/version"'}
  available: [1.0.0, 2.0.0]
vars:
  world: {env: STEPUP_TEST_WORLD}
hosts:
  agents: [node_1, node-2.x]
transport: ["$FAKE", exec, "{host}", --, sh]
prepare:
  - id: reachable
    check: The agent answers
    on: agents
    run: test -d "\$world"
  - id: go
    confirm: Ready to upgrade
    phrase: yes, upgrade to \$STEPUP_TO
hop:
  - id: agent
    action: Upgrade the agent to \$STEPUP_HOP_TO
    on: agents
    run: |
      echo "upgrading \$STEPUP_HOST"
      echo x >>"\$world/ran-\$STEPUP_HOST"
      if [ -e "\$world/hold-\$STEPUP_HOST" ]; then
        : >"\$world/held-\$STEPUP_HOST"
        while [ ! -e "\$world/release" ]; do sleep 0.1; done
      fi
      if [ -e "\$world/fail-\$STEPUP_HOST" ]; then echo "disk full on \$STEPUP_HOST" >&2; exit 4; fi
      echo "\$STEPUP_HOP_TO" >"\$HOME/version"
  - id: head
    action: Record the new version
    run: echo "\$STEPUP_HOP_TO" >"\$world/version"
EOS
# Every call of the transport: the vector as written, the host one
# argument of it.
check_args() {
	bad=$(grep -v -x -e 'exec|node_1|--|sh|' -e 'exec|node-2\.x|--|sh|' "$TMP/args")
	[ -z "$bad" ] || fail "the transport was called otherwise: $bad"
}
calls() {
	grep -c -x -F "exec|$1|--|sh|" "$TMP/args"
}

# 0. The dry run and the checklist: the hosts, through the transport.
printf '%s\n' >"$TMP/none"
"$STEPUP" run --plain --dry-run "$RUNBOOK" <"$TMP/none" >"$TMP/dry" 2>&1 ||
	fail "dry run: $(cat "$TMP/dry")"
expect_grep "$TMP/dry" "  on host: node-2.x (through $FAKE)"
"$STEPUP" export "$RUNBOOK" <"$TMP/none" >"$TMP/export" 2>&1 ||
	fail "export: $(cat "$TMP/export")"
# The checklist wraps long lines: read it as one.
tr -s '\n ' '  ' <"$TMP/export" >"$TMP/export1"
expect_grep "$TMP/export1" "On host: node_1: its commands run there, through $FAKE"
[ -e "$TMP/args" ] && fail "the dry run or export called the transport: $(cat "$TMP/args")"

# 1. A whole run: each host's command once, on its host, journaled per
# host; no ssh, no master connection.
printf '%s\n' "yes, upgrade to 2.0.0" >"$TMP/in1"
"$STEPUP" run --plain "$RUNBOOK" <"$TMP/in1" >"$TMP/out1" 2>&1
st=$?
[ "$st" = 0 ] || fail "the run exited $st: $(tail -20 "$TMP/out1")"
expect_grep "$TMP/out1" "  | upgrading node-2.x"
expect_grep "$TMP/out1" "= done: Pods upgraded"
for h in node_1 node-2.x; do
	[ "$(cat "$WORLD/ran-$h" 2>/dev/null)" = x ] || fail "$h ran $(cat "$WORLD/ran-$h" 2>/dev/null | wc -l) times"
	[ "$(cat "$HOSTS/$h/version" 2>/dev/null)" = 2.0.0 ] || fail "$h's version: $(cat "$HOSTS/$h/version")"
	[ "$(sql "select state from step_states where step = 'agent@2.0.0#$h'")" = passed ] ||
		fail "$h's step: $(sql "select step, state from step_states")"
	[ "$(sql "select count(*) || ' ' || exit_code from actions where step = 'agent@2.0.0#$h'")" = "1 0" ] ||
		fail "$h's attempts: $(sql "select * from actions where step like 'agent%'")"
	[ "$(sql "select count(*) from events where kind = 'start' and step = 'agent@2.0.0#$h' and detail like '%on $h through $FAKE:%'")" = 1 ] ||
		fail "no start event on $h: $(sql "select step, detail from events where kind = 'start'")"
	ls "$HOSTS/$h"/.local/state/stepup/attempts/*-agent*-1/status >/dev/null 2>&1 ||
		fail "no attempt of $h's under its home: $(find "$HOSTS/$h")"
	# Two steps on the host, two calls: nothing asked of it.
	[ "$(calls "$h")" = 2 ] || fail "$(calls "$h") calls for $h, want 2: $(cat "$TMP/args")"
done
check_args
[ -e "$STATE/ssh-1" ] && fail "a ControlMaster directory for a transport: $(ls -la "$STATE/ssh-1")"

# 2. A command's own failure: exit 4 on node-2.x, read back from its
# status file through the transport (the transport exits 4 too).
rm -rf "$STATE" "$HOSTS" "$WORLD"/ran-* "$TMP/args"
echo 1.0.0 >"$WORLD/version"
: >"$WORLD/fail-node-2.x"
printf '%s\n' "yes, upgrade to 2.0.0" quit >"$TMP/in2"
"$STEPUP" run --plain "$RUNBOOK" <"$TMP/in2" >"$TMP/out2" 2>&1
st=$?
[ "$st" = 1 ] || fail "the failed upgrade exited $st: $(tail -20 "$TMP/out2")"
expect_grep "$TMP/out2" "failed: exit 4 on node-2.x"
expect_grep "$TMP/out2" "  | disk full on node-2.x"
[ "$(sql "select state || ' ' || exit_code from step_states join actions using (step) where step = 'agent@2.0.0#node-2.x'")" = "failed 4" ] ||
	fail "node-2.x's step: $(sql "select step, state, reason from step_states")"
[ "$(sql "select count(*) from events where step = 'agent@2.0.0#node-2.x' and detail like '%node-2.x says attempt 1 exited 4%'")" = 1 ] ||
	fail "no note of node-2.x's answer: $(sql "select kind, detail from events where step = 'agent@2.0.0#node-2.x'")"
[ "$(calls node-2.x)" = 3 ] || fail "$(calls node-2.x) calls for node-2.x, want 3 (check, action, its status)"
check_args
rm -f "$WORLD/fail-node-2.x"

# 3. The transport killed mid-command on node-2.x: the command goes on
# there, the step is in doubt; once it has ended, the resumed run asks
# node-2.x through the transport and runs nothing again.
rm -rf "$STATE" "$HOSTS" "$WORLD"/ran-* "$TMP/args"
echo 1.0.0 >"$WORLD/version"
: >"$WORLD/hold-node-2.x"
"$STEPUP" run --plain "$RUNBOOK" <"$TMP/in1" >"$TMP/out3" 2>&1 &
pid=$!
wait_for "$WORLD/held-node-2.x"
sup=$(cat "$STATE"/runs/1/agent*node-2*.status.pid 2>/dev/null | cut -d' ' -f1)
cli=
# The transport (fake-exec, exec'd into sh), not the runner it started:
# on this host the runner, orphaned, is the supervisor's child too (it
# is a subreaper).
[ -n "$sup" ] && cli=$(ps -o pid=,args= --ppid "$sup" | awk '$2 == "sh" && NF == 2 { print $1 }')
if [ -n "$cli" ]; then
	kill -KILL $cli
else
	fail "no transport under node-2.x's supervisor: $(ls "$STATE/runs/1")"
	kill -KILL "$pid"
fi
wait "$pid"
st=$?
[ "$st" = 1 ] || fail "the run with the transport killed exited $st: $(tail -20 "$TMP/out3")"
expect_grep "$TMP/out3" "$FAKE to node-2.x ended: killed by SIGKILL; it is still running on node-2.x (pid "
[ "$(sql "select state from step_states where step = 'agent@2.0.0#node-2.x'")" = in-doubt ] ||
	fail "node-2.x after the kill: $(sql "select step, state, reason from step_states")"
: >"$WORLD/release"
n=0
until ls "$HOSTS"/node-2.x/.local/state/stepup/attempts/*-agent*-1/status >/dev/null 2>&1; do
	n=$((n + 1)); [ $n -lt 300 ] || { fail "node-2.x's command did not end"; break; }
	sleep 0.1
done
before=$(calls node-2.x)
printf '%s\n' resume >"$TMP/in4"
"$STEPUP" run --plain "$RUNBOOK" <"$TMP/in4" >"$TMP/out4" 2>&1
st=$?
[ "$st" = 0 ] || fail "the resumed run exited $st: $(tail -20 "$TMP/out4")"
expect_grep "$TMP/out4" "= done: Pods upgraded"
[ "$(cat "$WORLD/ran-node-2.x")" = x ] || fail "after the kill, node-2.x ran $(wc -l <"$WORLD/ran-node-2.x") times"
[ "$(sql "select count(*) from actions where step = 'agent@2.0.0#node-2.x'")" = 1 ] ||
	fail "node-2.x's attempts after the kill: $(sql "select step, attempt from actions")"
[ "$(sql "select state from step_states where step = 'agent@2.0.0#node-2.x'")" = passed ] ||
	fail "node-2.x after the resume: $(sql "select step, state, reason from step_states")"
[ "$(sql "select count(*) from events where step = 'agent@2.0.0#node-2.x' and detail like '%node-2.x says attempt 1 exited 0%'")" = 1 ] ||
	fail "no note of node-2.x's answer: $(sql "select kind, detail from events where step = 'agent@2.0.0#node-2.x'")"
[ "$(calls node-2.x)" -gt "$before" ] || fail "the resumed run did not ask node-2.x through the transport"
check_args
rm -f "$WORLD/hold-node-2.x" "$WORLD/held-node-2.x" "$WORLD/release"

# 4. A host the transport cannot reach: its check fails, naming it and
# what the transport said; nothing changes anywhere.
rm -rf "$STATE" "$HOSTS" "$WORLD"/ran-* "$TMP/args"
echo 1.0.0 >"$WORLD/version"
: >"$TMP/down-node-2.x"
"$STEPUP" run --plain "$RUNBOOK" <"$TMP/in1" >"$TMP/out5" 2>&1
st=$?
[ "$st" = 1 ] || fail "with node-2.x down the run exited $st: $(tail -20 "$TMP/out5")"
expect_grep "$TMP/out5" "$FAKE to node-2.x ended: exit 1; node-2.x cannot be reached through $FAKE (fake-exec: node-2.x: no such pod)"
[ "$(sql "select state from step_states where step = 'reachable#node-2.x'")" = failed ] ||
	fail "node-2.x's check: $(sql "select step, state, reason from step_states")"
[ "$(sql "select state from step_states where step = 'reachable#node_1'")" = passed ] ||
	fail "node_1's check: $(sql "select step, state, reason from step_states")"
[ -e "$WORLD/ran-node_1" ] && fail "an action ran while node-2.x's check failed"
check_args
finish

#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# runbooks-dry-run.sh: every product runbook can be walked to its end with
# --dry-run in plain mode: every step is shown with its command and its
# environment (the hop's versions, the artifacts' paths), nothing runs, and
# a secret variable never appears.
. "$top_srcdir/tests/lib.sh"

R=$top_srcdir/runbooks
unset TERM
STEPUP_STATE_DIR="$TMP/state"; export STEPUP_STATE_DIR

# dry RUNBOOK FROM TO INVENTORY ANSWERS...: a dry run in plain mode from
# FROM to TO, with --inventory INVENTORY when it is not empty, answers one
# a line (an empty one takes the default); the output in $TMP/out. Then it
# must have reached its end.
dry() {
	rb=$1 from=$2 to=$3 inv=$4; shift 4
	printf '%s\n' "$@" | "$STEPUP" run --plain --dry-run --from "$from" --to "$to" \
		${inv:+--inventory "$inv"} "$rb" >"$TMP/out" 2>"$TMP/err"
	st=$?
	[ "$st" = 0 ] || fail "dry run of $rb exited $st: $(tail -5 "$TMP/out") $(cat "$TMP/err")"
	grep -q '^= dry run: nothing was executed (run [0-9]*)$' "$TMP/out" ||
		fail "dry run of $rb did not reach its end: $(tail -5 "$TMP/out")"
}
# step_shows N TEXT: the block of step N (up to the next step) has a line
# that is exactly TEXT.
step_shows() {
	sed -n "/^\[$1\//,/^\[$(($1 + 1))\//p" "$TMP/out" | grep -qxF -- "$2" ||
		fail "step $1 lacks the line '$2': $(sed -n "/^\[$1\//,/^\[$(($1 + 1))\//p" "$TMP/out" | head -c 1500)"
}
steps() {
	grep -c '^\[[0-9]*/[0-9]*\] ' "$TMP/out"
}

# Backend.AI, 23.09.10 -> 24.03.2: a minor hop to 23.09.11 (the latest
# 23.09 release), then a major one with the missing revisions of 23.09.11
# (the guides' "apply-mission-revisions"), checked before the confirmation
# for each hop. The five compute nodes of the inventory file: in the minor
# hop a roll, gpu01 alone, then two at a time, the manager's agent list
# checked after each batch; in the major hop every agent stopped before the
# manager, upgraded with it, started after it.
dry "$R/backend.ai.yaml" 23.09.10 24.03.2 "$top_srcdir/tests/data/inventory/backend.ai.ini" \
	"" "" "" "" "" "" "" "" "" "" "" ""
[ "$(steps)" = 78 ] || fail "backend.ai: $(steps) steps, want 78"
expect_grep "$TMP/out" "== hosts: 5, from $top_srcdir/tests/data/inventory/backend.ai.ini: gpu01 gpu02 gpu03 gpu04 gpu05"
expect_grep "$TMP/out" "[10/78] check: The missing-revisions step of the hop to 24.03.2 can run"
expect_grep "$TMP/out" "[11/78] confirm: Upgrade Backend.AI from 23.09.10 to 24.03.2"
expect_grep "$TMP/out" "[12/78] action: Back up the manager database"
step_shows 10 "  STEPUP_HOP_FROM=23.09.11"
step_shows 10 "  STEPUP_HOP_KIND=major"
step_shows 14 '  command: "$venv/bin/python" -m pip install -U "backend.ai-manager==$STEPUP_HOP_TO"'
step_shows 14 "  STEPUP_HOP_TO=23.09.11"
expect_grep "$TMP/out" "[20/78] action: Stop the agent (on gpu01)"
step_shows 20 "  on host: gpu01 (through ssh)"
step_shows 20 "  in roll agents (Upgrade the agents, a few nodes at a time), batch 1 of 3: gpu01"
step_shows 21 '  "$agent_venv/bin/python" -m pip install -U "$@"'
step_shows 21 "  STEPUP_HOST=gpu01"
expect_grep "$TMP/out" "[24/78] check: The manager lists as many agents alive as before the upgrade (after batch 1 of 3)"
step_shows 24 "  until it passes: every 5 s, for at most 300 s (then it fails)"
step_shows 25 "  in roll agents (Upgrade the agents, a few nodes at a time), batch 2 of 3: gpu02, gpu03"
expect_grep "$TMP/out" "[42/78] check: The manager lists as many agents alive as before the upgrade (after batch 3 of 3)"
# The major hop: no roll; every agent stopped before the manager.
sed -n '/^\[45\//,$p' "$TMP/out" | grep -q '^  in roll ' && fail "the major hop rolls the agents"
expect_grep "$TMP/out" "[45/78] action: Stop the agent (on gpu01)"
step_shows 45 "  STEPUP_HOP_KIND=major"
expect_grep "$TMP/out" "[49/78] action: Stop the agent (on gpu05)"
expect_grep "$TMP/out" "[50/78] action: Stop the manager and the other services of this node"
step_shows 53 '  command: cd "$manager_dir" && "$venv/bin/backend.ai" mgr schema apply-missing-revisions "$STEPUP_HOP_FROM"'
step_shows 53 "  STEPUP_HOP_FROM=23.09.11"
step_shows 53 "  STEPUP_HOP_KIND=major"
step_shows 53 "  STEPUP_ARTIFACT_db_backup=/var/backups/backend.ai/backend.ai-23.09.10-1.dump"
expect_grep "$TMP/out" "[55/78] action: Install the agent's packages at 24.03.2 (on gpu01)"
expect_grep "$TMP/out" "[60/78] action: Start the manager and the other services"
expect_grep "$TMP/out" "[63/78] action: Start the agent (on gpu01)"
expect_grep "$TMP/out" "[73/78] check: The manager lists as many agents alive as before the upgrade"
sed -n '/^\[13\//,/^\[45\//p' "$TMP/out" | grep -q 'action: Fill out' &&
	fail "the minor hop fills missing revisions"
grep -q 'apply-mission' "$TMP/out" && fail "the guides' typo reached a command"

# Pachyderm, 1.7.0 -> 1.9.0: a redeploy across 1.8 then an in-place hop;
# the deploy arguments are secret.
rm -rf "$TMP/state"
dry "$R/pachyderm.yaml" 1.7.0 1.9.0 "" "google my-bucket 10 --dynamic-etcd-nodes=1" ""
expect_grep "$TMP/out" "? var deploy_args: Arguments of the \`pachctl deploy\` command this cluster was deployed with (what follows \`pachctl deploy\`) (secret: not shown, not journaled)"
expect_grep "$TMP/out" "manual: Create a new Pachyderm 1.8.0 deployment"
expect_grep "$TMP/out" "action: Redeploy Pachyderm 1.9.0 with the same deploy arguments"
grep -q "action: Redeploy Pachyderm 1.8.0" "$TMP/out" && fail "the 1.8 redeploy hop redeploys in place"
grep -q "my-bucket" "$TMP/out" "$TMP/err" && fail "the secret deploy arguments were shown"
grep -rq "my-bucket" "$TMP/state" && fail "the secret deploy arguments were journaled"

# QHub, 0.3.14 -> 0.4.0: the redeployment, every step of the guide.
rm -rf "$TMP/state"
dry "$R/qhub.yaml" 0.3.14 0.4.0 "" /srv/qhub "" "" qhub.example.org qhub-old.example.org myqhubnew "" yes ""
step_shows 5 "  phrase: yes, redeploy QHub 0.4.0"
expect_grep "$TMP/out" "action: Upgrade qhub-config.yaml (qhub upgrade)"
expect_grep "$TMP/out" "manual: Remove the prevent_deploy: true line from qhub-config.yaml"
expect_grep "$TMP/out" "manual: Update the OAuth callback URL (Auth0 or GitHub)"
expect_grep "$TMP/out" "manual: Destroy the old cluster (on qhub-old.example.org) once the new one is confirmed"
expect_grep "$TMP/out" "  old_domain=qhub-old.example.org"

# Hopsworks.ai, 2.4.0 -> 3.0.0: two hops, each started in the console and
# followed; the API key is secret.
rm -rf "$TMP/state"
HOPSWORKSAI_API_KEY=k3y-not-to-show; export HOPSWORKSAI_API_KEY
dry "$R/hopsworks-azure.yaml" 2.4.0 3.0.0 "" cluster-1 my-rg hopsworks-head hopsworks.ai-role
expect_grep "$TMP/out" "manual: Start the upgrade to 2.5.0 in the Hopsworks.ai console"
expect_grep "$TMP/out" "check: The upgrade to 3.0.0 completes"
step_shows 7 "  phrase: yes, upgrade cluster to 3.0.0"
grep -q "k3y-not-to-show" "$TMP/out" "$TMP/err" && fail "the API key was shown"
grep -rq "k3y-not-to-show" "$TMP/state" && fail "the API key was journaled"

# The demo, 1.0.0 -> 2.0.0: each hop rolls the agents over the demo's
# nodes, each upgrade shown with the node it runs on and its batch; no
# node is needed for a dry run.
rm -rf "$TMP/state"
STEPUP_DEMO_DIR=/srv/stepup-demo; export STEPUP_DEMO_DIR
dry "$R/demo.yaml" 1.0.0 2.0.0 ""
[ "$(steps)" = 43 ] || fail "demo: $(steps) steps, want 43"
expect_grep "$TMP/out" "[16/43] action: Upgrade the agent to 1.0.1 (on node2)"
step_shows 16 "  on host: node2 (through ssh)"
step_shows 16 "  in roll agents (Upgrade the agents), batch 2 of 2: node2, node3"
step_shows 16 "  STEPUP_HOST=node2"
expect_grep "$TMP/out" "[20/43] check: Every agent is up (after batch 2 of 2)"
finish

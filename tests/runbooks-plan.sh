#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# runbooks-plan.sh: stepup plan on the shipped runbooks gives exactly the
# paths their source guides give, with each hop's kind and its steps, and
# refuses what the guides forbid.
. "$top_srcdir/tests/lib.sh"

R=$top_srcdir/runbooks

# plan WANT-STATUS RUNBOOK ARGS...: run stepup plan; its hops, one a line
# as "FROM -> TO (KIND)", go to $TMP/hops, its per-hop steps to $TMP/steps.
plan() {
	want=$1; shift
	expect_status "$want" "$STEPUP" plan "$@"
	sed -n 's/^ *[0-9][0-9]*\. \(.*\)  (\(.*\))$/\1 (\2)/p' "$TMP/out" >"$TMP/hops"
	sed -n 's/^ *steps: //p' "$TMP/out" >"$TMP/steps"
}
# says TEXT: stepup's output says TEXT, however its paragraphs are wrapped.
says() {
	tr '\n' ' ' <"$TMP/out" | tr -s ' ' | grep -qF -- "$1" ||
		fail "the output lacks '$1': $(head -c 800 "$TMP/out")"
}
# hops_are HOP...: the planned hops are exactly these.
hops_are() {
	printf '%s\n' "$@" >"$TMP/want"
	cmp -s "$TMP/want" "$TMP/hops" ||
		fail "hops: got [$(tr '\n' ';' <"$TMP/hops")], want [$(tr '\n' ';' <"$TMP/want")]"
}
# steps_of N STEPS: hop N runs exactly these steps.
steps_of() {
	got=$(sed -n "$1p" "$TMP/steps")
	[ "$got" = "$2" ] || fail "hop $1 steps: got '$got', want '$2'"
}

# Backend.AI (seeds/001 and 004, "Allowed upgrade paths").
B="$R/backend.ai.yaml"
# The compute nodes from an inventory file, in place of the manager's
# list of its agents: a minor hop rolls through them, one canary then a
# quarter at a time, the manager's agent list checked after each batch; a
# major hop stops every agent before the manager and starts them after it.
B_INV="$top_srcdir/tests/data/inventory/backend.ai.ini"
hosts="on 5 hosts: gpu01, gpu02, gpu03, gpu04, gpu05; 10 at once"
major="stop-agents ($hosts), stop-manager, manager-package, alembic, missing-revisions, other-packages, agent-packages ($hosts), start-services, manager-answers, hop-versions, start-agents ($hosts), agent-version ($hosts), agents-back, other-servers, changelog-extras"
minor="stop-manager, manager-package, alembic, other-packages, start-services, manager-answers, hop-versions, roll agents (agent-stop, agent-package, agent-start, agent-check; 5 hosts in 3 batches: gpu01 | gpu02, gpu03 | gpu04, gpu05; a health check after each; max-fail 0), other-servers, changelog-extras"
# The catalog is the product's final release tags: 23.09.11 is the latest
# 23.09 release, and there is no 23.09.9 nor 24.03.1.
plan 0 "$B" --inventory "$B_INV" --from 23.09.11 --to 24.03.2
hops_are "23.09.11 -> 24.03.2 (major)"
steps_of 1 "$major"
plan 0 "$B" --inventory "$B_INV" --from 23.09.11 --to 24.03.11
hops_are "23.09.11 -> 24.03.11 (major)"
plan 0 "$B" --inventory "$B_INV" --from 23.09.10 --to 24.03.2
hops_are "23.09.10 -> 23.09.11 (minor)" "23.09.11 -> 24.03.2 (major)"
steps_of 1 "$minor"
steps_of 2 "$major"
expect_grep "$TMP/out" "23.09.11: a series is left only from its latest release"
plan 0 "$B" --inventory "$B_INV" --from 23.03.12 --to 24.03.2
want="23.03.12 -> 23.09.0 (major)"
prev=0
for i in 1 2 3 4 5 6 8 10 11; do
	want="$want
23.09.$prev -> 23.09.$i (minor)"
	prev=$i
done
printf '%s\n23.09.11 -> 24.03.2 (major)\n' "$want" >"$TMP/want"
cmp -s "$TMP/want" "$TMP/hops" || fail "23.03.12 -> 24.03.2: $(tr '\n' ';' <"$TMP/hops")"
plan 3 "$B" --inventory "$B_INV" --from 23.09.9 --to 24.03.0
expect_grep "$TMP/out" "(not-in-catalog):"
# Forbidden as direct hops; a plain plan routes around them.
plan 3 "$B" --inventory "$B_INV" --from 23.09.10 --to 24.03.2 --direct
expect_grep "$TMP/out" "refused by the runbook's policy (leave-series)"
says "23.09.10 -> 24.03.2 leaves the 23.09 series from 23.09.10, but a series is left only from its latest release, 23.09.11 (leave-series: from-latest)"
plan 3 "$B" --inventory "$B_INV" --from 23.03.0 --to 24.03.2 --direct
expect_grep "$TMP/out" "refused by the runbook's policy (skip-series)"
says "23.03.0 -> 24.03.2 skips the 23.09 series, and no series may be skipped (skip-series: false)"
plan 3 "$B" --inventory "$B_INV" --from 24.03.0 --to 23.09.10

# Pachyderm (seeds/002): in place any newer 1.x, a redeploy across 1.8, no
# way to 2.x with this procedure.
P="$R/pachyderm.yaml"
inplace="undeploy, pachctl, client-version, redeploy, pods, versions"
redeploy="pachctl, client-version, new-deployment, migrate-data, new-version"
plan 0 "$P" --from 1.6.0 --to 1.7.0
hops_are "1.6.0 -> 1.7.0 (major)"
steps_of 1 "$inplace"
plan 0 "$P" --from 1.4.0 --to 1.7.0
hops_are "1.4.0 -> 1.7.0 (major)"
plan 0 "$P" --from 1.7.0 --to 1.8.0
hops_are "1.7.0 -> 1.8.0 (redeploy)"
steps_of 1 "$redeploy"
plan 0 "$P" --from 1.7.0 --to 1.13.0
hops_are "1.7.0 -> 1.8.0 (redeploy)" "1.8.0 -> 1.13.0 (major)"
steps_of 1 "$redeploy"
steps_of 2 "$inplace"
plan 3 "$P" --from 1.13.0 --to 2.0.0
expect_grep "$TMP/out" "(no-upgrade-across)"
says "2.0.0 cannot be reached in place or by a redeploy from 1.x: no documented path leads from below 2.0.0 to 2.0.0 or later (no-upgrade-across): Pachyderm 2.x is deployed with Helm"

# QHub (seeds/003): 0.3.14 -> 0.4 is one redeploy hop with every step of
# the guide.
plan 0 "$R/qhub.yaml" --from 0.3.14
hops_are "0.3.14 -> 0.4.0 (redeploy)"
steps_of 1 "rename-domain, deploy-old, old-reachable, config-back, qhub-package, qhub-upgrade, rename-project, kubernetes-version, safeguard, lift-safeguard, safeguard-gone, deploy-new, new-reachable, render, commit, push, oauth, restore-nfs, restore-hub-db, keycloak-root, keycloak-users"

# Hopsworks.ai (seeds/000): release after release.
plan 0 "$R/hopsworks-azure.yaml" --from 2.4.0 --to 3.1.0
hops_are "2.4.0 -> 2.5.0 (minor)" "2.5.0 -> 3.0.0 (major)" "3.0.0 -> 3.1.0 (minor)"
steps_of 2 "offered, start-upgrade, follow-upgrade, details-tab"

# The demo: three hops of three kinds, each rolling the agents over its
# three nodes, node1 first (the canary); the manual step only for the
# major.
plan 0 "$R/demo.yaml" --from 1.0.0
hops_are "1.0.0 -> 1.0.1 (patch)" "1.0.1 -> 1.1.0 (minor)" "1.1.0 -> 2.0.0 (major)"
roll="roll agents (agent, agent-up; 3 hosts in 2 batches: node1 | node2, node3; a health check after each; max-fail 0)"
steps_of 1 "migrate, verify, $roll"
steps_of 3 "migrate, verify, $roll, breaking"
plan 3 "$R/demo.yaml" --from 1.0.0 --to 2.0.0 --direct
finish

#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# runbooks-export.sh: the checklist of every shipped runbook exports as
# text, Markdown and HTML, with its path, its steps and their commands,
# and without any secret.
. "$top_srcdir/tests/lib.sh"

R=$top_srcdir/runbooks
STEPUP_STATE_DIR="$TMP/state"; export STEPUP_STATE_DIR
HOPSWORKSAI_API_KEY=k3y-not-to-show; export HOPSWORKSAI_API_KEY
# The demo's checklist is printed for a cluster directory. (Without one,
# the backup's path is "<demo_dir>/...", a comment line too long to wrap
# that the text export of main at 338e83c never finishes wrapping.)
STEPUP_DEMO_DIR=/srv/stepup-demo; export STEPUP_DEMO_DIR

# The hosts of the runbooks that run steps on them, from inventory files
# (in place of the inventory commands, which ask the products).
I=$top_srcdir/tests/data/inventory

# export RUNBOOK FROM TO TITLE STEP...: each format exports, and each
# output names the checklist's title and every STEP title given; with
# --inventory $INV when INV is set.
check_export() {
	rb=$1 from=$2 to=$3 title=$4; shift 4
	for fmt in txt md html; do
		out="$TMP/$(basename "$rb" .yaml).$fmt"
		expect_status 0 "$STEPUP" export "$rb" --from "$from" --to "$to" \
			${INV:+--inventory "$INV"} \
			--format "$fmt" --date 2026-01-01 --host head-1 -o "$out"
		[ -s "$out" ] || { fail "export $rb $fmt: empty"; continue; }
		expect_grep "$out" "$title"
		for st in "$@"; do
			expect_grep "$out" "$st"
		done
		grep -q "k3y-not-to-show" "$out" && fail "export $rb $fmt shows the API key"
	done
	grep -q '^<!DOCTYPE html>' "$TMP/$(basename "$rb" .yaml).html" ||
		fail "$rb: the HTML export is not a document"
	grep -q '^# Upgrade checklist' "$TMP/$(basename "$rb" .yaml).md" ||
		fail "$rb: the Markdown export has no title"
}

INV=$I/backend.ai.ini
check_export "$R/backend.ai.yaml" 24.03.10 24.09.4 \
	"Upgrade checklist: Backend.AI 24.03.10 → 24.09.4" \
	"Back up the manager database" "Fill out missing DB revisions since 24.03.11" \
	"Stop the agent (on gpu01)" "Start the agent (on gpu05)" \
	"Restore the manager database from the backup"
expect_grep "$TMP/backend.ai.txt" 'Path:     24.03.10 → 24.03.11 (minor) → 24.09.4 (major)'
expect_grep "$TMP/backend.ai.txt" 'apply-missing-revisions "$STEPUP_HOP_FROM"'
# The minor hop's roll: its batches, the hosts of each at its first step,
# the health check after each.
for t in "Batch: roll agents (Upgrade the agents, a few nodes at a time), batch 2 of 3: gpu02, gpu03" \
	"The manager lists as many agents alive as before the upgrade (after batch 3 of 3)"; do
	tr '\n' ' ' <"$TMP/backend.ai.txt" | tr -s ' ' | grep -qF "$t" ||
		fail "the checklist lacks '$t': $(grep -A3 'Batch:' "$TMP/backend.ai.txt" | head -20)"
done
INV=$I/slurm.ini
check_export "$R/slurm.yaml" 23.02.7 24.05.4 \
	"Upgrade checklist: Slurm 23.02.7 → 24.05.4" \
	"Stop slurmdbd" "Stop slurmd (on c01)" "Start slurmd 24.05.4 (on c06)" \
	"Restore SlurmdTimeout and SlurmctldTimeout"
tr '\n' ' ' <"$TMP/slurm.txt" | tr -s ' ' |
	grep -qF "Batch: roll slurmd (Upgrade slurmd, a few nodes at a time), batch 2 of 4: c02, c03" ||
	fail "the Slurm checklist does not name batch 2's nodes: $(grep -A2 'Batch:' "$TMP/slurm.txt" | head)"
INV=
check_export "$R/pachyderm.yaml" 1.7.0 1.9.0 \
	"Upgrade checklist: Pachyderm 1.7.0 → 1.9.0" \
	"Spin down Pachyderm 1.8.0 (pachctl undeploy)" \
	"Create a new Pachyderm 1.8.0 deployment" \
	"Redeploy Pachyderm 1.9.0 with the same deploy arguments"
expect_grep "$TMP/pachyderm.txt" 'Path:     1.7.0 → 1.8.0 (redeploy) → 1.9.0 (major)'
check_export "$R/qhub.yaml" 0.3.14 0.4.0 \
	"Upgrade checklist: QHub 0.3.14 → 0.4.0" \
	"Upgrade qhub-config.yaml (qhub upgrade)" \
	"Install qhub 0.4.0" \
	"Import the existing users into Keycloak"
check_export "$R/hopsworks-azure.yaml" 2.4.0 3.1.0 \
	"Upgrade checklist: Hopsworks (Hopsworks.ai, Azure) 2.4.0 → 3.1.0" \
	"The upgrade to 3.1.0 completes" \
	"Start the upgrade to 3.1.0 in the Hopsworks.ai console" \
	"Remove the cluster" "Add the workers again, as they were" \
	"Roll back in the Hopsworks.ai console"
check_export "$R/demo.yaml" 1.0.0 2.0.0 \
	"Upgrade checklist: stepup demo cluster 1.0.0 → 2.0.0" \
	"Migrate the database from 1.1.0 to 2.0.0" "Restore the database backup"
expect_grep "$TMP/demo.txt" "/srv/stepup-demo/backups/cluster-1.0.0-"
# The agents' roll: its batches, each node's steps, the health checks.
expect_grep "$TMP/demo.txt" "        Batch: roll agents (Upgrade the agents), batch 2 of 2: node2, node3"
expect_grep "$TMP/demo.txt" "[ ] 18. Upgrade the agent to 1.0.1 (on node3)"
expect_grep "$TMP/demo.txt" "[ ] 15. Every agent is up (after batch 1 of 2)"
finish

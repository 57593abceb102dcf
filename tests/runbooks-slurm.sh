#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# runbooks-slurm.sh: the Slurm runbook: hops within the compatibility
# window (a hop passes over at most one major release), --direct refuses
# a hop past it, and a dry run upgrades slurmdbd, then slurmctld, then the
# nodes' slurmd on every hop.
. "$top_srcdir/tests/lib.sh"

RB="$top_srcdir/runbooks/slurm.yaml"
unset TERM

expect_status 0 "$STEPUP" plan "$RB" --from 22.05.11
expect_grep "$TMP/out" "Slurm: 22.05.11 -> 25.11.2 in 3 hops."
expect_grep "$TMP/out" "  1. 22.05.11 -> 23.11.1  (major)"
expect_grep "$TMP/out" "     23.11.1: a hop passes over no more series than skip-series allows"
expect_grep "$TMP/out" "     steps: stop-dbd, install-dbd, start-dbd, dbd-version, stop-ctld, install-ctld, start-ctld, ctld-version, slurmd, nodes"
expect_grep "$TMP/out" "  2. 23.11.1 -> 25.05.0  (major)"
expect_grep "$TMP/out" "  3. 25.05.0 -> 25.11.2  (major)"
# 24.11 and later read three earlier releases: 23.02 -> 24.11 in one hop
expect_status 0 "$STEPUP" plan "$RB" --from 23.02.7 --to 24.11.5 --direct
expect_grep "$TMP/out" "Slurm: 23.02.7 -> 24.11.5 is allowed as one hop."
expect_status 3 "$STEPUP" plan "$RB" --from 22.05.11 --to 24.11.5 --direct
expect_grep "$TMP/out" "  the 23.02, 23.11 and 24.05 series, and a hop to 24.11.5 may pass over at"
expect_status 0 "$STEPUP" plan "$RB" --from 24.11.0 --to 24.11.5
expect_grep "$TMP/out" "  1. 24.11.0 -> 24.11.5  (maintenance)"

# Past the window: "Upgrades from incompatible versions will fail
# immediately upon startup."
expect_status 3 "$STEPUP" plan "$RB" --from 22.05.11 --to 24.05.4 --direct
expect_grep "$TMP/out" "(skip-series):"
expect_grep "$TMP/out" "  the 23.02 and 23.11 series, and a hop may pass over at most 1"

# A dry run: slurmdbd, then slurmctld, then slurmd, on each hop.
STEPUP_STATE_DIR="$TMP/state"; export STEPUP_STATE_DIR
printf '%s\n' "" "" "" |
	"$STEPUP" run --plain --dry-run --from 23.02.7 --to 24.05.4 "$RB" >"$TMP/dry" 2>"$TMP/dry.err" ||
	fail "the dry run failed: $(tail -5 "$TMP/dry") $(cat "$TMP/dry.err")"
expect_grep "$TMP/dry" "== plan: 23.02.7 -> 24.05.4, 1 hop"
expect_grep "$TMP/dry" "= dry run: nothing was executed"
order=$(grep '^\[[0-9]*/[0-9]*\] \(action\|manual\): .*\(slurmdbd\|slurmctld\|slurmd on every\)' "$TMP/dry" | sed 's/^.*\] [a-z]*: //' | tr '\n' '|')
[ "$order" = "Stop slurmdbd|Install the Slurm 24.05.4 packages for slurmdbd|Start slurmdbd 24.05.4 (it converts the database)|Stop slurmctld|Install the Slurm 24.05.4 packages for slurmctld|Start slurmctld 24.05.4|Upgrade slurmd on every node to 24.05.4|" ] ||
	fail "the daemons' order: $order"
expect_grep "$TMP/dry" "  STEPUP_ARTIFACT_db_backup=/var/backups/slurm/slurm_acct_db-23.02.7-1.sql"
finish

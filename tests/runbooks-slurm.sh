#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# runbooks-slurm.sh: the Slurm runbook: hops within the compatibility
# window (a hop passes over at most one major release), --direct refuses
# a hop past it, and a dry run upgrades slurmdbd, then slurmctld, then the
# nodes' slurmd on every hop, in a rolling upgrade through the nodes of an
# inventory file (one node, then a quarter of them at a time, slurmctld's
# list of responding nodes checked after each batch).
. "$top_srcdir/tests/lib.sh"

RB="$top_srcdir/runbooks/slurm.yaml"
INV="$top_srcdir/tests/data/inventory/slurm.ini"
unset TERM

# Without an inventory file the nodes are those sinfo lists responding,
# each once (sinfo -N lists a node once per partition).
mkdir -p "$TMP/bin"
cat >"$TMP/bin/sinfo" <<'EOT'
#!/bin/sh
[ "$*" = "-N -h -r -o %N" ] || { echo "sinfo stand-in: $*" >&2; exit 2; }
printf '%s\n' n2 n1 n1 n3
EOT
chmod +x "$TMP/bin/sinfo"
PATH="$TMP/bin:$PATH" expect_status 0 "$STEPUP" plan "$RB" --from 24.11.0 --to 24.11.5
expect_grep "$TMP/out" "Hosts: 3 from the command 'sinfo -N -h -r -o %N | sort -u': n1 n2 n3"

expect_status 0 "$STEPUP" plan "$RB" --from 22.05.11 --inventory "$INV"
expect_grep "$TMP/out" "Slurm: 22.05.11 -> 25.11.2 in 3 hops."
expect_grep "$TMP/out" "  1. 22.05.11 -> 23.11.1  (major)"
expect_grep "$TMP/out" "     23.11.1: a hop passes over no more series than skip-series allows"
expect_grep "$TMP/out" "     steps: stop-dbd, install-dbd, start-dbd, dbd-version, raise-timeouts, stop-ctld, install-ctld, start-ctld, ctld-version, roll slurmd (stop-slurmd, install-slurmd, start-slurmd, slurmd-version; 6 hosts in 4 batches: c01 | c02, c03 | c04, c05 | c06; a health check after each; max-fail 0), nodes, clients, restore-timeouts"
expect_grep "$TMP/out" "  2. 23.11.1 -> 25.05.0  (major)"
expect_grep "$TMP/out" "  3. 25.05.0 -> 25.11.2  (major)"
# 24.11 and later read three earlier releases: 23.02 -> 24.11 in one hop
expect_status 0 "$STEPUP" plan "$RB" --inventory "$INV" --from 23.02.7 --to 24.11.5 --direct
expect_grep "$TMP/out" "Slurm: 23.02.7 -> 24.11.5 is allowed as one hop."
expect_status 3 "$STEPUP" plan "$RB" --inventory "$INV" --from 22.05.11 --to 24.11.5 --direct
expect_grep "$TMP/out" "  the 23.02, 23.11 and 24.05 series, and a hop to 24.11.5 may pass over at"
expect_status 0 "$STEPUP" plan "$RB" --inventory "$INV" --from 24.11.0 --to 24.11.5
expect_grep "$TMP/out" "  1. 24.11.0 -> 24.11.5  (maintenance)"

# Past the window: "Upgrades from incompatible versions will fail
# immediately upon startup."
expect_status 3 "$STEPUP" plan "$RB" --inventory "$INV" --from 22.05.11 --to 24.05.4 --direct
expect_grep "$TMP/out" "(skip-series):"
expect_grep "$TMP/out" "  the 23.02 and 23.11 series, and a hop may pass over at most 1"

# A dry run: slurmdbd, then slurmctld, then slurmd node by node, on each
# hop.
STEPUP_STATE_DIR="$TMP/state"; export STEPUP_STATE_DIR
printf '%s\n' "" "" "" |
	"$STEPUP" run --plain --dry-run --from 23.02.7 --to 24.05.4 --inventory "$INV" "$RB" >"$TMP/dry" 2>"$TMP/dry.err" ||
	fail "the dry run failed: $(tail -5 "$TMP/dry") $(cat "$TMP/dry.err")"
expect_grep "$TMP/dry" "== plan: 23.02.7 -> 24.05.4, 1 hop"
expect_grep "$TMP/dry" "== hosts: 6, from $INV: c01 c02 c03 c04 c05 c06"
expect_grep "$TMP/dry" "= dry run: nothing was executed"
order=$(grep '^\[[0-9]*/[0-9]*\] \(action\|manual\|check\): .*\(slurmdbd\|slurmctld\|slurmd\|Timeout\)' "$TMP/dry" | sed 's/^.*\] [a-z]*: //' | sed -n '1,16p;$p' | tr '\n' '|')
[ "$order" = "slurmdbd and slurmctld answer|slurmctld lists its nodes responding|Stop slurmdbd|Install the Slurm 24.05.4 packages for slurmdbd|Start slurmdbd 24.05.4 (it converts the database)|slurmdbd is 24.05.4 and answers|Raise SlurmdTimeout and SlurmctldTimeout for the upgrade|Stop slurmctld|Install the Slurm 24.05.4 packages for slurmctld|Start slurmctld 24.05.4|slurmctld is 24.05.4 and answers|Stop slurmd (on c01)|Install the Slurm 24.05.4 packages for slurmd (on c01)|Start slurmd 24.05.4 (on c01)|slurmd is 24.05.4 and runs (on c01)|slurmctld lists as many nodes responding as before the upgrade (after batch 1 of 4)|Restore SlurmdTimeout and SlurmctldTimeout|" ] ||
	fail "the daemons' order: $order"
expect_grep "$TMP/dry" "  in roll slurmd (Upgrade slurmd, a few nodes at a time), batch 2 of 4: c02, c03"
expect_grep "$TMP/dry" "  on host: c06 (through ssh)"
expect_grep "$TMP/dry" "[43/46] check: slurmctld lists as many nodes responding as before the upgrade (after batch 4 of 4)"
expect_grep "$TMP/dry" "  STEPUP_ARTIFACT_db_backup=/var/backups/slurm/slurm_acct_db-23.02.7-1.sql"
finish

#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# demo-ctl.sh: the demo cluster's control script does what demo.yaml relies
# on: init, workloads that really write and really stop, backup and
# restore, every migration up and down, verify, the injected failure, and
# clear refusals. No workload outlives the test.
. "$top_srcdir/tests/lib.sh"

ctl="$top_srcdir/runbooks/demo/democtl"
D="$TMP/cluster"
trap '"$ctl" -d "$D" stop-workloads >/dev/null 2>&1; rm -rf "$TMP"' EXIT

command -v sqlite3 >/dev/null 2>&1 || { echo "sqlite3 missing: skipped"; exit 77; }

# expect_line FILE LINE: FILE holds exactly that line.
expect_line() {
	grep -qxF -- "$2" "$1" || fail "$1 lacks the line '$2': $(head -c 800 "$1")"
}
rows() {
	sqlite3 -cmd '.timeout 10000' "$D/cluster.db" 'SELECT count(*) FROM events;'
}

if command -v shellcheck >/dev/null 2>&1; then
	shellcheck "$ctl" >"$TMP/sc" 2>&1 || fail "shellcheck democtl: $(cat "$TMP/sc")"
fi

# Usage errors: exit 2 and say what is wrong.
expect_status 2 "$ctl" -d "$D" frobnicate
expect_line "$TMP/err" "democtl: unknown command 'frobnicate'"
expect_status 2 env -u STEPUP_DEMO_DIR "$ctl" version
expect_line "$TMP/err" "democtl: no cluster directory: pass -d DIR or set STEPUP_DEMO_DIR"
expect_status 0 "$ctl" releases
printf '1.0.0\n1.0.1\n1.1.0\n2.0.0\n' | cmp -s - "$TMP/out" || fail "releases: $(cat "$TMP/out")"
expect_status 1 "$ctl" -d "$D" status
expect_line "$TMP/err" "democtl: no demo cluster in $D (create one with: democtl -d $D init)"

# init: release 1.0.0 with the rows asked for; never over an existing one.
expect_status 0 "$ctl" -d "$D" init --rows 50
expect_line "$TMP/out" "created a demo cluster in $D: release 1.0.0, 50 rows"
expect_status 1 "$ctl" -d "$D" init
expect_line "$TMP/err" "democtl: $D already holds a demo cluster; remove it first (rm -r $D)"
expect_status 0 env STEPUP_DEMO_DIR="$D" "$ctl" version
expect_line "$TMP/out" "1.0.0"
expect_status 0 "$ctl" -d "$D" verify 1.0.0
expect_line "$TMP/out" "ok: the schema is release 1.0.0's"
expect_line "$TMP/out" "ok: 50 rows, none of the 50 recorded is missing"

# Workloads: none at first; two real processes that write rows once
# started; refused operations while they run; gone once stopped.
expect_status 1 "$ctl" -d "$D" workloads-running
expect_line "$TMP/out" "no workload is running"
expect_status 0 "$ctl" -d "$D" start-workloads
expect_grep "$TMP/out" "worker 1 started (pid "
expect_grep "$TMP/out" "worker 2 started (pid "
pids=$(cat "$D/run/worker-1.pid" "$D/run/worker-2.pid")
for p in $pids; do kill -0 "$p" 2>/dev/null || fail "worker pid $p is not running"; done
expect_status 0 "$ctl" -d "$D" workloads-running
expect_grep "$TMP/out" "worker 1 is running (pid "
expect_status 0 "$ctl" -d "$D" start-workloads
expect_grep "$TMP/out" "worker 1 is already running (pid "
i=0
while [ "$(rows)" -lt 54 ] && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ "$(rows)" -ge 54 ] || fail "the workloads wrote no rows: $(rows)"
expect_status 1 "$ctl" -d "$D" migrate 1.0.0 1.0.1
expect_line "$TMP/err" "democtl: 2 workload(s) still write to the database; stop them first (democtl -d $D stop-workloads)"
expect_status 1 "$ctl" -d "$D" backup "$TMP/b.db"
[ -e "$TMP/b.db" ] && fail "a backup was written while workloads ran"
expect_status 0 "$ctl" -d "$D" stop-workloads
expect_grep "$TMP/out" "worker 1 (pid "
for p in $pids; do kill -0 "$p" 2>/dev/null && fail "worker pid $p still runs after stop-workloads"; done
expect_status 1 "$ctl" -d "$D" workloads-running
stopped=$(rows)
expect_line "$D/rows.recorded" "$stopped"

# Backup: a whole copy, the row count recorded.
expect_status 0 "$ctl" -d "$D" backup "$TMP/backups/b.db"
expect_line "$TMP/out" "backed up $D/cluster.db to $TMP/backups/b.db: release 1.0.0, $stopped rows"
[ "$(sqlite3 "$TMP/backups/b.db" 'SELECT count(*) FROM events;')" = "$stopped" ] ||
	fail "the backup does not hold $stopped rows"

# Every migration, up, each verified; non-adjacent and wrong-start hops
# are refused without touching anything.
expect_status 1 "$ctl" -d "$D" migrate 1.0.0 1.1.0
expect_line "$TMP/err" "democtl: 1.0.0 and 1.1.0 are not adjacent releases: migrate one release at a time (1.0.0 1.0.1 1.1.0 2.0.0)"
expect_status 1 "$ctl" -d "$D" migrate 1.0.1 1.1.0
expect_line "$TMP/err" "democtl: release 1.0.0 is installed, not 1.0.1: nothing migrated"
expect_status 1 "$ctl" -d "$D" migrate 1.0.0 9.0.0
expect_line "$TMP/err" "democtl: unknown release '9.0.0' (releases: 1.0.0 1.0.1 1.1.0 2.0.0)"
prev=1.0.0
for v in 1.0.1 1.1.0 2.0.0; do
	expect_status 1 "$ctl" -d "$D" verify "$v"
	expect_line "$TMP/out" "FAIL: release $prev is installed, not $v"
	expect_status 0 "$ctl" -d "$D" migrate "$prev" "$v"
	expect_line "$TMP/out" "database and installed release are now at $v ($stopped rows)"
	expect_status 0 "$ctl" -d "$D" verify "$v"
	expect_line "$TMP/out" "ok: the schema is release $v's"
	expect_line "$TMP/out" "ok: $stopped rows, none of the $stopped recorded is missing"
	prev=$v
done
[ "$(sqlite3 "$D/cluster.db" 'SELECT count(*) FROM workers;')" = \
  "$(sqlite3 "$D/cluster.db" 'SELECT count(DISTINCT worker) FROM events;')" ] ||
	fail "2.0.0 did not register every writer in workers"

# 2.0.0 workloads write the 2.0.0 way.
expect_status 0 "$ctl" -d "$D" start-workloads
expect_grep "$TMP/out" "writing as release 2.0.0"
i=0
while [ "$(rows)" -le "$stopped" ] && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ "$(rows)" -gt "$stopped" ] || fail "2.0.0 workloads wrote no rows"
expect_status 0 "$ctl" -d "$D" stop-workloads
now=$(rows)

# Every migration, down.
for hop in "2.0.0 1.1.0" "1.1.0 1.0.1" "1.0.1 1.0.0"; do
	set -- $hop
	expect_status 0 "$ctl" -d "$D" migrate "$1" "$2"
	expect_status 0 "$ctl" -d "$D" verify "$2"
	expect_line "$TMP/out" "ok: $now rows, none of the $now recorded is missing"
done

# The injected failure: the migration's transaction is rolled back, the
# cluster stays at the hop's start, and the message says it was on purpose.
"$ctl" -d "$D" migrate 1.0.0 1.0.1 >/dev/null || fail "migrate 1.0.0 1.0.1"
"$ctl" -d "$D" migrate 1.0.1 1.1.0 >/dev/null || fail "migrate 1.0.1 1.1.0"
expect_status 1 "$ctl" -d "$D" migrate --fail 1.1.0 2.0.0
expect_grep "$TMP/err" "CHECK constraint failed"
expect_line "$TMP/err" "democtl: this failure was injected on purpose (the demo's break_hop answer)"
expect_line "$TMP/err" "democtl: migration 1.1.0 -> 2.0.0 failed and was rolled back: the database is still at 1.1.0"
expect_status 0 "$ctl" -d "$D" verify 1.1.0
expect_line "$TMP/out" "ok: the schema is release 1.1.0's"

# Restore: back to the backup's schema and rows; the installed release is
# set apart, and verify says so until it is.
expect_status 0 "$ctl" -d "$D" restore "$TMP/backups/b.db"
expect_line "$TMP/out" "restored $D/cluster.db from $TMP/backups/b.db: schema 1.0.0, $stopped rows"
expect_line "$TMP/out" "note: release 1.1.0 is installed; set it back with: democtl -d $D set-version 1.0.0"
expect_status 1 "$ctl" -d "$D" verify 1.0.0
expect_line "$TMP/out" "FAIL: release 1.1.0 is installed, not 1.0.0"
expect_status 0 "$ctl" -d "$D" set-version 1.0.0
expect_status 0 "$ctl" -d "$D" verify 1.0.0
expect_line "$TMP/out" "ok: $stopped rows, none of the $stopped recorded is missing"
[ "$(rows)" = "$stopped" ] || fail "restore: $(rows) rows, want $stopped"
expect_status 1 "$ctl" -d "$D" restore "$TMP/nothing.db"
expect_line "$TMP/err" "democtl: no backup at '$TMP/nothing.db' (missing or empty)"
echo junk >"$TMP/junk.db"
expect_status 1 "$ctl" -d "$D" restore "$TMP/junk.db"
expect_line "$TMP/err" "democtl: $TMP/junk.db is not a backup of a demo cluster"

# verify catches a lost row and a schema that is not the release's.
sqlite3 "$D/cluster.db" 'DELETE FROM events WHERE id = (SELECT max(id) FROM events);'
expect_status 1 "$ctl" -d "$D" verify 1.0.0
expect_line "$TMP/out" "FAIL: $((stopped - 1)) rows, but $stopped were recorded: 1 lost"
sqlite3 "$D/cluster.db" 'CREATE INDEX stray ON events (at);'
expect_status 1 "$ctl" -d "$D" verify 1.0.0
expect_line "$TMP/out" "FAIL: the schema is not release 1.0.0's:"
expect_line "$TMP/out" "  unexpected: index|stray on events|0|at||||"

# No worker is left running.
expect_status 1 "$ctl" -d "$D" workloads-running
finish

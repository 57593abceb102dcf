#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# demo-plain.sh: the demo end to end in plain mode, on a real demo cluster
# with its workloads running: the whole upgrade 1.0.0 -> 2.0.0; then, on a
# fresh cluster, the injected failure of the major hop and the guided
# rollback. The database is checked afterwards: upgraded, or restored with
# every row of the backup. No workload outlives the test.
. "$top_srcdir/tests/lib.sh"

command -v sqlite3 >/dev/null 2>&1 || { echo "sqlite3 missing: skipped"; exit 77; }
ctl="$top_srcdir/runbooks/demo/democtl"
RB="$top_srcdir/runbooks/demo.yaml"
trap '"$ctl" -d "$TMP/ok" stop-workloads >/dev/null 2>&1
	"$ctl" -d "$TMP/bad" stop-workloads >/dev/null 2>&1
	rm -rf "$TMP"' EXIT
unset TERM

expect_line() {
	grep -qxF -- "$2" "$1" || fail "$1 lacks the line '$2': $(tail -c 1500 "$1")"
}
# demo DIR ANSWERS...: a fresh cluster in DIR with its workloads running,
# then stepup on it in plain mode with these answers; $status and $TMP/out.
demo() {
	dir=$1; shift
	"$ctl" -d "$dir" init >/dev/null && "$ctl" -d "$dir" start-workloads >/dev/null ||
		fail "cannot create a demo cluster in $dir"
	printf '%s\n' "$@" | STEPUP_DEMO_DIR="$dir" "$STEPUP" run --plain \
		--state-dir "$dir.state" "$RB" >"$TMP/out" 2>"$TMP/err"
	status=$?
}
q() {
	sqlite3 -batch -cmd '.timeout 10000' "$1" "$2"
}

# The whole upgrade.
D="$TMP/ok"
demo "$D" "" ack ack ack "tick told myself" accept "yes, upgrade to 2.0.0" "tick nothing else" run
[ "$status" = 0 ] || fail "the upgrade exited $status: $(tail -20 "$TMP/out") $(cat "$TMP/err")"
o="$TMP/out"
expect_line "$o" "== plan: 1.0.0 -> 2.0.0, 3 hops"
expect_line "$o" "==   hop 3: 1.1.0 -> 2.0.0 (major)"
expect_line "$o" "[6/19] check: No workload is running"
expect_line "$o" "  hint: The workloads still write to the database. Acknowledge: right after the confirmation, \"Stop the workloads\" stops them, and the same check then makes sure none is left."
expect_line "$o" "= 6 passed: warning accepted"
expect_line "$o" "? 7 confirm: type \"yes, upgrade to 2.0.0\" to go on [the phrase, shell, quit]"
expect_line "$o" "= 9 passed: exit 0"
expect_line "$o" "  | database and installed release are now at 2.0.0 ($(q "$D/backups/cluster-1.0.0-1.db" 'SELECT count(*) FROM events;') rows)"
expect_line "$o" "[17/19] manual: Check nothing outside the cluster writes events.payload"
expect_line "$o" "= 19 passed: exit 0"
# A value the backup step set (outputs), shown and used by the last check.
expect_line "$o" "  set: backup_rows=$(q "$D/backups/cluster-1.0.0-1.db" 'SELECT count(*) FROM events;')"
expect_line "$o" "  | the backup held $(q "$D/backups/cluster-1.0.0-1.db" 'SELECT count(*) FROM events;') rows"
expect_line "$o" "= done: stepup demo cluster upgraded, run 1"
# In the journal, the typed phrase comes before the first action started.
q "$D.state/journal.db" "SELECT kind || ' ' || coalesce(step, '-') FROM events WHERE run = 1 ORDER BY seq;" >"$TMP/ev"
phrase=$(grep -n '^phrase go$' "$TMP/ev" | cut -d: -f1)
stop=$(grep -n '^start stop$' "$TMP/ev" | cut -d: -f1)
[ -n "$phrase" ] && [ -n "$stop" ] && [ "$phrase" -lt "$stop" ] ||
	fail "journal: phrase at ${phrase:-none}, first action at ${stop:-none}: $(tr '\n' ';' <"$TMP/ev")"
# The real cluster: 2.0.0, its schema, every backed-up row, workloads
# writing as 2.0.0.
[ "$("$ctl" -d "$D" version)" = 2.0.0 ] || fail "installed: $("$ctl" -d "$D" version)"
"$ctl" -d "$D" verify 2.0.0 >"$TMP/verify" || fail "verify 2.0.0: $(cat "$TMP/verify")"
[ "$(q "$D/cluster.db" "ATTACH '$D/backups/cluster-1.0.0-1.db' AS b;
	SELECT count(*) FROM b.events WHERE id NOT IN (SELECT id FROM main.events);")" = 0 ] ||
	fail "rows of the backup are missing after the upgrade"
"$ctl" -d "$D" workloads-running >/dev/null || fail "the workloads were not started again"
grep -q "started as release 2.0.0" "$D/run/worker-1.log" || fail "worker 1 is not a 2.0.0 one: $(cat "$D/run/worker-1.log")"
[ "$(q "$D.state/journal.db" 'SELECT status FROM runs WHERE id = 1;')" = done ] ||
	fail "run 1 is $(q "$D.state/journal.db" 'SELECT status FROM runs WHERE id = 1;')"
"$ctl" -d "$D" stop-workloads >/dev/null

# The injected failure, then the guided rollback on the same cluster.
D="$TMP/bad"
demo "$D" yes ack ack ack "tick told myself" accept "yes, upgrade to 2.0.0" rollback "yes, roll back to 1.0.0"
# The upgrade failed, so stepup says so by its exit status, rollback done.
[ "$status" = 1 ] || fail "the rolled-back upgrade exited $status, want 1: $(tail -20 "$TMP/out") $(cat "$TMP/err")"
o="$TMP/out"
expect_line "$o" "  | democtl: this failure was injected on purpose (the demo's break_hop answer)"
expect_line "$o" "  | democtl: migration 1.1.0 -> 2.0.0 failed and was rolled back: the database is still at 1.1.0"
expect_line "$o" "! 15 failed: exit 1"
expect_line "$o" "? 15 action: it failed [retry, done REASON, shell, rollback, quit]"
expect_line "$o" "== rollback: run 2, 10 steps"
expect_line "$o" "  | database and installed release are now at 1.0.1 ($(q "$D/backups/cluster-1.0.0-1.db" 'SELECT count(*) FROM events;') rows)"
expect_line "$o" "[7/10] action: Restore the database backup"
expect_line "$o" "= done: stepup demo cluster rolled back, run 2"
grep -q '^\[1[6-9]/19\]' "$o" && fail "steps after the failed hop ran"
# The real cluster: back at 1.0.0 with every row of the backup, the
# workloads writing again as 1.0.0.
[ "$("$ctl" -d "$D" version)" = 1.0.0 ] || fail "installed: $("$ctl" -d "$D" version)"
"$ctl" -d "$D" verify 1.0.0 >"$TMP/verify" || fail "verify 1.0.0: $(cat "$TMP/verify")"
[ "$(q "$D/cluster.db" "ATTACH '$D/backups/cluster-1.0.0-1.db' AS b;
	SELECT count(*) FROM b.events WHERE id NOT IN (SELECT id FROM main.events);")" = 0 ] ||
	fail "rows of the backup are missing after the rollback"
[ "$(q "$D/cluster.db" 'SELECT version FROM schema_version;')" = 1.0.0 ] || fail "schema version"
"$ctl" -d "$D" workloads-running >/dev/null || fail "the workloads were not started again"
[ "$(q "$D.state/journal.db" 'SELECT status FROM runs WHERE id = 2;')" = done ] ||
	fail "rollback run is $(q "$D.state/journal.db" 'SELECT status FROM runs WHERE id = 2;')"
"$ctl" -d "$D" stop-workloads >/dev/null
finish

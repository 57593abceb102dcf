#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# demo-tui.sh: the demo in the wizard, in tmux, on a real demo cluster
# with its workloads running: the whole upgrade to 2.0.0; then, on a fresh
# cluster, the injected failure of the major hop shown in the wizard and
# the guided rollback (stepup rollback) that follows. The database is
# checked afterwards. No workload outlives the test.
. "$top_srcdir/tests/tui-lib.sh"

command -v sqlite3 >/dev/null 2>&1 || { echo "sqlite3 missing: skipped"; exit 77; }
ctl="$top_srcdir/runbooks/demo/democtl"
RB="$top_srcdir/runbooks/demo.yaml"
trap 'for s in $TUI_NAMES; do tmux -L "$TUI_SOCK-$s" kill-server >/dev/null 2>&1; done
	"$ctl" -d "$TMP/ok" stop-workloads >/dev/null 2>&1
	"$ctl" -d "$TMP/bad" stop-workloads >/dev/null 2>&1
	rm -rf "$TMP"' EXIT

# backup_rows_kept DIR: every row of the backup is in the database.
backup_rows_kept() {
	[ "$(sqlite3 -batch -cmd '.timeout 10000' "$1/cluster.db" "ATTACH '$1/backups/cluster-1.0.0-1.db' AS b;
		SELECT count(*) FROM b.events WHERE id NOT IN (SELECT id FROM main.events);")" = 0 ]
}

# demo_to_confirm NAME BREAK: from the plan, through the question (BREAK:
# the answer), the notes, the check, the manual step and the warning, to
# the typed confirmation, typed.
demo_to_confirm() {
	tn=$1
	tui_wait "$tn" "Upgrade plan" || return 1
	tui_wait "$tn" "1.0.0 ─patch─▶ 1.0.1 ─minor─▶ 1.1.0 ─major─▶ 2.0.0" || return 1
	tui_keys "$tn" Enter
	tui_wait "$tn" "Make the last hop fail on purpose" || return 1
	[ -n "$2" ] && tui_text "$tn" "$2"
	tui_keys "$tn" Enter
	for v in 1.0.1 1.1.0 2.0.0; do
		tui_wait "$tn" "read    Release notes of $v" || return 1
		tui_keys "$tn" Enter
		tui_wait "$tn" "press a to acknowledge" || return 1
		tui_keys "$tn" a
	done
	tui_wait "$tn" "PASS  4. The cluster is healthy and at 1.0.0" || return 1
	tui_keys "$tn" Enter
	tui_wait "$tn" "Step 5: ready" || return 1
	tui_keys "$tn" Enter
	tui_wait "$tn" "t ticks it off" || return 1
	tui_keys "$tn" t
	tui_wait "$tn" "A note for the journal?" || return 1
	tui_text "$tn" "told myself"
	tui_keys "$tn" Enter
	tui_wait "$tn" "WARN  6. No workload is running" || return 1
	tui_wait "$tn" "a accepts it and goes on" || return 1
	tui_keys "$tn" a
	tui_keys "$tn" Enter
	tui_wait "$tn" "Step 7: ready" || return 1
	tui_keys "$tn" Enter
	tui_wait "$tn" "To go on, type exactly:" || return 1
	tui_text "$tn" "yes, upgrade to 2.0.0"
	tui_keys "$tn" Enter
}

# The whole upgrade.
D="$TMP/ok"
"$ctl" -d "$D" init >/dev/null && "$ctl" -d "$D" start-workloads >/dev/null || fail "no demo cluster"
tui_start ok "STEPUP_DEMO_DIR=$D $STEPUP run --state-dir $D.state $RB"
demo_to_confirm ok "" || finish
# The actions and checks run one after another up to the last hop's check.
tui_wait ok "PASS  16. Schema and rows match 2.0.0" 300 || finish
tui_keys ok Enter
tui_wait ok "Step 17: ready" || finish
tui_keys ok Enter
tui_wait ok "t ticks it off" || finish
tui_keys ok t
tui_wait ok "A note for the journal?" || finish
tui_keys ok Enter
tui_wait ok "Step 18: ready" || finish
tui_keys ok Enter
tui_wait ok "x runs it now" || finish
tui_keys ok x
tui_wait ok "stepup demo cluster upgraded 1.0.0 → 2.0.0: done (run 1)" 300 || finish
tui_wait ok "19. check   The cluster is at 2.0.0, every row kept, workloads writing passed" || finish
tui_keys ok q
tui_wait ok "stepup: done: stepup demo cluster upgraded, run 1"
tui_wait ok "[exit 0]"
[ "$("$ctl" -d "$D" version)" = 2.0.0 ] || fail "installed: $("$ctl" -d "$D" version)"
"$ctl" -d "$D" verify 2.0.0 >"$TMP/verify" || fail "verify 2.0.0: $(cat "$TMP/verify")"
backup_rows_kept "$D" || fail "rows of the backup are missing after the upgrade"
"$ctl" -d "$D" workloads-running >/dev/null || fail "the workloads were not started again"
"$ctl" -d "$D" stop-workloads >/dev/null

# The injected failure, in the wizard; then the guided rollback.
D="$TMP/bad"
"$ctl" -d "$D" init >/dev/null && "$ctl" -d "$D" start-workloads >/dev/null || fail "no demo cluster"
tui_start bad "STEPUP_DEMO_DIR=$D $STEPUP run --state-dir $D.state $RB"
demo_to_confirm bad yes || finish
tui_wait bad "democtl: this failure was injected on purpose (the demo's break_hop answer)" 300 || finish
tui_wait bad "failed: exit 1 (attempt 1)."
tui_wait bad "Left behind: The migration runs in one transaction"
tui_keys bad q
tui_wait bad "Step 15 failed: exit 1" || finish
tui_keys bad q
tui_wait bad "Leave? The run is paused and resumes where it is." || finish
tui_keys bad y
tui_wait bad "stepup: paused: run 1 is unfinished"
tui_wait bad "[exit 1]"
[ "$("$ctl" -d "$D" version)" = 1.1.0 ] || fail "after the failure: $("$ctl" -d "$D" version)"
printf '%s\n' "yes, roll back to 1.0.0" | STEPUP_DEMO_DIR="$D" TERM=dumb \
	"$STEPUP" rollback --state-dir "$D.state" "$RB" >"$TMP/rb" 2>&1 ||
	fail "stepup rollback exited $?: $(tail -20 "$TMP/rb")"
expect_grep "$TMP/rb" "== run 1, 1.0.0 -> 2.0.0"
expect_grep "$TMP/rb" "  | restored $D/cluster.db from $D/backups/cluster-1.0.0-1.db: schema 1.0.0"
[ "$("$ctl" -d "$D" version)" = 1.0.0 ] || fail "after the rollback: $("$ctl" -d "$D" version)"
"$ctl" -d "$D" verify 1.0.0 >"$TMP/verify" || fail "verify 1.0.0: $(cat "$TMP/verify")"
backup_rows_kept "$D" || fail "rows of the backup are missing after the rollback"
"$ctl" -d "$D" workloads-running >/dev/null || fail "the workloads were not started again"
"$ctl" -d "$D" stop-workloads >/dev/null
finish

#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# demo-tui.sh: the demo in the wizard, in tmux, on a real demo cluster
# with its workloads running: the whole upgrade to 2.0.0; then, on a fresh
# cluster, the injected failure of the major hop shown in the wizard and
# the guided rollback (stepup rollback) that follows. The agents are
# upgraded (and set back) on the demo's nodes, real sshd on loopback. The
# database and the agents are checked afterwards. No workload and no sshd
# outlives the test.
. "$top_srcdir/tests/tui-lib.sh"

command -v sqlite3 >/dev/null 2>&1 || { echo "sqlite3 missing: skipped"; exit 77; }
need_sshd
ctl="$top_srcdir/runbooks/demo/democtl"
RB="$top_srcdir/runbooks/demo.yaml"
trap 'for s in $TUI_NAMES; do tmux -L "$TUI_SOCK-$s" kill-server >/dev/null 2>&1; done
	for d in ok bad; do
		"$ctl" -d "$TMP/$d" stop-nodes >/dev/null 2>&1
		"$ctl" -d "$TMP/$d" stop-workloads >/dev/null 2>&1
	done
	rm -rf "$TMP"' EXIT
unset SSH_AUTH_SOCK

# cluster DIR: a fresh demo cluster, its workloads running, its nodes up.
cluster() {
	"$ctl" -d "$1" init >/dev/null && "$ctl" -d "$1" start-workloads >/dev/null &&
		"$ctl" -d "$1" start-nodes >/dev/null || fail "no demo cluster in $1"
}
# agents_at DIR VERSION: every node's agent runs VERSION.
agents_at() {
	"$ctl" -d "$1" agents-healthy "$2" >"$TMP/agents" ||
		fail "the agents are not at $2: $(cat "$TMP/agents")"
}

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
cluster "$D"
tui_start ok "STEPUP_DEMO_DIR=$D STEPUP_SSH_CONFIG=$D/nodes/ssh_config $STEPUP run --state-dir $D.state $RB"
demo_to_confirm ok "" || finish
# The actions and checks run one after another up to the last hop's roll
# of the agents, node by node.
tui_wait ok "PASS  40. Every agent is up (after batch 2 of 2)" 300 || finish
tui_keys ok Enter
tui_wait ok "Step 41: ready" || finish
tui_keys ok Enter
tui_wait ok "t ticks it off" || finish
tui_keys ok t
tui_wait ok "A note for the journal?" || finish
tui_keys ok Enter
tui_wait ok "Step 42: ready" || finish
tui_keys ok Enter
tui_wait ok "x runs it now" || finish
tui_keys ok x
tui_wait ok "stepup demo cluster upgraded 1.0.0 → 2.0.0: done (run 1)" 300 || finish
# 43 steps are more than the screen shows: down to the last.
i=0
while [ "$i" -lt 25 ]; do tui_keys ok Down; i=$((i + 1)); done
tui_wait ok "43. check   Cluster and agents at 2.0.0, every row kept, workloads writing passed" || finish
tui_keys ok q
tui_wait ok "stepup: done: stepup demo cluster upgraded, run 1"
tui_wait ok "[exit 0]"
[ "$("$ctl" -d "$D" version)" = 2.0.0 ] || fail "installed: $("$ctl" -d "$D" version)"
"$ctl" -d "$D" verify 2.0.0 >"$TMP/verify" || fail "verify 2.0.0: $(cat "$TMP/verify")"
backup_rows_kept "$D" || fail "rows of the backup are missing after the upgrade"
"$ctl" -d "$D" workloads-running >/dev/null || fail "the workloads were not started again"
agents_at "$D" 2.0.0
"$ctl" -d "$D" stop-workloads >/dev/null
"$ctl" -d "$D" stop-nodes >/dev/null

# The injected failure, in the wizard; then the guided rollback.
D="$TMP/bad"
cluster "$D"
tui_start bad "STEPUP_DEMO_DIR=$D STEPUP_SSH_CONFIG=$D/nodes/ssh_config $STEPUP run --state-dir $D.state $RB"
demo_to_confirm bad yes || finish
tui_wait bad "democtl: this failure was injected on purpose (the demo's break_hop answer)" 300 || finish
tui_wait bad "failed: exit 1 (attempt 1)."
tui_wait bad "Left behind: The migration runs in one transaction"
tui_keys bad q
tui_wait bad "Step 31 failed: exit 1" || finish
tui_keys bad q
tui_wait bad "Leave? The run is paused and resumes where it is." || finish
tui_keys bad y
tui_wait bad "stepup: paused: run 1 is unfinished"
tui_wait bad "[exit 1]"
[ "$("$ctl" -d "$D" version)" = 1.1.0 ] || fail "after the failure: $("$ctl" -d "$D" version)"
agents_at "$D" 1.1.0
printf '%s\n' "yes, roll back to 1.0.0" | STEPUP_DEMO_DIR="$D" TERM=dumb \
	STEPUP_SSH_CONFIG="$D/nodes/ssh_config" \
	"$STEPUP" rollback --state-dir "$D.state" "$RB" >"$TMP/rb" 2>&1 ||
	fail "stepup rollback exited $?: $(tail -20 "$TMP/rb")"
expect_grep "$TMP/rb" "== run 1, 1.0.0 -> 2.0.0"
expect_grep "$TMP/rb" "  | node2: agent upgraded from 1.0.1 to 1.0.0"
expect_grep "$TMP/rb" "  | restored $D/cluster.db from $D/backups/cluster-1.0.0-1.db: schema 1.0.0"
[ "$("$ctl" -d "$D" version)" = 1.0.0 ] || fail "after the rollback: $("$ctl" -d "$D" version)"
"$ctl" -d "$D" verify 1.0.0 >"$TMP/verify" || fail "verify 1.0.0: $(cat "$TMP/verify")"
backup_rows_kept "$D" || fail "rows of the backup are missing after the rollback"
"$ctl" -d "$D" workloads-running >/dev/null || fail "the workloads were not started again"
agents_at "$D" 1.0.0
"$ctl" -d "$D" stop-workloads >/dev/null
"$ctl" -d "$D" stop-nodes >/dev/null
finish

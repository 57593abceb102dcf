#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# plain-fail.sh: what plain mode offers when things go wrong: a failed
# action (retry, mark done with a reason, rollback that restores the
# files), a failed warn check (accept), an optional step skipped, a dry
# run, a runbook changed under a paused run, and an action in doubt.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/session-lib.sh"

# A. Install 2.0.0 fails; retry fails again; roll back.
: >"$WORLD/fail-2.0.0"
stepup_plain "$TMP/a" "" tok ack ack "yes, upgrade to 2.0.0" retry done "" rollback \
	"yes, roll back" "yes, roll back to 1.0.0" "tick kept it" run
[ "$status" = 1 ] || fail "A: a rolled-back upgrade exits $status, want 1"
expect_line "$TMP/a" "! 7 failed: exit 3"
expect_line "$TMP/a" "  | no space left on the widget"
expect_line "$TMP/a" "  left behind: The widget may be half installed; retry, or roll back."
expect_line "$TMP/a" "? 7 action: it failed [retry, done REASON, shell, rollback, quit]"
expect_line "$TMP/a" "> 7 running (attempt 2)"
expect_line "$TMP/a" "! 7 marking it done by hand needs a reason: done REASON"
expect_line "$TMP/a" "! 7 no answer \"\": answer one of those in brackets"
expect_line "$TMP/a" "== rollback: run 2, 4 steps"
expect_line "$TMP/a" "! 1 that is not the phrase: type exactly \"yes, roll back to 1.0.0\""
expect_line "$TMP/a" "[2/4] action: Undo: Install 1.1.0"
expect_line "$TMP/a" "[3/4] manual: backup cannot be undone automatically: Back up the widget's version"
expect_line "$TMP/a" "  Nothing to undo; the backup is kept for the rollback."
expect_line "$TMP/a" "= done: Widget rolled back, run 2"
[ "$(cat "$WORLD/version")" = 1.0.0 ] || fail "A: version after rollback: $(cat "$WORLD/version")"
[ "$(sql "select kind || ' ' || coalesce(parent, 0) || ' ' || status from runs order by id")" = \
  "$(printf 'upgrade 0 failed\nrollback 1 done')" ] || fail "A: runs: $(sql "select * from runs")"
[ "$(sql "select group_concat(step, ' ') from (select step from events where run = 2 and kind in ('phrase', 'start') order by seq)")" = \
  "rollback-confirm rollback-confirm undo:install@1.1.0 restore" ] ||
	fail "A: rollback events: $(sql "select seq, kind, step, detail from events where run = 2")"
[ "$(sql "select count(*) from actions where run = 1 and step = 'install@2.0.0'")" = 2 ] ||
	fail "A: attempts of install@2.0.0"
rm -f "$WORLD/fail-2.0.0"

# B. Install 1.1.0 fails; the wizard pauses at end of input; on resume
# it is marked done by hand; an optional step is skipped; the warn check
# fails and is accepted.
echo 1.0.0 >"$WORLD/version"
: >"$WORLD/fail-1.1.0"
: >"$WORLD/low-disk"
stepup_plain "$TMP/b1" "" tok ack ack "yes, upgrade to 2.0.0"
[ "$status" = 1 ] || fail "B: paused run exits $status"
expect_line "$TMP/b1" "! 6 failed: exit 3"
expect_line "$TMP/b1" "= paused (end of input): run 3 is unfinished; to resume it: stepup run --plain --state-dir $STATE $(realpath "$RUNBOOK")"
rm -f "$WORLD/fail-1.1.0"
echo 1.1.0 >"$WORLD/version"
stepup_plain "$TMP/b2" resume tok "skip nothing" "done installed it by hand" "skip nobody is awake" accept
[ "$status" = 0 ] || fail "B: resumed run exits $status: $(tail -5 "$TMP/b2")"
expect_line "$TMP/b2" "? 6 action: it failed [retry, done REASON, shell, rollback, quit]"
expect_line "$TMP/b2" "! 6 skip refused: only an optional step may be skipped"
expect_line "$TMP/b2" "= 6 done by hand: installed it by hand"
expect_line "$TMP/b2" "? 10 manual: tick it off when done [tick [NOTE], skip REASON, shell, quit]"
expect_line "$TMP/b2" "= 10 skipped: nobody is awake"
expect_line "$TMP/b2" "! 11 failed: exit 1"
expect_line "$TMP/b2" "? 11 check: it failed [retry, accept, shell, rollback, quit]"
expect_line "$TMP/b2" "= 11 passed: warning accepted"
expect_line "$TMP/b2" "= done: Widget upgraded, run 3"
[ "$(sql "select step || '=' || state || ':' || coalesce(reason, '') from step_states
	where run = 3 and step in ('install@1.1.0', 'tell', 'disk') order by step")" = \
  "$(printf 'disk=passed:warning accepted (exit 1)\ninstall@1.1.0=done:installed it by hand\ntell=skipped:nobody is awake')" ] ||
	fail "B: states: $(sql "select * from step_states where run = 3")"
rm -f "$WORLD/low-disk"

# C. A dry run shows every command with its environment and runs none.
rm -f "$WORLD"/backup-*
echo 1.0.0 >"$WORLD/version"
printf '%s\n' "" tok | "$STEPUP" run --plain --dry-run "$RUNBOOK" >"$TMP/c" 2>&1
st=$?
[ "$st" = 0 ] || fail "C: dry run exits $st: $(tail -5 "$TMP/c")"
expect_line "$TMP/c" "== run 4 (dry run: nothing is executed), 11 steps"
expect_line "$TMP/c" "  command: cp \"\$world/version\" \"\$STEPUP_ARTIFACT_backup\""
expect_line "$TMP/c" "  STEPUP_ARTIFACT_backup=$WORLD/backup-1.0.0"
expect_line "$TMP/c" "  STEPUP_HOP_TO=2.0.0"
expect_line "$TMP/c" "  token=********"
expect_line "$TMP/c" "= dry run: nothing was executed (run 4)"
grep -q tok "$TMP/c" && grep -qx 'token=tok' "$TMP/c" && fail "C: the secret was shown"
[ -e "$WORLD/backup-1.0.0" ] && fail "C: the dry run ran the backup"
[ "$(cat "$WORLD/version")" = 1.0.0 ] || fail "C: the dry run changed the version"
[ "$(sql "select dry_run || ' ' || status from runs where id = 4")" = "1 done" ] || fail "C: run 4"
[ "$(sql "select count(*) from events where run = 4 and kind = 'dry-run'")" = 11 ] || fail "C: dry-run events"
[ "$(sql "select count(*) from events where run = 4 and kind = 'start'")" = 0 ] || fail "C: something started"

# D. The runbook changes while its run is paused: said, and journaled.
mkdir "$TMP/rb"
cp -R "$top_srcdir/tests/data/session/." "$TMP/rb/"
chmod -R u+w "$TMP/rb"
printf '%s\n' "" tok | "$STEPUP" run --plain "$TMP/rb/upgrade.yaml" >"$TMP/d1" 2>&1
echo "# changed" >>"$TMP/rb/upgrade.yaml"
printf '%s\n' resume tok quit | "$STEPUP" run --plain "$TMP/rb/upgrade.yaml" >"$TMP/d2" 2>&1
expect_line "$TMP/d2" "! the runbook changed since run 5 began (its sha256 differs): check what changed before resuming"
[ "$(sql "select count(*) from events where run = 5 and kind = 'runbook-changed'")" = 1 ] ||
	fail "D: runbook change not journaled"
printf '%s\n' "abandon test over" | "$STEPUP" run --plain "$TMP/rb/upgrade.yaml" >"$TMP/d3" 2>&1
expect_line "$TMP/d3" "= abandoned: a new run begins"
[ "$(sql "select status from runs where id = 5")" = abandoned ] || fail "D: not abandoned"

# E. The wizard and the action's supervisor both die: in doubt; re-run.
echo 1.0.0 >"$WORLD/version"
rm -f "$WORLD"/backup-*
: >"$WORLD/hold"
printf '%s\n' "" tok ack ack "yes, upgrade to 2.0.0" >"$TMP/e.in"
"$STEPUP" run --plain "$RUNBOOK" <"$TMP/e.in" >"$TMP/e1" 2>&1 &
pid=$!
wait_for "$WORLD/held"
wait_grep "$TMP/e1" "> 6 running (attempt 1)"
kill -KILL $pid
wait $pid 2>/dev/null
sup=$(sql "select pid from actions where run = 6 and step = 'install@1.1.0'")
kill_tree "$sup"
rm -f "$WORLD/hold" "$WORLD/held"
stepup_plain "$TMP/e2" resume tok retry "tick ok"
[ "$status" = 0 ] || fail "E: exit $status: $(tail -5 "$TMP/e2")"
expect_line "$TMP/e2" "? 6 action: its outcome is unknown (it was running when stepup stopped) [retry, done REASON, shell, rollback, quit]"
# What it did before it was lost: the log's path and its last lines.
expect_line "$TMP/e2" "  log: $STATE/runs/6/install@1.1.0.1.log"
expect_line "$TMP/e2" "  its log ends:"
expect_line "$TMP/e2" "  | installing 1.1.0 on eu-1"
expect_line "$TMP/e2" "> 6 running (attempt 2)"
expect_line "$TMP/e2" "= done: Widget upgraded, run 6"
[ "$(sql "select count(*) from events where run = 6 and kind = 'in-doubt' and step = 'install@1.1.0'")" = 1 ] ||
	fail "E: in-doubt not journaled"

# F. --step: every action asks, even after the confirmation.
echo 1.0.0 >"$WORLD/version"
rm -f "$WORLD"/backup-*
printf '%s\n' "" tok ack ack "yes, upgrade to 2.0.0" run quit |
	"$STEPUP" run --plain --step "$RUNBOOK" >"$TMP/f" 2>&1
expect_line "$TMP/f" "  then: 0 commands without asking, until step 5 (action: Back up the widget's version)"
expect_line "$TMP/f" "? 5 action: run it? [run, shell, quit]"
expect_line "$TMP/f" "= 5 passed: exit 0; $WORLD/backup-1.0.0: 6 bytes, sha256 $(sha256sum "$WORLD/backup-1.0.0" | cut -d' ' -f1)"
expect_line "$TMP/f" "? 6 action: run it? [run, shell, quit]"
expect_line "$TMP/f" "= paused (quit): run 7 is unfinished; to resume it: stepup run --plain --state-dir $STATE $(realpath "$RUNBOOK")"
[ "$(sql "select detail from events where run = 7 and kind = 'start' and step = 'backup'")" = \
  "attempt 1 (the operator said run): cp \"\$world/version\" \"\$STEPUP_ARTIFACT_backup\"" ] ||
	fail "F: start event: $(sql "select detail from events where run = 7 and kind = 'start'")"

# G. An interrupt while a command runs asks whether to cancel it; "yes"
# cancels it (SIGTERM to its process group) and the step fails.
: >"$WORLD/hold"
rm -f "$WORLD/held"
mkfifo "$TMP/g.fifo"
"$STEPUP" run --plain "$RUNBOOK" <"$TMP/g.fifo" >"$TMP/g" 2>&1 &
pid=$!
exec 3>"$TMP/g.fifo"
printf '%s\n' resume tok >&3
# Run 7 was begun with --step: resumed without it, it still asks.
wait_grep "$TMP/g" "? 6 action: run it? [run, shell, quit]"
printf '%s\n' run >&3
wait_for "$WORLD/held"
kill -INT $pid
wait_grep "$TMP/g" "? 6 cancel: cancel the running command? [yes, no]"
printf '%s\n' yes >&3
wait_grep "$TMP/g" "? 6 action: it failed"
printf '%s\n' quit >&3
exec 3>&-
wait $pid
expect_line "$TMP/g" "> 6 cancelling: SIGTERM, then SIGKILL"
[ "$(sql "select cancelled from actions where run = 7 and step = 'install@1.1.0'")" = 1 ] ||
	fail "G: not recorded as cancelled: $(sql "select * from actions where run = 7")"
[ "$(sql "select count(*) from events where run = 7 and kind = 'cancel'")" = 1 ] || fail "G: cancel not journaled"
grep -F "! 6 failed" "$TMP/g" >/dev/null || fail "G: no failure line: $(tail "$TMP/g")"
rm -f "$WORLD/hold"
# H. A step past its timeout is stopped, and fails saying so.
printf '%s\n' "1.0; touch $TMP/pwned" 1.0.0 go quit |
	"$STEPUP" run --plain "$top_srcdir/tests/data/session/slow.yaml" >"$TMP/h" 2>&1
expect_line "$TMP/h" "? from: Which version is installed?"
grep -q "^! refused (invalid-version): The installed version '1.0; touch $TMP/pwned' is not" "$TMP/h" ||
	fail "H: a mistyped version: $(head -5 "$TMP/h")"
[ "$(grep -c '^? from:' "$TMP/h")" = 2 ] || fail "H: the version was not asked again"
[ -e "$TMP/pwned" ] && fail "H: the answer ran"
expect_line "$TMP/h" "! 2 failed: killed by SIGTERM (timed out)"
[ "$(sql "select count(*) from events where kind = 'timeout' and step = 'slow@2.0.0'")" = 1 ] ||
	fail "H: timeout not journaled"
# I. An action that exits 0 without making what it produces fails; it is
# marked done only with the missing artifact named, typed.
printf '%s\n' 1.0.0 go "done made it by hand" "no artifact: $WORLD/none" quit |
	"$STEPUP" run --plain "$top_srcdir/tests/data/session/produce.yaml" >"$TMP/i" 2>&1
expect_line "$TMP/i" "! 2 failed: exit 0, but $WORLD/none was not made: No such file or directory"
expect_line "$TMP/i" "= 2 done by hand: made it by hand (no artifact: $WORLD/none)"
expect_line "$TMP/i" "! 3 failed: exit 0, but $WORLD/empty is empty"
finish

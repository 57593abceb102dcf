#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# plain-upgrade.sh: a whole upgrade in plain mode, 1.0.0 -> 1.1.0 -> 2.0.0,
# with real commands; then what the journal, history and show say.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/session-lib.sh"

expect_status 0 "$STEPUP" history
expect_grep "$TMP/out" "No runs recorded in $STATE yet."
expect_status 2 "$STEPUP" show 1

stepup_plain "$TMP/out" "" "s3cr3t-token" ack ack "yes, upgrade to 2.0.0" "tick all good"
[ "$status" = 0 ] || fail "the upgrade exited $status: $(cat "$TMP/out.err")"
o="$TMP/out"
expect_line "$o" "== plan: 1.0.0 -> 2.0.0, 2 hops"
expect_line "$o" "==   hop 1: 1.0.0 -> 1.1.0 (minor): 1.1.0: a required stop"
expect_line "$o" "? var site: Which site is this? (default: eu-1) [eu-1, us-1]"
expect_line "$o" "? var token: The API token? (secret: not shown, not journaled)"
expect_line "$o" "== run 1, 11 steps"
expect_line "$o" "[1/11] read: Release notes of 1.1.0"
expect_line "$o" "  | The last line of 1.1.0."
expect_line "$o" "? 1 read: acknowledge you have read it to its end [ack, shell, quit]"
expect_line "$o" "= 1 passed: acknowledged"
expect_line "$o" "[4/11] confirm: Ready to upgrade eu-1"
expect_line "$o" "? 4 confirm: type \"yes, upgrade to 2.0.0\" to go on [the phrase, shell, quit]"
expect_line "$o" "  then: 5 commands without asking, until step 10 (manual: Tell the team)"
expect_line "$o" "= 4 passed: confirmed"
expect_line "$o" "  | installing 1.1.0 on eu-1"
expect_line "$o" "= 7 passed: exit 0"
expect_line "$o" "[8/11] action: Migrate the data to 2.0.0"
expect_line "$o" "  Post in the team channel that eu-1 runs 2.0.0."
expect_line "$o" "= 10 passed: ticked"
expect_line "$o" "= done: Widget upgraded, run 1"
# The document was shown before it could be acknowledged, in that order.
[ "$(grep -n -e '^  | The last line of 1.1.0.$' -e '^= 1 passed' "$o" | cut -d: -f2-)" = \
  "$(printf '  | The last line of 1.1.0.\n= 1 passed: acknowledged')" ] ||
	fail "read step acknowledged before its end was shown"
# Actions after the confirmation ran without asking; none before it.
grep -q '^? [5-9] action' "$o" && fail "an action after the confirmation asked"

# What really happened.
[ "$(cat "$WORLD/version")" = 2.0.0 ] || fail "version is $(cat "$WORLD/version")"
[ "$(cat "$WORLD/data")" = "migrated to 2.0.0" ] || fail "data: $(cat "$WORLD/data")"
[ "$(cat "$WORLD/backup-1.0.0")" = 1.0.0 ] || fail "backup: $(cat "$WORLD/backup-1.0.0")"
# The secret reached the command, and nothing else.
[ "$(cat "$WORLD/token-seen")" = "token=s3cr3t-token" ] || fail "token: $(cat "$WORLD/token-seen")"
# A command that prints the secret itself: masked on screen and in its log.
expect_line "$o" "  | connected with token ********, as careless tools say"
grep -rqF "connected with token ********, as careless" "$STATE" || fail "the log lacks the masked line"
grep -rqF s3cr3t-token "$STATE" "$o" && fail "the secret was written: $(grep -rlF s3cr3t-token "$STATE" "$o")"

# The journal: states, the artifact, and the order of events.
[ "$(sql "select status from runs where id = 1")" = done ] || fail "run status"
[ "$(sql "select count(*) from step_states where run = 1 and state = 'passed'")" = 11 ] ||
	fail "passed steps: $(sql "select step, state from step_states")"
sum=$(sha256sum "$WORLD/backup-1.0.0" | cut -d' ' -f1)
[ "$(sql "select artifact_size || ' ' || artifact_sha256 from actions where step = 'backup'")" = "6 $sum" ] ||
	fail "artifact: $(sql "select * from actions where step = 'backup'")"
sql "select kind || ' ' || coalesce(step, '-') from events where run = 1 order by seq" >"$TMP/ev"
cat >"$TMP/want" <<'EOT'
begin -
probe -
vars -
note notes@1.1.0
ack notes@1.1.0
note notes@2.0.0
ack notes@2.0.0
start healthy
exit healthy
phrase go
start backup
artifact backup
exit backup
start install@1.1.0
exit install@1.1.0
start install@2.0.0
exit install@2.0.0
start migrate@2.0.0
exit migrate@2.0.0
start versions
exit versions
tick tell
start disk
exit disk
end -
EOT
diff "$TMP/want" "$TMP/ev" >"$TMP/diff" || fail "journal events: $(cat "$TMP/diff")"

# history and show.
expect_status 0 "$STEPUP" history "$RUNBOOK"
expect_grep "$TMP/out" "1.0.0 -> 2.0.0"
expect_grep "$TMP/out" "done"
expect_status 0 "$STEPUP" history
expect_grep "$TMP/out" "      $(realpath "$RUNBOOK") (Widget)"
expect_status 0 "$STEPUP" show 1
expect_grep "$TMP/out" "run 1: upgrade of Widget, 1.0.0 -> 2.0.0: done"
expect_grep "$TMP/out" "phrase    go: typed: yes, upgrade to 2.0.0"
expect_grep "$TMP/out" "token=********"
expect_status 2 "$STEPUP" show 99
expect_grep "$TMP/err" "there is no run 99"
expect_status 2 "$STEPUP" show nope
expect_grep "$TMP/err" "'nope' is not a run id"

# Nothing left to do: a new run finds 2.0.0 installed.
stepup_plain "$TMP/again"
[ "$status" = 0 ] || fail "second run exited $status"
expect_line "$TMP/again" "= nothing to do: 2.0.0 is installed"

# The bare form: stepup RUNBOOK.
echo 1.0.0 >"$WORLD/version"
printf '%s\n' "" tok | "$STEPUP" "$RUNBOOK" >"$TMP/bare" 2>&1
[ $? = 1 ] || fail "bare form with EOF should pause"
expect_line "$TMP/bare" "== run 2, 11 steps"
expect_line "$TMP/bare" "= paused (end of input): run 2 is unfinished; to resume it: stepup run --plain --state-dir $STATE $(realpath "$RUNBOOK")"
# Left at the resume question: the run is as it was, and the command
# that resumes it is printed.
printf '%s\n' quit | "$STEPUP" run --plain "$RUNBOOK" >"$TMP/left" 2>&1
[ $? = 1 ] || fail "quit at the resume question should exit 1"
expect_line "$TMP/left" "= paused: run 2 is still unfinished; to resume it: stepup run --plain --state-dir $STATE $(realpath "$RUNBOOK")"
# In the default state directory, the command does not name it; a
# runbook path a shell would split is quoted.
mkdir -p "$TMP/xdg" "$TMP/a dir"
cp "$RUNBOOK" "$TMP/a dir/up.yaml"
cp -R "$(dirname "$RUNBOOK")"/* "$TMP/a dir/" 2>/dev/null
printf '%s\n' "" tok | env -u STEPUP_STATE_DIR XDG_STATE_HOME="$TMP/xdg" \
	"$STEPUP" run --plain "$TMP/a dir/up.yaml" >"$TMP/default" 2>&1
[ $? = 1 ] || fail "default state dir: $(tail -3 "$TMP/default")"
expect_line "$TMP/default" "= paused (end of input): run 1 is unfinished; to resume it: stepup run --plain '$TMP/a dir/up.yaml'"
expect_status 2 "$STEPUP" "$TMP/nope.yaml"
expect_grep "$TMP/err" "stepup: cannot open the runbook $TMP/nope.yaml: No such file or directory"
expect_status 2 "$STEPUP" run
expect_grep "$TMP/err" "stepup: which runbook? stepup run RUNBOOK"
expect_status 2 "$STEPUP" run "$RUNBOOK" extra
expect_grep "$TMP/err" "one runbook at a time ('extra' is extra)"
expect_status 2 "$STEPUP" run --nope "$RUNBOOK"
expect_status 2 "$STEPUP" run "$TMP/nope.yaml"
expect_grep "$TMP/err" "nope.yaml"
finish

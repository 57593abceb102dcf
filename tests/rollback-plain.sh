#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# rollback-plain.sh: stepup rollback in plain mode, on a test runbook
# whose actions change real files: a failed upgrade rolled back (the files
# are as they were before it), the typed confirmation, a failure during
# the rollback (retry, never silently on), an interrupted rollback
# resumed, and the journal's record of it all.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/session-lib.sh"

RUNBOOK="$top_srcdir/tests/data/export/filestore.yaml"
ROOT="$TMP/root"
FILESTORE_ROOT=$ROOT; export FILESTORE_ROOT
unset FILESTORE_TOKEN
mkdir "$ROOT"
echo 1.0.0 >"$ROOT/VERSION"
printf 'format 1.0.0\nsome data\n' >"$ROOT/data.txt"
touch "$ROOT/RUNNING" "$ROOT/BREAK-2.0.0"
cp -a "$ROOT" "$TMP/before"

rollback_plain() {
	out=$1; shift
	printf '%s\n' "$@" | "$STEPUP" rollback "$RUNBOOK" >"$out" 2>"$out.err"
	status=$?
}

# The upgrade fails migrating to 2.0.0, after hop 1 changed the files.
stepup_plain "$TMP/up" "$TMP/backups" ack ack "yes, upgrade to 2.0.0" quit
[ "$status" = 1 ] || fail "the failed upgrade exited $status, want 1"
expect_line "$TMP/up" "! 11 failed: exit 3"
[ "$(cat "$ROOT/VERSION")" = 1.1.0 ] || fail "VERSION after hop 1: $(cat "$ROOT/VERSION")"

# The rollback shows what it will undo and the backup it relies on,
# wants the exact phrase, undoes, and stops at the restore that fails.
touch "$ROOT/BREAK-restore"
rollback_plain "$TMP/r1" "yes, roll back" "yes, roll back to 1.0.0" tick run \
    tick run quit
[ "$status" = 1 ] || fail "a paused rollback exited $status, want 1"
expect_line "$TMP/r1" "== rollback: what will be undone"
expect_line "$TMP/r1" "  Rolling back Filestore to 1.0.0: 8 steps, latest first; 3 by hand."
expect_line "$TMP/r1" "    2. Undo: Stop the service"
expect_line "$TMP/r1" "    5. migrate@1.1.0 cannot be undone automatically: Migrate the data to 1.1.0"
expect_line "$TMP/r1" "         by hand: data.txt may be half migrated; restore the backup."
expect_line "$TMP/r1" "         uses: $TMP/backups/filestore-1.0.0.tar"
expect_grep "$TMP/r1" "      10240 bytes, "
expect_line "$TMP/r1" "== rollback: 1 artifact checked: there, same sha256"
expect_line "$TMP/r1" "== rollback: run 2, 9 steps"
expect_line "$TMP/r1" "! 1 that is not the phrase: type exactly \"yes, roll back to 1.0.0\" (or \"yes, roll back to 1.1.0\")"
expect_line "$TMP/r1" "= 1 passed: confirmed"
expect_line "$TMP/r1" "! 8 failed: exit 4"
expect_line "$TMP/r1" "  | cannot restore"
expect_line "$TMP/r1" "? 8 action: it failed [retry, done REASON, shell, quit]"
expect_line "$TMP/r1" "= paused (quit): run 2 is unfinished; to resume it: stepup rollback --plain --state-dir $STATE $(realpath "$RUNBOOK")"
grep -q "^\[9/9\]" "$TMP/r1" && fail "the rollback went on past a failed step"
# Nothing ran before the phrase was in the journal.
[ "$(sql "select group_concat(kind || ':' || coalesce(step, ''), ' ') from (select kind, step from events where run = 2 and kind in ('phrase', 'start') order by seq limit 3)")" = \
  "phrase:rollback-confirm phrase:rollback-confirm start:undo:stop@2.0.0" ] ||
	fail "rollback events: $(sql "select seq, kind, step, detail from events where run = 2")"

# Resumed: retried once the cause is gone, then the files are as before.
rm "$ROOT/BREAK-restore"
rollback_plain "$TMP/r2" retry "tick started by hand"
[ "$status" = 0 ] || fail "the rollback exited $status, want 0: $(tail -5 "$TMP/r2")"
expect_line "$TMP/r2" "= resumed rollback run 2"
expect_line "$TMP/r2" "> 8 running (attempt 2)"
expect_line "$TMP/r2" "= done: Filestore rolled back, run 2"
expect_line "$TMP/r2" "== rollback summary"
expect_line "$TMP/r2" "  Rollback to 1.0.0: every step settled."
expect_line "$TMP/r2" "  Installed version: 1.0.0, the version restored."
expect_line "$TMP/r2" "    9. Check that the service runs 1.0.0 again: ticked off (started by hand)"
diff -r "$TMP/before" "$ROOT" >"$TMP/diff" 2>&1 || fail "files not restored: $(cat "$TMP/diff")"
[ "$(sql "select kind || ' ' || coalesce(parent, 0) || ' ' || status from runs order by id")" = \
  "$(printf 'upgrade 0 failed\nrollback 1 done')" ] || fail "runs: $(sql "select * from runs")"
[ "$(sql "select detail from events where run = 2 and kind = 'probe'")" = \
  "$(printf 'installed: cat "$root/VERSION"\nexit 0, output: 1.0.0')" ] ||
	fail "the closing probe: $(sql "select * from events where run = 2 and kind = 'probe'")"

# Done is done: a second rollback of the same run is refused.
rollback_plain "$TMP/r3"
[ "$status" = 2 ] || fail "a second rollback exited $status, want 2"
expect_grep "$TMP/r3.err" "stepup: run 1 (1.0.0 -> 2.0.0) was rolled back already, by run 2"

# The report of the upgrade holds its rollback.
"$STEPUP" export --run 1 --date d --host h >"$TMP/report" 2>"$TMP/report.err" ||
	fail "export --run 1: $(cat "$TMP/report.err")"
expect_line "$TMP/report" "Rolled back:  by run 2, to 1.0.0"
expect_line "$TMP/report" "[!] 11. Migrate the data to 2.0.0"
expect_line "$TMP/report" "[ ] 12. Install 2.0.0"
expect_line "$TMP/report" "        State: not reached"
expect_grep "$TMP/report" "Confirmed: by "
expect_line "$TMP/report" "Rollback, run 2"
finish

#!/bin/sh
# Copyright (c) 2026 the stepup authors.
# SPDX-License-Identifier: ISC (see LICENSE)
# rollback-checks.sh: stepup rollback refuses to start on a backup that
# changed or is gone (nothing runs, nothing is marked), rolls back a
# successful upgrade found wanting the next morning (the latest run in
# the journal, without naming the runbook), and its usage errors.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/session-lib.sh"

RUNBOOK="$top_srcdir/tests/data/export/filestore.yaml"
ROOT="$TMP/root"
FILESTORE_ROOT=$ROOT; export FILESTORE_ROOT
unset FILESTORE_TOKEN
mkdir "$ROOT"
echo 1.0.0 >"$ROOT/VERSION"
printf 'format 1.0.0\n' >"$ROOT/data.txt"
touch "$ROOT/BREAK-2.0.0"
cp -a "$ROOT" "$TMP/before"
BACKUP=$TMP/backups/filestore-1.0.0.tar

rollback_plain() {
	out=$1; shift
	printf '%s\n' "$@" | "$STEPUP" rollback "$RUNBOOK" >"$out" 2>"$out.err"
	status=$?
}

# Nothing to roll back yet.
expect_status 2 "$STEPUP" rollback
expect_grep "$TMP/err" "stepup: there is no run to roll back: the journal $STATE/journal.db does not exist yet"

stepup_plain "$TMP/up" "$TMP/backups" ack ack "yes, upgrade to 2.0.0" quit
[ "$status" = 1 ] || fail "the failed upgrade exited $status, want 1"
cp -a "$ROOT" "$TMP/after-upgrade"

# The backup changed since it was made: refused before anything runs.
cp "$BACKUP" "$TMP/backup.orig"
echo tampered >>"$BACKUP"
rollback_plain "$TMP/c1" "yes, roll back to 1.0.0"
[ "$status" = 1 ] || fail "a changed backup: exit $status, want 1"
expect_line "$TMP/c1" "! the rollback relies on an artifact that cannot be trusted, so nothing was run:"
expect_grep "$TMP/c1" "! $BACKUP (STEPUP_ARTIFACT_backup): it changed since it was made: 10249 bytes, sha256 "
expect_grep "$TMP/c1" "; recorded 10240 bytes, sha256 "
grep -q "== rollback: run" "$TMP/c1" && fail "a rollback run began on a changed backup"
[ "$(sql "select count(*) from runs")" = 1 ] || fail "runs: $(sql "select * from runs")"
diff -r "$TMP/after-upgrade" "$ROOT" >/dev/null || fail "files changed by a refused rollback"

# Gone: refused too.
rm "$BACKUP"
rollback_plain "$TMP/c2" "yes, roll back to 1.0.0"
[ "$status" = 1 ] || fail "a missing backup: exit $status, want 1"
expect_line "$TMP/c2" "! $BACKUP (STEPUP_ARTIFACT_backup): it is gone"
[ "$(sql "select count(*) from runs")" = 1 ] || fail "runs: $(sql "select * from runs")"

# Abandon the failed upgrade; a new one succeeds.
cp "$TMP/backup.orig" "$BACKUP"
rm "$ROOT/BREAK-2.0.0"
rm -rf "$ROOT" && cp -a "$TMP/before" "$ROOT" && rm "$ROOT/BREAK-2.0.0"
rm -rf "$TMP/before" && cp -a "$ROOT" "$TMP/before"
printf '%s\n' "abandon restored by hand" "$TMP/backups" ack ack \
    "yes, upgrade to 2.0.0" "tick" | "$STEPUP" run --plain "$RUNBOOK" \
    >"$TMP/up2" 2>&1
expect_line "$TMP/up2" "= done: Filestore upgraded, run 2"
[ "$(cat "$ROOT/VERSION")" = 2.0.0 ] || fail "VERSION after the upgrade: $(cat "$ROOT/VERSION")"

# The next morning: stepup rollback, no runbook named: the latest run.
printf '%s\n' "yes, roll back to 1.0.0" tick run run run tick run tick run \
    tick | "$STEPUP" rollback >"$TMP/c3" 2>"$TMP/c3.err"
status=$?
[ "$status" = 0 ] || fail "rollback of a done run exited $status: $(tail -8 "$TMP/c3")"
expect_line "$TMP/c3" "== run 2, 1.0.0 -> 2.0.0, begun by $(sql "select operator from runs where id = 2") on $(sql "select host from runs where id = 2")"
expect_line "$TMP/c3" "  Installed version: 1.0.0, the version restored."
diff -r "$TMP/before" "$ROOT" >"$TMP/diff" 2>&1 || fail "files not restored: $(cat "$TMP/diff")"
[ "$(sql "select status from runs where id = 2")" = failed ] ||
	fail "the rolled-back run: $(sql "select * from runs where id = 2")"

# One operator at a time: while a wizard holds the runbook's lock, a
# rollback exits 4 and names the holder.
mkfifo "$TMP/fifo"
"$STEPUP" run --plain "$RUNBOOK" <"$TMP/fifo" >"$TMP/holder" 2>&1 &
holder=$!
exec 3>"$TMP/fifo"
wait_grep "$TMP/holder" "? var backup_dir"
expect_status 4 "$STEPUP" rollback "$RUNBOOK"
expect_grep "$TMP/err" "holds its lock; try again when they are done"
expect_grep "$TMP/err" "(pid $holder)"
exec 3>&-
wait "$holder"

# Usage.
expect_status 2 "$STEPUP" rollback a.yaml b.yaml
expect_grep "$TMP/err" "stepup: one runbook at a time ('b.yaml' is extra)"
expect_status 2 "$STEPUP" rollback --bogus
finish
